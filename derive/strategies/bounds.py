"""Summation bounds searched like any other integer.

The numeric grid fixes an integer that bounds a sum (n in `Σ_{i=1}^n i`) to a few values
(1, 2, 3, 5, ..., 101) and expands the sum there, so a statement false only at n = 100
(`Σ i ≠ 5050`) slips through. Where every sum and product has a closed form, the
statement becomes an ordinary one in n, and the adversarial search (integers to 10^4, a
local search towards violation, exact ties) runs over n as over any other integer.

What that search finds is only a candidate: it is confirmed on the statement rebuilt at
that n, so a closed form's own conventions (sympy's Karr sums over reversed ranges) never
decide a verdict.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.strategies.instances import Instance
from derive.strategies.numeric import Pair, Point, Problem
from derive.strategies.symbolic import refine_domains


def closed_form_problem(
    instance: Instance, structural: list[str], rng: np.random.Generator, budget: Budget
) -> Problem | None:
    """The instance with every sum in closed form and its bounds free, or None where a
    sum keeps no closed form, nothing is bounded by a structural name, or randomness is
    involved (laws are drawn per point)."""
    scalars = instance.found.scalars
    bounds = [s for s in scalars if s.name in structural]
    if not bounds or instance.found.randoms:
        return None
    pairs: list[Pair] = []
    try:
        with deadline(budget.share(0.2)):
            for pair in instance.pairs:
                sides = [refine_domains(side.doit(), scalars) for side in (pair.lhs, pair.rhs)]
                if any(s.has(sp.Sum, sp.Product, sp.Indexed) for s in sides):
                    return None
                pairs.append(replace(pair, lhs=sides[0], rhs=sides[1]))
    except BudgetExceeded:
        reraise_expired()
        return None
    except (NotImplementedError, TypeError, ValueError):
        return None
    if not any(p.lhs.has(*bounds) or p.rhs.has(*bounds) for p in pairs):
        return None
    problem = Problem(pairs, scalars, {}, rng, instance.given)
    try:  # a closed form numpy cannot evaluate (harmonic(n)) is no help to the search
        problem.evaluate_batch(problem.simple_points(1))
    except (NameError, TypeError, ValueError):
        return None
    return problem


def sizes_of(point: Point, structural: list[str], base: dict[str, int]) -> dict[str, int]:
    """The size assignment at which a point of the closed-form problem is rebuilt."""
    found = {str(a): int(v) for a, v in point.values.items() if str(a) in structural}
    return {**base, **found}


def rebuilt_point(point: Point, problem: Problem) -> Point:
    """The point's values, by name, for the free atoms of the statement rebuilt at its
    sizes (the bounds are fixed there, every other atom keeps its value)."""
    by_name = {str(a): v for a, v in point.values.items()}
    return problem.complete({a: by_name[str(a)] for a in problem.free if str(a) in by_name})
