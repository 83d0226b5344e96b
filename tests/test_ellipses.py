"""Ellipses (issue 10.4): `a_1 + a_2 + ⋯ + a_n` and `A_T ⋯ A_1` are read as the sum or
product they abbreviate when the terms around the dots fix the pattern, and refused with
the reason when they do not; a product of matrices keeps its order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from derive.errors import ParseError
from derive.model import ast
from derive.parsing.latex import parse_latex
from derive.verdict import Status, Verdict

Decide = Callable[..., Verdict]
HOLDS = {Status.PROVED, Status.VERIFIED}
COUNT = {"n": "positive integer"}


def the_run(text: str) -> ast.Sum:
    relation = parse_latex(text)
    assert isinstance(relation, ast.Relation)
    runs = [node for node in ast.walk(relation.rhs) if isinstance(node, ast.Sum)]
    assert len(runs) == 1, relation
    return runs[0]


@pytest.mark.parametrize(
    "statement",
    [
        r"\sum_{i=1}^{n} i = 1 + 2 + \cdots + n",
        r"\sum_{i=1}^{n} a_i = a_1 + a_2 + \cdots + a_n",
        r"\prod_{i=1}^{n} a_i = a_1 a_2 \cdots a_n",
        r"\prod_{i=1}^{n} a_i = a_1 \cdot a_2 \cdot \cdot \cdot a_n",  # a converted PDF's dots
        r"\sum_{i=1}^{n} x^i = x + x^2 + \dots + x^n",
        r"-\sum_{i=1}^{n} a_i = -a_1 - a_2 - \dots - a_n",
        r"\sum_{i=1}^{n} a_i = a_n + \dots + a_1",  # counting down
    ],
)
def test_a_run_equal_to_its_sum_holds(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement, assume=["n positive integer"])
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize(
    "statement",
    [
        r"a_1 + \cdots + a_n = n a_1",
        r"1 + 2 + \cdots + n = n^2",
        r"a_1 a_2 \cdots a_n = a_1^n",
    ],
)
def test_a_wrong_closed_form_is_refuted(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement, assume=["n positive integer"])
    assert verdict.status is Status.REFUTED, verdict.summary


def test_a_product_of_matrices_keeps_the_order_written(verdict_of: Decide) -> None:
    matrices = {"A": "sequence of matrix(2, 2)"}
    down = verdict_of(r"A_3 A_2 A_1 = A_3 \cdots A_1", let=matrices)
    assert down.status in HOLDS, down.summary
    up = verdict_of(r"A_1 A_2 A_3 = A_1 \cdots A_3", let=matrices)
    assert up.status in HOLDS, up.summary
    reversed_ = verdict_of(r"A_1 A_2 A_3 = A_3 \cdots A_1", let=matrices)
    assert reversed_.status is Status.REFUTED, reversed_.summary


def test_a_chain_of_jacobians_reads_every_index_moving_together() -> None:
    run = the_run(
        r"J = \frac{\partial h_T}{\partial h_{T-1}} \cdot \frac{\partial h_{T-1}}"
        r"{\partial h_{T-2}} \cdot \cdot \cdot \cdot \frac{\partial h_1}{\partial h_0}"
    )
    assert run.product and (run.lower, run.upper) == (
        ast.Num(1),
        ast.Add((ast.Name("T"), ast.Neg(ast.Num(1)))),
    )
    body = run.body
    assert isinstance(body, ast.Derivative)
    assert isinstance(body.expr, ast.Subscript) and body.expr.label == "T-k"
    assert isinstance(body.var, ast.Subscript) and body.var.label == "T-k-1"


def test_terms_outside_the_pattern_stay_outside() -> None:
    relation = parse_latex(r"y = 1 + x + x^2 + \cdots + x^n")
    assert isinstance(relation, ast.Relation) and isinstance(relation.rhs, ast.Add)
    first, second, run = relation.rhs.terms
    assert (first, second) == (ast.Num(1), ast.Name("x"))
    assert isinstance(run, ast.Sum) and run.lower == ast.Num(2)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"y = a_1 + a_3 + \dots + a_{2n-1}", "do not count by one"),  # odd terms only
        (r"y = a_i + \dots + a_j", "order is not known"),
        (r"y = 2 a_1 + \dots + 3 a_n", "do not move together"),
        (r"y = a_1 + \dots + b_n", "differ in more than their indices"),
        (r"y = a_1 + \dots + a_1", "are the same"),
        (r"y = a + b + \cdots", "not written"),
        (r"y \leq \dots", "not written"),
        (r"y = \frac{1}{2} + \frac{1}{4} + \dots + \frac{1}{2^n}", "differ in more"),
        (r"y = a_1 a_2 \cdots", "not written"),
    ],
)
def test_dots_whose_pattern_is_not_beyond_doubt_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_latex(text)
