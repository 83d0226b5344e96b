"""Solution documents (Markdown with LaTeX, or LaTeX) split into questions and steps.

Students hand in documents, often converted from PDF and partly mangled. Reading one
takes three passes over the text:

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

    >>> key = AnswerKey("k", "", "", (Question("1", 1),))
    >>> read_document("1. Show it.\\n$$a = b \\\\le c$$", key).answers["1"].steps
    ('a = b \\\\le c',)
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from derive.errors import DeriveError
from derive.grading.front_matter import split_front_matter
from derive.grading.key import AnswerKey, Question
from derive.grading.structured import (
    MAX_BYTES,
    MAX_STEPS,
    SubmissionError,
    printable,
    read_bytes,
)
from derive.grading.submission import QuestionAnswer, Submission
from derive.model import ast
from derive.parsing.latex_lexer import split_aligned

__all__ = [
    "DOCUMENT_SUFFIXES",
    "canonical_label",
    "read_document",
    "relation_spans",
    "split_document",
]

DOCUMENT_SUFFIXES = {".md", ".markdown", ".tex", ".latex", ".txt", ".ipynb"}

# -- labels -------------------------------------------------------------------------------

_LABEL_WORDS = {"question", "problem", "exercise", "part", "task", "q", "ex", "prob"}


def canonical_label(label: str) -> tuple[str, ...]:
    """The parts of a label, whatever its punctuation: `2.2a`, `2.2.a`, `2.2(a)` and
    `Problem 2.2 (a)` are all ("2", "2", "a")."""
    parts = re.findall(r"\d+|[a-z]+", label.lower())
    while len(parts) > 1 and parts[0] in _LABEL_WORDS and parts[1].isdigit():
        parts.pop(0)
    return tuple(str(int(p)) if p.isdigit() else p for p in parts)


# -- relations in LaTeX text ----------------------------------------------------------------

_REL_COMMANDS = {
    "le", "leq", "leqslant", "leqq", "ge", "geq", "geqslant", "geqq", "ne", "neq", "lt",
    "gt", "approx", "simeq", "equiv", "coloneqq", "coloneq", "triangleq", "defeq",
    "leftarrow", "gets", "ll", "gg", "nleq", "ngeq", "propto", "sim",
}  # fmt: skip
_REL_CHARS = "=<>≤≥≠≈←"
_TEXT_COMMANDS = {"text", "textrm", "textbf", "textit", "mbox", "mathrm", "operatorname", "label"}
_COMMAND = re.compile(r"\\([A-Za-z]+)")


def relation_spans(text: str) -> list[tuple[int, int]]:
    """Where the relations of `text` are (`=`, `\\le`, `:=`, `\\leftarrow`, ...), outside
    braces and `\\text{...}`; `\\left(` is not `\\le`."""
    spans: list[tuple[int, int]] = []
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            match = _COMMAND.match(text, i)
            if match is None:
                i += 2  # an escaped character: \{ \} \, \\ ...
                continue
            name = match.group(1)
            if name in _TEXT_COMMANDS:
                i = _skip_group(text, match.end())
                continue
            if depth == 0 and name in _REL_COMMANDS:
                spans.append((i, match.end()))
            i = match.end()
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _REL_CHARS:
            start = i - 1 if i > 0 and text[i - 1] in ":!" else i
            end = i + 2 if ch in "<>=" and text[i + 1 : i + 2] == "=" else i + 1
            if spans and spans[-1][1] > start:  # `<=`, `:=`, `!=` are one relation
                start = spans.pop()[0]
            spans.append((start, end))
            i = end
            continue
        i += 1
    return spans


def _skip_group(text: str, i: int) -> int:
    """The index after the `{...}` group starting at or after `i` (spaces allowed)."""
    while i < len(text) and text[i] in " *":
        i += 1
    if i >= len(text) or text[i] != "{":
        return i
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{" and text[j - 1 : j] != "\\":
            depth += 1
        elif text[j] == "}" and text[j - 1 : j] != "\\":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def _is_relation(text: str) -> bool:
    spans = relation_spans(text)
    return bool(spans) and spans[0][0] > 0 and bool(text[spans[-1][1] :].strip())


def _continues(text: str) -> bool:
    """True when the line starts with a relation: it continues the line before."""
    spans = relation_spans(text)
    return bool(spans) and not text[: spans[0][0]].strip()


_ELLIPSIS = re.compile(r"^(?:\\[lc]?dots|\\dots[bcmo]?|\.\.\.|…|⋯)$")
_BREAK_WORDS = re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{\s*,?\s*and\s*,?\s*\}")
_SPACING = re.compile(r"^(?:\\q?quad\b|\\[,;:! ]|~|\s)+|(?:\\q?quad\b|\\[,;:! ]|~|\s)+$")


def _breaks(line: str) -> list[tuple[int, int]]:
    """Where `line` may hold two statements: `;`, `,`, `\\text{and}` outside every
    bracket; none when the brackets do not balance."""
    found: list[tuple[int, int]] = []
    depth, i, n = 0, 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "\\":
            if depth == 0 and (match := _BREAK_WORDS.match(line, i)):
                found.append((i, match.end()))
                i = match.end()
                continue
            match = _COMMAND.match(line, i)
            if match is None:
                i += 2
                continue
            if match.group(1) in _TEXT_COMMANDS:
                i = _skip_group(line, match.end())
                continue
            i = match.end()
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return []
        elif depth == 0 and ch in ";,":
            found.append((i, i + 1))
        i += 1
    return found if depth == 0 else []


def _statements(line: str) -> list[str]:
    """`a = b; c = d`, `a = b, c \\gg 2` and `a = b \\quad\\text{and}\\quad c = d` are
    two statements each; a `\\quad` alone is not a break (`... \\quad i = w_{t-1}` is a
    side condition). A piece that is not a relation stays with the piece before it
    (`x_1, x_2 = 0` is one statement)."""
    pieces: list[str] = []
    last = 0
    for start, end in _breaks(line):
        pieces.append(line[last:start])
        pieces.append(line[start:end])
        last = end
    pieces.append(line[last:])
    statements: list[str] = []
    current = pieces[0]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _is_relation(current) and _is_relation(piece):
            statements.append(current)
            current = piece
        else:
            current = current + separator + piece
    statements.append(current)
    cleaned = [_SPACING.sub("", _SPACING.sub("", s).rstrip(";,")) for s in statements]
    return [s for s in cleaned if s]


# -- mathematics in the text --------------------------------------------------------------

_ENVIRONMENTS = (
    r"equation\*?|align\*?|aligned|alignat\*?|gather\*?|gathered|multline\*?|eqnarray\*?"
    r"|displaymath|split"
)
_OPENER = re.compile(
    r"\$\$|(?<!\\)\$|\\\[|\\\(|(?:\\begin|\x08egin|(?<![A-Za-z\\])egin)\s*\{("
    + _ENVIRONMENTS
    + r")\}"
)
_INLINE_WINDOW = 4000


@dataclass(frozen=True)
class _Math:
    start: int
    end: int
    display: bool
    text: str  # with its delimiters, as split_aligned expects


def _find_math(text: str) -> tuple[list[_Math], list[tuple[int, str]]]:
    """Every display and inline block in order, and the delimiters left open."""
    found: list[_Math] = []
    problems: list[tuple[int, str]] = []
    exhausted: set[str] = set()  # closers known to occur no more
    i = 0
    while True:
        match = _OPENER.search(text, i)
        if match is None:
            return found, problems
        opener, start = match.group(0), match.start()
        if match.group(1):
            closer_re = re.compile(r"\\end\s*\{" + re.escape(match.group(1)) + r"\}")
            closer_key = "env:" + match.group(1)
            display = True
        else:
            closer_re = None
            closer_key = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}[opener]
            display = opener in ("$$", "\\[")
        if closer_key in exhausted:
            i = match.end()
            continue
        if closer_re is not None:
            closing = closer_re.search(text, match.end())
            end = closing.end() if closing else -1
        elif opener == "$":
            found_at = text.find("$", match.end(), match.end() + _INLINE_WINDOW)
            while found_at > 0 and text[found_at - 1] == "\\":
                found_at = text.find("$", found_at + 1, match.end() + _INLINE_WINDOW)
            end = found_at + 1 if found_at >= 0 else -1
            if end < 0 or "\n\n" in text[match.end() : found_at] or found_at == match.end():
                i = match.end()  # a lone dollar (or `$$` split by the conversion): text
                continue
        else:
            found_at = text.find(closer_key, match.end())
            end = found_at + len(closer_key) if found_at >= 0 else -1
        if end < 0:
            exhausted.add(closer_key)
            if opener != "$":
                problems.append(
                    (start, f"{opener} is never closed: the text after it is read as prose")
                )
            i = match.end()
            continue
        found.append(_Math(start, end, display, text[start:end]))
        i = end


# -- question markers ---------------------------------------------------------------------

_DECORATION = re.compile(
    r"(?:[ \t]+|[#>]+|[-+•](?=[ \t])|\*\*|__|\*(?=[ \t\d])|\\(?:sub)*section\*?\s*\{"
    r"|\\paragraph\*?\s*\{|\\text(?:bf|it)\s*\{|\\emph\s*\{|\\underline\s*\{|\\item\b\s*\[?"
    r"|\\noindent\b\s*|\{\\bf\s+)*"
)
_HEADING_MARKS = re.compile(r"[#*_]|\\(?:sub)*section|\\paragraph|\\text|\\item|\\bf|\\emph")
_NUMBER = r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,3})(?P<letter>\.?[a-z](?![a-z0-9])|\s?\([a-z]\))?"
_WORD_MARKER = re.compile(
    r"(?P<word>question|problem|exercise|task|prob\.?|ex\.|q)\s*"
    + _NUMBER
    + r"(?=[\s.:)\]},*(_-]|$)",
    re.IGNORECASE,
)
_SOLUTION_MARKER = re.compile(
    r"(?:solution|answer)s?\s+(?:(?:to|for|of)\s+)?(?:(?:question|problem|exercise|q)\.?\s*)?"
    + _NUMBER
    + r"(?=[\s.:)\]},*(_-]|$)",
    re.IGNORECASE,
)
_PART_MARKER = re.compile(r"part\s*\(?(?P<part>[a-z])\)?(?=[\s.:)\]},*_-]|$)", re.IGNORECASE)
_MID_WORD_MARKER = re.compile(
    r"(?<=[.!?]\s)(?P<word>Question|Problem|Exercise)\s+" + _NUMBER + r"(?=\s*[(:.])"
)
_NUMBERED = re.compile(_NUMBER + r"(?P<term>[.):*}\]_]*)(?=\s|$)")
_LETTER = re.compile(
    r"(?:\((?P<a>[a-z]|ii|iii|iv|vi|vii|viii|ix)\)|(?P<b>[a-z])\))(?P<term>[.:*}\]_]*)(?=\s|$)"
)
_SOLUTION = re.compile(
    r"(?:solution|answer|proof|sol\.)\s*[*_}]*\s*(?:[:.]|(?=\n|$))(?:[*_}]*)", re.IGNORECASE
)
_ROMAN_AFTER = {"i": "h", "v": "u", "x": "w"}


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int  # the question's text starts here
    kind: str  # "alias", "word", "answer" (`Solution 3.1`), "number", "letter", "solution"
    label: tuple[str, ...] = ()
    numbered_sign: bool = False  # a heading mark, or `.`/`)`/`:` after the number
    capital_next: bool = True  # what follows does not start with a lowercase word


def _line_markers(text: str, aliases: list[tuple[str, tuple[str, ...]]]) -> Iterator[_Marker]:
    """Candidate markers at the start of each line (and `Question N` after a sentence)."""
    offset = 0
    for line in text.split("\n"):
        yield from _markers_of_line(line, offset, aliases)
        offset += len(line) + 1


def _markers_of_line(
    line: str, offset: int, aliases: list[tuple[str, tuple[str, ...]]]
) -> Iterator[_Marker]:
    decoration = _DECORATION.match(line)
    head_at = decoration.end() if decoration else 0
    head = line[head_at:]
    heading = bool(decoration and _HEADING_MARKS.search(decoration.group(0)))
    start = offset + head_at
    lowered = " ".join(head.lower().split())
    raw = line.lstrip()
    raw_lowered = " ".join(raw.lower().split())
    for alias, label in aliases:
        for written, at in ((lowered, start), (raw_lowered, offset + len(line) - len(raw))):
            if written.startswith(alias) and not written[len(alias) : len(alias) + 1].isalnum():
                source = line[at - offset :]
                yield _Marker(at, at + _span_of(source, alias), "alias", label, True)
                return
    if (match := _WORD_MARKER.match(head)) is not None:
        yield _Marker(start, start + match.end(), "word", _number_label(match), True)
    elif (match := _SOLUTION_MARKER.match(head)) is not None:  # `Solution 3.1:`
        yield _Marker(start, start + match.end(), "answer", _number_label(match), True)
    elif (match := _PART_MARKER.match(head)) is not None:
        yield _Marker(start, start + match.end(), "letter", (match.group("part").lower(),), True)
    elif (match := _NUMBERED.match(head)) is not None:
        sign = heading or bool(match.group("term"))
        after = head[match.end() :].lstrip(" \t*_}")
        capital = not after or not ("a" <= after[0] <= "z")
        yield _Marker(start, start + match.end(), "number", _number_label(match), sign, capital)
    elif (match := _LETTER.match(head)) is not None:
        letter = match.group("a") or match.group("b")
        yield _Marker(start, start + match.end(), "letter", (letter,), True)
    elif (match := _SOLUTION.match(head)) is not None:
        yield _Marker(start, start + match.end(), "solution")
    for match in _MID_WORD_MARKER.finditer(line):
        if match.start() > head_at:
            at = offset + match.start()
            yield _Marker(at, offset + match.end(), "word", _number_label(match), True)


def _span_of(head: str, alias: str) -> int:
    """How many characters of `head` spell `alias` (which has its spaces collapsed)."""
    count, i = 0, 0
    while i < len(head) and count < len(alias):
        if head[i].isspace():
            while i < len(head) and head[i].isspace():
                i += 1
            count += 1
            continue
        count += 1
        i += 1
    return i


def _number_label(match: re.Match[str]) -> tuple[str, ...]:
    parts = [str(int(p)) for p in match.group("num").split(".")]
    letter = match.group("letter")
    if letter:
        parts.append(letter.strip(" .()").lower())
    return tuple(parts)


@dataclass
class _Segment:
    label: tuple[str, ...] | None  # None: not a question (the preamble)
    start: int
    end: int
    group: int
    solution_at: int | None = None  # a `Solution:` line inside it: the work starts there
    prompt: bool = False
    answers: bool = False  # opened by `Solution 3.1`: what came before under 3.1 was set


@dataclass
class _Labels:
    """The key's labels by their canonical parts."""

    by_parts: dict[tuple[str, ...], str]
    prefixes: set[tuple[str, ...]]

    @classmethod
    def of(cls, key: AnswerKey) -> _Labels:
        by_parts: dict[tuple[str, ...], str] = {}
        for q in key.questions:
            by_parts.setdefault(canonical_label(q.label), q.label)
        prefixes = {parts[:i] for parts in by_parts for i in range(1, len(parts))}
        return cls(by_parts, prefixes)

    def known(self, parts: tuple[str, ...]) -> bool:
        return parts in self.by_parts or parts in self.prefixes

    def owner(self, parts: tuple[str, ...]) -> str | None:
        """The key's label for a part of the document: itself, or the longest label it
        falls under (`2.2.a` belongs to `2.2` when the key has no `2.2a`)."""
        for i in range(len(parts), 0, -1):
            if parts[:i] in self.by_parts:
                return self.by_parts[parts[:i]]
        return None


def _segments(text: str, markers: Iterable[_Marker], labels: _Labels) -> list[_Segment]:
    """Accept the plausible markers, in order, and cut the text into segments."""
    segments = [_Segment(None, 0, len(text), 0)]
    top: int | None = None
    base: tuple[str, ...] = ()
    letter: str | None = None
    group = 0
    for marker in markers:
        parts = marker.label
        if marker.kind == "solution":
            current = segments[-1]
            if current.solution_at is None:
                current.solution_at = marker.end
            continue
        if marker.kind == "letter":
            value = parts[0]
            if len(value) > 1 or (value in _ROMAN_AFTER and letter != _ROMAN_AFTER[value]):
                continue  # (ii), (iv), or (i) not after (h): a list inside the answer
            parts = (*base, value)
            letter = value
        else:
            first = int(parts[0]) if parts and parts[0].isdigit() else None
            numbers = tuple(p for p in parts if p.isdigit())
            if marker.kind == "number" and not _plausible(marker, parts, first, top, labels):
                continue
            if first is not None:
                if marker.kind == "word" or len(parts) == 1 or first != top:
                    group += 1  # a new question, not a part of the one before
                top = first
            base = numbers
            letter = parts[-1] if parts and not parts[-1].isdigit() else None
        segments[-1].end = marker.start
        segments.append(
            _Segment(parts, marker.end, len(text), group, answers=marker.kind == "answer")
        )
    return segments


def _plausible(
    marker: _Marker,
    parts: tuple[str, ...],
    first: int | None,
    top: int | None,
    labels: _Labels,
) -> bool:
    """A numbered line starts a question when the key knows its label, or when it reads
    like a heading that moves forward (`4.` after question 3, not a `1.` in a list)."""
    if first is None or first == 0:
        return False
    if len(parts) == 1:  # `3.`, `3)`: needs its punctuation or a heading mark
        return (
            marker.numbered_sign
            and (top is None or first > top)
            and (marker.capital_next or labels.known(parts))
        )
    if parts in labels.by_parts:
        return True
    if any(len(p) > 2 for p in parts[1:]) or not marker.capital_next:
        return False  # `2.50 is ...`, `1.5 times ...`: numbers in prose
    return top is None or first >= top or labels.known(parts)


def _mark_prompts(segments: list[_Segment], text: str) -> None:
    """Before a `Solution:` line comes the question as set. When the line ends its
    segment (the solutions follow, part by part), the whole group before it is the
    question as set. A `Solution 3.1` heading makes what came before under 3.1 the
    question as set."""
    for index, segment in enumerate(segments):
        if segment.answers:
            for earlier in segments[:index]:
                if earlier.label == segment.label and not earlier.answers:
                    earlier.prompt = True
        if segment.solution_at is None:
            continue
        if text[segment.solution_at : segment.end].strip():
            continue
        segment.prompt = True
        for earlier in reversed(segments[:index]):
            if earlier.group != segment.group or earlier.solution_at is not None:
                break
            earlier.prompt = True


# -- steps --------------------------------------------------------------------------------


_PROSE_NAME = re.compile(
    r"(?:^|(?<=[\s(,;:]))([A-Za-z](?:_\{?\w{1,10}\}?)?'?)[ \t]*=[ \t]*\Z", re.M
)


_PLAIN_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")


@dataclass
class _Reading:
    """What one question's text yields, in document order."""

    steps: list[str] = field(default_factory=list)
    step_positions: list[int] = field(default_factory=list)
    inline: list[tuple[int, str]] = field(default_factory=list)  # inline relations
    expressions: list[str] = field(default_factory=list)  # display lines without relations
    unparsed: list[str] = field(default_factory=list)
    previous_rhs: str | None = None
    overflow: bool = False  # too much mathematics: the rest was not read


def _display_lines(block: _Math, reading: _Reading) -> list[str]:
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


def _add_line(line: str, position: int, reading: _Reading) -> None:
    for statement in _statements(line):
        if _continues(statement):
            spans = relation_spans(statement)
            rest = statement[spans[0][0] :].strip()
            tail = statement[spans[0][1] :].strip()
            if _ELLIPSIS.match(tail):
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
            if rhs and not _ELLIPSIS.match(rhs):
                reading.previous_rhs = rhs
        elif not spans:
            reading.expressions.append(statement)
            reading.previous_rhs = statement  # `= ...` on the next line continues it
        reading.steps.append(statement)
        reading.step_positions.append(position)


def _read_question(
    text: str, ranges: list[tuple[int, int]], math: list[_Math], starts: list[int]
) -> _Reading:
    reading = _Reading()
    blocks: list[_Math] = []
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
                if pending is not None and _continues(line):
                    _add_line(pending[1], pending[0], reading)  # `... $a \le b$ $$\le c$$`
                pending = None
                _add_line(line, block.start, reading)
        else:
            inner = block.text[1:-1].strip() if block.text.startswith("$") else block.text[2:-2]
            named = _PROSE_NAME.search(text, max(0, block.start - 40), block.start)
            if named and not relation_spans(inner):  # `s = $\frac{\gamma}{\|u\|}$`
                inner = f"{named.group(1)} = {inner}"
            if _is_relation(inner):
                reading.inline.append((block.start, inner.strip()))
                pending = (block.start, inner.strip())
    if not any(_is_relation(step) for step in reading.steps) and reading.inline:
        reading.previous_rhs = None
        for position, inline in reading.inline:
            if not _PLAIN_WORD.search(inline):  # `$delta = \delta$`: names from code, prose
                _add_line(inline, position, reading)
    return reading


# -- final answer -------------------------------------------------------------------------


def _wanted(question: Question) -> tuple[list[object], list[tuple[str, object]]]:
    """What the key asks for: the quantities, as parsed left-hand sides (`lambda`,
    `hat_y`, `mu_batch`), and the relations' operators with their right-hand sides
    (`rho(w_z) > 1` gives `(">", 1)`)."""
    from derive.parsing import parse_expression, parse_statement

    wanted: list[object] = []
    shapes: list[tuple[str, object]] = []
    for answer in question.answers:
        texts = [q.strip() for q in (answer.quantity or "").split("|") if q.strip()]
        if "=" in answer.text:
            texts.append(answer.text.split("=", 1)[0].rstrip(":<>!"))  # `mu = [2.5, 2.58]`
        for text in texts:
            try:
                wanted.append(parse_expression(text))
            except (DeriveError, RecursionError):
                continue
        try:
            node = parse_statement(answer.text)
        except (DeriveError, RecursionError):
            continue
        links = node.links if isinstance(node, ast.Chain) else (node,)
        if isinstance(links[0], ast.Relation):
            wanted.append(links[0].lhs)
            shapes.append((links[-1].op, links[-1].rhs))
    return wanted, shapes


_OPERATORS = {
    "=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "!=": "!=",
    "≠": "!=", "\\le": "<=", "\\leq": "<=", "\\leqslant": "<=", "\\leqq": "<=",
    "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=", "\\geqq": ">=", "\\lt": "<",
    "\\gt": ">", "\\ne": "!=", "\\neq": "!=",
}  # fmt: skip


def _same_shape(text: str, shapes: list[tuple[str, object]]) -> bool:
    """Whether the relation `text` ends as one the key expects: the same operator and the
    same right-hand side (`\\|W_z\\|_2 > 1` for `rho(w_z) > 1`)."""
    from derive.parsing import parse_expression

    spans = relation_spans(text)
    if not spans or not shapes:
        return False
    start, end = spans[-1]
    op = _OPERATORS.get(text[start:end])
    if op is None:
        return False
    try:
        rhs = parse_expression(text[end:].strip().rstrip(".,;"), latex=True)
    except (DeriveError, RecursionError):
        return False
    return any(op == want_op and rhs == want_rhs for want_op, want_rhs in shapes)


def _flat(node: object) -> str | None:
    if isinstance(node, ast.Name):
        return node.name.lower()
    if isinstance(node, ast.Subscript):
        return f"{node.base}_{node.label}".replace("{", "").replace("}", "").lower()
    if isinstance(node, ast.Pow):
        base = _flat(node.base)
        return None if base is None else f"{base}^{node.exponent}"
    return None


def _about(text: str, wanted: list[object]) -> bool:
    """Whether the relation `text` states one of the wanted quantities."""
    from derive.parsing import parse_expression

    spans = relation_spans(text)
    if not spans or not wanted:
        return False
    left = text[: spans[0][0]].strip()
    try:
        node = parse_expression(left, latex=True)
    except DeriveError:
        return False
    except RecursionError:
        return False
    flat, element = _flat(node), ast.element_of(node)
    return any(
        node == w
        or (flat is not None and flat == _flat(w))
        or (element is not None and element == ast.element_of(w))  # v^{t+1} for v_{t+1}
        for w in wanted
    )


def _final_answer(question: Question, reading: _Reading) -> str | None:
    """The last relation about a quantity the key asks for; else the last relation
    shaped like an expected one (same operator, same right side); else the last
    relation of the steps; else the last displayed expression."""
    wanted, shapes = _wanted(question) if question.answers else ([], [])
    items = sorted(
        [(p, s) for p, s in zip(reading.step_positions, reading.steps, strict=True)]
        + reading.inline,
        key=lambda item: item[0],
    )
    relations_written = [text for _, text in items if _is_relation(text)]
    for test, target in ((_about, wanted), (_same_shape, shapes)):
        if target:
            found = next((t for t in reversed(relations_written) if test(t, target)), None)
            if found is not None:
                return found
    relations = [s for s in reading.steps if _is_relation(s)]
    if relations:
        return relations[-1]
    return reading.expressions[-1] if reading.expressions else None


# A formula typed in prose without math delimiters: single letters, numbers and brace groups
# joined by operators (`N^T`, `2^{n-1}`, `T+1`); words never take part.
_OPERAND = r"(?:\d+|[A-Za-z](?![A-Za-z])|\{[^{}\n]{1,20}\})"
# Only a formula that ends its sentence states a result ("..., hence it N^T."), not one
# mentioned on the way ("the t-1 previous words").
_PROSE_FORMULA = re.compile(
    rf"(?<![\w^{{}}\\]){_OPERAND}(?:[ \t]*[\^*/+-][ \t]*{_OPERAND})+(?=[ \t]*[.;!]?[ \t]*(?:\n|\Z))"
)


def _prose_formula(text: str, ranges: list[tuple[int, int]]) -> str | None:
    """The one formula an answer written in words ends a sentence with ("there are N
    possibilities each time, hence N^T"); None when it states none, or several (which
    one is the answer is then a guess)."""
    found = {
        " ".join(m.group().split())
        for start, end in ranges
        for m in _PROSE_FORMULA.finditer(text, start, end)
    }
    return found.pop() if len(found) == 1 else None


# -- reading ------------------------------------------------------------------------------

_LATEX_BODY = re.compile(r"\\begin\s*\{document\}(.*?)(?:\\end\s*\{document\}|$)", re.S)
_COMMENT = re.compile(r"(?<!\\)%.*")


def _prepare(text: str, latex: bool) -> str:
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
    text = _prepare(text, latex)
    labels = _Labels.of(key)
    aliases = sorted(
        (
            (" ".join(alias.lower().split()), canonical_label(q.label))
            for q in key.questions
            for alias in q.aliases
            if alias.strip()
        ),
        key=lambda pair: -len(pair[0]),
    )
    math, problems = _find_math(text)
    starts = [b.start for b in math]
    markers = [m for m in _line_markers(text, aliases) if not _inside(m.start, math, starts)]
    markers.sort(key=lambda m: m.start)
    segments = _segments(text, markers, labels)
    _mark_prompts(segments, text)
    ranges: dict[str, list[tuple[int, int]]] = {}
    for segment in segments:
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
        reading = _read_question(text, ranges[q.label], math, starts)
        for at, why in problems:
            if any(start <= at < end for start, end in ranges[q.label]):
                reading.unparsed.append(why)
        steps = reading.steps
        if len(steps) > MAX_STEPS or reading.overflow:
            reading.unparsed.append(
                f"more than {MAX_STEPS} steps, the limit: the rest are not checked"
            )
            steps = steps[:MAX_STEPS]
        answer = _final_answer(q, reading)
        wanted = _wanted(q)[0] if len(q.answers) > 1 else []
        stated = [text for _, text in reading.inline if text not in steps and _about(text, wanted)]
        steps = [*steps, *stated]  # `$\mu_{Inst} = [...]$` in the prose answers a part of the key
        if not steps and answer is None and not reading.unparsed:
            answer = _prose_formula(text, ranges[q.label])  # "hence it N^T"
            if answer is None:
                reading.unparsed.append("the answer has no mathematics to check (prose only)")
        answers[q.label] = QuestionAnswer(
            q.label, tuple(steps), answer, tuple(reading.unparsed), latex=True
        )
    return answers


def _binary(data: bytes) -> bool:
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
        data = read_bytes(path)
        if _binary(data):
            raise SubmissionError(f"{printable(str(path))}: not a text document (binary content)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # converted documents: read what can be read
        if path.suffix.lower() == ".ipynb":
            text = notebook_markdown(text)
        named, text = split_front_matter(text)
        latex = path.suffix.lower() in (".tex", ".latex") or None
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


def _inside(position: int, math: list[_Math], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and math[index].start < position < math[index].end


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
