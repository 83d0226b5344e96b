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


@pytest.mark.parametrize(
    "statement",
    [  # found by review: a branch not taken imposed its domain (refuted at x = 1, x = -1)
        r"\begin{cases} \sqrt{x} & x \ge 0 \\ \sqrt{-x} & \text{otherwise} \end{cases} = \sqrt{|x|}",
        r"\begin{cases} \log x & x > 0 \\ 0 & \text{otherwise} \end{cases} \le |x|",
    ],
)
def test_a_branch_not_taken_says_nothing_about_the_domain(
    statement: str, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement)
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize(
    "statement",
    [  # found by review: x = 0, where only a branch not taken divides by zero, was never tried
        r"\begin{cases} \frac{1}{x} & x \ne 0 \\ 5 & \text{otherwise} \end{cases}"
        r" = \begin{cases} \frac{1}{x} & x \ne 0 \\ 7 & \text{otherwise} \end{cases}",
        r"\begin{cases} \frac{\sin x}{x} & x \ne 0 \\ 2 & \text{otherwise} \end{cases} \le 1",
    ],
)
def test_a_point_a_branch_excludes_is_tried(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement)
    assert verdict.status is Status.REFUTED, verdict.summary
    assert dict(verdict.counterexample.values)["x"] == "0"


@pytest.mark.parametrize(
    "statement",
    [  # found by review: branch-by-branch derivatives across a jump were proved
        r"\frac{d}{dx} \begin{cases} x^2 + 1 & x \ge 0 \\ x^2 & \text{otherwise} \end{cases} = 2x",
        r"\frac{d}{dx} \mathbb{1}(x \ge 0) = 0",
    ],
)
def test_a_derivative_across_the_cases_is_refused(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement)
    assert verdict.status not in (*HOLDS, Status.REFUTED)
    assert "derivative of a piecewise" in verdict.reason


def test_a_condition_in_words_is_refused() -> None:
    # found by review: `\text{ and } y > 0` was cut off, and the case proved
    with pytest.raises(ParseError, match="in words"):
        parse_latex(
            r"y = \begin{cases} 1 & \text{if } x > 0 \text{ and } y > 0 \\ 0 & \text{otherwise} \end{cases}"
        )
