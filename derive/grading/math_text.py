"""The mathematics in a solution's text: display blocks (`$$...$$`, `\\[...\\]`,
`equation`/`align` environments, the `egin{aligned}` PDF conversions leave) and inline
`$...$`, and where relations sit in a line of LaTeX (the first pass of reading a document,
`derive.grading.documents`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def is_relation(text: str) -> bool:
    spans = relation_spans(text)
    return bool(spans) and spans[0][0] > 0 and bool(text[spans[-1][1] :].strip())


def continues(text: str) -> bool:
    """True when the line starts with a relation: it continues the line before."""
    spans = relation_spans(text)
    return bool(spans) and not text[: spans[0][0]].strip()


ELLIPSIS = re.compile(r"^(?:\\[lc]?dots|\\dots[bcmo]?|\.\.\.|…|⋯)$")
_BREAK_WORDS = re.compile(
    r"\\(?:text|mathrm|textrm|mbox)\s*\{\s*,?\s*(?:and|hence|so|thus|therefore|then|i\.e\.)"
    r"\s*,?\s*\}"
)
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


# `x \ge 0`, `a, b > 0`, `i \neq j`: a condition on the statement before it
_SIDE_CONDITION = re.compile(
    r"^(?:[A-Za-z]|\\[a-z]+)(?:_\{?\w+\}?)?(?:\s*,\s*(?:[A-Za-z]|\\[a-z]+))*\s*"
    r"(?:\\geq?|\\leq?|\\neq?|\\in|[<>]=?|≥|≤|≠|∈)(?![a-z])\s*[^=<>]*$"
    r"|^[ijklmnpq]\s*=\s*[ijklmnpq]\.?$"  # `..., i = j`: the case the claim is made in
)


def statements(line: str) -> list[str]:
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
        if is_relation(current) and _SIDE_CONDITION.match(_SPACING.sub("", piece)):
            current = f"{current} \\text{{ for }} {piece}"  # `√(x²) = x, x ≥ 0`: one claim
        elif is_relation(current) and is_relation(piece):
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
class Math:
    start: int
    end: int
    display: bool
    text: str  # with its delimiters, as split_aligned expects


def find_math(text: str) -> tuple[list[Math], list[tuple[int, str]]]:
    """Every display and inline block in order, and the delimiters left open."""
    found: list[Math] = []
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
        found.append(Math(start, end, display, text[start:end]))
        i = end
