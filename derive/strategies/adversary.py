"""The search behind `verified`: points an adversary would try, and a local search that
drives each relation towards violation from the worst points found.

`verified` promises that a determined search found no counterexample, so the points are
not only typical ones: magnitudes from 1e-6 to 1e6 of both signs, integers far beyond
the small ones, rationals with large denominators, and points next to the statement's
own constants. Then, from the points where each relation came closest to failing, a
hill climb moves one coordinate at a time to shrink the margin further. Every point is an
exact rational, so whatever looks false is re-evaluated exactly before it counts; a tie
that only an irrational point reaches (x² + 2 > 2√2·x at x = √2) is looked for as a
simple closed form near the best point and confirmed exactly too.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from derive.budget import Budget
from derive.model.types import Domain
from derive.strategies.numeric import Point, Problem

MAGNITUDES = (-6, 6)  # decimal exponents of the magnitudes tried
LARGEST_INTEGER = 10**4
CLIMB_STARTS = 4  # points per relation the local search starts from
CLIMB_ROUNDS = 40


def adversarial_points(problem: Problem, count: int, rng: np.random.Generator) -> list[Point]:
    """`count` points whose coordinates come from the adversarial mixture."""
    constants = _constants(problem)
    points = []
    for _ in range(count):
        values = {a: _adversarial(problem.domains[a], rng, constants) for a in problem.free}
        points.append(problem.complete(values))
    return points


def _constants(problem: Problem) -> list[Fraction]:
    """The numbers written in the statement (where things change: 1 in 1 - x, 72 in t ≥ 72)."""
    found = {Fraction(0)}
    for pair in problem.pairs:
        for expr in (pair.lhs, pair.rhs):
            for number in expr.atoms(sp.Rational):
                if abs(number) < 10**6:
                    found.add(Fraction(int(number.p), int(number.q)))
    return sorted(found)


def _adversarial(domain: Domain, rng: np.random.Generator, constants: list[Fraction]) -> Fraction:
    for _ in range(50):
        kind = rng.random()
        if kind < 0.3:  # a magnitude from 1e-6 to 1e6, either sign
            exponent = rng.uniform(*MAGNITUDES)
            value = Fraction(f"{10**exponent:.6g}") * (1 if rng.random() < 0.5 else -1)
        elif kind < 0.5:  # an integer, exponentially spaced up to 10^4
            value = Fraction(round(LARGEST_INTEGER ** rng.random()) * int(rng.choice([-1, 1])))
        elif kind < 0.7:  # a rational with a large denominator
            denominator = int(rng.integers(7, 10**6))
            value = Fraction(int(rng.integers(-5 * denominator, 5 * denominator)), denominator)
        else:  # next to a constant of the statement
            centre = constants[int(rng.integers(len(constants)))]
            offset = Fraction(f"{10 ** rng.uniform(-6, -1):.3g}") * int(rng.choice([-1, 0, 1]))
            value = centre + offset
        value = _into(domain, value)
        if value is not None and domain.contains(value):
            return value
    return Fraction(0) if domain.contains(Fraction(0)) else _fallback(domain)


def _into(domain: Domain, value: Fraction) -> Fraction | None:
    """The value moved into the domain's range (kept where it already lies)."""
    if domain.integer:
        value = Fraction(round(value))
    if domain.contains(value):
        return value
    low, high = domain.lower, domain.upper
    if low is not None and high is not None:
        fraction = abs(value) - math.floor(abs(value))
        return low + (high - low) * Fraction(fraction).limit_denominator(10**6)
    if low is not None:
        return low + abs(value) + (1 if domain.integer and domain.lower_open else 0)
    if high is not None:
        return high - abs(value) - (1 if domain.integer and domain.upper_open else 0)
    return None


def _fallback(domain: Domain) -> Fraction:
    low = domain.lower if domain.lower is not None else Fraction(0)
    return low + (1 if domain.lower_open or domain.integer else 0)


def margins(op: str, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """How far each point is from violating `lhs op rhs`, relative to the sides' size:
    the larger, the closer to failing (above 0 it fails in floating point)."""
    with np.errstate(all="ignore"):
        scale = np.maximum(1.0, np.maximum(np.abs(lhs), np.abs(rhs)))
        difference = (lhs - rhs) / scale
        match op:
            case "=":
                score = np.abs(difference)
            case "<=" | "<":
                score = difference
            case ">=" | ">":
                score = -difference
            case _:  # "!=": fails where the sides meet
                score = -np.abs(difference)
    return np.where(np.isfinite(score), score, -np.inf)


def climb(problem: Problem, points: list[Point], values: np.ndarray, budget: Budget) -> list[Point]:
    """Points reached by moving the worst ones towards violation, one coordinate at a
    time, with steps shrinking from half the value to 1e-12 of it."""
    if problem.per_point or not problem.free or not points:
        return []
    reached: list[Point] = []
    for j, pair in enumerate(problem.pairs):
        scores = margins(pair.op, values[:, j, 0], values[:, j, 1])
        for start in np.argsort(-scores)[:CLIMB_STARTS]:
            if budget.remaining <= 0 or not np.isfinite(scores[start]):
                break
            reached.append(_climb_from(problem, points[start], j, float(scores[start]), budget))
    return reached


def _climb_from(problem: Problem, point: Point, pair: int, score: float, budget: Budget) -> Point:
    op = problem.pairs[pair].op
    step = 0.5
    for _ in range(CLIMB_ROUNDS):
        if budget.remaining <= 0 or step < 1e-12:
            break
        candidates = _neighbours(problem, point, step)
        if not candidates:
            break
        values = problem.evaluate_batch(candidates)
        scores = margins(op, values[:, pair, 0], values[:, pair, 1])
        best = int(np.argmax(scores))
        if scores[best] > score:
            point, score = candidates[best], float(scores[best])
            if score > 0:
                break  # it fails in floating point: exact evaluation takes over
        else:
            step /= 4
    return point


def _neighbours(problem: Problem, point: Point, step: float) -> list[Point]:
    found = []
    for atom in problem.free:
        value = point.values[atom]
        domain = problem.domains[atom]
        size = max(abs(float(value)), 1.0)
        for move in (step * size, -step * size):
            moved = Fraction(float(value) + move)
            if domain.integer:
                moved = Fraction(round(moved))
            if moved != value and domain.contains(moved):
                found.append(problem.moved(point, {**point.values, atom: moved}))
    return found


def closed_form_near(problem: Problem, point: Point) -> Point | None:
    """The point with each coordinate replaced by a simple closed form it is close to
    (1.41421356237 → √2), or None where no coordinate has one: a tie that no rational
    point reaches can still be confirmed exactly there."""
    values: dict[sp.Basic, object] = {}
    changed = False
    for atom, value in point.values.items():
        guess = _closed_form(float(value))
        if guess is None:
            values[atom] = value
        else:
            values[atom], changed = guess, True
    return problem.moved(point, values) if changed else None  # type: ignore[arg-type]


def _closed_form(value: float) -> sp.Expr | None:
    """A short irrational closed form within 1e-7 of the value (√2, π/4, 1 + √3), or None."""
    for constants in ([], [sp.pi], [sp.E]):
        guess = sp.nsimplify(value, constants, tolerance=1e-7, rational=False)
        small = all(r.q <= 12 and abs(r.p) <= 100 for r in guess.atoms(sp.Rational))
        exact = not guess.has(sp.Float) and not guess.is_Rational
        if exact and guess.is_real and small and sp.count_ops(guess) <= 6:
            return guess
    return None
