"""derive.toolkit.finite_differences: known gradients pass, wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest

from derive.toolkit.finite_differences import (
    check_gradient,
    check_gradients,
    compare_gradients,
    numeric_gradient,
    numeric_jacobian,
    step_sizes,
)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def test_quadratic_form_gradient() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    f = lambda v: float(v @ a @ v)  # noqa: E731
    assert check_gradient(f, x, (a + a.T) @ x).ok
    assert not check_gradient(f, x, 2 * a @ x).ok  # right only for symmetric a


@pytest.mark.parametrize("order", [2, 4])
def test_accuracy_matches_the_step_analysis(order: int) -> None:
    # sin' = cos: the error is near ε^{2/3} (order 2) or ε^{4/5} (order 4), not 1e-6
    x = np.linspace(-3, 3, 7)
    numeric = numeric_gradient(lambda v: float(np.sum(np.sin(v))), x, order=order)
    bound = {2: 1e-9, 4: 1e-11}[order]
    assert np.max(np.abs(numeric - np.cos(x))) < bound


def test_matrix_argument_and_missing_transpose() -> None:
    # L(W) = ½‖σ(W h) - z‖²: ∇_W L = diag(σ'(Wh)) (σ(Wh) - z) hᵀ
    rng = np.random.default_rng(2)
    w, h, z = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=3)

    def loss(m: np.ndarray) -> float:
        return 0.5 * float(np.sum((sigmoid(m @ h) - z) ** 2))

    s = sigmoid(w @ h)
    right = np.outer(s * (1 - s) * (s - z), h)
    assert check_gradient(loss, w, right).ok
    wrong = np.outer((s - z), h)  # the σ' factor dropped
    result = check_gradient(loss, w, wrong)
    assert not result.ok and "above the tolerance" in result.describe()


def test_jacobian_of_a_residual_block() -> None:
    # h ↦ h + tanh(A h): Jacobian I + diag(1 - tanh²(Ah)) A
    rng = np.random.default_rng(3)
    a, h = rng.normal(size=(3, 3)), rng.normal(size=3)
    jac = numeric_jacobian(lambda v: v + np.tanh(a @ v), h)
    expected = np.eye(3) + np.diag(1 - np.tanh(a @ h) ** 2) @ a
    assert jac.shape == (3, 3)
    assert compare_gradients(expected, jac).ok


def test_several_named_parameters() -> None:
    rng = np.random.default_rng(4)
    params = {"w": rng.normal(size=(2, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=2)

    def loss(p: dict) -> float:
        return float(np.sum((p["w"] @ x + p["b"]) ** 2))

    r = 2 * (params["w"] @ x + params["b"])
    results = check_gradients(loss, params, {"w": np.outer(r, x), "b": r})
    assert all(check.ok for check in results.values())
    assert not check_gradients(loss, params, {"b": r / 2})["b"].ok


def test_steps_scale_with_the_point_and_inputs_are_untouched() -> None:
    x = np.array([0.0, 1e4])
    steps = step_sizes(x)
    assert steps[1] == pytest.approx(1e4 * steps[0])
    before = x.copy()
    numeric_gradient(lambda v: float(v[0] ** 2 + v[1]), x)
    assert np.array_equal(x, before)


def test_non_finite_and_shape_mismatch() -> None:
    assert not compare_gradients([np.nan], [1.0]).ok
    with pytest.raises(ValueError):
        compare_gradients([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        numeric_gradient(lambda v: 0.0, [1.0], order=3)
