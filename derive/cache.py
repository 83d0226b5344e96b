"""The verdict cache: re-checking an unchanged library, or the same answer given by many
students, costs a file read.

A verdict is stored under a key made of everything that decides it: the statement as
parsed (not as typed, so spacing and `\\cdot` versus `*` do not matter), its context, its
hypotheses and sizes, the seed and the number of trials, and a fingerprint of derive's own
source, so that any change to the engine starts a fresh cache. Claims decided by code
(properties) are keyed by their id and the source of the module that defines them.

Entries are JSON written atomically (a write to a temporary file, then a rename), so
parallel workers never see half an entry; JSON rather than pickle, so a cache directory
somebody else wrote cannot run code. Unknown verdicts that ran out of time are not stored:
a larger budget may decide them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cache
from pathlib import Path

from derive.claim import Claim, Statement
from derive.verdict import Counterexample, Scope, Status, Trials, Verdict

DEFAULT_DIRECTORY = Path(os.environ.get("DERIVE_CACHE_DIR", Path.home() / ".cache" / "derive"))


@cache
def engine_fingerprint() -> str:
    """A hash of derive's source files: a changed engine never reuses old verdicts."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def statement_key(statement: Statement, seed: int, trials: int) -> str:
    from derive.strategies.instances import parsed

    givens = [parsed(Statement(text, statement.context)) for text in statement.given]

    parts = [
        engine_fingerprint(),
        repr(parsed(statement)),
        repr(givens),
        repr(sorted(statement.context.decls.items())),
        repr(statement.context.definitions),
        repr(statement.context.strict),
        repr(sorted(sorted(pair) for pair in statement.context.distinct)),
        repr((statement.sizes, statement.numeric_sizes, statement.up_to)),
        repr((seed, trials)),
    ]
    return _digest(parts)


def claim_key(claim: Claim, seed: int, trials: int) -> str | None:
    """None for a claim that cannot be keyed (code from nowhere known): never cached."""
    if isinstance(claim.check, Statement):
        return statement_key(claim.check, seed, trials)
    if not claim.origin or not Path(claim.origin).is_file():
        return None
    source = Path(claim.origin).read_text()
    return _digest(
        [engine_fingerprint(), claim.id, type(claim.check).__name__, source, repr((seed, trials))]
    )


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class VerdictCache:
    """Verdicts on disk, by key; `None` directory means no caching at all."""

    def __init__(self, directory: Path | None = DEFAULT_DIRECTORY) -> None:
        self.directory = directory

    def get(self, key: str) -> Verdict | None:
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            return _from_json(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or unreadable: decide again

    def put(self, key: str, verdict: Verdict) -> None:
        if self.directory is None or (verdict.method, verdict.status) in _NEVER_CACHED:
            return  # a time-out or a crash says nothing about the statement
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=path.parent, delete=False, suffix=".tmp"
            ) as handle:
                json.dump(_to_json(verdict), handle)
            os.replace(handle.name, path)
        except OSError:
            pass  # a read-only or full disk only costs speed

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"


_NEVER_CACHED = {("budget", Status.UNKNOWN), ("internal", Status.ERROR)}


def _to_json(verdict: Verdict) -> dict:
    data = asdict(verdict)
    data["status"] = verdict.status.value
    return data


def _from_json(data: dict) -> Verdict:
    counterexample = data.get("counterexample")
    trials = data.get("trials")
    return Verdict(
        status=Status(data["status"]),
        method=data["method"],
        summary=data["summary"],
        steps=tuple(data["steps"]),
        counterexample=Counterexample(
            tuple(tuple(pair) for pair in counterexample["values"]),
            counterexample["lhs"],
            counterexample["rhs"],
            counterexample["confirmed"],
            counterexample["note"],
        )
        if counterexample
        else None,
        trials=Trials(trials["count"], tuple(trials["sizes"]), trials["max_error"], trials["seed"])
        if trials
        else None,
        proved_sizes=tuple(data["proved_sizes"]),
        scope=Scope(
            tuple(tuple((k, int(v)) for k, v in s) for s in data["scope"]["proved"]),
            tuple(tuple((k, int(v)) for k, v in s) for s in data["scope"]["checked"]),
        )
        if data.get("scope")
        else None,
        reason=data["reason"],
        reading=data.get("reading", ""),
        seconds=data["seconds"],
        seed=data["seed"],
        notes=tuple(data["notes"]),
    )
