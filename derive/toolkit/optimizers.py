"""Optimizer updates written once, generic over the number type.

Claims about optimizers compare iterates; whether two rules differ or merely round
differently is only settled in exact or high-precision arithmetic. So every step here
uses nothing but + - * / and a `sqrt` chosen for the number type: floats, `Fraction`
(exact square roots of perfect squares only), `mpmath.mpf` at any precision, or sympy
numbers (exact surds). Parameters are tuples, one entry per coordinate.

Notation of the Deep Learning book, Algorithm 8.7 (Adam): step size ε, decay rates
ρ1, ρ2, stabilizer δ, first and second moments s, r, step counter t. The two ways of
regularizing (IFT6135 A2 Q3 / 001 Q3):

- Adam-L2 adds the gradient of γ‖θ‖² to the gradient: g = ∇L + 2γθ;
- AdamW ("Adam-weight-decay") decays outside the moments: Δθ = -(ε ŝ/(√r̂ + δ) + λθ).

    >>> from fractions import Fraction as F
    >>> h = AdamHyper(eps=F(1, 10), rho1=F(9, 10), rho2=F(99, 100), delta=F(0))
    >>> adam_step(AdamState.start((F(1),)), (F(2),), h).theta  # first step: -ε sign(g)
    (Fraction(9, 10),)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Vector = tuple[Any, ...]
Gradient = Callable[[Vector], Sequence[Any]]


def sqrt_of(x: Any) -> Any:
    """A square root in `x`'s own number type (exact for Fraction and sympy numbers)."""
    if isinstance(x, Fraction):
        num, den = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if num * num != x.numerator or den * den != x.denominator:
            raise ValueError(f"sqrt({x}) is not a fraction: use sympy or mpmath numbers")
        return Fraction(num, den)
    if isinstance(x, int | float):
        return math.sqrt(x)
    module = type(x).__module__
    if module.startswith("sympy"):
        import sympy

        return sympy.sqrt(x)
    if module.startswith("mpmath"):
        import mpmath

        return mpmath.sqrt(x)
    return x.sqrt()  # e.g. decimal.Decimal


def sgd_step(theta: Vector, grad: Sequence[Any], lr: Any) -> Vector:
    """θ ← θ - η g."""
    return tuple(p - lr * g for p, g in zip(theta, grad, strict=True))


def sgd_decay_step(theta: Vector, grad: Sequence[Any], lr: Any, lam: Any) -> Vector:
    """The weight-decay scheme of the question: θ ← θ - η g + λθ (λ < 0 decays)."""
    return tuple(p - lr * g + lam * p for p, g in zip(theta, grad, strict=True))


@dataclass(frozen=True)
class AdamHyper:
    """ε (step size), ρ1, ρ2 (moment decay rates), δ (added to √r̂)."""

    eps: Any
    rho1: Any
    rho2: Any
    delta: Any


@dataclass(frozen=True)
class AdamState:
    """Parameters θ, moments s and r, and the number t of steps taken."""

    theta: Vector
    s: Vector
    r: Vector
    t: int = 0

    @classmethod
    def start(cls, theta: Sequence[Any]) -> AdamState:
        zero = tuple(p * 0 for p in theta)
        return cls(tuple(theta), zero, zero, 0)


def adam_direction(
    state: AdamState, hyper: AdamHyper, *, sqrt: Callable[[Any], Any] = sqrt_of
) -> Vector:
    """ε ŝ/(√r̂ + δ) for the moments in `state` (the step Adam subtracts from θ)."""
    t = state.t
    return tuple(
        hyper.eps * (s / (1 - hyper.rho1**t)) / (sqrt(r / (1 - hyper.rho2**t)) + hyper.delta)
        for s, r in zip(state.s, state.r, strict=True)
    )


def adam_step(
    state: AdamState,
    grad: Sequence[Any],
    hyper: AdamHyper,
    *,
    l2: Any = 0,
    decay: Any = 0,
    sqrt: Callable[[Any], Any] = sqrt_of,
) -> AdamState:
    """One Adam step from the loss gradient `grad` at `state.theta`.

    `l2` = γ makes it Adam-L2 (g = grad + 2γθ enters the moments); `decay` = λ makes it
    AdamW (θ also loses λθ, outside the moments). Both 0: plain Adam.
    """
    g = tuple(gi + 2 * l2 * p for gi, p in zip(grad, state.theta, strict=True))
    s = tuple(hyper.rho1 * si + (1 - hyper.rho1) * gi for si, gi in zip(state.s, g, strict=True))
    r = tuple(
        hyper.rho2 * ri + (1 - hyper.rho2) * gi * gi for ri, gi in zip(state.r, g, strict=True)
    )
    moved = AdamState(state.theta, s, r, state.t + 1)
    step = adam_direction(moved, hyper, sqrt=sqrt)
    theta = tuple(p - d - decay * p for p, d in zip(state.theta, step, strict=True))
    return AdamState(theta, s, r, state.t + 1)


def run_adam(
    theta0: Sequence[Any],
    gradient: Gradient | Sequence[Sequence[Any]],
    hyper: AdamHyper,
    steps: int,
    *,
    l2: Any = 0,
    decay: Any = 0,
    sqrt: Callable[[Any], Any] = sqrt_of,
) -> list[AdamState]:
    """The states after 0, 1, ..., `steps` steps. `gradient` is ∇L (a function of θ) or
    a stream of gradients, one per step (as minibatch gradients are)."""
    states = [AdamState.start(theta0)]
    for k in range(steps):
        theta = states[-1].theta
        grad = gradient(theta) if callable(gradient) else gradient[k]
        states.append(adam_step(states[-1], grad, hyper, l2=l2, decay=decay, sqrt=sqrt))
    return states
