"""Big operators of the LaTeX reader: Σ and Π with their bounds (Σ_{k ≠ i} too), max and
min over a variable, limits, cases blocks and indicators. A mixin of `latex._Parser`: it
uses the parser's expressions, terms and scripts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

from derive.model.ast import (
    Cases,
    Chain,
    Extremum,
    Limit,
    Mul,
    Name,
    Node,
    Num,
    Pow,
    Relation,
    Sum,
    names,
    rebuilt,
)
from derive.parsing.latex_cursor import Cursor, _pos
from derive.parsing.latex_lexer import (
    CMD,
    END,
    LBRACE,
    LETTER,
    NAME,
    OP,
    OPEN,
    RBRACE,
    REL,
    Token,
    cases_block,
    tokenize,
    top_spans,
)

_ROW = re.compile(r"\\\\(?:\[[^\]]*\])?")
_CELL = re.compile(r"&")
_OTHERWISE = re.compile(
    r"\s*,?\s*(?:\\(?:text|mathrm|textrm|mbox)\s*\{\s*)?(?:otherwise|else)\s*[.,]?\s*\}?\s*[.,]?\s*"
)
_IF = re.compile(
    r"\s*,?\s*(?:\\(?:text|mathrm|textrm|mbox)\s*\{\s*(?:if|for|when)\s*\}|(?:if|for|when)\b)"
)
_PROSE = re.compile(r"\\(?:text|textrm|textit|textbf|textnormal|mbox)(?![A-Za-z])")
_ARROWS = ("to", "rightarrow", "longrightarrow")


class Operators(Cursor):
    """Σ, Π, max/min, lim, cases and indicators."""

    def indicator(self, token: Token) -> Node:
        """`\\mathbb{1}(i = j)`, `\\mathbb{1}[y = k]`, `\\mathbb{1}_{i = j}` and `1_{i = j}`: 1
        where the relation holds, else 0."""
        opening = self.peek()
        if opening.kind == OP and opening.value == "_":
            brace = self.toks[self.i + 1]
            if brace.kind != LBRACE or brace.match < 0:
                raise self.error(opening.pos, "write the indicator's condition: 1_{i = j}")
            start, close = brace.end, self.toks[brace.match]
            self.i = brace.match + 1
        elif opening.kind == OPEN:
            index = self.matching_close(self.i, len(self.toks))
            if index < 0:
                raise self.error(opening.pos, f"missing closing bracket for {opening.value}")
            start, close = opening.end, self.toks[index]
            self.i = index + 1
        else:
            raise self.error(token.pos, "write the indicator's condition: \\mathbb{1}(i = j)")
        condition = self.part(start, close.pos)
        one, zero = Num(Fraction(1), pos=token.pos), Num(Fraction(0), pos=token.pos)
        return self.make(Cases(((one, condition), (zero, None)), pos=token.pos))

    def indicator_follows(self, node: Node) -> bool:
        """`1_{i = j}`: a 1 whose subscript is a relation."""
        if node != Num(Fraction(1)) or not self.at(OP, "_"):
            return False
        brace = self.toks[self.i + 1]
        if brace.kind != LBRACE or brace.match < 0:
            return False
        return any(t.kind == REL for t in self.toks[self.i + 2 : brace.match])

    def extremum(self, token: Token, name: str, mark: Token) -> Node:
        """`\\max_z f(z)`: over one real variable (not a set, `\\max_{x \\in S}`)."""
        index, label, column = self.subscript(mark)
        if not isinstance(index, Name):
            raise self.error(column, f"\\{name} over {label}: only over one variable, \\{name}_z")
        with self.nested(token.pos):
            if not self.starts_factor(self.peek()):
                raise self.error(self.peek().pos, f"missing expression after \\{name}")
            body = self.run(stop_at_functions=True)
        return self.make(Extremum(name, index.name, body, pos=token.pos))

    def cases(self, token: Token) -> Node:
        """The rows of a cases block, `value & condition` each: the condition a relation or
        chain, after an optional "if"/"for"; "otherwise" or "else" is the remaining case."""
        rows_start, rows_end, _ = cases_block(self.text, token.pos, token.end)  # type: ignore[misc]
        branches: list[tuple[Node, Node | None]] = []
        with self.nested(token.pos):
            for start, end in top_spans(self.text, rows_start, rows_end, _ROW):
                if not self.text[start:end].strip():
                    continue
                cells = top_spans(self.text, start, end, _CELL)
                if len(cells) != 2:
                    raise self.error(start, "write each case as value & condition")
                (a, b), (c, d) = cells
                if _PROSE.search(self.text, a, b):
                    raise self.error(a, "words in a case's value: write the value alone")
                value = self.part(a, b, statement=False)
                condition = self.text[c:d]
                if _OTHERWISE.fullmatch(condition):
                    branches.append((value, None))
                    continue
                words = _IF.match(condition)
                relation = c + (words.end() if words else 0)
                if _PROSE.search(self.text, relation, d):  # `x > 0 \text{ and } y > 0`
                    raise self.error(relation, "a case's condition in words: write it as relations")
                branches.append((value, self.part(relation, d)))
        if not branches:
            raise self.error(token.pos, "empty cases")
        if any(condition is None for _, condition in branches[:-1]):
            raise self.error(token.pos, '"otherwise" must be the last case')
        return self.make(Cases(tuple(branches), pos=token.pos))

    def part(self, start: int, end: int, *, statement: bool = True) -> Node:
        """The expression (or relation) written in text[start:end], parsed on its own."""
        inner = type(self)(self.text, tokenize(self.text, start, end))
        inner.depth, inner.nodes = self.depth, self.nodes  # the limits count the whole tree
        if inner.at(END):
            raise self.error(start, "an empty part of a case")
        node = inner.statement() if statement else inner.expression()
        if statement and not isinstance(node, Relation | Chain):
            raise self.error(start, "a case's condition must be a relation such as x > 0")
        inner.finish()
        self.nodes = inner.nodes
        return node

    def limit(self, token: Token) -> Node:
        """`\\lim_{h \\to 0} body`, the body being the term that follows, as for \\sum. An
        increment `\\lim_{\\Delta w \\to 0}` is one variable: its Δ w in the body is that name."""
        usage = "give the variable and the point: \\lim_{h \\to 0}"
        if not self.at(OP, "_"):
            raise self.error(token.pos, usage)
        brace = self.toks[self.i + 1]
        if brace.kind != LBRACE or brace.match < 0:
            raise self.error(brace.pos, usage)
        inner = self.toks[self.i + 2 : brace.match]
        arrow = next((k for k, t in enumerate(inner) if t.kind == CMD and t.value in _ARROWS), -1)
        written = [t.value for t in inner[:arrow]]
        if arrow == 1 and inner[0].kind in (LETTER, NAME):
            var, increment = written[0], None
        elif arrow == 2 and written[0] == "Delta" and inner[1].kind == LETTER:
            var, increment = f"Delta_{written[1]}", written[1]
        else:
            raise self.error(brace.pos, usage)
        after = inner[arrow + 1 :]
        if any(t.kind == OP and t.value == "^" for t in after):
            raise self.error(inner[arrow].pos, "one-sided limits are not checked")
        self.i += 2 + arrow + 1
        with self.nested(token.pos):
            point = self.expression()
            if self.i != brace.match:
                raise self.error(self.peek().pos, usage)
            self.advance()
            if not self.starts_factor(self.peek()) and not self.at(OP, "-"):
                raise self.error(self.peek().pos, "missing expression after \\lim")
            body = self.signed_term()
        if increment is not None:
            try:
                body = _increments_named(body, increment, var)
            except ValueError as error:
                raise self.error(token.pos, str(error)) from None
        return self.make(Limit(body, var, point, pos=token.pos))

    def big_operator(self, token: Token, *, product: bool) -> Node:
        """\\sum_{i=1}^{n} body and \\prod; the body is the term that follows. A bare
        `\\sum_i`, `\\sum_{ij}` or `\\sum_{i,j}` leaves its range to elaboration, which
        knows the sizes of the entries the body indexes."""
        what = "\\prod" if product else "\\sum"
        lower = upper = None
        bare: list[str] = []
        excluded: str | None = None  # Σ_{k ≠ i}: every k of the range but i
        while self.at(OP) and self.peek().value in "^_":
            mark = self.advance()
            if mark.value == "_" and lower is None and not bare and (skip := self.excluded()):
                bare, excluded = [skip[0]], skip[1]
            elif mark.value == "_" and lower is None and not bare:
                bare = self.bare_indices()
                if not bare:
                    var, lower = self.bounds(mark, what)
            elif mark.value == "^" and upper is None and not bare:
                sup = self.superscript(mark)
                if sup[0] != "expr":
                    raise self.error(mark.pos, f"unsupported upper bound for {what}")
                upper = sup[1]
            else:
                raise self.error(mark.pos, f"double bound on {what}")
        if not bare and (lower is None or upper is None):
            raise self.error(token.pos, f"give the bounds: {what}_{{i=1}}^{{n}}")
        with self.nested(token.pos):
            if not self.starts_factor(self.peek()) and not self.at(OP, "-"):
                raise self.error(self.peek().pos, f"missing expression after {what}")
            body = self.signed_term()
        if not bare:
            return self.make(Sum(body, var, lower, upper, product, pos=token.pos))
        if excluded is not None:
            if product:
                raise self.error(
                    token.pos, "\\prod_{k \\ne i} is not supported: divide by the i-th factor"
                )
            return self.make(Sum(body, bare[0], None, None, pos=token.pos, excluding=excluded))
        for index in reversed(bare):
            body = self.make(Sum(body, index, None, None, product, pos=token.pos))
        return body

    def excluded(self) -> tuple[str, str] | None:
        """`_{k \\ne i}` (consumed): the summation letter and the one it skips."""
        brace = self.peek()
        if brace.kind != LBRACE or brace.match != self.i + 4:
            return None
        var, rel, other = self.toks[self.i + 1 : self.i + 4]
        if not (
            var.kind == LETTER and rel.kind == REL and rel.value == "!=" and other.kind == LETTER
        ):
            return None
        self.i = brace.match + 1
        return var.value, other.value

    def bare_indices(self) -> list[str]:
        """The letters of `_i`, `_{ij}`, `_{i,j}` (no bounds), consumed; [] otherwise."""
        if self.at(LETTER):
            return [self.advance().value]
        brace = self.peek()
        if brace.kind != LBRACE or brace.match < 0:
            return []
        inner = self.toks[self.i + 1 : brace.match]
        letters = [t.value for t in inner if t.kind == LETTER]
        commas = [t for t in inner if t.kind == OP and t.value == ","]
        if (
            not letters
            or len(letters) + len(commas) != len(inner)
            or len(set(letters)) < len(letters)
        ):
            return []
        self.i = brace.match + 1
        return letters

    def bounds(self, mark: Token, what: str) -> tuple[str, Node]:
        brace = self.peek()
        if brace.kind != LBRACE:
            raise self.error(mark.pos, f"give the bounds: {what}_{{i=1}}^{{n}}")
        if brace.match < 0:
            raise self.error(brace.pos, f"missing closing brace for {what}")
        self.advance()
        var_token = self.advance()
        if var_token.kind not in (LETTER, NAME) or not self.at(REL, "="):
            raise self.error(brace.pos, f"give the bounds: {what}_{{i=1}}^{{n}}")
        self.advance()
        with self.nested(brace.pos):
            lower = self.expression()
        if not self.at(RBRACE):
            raise self.error(
                self.peek().pos, f"unexpected {self.written(self.peek())} in the bounds of {what}"
            )
        self.advance()
        return var_token.value, lower


def _increments_named(body: Node, letter: str, name: str) -> Node:
    """`Δ w` (the factors Δ and w side by side) as the one name of an increment."""

    def change(node: Node, rebuild: Callable[[object], object]) -> Node | None:
        if not isinstance(node, Mul):
            return None
        factors: list[Node] = []
        for factor in node.factors:
            after_delta = bool(factors) and factors[-1] == Name("Delta")
            if after_delta and factor == Name(letter):
                factors[-1] = Name(name, pos=_pos(factor))
            elif after_delta and isinstance(factor, Pow) and factor.base == Name(letter):
                factors[-1] = replace(factor, base=Name(name, pos=_pos(factor)))  # Δw² is (Δw)²
            else:
                factors.append(rebuild(factor))  # type: ignore[arg-type]
        return factors[0] if len(factors) == 1 else replace(node, factors=tuple(factors))

    named = rebuilt(body, change)
    if "Delta" in names(named):
        raise ValueError(f"Δ stands apart from {letter} in the limit's body")
    return named
