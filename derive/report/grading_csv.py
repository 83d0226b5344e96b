"""A gradebook: one row per submission, one column per question, then the total.

Columns: `student`, `path` (the file graded), `key`, one per question label (in the
key's order, as the results list them), `total`, `max_score`, `error`, `notes` (flags
such as `duplicate student id`, joined by `; `). A submission that could not be read
has empty score cells and its reason in `error`. Cells that a spreadsheet would run as a
formula (`=...`, `+...`, `@...`) are quoted with a leading `'`.

    >>> csv_text([SubmissionResult("s1", "k", 1.0, 2.0)]).splitlines()[0]
    'student,path,key,total,max_score,error,notes'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from derive.grading.results import SubmissionResult
from derive.report.grading_json import number

__all__ = ["csv_text", "gradebook_columns", "gradebook_rows"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gradebook_columns(results: Sequence[SubmissionResult]) -> list[str]:
    """Every question label, in the order the results first list them."""
    labels: dict[str, None] = {}
    for result in results:
        for question in result.questions:
            labels.setdefault(question.label, None)
    return list(labels)


def gradebook_rows(results: Sequence[SubmissionResult]) -> list[list[str]]:
    """The header and one row per submission, as text."""
    labels = gradebook_columns(results)
    rows = [["student", "path", "key", *labels, "total", "max_score", "error", "notes"]]
    for result in results:
        scores = {q.label: q.score for q in result.questions}
        failed = result.error is not None
        rows.append(
            [
                _cell(result.student),
                _cell(result.path),
                _cell(result.key),
                *(
                    "" if failed or label not in scores else _score(scores[label])
                    for label in labels
                ),
                "" if failed else _score(result.score),
                _score(result.max_score) if result.max_score else "",
                _cell(result.error or ""),
                _cell("; ".join(result.notes)),
            ]
        )
    return rows


def csv_text(results: Sequence[SubmissionResult]) -> str:
    """The gradebook as CSV text (RFC 4180 quoting, `\\n` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(gradebook_rows(results))
    return buffer.getvalue()


def _score(value: float) -> str:
    return str(number(value))


def _cell(text: str) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return "'" + text if text.startswith(_FORMULA_START) else text
