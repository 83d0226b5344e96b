"""Reading an ellipsis: `a_1 + a_2 + ⋯ + a_n` and `A_T ⋯ A_1` as the sum or product they
abbreviate, and refusing every one whose pattern is not beyond doubt.

The terms on either side of the dots must be the same tree except at integer index
positions (a subscript, an exponent, an argument, or the term itself), and every such
position must move by the same amount from the first term to the last (∂h_{T-1}/∂h_{T-2}
⋯ ∂h_1/∂h_0). The run counts by one, up or down: down when the last index is smaller
(which a product of matrices needs to keep its order), and where a term before the
first one fits the pattern at any other step (`a_1 + a_3 + ⋯`) it is refused. Indices are
affine in names with integer coefficients; the direction of a symbolic step such as
n − 1 is read from the signs of its coefficients (sizes count up), and mixed signs
(`x_i + ⋯ + x_j`) are refused, as a reader could not tell how many terms there are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import fields, replace
from fractions import Fraction

from derive.model import ast

Affine = tuple[Fraction, tuple[tuple[str, Fraction], ...]]  # constant, sorted (name, coeff)


class Unreadable(ValueError):
    """The dots stand for a pattern that cannot be told from the terms around them."""


def affine(node: ast.Node) -> Affine | None:
    """`T - 1`, `2n`, `k + 1` as (constant, coefficients); None if not an integer index."""
    coefficients: dict[str, Fraction] = {}
    constant = Fraction(0)

    def add(item: ast.Node, scale: Fraction) -> bool:
        nonlocal constant
        match item:
            case ast.Num(value=value) if value.denominator == 1:
                constant += scale * value
            case ast.Name(name=name):
                coefficients[name] = coefficients.get(name, Fraction(0)) + scale
            case ast.Neg(operand=operand):
                return add(operand, -scale)
            case ast.Add(terms=terms):
                return all(add(term, scale) for term in terms)
            case ast.Mul(factors=(ast.Num(value=value), ast.Name() as name)) if (
                value.denominator == 1
            ):
                return add(name, scale * value)
            case _:
                return False
        return True

    if not add(node, Fraction(1)):
        return None
    return _form(constant, coefficients)


def _form(constant: Fraction, coefficients: dict[str, Fraction]) -> Affine:
    """The canonical form: names sorted, zero coefficients dropped."""
    return constant, tuple(sorted((n, c) for n, c in coefficients.items() if c != 0))


def _minus(a: Affine, b: Affine) -> Affine:
    terms = dict(a[1])
    for name, coeff in b[1]:
        terms[name] = terms.get(name, Fraction(0)) - coeff
    return _form(a[0] - b[0], terms)


def _node(form: Affine, pos: int) -> ast.Node:
    constant, terms = form
    parts: list[ast.Node] = []
    for name, coeff in sorted(terms, key=lambda term: term[1] < 0):
        name_node = ast.Name(name, pos)
        magnitude = abs(coeff)
        term = name_node if magnitude == 1 else ast.Mul((ast.Num(magnitude, pos), name_node), pos)
        parts.append(ast.Neg(term, pos) if coeff < 0 else term)
    if constant or not parts:
        number = ast.Num(abs(constant), pos)
        parts.append(ast.Neg(number, pos) if constant < 0 else number)
    return parts[0] if len(parts) == 1 else ast.Add(tuple(parts), pos)


def _label(form: Affine) -> str:
    constant, terms = form
    text = ""
    for name, coeff in sorted(terms, key=lambda term: term[1] < 0):
        sign = "-" if coeff < 0 else ("+" if text else "")
        magnitude = abs(coeff)
        text += sign + ("" if magnitude == 1 else str(magnitude)) + name
    if constant or not text:
        text += ("-" if constant < 0 else ("+" if text else "")) + str(abs(constant))
    return text


Path = tuple[object, ...]
_COMPACT = re.compile(r"[A-Za-z0-9]{2,}")  # a_{1n}, X_{ij}: an entry, or a two-digit index?


def _holes(a: object, b: object, path: Path = ()) -> Iterator[tuple[Path, Affine, Affine]]:
    """The maximal positions where `a` and `b` differ, each with the two index values."""
    if a == b:
        return
    if isinstance(a, ast.Node) and isinstance(b, ast.Node):
        left, right = affine(a), affine(b)
        if left is not None and right is not None:
            yield path, left, right
            return
        if (
            isinstance(a, ast.Subscript)
            and isinstance(b, ast.Subscript)
            and a.base == b.base
            and _COMPACT.fullmatch(a.label)
        ):
            raise Unreadable(
                f"the subscripts around ... run indices together ({a.base}_{{{a.label}}}): "
                "write the sum with \\sum"
            )
        if type(a) is type(b):
            for item in fields(a):
                if item.name in ("pos", "label"):
                    continue  # a subscript's label is its index as written
                yield from _holes(getattr(a, item.name), getattr(b, item.name), (*path, item.name))
            return
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _holes(x, y, (*path, index))
        return
    raise Unreadable("the terms around ... differ in more than their indices")


def _filled(node: object, path: Path, value: ast.Node) -> object:
    """`node` with the subtree at `path` replaced by `value` (a subscript's label follows)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(node, tuple):
        return tuple(_filled(x, rest, value) if i == step else x for i, x in enumerate(node))
    assert isinstance(node, ast.Node) and isinstance(step, str)
    changed = replace(node, **{step: _filled(getattr(node, step), rest, value)})
    if isinstance(changed, ast.Subscript) and step == "index" and not rest:
        form = affine(value)
        changed = replace(changed, label=_label(form) if form else changed.label)
    return changed


def _offset(first: ast.Node, other: ast.Node, paths: list[Path]) -> Affine | None:
    """How far `other` is from `first` along the pattern's indices, or None if it is no
    term of the pattern."""
    try:
        holes = list(_holes(first, other))
    except Unreadable:
        return None
    if not holes or {path for path, _, _ in holes} != set(paths):
        return None
    steps = {_minus(right, left) for _, left, right in holes}
    return steps.pop() if len(steps) == 1 else None


def _direction(step: Affine) -> int:
    constant, terms = step
    signs = {coeff > 0 for _, coeff in terms}
    if not terms:
        if constant == 0:
            raise Unreadable("the terms around ... are the same: nothing tells what it counts")
        return 1 if constant > 0 else -1
    if len(signs) != 1:
        raise Unreadable("... between indices whose order is not known: write the sum with \\sum")
    return 1 if signs.pop() else -1


def _with_index(form: Affine, var: str, sign: int) -> Affine:
    terms = dict(form[1])
    terms[var] = terms.get(var, Fraction(0)) + sign
    return _form(form[0], terms)


def _bound_inside(*trees: ast.Node) -> set[str]:
    """Variables that a sum, limit or extremum inside the terms binds."""
    return {
        node.var
        for node in ast.walk(trees)
        if isinstance(node, ast.Sum | ast.Limit | ast.Extremum) and node.var
    }


def _fresh(*trees: ast.Node) -> str:
    used = ast.names(trees)
    letters = ("k", "j", "m", "r", "s", "q", "p")
    return next(v for v in (*letters, *(f"k{i}" for i in range(len(used) + 1))) if v not in used)


def folded(
    preceding: list[ast.Node],
    first: ast.Node,
    last: ast.Node,
    following: list[ast.Node],
    *,
    product: bool,
    pos: int,
) -> tuple[int, int, ast.Sum]:
    """The sum (or product) of the run from `first` to `last` that dots stand for, and how
    many of the `preceding` and `following` terms it takes in: those that fit the pattern
    one step further each (a_1 + ⋯ + a_{n-1} + a_n). One before it that fits at another
    step is refused (`a_1 + a_3 + ⋯`), and so is a step that no written term fixes and
    that could be a stride (a_2 + ⋯ + a_{2n}: every even term, or every term?). Where
    unrelated terms are left before the run, it is read only where it has a term at least
    (1 + x + x² + ⋯ + x^n says nothing about n = 0)."""
    holes = list(_holes(first, last))
    if not holes:
        raise Unreadable("the terms around ... are the same: nothing tells what it counts")
    if holes[0][0] == () and holes[0][1][1] and holes[0][2][1]:  # a + ⋯ + b
        raise Unreadable("the terms around ... are not indexed: write the sum with \\sum")
    inner = _bound_inside(first, last)
    if any(name in inner for _, a, b in holes for name, _ in (*a[1], *b[1])):
        raise Unreadable("the indices around ... use a variable bound inside the terms")
    steps = {_minus(right, left) for _, left, right in holes}
    if len(steps) != 1:
        raise Unreadable("the indices around ... do not move together: write it with \\sum")
    direction = _direction(steps.pop())
    paths = [path for path, _, _ in holes]
    taken = 0
    for term in reversed(preceding):
        offset = _offset(term, first, paths)
        if offset is not None and not offset[1] and offset[0] != direction:
            raise Unreadable("the terms before ... do not count by one: write it with \\sum")
        if offset != (Fraction(direction), ()):
            break  # an unrelated term (or one at a symbolic distance) stays outside
        first, taken = term, taken + 1
        holes = list(_holes(first, last))
    joined = 0
    for term in following:
        if _offset(last, term, paths) != (Fraction(direction), ()):
            break
        last, joined = term, joined + 1
        holes = list(_holes(first, last))
    if not taken and not joined and _stride_possible(holes[0]):
        raise Unreadable("the step of ... could be a stride: write the second term, or \\sum")
    var = _fresh(*preceding, first, last)
    _, start, end = holes[0]
    natural = not (start if direction > 0 else end)[1]  # k runs over the indices themselves
    body: object = first
    for path, at_first, _ in holes:
        if natural and direction > 0:  # index i is k + (its first value − the first index)
            form = _with_index(_minus(at_first, start), var, 1)
        elif natural:  # counting down: k runs up from the last index to the first
            form = _with_index(_minus(at_first, _minus((Fraction(0), ()), end)), var, -1)
        else:  # k counts the steps taken: index i is its first value ± k
            form = _with_index(at_first, var, direction)
        body = _filled(body, path, _node(form, pos))
    if natural:
        lower, upper = (start, end) if direction > 0 else (end, start)
    else:
        lower, upper = (
            (Fraction(0), ()),
            _minus(end, start) if direction > 0 else _minus(start, end),
        )
    run = ast.Sum(
        body,  # type: ignore[arg-type]
        var,
        _node(lower, pos),
        _node(upper, pos),
        product,
        pos=pos,
        nonempty=len(preceding) > taken,
    )
    return taken, joined, run


def _stride_possible(hole: tuple[Path, Affine, Affine]) -> bool:
    """Whether every coefficient of the step between the first and the last index shares a
    factor (2n − 2: every second index may be meant)."""
    _, start, end = hole
    constant, terms = _minus(end, start)
    coefficients = [int(constant), *(int(c) for _, c in terms)]
    return bool(terms) and math.gcd(*coefficients) >= 2
