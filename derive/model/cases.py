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


def single_point(condition: sp.Basic) -> tuple[sp.Symbol, sp.Expr] | None:
    """The substitution a condition such as Eq(x, 0) or Eq(a, b) pins down: one symbol
    as a unique function of the others (a set of measure zero)."""
    if isinstance(condition, sp.And):  # a conjunction with an equation lies on its set
        condition = next((c for c in condition.args if isinstance(c, sp.Eq)), None)
    if not isinstance(condition, sp.Eq):
        return None
    for symbol in sorted(condition.free_symbols, key=str):
        roots = sp.solve(condition.lhs - condition.rhs, symbol)
        if len(roots) == 1:
            return symbol, roots[0]
    return None


def collapse(expr: sp.Expr) -> sp.Expr:
    """A piecewise expression whose reachable branches all agree, as that one expression
    (a single-point branch agrees when the common expression has its value there)."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    branches = reachable(expr)
    wide = [(v, c) for v, c in branches if single_point(c) is None]
    if not wide:
        return expr
    common = wide[0][0]
    for value, condition in branches:
        point = single_point(condition)
        if point is not None:
            symbol, at = point
            if sp.simplify(value.subs(symbol, at) - common.subs(symbol, at)) != 0:
                return expr
        elif sp.simplify(value - common) != 0:
            return expr
    return common
