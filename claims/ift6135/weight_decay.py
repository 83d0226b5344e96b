"""Weight decay and L2 regularization with SGD and Adam (001 Q3.1-Q3.3).

The two Adam variants are simulated with `derive.toolkit.optimizers` (Deep Learning book
Algorithm 8.7): exactly, with sympy numbers, where a difference or an equality must be
confirmed beyond rounding; in floating point where the claim is a comparison of sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from derive import claim
from derive.claim import Outcome, Property
from derive.toolkit.optimizers import AdamHyper, adam_direction, run_adam

R = sp.Rational
THETA = {"theta": "vector(n)", "L": "function(theta)"}


# --- Adam-L2 against AdamW with λ = 2γ: exact iterates on a small quadratic -------------

QuadraticCase = tuple[tuple[int, ...], tuple[Any, ...], AdamHyper, Any]  # curvatures, θ0, hyper, γ


def _hyper(eps: Any) -> AdamHyper:
    return AdamHyper(eps=eps, rho1=R(9, 10), rho2=R(999, 1000), delta=R(1, 10**8))


def _is_nonzero(x: sp.Expr) -> bool:
    """Exactly: rationals directly, other algebraic numbers by their minimal polynomial."""
    if x.is_Rational:
        return x != 0
    z = sp.Symbol("z")
    return sp.minimal_polynomial(x, z) != z


def _decimals(thetas: list[tuple[Any, ...]]) -> str:
    return "; ".join(
        "(" + ", ".join(f"{float(sp.N(v, 30)):.9g}" for v in th) + ")" for th in thetas
    )


def _l2_vs_adamw(case: QuadraticCase, steps: int = 3) -> Outcome:
    """Both runs from the same θ0 on L = ½ Σ a_i θ_i²; the claim fails at the first step
    whose iterates differ, confirmed exactly."""
    a, theta0, hyper, gamma = case

    def grad(theta: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(ai * p for ai, p in zip(a, theta, strict=True))

    l2 = [s.theta for s in run_adam(theta0, grad, hyper, steps, l2=gamma)]
    adamw = [s.theta for s in run_adam(theta0, grad, hyper, steps, decay=2 * gamma)]
    loss = "½(" + " + ".join(f"{ai} θ{i + 1}²" for i, ai in enumerate(a)) + ")"
    values = [
        ("L(θ)", loss),
        ("θ0", str(theta0)),
        ("ε, ρ1, ρ2, δ", f"{hyper.eps}, {hyper.rho1}, {hyper.rho2}, {hyper.delta}"),
        ("γ (Adam-L2)", str(gamma)),
        ("λ = 2γ (AdamW)", str(2 * gamma)),
        (f"Adam-L2 θ1..θ{steps}", _decimals(l2[1:])),
        (f"AdamW θ1..θ{steps}", _decimals(adamw[1:])),
    ]
    for k in range(1, steps + 1):
        for i, (x, y) in enumerate(zip(l2[k], adamw[k], strict=True)):
            if _is_nonzero(sp.expand(x - y)):
                values.append(("first difference", f"step {k}, coordinate {i + 1}"))
                return Outcome(
                    False,
                    tuple(values),
                    lhs=f"Adam-L2 θ{k}[{i + 1}] = {x if x.is_Rational else sp.N(x, 20)}",
                    rhs=f"AdamW θ{k}[{i + 1}] = {y if y.is_Rational else sp.N(y, 20)}",
                )
    return Outcome(True, tuple(values))


def _quadratic_simple() -> list[QuadraticCase]:
    return [((1, 4), (R(1), R(-1, 2)), _hyper(R(1, 10)), R(1, 10))]


def _quadratic_draw(rng: np.random.Generator) -> QuadraticCase:
    n = int(rng.integers(1, 3))
    a = tuple(int(x) for x in rng.integers(1, 6, size=n))
    theta0 = tuple(R(int(x), 4) for x in rng.choice([-8, -4, -2, -1, 1, 2, 4, 8], size=n))
    eps = R(1, int(rng.choice([10, 100, 1000])))
    return a, theta0, _hyper(eps), R(1, int(rng.choice([10, 100])))


# --- Adam-L2 shrinks parameters with small gradients more: a floating-point simulation ----

SCALES = (1e-3, 1e-3, 1.0, 1.0)  # two parameters per group: small and large gradients


def _favours_small(instance: dict[str, Any]) -> Outcome:
    """Adam and Adam-L2 on the same gradient stream c_i ξ_{k,i} (zero mean, so without
    regularization θ stays near θ0); the regularization's effect on parameter i is
    (|θ_i^Adam| - |θ_i^L2|) / |θ_i(0)| after K steps."""
    theta0, stream, hyper, gamma = (instance[k] for k in ("theta0", "stream", "hyper", "gamma"))
    steps = len(stream)
    plain = run_adam(theta0, stream, hyper, steps)[-1].theta
    l2 = run_adam(theta0, stream, hyper, steps, l2=gamma)[-1].theta
    shrink = [(abs(p) - abs(q)) / abs(t0) for p, q, t0 in zip(plain, l2, theta0, strict=True)]
    small = [s for s, c in zip(shrink, SCALES, strict=True) if c < 1]
    large = [s for s, c in zip(shrink, SCALES, strict=True) if c == 1]
    return Outcome(
        min(small) > max(large),
        (
            ("θ0", ", ".join(f"{t:.3g}" for t in theta0)),
            ("gradient scales", ", ".join(map(str, SCALES))),
            ("ε, γ, K", f"{float(hyper.eps):.3g}, {gamma:.3g}, {steps}"),
            ("relative shrinkage", ", ".join(f"{s:.3g}" for s in shrink)),
        ),
        lhs=f"min shrinkage, small gradients = {min(small):.3g}",
        rhs=f"max shrinkage, large gradients = {max(large):.3g}",
        exact=False,
    )


def _favours_draw(rng: np.random.Generator) -> dict[str, Any]:
    steps = int(rng.integers(20, 201))
    noise = rng.standard_normal((steps, len(SCALES)))
    return {
        "theta0": tuple(float(x) for x in rng.uniform(0.5, 2.0, 4) * rng.choice([-1, 1], 4)),
        "stream": [tuple(c * x for c, x in zip(SCALES, row, strict=True)) for row in noise],
        "hyper": AdamHyper(float(10 ** rng.uniform(-3, -2)), 0.9, 0.999, 1e-8),
        "gamma": float(10 ** rng.uniform(-3, -1)),
    }


# --- AdamW: the decay removes exactly λθ from every parameter, whatever its gradient ------


def _uniform(instance: tuple[tuple[Any, ...], list[tuple[Any, ...]], AdamHyper, Any]) -> Outcome:
    """AdamW and plain Adam on one gradient stream, exactly. Each AdamW step is
    θ_{k+1} = θ_k - d_k - (decoupled part); the claim is (decoupled part)/θ_k = λ for every
    k and i, where d_k = ε ŝ/(√r̂ + δ) is the step plain Adam takes on the same stream."""
    theta0, stream, hyper, lam = instance
    steps = len(stream)
    adamw = run_adam(theta0, stream, hyper, steps, decay=lam)
    plain = run_adam(theta0, stream, hyper, steps)
    values = (
        ("θ0", str(theta0)),
        ("gradients", str(stream)),
        ("ε, λ", f"{hyper.eps}, {lam}"),
    )
    for k in range(steps):
        direction = adam_direction(plain[k + 1], hyper)
        for i, (before, after, d) in enumerate(
            zip(adamw[k].theta, adamw[k + 1].theta, direction, strict=True)
        ):
            decoupled = before - d - after
            residual = sp.expand(decoupled - lam * before)
            if residual != 0 and _is_nonzero(residual):
                return Outcome(
                    False,
                    (*values, ("step", str(k + 1)), ("coordinate", str(i + 1))),
                    lhs=f"(decoupled part)/θ = {sp.N(decoupled / before, 20)}",
                    rhs=f"λ = {lam}",
                )
    return Outcome(True, values, lhs="(decoupled part)/θ_k = λ at every step", rhs=f"λ = {lam}")


def _uniform_draw(
    rng: np.random.Generator,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], AdamHyper, Any]:
    scales = (R(1, 1000), R(1, 1000), R(1), R(1))
    stream = [
        tuple(c * R(int(x), 8) for c, x in zip(scales, rng.integers(-16, 17, 4), strict=True))
        for _ in range(int(rng.integers(1, 5)))
    ]
    theta0 = tuple(R(int(x), 4) for x in rng.choice([-8, -3, -1, 1, 2, 5], 4))
    lam = R(1, int(rng.choice([10, 100, 1000])))
    return theta0, stream, _hyper(R(1, int(rng.choice([10, 100, 1000])))), lam


CLAIMS = [
    claim(
        "ift6135/wd/sgd-equivalence",
        "SGD with weight decay θ ← θ - η∇L + λθ is SGD on L + γ‖θ‖² when λ = -2ηγ",
        source="001 Q3.1",
        let=THETA,
        where={"lambda": "-2 eta gamma"},
        statement="theta - eta grad(L, theta) + lambda theta "
        "= theta - eta grad(L + gamma norm(theta)^2, theta)",
        notes="∇L stands for the minibatch gradient (1/m) ∂Σ_j L_j/∂θ; L is an arbitrary "
        "function of θ. Note the sign: decay needs λ < 0 in the question's form.",
    ),
    claim(
        "ift6135/wd/adam-l2-gradient",
        "Adam with L2 regularization changes only the gradient line: g ← ∇L + 2γθ",
        source="001 Q3.2",
        let=THETA,
        statement="grad(L + gamma norm(theta)^2, theta) = grad(L, theta) + 2 gamma theta",
        notes="Only the gradient line of Algorithm 8.7 refers to the loss; the moment, "
        "bias-correction and update lines are unchanged, so this is the one-line change.",
    ),
    claim(
        "ift6135/wd/adam-l2-equals-adamw",
        "Adam-L2 with coefficient γ and AdamW with λ = 2γ produce the same iterates",
        source="001 Q3.3",
        expect="refuted",
        check=Property(
            test=_l2_vs_adamw,
            simple=_quadratic_simple,
            draw=_quadratic_draw,
            trials=20,
            exact=True,
            method="exact simulation",
            describe="3 steps of each on L = ½ Σ a_i θ_i², sympy exact arithmetic",
        ),
        notes="The equivalence of Q3.1 holds for SGD only: Adam divides the L2 term 2γθ by "
        "√r̂ along with ∇L, while AdamW subtracts λθ outside the moments. With λ = 2εγ "
        "they differ as well (same first-step computation).",
    ),
    claim(
        "ift6135/wd/adam-l2-favours-small-gradients",
        "Under Adam-L2, parameters with small gradients are shrunk more (relative to their size)",
        source="001 Q3.3(a)",
        check=Property(
            test=_favours_small,
            draw=_favours_draw,
            trials=40,
            method="simulation",
            describe="Adam vs Adam-L2 on a shared zero-mean gradient stream with scales "
            "1e-3 and 1, ε ∈ [1e-3, 1e-2], γ ∈ [1e-3, 1e-1], 20-200 steps",
        ),
        notes="The effect of the regularization is measured against plain Adam on the same "
        "gradient stream. The L2 gradient 2γθ is normalized by √r̂, which is small where "
        "∇L is small, so those parameters move by up to ε per step towards 0. Floating point "
        "(the gaps are orders of magnitude, far above rounding).",
    ),
    claim(
        "ift6135/wd/adamw-uniform",
        "Under AdamW the decay removes λθ each step from every parameter, whatever its gradient",
        source="001 Q3.3(b)",
        check=Property(
            test=_uniform,
            draw=_uniform_draw,
            trials=30,
            exact=True,
            method="exact simulation",
            describe="AdamW vs plain Adam on a shared gradient stream with scales 1/1000 and 1, "
            "sympy exact arithmetic",
        ),
        notes="In 001's form Δθ = -(ε ŝ/(√r̂ + δ) + λθ) the relative shrinkage per step is λ "
        "(ηλ when the decay is written η λ θ, as in Loshchilov & Hutter). The moments see "
        "only ∇L, so the Adam part is the step plain Adam takes on the same gradients.",
    ),
]
