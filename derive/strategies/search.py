"""Looking for counterexamples: sample, shrink, confirm.

Simple points (0, ±1, 2, 1/2, ...) are tried before random ones, so the first failure
found is usually already readable; a found failure is then shrunk value by value towards
simpler numbers while it keeps failing (as Hypothesis does), and finally confirmed in
exact or 60/100-digit arithmetic. Only a confirmed failure is a counterexample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.strategies.numeric import Pair, Point, Problem
from derive.strategies.symbolic import to_exp

RELATIVE_TOLERANCE = 1e-8
MONTE_CARLO_Z = 6.0  # a Monte-Carlo estimate agrees when within 6 standard errors


@dataclass(frozen=True)
class Failure:
    point: Point
    pair: Pair
    lhs: str
    rhs: str
    confirmed: str


def violates(op: str, lhs: float, rhs: float, stderr: float = 0.0) -> bool | None:
    """Whether floats violate `lhs op rhs`; None where a side is undefined there."""
    if not (math.isfinite(lhs) and math.isfinite(rhs)):
        return None
    slack = RELATIVE_TOLERANCE * max(1.0, abs(lhs), abs(rhs)) + MONTE_CARLO_Z * stderr
    match op:
        case "=":
            return abs(lhs - rhs) > slack
        case "!=":
            return abs(lhs - rhs) <= slack and stderr == 0.0
        case "<=":
            return lhs > rhs + slack
        case ">=":
            return lhs < rhs - slack
        case "<":  # near-equality is flagged: exact evaluation decides
            return lhs >= rhs - slack
        case ">":
            return lhs <= rhs + slack
    raise ValueError(op)


def apart(lhs: float, rhs: float) -> bool:
    """Whether floats tell the two sides apart beyond rounding."""
    return abs(lhs - rhs) > RELATIVE_TOLERANCE * max(1.0, abs(lhs), abs(rhs))


def first_violation(
    problem: Problem, points: list[Point], values: np.ndarray | None = None
) -> tuple[Point, Pair, float] | None:
    """The first point and pair that look false in floating point, with the error."""
    values = problem.evaluate_batch(points) if values is None else values
    for i, point in enumerate(points):
        for j, pair in enumerate(problem.pairs):
            lhs, rhs, stderr = values[i, j]
            if violates(pair.op, lhs, rhs, stderr) or (stderr == 0 and domain_mismatch(lhs, rhs)):
                return point, pair, abs(lhs - rhs)
    return None


def max_error(
    problem: Problem, points: list[Point], values: np.ndarray | None = None
) -> tuple[float, int]:
    """Largest relative disagreement over the points, and how many points were defined."""
    values = problem.evaluate_batch(points) if values is None else values
    lhs, rhs = values[:, :, 0], values[:, :, 1]
    finite = np.isfinite(lhs) & np.isfinite(rhs)
    defined = int(finite.all(axis=1).sum())
    with np.errstate(all="ignore"):
        errors = np.where(
            finite, np.abs(lhs - rhs) / np.maximum(1.0, np.maximum(np.abs(lhs), np.abs(rhs))), 0.0
        )
    equalities = np.array([p.op == "=" for p in problem.pairs])
    worst = float(errors[:, equalities].max()) if equalities.any() and errors.size else 0.0
    return worst, defined


def shrink(problem: Problem, point: Point, pair_index: int, budget: Budget) -> Point:
    """Make each value simpler while the pair keeps failing (in floating point)."""

    def fails(candidate: Point) -> bool:
        lhs, rhs, stderr = problem.evaluate(candidate)[pair_index]
        flagged = violates(problem.pairs[pair_index].op, lhs, rhs, stderr)
        return bool(flagged) or (flagged is None and stderr == 0 and domain_mismatch(lhs, rhs))

    current = point
    changed = True
    while changed and budget.remaining > 0.05:
        changed = False
        for atom in sorted(current.values, key=str):
            for simpler in _simpler(current.values[atom]):
                if not problem.domains.get(atom) or problem.domains[atom].contains(simpler):
                    candidate = problem.moved(current, {**current.values, atom: simpler})
                    if fails(candidate):
                        current, changed = candidate, True
                        break
    return current


def _simpler(value: Fraction) -> list[Fraction]:
    """Candidates simpler than value, simplest first (as Hypothesis's integer shrinker)."""
    options = [Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 2), Fraction(-2)]
    options += [Fraction(round(value)), Fraction(math.trunc(value))]
    options += [Fraction(round(value, 1)), Fraction(round(value, 2)).limit_denominator(100)]
    seen, ordered = set(), []
    for option in options:
        if option not in seen and _complexity(option) < _complexity(value):
            seen.add(option)
            ordered.append(option)
    return ordered


def _complexity(value: Fraction) -> tuple[int, int]:
    return (value.denominator, abs(value.numerator))


HOLDS = "holds"  # exact evaluation shows the relation true at the point
OUTSIDE = "outside"  # a side is undefined there (a division by zero): no information
UNDECIDED = "undecided"  # exact evaluation was impossible or indecisive


def confirm(problem: Problem, point: Point, pair: Pair, budget: Budget) -> Failure | str:
    """Re-evaluate exactly (or at 60 and 100 digits): a confirmed Failure, or HOLDS where
    the float evaluation was wrong, or UNDECIDED; OUTSIDE where the point breaks a
    hypothesis, or exact evaluation cannot show that it keeps every one."""
    for hypothesis in problem.given:
        if _evaluate_exactly(problem, point, hypothesis, budget) != HOLDS:
            return OUTSIDE  # a counterexample must satisfy everything the question grants
    return _evaluate_exactly(problem, point, pair, budget)


def _evaluate_exactly(problem: Problem, point: Point, pair: Pair, budget: Budget) -> Failure | str:
    try:
        with deadline(max(0.05, min(budget.remaining, 5.0))):
            sides = problem.exact_sides(pair, point)
            if sides is None:
                return UNDECIDED
            lhs, rhs = sides
            if lhs is None or rhs is None:
                return _domain_mismatch(point, pair, lhs, rhs)
            if _undefined(lhs) or _undefined(rhs):
                return OUTSIDE  # 0/0 and the like: the statement says nothing at this point
            if lhs.is_Rational and rhs.is_Rational:
                truth = _holds_exactly(pair.op, lhs - rhs)
                if truth is None:
                    return UNDECIDED
                return HOLDS if truth else Failure(point, pair, _show(lhs), _show(rhs), "exact")
            verdicts = set()
            for digits in (60, 100):
                try:  # strict: a difference sympy cannot resolve to `digits` is no evidence
                    difference = sp.N(lhs - rhs, digits, maxn=digits * 8, strict=True)
                    scale = max(abs(sp.N(lhs, 20)), abs(sp.N(rhs, 20)))
                except PrecisionExhausted:
                    verdicts.add(None)
                    continue
                verdicts.add(_decide(pair.op, difference, scale) if difference.is_real else None)
            if verdicts == {False}:
                return Failure(point, pair, _show(lhs), _show(rhs), "60 and 100 digits")
            if verdicts == {None} and pair.op in ("<", ">", "!=") and _exactly_equal(lhs, rhs):
                return Failure(point, pair, _show(lhs), _show(rhs), "exact (equal sides)")
            return HOLDS if verdicts == {True} else UNDECIDED
    except (BudgetExceeded, TypeError, ValueError, ZeroDivisionError) as exc:
        if isinstance(exc, BudgetExceeded):
            reraise_expired()
        return UNDECIDED


def _domain_mismatch(
    point: Point, pair: Pair, lhs: sp.Expr | None, rhs: sp.Expr | None
) -> Failure | str:
    """One side is a real number and the other is not (log(x^2) = 2 log(x) at x = -1):
    for real variables the relation fails there, as WeBWorK's domain check says."""
    defined = lhs if lhs is not None else rhs
    if defined is None or _undefined(defined) or pair.op == "!=":
        return OUTSIDE

    def shown(side: int, value: sp.Expr | None) -> str:
        if value is not None:
            return _show(value)
        limit = any(c.limit for c in pair.domain(side))
        return "not a real number" + (" (or a limit in it does not exist)" if limit else "")

    return Failure(point, pair, shown(0, lhs), shown(1, rhs), "exact (domain)")


def _undefined(value: sp.Expr) -> bool:
    return bool(value.has(sp.nan, sp.zoo) or (value.is_number and value.is_infinite))


def domain_mismatch(lhs: float, rhs: float) -> bool:
    """One side evaluated to a number and the other did not: worth an exact look."""
    return math.isfinite(lhs) != math.isfinite(rhs)


def _holds_exactly(op: str, difference: sp.Rational) -> bool | None:
    if difference is sp.nan or difference.is_infinite:
        return None
    return {
        "=": difference == 0,
        "!=": difference != 0,
        "<=": difference <= 0,
        "<": difference < 0,
        ">=": difference >= 0,
        ">": difference > 0,
    }[op]


def _exactly_equal(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """Whether two numbers that agree to 40 digits are provably equal (a tie refutes a
    strict inequality: exp(x) > 1 + x at x = 0)."""
    difference = lhs - rhs  # symbolic only: `equals` guesses numerically, which is no proof
    return difference == 0 or sp.simplify(to_exp(difference)) == 0  # softplus(0) = log 2


def _decide(op: str, difference: sp.Float, scale: sp.Float) -> bool | None:
    """True or False where the high-precision difference settles the relation at this
    point beyond any rounding, None where it is too close to call. The margin is relative
    to the sides themselves: exp(-200) = 0 is false, however small exp(-200) is."""
    margin = sp.Float(10) ** -40 * scale
    if abs(difference) <= margin:  # equal to 40 digits: no counterexample here
        return True if op in ("=", "<=", ">=") else None
    match op:
        case "=":
            return False
        case "!=":
            return True
        case "<=" | "<":
            return bool(difference < 0)
        case ">=" | ">":
            return bool(difference > 0)
    return None


def _show(value: sp.Expr) -> str:
    """Exact where the number is short; digits where a rational runs to hundreds of them."""
    if value.is_Rational and len(str(value)) <= 24:
        return str(value)
    return f"{sp.N(value, 12)}"
