"""Templates of the keyless-steps fuzzer about vectors: softmax, cross-entropy, batch norm.

Each template draws its letters, notation and claims from the rng it is given and returns
a `Doc` whose claims carry their sides under every reading the template counts (see each
template's docstring). Claims with free indices hold only if they hold for every value.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import mpmath

from benchmarks.steps_oracle import SIZE, Claim, Doc, Values, apply_fixed, d, delta, number

Fn = Callable[[Values], tuple[Any, Any]]


def sub(letter: str, index: str) -> str:
    """`a_i`, `\\hat{y}_i`, `z_{ij}`: a letter with its index."""
    return f"{letter}_{index}" if len(index) == 1 else f"{letter}_{{{index}}}"


def key(letter: str) -> str:
    """derive's name for a letter: `\\theta` → theta."""
    return letter.lstrip("\\")


def partial(top: str, var: str) -> str:
    """`\\frac{\\partial top}{\\partial var}`."""
    return f"\\frac{{\\partial {top}}}{{\\partial {var}}}"


def _prose(rng: random.Random) -> str:
    return rng.choice(["Then", "so", "We get", "Next,", "Also", "Hence", "and"])


def _softmax(v: Values, z: str, j: int) -> Any:
    return mpmath.exp(v[z][j - 1]) / mpmath.fsum(mpmath.exp(t) for t in v[z])


def _logits(z: str, rng_range: float = 3) -> Callable[..., Values]:
    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        return apply_fixed({SIZE: n, z: [number(rng, -rng_range, rng_range) for _ in range(n)]},
                           fixed)  # fmt: skip

    return sample


def _case_prose(rng: random.Random, p: str, q: str, equal: bool) -> str:
    op = "=" if equal else rng.choice(["\\neq", "\\ne"])
    return rng.choice(
        ["When ${} {} {}$ we get", "In the case ${} {} {}$,", "For ${} {} {}$:"]
    ).format(p, op, q)


def softmax(rng: random.Random) -> Doc:
    """a_j = e^{z_j} / Σ_k e^{z_k} after "Let $z \\in \\mathbb{R}^n$" (or with the sum's
    limits written): its Jacobian, right and perturbed (sign, missing δ, swapped letters,
    a_i for a_j), case conditions after a comma and in prose, sums and logs. One reading:
    the definition as written, for every size 1..4 and every value of the indices."""
    z = rng.choice(["z", "o", "u", "\\theta"])
    a = rng.choice(["a", "p", "q", "s", "\\hat{y}", "y", "g"])
    p, q = rng.choice([("i", "j"), ("j", "i"), ("i", "k"), ("k", "l")])
    k = next(c for c in ("k", "m", "l") if c not in (p, q))
    size = rng.choice(["n", "K", "C"])
    declared = rng.random() < 0.8
    bare = declared and rng.random() < 0.6
    total = f"\\sum_{k}" if bare else f"\\sum_{{{k}=1}}^{{{size}}}"
    own = rng.choice([p, q, next(c for c in ("j", "r", "t") if c not in (p, q, k))])
    bound = rng.choice([c for c in ("k", "j", "m", "i") if c != own])  # may be a claim's index
    own_total = f"\\sum_{bound}" if bare else f"\\sum_{{{bound}=1}}^{{{size}}}"
    zk = key(z)
    A = lambda v, j: _softmax(v, zk, j)  # noqa: E731
    aP, aQ, zP, zQ = sub(a, p), sub(a, q), sub(z, p), sub(z, q)
    dQP = f"\\frac{{\\partial {aQ}}}{{\\partial {zP}}}"
    dPP = f"\\frac{{\\partial {aP}}}{{\\partial {zP}}}"
    dlt = f"\\delta_{{{p}{q}}}"
    LOG = f"\\log {aQ}"
    at = lambda v, index: v[zk][v[index] - 1]  # noqa: E731
    lse = lambda v: mpmath.log(mpmath.fsum(mpmath.exp(t) for t in v[zk]))  # noqa: E731
    sum_a = lambda v: mpmath.fsum(A(v, j) for j in range(1, v[SIZE] + 1))  # noqa: E731
    dlog = lambda v: d(lambda w: mpmath.log(A(w, v[q])), v, zk, v[p])  # noqa: E731

    def jac(rhs: Callable[[Values, int, int], Any]) -> Fn:
        return lambda v: (d(lambda w: A(w, v[q]), v, zk, v[p]), rhs(v, v[p], v[q]))

    right = lambda v, i, j: A(v, j) * (delta(i, j) - A(v, i))  # noqa: E731
    pool: list[tuple[str, Fn, tuple[str, ...], str, str]] = [
        (f"{dQP} = {aQ}({dlt} - {aP})", jac(right), (p, q), "", "right"),
        (f"{dQP} = {aP}({dlt} - {aQ})", jac(right), (p, q), "", "right (symmetric)"),
        (f"{dQP} = {aQ}({aP} - {dlt})", jac(lambda v, i, j: -right(v, i, j)), (p, q), "", "sign"),
        (f"{dQP} = {aQ}(1 - {aP})", jac(lambda v, i, j: A(v, j) * (1 - A(v, i))), (p, q), "",
         "missing delta"),
        (f"{dQP} = -{aP} {aQ}", jac(lambda v, i, j: -A(v, i) * A(v, j)), (p, q), "", "no case"),
        (f"{dQP} = {aP}({dlt} - {aP})", jac(lambda v, i, j: A(v, i) * (delta(i, j) - A(v, i))),
         (p, q), "", "swapped"),
        (f"{dPP} = {aP}(1 - {aP})",
         lambda v: (d(lambda w: A(w, v[p]), v, zk, v[p]), A(v, v[p]) * (1 - A(v, v[p]))),
         (p,), "", "right (diagonal)"),
        (f"{dPP} = {aQ}(1 - {aQ})",
         lambda v: (d(lambda w: A(w, v[p]), v, zk, v[p]), A(v, v[q]) * (1 - A(v, v[q]))),
         (p, q), "", "a_j for a_i"),
        (f"{total} {sub(a, k)} = 1", lambda v: (sum_a(v), 1), (), "", "right (sum)"),
        (f"{total} {sub(a, k)} = {size}", lambda v: (sum_a(v), v[SIZE]), (), "", "sum is the size"),
        (f"\\log {aQ} = {zQ} - \\log {total} e^{{{sub(z, k)}}}",
         lambda v: (mpmath.log(A(v, v[q])), at(v, q) - lse(v)), (q,), "", "right (log)"),
        (f"\\log {aQ} = {zQ} + \\log {total} e^{{{sub(z, k)}}}",
         lambda v: (mpmath.log(A(v, v[q])), at(v, q) + lse(v)), (q,), "", "sign (log)"),
        (f"{partial(LOG, zP)} = {dlt} - {aP}",
         lambda v: (dlog(v), delta(v[p], v[q]) - A(v, v[p])), (p, q), "", "right (log derivative)"),
        (f"{partial(LOG, zP)} = {dlt} - {aQ}",
         lambda v: (dlog(v), delta(v[p], v[q]) - A(v, v[q])), (p, q), "",
         "a_j for a_i (log derivative)"),
        (f"\\frac{{{aP}}}{{{aQ}}} = e^{{{zP} - {zQ}}}",
         lambda v: (A(v, v[p]) / A(v, v[q]), mpmath.exp(v[zk][v[p] - 1] - v[zk][v[q] - 1])),
         (p, q), "", "right (ratio)"),
        (f"\\frac{{{aP}}}{{{aQ}}} = e^{{{zQ} - {zP}}}",
         lambda v: (A(v, v[p]) / A(v, v[q]), mpmath.exp(v[zk][v[q] - 1] - v[zk][v[p] - 1])),
         (p, q), "", "swapped (ratio)"),
    ]  # fmt: skip
    a1, a2, z1, z2 = sub(a, "1"), sub(a, "2"), sub(z, "1"), sub(z, "2")
    entry = lambda v, j, i: d(lambda w: A(w, j), v, zk, i)  # noqa: E731  ∂a_j/∂z_i
    pool += [  # entries by number: they exist from n = 2 on
        (f"{partial(a1, z2)} = -{a1} {a2}", lambda v: (entry(v, 1, 2), -A(v, 1) * A(v, 2)), (), "",
         "right (entries)"),
        (f"{partial(a2, z2)} = {a2}(1 - {a2})", lambda v: (entry(v, 2, 2), A(v, 2) * (1 - A(v, 2))),
         (), "", "right (entry)"),
        (f"{partial(a2, z1)} = {a1} {a2}", lambda v: (entry(v, 2, 1), A(v, 1) * A(v, 2)), (), "",
         "sign (entries)"),
        (f"{a1} + {a2} = 1", lambda v: (A(v, 1) + A(v, 2), 1), (), "", "true at n = 2 only"),
    ]  # fmt: skip
    equal_case = [  # (rhs, its truth in the case i = j)
        (f"{aP}(1 - {aP})", lambda v, i, j: A(v, i) * (1 - A(v, i)), "right"),
        (f"{aQ}(1 - {aP})", lambda v, i, j: A(v, j) * (1 - A(v, i)), "right (mixed letters)"),
        (f"{aP}(1 + {aP})", lambda v, i, j: A(v, i) * (1 + A(v, i)), "sign"),
        (f"-{aP} {aQ}", lambda v, i, j: -A(v, i) * A(v, j), "other case"),
    ]
    other_case = [
        (f"-{aP} {aQ}", lambda v, i, j: -A(v, i) * A(v, j), "right"),
        (f"{aQ}(1 - {aP})", lambda v, i, j: A(v, j) * (1 - A(v, i)), "other case"),
        (f"{aP} {aQ}", lambda v, i, j: A(v, i) * A(v, j), "sign"),
        ("0", lambda v, i, j: 0, "zero"),
    ]
    claims = []
    for text, fn, indices, case, kind in rng.sample(pool, rng.randint(2, 3)):
        claims.append(Claim(text, {"as written": fn}, _prose(rng), indices, case, kind))
    for _ in range(rng.randint(1, 2)):
        style = rng.choice(["comma =", "comma =", "comma !=", "prose =", "prose !="])
        rhs, fn, kind = rng.choice(other_case if "!=" in style else equal_case)
        text = f"{dQP} = {rhs}"
        first, second = rng.choice([(p, q), (q, p)])
        if style.startswith("comma"):
            op = "=" if style == "comma =" else rng.choice(["\\neq", "\\ne"])
            text += rng.choice([f", \\quad {first} {op} {second}", f", \\qquad {first} {op} {second}",
                                f", {first} {op} {second}"])  # fmt: skip
            prose = _prose(rng)
        else:
            prose = _case_prose(rng, first, second, style == "prose =")
        case = "!=" if "!=" in style else "="
        claims.append(
            Claim(text, {"as written": jac(fn)}, prose, (p, q), case, f"{kind} ({style})")
        )
    rng.shuffle(claims)
    intro = rng.choice(["The softmax of the logits.", "We differentiate the softmax.",
                        "A normalized exponential."])  # fmt: skip
    if declared:
        intro += f" Let ${z} \\in \\mathbb{{R}}^{{{size}}}$."
    definition = Claim(
        f"{sub(a, own)} = \\frac{{e^{{{sub(z, own)}}}}}{{{own_total} e^{{{sub(z, bound)}}}}}"
    )
    return Doc("softmax", (intro, definition, *claims), _logits(zk), (1, 2, 3, 4), {size: SIZE},
               "one: the definition as written")  # fmt: skip


def cross_entropy(rng: random.Random) -> Doc:
    """Softmax a of z and L = -Σ_k y_k log a_k with the label y (sometimes called t, or said
    to be one-hot). Readings: y a distribution (entries in [0, 1] summing to 1) and y
    one-hot; only one-hot where the text says so. A step is wrong only if it is wrong
    under both (`y_i^2 = y_i` is right for one-hot labels only)."""
    z, a = rng.choice(["z", "o"]), rng.choice(["a", "p", "\\hat{y}"])
    y = "t" if rng.random() < 0.25 else "y"
    loss = rng.choice(["L", "\\ell", "J"])
    p, k = rng.choice(["i", "j"]), "k"
    size = rng.choice(["n", "K"])
    hot = rng.random() < 0.3
    zk, yk = key(z), y
    A = lambda v, j: _softmax(v, zk, j)  # noqa: E731

    def L(v: Values) -> Any:
        return -mpmath.fsum(t * mpmath.log(A(v, j)) for j, t in enumerate(v[yk], 1))

    def dL(v: Values) -> Any:
        return d(L, v, zk, v[p])

    total = rng.choice([f"\\sum_{k}", f"\\sum_{{{k}=1}}^{{{size}}}"])
    aP, yP = sub(a, p), sub(y, p)
    sy = lambda v: mpmath.fsum(v[yk])  # noqa: E731
    dz = f"\\frac{{\\partial {loss}}}{{\\partial {sub(z, p)}}}"
    pool: list[tuple[str, Fn, tuple[str, ...], str]] = [
        (f"{dz} = {aP} - {yP}", lambda v: (dL(v), A(v, v[p]) - v[yk][v[p] - 1]), (p,), "right"),
        (f"{dz} = {aP} {total} {sub(y, k)} - {yP}",
         lambda v: (dL(v), A(v, v[p]) * sy(v) - v[yk][v[p] - 1]), (p,), "right (general)"),
        (f"{dz} = {yP} - {aP}", lambda v: (dL(v), v[yk][v[p] - 1] - A(v, v[p])), (p,), "sign"),
        (f"{dz} = {aP} + {yP}", lambda v: (dL(v), A(v, v[p]) + v[yk][v[p] - 1]), (p,), "sign"),
        (f"{dz} = {aP} - 1", lambda v: (dL(v), A(v, v[p]) - 1), (p,), "label dropped"),
        (f"{total} {sub(y, k)} = 1", lambda v: (sy(v), 1), (), "right (label sums to 1)"),
        (f"{total} {sub(y, k)} {aP} = {aP}", lambda v: (sy(v) * A(v, v[p]), A(v, v[p])), (p,),
         "right (label sum)"),
        (f"{total} {sub(y, k)} = 0", lambda v: (sy(v), 0), (), "label sums to 0"),
        (f"{loss} \\geq 0", lambda v: (L(v), 0), (), "right (nonnegative)"),
        (f"\\frac{{\\partial {loss}}}{{\\partial {aP}}} = -\\frac{{{yP}}}{{{aP}}}",
         lambda v: (-v[yk][v[p] - 1] / A(v, v[p]), -v[yk][v[p] - 1] / A(v, v[p])), (p,),
         "right (in a)"),
        (f"\\frac{{\\partial {loss}}}{{\\partial {aP}}} = \\frac{{{yP}}}{{{aP}}}",
         lambda v: (-v[yk][v[p] - 1] / A(v, v[p]), v[yk][v[p] - 1] / A(v, v[p])), (p,),
         "sign (in a)"),
        (f"{yP}^2 = {yP}", lambda v: (v[yk][v[p] - 1] ** 2, v[yk][v[p] - 1]), (p,),
         "one-hot only"),
        (f"{yP} \\leq 1", lambda v: (v[yk][v[p] - 1], 1), (p,), "right (label entry)"),
        (f"{total} {sub(y, k)}^2 \\leq 1", lambda v: (mpmath.fsum(t**2 for t in v[yk]), 1), (),
         "right (label squares)"),
        (f"{total} {sub(y, k)}^2 = 1", lambda v: (mpmath.fsum(t**2 for t in v[yk]), 1), (),
         "one-hot only (squares)"),
        (f"{loss} = -{total} {sub(y, k)} {sub(z, k)} + \\log {total} e^{{{sub(z, k)}}}",
         lambda v: (L(v), -mpmath.fsum(t * s for t, s in zip(v[yk], v[zk], strict=True))
                    + mpmath.log(mpmath.fsum(mpmath.exp(s) for s in v[zk]))), (), "right (logits)"),
        (f"{loss} = -{total} {sub(y, k)} {sub(z, k)}",
         lambda v: (L(v), -mpmath.fsum(t * s for t, s in zip(v[yk], v[zk], strict=True))), (),
         "normalizer dropped"),
    ]  # fmt: skip
    readings = ("one-hot",) if hot else ("distribution", "one-hot")
    claims = []
    for text, fn, indices, kind in rng.sample(pool, rng.randint(3, 4)):
        op = ">=" if "\\geq" in text else "<=" if "\\leq" in text else "="
        claims.append(Claim(text, dict.fromkeys(readings, fn), _prose(rng), indices, "", kind, op))

    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        if reading == "one-hot":
            label = [mpmath.mpf(0)] * n
            label[rng.randrange(n)] = mpmath.mpf(1)
        else:
            weights = [mpmath.mpf(rng.choice([0, 1, 2, 3, 5])) for _ in range(n)]
            weights[rng.randrange(n)] += 1
            label = [w / mpmath.fsum(weights) for w in weights]
        base = {SIZE: n, zk: [number(rng, -3, 3) for _ in range(n)], yk: label}
        return apply_fixed(base, fixed)

    def valid(v: Values, reading: str) -> bool:
        entries = v[yk]
        if abs(mpmath.fsum(entries) - 1) > mpmath.mpf("1e-30"):
            return False
        allowed = (lambda t: t in (0, 1)) if reading == "one-hot" else (lambda t: 0 <= t <= 1)
        return all(allowed(t) for t in entries)

    said = (f"${y}$ is the one-hot label" if hot else
            rng.choice([f"the label ${y}$", f"${y}$ is the label", f"the target ${y}$"]))  # fmt: skip
    intro = (
        f"The cross-entropy of the softmax, where {said}. Let ${z} \\in \\mathbb{{R}}^{{{size}}}$."
    )
    parts = (
        intro,
        Claim(f"{sub(a, 'j')} = \\frac{{e^{{{sub(z, 'j')}}}}}{{{total} e^{{{sub(z, k)}}}}}"),
        Claim(f"{loss} = -{total} {sub(y, k)} \\log {sub(a, k)}"),
        *claims,
    )
    return Doc("cross-entropy", parts, sample, (1, 2, 3, 4), {size: SIZE},
               " and ".join(readings) + f" label {y}", valid)  # fmt: skip


def batch_norm(rng: random.Random) -> Doc:
    """x̂_i = (x_i - μ)/√(σ² + ε), its partials in x_i, x_j, μ and ε. Without prose about μ,
    one reading: μ, σ, ε inputs held fixed. Where the prose says μ is the mean of the x_i
    (in words, in a "where $\\mu = ...$", or on a display line), also the reading in which
    μ moves with x (and, where it says σ² is their variance, the one where σ² does too):
    a step is wrong only if wrong under each."""
    eps = rng.choice(["\\epsilon", "\\varepsilon"])
    i, j = rng.choice([("i", "j"), ("k", "j"), ("i", "k")])
    size = rng.choice(["N", "m"])
    how = rng.choice(["none", "none", "words", "words+variance", "prose formula", "display"])
    readings = {"none": ("fixed",), "words+variance": ("fixed", "mean", "stats")}.get(
        how, ("fixed", "mean")
    )
    declared = how != "none" or rng.random() < 0.5
    S = f"\\sqrt{{\\sigma^2 + {eps}}}"
    xi, xhi = sub("x", i), sub("\\hat{x}", i)

    def stats(v: Values, reading: str, var: str | None) -> tuple[Any, Any]:
        x = v["x"]
        mu = mpmath.fsum(x) / len(x) if reading != "fixed" and var != "mu" else v["mu"]
        s2 = (
            mpmath.fsum((t - mu) ** 2 for t in x) / len(x)
            if reading == "stats"
            else v["sigma"] ** 2
        )
        return mu, s2

    def xhat(v: Values, reading: str, var: str | None, index: int) -> Any:
        mu, s2 = stats(v, reading, var)
        return (v["x"][index - 1] - mu) / mpmath.sqrt(s2 + v["eps"])

    def s(v: Values, reading: str) -> Any:
        return mpmath.sqrt(stats(v, reading, None)[1] + v["eps"])

    def dx(v: Values, r: str, by: str) -> Any:
        return d(lambda w: xhat(w, r, "x", v[i]), v, "x", v[by])

    def dmu(v: Values, r: str) -> Any:
        return d(lambda w: xhat(w, r, "mu", v[i]), v, "mu")

    def deps(v: Values, r: str) -> Any:
        return d(lambda w: xhat(w, r, "eps", v[i]), v, "eps")

    Dx, Dmu = (
        f"\\frac{{\\partial {xhi}}}{{\\partial {xi}}}",
        f"\\frac{{\\partial {xhi}}}{{\\partial \\mu}}",
    )
    n_ = lambda v: v[SIZE]  # noqa: E731
    centred = lambda v, r: v["x"][v[i] - 1] - stats(v, r, None)[0]  # noqa: E731
    power = f"2(\\sigma^2 + {eps})^{{3/2}}"
    pool: list[tuple[str, Callable[[Values, str], tuple[Any, Any]], tuple[str, ...], str]] = [
        (f"{Dx} = \\frac{{1}}{{{S}}}", lambda v, r: (dx(v, r, i), 1 / s(v, r)), (i,), "held fixed"),
        (f"{Dx} = \\frac{{{xi} - \\mu}}{{{S}}}", lambda v, r: (dx(v, r, i), xhat(v, r, None, v[i])),
         (i,), "not differentiated"),
        (f"{Dx} = \\frac{{1}}{{\\sigma^2 + {eps}}}", lambda v, r: (dx(v, r, i), 1 / s(v, r) ** 2),
         (i,), "root dropped"),
        (f"{Dx} = 0", lambda v, r: (dx(v, r, i), 0), (i,), "zero"),
        (f"{Dmu} = -\\frac{{1}}{{{S}}}", lambda v, r: (dmu(v, r), -1 / s(v, r)), (i,), "right (mu)"),
        (f"{Dmu} = \\frac{{1}}{{{S}}}", lambda v, r: (dmu(v, r), 1 / s(v, r)), (i,), "sign (mu)"),
        (f"{partial(xhi, sub('x', j))} = \\frac{{\\delta_{{{i}{j}}}}}{{{S}}}",
         lambda v, r: (dx(v, r, j), delta(v[i], v[j]) / s(v, r)), (i, j), "held fixed (delta)"),
        (f"{partial(xhi, eps)} = -\\frac{{{xi} - \\mu}}{{{power}}}",
         lambda v, r: (deps(v, r), -centred(v, r) / (2 * s(v, r) ** 3)), (i,), "right (epsilon)"),
        (f"{partial(xhi, eps)} = \\frac{{{xi} - \\mu}}{{{power}}}",
         lambda v, r: (deps(v, r), centred(v, r) / (2 * s(v, r) ** 3)), (i,), "sign (epsilon)"),
        (f"{xhi} {S} = {xi} - \\mu",
         lambda v, r: (xhat(v, r, None, v[i]) * s(v, r), centred(v, r)), (i,), "right (algebra)"),
    ]  # fmt: skip
    if declared:
        pool.append((f"{Dx} = \\frac{{1}}{{{S}}}\\left(1 - \\frac{{1}}{{{size}}}\\right)",
                     lambda v, r: (dx(v, r, i), (1 - mpmath.mpf(1) / n_(v)) / s(v, r)), (i,),
                     "mu moves"))  # fmt: skip
    if "stats" in readings:
        rhs = f"\\frac{{1}}{{{S}}}\\left(1 - \\frac{{1}}{{{size}}} - \\frac{{{xhi}^2}}{{{size}}}\\right)"
        full = lambda v, r: (1 - (1 + xhat(v, r, None, v[i]) ** 2) / n_(v)) / s(v, r)  # noqa: E731
        pool.append((f"{Dx} = {rhs}", lambda v, r: (dx(v, r, i), full(v, r)), (i,),
                     "mu and sigma move"))  # fmt: skip
    claims = [
        Claim(
            text, {r: (lambda v, f=fn, r=r: f(v, r)) for r in readings}, _prose(rng), idx, "", kind
        )
        for text, fn, idx, kind in rng.sample(pool, rng.randint(3, 4))
    ]

    def sample(rng: random.Random, n: int, reading: str, fixed: Values) -> Values:
        x = [number(rng) for _ in range(n)]
        v = apply_fixed({SIZE: n, "x": x, "mu": number(rng), "sigma": number(rng),
                         "eps": number(rng, 0.05, 1)}, fixed)  # fmt: skip
        if reading != "fixed" and "mu" not in fixed:
            v["mu"] = mpmath.fsum(v["x"]) / n
        if reading == "stats" and "sigma" not in fixed:
            v["sigma"] = mpmath.sqrt(mpmath.fsum((t - v["mu"]) ** 2 for t in v["x"]) / n)
        return v

    def valid(v: Values, reading: str) -> bool:
        mu, s2 = stats(v, reading, None)
        close = lambda a, b: abs(a - b) <= mpmath.mpf("1e-30") * (1 + abs(a))  # noqa: E731
        return close(mu, v["mu"]) and (reading != "stats" or close(s2, v["sigma"] ** 2))

    mean = f"\\mu = \\frac{{1}}{{{size}}}\\sum_{{r=1}}^{{{size}}} x_r"
    intro = "We normalize the inputs" if how != "none" else "We define"  # no "batch": a mean?
    intro += {
        "none": ":",
        "words": f", where $\\mu$ is the mean of the ${xi}$.",
        "words+variance": f", where $\\mu$ is the mean of the ${xi}$ and $\\sigma^2$ their variance.",
        "prose formula": f", where ${mean}$.",
        "display": ":",
    }[how]  # fmt: skip
    if declared:
        intro += f" Let $x \\in \\mathbb{{R}}^{{{size}}}$."
    head: tuple[str | Claim, ...] = (intro,) + ((Claim(mean),) if how == "display" else ())
    definition = Claim(f"{xhi} = \\frac{{{xi} - \\mu}}{{{S}}}")
    aliases = {size: SIZE, key(eps): "eps", "epsilon": "eps", "varepsilon": "eps"}
    return Doc(f"batch-norm/{how}", (*head, definition, *claims), sample, (1, 2, 3, 4), aliases,
               ", ".join(readings), valid)  # fmt: skip
