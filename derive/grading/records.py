"""Records of graded submissions, kept so that `--resume` does not grade them again.

A record is `<name>-<hash>.json` in the results folder: the file's SHA-256, the key and
the settings it was graded with, and the result in the shape of
`derive.report.grading_json.submission_dict`. A record is used only when all of these
match; it is written atomically, and only for a submission that was graded (a crash or a
time-out is never kept as final).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from derive.atomic import write_atomically
from derive.engine import Settings
from derive.grading.results import SubmissionResult
from derive.grading.structured import MAX_BYTES, SubmissionError, printable, read_bytes

RECORD_FORMAT = "derive-grading/1"


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_bytes(path, limit=MAX_BYTES)).hexdigest()
    except SubmissionError:
        return None  # graded (as an error) every time: nothing worth keeping


def record_name(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._")[:60] or "submission"
    where = hashlib.sha1(str(resolved(path)).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{stem}-{where}.json"


def resolved(path: Path) -> Path:
    """The file a path leads to; the path itself when it cannot be followed (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _identity(
    path: Path, digest: str, key_name: str | None, settings: Settings, student: str
) -> dict[str, Any]:
    return {
        "format": RECORD_FORMAT,
        "file": printable(str(resolved(path))),
        "student": student,  # the name the batch gave it (its folder, in an LMS export)
        "sha256": digest,
        "key_option": key_name,
        "settings": {"seed": settings.seed, "timeout": settings.timeout, "trials": settings.trials},
    }


def load_record(
    record: Path, path: Path, digest: str, key_name: str | None, settings: Settings, student: str
) -> SubmissionResult | None:
    from derive.report.grading_json import submission_from_dict

    identity = _identity(path, digest, key_name, settings, student)
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        if {k: data.get(k) for k in identity} != identity:
            return None
        return submission_from_dict(data["result"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, stale or damaged: grade again


def save_record(
    record: Path,
    path: Path,
    digest: str,
    key_name: str | None,
    settings: Settings,
    student: str,
    result: SubmissionResult,
) -> str | None:
    """Keep the result for --resume; what went wrong, if it could not be kept."""
    from derive.report.grading_json import dumps, submission_dict

    identity = _identity(path, digest, key_name, settings, student)
    data = identity | {"result": submission_dict(result)}
    try:
        write_atomically(record, dumps(data))
    except (OSError, ValueError) as exc:  # ValueError: text a UTF-8 file cannot hold
        reason = getattr(exc, "strerror", None) or exc
        return f"not kept for --resume: cannot write {printable(str(record))}: {reason}"
    return None
