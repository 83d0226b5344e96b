"""Calculus in the LaTeX reader: ∇, ∂, d/dx and the derivative written as a fraction. A
mixin of `latex._Parser`: it uses the parser's expressions and scripts."""

from __future__ import annotations

from derive.model.ast import (
    Call,
    Derivative,
    Div,
    Gradient,
    Mul,
    Name,
    Node,
    Num,
    Pow,
    Subscript,
)
from derive.parsing.latex_cursor import Cursor
from derive.parsing.latex_lexer import (
    CMD,
    END,
    LBRACE,
    LETTER,
    OP,
    WORD,
    Token,
)


class Calculus(Cursor):
    """∇_w L, ∇l(v), ∂_w L, \\frac{d}{dx}, \\frac{\\partial f}{\\partial w}."""

    def gradient(self, token: Token) -> Node:
        if self.at(OP, "^"):
            raise self.error(token.pos, "Hessians \\nabla^2 are not supported")
        if not self.at(OP, "_"):
            return self.gradient_at_point(token)
        var = self.subscript(self.advance())[0]
        if self.at(OP, "^"):
            raise self.error(token.pos, "Hessians \\nabla^2 are not supported")
        with self.nested(token.pos):
            if not self.starts_factor(self.peek()):
                raise self.error(self.peek().pos, "missing expression after \\nabla")
            operand = self.run(stop_at_functions=False)
        return self.make(Gradient(operand, var, pos=token.pos))

    def gradient_at_point(self, token: Token) -> Node:
        """`\\nabla l(v)`: the gradient of a function of one argument at the point v, the
        only variable it can mean; the factors after the call are not differentiated."""
        with self.nested(token.pos):
            operand = self.run(stop_at_functions=False) if self.starts_factor(self.peek()) else None
        factors = operand.factors if isinstance(operand, Mul) else (operand,)
        match factors[0]:
            case (
                Call(args=(Name() | Subscript() | Pow(base=Name()) as point,), derivative=0) as call
            ):
                # v^t is an element of v where v is a sequence; elaboration decides
                gradient = self.make(Gradient(call, point, pos=token.pos, at_point=True))
                return Mul((gradient, *factors[1:]), pos=token.pos) if factors[1:] else gradient
        raise self.error(token.pos, "say which variable: \\nabla_w L")

    def partial(self, token: Token) -> Node:
        if not self.at(OP, "_"):
            raise self.error(
                token.pos, "\\partial outside a derivative: write \\frac{\\partial f}{\\partial w}"
            )
        var = self.subscript(self.advance())[0]
        with self.nested(token.pos):
            if not self.starts_factor(self.peek()):
                raise self.error(self.peek().pos, "missing expression after \\partial")
            operand = self.run(stop_at_functions=False)
        return self.make(Derivative(operand, var, pos=token.pos))

    # -- fractions and derivatives -------------------------------------------------------

    def is_d(self, token: Token) -> bool:
        """`d`, `\\partial`, `\\mathrm{d}`: the differential symbol of a derivative."""
        return (
            (token.kind == LETTER and token.value == "d")
            or (token.kind == CMD and token.value == "partial")
            or (token.kind == WORD and token.text == "d")
        )

    def arg_span(self, index: int) -> tuple[int, int, int] | None:
        """(first, stop, next) token indices of the macro argument starting at `index`."""
        token = self.toks[index]
        if token.kind == LBRACE:
            if token.match < 0:
                return None
            return index + 1, token.match, token.match + 1
        if token.kind == END:
            return None
        return index, index + 1, index + 1

    def fraction(self, token: Token) -> Node:
        num = self.arg_span(self.i)
        den = self.arg_span(num[2]) if num else None
        if num and den and self.derivative_shape(num, den):
            return self.derivative(token, num, den)
        numerator = self.argument(token)
        if self.at(END):
            raise self.error(token.pos, f"missing denominator for \\{token.value}")
        denominator = self.argument(token)
        return self.make(Div(numerator, denominator, pos=token.pos))

    def derivative_shape(self, num: tuple[int, int, int], den: tuple[int, int, int]) -> bool:
        toks = self.toks
        if not (self.is_d(toks[num[0]]) and self.is_d(toks[den[0]])):
            return False
        if den[1] - den[0] < 2 or toks[den[0] + 1].kind == OP:
            return False
        after = toks[num[0] + 1] if num[0] + 1 < num[1] else None
        return after is None or not (after.kind == OP and after.value == "_")

    def derivative(
        self, token: Token, num: tuple[int, int, int], den: tuple[int, int, int]
    ) -> Node:
        """\\frac{d f}{dx}, \\frac{\\partial^2}{\\partial x^2} g, \\frac{d}{dz}(...)."""
        self.i = num[0] + 1
        order = self.order() if self.at(OP, "^") else 1
        body = None
        if self.i < num[1]:
            with self.nested(token.pos):
                body = self.expression()
            if self.i != num[1]:
                raise self.error(
                    self.peek().pos, f"unexpected {self.written(self.peek())} in a derivative"
                )
        self.i = den[0]
        variables: list[tuple[Node, int]] = []
        written: list[Node] = []
        with self.nested(token.pos):
            while self.i < den[1]:
                d = self.advance()
                if not self.is_d(d):
                    raise self.error(d.pos, "expected d or \\partial before each variable")
                if self.i >= den[1]:
                    raise self.error(d.pos, "missing variable after d")
                var = self.run(stop_at_functions=False, stop_at_d=True)
                written.append(var)
                if (
                    isinstance(var, Pow)
                    and isinstance(var.exponent, Num)
                    and (var.exponent.value.denominator == 1 and 1 < var.exponent.value <= 9)
                ):
                    variables.append((var.base, int(var.exponent.value)))
                else:
                    variables.append((var, 1))
            if self.i != den[1]:
                raise self.error(self.peek().pos, "unexpected token in a derivative")
        self.i = den[2]
        if order == 1 and len(written) == 1 and variables[0][1] == 2:
            variables = [(written[0], 1)]  # ∂f/∂σ^2: by the quantity σ² (lowering decides)
        if sum(k for _, k in variables) != order:
            raise self.error(token.pos, "the orders above and below the fraction bar differ")
        if body is None:
            with self.nested(token.pos):
                if not self.starts_factor(self.peek()):
                    raise self.error(token.pos, "missing expression after d/dx")
                body = self.run(stop_at_functions=False)
        for var, k in reversed(variables):
            body = self.make(Derivative(body, var, k, pos=token.pos))
        return body

    def order(self) -> int:
        mark = self.advance()
        sup = self.superscript(mark)
        value = sup[1] if sup[0] == "expr" else None
        if not (isinstance(value, Num) and value.value.denominator == 1 and 1 <= value.value <= 9):
            raise self.error(mark.pos, "the order of a derivative must be a small whole number")
        return int(value.value)


def _increments_named(body: Node, letter: str, name: str) -> Node:
    """`Δ w` (the factors Δ and w side by side) as the one name of an increment."""
