"""Claims decided by running code: algorithms against brute force, simulations, counts,
and existence claims settled by a witness.

Simple instances run first (and, for a finite domain, may be all there is), then random
ones drawn from the seeded generator. What a single instance establishes depends on the
kind of claim and on whether the test computes exactly (see `Property`).
"""

from __future__ import annotations

import numpy as np

from derive.budget import Budget
from derive.claim import Outcome, Property
from derive.verdict import Counterexample, Status, Trials, Verdict, unknown


def decide_property(prop: Property, *, seed: int, budget: Budget) -> Verdict:
    rng = np.random.default_rng(seed)
    simple = list(prop.simple()) if prop.simple else []
    tried = 0
    for instance in _instances(simple, prop, rng):
        if budget.remaining <= 0:
            break
        outcome = prop.test(instance)
        tried += 1
        if prop.kind == "exists" and outcome.ok:
            return _witness(prop, outcome, tried, seed)
        if prop.kind == "forall" and not outcome.ok:
            return _counterexample(prop, outcome, tried, seed)
    trials = Trials(tried, seed=seed)
    if prop.kind == "exists":
        return unknown(f"no witness among {tried} instances", prop.method, trials=trials, seed=seed)
    if tried == 0:
        return unknown("no instance could be tried within the time budget", prop.method, seed=seed)
    exhaustive = prop.draw is None and prop.exact
    status = Status.PROVED if exhaustive else Status.VERIFIED
    how = "every case, exactly" if exhaustive else f"{tried} instances"
    return Verdict(
        status,
        prop.method,
        summary=f"held on {how}" + (f": {prop.describe}" if prop.describe else ""),
        trials=trials,
        seed=seed,
    )


def _instances(simple: list, prop: Property, rng: np.random.Generator):
    yield from simple
    if prop.draw is not None:
        for _ in range(prop.trials):
            yield prop.draw(rng)


def _witness(prop: Property, outcome: Outcome, tried: int, seed: int) -> Verdict:
    status = Status.PROVED if outcome.exact else Status.VERIFIED
    return Verdict(
        status,
        f"{prop.method}: witness",
        summary=f"witness found ({'exact' if outcome.exact else 'floating point'}): "
        + ", ".join(f"{k} = {v}" for k, v in outcome.values),
        trials=Trials(tried, seed=seed),
        seed=seed,
        notes=((f"{outcome.lhs} vs {outcome.rhs}",) if outcome.lhs else ()),
    )


def _counterexample(prop: Property, outcome: Outcome, tried: int, seed: int) -> Verdict:
    if not outcome.exact:
        return unknown(
            "a failing instance was found in floating point but not confirmed exactly",
            prop.method,
            seed=seed,
            notes=(", ".join(f"{k} = {v}" for k, v in outcome.values),),
        )
    return Verdict(
        Status.REFUTED,
        f"{prop.method}: counterexample",
        summary=f"fails: {outcome.lhs} vs {outcome.rhs}" if outcome.lhs else "fails",
        counterexample=Counterexample(outcome.values, outcome.lhs, outcome.rhs, "exact"),
        trials=Trials(tried, seed=seed),
        seed=seed,
    )
