"""A parser for the LaTeX students write in deep-learning derivations.

sympy's LaTeX parsers cannot read this notation (`\\|u\\|`, `\\nabla_u L`, `\\mathbb{E}[x]`)
and evaluate while parsing, so this is a small recursive-descent parser of our own. It reads
untrusted text: nothing is evaluated, every failure is a `ParseError` with a column, and
length, nesting depth, digits and tree size are bounded by `LIMITS`.

The tree says what was written, not what it means (see `derive.model.ast`): `u^T` is a
power, `f(x)` a call, `v_t` a subscript; later steps decide against the context.

Grammar, loosest first::

    statement  := expression (relation expression)*        a = b <= c is a Chain
    expression := ['+'|'-'] term (('+'|'-') term)*           a - b is Add((a, Neg(b)))
    term       := factor (('\\cdot'|'*'|'/'|'\\odot') factor | factor)*   juxtaposition
    factor     := atom scripts [call]                        x^2, v_{t-1}, f'(x)

Function arguments without parentheses (`\\log 2x`), and the operands of `d/dz`, `∂/∂w`
and `∇_w`, are the run of juxtaposed factors that follows; the body of `\\sum` is the
following term. `/` divides what precedes it by the next factor (`1/2 x` is x/2);
`\\odot` takes the run on its right (`a \\odot W h` is a ⊙ (W h)).

Prose: `\\text{...}` holding words (`\\text{ as }`, `\\text{and}`) ends the statement at
the top level and everything after it is dropped; a `\\text{Var}`-like single word is a
name or a function.
"""

from __future__ import annotations

import re
from fractions import Fraction

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.model.ast import (
    Abs,
    Add,
    Call,
    Chain,
    Component,
    Const,
    Div,
    Expectation,
    Extremum,
    Hadamard,
    Name,
    Neg,
    Node,
    Norm,
    Num,
    Pow,
    Relation,
    Subscript,
    Transpose,
    Variance,
)
from derive.parsing.ellipses import Unreadable, folded
from derive.parsing.latex_calculus import Calculus
from derive.parsing.latex_cursor import _pos
from derive.parsing.latex_lexer import (
    BAR,
    CLOSE,
    CMD,
    END,
    LBRACE,
    LETTER,
    NAME,
    NUM,
    OP,
    OPEN,
    RBRACE,
    REL,
    WORD,
    Token,
    check_length,
    has_environment,
    split_aligned,
    strip_delimiters,
    tokenize,
)
from derive.parsing.latex_operators import Operators
from derive.vocabulary import ARITY, LATEX_COMMANDS, LATEX_WORDS, NORM_KINDS
from derive.vocabulary import GREEK_COMMANDS as GREEK_NAMES

__all__ = ["parse_latex", "parse_latex_expression", "split_aligned"]

STYLES = {
    "mathbf", "bf", "boldsymbol", "bm", "pmb", "vec", "mathcal", "mathscr", "mathfrak",
    "mathbfit", "overrightarrow",
}  # fmt: skip
ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
    "widetilde": "tilde", "dot": "dot", "ddot": "ddot",
}  # fmt: skip
FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
PRODUCTS = {"cdot", "times", "ast"}
# Commands that continue a term rather than start a factor.
INFIX = PRODUCTS | {"div", "odot", "circ", "\\"}

_NOT_STATEMENT = "implications are not statements derive can check: give each side its own line"
_NEGATED = (
    "a negated inequality such as ≰ has two readings (not always ≤, or always >): "
    "write > for the second, or the counterexample for the first"
)
REFUSED = {
    "pm": "ambiguous ±: write the two cases separately",
    "mp": "ambiguous ∓: write the two cases separately",
    "simeq": "≃ is not checkable; write =",
    "sim": "∼ is not checkable",
    "propto": "∝ is not checkable; write the constant",
    "ll": "≪ is not checkable",
    "gg": "≫ is not checkable",
    "to": _NOT_STATEMENT,
    "rightarrow": _NOT_STATEMENT,
    "longrightarrow": _NOT_STATEMENT,
    "Rightarrow": _NOT_STATEMENT,
    "Longrightarrow": _NOT_STATEMENT,
    "implies": _NOT_STATEMENT,
    "impliedby": _NOT_STATEMENT,
    "iff": _NOT_STATEMENT,
    "Leftrightarrow": _NOT_STATEMENT,
    "mapsto": _NOT_STATEMENT,
    "cdots": "... between terms that are not written: write the sum with \\sum",
    "dots": "... between terms that are not written: write the sum with \\sum",
    "ldots": "... between terms that are not written: write the sum with \\sum",
    "vdots": "... cannot be checked",
    "ddots": "... cannot be checked",
    "dotsb": "... between terms that are not written: write the sum with \\sum",
    "dotsc": "... cannot be checked",
    "nleq": _NEGATED,
    "ngeq": _NEGATED,
    "nless": _NEGATED,
    "ngtr": _NEGATED,
    "nleqslant": _NEGATED,
    "ngeqslant": _NEGATED,
    "in": "membership ∈ is a declaration, not an equation",
    "notin": "membership ∉ is a declaration, not an equation",
    "subset": "set relations are not equations",
    "subseteq": "set relations are not equations",
    "forall": "quantifiers are not part of an equation: state the condition in words",
    "exists": "quantifiers are not part of an equation",
    "mid": "conditional probabilities p(a | b) are not supported",
    "int": "integrals are not supported",
    "iint": "integrals are not supported",
    "oint": "integrals are not supported",
    "liminf": "limits cannot be checked",
    "limsup": "limits cannot be checked",
    "sup": "a supremum cannot be checked",
    "inf": "an infimum cannot be checked (infinity is \\infty)",
    "arg": "arg max / arg min cannot be checked",
    "argmax": "arg max cannot be checked",
    "argmin": "arg min cannot be checked",
    "Pr": "probabilities are not supported",
    "otimes": "⊗ is not supported",
    "oplus": "⊕ is not supported",
    "langle": "inner products ⟨a, b⟩ are not supported: write a^\\top b",
    "star": "\\star is only supported as a superscript (w^\\star)",
    "top": "\\top outside a superscript: write u^\\top",
    "intercal": "\\intercal outside a superscript: write u^\\intercal",
    "prime": "\\prime outside a superscript",
    "perp": "\\perp outside a superscript",
    "emptyset": "sets are not expressions",
    "neg": "logic is not supported",
    "land": "logic is not supported",
    "lor": "logic is not supported",
    "end": "\\end without \\begin",
    "\\": "line break \\\\ inside a statement: split the block with split_aligned()",
}
for _name in ("tan", "cot", "sec", "csc", "sinh", "cosh", "coth", "arcsin", "arccos", "arctan",
              "lg", "deg", "dim", "gcd", "hom", "ker"):  # fmt: skip
    REFUSED[_name] = f"\\{_name} is not supported"
_ELLIPSES = ("cdots", "dots", "ldots", "dotsb", "dotsm")
_BRACES = "braces {...} do not group what the reader sees: use ( )"
_SETS = "sets like ℝ are declarations, not expressions"
_RELATION_SYMBOL = {
    "=": "=",
    "!=": "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    ":=": ":=",
    "<-": "←",
}
OP_MESSAGES = {
    ",": "a comma outside brackets: give one statement per line",
    "!": "factorials are not supported",
    ":": "unexpected ':' (ranges and set-builder notation are not supported)",
    ";": "unexpected ';'",
    ".": "unexpected '.'",
    "^": "superscript without a base",
    "_": "subscript without a base",
    "'": "prime without a base",
}


class _Parser(Operators, Calculus):
    """Recursive descent over the tokens of one statement: expressions, terms, factors
    and scripts here; big operators and calculus in their mixins."""

    # -- statements and expressions ------------------------------------------------------

    def statement(self) -> Node:
        lhs = self.expression()
        links: list[Relation] = []
        while self.at(REL):
            op = self.advance()
            rhs = self.expression()
            links.append(self.make(Relation(op.value, lhs, rhs, pos=op.pos)))
            lhs = rhs
        self.finish()
        if not links:
            return lhs
        if len(links) == 1:
            return links[0]
        return self.make(Chain(tuple(links), pos=links[0].pos))

    def finish(self) -> None:
        token = self.peek()
        if token.kind == END:
            return
        if token.kind in (CLOSE, RBRACE, BAR):
            raise self.error(token.pos, f"unmatched {self.written(token)}")
        if token.kind == OP:
            raise self.error(token.pos, OP_MESSAGES.get(token.value, "unexpected symbol"))
        if token.kind == CMD and token.value in REFUSED:
            raise self.error(token.pos, REFUSED[token.value])
        raise self.error(token.pos, f"unexpected {self.written(token)}")

    def expression(self) -> Node:
        pos = self.peek().pos
        terms = [self.signed_term()]
        dots: list[tuple[int, int]] = []  # (where in terms, column) of each `+ ⋯ +`
        while True:
            token = self.peek()
            if token.kind == OP and token.value in "+-":
                self.advance()
                if (length := self.ellipsis_length()) and self.at(OP, token.value, ahead=length):
                    dots.append((len(terms), self.peek().pos))
                    self.i += length
                    continue
                term = self.signed_term()
                terms.append(self.make(Neg(term, pos=token.pos)) if token.value == "-" else term)
            elif token.kind == CMD and token.value in ("pm", "mp"):
                raise self.error(token.pos, REFUSED[token.value])
            else:
                break
        terms = self.folded(terms, dots, product=False)
        return terms[0] if len(terms) == 1 else self.make(Add(tuple(terms), pos=pos))

    def ellipsis_length(self) -> int:
        """How many tokens the dots at the cursor take: `\\cdots`, `\\dots`, `\\ldots`,
        `…`, or three or more `\\cdot` in a row (as converted PDFs write them); 0 if none."""
        if self.at(CMD) and self.peek().value in _ELLIPSES:
            return 1
        length = 0
        while self.at(CMD, "cdot", ahead=length):
            length += 1
        return length if length >= 3 else 0

    def folded(
        self, items: list[Node], dots: list[tuple[int, int]], *, product: bool
    ) -> list[Node]:
        """`items` with the run around each ellipsis replaced by its sum or product."""
        for number in reversed(range(len(dots))):
            where, column = dots[number]
            if where >= len(items):
                raise self.error(column, "... ends the expression: the last term is not written")
            previous = dots[number - 1][0] + 1 if number else 0  # after the last term of a run
            preceding = items[previous : where - 1]
            following = items[where + 1 :]  # runs further right are folded already
            try:
                taken, joined, run = folded(
                    preceding,
                    items[where - 1],
                    items[where],
                    following,
                    product=product,
                    pos=column,
                )
            except Unreadable as error:
                raise self.error(column, str(error)) from None
            items[where - 1 - taken : where + 1 + joined] = [self.make(run)]
        return items

    def signs(self) -> list[Token]:
        signs = []
        while self.at(OP) and self.peek().value in "+-":
            signs.append(self.advance())
        if self.at(CMD) and self.peek().value in ("pm", "mp"):
            raise self.error(self.peek().pos, REFUSED[self.peek().value])
        return signs

    def signed(self, signs: list[Token], node: Node) -> Node:
        for sign in reversed(signs):
            if sign.value == "-":
                node = self.make(Neg(node, pos=sign.pos))
        return node

    def signed_term(self) -> Node:
        signs = self.signs()
        return self.signed(signs, self.term())

    def term(self) -> Node:
        pos = self.peek().pos
        items = [self.factor()]
        dots: list[tuple[int, int]] = []  # (where in items, column) of each `a_1 ⋯ a_n`
        while True:
            token = self.peek()
            if self.product_ellipsis():
                dots.append((len(items), token.pos))
                if not self.starts_factor(self.peek()):
                    raise self.error(
                        token.pos, "... ends the product: the last factor is not written"
                    )
                items.append(self.factor())
            elif (token.kind == OP and token.value == "*") or (
                token.kind == CMD and token.value in PRODUCTS
            ):
                self.advance()
                signs = self.signs()
                items.append(self.signed(signs, self.factor()))
            elif (token.kind == OP and token.value == "/") or (
                token.kind == CMD and token.value == "div"
            ):
                self.advance()
                signs = self.signs()
                right = self.signed(signs, self.factor())
                items, dots = self.folded(items, dots, product=True), []
                items = [self.make(Div(self.product(items, pos), right, pos=token.pos))]
            elif token.kind == CMD and token.value in ("odot", "circ"):
                self.advance()
                right = self.run(stop_at_functions=False)
                items, dots = self.folded(items, dots, product=True), []
                left = self.product(items, pos)
                items = [self.make(Hadamard(left, right, pos=token.pos))]
            elif self.starts_factor(token):
                if token.kind == NUM and self.toks[self.i - 1].kind == NUM:
                    raise self.error(token.pos, "two numbers side by side: write 2 \\cdot 3")
                items.append(self.factor())
            else:
                break
        if len(items) > 1:
            for item in items:
                if id(item) in self.braced:
                    raise self.error(_pos(item), _BRACES)
        return self.product(self.folded(items, dots, product=True), pos)

    def product_ellipsis(self) -> bool:
        """Dots between factors, with or without \\cdot around them, consumed; False (and
        nothing consumed) when the cursor is at none."""
        start = self.i
        if self.at(CMD) and self.peek().value in PRODUCTS and not self.ellipsis_length():
            self.advance()
        if length := self.ellipsis_length():
            self.i += length
            if self.at(CMD) and self.peek().value in PRODUCTS:
                self.advance()
            return True
        self.i = start
        return False

    def starts_factor(self, token: Token) -> bool:
        kind = token.kind
        if kind in (NUM, LETTER, NAME, WORD, LBRACE, OPEN):
            return True
        if kind == CMD:
            return token.value not in INFIX and token.value not in ("pm", "mp")
        if kind == BAR:
            return self.bar_opens(token)
        return False

    def bar_opens(self, token: Token) -> bool:
        """A bare | or || opens unless the innermost open bar is waiting for it."""
        if not self.bars:
            return True
        return not (self.bars[-1] == token.value or (self.bars[-1] == "|" and token.value == "||"))

    def run(self, *, stop_at_functions: bool, stop_at_d: bool = False) -> Node:
        """The juxtaposed factors that follow: the argument of `\\log 2x`, of d/dz, ∇_w."""
        token = self.peek()
        signs = self.signs()
        if not self.starts_factor(self.peek()):
            raise self.error(self.peek().pos, "missing expression")
        items = [self.factor()]
        while self.starts_factor(self.peek()):
            nxt = self.peek()
            if stop_at_functions and self.is_operator_start(nxt):
                break
            if stop_at_d and self.is_d(nxt):
                break
            items.append(self.factor())
        return self.signed(signs, self.product(items, token.pos))

    def is_operator_start(self, token: Token) -> bool:
        if token.kind == CMD:
            return token.value in LATEX_COMMANDS or token.value in (
                "sum",
                "prod",
                "nabla",
                "partial",
            )
        return token.kind == WORD and token.text.lower() in LATEX_WORDS

    # -- factors -------------------------------------------------------------------------

    def factor(self) -> Node:
        """An atom and its scripts; every construct that recurses goes through `nested`."""
        pos = self.peek().pos
        node, callable_name = self.atom()
        return self.scripts(node, callable_name, pos)

    def atom(self) -> tuple[Node, str | None]:
        token = self.advance()
        kind, value, pos = token.kind, token.value, token.pos
        if kind == NUM:
            return self.make(Num(Fraction(value), pos=pos)), None
        if kind == LETTER:
            return self.letter(token)
        if kind == NAME:
            return self.greek(token)
        if kind == OPEN:
            return self.bracket(token), None
        if kind == LBRACE:
            node = self.braced_group(token, "braces")
            if isinstance(node, Add):
                self.braced.add(id(node))
            return node, None
        if kind == BAR:
            if not self.bar_opens(token):
                raise self.error(pos, "missing expression")
            return self.bars_group(token), None
        if kind == WORD:
            return self.word(token)
        if kind == CMD:
            return self.command(token)
        if kind == END:
            raise self.error(pos, "missing expression at the end")
        if kind == REL:
            symbol = _RELATION_SYMBOL.get(value, value)
            raise self.error(pos, f"missing expression before {symbol}")
        if kind in (CLOSE, RBRACE):
            raise self.error(pos, f"missing expression before {self.written(token)}")
        raise self.error(pos, OP_MESSAGES.get(value, f"unexpected {self.written(token)}"))

    def letter(self, token: Token) -> tuple[Node, str | None]:
        value, pos = token.value, token.pos
        if value == "E" and self.at(OPEN, "["):
            return self.operator_bracket(token, Expectation), None
        bracket = self.at(OPEN, "(", 2) or self.at(OPEN, "[", 2)
        if value in "Vv" and bracket and self.plain_word("ar"):
            self.i += 2
            return self.operator_bracket(token, Variance), None
        if value in ("e", "I"):
            return self.make(Const(value, pos=pos)), None
        return self.make(Name(value, pos=pos)), value

    def plain_word(self, rest: str) -> bool:
        """Whether the letters `rest` follow the current one, without spaces."""
        for k, letter in enumerate(rest):
            token = self.peek(k)
            if token.kind != LETTER or token.value != letter or token.space:
                return False
        return True

    def greek(self, token: Token) -> tuple[Node, str | None]:
        if token.value == "pi":
            return self.make(Const("pi", pos=token.pos)), None
        if token.value in ("Sigma", "Pi") and self.at(OP, "_") and self.bounds_follow():
            return self.big_operator(token, product=token.value == "Pi"), None
        return self.make(Name(token.value, pos=token.pos)), token.value

    def bounds_follow(self) -> bool:
        """`\\Pi_{i=1}` written for a product: a braced subscript holding `=`."""
        brace = self.peek(1)
        if brace.kind != LBRACE or brace.match < 0:
            return False
        return any(t.kind == REL and t.value == "=" for t in self.toks[self.i + 2 : brace.match])

    def word(self, token: Token) -> tuple[Node, str | None]:
        """\\mathrm{..}, \\operatorname{..}, \\text{..}, \\mathbb{..}: names, functions, E, Var."""
        content, pos = token.text, token.pos
        if token.value == "mathbb" or re.fullmatch(r"\\mathbb\s*\{?\s*[A-Za-z]\s*\}?", content):
            letter = content.replace("\\mathbb", "").strip(" {}")
            if letter == "E":
                return self.operator_bracket(token, Expectation), None
            if letter == "V":
                return self.operator_bracket(token, Variance), None
            if letter in "RNZQC" and len(letter) == 1:
                raise self.error(pos, _SETS)
            if letter == "1":
                return self.indicator(token), None
            name = letter if re.fullmatch(r"[a-z]", letter) else GREEK_NAMES.get(letter[1:], "")
            if name and (letter[0] == "\\" or len(letter) == 1):  # \mathbb{w}: a bold w
                if name in ("e", "pi"):
                    return self.make(Const(name, pos=pos)), None  # as \mathbf{e}, \boldsymbol{\pi}
                return self.make(Name(name, pos=pos)), name
            raise self.error(pos, f"unknown \\mathbb{{{content}}}")
        lower = re.sub(r"\s+", "", content).lower()
        if lower in ("argmax", "argmin"):
            raise self.error(pos, REFUSED["arg"])
        if content == "E":
            return self.operator_bracket(token, Expectation), None
        if lower in ("var", "variance"):
            return self.operator_bracket(token, Variance), None
        if lower in LATEX_WORDS:
            return self.function(token, LATEX_WORDS[lower]), None
        if content == "e":
            return self.make(Const("e", pos=pos)), None
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", content):
            return self.make(Name(content, pos=pos)), content
        if re.fullmatch(r"[0-9]+", content) and len(content) <= LIMITS.max_digits:
            return self.make(Num(Fraction(content), pos=pos)), None
        raise self.error(pos, f"unsupported content in \\{token.value}{{{content}}}")

    def command(self, token: Token) -> tuple[Node, str | None]:
        name, pos = token.value, token.pos
        if name in FRACTIONS:
            return self.fraction(token), None
        if name in LATEX_COMMANDS:
            return self.function(token, LATEX_COMMANDS[name]), None
        if name == "sqrt":
            return self.sqrt(token), None
        if name in STYLES:
            node = self.argument(token)
            return node, node.name if isinstance(node, Name) else None
        if name in ACCENTS:
            return self.accent(token, ACCENTS[name]), None
        if name in ("sum", "prod"):
            return self.big_operator(token, product=name == "prod"), None
        if name == "lim":
            return self.limit(token), None
        if name == "cases":
            return self.cases(token), None
        if name == "nabla":
            return self.gradient(token), None
        if name == "partial":
            return self.partial(token), None
        if name == "infty":
            return self.make(Const("inf", pos=pos)), None
        if name == "begin":
            brace = self.peek()
            env = self.text[brace.end : self.toks[brace.match].pos] if brace.match > 0 else "..."
            raise self.error(pos, f"\\begin{{{env}}} is not supported inside a statement")
        if name in REFUSED:
            raise self.error(pos, REFUSED[name])
        if name in INFIX:
            raise self.error(pos, f"missing expression before \\{name}")
        raise self.error(pos, f"unknown command \\{name}")

    # -- scripts and calls ---------------------------------------------------------------

    def scripts(self, node: Node, callable_name: str | None, pos: int) -> Node:
        """Primes, ^ and _ after an atom (in either order), then a call if one follows."""
        if self.indicator_follows(node):
            return self.indicator(self.toks[self.i - 1])
        primes = 0
        sup: tuple | None = None
        sub: tuple | None = None
        while True:
            token = self.peek()
            if token.kind != OP or token.value not in "'^_":
                break
            self.advance()
            if token.value == "'":
                primes += 1
            elif token.value == "^":
                if sup is not None:
                    raise self.error(token.pos, "double superscript: use braces")
                sup = self.superscript(token)
            else:
                if sub is not None:
                    raise self.error(token.pos, "double subscript: use braces")
                sub = self.subscript(token, entry=True)
        if id(node) in self.braced and (primes or sup or sub):
            raise self.error(_pos(node), _BRACES)
        if sup is not None and sup[0] == "prime":
            primes += sup[1]
            sup = None
        if sup is not None and sup[0] == "index" and isinstance(node, Name):
            node = self.make(Subscript(node.name, sup[1], sup[2], pos=pos))
            sup = None
        if sup is not None and sup[0] in ("star", "perp") and isinstance(node, Name):
            node = self.make(Name(f"{node.name}_{sup[0]}", pos=pos))
            sup = None
        if primes:
            if isinstance(node, Name) and sub is None and sup is None and self.at(OPEN, "("):
                return self.after_call(self.call(node.name, pos, derivative=primes))
            if not isinstance(node, Name):
                raise self.error(pos, "a prime on an expression: write the derivative with d/dx")
            node = self.make(Name(node.name + "_prime" * primes, pos=pos))
        if sub is not None:
            node = self.apply_subscript(node, sub, callable_name, pos)
            if isinstance(node, Call):
                return self.after_call(node)
            if isinstance(node, Subscript) and sup is None and self.comma_call_follows():
                # L_{reg}(f, y): several arguments cannot be a product, so it is a call
                return self.after_call(self.call(f"{node.base}_{node.label}", pos))
        elif (
            isinstance(node, Name)
            and node.name == callable_name
            and sup is None
            and self.at(OPEN, "(")
        ):
            return self.after_call(self.call(node.name, pos))
        if sup is not None:
            node = self.apply_superscript(node, sup, pos)
        return node

    def apply_subscript(self, node: Node, sub: tuple, callable_name: str | None, pos: int) -> Node:
        index, label, sub_pos = sub
        if isinstance(node, Norm) and node.kind is None:
            if isinstance(index, Num) and index.value.denominator == 1:
                kind = str(index.value)
            elif isinstance(index, Name) and index.name in NORM_KINDS:
                kind = NORM_KINDS[index.name]
            elif index == Const("inf"):
                kind = "inf"
            else:
                raise self.error(sub_pos, "unsupported norm subscript")
            return self.make(Norm(node.operand, kind, pos=node.pos))
        if isinstance(node, Name):
            if (
                node.name == "lambda"
                and callable_name == "lambda"
                and label in ("1", "max")
                and self.at(OPEN, "(")
            ):
                return self.call("lambda_max", pos)
            base = node.name
        elif isinstance(node, Const) and node.name in ("e", "I", "pi"):
            base = node.name
        elif isinstance(node, Subscript) and node.label.startswith("("):
            base = f"{node.base}^{node.label}"
        else:  # (W x)_i, [h W + b]_b
            return self.entry(node, index, label, sub_pos)
        return self.make(Subscript(base, index, label, pos=pos))

    def entry(self, expr: Node, index: Node, label: str, column: int) -> Node:
        """The entry `index` of an expression's value, where its index reads one way: one
        letter, a number, `i+1`, or two letters for a matrix (not `(W x)_{1i}`, `(A B)_{12}`)."""
        if re.fullmatch(r"[A-Za-z0-9]{2,}", label) and not re.fullmatch(r"[A-Za-z]{2}", label):
            raise self.error(column, f"the entry ({label}) runs indices together: write them apart")
        return self.make(Component(expr, index, pos=_pos(expr)))

    def apply_superscript(self, node: Node, sup: tuple, pos: int) -> Node:
        kind = sup[0]
        if kind == "T":
            return self.make(Transpose(node, pos=pos))
        if kind in ("star", "perp"):
            raise self.error(
                pos, f"^\\{kind} on an expression: it only names a variable (w^\\{kind})"
            )
        return self.make(Pow(node, sup[1], pos=pos))

    def after_call(self, node: Node) -> Node:
        """`f(x)^2`: a power may follow a call; `softmax(z)_i` is an entry of its value."""
        if self.at(OP, "'"):
            raise self.error(self.peek().pos, "a prime after a call: write the derivative")
        if self.at(OP, "_"):
            index, label, column = self.subscript(self.advance())
            node = self.entry(node, index, label, column)
        if self.at(OP, "^"):
            token = self.advance()
            sup = self.superscript(token)
            if sup[0] in ("prime", "star", "perp"):
                raise self.error(token.pos, "unsupported superscript after a call")
            return self.apply_superscript(node, sup, _pos(node))
        return node

    def call(self, name: str, pos: int, derivative: int = 0) -> Node:
        args = self.call_arguments(self.advance())
        return self.make(Call(name, args, derivative, pos=pos))

    def call_arguments(self, opening: Token) -> tuple[Node, ...]:
        """The comma-separated arguments inside a bracket, up to its matching closer."""
        with self.nested(opening.pos):
            if self.at(CLOSE):
                raise self.error(opening.pos, "empty parentheses")
            args = [self.expression()]
            while self.at(OP, ",") or self.at(OP, ";"):  # f(x; θ): its parameters after ;
                self.advance()
                args.append(self.expression())
            self.close(opening)
        return tuple(args)

    def superscript(self, caret: Token) -> tuple:
        """What follows ^: ("T",), ("prime", k), ("star",), ("perp",), ("index", node,
        label) for `^{(t)}`, or ("expr", node)."""
        token = self.peek()
        if token.kind == LBRACE:
            first, last = self.i + 1, token.match
            if last < 0:
                raise self.error(token.pos, "missing closing brace for ^")
            inner = self.toks[first:last]
            if not inner:
                raise self.error(token.pos, "empty superscript")
            special = self.special_superscript(inner)
            if special is not None:
                self.i = last + 1
                return special
            if (
                inner[0].kind == OPEN
                and inner[0].value == "("
                and self.matching_close(first, last) == last - 1
            ):
                self.advance()
                opening = self.advance()
                with self.nested(opening.pos):
                    node = self.expression()
                    self.close(opening)
                self.advance()
                label = re.sub(r"\s+", "", self.text[inner[0].pos : inner[-1].end])
                return ("index", node, label)
            return ("expr", self.braced_group(self.advance(), "^"))
        special = self.special_superscript([token])
        if special is not None:
            self.advance()
            return special
        if token.kind == OP and token.value == "-":
            raise self.error(token.pos, "write x^{-1}: a negative exponent needs braces")
        return ("expr", self.single_argument(caret, "^"))

    def special_superscript(self, tokens: list[Token]) -> tuple | None:
        values = [t.value for t in tokens]
        kinds = {t.kind for t in tokens}
        if values in (["top"], ["intercal"]) and kinds == {CMD}:
            return ("T",)
        if values == ["o", "p"] and kinds == {LETTER}:  # \top with its "\t" lost to a tab
            return ("T",)
        if all(t.value in ("prime", "'") and t.kind in (CMD, OP) for t in tokens):
            return ("prime", len(tokens))
        if values in (["*"], ["star"], ["ast"]) and kinds <= {OP, CMD}:
            return ("star",)
        if values == ["perp"] and kinds == {CMD}:
            return ("perp",)
        return None

    def comma_call_follows(self) -> bool:
        """Whether a ( follows whose content has a comma outside inner brackets."""
        if not self.at(OPEN, "("):
            return False
        stop = self.matching_close(self.i, len(self.toks))
        depth = 0
        for token in self.toks[self.i + 1 : stop]:
            if token.kind in (OPEN, LBRACE):
                depth += 1
            elif token.kind in (CLOSE, RBRACE):
                depth -= 1
            elif depth == 0 and token.kind == OP and token.value == ",":
                return True
        return False

    def matching_close(self, index: int, stop: int) -> int:
        """Index of the token before `stop` closing the bracket opened at `index`, or -1."""
        depth = 0
        for k in range(index, stop):
            kind = self.toks[k].kind
            if kind == OPEN:
                depth += 1
            elif kind == CLOSE:
                depth -= 1
                if depth == 0:
                    return k
        return -1

    def subscript(self, underscore: Token, *, entry: bool = False) -> tuple[Node, str, int]:
        """What follows _: the index node, its written label, and its column. `entry`: the
        subscript of a letter, where `X_{i,j}` (one-letter indices) names an entry."""
        token = self.peek()
        if token.kind == LBRACE:
            first, last = self.i + 1, token.match
            if last < 0:
                raise self.error(token.pos, "missing closing brace for _")
            inner = self.toks[first:last]
            if not inner:
                raise self.error(token.pos, "empty subscript")
            if (
                len(inner) > 1
                and all(t.kind == LETTER for t in inner)
                and not any(t.space for t in inner[1:])
            ):  # \mu_{batch}: a word is one name
                self.i = last + 1
                word = "".join(t.value for t in inner)
                return self.make(Name(word, pos=inner[0].pos)), word, token.pos
            if len(inner) == 1 and inner[0].kind == CMD and inner[0].value in ("max", "min"):
                self.i = last + 1
                return self.make(Name(inner[0].value, pos=inner[0].pos)), inner[0].value, token.pos
            if any(t.kind == OP and t.value == "," for t in inner):
                parts, commas = inner[0::2], inner[1::2]
                if (
                    entry
                    and all(t.kind == OP and t.value == "," for t in commas)
                    and len(parts) == len(commas) + 1
                    and all(t.kind == LETTER for t in parts)
                ):  # X_{i,j}: the label keeps its commas, for lowering to check the shape
                    self.i = last + 1
                    joined = "".join(t.value for t in parts)
                    label = ",".join(t.value for t in parts)
                    return self.make(Name(joined, pos=inner[0].pos)), label, token.pos
                comma = next(t for t in inner if t.kind == OP and t.value == ",")
                raise self.error(
                    comma.pos, "several indices (i,j) in one subscript are not supported"
                )
            node = self.braced_group(self.advance(), "_")
            label = re.sub(r"\s+", "", self.text[inner[0].pos : inner[-1].end])
        else:
            if token.kind == LETTER or (token.kind == CMD and token.value in ("max", "min")):
                self.advance()
                node = self.make(Name(token.value, pos=token.pos))
            else:
                node = self.single_argument(underscore, "_")
            label = self.text[token.pos : self.toks[self.i - 1].end]
        if isinstance(node, Name):
            label = node.name
        return node, label, token.pos

    # -- arguments and brackets ----------------------------------------------------------

    def braced_group(self, brace: Token, owner: str) -> Node:
        """The expression between `brace` and its matching }."""
        if brace.match < 0:
            raise self.error(brace.pos, f"missing closing brace for {owner}")
        with self.nested(brace.pos):
            if self.at(RBRACE):
                raise self.error(brace.pos, f"empty {owner} {{}}")
            node = self.expression()
            token = self.peek()
            if token.kind != RBRACE:
                if token.kind == REL:
                    raise self.error(token.pos, f"a relation inside {owner} {{...}}")
                raise self.error(
                    token.pos, f"unexpected {self.written(token)} inside {owner} {{...}}"
                )
            self.advance()
        return node

    def argument(self, command: Token) -> Node:
        """A macro argument: a braced group or a single token (`\\frac12`, `\\mathbf u`)."""
        owner = f"\\{command.value}"
        if self.at(LBRACE):
            return self.braced_group(self.advance(), owner)
        return self.single_argument(command, owner)

    def single_argument(self, command: Token, owner: str) -> Node:
        token = self.peek()
        with self.nested(token.pos):
            if token.kind == NUM:
                value = token.value
                if owner in ("^", "_") and len(value) > 1:
                    raise self.error(
                        token.pos,
                        f"write {owner}{{{value}}}: without braces only one digit is taken",
                    )
                if value[0] == ".":
                    raise self.error(token.pos, f"missing argument for {owner}")
                if len(value) > 1:  # \frac12: TeX takes one digit
                    rest = Token(NUM, value[1:], token.pos + 1, token.end)
                    self.toks[self.i] = rest
                else:
                    self.advance()
                return self.make(Num(Fraction(value[0]), pos=token.pos))
            if token.kind in (LETTER, NAME, WORD, CMD):
                node, _ = self.atom()
                return node
        raise self.error(
            command.pos if token.kind == END else token.pos, f"missing argument for {owner}"
        )

    def bracket(self, opening: Token) -> Node:
        """( ... ), [ ... ], \\{ ... \\}, \\left| ... \\right| and their sized forms."""
        if opening.value in ("|", "||"):
            return self.bars_group(opening)
        with self.nested(opening.pos):
            if self.at(CLOSE):
                raise self.error(opening.pos, "empty brackets")
            node = self.expression()
            if self.at(OP, ","):
                raise self.error(
                    self.peek().pos,
                    "a comma inside brackets (a tuple or an interval?) cannot be checked",
                )
            self.close(opening)
        return node

    def bars_group(self, opening: Token) -> Node:
        """|x| is Abs, ||x|| and \\|x\\| are Norm; the closing bar must match."""
        marker = opening.value if opening.kind == BAR else "sized"
        self.bars.append(marker)
        try:
            with self.nested(opening.pos):
                node = self.expression()
        finally:
            self.bars.pop()
        token = self.peek()
        closes = (
            token.kind == CLOSE
            and token.value == opening.value
            and ((opening.kind == OPEN and token.sized == opening.sized) or opening.kind == BAR)
        )
        if opening.kind == BAR and token.kind == BAR:
            if token.value == opening.value:
                closes = True
            elif opening.value == "|" and token.value == "||":  # |x||y|: split the pair
                self.toks[self.i] = Token(BAR, "|", token.pos + 1, token.end)
                self.toks.insert(self.i, Token(BAR, "|", token.pos, token.pos + 1))
                closes = True
        if not closes:
            column = opening.pos if token.kind == END else token.pos
            missing = f"missing closing {self.closer(opening)} for {self.written(opening)}"
            raise self.error(column, missing)
        self.advance()
        if opening.value == "|":
            return self.make(Abs(node, pos=opening.pos))
        return self.make(Norm(node, pos=opening.pos))

    def closer(self, opening: Token) -> str:
        close = {"(": ")", "[": "]", "{": "\\}", "|": "|", "||": "\\|"}[opening.value]
        return f"\\right{close}" if opening.sized else close

    def close(self, opening: Token) -> None:
        """Consume the closer that matches `opening`, or say what is wrong."""
        want = {"(": ")", "[": "]", "{": "}"}.get(opening.value, opening.value)
        token = self.peek()
        if token.kind == CLOSE and token.value == want and token.sized == opening.sized:
            self.advance()
            return
        where = f"{self.closer(opening)} for {self.written(opening)}"
        if token.kind == REL:
            raise self.error(token.pos, f"a relation inside brackets: missing {where}")
        if token.kind == END:
            raise self.error(opening.pos, f"missing {where}")
        raise self.error(token.pos, f"expected {where}, found {self.written(token)}")

    def operator_bracket(self, token: Token, kind: type) -> Node:
        """E[x], \\mathbb{E}_R[x], Var(x): the bracket is required, a subscript ignored."""
        if self.at(OP, "_"):
            self.advance()
            nxt = self.advance()
            if nxt.kind == LBRACE:
                if nxt.match < 0:
                    raise self.error(nxt.pos, "missing closing brace for _")
                self.i = nxt.match + 1
        opening = self.peek()
        if opening.kind != OPEN or opening.value not in "([":
            what = "\\mathbb{E}[x]" if kind is Expectation else "\\operatorname{Var}(x)"
            raise self.error(token.pos, f"write {what} with brackets")
        node = self.bracket(self.advance())
        return self.make(kind(node, pos=token.pos))

    # -- commands ------------------------------------------------------------------------

    def function(self, token: Token, name: str) -> Node:
        """\\exp, \\log, \\max, \\operatorname{ReLU}: parenthesised or a run of factors."""
        pos = token.pos
        power = base = None
        while self.at(OP) and self.peek().value in "^_":
            mark = self.advance()
            if mark.value == "^" and power is None:
                power = self.superscript(mark)
                if power[0] != "expr" or power[1] == Neg(Num(Fraction(1))):
                    raise self.error(
                        mark.pos, "inverse functions and primes on functions are not supported"
                    )
            elif mark.value == "_" and base is None and name == "log":
                base = self.subscript(mark)[0]
            elif mark.value == "_" and name in ("max", "min") and power is None:
                return self.extremum(token, name, mark)
            elif mark.value == "_":
                raise self.error(
                    mark.pos, f"\\{name} over a variable cannot be checked; write \\{name}(a, b)"
                )
            else:
                raise self.error(mark.pos, "double superscript: use braces")
        opening = self.peek()
        arity = ARITY.get(name, 1)
        if (opening.kind == OPEN and opening.value in "({") or opening.kind == LBRACE:
            self.advance()
            if opening.kind == LBRACE:
                args: tuple[Node, ...] = (self.braced_group(opening, f"\\{name}"),)
            else:
                args = self.call_arguments(opening)
        elif arity is None:
            raise self.error(pos, f"write \\{name}(a, b) with parentheses")
        else:
            with self.nested(pos):
                args = (self.run(stop_at_functions=True),)
        if arity is None and len(args) == 1 and name in ("max", "min") and power is None:
            return self.make(Extremum(name, None, args[0], pos=pos))  # max(σ'(z)): over z
        if arity is None and len(args) < 2:
            raise self.error(pos, f"\\{name} takes two or more arguments")
        if arity is not None and len(args) != arity:
            raise self.error(pos, f"\\{name} takes {arity} argument{'s' if arity > 1 else ''}")
        if name == "abs" and len(args) == 1:  # as the plain parser reads abs(x): |x|
            return self.make(Abs(args[0], pos=pos))
        node = self.make(Call(name, args, pos=pos))
        if base is not None:
            node = self.make(Div(node, self.make(Call("log", (base,), pos=pos)), pos=pos))
        if power is not None:
            node = self.make(Pow(node, power[1], pos=pos))
        return node

    def sqrt(self, token: Token) -> Node:
        degree = None
        if self.at(OPEN, "[") and not self.peek().sized:
            degree = self.bracket(self.advance())
        radicand = self.argument(token)
        if degree is None:
            return self.make(Call("sqrt", (radicand,), pos=token.pos))
        one = self.make(Num(Fraction(1), pos=token.pos))
        return self.make(Pow(radicand, self.make(Div(one, degree, pos=token.pos)), pos=token.pos))

    def accent(self, token: Token, suffix: str) -> Node:
        node = self.argument(token)
        if isinstance(node, Name):
            return self.make(Name(f"{node.name}_{suffix}", pos=token.pos))
        if isinstance(node, Subscript):
            return self.make(
                Subscript(f"{node.base}_{suffix}", node.index, node.label, pos=token.pos)
            )
        raise self.error(token.pos, f"\\{token.value} over an expression: put it on one letter")


def _parse(text: str, *, expression_only: bool) -> Node:
    if not isinstance(text, str):
        raise TypeError("parse_latex takes a str")
    check_length(text)
    start, end = strip_delimiters(text)
    if has_environment(text[start:end]):
        lines = split_aligned(text)
        if len(lines) != 1:
            raise ParseError(
                text, start, f"this block holds {len(lines)} lines: split it with split_aligned()"
            )
        return _parse(lines[0], expression_only=expression_only)
    parser = _Parser(text, tokenize(text, start, end))
    if parser.at(END):
        raise ParseError(text, start, "empty statement")
    try:
        node = parser.expression() if expression_only else parser.statement()
        if expression_only:
            if parser.at(REL):
                token = parser.peek()
                raise ParseError(text, token.pos, "expected an expression, found a relation")
            parser.finish()
    except RecursionError:  # nesting just under max_depth can still exhaust a deep stack
        raise LimitError(text, 0, "nested too deeply") from None
    return node


def parse_latex(text: str) -> Node:
    """Parse one LaTeX statement: an expression, a Relation or a Chain.

    `$...$`, `$$...$$`, `\\[...\\]`, `\\(...\\)` are stripped, as are a trailing `.` or
    `,` and a trailing prose `\\text{...}`. Raises ParseError (LimitError for limits).

    >>> parse_latex(r"\\tanh(z) = 2\\sigma(2z) - 1").op
    '='
    """
    return _parse(text, expression_only=False)


def parse_latex_expression(text: str) -> Node:
    """Parse one LaTeX expression; a relation is a ParseError."""
    return _parse(text, expression_only=True)
