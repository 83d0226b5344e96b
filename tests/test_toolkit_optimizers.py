"""derive.toolkit.optimizers: hand-computed steps, in several number types."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import pytest
import sympy as sp

from derive.toolkit.optimizers import (
    AdamHyper,
    AdamState,
    adam_step,
    run_adam,
    sgd_decay_step,
    sgd_step,
    sqrt_of,
)

HYPER = AdamHyper(eps=F(1, 10), rho1=F(9, 10), rho2=F(99, 100), delta=F(0))


def test_sgd_steps() -> None:
    assert sgd_step((F(1), F(2)), (F(1, 2), F(-1)), F(1, 10)) == (F(19, 20), F(21, 10))
    # θ - ηg + λθ with λ = -2ηγ is SGD on L + γθ²: g + 2γθ
    eta, gamma, theta, g = F(1, 10), F(1, 4), F(3), F(1, 2)
    decayed = sgd_decay_step((theta,), (g,), eta, -2 * eta * gamma)
    assert decayed == sgd_step((theta,), (g + 2 * gamma * theta,), eta)


def test_adamw_step_by_hand() -> None:
    # t = 1: s = 0.1·2, r = 0.01·4, ŝ = 2, r̂ = 4, step ε·2/2 = 1/10; decay λθ = 1/5
    state = adam_step(AdamState.start((F(1),)), (F(2),), HYPER, decay=F(1, 5))
    assert state.theta == (F(7, 10),)
    assert (state.s, state.r, state.t) == ((F(1, 5),), (F(1, 25),), 1)


def test_adam_l2_step_by_hand() -> None:
    # g = 2 + 2·(1/2)·1 = 3; first step is ε g/|g| = 1/10 whatever γ is
    state = adam_step(AdamState.start((F(1),)), (F(2),), HYPER, l2=F(1, 2))
    assert state.theta == (F(9, 10),)
    assert state.s == (F(3, 10),)


def test_second_step_exact_in_sympy_and_close_in_mpmath() -> None:
    R = sp.Rational
    exact = run_adam(
        (R(1),), [(R(2),), (R(1),)], AdamHyper(R(1, 10), R(9, 10), R(99, 100), R(0)), 2
    )
    # s2 = 0.9·0.2 + 0.1 = 0.28, r2 = 0.99·0.04 + 0.01 = 0.0496; ŝ = 0.28/0.19, r̂ = 0.0496/0.0199
    s_hat, r_hat = R(28, 19), R(496, 199)
    assert sp.simplify(exact[2].theta[0] - (R(9, 10) - R(1, 10) * s_hat / sp.sqrt(r_hat))) == 0
    with mpmath.workdps(50):
        mp = mpmath.mpf
        approx = run_adam(
            (mp(1),), [(mp(2),), (mp(1),)], AdamHyper(mp("0.1"), mp("0.9"), mp("0.99"), mp(0)), 2
        )
        assert abs(approx[2].theta[0] - sp.N(exact[2].theta[0], 50)) < mpmath.mpf(10) ** -45


def test_sqrt_of_fraction_is_exact_or_refuses() -> None:
    assert sqrt_of(F(9, 4)) == F(3, 2)
    with pytest.raises(ValueError):
        sqrt_of(F(2))
