"""Big-O terms and ≈ (issue 10.4): `a = b + O(η^k)` is checked as equality up to order k
as η → 0, and whatever that reading cannot vouch for is refused, never proved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from derive.parsing import parse_statement
from derive.verdict import Status, Verdict

Decide = Callable[..., Verdict]
HOLDS = {Status.PROVED, Status.VERIFIED}


@pytest.mark.parametrize(
    "statement",
    [
        "exp(eta) = 1 + eta + O(eta^2)",
        "1/(1 + eta) = 1 - eta + eta^2 + O(eta^3)",
        "x exp(eta) + O(eta^3) = x + x eta + O(eta^2)",  # a finer left term is absorbed
        r"e^{\eta} \approx 1 + \eta + \mathcal{O}(\eta^2)",
        r"\frac{1}{1 - \eta} = 1 + \eta + O(\eta^2)",
        "sqrt(1 + eta) = 1 + eta/2 + O(eta^2)",  # smooth: the argument is 1 at η = 0
        "log(x^2 + 1 + eta) = log(x^2 + 1) + O(eta)",
        "sigmoid(eta) = 1/2 + eta/4 + O(eta^3)",
    ],
)
def test_equal_up_to_the_order_written_is_proved(statement: str, verdict_of: Decide) -> None:
    verdict = verdict_of(statement)
    assert verdict.status in HOLDS, verdict.summary
    assert "up to O(eta" in verdict.summary


def test_a_wrong_coefficient_is_refuted_and_named(verdict_of: Decide) -> None:
    verdict = verdict_of("exp(eta) = 1 + eta + 2 eta^2 + O(eta^3)")
    assert verdict.status is Status.REFUTED
    assert "coefficient of eta^2 in left - right is -3/2" in verdict.summary  # 1/2 - 2


def test_vector_summands_of_any_shape_are_dropped(verdict_of: Decide) -> None:
    verdict = verdict_of("exp(eta) u = u + eta u + O(eta^2)", let={"u": "vector(n)"})
    assert verdict.status in HOLDS, verdict.summary


def test_a_counterexample_keeps_the_sides_defined(verdict_of: Decide) -> None:
    # the η⁰ coefficient -x² is defined at x = 1, but there the right side divides by zero
    verdict = verdict_of("x = x (1 - x) + eta / (1 - x) + O(eta)")
    assert verdict.status is Status.REFUTED
    values = dict(verdict.counterexample.values)
    assert values["x"] not in ("0", "1")


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        # not smooth at η = 0: no Taylor expansion to compare, whatever the coefficients
        ("sqrt(eta) = O(eta)", "smooth"),
        ("eta^(3/2) = O(eta^2)", "smooth"),
        ("eta^eta = 1 + O(eta)", "smooth"),
        ("sqrt(x + eta) = sqrt(x) + O(eta)", "smooth"),  # false at x = 0
        ("sqrt(x^2 + eta^2) = sqrt(x^2) + O(eta^2)", "smooth"),  # |η| at x = 0
        ("x^eta = 1 + O(eta)", "smooth"),  # 0^η = 0
        ("x/(x + eta) = 1 + O(eta)", "smooth"),  # 0 at x = 0, where the side is defined
        ("eta/sqrt(x^2 + eta^2) = O(eta)", "smooth"),
        ("eta/(relu(x) + eta) = O(eta)", "smooth"),
        ("(exp(eta) - 1)/eta = 1 + O(eta)", "smooth"),
        ("abs(eta) = O(eta^2)", "smooth"),
        ("lambda_max(eta A) = eta lambda_max(A) + O(eta^2)", "smooth"),
        # O-terms anywhere but added to a side: dropping them would be unsound
        ("eta + eta^2 = eta (1 + O(eta^2))", "added to a side"),  # η·O(η²) is O(η³)
        ("eta = eta O(eta)", "added to a side"),
        ("eta^2/O(eta) = O(eta)", "added to a side"),
        ("1/O(eta) = 0 + O(eta)", "added to a side"),
        ("O(eta)^2/eta^2 = O(eta)", "added to a side"),
        ("diff(O(eta^2), eta) = O(eta)", "added to a side"),  # η² sin(1/η)
        ("sqrt(eta^2 + O(eta)) = abs(eta) + O(eta)", "added to a side"),
        ("(1 + O(eta))^2 = 1 + 2 O(eta) + O(eta^2)", "added to a side"),
        # what the left side leaves open is more than the right side allows
        ("eta + O(eta) = O(eta^2)", "coarser"),
        ("1 + O(eta) = 1 + eta + O(eta^2)", "coarser"),
        ("O(eta) = 0", "on the right side"),
        ("1 + eta + O(eta^2) = 1 + eta", "on the right side"),
        ("exp(eta) = 1 + 2 eta + O(eta^2) = 1 + O(eta)", "different orders"),
        ("sin(eta)/eta = 1 + O(eta^2)", "smooth"),  # a removable singularity: refused
        ("exp(eta) ≈ 1 + eta", "states no order"),
        ("exp(eta) = 1 + O(eta) + O(x^2)", "several variables"),
        ("exp(eta) <= 1 + O(eta)", "equations only"),
        ("exp(eta) = 1 + O(eta^(1/2))", "O(η^k)"),
    ],
)
def test_what_the_reading_cannot_vouch_for_is_refused(
    statement: str, reason: str, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement)
    assert verdict.status is Status.ERROR, verdict.summary
    assert reason in verdict.reason


def test_a_declared_O_keeps_its_meaning(verdict_of: Decide) -> None:
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
def test_a_derivative_at_a_point_written_as_an_expression(
    statement: str, status: Status, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement, let={"u": "vector(n)", "f": "function"})
    assert verdict.status is status, verdict.summary


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"where": {"eta": "x - 1"}}, "not a defined name"),  # η must be free to go to 0
        ({"given": ["abs(x) <= abs(eta)"]}, "hypotheses about eta"),  # x would follow η
        ({"assume": ["eta > 1"]}, "outside its domain"),
    ],
)
def test_eta_must_be_a_free_variable_that_reaches_zero(
    fields: dict, reason: str, verdict_of: Decide
) -> None:
    verdict = verdict_of("x^2 = 1 + 2 eta + O(eta^2)", **fields)
    assert verdict.status is Status.ERROR, verdict.summary
    assert reason in verdict.reason


def test_nabla_of_a_call_is_the_gradient_at_its_argument_only(verdict_of: Decide) -> None:
    # f(z) := z^T x also depends on x: ∇f(x) is the gradient in z, taken at z = x
    fields = {"let": {"x": "vector(n)", "z": "vector(n)"}, "where": {"f(z)": "transpose(z) x"}}
    assert verdict_of(r"\nabla f(x) = x", **fields).status is Status.PROVED
    assert verdict_of(r"\nabla_x f(x) = 2 x", **fields).status is Status.PROVED


def test_a_hypothesis_through_a_definition_still_ties_eta(verdict_of: Decide) -> None:
    verdict = verdict_of("x = 1 + O(eta)", where={"h": "x + eta"}, given=["h = 1"])
    assert verdict.status is Status.ERROR
    assert "hypotheses about eta" in verdict.reason


@pytest.mark.parametrize(
    ("statement", "fields"),
    [
        (r"\sum_{i=1}^{n} i = \frac{n^2}{2} + O(n)", {}),  # n → ∞ is meant, not n → 0
        ("norm(u)^2 + n = transpose(u) u + O(n)", {"let": {"u": "vector(n)"}}),
    ],
)
def test_a_size_or_an_index_is_no_variable_going_to_zero(
    statement: str, fields: dict, verdict_of: Decide
) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.status is Status.ERROR
    assert "a size or an index" in verdict.reason
