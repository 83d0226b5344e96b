"""The token cursor the LaTeX parser and its mixins share: looking ahead, consuming,
errors that point at a column, and the limits on nodes and depth."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.model.ast import (
    Mul,
    Node,
)
from derive.parsing.latex_lexer import (
    END,
    Token,
)

N = TypeVar("N", bound=Node)


def _pos(node: Node) -> int:
    """The column of a node (the base class declares no `pos`)."""
    return getattr(node, "pos", -1)


class Cursor:
    """A position in the tokens of one statement, with the counts the limits need."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.toks = tokens
        self.i = 0
        self.depth = 0
        self.nodes = 0
        self.bars: list[str] = []  # | and || opened and not yet closed, innermost last
        self.braced: set[int] = set()  # id() of sums written in bare braces {a + b}

    # -- helpers -------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def advance(self) -> Token:
        token = self.toks[self.i]
        if token.kind != END:
            self.i += 1
        return token

    def at(self, kind: str, value: str | None = None, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == kind and (value is None or token.value == value)

    def error(self, pos: int, message: str) -> ParseError:
        return ParseError(self.text, pos, message)

    def written(self, token: Token) -> str:
        return self.text[token.pos : token.end] or "end of input"

    def make(self, node: N) -> N:
        """Count every node built, so a tree can never outgrow max_nodes."""
        self.nodes += 1
        if self.nodes > LIMITS.max_nodes:
            raise LimitError(self.text, _pos(node), f"more than {LIMITS.max_nodes} nodes")
        return node

    @contextmanager
    def nested(self, pos: int) -> Iterator[None]:
        """One level deeper; the limit keeps the Python stack far from overflowing."""
        self.depth += 1
        if self.depth > LIMITS.max_depth:
            raise LimitError(self.text, pos, f"nested more than {LIMITS.max_depth} deep")
        try:
            yield
        finally:
            self.depth -= 1

    def product(self, items: list[Node], pos: int) -> Node:
        return items[0] if len(items) == 1 else self.make(Mul(tuple(items), pos=pos))
