"""Finite-difference gradients: an independent numeric check of a claimed gradient.

A gradient formula (backpropagation through time, a matrix-calculus identity, a
hand-derived update) is checked against differences of the function itself, which
share no algebra with the formula. Central differences

    (f(x + h e_i) - f(x - h e_i)) / 2h

have a truncation error h²/6·|f'''| and a rounding error of about ε·|f|/h (ε the machine
epsilon, 2.2e-16). The step h = ε^{1/3}·max(1, |x_i|) ≈ 6e-6·max(1, |x_i|) balances the
two, so the difference is accurate to about ε^{2/3} ≈ 4e-11 relative to the scale of f and
its derivatives; the fourth-order formula (`order=4`, h = ε^{1/5}) to about ε^{4/5} ≈ 3e-13.
`check_gradient` accepts a relative error of 1e-6 by default: five orders of magnitude
above that noise, and far below the O(1) discrepancy of a wrong formula (a missing
transpose, factor or term).

    >>> import numpy as np
    >>> x = np.array([1.0, -2.0])
    >>> check_gradient(lambda v: float(v @ v), x, 2 * x).ok
    True
    >>> check_gradient(lambda v: float(v @ v), x, x).ok
    False
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

Scalar = Callable[[np.ndarray], float]

EPSILON = float(np.finfo(float).eps)
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9

# Central-difference stencils: (offsets in steps, weights), divided by the step.
_STENCILS = {
    2: ((1, -1), (1 / 2, -1 / 2)),
    4: ((2, 1, -1, -2), (-1 / 12, 8 / 12, -8 / 12, 1 / 12)),
}


def step_sizes(x: ArrayLike, order: int = 2) -> np.ndarray:
    """The step per entry that balances truncation and rounding: ε^{1/(order+1)}·max(1, |x|)."""
    values = np.asarray(x, dtype=float)
    return EPSILON ** (1 / (order + 1)) * np.maximum(1.0, np.abs(values))


def numeric_gradient(
    f: Scalar, x: ArrayLike, *, order: int = 2, step: float | None = None
) -> np.ndarray:
    """∂f/∂x by central differences, with x's shape (a vector, a matrix, any array).

    `f` takes an array of x's shape and returns a number; `x` is not modified.
    """
    if order not in _STENCILS:
        raise ValueError(f"order must be one of {sorted(_STENCILS)}")
    point = np.array(x, dtype=float)
    steps = np.full(point.shape, step) if step is not None else step_sizes(point, order)
    offsets, weights = _STENCILS[order]
    gradient = np.zeros(point.shape)
    for index in np.ndindex(point.shape):
        h = float(steps[index])
        total = 0.0
        for offset, weight in zip(offsets, weights, strict=True):
            moved = point.copy()
            moved[index] += offset * h
            total += weight * float(f(moved))
        gradient[index] = total / h
    return gradient


def numeric_jacobian(
    f: Callable[[np.ndarray], ArrayLike], x: ArrayLike, *, order: int = 2
) -> np.ndarray:
    """∂f/∂x for an array-valued f: shape f(x).shape + x.shape (rows are outputs)."""
    point = np.array(x, dtype=float)
    out_shape = np.shape(f(point))
    jacobian = np.zeros(out_shape + point.shape)
    for out in np.ndindex(out_shape):
        jacobian[out] = numeric_gradient(
            lambda v, out=out: float(np.asarray(f(v))[out]), point, order=order
        )
    return jacobian


@dataclass(frozen=True)
class GradientCheck:
    """How a claimed gradient compares with central differences.

    `error` is max |claimed - numeric| over the entries; the check passes when it is at
    most `atol + rtol·scale`, scale the largest entry of either gradient in absolute value.
    """

    ok: bool
    error: float
    allowed: float
    worst: tuple[int, ...]
    claimed: np.ndarray
    numeric: np.ndarray

    def describe(self) -> str:
        at = f"[{', '.join(str(i + 1) for i in self.worst)}]" if self.worst else ""
        return (
            f"max |claimed - finite difference| = {self.error:.2e}{' at entry ' + at if at else ''}"
            f" ({'within' if self.ok else 'above'} the tolerance {self.allowed:.2e})"
        )


def compare_gradients(
    claimed: ArrayLike,
    numeric: ArrayLike,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> GradientCheck:
    """Compare a claimed gradient with a numeric one of the same shape."""
    a = np.asarray(claimed, dtype=float)
    n = np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"the claimed gradient has shape {a.shape}, the numeric one {n.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return GradientCheck(False, float("inf"), 0.0, (), a, n)
    difference = np.abs(a - n)
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(n), initial=0.0)))
    allowed = atol + rtol * scale
    worst = np.unravel_index(int(np.argmax(difference)), a.shape) if a.size else ()
    error = float(np.max(difference, initial=0.0))
    return GradientCheck(error <= allowed, error, allowed, tuple(int(i) for i in worst), a, n)


def check_gradient(
    f: Scalar,
    x: ArrayLike,
    claimed: ArrayLike,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    order: int = 2,
) -> GradientCheck:
    """Does `claimed` equal ∂f/∂x at x, up to finite-difference accuracy?"""
    return compare_gradients(claimed, numeric_gradient(f, x, order=order), rtol=rtol, atol=atol)


def check_gradients(
    f: Callable[[Mapping[str, np.ndarray]], float],
    params: Mapping[str, ArrayLike],
    claimed: Mapping[str, ArrayLike],
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    order: int = 2,
) -> dict[str, GradientCheck]:
    """Check the gradient of f(params) with respect to each named parameter in `claimed`,
    the other parameters held at their values (a loss of several weight matrices)."""
    base = {name: np.array(value, dtype=float) for name, value in params.items()}
    results: dict[str, GradientCheck] = {}
    for name, gradient in claimed.items():

        def partial(value: np.ndarray, name: str = name) -> float:
            return f({**base, name: value})

        results[name] = check_gradient(
            partial, base[name], gradient, rtol=rtol, atol=atol, order=order
        )
    return results
