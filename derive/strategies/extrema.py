"""Extrema of a function of one real variable: critical points and limits at the ends.

`max_z σ'(z) = 1/4 at z = 0` is proved when the critical points are found exactly (a
finite solution set of f'(z) = 0), the largest value among them and the limits at ±∞ is
the claimed one, and it is attained where claimed. Without an exact solution set the
claim is checked on a dense grid refined by local search, and can only be `verified`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.claim import Extremum, Statement
from derive.errors import Unsupported
from derive.model import ast
from derive.model.lower import Lowering
from derive.model.types import Domain
from derive.parsing import parse_expression
from derive.strategies.symbolic import prove_zero
from derive.verdict import Counterexample, Status, Trials, Verdict, unknown

UPPER = ("max", "sup")


def decide_extremum(claim: Extremum, *, seed: int, budget: Budget) -> Verdict:
    lowering = Lowering(claim.context)
    f = lowering.lower(parse_expression(claim.expr))
    z = lowering.lower(parse_expression(claim.var))
    value = lowering.lower(parse_expression(claim.value))
    at = lowering.lower(parse_expression(claim.at)) if claim.at else None
    return _decide(f, z, value, at, claim, seed, budget)


def decide_extremum_relation(
    statement: Statement, link: ast.Relation, *, seed: int, budget: Budget
) -> Verdict:
    """A step `max_z f(z) = c` (or `min(σ'(z)) = 0`, over the body's one free variable):
    the maximum exists, is attained and equals c."""
    extremum, other = (
        (link.lhs, link.rhs) if isinstance(link.lhs, ast.Extremum) else (link.rhs, link.lhs)
    )
    if link.op != "=" or not isinstance(extremum, ast.Extremum) or statement.given:
        raise Unsupported("a maximum or minimum over a variable is checked only as max_z f(z) = c")
    lowering = Lowering(statement.context)
    f, value = lowering.lower(extremum.body), lowering.lower(other)
    if not isinstance(f, sp.Expr) or not isinstance(value, sp.Expr) or not value.is_number:
        raise Unsupported(f"the {extremum.kind} of a vector, or one compared with an expression")
    if extremum.var is not None:
        z = lowering.lower(ast.Name(extremum.var, extremum.pos))
    else:
        free = sorted(f.free_symbols, key=str)
        if len(free) != 1:
            raise Unsupported(f"say over which variable: \\{extremum.kind}_z")
        (z,) = free
    if not f.free_symbols <= {z}:
        raise Unsupported(f"the {extremum.kind} over {z} of an expression with other variables")
    domain = lowering.found.scalars.get(z)
    if not isinstance(z, sp.Symbol) or (domain is not None and domain != Domain()):
        raise Unsupported(f"a {extremum.kind} over {z} with a restricted domain")
    claim = Extremum("", str(z), str(value), extremum.kind, context=statement.context)
    return _decide(f, z, value, None, claim, seed, budget)


def _decide(f, z, value, at, claim: Extremum, seed: int, budget: Budget) -> Verdict:
    upper = claim.kind in UPPER
    steps: list[str] = []
    exact = _exact(f, z, value, at, claim, upper, budget, steps)
    if isinstance(exact, Verdict):
        return exact
    return _numeric(f, z, value, at, claim, upper, seed, steps)


def _exact(f, z, value, at, claim: Extremum, upper: bool, budget: Budget, steps: list[str]):
    try:
        with deadline(budget.share(0.6)):
            derivative = sp.simplify(sp.diff(f, z).rewrite(sp.exp))
            solutions = sp.solveset(derivative, z, domain=sp.S.Reals)
            if not isinstance(solutions, sp.FiniteSet) and solutions is not sp.S.EmptySet:
                steps.append("the critical points could not be found exactly")
                return None
            critical = [(p, sp.simplify(f.subs(z, p))) for p in solutions]
            smooth = f.rewrite(sp.exp)
            ends = [sp.limit(smooth, z, sp.oo), sp.limit(smooth, z, -sp.oo)]
            poles = sp.singularities(f, z, sp.S.Reals)
            if not isinstance(poles, sp.FiniteSet) and poles is not sp.S.EmptySet:
                steps.append("the singular points could not be found exactly")
                return None
            for pole in poles:  # 1/x near 0: the limits on both sides are candidates too
                ends += [sp.limit(smooth, z, pole, "+"), sp.limit(smooth, z, pole, "-")]
    except (BudgetExceeded, NotImplementedError, ValueError, TypeError) as exc:
        if isinstance(exc, BudgetExceeded):
            reraise_expired()  # an outer budget's expiry is not this step's to swallow
        steps.append("the critical points could not be found exactly")
        return None
    if not all(v.is_number for _, v in critical) or not all(
        e.is_number or e.is_infinite for e in ends
    ):
        steps.append("the values at the critical points or the limits are not numbers")
        return None
    steps.append(f"critical points: {', '.join(f'{p} (value {v})' for p, v in critical) or 'none'}")
    steps.append(f"limits at +∞ and -∞: {ends[0]}, {ends[1]}")
    if len(ends) > 2:
        steps.append(f"one-sided limits at the singular points: {', '.join(map(str, ends[2:]))}")
    candidates = [v for _, v in critical] + [e for e in ends if e.is_finite]
    unbounded = sp.oo if upper else -sp.oo  # max of -x² is not spoilt by its limit -∞
    if any(e == unbounded for e in ends) or not candidates:
        best = None
    else:
        best = (
            max(candidates, key=lambda v: float(v))
            if upper
            else min(candidates, key=lambda v: float(v))
        )
    if best is None or prove_zero(best - value, Budget(budget.share(0.3))) is None:
        shown = "unbounded" if best is None else str(best)
        return Verdict(
            Status.REFUTED,
            "critical points",
            summary=f"the {claim.kind} is {shown}, not {value}",
            steps=tuple(steps),  # no point fails: the evidence is the extremum found
        )
    attained = any(sp.simplify(v - value) == 0 for _, v in critical)
    if attained != claim.attained:
        return Verdict(
            Status.REFUTED,
            "critical points",
            summary=(
                f"the value {value} is attained"
                if attained
                else f"the {claim.kind} {value} is not attained: it is the "
                f"{'supremum' if upper else 'infimum'}, approached but never reached"
            ),
            steps=tuple(steps),  # no point fails: the evidence is the critical points
        )
    if at is not None and not any(
        sp.simplify(p - at) == 0 for p, v in critical if sp.simplify(v - value) == 0
    ):
        return Verdict(
            Status.REFUTED,
            "critical points",
            summary=f"the {claim.kind} is not attained at {at}",
            steps=tuple(steps),
            counterexample=Counterexample(
                ((claim.var, str(at)),), str(f.subs(z, at)), str(value), "exact"
            ),
        )
    where = (
        f" at {claim.var} = {at}" if at is not None else (" (not attained)" if not attained else "")
    )
    return Verdict(
        Status.PROVED,
        "critical points and limits",
        summary=f"{claim.kind} = {value}{where}",
        steps=tuple(steps),
    )


def _numeric(f, z, value, at, claim: Extremum, upper: bool, seed: int, steps: list[str]) -> Verdict:
    fn = sp.lambdify(z, f, modules="numpy")
    rng = np.random.default_rng(seed)
    grid = np.concatenate([np.linspace(-50, 50, 20001), rng.normal(0, 10, 2000)])
    with np.errstate(all="ignore"):
        values = np.asarray(fn(grid), dtype=float)
    values = values[np.isfinite(values)]
    target = float(value)
    extreme = values.max() if upper else values.min()
    beyond = extreme > target + 1e-9 if upper else extreme < target - 1e-9
    if beyond:
        return unknown(
            f"a grid value {extreme} passes the claimed {claim.kind} {target}", "grid search"
        )
    if claim.attained:  # a grid bounds the values; where they are attained it cannot show
        return unknown(
            f"no grid value passes {target}, but that the {claim.kind} is attained (and not "
            "only approached) needs the critical points, which were not found exactly",
            "grid search",
        )
    return Verdict(
        Status.VERIFIED,
        "grid search",
        summary=f"{len(values)} grid points stay within {target}",
        steps=tuple(steps),
        trials=Trials(len(values), seed=seed),
        seed=seed,
    )
