"""Question markers in a solution's text: headings and numbered lines (`Question 3`,
`Problem 3:`, `3.1`, `**3.2**`, `\\section*{Question 3}`), sub-parts, a key's aliases,
and `Solution:` lines (the second pass of reading a document, `derive.grading.documents`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from derive.grading.key import AnswerKey

# -- labels -------------------------------------------------------------------------------

_LABEL_WORDS = {"question", "problem", "exercise", "part", "task", "q", "ex", "prob"}


def canonical_label(label: str) -> tuple[str, ...]:
    """The parts of a label, whatever its punctuation: `2.2a`, `2.2.a`, `2.2(a)` and
    `Problem 2.2 (a)` are all ("2", "2", "a")."""
    parts = re.findall(r"\d+|[a-z]+", label.lower())
    while len(parts) > 1 and parts[0] in _LABEL_WORDS and parts[1].isdigit():
        parts.pop(0)
    return tuple(str(int(p)) if p.isdigit() else p for p in parts)


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


def line_markers(text: str, aliases: list[tuple[str, tuple[str, ...]]]) -> Iterator[_Marker]:
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
class Labels:
    """The key's labels by their canonical parts."""

    by_parts: dict[tuple[str, ...], str]
    prefixes: set[tuple[str, ...]]

    @classmethod
    def of(cls, key: AnswerKey) -> Labels:
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


def segments(text: str, markers: Iterable[_Marker], labels: Labels) -> list[_Segment]:
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
    labels: Labels,
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


def mark_prompts(segments: list[_Segment], text: str) -> None:
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
