"""cosc2779: week-4 tutorial with solutions (seed 003): backpropagation, learning rates,
activations, batch normalization, L2 regularization, bias and variance.

Question 1's figure is missing from the seed. The network is reconstructed so that every
number of the solution comes out: input x = (1, 2), target 3, loss (ŷ - 3)², three ReLU
hidden units with weight rows (2, 1), (-1, -1), (1, 2) and zero biases, output weights
(-1, 1, 2) and output bias 0; then h = (4, 0, 5) and ŷ = 6.
"""

from derive import claim

# The 13 parameters of the reconstructed network of Q1, and their initial values.
PARAMETERS = {
    "w_{11}": "2",
    "w_{12}": "1",
    "b_1": "0",
    "w_{21}": "-1",
    "w_{22}": "-1",
    "b_2": "0",
    "w_{31}": "1",
    "w_{32}": "2",
    "b_3": "0",
    "v_1": "-1",
    "v_2": "1",
    "v_3": "2",
    "b_o": "0",
}
_ARGS = "w11, w12, b1, w21, w22, b2, w31, w32, b3, v1, v2, v3, bo"


def _loss_at(step: str) -> str:
    """The loss after one step θ ← θ + step·∂L/∂θ applied to every parameter."""
    moved = ", ".join(f"{p} + {step} diff(L, {p})" for p in PARAMETERS)
    return f"loss({moved})"


NETWORK = {
    **PARAMETERS,
    # the forward pass unit by unit, as the solution computes it, for the input x = (1, 2)
    "h_1": "relu(w_{11} + 2 w_{12} + b_1)",
    "h_2": "relu(w_{21} + 2 w_{22} + b_2)",
    "h_3": "relu(w_{31} + 2 w_{32} + b_3)",
    "yhat": "v_1 h_1 + v_2 h_2 + v_3 h_3 + b_o",
    "L": "(yhat - 3)^2",
    # the same loss as a function of the 13 parameters, to evaluate it after a step
    f"loss({_ARGS})": (
        "(v1 relu(w11 + 2 w12 + b1) + v2 relu(w21 + 2 w22 + b2)"
        " + v3 relu(w31 + 2 w32 + b3) + bo - 3)^2"
    ),
}

# The gradients the solution gives, in the order of PARAMETERS.
SOLUTION_GRADIENTS = {
    "w_{11}": "-6",
    "w_{12}": "-12",
    "b_1": "-6",
    "w_{21}": "0",
    "w_{22}": "0",
    "b_2": "0",
    "w_{31}": "12",
    "w_{32}": "24",
    "b_3": "12",
    "v_1": "24",
    "v_2": "0",
    "v_3": "30",
    "b_o": "6",
}

# Batch normalization of one unit over a batch of three samples (a, b, c are the unit's
# pre-activations; bn gives the normalized value of the first).
BATCH_NORM = {
    "mean3(a, b, c)": "(a + b + c) / 3",
    "var3(a, b, c)": (
        "((a - mean3(a, b, c))^2 + (b - mean3(a, b, c))^2 + (c - mean3(a, b, c))^2) / 3"
    ),
    "bn(a, b, c)": "gamma (a - mean3(a, b, c)) / sqrt(var3(a, b, c) + epsilon) + beta",
    **{f"z_{i}": f"transpose(w) x_{i} + b" for i in (1, 2, 3)},
    **{f"s_{i}": f"transpose(w) x_{i}" for i in (1, 2, 3)},
}

# One step of gradient descent, rate α, on L + (λ/2)‖w‖².
DECAY_STEP = "w - alpha grad(L(w) + lambda/2 norm(w)^2, w)"

CLAIMS = [
    claim(
        "cosc2779/backprop/gradients",
        "Backprop on the (reconstructed) network of Q1: every gradient of the solution",
        source="003 Q1",
        where=NETWORK,
        statement=[
            "h_1 = 4",
            "h_2 = 0",
            "h_3 = 5",
            "yhat = 6",
            "L = 9",
            f"loss({', '.join(PARAMETERS)}) = L",
            *(f"diff(L, {p}) = {g}" for p, g in SOLUTION_GRADIENTS.items()),
        ],
        notes="The figure of Q1 is missing; the network is reconstructed from the solution's "
        "numbers (see the module docstring). Each ∂L/∂θ is the exact derivative at the "
        "initial weights: ReLU is differentiable there, since no hidden unit's input is 0 "
        "(they are 4, -3 and 5).",
    ),
    claim(
        "cosc2779/backprop/update-sign",
        "The update w ← w + 0.1 ∂L/∂w (as written in the solution) decreases the loss",
        source="003 Q1",
        where={**NETWORK, "L_next": _loss_at("1/10")},
        statement="L_next < L",
        expect="refuted",
        notes="On the reconstructed network of Q1 (see cosc2779/backprop/gradients) one step "
        "of the update as written moves up the gradient: L goes from 9 to 2187441/625 ≈ 3500.",
    ),
    claim(
        "cosc2779/backprop/descent-step",
        "w ← w - η ∂L/∂w is a descent step: L(w - η∇L) = L(w) - η‖∇L‖² + O(η²)",
        source="003 Q1",
        let={"w": "vector(n)"},
        where={"g": "grad(L(w), w)"},
        statement="L(w - eta g) = L(w) - eta norm(g)^2",
        up_to=("eta", 2),
        notes="L is any smooth loss of w. The first-order change is -η‖∇L‖² < 0 wherever "
        "∇L ≠ 0, so the loss decreases for every small enough rate η > 0. Small enough "
        "matters: on the network of Q1 one step with η = 0.1 still raises L from 9 to "
        "541696/625 ≈ 867.",
    ),
    claim(
        "cosc2779/activations/tanh-sigmoid",
        "tanh(z) = 2σ(2z) - 1",
        source="003 Q4",
        statement="tanh(z) = 2 sigmoid(2z) - 1",
    ),
    claim(
        "cosc2779/batchnorm/bias-cancels",
        "Batch norm after an affine layer: the bias b has no effect",
        source="003 Q5",
        let={"w": "vector(n)", **{f"x_{i}": "vector(n)" for i in (1, 2, 3)}},
        assume=["epsilon > 0"],
        where=BATCH_NORM,
        statement=[
            "mean3(z_1, z_2, z_3) = mean3(s_1, s_2, s_3) + b",
            "bn(z_1, z_2, z_3) = bn(s_1, s_2, s_3)",
            "bn(z_2, z_3, z_1) = bn(s_2, s_3, s_1)",
            "bn(z_3, z_1, z_2) = bn(s_3, s_1, s_2)",
        ],
        notes="One unit j of the layer over a batch of m = 3 samples: z_i = wᵀx_i + b (w the "
        "unit's weight row, b its bias) and s_i = wᵀx_i without the bias. The batch mean "
        "shifts by b, and every normalized output γ ẑ_i + β is the same with and without b.",
    ),
    claim(
        "cosc2779/l2/weight-decay-update",
        "Gradient descent on L + (λ/2)‖w‖² with rate α: w ← (1 - αλ) w - α ∂L/∂w",
        source="003 Q7",
        let={"w": "vector(n)"},
        assume=["alpha > 0", "lambda > 0"],
        statement=f"{DECAY_STEP} = (1 - alpha lambda) w - alpha grad(L(w), w)",
        notes="L is any smooth loss of w.",
    ),
    claim(
        "cosc2779/l2/weight-decay-update-missing-rate",
        "w ← (1 - αλ) w - ∂L/∂w (as written in the solution) is gradient descent on L + (λ/2)‖w‖²",
        source="003 Q7",
        let={"w": "vector(n)"},
        assume=["alpha > 0", "lambda > 0"],
        statement=f"{DECAY_STEP} = (1 - alpha lambda) w - grad(L(w), w)",
        expect="refuted",
        notes="The rate α is missing from the gradient term: the two agree only when α = 1 "
        "(or ∇L = 0).",
    ),
    claim(
        "cosc2779/bias-variance/ridge",
        "Ridge regression: a larger λ increases the squared bias and decreases the variance",
        source="003 Q8(a)",
        let={"w": "vector(n)", "epsilon": "random vector(n) ~ Normal(0, s)", "s": "positive"},
        assume=["lambda > 0"],
        where={
            "X": "I",
            "y": "X w + epsilon",
            "w_hat": "(transpose(X) X + lambda I)^(-1) transpose(X) y",
            "bias2": "norm(E[w_hat] - w)^2",
            "variance": "E[norm(w_hat - E[w_hat])^2]",
        },
        statement=[
            "bias2 = lambda^2 / (1 + lambda)^2 norm(w)^2",
            "variance = n s^2 / (1 + lambda)^2",
            "diff(bias2, lambda) >= 0",
            "diff(variance, lambda) <= 0",
        ],
        notes="Fixed orthonormal design (XᵀX = I), written X = I: for any X with orthonormal "
        "columns Xᵀε has the same law N(0, s²I), so the estimator's law is the same. The noise "
        "ε has i.i.d. N(0, s²) entries, w_hat is the ridge estimator (XᵀX + λI)⁻¹Xᵀy, its "
        "squared bias ‖E[w_hat] - w‖² and its variance E‖w_hat - E[w_hat]‖² (the trace of "
        "its covariance) are derived in closed form, and their derivatives in λ have the "
        "claimed signs for every λ > 0.",
    ),
]
