"""Normalization (000 Q4, 001 Q4)."""

from derive import claim

WEIGHT_NORM = {
    "u": "vector(n)",
    "gamma": "positive",
    "L": "function(w)",
}
WEIGHT_NORM_DEFS = {
    "w": "gamma u / norm(u)",
    "W_perp": "I - u transpose(u) / norm(u)^2",
}

CLAIMS = [
    claim(
        "ift6135/norm/bn-weight-norm",
        "Batch norm of a whitened input is the weight-normalized layer: ŷ = wᵀx + β",
        source="000 Q4.2; 001 Q4.2",
        let={"u": "vector(n)", "x": "random vector(n) ~ whitened", "gamma": "positive"},
        where={
            "w": "gamma u / norm(u)",
            "y": "transpose(u) x",
            "mu_y": "E[y]",
            "sigma_y": "sqrt(Var(y))",
        },
        statement="gamma (y - mu_y) / sigma_y + beta = transpose(w) x + beta",
    ),
    claim(
        "ift6135/norm/bn-grad-direction",
        "The gradient with respect to u is the projected gradient: ∇_u L = (γ/‖u‖) W⊥ ∇_w L",
        source="000 Q4.3; 001 Q4.3",
        let=WEIGHT_NORM,
        where=WEIGHT_NORM_DEFS,
        statement="grad(L, u) = gamma / norm(u) * W_perp grad(L, w)",
        notes="L is an arbitrary differentiable function of w, so the proof holds for every L.",
    ),
    claim(
        "ift6135/norm/wperp-annihilates-u",
        "W⊥ u = 0",
        source="000 Q4.3; 001 Q4.3",
        let={"u": "vector(n)"},
        where={"W_perp": "I - u transpose(u) / norm(u)^2"},
        statement="W_perp u = 0",
    ),
    claim(
        "ift6135/norm/wperp-projection",
        "W⊥ is an orthogonal projection: W⊥W⊥ = W⊥ and W⊥ᵀ = W⊥",
        source="000 Q4.3; 001 Q4.3",
        let={"u": "vector(n)"},
        where={"W_perp": "I - u transpose(u) / norm(u)^2"},
        statement=["W_perp W_perp = W_perp", "transpose(W_perp) = W_perp"],
    ),
    claim(
        "ift6135/norm/mean-of-linear",
        "E[uᵀx] = uᵀx (a step of the solution of Q4.2)",
        source="001 Q4.2",
        let={"u": "vector(n)", "x": "random vector(n) ~ whitened"},
        statement="E[transpose(u) x] = transpose(u) x",
        expect="refuted",
        notes="x is random; the expectation is a number (0 here) while uᵀx varies with x.",
    ),
]
