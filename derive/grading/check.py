"""Checking a submission against a key: every step of every derivation, every final answer.

(Implementation in progress by the lead engineer; the contract is fixed.)
"""

from __future__ import annotations

from derive.engine import Settings
from derive.grading.key import AnswerKey
from derive.grading.results import SubmissionResult
from derive.grading.submission import Submission


def grade_submission(submission: Submission, key: AnswerKey, settings: Settings = Settings()) -> SubmissionResult:
    raise NotImplementedError
