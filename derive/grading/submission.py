"""What a student handed in, read into one shape whatever the format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionAnswer:
    """A question's derivation (`steps`, in order) and final answer, as written."""

    label: str
    steps: tuple[str, ...] = ()
    answer: str | None = None
    unparsed: tuple[str, ...] = ()  # parts of the document that could not be read, with why
    latex: bool | None = None  # True for display math from a document; None: recognise it


@dataclass(frozen=True)
class Submission:
    student: str
    answers: dict[str, QuestionAnswer] = field(default_factory=dict)
    key: str | None = None
    path: str = ""
    notes: tuple[str, ...] = ()  # about the whole hand-in: no heading matched the key
