"""Checking a derivation that has no answer key.

The steps are decided as a graded solution's are (`derive.grading.steps`): link by link,
each earlier definition extending the context of the steps after it, every step read
where both its sides are real. What the document does not say is not made up:

- names its prose declares ("Let $z \\in \\mathbb{R}^K$") are declared, and the report
  shows each inference with the words it came from;
- every other name is a real number that may depend on anything: its derivative is not
  known (`∂θ/∂w` where θ was defined in a sentence derive did not read is "not checked",
  not 0), so a step about it is never called wrong for want of a definition;
- a step is invalid only with a counterexample confirmed exactly that keeps every
  declaration and assumption in force.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from derive.claim import build_context
from derive.derivation.inference import Inference
from derive.derivation.reading import Derivation, Given
from derive.engine import Settings
from derive.grading.key import Question, split_assumptions
from derive.grading.results import StepResult, StepStatus
from derive.grading.steps import check_steps
from derive.model.types import Context

__all__ = ["DerivationResult", "check_derivation"]


@dataclass(frozen=True)
class DerivationResult:
    """Each step's result, with the context the steps were checked in."""

    source: str  # the file or the record's id; "" for text given directly
    steps: tuple[StepResult, ...]
    inferred: tuple[Inference, ...] = ()
    given: Given = field(default_factory=Given)
    problems: tuple[str, ...] = ()  # what could not be read, and why
    seed: int = 0
    seconds: float = 0.0
    error: str | None = None  # the derivation could not be read at all

    @property
    def first_invalid_step(self) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.status is StepStatus.INVALID), None)

    def count(self, status: StepStatus) -> int:
        return sum(step.status is status for step in self.steps)

    def _repr_markdown_(self) -> str:  # a notebook shows the result as a list of steps
        lines = [f"**derivation** {self.source or ''}: {self.summary()}", ""]
        for number, step in enumerate(self.steps, 1):
            note = step.reason or step.method
            lines.append(f"{number}. `{step.text}`: **{step.status.value}** {note}".rstrip())
        return "\n".join(lines)

    def summary(self) -> str:
        if self.error is not None:
            return f"not read: {self.error}"
        parts = [f"{self.count(s)} {s.value}" for s in StepStatus]
        first = self.first_invalid_step
        lead = f"first invalid step: {first + 1}; " if first is not None else ""
        return lead + ", ".join(parts)


def check_derivation(
    derivation: Derivation,
    *,
    given: Given | None = None,
    settings: Settings | None = None,
    source: str = "",
) -> DerivationResult:
    """Decide every step of `derivation` in the context its text and `given` make
    (`given` wins over what was inferred)."""
    start = time.monotonic()
    settings = settings or Settings()
    written = derivation.given.merged(given or Given())
    context = derivation_context(derivation.inferred, written)
    _, facts = split_assumptions(written.assume)  # assumptions on names are in the context
    question = Question("derivation", 0, context, tuple(facts))
    texts = tuple(step.text for step in derivation.steps)
    declared = frozenset(item.name for item in derivation.inferred)  # its lines may define them
    results, _, _ = check_steps(
        question, texts, settings, latex=derivation.latex, credit=False, own=declared
    )
    located = tuple(
        _imposed(replace(result, line=step.line), step.imposed)
        for result, step in zip(results, derivation.steps, strict=True)
    )
    return DerivationResult(
        source,
        located,
        derivation.inferred,
        written,
        derivation.problems,
        settings.seed,
        time.monotonic() - start,
    )


def _imposed(result: StepResult, words: str) -> StepResult:
    """A display the text introduces as a condition ("we need ...") states what is to be
    made true, not an identity: it is not wrong for failing somewhere."""
    if not words or result.status is not StepStatus.INVALID:
        return result
    reason = f'a condition the text imposes ("{words}"), not an identity'
    return replace(result, status=StepStatus.NOT_CHECKED, counterexample=None, reason=reason)


def derivation_context(inferred: tuple[Inference, ...], given: Given) -> Context:
    """Inferred declarations, then the written ones over them, in an open world."""
    domains, _ = split_assumptions(given.assume)
    base = Context({item.name: item.decl for item in inferred}, open_world=True)
    return build_context(given.let, given.where, domains, base=base)
