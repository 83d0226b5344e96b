"""Where numeric checks run: the sizes of a statement and the values of its integers.

Integers that index sequences or bound sums are fixed and the statement rebuilt at each
value, so recurrences unfold and sums expand. The values go from small (cheap to unfold)
to far out (a claim false from t = 72 on), below 0 where nothing bounds an integer from
below (empty and reversed sums), and never break an assumption (`s != t`: never s = t)
nor name an element before a recurrence's first term (h_{n-2} with h_0 first: n ≥ 2).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from derive.claim import Statement
from derive.model import ast
from derive.model.types import Context, Scalar


def numeric_grid(statement: Statement, structural: list[str]) -> list[dict[str, int]]:
    """The sizes and integer values the numeric checks run at: small values first (where
    recurrences are cheap to unfold), then far out (a claim false from t = 72 on), and
    below 0 for integers not bounded below (empty and reversed sums)."""
    grid = [dict(s) for s in statement.numeric_sizes] or [{}]
    given = {name for sizes in grid for name in sizes}
    structural = [name for name in structural if name not in given]  # the claim chose them
    if not structural:
        return grid
    context = statement.context
    choices = [integer_values(context.lookup(name)) for name in structural]
    distinct = [
        (structural.index(a), structural.index(b))
        for a, b in itertools.combinations(structural, 2)
        if context.assumed_distinct(a, b)
    ]
    small = [
        combo
        for combo in itertools.product(*(c[:5] for c in choices))
        if all(combo[i] != combo[j] for i, j in distinct)  # `s != t` is assumed: never s = t
    ][:12]
    far = [
        tuple(c[min(k + shift * j, len(c) - 1)] for j, c in enumerate(choices))
        for k in range(5, max(map(len, choices)))
        for shift in ((0, 1) if distinct else (0,))  # equal values far out, and staggered ones
    ]
    far = [combo for combo in far if all(combo[i] != combo[j] for i, j in distinct)]
    combos = list(dict.fromkeys([*small, *far]))
    elements = first_terms(statement)
    return [
        point
        for sizes in grid[:3]
        for combo in combos
        if not _before_first(
            point := {**sizes, **dict(zip(structural, combo, strict=True))}, elements
        )
    ]


def first_terms(statement: Statement) -> list[tuple[ast.Node, int]]:
    """(index, first) for each element the statement names of a recurrence whose first
    term is given (`h_0 = x`): at integer values where the index is below `first` the
    element does not exist, and the statement says nothing there."""
    from derive.strategies.instances import hypotheses, relations

    context: Context = statement.context
    found = []
    for node in ast.walk((*relations(statement), *hypotheses(statement))):
        if isinstance(node, ast.Subscript):
            first = _first_index(context, node.base)
            if first is not None:
                found.append((node.index, first))
    return found


def _first_index(context: Context, name: str) -> int | None:
    definition = context.definition(name)
    if definition is None or not definition.params or not isinstance(definition.body, tuple):
        return None
    bases = [int(index) for index, _ in definition.body[:-1]]
    return min(bases) if bases else None


def _before_first(point: dict[str, int], elements: list[tuple[ast.Node, int]]) -> bool:
    return any(
        (value := _integer(index, point)) is not None and value < first for index, first in elements
    )


def _integer(node: ast.Node, values: dict[str, int]) -> Fraction | None:
    """The value of an index such as `n - 2` at integer values; None if it is not one."""
    match node:
        case ast.Num(value=value):
            return value
        case ast.Name(name=name):
            return Fraction(values[name]) if name in values else None
        case ast.Neg(operand=operand):
            inner = _integer(operand, values)
            return None if inner is None else -inner
        case ast.Add(terms=terms) | ast.Mul(factors=terms):
            parts = [_integer(term, values) for term in terms]
            if any(p is None for p in parts):
                return None
            combine = sum if isinstance(node, ast.Add) else math.prod
            return Fraction(combine(parts))
    return None


def integer_values(decl: object) -> list[int]:
    """Values for an integer name: from its lower bound (0 where it has none and is not
    declared an integer: a summation bound), out to 100 past it, and below 0 where
    declared an integer without a lower bound."""
    domain = decl.domain if isinstance(decl, Scalar) else None
    low = int(domain.lower) if domain is not None and domain.lower is not None else 0
    low += 1 if domain is not None and domain.lower_open and domain.lower == low else 0
    values = [low + k for k in (0, 1, 2, 4, 7, 15, 40, 100)]
    if domain is not None and domain.integer and domain.lower is None:
        values[5:5] = [-1, -2, -5]
    if domain is not None and domain.upper is not None:
        values = [v for v in values if domain.contains(Fraction(v))]
    return values or [low]
