"""Vanishing and exploding gradients in the RNN h_t = W σ(h_{t-1}) + U x_t + b
(000 Q5.2-Q5.3, 001 Q1.2-Q1.3).

The chain of the argument: the one-step Jacobian is W diag(σ'(h_{t-1})) (`jacobian`), the
operator norm is submultiplicative (`norm-submultiplicative`) and equals
sqrt(λ1(AᵀA)) (`norm-eigen`), hence ‖∂h_T/∂h_0‖ ≤ (‖W‖ γ)^T ≤ δ^T (`vanishing-bound`).
The reversed condition does not make gradients explode (`explosion-not-implied`).
The induction step of Q5.1 is in `claims/ift6135/rnn.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from derive import claim
from derive.claim import Outcome, Property
from derive.model.types import Function

RNN = {
    "h": "sequence of vector(n)",
    "x": "sequence of vector(m)",
    "W": "matrix(n, n)",
    "U": "matrix(n, m)",
    "b": "vector(n)",
    "sigma": Function(elementwise=True),
}


# --- the bound, simulated --------------------------------------------------------------


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    return 1 - np.tanh(z) ** 2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(z / 2))


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1 - s)


# name: (σ, σ', γ = sup |σ'|; see hw4/tanh/derivative-max and hw4/sigmoid/derivative-max)
ACTIVATIONS = {
    "tanh": (np.tanh, _tanh_prime, 1.0),
    "sigmoid": (_sigmoid, _sigmoid_prime, 0.25),
}


@dataclass(frozen=True)
class Run:
    """One RNN trajectory: weights, inputs x_1..x_T, initial state, activation, δ."""

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    xs: np.ndarray  # (T, m)
    h0: np.ndarray
    activation: str
    delta: float


def _jacobian_product(run: Run) -> np.ndarray:
    """∂h_T/∂h_0 = J_T ⋯ J_1 with J_t = W diag(σ'(h_{t-1})) (ift6135/rnn/jacobian)."""
    sigma, sigma_prime, _ = ACTIVATIONS[run.activation]
    h, product = run.h0, np.eye(len(run.h0))
    for x in run.xs:
        product = run.W @ np.diag(sigma_prime(h)) @ product
        h = run.W @ sigma(h) + run.U @ x + run.b
    return product


def _bound(run: Run) -> Outcome:
    """‖∂h_T/∂h_0‖ ≤ δ^T, given λ1(WᵀW) ≤ δ²/γ² (checked, not assumed)."""
    gamma = ACTIVATIONS[run.activation][2]
    lam = float(np.linalg.eigvalsh(run.W.T @ run.W)[-1])
    T = len(run.xs)
    norm = float(np.linalg.norm(_jacobian_product(run), 2))
    meets = lam <= run.delta**2 / gamma**2 * (1 + 1e-12)
    values = (
        ("σ", run.activation),
        ("n, T", f"{len(run.h0)}, {T}"),
        ("δ", f"{run.delta:.6g}"),
        ("λ1(WᵀW) γ²/δ²", f"{lam * gamma**2 / run.delta**2:.6g}" if run.delta else "0"),
        ("‖∂h_T/∂h_0‖ / δ^T", f"{norm / run.delta**T:.6g}" if run.delta else f"{norm:.3g}"),
    )
    ok = meets and norm <= run.delta**T * (1 + 1e-9) + 1e-300
    return Outcome(
        ok, values, f"‖∂h_T/∂h_0‖ = {norm:.6g}", f"δ^T = {run.delta**T:.6g}", exact=False
    )


def _rotation(n: int, rng: np.random.Generator) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q


def _tight() -> list[Run]:
    """Equality cases: W = (δ/γ) Q with Q orthogonal, and a fixed point where σ' = γ
    (h = 0; for the sigmoid b = -W σ(0) keeps it there). The bound is attained."""
    rng = np.random.default_rng(7)
    runs = []
    for activation, (sigma, _, gamma) in ACTIVATIONS.items():
        for n, T, delta in ((1, 5, 0.5), (3, 10, 0.9), (4, 25, 0.99)):
            W = delta / gamma * _rotation(n, rng)
            h0 = np.zeros(n)
            b = -W @ sigma(h0)
            runs.append(Run(W, np.zeros((n, 1)), b, np.zeros((T, 1)), h0, activation, delta))
    return runs


def _draw_run(rng: np.random.Generator) -> Run:
    n, m, T = int(rng.integers(1, 7)), int(rng.integers(1, 4)), int(rng.integers(1, 41))
    activation = str(rng.choice(list(ACTIVATIONS)))
    gamma = ACTIVATIONS[activation][2]
    delta = float(rng.uniform(0, 1))
    W = rng.standard_normal((n, n))
    fill = 1.0 if rng.random() < 0.5 else float(rng.uniform(0, 1))  # on the boundary, or inside
    W *= fill * delta / gamma / np.linalg.norm(W, 2)
    scale = float(rng.choice([0.0, 0.1, 1.0, 5.0]))
    return Run(
        W,
        scale * rng.standard_normal((n, m)),
        scale * rng.standard_normal(n),
        rng.standard_normal((T, m)),
        float(rng.choice([0.0, 1.0, 3.0])) * rng.standard_normal(n),
        activation,
        delta,
    )


# --- the reversed condition: an exact witness ---------------------------------------------


def _not_exploding(witness: dict[str, Any]) -> Outcome:
    """W nilpotent with λ1(WᵀW) > 1/γ² ≥ δ²/γ² for every δ < 1: then J_{t+1} J_t =
    W D_t W D_{t-1} = 0 for diagonal D whatever σ' is, so ∂h_T/∂h_0 = 0 for T ≥ 2.
    Computed exactly (sympy) along a trajectory with σ = tanh (γ = 1)."""
    W, U, b, h0, xs = (witness[k] for k in ("W", "U", "b", "h0", "xs"))
    gamma = sp.Integer(1)
    lam = max((W.T * W).eigenvals())
    h, product, norms = h0, sp.eye(W.shape[0]), []
    for x in xs:
        product = W * sp.diag(*[1 - sp.tanh(v) ** 2 for v in h]) * product
        h = W * h.applyfunc(sp.tanh) + U * x + b
        norms.append(_exact_norm(product))
    reversed_condition = lam > 1 / gamma**2
    not_growing = all(v == 0 for v in norms[1:])
    return Outcome(
        bool(reversed_condition and not_growing),
        (
            ("σ", "tanh (γ = 1)"),
            ("W", str(W.tolist())),
            ("λ1(WᵀW)", str(lam)),
            ("U, b", f"{U.tolist()}, {b.T.tolist()}"),
            ("h_0; x_1..x_T", f"{h0.T.tolist()}; {[x[0] for x in xs]}"),
            ("‖∂h_T/∂h_0‖ for T = 1.." + str(len(xs)), ", ".join(str(v) for v in norms)),
        ),
        lhs=f"λ1(WᵀW) = {lam} > δ²/γ² for every δ < 1",
        rhs="‖∂h_T/∂h_0‖ = 0 for every T ≥ 2",
    )


def _exact_norm(A: sp.Matrix) -> sp.Expr:
    """sqrt(λ1(AᵀA)), exactly (ift6135/rnn/norm-eigen)."""
    if A.is_zero_matrix:
        return sp.S.Zero
    return sp.sqrt(max((A.T * A).eigenvals(), key=lambda v: sp.N(v, 30)))


def _nilpotent() -> list[dict[str, Any]]:
    R = sp.Rational
    return [
        {
            "W": sp.Matrix([[0, 2], [0, 0]]),
            "U": sp.Matrix([[1], [-1]]),
            "b": sp.Matrix([R(1, 2), 1]),
            "h0": sp.Matrix([1, R(-1, 3)]),
            "xs": [sp.Matrix([R(k, 2)]) for k in (1, -2, 3, 0, 1)],
        }
    ]


CLAIMS = [
    claim(
        "ift6135/rnn/jacobian",
        "The one-step Jacobian: ∂h_t/∂h_{t-1} = W diag(σ'(h_{t-1}))",
        source="000 Q5.2; 001 Q1.2",
        let=RNN,
        where={"h_t": "W sigma(h_{t-1}) + U x_t + b"},
        statement="diff(h_t, h_{t-1}) = W diag(sigma'(h_{t-1}))",
        notes="σ is any differentiable activation applied elementwise (an undefined function).",
    ),
    claim(
        "ift6135/rnn/norm-submultiplicative",
        "The operator 2-norm is submultiplicative: ‖AB‖ ≤ ‖A‖ ‖B‖",
        source="000 Q5.2; 001 Q1.2",
        let={"A": "matrix(n, k)", "B": "matrix(k, m)"},
        sizes={"n": (2,), "k": (3,), "m": (2,)},
        numeric_sizes={"n": (1, 3), "k": (2, 4), "m": (3,)},
        statement="norm(A B) <= norm(A) norm(B)",
        notes="A property the question gives; checked numerically for A n×k, B k×m with "
        "n ∈ {1, 3}, k ∈ {2, 4}, m = 3 (the operator norm is opaque to the symbolic ladder).",
    ),
    claim(
        "ift6135/rnn/norm-eigen",
        "The operator 2-norm from eigenvalues: ‖A‖ = sqrt(λ1(AᵀA))",
        source="000 Q5.2; 001 Q1.2",
        let={"A": "matrix(n, m)"},
        sizes={"n": (2, 3), "m": (2, 3)},
        numeric_sizes={"n": (2, 3, 4), "m": (2, 3)},
        statement="norm(A) = sqrt(lambda_max(transpose(A) A))",
        notes="Checked numerically (n ∈ {2, 3, 4}, m ∈ {2, 3}): the norm by SVD against the "
        "largest eigenvalue of AᵀA. Sizes start at 2: the engine reads a 1×1 AᵀA as a scalar "
        "and rejects lambda_max of it.",
    ),
    claim(
        "ift6135/rnn/vanishing-bound",
        "If |σ'| ≤ γ and λ1(WᵀW) ≤ δ²/γ² with 0 ≤ δ < 1, then ‖∂h_T/∂h_0‖ ≤ δ^T → 0",
        source="000 Q5.2; 001 Q1.2",
        check=Property(
            test=_bound,
            simple=_tight,
            draw=_draw_run,
            trials=300,
            method="simulation",
            describe="random RNN trajectories (n ≤ 6, T ≤ 40) with W scaled to meet the "
            "condition, σ = tanh (γ = 1) and sigmoid (γ = 1/4); equality cases first",
        ),
        notes="∂h_T/∂h_0 is the product of the one-step Jacobians (ift6135/rnn/jacobian). "
        "W is rescaled so that ‖W‖ = fill·δ/γ with fill = 1 (the boundary) or uniform in (0, 1). "
        "Floating point with relative tolerance 1e-9; the fixed-point instances attain the "
        "bound, so it cannot be improved. δ^T → 0 because 0 ≤ δ < 1.",
    ),
    claim(
        "ift6135/rnn/explosion-not-implied",
        "λ1(WᵀW) > δ²/γ² does not make ‖∂h_T/∂h_0‖ grow: the reversed condition is not sufficient",
        source="000 Q5.3; 001 Q1.3",
        check=Property(
            test=_not_exploding,
            simple=_nilpotent,
            kind="exists",
            exact=True,
            method="exact computation",
            describe="a nilpotent W: the Jacobian product is exactly 0 from T = 2 on",
        ),
        notes="001 answers that the reversed condition is necessary but not sufficient for "
        "explosion; this claim encodes the 'not sufficient' half. The witness works for every "
        "activation and trajectory, since W D W = 0 for every diagonal D when W = [[0, 2], [0, 0]].",
    ),
]
