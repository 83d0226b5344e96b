"""Checking a submission against a key: every step of every derivation, every final answer.

Steps are read and decided in `steps.py`, final answers compared in `answers.py`; this
module puts them together and scores.

Scoring: `answer_share` of a question's points for a correct final answer (a multi-part
answer earns its share per part); the rest in
proportion to the steps found valid among those that could be decided (a derivation with
no decidable step earns the derivation share only when the final answer is correct).
"""

from __future__ import annotations

from derive.engine import Settings
from derive.grading.answers import check_final
from derive.grading.key import AnswerKey, Question
from derive.grading.numbers import accepts_decimal
from derive.grading.results import (
    FinalResult,
    FinalStatus,
    QuestionResult,
    StepResult,
    StepStatus,
    SubmissionResult,
)
from derive.grading.steps import check_steps
from derive.grading.submission import QuestionAnswer, Submission

__all__ = ["accepts_decimal", "check_final", "check_steps", "grade_question", "grade_submission"]


def grade_submission(
    submission: Submission, key: AnswerKey, settings: Settings | None = None
) -> SubmissionResult:
    settings = settings or Settings()
    results = tuple(
        grade_question(q, submission.answers.get(q.label), settings) for q in key.questions
    )
    return SubmissionResult(
        student=submission.student,
        key=key.name,
        score=round(sum(r.score for r in results), 4),
        max_score=key.points,
        questions=results,
        path=submission.path,
        notes=(
            *submission.notes,
            *(f"{a.label}: {why}" for a in submission.answers.values() for why in a.unparsed),
        ),
    )


def grade_question(
    question: Question, answer: QuestionAnswer | None, settings: Settings
) -> QuestionResult:
    if answer is None or (not answer.steps and not answer.answer):
        final = FinalResult(FinalStatus.MISSING, "no answer to this question was found")
        return QuestionResult(question.label, 0.0, question.points, final)
    steps, context, relations = check_steps(question, answer.steps, settings, latex=answer.latex)
    final = check_final(question, answer, relations, context, settings)
    steps = _decided_by_key(steps, final)
    return QuestionResult(
        question.label, _score(question, final, steps), question.points, final, steps
    )


def _decided_by_key(steps: tuple[StepResult, ...], final: FinalResult) -> tuple[StepResult, ...]:
    """A line the final answer was read from (a list of statistics, an update rule), which
    no proof can decide, is valid when it matches the key. A mismatch leaves it not checked
    with the comparison's reason: the line compared may not be the one the key's part is
    about, and a step is invalid only on a confirmed counterexample of its own."""
    compared = {
        part.given: part
        for part in (final.parts or (final,))
        if part.given and part.status in (FinalStatus.CORRECT, FinalStatus.INCORRECT)
    }
    decided = []
    for step in steps:
        part = compared.get(step.text) if step.status is StepStatus.NOT_CHECKED else None
        if part is None:
            decided.append(step)
        elif part.status is FinalStatus.CORRECT:
            method = f"compared with the key: {part.reason}"
            decided.append(StepResult(step.text, StepStatus.VALID, method=method))
        else:
            reason = f"compared with the key as a final answer: {part.reason}"
            decided.append(
                StepResult(step.text, StepStatus.NOT_CHECKED, part.counterexample, reason)
            )
    return tuple(decided)


def _score(question: Question, final: FinalResult, steps: tuple[StepResult, ...]) -> float:
    answer_points = question.points * question.answer_share
    derivation_points = question.points - answer_points
    correct = final.status is FinalStatus.CORRECT
    # filler (a true line about none of the question's quantities) neither earns nor costs
    decided = [s for s in steps if s.status is not StepStatus.NOT_CHECKED and s.credited]
    if decided:
        valid = sum(s.status is StepStatus.VALID for s in decided)
        derivation = derivation_points * valid / len(decided)
    else:
        derivation = derivation_points if correct else 0.0
    if not question.answers:  # nothing to compare the final answer with: steps carry it all
        return round(question.points * (valid / len(decided)) if decided else 0.0, 4)
    return round(answer_points * final.credit + derivation, 4)


# -- steps --------------------------------------------------------------------------------
