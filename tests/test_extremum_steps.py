"""Steps about a maximum or minimum over a variable, as solutions write them (issue 10):
`max(σ'(z)) = 1/4` holds; `min(σ'(z)) = 0` is false, the infimum is never attained."""

from __future__ import annotations

import pytest

from derive.claim import claim
from derive.engine import Settings, decide
from derive.verdict import Status, Verdict

SETTINGS = Settings(seed=0, timeout=30)


def verdict_of(statement: str) -> Verdict:
    return decide(claim("t/extremum/case", "t", source="t", statement=statement).check, SETTINGS)


@pytest.mark.parametrize(
    "statement",
    [r"\max(\sigma'(z)) = \frac{1}{4}", r"\max_z (1 - z^2) = 1", r"\min_z z^2 = 0"],
)
def test_an_attained_extremum_is_proved(statement: str) -> None:
    assert verdict_of(statement).status is Status.PROVED


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        (r"\max_z \sigma'(z) = 1", "the max is 1/4"),
        (r"\min(\sigma'(z)) = 0", "not attained"),  # the infimum, not a minimum
        (r"\min_z z^2 = 1", "the min is 0"),
    ],
)
def test_a_wrong_extremum_is_refuted_with_the_reason(statement: str, why: str) -> None:
    verdict = verdict_of(statement)
    assert verdict.status is Status.REFUTED and why in verdict.summary


def test_a_grid_that_stays_below_a_claimed_maximum_does_not_verify_it() -> None:
    """No exact critical points: every grid value is ≤ 1, but 1 is not the maximum."""
    assert verdict_of(r"\max_z \sin(z) e^{-z^2} = 1").status is not Status.VERIFIED


def test_an_extremum_over_an_unnamed_variable_of_two_is_an_error() -> None:
    verdict = verdict_of(r"\max(x y) = 1")
    assert verdict.status is Status.ERROR and "which variable" in verdict.reason


def test_an_infimum_approached_only_far_out_is_not_verified_as_a_minimum() -> None:
    """The grid's smallest values near z = ±50 are 0 to float precision, but the minimum
    is never attained: a numeric pass must not verify `min = 0`."""
    assert verdict_of(r"\min_z e^{-z^2} (2 + \sin(z)) = 0").status is not Status.VERIFIED


def test_an_extremum_of_an_expression_with_other_variables_is_an_error() -> None:
    verdict = verdict_of(r"\max_z (a - z^2) = 1")
    assert verdict.status is Status.ERROR and "other variables" in verdict.reason
