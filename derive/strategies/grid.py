"""Where numeric checks run: the sizes of a statement and the values of its integers.

Integers that index sequences or bound sums are fixed and the statement rebuilt at each
value, so recurrences unfold and sums expand. The values go from small (cheap to unfold)
to far out (a claim false from t = 72 on), below 0 where nothing bounds an integer from
below (empty and reversed sums), and never break an assumption (`s != t`: never s = t).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from derive.claim import Statement
from derive.model.types import Scalar


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
    return [
        {**sizes, **dict(zip(structural, combo, strict=True))}
        for sizes in grid[:3]
        for combo in combos
    ]


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
