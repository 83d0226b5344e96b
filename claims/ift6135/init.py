"""Initialization (000 Q3): the moments of a layer's pre-activations a = W h + b.

W is d_out×d_in with i.i.d. N(μ, σ²) entries and b = c·1, so every pre-activation
a_i = Σ_j W_ij h_j + c has the same law; the claims are about one of them, with w the
i-th row of W (σ is the standard deviation `s`). Distinct random names are independent:
W is independent of the layer's input h.
"""

from derive import claim

# 000 Q3.1: inputs with E[h_j] = 0, Var(h_j) = 1, uncorrelated (a whitened vector).
LAYER = {
    "w": "random vector(d_in) ~ Normal(mu, s)",
    "h": "random vector(d_in) ~ whitened",
    "s": "positive",
}
PREACTIVATION = {"a_i": "transpose(w) h + c"}

# 000 Q3.2: inputs h_j = ReLU(z_j) of symmetric pre-activations z_j with Var(z_j) = 1.
# Written with sequences so that the hypothesis can name the moment E[h_j^2]; the
# elements are i.i.d., and with μ = 0 only E[h_j^2] enters Var(a_i).
RELU_LAYER = {
    "w": "random sequence ~ Normal(mu, s)",
    "h": "random sequence ~ generic",
    "z": "random ~ symmetric(1)",
}
RELU_PREACTIVATION = {"a_i": "Sum(w_j h_j, (j, 1, d_in)) + c"}
RELU_INPUTS = ["E[h^2] = E[relu(z)^2]"]  # h_j is distributed as ReLU(z)
SIZES = {"d_in": (1, 2, 3)}

CLAIMS = [
    claim(
        "ift6135/init/var-product",
        "For independent X, Y: Var(XY) = Var(X)Var(Y) + Var(X)E[Y]² + Var(Y)E[X]²",
        source="000 Q3.1(a)",
        let={"X": "random ~ generic", "Y": "random ~ generic"},
        statement="Var(X Y) = Var(X) Var(Y) + Var(X) E[Y]^2 + Var(Y) E[X]^2",
        notes="Holds for every pair of laws with finite second moments (generic moments).",
    ),
    claim(
        "ift6135/init/preactivation-moments",
        "With zero-mean, unit-variance, uncorrelated inputs: E[a_i] = c, Var(a_i) = d_in(σ² + μ²)",
        source="000 Q3.1(b)",
        let=LAYER,
        where=PREACTIVATION,
        statement=["E[a_i] = c", "Var(a_i) = d_in (s^2 + mu^2)"],
        sizes=SIZES,
        notes="h is whitened: only its first two moments are fixed, and its entries are "
        "uncorrelated, not necessarily independent.",
    ),
    claim(
        "ift6135/init/xavier-like",
        "c = 0, μ = 0, σ² = 1/d_in give E[a_i] = 0 and Var(a_i) = 1",
        source="000 Q3.1(c)",
        let=LAYER,
        where={**PREACTIVATION, "c": "0", "mu": "0", "s": "sqrt(1 / d_in)"},
        statement=["E[a_i] = 0", "Var(a_i) = 1"],
        sizes=SIZES,
    ),
    claim(
        "ift6135/init/relu-second-moment",
        "If a is symmetric about 0 with Var(a) = 1, then E[ReLU(a)²] = 1/2",
        source="000 Q3.2(a)",
        let={"a": "random ~ symmetric(1)"},
        statement="E[relu(a)^2] = 1/2",
        notes="Exact by symmetry: ReLU(a)² + ReLU(-a)² = a². Checked by Monte-Carlo over "
        "normal, uniform, Laplace and Student-t laws.",
    ),
    claim(
        "ift6135/init/he",
        "With ReLU inputs, c = 0, μ = 0, σ² = 2/d_in give E[a_i] = 0, Var(a_i) = 1 (He init)",
        source="000 Q3.2(b), Q3.2(c)",
        let=RELU_LAYER,
        where={**RELU_PREACTIVATION, "c": "0", "mu": "0", "s": "sqrt(2 / d_in)"},
        given=RELU_INPUTS,
        statement=["E[a_i] = 0", "Var(a_i) = 1"],
        sizes=SIZES,
        notes="The inputs h_j = ReLU(z_j) enter through E[h_j²] = E[ReLU(z)²], which the "
        "engine computes exactly (1/2, ift6135/init/relu-second-moment). The engine cannot "
        "yet take E[w_j ReLU(z_j)] over independent factors exactly, hence the hypothesis "
        "in place of h_j := relu(z_j) (reported).",
    ),
    claim(
        "ift6135/init/he-wrong-variance",
        "With ReLU inputs, σ² = 1/d_in gives Var(a_i) = 1",
        source="000 Q3.2(b)",
        let=RELU_LAYER,
        where={**RELU_PREACTIVATION, "c": "0", "mu": "0", "s": "sqrt(1 / d_in)"},
        given=RELU_INPUTS,
        statement="Var(a_i) = 1",
        sizes=SIZES,
        expect="refuted",
        notes="ReLU halves the second moment: Var(a_i) = d_in σ² / 2 = 1/2.",
    ),
]
