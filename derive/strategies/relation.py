"""Deciding a statement: screen for counterexamples, prove, or verify numerically.

The order matters for speed and for honesty: a false statement is usually caught by the
numeric screen in milliseconds (and then confirmed exactly); a true one is proved
symbolically at each explicit size, by induction where it is about all t, and only
verified numerically where no proof was found. Each step gets a share of the budget.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

import numpy as np
import sympy as sp

from derive.budget import Budget, BudgetExceeded, deadline
from derive.claim import Statement
from derive.errors import DeriveError, UndefinedEverywhere, Unsupported
from derive.model import ast
from derive.model.functions import relu
from derive.model.types import Scalar
from derive.strategies import bounds, coincidence, induction
from derive.strategies.adversary import adversarial_points, climb, closed_form_near, margins
from derive.strategies.instances import Instance, build, relations, structural_integers
from derive.strategies.numeric import Pair, Point, Problem
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
from derive.strategies.symbolic import prove_nonzero, prove_sign, prove_zero, refine_domains
from derive.verdict import Counterexample, Scope, Status, Trials, Verdict, error, unknown


class _Instances:
    """Lowered instances by size assignment, built once."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._built: dict[tuple[tuple[str, int], ...], Instance] = {}
        self._problems: dict[tuple[tuple[str, int], ...], Problem] = {}
        self._slow: set[tuple[tuple[str, int], ...]] = set()
        self.skipped: list[str] = []  # sizes too slow to build, said in the verdict

    @property
    def built(self) -> dict[tuple[tuple[str, int], ...], Instance]:
        return self._built

    def problem(
        self, sizes: dict[str, int], rng: np.random.Generator, budget: Budget
    ) -> Problem | None:
        """The numeric problem at these sizes, compiled once for screening and trials;
        None when building it would take more than a quarter of what is left (symbolic
        instances grow fast with the size: inverting a 7×7 symbolic matrix)."""
        key = tuple(sorted(sizes.items()))
        if key in self._slow:
            return None
        if key not in self._problems:
            try:
                with deadline(budget.share(0.25)):
                    instance = self.get(sizes)
                    self._problems[key] = Problem(
                        instance.pairs, instance.found.scalars, instance.found.randoms, rng
                    )
            except UndefinedEverywhere:
                if not sizes:
                    raise
                self._slow.add(key)  # Σ/n at n = 0: outside the statement's domain
                return None
            except RecursionError:  # a recurrence unrolled 100 deep: said, like a slow size
                if not sizes:
                    raise
                self._slow.add(key)
                self.skipped.append(_describe_sizes(sizes))
                return None
            except BudgetExceeded:
                if budget.remaining < 0.1:
                    raise  # the whole budget is spent, not just this size's share
                self._slow.add(key)
                self.skipped.append(_describe_sizes(sizes))
                return None
        return self._problems[key]

    def get(self, sizes: dict[str, int]) -> Instance:
        key = tuple(sorted(sizes.items()))
        if key not in self._built:
            self._built[key] = _with_series(build(self.statement, sizes), self.statement)
        return self._built[key]


def _with_series(instance: Instance, statement: Statement) -> Instance:
    """`a = b + O(eta^k)`: the Taylor coefficients of a - b below order k vanish."""
    if statement.up_to is None:
        return instance
    name, order = statement.up_to
    eta = next((s for s in instance.found.scalars if s.name == name), None)
    if eta is None:
        raise DeriveError(f"up_to names '{name}', which the statement does not use")
    pairs = []
    for pair in instance.pairs:
        difference = pair.lhs - pair.rhs
        rough = [f for f in difference.atoms(*_NOT_SMOOTH) if f.has(eta)]
        if rough:  # |η| = O(η²) is false, yet every derivative of |η| at 0 "vanishes"
            raise Unsupported(
                f"up to O({name}^{order}) needs sides that are smooth in {name}; {rough[0]} is not"
            )
        for k in range(order):
            coefficient = sp.diff(difference, eta, k).subs(eta, 0)
            if coefficient.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                raise Unsupported(f"the Taylor coefficient of {name}^{k} is not finite")
            pairs.append(
                Pair("=", coefficient, sp.S.Zero, f"{pair.label} coefficient of {name}^{k}")
            )
    instance.pairs = pairs
    return instance


_NOT_SMOOTH = (
    sp.Abs,
    sp.Max,
    sp.Min,
    sp.Piecewise,
    sp.Heaviside,
    sp.sign,
    sp.floor,
    sp.ceiling,
    relu,
)


def decide_statement(
    statement: Statement, *, seed: int, budget: Budget, trials: int = 200
) -> Verdict:
    """Decide the statement, case by case where indices of a random sequence may coincide
    (each case splits again where indices in it may still coincide)."""
    split = coincidence.cases(statement)
    if split is None:
        return _decide_one(statement, seed=seed, budget=budget, trials=trials)
    verdicts: list[tuple[str, Verdict]] = []
    for i, case in enumerate(split):
        share = Budget(budget.remaining / (len(split) - i))
        verdict = decide_statement(case.statement, seed=seed, budget=share, trials=trials)
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
    instances = _Instances(statement)
    verdict = _decide_instances(statement, instances, seed=seed, budget=budget, trials=trials)
    return replace(verdict, reading=_reading(instances))


READING_LENGTH = 400


def _reading(instances: _Instances) -> str:
    """How the statement was read, as lowered at its first size: `x*(a + b)**2 = ...`,
    `u[1]**2 + u[2]**2 = ...`, so a misreading shows before the verdict is trusted."""
    if not instances.built:
        return ""
    sizes, instance = next(iter(instances.built.items()))
    text = "; ".join(f"{sp.sstr(lhs)} {op} {sp.sstr(rhs)}" for op, lhs, rhs in instance.sides)
    where = f" (at {_describe_sizes(sizes)})" if sizes else ""
    if len(text) > READING_LENGTH:
        text = text[: READING_LENGTH - 1] + "…"
    return text + where


def _decide_instances(
    statement: Statement, instances: _Instances, *, seed: int, budget: Budget, trials: int
) -> Verdict:
    rng = np.random.default_rng(seed)
    unsupported = ""
    try:
        structural = structural_integers(statement)
        structural += sorted(coincidence.undetermined(statement) - set(structural))
        numeric_grid = _numeric_grid(statement, structural)
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

    screen = _screen(
        instances,
        numeric_grid,
        rng,
        budget,
        per_size=max(12, trials // (4 * len(numeric_grid))),
        seed=seed,
    )
    if isinstance(screen, Verdict):
        return screen
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
            proved_sizes=tuple(_describe_sizes(s) for s in proof_grid if s),
            scope=_scope(proof_grid, numeric_grid, instances),
            trials=screen,
            seed=seed,
        )
    return _verify(instances, numeric_grid, structural, rng, budget, trials, seed, tuple(steps))


def _scope(
    proved: list[dict[str, int]], checked: list[dict[str, int]], instances: _Instances
) -> Scope | None:
    """Where a proof at explicit sizes holds; None for a statement without sizes."""
    if not any(proved):
        return None
    skipped = set(instances.skipped)
    return Scope(
        tuple(tuple(sorted(s.items())) for s in proved),
        tuple(tuple(sorted(s.items())) for s in checked if s and _describe_sizes(s) not in skipped),
    )


def _shape_probe(instances: _Instances, grid: list[dict[str, int]], budget: Budget) -> None:
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
        if budget.remaining < 0.1:
            raise


def _numeric_grid(statement: Statement, structural: list[str]) -> list[dict[str, int]]:
    """The sizes and integer values the numeric checks run at: small values first (where
    recurrences are cheap to unfold), then far out (a claim false from t = 72 on), and
    below 0 for integers not bounded below (empty and reversed sums)."""
    grid = [dict(s) for s in statement.numeric_sizes] or [{}]
    given = {name for sizes in grid for name in sizes}
    structural = [name for name in structural if name not in given]  # the claim chose them
    if not structural:
        return grid
    context = statement.context
    choices = [_integer_values(context.lookup(name)) for name in structural]
    distinct = [
        (structural.index(a), structural.index(b))
        for a, b in itertools.combinations(structural, 2)
        if context.assumed_distinct(a, b)
    ]
    small = [
        combo
        for combo in itertools.product(*(c[:5] for c in choices))
        if all(combo[i] != combo[j] for i, j in distinct)  # `s != t` is assumed: never s = t
    ][:12]
    far = [
        tuple(c[min(k + shift * j, len(c) - 1)] for j, c in enumerate(choices))
        for k in range(5, max(map(len, choices)))
        for shift in ((0, 1) if distinct else (0,))  # equal values far out, and staggered ones
    ]
    far = [combo for combo in far if all(combo[i] != combo[j] for i, j in distinct)]
    combos = list(dict.fromkeys([*small, *far]))
    return [
        {**sizes, **dict(zip(structural, combo, strict=True))}
        for sizes in grid[:3]
        for combo in combos
    ]


def _integer_values(decl: object) -> list[int]:
    """Values for an integer name: from its lower bound (0 where it has none and is not
    declared an integer: a summation bound), out to 100 past it, and below 0 where
    declared an integer without a lower bound."""
    domain = decl.domain if isinstance(decl, Scalar) else None
    low = int(domain.lower) if domain is not None and domain.lower is not None else 0
    low += 1 if domain is not None and domain.lower_open and domain.lower == low else 0
    values = [low + k for k in (0, 1, 2, 4, 7, 15, 40, 100)]
    if domain is not None and domain.integer and domain.lower is None:
        values[5:5] = [-1, -2, -5]
    if domain is not None and domain.upper is not None:
        values = [v for v in values if domain.contains(Fraction(v))]
    return values or [low]


def _screen(
    instances: _Instances,
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
    return Trials(checked, _checked_sizes(grid, instances), worst, seed) if checked else None


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
            return _refuted(result, problem, sizes)
        attempts += 1
        remaining = points[points.index(point) + 1 :] if point in points else []
        found = first_violation(problem, remaining) if remaining else None
    return None


def _refuted(failure: Failure, problem: Problem, sizes: dict[str, int]) -> Verdict:
    # sizes and fixed indices (n = 2, j = 1) are part of where it fails
    values = [(name, str(value)) for name, value in sorted(sizes.items())]
    values += _present(failure.point, problem)
    note = ""
    if failure.pair.label:
        note = f"{note} entry {failure.pair.label}".strip()
    for name, (variables, body) in problem.functions.items():  # what stood for L, σ, ...
        args = ", ".join(str(v) for v in variables)
        note = f"{note}; {name}({args}) = {body}".strip("; ")
    counterexample = Counterexample(
        tuple(values), failure.lhs, failure.rhs, failure.confirmed, note
    )
    return Verdict(
        Status.REFUTED,
        "counterexample search",
        summary=f"fails{' at ' + counterexample.assignments() if values else ''}: the left side is "
        f"{failure.lhs}, the right side {failure.rhs} ({failure.confirmed})",
        counterexample=counterexample,
    )


def _present(point: Point, problem: Problem) -> list[tuple[str, str]]:
    """Values as a user writes them: vectors and matrices regrouped from their entries."""
    grouped: dict[str, dict[tuple[int, ...], str]] = {}
    scalars: list[tuple[str, str]] = []
    for atom, value in sorted(point.values.items(), key=lambda kv: str(kv[0])):
        name = str(atom)
        text = str(value)
        if isinstance(atom, sp.Indexed):  # g_{t-1}, or an entry of the vector h_{t-1}
            stem = f"{atom.base.label}_{{{_index_text(atom.indices[0])}}}"
            if len(atom.indices) == 1:
                scalars.append((stem, text))
            else:
                grouped.setdefault(stem, {})[tuple(int(i) for i in atom.indices[1:])] = text
        elif "[" in name and name.endswith("]"):
            stem, index = name[:-1].split("[", 1)
            grouped.setdefault(stem, {})[tuple(int(i) for i in index.split(","))] = text
        else:
            scalars.append((name, text))
    for stem, entries in grouped.items():
        scalars.append((stem, _matrix_text(entries)))
    families = {atom.name: atom.family for atom in problem.randoms.values()}
    used = {problem.randoms[a].name for a in problem.random_atoms}
    used |= {name for name, _ in problem.moment_symbols.values()}
    for name, law in sorted(point.laws.items()):
        if name in used and families.get(name) in ("generic", "symmetric", "whitened"):
            scalars.append((f"law of {name}", law.describe()))  # the family member that failed
    return scalars


def _index_text(index: sp.Expr) -> str:
    return str(index).replace(" ", "")


def _matrix_text(entries: dict[tuple[int, ...], str]) -> str:
    if all(len(k) == 1 for k in entries):
        return "[" + ", ".join(entries[k] for k in sorted(entries)) + "]"
    rows = sorted({k[0] for k in entries})
    cols = sorted({k[1] for k in entries})
    return "[" + ", ".join("[" + ", ".join(entries[(r, c)] for c in cols) + "]" for r in rows) + "]"


def _prove(
    instances: _Instances,
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
                    f"no symbolic proof found at {_describe_sizes(sizes) or 'the given sizes'}"
                )
                return None
            used.add(rung)
        rungs |= used
        steps.append(
            f"proved {_describe_sizes(sizes) or ''} by {', '.join(sorted(used))}".replace("  ", " ")
        )
    if _takes_expectations(statement):  # E[...] and Var(...) were taken while lowering
        rungs.add("exact expectations (moment algebra)")
        steps.insert(0, "expectations taken exactly: linearity, independence, known moments")
    method = "symbolic: " + ", ".join(sorted(rungs))
    where = "; ".join(_describe_sizes(s) for s in grid if s)
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


def _verify(
    instances: _Instances,
    grid: list[dict[str, int]],
    structural: list[str],
    rng: np.random.Generator,
    budget: Budget,
    trials: int,
    seed: int,
    steps: tuple[str, ...],
) -> Verdict:
    per_size = max(20, trials // len(grid))
    total, worst, undecided = 0, 0.0, 0
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
            return _refuted(found, problem, sizes)
        total += found[0]
        undecided += found[1]
        spot = _spot_check(problem, points[:SPOT_CHECKS], budget)
        if spot is not None:
            return _refuted(spot, problem, sizes)
        error_seen, _ = max_error(problem, points, values)
        worst = max(worst, error_seen)
    if structural and not out_of_time:
        bound = _search_bounds(instances, structural, grid, rng, budget, per_size)
        if isinstance(bound, Verdict):
            return bound
        undecided += bound
    evidence = Trials(total, _checked_sizes(grid, instances), worst, seed)
    if instances.skipped:
        steps = (
            *steps,
            f"numeric checks skipped at {'; '.join(instances.skipped)}: too slow to build",
        )
    if undecided:
        return unknown(
            f"{undecided} numeric disagreement(s) could not be confirmed or dismissed exactly",
            "numeric",
            trials=evidence,
            steps=steps,
            seed=seed,
        )
    if total < 10:
        reason = "time budget spent before" if out_of_time else "too few points where both sides"
        return unknown(
            f"{reason} enough numeric trials" if out_of_time else f"{reason} are defined",
            "numeric",
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
    instances: _Instances,
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
                return _refuted(result, problem, sizes)
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


def _checked_sizes(grid: list[dict[str, int]], instances: _Instances) -> tuple[str, ...]:
    described = (_describe_sizes(s) for s in grid if s)
    return tuple(d for d in described if d not in instances.skipped)


def _describe_sizes(sizes: dict[str, int] | tuple) -> str:
    items = sizes.items() if isinstance(sizes, dict) else sizes
    return ", ".join(f"{k} = {v}" for k, v in items)
