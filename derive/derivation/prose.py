"""What a derivation's prose says about its steps, beyond declarations.

Words around a display can change what it claims: "we need $$...$$" imposes a condition
rather than stating an identity; "when $k = i$" restricts the steps of a case; "in
Einstein notation" sums repeated indices; "$y$ is one-hot" makes some counterexamples
impossible. derive cannot always read what follows from these, so each is used one way
only: it can stop a refutation (a counterexample that the words may rule out is not
reported), and a one-hot vector's entries sum to 1 where a proof needs it. It never
makes a step valid that is not.
"""

from __future__ import annotations

import re

__all__ = [
    "case_letters",
    "classification",
    "conventions",
    "defining",
    "imposed",
    "one_hot",
    "read_transposes",
    "transposes_with_T",
]

# "we need $$½(n_in + n_out)σ² = 1$$": the display states a condition, not an identity
_IMPOSING = re.compile(
    r"\b(?:we\s+(?:need|want|require|set|choose|impose|demand)|require[sd]?|requiring"
    r"|such\s+that|so\s+that|in\s+order\s+(?:for|that)|suppose|assume|assuming"
    r"|setting|choose|chosen|solv(?:e|ing)|condition|constraint)\b",
    re.IGNORECASE,
)
# "when $k = i$", "### Case $j \neq i$": the steps of one case
_CASE = re.compile(r"\$\s*([A-Za-z])\s*(=|\\neq?\b|\\not\s*=|≠|!=)\s*([A-Za-z])\s*\$")
# "for $x > 0$", "when $a, b \ge 0$": the display holds under an inequality the prose states
_BOUND = re.compile(
    r"\b(?:for|when|if|whenever|provided|given|with)\s+(?:all\s+|any\s+|every\s+)?"
    r"\$[^$]{1,60}(?:<|>|\\le|\\ge|\\neq|\\ne\b|\\in\b|≤|≥|≠|∈)[^$]{0,60}\$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^#{1,6}[ \t].*$|\\(?:sub)*section\*?\{", re.MULTILINE)
_EINSTEIN = re.compile(
    r"Einstein|summation\s+convention|implied\s+sum|implicit\s+sum|sum\s+is\s+implied",
    re.IGNORECASE,
)
_ONE_HOT = re.compile(r"one[-\s]?hot", re.IGNORECASE)
# a classification loss: its y is a label (one-hot, or a distribution), said or not
_CLASSIFICATION = re.compile(r"cross[-\s]?entropy|softmax|\blabels?\b|\\text\{CE\}", re.IGNORECASE)
_INLINE_NAME = re.compile(r"\$\s*((?:\\[A-Za-z]+\s*\{?\s*)?[A-Za-z](?:\s*\})?)\s*\$")
_PROSE_WINDOW = 160  # characters of prose before a display whose words bear on it
_SECTION_WINDOW = 4000  # how far back a case heading still holds


def imposed(text: str, prose_start: int, position: int) -> str:
    """The words before a display that make it a condition or one case, or ""."""
    prose = text[max(prose_start, position - _PROSE_WINDOW) : position]
    found = list(_IMPOSING.finditer(prose))
    if found:
        return found[-1].group(0)
    bounds = list(_BOUND.finditer(prose))  # "For $x > 0$ we have"
    if bounds:
        return " ".join(bounds[-1].group(0).split())
    since = max(prose_start, position - _SECTION_WINDOW)  # the prose since the last display
    headings = list(_HEADING.finditer(text, max(0, position - _SECTION_WINDOW), position))
    heading = ""
    if headings:
        start = headings[-1].start()
        end = text.find("\n", start, position)
        heading = text[start : end if end >= 0 else position]
    cases = list(_CASE.finditer(text[since:position])) or list(_CASE.finditer(heading))
    if cases:
        left, op, right = cases[-1].groups()
        return f"the case {left} {'=' if op == '=' else '≠'} {right}"
    return ""


def case_letters(words: str) -> tuple[str, str] | None:
    """The two indices of `the case j = i`, as `imposed` words it; None for other words."""
    match = re.fullmatch(r"the case ([A-Za-z]) [=≠] ([A-Za-z])", words)
    return (match.group(1), match.group(2)) if match else None


def conventions(text: str) -> tuple[str, ...]:
    """Conventions the document announces that change what its steps mean."""
    return ("Einstein's summation convention",) if _EINSTEIN.search(text) else ()


def one_hot(text: str) -> tuple[str, ...]:
    """Letters the prose calls one-hot: `$y$` within a sentence of "one-hot" (index
    letters near it too; the caller keeps those that name vectors)."""
    found: list[str] = []
    for match in _ONE_HOT.finditer(text):
        window = text[max(0, match.start() - 120) : match.end() + 120]
        for name in _INLINE_NAME.findall(window):
            letter = re.sub(r"\\[A-Za-z]+|[{}\s]", "", name)
            if len(letter) == 1 and letter not in found:
                found.append(letter)
    return tuple(found)


def classification(text: str) -> bool:
    """Whether the document is about a classification loss (one-hot, cross-entropy,
    softmax, labels), where `y` is a label whether or not the text says what it is."""
    return bool(_ONE_HOT.search(text) or _CLASSIFICATION.search(text))


_SUPERSCRIPT_T = re.compile(r"\^\s*(?:\{\s*T\s*\}|T(?![A-Za-z]))")
# where ^T is a bound or a power: `\sum_{t=1}^T`, `\beta^T`, `(1 - \beta)^T`, `2^T`
_POWER_T = re.compile(
    r"(?:\\(?:sum|prod)\s*(?:\\limits)?\s*_\s*(?:\{[^{}]*\}|\w)"
    r"|\\(?:alpha|beta|gamma|delta|epsilon|eta|lambda|mu|rho|sigma|tau|theta)\b"
    r"|\([^()]*\d[^()]*\)|\d)\s*\^\s*\{?\s*T\b"
)
_LONE_T = re.compile(r"(?<![A-Za-z\\])T(?![A-Za-z])")


def transposes_with_T(mathematics: str) -> bool:
    """Whether `^T` in this mathematics is a transpose: it has one, and T stands for
    nothing else (no T outside a superscript, as in a horizon `\\sum_{t=1}^{T}`)."""
    if not _SUPERSCRIPT_T.search(mathematics) or _POWER_T.search(mathematics):
        return False
    return not _LONE_T.search(_SUPERSCRIPT_T.sub(" ", mathematics))


def read_transposes(text: str) -> str:
    """`x^T` written as `x^\\top`, for a document that `transposes_with_T`."""
    return _SUPERSCRIPT_T.sub(lambda _: "^{\\top}", text)


# "where $\\hat y = \\mathrm{softmax}(o)$", "we define $h_i = \\sum_k e^{a_k}$"
_DEFINING = re.compile(
    r"\b(?:where|let|with|define[sd]?|denote[sd]?|here|by\s+construction)\b[^.$\n]{0,20}\Z",
    re.IGNORECASE,
)


def defining(text: str, start: int) -> bool:
    """Whether the words just before position `start` introduce a definition."""
    return _DEFINING.search(text[max(0, start - 40) : start]) is not None
