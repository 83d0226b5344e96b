"""Structured answer files: YAML (`.yaml`, `.yml`) or JSON, read into a `Submission`.

    student: s123            # optional: the file name without its extension
    key: ift6135-a2-2021     # optional when the command line names the key
    answers:
      "3.1":
        answer: '\\lambda = -2\\eta\\gamma'
      "4.2":
        steps:
          - '\\mu_y = \\mathbb{E}[u^\\top x] = u^\\top \\mathbb{E}[x] = 0'
        answer: '\\hat{y} = w^\\top x + \\beta'

An answer may also be written as a bare string (the final answer) or a bare list (the
steps). Labels written as YAML numbers (`3.1:`) become text ("3.1"); numbers lose the
zeros YAML drops (`0.60` reads as 0.6), so quote a decimal whose precision matters.

YAML is read with PyYAML's safe loader only (libyaml's when present): no tags, no objects, no code. Files are capped
at `MAX_BYTES`, derivations at `MAX_STEPS` steps, and every problem is a
`SubmissionError` naming the file and the place in it.

    >>> parse_structured('answers: {3.1: "x = 1"}', fmt="yaml", name="s1").answers["3.1"].answer
    'x = 1'
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from derive.errors import DeriveError
from derive.grading.submission import QuestionAnswer, Submission

__all__ = [
    "MAX_BYTES",
    "MAX_QUESTIONS",
    "MAX_STEPS",
    "MAX_TEXT",
    "STRUCTURED_SUFFIXES",
    "SubmissionError",
    "parse_structured",
    "printable",
    "read_bytes",
    "read_structured",
]

MAX_BYTES = 2 * 1024 * 1024  # of one submission file
MAX_QUESTIONS = 500
MAX_STEPS = 200  # of one question
MAX_TEXT = 20_000  # characters of one step or answer (the parsers' own limit)
MAX_NAME = 200  # characters of a student name, key name or label

STRUCTURED_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_FIELDS = ("student", "key", "answers")
_ANSWER_FIELDS = ("answer", "steps")


class SubmissionError(DeriveError, ValueError):
    """A submission that cannot be read: the message says where and why."""


def read_bytes(path: str | PathLike[str], *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a submission file, refusing files over `limit` before reading them."""
    path = Path(path)
    shown = printable(str(path))
    try:
        # non-blocking, so that opening a FIFO cannot wait for a writer that never comes
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SubmissionError(f"{shown}: not a regular file ({_file_kind(info.st_mode)})")
            if info.st_size > limit:
                raise SubmissionError(
                    f"{shown}: {_size(info.st_size)} is over the limit of {_size(limit)}"
                )
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SubmissionError(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while we looked
        raise SubmissionError(f"{shown}: over the limit of {_size(limit)}")
    return data


def printable(text: str) -> str:
    """A file name as text any UTF-8 report can hold: bytes that are not UTF-8 (which
    Python keeps as surrogates) are shown as `\\xff`."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISDIR: "a folder",
    }
    return next((name for test, name in kinds.items() if test(mode)), "a special file")


def read_structured(path: str | PathLike[str], *, name: str | None = None) -> Submission:
    """Read a YAML or JSON answers file (chosen by its extension); the student is the
    file's `student:`, else `name`, else the file's name."""
    path = Path(path)
    fmt = STRUCTURED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(STRUCTURED_SUFFIXES)
        raise SubmissionError(f"{path}: not a structured answers file (expected {known})")
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_structured(
        text, fmt=fmt, name=name or printable(path.stem), path=printable(str(path))
    )


def parse_structured(text: str, *, fmt: str, name: str, path: str = "") -> Submission:
    """Read answers from `text` in `fmt` ("yaml" or "json"); `name` is the student when
    the file does not say."""
    where = path or name
    if len(text) > MAX_BYTES:
        raise SubmissionError(f"{where}: over the limit of {_size(MAX_BYTES)}")
    data = _load(text, fmt, where)
    if _expanded_size(data, MAX_BYTES) > MAX_BYTES:  # YAML aliases repeat what they name
        raise SubmissionError(f"{where}: expands to more than {_size(MAX_BYTES)} of answers")
    if data is None:
        raise SubmissionError(f"{where}: the file is empty")
    if not isinstance(data, Mapping):
        raise SubmissionError(
            f"{where}: expected a mapping with 'answers' at the top, found {_kind(data)}"
        )
    unknown = [str(k) for k in data if k not in _FIELDS]
    if unknown:
        raise SubmissionError(
            f"{where}: unknown field {_quote(unknown[0])} at the top "
            f"(expected {', '.join(_FIELDS)})"
        )
    student = _name(data.get("student"), "student", where) or name
    key = _name(data.get("key"), "key", where)
    if "answers" not in data:
        raise SubmissionError(f"{where}: no 'answers' field")
    answers = _answers(data["answers"], where)
    return Submission(student=student, answers=answers, key=key, path=path)


# -- loading ------------------------------------------------------------------------------


def _load(text: str, fmt: str, where: str) -> Any:
    try:
        if fmt == "json":
            try:
                return json.loads(
                    text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
                )
            except SubmissionError as exc:
                raise SubmissionError(f"{where}: {exc}") from None
        if fmt == "yaml":
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when built with it
            try:
                return yaml.load(text, Loader=loader)
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark
                place = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
                raise SubmissionError(f"{where}: not valid YAML: {exc.problem}{place}") from None
            except yaml.YAMLError as exc:
                raise SubmissionError(f"{where}: not valid YAML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SubmissionError(
            f"{where}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise SubmissionError(f"{where}: nested too deeply to read") from None
    raise SubmissionError(f"{where}: unknown format {fmt!r} (expected yaml or json)")


def _expanded_size(data: Any, limit: int) -> int:
    """Characters and entries of `data` as written out in full, counting an aliased value
    each time it is used; stops counting once past `limit`."""
    total = 0
    stack = [data]
    while stack and total <= limit:
        item = stack.pop()
        total += 1
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SubmissionError(f"the field {_quote(key)} is given twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise SubmissionError(f"{name} is not a value an answers file can hold")


# -- validation ---------------------------------------------------------------------------


def _answers(value: Any, where: str) -> dict[str, QuestionAnswer]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SubmissionError(
            f"{where}: 'answers' must map question labels to answers, found {_kind(value)}"
        )
    if len(value) > MAX_QUESTIONS:
        raise SubmissionError(f"{where}: more than {MAX_QUESTIONS} answers")
    answers: dict[str, QuestionAnswer] = {}
    for raw_label, entry in value.items():
        label = _label(raw_label, where)
        if label in answers:
            raise SubmissionError(f"{where}: question {label} is answered twice")
        answers[label] = _answer(label, entry, f"{where}: answers.{label}")
    return answers


def _label(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SubmissionError(
            f"{where}: a question label must be text or a number, not {_kind(value)}"
        )
    label = _scalar_text(value).strip()
    if not label:
        raise SubmissionError(f"{where}: an empty question label")
    if len(label) > MAX_NAME:
        raise SubmissionError(f"{where}: a question label longer than {MAX_NAME} characters")
    return label


def _answer(label: str, entry: Any, where: str) -> QuestionAnswer:
    if entry is None:
        return QuestionAnswer(label)
    if isinstance(entry, str | int | float) and not isinstance(entry, bool):
        return QuestionAnswer(label, answer=_text(entry, where))
    if isinstance(entry, list):
        return QuestionAnswer(label, steps=_steps(entry, f"{where}.steps"))
    if not isinstance(entry, Mapping):
        raise SubmissionError(f"{where}: expected 'answer' and 'steps', found {_kind(entry)}")
    unknown = [str(k) for k in entry if k not in _ANSWER_FIELDS]
    if unknown:
        raise SubmissionError(
            f"{where}: unknown field {_quote(unknown[0])} (expected {' or '.join(_ANSWER_FIELDS)})"
        )
    steps = entry.get("steps")
    if isinstance(steps, str):
        steps = [steps]
    elif steps is not None and not isinstance(steps, list):
        raise SubmissionError(f"{where}.steps: expected a list of steps, found {_kind(steps)}")
    answer = entry.get("answer")
    answer_text = None if answer is None else _text(answer, f"{where}.answer")
    return QuestionAnswer(
        label, steps=_steps(steps or [], f"{where}.steps"), answer=answer_text or None
    )


def _steps(items: list[Any], where: str) -> tuple[str, ...]:
    if len(items) > MAX_STEPS:
        raise SubmissionError(f"{where}: {len(items)} steps, over the limit of {MAX_STEPS}")
    steps = [_text(item, f"{where}[{i}]") for i, item in enumerate(items)]
    return tuple(step for step in steps if step)


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SubmissionError(f"{where}: expected mathematics as text, found {_kind(value)}")
    text = _scalar_text(value).strip()
    if len(text) > MAX_TEXT:
        raise SubmissionError(f"{where}: {len(text)} characters, over the limit of {MAX_TEXT}")
    if "\x00" in text:
        raise SubmissionError(f"{where}: holds a NUL character")
    return text


def _name(value: Any, field: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SubmissionError(f"{where}: {field!r} must be text, found {_kind(value)}")
    text = str(value).strip()
    if len(text) > MAX_NAME:
        raise SubmissionError(f"{where}: {field!r} is longer than {MAX_NAME} characters")
    if any(ord(ch) < 32 for ch in text):
        raise SubmissionError(f"{where}: {field!r} holds control characters")
    return text or None


def _scalar_text(value: str | int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SubmissionError(f"{value!r} is not a value an answers file can hold")
        return repr(value)
    return str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"  # dates and the like, which safe_load also builds


def _quote(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
