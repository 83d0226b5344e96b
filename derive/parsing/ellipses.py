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
    return constant, tuple(sorted((n, c) for n, c in coefficients.items() if c != 0))


def _minus(a: Affine, b: Affine) -> Affine:
    terms = dict(a[1])
    for name, coeff in b[1]:
        terms[name] = terms.get(name, Fraction(0)) - coeff
    return a[0] - b[0], tuple(sorted((n, c) for n, c in terms.items() if c != 0))


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


def _holes(a: object, b: object, path: Path = ()) -> Iterator[tuple[Path, Affine, Affine]]:
    """The maximal positions where `a` and `b` differ, each with the two index values."""
    if a == b:
        return
    if isinstance(a, ast.Node) and isinstance(b, ast.Node):
        left, right = affine(a), affine(b)
        if left is not None and right is not None:
            yield path, left, right
            return
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
    if not holes or any(path not in paths for path, _, _ in holes):
        return None
    steps = {_minus(right, left) for _, left, right in holes}
    if len(steps) != 1 or len(holes) != len(paths):
        return None
    return steps.pop()


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
    return form[0], tuple(sorted((n, c) for n, c in terms.items() if c != 0))


def _fresh(*trees: ast.Node | None) -> str:
    used = ast.names(tuple(tree for tree in trees if tree is not None))
    return next(v for v in ("k", "j", "m", "r", "s", "q", "p") if v not in used)


def folded(
    before: ast.Node | None, first: ast.Node, last: ast.Node, *, product: bool, pos: int
) -> ast.Sum:
    """The sum (or product) of the run from `first` to `last` that dots stand for;
    `before` is the term written ahead of `first` (or None), which fixes the step."""
    holes = list(_holes(first, last))
    if not holes:
        raise Unreadable("the terms around ... are the same: nothing tells what it counts")
    if holes[0][0] == () and holes[0][1][1] and holes[0][2][1]:  # a + ⋯ + b
        raise Unreadable("the terms around ... are not indexed: write the sum with \\sum")
    steps = {_minus(right, left) for _, left, right in holes}
    if len(steps) != 1:
        raise Unreadable("the indices around ... do not move together: write it with \\sum")
    direction = _direction(steps.pop())
    if before is not None:
        offset = _offset(before, first, [path for path, _, _ in holes])
        if offset is not None and offset != (Fraction(direction), ()):
            raise Unreadable("the terms before ... do not count by one: write it with \\sum")
    var = _fresh(before, first, last)
    _, start, end = holes[0]
    body: object = first
    for path, at_first, _ in holes:
        if direction > 0:  # index i is k + (its first value − the first index)
            form = _with_index(_minus(at_first, start), var, 1)
        else:  # counting down: k runs up from the last index, index i is its first + end − k
            form = _with_index(_minus(at_first, _minus((Fraction(0), ()), end)), var, -1)
        body = _filled(body, path, _node(form, pos))
    lower, upper = (start, end) if direction > 0 else (end, start)
    return ast.Sum(body, var, _node(lower, pos), _node(upper, pos), product, pos=pos)  # type: ignore[arg-type]
