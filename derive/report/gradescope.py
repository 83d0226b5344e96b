"""Grading results as a Gradescope autograder's `results.json`.

One document per submission::

    {
      "score": 7.5,
      "execution_time": 3,
      "output": "s123: 7.5 / 10 with key ift6135-a2-2021",
      "output_format": "text",
      "visibility": "visible",
      "tests": [
        {"name": "Question 4.2", "number": "4.2", "score": 4.5, "max_score": 6,
         "status": "failed", "output": "score: 4.5 / 6\\nfinal answer: correct ...",
         "visibility": "visible"}
      ]
    }

A test passes when the question earned all its points. A submission that could not be
read scores 0 with the reason as its `output`. For a batch, `write_gradescope_folder`
writes one file per submission, named after the student.

    >>> gradescope_dict(SubmissionResult("s1", "k", 0, 2, error="unreadable"))["score"]
    0
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from derive.atomic import write_atomically
from derive.grading.results import SubmissionResult
from derive.report.grading_json import dumps, number, question_feedback

__all__ = ["gradescope_dict", "gradescope_file_names", "gradescope_text", "write_gradescope_folder"]


def gradescope_dict(result: SubmissionResult) -> dict[str, Any]:
    if result.error is not None:
        return {
            "score": 0,
            "output": f"{result.student}: the submission could not be graded: {result.error}",
            "tests": [],
        }
    output = f"{result.student}: {number(result.score)} / {number(result.max_score)}"
    if result.key:
        output += f" with key {result.key}"
    if result.notes:
        output += "\n" + "\n".join(f"note: {note}" for note in result.notes)
    return {
        "score": number(result.score),
        "execution_time": max(1, round(result.seconds)),
        "output": output,
        "output_format": "text",  # step texts keep their LaTeX as written
        "visibility": "visible",
        "tests": [
            {
                "name": f"Question {q.label}",
                "number": q.label,
                "score": number(q.score),
                "max_score": number(q.max_score),
                "status": "passed" if q.score >= q.max_score else "failed",
                "output": "\n".join(question_feedback(q)),
                "visibility": "visible",
            }
            for q in result.questions
        ],
    }


def gradescope_text(result: SubmissionResult) -> str:
    return dumps(gradescope_dict(result)) + "\n"


def gradescope_file_names(results: Sequence[SubmissionResult]) -> list[str]:
    """A distinct, safe file name per submission: `s123.json`, `s123-2.json`, ..."""
    names: list[str] = []
    seen: set[str] = set()
    for result in results:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", result.student).strip("._") or "submission"
        stem = stem[:100]
        name, count = f"{stem}.json", 1
        while name.lower() in seen:
            count += 1
            name = f"{stem}-{count}.json"
        seen.add(name.lower())
        names.append(name)
    return names


def write_gradescope_folder(folder: str | Path, results: Sequence[SubmissionResult]) -> list[Path]:
    """One `results.json`-shaped file per submission in `folder` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for result, name in zip(results, gradescope_file_names(results), strict=True):
        path = folder / name
        write_atomically(path, gradescope_text(result))
        written.append(path)
    return written
