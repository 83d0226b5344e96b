"""Concrete distributions for numeric checks, with exact moments.

A claim about a `generic` or `symmetric` random variable must hold for every member of
the family, so numeric checks draw a member (`Normal(1/2, 2)`, a scaled Student-t, ...)
and use *its* exact moments wherever the claim mentions one (`E[g]`, `E[X^4]`). Moments
are never sampled independently of the law: free moment values could be inconsistent
(`E[X^2] < E[X]^2`) and refute a true claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import comb, factorial

import numpy as np
import sympy as sp

from derive.model.expectation import RandomAtom, law_moment


@dataclass(frozen=True)
class LawInstance:
    """One concrete law: `family` in normal, uniform, laplace, bernoulli, student_t."""

    family: str
    params: tuple[sp.Expr, ...]

    def valid(self) -> bool:
        """Whether the parameters make a law (Bernoulli(p) needs 0 ≤ p ≤ 1, a variance is
        not negative): a point where they do not is outside the statement's domain, never
        a counterexample."""
        p = self.params
        if not all(v.is_number for v in p):
            return True
        match self.family:
            case "normal" | "laplace":
                return p[1].is_positive is True
            case "student_t":
                return p[0].is_positive is True
            case "uniform":
                return (p[1] - p[0]).is_positive is True
            case "bernoulli":
                return p[0].is_nonnegative is True and (1 - p[0]).is_nonnegative is True
            case "two_point":
                real = all(v.is_real for v in p)
                return real and p[2].is_nonnegative is True and (1 - p[2]).is_nonnegative is True
            case "exponential":
                return p[1].is_positive is True and p[0].is_real is True
        return True

    def moment(self, k: int) -> sp.Expr:
        if self.family == "two_point":
            low, high, q = self.params
            return q * high**k + (1 - q) * low**k
        if self.family == "exponential":  # shift + Exp(rate): skewed
            shift, rate = self.params
            return sp.Add(
                *(comb(k, j) * shift ** (k - j) * factorial(j) / rate**j for j in range(k + 1))
            )
        if self.family == "student_t":
            scale, nu = self.params
            if k >= nu:
                return sp.oo
            if k % 2:
                return sp.S.Zero
            # E[T^k] for even k < nu: prod_{i=1}^{k/2} (2i-1) nu / (nu - 2i)
            value = sp.Mul(*((2 * i - 1) * nu / (nu - 2 * i) for i in range(1, k // 2 + 1)))
            return sp.nsimplify(scale**k * value)
        atom = RandomAtom("x", self.family, self.params, "x")
        return law_moment(atom, k)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        p = [float(v) for v in self.params]
        match self.family:
            case "normal":
                return rng.normal(p[0], p[1], size)
            case "uniform":
                return rng.uniform(p[0], p[1], size)
            case "laplace":
                return rng.laplace(p[0], p[1], size)
            case "bernoulli":
                return (rng.random(size) < p[0]).astype(float)
            case "student_t":
                return p[0] * rng.standard_t(p[1], size)
            case "two_point":
                return np.where(rng.random(size) < p[2], p[1], p[0])
            case "exponential":
                return p[0] + rng.exponential(1 / p[1], size)
        raise ValueError(self.family)

    def expect(self, fn: Callable[[object], object]) -> tuple[float, float] | None:
        """E[fn(X)] by quadrature at 30 digits (or an exact sum for a discrete law), with
        an error bound: deterministic where Monte-Carlo would agree within its noise
        with a wrong constant (E[relu(X)] = 2/5). None where the integral diverges or
        fails."""
        import mpmath

        p = [mpmath.mpf(sp.N(v, 40)) if v.is_finite else v for v in self.params]
        with mpmath.workdps(30):
            try:
                match self.family:
                    case "bernoulli":
                        return float(p[0] * fn(1) + (1 - p[0]) * fn(0)), 0.0
                    case "two_point":
                        return float(p[2] * fn(p[1]) + (1 - p[2]) * fn(p[0])), 0.0
                    case "uniform":
                        value, error = mpmath.quad(
                            fn, [p[0], 0, p[1]] if p[0] < 0 < p[1] else [p[0], p[1]], error=True
                        )
                        value, error = value / (p[1] - p[0]), error / (p[1] - p[0])
                    case "normal":
                        density = lambda x: mpmath.npdf(x, p[0], p[1])  # noqa: E731
                        value, error = _quad(
                            fn, density, [p[0] - 40 * p[1], 0, p[0], p[0] + 40 * p[1]]
                        )
                    case "laplace":
                        density = lambda x: mpmath.exp(-abs(x - p[0]) / p[1]) / (2 * p[1])  # noqa: E731
                        value, error = _quad(fn, density, [-mpmath.inf, 0, p[0], mpmath.inf])
                    case "exponential":
                        density = lambda x: p[1] * mpmath.exp(-p[1] * (x - p[0]))  # noqa: E731
                        value, error = _quad(fn, density, [p[0], mpmath.inf])
                    case _:
                        return None
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                return None
        if not (mpmath.isfinite(value) and mpmath.isfinite(error)):
            return None
        return float(value), float(error) + 1e-15 * abs(float(value))

    def describe(self) -> str:
        names = {"normal": "Normal", "uniform": "Uniform", "laplace": "Laplace",
                 "bernoulli": "Bernoulli", "student_t": "scaled Student-t",
                 "two_point": "TwoPoint(low, high, P(high))",
                 "exponential": "shift + Exponential(rate)"}  # fmt: skip
        return f"{names[self.family]}({', '.join(str(p) for p in self.params)})"


def members(atom: RandomAtom, rng: np.random.Generator) -> list[LawInstance]:
    """Concrete laws to try for an atom's law: itself if concrete, else several members."""
    family, params = atom.family, atom.params
    if family in ("normal", "uniform", "laplace", "bernoulli"):
        return [LawInstance(family, params)]
    if family in ("symmetric", "whitened"):
        var = params[0] if params else sp.S.One
        return [
            LawInstance("normal", (sp.S.Zero, sp.sqrt(var))),
            LawInstance("uniform", (-sp.sqrt(3 * var), sp.sqrt(3 * var))),
            LawInstance("laplace", (sp.S.Zero, sp.sqrt(var / 2))),
            LawInstance("student_t", (sp.sqrt(var * sp.Rational(3, 5)), sp.Integer(5))),
            LawInstance("two_point", (-sp.sqrt(var), sp.sqrt(var), sp.Rational(1, 2))),
        ]
    # generic: members with different means, spreads and shapes
    mean = sp.Rational(int(rng.integers(-4, 5)), 2)
    spread = sp.Rational(int(rng.integers(1, 5)), 2)
    return [
        LawInstance("normal", (mean, spread)),
        LawInstance("uniform", (mean - spread, mean + spread)),
        LawInstance("laplace", (mean, spread)),
        LawInstance("bernoulli", (sp.Rational(int(rng.integers(1, 4)), 4),)),
        LawInstance("exponential", (mean - spread, 1 / spread)),  # skewed
        LawInstance("student_t", (spread, sp.Integer(3))),  # heavy-tailed: no 3rd moment
        LawInstance(
            "two_point", (mean - spread, mean + 2 * spread, sp.Rational(1, 3))
        ),  # discrete, skewed
    ]


def _quad(fn: Callable, density: Callable, points: list) -> tuple[object, object]:
    import mpmath

    cuts = sorted(set(points), key=lambda v: float(v))
    return mpmath.quad(lambda x: fn(x) * density(x), cuts, error=True)
