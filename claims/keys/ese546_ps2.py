"""Answer key of ESE 546 (Principles of Deep Learning) Problem Set 2, answered by seed 004.

The problem set prints no points; these weigh the work each part asks for. Parts 1(a), 1(b),
1(d), 1(e), 6(b) and 6(d) ask for discussion or code, and Problem 5 is a notebook: they are
not part of this key.
"""

from derive.grading.key import key, question

FACTORS = {
    "X": "matrix(m, n)",
    "U": "matrix(m, r)",
    "Sigma": "matrix(r, r)",
    "V": "matrix(n, r)",
}

# Problem 2: the factorization loss f(A, B) = ‖X - AB‖_F² and its parameters.
PARAMETERS = {"A": "matrix(m, r)", "B": "matrix(r, n)"}
LOSS = {"f(A, B)": "norm(X - A B, F)^2"}

# Problem 3: a scale-invariant loss is l(w) = h(w/‖w‖) with h = l on the unit sphere, an
# arbitrary smooth function: every such l, and only those.
SCALE_INVARIANT = {"l(w)": "h(w / norm(w))"}

# Problem 3(b): the iterates of gradient descent on l and their directions.
GRADIENT_STEP = {
    "w_t": "w_{t-1} - eta grad(l(w_{t-1}), w_{t-1})",
    "v_t": "w_t / norm(w_t)",
}

# Problem 6: z^{t+1} = w_z z^t. ρ is the spectral radius; the solution also writes W_z.
LINEAR_RNN = {"w_z": "matrix(p, p)"}
SPECTRAL = {"rho(A)": "spectral_radius(A)", "W_z": "w_z"}

KEY = key(
    "ese546-ps2",
    "ESE 546 Problem Set 2: ResNet-18, matrix factorization, scale invariance, RNN gradients",
    source="004",
    questions=[
        question(
            "1c",
            3,
            title="Parameters of ResNet-18, per layer and in total",
            answer="11689512",
            answer_share=0.75,
            shows="ese546/resnet18/parameter-count",
            aliases=["Problem 1 (c)", "1(c)", "P1c"],
            notes="The total for 1000 classes; per layer conv1 9,408, bn1 128, layer1 147,968, "
            "layer2 525,568, layer3 2,099,712, layer4 8,393,728, fc 513,000. The drawing is "
            "not checked. The seed gives a figure (missing) and no counts.",
        ),
        question(
            "2a",
            2,
            title="f(A, B) = ‖X - AB‖_F² is not convex",
            let={"X": "matrix(m, n)", "A_prime": "matrix(m, r)"} | PARAMETERS,
            where=LOSS,
            assume=["0 <= theta <= 1"],
            shows="ese546/factorization/nonconvex",
            aliases=["Problem 2 (a)", "2(a)", "P2a"],
            notes="The answer is an argument (a chord below the graph, e.g. X = 1, (A, B) = "
            "(1, 1) and (-1, -1), midpoint (0, 0)): not checked as a final answer. Steps about "
            "f are checked. The seed's expansion of |X_ij - ...|² (with absolute values and "
            "a + sign) does not hold, and its conclusion is asserted rather than shown.",
        ),
        question(
            "2b",
            3,
            title="The global optimum from the SVD: A* = U_r, B* = Σ_r V_rᵀ",
            let=FACTORS | PARAMETERS,
            where=LOSS,
            shows="ese546/factorization/svd-optimum",
            aliases=["Problem 2 (b)", "2(b)", "P2b"],
            notes="With X = UΣVᵀ, A* = U_r and B* = Σ_r V_rᵀ (r leading singular triples) "
            "attain the minimum Σ_{i>r} σ_i² (Eckart–Young). The answer names factors of an "
            "SVD, which no context can compute symbolically, so it is not checked as a final "
            "answer; `A* = U` and `B* = ΣVᵀ` read as definitions (declaring A* here would "
            "check them as claims about every A*). The seed takes the SVD of a rank-r Y "
            "instead of X, a notational slip with U, V truncated to r columns.",
        ),
        question(
            "2c",
            2,
            title="The optimum is not unique: (A*R)(R⁻¹B*) = A*B* for invertible R",
            let=FACTORS | {"A_star": "matrix(m, r)", "B_star": "matrix(r, n)", "R": "matrix(r, r)"},
            answer=r"A^{\star} B^{\star} = A^{\star} R R^{-1} B^{\star}",
            answer_share=0.25,
            shows="ese546/factorization/non-unique",
            aliases=["Problem 2 (c)", "2(c)", "P2c"],
            notes="Any invertible r×r matrix R gives another optimum (A*R, R⁻¹B*), since the "
            "loss depends on A, B only through AB. The seed restricts R to permutation "
            "matrices, which is valid but needlessly narrow.",
        ),
        question(
            "3a",
            3,
            title="Scale invariance l(λw) = l(w) makes the gradient scale down: ∇l(λw) = ∇l(w)/λ",
            let={"w": "vector(p)", "lambda": "positive"},
            where=SCALE_INVARIANT | {"v": "lambda w"},
            answer="grad(l(v), v) = grad(l(w), w) / lambda",
            answer_share=0.25,
            shows="ese546/scale-invariance/gradient",
            aliases=["Problem 3 (a)", "3(a)", "P3a"],
            notes="∇l(λw) is the gradient of l at the point v = λw. The parsers do not "
            "differentiate with respect to an expression (dl(λw)/d(λw)), so a final answer "
            "in that notation is not checked. The seed's limit argument drops l(λw) for "
            "l(λΔw) in the difference quotient, though its conclusion is right.",
        ),
        question(
            "3b",
            4,
            title="Effective learning rate: v⁺ = v - (η/‖w‖²)(I - vvᵀ)∇l(v) + O(η²)",
            let={"w": "sequence of vector(p)", "v": "sequence of vector(p)", "eta": "positive"},
            where=SCALE_INVARIANT | GRADIENT_STEP,
            reads={"w": "w_t"},  # the question writes ‖w‖ for ‖w^t‖
            answer="v_{t+1} = v_t - eta / norm(w_t)^2 * (I - v_t transpose(v_t)) "
            "grad(l(v_t), v_t) + O(eta^2)",
            answer_share=0.25,
            shows="ese546/scale-invariance/effective-lr",
            aliases=["Problem 3 (b)", "3(b)", "P3b"],
            notes="w^t is the iterate of gradient descent w^{t+1} = w^t - η∇l(w^t) and v^t = "
            "w^t/‖w^t‖ its direction; equal up to O(η²) as η → 0. ∇l(v^t) is the gradient of "
            "l at the point v^t; a bare w (as in the question's ‖w‖) is w^t. The seed's expansion 1/(‖w‖ + O(η)) ≈ -(1 + ‖w‖ + O(η²))/O(η) "
            "is wrong; the result is asserted rather than derived.",
        ),
        question(
            "6a",
            4,
            title="Linear RNN: gradients explode when ρ(w_z) > 1 (and vanish iff ρ(w_z) < 1)",
            let=LINEAR_RNN,
            where=SPECTRAL,
            answer="rho(w_z) > 1",
            shows="ese546/rnn/spectral-radius",
            aliases=["Problem 6 (a)", "6(a)", "P6a"],
            notes="For z^{t+1} = w_z z^t the gradient involves the powers of w_z: ∂z^T/∂z^0 "
            "= w_z^T (ese546/rnn/linear-jacobian) and ∂l/∂w_z = Σ_t (w_zᵀ)^{T-1-t} ∇l(z^T) "
            "(z^t)ᵀ (ese546/rnn/linear-gradient). They vanish if and only if the spectral "
            "radius ρ(w_z) < 1, and grow exponentially when ρ(w_z) > 1. ‖w_z‖ < 1 is "
            "sufficient for vanishing (ese546/rnn/vanish-if-norm-below-one). The final answer "
            "compared is the explosion condition (one relation per answer). The key corrects "
            "the seed, which says ‖W_z‖₂ > 1 makes the gradient explode: W = [[0, 2], [0, 0]] "
            "has norm 2 and W² = 0 (ese546/rnn/explode-if-norm-above-one).",
        ),
        question(
            "6c",
            2,
            title="Gradient clipping protects the weights from exploding gradients",
            let={"g": "vector(p)", "eta": "positive", "tau": "positive"},
            shows="ese546/clipping/bounded-step",
            aliases=["Problem 6 (c)", "6(c)", "P6c"],
            notes="The answer is a method: rescale the gradient g ← g·min(1, τ/‖g‖) (or "
            "clip it by value), so that the step ‖ηg‖ ≤ ητ whatever g is. Several forms are "
            "right, so no final answer is compared; formulas written for g are checked. The "
            "seed describes clipping by norm in words; its remedy for vanishing gradients "
            "(adding a small bias to the gradients) is not a standard one.",
        ),
    ],
)
