"""One root for every error derive raises on purpose.

Each error also subclasses the matching builtin, so callers that only know
Python's exceptions still catch them (as Hypothesis does with InvalidArgument).
"""

from __future__ import annotations


class DeriveError(Exception):
    """Root of derive's own errors: anything else escaping is a bug."""


class ParseError(DeriveError, ValueError):
    """Text that does not parse; carries the column so the message can point at it."""

    def __init__(self, text: str, column: int, message: str) -> None:
        self.text = text
        self.column = max(0, min(column, len(text)))
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        """The message, the offending line and a caret under the column."""
        if not self.text:  # found after parsing (a limit met while evaluating): no line to show
            return self.message
        line_start = self.text.rfind("\n", 0, self.column) + 1
        line_end = self.text.find("\n", self.column)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        col = self.column - line_start
        if len(line) > 78:  # keep the caret line readable for long inputs
            start = max(0, col - 38)
            line, col = line[start : start + 78], col - start
        return f"{self.message} (column {self.column + 1})\n  {line}\n  {' ' * col}^"


class LimitError(ParseError):
    """Input over one of the hard limits (length, depth, size of numbers)."""


class TypeCheckError(DeriveError, TypeError):
    """A well-formed expression whose shapes do not fit (a vector plus a scalar, say)."""


class UndefinedEverywhere(TypeCheckError):
    """A side that divides by zero whatever the values (at n = 0, Σ/n is 0/0)."""


class ClaimError(DeriveError, ValueError):
    """A claim or declaration that cannot be built."""


class Unsupported(DeriveError, NotImplementedError):
    """A construct a strategy cannot handle; the engine moves on to the next strategy."""


class MaybeSame(Unsupported):
    """Two elements of a random sequence whose indices may be equal (g_t and g_1, g_i of
    a sum and g_t): treating them as independent could prove something false."""
