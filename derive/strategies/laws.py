"""Concrete distributions for numeric checks, with exact moments.

A claim about a `generic` or `symmetric` random variable must hold for every member of
the family, so numeric checks draw a member (`Normal(1/2, 2)`, a scaled Student-t, ...)
and use *its* exact moments wherever the claim mentions one (`E[g]`, `E[X^4]`). Moments
are never sampled independently of the law: free moment values could be inconsistent
(`E[X^2] < E[X]^2`) and refute a true claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derive.model.expectation import RandomAtom, law_moment


@dataclass(frozen=True)
class LawInstance:
    """One concrete law: `family` in normal, uniform, laplace, bernoulli, student_t."""

    family: str
    params: tuple[sp.Expr, ...]

    def moment(self, k: int) -> sp.Expr:
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
        raise ValueError(self.family)

    def describe(self) -> str:
        names = {"normal": "Normal", "uniform": "Uniform", "laplace": "Laplace",
                 "bernoulli": "Bernoulli", "student_t": "scaled Student-t"}  # fmt: skip
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
        ]
    # generic: members with different means, spreads and shapes
    mean = sp.Rational(int(rng.integers(-4, 5)), 2)
    spread = sp.Rational(int(rng.integers(1, 5)), 2)
    return [
        LawInstance("normal", (mean, spread)),
        LawInstance("uniform", (mean - spread, mean + spread)),
        LawInstance("laplace", (mean, spread)),
        LawInstance("bernoulli", (sp.Rational(int(rng.integers(1, 4)), 4),)),
    ]
