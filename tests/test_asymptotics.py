"""Big-O terms and ≈ (issue 10.4): `a = b + O(η^k)` is checked as equality up to order k
as η → 0, and whatever that reading cannot vouch for is refused, never proved."""

from __future__ import annotations

import pytest

from derive.claim import claim
from derive.engine import Settings, decide
from derive.parsing import parse_statement
from derive.verdict import Status, Verdict

SETTINGS = Settings(seed=0, timeout=30)
HOLDS = {Status.PROVED, Status.VERIFIED}


def verdict_of(statement: str, **fields: object) -> Verdict:
    return decide(
        claim("t/asymptotics/case", "t", source="t", statement=statement, **fields).check, SETTINGS
    )


@pytest.mark.parametrize(
    "statement",
    [
        "exp(eta) = 1 + eta + O(eta^2)",
        "1/(1 + eta) = 1 - eta + eta^2 + O(eta^3)",
        "1/(x + O(eta)) = 1/x + O(eta)",  # a smooth side moves by O(the term)
        "x exp(eta) = x + x eta + O(eta^2) + O(eta^3)",  # the lowest order is checked
        r"e^{\eta} \approx 1 + \eta + \mathcal{O}(\eta^2)",
        r"\frac{1}{1 - \eta} = 1 + \eta + O(\eta^2)",
    ],
)
def test_equal_up_to_the_order_written_is_proved(statement: str) -> None:
    verdict = verdict_of(statement)
    assert verdict.status in HOLDS, verdict.summary
    assert "up to O(eta" in verdict.summary


def test_a_wrong_coefficient_is_refuted_and_named() -> None:
    verdict = verdict_of("exp(eta) = 1 + 2 eta + O(eta^2)")
    assert verdict.status is Status.REFUTED
    assert "coefficient of eta^1" in verdict.summary


def test_vector_summands_of_any_shape_are_dropped() -> None:
    verdict = verdict_of("exp(eta) u = u + eta u + O(eta^2)", let={"u": "vector(n)"})
    assert verdict.status in HOLDS, verdict.summary


def test_a_counterexample_keeps_the_sides_defined() -> None:
    # the η⁰ coefficient -x² is defined at x = 1, but there the right side divides by zero
    verdict = verdict_of("x + O(eta) = x (1 - x) + eta / (1 - x)")
    assert verdict.status is Status.REFUTED
    values = dict(verdict.counterexample.values)
    assert values["x"] not in ("0", "1")


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        # sqrt(η² + cη) - |η| ~ sqrt(cη) is not O(η): setting the term to 0 is not enough
        ("sqrt(eta^2 + O(eta)) = abs(eta) + O(eta)", "smooth"),
        ("sqrt(eta^2 + O(eta)) = sqrt(eta^2) + O(eta)", "smooth"),
        ("(1 + O(eta))/eta = 1/eta + O(eta)", "smooth"),  # O(η)/η is O(1), not O(η)
        ("1/O(eta) = 0 + O(eta)", "smooth"),
        ("sin(eta)/eta = 1 + O(eta^2)", "not finite"),
        ("exp(eta) ≈ 1 + eta", "states no order"),
        ("exp(eta) = 1 + O(eta) + O(x^2)", "several variables"),
        ("exp(eta) <= 1 + O(eta)", "equations only"),
        ("exp(eta) = 1 + O(eta^(1/2))", "O(η^k)"),
    ],
)
def test_what_the_reading_cannot_vouch_for_is_refused(statement: str, reason: str) -> None:
    verdict = verdict_of(statement)
    assert verdict.status is Status.ERROR, verdict.summary
    assert reason in verdict.reason


def test_a_declared_O_keeps_its_meaning() -> None:
    verdict = verdict_of("O(x) = O(x)", let={"O": "function"})
    assert verdict.status is Status.PROVED
    assert "up to" not in verdict.summary


def test_latex_reads_approx_and_mathcal_O() -> None:
    node = parse_statement(r"a \approx b + \mathcal{O}(\eta^2)", latex=True)
    assert node.op == "≈"
    assert node.rhs.terms[1].func == "O"


@pytest.mark.parametrize(
    ("statement", "status"),
    [
        (r"\frac{d \sin(2x)}{d (2x)} = \cos(2x)", Status.PROVED),
        (r"\frac{d \sin(2x)}{d (2x)} = 2 \cos(2x)", Status.REFUTED),
        (r"\nabla f(u) = \nabla_u f(u)", Status.PROVED),
    ],
)
def test_a_derivative_at_a_point_written_as_an_expression(statement: str, status: Status) -> None:
    verdict = verdict_of(statement, let={"u": "vector(n)", "f": "function"})
    assert verdict.status is status, verdict.summary
