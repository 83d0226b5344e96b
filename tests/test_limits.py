"""Limits (issue 10.4): `lim_{h → a} E` at a finite point is read through the Taylor
expansion of E there. Where the expansion cannot vouch for the value (a kink, a root at
0, a point at infinity, a one-sided limit) the limit is refused; where the limit does not
exist, a statement that needs its value is refuted at a point where it does not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from derive.errors import ParseError
from derive.parsing.latex import parse_latex
from derive.verdict import Status, Verdict

Decide = Callable[..., Verdict]
HOLDS = {Status.PROVED, Status.VERIFIED}
LOSS = {"l": "function"}


@pytest.mark.parametrize(
    "statement",
    [
        r"\lim_{h \to 0} \frac{\sin(h)}{h} = 1",
        r"\lim_{h \to 0} \frac{1 - \cos(h)}{h^2} = \frac{1}{2}",
        r"\lim_{x \to 1} \frac{x^2 - 1}{x - 1} = 2",
        r"\lim_{h \to 0} \frac{(x + h)^3 - x^3}{h} = 3 x^2",
        r"\lim_{h \to 0} \frac{\sqrt{4 + h} - 2}{h} = \frac{1}{4}",
        r"\lim_{h \to 0} \frac{e^{h} - 1}{h} = 1",
        r"\lim_{h \to 0} (x + h)^2 = x^2",
    ],
)
def test_a_limit_of_known_functions_holds(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement)
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize(
    "statement",
    [
        r"\lim_{h \to 0} \frac{l(w + h) - l(w)}{h} = \frac{d l(w)}{dw}",
        r"\lim_{h \to 0} \frac{l(w + h) - l(w - h)}{2 h} = \frac{d l(w)}{dw}",
        r"\lim_{\Delta w \to 0} \frac{l(\lambda w + \lambda \Delta w) - l(\lambda w)}"
        r"{\lambda \Delta w} = \frac{d l(\lambda w)}{d(\lambda w)}",
    ],
)
def test_a_difference_quotient_of_an_undefined_function_is_its_derivative(
    statement: str, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement, let=LOSS, assume=["lambda > 0"])
    assert verdict.status in HOLDS, verdict.summary


@pytest.mark.parametrize(
    "statement",
    [
        r"\lim_{h \to 0} \frac{e^{h} - 1}{h} = 2",
        r"\lim_{h \to 0} \frac{l(w + 2 h) - l(w)}{h} = \frac{d l(w)}{dw}",
        # the quotient has no limit unless l(w) = l(0): false where it has none
        r"\lim_{h \to 0} \frac{l(w + h) - l(h)}{h} = \frac{d l(w)}{dw}",
        r"\lim_{h \to 0} \frac{(x + h)^3 - x^2}{h} = 3 x^2",
    ],
)
def test_a_wrong_limit_is_refuted(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement, let=LOSS)
    assert verdict.status is Status.REFUTED, verdict.summary


def test_a_limit_that_does_not_exist_is_named_in_the_counterexample(verdict_of: Decide) -> None:
    verdict = verdict_of(r"\lim_{h \to 0} \frac{x + h}{h} = 1")
    assert verdict.status is Status.REFUTED
    assert "limit in it does not exist" in verdict.summary
    assert dict(verdict.counterexample.values)["x"] != "0"


def test_two_limits_that_both_may_not_exist_are_not_proved_equal(verdict_of: Decide) -> None:
    verdict = verdict_of(r"\lim_{h \to 0} \frac{x}{h} = \lim_{h \to 0} \frac{x}{h}")
    assert verdict.status is not Status.REFUTED  # equal wherever either exists
    verdict = verdict_of(r"\lim_{h \to 0} \frac{x}{h} = \lim_{h \to 0} \frac{2 x}{h}")
    assert verdict.status is not Status.PROVED, verdict.summary


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (r"\lim_{h \to 0} \frac{|h|}{h} = 1", "may not be smooth"),
        (r"\lim_{h \to 0} \mathbb{1}(h > 0) = 1", "may not be smooth"),  # jumps at 0
        (r"\lim_{h \to 0} \frac{\mathrm{relu}(h)}{h} = 1", "may not be smooth"),
        (r"\lim_{h \to 0} \frac{h}{|h|} = 1", "not a polynomial"),
        (r"\lim_{h \to 0} \sqrt{x + h} = \sqrt{x}", "may not be smooth"),  # false at x = 0
        (r"\lim_{h \to 0} \frac{h}{\sin(h)} = 1", "not a polynomial"),
        (r"\lim_{x \to \infty} \frac{1}{x} = 0", "finite number"),
        (r"\lim_{h \to 0} \frac{\sin(h)^5}{h^5} = 1", "too deep"),
    ],
)
def test_limits_the_expansion_cannot_vouch_for_are_refused(
    statement: str, reason: str, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement)
    assert verdict.status not in (*HOLDS, Status.REFUTED), verdict.summary
    assert reason in (verdict.reason or ""), verdict.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"\lim_{x \to 0^+} x = 0", "one-sided"),
        (r"\lim x = 0", "give the variable and the point"),
        (r"\lim_{x, y \to 0} x = 0", "give the variable and the point"),
    ],
)
def test_limits_that_cannot_be_read_say_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_latex(text)


def test_a_limit_that_may_not_exist_is_never_proved_equal_to_itself(verdict_of: Decide) -> None:
    # found by review: both sides undefined for x ≠ 0, and the identity was proved
    for statement in (
        r"\lim_{h \to 0} \frac{x h}{h^2} = \lim_{h \to 0} \frac{x h}{h^2}",
        r"\lim_{h \to 0} \frac{x h}{h^2} = \sqrt{-x^2}",
    ):
        verdict = verdict_of(statement)
        assert verdict.status not in HOLDS, verdict.summary


def test_a_limit_over_a_declared_name_is_refused(verdict_of: Decide) -> None:
    verdict = verdict_of(r"\lim_{x \to 0} \frac{x_1 + x}{1} = x_1", let={"x": "vector(n)"})
    assert verdict.status not in (*HOLDS, Status.REFUTED)
    assert "declared" in verdict.reason
