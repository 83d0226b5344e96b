"""Bidirectional RNN (000 Q6), reconstructed.

The seed's equations did not survive extraction; the claims use the standard form
(CLAIMS.md): h^f_t = σ(W^f h^f_{t-1} + U^f x_t), h^b_t = σ(W^b h^b_{t+1} + U^b x_t),
y_t = V^f h^f_t + V^b h^b_t, L = Σ_t ½‖z_t - y_t‖², unrolled for T = 3 steps as in the
question's computational graph, with given initial states h^f_0 and h^b_4.

In the statements h^f_t is `hf_t` and h^b_t is `hb_t`. ∇_{h^f_t} L is the total
derivative: derive differentiates L with h^f_t held as a free vector (so the later states,
which are defined from it, vary with it) and then puts h^f_t's value back. The factor
σ'(a) at a state h = σ(a) is h ⊙ (1 - h), written h - h ⊙ h.
"""

from derive import claim

# n hidden units, p inputs, q outputs.
BIRNN = {
    "hf_0": "vector(n)",
    "hb_4": "vector(n)",
    "Wf": "matrix(n, n)",
    "Wb": "matrix(n, n)",
    "Uf": "matrix(n, p)",
    "Ub": "matrix(n, p)",
    "Vf": "matrix(q, n)",
    "Vb": "matrix(q, n)",
    **{f"x_{t}": "vector(p)" for t in (1, 2, 3)},
    **{f"z_{t}": "vector(q)" for t in (1, 2, 3)},
}
UNROLLED = {
    "hf_1": "sigma(Wf hf_0 + Uf x_1)",
    "hf_2": "sigma(Wf hf_1 + Uf x_2)",
    "hf_3": "sigma(Wf hf_2 + Uf x_3)",
    "hb_3": "sigma(Wb hb_4 + Ub x_3)",
    "hb_2": "sigma(Wb hb_3 + Ub x_2)",
    "hb_1": "sigma(Wb hb_2 + Ub x_1)",
    **{f"y_{t}": f"Vf hf_{t} + Vb hb_{t}" for t in (1, 2, 3)},
    "L": "1/2 norm(z_1 - y_1)^2 + 1/2 norm(z_2 - y_2)^2 + 1/2 norm(z_3 - y_3)^2",
}
# Proved with 1 and 2 hidden units, 3 inputs and 2 outputs: non-square U and V, and at
# n = 2 recurrent weights where a missing transpose or a misplaced diag shows. n = 3 holds
# too but adds 15 to 40 s per claim (three nested sigmoids of symbolic vectors).
SIZES = {"n": (1, 2), "p": (3,), "q": (2,)}


def _sd(h: str) -> str:
    """σ'(a) at the state h = σ(a), as a diagonal matrix: diag(h ⊙ (1 - h))."""
    return f"diag({h} - hadamard({h}, {h}))"


def _recursion(h: str, t: int, successor: int, w: str, v: str) -> str:
    """∇_{h_t} L = Vᵀ(y_t - z_t) + Wᵀ diag(σ' at h_s) ∇_{h_s} L, where h_s is the state
    computed from h_t (s = t + 1 for the forward RNN, t - 1 for the backward one)."""
    later = f"{h}_{successor}"
    return (
        f"grad(L, {h}_{t}) = transpose({v}) (y_{t} - z_{t})"
        f" + transpose({w}) {_sd(later)} grad(L, {later})"
    )


CLAIMS = [
    claim(
        "ift6135/birnn/grad-hidden-forward",
        "BiRNN (reconstructed): ∇_{h^f_t} L = V^fᵀ(y_t - z_t)"
        " + W^fᵀ diag(h^f_{t+1} ⊙ (1 - h^f_{t+1})) ∇_{h^f_{t+1}} L",
        source="000 Q6.2",
        let=BIRNN,
        where=UNROLLED,
        statement=[
            "grad(L, hf_3) = transpose(Vf) (y_3 - z_3)",
            _recursion("hf", 2, 3, "Wf", "Vf"),
            _recursion("hf", 1, 2, "Wf", "Vf"),
        ],
        sizes=SIZES,
        numeric_sizes=SIZES,
        notes="Reconstructed form of the question (the seed's equations are lost). T = 3: the "
        "recursion is checked at t = 2 and t = 1, and at t = T = 3 the second term is absent "
        "(there is no h^f_4).",
    ),
    claim(
        "ift6135/birnn/grad-hidden-backward",
        "BiRNN (reconstructed): ∇_{h^b_t} L = V^bᵀ(y_t - z_t)"
        " + W^bᵀ diag(h^b_{t-1} ⊙ (1 - h^b_{t-1})) ∇_{h^b_{t-1}} L",
        source="000 Q6.2",
        let=BIRNN,
        where=UNROLLED,
        statement=[
            "grad(L, hb_1) = transpose(Vb) (y_1 - z_1)",
            _recursion("hb", 2, 1, "Wb", "Vb"),
            _recursion("hb", 3, 2, "Wb", "Vb"),
        ],
        sizes=SIZES,
        numeric_sizes=SIZES,
        notes="Reconstructed form of the question. The backward RNN runs from t = 3 down to 1, "
        "so its recursion goes the other way: checked at t = 2 and t = 3, and at t = 1 the "
        "second term is absent (there is no h^b_0).",
    ),
    claim(
        "ift6135/birnn/grad-w-forward",
        "BiRNN (reconstructed): ∇_{W^f} L = Σ_t diag(h^f_t ⊙ (1 - h^f_t)) ∇_{h^f_t} L (h^f_{t-1})ᵀ",
        source="000 Q6.3",
        let=BIRNN,
        where=UNROLLED,
        statement=(
            f"grad(L, Wf) = {_sd('hf_1')} grad(L, hf_1) transpose(hf_0)"
            f" + {_sd('hf_2')} grad(L, hf_2) transpose(hf_1)"
            f" + {_sd('hf_3')} grad(L, hf_3) transpose(hf_2)"
        ),
        sizes=SIZES,
        numeric_sizes=SIZES,
        notes="Reconstructed form of the question, T = 3. ∇_{h^f_t} L is the total derivative "
        "(computed here by differentiation, independently of the recursion of "
        "ift6135/birnn/grad-hidden-forward).",
    ),
    claim(
        "ift6135/birnn/grad-u-backward",
        "BiRNN (reconstructed): ∇_{U^b} L = Σ_t diag(h^b_t ⊙ (1 - h^b_t)) ∇_{h^b_t} L x_tᵀ",
        source="000 Q6.3",
        let=BIRNN,
        where=UNROLLED,
        statement=(
            f"grad(L, Ub) = {_sd('hb_1')} grad(L, hb_1) transpose(x_1)"
            f" + {_sd('hb_2')} grad(L, hb_2) transpose(x_2)"
            f" + {_sd('hb_3')} grad(L, hb_3) transpose(x_3)"
        ),
        sizes=SIZES,
        numeric_sizes=SIZES,
        notes="Reconstructed form of the question, T = 3. ∇_{h^b_t} L is the total derivative "
        "(computed here by differentiation, independently of the recursion of "
        "ift6135/birnn/grad-hidden-backward).",
    ),
]
