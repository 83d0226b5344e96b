"""Answer key of IFT6135 Assignment 2 (2021), the questions seed 001 answers.

Points are the assignment's: Question 1 (4-6-4), Question 2 (1-12-2-6) with the 12 points of
2.2 spread over its six parts a-f, Question 3 (2-3-4-4), Question 4 (4-6-6). Questions 1.3,
2.2f, 2.3, 2.4 and 3.3-3.4 ask for discussion (or rest on a figure the seed lacks) and are
not part of this key.
"""

from derive.grading.key import Answer, key, question
from derive.model.types import Function

RNN = {
    "h": "sequence of vector(n)",
    "g": "sequence of vector(n)",
    "x": "sequence of vector(m)",
    "W": "matrix(n, n)",
    "U": "matrix(n, m)",
    "b": "vector(n)",
    "sigma": Function(elementwise=True),
}
RECURRENT_UNIT = {"h_t": "W sigma(h_{t-1}) + U x_t + b"}

# Q3: θ is the weight vector and L(f(x, θ), y) the loss of one example, an arbitrary function
# of its two arguments, as the question writes it. 3.1 differentiates with respect to θ_i,
# the current iterate: θ_i is the variable and θ names the same vector. Adam (3.2) writes
# ∇_θ L with L a function of θ.
ITERATE = {"theta_i": "vector(n)", "eta": "positive"}
L_REG = {"theta": "theta_i", "L_reg(a, b)": "L(a, b) + gamma norm(theta)^2"}
WEIGHTS = {"theta": "vector(n)", "L": "function(theta)", "eta": "positive"}

DECODING = {"N": "positive integer", "T": "positive integer"}

# Q4.2-4.3: w := γ u/‖u‖, the weight-normalized parameterization.
WEIGHT_NORM = {"u": "vector(n)", "gamma": "positive"}

# 4.1: the statistics of the 4 × 2 × 3 tensor (batch, channel, feature), variances biased:
# batch statistics per channel, layer statistics per sample, instance statistics per sample
# and channel (rows are samples).
STATISTICS = [
    ("mu_batch", "[5/2, 31/12]"),
    ("sigma_batch^2", "[7/12, 155/144]"),
    ("mu_layer", "[2, 3, 5/2, 8/3]"),
    ("sigma_layer^2", "[2/3, 2/3, 5/4, 2/9]"),
    ("mu_instance", "[[2, 2], [8/3, 10/3], [8/3, 7/3], [8/3, 8/3]]"),
    ("sigma_instance^2", "[[2/3, 2/3], [2/9, 8/9], [8/9, 14/9], [2/9, 2/9]]"),
]
# μ_{Inst} is how 001 (and many students) write the instance statistics.
SPELLINGS = {
    "mu_instance": "mu_instance | mu_inst",
    "sigma_instance^2": "sigma_instance^2 | sigma_inst^2",
}

KEY = key(
    "ift6135-a2-2021",
    "IFT6135 Assignment 2 (2021): optimization, regularization and RNNs",
    source="001",
    questions=[
        question(
            "1.1",
            4,
            title="Induction step: g_t = σ(h_t)",
            let=RNN,
            where=RECURRENT_UNIT | {"g_t": "sigma(W g_{t-1} + U x_t + b)"},
            facts=["g_{t-1} = sigma(h_{t-1})"],
            answer="g_t = sigma(h_t)",
            quantity="g_t",
            shows="ift6135/rnn/induction-step",
            answer_share=0.25,
            aliases=["Question 1.1", "Q1.1"],
            notes="The induction hypothesis g_{t-1} = σ(h_{t-1}) is granted. σ is any "
            "activation applied elementwise.",
        ),
        question(
            "1.2",
            6,
            title="Vanishing gradients: ‖∂h_T/∂h_0‖ ≤ δ^T → 0",
            let=RNN | {"gamma": "positive"},
            where=RECURRENT_UNIT,
            assume=[
                "0 <= delta < 1",
                "lambda_max(transpose(W) W) <= delta^2/gamma^2",  # the question's hypotheses
                "norm(diff(sigma(h_{t-1}), h_{t-1})) <= gamma",
            ],
            shows="ift6135/rnn/vanishing-bound",
            aliases=["*1.2", "Question 1.2", "Q1.2"],
            notes="The question grants ‖Dσ‖ ≤ γ and λ1(WᵀW) ≤ δ²/γ²: a counterexample to a "
            "step must keep both, so a step that uses them (‖∂h_t/∂h_{t-1}‖ ≤ (δ/γ)·γ) is "
            "verified where points that keep them are found, and otherwise not checked "
            "('depends on the hypotheses'), never invalid. The final bound ‖∂h_T/∂h_0‖ ≤ δ^T "
            "is the library claim ift6135/rnn/vanishing-bound (simulated). T is left "
            "undeclared so that W^T still reads as a transpose.",
        ),
        question(
            "2.1",
            1,
            title="Number of sequences of length T+1 starting with <BOS>",
            let=DECODING,
            answer="N^T",
            shows="ift6135/decoding/sequence-count",
            answer_share=0.75,
            aliases=["Question 2.1", "Q2.1"],
        ),
        question(
            "2.2a",
            2,
            title="Viterbi recurrence δ_t(j) = max_i P_ij δ_{t-1}(i)",
            let=DECODING,
            shows="ift6135/decoding/viterbi-recurrence",
            aliases=["2.2.a", "2.2 a", "2.2(a)"],
            notes="The answer, δ_t(j) = max_i P_ij δ_{t-1}(i), is a maximum over an index, "
            "which the parsers do not read, so the final answer is not checked; the library "
            "claim checks the recurrence against brute force. 001 writes max_j ... with "
            "i = w_{t-1} (keep only the best predecessor), which "
            "ift6135/decoding/viterbi-recurrence-greedy refutes.",
        ),
        question(
            "2.2b",
            2,
            title="w*_T = argmax_j δ_T(j)",
            let=DECODING,
            shows="ift6135/decoding/viterbi-final",
            aliases=["2.2.b", "2.2 b", "2.2(b)"],
            notes="A statement about argmax, which the parsers do not read: not checked; "
            "the library claim checks it by brute force.",
        ),
        question(
            "2.2c",
            2,
            title="Backtracking: w*_t = a_{t+1}(w*_{t+1})",
            let=DECODING,
            shows="ift6135/decoding/viterbi-backpointers",
            aliases=["2.2.c", "2.2 c", "2.2(c)"],
            notes="A statement about argmax over paths: not checked; the library claim "
            "checks it by brute force. 001 gives no answer to this part.",
        ),
        question(
            "2.2d",
            2,
            title="Viterbi decoding: pseudo-code",
            aliases=["2.2.d", "2.2 d", "2.2(d)"],
            notes="The answer is pseudo-code: not checked.",
        ),
        question(
            "2.2e",
            2,
            title="Complexity of Viterbi decoding: O(T N²) time, O(T N) space",
            let=DECODING,
            shows="ift6135/decoding/viterbi-cost",
            aliases=["2.2.e", "2.2 e", "2.2(e)"],
            notes="The answer is in O notation (time O(T N²), space O(T N), against N^T "
            "sequences for enumeration), which the parsers do not read: not checked; the "
            "library claim counts the operations of a reference implementation.",
        ),
        question(
            "3.1",
            2,
            title="Weight decay θ ← θ - η∇L + λθ is SGD on L + γ‖θ‖² when λ = -2ηγ",
            let=ITERATE,
            where=L_REG,
            answer="lambda = -2 eta gamma",
            quantity="lambda",
            shows="ift6135/wd/sgd-equivalence",
            aliases=["Question 3.1", "Q3.1"],
            notes="L(f(x^(j), θ), y^(j)) is an arbitrary differentiable loss; the minibatch "
            "average (1/m) Σ_j does not change the argument. In the question's form the decay "
            "needs λ < 0.",
        ),
        question(
            "3.2",
            3,
            title="Adam with L2 regularization: the gradient line becomes g = ∇L + 2γθ",
            let=WEIGHTS,
            where={"L_reg": "L + gamma norm(theta)^2"},
            answer="grad(L, theta) + 2 gamma theta",
            quantity="g",
            shows="ift6135/wd/adam-l2-gradient",
            aliases=["Question 3.2", "Q3.2"],
            notes="Only the gradient line of Algorithm 8.7 changes: g ← ∇_θ(L + γ‖θ‖²) = "
            "∇L + 2γθ (L stands for the minibatch average (1/m) Σ_i L_i). The line itself is "
            "named in prose; the final answer checked is the new gradient.",
        ),
        question(
            "4.1",
            4,
            title="Batch, layer and instance statistics of a 4 × 2 × 3 tensor",
            answer=[
                Answer(f"{name} = {values}", SPELLINGS.get(name, name))
                for name, values in STATISTICS
            ],
            answer_share=0.75,
            shows="ift6135/norm/batch-stats",
            aliases=["Question 4.1", "Q4.1"],
            notes="Also ift6135/norm/layer-stats and ift6135/norm/instance-stats. "
            "Variances are biased (divide by N). Each statistic is a list: batch per "
            "channel, layer per sample, instance per sample and channel (row by row). Decimals "
            "are accepted at the precision written (0.66 and 0.67 for 2/3).",
        ),
        question(
            "4.2",
            6,
            title="Batch norm of a whitened input is the weight-normalized layer: ŷ = wᵀx + β",
            let=WEIGHT_NORM | {"x": "random vector(n) ~ whitened"},
            where={
                "w": "gamma u / norm(u)",
                "y": "transpose(u) x",
                "mu_y": "E[y]",
                "sigma_y": "sqrt(Var(y))",
                "y_hat": "gamma (y - mu_y) / sigma_y + beta",
            },
            answer="y_hat = transpose(w) x + beta",
            quantity="y_hat",
            shows="ift6135/norm/bn-weight-norm",
            answer_share=0.25,
            aliases=["Question 4.2", "Q4.2"],
            notes="The granted E[x] = 0 and Var(x) = I are carried by the declaration "
            "x ~ whitened. x is random: μ_y = E[uᵀx] = uᵀE[x] = 0 and σ_y² = uᵀ Var(x) u = "
            "‖u‖². 001 writes E(uᵀx) = uᵀx, which is false for a random x "
            "(ift6135/norm/mean-of-linear); its conclusion is right.",
        ),
        question(
            "4.3",
            6,
            title="∇_u L = s W⊥ ∇_w L with s = γ/‖u‖",
            let=WEIGHT_NORM | {"L": "function(w)"},
            where={"w": "gamma u / norm(u)", "W_perp": "I - u transpose(u) / norm(u)^2"},
            answer="grad(L, u) = gamma / norm(u) * W_perp grad(L, w)",
            shows="ift6135/norm/bn-grad-direction",
            answer_share=0.25,
            aliases=["Question 4.3", "Q4.3"],
            notes="s = γ/‖u‖. L(u, γ, β) depends on u only through w, so it is declared a "
            "function of w: the result then holds for every differentiable loss. The final "
            "answer is the gradient relation (a separate answer for s would be looked for in "
            "the same final relation).",
        ),
    ],
)
