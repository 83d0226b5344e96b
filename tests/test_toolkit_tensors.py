"""derive.toolkit.tensors: exact statistics over chosen axes, checked by hand."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp

from derive.toolkit.tensors import mean, normalization_stats, reduce, shape, variance

X = [[[1, 3, 2], [1, 2, 3]], [[3, 3, 2], [2, 4, 4]]]  # shape (2, 2, 3)


def test_shape_and_ragged() -> None:
    assert shape(X) == (2, 2, 3)
    assert shape(5) == ()
    with pytest.raises(ValueError, match="ragged"):
        shape([[1, 2], [3]])
    with pytest.raises(ValueError, match="empty"):
        shape([[], []])


def test_means_by_hand() -> None:
    # features of sample 0, channel 1: (1 + 2 + 3) / 3
    assert mean(X, (2,)) == [[2, 2], [F(8, 3), F(10, 3)]]
    assert mean(X, (0, 2)) == [F(14, 6), F(16, 6)]  # per channel
    assert mean(X, (0, 1, 2)) == F(30, 12)  # everything: a number
    assert all(isinstance(v, F) for row in mean(X, (2,)) for v in row)  # exact, never float


def test_variance_is_biased_by_default() -> None:
    # (1, 3, 2): mean 2, squared deviations 1 + 1 + 0 over 3
    assert variance(X, (2,))[0][0] == F(2, 3)
    assert variance(X, (2,), ddof=1)[0][0] == F(1)
    # Var = E[x²] - E[x]², over the last two axes (layer norm of sample 1: 3,3,2,2,4,4)
    assert variance(X, (1, 2))[1] == F(58, 6) - F(3) ** 2


def test_axis_order_and_negative_axes() -> None:
    assert mean(X, (2, 0)) == mean(X, (0, -1))
    with pytest.raises(ValueError, match="distinct axes"):
        mean(X, (0, 3))
    with pytest.raises(ValueError, match="distinct axes"):
        mean(X, (1, -2))


def test_agrees_with_numpy() -> None:
    rng = np.random.default_rng(0)
    data = rng.integers(-5, 6, size=(3, 2, 4))
    for axes in [(0,), (1,), (2,), (0, 2), (1, 2), (0, 1, 2)]:
        exact = np.array(variance(data.tolist(), axes), dtype=float)
        assert np.allclose(exact, data.var(axis=axes))
        assert np.allclose(np.array(mean(data.tolist(), axes), dtype=float), data.mean(axis=axes))


def test_sympy_numbers_stay_exact() -> None:
    assert mean([sp.sqrt(2), sp.sqrt(2) * 3], (0,)) == 2 * sp.sqrt(2)
    assert reduce([[1, 2], [3, 4]], (1,), max) == [2, 4]


def test_normalization_stats() -> None:
    mu, var = normalization_stats(X, "instance")
    assert mu == mean(X, (2,)) and var == variance(X, (2,))
    with pytest.raises(ValueError, match="batch, channels, features"):
        normalization_stats([[1, 2]], "layer")
