"""Templates of the keyless-steps fuzzer: chain rules through defined intermediates, and
adversarial documents (a letter defined twice, σ both the sigmoid and a standard deviation,
e a quantity rather than Euler's number).

The oracle computes every side from the document's inputs; an intermediate's derivative
(∂h/∂u) is the derivative of its own definition at the point.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import mpmath

from benchmarks.steps_oracle import SIZE, Claim, Doc, Values, apply_fixed, d, number
from benchmarks.steps_scalars import _claims, _derivative, _scalars
from benchmarks.steps_vectors import key, partial

Fn = Callable[[Values], tuple[Any, Any]]


def _sig(t: Any) -> Any:
    return 1 / (1 + mpmath.exp(-t))


def _at(fn: Callable[[Any], Any], value: Any) -> Any:
    """fn'(value): the derivative of an intermediate's own definition."""
    return mpmath.diff(fn, value)


def chain(rng: random.Random) -> Doc:
    """u = w x + b, h = act(u) (sigmoid or tanh), optionally L = ½(h - t)²; partials of h
    and L in u, x, w through the definitions, right and perturbed (a factor dropped, a sum
    for a product). Reading: x, w, b, t inputs held fixed; u, h what their lines define."""
    u, h = rng.choice([("u", "h"), ("z", "a"), ("a", "h"), ("z_1", "h_1"), ("s", "g"), ("z", "y")])
    w, b = rng.choice([("w", "b"), ("w_1", "b_1"), ("\\theta", "c"), ("a", "b")] if u != "a"
                      else [("w", "b"), ("\\theta", "c")])  # fmt: skip
    x, t = "x", "t"
    wk, bk = key(w), key(b)
    tanh = rng.random() < 0.4
    act = mpmath.tanh if tanh else _sig
    if tanh:
        body, prime = f"\\tanh({u})", f"(1 - {h}^2)"
    else:
        body = rng.choice([f"\\sigma({u})", f"\\frac{{1}}{{1 + e^{{-{u}}}}}"])
        prime = f"{h}(1 - {h})"
    U = lambda v: v[wk] * v[x] + v[bk]  # noqa: E731
    H = lambda v: act(U(v))  # noqa: E731
    g = lambda v: _at(act, U(v))  # noqa: E731
    L = lambda v: (H(v) - v[t]) ** 2 / 2  # noqa: E731
    du = lambda top: _derivative(rng, top, u)  # noqa: E731
    dx = lambda top: _derivative(rng, top, x)  # noqa: E731
    dw = lambda top: _derivative(rng, top, w)  # noqa: E731
    p = lambda v: (1 - H(v) ** 2) if tanh else H(v) * (1 - H(v))  # noqa: E731 (as written)
    dhu = f"\\frac{{\\partial {h}}}{{\\partial {u}}}"
    dux = f"\\frac{{\\partial {u}}}{{\\partial {x}}}"
    pool: list[tuple[str, Fn, str]] = [
        (f"{du(h)} = {prime}", lambda v: (g(v), p(v)), "right (intermediate)"),
        (f"{du(h)} = {prime.replace('1 -', '1 +')}",
         lambda v: (g(v), (1 + H(v) ** 2) if tanh else H(v) * (1 + H(v))), "sign (intermediate)"),
        (f"{dx(h)} = {w} {prime}", lambda v: (d(H, v, x), v[wk] * p(v)), "right (x)"),
        (f"{dx(h)} = {prime}", lambda v: (d(H, v, x), p(v)), "weight dropped"),
        (f"{dw(h)} = {x} {prime}", lambda v: (d(H, v, wk), v[x] * p(v)), "right (w)"),
        (f"{dw(h)} = {w} {prime}", lambda v: (d(H, v, wk), v[wk] * p(v)), "swapped (w)"),
        (f"{dx(h)} = {dhu} {dux}", lambda v: (d(H, v, x), p(v) * v[wk]), "right (chain)"),
        (f"{dx(h)} = {dhu} + {dux}", lambda v: (d(H, v, x), p(v) + v[wk]), "sum for product"),
        (f"{dx(u)} = {w}", lambda v: (d(U, v, x), v[wk]), "right (linear)"),
    ]  # fmt: skip
    loss = rng.random() < 0.5
    if loss:
        pool += [
            (f"\\frac{{\\partial L}}{{\\partial {h}}} = {h} - {t}",
             lambda v: (_at(lambda s: (s - v[t]) ** 2 / 2, H(v)), H(v) - v[t]), "right (loss, h)"),
            (f"\\frac{{\\partial L}}{{\\partial {u}}} = ({h} - {t}) {prime}",
             lambda v: (_at(lambda s: (act(s) - v[t]) ** 2 / 2, U(v)), (H(v) - v[t]) * p(v)),
             "right (loss, u)"),
            (f"\\frac{{\\partial L}}{{\\partial {u}}} = {h} - {t}",
             lambda v: (_at(lambda s: (act(s) - v[t]) ** 2 / 2, U(v)), H(v) - v[t]),
             "activation dropped (loss)"),
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = ({h} - {t}) {prime} {x}",
             lambda v: (d(L, v, wk), (H(v) - v[t]) * p(v) * v[x]), "right (loss, w)"),
            (f"\\frac{{\\partial L}}{{\\partial {w}}} = ({t} - {h}) {prime} {x}",
             lambda v: (d(L, v, wk), (v[t] - H(v)) * p(v) * v[x]), "sign (loss, w)"),
        ]  # fmt: skip
    parts: list[str | Claim] = [
        "where $\\sigma$ is the sigmoid." if "sigma" in body else "A unit:",
        Claim(f"{u} = {w} {x} + {b}"),
        Claim(f"{h} = {body}"),
    ]
    if loss:
        parts += ["and the loss", Claim(f"L = \\frac{{1}}{{2}}({h} - {t})^2")]
    parts += _claims(rng, pool, 2, 4)
    aliases = {n: n for n in (wk, bk) if "_" in n}
    return Doc(f"chain/{'tanh' if tanh else 'sigmoid'}", tuple(parts), _scalars(x, wk, bk, t),
               aliases=aliases)  # fmt: skip


def adversarial(rng: random.Random) -> Doc:
    """One of: h defined as σ(z), then "Now let" h = tanh(z) (steps after it use the new
    meaning; the second line is a definition, never refuted); σ the sigmoid and σ² a
    variance in one document; e = y - t an error, not Euler's number; in a text that
    mentions the cross-entropy, a vector y that the prose says is any real vector (no
    label). One reading each: the one the document's words state."""
    return rng.choice([_redefined, _sigma_twice, _error_e, _not_a_label])(rng)


def _redefined(rng: random.Random) -> Doc:
    z = rng.choice(["z", "x", "u"])
    first = lambda v: d(lambda w: _sig(w[z]), v, z)  # noqa: E731
    second = lambda v: d(lambda w: mpmath.tanh(w[z]), v, z)  # noqa: E731
    s, th = (lambda v: _sig(v[z])), (lambda v: mpmath.tanh(v[z]))
    D = partial("h", z)
    before = [
        (f"{D} = h(1 - h)", lambda v: (first(v), s(v) * (1 - s(v))), "right (first)"),
        (f"{D} = 1 - h^2", lambda v: (first(v), 1 - s(v) ** 2), "later meaning"),
    ]
    after = [
        (f"{D} = 1 - h^2", lambda v: (second(v), 1 - th(v) ** 2), "right (latest)"),
        (f"{D} = h(1 - h)", lambda v: (second(v), th(v) * (1 - th(v))), "earlier meaning"),
        (f"h = \\tanh({z})", lambda v: (th(v), th(v)), "right (restated)"),
    ]
    parts: list[str | Claim] = [
        "Let $\\sigma$ be the sigmoid. First",
        Claim(f"h = \\sigma({z})"),
        *_claims(rng, before, 1, 1),
        "Now let",
        Claim(f"h = \\tanh({z})"),
        *_claims(rng, after, 1, 2),
    ]
    note = "one: each definition holds until the next"
    return Doc("adversarial/redefined", tuple(parts), _scalars(z), readings_note=note)


def _sigma_twice(rng: random.Random) -> Doc:
    S = "\\sqrt{\\sigma^2 + \\epsilon}"
    sd = lambda v: mpmath.sqrt(v["sigma"] ** 2 + v["eps"])  # noqa: E731
    xh = lambda v: (v["x"] - v["mu"]) / sd(v)  # noqa: E731
    hh = lambda v: _sig(xh(v))  # noqa: E731
    gp = lambda v: hh(v) * (1 - hh(v))  # noqa: E731
    X, MU = "\\hat{x}", "\\mu"
    pool: list[tuple[str, Fn, str]] = [
        (f"{partial(X, 'x')} = \\frac{{1}}{{{S}}}", lambda v: (d(xh, v, "x"), 1 / sd(v)), "right (x)"),
        (f"{partial(X, MU)} = \\frac{{1}}{{{S}}}", lambda v: (d(xh, v, "mu"), 1 / sd(v)),
         "sign (mu)"),
        (f"{partial('h', X)} = h(1 - h)", lambda v: (_at(_sig, xh(v)), gp(v)), "right (h)"),
        (f"{partial('h', 'x')} = \\frac{{h(1 - h)}}{{{S}}}", lambda v: (d(hh, v, "x"), gp(v) / sd(v)),
         "right (chain)"),
        (f"{partial('h', 'x')} = h(1 - h)", lambda v: (d(hh, v, "x"), gp(v)), "scale dropped"),
    ]  # fmt: skip

    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        base = _scalars("x", "mu", "sigma")(rng, n, reading, fixed)
        return {"eps": number(rng, 0.05, 1), **base}

    parts = [
        "Let $\\sigma$ be the sigmoid, and normalize:",
        Claim(f"{X} = \\frac{{x - \\mu}}{{{S}}}"),
        Claim(f"h = \\sigma({X})"),
        *_claims(rng, pool, 2, 3),
    ]
    note = "one: sigma^2 a number (a variance), sigma(.) the sigmoid"
    return Doc(
        "adversarial/sigma twice",
        tuple(parts),
        sample,
        aliases={"epsilon": "eps"},
        readings_note=note,
    )


def _error_e(rng: random.Random) -> Doc:
    half = rng.random() < 0.5
    c = 1 if half else 2
    L = lambda v: (v["y"] - v["t"]) ** 2 * (mpmath.mpf(1) / 2 if half else 1)  # noqa: E731
    e = lambda v: v["y"] - v["t"]  # noqa: E731
    two, scale = ("", "\\frac{1}{2}") if half else ("2 ", "")
    Ly, Lt = partial("L", "y"), partial("L", "t")
    pool: list[tuple[str, Fn, str]] = [
        (f"{Ly} = {two}e", lambda v: (d(L, v, "y"), c * e(v)), "right (y)"),
        (f"{Ly} = {two}(y - t)", lambda v: (d(L, v, "y"), c * e(v)), "right (expanded)"),
        (f"{Lt} = -{two}e", lambda v: (d(L, v, "t"), -c * e(v)), "right (t)"),
        (f"{Lt} = {two}e", lambda v: (d(L, v, "t"), c * e(v)), "sign (t)"),
        (f"{partial('L', 'e')} = {two}e", lambda v: (c * e(v), c * e(v)), "right (e)"),
        (f"L = {scale}(y - t)^2", lambda v: (L(v), L(v)), "right (expanded)"),
        (f"{Ly} = {2 * c} e", lambda v: (d(L, v, "y"), 2 * c * e(v)), "factor 2"),
    ]
    parts = [
        "The error is",
        Claim("e = y - t"),
        "and the loss",
        Claim(f"L = {scale}e^2"),
        *_claims(rng, pool, 2, 4),
    ]
    note = "one: e the error y - t"
    return Doc("adversarial/error e", tuple(parts), _scalars("y", "t"), readings_note=note)


def _not_a_label(rng: random.Random) -> Doc:
    n = rng.choice(["n", "K"])
    w, b = rng.choice([("w", "b"), ("\\alpha", "\\beta")])
    wk, bk = key(w), key(b)
    i, k = "i", "k"
    u = lambda v, j: v[wk] * v["y"][j - 1] + v[bk]  # noqa: E731
    total = f"\\sum_{{{k}=1}}^{{{n}}}"
    pool: list[tuple[str, Fn, str]] = [
        (f"{total} y_{k} = 1", lambda v: (mpmath.fsum(v["y"]), 1), "label fact"),
        (f"y_{i} \\leq 1", lambda v: (v["y"][v[i] - 1], 1), "label fact (entry)"),
        (f"{total} u_{k} = {w} {total} y_{k} + {n} {b}",
         lambda v: (mpmath.fsum(u(v, j) for j in range(1, v[SIZE] + 1)),
                    v[wk] * mpmath.fsum(v["y"]) + v[SIZE] * v[bk]), "right (sum)"),
        (f"{total} u_{k} = {w} + {n} {b}",
         lambda v: (mpmath.fsum(u(v, j) for j in range(1, v[SIZE] + 1)), v[wk] + v[SIZE] * v[bk]),
         "label fact used"),
        (f"{partial('u_' + i, 'y_' + i)} = {w}", lambda v: (d(lambda t: u(t, v[i]), v, "y", v[i]), v[wk]),
         "right (derivative)"),
    ]  # fmt: skip

    def sample(rng: random.Random, size: int, reading: str, fixed: Values) -> Values:
        base = {SIZE: size, "y": [number(rng, -3, 3) for _ in range(size)]}
        return apply_fixed({**base, wk: number(rng, -3, 3), bk: number(rng, -3, 3)}, fixed)

    chosen = rng.sample(pool, rng.randint(2, 4))
    claims = [Claim(t, {"y any vector": f}, "Then", (i,) if "_i" in t else (), "", kd)
              for t, f, kd in chosen]  # fmt: skip
    parts = [
        "The cross-entropy comes later. Here the input of the layer is "
        f"$y \\in \\mathbb{{R}}^{{{n}}}$, any real vector, not a label.",
        Claim(f"u_{i} = {w} y_{i} + {b}"),
        *claims,
    ]
    note = "one: y any real vector (the prose says it is no label)"
    return Doc("adversarial/not a label", tuple(parts), sample, (1, 2, 3, 4), {n: SIZE}, note)


def two_layers(rng: random.Random) -> Doc:
    """z_1 = w_1 x + b_1, h_1 = σ(z_1), z_2 = w_2 h_1 + b_2, h_2 = σ(z_2): names with digit
    subscripts (which are not entries of one vector z), partials through both layers.
    Reading: x, w_i, b_i inputs held fixed; a name a definition is built from does not
    depend on what it defines (∂z_1/∂z_2 = 0)."""
    sig_in_words = rng.random() < 0.5
    s1 = lambda v: v["w_1"] * v["x"] + v["b_1"]  # noqa: E731
    h1 = lambda v: _sig(s1(v))  # noqa: E731
    s2 = lambda v: v["w_2"] * h1(v) + v["b_2"]  # noqa: E731
    h2 = lambda v: _sig(s2(v))  # noqa: E731
    g1 = lambda v: h1(v) * (1 - h1(v))  # noqa: E731
    g2 = lambda v: h2(v) * (1 - h2(v))  # noqa: E731
    P1, P2 = "h_1 (1 - h_1)", "h_2 (1 - h_2)"
    z1 = lambda v: _at(lambda t: v["w_2"] * _sig(t) + v["b_2"], s1(v))  # noqa: E731 ∂z_2/∂z_1
    pool: list[tuple[str, Fn, str]] = [
        (f"{partial('z_2', 'z_1')} = w_2 {P1}", lambda v: (z1(v), v["w_2"] * g1(v)), "right (layer)"),
        (f"{partial('z_2', 'z_1')} = 0", lambda v: (z1(v), 0), "entries of one vector"),
        (f"{partial('z_1', 'z_2')} = 0", lambda v: (0, 0), "right (ancestry)"),
        (f"{partial('h_2', 'h_1')} = {P2} w_2",
         lambda v: (_at(lambda t: _sig(v["w_2"] * t + v["b_2"]), h1(v)), g2(v) * v["w_2"]),
         "right (h)"),
        (f"{partial('h_2', 'x')} = {P2} w_2 {P1} w_1",
         lambda v: (d(h2, v, "x"), g2(v) * v["w_2"] * g1(v) * v["w_1"]), "right (x)"),
        (f"{partial('h_2', 'x')} = {P2} w_2 w_1",
         lambda v: (d(h2, v, "x"), g2(v) * v["w_2"] * v["w_1"]), "inner factor dropped"),
        (f"{partial('h_2', 'w_1')} = {P2} w_2 {P1} x",
         lambda v: (d(h2, v, "w_1"), g2(v) * v["w_2"] * g1(v) * v["x"]), "right (w_1)"),
        (f"{partial('h_2', 'w_2')} = {P2} h_1",
         lambda v: (d(h2, v, "w_2"), g2(v) * h1(v)), "right (w_2)"),
        (f"{partial('h_2', 'w_2')} = {P2} w_2",
         lambda v: (d(h2, v, "w_2"), g2(v) * v["w_2"]), "swapped (w_2)"),
        (f"{partial('h_2', 'b_1')} = {P2} w_2 {P1}",
         lambda v: (d(h2, v, "b_1"), g2(v) * v["w_2"] * g1(v)), "right (b_1)"),
        (f"{partial('h_2', 'b_1')} = 0", lambda v: (d(h2, v, "b_1"), 0), "entries of one vector (b)"),
    ]  # fmt: skip
    names = ("x", "w_1", "b_1", "w_2", "b_2")
    head = "where $\\sigma$ is the sigmoid. Two layers:" if sig_in_words else "Two layers:"
    act = (
        (lambda z: f"\\sigma({z})")
        if sig_in_words
        else (lambda z: f"\\frac{{1}}{{1 + e^{{-{z}}}}}")
    )
    parts = [
        head,
        Claim("z_1 = w_1 x + b_1"),
        Claim(f"h_1 = {act('z_1')}"),
        Claim("z_2 = w_2 h_1 + b_2"),
        Claim(f"h_2 = {act('z_2')}"),
        *_claims(rng, pool, 3, 4),
    ]
    return Doc("two-layers", tuple(parts), _scalars(*names), aliases={n: n for n in names})
