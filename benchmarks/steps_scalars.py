"""Templates of the keyless-steps fuzzer about scalars: activations, a linear layer, chain
rules through defined intermediates, and adversarial documents (a name defined in prose
only, a letter reused, an input the prose makes depend on the variable).

Letters are drawn from pools that include the ones a reader might mistake for functions
(f, g, h) or constants (e); a definition fixes what each means.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath

from benchmarks.steps_oracle import Claim, Doc, Values, apply_fixed, d, number
from benchmarks.steps_vectors import _prose, key

Fn = Callable[[Values], tuple[Any, Any]]
FIXED = "fixed"


def times(c: Fraction, x: str) -> str:
    """c·x as written: `x`, `-x`, `2 x`, `\\frac{1}{2} x`."""
    if c == 1:
        return x
    if c == -1:
        return f"-{x}"
    if c.denominator == 1:
        return f"{c.numerator} {x}"
    return f"{'-' if c < 0 else ''}\\frac{{{abs(c.numerator)}}}{{{c.denominator}}} {x}"


def _scalars(*names: str) -> Callable[..., Values]:
    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        return apply_fixed({name: number(rng, -3, 3) for name in names}, fixed)

    return sample


def _claims(rng: random.Random, pool: list[tuple[str, Fn, str]], low: int, high: int,
            readings: tuple[str, ...] = (FIXED,)) -> list[Claim]:  # fmt: skip
    chosen = rng.sample(pool, min(len(pool), rng.randint(low, high)))
    return [Claim(t, dict.fromkeys(readings, f), _prose(rng), (), "", k) for t, f, k in chosen]


def _derivative(rng: random.Random, out: str, var: str) -> str:
    if rng.random() < 0.5:
        return f"\\frac{{\\partial {out}}}{{\\partial {var}}}"
    return rng.choice([f"\\frac{{d {out}}}{{d {var}}}", f"\\frac{{d{out}}}{{d{var}}}"])


def activation(rng: random.Random) -> Doc:
    """s = sigmoid(c x) or h = tanh(c x), defined on a display, in a "where $s = ...$", via
    "$\\sigma$ is the sigmoid", or in words only ("$s$ is the sigmoid of $x$"); its
    derivative, right (written several ways: `s(1 - s)`, `s (1 - s)`, `(1 - s) s`) and
    perturbed. One reading: the definition the document states."""
    tanh = rng.random() < 0.4
    out = rng.choice(["s", "g", "h", "f", "q", "a", "y"])
    x = rng.choice(["x", "u", "v", "t", "z"])
    c = rng.choice(
        [Fraction(1), Fraction(1), Fraction(2), Fraction(3), Fraction(-1), Fraction(1, 2)]
    )
    how = rng.choice(["display", "display", "sigma", "where", "words"])
    if how == "words":
        c = Fraction(1)
    cx, cm, xk = times(c, x), times(-c, x), key(x)
    cc = mpmath.mpf(c.numerator) / c.denominator
    f = (
        (lambda v: mpmath.tanh(cc * v[xk]))
        if tanh
        else (lambda v: 1 / (1 + mpmath.exp(-cc * v[xk])))
    )
    D = _derivative(rng, out, x)
    lhs = lambda v: d(f, v, xk)  # noqa: E731
    F = lambda text, rhs, kind: (f"{D} = {text}", lambda v: (lhs(v), rhs(v)), kind)  # noqa: E731
    if tanh:
        body = rng.choice(
            [f"\\tanh({cx})", f"\\frac{{e^{{{cx}}} - e^{{{cm}}}}}{{e^{{{cx}}} + e^{{{cm}}}}}"]
        )
        named = f"${out}$ is the hyperbolic tangent of ${x}$"
        right = lambda v: cc * (1 - f(v) ** 2)  # noqa: E731
        pool = [
            F(times(c, f"(1 - {out}^2)") if c != 1 else f"1 - {out}^2", right, "right"),
            F(times(c, f"(1 - {out})(1 + {out})"), right, "right (factored)"),
            F(times(c, f"(1 + {out}^2)"), lambda v: cc * (1 + f(v) ** 2), "sign"),
            F(times(c, f"(1 - {out})"), lambda v: cc * (1 - f(v)), "square dropped"),
            F(
                times(c, f"{out}(1 - {out})"),
                lambda v: cc * f(v) * (1 - f(v)),
                "sigmoid's derivative",
            ),
        ]
        if c != 1:
            pool.append(F(f"1 - {out}^2", lambda v: 1 - f(v) ** 2, "missing factor"))
    else:
        body = rng.choice([f"\\frac{{1}}{{1 + e^{{{cm}}}}}", f"(1 + e^{{{cm}}})^{{-1}}",
                           f"\\frac{{e^{{{cx}}}}}{{1 + e^{{{cx}}}}}"])  # fmt: skip
        named = f"${out}$ is the sigmoid of ${x}$"
        written = rng.choice([f"{out}(1 - {out})", f"{out} (1 - {out})", f"{out} \\cdot (1 - {out})",
                              f"(1 - {out}) {out}", f"({out} - {out}^2)"])  # fmt: skip
        right = lambda v: cc * f(v) * (1 - f(v))  # noqa: E731
        complement = lambda v: 1 / (1 + mpmath.exp(cc * v[xk]))  # noqa: E731
        pool = [
            F(times(c, written), right, "right"),
            F(times(c, f"{out}(1 + {out})"), lambda v: cc * f(v) * (1 + f(v)), "sign"),
            F(times(c, f"{out}^2"), lambda v: cc * f(v) ** 2, "square"),
            F(times(c, f"(1 - {out})"), lambda v: cc * (1 - f(v)), "factor dropped"),
            (f"1 - {out} = \\frac{{1}}{{1 + e^{{{cx}}}}}", lambda v: (1 - f(v), complement(v)),
             "right (complement)"),
            (f"1 - {out} = \\frac{{1}}{{1 + e^{{{cm}}}}}", lambda v: (1 - f(v), f(v)),
             "sign (complement)"),
        ]  # fmt: skip
        if c != 1:
            pool.append(F(written, lambda v: f(v) * (1 - f(v)), "missing factor"))
    parts: list[str | Claim] = []
    if how == "sigma":
        fn = "\\tanh" if tanh else "\\sigma"
        parts.append("where $\\sigma$ is the sigmoid." if not tanh else "A tanh unit.")
        parts.append(Claim(f"{out} = {fn}({cx})"))
        if not tanh:
            sx = f"\\sigma({cx})"
            pool.append(F(times(c, f"{sx}(1 - {sx})"), right, "right (in sigma)"))
    elif how == "where":
        words = rng.choice(["We use the unit, where", "Consider the unit, where", "Let"])
        parts.append(f"{words} ${out} = {body}$.")
    elif how == "words":
        parts.append(f"Here {named}.")
    else:
        parts += ["We define", Claim(f"{out} = {body}")]
    parts += _claims(rng, pool, 2, 4)
    return Doc(f"activation/{'tanh' if tanh else 'sigmoid'}/{how}", tuple(parts), _scalars(xk),
               readings_note="one: the stated definition")  # fmt: skip


def linear(rng: random.Random) -> Doc:
    """z = w x + b with scalar letters, optionally a loss L = ½(z - t)² or (z - t)²; the
    partials in x, w, b. Reading: the other inputs held fixed. Where the prose says "$b$
    depends on $x$", also the reading b = b(x) (any slope): a step is wrong only if wrong
    under both."""
    z, w, x, b = rng.choice([("z", "w", "x", "b"), ("y", "a", "x", "c"), ("o", "\\theta", "h", "b"),
                             ("u", "w", "v", "\\beta"), ("a", "w", "h", "b")])  # fmt: skip
    t = "t" if z != "t" else "r"
    depends = rng.random() < 0.2
    readings = (FIXED, "b depends on x") if depends else (FIXED,)
    zk, wk, xk, bk = (key(n) for n in (z, w, x, b))
    form = rng.choice(
        [f"{w} {x} + {b}", f"{b} + {w} {x}", f"{x} {w} + {b}", f"{w} \\cdot {x} + {b}"]
    )
    half = rng.random() < 0.5
    loss = rng.random() < 0.5

    def Z(v: Values) -> Any:  # b(x) = b + slope (x - x0) in the dependent reading
        return v[wk] * v[xk] + v[bk] + v.get("_slope", 0) * (v[xk] - v.get("_x0", v[xk]))

    def Lf(v: Values) -> Any:
        return (Z(v) - v["t"]) ** 2 / (2 if half else 1)

    def at(v: Values) -> Values:  # the dependent reading's b(x) is anchored at the point
        return {**v, "_x0": v[xk]}

    D = lambda fn, var: lambda v: d(fn, at(v), var)  # noqa: E731
    pool: list[tuple[str, Fn, str]] = [
        (f"{_derivative(rng, z, x)} = {w}", lambda v: (D(Z, xk)(v), v[wk]), "right (x)"),
        (f"{_derivative(rng, z, w)} = {x}", lambda v: (D(Z, wk)(v), v[xk]), "right (w)"),
        (f"{_derivative(rng, z, b)} = 1", lambda v: (D(Z, bk)(v), 1), "right (b)"),
        (f"{_derivative(rng, z, x)} = {x}", lambda v: (D(Z, xk)(v), v[xk]), "swapped (x)"),
        (f"{_derivative(rng, z, w)} = {w}", lambda v: (D(Z, wk)(v), v[wk]), "swapped (w)"),
        (f"{_derivative(rng, z, b)} = 0", lambda v: (D(Z, bk)(v), 0), "zero (b)"),
        (f"{_derivative(rng, z, x)} = {w} + {b}", lambda v: (D(Z, xk)(v), v[wk] + v[bk]), "bias kept"),
        (f"{_derivative(rng, z, x)} = 0", lambda v: (D(Z, xk)(v), 0), "zero (x)"),
    ]  # fmt: skip
    two = "" if half else "2 "
    if loss:
        pool += [
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = {two}({z} - {t}) {x}",
             lambda v: (d(Lf, at(v), wk), (2 - half) * (Z(v) - v["t"]) * v[xk]), "right (loss, w)"),
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = {two}({z} - {t})",
             lambda v: (d(Lf, at(v), wk), (2 - half) * (Z(v) - v["t"])), "input dropped (loss)"),
            (f"\\frac{{\\partial L}}{{\\partial {b}}} = {two}({z} - {t})",
             lambda v: (d(Lf, at(v), bk), (2 - half) * (Z(v) - v["t"])), "right (loss, b)"),
            (f"\\frac{{\\partial L}}{{\\partial {x}}} = {two}({z} - {t}) {w}",
             lambda v: (d(Lf, at(v), xk), (2 - half) * (Z(v) - v["t"]) * v[wk]), "right (loss, x)"),
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = {'2 ' if half else ''}({z} - {t}) {x}",
             lambda v: (d(Lf, at(v), wk), (1 + half) * (Z(v) - v["t"]) * v[xk]), "factor 2 (loss)"),
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = {two}({t} - {z}) {x}",
             lambda v: (d(Lf, at(v), wk), (2 - half) * (v["t"] - Z(v)) * v[xk]), "sign (loss)"),
        ]  # fmt: skip

    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        v = apply_fixed({name: number(rng, -3, 3) for name in (wk, xk, bk, "t")}, fixed)
        v.pop(zk, None)
        slope = number(rng, -3, 3) if reading != FIXED else mpmath.mpf(0)
        v["_slope"] = slope if slope or reading == FIXED else mpmath.mpf(1)
        return v

    intro = rng.choice(["A linear layer:", "One neuron, with scalar weight and bias:", "We have"])
    if depends:
        intro = f"A linear layer, where ${b}$ depends on ${x}$:"
    parts: list[str | Claim] = [intro, Claim(f"{z} = {form}")]
    if loss:
        scale = "\\frac{1}{2}" if half else ""
        parts += ["with the loss", Claim(f"L = {scale}({z} - {t})^2")]
    parts += _claims(rng, pool, 2, 4, readings)
    return Doc(f"linear{'/dependent' if depends else ''}", tuple(parts), sample,
               readings_note=" and ".join(readings))  # fmt: skip
