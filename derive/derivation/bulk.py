"""Checking derivations in bulk: one JSON object per line in, one result per line out.

Each input line is `{"id": ..., "steps": [...]}` or `{"id": ..., "text": "..."}`, with an
optional `"context": {"let": {...}, "assume": [...], "where": {...}}`. Each derivation is
checked in its own killable process (`derive.sandbox`), with the per-step budget of the
settings and a whole budget of one step more than it has steps; results are appended to
the output as they finish (in the order they finish), flushed line by line, so a run that
is stopped keeps everything done and `resume` checks only the ids not written yet.

On a Dask cluster (`executor="dask"`) each derivation is one task; the task forks the
same killable process on its worker, so budgets and results are the same as here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from derive.derivation.check import DerivationResult, check_derivation
from derive.derivation.reading import (
    Derivation,
    DerivationError,
    Given,
    read_derivation,
    read_steps,
)
from derive.engine import GRACE, Settings
from derive.errors import DeriveError
from derive.sandbox import Outcome, run_isolated, run_many

__all__ = ["Record", "check_stream", "read_records", "written_ids"]

MAX_LINE = 4 * 2**20  # characters of one input line


@dataclass(frozen=True)
class Record:
    """One derivation of the input, read (or the reason it could not be)."""

    id: str
    derivation: Derivation | None
    given: Given = field(default_factory=Given)
    error: str | None = None

    def budget(self, settings: Settings) -> float:
        steps = len(self.derivation.steps) if self.derivation else 0
        return settings.timeout * (steps + 1) + GRACE


def read_records(lines: Iterable[str]) -> Iterator[Record]:
    """The records of a JSON-lines stream, lazily; a bad line is a record with its error
    (and the id `line N` when it has none), never the end of the run."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        yield _record(line, number)


def _record(line: str, number: int) -> Record:
    fallback = f"line {number}"
    if len(line) > MAX_LINE:
        return Record(fallback, None, error=f"line {number} is over {MAX_LINE} characters")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return Record(fallback, None, error=f"line {number} is not JSON: {exc.msg}")
    if not isinstance(data, dict):
        return Record(fallback, None, error=f"line {number} is not a JSON object")
    ident = data.get("id", fallback)
    ident = str(ident) if isinstance(ident, str | int) and not isinstance(ident, bool) else fallback
    try:
        given = Given.of(data.get("context") or {}, f"line {number}: context")
        if isinstance(data.get("steps"), list):
            derivation = read_steps(data["steps"])
        elif isinstance(data.get("text"), str):
            derivation = read_derivation(data["text"])
        else:
            raise DerivationError(f"line {number}: give 'steps' (a list) or 'text'")
    except DeriveError as exc:
        return Record(ident, None, error=str(exc))
    return Record(ident, derivation, given)


def written_ids(path: Path) -> set[str]:
    """The ids an earlier run wrote to `path` completely (a last line cut off by a kill
    does not count: that derivation is checked again)."""
    if not path.exists():
        return set()
    found = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict) and isinstance(data.get("source"), str):
                found.add(data["source"])
    return found


def check_record(record: Record, settings: Settings) -> DerivationResult:
    if record.derivation is None:
        return DerivationResult(record.id, (), error=record.error, seed=settings.seed)
    return check_derivation(
        record.derivation, given=record.given, settings=settings, source=record.id
    )


def check_stream(
    records: Iterable[Record],
    out: TextIO,
    settings: Settings,
    *,
    workers: int = 1,
    skip: set[str] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    on_result: Callable[[DerivationResult], None] | None = None,
) -> int:
    """Check every record not in `skip`, writing each result to `out` as one JSON line as
    soon as it is known; the number of results written."""
    from derive.report.derivation_json import derivation_dict

    skip = skip or set()
    todo = (record for record in records if record.id not in skip)
    written = 0

    def write(result: DerivationResult) -> None:
        nonlocal written
        out.write(json.dumps(derivation_dict(result), ensure_ascii=False) + "\n")
        out.flush()
        written += 1
        if on_result is not None:
            on_result(result)

    if executor == "dask":
        _run_dask(todo, settings, scheduler, workers, write)
    else:
        _run_local(todo, settings, workers, write)
    return written


def _run_local(
    records: Iterator[Record],
    settings: Settings,
    workers: int,
    write: Callable[[DerivationResult], None],
) -> None:
    budgets: dict[int, tuple[Record, float]] = {}

    def tasks() -> Iterator[tuple[int, Any, tuple[Any, ...]]]:
        for index, record in enumerate(records):
            budgets[index] = (record, record.budget(settings))
            yield index, check_record, (record, settings)

    def done(index: int, outcome: Outcome) -> None:
        record, _ = budgets.pop(index)
        write(_result(record, outcome, settings))

    run_many(tasks(), workers=workers, timeout=lambda index: budgets[index][1], on_done=done)


def _result(record: Record, outcome: Outcome, settings: Settings) -> DerivationResult:
    """A task's result, or the record's error when its process was killed or died."""
    if outcome.status == "ok":
        return outcome.value  # type: ignore[no-any-return]
    why = (
        f"stopped after {outcome.seconds:.0f} s, past its budget"
        if outcome.status == "timeout"
        else f"the check process failed: {outcome.message}"
    )
    return DerivationResult(record.id, (), error=why, seed=settings.seed)


def isolated_check(record: Record, settings: Settings) -> DerivationResult:
    """One record in a killable child of whichever process runs it (a Dask worker)."""
    return _result(
        record,
        run_isolated(check_record, record, settings, timeout=record.budget(settings)),
        settings,
    )


def _run_dask(
    records: Iterator[Record],
    settings: Settings,
    scheduler: str | None,
    workers: int,
    write: Callable[[DerivationResult], None],
) -> None:
    """Each record a task on the cluster at `scheduler` (or on a local cluster of
    `workers` processes), at most a few per worker in flight, results as they finish."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DeriveError(
            "the Dask executor needs the dask extra: pip install 'derive[dask]'"
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
    client = Client(scheduler if scheduler is not None else cluster)
    try:
        in_flight = max(2, 4 * max(1, len(client.scheduler_info().get("workers", {})) or workers))
        futures = as_completed()
        for record in records:
            futures.add(client.submit(isolated_check, record, settings, pure=False))
            if futures.count() >= in_flight:
                write(next(futures).result())
        for future in futures:
            write(future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
