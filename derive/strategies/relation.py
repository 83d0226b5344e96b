"""Deciding a statement: screen for counterexamples, prove, or verify numerically.

The order matters for speed and for honesty: a false statement is usually caught by the
numeric screen in milliseconds (and then confirmed exactly); a true one is proved
symbolically at each explicit size, by induction where it is about all t, and only
verified numerically where no proof was found. Each step gets a share of the budget.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.claim import Statement
from derive.errors import DeriveError, Unsupported
from derive.model import ast
from derive.strategies import coincidence, induction
from derive.strategies.extrema import decide_extremum_relation
from derive.strategies.grid import numeric_grid
from derive.strategies.instances import (
    Instance,
    Instances,
    describe_sizes,
    relations,
    structural_integers,
    with_orders,
)
from derive.strategies.numeric import Pair
from derive.strategies.symbolic import prove_nonzero, prove_sign, prove_zero, refine_domains
from derive.strategies.verification import screen, verify
from derive.verdict import Scope, Status, Verdict, error


def decide_statement(
    statement: Statement, *, seed: int, budget: Budget, trials: int = 200
) -> Verdict:
    """Decide the statement; one whose O-terms set an order says so in its summary."""
    expanded = with_orders(statement)
    verdict = _decide_cases(expanded, seed=seed, budget=budget, trials=trials)
    if expanded.up_to is None or expanded.up_to == statement.up_to or not verdict.status.holds:
        return verdict
    name, power = expanded.up_to
    return replace(verdict, summary=f"{verdict.summary}, up to O({name}^{power})")


def _decide_cases(statement: Statement, *, seed: int, budget: Budget, trials: int) -> Verdict:
    """Decide the statement, case by case where indices of a random sequence may coincide
    (each case splits again where indices in it may still coincide)."""
    links = relations(statement)
    if any(isinstance(n, ast.Extremum) for n in ast.walk(tuple(links))):
        if len(links) != 1:
            raise Unsupported("a maximum over a variable is checked as a relation of its own")
        return decide_extremum_relation(statement, links[0], seed=seed, budget=budget)
    split = coincidence.cases(statement)
    if split is None:
        return _decide_one(statement, seed=seed, budget=budget, trials=trials)
    verdicts: list[tuple[str, Verdict]] = []
    for i, case in enumerate(split):
        share = Budget(budget.remaining / (len(split) - i))
        verdict = _decide_cases(case.statement, seed=seed, budget=share, trials=trials)
        if verdict.status is Status.REFUTED and verdict.counterexample is not None:
            values = case.assignment + verdict.counterexample.values  # s = t is part of it
            counterexample = replace(verdict.counterexample, values=values)
            summary = f"in the case {case.label}: {verdict.summary}"
            return replace(verdict, summary=summary, counterexample=counterexample)
        if verdict.status in (Status.REFUTED, Status.ERROR):
            return replace(verdict, summary=f"in the case {case.label}: {verdict.summary}")
        verdicts.append((case.label, verdict))
    order = (Status.UNKNOWN, Status.VERIFIED, Status.PROVED)
    weakest = min(verdicts, key=lambda lv: order.index(lv[1].status))[1]
    steps = tuple(
        f"case {label}: {v.status.value}, {v.summary or v.reason}" for label, v in verdicts
    )
    return replace(weakest, steps=steps + weakest.steps)


def _decide_one(statement: Statement, *, seed: int, budget: Budget, trials: int = 200) -> Verdict:
    """With hypotheses, first as if every point counted: a step that holds everywhere
    holds where they do (‖AB‖ ≤ ‖A‖‖B‖ needs no bound on W). Only if that fails is it
    decided again with counterexamples that must keep every hypothesis."""
    if statement.given:
        first = Instances(statement, conditions=False)
        share = Budget(budget.remaining / 2)
        verdict = _decide_instances(statement, first, seed=seed, budget=share, trials=trials)
        if verdict.status.holds:
            return replace(verdict, reading=_reading(first))
    instances = Instances(statement)
    verdict = _decide_instances(statement, instances, seed=seed, budget=budget, trials=trials)
    return replace(verdict, reading=_reading(instances))


READING_LENGTH = 400


def _reading(instances: Instances) -> str:
    """How the statement was read, as lowered at its first size: `x*(a + b)**2 = ...`,
    `u[1]**2 + u[2]**2 = ...`, so a misreading shows before the verdict is trusted."""
    if not instances.built:
        return ""
    sizes, instance = next(iter(instances.built.items()))
    text = "; ".join(f"{sp.sstr(lhs)} {op} {sp.sstr(rhs)}" for op, lhs, rhs in instance.sides)
    where = f" (at {describe_sizes(sizes)})" if sizes else ""
    if len(text) > READING_LENGTH:
        text = text[: READING_LENGTH - 1] + "…"
    return text + where


def _decide_instances(
    statement: Statement, instances: Instances, *, seed: int, budget: Budget, trials: int
) -> Verdict:
    rng = np.random.default_rng(seed)
    unsupported = ""
    try:
        structural = structural_integers(statement)
        structural += sorted(coincidence.undetermined(statement) - set(structural))
        checked_grid = numeric_grid(statement, structural)
        proof_grid = [dict(s) for s in statement.sizes]
        try:
            _shape_probe(instances, proof_grid, budget)  # shape errors first, where they show
        except Unsupported as exc:  # no symbolic form (h_n with n unknown): numeric only
            proof_grid, unsupported = [], str(exc)
    except DeriveError as exc:
        return error(str(exc), "construction")
    except (
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        NotImplementedError,
    ) as exc:
        return error(
            f"the statement could not be built: {type(exc).__name__}: {exc}", "construction"
        )

    screened = screen(
        instances,
        checked_grid,
        rng,
        budget,
        per_size=max(12, trials // (4 * len(checked_grid))),
        seed=seed,
    )
    if isinstance(screened, Verdict):
        return screened
    if _open_limits(instances):
        return Verdict(
            Status.UNKNOWN,
            "none",
            reason="a limit here exists only where a coefficient of its expansion vanishes, "
            "and no point was found where it fails",
            trials=screened,
            seed=seed,
        )
    steps: list[str] = [f"no symbolic proof attempted: {unsupported}"] if unsupported else []
    proved = (
        _prove(instances, proof_grid, statement, structural, budget, steps) if proof_grid else None
    )
    if instances.skipped:
        steps.append(f"numeric checks skipped at {'; '.join(instances.skipped)}: too slow to build")
    if proved:
        return Verdict(
            Status.PROVED,
            proved[0],
            summary=proved[1],
            steps=tuple(steps),
            proved_sizes=tuple(describe_sizes(s) for s in proof_grid if s),
            scope=_scope(proof_grid, checked_grid, instances),
            trials=screened,
            seed=seed,
        )
    return verify(instances, checked_grid, structural, rng, budget, trials, seed, tuple(steps))


def _open_limits(instances: Instances) -> bool:
    """Whether a limit in the statement may not exist (`Lowered.open_limits`)."""
    return any(instance.found.open_limits for instance in instances.built.values())


def _scope(
    proved: list[dict[str, int]], checked: list[dict[str, int]], instances: Instances
) -> Scope | None:
    """Where a proof at explicit sizes holds; None for a statement without sizes."""
    if not any(proved):
        return None
    skipped = set(instances.skipped)
    return Scope(
        tuple(tuple(sorted(s.items())) for s in proved),
        tuple(tuple(sorted(s.items())) for s in checked if s and describe_sizes(s) not in skipped),
    )


def _shape_probe(instances: Instances, grid: list[dict[str, int]], budget: Budget) -> None:
    """Build once with distinct sizes of 2 and more, where a vector cannot pass for a
    scalar (at n = 1 it can) nor an n-vector for an m-vector; skipped if that is slow
    (the proof sizes still catch most shape errors)."""
    names = sorted({name for sizes in grid for name in sizes})
    if not names:
        instances.get({})
        return
    try:
        with deadline(budget.share(0.1)):
            instances.get({name: 2 + i for i, name in enumerate(names)})
    except BudgetExceeded:
        reraise_expired()
        if budget.remaining < 0.1:
            raise


def _prove(
    instances: Instances,
    grid: list[dict[str, int]],
    statement: Statement,
    structural: list[str],
    budget: Budget,
    steps: list[str],
) -> tuple[str, str] | None:
    """(method, summary) when every pair is proved at every proof size."""
    proof_budget = Budget(budget.share(0.7))
    rungs: set[str] = set()
    for sizes in grid:
        share = Budget(proof_budget.remaining / max(1, len(grid) - grid.index(sizes)))
        try:
            instance = instances.get(sizes)
        except DeriveError:
            return None
        used: set[str] = set()
        for pair in instance.pairs:
            if pair.op == "=" and set(pair.lhs_domain) != set(pair.rhs_domain):
                steps.append(
                    "the sides are real on different sets as written (a root or a logarithm "
                    "on one side only): equal where both are real is not proved equal"
                )
                return None
            rung = _prove_pair(pair, instance, share)
            if rung is None:
                if structural and all(p.op == "=" for p in instance.pairs):
                    return induction.prove(statement, structural, sizes, proof_budget, steps)
                steps.append(
                    f"no symbolic proof found at {describe_sizes(sizes) or 'the given sizes'}"
                )
                return None
            used.add(rung)
        rungs |= used
        steps.append(
            f"proved {describe_sizes(sizes) or ''} by {', '.join(sorted(used))}".replace("  ", " ")
        )
    if _takes_expectations(statement):  # E[...] and Var(...) were taken while lowering
        rungs.add("exact expectations (moment algebra)")
        steps.insert(0, "expectations taken exactly: linearity, independence, known moments")
    method = "symbolic: " + ", ".join(sorted(rungs))
    where = "; ".join(describe_sizes(s) for s in grid if s)
    return method, f"proved{' at ' + where if where else ''} by {', '.join(sorted(rungs))}"


def _takes_expectations(statement: Statement) -> bool:
    trees = (*relations(statement), *(d.body for d in statement.context.definitions))
    return any(isinstance(n, ast.Expectation | ast.Variance) for n in ast.walk(trees))


def _prove_pair(pair: Pair, instance: Instance, budget: Budget) -> str | None:
    difference = refine_domains(pair.lhs - pair.rhs, instance.found.scalars)
    if pair.op != "=" and difference.has(sp.Sum, sp.Product):
        try:  # inequalities need the closed form of a sum before any sign can be seen
            with deadline(budget.share(0.3)):
                difference = refine_domains(difference.doit(), instance.found.scalars)
        except BudgetExceeded:
            reraise_expired()
            return None
    match pair.op:
        case "=":
            return prove_zero(difference, budget, instance.found.scalars)
        case "!=":
            return prove_nonzero(difference, budget)
        case "<=" | "<":
            return prove_sign(-difference, pair.op == "<", budget)
        case ">=" | ">":
            return prove_sign(difference, pair.op == ">", budget)
    return None
