"""The engine: decide claims and statements within a time budget, in isolation.

`decide` runs in the current process (strategies interrupt themselves through
`derive.budget`); `check_claims` and `prove` run each decision in a child process that is
killed if it outlives its budget, so no statement can hang derive or exhaust memory.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.cache import VerdictCache, claim_key, statement_key
from derive.claim import Claim, Extremum, Invalid, Property, Statement
from derive.errors import DeriveError
from derive.sandbox import Outcome, run_many
from derive.verdict import BUDGET, CRASH, INTERNAL, Verdict, error, unknown

DEFAULT_TIMEOUT = 60.0
GRACE = 2.0  # seconds the parent waits past a budget before killing the child


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    timeout: float = DEFAULT_TIMEOUT
    trials: int = 200
    cache_dir: str | None = None  # where verdicts are cached; None: no cache
    isolate: bool = False  # decide_cached runs each decision in its own killable process

    def cache(self) -> VerdictCache | None:
        return VerdictCache(Path(self.cache_dir)) if self.cache_dir else None


def decide(
    check: Statement | Property | Extremum | Invalid, settings: Settings = Settings()
) -> Verdict:
    """Decide in this process; every failure becomes a verdict, never an exception."""
    from derive.strategies.extrema import decide_extremum
    from derive.strategies.properties import decide_property
    from derive.strategies.relation import decide_statement

    start = time.monotonic()
    budget = Budget(settings.timeout)
    try:
        with deadline(settings.timeout):
            if isinstance(check, Invalid):
                verdict = error(f"the claim could not be built: {check.reason}", "construction")
            elif isinstance(check, Property):
                verdict = decide_property(check, seed=settings.seed, budget=budget)
            elif isinstance(check, Extremum):
                verdict = decide_extremum(check, seed=settings.seed, budget=budget)
            else:
                verdict = decide_statement(
                    check, seed=settings.seed, budget=budget, trials=settings.trials
                )
    except BudgetExceeded:
        reraise_expired()  # an enclosing deadline's expiry belongs to the code that set it
        verdict = unknown(f"time budget of {settings.timeout:g} s spent", BUDGET)
    except DeriveError as exc:
        verdict = error(str(exc))
    except RecursionError:
        verdict = error("the expression nests too deeply to evaluate")
    except MemoryError:
        verdict = unknown("ran out of memory", BUDGET)
    except Exception as exc:  # a bug must not take the batch down: it is reported instead
        if os.environ.get("DERIVE_DEBUG") == "1":
            traceback.print_exc()  # the verdict keeps the message; a developer wants the trace
        verdict = error(f"internal error ({type(exc).__name__}: {exc}); please report it", INTERNAL)
    return replace(verdict, seconds=time.monotonic() - start, seed=settings.seed)


def _preload() -> None:
    """Import the strategies before forking, so each child starts with them loaded
    (copy-on-write) instead of paying seconds of imports per claim."""
    import derive.strategies.extrema
    import derive.strategies.properties
    import derive.strategies.relation  # noqa: F401


def check_claims(
    claims: Sequence[Claim],
    settings: Settings = Settings(),
    *,
    workers: int = 1,
    on_result: Callable[[Claim, Verdict], None] | None = None,
) -> list[Verdict]:
    """Decide every claim, `workers` at a time, each in its own killable process;
    verdicts found in the settings' cache are not decided again."""
    cache = settings.cache()
    verdicts: list[Verdict | None] = [None] * len(claims)
    keys = [claim_key(c, settings.seed, settings.trials) if cache else None for c in claims]

    def done(index: int, outcome: Outcome) -> None:
        verdict = _from_outcome(outcome, settings)
        verdicts[index] = verdict
        if cache and keys[index]:
            cache.put(keys[index], verdict)
        if on_result:
            on_result(claims[index], verdict)

    tasks = []
    for i, c in enumerate(claims):
        cached = _cached(cache, keys[i])
        if cached is not None:
            verdicts[i] = cached
            if on_result:
                on_result(c, cached)
        else:
            tasks.append((i, decide, (c.check, settings)))
    if tasks:
        _preload()
        run_many(tasks, workers=workers, timeout=settings.timeout + GRACE, on_done=done)
    return [v for v in verdicts if v is not None]


def decide_cached(statement: Statement, settings: Settings) -> Verdict:
    """`decide` through the settings' cache (grading many equal answers): in this process,
    or with `settings.isolate` in a child that is killed when its budget is spent, so that
    one runaway step cannot take the submission it belongs to down with it."""
    if settings.isolate:
        return prove(statement, settings)
    cache = settings.cache()
    key = statement_key(statement, settings.seed, settings.trials) if cache else None
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    verdict = decide(statement, settings)
    if cache and key:
        cache.put(key, verdict)
    return verdict


def _cached(cache: VerdictCache | None, key: str | None) -> Verdict | None:
    if cache is None or key is None:
        return None
    start = time.monotonic()
    verdict = cache.get(key)
    if verdict is None:
        return None
    note = f"from the verdict cache (decided in {verdict.seconds:.2f} s)"
    return replace(verdict, seconds=time.monotonic() - start, notes=(*verdict.notes, note))


def prove(statement: Statement, settings: Settings = Settings()) -> Verdict:
    """Decide one ad-hoc statement in a killable child process (through the cache)."""
    cache = settings.cache()
    key = statement_key(statement, settings.seed, settings.trials) if cache else None
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    results: list[Verdict] = []
    _preload()
    run_many(
        [(0, decide, (statement, settings))],
        workers=1,
        timeout=settings.timeout + GRACE,
        on_done=lambda _, outcome: results.append(_from_outcome(outcome, settings)),
    )
    if cache and key:
        cache.put(key, results[0])
    return results[0]


def _from_outcome(outcome: Outcome, settings: Settings) -> Verdict:
    if outcome.status == "ok":
        return outcome.value
    if outcome.status == "timeout":
        return replace(
            unknown(f"stopped after {settings.timeout:g} s (time budget)", BUDGET),
            seconds=outcome.seconds,
            seed=settings.seed,
        )
    return replace(
        error(f"the check crashed: {outcome.message}", CRASH),
        seconds=outcome.seconds,
        seed=settings.seed,
    )
