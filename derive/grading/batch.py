"""Grading a class: many submission files, each graded in its own killable process.

    results = grade_paths(["hand-ins/"], "ift6135-a2-2021", Settings(), workers=4,
                          out_dir=Path(".derive-grading"), resume=True)

- Files are read by their extension: `.yaml`, `.yml`, `.json` are structured answers
  files, `.md`, `.markdown`, `.tex`, `.latex`, `.txt` solution documents. Folders are
  searched for such files (hidden entries skipped).
- The key is `key_name` (the command line's `--key`), else the `key:` field of a
  structured file. A solution document needs `key_name`.
- Each submission is read and graded in a child process (`derive.sandbox.run_many`),
  `workers` at a time, stopped after `settings.timeout * BUDGET_FACTOR` seconds. A file
  that cannot be read, or whose grading crashes or runs out of time, becomes a
  `SubmissionResult` with `error` set; the others are graded.
- With `out_dir`, each result is written there as it arrives (`<name>-<hash>.json`,
  in the shape of `derive.report.grading_json.submission_dict`, with the file's
  SHA-256, the key and the settings). With `resume=True`, a submission whose record
  matches (same file content, key and settings) is not graded again.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from derive.engine import GRACE, Settings
from derive.errors import DeriveError
from derive.grading import records
from derive.grading.documents import DOCUMENT_SUFFIXES, canonical_label, read_document
from derive.grading.key import AnswerKey
from derive.grading.results import SubmissionResult
from derive.grading.structured import (
    STRUCTURED_SUFFIXES,
    SubmissionError,
    printable,
    read_structured,
)
from derive.grading.submission import Submission
from derive.sandbox import Outcome, run_many

__all__ = [
    "BUDGET_FACTOR",
    "RESULTS_FOLDER",
    "SUFFIXES",
    "GradingError",
    "align_labels",
    "find_submissions",
    "grade_file",
    "grade_paths",
    "read_submission",
]

BUDGET_FACTOR = 20  # a submission may take this many per-step budgets
RESULTS_FOLDER = ".derive-grading"
SUFFIXES = set(STRUCTURED_SUFFIXES) | DOCUMENT_SUFFIXES
MAX_FILES = 10_000


class GradingError(DeriveError, ValueError):
    """Grading that cannot start: no submission files, a path that does not exist."""


# -- finding submissions ------------------------------------------------------------------


def find_submissions(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files to grade: files as given, folders searched for submission files."""
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():  # real files before links: a link to a hand-in is its duplicate
            candidates = sorted(_walk(path), key=lambda p: (p.is_symlink(), _natural(p)))
        elif path.exists():
            candidates = [path]
        else:
            raise GradingError(f"{path}: no such file or folder")
        for candidate in candidates:
            resolved = records.resolved(candidate)
            if resolved not in seen:
                seen.add(resolved)
                found.append(candidate)
        if len(found) > MAX_FILES:
            raise GradingError(f"more than {MAX_FILES} submission files")
    if not found:
        listed = ", ".join(str(p) for p in paths) or "nothing"
        raise GradingError(
            f"no submission files in {listed} (looked for {', '.join(sorted(SUFFIXES))})"
        )
    return found


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                yield Path(root) / name


def _natural(path: Path) -> list[Any]:
    """`s2` before `s10`."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", str(path))]


# -- one submission -----------------------------------------------------------------------


def read_submission(
    path: Path, key_name: str | None, keys: Sequence[AnswerKey], name: str | None = None
) -> tuple[Submission, AnswerKey, list[str]]:
    """Read one file and find its key; notes say what was adjusted on the way. The
    student is the one the file names, else `name`, else the file's name."""
    from derive import registry

    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix in STRUCTURED_SUFFIXES:
        submission = read_structured(path, name=name)
        name = key_name or submission.key
        if name is None:
            raise SubmissionError(
                f"{path}: no answer key: give --key, or a 'key:' field in the file"
            )
        if key_name and submission.key and submission.key != key_name:
            notes.append(f"the file names the key {submission.key}; graded with {key_name}")
        try:
            key = registry.find_key(keys, name)
        except DeriveError as exc:
            raise SubmissionError(f"{path}: {exc}") from None
        return submission, key, notes
    if suffix in DOCUMENT_SUFFIXES:
        if key_name is None:
            raise SubmissionError(f"{path}: a solution document is graded with --key KEY")
        key = registry.find_key(keys, key_name)
        return read_document(path, key, student=name), key, notes
    known = ", ".join(sorted(SUFFIXES))
    raise SubmissionError(
        f"{path}: cannot read {suffix or 'files without an extension'} (expected {known})"
    )


def align_labels(submission: Submission, key: AnswerKey) -> tuple[Submission, list[str]]:
    """Answers filed under the key's own labels (`2.2.a` is `2.2a`); answers to questions
    the key does not have are dropped, with a note."""
    by_parts = {canonical_label(q.label): q.label for q in key.questions}
    answers = {}
    notes = []
    for label, answer in submission.answers.items():
        target = label if key.question(label) else by_parts.get(canonical_label(label))
        if target is None:
            notes.append(f"{label}: the key has no such question; not graded")
        elif target in answers:
            notes.append(f"{label}: a second answer to question {target}; the first is graded")
        else:
            answers[target] = replace(answer, label=target)
    return replace(submission, answers=answers), notes


def grade_file(
    path: Path,
    key_name: str | None,
    keys: Sequence[AnswerKey],
    settings: Settings,
    name: str | None = None,
) -> SubmissionResult:
    """Read and grade one file; every failure becomes a result with `error` set."""
    from derive.grading import check

    started = time.monotonic()
    key = _known_key(keys, key_name)
    try:
        submission, key, notes = read_submission(path, key_name, keys, name)
    except DeriveError as exc:
        return _failed(path, f"could not be read: {exc}", key, key_name, student=name)
    except RecursionError:
        return _failed(path, "could not be read: nested too deeply", key, key_name, student=name)
    submission, label_notes = align_labels(submission, key)
    try:
        result = check.grade_submission(submission, key, settings)
    except Exception as exc:  # a bug in grading must not lose the class's other results
        return _failed(
            path,
            f"grading failed: {type(exc).__name__}: {exc}",
            key,
            key_name,
            student=submission.student,
        )
    notes = (*notes, *label_notes, *result.notes)
    return replace(
        result, path=printable(str(path)), notes=notes, seconds=time.monotonic() - started
    )


def _known_key(keys: Sequence[AnswerKey], name: str | None) -> AnswerKey | None:
    return next((k for k in keys if k.name == name), None)


def _failed(
    path: Path,
    message: str,
    key: AnswerKey | None,
    key_name: str | None,
    *,
    student: str | None = None,
) -> SubmissionResult:
    return SubmissionResult(
        student=student or printable(path.stem),
        key=key.name if key else (key_name or ""),
        score=0.0,
        max_score=key.points if key else 0.0,
        error=printable(message),  # it may quote a file name that is not UTF-8
        path=printable(str(path)),
    )


# -- a class ------------------------------------------------------------------------------


def grade_paths(
    paths: Iterable[str | os.PathLike[str]],
    key_name: str | None = None,
    settings: Settings | None = None,
    *,
    workers: int = 1,
    out_dir: str | os.PathLike[str] | None = None,
    resume: bool = False,
    on_result: Callable[[SubmissionResult], None] | None = None,
    keys: Sequence[AnswerKey] | None = None,
) -> list[SubmissionResult]:
    """Grade every submission under `paths`; results come back in file order, and
    `on_result` hears each one as it is ready (resumed ones first).

    Raises `GradingError` when there is nothing to grade and `ClaimError` for an
    unknown `key_name`: mistakes in the command, not in a submission.
    """
    from derive import registry

    settings = settings or Settings()
    paths = list(paths)  # read twice: for the files, and for the folders links may not leave
    files = find_submissions(paths)
    keys = list(registry.load_keys() if keys is None else keys)
    if key_name is not None:
        registry.find_key(keys, key_name)
    folder = Path(out_dir) if out_dir is not None else None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GradingError(f"cannot create {folder}: {exc.strerror or exc}") from None
    results: list[SubmissionResult | None] = [None] * len(files)
    record_of: list[tuple[Path, str] | None] = [None] * len(files)
    tasks = []
    roots = [Path(p) for p in paths if Path(p).is_dir()]
    names = student_names(files)
    for index, path in enumerate(files):
        refused = _outside(path, roots)
        if refused is not None:
            known = _known_key(keys, key_name)
            results[index] = _failed(path, refused, known, key_name, student=names[path])
            if on_result:
                on_result(results[index])
            continue
        digest = records.digest(path)
        if folder is not None and digest is not None:
            record_of[index] = (folder / records.record_name(path), digest)
        if resume and record_of[index] is not None:
            previous = records.load_record(
                record_of[index][0], path, digest, key_name, settings, names[path]
            )
            if previous is not None:
                results[index] = previous
                if on_result:
                    on_result(previous)
                continue
        tasks.append((index, grade_file, (path, key_name, keys, settings, names[path])))

    retry: list[int] = []

    def done(index: int, outcome: Outcome, isolated: bool = False) -> None:
        if outcome.status != "ok" and not isolated:
            retry.append(index)  # graded again below, each step in its own process
            return
        path = files[index]
        result = _outcome_result(path, outcome, keys, key_name, settings, isolated, names[path])
        saved = record_of[index]
        # a crash is never kept as final, nor a re-grade whose steps may have crashed
        if saved is not None and outcome.status == "ok" and not isolated:
            problem = records.save_record(
                saved[0], path, saved[1], key_name, settings, names[path], result
            )
            if problem is not None:
                result = replace(result, notes=(*result.notes, problem))
        results[index] = result
        if on_result:
            on_result(result)

    limit = settings.timeout * BUDGET_FACTOR + GRACE
    if tasks:
        _preload()
        run_many(tasks, workers=workers, timeout=limit, on_done=done)
    if retry:
        isolated = replace(settings, isolate=True)
        again = [
            (i, grade_file, (files[i], key_name, keys, isolated, names[files[i]]))
            for i in sorted(retry)
        ]
        run_many(
            again,
            workers=workers,
            timeout=limit,
            on_done=lambda index, outcome: done(index, outcome, isolated=True),
        )
    graded = [r for r in results if r is not None]
    return flag_duplicate_students(graded)


def _outcome_result(
    path: Path,
    outcome: Outcome,
    keys: Sequence[AnswerKey],
    key_name: str | None,
    settings: Settings,
    isolated: bool,
    student: str,
) -> SubmissionResult:
    if outcome.status == "ok" and isinstance(outcome.value, SubmissionResult):
        return outcome.value
    again = ", also with each step in its own process" if isolated else ""
    if outcome.status == "timeout":
        message = (
            f"grading stopped after {settings.timeout * BUDGET_FACTOR:g} s "
            f"(the limit for one submission){again}"
        )
    else:
        message = f"grading crashed: {outcome.message or 'no result'}{again}"
    return _failed(path, message, _known_key(keys, key_name), key_name, student=student)


def student_names(files: Sequence[Path]) -> dict[Path, str]:
    """Who each file is, when it does not say: its name, or where several files share a
    name (an LMS export: `alice/solution.md`, `bob/solution.md`) the folder it is in."""
    folders: dict[str, list[Path]] = {}
    for path in files:
        folders.setdefault(path.stem, []).append(path.parent)
    names = {}
    for path in files:
        parents = folders[path.stem]
        # one folder per student, side by side: `export/alice/x.md`, `export/bob/x.md`
        by_folder = len(parents) > 1 and len({p.name for p in parents}) == len(parents)
        by_folder = by_folder and len({p.parent for p in parents}) == 1
        names[path] = printable(path.parent.name if by_folder else path.stem)
    return names


def flag_duplicate_students(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """Two files that claim one student are both kept, each with a note naming the
    other: a gradebook must not silently merge or rename them."""
    by_student: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        by_student.setdefault(result.student, []).append(index)
    flagged = list(results)
    for indexes in by_student.values():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = ", ".join(results[i].path for i in indexes if i != index)
            note = f"duplicate student id {results[index].student!r}: also claimed by {others}"
            flagged[index] = replace(results[index], notes=(*results[index].notes, note))
    return flagged


def _outside(path: Path, roots: list[Path]) -> str | None:
    """Why a file found in a submissions folder is not read: a symbolic link that leads
    out of the folder it was found in (a hand-in pointing at /etc/passwd or at another
    student's folder elsewhere)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop, or a link to nothing
        return "a symbolic link that leads nowhere (a loop or a missing file): not followed"
    for root in roots:
        if path.is_relative_to(root) and not target.is_relative_to(root.resolve()):
            return f"a symbolic link to {printable(str(target))}, outside {printable(str(root))}: not followed"
    return None


def _preload() -> None:
    """Import the checker and the strategies before forking, once for every child."""
    import derive.grading.check
    import derive.parsing.latex
    import derive.parsing.plain
    import derive.strategies.extrema
    import derive.strategies.properties
    import derive.strategies.relation  # noqa: F401
