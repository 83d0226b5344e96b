"""hw4: vanishing and exploding gradients (seed 002, a student's "Homework 4", Q1).

Q1.1 studies a chain of n single-unit layers with weights 1, h^k = act(h^{k-1}), for the
sigmoid (1.1.1) and tanh (1.1.2); Q1.3.2 the Jacobian of a residual block. In the
statements below the chain is the sequence h_k with h_0 = x (the input h^0): derive
differentiates with respect to a name, not yet with respect to an element of a
recurrence, so the input gets a name of its own.
"""

from derive import claim
from derive.claim import Extremum

SIGMOID_DEPTHS = range(1, 21)  # the chain bound is checked at every depth n = 1, ..., 20
TANH_DEPTHS = range(1, 21)

# Each step of 002 1.1.2, with τ written out as in the seed.
TANH_STEPS = (
    "diff(tau(z), z) = 1 - tau(z)^2"
    " = 1 - (exp(2z) - 2 + exp(-2z)) / (exp(2z) + 2 + exp(-2z))"
    " = (exp(2z) + 2 + exp(-2z) - exp(2z) + 2 - exp(-2z)) / (exp(2z) + 2 + exp(-2z))"
    " = 4 / (exp(2z) + 2 + exp(-2z))"
)


def _chain_bound(bound: str, depths: range) -> list[str]:
    """|d h_n / d x| <= bound^n at every depth n, as -bound^n <= d h_n / dx <= bound^n."""
    return [f"-({bound})^{n} <= diff(h_{n}, x) <= ({bound})^{n}" for n in depths]


CLAIMS = [
    claim(
        "hw4/sigmoid/derivative",
        "σ'(z) = e^{-z} / (1 + e^{-z})², by the chain rule as in the solution",
        source="002 Q1.1.1",
        statement=(
            "diff(sigmoid(z), z) = -1 / (1 + exp(-z))^2 * (-exp(-z)) = exp(-z) / (1 + exp(-z))^2"
        ),
    ),
    claim(
        "hw4/sigmoid/derivative-max",
        "max_z σ'(z) = 1/4, attained at z = 0",
        source="002 Q1.1.1",
        check=Extremum(expr="sigma'(z)", var="z", value="1/4", kind="max", at="0"),
    ),
    claim(
        "hw4/sigmoid/derivative-inf",
        "inf_z σ'(z) = 0, and it is not attained",
        source="002 Q1.1.1",
        check=Extremum(expr="sigma'(z)", var="z", value="0", kind="inf", attained=False),
        notes="The solution writes min σ'(z) = 0; σ' > 0 everywhere, so 0 is an infimum "
        "(the limit as z → ±∞), not a minimum.",
    ),
    claim(
        "hw4/sigmoid/chain-bound",
        "Sigmoid chain: |d h^n / d h^0| ≤ (1/4)^n, for n = 1, ..., 20",
        source="002 Q1.1.1",
        let={"h": "sequence"},
        where={"h_k": "sigmoid(h_{k-1})", "h_0": "x"},
        statement=_chain_bound("1/4", SIGMOID_DEPTHS),
        notes="h^k = σ(h^{k-1}) with h^0 = x. The derivative is the product "
        "Π σ'(h^{k-1}) of factors at most 1/4 (hw4/sigmoid/derivative-max); derive "
        "builds it by differentiating the unrolled chain at each depth and checks the "
        "bound over sampled inputs x.",
    ),
    claim(
        "hw4/tanh/derivative",
        "tanh'(z) = 1 - tanh(z)² = 4/(e^{2z} + 2 + e^{-2z}), each step of the solution",
        source="002 Q1.1.2",
        where={"tau(z)": "(exp(z) - exp(-z)) / (exp(z) + exp(-z))"},
        statement=["tau(z) = tanh(z)", TANH_STEPS],
        notes="τ is the solution's definition of tanh; the first statement says it is tanh.",
    ),
    claim(
        "hw4/tanh/derivative-typo",
        "tanh'(z) = 4/(e^{2z+2} + e^{-2z}), as written in the solution of 1.2.1",
        source="002 Q1.2.1",
        statement="diff(tanh(z), z) = 4 / (exp(2z + 2) + exp(-2z))",
        expect="refuted",
        notes="A typo for 4/(e^{2z} + 2 + e^{-2z}): the 2 moved into the exponent. At z = 0 "
        "the left side is 1 and the right side 4/(e² + 1).",
    ),
    claim(
        "hw4/tanh/derivative-max",
        "max_z tanh'(z) = 1, attained at z = 0",
        source="002 Q1.1.2",
        check=Extremum(expr="tanh'(z)", var="z", value="1", kind="max", at="0"),
    ),
    claim(
        "hw4/tanh/chain-bound",
        "Tanh chain: |d h^n / d h^0| ≤ 1, for n = 1, ..., 20",
        source="002 Q1.1.2",
        let={"h": "sequence"},
        where={"h_k": "tanh(h_{k-1})", "h_0": "x"},
        statement=_chain_bound("1", TANH_DEPTHS),
        notes="h^k = tanh(h^{k-1}) with h^0 = x; the bound is attained at x = 0, where every "
        "factor tanh'(0) is 1. Checked at every depth n = 1, ..., 20, as for the sigmoid.",
    ),
    claim(
        "hw4/residual/jacobian",
        "Residual block h_k = h_{k-1} + F(h_{k-1}): ∂h_k/∂h_{k-1} = I + ∂F/∂h_{k-1}",
        source="002 Q1.3.2",
        let={"x": "vector(n)", "c": "vector(n)"},
        where={"F(v)": "grad(G(v, c), c)", "y": "x + F(x)"},
        statement="diff(y, x) = I + diff(F(x), x)",
        numeric_sizes={"n": (1, 2, 3, 5)},
        notes="x is h_{k-1} and y is h_k. F is an arbitrary smooth map from R^n to R^n, "
        "written F(v) = ∇_c G(v, c) with G an undefined function: every smooth F has this "
        "form (take G(v, c) = cᵀF(v)), and derive has no declaration for a vector-valued "
        "undefined function.",
    ),
]
