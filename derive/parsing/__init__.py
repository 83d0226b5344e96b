"""Reading mathematics people write: plain text at a terminal, or LaTeX.

Both notations produce the same typed expression model (`derive.model.ast`); LaTeX is
recognised by its backslashes unless the caller says which it is. Nothing here
evaluates the text: it is untrusted.
"""

from __future__ import annotations

from derive.model.ast import Node


def is_latex(text: str) -> bool:
    return "\\" in text


def parse_statement(text: str, *, latex: bool | None = None) -> Node:
    """A relation, a chain of relations, or a bare expression."""
    if latex if latex is not None else is_latex(text):
        from derive.parsing.latex import parse_latex

        return parse_latex(text)
    from derive.parsing.plain import parse_plain

    return parse_plain(text)


def parse_expression(text: str, *, latex: bool | None = None) -> Node:
    if latex if latex is not None else is_latex(text):
        from derive.parsing.latex import parse_latex_expression

        return parse_latex_expression(text)
    from derive.parsing.plain import parse_plain_expression

    return parse_plain_expression(text)
