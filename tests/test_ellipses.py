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
    assert run.product and (run.lower, run.upper) == (ast.Num(1), ast.Name("T"))
    body = run.body  # k runs up from 1, the factors down from ∂h_T/∂h_{T-1}
    assert isinstance(body, ast.Derivative)
    assert isinstance(body.expr, ast.Subscript) and body.expr.label == "T-k+1"
    assert isinstance(body.var, ast.Subscript) and body.var.label == "T-k"


@pytest.mark.parametrize(
    ("statement", "assume"),
    [  # found by review: each was refuted, though it holds
        (r"1 + 2 + \cdots + n = \frac{n(n+1)}{2}", ["n integer", "n >= 0"]),  # n = 0: empty
        (r"a_1 + a_2 + \cdots + a_n = \sum_{i=1}^{n} a_i", ["n integer", "n >= 0"]),
        (
            r"1 + x + x^2 + \cdots + x^n = \frac{x^{n+1} - 1}{x - 1}",
            ["n integer", "n >= 0", "x > 1"],
        ),
        (r"x + 1 + \cdots + n = x + \frac{n(n+1)}{2}", ["n positive integer"]),
        (r"\frac{d}{dx}(e^{x+1} + \cdots + e^{x+3}) = e^{x+1} + e^{x+2} + e^{x+3}", []),
        (r"f(x+1) + \cdots + f(x+n) = \sum_{i=1}^{n} f(x+i)", ["n positive integer"]),
    ],
)
def test_runs_read_as_the_field_reads_them(
    statement: str, assume: list[str], verdict_of: Decide
) -> None:
    verdict = verdict_of(statement, assume=assume, let={"f": "function"})
    assert verdict.status in HOLDS, verdict.summary


def test_a_product_of_a_symbolic_number_of_matrices_is_never_taken_entry_by_entry(
    verdict_of: Decide,
) -> None:
    verdict = verdict_of(
        r"\operatorname{tr}(A_1 A_2 \cdots A_n) = \prod_{i=1}^{n} \operatorname{tr}(A_i)",
        let={"A": "sequence of matrix(2, 2)"},
        assume=["n positive integer"],
    )
    assert verdict.status is Status.REFUTED, verdict.summary
    assert verdict.reading is None or "Product(A[k, 1, 1]" not in verdict.reading


def test_a_numbered_name_declared_on_its_own_is_not_an_element(verdict_of: Decide) -> None:
    verdict = verdict_of(r"\beta_1 + \beta_2 = \sum_{i=1}^{2} \beta_i", assume=["beta_1 > 0"])
    assert verdict.status not in (*HOLDS, Status.REFUTED)
    assert "declared on its own" in verdict.reason


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
        (r"y = a_{11} + a_{12} + \cdots + a_{1n}", "run indices together"),  # row 1, or a_11?
        (r"y = x_{12} + \cdots + 2 x_n", "differ in more"),  # a subscript against a product
        (r"y = \sum_{i=1}^{2} a_{i+1} + \cdots + \sum_{i=1}^{2} a_{i+3}", "bound inside"),
    ],
)
def test_dots_whose_pattern_is_not_beyond_doubt_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_latex(text)


def test_a_written_term_after_the_dots_joins_the_run(verdict_of: Decide) -> None:
    # found by review: a_n stayed outside, and the statement was refuted at n = 0
    verdict = verdict_of(
        r"a_1 + \dots + a_{n-1} + a_n = \sum_{i=1}^{n} a_i", assume=["n integer", "n >= 0"]
    )
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize("text", [r"y = a_2 + \dots + a_{2n}", r"y = x_0 + \cdots + x_{2n}"])
def test_a_step_that_could_be_a_stride_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="could be a stride"):
        parse_latex(text)


def test_the_last_component_of_a_vector_is_its_entry_when_its_size_is_assumed_on(
    verdict_of: Decide,
) -> None:
    # found by review: with `n positive integer` assumed, u_n was a name of its own
    verdict = verdict_of(
        r"u_1 + \cdots + u_n = u_n + \sum_{i=1}^{n-1} u_i",
        let={"u": "vector(n)"},
        assume=["n positive integer"],
    )
    assert verdict.status in HOLDS, verdict.summary
