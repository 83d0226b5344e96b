"""Declarations, assumptions and laws: the small language of `--let`, `--assume`, `--random`.

    u: vector(n)          W: matrix(n, n)        L: function(w)      sigma: sigmoid
    phi: activation       (an undefined function that acts entrywise on vectors)
    x ~ Normal(0, 1)      g: random sequence ~ generic               beta: (0, 1)
    0 < beta < 1          n positive integer     x in [0, 1)         x, y > 0

It shares the plain parser's tokenizer, so names read the same everywhere (Greek spelled
out, `lam` for lambda) and every failure is a ParseError with a column. Numbers are
exact; a bound that is not a number is an error rather than something to evaluate.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import NoReturn, TypeVar

from derive.errors import LimitError, ParseError
from derive.model.types import (
    INTEGER,
    LAW_FAMILIES,
    NONNEGATIVE,
    POSITIVE,
    POSITIVE_INTEGER,
    REAL,
    Decl,
    Domain,
    Function,
    Law,
    Matrix,
    Random,
    Scalar,
    Sequence,
    Shape,
    Size,
    Vector,
)
from derive.parsing.plain import SPECIAL_FORMS, Token, TokenCursor, normalize_name
from derive.vocabulary import ACTIVATIONS, ARITY, CONSTANTS

__all__ = ["MAX_SIZE", "parse_assumption", "parse_declaration", "parse_law", "parse_type"]

MAX_SIZE = 1_000  # a numeric vector or matrix size; larger ones would not fit a numeric check

_FAMILIES = {"normal": "normal", "n": "normal", "gaussian": "normal", "bern": "bernoulli"} | {
    family: family for family in LAW_FAMILIES
}
_BOUNDS = {"<": (False, True), "<=": (False, False), ">": (True, True), ">=": (True, False)}
_NEGATIVE = Domain(upper=Fraction(0), upper_open=True)

_T = TypeVar("_T")


class _Cursor(TokenCursor):
    """A position in the token list with the few moves this grammar needs."""

    def word(self, ahead: int = 0) -> str | None:
        """The lowercase keyword at the cursor, if there is a name there."""
        tok = self.peek(ahead)
        return str(tok.value).lower() if tok.kind == "name" else None

    def accept(self, kind: str) -> bool:
        if self.peek().kind == kind:
            self.next()
            return True
        return False

    def fail(self, where: Token | int, message: str) -> NoReturn:
        raise ParseError(self.text, where if isinstance(where, int) else where.pos, message)

    def expect(self, kind: str, message: str) -> Token:
        if self.peek().kind != kind:
            self.fail(self.peek(), message)
        return self.next()

    def end(self) -> None:
        tok = self.peek()
        if tok.kind != "end":
            self.fail(tok, f"unexpected '{tok.text}'")


def _name(cursor: _Cursor) -> str:
    """A declared name: spelled as in expressions, and not a keyword or constant."""
    tok = cursor.expect("name", "expected a name")
    name = normalize_name(str(tok.value))
    if name in SPECIAL_FORMS or name in CONSTANTS:
        cursor.fail(tok, f"'{tok.text}' is reserved and cannot be declared")
    if name in ARITY and "_" not in name:
        cursor.fail(tok, f"'{tok.text}' is a builtin function and cannot be declared")
    return name


def _number(cursor: _Cursor) -> Fraction:
    """A signed exact number, `1/2` allowed."""
    sign = -1 if cursor.peek().kind == "-" else 1
    if cursor.peek().kind in ("+", "-"):
        cursor.next()
    value = cursor.expect("num", "expected a number").value
    assert isinstance(value, Fraction)
    if cursor.accept("/"):
        tok = cursor.expect("num", "expected a number after '/'")
        assert isinstance(tok.value, Fraction)
        if tok.value == 0:
            cursor.fail(tok, "division by zero")
        value /= tok.value
    return sign * value


def _bound(cursor: _Cursor) -> Fraction | None:
    """A number, or `inf`/`-inf` for no bound."""
    ahead = 1 if cursor.peek().kind in ("+", "-") else 0
    if cursor.word(ahead) in ("inf", "infinity"):
        cursor.i += ahead + 1
        return None
    return _number(cursor)


def _interval(cursor: _Cursor, opener: Token, closers: tuple[str, ...]) -> Domain:
    """`(0, 1)`, `[0, 1]`, `(0, 1]`; the opener is already consumed."""
    lower = _bound(cursor)
    cursor.expect(",", "an interval needs two bounds: (0, 1)")
    upper = _bound(cursor)
    close = cursor.peek()
    if close.kind not in closers:
        cursor.fail(close, "expected ')' or ']' to end the interval")
    cursor.next()
    if lower is not None and upper is not None and lower >= upper:
        cursor.fail(opener, "the interval is empty: its lower bound must be below its upper")
    return Domain(False, lower, upper, opener.kind == "(", close.kind == ")")


def _domain(cursor: _Cursor) -> Domain:
    """A scalar type: real, positive, integer, positive integer, natural, an interval."""
    tok, word = cursor.peek(), cursor.word()
    if tok.kind in ("(", "["):
        cursor.next()
        return _interval(cursor, tok, (")", "]"))
    if word == "interval":
        cursor.next()
        opener = cursor.expect("(", "write interval(a, b)")
        return _interval(cursor, opener, (")",))
    if word in ("real", "scalar"):
        cursor.next()
        return REAL
    if word == "integer":
        cursor.next()
        return INTEGER
    if word == "natural":
        cursor.next()
        return POSITIVE_INTEGER
    if word in ("positive", "nonnegative", "negative"):
        cursor.next()
        domain = {"positive": POSITIVE, "nonnegative": NONNEGATIVE}.get(word, _NEGATIVE)
        if cursor.word() == "integer":
            cursor.next()
            return POSITIVE_INTEGER if word == "positive" else domain.intersect(INTEGER)
        if cursor.word() == "real":
            cursor.next()
        return domain
    cursor.fail(tok, "expected a type such as real, positive, integer, vector(n) or (0, 1)")


def _size(cursor: _Cursor) -> Size:
    tok = cursor.next()
    if tok.kind == "name":
        return normalize_name(str(tok.value))
    if tok.kind == "num" and isinstance(tok.value, Fraction) and tok.value.denominator == 1:
        if tok.value < 1:
            cursor.fail(tok, "a size must be at least 1")
        if tok.value > MAX_SIZE:
            raise LimitError(cursor.text, tok.pos, f"sizes above {MAX_SIZE} are not supported")
        return int(tok.value)
    cursor.fail(tok, "a size is a whole number or a name, as in vector(n)")


def _shape(cursor: _Cursor) -> Shape:
    word = cursor.word()
    if word not in ("vector", "matrix"):
        return Scalar(_domain(cursor))
    keyword = cursor.next()
    usage = "write vector(n)" if word == "vector" else "write matrix(rows, cols)"
    opener = cursor.expect("(", usage)
    sizes = [_size(cursor)]
    while cursor.accept(","):
        sizes.append(_size(cursor))
    if cursor.peek().kind != ")":
        cursor.fail(cursor.peek() if cursor.peek().kind != "end" else opener, usage)
    cursor.next()
    if len(sizes) != (1 if word == "vector" else 2):
        cursor.fail(keyword, usage)
    return Vector(sizes[0]) if word == "vector" else Matrix(sizes[0], sizes[1])


def _shape_or_sequence(cursor: _Cursor) -> Shape | Sequence:
    if cursor.word() != "sequence":
        return _shape(cursor)
    cursor.next()
    if cursor.word() == "of":
        cursor.next()
        return Sequence(_shape(cursor))
    return Sequence()


def _items(cursor: _Cursor, item: Callable[[], _T], what: str) -> list[_T]:
    """`(a, b, ...)` after the '(' (already consumed), up to and including the ')'."""
    opener = cursor.tokens[cursor.i - 1]
    items: list[_T] = []
    while not cursor.accept(")"):
        if cursor.peek().kind == "end":
            cursor.fail(opener, "'(' is never closed")
        if items and not cursor.accept(","):
            cursor.fail(cursor.peek(), f"{what}, separated by ','")
        items.append(item())
    return items


def _function(cursor: _Cursor) -> Function:
    """`function`, `function(w)`, `function(w, gamma)`: the keyword is already consumed."""
    if not cursor.accept("("):
        return Function()
    params: list[str] = []
    for tok, name in _items(cursor, lambda: (cursor.peek(), _name(cursor)), "parameters are names"):
        if name in params:
            cursor.fail(tok, f"parameter '{name}' is repeated")
        params.append(name)
    return Function(tuple(params))


def _type(cursor: _Cursor) -> Decl:
    word = cursor.word()
    if word == "function":
        cursor.next()
        return _function(cursor)
    if word in ("activation", "elementwise"):  # an undefined function applied entrywise
        cursor.next()
        if word == "elementwise" and cursor.word() != "function":
            cursor.fail(cursor.peek(), "write 'elementwise function'")
        if word == "elementwise":
            cursor.next()
        return Function((), None, elementwise=True)
    if word in ACTIVATIONS:
        cursor.next()
        return Function((), word, elementwise=True)
    random = word == "random"
    if random:
        cursor.next()
    shape: Shape | Sequence = Scalar()
    if not random or cursor.peek().kind not in ("~", "end"):
        shape = _shape_or_sequence(cursor)
    if cursor.accept("~"):  # a law makes it random even without the word
        return Random(shape, _law(cursor))
    return Random(shape) if random else shape


def _parameter(cursor: _Cursor) -> tuple[Fraction | str, int]:
    tok = cursor.peek()
    if tok.kind == "name":
        cursor.next()
        return normalize_name(str(tok.value)), tok.pos
    if tok.kind not in ("num", "+", "-"):
        cursor.fail(tok, "a parameter is a number or a name")
    return _number(cursor), tok.pos


def _law(cursor: _Cursor) -> Law:
    tok = cursor.expect("name", "expected a law such as Normal(0, 1) or generic")
    family = _FAMILIES.get(str(tok.value).lower())
    if family is None:
        cursor.fail(tok, f"unknown law '{tok.text}'")
    params: list[tuple[Fraction | str, int]] = []
    if cursor.accept("("):
        params = _items(cursor, lambda: _parameter(cursor), "parameters are numbers or names")
    wanted = LAW_FAMILIES[family]
    if len(params) != wanted:
        cursor.fail(tok, f"{tok.text} takes {wanted} parameter(s), got {len(params)}")
    _check_law(cursor, family, params)
    return Law(family, tuple(value for value, _ in params))


def _check_law(cursor: _Cursor, family: str, params: list[tuple[Fraction | str, int]]) -> None:
    """Numeric parameters must describe an actual distribution."""
    numbers = [value if isinstance(value, Fraction) else None for value, _ in params]
    if family in ("normal", "laplace", "symmetric"):
        index = 0 if family == "symmetric" else 1
        if numbers[index] is not None and numbers[index] <= 0:
            what = "variance" if family == "symmetric" else "scale"
            cursor.fail(params[index][1], f"the {what} must be positive")
    elif family == "uniform" and None not in numbers and numbers[0] >= numbers[1]:  # type: ignore[operator]
        cursor.fail(params[1][1], "Uniform(a, b) needs a < b")
    elif family == "bernoulli" and numbers[0] is not None and not 0 <= numbers[0] <= 1:
        cursor.fail(params[0][1], "a probability must be between 0 and 1")


def parse_type(text: str) -> Decl:
    """What a name is: `vector(n)`, `positive integer`, `random ~ Normal(0, 1)`, ..."""
    cursor = _Cursor(text, "~")
    decl = _type(cursor)
    cursor.end()
    return decl


def parse_law(text: str) -> Law:
    """A distribution: `Normal(0, 1)`, `Bernoulli(p)`, `generic`, `whitened`, ..."""
    cursor = _Cursor(text, "")
    law = _law(cursor)
    cursor.end()
    return law


def parse_declaration(text: str) -> tuple[str, Decl]:
    """`name: type`, or `name ~ law` for a random scalar."""
    cursor = _Cursor(text, ":~")
    name = _name(cursor)
    tok = cursor.next()
    if tok.kind == ":":
        decl = _type(cursor)
    elif tok.kind == "~":
        decl = Random(Scalar(), _law(cursor))
    else:
        cursor.fail(tok, "expected ':' or '~' after the name, as in u: vector(n)")
    cursor.end()
    return name, decl


def _names(cursor: _Cursor) -> list[str]:
    names = [_name(cursor)]
    while cursor.accept(","):
        names.append(_name(cursor))
    return names


def _starts_number(cursor: _Cursor) -> bool:
    ahead = 1 if cursor.peek().kind in ("+", "-") else 0
    return cursor.peek(ahead).kind == "num" or cursor.word(ahead) in ("inf", "infinity")


def parse_assumption(text: str) -> list[tuple[str, Domain]]:
    """The domain each name is restricted to: `x > 0`, `0 < beta < 1`, `n integer`,
    `x, y in (0, 1]`, `mu != 0`. The caller intersects it with what it already knows."""
    cursor = _Cursor(text, "∈")
    domain = REAL
    if _starts_number(cursor):  # 0 < beta < 1, 1 <= t
        bound = _bound(cursor)
        first = cursor.next()
        if first.kind not in _BOUNDS:
            cursor.fail(first, "expected <, <=, > or >= after the number")
        domain = _restrict(first, bound, domain, flipped=True)
        names = _names(cursor)
        second = cursor.peek()
        if second.kind in _BOUNDS:
            cursor.next()
            if (second.kind in ("<", "<=")) != (first.kind in ("<", "<=")):
                cursor.fail(second, "both comparisons must point the same way: 0 < x < 1")
            domain = _apply(cursor, second, domain)
    else:
        names = _names(cursor)
        tok = cursor.peek()
        if tok.kind in _BOUNDS:
            cursor.next()
            domain = _apply(cursor, tok, domain)
        elif tok.kind == "∈" or cursor.word() == "in":
            cursor.next()
            domain = _domain(cursor)
        elif tok.kind == "!=":  # x != 0: a point taken out of the domain
            cursor.next()
            if not _starts_number(cursor):
                cursor.fail(cursor.peek(), "assumptions compare a name with numbers")
            point = _bound(cursor)
            if point is None:
                cursor.fail(tok, "exclude a number, as in x != 0")
            domain = Domain(excluded=(point,))
        elif tok.kind == "=":
            cursor.fail(
                tok, "an assumption uses <, <=, >, >= or != (to fix a value, define it with where)"
            )
        else:
            domain = _domain(cursor)
    cursor.end()
    low, high = domain.lower, domain.upper
    if (
        low is not None
        and high is not None
        and (low > high or (low == high and (domain.lower_open or domain.upper_open)))
    ):
        cursor.fail(0, "no number satisfies this assumption")
    return [(name, domain) for name in names]


def _apply(cursor: _Cursor, op: Token, domain: Domain) -> Domain:
    """`name op bound`, the operator already consumed: the bound must be a number."""
    if not _starts_number(cursor):
        cursor.fail(cursor.peek(), "assumptions compare a name with numbers")
    return _restrict(op, _bound(cursor), domain, flipped=False)


def _restrict(op: Token, bound: Fraction | None, domain: Domain, *, flipped: bool) -> Domain:
    """Narrow `domain` by `op bound`, or by `bound op` when `flipped` (`0 < x`)."""
    is_lower, is_open = _BOUNDS[op.kind]
    if bound is None:
        return domain
    if flipped:
        is_lower = not is_lower
    if is_lower:
        return domain.intersect(Domain(lower=bound, lower_open=is_open))
    return domain.intersect(Domain(upper=bound, upper_open=is_open))
