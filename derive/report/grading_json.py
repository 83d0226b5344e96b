"""Grading results as plain data: the `derive grade --format json` document, the class
summary, and the feedback lines the other grading renderers lay out.

The document (every number finite; `counterexample` maps names to values as text)::

    {
      "submissions": [
        {
          "student": "s123",
          "key": "ift6135-a2-2021",
          "path": "answers/s123.yaml",
          "score": 7.5,
          "max_score": 10,
          "error": null,              # text when the whole submission could not be read
          "notes": ["4.2: ..."],      # what could not be read, and other remarks
          "questions": [
            {
              "label": "4.2",
              "score": 4.5,
              "max_score": 6,
              "final": {
                "status": "correct" | "incorrect" | "missing" | "not checked",
                "reason": "matches the key",
                "given": "\\hat{y} = w^\\top x + \\beta",
                "expected": "hat_y = transpose(w) x + beta",
                "counterexample": null
              },
              "steps": [
                {
                  "text": "E(u^T x) = u^T x",
                  "status": "valid" | "invalid" | "not checked",
                  "counterexample": {"u": "[1, 0]", "x": "[0, 1]"} | null,
                  "reason": "",
                  "method": "refuted: ..."
                }
              ],
              "first_invalid_step": 0    # index into "steps", or null
            }
          ]
        }
      ],
      "summary": {
        "submissions": 1, "graded": 1, "errors": 0,
        "mean": 7.5, "median": 7.5, "lowest": 7.5, "highest": 7.5, "max_score": 10,
        "distribution": [{"from": 0, "to": 10, "count": 0}, ...],  # percent of max_score
        "questions": [{"label": "4.2", "wrong": 1, "missing": 0, "mean_score": 4.5,
                       "max_score": 6}, ...]                   # most often wrong first
      }
    }

`submission_from_dict` reads a submission back (`derive grade --resume` keeps one file
per graded submission in this shape).

    >>> submission_dict(SubmissionResult("s1", "k", 0, 1, error="unreadable"))["error"]
    'unreadable'
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from derive.grading.key import AnswerKey, Question
from derive.grading.key_check import KeyItem
from derive.grading.results import (
    FinalResult,
    FinalStatus,
    QuestionResult,
    StepResult,
    StepStatus,
    SubmissionResult,
)

__all__ = [
    "class_summary",
    "counterexample_text",
    "dumps",
    "expectation",
    "grading_document",
    "key_dict",
    "number",
    "question_dict",
    "question_feedback",
    "question_headline",
    "step_dict",
    "step_from_dict",
    "submission_dict",
    "submission_from_dict",
    "wrong",
]


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def number(value: float) -> float | int:
    """A score as JSON shows it: whole numbers without `.0`, at most 4 decimals."""
    if not math.isfinite(value):
        return 0
    rounded = round(float(value), 4)
    return int(rounded) if rounded == int(rounded) else rounded


# -- documents ----------------------------------------------------------------------------


def grading_document(results: Sequence[SubmissionResult]) -> dict[str, Any]:
    """The whole `--format json` document."""
    return {
        "submissions": [submission_dict(r) for r in results],
        "summary": class_summary(results),
    }


def submission_dict(result: SubmissionResult) -> dict[str, Any]:
    return {
        "student": result.student,
        "key": result.key,
        "path": result.path,
        "score": number(result.score),
        "max_score": number(result.max_score),
        "error": result.error,
        "notes": list(result.notes),
        "questions": [question_dict(q) for q in result.questions],
    }


def question_dict(question: QuestionResult) -> dict[str, Any]:
    final = question.final
    return {
        "label": question.label,
        "score": number(question.score),
        "max_score": number(question.max_score),
        "final": {
            "status": final.status.value,
            "reason": final.reason,
            "given": final.given,
            "expected": final.expected,
            "counterexample": _example(final.counterexample),
        },
        "steps": [step_dict(step) for step in question.steps],
        "first_invalid_step": question.first_invalid_step,
    }


def step_dict(step: StepResult) -> dict[str, Any]:
    return {
        "text": step.text,
        "line": step.line or None,
        "status": step.status.value,
        "counterexample": _example(step.counterexample),
        "reason": step.reason,
        "method": step.method,
        "credited": step.credited,
    }


def _example(example: Mapping[str, Any] | None) -> dict[str, str] | None:
    return None if example is None else {str(k): str(v) for k, v in example.items()}


def submission_from_dict(data: Mapping[str, Any]) -> SubmissionResult:
    """A submission read back from `submission_dict`; a `ValueError` names what is off."""
    try:
        return SubmissionResult(
            student=str(data["student"]),
            key=str(data.get("key") or ""),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            questions=tuple(_question_from_dict(q) for q in data.get("questions") or ()),
            error=None if data.get("error") is None else str(data["error"]),
            path=str(data.get("path") or ""),
            notes=tuple(str(n) for n in data.get("notes") or ()),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a graded submission: {type(exc).__name__}: {exc}") from None


def _question_from_dict(data: Mapping[str, Any]) -> QuestionResult:
    final = data.get("final") or {}
    return QuestionResult(
        label=str(data["label"]),
        score=float(data["score"]),
        max_score=float(data["max_score"]),
        final=FinalResult(
            FinalStatus(final.get("status", "missing")),
            reason=str(final.get("reason") or ""),
            given=str(final.get("given") or ""),
            expected=str(final.get("expected") or ""),
            counterexample=_example(final.get("counterexample")),
        ),
        steps=tuple(step_from_dict(step) for step in data.get("steps") or ()),
    )


def step_from_dict(step: Mapping[str, Any]) -> StepResult:
    """A step read back from `step_dict`'s form."""
    line = step.get("line")
    return StepResult(
        text=str(step["text"]),
        status=StepStatus(step["status"]),
        counterexample=_example(step.get("counterexample")),
        reason=str(step.get("reason") or ""),
        method=str(step.get("method") or ""),
        credited=step.get("credited") is not False,
        line=line if isinstance(line, int) and line > 0 else 0,
    )


# -- the class ----------------------------------------------------------------------------


def wrong(question: QuestionResult) -> bool:
    """A question got wrong: an incorrect final answer or an invalid step."""
    return question.final.status is FinalStatus.INCORRECT or question.first_invalid_step is not None


def class_summary(results: Sequence[SubmissionResult]) -> dict[str, Any]:
    """Counts, score statistics, the distribution of scores in tenths of the maximum,
    and the questions ordered by how often they were got wrong."""
    graded = [r for r in results if r.error is None]
    scores = [r.score for r in graded]
    max_score = max((r.max_score for r in graded), default=0.0)
    buckets = [0] * 10
    for r in graded:
        share = r.score / r.max_score if r.max_score > 0 else 0.0
        buckets[min(9, max(0, int(share * 10 + 1e-9)))] += 1
    per_label: dict[str, list[QuestionResult]] = {}
    for r in graded:
        for q in r.questions:
            per_label.setdefault(q.label, []).append(q)
    questions = [
        {
            "label": label,
            "wrong": sum(wrong(q) for q in answered),
            "missing": sum(q.final.status is FinalStatus.MISSING for q in answered),
            "mean_score": number(statistics.fmean(q.score for q in answered)),
            "max_score": number(max(q.max_score for q in answered)),
        }
        for label, answered in per_label.items()
    ]
    order = {label: i for i, label in enumerate(per_label)}
    questions.sort(key=lambda q: (-q["wrong"], -q["missing"], order[q["label"]]))
    return {
        "submissions": len(results),
        "graded": len(graded),
        "errors": len(results) - len(graded),
        "mean": number(statistics.fmean(scores)) if scores else None,
        "median": number(statistics.median(scores)) if scores else None,
        "lowest": number(min(scores)) if scores else None,
        "highest": number(max(scores)) if scores else None,
        "max_score": number(max_score),
        "distribution": [
            {"from": 10 * i, "to": 10 * (i + 1), "count": count} for i, count in enumerate(buckets)
        ],
        "questions": questions,
    }


# -- feedback as text ---------------------------------------------------------------------

_STEP_MARKS = {StepStatus.VALID: "ok", StepStatus.INVALID: "WRONG", StepStatus.NOT_CHECKED: "?"}


def counterexample_text(example: Mapping[str, Any] | None) -> str:
    """`x = 1, W = [[0, 1], [1, 0]]`: assignments a reader can paste back."""
    if not example:
        return ""
    return ", ".join(f"{name} = {value}" for name, value in example.items())


def question_headline(question: QuestionResult) -> str:
    """One line: the first invalid step if there is one, else the final answer's verdict."""
    index = question.first_invalid_step
    if index is not None:
        step = question.steps[index]
        line = f"step {index + 1} is wrong: {step.text}"
        example = counterexample_text(step.counterexample)
        return f"{line} (counterexample: {example})" if example else line
    final = question.final
    text = f"final answer {final.status.value}"
    return f"{text}: {final.reason}" if final.reason else text


def question_feedback(question: QuestionResult, *, all_steps: bool = True) -> list[str]:
    """The feedback on one question as lines of plain text: score, final answer, the
    first invalid step with its counterexample, then every step with its verdict."""
    final = question.final
    lines = [f"score: {number(question.score)} / {number(question.max_score)}"]
    line = f"final answer: {final.status.value}"
    if final.reason:
        line += f" ({final.reason})"
    lines.append(line)
    if final.given:
        lines.append(f"  given: {final.given}")
    if final.expected and final.status is not FinalStatus.CORRECT:
        lines.append(f"  expected: {final.expected}")
    if final.counterexample:
        lines.append(f"  counterexample: {counterexample_text(final.counterexample)}")
    counts = _step_counts(question.steps)
    if question.steps:
        lines.append(
            f"steps: {counts[StepStatus.VALID]} valid, {counts[StepStatus.INVALID]} invalid, "
            f"{counts[StepStatus.NOT_CHECKED]} not checked"
        )
    index = question.first_invalid_step
    if index is not None:
        step = question.steps[index]
        lines.append(f"first invalid step ({index + 1}): {step.text}")
        if step.counterexample:
            lines.append(f"  counterexample: {counterexample_text(step.counterexample)}")
        if step.reason:
            lines.append(f"  {step.reason}")
    if all_steps:
        for i, step in enumerate(question.steps, 1):
            line = f"  [{_STEP_MARKS[step.status]}] {i}. {step.text}"
            if step.status is StepStatus.NOT_CHECKED and step.reason:
                line += f"  -- {step.reason}"
            lines.append(line)
    return lines


def _step_counts(steps: Iterable[StepResult]) -> dict[StepStatus, int]:
    counts = dict.fromkeys(StepStatus, 0)
    for step in steps:
        counts[step.status] += 1
    return counts


# -- keys ---------------------------------------------------------------------------------


def expectation(question: Question) -> str:
    """What a question expects, in one line: its answers, or the claim it asks to show."""
    parts = [
        a.text if not a.quantity or "=" in a.text else f"{a.quantity} = {a.text}"
        for a in question.answers
    ]
    if question.shows:
        parts.append(f"shows {question.shows}")
    return "; ".join(parts) or "a derivation (steps only)"


def key_findings(name: str, items: Sequence[KeyItem]) -> dict[str, Any]:
    """A key's findings as `derive keys --check --json` prints them."""
    return {
        "name": name,
        "errors": sum(i.finding.value == "error" for i in items),
        "findings": [
            {"question": i.label, "checked": i.what, "found": i.finding.value, "detail": i.detail}
            for i in items
        ],
    }


def key_dict(key: AnswerKey) -> dict[str, Any]:
    """An answer key as `derive keys --json` lists it."""
    return {
        "name": key.name,
        "title": key.title,
        "source": key.source,
        "points": number(key.points),
        "questions": [
            {
                "label": q.label,
                "points": number(q.points),
                "expects": expectation(q),
                "answers": [{"text": a.text, "quantity": a.quantity} for a in q.answers],
                "shows": q.shows,
                "answer_share": q.answer_share,
                "aliases": list(q.aliases),
                "title": q.title,
            }
            for q in key.questions
        ],
    }
