"""The plain-text math parser: what students type at a terminal, read into the AST.

A hand-written tokenizer and recursive descent, so that every failure is a ParseError
with a column and nothing in the text is ever evaluated: the parser only builds the
dataclasses of `derive.model.ast`. The limits of `derive.limits` are checked
while reading (length before tokenizing, digits per literal, nesting depth and node
count during the descent), so no input can make it raise anything else.

Precedence, loosest first: relations; `+ -`; `* / @ ⊙` and juxtaposition (`2x`);
unary minus; `^` (right-associative, so `-x^2` is `-(x^2)` and `2^-1` is allowed).
Brackets `()`, `[]` and `{}` group; a leading `||` always opens a norm, so write
`abs(abs(a) - b)` rather than `||a| - b|`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import NoReturn, TypeVar

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.model.ast import (
    Abs,
    Add,
    Call,
    Chain,
    Const,
    Derivative,
    Div,
    Expectation,
    Gradient,
    Hadamard,
    Mul,
    Name,
    Neg,
    Node,
    Norm,
    Num,
    Pow,
    Relation,
    Subscript,
    Sum,
    Transpose,
    Variance,
)
from derive.vocabulary import (
    ALIASES,
    ARITY,
    CANONICAL,
    CONSTANTS,
    GREEK,
    GREEK_COMMANDS,
    NORM_KINDS,
)

__all__ = [
    "SPECIAL_FORMS",
    "Token",
    "normalize_name",
    "parse_plain",
    "parse_plain_expression",
    "tokenize",
]

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DIGITS = frozenset("0123456789")
_WHITESPACE = frozenset(" \t\r\n")

# Every spelling of an operator and the kind the parser sees (`**` is `^`, `·` is `*`).
# `<-` is an update (w <- w - eta g); write `x < -1` with a space for the inequality
_TWO_CHAR = {
    "**": "^",
    "==": "=",
    "!=": "!=",
    "<=": "<=",
    ">=": ">=",
    ":=": ":=",
    ".*": "⊙",
    "<-": "<-",
}
_ONE_CHAR = {c: c for c in "+-*/^()[]{},|'=<>_⊙‖"} | {
    "−": "-",
    "·": "*",
    "×": "*",
    "@": "*",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "←": "<-",
    "≈": "≈",
}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_RELATIONS = frozenset({"=", "!=", "<", "<=", ">", ">=", ":=", "<-", "≈"})

# Keywords with their own syntax; they are never plain names or calls.
_FORM_ARITY = {
    "diff": (2, 3), "grad": (2, 2), "norm": (1, 2),
    "transpose": (1, 1), "hadamard": (2, 2), "abs": (1, 1),
}  # fmt: skip
SPECIAL_FORMS = frozenset({"E", "Var", "Sum", "sum", "Product", "prod", *_FORM_ARITY})
_GREEK_NAMES = set(GREEK_COMMANDS) | set(ALIASES)


def _letter_run(name: str) -> bool:
    """`ab` of `2ab`: plain letters that are not one word such as `beta`."""
    return name.isascii() and name.isalpha() and len(name) > 1 and name not in _GREEK_NAMES


_N = TypeVar("_N", bound=Node)


@dataclass(frozen=True)
class Token:
    """One lexeme: `kind` is "num", "name", "end", "error" or the canonical operator."""

    kind: str
    text: str  # as written, for messages
    pos: int
    value: Fraction | str | ParseError | None = None  # number, spelled-out name or error

    @property
    def end(self) -> int:
        return self.pos + len(self.text)

    @property
    def label(self) -> str:
        """How the token reads inside a subscript label (`v_{t-1}` has label "t-1")."""
        if self.kind == "num":
            return self.text
        return str(self.value) if self.kind == "name" else self.kind


def normalize_name(name: str) -> str:
    """Apply the terminal aliases to a name, or to the base of a subscripted name."""
    base, sep, rest = name.partition("_")
    return ALIASES.get(base, base) + sep + rest


def _is_letter(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z" or c in GREEK


def _bad_character(c: str) -> str:
    code = ord(c)
    if code < 32 or 127 <= code < 160:
        return f"control character U+{code:04X}"
    if unicodedata.category(c).startswith("C"):
        return f"invisible character U+{code:04X}"
    return f"unexpected '{c}'" if c.isascii() else f"unknown symbol '{c}'"


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-", strict=True))


def _number(text: str, start: int, raw: str) -> Token:
    """A literal as an exact Fraction, refused before it can grow huge (`1e999999`)."""
    mantissa, _, exponent = raw.lower().partition("e")
    if sum(c in _DIGITS for c in mantissa) > LIMITS.max_digits:
        raise LimitError(text, start, f"number longer than {LIMITS.max_digits} digits")
    digits = exponent.lstrip("+-")
    if exponent and (len(digits) > 6 or int(digits) > LIMITS.max_digits):
        raise LimitError(text, start, f"exponent of 10 larger than {LIMITS.max_digits}")
    return Token("num", raw, start, Fraction(raw))


def tokenize(text: str, extra: str = "", *, strict: bool = True) -> list[Token]:
    """Split `text` into tokens ending with an "end" token; `extra` admits more symbols
    (the declaration grammar uses `:` and `~`). Unless `strict`, a lexical error becomes
    an "error" token carrying the ParseError."""
    if len(text) > LIMITS.max_length:
        raise LimitError(text, LIMITS.max_length, f"input longer than {LIMITS.max_length}")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _WHITESPACE or unicodedata.category(c) == "Zs":
            i += 1
        elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS):
            match = _NUMBER.match(text, i)
            assert match is not None  # a digit, or a dot and a digit, always matches
            try:
                tokens.append(_number(text, i, match.group()))
            except ParseError as error:
                return _stop(tokens, text, error, strict)
            i = match.end()
        elif _is_letter(c):
            j = i + 1
            while j < n and (_is_letter(text[j]) or text[j] in _DIGITS or text[j] == "_"):
                j += 1
            spelled = "".join(GREEK.get(ch, ch) for ch in text[i:j])
            tokens.append(Token("name", text[i:j], i, spelled))
            i = j
        elif c == "∞":
            tokens.append(Token("name", c, i, "inf"))
            i += 1
        elif c == "ᵀ":  # uᵀ: u^T
            tokens += [Token("^", "", i), Token("name", c, i, "T")]
            i += 1
        elif c in _SUPERSCRIPTS:  # x², x⁻¹: x^2, x^-1
            j = i
            while j < n and text[j] in _SUPERSCRIPTS:
                j += 1
            written = "".join(_SUPERSCRIPTS[ch] for ch in text[i:j])
            digits = written.lstrip("-")
            if not digits:
                return _stop(
                    tokens, text, ParseError(text, i, "a superscript minus needs digits"), strict
                )
            tokens.append(Token("^", "", i))
            if written.startswith("-"):
                tokens.append(Token("-", "", i))
            tokens.append(Token("num", text[i:j], i, Fraction(int(digits))))
            i = j
        elif text[i : i + 2] in _TWO_CHAR:
            tokens.append(Token(_TWO_CHAR[text[i : i + 2]], text[i : i + 2], i))
            i += 2
        elif c in _ONE_CHAR or c in extra:
            tokens.append(Token(_ONE_CHAR.get(c, c), c, i))
            i += 1
        else:
            return _stop(tokens, text, ParseError(text, i, _bad_character(c)), strict)
    tokens.append(Token("end", "", n))
    return tokens


def _stop(tokens: list[Token], text: str, error: ParseError, strict: bool) -> list[Token]:
    """Raise a lexical error now, or leave it as an "error" token for the parser to raise
    when it gets there, so that the leftmost problem is the one reported."""
    if strict:
        raise error
    tokens.append(Token("error", text[error.column : error.column + 1], error.column, error))
    tokens.append(Token("end", "", len(text)))
    return tokens


class TokenCursor:
    """A position in a token list, shared by the expression and declaration grammars: a
    lexical error left in the list is raised when the cursor reaches it."""

    def __init__(self, text: str, extra: str = "") -> None:
        self.text = text
        self.tokens = tokenize(text, extra, strict=False)
        self.i = 0

    def peek(self, ahead: int = 0) -> Token:
        tok = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        if isinstance(tok.value, ParseError):
            raise tok.value
        return tok

    def next(self) -> Token:
        tok = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok


class _Parser(TokenCursor):
    """Recursive descent over the token list; `depth` and `nodes` enforce the limits."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.nodes = 0
        self.open: list[str] = []  # open brackets and bars, innermost last

    # -- cursor ---------------------------------------------------------------------
    def fail(self, tok: Token | Node | int, message: str) -> NoReturn:
        pos = tok if isinstance(tok, int) else getattr(tok, "pos", 0)
        raise ParseError(self.text, pos, message)

    def unexpected(self, tok: Token) -> NoReturn:
        if tok.kind == "end":
            self.fail(tok, "unexpected end of input" if self.i else "empty input")
        if tok.kind == "'":
            self.fail(tok, "a prime must come between a function name and '(': f'(x)")
        self.fail(tok, f"unexpected '{tok.text}'")

    def expect(self, kind: str, message: str) -> Token:
        if self.peek().kind != kind:
            self.fail(self.peek(), message)
        return self.next()

    def close(self, opener: Token, closer: str) -> None:
        """Consume `closer`, or say which bracket is left open."""
        tok = self.peek()
        if closer == "||" and tok.kind == "|" and self.adjacent_bars():
            self.i += 2
        elif tok.kind == closer:
            self.next()
        elif tok.kind == "end":
            self.fail(opener, f"'{opener.text}' is never closed")
        else:
            self.fail(tok, f"expected '{closer}', found '{tok.text}'")

    def adjacent_bars(self) -> bool:
        first, second = self.peek(), self.peek(1)
        return first.kind == second.kind == "|" and second.pos == first.pos + 1

    def add(self, node: _N) -> _N:
        self.nodes += 1
        if self.nodes > LIMITS.max_nodes:
            raise LimitError(self.text, self.peek().pos, f"more than {LIMITS.max_nodes} terms")
        return node

    # -- grammar --------------------------------------------------------------------
    def statement(self, relations: bool) -> Node:
        first = lhs = self.sum()
        links: list[Relation] = []
        while self.peek().kind in _RELATIONS:
            op = self.next()
            if not relations:
                self.fail(op, f"a relation ('{op.text}') is not allowed here")
            rhs = self.sum()
            links.append(self.add(Relation(op.kind, lhs, rhs, pos=lhs.pos)))
            lhs = rhs
        if self.peek().kind != "end":
            self.unexpected(self.peek())
        if len(links) > 1:
            return self.add(Chain(tuple(links), pos=first.pos))
        return links[0] if links else first

    def enclosed(self, opener: Token, closer: str) -> Node:
        """An expression inside brackets or bars (the opener is already consumed)."""
        self.open.append(opener.kind if closer != "||" else "||")
        node = self.sum()
        self.close(opener, closer)
        self.open.pop()
        return node

    def sum(self) -> Node:
        start = self.peek()
        if start.kind in ("+", "-"):  # a leading sign applies to the whole product
            self.next()
            first = self.product()
            if start.kind == "-":
                first = self.add(Neg(first, pos=start.pos))
        else:
            first = self.product()
        terms = [first]
        while self.peek().kind in ("+", "-"):
            op = self.next()
            term = self.product()
            terms.append(self.add(Neg(term, pos=op.pos)) if op.kind == "-" else term)
        return terms[0] if len(terms) == 1 else self.add(Add(tuple(terms), pos=first.pos))

    def product(self) -> Node:
        run = [self.factor()]
        while True:
            tok = self.peek()
            if tok.kind == "*":
                self.next()
                run.append(self.factor())
            elif tok.kind in ("/", "⊙"):
                self.next()
                left, right = self.collapse(run), self.factor()
                kind = Div if tok.kind == "/" else Hadamard
                run = [self.add(kind(left, right, pos=left.pos))]
            elif self.starts_operand(tok):  # juxtaposition: `2x`, `(a+b)(c+d)`
                if tok.kind == "num" and self.tokens[self.i - 1].kind == "num":
                    self.fail(tok, "missing operator between two numbers")
                run.append(self.power())
            else:
                return self.collapse(run)

    def collapse(self, run: list[Node]) -> Node:
        return run[0] if len(run) == 1 else self.add(Mul(tuple(run), pos=run[0].pos))

    def starts_operand(self, tok: Token) -> bool:
        """Whether `tok` begins a juxtaposed factor; a bar may close the one we are in."""
        top = self.open[-1] if self.open else None
        if tok.kind == "|":
            return top != "|" and not (top == "||" and self.adjacent_bars())
        if tok.kind == "‖":
            return top != "‖"
        return tok.kind in ("num", "name") or tok.kind in _CLOSERS

    def factor(self) -> Node:
        tok = self.peek()
        self.depth += 1
        if self.depth > LIMITS.max_depth:
            raise LimitError(self.text, tok.pos, f"nested deeper than {LIMITS.max_depth}")
        try:
            if tok.kind not in ("+", "-"):
                return self.power()
            self.next()
            operand = self.factor()
            return operand if tok.kind == "+" else self.add(Neg(operand, pos=tok.pos))
        finally:
            self.depth -= 1

    def power(self) -> Node:
        base = self.primary()
        if self.peek().kind != "^":
            return base
        self.next()
        return self.add(Pow(base, self.factor(), pos=base.pos))

    def primary(self) -> Node:
        tok = self.peek()
        if tok.kind == "num":
            self.next()
            return self.add(Num(tok.value, pos=tok.pos))  # type: ignore[arg-type]
        if tok.kind == "name":
            return self.name_operand()
        if tok.kind in _CLOSERS:  # `{...}` too: people type `e^{-x}` at a terminal
            self.next()
            return self.enclosed(tok, _CLOSERS[tok.kind])
        if tok.kind == "|" and self.adjacent_bars():
            self.i += 2
            return self.norm_suffix(tok, self.enclosed(tok, "||"))
        if tok.kind in ("|", "‖"):
            self.next()
            inner = self.enclosed(tok, tok.kind)
            return (
                self.add(Abs(inner, pos=tok.pos))
                if tok.kind == "|"
                else self.norm_suffix(tok, inner)
            )
        self.unexpected(tok)

    def norm_suffix(self, opener: Token, operand: Node) -> Node:
        """`||x||`, with an optional `_2`, `_F` right after the closing bars."""
        kind = None
        under = self.peek()
        if under.kind == "_" and under.pos == self.tokens[self.i - 1].end:
            self.next()
            kind = self.norm_kind(self.next())
        return self.add(Norm(operand, kind, pos=opener.pos))

    def norm_kind(self, tok: Token | Node) -> str:
        value = getattr(tok, "value", None)
        if isinstance(tok, Const) and tok.name == "inf":
            return "inf"
        if isinstance(tok, Name):
            value = tok.name
        if isinstance(value, Fraction) and value.denominator == 1 and value >= 1:
            return str(value)
        if isinstance(value, str) and value in NORM_KINDS:
            return NORM_KINDS[value]
        self.fail(tok, "the kind of norm must be 1, 2, F (fro) or inf")

    # -- names, calls and special forms ---------------------------------------------
    def name_operand(self) -> Node:
        tok = self.next()
        name = normalize_name(str(tok.value))
        primes, prime = 0, tok
        while self.peek().kind == "'":
            primes += 1
            prime = self.next()
        call = self.peek().kind == "("
        if primes and (not call or name in SPECIAL_FORMS or name.endswith("_")):
            self.fail(prime, "a prime must come between a function name and '(': f'(x)")
        if name.endswith("_"):
            return self.braced_subscript(tok, name[:-1])
        if name in SPECIAL_FORMS:
            return self.special(tok, name)
        if call:
            return self.call(tok, name, primes)
        if name in ARITY and "_" not in name:
            self.fail(tok, f"'{tok.text}' needs its argument in parentheses: {tok.text}(x)")
        if name in CONSTANTS:
            return self.add(Const(name, pos=tok.pos))
        before = self.tokens[self.i - 2] if self.i >= 2 else None
        after_number = before is not None and before.kind == "num" and before.end == tok.pos
        if after_number and _letter_run(name):
            return self.add(Name(name, pos=tok.pos, after_number=True))  # 2ab
        return self.subscripted(name, tok.pos, tok.pos + tok.text.find("_") + 1)

    def subscripted(self, name: str, pos: int, index_pos: int) -> Node:
        """`v_t`, `beta_1`: split at the first underscore; the index is a number or a name."""
        base, sep, rest = name.partition("_")
        if not sep:
            return self.add(Name(name, pos=pos))
        if rest and set(rest) <= _DIGITS:
            if len(rest) > LIMITS.max_digits:
                raise LimitError(self.text, index_pos, "subscript is too long")
            index: Node = self.add(Num(Fraction(int(rest)), pos=index_pos))
        elif rest and _is_letter(rest[0]):
            index = self.subscripted(normalize_name(rest), index_pos, index_pos)
        else:
            self.fail(index_pos, f"subscript '{rest}' must be a number or a name: {base}_{{...}}")
        return self.add(Subscript(base, index, rest, pos=pos))

    def braced_subscript(self, tok: Token, base: str) -> Node:
        """`v_{t-1}` and `g_(i)`: the label is the index as written, without spaces."""
        opener = self.peek()
        if "_" in base or opener.kind not in ("{", "(") or opener.pos != tok.end:
            self.fail(tok.end, "expected a subscript after '_': x_1, x_t or x_{t-1}")
        self.next()
        start = self.i
        index = self.enclosed(opener, "}" if opener.kind == "{" else ")")
        label = "".join(t.label for t in self.tokens[start : self.i - 1])
        return self.add(Subscript(base, index, label, pos=tok.pos))

    def arguments(self, opener: Token) -> list[Node]:
        self.next()
        self.open.append("(")
        args = [self.sum()]
        while self.peek().kind == ",":
            self.next()
            args.append(self.sum())
        self.close(opener, ")")
        self.open.pop()
        return args

    def call(self, tok: Token, name: str, primes: int) -> Node:
        args = self.arguments(self.peek())
        if name in ARITY:
            arity = ARITY[name]
            if arity is None and len(args) < 2:
                self.fail(tok, f"'{tok.text}' takes two or more arguments, got {len(args)}")
            if arity is not None and len(args) != arity:
                plural = "" if arity == 1 else "s"
                self.fail(tok, f"'{tok.text}' takes {arity} argument{plural}, got {len(args)}")
        func = CANONICAL.get(name, name)
        return self.add(Call(func, tuple(args), primes, pos=tok.pos))

    def special(self, tok: Token, name: str) -> Node:
        opener = self.peek()
        if name in ("E", "Var"):
            if opener.kind not in ("(", "["):
                self.fail(tok, f"'{name}' must be followed by [...] or (...)")
            self.next()
            inner = self.enclosed(opener, "]" if opener.kind == "[" else ")")
            kind = Expectation if name == "E" else Variance
            return self.add(kind(inner, pos=tok.pos))
        if opener.kind != "(":
            self.fail(tok, f"'{name}' must be followed by '('")
        if name in ("Sum", "sum", "Product", "prod"):
            return self.big_operator(tok, name)
        args = self.arguments(opener)
        low, high = _FORM_ARITY[name]
        if not low <= len(args) <= high:
            wanted = str(low) if low == high else f"{low} or {high}"
            self.fail(tok, f"'{name}' takes {wanted} arguments, got {len(args)}")
        if name == "abs":
            return self.add(Abs(args[0], pos=tok.pos))
        if name == "transpose":
            return self.add(Transpose(args[0], pos=tok.pos))
        if name == "hadamard":
            return self.add(Hadamard(args[0], args[1], pos=tok.pos))
        if name == "norm":
            kind = self.norm_kind(args[1]) if len(args) == 2 else None
            return self.add(Norm(args[0], kind, pos=tok.pos))
        var = args[1]
        if not isinstance(var, Name | Subscript):
            self.fail(var, f"'{name}' needs a variable name as its second argument")
        if name == "grad":
            return self.add(Gradient(args[0], var, pos=tok.pos))
        order = args[2] if len(args) == 3 else None
        if order is None:
            return self.add(Derivative(args[0], var, 1, pos=tok.pos))
        if not (isinstance(order, Num) and order.value.denominator == 1 and order.value >= 1):
            self.fail(order, "the order of a derivative must be a positive whole number")
        if order.value > LIMITS.max_exponent:
            raise LimitError(self.text, order.pos, "derivative of too high an order")
        return self.add(Derivative(args[0], var, int(order.value), pos=tok.pos))

    def big_operator(self, tok: Token, name: str) -> Node:
        """`Sum(body, (i, lower, upper))` and `Product(...)`."""
        usage = f"write {name}(expr, (i, lower, upper))"
        opener = self.next()
        self.open.append("(")
        body = self.sum()
        self.expect(",", f"'{name}' needs a range: {usage}")
        bounds = self.expect("(", f"'{name}' needs a range: {usage}")
        self.open.append("(")
        index = self.expect("name", f"expected the index name: {usage}")
        var = normalize_name(str(index.value))
        if var in SPECIAL_FORMS or var in CONSTANTS or var in ARITY:
            self.fail(index, f"'{index.text}' cannot be an index")
        self.expect(",", f"expected the lower bound: {usage}")
        lower = self.sum()
        self.expect(",", f"expected the upper bound: {usage}")
        upper = self.sum()
        self.close(bounds, ")")
        self.open.pop()
        self.close(opener, ")")
        self.open.pop()
        product = name in ("Product", "prod")
        return self.add(Sum(body, var, lower, upper, product, pos=tok.pos))


def _parse(text: str, relations: bool) -> Node:
    parser = _Parser(text)
    try:
        return parser.statement(relations)
    except RecursionError:  # the depth limit prevents this; a backstop for deep callers
        raise LimitError(text, parser.peek().pos, "expression nested too deeply") from None


def parse_plain(text: str) -> Node:
    """A whole statement: an expression, a Relation, or a Chain such as `a = b <= c`."""
    return _parse(text, relations=True)


def parse_plain_expression(text: str) -> Node:
    """An expression only: a relation is an error (arguments, right-hand sides)."""
    return _parse(text, relations=False)
