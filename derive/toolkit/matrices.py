"""Matrix computations for claims about norms, powers and low-rank factorizations.

Two kinds of functions live here:

- exact ones, on sympy matrices with rational entries, for witnesses and counterexamples
  that must be confirmed exactly (the operator norm, the spectral radius, how ‖W^T‖
  behaves as T → ∞, a certificate that W^T → 0);
- floating-point ones, on numpy arrays, for simulations (powers of random matrices,
  the truncated SVD, a local search for ‖X - AB‖_F²).

    >>> W = exact_matrix([[0, 2], [0, 0]])
    >>> operator_norm_exact(W), power_norm_limit(W)
    (2, 'zero')
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import numpy as np
import sympy as sp

Limit = Literal["zero", "bounded", "infinity"]


# -- exact ------------------------------------------------------------------------------


def exact_matrix(rows: Sequence[Sequence[int | Fraction | str]]) -> sp.ImmutableMatrix:
    """A sympy matrix of exact rationals (`"1/2"` and Fractions are read exactly)."""
    return sp.ImmutableMatrix([[sp.Rational(str(x)) for x in row] for row in rows])


def matrix_text(M: sp.MatrixBase | np.ndarray) -> str:
    """`[[0, 2], [0, 0]]`: a matrix as a user writes it."""
    rows = M.tolist()
    return "[" + ", ".join("[" + ", ".join(_entry(x) for x in row) + "]" for row in rows) + "]"


def frobenius_squared(M: sp.MatrixBase) -> sp.Expr:
    """‖M‖_F², exactly."""
    return sp.Add(*(entry**2 for entry in M))


def operator_norm_exact(W: sp.MatrixBase) -> sp.Expr:
    """‖W‖₂ = √λ_max(WᵀW), exactly (for the small rational matrices of witnesses)."""
    gram = W.T * W
    return sp.sqrt(max(gram.eigenvals(), key=_real_key))


def spectral_radius_exact(W: sp.MatrixBase) -> sp.Expr:
    """max |λ| over the eigenvalues of W, exactly."""
    return max((_modulus(lam) for lam in W.eigenvals()), key=_real_key)


def power_norm_limit(W: sp.MatrixBase) -> Limit:
    """How ‖W^T‖ behaves as T → ∞, from the exact Jordan form of W.

    W^T → 0 when every eigenvalue has modulus below 1; ‖W^T‖ → ∞ when one exceeds 1,
    or has modulus 1 and a Jordan block larger than 1×1; otherwise it stays bounded
    without vanishing. (This is the spectral-radius theorem itself: a claim *about* that
    theorem should not be decided with it; see `contraction_certificate`.)
    """
    _, jordan = W.jordan_form()
    worst: Limit = "zero"
    for eigenvalue, size in _jordan_blocks(jordan):
        modulus = _modulus(eigenvalue)
        if _less(1, modulus) or (modulus == 1 and size > 1):
            return "infinity"
        if modulus == 1:
            worst = "bounded"
    return worst


def contraction_certificate(W: sp.MatrixBase, *, doublings: int = 7) -> int | None:
    """The least k = 2^j (j ≤ `doublings`) with ‖W^k‖_F < 1, found exactly, or None.

    Such a k proves W^T → 0 without eigenvalues: ‖W^{qk+r}‖ ≤ ‖W^k‖^q ‖W^r‖ → 0 (the
    operator norm is at most the Frobenius norm and is submultiplicative). Conversely
    if W^T → 0 every large enough power has norm below 1, so one is found for enough
    doublings.
    """
    power = sp.ImmutableMatrix(W)
    for j in range(doublings + 1):
        if _less(frobenius_squared(power), 1):
            return 2**j
        power = sp.ImmutableMatrix(power * power)
    return None


def _jordan_blocks(jordan: sp.MatrixBase) -> list[tuple[sp.Expr, int]]:
    """(eigenvalue, block size) for each block of a Jordan matrix."""
    blocks, start, n = [], 0, jordan.shape[0]
    while start < n:
        end = start
        while end + 1 < n and jordan[end, end + 1] == 1:
            end += 1
        blocks.append((jordan[start, start], end - start + 1))
        start = end + 1
    return blocks


def _modulus(value: sp.Expr) -> sp.Expr:
    return sp.sqrt(sp.simplify(sp.expand(value * sp.conjugate(value))))


def _less(a: sp.Expr | int, b: sp.Expr | int) -> bool:
    """a < b for exact real numbers; an undecidable comparison is an error, not a guess."""
    relation = sp.simplify(sp.sympify(a) < sp.sympify(b))
    if relation not in (sp.true, sp.false):
        raise ValueError(f"cannot decide {a} < {b} exactly")
    return bool(relation)


def _real_key(value: sp.Expr) -> sp.Expr:
    """Orders exact values by a 50-digit evaluation (only to pick the largest; the
    value returned stays exact)."""
    return sp.re(sp.N(value, 50))


def _entry(x: object) -> str:
    if isinstance(x, float | np.floating):
        return f"{float(x):.6g}"
    return str(x)


# -- floating point ---------------------------------------------------------------------


def power_norms(W: np.ndarray, count: int) -> np.ndarray:
    """‖W^k‖₂ for k = 1, ..., count (by repeated multiplication)."""
    norms = np.empty(count)
    power = np.eye(W.shape[0])
    for k in range(count):
        power = power @ W
        norms[k] = np.linalg.norm(power, 2)
    return norms


def contraction_certificate_float(
    W: np.ndarray, *, doublings: int = 12, below: float = 0.5
) -> int | None:
    """The least k = 2^j with ‖W^k‖₂ < `below` (< 1, a margin against rounding), or None;
    see `contraction_certificate` for why such a k proves W^T → 0."""
    power = np.array(W, dtype=float)
    for j in range(doublings + 1):
        norm = np.linalg.norm(power, 2)
        if norm < below:
            return 2**j
        if not np.isfinite(norm) or norm > 1e150:
            return None
        power = power @ power
    return None


def spectral_radius(W: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def factorization_loss(X: np.ndarray, A: np.ndarray, B: np.ndarray) -> float:
    """‖X - AB‖_F²."""
    return float(np.sum((X - A @ B) ** 2))


def truncated_svd_factors(X: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """A = U_r, B = Σ_r V_rᵀ from the SVD X = UΣVᵀ (the Eckart–Young factorization)."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return U[:, :r], s[:r, None] * Vt[:r]


def factorization_descent(
    X: np.ndarray,
    r: int,
    rng: np.random.Generator,
    *,
    steps: int = 500,
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Gradient descent on ‖X - AB‖_F² from a random start, with a backtracking line
    search (so the loss never increases): a local search that knows nothing of the SVD.
    Returns the final A, B and loss."""
    m, n = X.shape
    A = rng.normal(scale=scale, size=(m, r))
    B = rng.normal(scale=scale, size=(r, n))
    loss, step = factorization_loss(X, A, B), 1.0
    for _ in range(steps):
        residual = X - A @ B
        grad_a, grad_b = -2 * residual @ B.T, -2 * A.T @ residual
        slope = float(np.sum(grad_a**2) + np.sum(grad_b**2))
        if slope < 1e-24:
            break
        step *= 2.0
        while step > 1e-16:
            trial_a, trial_b = A - step * grad_a, B - step * grad_b
            trial = factorization_loss(X, trial_a, trial_b)
            if trial <= loss - 0.5 * step * slope:
                A, B, loss = trial_a, trial_b, trial
                break
            step /= 2.0
        else:
            break
    return A, B, loss
