"""Induction over an integer index: a base case and a step that uses the hypothesis.

For a statement about all t ≥ t0 (`v_t = (1-β) Σ_{i=1}^{t} β^{t-i} g_i` with v defined by
a recurrence), the base case is the statement at t0, built explicitly; the step unfolds
every recurrence once (down to t-1), rewrites the statement at t-1 (the hypothesis)
wherever it occurs, peels the last term off sums that run to t, and proves the result.
"""

from __future__ import annotations

import sympy as sp

from derive.budget import Budget
from derive.claim import Statement
from derive.errors import DeriveError
from derive.model.types import Scalar
from derive.strategies.instances import build
from derive.strategies.numeric import pairs_of
from derive.strategies.symbolic import prove_zero, refine_domains


def prove(
    statement: Statement,
    structural: list[str],
    sizes: dict[str, int],
    budget: Budget,
    steps: list[str],
) -> tuple[str, str] | None:
    """(method, summary) if induction on the single structural integer succeeds."""
    if len(structural) != 1:
        steps.append("induction needs exactly one integer index")
        return None
    name = structural[0]
    decl = statement.context.lookup(name)
    if not isinstance(decl, Scalar) or decl.domain.lower is None:
        steps.append(f"induction on {name} needs a lower bound (assume {name} >= 1)")
        return None
    start = int(decl.domain.lower) + (1 if decl.domain.lower_open else 0)
    try:
        base = build(statement, {**sizes, name: start})
        for pair in base.pairs:
            if (
                prove_zero(
                    refine_domains(pair.lhs - pair.rhs, base.found.scalars),
                    Budget(budget.share(0.2)),
                    base.found.scalars,
                )
                is None
            ):
                steps.append(f"base case {name} = {start} not proved")
                return None
        steps.append(f"base case {name} = {start} holds")
        plain = build(statement, sizes)
        t = next(s for s in plain.found.scalars if s.name == name)
        recurrences = [d.name for d in statement.context.definitions if d.params]
        step = build(statement, sizes, unfold_to={r: t - 1 for r in recurrences})
    except (DeriveError, StopIteration) as exc:
        steps.append(f"induction could not be set up: {exc}")
        return None
    rules = {}
    for op, lhs, rhs in plain.sides:
        if op != "=":
            return None
        for pair in pairs_of(op, lhs, rhs):
            rules[pair.lhs.xreplace({t: t - 1})] = pair.rhs.xreplace({t: t - 1})
    for op, lhs, rhs in step.sides:
        for pair in pairs_of(op, lhs, rhs):
            difference = peel(pair.lhs.xreplace(rules) - pair.rhs.xreplace(rules), t)
            difference = refine_domains(difference, step.found.scalars)
            if prove_zero(difference, Budget(budget.share(0.5)), step.found.scalars) is None:
                steps.append(f"induction step from {name} - 1 to {name} not proved")
                return None
    steps.append(f"induction step from {name} - 1 to {name} holds")
    return "induction", f"proved for all {name} ≥ {start} by induction"


def peel(expr: sp.Expr, t: sp.Symbol) -> sp.Expr:
    """Σ_{i=a}^{t} f(i) → Σ_{i=a}^{t-1} f(i) + f(t), so the step's sums meet the hypothesis's."""

    def split(s: sp.Sum) -> sp.Expr:
        if len(s.limits) != 1:
            return s
        var, low, high = s.limits[0]
        if sp.simplify(high - t) != 0:
            return s
        return sp.Sum(s.function, (var, low, t - 1)) + s.function.xreplace({var: t})

    return expr.replace(lambda e: isinstance(e, sp.Sum), split)
