"""Answer key of Homework 4 (vanishing and exploding gradients), the questions seed 002 answers.

The seed is a student's solution without the questions; each part is worth 1 point, as the
solution's headings say ([1pt]). Part 1 considers an MLP with one unit per layer and weights 1
(h_k = act(h_{k-1}), h_0 = x the input), then an RNN-like chain h_{t+1} = tanh(W h_t) and
residual connections. The statements of 1.2.1 and later are reconstructed from the solution
(the seed does not contain them). Vector sizes are named d, since n is the depth.
"""

from derive.grading.key import key, question

CHAIN = {"h": "sequence", "n": "positive integer"}
# The network is f(w) = h_n, and the PDF's conversion turned the input x into π: the seed
# writes ∂f(w)/∂π for ∂h_n/∂x.
CONVERTED = {"pi": "x"}

KEY = key(
    "hw4",
    "Homework 4: vanishing and exploding gradients",
    source="002",
    questions=[
        question(
            "1.1.1",
            1,
            title="Sigmoid: σ' ≤ 1/4, so |∂h_n/∂x| ≤ (1/4)^n and gradients vanish",
            let=CHAIN | {"sigma": "sigmoid"},
            where={"h_k": "sigma(h_{k-1})", "h_0": "x", "f(w)": "h_n"},
            reads=CONVERTED,
            answer="abs(diff(h_n, x)) <= (1/4)^n",
            shows="hw4/sigmoid/chain-bound",
            aliases=["1.1.1 Effect of Activation - Sigmoid", "Effect of Activation - Sigmoid"],
            notes="σ'(z) = e^{-z}/(1 + e^{-z})² (hw4/sigmoid/derivative), with maximum 1/4 at "
            "z = 0 (hw4/sigmoid/derivative-max) and infimum 0, never attained "
            "(hw4/sigmoid/derivative-inf). Layers are written h_k (h^k with a superscript "
            "reads as a power).",
        ),
        question(
            "1.1.2",
            1,
            title="Tanh: τ' ≤ 1, so |∂h_n/∂x| ≤ 1: gradients need not vanish or explode",
            let=CHAIN | {"tau": "tanh"},
            where={"h_k": "tau(h_{k-1})", "h_0": "x", "f(w)": "h_n"},
            reads=CONVERTED,
            answer="abs(diff(h_n, x)) <= 1",
            shows="hw4/tanh/chain-bound",
            aliases=["1.1.2 Effect of Activation - Tanh", "Effect of Activation - Tanh"],
            notes="τ is tanh: τ'(z) = 1 - τ(z)² = 4/(e^{2z} + 2 + e^{-2z}) "
            "(hw4/tanh/derivative), with maximum 1 at z = 0 (hw4/tanh/derivative-max).",
        ),
        question(
            "1.2.1",
            1,
            title="Gradient through an RNN h_{t+1} = tanh(W h_t) with ‖W‖ = 1/2 (reconstructed)",
            let={
                "tau": "tanh",
                "W": "matrix(d, d)",
                "h": "sequence of vector(d)",
                "n": "positive integer",
                "x": "vector(d)",
            },
            where={"h_t": "tau(W h_{t-1})", "h_1": "x"},
            assume=["norm(W) = 1/2"],
            answer="norm(diff(h_n, h_1)) <= (1/2)^(n-1)",
            aliases=["1.2.1 Gradient through RNN", "Gradient through RNN"],
            notes="Reconstructed: the chain h_{t+1} = tanh(W h_t) with largest singular value "
            "σ_max(W) = ‖W‖ = 1/2; the question asks for a bound on σ_max(∂h_n/∂h_1). Each "
            "factor ∂h_{t+1}/∂h_t = diag(τ'(W h_t)) W has norm at most 1/2, so the bound is "
            "(1/2)^(n-1), attained at h_1 = 0 when 2W is orthogonal. The key corrects the "
            "seed: its derivative of tanh, 4/(e^{2h+2} + e^{-2h}), is mistyped (the tanh "
            "derivative is 4/(e^{2h} + 2 + e^{-2h}); hw4/tanh/derivative-typo refutes it at 0) "
            "and its bound (1/2)^n is one factor too small. ‖W‖ = 1/2 is granted: every "
            "counterexample keeps it.",
        ),
        question(
            "1.2.3",
            1,
            title="Benefits of residual connections (reconstructed)",
            aliases=["1.2.3 Benefits of Residual Connections", "Benefits of Residual Connections"],
            notes="An argument from the bounds of 1.2.2 (with a residual connection the "
            "one-step Jacobian stays near or above 1, so the product does not vanish but may "
            "still explode): prose, not checked. The question is not in the seed.",
        ),
        question(
            "1.3.2",
            1,
            title="Batch normalization and ResNet: which block is easier to learn",
            let={"h": "sequence"},
            where={"h_k": "h_{k-1} + F(h_{k-1})"},
            aliases=["1.3.2 Batch Normalization and ResNet", "Batch Normalization and ResNet"],
            notes="The answer names one of two architectures in a figure the seed lacks: not "
            "checked. The supporting step, ∂h_k/∂h_{k-1} = 1 + F'(h_{k-1}) for a residual "
            "block h_k = h_{k-1} + F(h_{k-1}) (hw4/residual/jacobian), is checked in this "
            "context, F being any differentiable block (scalar units, as in part 1).",
        ),
    ],
)
