"""What grading found: immutable values that every report renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class StepStatus(Enum):
    VALID = "valid"
    INVALID = "invalid"
    NOT_CHECKED = "not checked"


class FinalStatus(Enum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    MISSING = "missing"
    NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class StepResult:
    text: str
    status: StepStatus
    counterexample: dict[str, str] | None = None
    reason: str = ""
    method: str = ""  # how it was decided: "proved ...", "verified ...", "refuted ..."
    credited: bool = True  # False: valid, but about nothing the question asks (filler)
    line: int = 0  # where the step is in its document (1-based); 0 where not known
    # a formula that claims nothing (`$x$` in a sentence, the case `j \neq i`): graded
    # work lists it, a derivation checked on its own leaves it out of its steps
    mention: bool = False


@dataclass(frozen=True)
class FinalResult:
    status: FinalStatus
    reason: str = ""
    given: str = ""  # what the student wrote
    expected: str = ""  # what the key expects
    counterexample: dict[str, str] | None = None
    # a multi-part answer (six statistics): each part's own result, credited in proportion
    parts: tuple[FinalResult, ...] = ()

    @property
    def credit(self) -> float:
        """The share of the answer's points earned: parts count one each."""
        if self.parts:
            return sum(p.status is FinalStatus.CORRECT for p in self.parts) / len(self.parts)
        return 1.0 if self.status is FinalStatus.CORRECT else 0.0


@dataclass(frozen=True)
class QuestionResult:
    label: str
    score: float
    max_score: float
    final: FinalResult
    steps: tuple[StepResult, ...] = ()

    @property
    def first_invalid_step(self) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.status is StepStatus.INVALID), None)


@dataclass(frozen=True)
class SubmissionResult:
    student: str
    key: str
    score: float
    max_score: float
    questions: tuple[QuestionResult, ...] = ()
    error: str | None = None  # the whole submission could not be read
    path: str = ""
    notes: tuple[str, ...] = field(default=())
    seconds: float = 0.0  # how long grading it took (Gradescope's execution_time)
