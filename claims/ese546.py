"""ESE 546 Problem set 2 (seed 004, a student's solutions): the parameters of ResNet-18
(P1c), unconstrained matrix factorization (P2), scale-invariant losses and the effective
learning rate under batch norm (P3), and vanishing/exploding gradients in a linear RNN
with gradient clipping (P6a, P6c).

P1(a), (b), (d), (e) and P6(b), (d) are discussion or code, not claims.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive import claim
from derive.claim import Outcome, Property
from derive.toolkit import counting
from derive.toolkit.matrices import (
    contraction_certificate,
    contraction_certificate_float,
    exact_matrix,
    factorization_descent,
    factorization_loss,
    frobenius_squared,
    matrix_text,
    operator_norm_exact,
    power_norm_limit,
    power_norms,
    spectral_radius,
    spectral_radius_exact,
    truncated_svd_factors,
)

# -- P1(c): ResNet-18 ------------------------------------------------------------------

RESNET18_COUNTS = {
    "conv1": 9_408,
    "bn1": 128,
    "layer1": 147_968,
    "layer2": 525_568,
    "layer3": 2_099_712,
    "layer4": 8_393_728,
    "fc": 513_000,
}
RESNET18_TOTAL = 11_689_512


def _resnet18_counts(config: dict) -> Outcome:
    """Count ResNet-18 from its layer shapes and compare with the claimed counts."""
    layers = counting.resnet(config["blocks"], classes=config["classes"])
    groups = counting.by_group(layers)
    total = counting.total(layers)
    ok = total == RESNET18_TOTAL and groups == RESNET18_COUNTS
    values = (*((name, f"{count:,}") for name, count in groups.items()), ("total", f"{total:,}"))
    return Outcome(ok, values, lhs=f"{total:,}", rhs=f"{RESNET18_TOTAL:,}")


# -- P2: matrix factorization ----------------------------------------------------------


def _frobenius_loss(X: sp.MatrixBase, A: sp.MatrixBase, B: sp.MatrixBase) -> sp.Expr:
    return frobenius_squared(X - A * B)


def _convexity_violation(instance: tuple) -> Outcome:
    """f(θP + (1-θ)Q) > θ f(P) + (1-θ) f(Q) for f(A, B) = ‖X - AB‖_F², exactly."""
    X, (A0, B0), (A1, B1), theta = instance
    mid_a, mid_b = theta * A0 + (1 - theta) * A1, theta * B0 + (1 - theta) * B1
    at_mid = _frobenius_loss(X, mid_a, mid_b)
    chord = theta * _frobenius_loss(X, A0, B0) + (1 - theta) * _frobenius_loss(X, A1, B1)
    values = (
        ("X", matrix_text(X)),
        ("(A, B)", f"({matrix_text(A0)}, {matrix_text(B0)})"),
        ("(A', B')", f"({matrix_text(A1)}, {matrix_text(B1)})"),
        ("theta", str(theta)),
        ("f at the mixture", str(at_mid)),
        ("mixture of the f values", str(chord)),
    )
    return Outcome(bool(at_mid > chord), values, lhs=str(at_mid), rhs=str(chord))


def _convexity_witnesses() -> list[tuple]:
    one = exact_matrix([[1]])
    return [(one, (one, one), (-one, -one), sp.Rational(1, 2))]


def _random_convexity_instance(rng: np.random.Generator) -> tuple:
    m, n, r = (int(k) for k in rng.integers(1, 4, size=3))

    def ints(rows: int, cols: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(rng.integers(-3, 4, size=(rows, cols)).tolist())

    theta = sp.Rational(int(rng.integers(1, 10)), 10)
    return ints(m, n), (ints(m, r), ints(r, n)), (ints(m, r), ints(r, n)), theta


def _svd_optimum(instance: tuple) -> Outcome:
    """The truncated SVD attains Σ_{i>r} σ_i², and gradient descent from random starts
    (and random perturbations of the SVD factors) never gets below it."""
    X, r, seed = instance
    rng = np.random.default_rng(seed)
    sigma = np.linalg.svd(X, compute_uv=False)
    optimum = float(np.sum(sigma[r:] ** 2))
    A, B = truncated_svd_factors(X, r)
    attained = factorization_loss(X, A, B)
    scale = 1.0 + float(np.sum(sigma**2))
    tol = 1e-9 * scale
    start = float(np.sqrt(np.sqrt(np.sum(sigma**2) / X.size)))  # AB of the size of X
    searched = min(factorization_descent(X, r, rng, steps=300, scale=start)[2] for _ in range(3))
    nearby = min(
        factorization_loss(
            X, A + 1e-3 * rng.normal(size=A.shape), B + 1e-3 * rng.normal(size=B.shape)
        )
        for _ in range(5)
    )
    ok = abs(attained - optimum) <= tol and searched >= optimum - tol and nearby >= optimum - tol
    values = (
        ("shape", f"{X.shape[0]}×{X.shape[1]}, r = {r}"),
        ("sum of the trailing sigma_i^2", f"{optimum:.10g}"),
        ("loss of (U_r, Sigma_r V_r^T)", f"{attained:.10g}"),
        ("best of gradient descent", f"{searched:.10g}"),
        ("best perturbed SVD factors", f"{nearby:.10g}"),
    )
    return Outcome(
        ok,
        values,
        lhs=f"{min(attained, searched, nearby):.10g}",
        rhs=f"{optimum:.10g}",
        exact=False,
    )


def _random_factorization(rng: np.random.Generator) -> tuple:
    m, n = (int(k) for k in rng.integers(1, 7, size=2))
    r = int(rng.integers(1, min(m, n) + 1))
    X = rng.normal(size=(m, n)) * rng.choice([0.1, 1.0, 10.0])
    return X, r, int(rng.integers(2**31))


# -- P6: powers of the recurrent matrix ------------------------------------------------


def _contracting_powers(W: np.ndarray) -> Outcome:
    """For ‖W‖ < 1: ‖W^k‖ ≤ ‖W‖^k at every k (submultiplicativity), which tends to 0,
    and the powers are seen to decay below 1e-6."""
    norm = float(np.linalg.norm(W, 2))
    count = int(min(5_000, np.ceil(np.log(1e-6) / np.log(norm)))) if norm > 0 else 1
    norms = power_norms(W, count)
    bound = norm ** np.arange(1, count + 1)
    ok = norm < 1 and bool(np.all(norms <= bound * (1 + 1e-9) + 1e-300)) and norms[-1] <= 1.01e-6
    values = (
        ("W", matrix_text(W)),
        ("||W||", f"{norm:.6g}"),
        (f"||W^{count}||", f"{norms[-1]:.3g}"),
        (f"||W||^{count}", f"{bound[-1]:.3g}"),
    )
    return Outcome(ok, values, lhs=f"{norms[-1]:.3g}", rhs=f"{bound[-1]:.3g}", exact=False)


def _contracting_matrix(rng: np.random.Generator) -> np.ndarray:
    """A random W with ‖W‖ < 1: dense, or triangular (non-normal), scaled to a norm
    drawn up to 0.99."""
    n = int(rng.integers(1, 7))
    W = rng.normal(size=(n, n))
    if rng.random() < 0.5:
        W = np.triu(W) + np.triu(rng.normal(scale=5.0, size=(n, n)), 1)
    target = rng.choice([rng.uniform(0.05, 0.95), 0.99])
    return W * (target / max(np.linalg.norm(W, 2), 1e-12))


def _structured_contractions() -> list[np.ndarray]:
    return [
        np.array([[0.5, 0.5], [0.0, 0.5]]),
        np.array([[0.0, 0.99], [0.0, 0.0]]),
        0.9 * np.array([[0.0, -1.0], [1.0, 0.0]]),
        np.diag([0.99, -0.5, 0.0]),
    ]


def _explodes(W: sp.MatrixBase) -> Outcome:
    """‖W‖ > 1 ⇒ ‖W^T‖ → ∞, decided exactly (the limit from the Jordan form)."""
    norm = operator_norm_exact(W)
    limit = power_norm_limit(W)
    square = W * W
    values = (
        ("W", matrix_text(W)),
        ("||W||", str(norm)),
        ("W^2", matrix_text(square)),
        ("limit of ||W^T||", limit),
    )
    ok = not bool(norm > 1) or limit == "infinity"
    return Outcome(ok, values, lhs=f"||W^T|| → {'∞' if limit == 'infinity' else limit}", rhs="∞")


def _exact_matrices() -> list[sp.ImmutableMatrix]:
    """Small rational matrices whose powers behave in every way: identity, rotations and
    permutations (ρ = 1, bounded), Jordan blocks (ρ = 1 growing, ρ < 1 after a transient),
    nilpotent ones with a large norm, eigenvalues ±i, and plain expansions."""
    rows = [
        [[1, 0], [0, 1]],
        [[-1]],
        [[0, -1], [1, 0]],
        [["3/5", "4/5"], ["-4/5", "3/5"]],
        [["27/50", "36/50"], ["-36/50", "27/50"]],
        [[0, 1], [1, 0]],
        [[1, 1], [0, 1]],
        [["1/2", 1], [0, "1/2"]],
        [["9/10", 1], [0, "9/10"]],
        [["1/2", 3], [0, "-1/2"]],
        [[0, 2], [0, 0]],
        [[0, 5, 0], [0, 0, 5], [0, 0, 0]],
        [[0, "-1/2"], [2, 0]],
        [[0, "-1/3"], [2, 0]],
        [[2, 0], [0, "1/2"]],
        [[1, 0], [0, "1/2"]],
        [["11/10"]],
        [["99/100"]],
    ]
    return [exact_matrix(r) for r in rows]


def _spectral_radius_criterion(W: sp.MatrixBase | np.ndarray) -> Outcome:
    """ρ(W) < 1 ⟺ ‖W^T‖ → 0, where the limit is decided without eigenvalues: W^T → 0
    is certified by a power with norm below 1 (`contraction_certificate`); no such
    power among W, W², W⁴, ... is read as W^T not tending to 0."""
    if isinstance(W, sp.MatrixBase):
        rho = spectral_radius_exact(W)
        below = bool(rho < 1)
        certificate = contraction_certificate(W, doublings=7)
        exact = True
        rho_text = str(rho)
    else:
        rho = spectral_radius(W)
        below = rho < 1
        certificate = contraction_certificate_float(W, doublings=12)
        exact = False
        rho_text = f"{rho:.6g}"
    vanishes = certificate is not None
    values = (
        ("W", matrix_text(W)),
        ("spectral radius", rho_text),
        ("least k = 2^j with ||W^k|| < 1", str(certificate) if vanishes else "none found"),
    )
    lhs = "||W^T|| → 0" if vanishes else "||W^T|| does not → 0"
    rhs = "rho < 1" if below else "rho >= 1"
    return Outcome(vanishes == below, values, lhs=lhs, rhs=rhs, exact=exact)


def _random_recurrent_matrix(rng: np.random.Generator) -> np.ndarray:
    """Dense or non-normal W rescaled to a spectral radius kept 0.03 away from 1
    (floating point cannot tell ρ = 1 from its neighbours; exact instances cover it)."""
    n = int(rng.integers(1, 6))
    W = rng.normal(size=(n, n))
    if rng.random() < 0.4:
        W = np.triu(W) + np.triu(rng.normal(scale=3.0, size=(n, n)), 1)
    rho = spectral_radius(W)
    if rho < 1e-9:
        return W
    target = rng.uniform(0.0, 0.97) if rng.random() < 0.5 else rng.uniform(1.03, 2.0)
    return W * (target / rho)


# -- the claims --------------------------------------------------------------------------

SCALE_INVARIANT = {"l(w)": "h(w / norm(w))"}
RNN = {"W": "matrix(n, n)", "z": "sequence of vector(n)", "x": "vector(n)", "T": "positive integer"}

CLAIMS = [
    claim(
        "ese546/resnet18/parameter-count",
        "ResNet-18 (1000 classes) has 11,689,512 parameters; per layer: conv1 9,408, "
        "bn1 128, layer1 147,968, layer2 525,568, layer3 2,099,712, layer4 8,393,728, "
        "fc 513,000",
        source="004 P1c",
        check=Property(
            test=_resnet18_counts,
            simple=lambda: [{"blocks": (2, 2, 2, 2), "classes": 1000}],
            exact=True,
            method="parameter count from the layer shapes",
            describe="conv k×k without bias, batch norm γ and β per channel, basic blocks "
            "with a 1×1 conv + BN shortcut where the shape changes, linear 512→1000",
        ),
        notes="The architecture is torchvision's resnet18 (basic blocks (2, 2, 2, 2), widths "
        "64-512, bias-free convolutions); the running mean and variance of batch norm are "
        "buffers, not parameters.",
    ),
    claim(
        "ese546/factorization/nonconvex",
        "f(A, B) = ‖X - AB‖_F² is not convex",
        source="004 P2a",
        check=Property(
            test=_convexity_violation,
            simple=_convexity_witnesses,
            draw=_random_convexity_instance,
            kind="exists",
            exact=True,
            method="exact witness",
            describe="a chord of f lying below f",
        ),
        notes="Witness X = 1, (A, B) = (1, 1) and (-1, -1): both have f = 0, their midpoint "
        "(0, 0) has f = 1. The seed's own argument (expanding |X - AB|² with absolute "
        "values) does not establish it.",
    ),
    claim(
        "ese546/factorization/svd-optimum",
        "With X = UΣVᵀ, A* = U_r and B* = Σ_r V_rᵀ attain the minimum Σ_{i>r} σ_i² of ‖X - AB‖_F²",
        source="004 P2b",
        check=Property(
            test=_svd_optimum,
            draw=_random_factorization,
            trials=80,
            method="simulation: truncated SVD against gradient descent",
            describe="random X up to 6×6 at three scales, every rank r; gradient descent "
            "from 3 random starts and perturbed SVD factors never beat Σ_{i>r} σ_i²",
        ),
        notes="The seed writes the SVD of a rank-r Y instead of X and takes A* = U, "
        "B* = ΣVᵀ; the claim is the corrected statement (Eckart–Young).",
    ),
    claim(
        "ese546/factorization/non-unique",
        "For any invertible r×r matrix R, (AR)(R⁻¹B) = AB, so (A*R, R⁻¹B*) is also optimal",
        source="004 P2c",
        let={"A": "matrix(m, r)", "R": "matrix(r, r)", "B": "matrix(r, n)"},
        statement="(A R)(inv(R) B) = A B",
        sizes={"m": (1, 2), "r": (1, 2, 3), "n": (1, 2)},
        numeric_sizes={"m": (2, 3), "r": (1, 2, 3), "n": (2, 3)},
        notes="Proved with symbolic entries at r = 1, 2, 3 and m, n = 1, 2 (each entry of AB "
        "involves one row of A and one column of B, so larger m, n add nothing); points "
        "where R is singular (det R = 0) are outside the claim and skipped. The loss "
        "depends on A, B only through AB, hence the optimality of (A*R, R⁻¹B*).",
    ),
    claim(
        "ese546/scale-invariance/gradient",
        "If l(λw) = l(w) for all λ > 0 then ∇l(λw) = ∇l(w)/λ",
        source="004 P3a",
        let={"w": "vector(n)", "lambda": "positive"},
        where={**SCALE_INVARIANT, "v": "lambda w"},
        statement="grad(l(v), v) = grad(l(w), w) / lambda",
        numeric_sizes={"n": (1, 2, 3, 4)},
        notes="A scale-invariant l is l(w) = h(w/‖w‖) with h = l (undefined, so the proof "
        "holds for every smooth h); ∇l(λw) is the gradient of l at the point v = λw.",
    ),
    claim(
        "ese546/scale-invariance/orthogonal",
        "If l(λw) = l(w) for all λ > 0 then wᵀ∇l(w) = 0",
        source="004 P3b",
        let={"w": "vector(n)"},
        where=SCALE_INVARIANT,
        statement="transpose(w) grad(l(w), w) = 0",
        numeric_sizes={"n": (1, 2, 3, 4)},
        notes="Used by the effective-learning-rate expansion: the gradient is orthogonal to "
        "w, so (I - vvᵀ)∇l(v) = ∇l(v).",
    ),
    claim(
        "ese546/scale-invariance/effective-lr",
        "For scale-invariant l, w⁺ = w - η∇l(w) gives v⁺ = v - (η/‖w‖²)(I - vvᵀ)∇l(v) "
        "+ O(η²) with v = w/‖w‖",
        source="004 P3b",
        let={"w": "vector(n)", "eta": "positive"},
        where={
            **SCALE_INVARIANT,
            "v": "w / norm(w)",
            "w_plus": "w - eta grad(l(w), w)",
        },
        statement="w_plus / norm(w_plus) = v - eta / norm(w)^2 * (I - v transpose(v)) grad(l(v), v)",
        up_to=("eta", 2),
        sizes={"n": (1, 2, 3)},
        numeric_sizes={"n": (1, 2, 3)},
        notes="∇l(v) is the gradient of l at the point v (grad(l(v), v) with v := w/‖w‖). "
        "The seed's intermediate steps (a Taylor expansion of 1/(‖w‖ + O(η)) around "
        "O(η)) are wrong; only the final formula is encoded. w_plus stands for w⁺.",
    ),
    claim(
        "ese546/rnn/linear-jacobian",
        "For z^{t+1} = W z^t: ∂z^T/∂z^0 = W^T (a matrix power)",
        source="004 P6a",
        let=RNN,
        where={"z_t": "W z_{t-1}", "z_0": "x"},
        statement="diff(z_T, x) = W^T",
        sizes={"n": (1, 2, 3), "T": (1, 2, 3)},
        notes="x is the initial state z^0; T is a declared number, so W^T is a power.",
    ),
    claim(
        "ese546/rnn/linear-gradient",
        "For a loss l(z^T): ∂l/∂W = Σ_{t=0}^{T-1} (Wᵀ)^{T-1-t} ∇l(z^T) (z^t)ᵀ",
        source="004 P6a",
        let={**RNN, "T": "positive"},
        where={"z_t": "W z_{t-1}", "z_0": "x", "y": "z_T"},
        statement="grad(l(z_T), W) = Sum(transpose(W)^(T-1-t) grad(l(y), y) transpose(z_t), "
        "(t, 0, T-1))",
        sizes={"n": (2, 3), "T": (1, 2, 3)},
        numeric_sizes={"n": (2, 3), "T": (1, 2, 3)},
        notes="Reconstructed: the seed writes the chain rule in h and J without a formula "
        "for ∂l/∂W. l is undefined; ∇l(z^T) is grad(l(y), y) at y = z^T. T is pinned to "
        "1, 2, 3 by sizes (declared positive rather than integer only so that the engine "
        "does not also try T = 5, 8, which is slow); n = 1 is left out because the engine "
        "mixes 1×1 matrices and scalars there.",
    ),
    claim(
        "ese546/rnn/vanish-if-norm-below-one",
        "‖W‖ < 1 implies ‖W^T‖ → 0",
        source="004 P6a",
        check=Property(
            test=_contracting_powers,
            draw=_contracting_matrix,
            simple=_structured_contractions,
            trials=100,
            method="simulation: submultiplicativity",
            describe="‖W^k‖ ≤ ‖W‖^k at every k until ‖W‖^k < 1e-6, for dense and non-normal "
            "W with ‖W‖ up to 0.99",
        ),
        notes="The proof is ‖W^T‖ ≤ ‖W‖^T → 0; the property checks the bound along the "
        "whole sequence and that the powers do decay.",
    ),
    claim(
        "ese546/rnn/explode-if-norm-above-one",
        "‖W‖ > 1 implies ‖W^T‖ → ∞ (as claimed in 004 P6a)",
        source="004 P6a",
        check=Property(
            test=_explodes,
            simple=lambda: [exact_matrix([[2, 0], [0, 2]]), exact_matrix([[0, 2], [0, 0]])],
            exact=True,
            method="exact limit of the matrix powers",
        ),
        expect="refuted",
        notes="W = [[0, 2], [0, 0]] has ‖W‖ = 2 but W² = 0. Explosion needs the spectral "
        "radius above 1 (ese546/rnn/spectral-radius); ‖W‖ > 1 only makes it possible.",
    ),
    claim(
        "ese546/rnn/spectral-radius",
        "‖W^T‖ → 0 if and only if the spectral radius of W is below 1",
        source="004 P6a",
        check=Property(
            test=_spectral_radius_criterion,
            simple=_exact_matrices,
            draw=_random_recurrent_matrix,
            trials=200,
            method="exact and simulated powers",
            describe="18 rational matrices decided exactly (ρ = 1, Jordan blocks, nilpotent, "
            "rotations) and random dense or non-normal W with ρ away from 1",
        ),
        notes="Not in the seed, which states the condition with ‖W‖; this is the correct "
        "criterion. W^T → 0 is certified by some power W^k with ‖W^k‖ < 1; its absence "
        "up to k = 128 (exact) or 4096 (floating point) counts as not vanishing.",
    ),
    claim(
        "ese546/clipping/bounded-step",
        "Clipping g ← g·min(1, τ/‖g‖) gives ‖ηg‖ ≤ ητ",
        source="004 P6c",
        let={"g": "vector(n)", "eta": "positive", "tau": "positive"},
        statement="norm(eta g min(1, tau / norm(g))) <= eta tau",
        notes="Two cases: ‖g‖ ≤ τ leaves the step ηg of norm η‖g‖ ≤ ητ; otherwise the step "
        "is ητ g/‖g‖ of norm exactly ητ. The seed describes clipping in words.",
    ),
]
