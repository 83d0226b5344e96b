"""Solution documents (Markdown with LaTeX, or LaTeX) split into questions and steps.

Students hand in documents, often converted from PDF and partly mangled. Reading one
takes three passes over the text (the first in `math_text`, the second in `markers`, the
final answer of the third in `final_answers`):

1. the mathematics: display blocks (`$$...$$`, `\\[...\\]`, `equation`/`align`
   environments, and the `egin{aligned}` PDF conversions leave) and inline `$...$`;
2. the question markers outside the mathematics, at the start of a line: headings and
   numbered lines (`Question 3`, `Problem 3:`, `3.1`, `1.1.2 Effect of ...`, `**3.2**`,
   `\\section*{Question 3}`), sub-parts (`(b)` inside `Problem 2` is `2b`), and each
   question's `aliases`; a marker whose label the key lacks still ends the question
   before it. Where a question has a `Solution:` line, what comes before it (the
   question as set) is not the student's work;
3. per question of the key, its display mathematics in order as the steps: `aligned`
   lines split with `split_aligned`, a line starting with `=` (or `\\le`, ...) joined to
   the previous right-hand side (`= c` after `a = b` is the step `b = c`), two relations
   separated by `;` or `\\text{and}` made two steps. When a question has no displayed
   relation, its inline relations are its steps. The final answer is the last relation
   about a quantity the key asks for (inline ones included: "hence $\\lambda = -2\\eta\\gamma$"),
   or else the last relation of the steps.

The mathematics is kept as written: the checker parses it. What cannot be read goes to
`QuestionAnswer.unparsed` with the reason, and never stops the reading.

    >>> from derive.grading.key import Question
    >>> key = AnswerKey("k", "", "", (Question("1", 1),))
    >>> read_document("1. Show it.\\n$$a = b \\\\le c$$", key).answers["1"].steps
    ('a = b \\\\le c',)
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from derive.errors import DeriveError
from derive.grading.final_answers import about, final_answer, prose_formula, wanted_of
from derive.grading.front_matter import split_front_matter
from derive.grading.key import AnswerKey
from derive.grading.markers import (
    Labels,
    canonical_label,
    line_markers,
    mark_prompts,
    segments,
)
from derive.grading.math_text import (
    ELLIPSIS,
    Math,
    continues,
    find_math,
    is_relation,
    relation_spans,
    statements,
)
from derive.grading.structured import (
    MAX_BYTES,
    MAX_STEPS,
    SubmissionError,
    printable,
    read_bytes,
)
from derive.grading.submission import QuestionAnswer, Submission
from derive.parsing.latex_lexer import split_aligned

__all__ = [
    "DOCUMENT_SUFFIXES",
    "canonical_label",
    "read_document",
    "relation_spans",
    "split_document",
]

DOCUMENT_SUFFIXES = {".md", ".markdown", ".tex", ".latex", ".txt", ".ipynb"}


# -- steps --------------------------------------------------------------------------------


_PROSE_NAME = re.compile(
    r"(?:^|(?<=[\s(,;:]))([A-Za-z](?:_\{?\w{1,10}\}?)?'?)[ \t]*=[ \t]*\Z", re.M
)


_PLAIN_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")


@dataclass
class Reading:
    """What one question's text yields, in document order."""

    steps: list[str] = field(default_factory=list)
    step_positions: list[int] = field(default_factory=list)
    inline: list[tuple[int, str]] = field(default_factory=list)  # inline relations
    expressions: list[str] = field(default_factory=list)  # display lines without relations
    unparsed: list[str] = field(default_factory=list)
    previous_rhs: str | None = None
    overflow: bool = False  # too much mathematics: the rest was not read


def _display_lines(block: Math, reading: Reading) -> list[str]:
    try:
        return split_aligned(block.text)
    except DeriveError as exc:
        lines = _rough_lines(block.text)
        if lines:
            return lines
        reading.unparsed.append(f"{_short(block.text)}: {_first_line(exc)}")
        return []


def _rough_lines(text: str) -> list[str]:
    """A damaged block split as well as can be: delimiters and environments removed,
    lines broken at `\\\\`."""
    body = text.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("$", "$")):
        if body.startswith(left):
            body = body[len(left) :]
            body = body[: -len(right)] if body.endswith(right) else body
            break
    body = re.sub(
        r"(?:\\begin|\\end|\x08egin|(?<![A-Za-z\\])egin)\s*\{[a-z*]+\}(?:\{\d+\})?", " ", body
    )
    if len(body) > 20_000:
        return []
    lines = [re.sub(r"(?<!\\)&", "", piece).strip() for piece in re.split(r"\\\\", body)]
    return [line for line in lines if line]


def add_line(line: str, position: int, reading: Reading) -> None:
    for statement in statements(line):
        if continues(statement):
            spans = relation_spans(statement)
            rest = statement[spans[0][0] :].strip()
            tail = statement[spans[0][1] :].strip()
            if ELLIPSIS.match(tail):
                reading.unparsed.append(
                    f"{_short(statement)}: an ellipsis; the steps it stands for are not checked"
                )
                continue
            if reading.previous_rhs is None:
                reading.unparsed.append(
                    f"{_short(statement)}: continues an equation, but none comes before it"
                )
                continue
            statement = f"{reading.previous_rhs} {rest}"
        spans = relation_spans(statement)
        if spans and spans[0][0] > 0:
            rhs = statement[spans[-1][1] :].strip()
            if rhs and not ELLIPSIS.match(rhs):
                reading.previous_rhs = rhs
        elif not spans:
            reading.expressions.append(statement)
            reading.previous_rhs = statement  # `= ...` on the next line continues it
        reading.steps.append(statement)
        reading.step_positions.append(position)


def read_region(
    text: str, ranges: list[tuple[int, int]], math: list[Math], starts: list[int]
) -> Reading:
    reading = Reading()
    blocks: list[Math] = []
    for start, end in ranges:
        first = bisect.bisect_left(starts, start)
        blocks.extend(b for b in math[first:] if b.start < end)
    pending: tuple[int, str] | None = None  # an inline relation a display may continue
    for block in blocks:
        if len(reading.steps) > MAX_STEPS or len(reading.inline) > 5 * MAX_STEPS:
            reading.overflow = True
            break
        if block.display:
            for line in _display_lines(block, reading):
                if pending is not None and continues(line):
                    add_line(pending[1], pending[0], reading)  # `... $a \le b$ $$\le c$$`
                pending = None
                add_line(line, block.start, reading)
        else:
            inner = block.text[1:-1].strip() if block.text.startswith("$") else block.text[2:-2]
            named = _PROSE_NAME.search(text, max(0, block.start - 40), block.start)
            if named and not relation_spans(inner):  # `s = $\frac{\gamma}{\|u\|}$`
                inner = f"{named.group(1)} = {inner}"
            if is_relation(inner):
                reading.inline.append((block.start, inner.strip()))
                pending = (block.start, inner.strip())
    if not any(is_relation(step) for step in reading.steps) and reading.inline:
        reading.previous_rhs = None
        for position, inline in reading.inline:
            if not _PLAIN_WORD.search(inline):  # `$delta = \delta$`: names from code, prose
                add_line(inline, position, reading)
    return reading


# -- reading ------------------------------------------------------------------------------

_LATEX_BODY = re.compile(r"\\begin\s*\{document\}(.*?)(?:\\end\s*\{document\}|$)", re.S)
_COMMENT = re.compile(r"(?<!\\)%.*")


def prepare_text(text: str, latex: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")
    if latex:
        text = _COMMENT.sub("", text)
        body = _LATEX_BODY.search(text)
        if body:
            text = body.group(1)
    return text


def split_document(
    text: str, key: AnswerKey, *, latex: bool | None = None
) -> dict[str, QuestionAnswer]:
    """The answers a document gives to the key's questions, by the key's labels; a
    question the document does not mark is absent."""
    if latex is None:
        latex = "\\documentclass" in text or "\\begin{document}" in text
    text = prepare_text(text, latex)
    labels = Labels.of(key)
    aliases = sorted(
        (
            (" ".join(alias.lower().split()), canonical_label(q.label))
            for q in key.questions
            for alias in q.aliases
            if alias.strip()
        ),
        key=lambda pair: -len(pair[0]),
    )
    math, problems = find_math(text)
    starts = [b.start for b in math]
    markers = [m for m in line_markers(text, aliases) if not _inside(m.start, math, starts)]
    markers.sort(key=lambda m: m.start)
    parts = segments(text, markers, labels)
    mark_prompts(parts, text)
    ranges: dict[str, list[tuple[int, int]]] = {}
    for segment in parts:
        if segment.label is None or segment.prompt:
            continue
        owner = labels.owner(segment.label)
        if owner is None:
            continue
        start = segment.solution_at if segment.solution_at is not None else segment.start
        ranges.setdefault(owner, []).append((start, segment.end))
    answers: dict[str, QuestionAnswer] = {}
    for q in key.questions:
        if q.label not in ranges:
            continue
        reading = read_region(text, ranges[q.label], math, starts)
        for at, why in problems:
            if any(start <= at < end for start, end in ranges[q.label]):
                reading.unparsed.append(why)
        steps = reading.steps
        if len(steps) > MAX_STEPS or reading.overflow:
            reading.unparsed.append(
                f"more than {MAX_STEPS} steps, the limit: the rest are not checked"
            )
            steps = steps[:MAX_STEPS]
        answer = final_answer(
            q,
            list(zip(reading.step_positions, reading.steps, strict=True)),
            reading.inline,
            reading.expressions,
        )
        wanted = wanted_of(q)[0] if len(q.answers) > 1 else []
        stated = [text for _, text in reading.inline if text not in steps and about(text, wanted)]
        steps = [*steps, *stated]  # `$\mu_{Inst} = [...]$` in the prose answers a part of the key
        if not steps and answer is None and not reading.unparsed:
            answer = prose_formula(text, ranges[q.label])  # "hence it N^T"
            if answer is None:
                reading.unparsed.append("the answer has no mathematics to check (prose only)")
        answers[q.label] = QuestionAnswer(
            q.label, tuple(steps), answer, tuple(reading.unparsed), latex=True
        )
    return answers


def is_binary(data: bytes) -> bool:
    """NUL bytes, or many control characters: an image or an archive saved as `.md`."""
    sample = data[:8192]
    controls = sum(byte < 32 and byte not in b"\t\n\r\f" for byte in sample)
    return b"\x00" in sample or controls > len(sample) // 10


def read_document(
    source: str | os.PathLike[str], key: AnswerKey, *, student: str | None = None
) -> Submission:
    """Read a solution document, given as a path or as its text, against `key`.

    The student is the one the file's front matter names (`student: s042`), else
    `student`, else the file's name without its extension, else "document".
    """
    path = _as_path(source)
    if path is not None:
        text, latex = load_text(path)
        named, text = split_front_matter(text)
        answers = split_document(text, key, latex=latex)
        notes = _unmatched(text, key) if not answers else ()
        name = named or student or printable(path.stem)
        return Submission(name, answers, key.name, printable(str(path)), notes)
    text = str(source)
    if len(text) > MAX_BYTES:
        raise SubmissionError(f"the document is over the limit of {MAX_BYTES // 1024 // 1024} MB")
    answers = split_document(text, key)
    notes = _unmatched(text, key) if not answers else ()
    return Submission(student or "document", answers, key.name, "", notes)


def load_text(path: Path) -> tuple[str, bool | None]:
    """A document file's text (a notebook's Markdown cells), and True where its suffix
    says LaTeX (None: decided from the text)."""
    data = read_bytes(path)
    if is_binary(data):
        raise SubmissionError(f"{printable(str(path))}: not a text document (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # converted documents: read what can be read
    if path.suffix.lower() == ".ipynb":
        text = notebook_markdown(text)
    return text, path.suffix.lower() in (".tex", ".latex") or None


def notebook_markdown(text: str) -> str:
    """A Jupyter notebook's Markdown cells, in order, as one document (code cells and
    outputs are not the derivation), as nbgrader and otter-grader read hand-ins."""
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and version errors alike
        raise SubmissionError(f"not a readable notebook: {_first_line(exc)}") from None
    cells = [c.source for c in notebook.cells if c.get("cell_type") == "markdown"]
    return "\n\n".join(cells)


_HEADINGS = re.compile(
    r"^[ \t]*(?:#+[ \t]*(.+?)|\\(?:sub)*section\*?\{(.+?)\})[ \t]*$", re.MULTILINE
)


def _unmatched(text: str, key: AnswerKey) -> tuple[str, ...]:
    """Why a document gave no answer at all: the headings it has and the labels the key
    knows, so that a hand-in with other headings is not a silent 0."""
    found = [a or b for a, b in _HEADINGS.findall(text[:200_000])][:8]
    headings = ", ".join(repr(h.strip()) for h in found) or "none"
    labels = ", ".join(q.label for q in key.questions)
    return (
        f"no part of the document matched a question of {key.name}: its headings are "
        f"{headings}; the key's questions are {labels} (or their aliases, see derive keys)",
    )


def _as_path(source: str | os.PathLike[str]) -> Path | None:
    if isinstance(source, os.PathLike):
        return Path(source)
    if "\n" in source or len(source) > 4096 or not source.strip():
        return None
    try:
        candidate = Path(source)
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):
        return None


def _inside(position: int, math: list[Math], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and math[index].start < position < math[index].end


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
