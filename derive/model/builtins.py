"""The sympy form of every builtin of the vocabulary (`derive.vocabulary`): lowering
applies these, elementwise to vectors where the builtin is elementwise."""

from __future__ import annotations

import sympy as sp

from derive.errors import TypeCheckError
from derive.model.functions import LambdaMax, SpectralRadius, relu, sigmoid, softplus

Value = sp.Expr | sp.ImmutableMatrix

# the sympy form of each elementwise builtin of the vocabulary (tests/test_vocabulary.py
# checks that every builtin has its form here or in _MATRIX_BUILTINS)
ELEMENTWISE = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "abs": sp.Abs,
    "tanh": sp.tanh,
    "sin": sp.sin,
    "cos": sp.cos,
    "sigmoid": sigmoid,
    "relu": relu,
    "softplus": softplus,
}


def _diag(arg: Value) -> Value:
    if isinstance(arg, sp.MatrixBase):
        if arg.shape[1] == 1:
            return sp.ImmutableMatrix(sp.diag(*arg))
        return sp.ImmutableMatrix(sp.diag(*[arg[i, i] for i in range(min(arg.shape))]))
    return arg


def _square(name: str, fn: object) -> object:
    def apply(arg: Value) -> Value:
        if not isinstance(arg, sp.MatrixBase):
            arg = sp.ImmutableMatrix([[arg]])  # at size 1, u^T u is a number: a 1×1 matrix
        if arg.shape[0] != arg.shape[1]:
            raise TypeCheckError(f"{name} needs a square matrix")
        return fn(arg)  # type: ignore[operator]

    return apply


def _exponentials(name: str, arg: Value) -> list[sp.Expr]:
    if isinstance(arg, sp.MatrixBase) and 1 not in arg.shape:
        raise TypeCheckError(f"{name} needs a vector")
    return [sp.exp(entry) for entry in (arg if isinstance(arg, sp.MatrixBase) else [arg])]


def _softmax(arg: Value) -> Value:
    """exp(z_i) / Σ_j exp(z_j), of the shape of z (at size 1, the number 1)."""
    exponentials = _exponentials("softmax", arg)
    total = sp.Add(*exponentials)
    if not isinstance(arg, sp.MatrixBase):
        return exponentials[0] / total
    return sp.ImmutableMatrix(*arg.shape, [e / total for e in exponentials])


def _logsumexp(arg: Value) -> Value:
    return sp.log(sp.Add(*_exponentials("logsumexp", arg)))


MATRIX = {
    "softmax": _softmax,
    "logsumexp": _logsumexp,
    "diag": _diag,
    "tr": _square("tr", lambda m: m.trace()),
    "det": _square("det", lambda m: m.det()),
    # the adjugate formula is far faster than elimination on symbolic entries of small size
    "inv": _square(
        "inv", lambda m: sp.ImmutableMatrix(m.inv(method="ADJ" if m.shape[0] <= 4 else "GE"))
    ),
    "lambda_max": _square("lambda_max", LambdaMax),
    "spectral_radius": _square("spectral_radius", SpectralRadius),
}
