"""Case analysis of piecewise expressions: which branches can be reached at all.

sympy lists branches in order, each condition implicitly conjoined with the negations of
the earlier ones; rewriting ReLU, |x| and max produces branches that no point reaches
(`x > 0` after `x >= 0` failed) and single-point branches (`x = 0`). Proofs by cases and
the symmetry argument for expectations both need the reachable branches only.
"""

from __future__ import annotations

import sympy as sp


def reachable(piecewise: sp.Piecewise) -> list[tuple[sp.Expr, sp.Basic]]:
    """(value, condition under which this branch is the one taken), unreachable dropped."""
    earlier: list[sp.Basic] = []
    branches = []
    for value, condition in piecewise.args:
        reached = sp.And(condition, *(sp.Not(c) for c in earlier)).simplify()
        earlier.append(condition)
        if reached != sp.false:
            branches.append((value, reached))
    return branches


def single_points(condition: sp.Basic) -> list[tuple[sp.Symbol, sp.Expr]] | None:
    """The substitutions a condition such as Eq(x, 0) or Eq(a, b) pins down, one per
    branch of it: x·y = 0 is x = 0 or y = 0, so both (a set of measure zero). None
    where some branch does not pin one symbol down."""
    if isinstance(condition, sp.And):  # a conjunction with an equation lies on its set
        condition = next((c for c in condition.args if isinstance(c, sp.Eq)), None)
    if not isinstance(condition, sp.Eq):
        return None
    difference = sp.factor(condition.lhs - condition.rhs)
    factors = difference.args if isinstance(difference, sp.Mul) else (difference,)
    found = []
    for factor in factors:
        if factor.is_number:
            continue
        base = factor.base if isinstance(factor, sp.Pow) and factor.exp.is_positive else factor
        point = next(
            (
                (symbol, roots[0])
                for symbol in sorted(base.free_symbols, key=str)
                if len(roots := sp.solve(base, symbol)) == 1
            ),
            None,
        )
        if point is None:
            return None
        found.append(point)
    return found or None


def collapse(expr: sp.Expr) -> sp.Expr:
    """A piecewise expression whose reachable branches all agree, as that one expression
    (a single-point branch agrees when the common expression has its value there)."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    branches = reachable(expr)
    wide = [(v, c) for v, c in branches if single_points(c) is None]
    if not wide:
        return expr
    common = wide[0][0]
    for value, condition in branches:
        points = single_points(condition)
        if points is not None:
            for symbol, at in points:
                if sp.simplify(value.subs(symbol, at) - common.subs(symbol, at)) != 0:
                    return expr
        elif sp.simplify(value - common) != 0:
            return expr
    return common
