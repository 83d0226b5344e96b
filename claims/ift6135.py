"""IFT6135 Assignment 2 (seed 000, the question sheet) and a student's solution to its
2021 version (seed 001): optimization, regularization, normalization and RNNs."""

from derive import claim
from derive.model.types import Function

MOMENTUM = {
    "t": "positive integer",
    "g": "sequence",
}

CLAIMS = [
    # -- Momentum and running averages (000 Q1) ------------------------------------------
    claim(
        "ift6135/momentum/recursive-forms",
        "Momentum and the running average, each written as a recursion in Δθ",
        source="000 Q1.1",
        let=MOMENTUM,
        where={
            "v_t": "alpha v_{t-1} + eps g_t",
            "v_0": "0",
            "dtheta_t": "-v_t",
            "m_t": "beta m_{t-1} + (1 - beta) g_t",
            "m_0": "0",
            "dphi_t": "-delta m_t",
        },
        statement=[
            "dtheta_t = alpha dtheta_{t-1} - eps g_t",
            "dphi_t = beta dphi_{t-1} - delta (1 - beta) g_t",
        ],
        notes="dtheta is Δθ of SGD with momentum, dphi is Δθ of the running average.",
    ),
    claim(
        "ift6135/momentum/equivalence",
        "With α = β and ε = δ(1-β) the two rules make identical updates",
        source="000 Q1.1",
        let=MOMENTUM,
        assume=["0 < beta < 1", "delta > 0"],
        where={
            "alpha": "beta",
            "eps": "delta (1 - beta)",
            "dtheta_t": "alpha dtheta_{t-1} - eps g_t",
            "dtheta_0": "0",
            "dphi_t": "beta dphi_{t-1} - delta (1 - beta) g_t",
            "dphi_0": "0",
        },
        statement="dtheta_t = dphi_t",
        notes="Uses the recursive forms (ift6135/momentum/recursive-forms) as the definitions.",
    ),
    claim(
        "ift6135/momentum/unrolled",
        "The running average unrolled: a weighted sum of past gradients",
        source="000 Q1.2",
        let=MOMENTUM,
        assume=["0 < beta < 1"],
        where={"v_t": "beta v_{t-1} + (1 - beta) g_t", "v_0": "0"},
        statement="v_t = (1 - beta) Sum(beta^(t - i) g_i, (i, 1, t))",
    ),
    claim(
        "ift6135/momentum/bias",
        "The running average is biased: E[v_t] = (1 - β^t) E[g]",
        source="000 Q1.3",
        let={"t": "positive integer", "g": "random sequence ~ generic"},
        assume=["0 < beta < 1"],
        where={"v_t": "(1 - beta) Sum(beta^(t - i) g_i, (i, 1, t))"},
        statement="E[v_t] = (1 - beta^t) E[g]",
        notes="v_t is the unrolled form (ift6135/momentum/unrolled); the g_i share one law.",
    ),
    claim(
        "ift6135/momentum/bias-is-nonzero",
        "For 0 < β < 1 and E[g] ≠ 0 the bias does not vanish",
        source="000 Q1.3",
        let={"t": "positive integer", "g": "random sequence ~ Normal(mu, s)", "s": "positive"},
        assume=["0 < beta < 1", "mu > 0"],
        where={"v_t": "(1 - beta) Sum(beta^(t - i) g_i, (i, 1, t))"},
        statement="E[v_t] != E[g]",
        notes="Only the mean of g matters (linearity), so a normal law with mean mu ≠ 0 "
        "stands for any law with E[g] ≠ 0.",
    ),
    claim(
        "ift6135/momentum/bias-correction",
        "Dividing by 1 - β^t removes the bias",
        source="000 Q1.3",
        let={"t": "positive integer", "g": "random sequence ~ generic"},
        assume=["0 < beta < 1"],
        where={"v_t": "(1 - beta) Sum(beta^(t - i) g_i, (i, 1, t))"},
        statement="E[v_t / (1 - beta^t)] = E[g]",
    ),
]

# -- Normalization (000 Q4, 001 Q4) ---------------------------------------------------------

WEIGHT_NORM = {
    "u": "vector(n)",
    "gamma": "positive",
    "L": "function(w)",
}
WEIGHT_NORM_DEFS = {
    "w": "gamma u / norm(u)",
    "W_perp": "I - u transpose(u) / norm(u)^2",
}

CLAIMS += [
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

# -- RNN activations (000 Q5.1, 001 Q1.1) -----------------------------------------------------

CLAIMS += [
    claim(
        "ift6135/rnn/induction-step",
        "Induction step: if g_{t-1} = σ(h_{t-1}) then g_t = σ(h_t)",
        source="000 Q5.1; 001 Q1.1",
        let={
            "h": "sequence of vector(n)",
            "g": "sequence of vector(n)",
            "x": "sequence of vector(m)",
            "W": "matrix(n, n)",
            "U": "matrix(n, m)",
            "b": "vector(n)",
            "sigma": Function(elementwise=True),
        },
        where={
            "h_t": "W sigma(h_{t-1}) + U x_t + b",
            "g_t": "sigma(W g_{t-1} + U x_t + b)",
        },
        given=["g_{t-1} = sigma(h_{t-1})"],
        statement="g_t = sigma(h_t)",
        notes="σ is any activation applied elementwise (an undefined function).",
    ),
]
