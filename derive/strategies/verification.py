"""The numeric side of deciding a statement: a quick screen for counterexamples before
any proof, and the search behind `verified` after proofs failed.

Every point that looks false in floating point is re-evaluated exactly before it counts
(`search.confirm`); points next to failing are pushed further by a local search, ties are
looked for as closed forms, and summation bounds are searched as free integers where the
sums have closed forms (`bounds`). What exact evaluation cannot settle makes the verdict
`unknown`, never `verified`.
"""

from __future__ import annotations

import numpy as np

from derive.budget import Budget, BudgetExceeded
from derive.errors import DeriveError
from derive.strategies import bounds
from derive.strategies.adversary import adversarial_points, climb, closed_form_near, margins
from derive.strategies.counterexamples import refuted
from derive.strategies.instances import (
    Instances,
    checked_sizes,
)
from derive.strategies.numeric import Point, Problem
from derive.strategies.search import (
    UNDECIDED,
    Failure,
    apart,
    confirm,
    domain_mismatch,
    first_violation,
    max_error,
    shrink,
    violates,
)
from derive.verdict import BUDGET, Status, Trials, Verdict, error, unknown


def screen(
    instances: Instances,
    grid: list[dict[str, int]],
    rng: np.random.Generator,
    budget: Budget,
    per_size: int,
    seed: int,
) -> Verdict | Trials | None:
    """A quick search for a counterexample over every numeric size."""
    checked, worst = 0, 0.0
    screen_budget = Budget(budget.share(0.3))
    for sizes in grid:
        if screen_budget.remaining <= 0:
            break
        try:
            problem = instances.problem(sizes, rng, screen_budget)
            if problem is None:
                continue
            points = problem.simple_points(min(8, per_size)) + problem.random_points(per_size)
            values = problem.evaluate_batch(points)
            refutation = _refute(problem, points, screen_budget, sizes, values)
        except DeriveError as exc:
            return error(str(exc), "construction")
        except BudgetExceeded:
            break
        if isinstance(refutation, Verdict):
            return refutation
        error_seen, defined = max_error(problem, points, values)
        checked += defined
        worst = max(worst, error_seen)
    return Trials(checked, checked_sizes(grid, instances), worst, seed) if checked else None


def _refute(
    problem: Problem, points: list[Point], budget: Budget, sizes: dict[str, int], values: np.ndarray
) -> Verdict | None:
    found = first_violation(problem, points, values)
    attempts = 0
    while found is not None and attempts < 5 and budget.remaining > 0:
        point, pair, _ = found
        index = problem.pairs.index(pair)
        small = shrink(problem, point, index, Budget(min(2.0, budget.remaining / 2)))
        result = confirm(problem, small, pair, budget)
        if not isinstance(result, Failure) and small is not point:
            result = confirm(problem, point, pair, budget)
        if isinstance(result, Failure):
            return refuted(result, problem, sizes)
        attempts += 1
        remaining = points[points.index(point) + 1 :] if point in points else []
        found = first_violation(problem, remaining) if remaining else None
    return None


def verify(
    instances: Instances,
    grid: list[dict[str, int]],
    structural: list[str],
    rng: np.random.Generator,
    budget: Budget,
    trials: int,
    seed: int,
    steps: tuple[str, ...],
) -> Verdict:
    per_size = max(20, trials // len(grid))
    total, worst, undecided, outside_given = 0, 0.0, 0, 0
    out_of_time = False
    for sizes in grid:
        if budget.remaining <= 0.05:
            out_of_time = True
            break
        try:
            problem = instances.problem(sizes, rng, budget)
            if problem is None:
                continue
            points = _search_points(problem, per_size, rng)
            values = problem.evaluate_batch(points)
            found = _search(problem, points, values, budget)
        except DeriveError as exc:
            return error(str(exc), "numeric")
        except BudgetExceeded:
            out_of_time = True
            break
        if isinstance(found, Failure):
            return refuted(found, problem, sizes)
        total += found[0]
        undecided += found[1]
        outside_given += problem.outside_given
        spot = _spot_check(problem, points[:SPOT_CHECKS], budget)
        if spot is not None:
            return refuted(spot, problem, sizes)
        error_seen, _ = max_error(problem, points, values)
        worst = max(worst, error_seen)
    if structural and not out_of_time:
        bound = _search_bounds(instances, structural, grid, rng, budget, per_size)
        if isinstance(bound, Verdict):
            return bound
        undecided += bound
    evidence = Trials(total, checked_sizes(grid, instances), worst, seed)
    if instances.skipped:
        steps = (
            *steps,
            f"numeric checks skipped at {'; '.join(instances.skipped)}: too slow to build",
        )
    method = BUDGET if out_of_time else "numeric"  # a time-out is not cached: more time may decide
    if undecided:
        return unknown(
            f"{undecided} numeric disagreement(s) could not be confirmed or dismissed exactly",
            method,
            trials=evidence,
            steps=steps,
            seed=seed,
        )
    if total < 10:
        if out_of_time:
            reason = "time budget spent before enough numeric trials"
        elif outside_given:  # not checked: it depends on what the question grants
            granted = "; ".join(instances.statement.given)
            reason = f"depends on the hypotheses ({granted}): too few points found that keep them"
        else:
            reason = "too few points where both sides are defined"
        return unknown(
            reason,
            method,
            trials=evidence,
            steps=steps,
            seed=seed,
        )
    return Verdict(
        Status.VERIFIED,
        "numeric trials",
        summary=f"{total} points agreed, random and adversarial (magnitudes 1e-6 to 1e6, "
        f"integers to 1e4, large denominators, the statement's constants, a local search "
        f"towards violation; largest relative error {worst:.1e})",
        steps=steps,
        trials=evidence,
        seed=seed,
    )


def _search_points(problem: Problem, count: int, rng: np.random.Generator) -> list[Point]:
    """Half random, half adversarial."""
    points = problem.random_points(count // 2)
    return points + adversarial_points(problem, count - count // 2, rng)


def _search(
    problem: Problem, points: list[Point], values: np.ndarray, budget: Budget
) -> Failure | tuple[int, int]:
    """A confirmed failure at the points, at those a local search reaches from the worst
    of them, or at a tie near those; else (points defined, disagreements left undecided)."""
    found = _check_points(problem, points, values, budget)
    if isinstance(found, Failure):
        return found
    climbed = climb(problem, points, values, Budget(min(1.0, budget.share(0.1))))
    near = _check_points(problem, climbed, problem.evaluate_batch(climbed), budget)
    if isinstance(near, Failure):
        return near
    tie = _tie(problem, climbed, budget)
    return tie if tie is not None else (found[0], found[1] + near[1])


def _search_bounds(
    instances: Instances,
    structural: list[str],
    grid: list[dict[str, int]],
    rng: np.random.Generator,
    budget: Budget,
    count: int,
) -> Verdict | int:
    """The search over summation bounds as free integers, where the sums have closed
    forms: a refutation confirmed on the statement rebuilt at the bound found, or the
    number of candidates (0 or 1) that could not be confirmed there."""
    base = {k: v for k, v in (grid[0] if grid else {}).items() if k not in structural}
    try:
        general = bounds.closed_form_problem(instances.get(base), structural, rng, budget)
        if general is None:
            return 0
        points = _search_points(general, count, rng)
        found = _search(general, points, general.evaluate_batch(points), budget)
        if not isinstance(found, Failure):
            return 0
        index = general.pairs.index(found.pair)
        smallest = shrink(general, found.point, index, Budget(min(2.0, budget.remaining / 4)))
        sizes = bounds.sizes_of(smallest, structural, base)
        problem = instances.problem(sizes, rng, budget)
        if problem is None:
            return 1
        point = bounds.rebuilt_point(smallest, problem)
        for pair in problem.pairs:
            result = confirm(problem, point, pair, budget)
            if isinstance(result, Failure):
                return refuted(result, problem, sizes)
    except (DeriveError, BudgetExceeded):
        return 0
    return 1


def _check_points(
    problem: Problem, points: list[Point], values: np.ndarray, budget: Budget
) -> Failure | tuple[int, int]:
    """A confirmed failure among the points, or (points defined, disagreements that
    exact evaluation could not settle)."""
    defined_points, undecided, mismatches = 0, 0, 0
    for i, point in enumerate(points):
        defined = True
        for j, pair in enumerate(problem.pairs):
            lhs, rhs, stderr = values[i, j]
            flagged = violates(pair.op, lhs, rhs, stderr)
            if flagged is None:
                defined = False
                if stderr == 0 and domain_mismatch(lhs, rhs) and mismatches < DOMAIN_CHECKS:
                    mismatches += 1  # one side real, the other not? decided exactly
                    result = confirm(problem, point, pair, budget)
                    if isinstance(result, Failure):
                        return result
            elif flagged:
                result = confirm(problem, point, pair, budget)
                if isinstance(result, Failure):
                    return result
                if result == UNDECIDED and pair.op in ("<", ">", "!=") and not apart(lhs, rhs):
                    defined = False  # sigmoid(10^6) < 1: equal in floats, too close to settle
                else:
                    undecided += result == UNDECIDED
        defined_points += defined
    return defined_points, undecided


def _tie(problem: Problem, points: list[Point], budget: Budget) -> Failure | None:
    """A strict relation whose margin the local search drove to nothing: the sides may
    meet at an irrational point; a closed form near it, confirmed exactly, refutes."""
    if not points:
        return None
    values = problem.evaluate_batch(points)
    for j, pair in enumerate(problem.pairs):
        if pair.op not in ("<", ">", "!="):
            continue
        scores = margins(pair.op, values[:, j, 0], values[:, j, 1])
        for i in np.argsort(-scores)[:2]:
            if scores[i] < -1e-9:
                break
            candidate = closed_form_near(problem, points[i])
            if candidate is not None:
                result = confirm(problem, candidate, pair, budget)
                if isinstance(result, Failure):
                    return result
    return None


SPOT_CHECKS = 3  # points per size re-evaluated exactly even when floating point agreed


DOMAIN_CHECKS = 5  # points per size where only one side was a number, re-evaluated exactly


def _spot_check(problem: Problem, points: list[Point], budget: Budget) -> Failure | None:
    """Exact evaluation at a few points: differences below floating-point resolution
    (x + 10^-30 = x) are invisible to the trials but not to exact arithmetic."""
    spot_budget = Budget(min(budget.remaining * 0.2, 5.0))
    for point in points:
        for pair in problem.pairs:
            if spot_budget.remaining <= 0:
                return None
            result = confirm(problem, point, pair, spot_budget)
            if isinstance(result, Failure):
                return result
    return None
