"""Momentum and running averages (000 Q1)."""

from derive import claim

MOMENTUM = {
    "t": "positive integer",
    "g": "sequence",
}

CLAIMS = [
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
        assume=["0 < beta < 1", "mu != 0"],
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
