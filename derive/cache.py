"""The verdict cache: re-checking an unchanged library, or the same answer given by many
students, costs a file read.

A verdict is stored under a key made of everything that decides it: the statement as
parsed (not as typed, so spacing and `\\cdot` versus `*` do not matter), its context, its
hypotheses and sizes, the seed and the number of trials, and a fingerprint of derive's own
source, so that any change to the engine starts a fresh cache. Claims decided by code
(properties) are keyed by their id and the source of the module that defines them.

Entries are JSON written atomically (a write to a temporary file, then a rename), so
parallel workers never see half an entry; JSON rather than pickle, so a cache directory
somebody else wrote cannot run code. A verdict is only as good as the file it is read
from, so every entry is signed (HMAC-SHA256 with a secret kept in the folder, readable by
its owner only) and checked against its schema when read: an entry that was edited, moved
to another key, written without the secret or malformed is ignored and decided again. A
folder that others can write to is not used at all (`VerdictCache.problem` says why).
Verdicts that say nothing about the statement (a time-out, a crash, a bug) are not stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import tempfile
from contextlib import suppress
from dataclasses import asdict
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from derive.atomic import write_atomically
from derive.claim import Claim, Statement
from derive.verdict import TRANSIENT, Counterexample, Scope, Status, Trials, Verdict

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
        repr((statement.context.strict, statement.context.open_world, statement.context.summation)),
        repr(sorted(statement.context.dependent)),
        repr(sorted(sorted(pair) for pair in statement.context.distinct)),
        repr((statement.sizes, statement.numeric_sizes, statement.up_to, statement.where_defined)),
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
    """Verdicts on disk, by key; `None` directory means no caching at all. When the folder
    cannot be trusted or keep its secret, `problem` says why and nothing is read or kept."""

    def __init__(self, directory: Path | None = DEFAULT_DIRECTORY) -> None:
        self.directory = directory
        self.problem: str | None = None
        self._secret = b""
        if directory is not None:
            self._secret, self.problem = _secret_of(Path(directory))

    @property
    def usable(self) -> bool:
        return self.directory is not None and self.problem is None

    def get(self, key: str) -> Verdict | None:
        if not self.usable:
            return None
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
                return None
            if entry.get("key") != key or not isinstance(entry.get("mac"), str):
                return None
            if not hmac.compare_digest(entry["mac"], self._mac(key, entry.get("verdict"))):
                return None  # edited, moved, or written by someone without the secret
            return _from_json(entry["verdict"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # absent, unreadable or malformed: decide again

    def put(self, key: str, verdict: Verdict) -> None:
        if not self.usable or verdict.method in TRANSIENT:
            return  # a time-out or a crash says nothing about the statement
        data = _to_json(verdict)
        entry = {"format": ENTRY_FORMAT, "key": key, "verdict": data, "mac": self._mac(key, data)}
        path = self._path(key)
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            write_atomically(path, json.dumps(entry))
        except OSError:
            pass  # a read-only or full disk only costs speed

    def _mac(self, key: str, data: object) -> str:
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
        message = f"{key}\x00{canonical}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return Path(self.directory) / key[:2] / f"{key}.json"


ENTRY_FORMAT = "derive-verdict/2"
SECRET_FILE = "secret"


@lru_cache(maxsize=16)
def _secret_of(folder: Path) -> tuple[bytes, str | None]:
    """The folder's signing secret, made on first use; or why the folder is not used."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        return b"", f"cannot use {folder}: {exc.strerror or exc}"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return b"", f"{folder} belongs to another user: verdicts there are not trusted"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (
            b"",
            f"{folder} can be written by others (chmod go-w): verdicts there are not trusted",
        )
    path = folder / SECRET_FILE
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    if not path.exists():
        try:
            _make_secret(path)
        except OSError as exc:
            return b"", f"cannot keep a secret in {folder}: {exc.strerror or exc}"
    try:
        handle = os.open(path, flags)
        with os.fdopen(handle, "rb") as stream:
            mode = os.fstat(stream.fileno())
            secret = stream.read(64)
    except OSError as exc:
        return b"", f"cannot read {path}: {exc.strerror or exc}"
    if not stat.S_ISREG(mode.st_mode) or mode.st_mode & 0o077 or len(secret) < 32:
        return b"", f"{path} is not a private secret (chmod 600, or delete it): cache not used"
    if hasattr(os, "getuid") and mode.st_uid != os.getuid():
        return b"", f"{path} belongs to another user: cache not used"
    return secret, None


def _make_secret(path: Path) -> None:
    """Write the secret whole, then link it into place: a process that reads at the same
    time sees no secret or all of it, and of two that race to make one, the first wins."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 600
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(32))
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # no hard links here (some shares): a rename, last one wins
            os.replace(temporary, path)
    finally:
        with suppress(OSError):
            os.unlink(temporary)


def _to_json(verdict: Verdict) -> dict:
    data = asdict(verdict)
    data["status"] = verdict.status.value
    return data


def _from_json(data: dict) -> Verdict:
    """The verdict of a cache entry, every field checked: ValueError when it is malformed."""
    counterexample = _optional(data, "counterexample", dict)
    trials = _optional(data, "trials", dict)
    scope = _optional(data, "scope", dict)
    return Verdict(
        status=Status(_field(data, "status", str)),
        method=_field(data, "method", str),
        summary=_field(data, "summary", str),
        steps=_texts(data, "steps"),
        counterexample=Counterexample(
            tuple(_pair(item) for item in _field(counterexample, "values", list)),
            _field(counterexample, "lhs", str),
            _field(counterexample, "rhs", str),
            _field(counterexample, "confirmed", str),
            _field(counterexample, "note", str),
        )
        if counterexample is not None
        else None,
        trials=Trials(
            _field(trials, "count", int),
            _texts(trials, "sizes"),
            float(_field(trials, "max_error", (int, float))),
            _field(trials, "seed", int),
        )
        if trials is not None
        else None,
        proved_sizes=_texts(data, "proved_sizes"),
        scope=Scope(_grids(scope, "proved"), _grids(scope, "checked"))
        if scope is not None
        else None,
        reason=_field(data, "reason", str),
        reading=_field(data, "reading", str),
        seconds=float(_field(data, "seconds", (int, float))),
        seed=_field(data, "seed", int),
        notes=_texts(data, "notes"),
    )


def _field(data: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{name}: expected {kind}, found {type(value).__name__}")
    return value


def _optional(data: dict, name: str, kind: type) -> Any:
    return None if data.get(name) is None else _field(data, name, kind)


def _texts(data: dict, name: str) -> tuple[str, ...]:
    values = _field(data, name, list)
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name}: expected strings")
    return tuple(values)


def _pair(item: object) -> tuple[str, str]:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)):
        raise ValueError("counterexample values: expected [name, value] pairs")
    return item[0], item[1]


def _grids(scope: dict, name: str) -> tuple[tuple[tuple[str, int], ...], ...]:
    grids = []
    for sizes in _field(scope, name, list):
        if not isinstance(sizes, list):
            raise ValueError(f"scope {name}: expected lists")
        grids.append(tuple(_size(item) for item in sizes))
    return tuple(grids)


def _size(item: object) -> tuple[str, int]:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise ValueError("scope: expected [size, value] pairs")
    if not isinstance(item[1], int) or isinstance(item[1], bool):
        raise ValueError("scope: a size is an integer")
    return item[0], item[1]
