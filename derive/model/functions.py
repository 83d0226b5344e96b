"""The sympy functions that deep-learning notation needs and sympy lacks.

- `sigmoid`, `relu`, `softplus`: named so that expressions print as people write them;
  `rewrite(exp)`/`rewrite(Piecewise)` give the forms the simplification ladder needs.
- `undefined(name)`: an arbitrary smooth function whose partial derivatives are new
  undefined functions (`L__d1`, `L__d1d2`) applied to the *same* arguments. sympy's own
  undefined functions differentiate through `Subs` objects that do not compare equal
  across equivalent expressions; these do, so chain-rule claims are proved for every L.
- `OperatorNorm`, `LambdaMax`, `SpectralRadius`: opaque symbolically, numeric on numbers.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp


class sigmoid(sp.Function):
    """The logistic function 1/(1+e^{-x})."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    @staticmethod
    def numpy(x: np.ndarray) -> np.ndarray:
        x = _real(x)  # two forms below, so that neither overflows nor cancels
        with np.errstate(over="ignore"):
            return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

    @staticmethod
    def mpmath(x: object) -> object:
        import mpmath

        return 1 / (1 + mpmath.exp(-x))


def _real(x: np.ndarray) -> np.ndarray:
    """Real floats, nan where a value is not real (sigmoid(√-1) is no number)."""
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return np.where(x.imag != 0, np.nan, x.real)
    return x.astype(float)


class relu(sp.Function):
    """max(0, x)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.S.Zero
        return None

    def _eval_rewrite_as_Piecewise(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Piecewise((x, x > 0), (0, True))

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, x)

    def _eval_is_nonnegative(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(0, self.args[0])._eval_evalf(prec)

    @staticmethod
    def numpy(x: np.ndarray) -> np.ndarray:
        return np.maximum(_real(x), 0.0)

    @staticmethod
    def mpmath(x: object) -> object:
        return max(x, 0)


class softplus(sp.Function):
    """log(1 + e^x)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_rewrite_as_log(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_evalf(self, prec: int) -> sp.Expr:
        """log1p(e^x) at the precision asked: log(1 + e^x) rounds to 0 far below 0."""
        import mpmath

        value = self.args[0].evalf(mpmath.libmp.prec_to_dps(prec) + 5)
        if not (value.is_number and value.is_real):
            return None
        with mpmath.workprec(prec + 10):
            return sp.Float(mpmath.log1p(mpmath.exp(mpmath.mpf(value))), precision=prec)

    @staticmethod
    def numpy(x: np.ndarray) -> np.ndarray:
        return np.logaddexp(0.0, _real(x))

    @staticmethod
    def mpmath(x: object) -> object:
        import mpmath

        return mpmath.log1p(mpmath.exp(x))


class _Undefined(sp.Function):
    """Base of the classes made by `undefined`; `partials` is the sorted tuple of
    argument positions (1-based) already differentiated."""

    base_name: str = ""
    partials: tuple[int, ...] = ()

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return undefined(self.base_name, tuple(sorted((*self.partials, argindex))))(*self.args)

    def _eval_is_real(self) -> bool | None:
        return True if all(a.is_real for a in self.args) else None


@cache
def undefined(name: str, partials: tuple[int, ...] = ()) -> type[_Undefined]:
    """The class of the undefined smooth function `name`, or of one of its partials.

    Partials are kept sorted (mixed partials commute for the smooth functions claims are
    about), and classes are cached, so equal derivatives are equal sympy objects.
    """
    label = name if not partials else f"{name}__d" + "d".join(str(p) for p in partials)
    return type(label, (_Undefined,), {"base_name": name, "partials": partials})


def is_undefined(expr: sp.Basic) -> bool:
    return isinstance(expr, _Undefined)


class OperatorNorm(sp.Function):
    """The operator 2-norm of a matrix given as its (flattened) ImmutableMatrix argument."""

    @classmethod
    def eval(cls, m: sp.Basic) -> sp.Expr | None:
        if isinstance(m, sp.MatrixBase) and all(e.is_number for e in m):
            if m.shape[0] == 1 or m.shape[1] == 1:
                return sp.sqrt(sum(e**2 for e in m))
            return None  # left for numeric evaluation: exact singular values are costly
        return None

    def _eval_is_nonnegative(self) -> bool:
        return True


class LambdaMax(sp.Function):
    """The largest eigenvalue of a symmetric matrix."""


class SpectralRadius(sp.Function):
    """The largest modulus of the eigenvalues of a square matrix."""


NUMERIC_MATRIX_FUNCTIONS = (OperatorNorm, LambdaMax, SpectralRadius)
ACTIVATION_CLASSES = (sigmoid, relu, softplus)  # each carries its numpy and mpmath forms
