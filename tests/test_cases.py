"""`\\begin{cases}` (issue 10.4): each row is a value and the relation under which it holds,
read as a piecewise value; rows that could hold together are refused (the value there
would be a guess), and a point no row covers says nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from derive.errors import ParseError
from derive.parsing.latex import parse_latex
from derive.parsing.latex_lexer import split_aligned
from derive.verdict import Status, Verdict

Decide = Callable[..., Verdict]
HOLDS = {Status.PROVED, Status.VERIFIED}
SOFTMAX_ENTRIES = {"z": "vector(n)", "sigma": "sigmoid"}


@pytest.mark.parametrize(
    "statement",
    [
        r"\mathrm{relu}(x) = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases}",
        r"|x| = \begin{cases} x & x \geq 0, \\ -x & x < 0. \end{cases}",
        r"\frac{d}{dx} \mathrm{ReLU}(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}",
        r"\max(x, 0) = \begin{cases} x & 0 < x \\ 0 & \text{else} \end{cases}",
        r"\frac{\partial \sigma(z_i)}{\partial z_j} = \begin{cases} \sigma(z_i)(1 - \sigma(z_i))"
        r" & i = j \\ 0 & i \neq j \end{cases}",
    ],
)
def test_a_piecewise_value_that_is_right_holds(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement, let=SOFTMAX_ENTRIES)
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize(
    "statement",
    [
        r"\mathrm{relu}(x) = \begin{cases} x & x > 0 \\ 1 & \text{otherwise} \end{cases}",
        r"\frac{d}{dx} \mathrm{ReLU}(x) = \begin{cases} 1 & x > 0 \\ 1 & x < 0 \end{cases}",
        r"\frac{\partial \sigma(z_i)}{\partial z_j} = \begin{cases} \sigma(z_i) & i = j \\ 0 &"
        r" i \neq j \end{cases}",
    ],
)
def test_a_wrong_case_is_refuted(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement, let=SOFTMAX_ENTRIES)
    assert verdict.status is Status.REFUTED, verdict.summary


def test_rows_that_may_hold_together_are_refused(verdict_of: Decide) -> None:
    verdict = verdict_of(r"y = \begin{cases} 1 & x \ge 0 \\ 0 & x \le 0 \end{cases}")
    assert verdict.status not in (*HOLDS, Status.REFUTED)
    assert "may hold together" in verdict.reason


def test_a_point_no_row_covers_is_no_counterexample(verdict_of: Decide) -> None:
    verdict = verdict_of(r"x = \begin{cases} x & x > 0 \\ x & x < 0 \end{cases}")
    assert verdict.status in HOLDS, verdict.summary


def test_the_ampersands_of_a_cases_block_survive_an_aligned_block() -> None:
    lines = split_aligned(
        r"\begin{aligned} f(x) &= \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}"
        r" \\ &= g(x) \end{aligned}"
    )
    assert lines == [r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", "= g(x)"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"y = \begin{cases} 1 & x \\ 0 & \text{else} \end{cases}", "must be a relation"),
        (r"y = \begin{cases} 1 \\ 0 & x > 0 \end{cases}", "value & condition"),
        (r"y = \begin{cases} 1 & \text{otherwise} \\ 0 & x > 0 \end{cases}", "must be the last"),
        (r"y = \begin{cases} 1 & x > 0", "without \\\\end{cases}"),
        (r"y = \begin{cases} \end{cases}", "empty cases"),
    ],
)
def test_cases_that_cannot_be_read_say_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_latex(text)
