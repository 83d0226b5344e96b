"""Answer key of the COSC2779 week-4 tutorial (optimization and regularization), seed 003.

The tutorial gives no points; these weigh the work each question asks for. Questions 2, 3, 6
and 8, and the first half of 4, ask for explanations and are not part of this key.
"""

from derive.grading.key import Answer, key, question

# Question 1's figure is missing. The network reconstructed from every number of the solution:
# input x = (1, 2), target 3, squared error, three ReLU hidden units with weight rows
# (w_11, w_12) = (2, 1), (w_21, w_22) = (-1, -1), (w_31, w_32) = (1, 2), output weights
# (w_1, w_2, w_3) = (-1, 1, 2), all biases 0: h = (4, 0, 5) and ŷ = 6.
# The weights are the elements of one sequence w (w_1, ..., w_32 are distinct parameters), so
# the generic update w_j ← w_j - 0.1 ∂L/∂w_j is about every one of them.
NETWORK = {
    "x_1": "1",
    "x_2": "2",
    "h_1": "relu(w_11 x_1 + w_12 x_2 + b_1)",
    "h_2": "relu(w_21 x_1 + w_22 x_2 + b_2)",
    "h_3": "relu(w_31 x_1 + w_32 x_2 + b_3)",
    "y_hat": "w_1 h_1 + w_2 h_2 + w_3 h_3 + b_o",
    "L": "(y_hat - 3)^2",
}
INITIAL = {
    "w_1": "-1",
    "w_2": "1",
    "w_3": "2",
    "b_o": "0",
    "w_11": "2",
    "w_12": "1",
    "b_1": "0",
    "w_21": "-1",
    "w_22": "-1",
    "b_2": "0",
    "w_31": "1",
    "w_32": "2",
    "b_3": "0",
}
GRADIENTS = {
    "w_1": "24",
    "w_2": "0",
    "w_3": "30",
    "b_o": "6",
    "w_11": "-6",
    "w_12": "-12",
    "b_1": "-6",
    "w_21": "0",
    "w_22": "0",
    "b_2": "0",
    "w_31": "12",
    "w_32": "24",
    "b_3": "12",
}

# Question 5: batch normalization of one feature j over a batch of m = 3 examples, each
# z^(i) = W^(l) x^(i) + b^(l) (one input feature, so W^(l) is a number). Written in LaTeX, as
# students write them: \mathbf{W}^{(l)} is the name W_(l), \hat{z}^{(i)} the element i of ẑ.
BATCH = {
    "m": "3",
    "z_i": r"\mathbf{W}^{(l)} x_i + \mathbf{b}^{(l)}",
    "mu_j": "Sum(z_k, (k, 1, m)) / m",
    "sigma_j": "sqrt(Sum((z_k - mu_j)^2, (k, 1, m)) / m)",
    r"\hat{z}_i": "(z_i - mu_j) / sqrt(sigma_j^2 + epsilon)",
}
NO_BIAS = (
    r"\hat{z}^{(i)} = \frac{\mathbf{W}^{(l)} \mathbf{x}^{(i)} - \frac{1}{m} \sum_{k=1}^{m} "
    r"\mathbf{W}^{(l)} \mathbf{x}^{(k)}}{\sqrt{\sigma_j^2 + \epsilon}}"
)

KEY = key(
    "cosc2779-week4",
    "COSC2779 Deep Learning, tutorial week 4: optimization and regularization",
    source="003",
    questions=[
        question(
            "1",
            4,
            title="One step of gradient descent on a small ReLU network (reconstructed figure)",
            let={"w": "sequence", "j": "positive integer"},
            where=NETWORK,
            facts=[f"{name} = {value}" for name, value in INITIAL.items()],
            answer=Answer("w_j - 0.1 diff(L, w_j)", "w_j"),
            answer_share=0.25,
            shows="cosc2779/backprop/gradients",
            aliases=["Question 1", "Q1"],
            notes="The figure is missing; the network is reconstructed from the solution's "
            "numbers (h = (4, 0, 5), ŷ = 6, L = (ŷ - 3)² = 9). The initial weights are granted "
            "facts, applied after differentiating, so each gradient a student writes "
            "(∂L/∂w_1 = 24, ∂L/∂w_2 = 0, ∂L/∂w_3 = 30, ∂L/∂b_o = 6, ∂L/∂w_11 = -6, "
            "∂L/∂w_12 = -12, ∂L/∂b_1 = -6, ∂L/∂w_21 = ∂L/∂w_22 = ∂L/∂b_2 = 0, ∂L/∂w_31 = 12, "
            "∂L/∂w_32 = 24, ∂L/∂b_3 = 12) is checked as a step. The final answer is the "
            "update, an answer for w_j compared by its value: the key corrects the seed's "
            "w_j ← w_j + 0.1 ∂L/∂w_j, which climbs the loss (cosc2779/backprop/update-sign), "
            "to gradient descent w_j ← w_j - 0.1 ∂L/∂w_j (for w_1: -1 - 2.4 = -3.4).",
        ),
        question(
            "4",
            2,
            title="tanh is a scaled and shifted sigmoid: tanh(z) = 2σ(2z) - 1",
            let={"sigma": "sigmoid"},
            answer="tanh(z) = 2 sigma(2 z) - 1",
            shows="cosc2779/activations/tanh-sigmoid",
            aliases=["Question 4", "Q4"],
            notes="The first half (saturated units: σ'(z) is small for large |z|, and tanh "
            "saturates too) is prose and not checked.",
        ),
        question(
            "5",
            2,
            title="Batch normalization after an affine layer cancels its bias",
            let={"x": "sequence", "z": "sequence", "z_hat": "sequence", "epsilon": "positive"},
            where=BATCH,
            answer=NO_BIAS,
            answer_share=0.25,
            shows="cosc2779/batchnorm/bias-cancels",
            aliases=["Question 5", "Q5"],
            notes="One feature j over a batch of m = 3 examples: the normalized value "
            "ẑ^(i) no longer depends on b^(l) (σ_j does not either), so the bias has no effect "
            "and increasing it changes nothing. The conclusion is prose. Names as the "
            "solution writes them: \\mathbf{W}^{(l)}, \\mathbf{x}^{(i)}, \\hat{z}^{(i)}, μ_j, σ_j.",
        ),
        question(
            "7",
            2,
            title="L2 regularization is weight decay: w ← (1 - αλ) w - α ∂L/∂w",
            let={"w": "vector(n)", "L": "function(w)", "alpha": "positive", "lambda": "positive"},
            answer=Answer("(1 - alpha lambda) w - alpha diff(L, w)", "w | w_new"),
            shows="cosc2779/l2/weight-decay-update",
            aliases=["Question 7", "Q7"],
            notes="Gradient descent with rate α on L + (λ/2)‖w‖². The key corrects the seed, "
            "whose update w ← (1 - αλ)w - ∂L/∂w drops the learning rate from the gradient "
            "term (cosc2779/l2/weight-decay-update-missing-rate): it is the right update only "
            "when α = 1. The update is an answer for w, compared by its value.",
        ),
    ],
)
