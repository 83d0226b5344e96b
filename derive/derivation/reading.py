"""A derivation as written: its steps, in order, and the context its text gives them.

Markdown (`$$`, `\\[ \\]`, `$...$` around `aligned`), LaTeX (`align`, `aligned`,
`eqnarray`, `gathered`, `cases`), Jupyter notebooks (their Markdown cells) and plain text
are read as solution documents are (`derive.grading.documents`): one display line, or one
row of an aligned block, is one step; a line that starts with a relation continues the
one before it; where a document displays no relation, its inline ones are its steps. A
YAML front matter block may add `let`, `assume` and `where`, as the command line does.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from derive.derivation.inference import Inference, components, infer
from derive.derivation.prose import (
    classification,
    conventions,
    defining,
    imposed,
    one_hot,
    read_transposes,
    transposes_with_T,
)
from derive.errors import DeriveError
from derive.grading.documents import Reading, add_line, load_text, prepare_text, read_region
from derive.grading.front_matter import read_front_matter
from derive.grading.math_text import Math, find_math, is_relation, relation_spans, statements
from derive.grading.structured import MAX_BYTES, MAX_STEPS
from derive.model.types import Decl

__all__ = ["Derivation", "Given", "Step", "read_derivation", "read_file", "read_steps"]


class DerivationError(DeriveError, ValueError):
    """A derivation that cannot be read at all: not text, too large, a bad front matter."""


@dataclass(frozen=True)
class Step:
    text: str
    line: int = 0  # where the step is in its document (1-based); 0 for a list of steps
    # the words before the step's display that make it a condition ("we need"), if any
    imposed: str = ""
    read: str = ""  # the text as derive reads it, where the document's notation differs

    @property
    def reading(self) -> str:
        return self.read or self.text


@dataclass(frozen=True)
class Given:
    """Context written by the author or the user: declarations (`z: vector(K)`),
    assumptions (`x > 0`, granted relations) and definitions (`y_hat: softmax(z)`)."""

    let: Mapping[str, str | Decl] = field(default_factory=dict)
    assume: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)

    def merged(self, other: Given) -> Given:
        """This context with `other`'s entries added; `other` wins on a name."""
        return Given(
            {**self.let, **other.let}, (*self.assume, *other.assume), {**self.where, **other.where}
        )

    @classmethod
    def of(cls, data: Mapping[str, Any], where: str = "the context") -> Given:
        """From a mapping with `let`, `assume`, `where` (front matter, JSON, the API)."""
        unknown = set(data) - {"let", "assume", "where"}
        if unknown:
            raise DerivationError(
                f"{where}: unknown field {sorted(unknown)[0]!r} (known: let, assume, where)"
            )
        assume = data.get("assume", ())
        if isinstance(assume, str):
            assume = (assume,)
        if not isinstance(assume, list | tuple) or not all(isinstance(a, str) for a in assume):
            raise DerivationError(f"{where}: 'assume' must be a list of relations")
        return cls(
            _mapping(data.get("let", {}), "let", where),
            tuple(assume),
            _mapping(data.get("where", {}), "where", where),
        )


def _mapping(value: Any, name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DerivationError(f"{where}: {name!r} must map names to text, as in z: vector(K)")
    return dict(value)


@dataclass(frozen=True)
class Derivation:
    """The steps to check, what the prose declares, the context written for it, and
    what could not be read (never silently dropped)."""

    steps: tuple[Step, ...]
    inferred: tuple[Inference, ...] = ()
    given: Given = field(default_factory=Given)
    problems: tuple[str, ...] = ()
    latex: bool | None = None
    conventions: tuple[str, ...] = ()  # "Einstein's summation convention"
    one_hot: tuple[str, ...] = ()  # letters the prose calls one-hot
    classification: bool = False  # about a classification loss: y is a label
    notation: tuple[str, ...] = ()  # how the document's notation was read ("^T is ᵀ")
    # definitions made in the prose ("where $\\hat y = \\mathrm{softmax}(o)$"), as written
    definitions: tuple[str, ...] = ()


def read_derivation(text: str, *, latex: bool | None = None) -> Derivation:
    """A document's steps, in order, with the context its prose and front matter give."""
    if len(text) > MAX_BYTES:
        raise DerivationError(f"the document is over the limit of {MAX_BYTES // 2**20} MB")
    front, text = read_front_matter(text)
    given = Given.of(front, "the front matter") if _is_context(front) else Given()
    if latex is None:
        latex = "\\documentclass" in text or "\\begin{document}" in text
    text = prepare_text(text, latex)
    if not latex:
        text = _without_code(text)
    math, problems = find_math(text)
    if not math:  # plain text: every line that relates two things is a step
        return _plain_derivation(text, given)
    reading = read_region(text, [(0, len(text))], math, [b.start for b in math])
    displays = [block for block in math if block.display]  # the prose between them bears
    ends = {block.start: previous.end for previous, block in itertools.pairwise(displays)}
    steps = [
        Step(step, _line_of(text, step, position), imposed(text, ends.get(position, 0), position))
        for step, position in zip(reading.steps, reading.step_positions, strict=True)
    ]
    notes = [why for _, why in problems] + reading.unparsed
    if len(steps) > MAX_STEPS or reading.overflow:
        notes.append(f"more than {MAX_STEPS} steps, the limit: the rest are not checked")
        steps = steps[:MAX_STEPS]
    notation: tuple[str, ...] = ()
    if transposes_with_T("\n".join(step.text for step in steps)):
        steps = [replace(step, read=read_transposes(step.text)) for step in steps]
        notation = ("^T is the transpose (T stands for nothing else in the document)",)
    declared = infer(text)
    declared += components([step.reading for step in steps], declared, latex=True)
    return Derivation(
        tuple(steps),
        declared,
        given,
        tuple(notes),
        True,
        conventions(text),
        one_hot(text),
        classification(text),
        notation,
        _prose_definitions(text, math),
    )


def _prose_definitions(text: str, math: list[Math]) -> tuple[str, ...]:
    """Inline relations the words before them introduce as definitions."""
    found = []
    for block in math:
        if block.display or not defining(text, block.start):
            continue
        inner = block.text.strip("$").strip()
        found.extend(piece for piece in statements(inner) if is_relation(piece))
    return tuple(found[:MAX_STEPS])


# Markdown a reader does not see as mathematics: fenced code, inline code, HTML comments
_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$|`[^`\n]+`|<!--.*?-->", re.S | re.M)


def _without_code(text: str) -> str:
    """The text with code and comments blanked (lines kept, so line numbers hold)."""
    return _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _plain_derivation(text: str, given: Given) -> Derivation:
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    steps = [Step(line, n) for n, line in lines if relation_spans(line)]
    notes = []
    if len(steps) > MAX_STEPS:
        notes.append(f"more than {MAX_STEPS} steps, the limit: the rest are not checked")
    return Derivation(tuple(steps[:MAX_STEPS]), (), given, tuple(notes), None)


def _is_context(front: Mapping[str, Any]) -> bool:
    """Front matter for derive has `let`, `assume` or `where`; a blog's (title, date,
    tags) is someone else's, and says nothing about the mathematics."""
    return bool({"let", "assume", "where"} & set(front))


def read_file(path: str | os.PathLike[str]) -> Derivation:
    """A derivation file: `.md`, `.tex`, `.ipynb`, `.txt`."""
    text, latex = load_text(Path(path))
    return read_derivation(text, latex=latex)


def read_steps(steps: Sequence[str], *, latex: bool | None = None) -> Derivation:
    """Steps given one by one (the API, a JSON line): each is one line of the derivation."""
    if len(steps) > MAX_STEPS:
        raise DerivationError(f"{len(steps)} steps: more than the limit of {MAX_STEPS}")
    if not all(isinstance(step, str) for step in steps):
        raise DerivationError("every step must be text")
    reading = Reading()
    for index, step in enumerate(steps):  # `= c` after `a = b` (or after `a`) is `b = c`
        if step.strip():
            add_line(step.strip(), index, reading)
    declared = components(reading.steps, (), latex=latex)
    return Derivation(
        tuple(Step(step) for step in reading.steps),
        declared,
        problems=tuple(reading.unparsed),
        latex=latex,
    )


def _line_of(text: str, step: str, position: int) -> int:
    """The line a step is on: where its text first occurs in its block (alignment marks
    and spacing aside), else the block's first line (a continued step is rewritten from
    the line before)."""
    letters = [ch for ch in step if not ch.isspace()][:20]
    pattern = re.compile(r"[\s&]*".join(re.escape(ch) for ch in letters)) if letters else None
    found = pattern.search(text, position, position + 20_000) if pattern else None
    return text.count("\n", 0, found.start() if found else position) + 1
