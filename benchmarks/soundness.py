"""Soundness: a differential fuzzer of derive's verdicts against an independent oracle.

Statements are generated (seeded) as trees of `soundness_grammar`, rendered to derive's
plain text, and decided by derive (`engine.prove`: a killable child, no cache). Each verdict
is checked against the truth, which is known by construction or by a witness:

- classes: (a) true identities from a table, with sub-expressions substituted for their
  variables; (b) perturbations of those (a constant, a sign, sigmoid/tanh, a dropped term,
  an off-by-one sum limit, abs or relu removed, max/min swapped); (c) inequalities among DL
  expressions, true ones from a table and false ones; (d) domain traps (roots and logarithms
  of negative numbers, odd roots, divisions by zero); (e) vectors and matrices of symbolic
  size; (f) expectations under declared laws; (i) identities and perturbations written with
  implicit products (`2 sigmoid(2 z)`, `x(a + b)^2` meaning x*(a + b)^2);
- truth "holds" only by construction (a table identity, a substitution into one); "fails"
  only by a witness: a point where the oracle (`soundness_grammar`: exact arithmetic where
  possible, mpmath at 50 and 100 digits otherwise, README's real-domain convention, see the
  top of that module) finds the relation violated; or by construction for expectations (a
  moment that is known exactly and differs). Statements with neither are skipped;
- wrong verdicts: a false proof (proved, truth fails), a false verified, a fake refutation
  (refuted, truth holds), and a fake counterexample (refuted at a point where the oracle
  finds the relation true or the point outside the domain).

Every wrong verdict is appended to `tests/soundness_regressions.jsonl` (once), which
`tests/test_soundness_fuzz.py` replays.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction as F
from pathlib import Path
from typing import Any

from benchmarks import soundness_grammar as g
from benchmarks.common import ROOT, fmt, log, table
from benchmarks.soundness_grammar import (
    OUTSIDE,
    PI,
    VIOLATED,
    E,
    Mat,
    N,
    Rel,
    Sum,
    T,
    Var,
    det,
    diff,
    fn,
    norm,
    num,
    seq,
    tr,
    var,
    vmax,
    vmin,
)

REGRESSIONS = ROOT / "tests" / "soundness_regressions.jsonl"
TIMEOUT = 5.0  # seconds per statement for derive
FULL, QUICK = 200, 40  # random statements; a full run sweeps the tables first
CLASSES = {
    "a": "true identities (substituted)",
    "b": "perturbed identities",
    "c": "inequalities",
    "d": "domain traps",
    "e": "vectors and matrices",
    "f": "expectations",
    "i": "implicit products",
}
WEIGHTS = {"a": 6, "b": 7, "c": 5, "d": 3, "e": 3, "f": 2, "i": 2}

sig = lambda a: fn("sigmoid", a)  # noqa: E731
tanh = lambda a: fn("tanh", a)  # noqa: E731
relu = lambda a: fn("relu", a)  # noqa: E731
softplus = lambda a: fn("softplus", a)  # noqa: E731
exp = lambda a: fn("exp", a)  # noqa: E731
ln = lambda a: fn("log", a)  # noqa: E731
sqrt = lambda a: fn("sqrt", a)  # noqa: E731
ab = lambda a: fn("abs", a)  # noqa: E731


@dataclass
class Case:
    cls: str
    template: str
    rel: Rel
    let: dict[str, str] = field(default_factory=dict)
    assume: list[str] = field(default_factory=list)
    truth: str | None = None  # "holds" / "fails" by construction; None: the oracle decides
    implicit: bool = False
    laws: dict[str, tuple] = field(default_factory=dict)  # random scalars for the oracle
    witness: dict[str, Any] | None = None  # for "fails" by construction

    @property
    def statement(self) -> str:
        return g.render_rel(self.rel, self.implicit)


# -- what the oracle needs to know about names --------------------------------------------


def _bounds(case: Case) -> dict[str, list[tuple[str, F]]]:
    found: dict[str, list[tuple[str, F]]] = defaultdict(list)
    for text in case.assume:
        name, op, value = text.split()
        found[name].append((op, F(value)))
    for name, decl in case.let.items():
        if decl.startswith("positive"):
            found[name].append((">", F(0)))
    return found


def _integers(case: Case) -> set[str]:
    return {n for n, d in case.let.items() if "integer" in d and "random" not in d}


def _shapes(case: Case) -> dict[str, tuple[str, str]]:
    shapes = {}
    for name, decl in case.let.items():
        if decl.startswith("vector("):
            shapes[name] = (decl[7:-1].strip(), "1")
        elif decl.startswith("matrix("):
            rows, cols = decl[7:-1].split(",")
            shapes[name] = (rows.strip(), cols.strip())
    return shapes


def _allowed(value: F, bounds: list[tuple[str, F]]) -> bool:
    ops = {">": F.__gt__, ">=": F.__ge__, "<": F.__lt__, "<=": F.__le__, "!=": F.__ne__}
    return all(ops[op](value, b) for op, b in bounds)


# -- random sub-expressions -----------------------------------------------------------------

POOL = ("x", "y", "w")
TOTAL_FUNCTIONS = ("exp", "tanh", "sigmoid", "relu", "softplus", "abs")
CONSTANTS = (1, 2, 3, F(1, 2), -1, F(1, 3), 5)


def random_expr(rng: random.Random, depth: int, total: bool) -> N:
    """A small DL expression over POOL; `total`: no log or sqrt (never leaves the reals)."""
    if depth <= 0 or rng.random() < 0.3:
        return var(rng.choice(POOL)) if rng.random() < 0.75 else num(rng.choice(CONSTANTS))
    kind = rng.random()
    sub = lambda: random_expr(rng, depth - 1, total)  # noqa: E731
    if kind < 0.35:
        functions = TOTAL_FUNCTIONS if total else (*TOTAL_FUNCTIONS, "log", "sqrt")
        return fn(rng.choice(functions), sub())
    if kind < 0.75:
        op = rng.choice(("add", "sub", "mul", "div", "mul"))
        return N(op, (sub(), sub()))
    if kind < 0.85:
        return N("pow", (sub(), num(rng.choice((2, 3)))))
    if kind < 0.92:
        return rng.choice((vmax, vmin))(sub(), sub())
    return -sub()


def compose(rng: random.Random, rel: Rel, fixed: set[str], p: float = 0.6) -> Rel:
    """Substitute random expressions for the free variables (simultaneously): a true
    identity stays true. A variable on one side only gets a total expression, so a point
    that leaves the reals does so on both sides or on neither."""
    left, right = g.free_vars(rel.lhs), g.free_vars(rel.rhs)
    mapping = {}
    for name in sorted((left | right) - fixed):
        if rng.random() < p:
            mapping[name] = random_expr(rng, 2, total=not (name in left and name in right))
    return Rel(rel.op, g.substitute(rel.lhs, mapping), g.substitute(rel.rhs, mapping))


# -- (a) the identities -------------------------------------------------------------------

z, x, y, a, b, t, i = (var(n) for n in ("z", "x", "y", "a", "b", "t", "i"))
POSINT = {"t": "positive integer"}

# name, lhs, rhs, let, fixed (never substituted)
IDENTITIES: list[tuple[str, N, N, dict[str, str], set[str]]] = [
    ("tanh-sigmoid", tanh(z), 2 * sig(2 * z) - 1, {}, set()),
    ("sigmoid-reflect", sig(-z), 1 - sig(z), {}, set()),
    ("sigmoid-sum", sig(z) + sig(-z), num(1), {}, set()),
    ("sigmoid-exp", sig(z), exp(z) / (1 + exp(z)), {}, set()),
    ("sigmoid-tanh", sig(z), (1 + tanh(z / 2)) / 2, {}, set()),
    ("tanh-exp", tanh(z), (exp(2 * z) - 1) / (exp(2 * z) + 1), {}, set()),
    ("tanh-odd", tanh(-z), -tanh(z), {}, set()),
    ("softplus-reflect", softplus(x) - softplus(-x), x, {}, set()),
    ("softplus-log-sigmoid", softplus(x), -ln(sig(-x)), {}, set()),
    ("log-sigmoid", ln(sig(x)), -softplus(-x), {}, set()),
    ("softplus-relu", softplus(x), relu(x) + softplus(-ab(x)), {}, set()),
    ("relu-reflect", relu(x) - relu(-x), x, {}, set()),
    ("relu-abs", relu(x) + relu(-x), ab(x), {}, set()),
    ("relu-max", relu(x), vmax(x, 0), {}, set()),
    ("relu-half", relu(x), (x + ab(x)) / 2, {}, set()),
    ("max-min", vmax(a, b) + vmin(a, b), a + b, {}, set()),
    ("max-abs", vmax(a, b), (a + b + ab(a - b)) / 2, {}, set()),
    ("min-max", vmin(a, b), -vmax(-a, -b), {}, set()),
    ("log-exp", ln(exp(x)), x, {}, set()),
    ("exp-sum", exp(a + b), exp(a) * exp(b), {}, set()),
    ("abs-product", ab(a * b), ab(a) * ab(b), {}, set()),
    ("sqrt-square", sqrt(x**2), ab(x), {}, set()),
    ("square", (a + b) ** 2, a**2 + 2 * a * b + b**2, {}, set()),
    ("difference-of-squares", a**2 - b**2, (a - b) * (a + b), {}, set()),
    ("cube", (a - b) ** 3, a**3 - 3 * a**2 * b + 3 * a * b**2 - b**3, {}, set()),
    ("cancel", (a**2 - b**2) / (a - b), a + b, {}, set()),
    ("logsumexp", ln(exp(a) + exp(b)), vmax(a, b) + ln(1 + exp(-ab(a - b))), {}, set()),
    ("softmax-2", exp(a) / (exp(a) + exp(b)), sig(a - b), {}, set()),
    ("bce-logits", -(y * ln(sig(x)) + (1 - y) * ln(1 - sig(x))), softplus(x) - y * x, {},
     set()),
    ("geometric", (1 - b**t) / (1 - b), Sum(b**i, "i", 0, t - 1), POSINT, {"t"}),
    ("telescoping", Sum(b ** (i + 1) - b**i, "i", 0, t - 1), b**t - 1, POSINT, {"t"}),
    ("arithmetic", Sum(a * i, "i", 1, t), a * t * (t + 1) / 2, POSINT, {"t"}),
    ("squares", Sum(i**2, "i", 1, t), t * (t + 1) * (2 * t + 1) / 6, POSINT, {"t"}),
    ("sigmoid-derivative", diff(sig(a * z), "z"), a * sig(a * z) * (1 - sig(a * z)), {},
     {"z"}),
    ("tanh-derivative", diff(tanh(a * z), "z"), a * (1 - tanh(a * z) ** 2), {}, {"z"}),
    ("softplus-derivative", diff(softplus(a * z), "z"), a * sig(a * z), {}, {"z"}),
    ("log-sigmoid-derivative", diff(ln(sig(z)), "z"), 1 - sig(z), {}, {"z"}),
    ("abs-square", ab(x) ** 2, x**2, {}, set()),
]  # fmt: skip


def gen_identity(rng: random.Random) -> Case:
    name, lhs, rhs, let, fixed = rng.choice(IDENTITIES)
    rel = Rel("=", lhs, rhs)
    if rng.random() < 0.2:
        rel = Rel("=", rhs, lhs)  # sides swapped
    rel = compose(rng, rel, fixed)
    return Case("a", name, rel, dict(let), truth="holds")


# -- (b) perturbations ----------------------------------------------------------------------

SWAPS = {"sigmoid": "tanh", "tanh": "sigmoid", "exp": "softplus", "softplus": "exp",
         "relu": "abs", "abs": "relu", "log": "softplus", "sqrt": "abs"}  # fmt: skip


def perturb(rng: random.Random, rel: Rel) -> tuple[Rel, str] | None:
    side = rng.choice(("lhs", "rhs"))
    tree = getattr(rel, side)
    nodes = list(g.paths(tree))
    kinds = ("constant", "sign", "swap", "drop", "limit", "identity", "maxmin", "power", "nudge")
    kind = rng.choice(kinds)
    chosen: list[tuple[tuple[int, ...], N]]
    new: N | None = None
    if kind == "constant":
        chosen = [(p, n) for p, n in nodes if n.op == "num"]
        if chosen:
            p, n = rng.choice(chosen)
            options = [n.val + 1, n.val - 1, 2 * n.val, -n.val, n.val / 2]
            new = num(rng.choice([o for o in options if o != n.val] or [n.val + 1]))
    elif kind == "sign":
        chosen = [(p, n) for p, n in nodes if n.op in ("add", "sub", "fn", "var", "mul")]
        if chosen:
            p, n = rng.choice(chosen)
            if n.op in ("add", "sub") and rng.random() < 0.6:
                new = N("sub" if n.op == "add" else "add", n.args)
            else:
                new = -n
    elif kind == "swap":
        chosen = [(p, n) for p, n in nodes if n.op == "fn" and n.val in SWAPS]
        if chosen:
            p, n = rng.choice(chosen)
            new = fn(SWAPS[n.val], n.args[0])
    elif kind == "drop":
        chosen = [(p, n) for p, n in nodes if n.op in ("add", "sub")]
        if chosen:
            p, n = rng.choice(chosen)
            new = rng.choice(n.args)
    elif kind == "limit":
        chosen = [(p, n) for p, n in nodes if n.op == "sum"]
        if chosen:
            p, n = rng.choice(chosen)
            k = rng.choice((1, 2))
            bound = n.args[k] + 1 if rng.random() < 0.5 else n.args[k] - 1
            args = list(n.args)
            args[k] = bound
            new = N("sum", tuple(args), n.val)
    elif kind == "identity":
        chosen = [(p, n) for p, n in nodes if n.op == "fn" and n.val in ("abs", "relu")]
        if chosen:
            p, n = rng.choice(chosen)
            new = n.args[0]
    elif kind == "nudge":  # below floating point: only exact or high precision sees it
        p, new = (), tree + num(F(rng.choice((1, -1)), 10 ** rng.randint(9, 16)))
    elif kind == "maxmin":
        chosen = [(p, n) for p, n in nodes if n.op in ("max", "min")]
        if chosen:
            p, n = rng.choice(chosen)
            new = N("min" if n.op == "max" else "max", n.args)
    else:
        chosen = [(p, n) for p, n in nodes if n.op == "pow" and n.args[1].op == "num"]
        if chosen:
            p, n = rng.choice(chosen)
            new = n.args[0] ** (n.args[1].val + rng.choice((1, -1)))
    if new is None:
        return None
    changed = g.replace_at(tree, p, new)
    out = Rel(rel.op, changed, rel.rhs) if side == "lhs" else Rel(rel.op, rel.lhs, changed)
    return out, kind


def gen_perturbed(rng: random.Random) -> Case:
    for _ in range(50):
        name, lhs, rhs, let, fixed = rng.choice(IDENTITIES)
        base = Rel("=", lhs, rhs)
        if rng.random() < 0.5:
            base = compose(rng, base, fixed, p=0.4)
        result = perturb(rng, base)
        if result is not None and g.render_rel(result[0]) != g.render_rel(base):
            return Case("b", f"{name}/{result[1]}", result[0], dict(let))
    raise RuntimeError("no perturbation applies")


# -- (c) inequalities -----------------------------------------------------------------------

# name, relation, assumptions, true (by construction) or None (the oracle decides)
INEQUALITIES: list[tuple[str, Rel, list[str], bool]] = [
    ("sigmoid-below-1", Rel("<", sig(x), num(1)), [], True),
    ("sigmoid-positive", Rel(">", sig(x), num(0)), [], True),
    ("sigmoid-at-most-1", Rel("<=", sig(x), num(1)), [], True),
    ("relu-above-x", Rel(">=", relu(x), x), [], True),
    ("relu-nonnegative", Rel(">=", relu(x), num(0)), [], True),
    ("softplus-above-relu", Rel(">", softplus(x), relu(x)), [], True),
    ("softplus-positive", Rel(">", softplus(x), num(0)), [], True),
    ("tanh-square", Rel("<", tanh(x) ** 2, num(1)), [], True),
    ("abs-tanh", Rel("<", ab(tanh(x)), num(1)), [], True),
    ("log1p", Rel("<=", ln(1 + x), x), ["x > -1"], True),
    ("tangent-parabola", Rel(">=", x**2, 2 * x - 1), [], True),
    ("triangle", Rel("<=", ab(a + b), ab(a) + ab(b)), [], True),
    ("reverse-triangle", Rel("<=", ab(a) - ab(b), ab(a - b)), [], True),
    ("exp-tangent", Rel(">=", exp(x), 1 + x), [], True),
    ("am-gm", Rel(">=", a**2 + b**2, 2 * a * b), [], True),
    ("max-above-min", Rel(">=", vmax(a, b), vmin(a, b)), [], True),
    ("sigmoid-derivative-bound", Rel("<=", sig(x) * (1 - sig(x)), num(F(1, 4))), [], True),
    ("log1p-square", Rel("<=", ln(1 + x**2), x**2), [], True),
    ("sqrt-above-abs", Rel(">", sqrt(x**2 + 1), ab(x)), [], True),
    ("softsign", Rel("<", x / (1 + ab(x)), num(1)), [], True),
    ("tanh-below-x", Rel("<=", tanh(x), x), ["x >= 0"], True),
    ("softplus-above-x", Rel(">=", softplus(x), x), [], True),
    # false ones: the oracle must find the witness
    ("log1p-strict", Rel("<", ln(1 + x), x), ["x > -1"], False),
    ("exp-tangent-strict", Rel(">", exp(x), 1 + x), [], False),
    ("relu-strict", Rel(">", relu(x), x), [], False),
    ("softplus-offset", Rel("<", softplus(x), x + F(1, 2)), [], False),
    ("tanh-below-x-everywhere", Rel("<", tanh(x), x), [], False),
    ("triangle-strict", Rel("<", ab(a + b), ab(a) + ab(b)), [], False),
    ("tangent-parabola-strict", Rel(">", x**2, 2 * x - 1), [], False),
    ("sigmoid-half", Rel("<=", sig(x), num(F(1, 2))), [], False),
    ("sigmoid-derivative-strict", Rel("<", sig(x) * (1 - sig(x)), num(F(1, 4))), [], False),
    ("max-strict", Rel(">", vmax(a, b), vmin(a, b)), [], False),
    ("am-gm-strict", Rel(">", a**2 + b**2, 2 * a * b), [], False),
    ("exp-second-order", Rel(">=", exp(x), 1 + x + x**2 / 2), [], False),
    ("sqrt-bound", Rel("<=", sqrt(x**2 + 1), ab(x) + F(1, 2)), [], False),
    ("tanh-margin", Rel("<=", tanh(x) ** 2, 1 - num(F(1, 1000))), [], False),
    ("sigmoid-margin", Rel("<", sig(x), 1 - num(F(1, 10**12))), [], False),
    ("sigmoid-not-half", Rel("!=", sig(x), num(F(1, 2))), [], False),
    ("power-above-square", Rel(">=", 2**t, t**2), [], False),  # t = 3 only
    ("gauss-below-linear", Rel("<=", Sum(i, "i", 1, t), 2 * t), [], False),
    (
        "square-positive-integer",
        Rel(">", (t - 4) ** 2 * (t - 6) ** 2, num(0)),
        [],
        False,
    ),  # t = 4 and t = 6 only
    ("power-above-linear", Rel(">=", 2**t, t + 1), [], True),
]

FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}


def gen_inequality(rng: random.Random) -> Case:
    return _inequality(rng, rng.choice(INEQUALITIES))


def _inequality(rng: random.Random | None, entry: tuple) -> Case:
    name, rel, assume, true = entry
    let = dict(POSINT) if "t" in g.free_vars(rel.lhs) | g.free_vars(rel.rhs) else {}
    if rng is not None and true and not assume and rng.random() < 0.4:
        rel = compose(rng, rel, {"t"})
        return Case("c", name + "/substituted", rel, let, truth="holds")
    if rng is not None and true and rng.random() < 0.3:  # the negation of a true one is false
        return Case("c", name + "/negated", Rel(FLIP[rel.op], rel.lhs, rel.rhs), let, assume)
    return Case("c", name, rel, let, list(assume), truth="holds" if true else None)


# -- (d) domain traps ---------------------------------------------------------------------

# statement, assumptions, true by construction (or None: the oracle decides)
DOMAIN_TRAPS: list[tuple[str, Rel, list[str], bool | None]] = [
    ("sqrt-squared", Rel("=", sqrt(x) ** 2, x), [], None),
    ("sqrt-squared-nonnegative", Rel("=", sqrt(x) ** 2, x), ["x >= 0"], True),
    ("sqrt-times-sqrt", Rel("=", sqrt(x) * sqrt(x), x), [], None),
    ("exp-log", Rel("=", exp(ln(x)), x), [], None),
    ("exp-log-positive", Rel("=", exp(ln(x)), x), ["x > 0"], True),
    ("log-square", Rel("=", ln(x**2), 2 * ln(x)), [], None),
    ("log-square-positive", Rel("=", ln(x**2), 2 * ln(x)), ["x > 0"], True),
    ("log-square-abs", Rel("=", ln(x**2), 2 * ln(ab(x))), [], True),
    ("sqrt-of-square", Rel("=", sqrt(x**2), x), [], None),
    ("sqrt-product", Rel("=", sqrt(x * y), sqrt(x) * sqrt(y)), [], None),
    ("log-product", Rel("=", ln(x * y), ln(x) + ln(y)), [], None),
    ("log-product-positive", Rel("=", ln(x * y), ln(x) + ln(y)), ["x > 0", "y > 0"], True),
    ("cube-root-of-cube", Rel("=", (x**3) ** F(1, 3), x), [], True),
    ("cube-of-cube-root", Rel("=", (x ** F(1, 3)) ** 3, x), [], True),
    ("two-thirds", Rel("=", x ** F(2, 3), (x**2) ** F(1, 3)), [], True),
    ("odd-root-reflect", Rel("=", x ** F(1, 3), -((-x) ** F(1, 3))), [], True),
    ("half-power", Rel("=", x ** F(1, 2), sqrt(x)), [], True),
    ("square-half-power", Rel("=", (x**2) ** F(1, 2), ab(x)), [], True),
    ("sqrt-over-sqrt", Rel("=", sqrt(x) / sqrt(x), num(1)), [], None),
    ("x-over-x", Rel("=", x / x, num(1)), [], True),
    ("cancel-linear", Rel("=", (x**2 - 1) / (x - 1), x + 1), [], True),
    ("reciprocal", Rel("=", 1 / (1 / x), x), [], True),
    ("sqrt-negative-square", Rel("=", sqrt(-(x**2)), num(0)), [], None),
    ("abs-sqrt", Rel("=", ab(sqrt(x)), sqrt(x)), [], True),
    ("exp-half-log", Rel("=", exp(ln(x) / 2), sqrt(x)), [], True),
    ("log1p-everywhere", Rel("<=", ln(1 + x), x), [], None),
    ("log-negative", Rel("=", ln(-x), ln(x)), [], None),
    ("negative-even-root", Rel("=", num(-4) ** F(1, 2), num(2)), [], None),
    ("negative-cube-root", Rel("=", num(-8) ** F(1, 3), num(-2)), [], True),
    ("negative-fifth-root", Rel("=", num(-32) ** F(1, 5), num(-2)), [], True),
    ("negative-two-thirds", Rel("=", num(-8) ** F(2, 3), num(4)), [], True),
]


def gen_domain(rng: random.Random) -> Case:
    name, rel, assume, true = rng.choice(DOMAIN_TRAPS)
    if name.startswith("negative-") and rng.random() < 0.6:  # another odd or even root
        k, q = rng.randint(2, 9), rng.choice((3, 5, 2, 4))
        rel = Rel("=", num(-(k**q)) ** F(1, q), num(-k))
        true = True if q % 2 else None
        name = f"negative-root-{q}"
    elif not assume and rng.random() < 0.4:  # an affine change of variable keeps the truth
        c = rng.choice((2, 3, F(1, 2), -1))
        mapping = {n: c * var(n) + rng.choice((0, 1, -1)) for n in g.free_vars(rel.lhs)}
        rel = Rel(rel.op, g.substitute(rel.lhs, mapping), g.substitute(rel.rhs, mapping))
        name += "/affine"
    return Case("d", name, rel, {}, list(assume), truth="holds" if true else None)


# -- (e) vectors and matrices ---------------------------------------------------------------

u, v, A, B, C, D, c = (var(n) for n in ("u", "v", "A", "B", "C", "D", "c"))
VECTORS = {"u": "vector(n)", "v": "vector(n)"}
RECT = {"A": "matrix(m, n)", "B": "matrix(n, m)"}
SQUARE = {"C": "matrix(n, n)", "D": "matrix(n, n)"}

LINEAR: list[tuple[str, Rel, dict[str, str], bool]] = [
    ("norm1-above-norm2", Rel(">=", norm(u, 1), norm(u)), VECTORS, True),
    ("norminf-below-norm2", Rel("<=", norm(u, "inf"), norm(u)), VECTORS, True),
    ("norminf-below-norm1", Rel("<=", norm(u, "inf"), norm(u, 1)), VECTORS, True),
    ("inner-square", Rel("=", T(u) * u, norm(u) ** 2), VECTORS, True),
    ("cauchy-schwarz", Rel("<=", ab(T(u) * v), norm(u) * norm(v)), VECTORS, True),
    ("triangle", Rel("<=", norm(u + v), norm(u) + norm(v)), VECTORS, True),
    ("homogeneous", Rel("=", norm(c * u), ab(c) * norm(u)), VECTORS, True),
    ("expand-square", Rel("=", norm(u + v) ** 2, norm(u) ** 2 + 2 * (T(u) * v) + norm(v) ** 2),
     VECTORS, True),
    ("inner-symmetric", Rel("=", T(u) * v, T(v) * u), VECTORS, True),
    ("distance-symmetric", Rel("=", norm(u - v), norm(v - u)), VECTORS, True),
    ("young", Rel(">=", norm(u) ** 2 + norm(v) ** 2, 2 * (T(u) * v)), VECTORS, True),
    ("trace-cyclic", Rel("=", tr(A * B), tr(B * A)), RECT, True),
    ("transpose-product", Rel("=", T(C * D), T(D) * T(C)), SQUARE, True),
    ("det-product", Rel("=", det(C * D), det(C) * det(D)), SQUARE, True),
    ("det-transpose", Rel("=", det(T(C)), det(C)), SQUARE, True),
    ("gram-nonnegative", Rel(">=", det(T(A) * A), num(0)), {"A": "matrix(m, n)"}, True),
    ("frobenius-nonnegative", Rel(">=", tr(T(A) * A), num(0)), {"A": "matrix(m, n)"}, True),
    ("norm1-below-norm2", Rel("<=", norm(u, 1), norm(u)), VECTORS, False),
    ("norminf-above-norm2", Rel(">=", norm(u, "inf"), norm(u)), VECTORS, False),
    ("norm-additive", Rel("=", norm(u + v), norm(u) + norm(v)), VECTORS, False),
    ("pythagoras-always", Rel("=", norm(u + v) ** 2, norm(u) ** 2 + norm(v) ** 2), VECTORS,
     False),
    ("reverse-cauchy-schwarz", Rel(">=", ab(T(u) * v), norm(u) * norm(v)), VECTORS, False),
    ("gram-swap", Rel("=", det(T(A) * A), det(A * T(A))), {"A": "matrix(m, n)"}, False),
    ("transpose-product-order", Rel("=", T(C * D), T(C) * T(D)), SQUARE, False),
    ("det-additive", Rel("=", det(C + D), det(C) + det(D)), SQUARE, False),
    ("det-scaling", Rel("=", det(2 * C), 2 * det(C)), SQUARE, False),
    ("commuting", Rel("=", C * D, D * C), SQUARE, False),
    ("trace-not-cyclic", Rel("=", tr(C * D * T(C)), tr(D * C * T(C))), SQUARE, False),
    ("homogeneous-sign", Rel("=", norm(c * u), c * norm(u)), VECTORS, False),
    ("norm1-three-inf", Rel("<=", norm(u, 1), 3 * norm(u, "inf")), VECTORS, False),  # n >= 4
    ("norm2-three-inf", Rel("<=", norm(u) ** 2, 3 * norm(u, "inf") ** 2), VECTORS, False),
]  # fmt: skip


def gen_linear(rng: random.Random) -> Case:
    name, rel, let, true = rng.choice(LINEAR)
    names = g.free_vars(rel.lhs) | g.free_vars(rel.rhs)
    decls = {k: d for k, d in let.items() if k in names}
    return Case("e", name, rel, decls, truth="holds" if true else None)


# -- (f) expectations -----------------------------------------------------------------------

X = var("X")
N01 = {"X": "random ~ Normal(0, 1)"}
GENERIC = {"X": "random ~ generic"}
BERNOULLI = ({"X": "random ~ Bernoulli(p)"}, ["p > 0", "p < 1"])
LAWS = {
    "random ~ Normal(0, 1)": ("Normal", (num(0), num(1))),
    "random ~ Normal(1, 2)": ("Normal", (num(1), num(2))),
    "random ~ Normal(1, 1)": ("Normal", (num(1), num(1))),
    "random ~ Uniform(0, 1)": ("Uniform", (num(0), num(1))),
    "random ~ Laplace(0, 1)": ("Laplace", (num(0), num(1))),
    "random ~ Bernoulli(p)": ("Bernoulli", (var("p"),)),
}
s_, t_ = seq("g", "s"), seq("g", "t")
SEQUENCE = {"g": "random sequence ~ generic"}
# name, relation, let, assume, truth, witness (for "fails" by construction)
EXPECTATIONS: list[tuple[str, Rel, dict[str, str], list[str], str, str]] = [
    ("normal-second", Rel("=", E(X**2), num(1)), N01, [], "holds", ""),
    ("normal-mean", Rel("=", E(X), num(0)), N01, [], "holds", ""),
    ("normal-fourth", Rel("=", E(X**4), num(3)), N01, [], "holds", ""),
    ("normal-variance", Rel("=", Var(X), num(1)), N01, [], "holds", ""),
    ("normal-shifted-square", Rel("=", E((X + 1) ** 2), num(2)), N01, [], "holds", ""),
    ("normal-1-2-second", Rel("=", E(X**2), num(5)), {"X": "random ~ Normal(1, 2)"}, [],
     "holds", ""),
    ("uniform-mean", Rel("=", E(X), num(F(1, 2))), {"X": "random ~ Uniform(0, 1)"}, [],
     "holds", ""),
    ("uniform-second", Rel("=", E(X**2), num(F(1, 3))), {"X": "random ~ Uniform(0, 1)"}, [],
     "holds", ""),
    ("laplace-abs", Rel("=", E(ab(X)), num(1)), {"X": "random ~ Laplace(0, 1)"}, [], "holds",
     ""),
    ("laplace-second", Rel("=", E(X**2), num(2)), {"X": "random ~ Laplace(0, 1)"}, [],
     "holds", ""),
    ("bernoulli-mean", Rel("=", E(X), var("p")), *BERNOULLI, "holds", ""),
    ("bernoulli-second", Rel("=", E(X**2), var("p")), *BERNOULLI, "holds", ""),
    ("bernoulli-variance", Rel("=", Var(X), var("p") * (1 - var("p"))), *BERNOULLI, "holds",
     ""),
    ("lognormal-mean", Rel("=", E(exp(X)), exp(num(F(1, 2)))), N01, [], "holds", ""),
    ("normal-relu", Rel("=", E(relu(X)), 1 / sqrt(2 * PI)), N01, [], "holds", ""),
    ("normal-abs", Rel("=", E(ab(X)), sqrt(2 / PI)), N01, [], "holds", ""),
    ("normal-sigmoid", Rel("=", E(sig(X)), num(F(1, 2))), N01, [], "holds", ""),
    ("normal-tanh", Rel("=", E(tanh(X)), num(0)), N01, [], "holds", ""),
    ("linearity", Rel("=", E(a * X + b), a * E(X) + b), GENERIC, [], "holds", ""),
    ("variance-formula", Rel("=", Var(X), E(X**2) - E(X) ** 2), GENERIC, [], "holds", ""),
    ("variance-scaling", Rel("=", Var(a * X), a**2 * Var(X)), GENERIC, [], "holds", ""),
    ("sequence-linearity", Rel("=", E(s_ + t_), E(s_) + E(t_)), SEQUENCE, [], "holds", ""),
    ("normal-second-wrong", Rel("=", E(X**2), num(2)), N01, [], "fails", "E[X^2] = 1"),
    ("normal-fourth-wrong", Rel("=", E(X**4), num(1)), N01, [], "fails", "E[X^4] = 3"),
    ("uniform-second-wrong", Rel("=", E(X**2), num(F(1, 2))), {"X": "random ~ Uniform(0, 1)"},
     [], "fails", "E[X^2] = 1/3"),
    ("bernoulli-second-wrong", Rel("=", E(X**2), var("p") ** 2), *BERNOULLI, "fails",
     "E[X^2] = p, not p^2 for 0 < p < 1"),
    ("normal-relu-wrong", Rel("=", E(relu(X)), num(F(2, 5))), N01, [], "fails",
     "E[relu(X)] = 1/sqrt(2 pi) = 0.398942..."),
    ("normal-abs-wrong", Rel("=", E(ab(X)), num(F(4, 5))), N01, [], "fails",
     "E[|X|] = sqrt(2/pi) = 0.797884..."),
    ("lognormal-wrong", Rel("=", E(exp(X)), num(F(33, 20))), N01, [], "fails",
     "E[exp(X)] = exp(1/2) = 1.648721..."),
    ("sigmoid-square-wrong", Rel("=", E(sig(X) ** 2), num(F(1, 4))), N01, [], "fails",
     "E[sigmoid(X)^2] = 1/4 + Var(sigmoid(X)) > 1/4"),
    ("normal-tanh-wrong", Rel("=", E(tanh(X)), num(F(1, 100))), N01, [], "fails",
     "E[tanh(X)] = 0 by symmetry"),
    ("shifted-sigmoid-wrong", Rel("=", E(sig(X)), num(F(1, 2))), {"X": "random ~ Normal(1, 1)"},
     [], "fails", "E[sigmoid(X)] > 1/2 for X ~ Normal(1, 1)"),
    ("square-of-mean", Rel("=", E(X * X), E(X) * E(X)), GENERIC, [], "fails",
     "X ~ Normal(0, 1): E[X X] = 1, E[X] E[X] = 0"),
    ("variance-of-double", Rel("=", Var(X + X), 2 * Var(X)), GENERIC, [], "fails",
     "X ~ Normal(0, 1): Var(2X) = 4, 2 Var(X) = 2"),
    ("sequence-independence", Rel("=", E(s_ * t_), E(s_) * E(t_)), SEQUENCE, [], "fails",
     "s = t, g_t ~ Normal(0, 1): E[g_t^2] = 1, E[g_t]^2 = 0"),
]  # fmt: skip


def gen_expectation(rng: random.Random) -> Case:
    name, rel, let, assume, truth, witness = rng.choice(EXPECTATIONS)
    laws = {k: LAWS[d] for k, d in let.items() if d in LAWS}
    case = Case("f", name, rel, dict(let), list(assume), truth=truth, laws=laws)
    case.witness = {"by construction": witness} if truth == "fails" else None
    return case


# -- (i) implicit products ------------------------------------------------------------------

IMPLICIT_EXTRA = [
    ("product-of-square", x * (a + b) ** 2, x * a**2 + 2 * x * a * b + x * b**2),
    ("scaled-sigmoid", 2 * sig(2 * z), 1 + tanh(z)),
    ("scaled-square", 3 * (x + 1) ** 2, 3 * x**2 + 6 * x + 3),
    ("name-times-group", x * (a + b), x * a + x * b),
]


def gen_implicit(rng: random.Random) -> Case:
    if rng.random() < 0.4:
        name, lhs, rhs = rng.choice(IMPLICIT_EXTRA)
        rel = Rel("=", lhs, rhs)
    else:
        name, lhs, rhs, let, fixed = rng.choice(IDENTITIES)
        if let:
            return gen_implicit(rng)
        rel = compose(rng, Rel("=", lhs, rhs), fixed, p=0.3)
    if rng.random() < 0.4:
        result = perturb(rng, rel)
        if result is not None:
            return Case("i", f"{name}/{result[1]}", result[0], implicit=True)
    return Case("i", name, rel, truth="holds", implicit=True)


GENERATORS = {
    "a": gen_identity,
    "b": gen_perturbed,
    "c": gen_inequality,
    "d": gen_domain,
    "e": gen_linear,
    "f": gen_expectation,
    "i": gen_implicit,
}


def generate(count: int, seed: int) -> list[Case]:
    """`count` statements, the classes interleaved in proportion to WEIGHTS."""
    rng = random.Random(seed)
    schedule = [k for k, w in WEIGHTS.items() for _ in range(w)]
    order: list[str] = []
    while len(order) < count:
        block = schedule[:]
        rng.shuffle(block)
        order += block
    cases, seen = [], set()
    for cls in order[:count]:
        for _ in range(20):
            case = GENERATORS[cls](rng)
            key = (case.statement, tuple(sorted(case.let.items())), tuple(case.assume))
            if key not in seen and g.size(case.rel.lhs) + g.size(case.rel.rhs) < 80:
                break
        seen.add(key)
        cases.append(case)
    return cases


def table_cases() -> list[Case]:
    """Every entry of every table once, as written (no substitution, no perturbation)."""
    cases = [Case("a", n, Rel("=", lhs, rhs), dict(let), truth="holds")
             for n, lhs, rhs, let, _ in IDENTITIES]  # fmt: skip
    cases += [_inequality(None, entry) for entry in INEQUALITIES]
    cases += [Case("d", n, rel, {}, list(assume), truth="holds" if true else None)
              for n, rel, assume, true in DOMAIN_TRAPS]  # fmt: skip
    for n, rel, let, true in LINEAR:
        names = g.free_vars(rel.lhs) | g.free_vars(rel.rhs)
        decls = {k: d for k, d in let.items() if k in names}
        cases.append(Case("e", n, rel, decls, truth="holds" if true else None))
    for n, rel, let, assume, truth, witness in EXPECTATIONS:
        laws = {k: LAWS[d] for k, d in let.items() if d in LAWS}
        case = Case("f", n, rel, dict(let), list(assume), truth=truth, laws=laws)
        case.witness = {"by construction": witness} if truth == "fails" else None
        cases.append(case)
    cases += [Case("i", n, Rel("=", lhs, rhs), truth="holds", implicit=True)
              for n, lhs, rhs in IMPLICIT_EXTRA]  # fmt: skip
    return cases


# -- the oracle: witness search -------------------------------------------------------------

ADVERSARIAL = [F(v) for v in (
    "0", "1", "-1", "1/2", "-1/2", "2", "-2", "3", "-3", "1/1000000", "-1/1000000", "1/1000",
    "-1/1000", "1000000", "-1000000", "1000", "-1000", "7", "10", "100", "9999", "-9999",
    "10000", "355/113", "-355/113", "1/997", "12345/9973", "-12345/9973", "22/7", "5/4",
    "-7/3", "40", "-40", "1/3", "-2/3",
)]  # fmt: skip
SIMPLE = [F(v) for v in ("0", "1", "-1", "2", "1/2", "-2", "-1/2", "3")]
INTEGER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 13, 30]


def _near_constants(rel: Rel) -> list[F]:
    found: set[F] = set()
    for node in (*g.walk(rel.lhs), *g.walk(rel.rhs)):
        if node.op == "num" and node.val != 0 and abs(node.val) < 10**6:
            w = node.val
            found |= {w, -w, 1 / w, w + F(1, 10**9), w - F(1, 10**9), -w + F(1, 10**9)}
    return sorted(found)


def scalar_points(case: Case, rng: random.Random, count: int) -> list[dict[str, Any]]:
    rel = case.rel
    names = sorted((g.free_vars(rel.lhs) | g.free_vars(rel.rhs)) - set(case.laws))
    ints = _integers(case)
    bounds = _bounds(case)
    pool = ADVERSARIAL + _near_constants(rel)
    pool += [F(rng.randint(-2000, 2000), rng.randint(1, 999)) for _ in range(30)]

    def values(name: str, candidates: list[F]) -> list[F]:
        if name in ints:
            candidates = [F(k) for k in INTEGER_VALUES]
        allowed = [c for c in candidates if _allowed(c, bounds.get(name, []))]
        if not allowed:  # an assumption excludes all: draw inside it
            low = next((b for op, b in bounds.get(name, []) if op in (">", ">=")), F(0))
            allowed = [low + F(k, 7) for k in range(1, 30)]
        return allowed

    simple = {n: values(n, SIMPLE) for n in names}
    full = {n: values(n, pool) for n in names}
    points: list[dict[str, Any]] = []
    for k in range(max(len(s) for s in simple.values()) if names else 1):
        points.append({n: simple[n][k % len(simple[n])] for n in names})
    grid = 1
    for n in names:
        grid *= len(simple[n])
    if grid <= 100:
        import itertools

        for combo in itertools.product(*(simple[n] for n in names)):
            points.append(dict(zip(names, combo, strict=True)))
    while len(points) < count:
        if rng.random() < 0.3:  # every name the same value
            shared = rng.choice(pool)
            point = {n: shared if shared in full[n] else rng.choice(full[n]) for n in names}
        else:
            point = {n: rng.choice(full[n]) for n in names}
        points.append(point)
    return points


def matrix_points(case: Case, rng: random.Random, count: int) -> list[dict[str, Any]]:
    shapes = _shapes(case)
    sizes = sorted({s for shape in shapes.values() for s in shape if not s.isdigit()})
    scalars = sorted(
        (g.free_vars(case.rel.lhs) | g.free_vars(case.rel.rhs)) - set(shapes) - set(case.laws)
    )
    points = []
    entries = [F(k) for k in range(-3, 4)] + [F(1, 2), F(-5, 3)]
    grid = [dict(zip(sizes, combo, strict=True)) for combo in _size_combos(len(sizes))]
    for k in range(count):
        dims = grid[k % len(grid)]
        point: dict[str, Any] = {n: rng.choice(ADVERSARIAL[:12]) for n in scalars}
        for name, (rows, cols) in shapes.items():
            r = int(rows) if rows.isdigit() else dims[rows]
            q = int(cols) if cols.isdigit() else dims[cols]
            point[name] = Mat(tuple(tuple(rng.choice(entries) for _ in range(q)) for _ in range(r)))
        point["__sizes__"] = dims
        points.append(point)
    return points


def _size_combos(k: int) -> list[tuple[int, ...]]:
    import itertools

    combos = list(itertools.product((1, 2, 3, 4), repeat=k))
    return sorted(combos, key=lambda c: (max(c), c))


def find_witness(case: Case, seed: int, count: int = 300, budget: float = 6.0) -> dict | None:
    """A point where the oracle finds the relation violated, confirmed at 100 digits."""
    rng = random.Random(f"{seed}/{case.statement}")
    if any(n.op in ("E", "Var", "seq") for n in (*g.walk(case.rel.lhs), *g.walk(case.rel.rhs))):
        return None  # expectations: truth by construction only
    make = matrix_points if _shapes(case) else scalar_points
    start = time.monotonic()
    for point in make(case, rng, count):
        if time.monotonic() - start > budget:
            break
        sizes = point.pop("__sizes__", {})
        outcome, sides = g.judge_point(case.rel, point, case.laws)
        if outcome == VIOLATED:
            return {"point": _describe(point, sizes), "sides": sides}
    return None


def expectation_check(case: Case) -> str:
    """The table's truth of an expectation against quadrature (laws with numbers for
    parameters; Bernoulli(p) at p = 1/3): "" when they agree or cannot be compared."""
    names = g.free_vars(case.rel.lhs) | g.free_vars(case.rel.rhs)
    if not case.laws or set(case.laws) != names - {"p"}:
        return ""
    env = {"p": F(1, 3)}
    with g.mpmath.workdps(30):
        try:
            ev = g.Evaluator(env, case.laws)
            lhs, rhs = g.mpf(ev.ev(case.rel.lhs)), g.mpf(ev.ev(case.rel.rhs))
        except g.Ambiguous:
            return ""
        gap = abs(lhs - rhs)
    if case.truth == "holds" and gap > 1e-15:
        return f"quadrature: {g.mpmath.nstr(lhs, 12)} against {g.mpmath.nstr(rhs, 12)}"
    if case.truth == "fails" and gap < 1e-6:
        return f"quadrature finds both sides equal ({g.mpmath.nstr(lhs, 12)})"
    if case.truth == "fails" and case.witness is not None:
        case.witness["quadrature"] = f"{g.mpmath.nstr(lhs, 15)} against {g.mpmath.nstr(rhs, 15)}"
    return ""


def _describe(point: dict[str, Any], sizes: dict[str, int]) -> dict[str, str]:
    out = {k: str(v) for k, v in sizes.items()}
    for name, value in sorted(point.items()):
        if isinstance(value, Mat) and value.shape[1] == 1:  # a vector, as derive writes it
            out[name] = "[" + ", ".join(str(row[0]) for row in value.rows) + "]"
        elif isinstance(value, Mat):
            out[name] = (
                "["
                + ", ".join("[" + ", ".join(str(e) for e in row) + "]" for row in value.rows)
                + "]"
            )
        else:
            out[name] = str(value)
    return out


def recheck_counterexample(case: Case, values: list[tuple[str, str]]) -> tuple[str, str]:
    """derive's counterexample, evaluated by the oracle: "confirmed" (violated there),
    "fake" (the relation holds there, or the point is outside the domain), "unchecked"."""
    free = (g.free_vars(case.rel.lhs) | g.free_vars(case.rel.rhs)) - set(case.laws)
    if case.laws or any(n.op == "seq" for n in g.walk(case.rel.lhs)):
        return "unchecked", "expectations"
    env: dict[str, Any] = {}
    shapes = _shapes(case)
    for name, text in values:
        if name not in free:
            continue
        try:
            value = g.parse_value(text)
        except (ValueError, ZeroDivisionError, json.JSONDecodeError):
            return "unchecked", f"cannot read {name} = {text}"
        if isinstance(value, Mat) and name in shapes and shapes[name][0] == "1":
            value = Mat(tuple(zip(*value.rows, strict=True)))  # a row vector
        env[name] = value
    missing = free - set(env)
    if missing:
        return "unchecked", f"no value for {', '.join(sorted(missing))}"
    outcome, sides = g.judge_point(case.rel, env)
    if outcome == VIOLATED:
        return "confirmed", sides
    if outcome in ("ok", OUTSIDE):
        return "fake", f"{outcome} there: {sides}"
    return "unchecked", f"ambiguous: {sides}"


# -- deciding with derive -------------------------------------------------------------------


def derive_decide(case: Case, seed: int, timeout: float) -> dict[str, Any]:
    from derive.claim import claim
    from derive.engine import Settings, prove

    start = time.perf_counter()
    built = claim(
        "fuzz/soundness/1",
        "fuzz",
        source="fuzz",
        statement=case.statement,
        let=case.let,
        assume=case.assume,
    )
    verdict = prove(built.check, Settings(seed=seed, timeout=timeout, cache_dir=None))
    out: dict[str, Any] = {
        "status": verdict.status.value,
        "method": verdict.method,
        "seconds": time.perf_counter() - start,
        "summary": (verdict.summary or verdict.reason or "")[:300],
    }
    if verdict.counterexample is not None:
        out["counterexample"] = [list(p) for p in verdict.counterexample.values]
    return out


WRONG_KINDS = ("false proof", "false verified", "fake refutation", "fake counterexample")


def examine(case: Case, seed: int, timeout: float) -> dict[str, Any]:
    """Decide one case with derive and judge the verdict."""
    witness = case.witness
    consistency = ""
    if case.truth is None:
        witness = find_witness(case, seed)
    elif case.truth == "holds" and case.cls != "f":
        found = find_witness(case, seed, count=80, budget=2.0)
        if found is not None:  # a bug of the fuzzer's tables, not of derive
            consistency = f"construction says holds, the oracle found {found}"
    elif case.cls == "f":
        consistency = expectation_check(case)
    decision = derive_decide(case, seed, timeout)
    truth = case.truth or ("fails" if witness else None)
    recheck = None
    if decision["status"] == "refuted" and decision.get("counterexample") is not None:
        recheck = recheck_counterexample(case, decision["counterexample"])
        if recheck[0] == "confirmed" and truth is None:
            truth, witness = "fails", {"point": "derive's counterexample", "sides": recheck[1]}
    wrong = None
    if consistency:
        truth = None
    elif truth == "fails" and decision["status"] == "proved":
        wrong = "false proof"
    elif truth == "fails" and decision["status"] == "verified":
        wrong = "false verified"
    elif truth == "holds" and decision["status"] == "refuted":
        wrong = "fake refutation"
    elif recheck is not None and recheck[0] == "fake":
        wrong = "fake counterexample"
    return {
        "class": case.cls,
        "template": case.template,
        "statement": case.statement,
        "let": case.let,
        "assume": case.assume,
        "implicit": case.implicit,
        "truth": truth,
        "witness": witness,
        "derive": decision,
        "recheck": list(recheck) if recheck else None,
        "wrong": wrong,
        "inconsistent": consistency or None,
        "tree": g.to_json(case.rel),
        "laws": {k: [v[0], [g.to_json(p) for p in v[1]]] for k, v in case.laws.items()},
    }


def case_from_record(record: dict[str, Any]) -> Case:
    """A regression record back as a case (its tree, when it has one)."""
    laws = {k: (f, tuple(g.from_json(p) for p in ps)) for k, (f, ps) in
            record.get("laws", {}).items()}  # fmt: skip
    rel = g.from_json(record["tree"]) if record.get("tree") else Rel("=", num(0), num(0))
    return Case(
        record.get("class", "?"),
        record.get("template", ""),
        rel,  # type: ignore[arg-type]
        dict(record.get("let") or {}),
        list(record.get("assume") or []),
        record.get("truth"),
        bool(record.get("implicit")),
        laws,
    )


# -- regressions ----------------------------------------------------------------------------


def load_regressions(path: Path = REGRESSIONS) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _key(record: dict[str, Any]) -> tuple:
    return (
        record["statement"],
        tuple(sorted((record.get("let") or {}).items())),
        tuple(record.get("assume") or ()),
    )


def keep_regressions(rows: list[dict[str, Any]], seed: int, path: Path = REGRESSIONS) -> int:
    """Append every wrong verdict not kept yet; returns how many were added."""
    known = {_key(r) for r in load_regressions(path)}
    added = []
    for row in rows:
        if not row["wrong"] or _key(row) in known:
            continue
        known.add(_key(row))
        record = {
            "statement": row["statement"],
            "let": row["let"],
            "assume": row["assume"],
            "truth": row["truth"] or "unknown",
            "found": row["derive"]["status"],
            "seed": seed,
            "kind": row["wrong"],
            "class": row["class"],
            "template": row["template"],
            "implicit": row["implicit"],
            "witness": row["witness"],
            "counterexample": row["derive"].get("counterexample"),
            "tree": row["tree"],
        }
        if row["laws"]:
            record["laws"] = row["laws"]
        added.append(json.dumps(record, default=str))
    if added:
        with path.open("a") as handle:
            handle.write("\n".join(added) + "\n")
    return len(added)


# -- the benchmark --------------------------------------------------------------------------


def fuzz(
    count: int,
    seed: int,
    timeout: float = TIMEOUT,
    progress: bool = True,
    tables: bool = False,
) -> dict:
    """`count` random statements (after every table entry once, with `tables`)."""
    cases = (table_cases() if tables else []) + generate(count, seed)
    rows = []
    start = time.perf_counter()
    for index, case in enumerate(cases):
        rows.append(examine(case, seed, timeout))
        if progress and (index + 1) % 10 == 0:
            wrong = sum(1 for r in rows if r["wrong"])
            log(f"soundness: {index + 1}/{len(cases)} statements, {wrong} wrong")
    seconds = time.perf_counter() - start
    return summarize(rows, seed, seconds, timeout)


def summarize(rows: list[dict], seed: int, seconds: float, timeout: float) -> dict[str, Any]:
    def figures(subset: list[dict]) -> dict[str, Any]:
        judged = [r for r in subset if r["truth"] in ("holds", "fails")]
        decided = [r for r in judged if r["derive"]["status"] in ("proved", "verified", "refuted")]
        wrong = [r for r in subset if r["wrong"]]
        kinds = Counter(r["wrong"] for r in wrong)
        return {
            "generated": len(subset),
            "judged": len(judged),
            "holds": sum(r["truth"] == "holds" for r in judged),
            "fails": sum(r["truth"] == "fails" for r in judged),
            "skipped": len(subset) - len(judged),
            "decided": len(decided),
            "statuses": dict(Counter(r["derive"]["status"] for r in subset)),
            "wrong": len(wrong),
            "wrong_per_1000": 1000 * len(wrong) / len(judged) if judged else None,
            **{k.replace(" ", "_"): kinds.get(k, 0) for k in WRONG_KINDS},
        }

    by_class = {k: figures([r for r in rows if r["class"] == k]) for k in CLASSES}
    return {
        "seed": seed,
        "timeout_seconds": timeout,
        "seconds": seconds,
        "statements_per_second": len(rows) / seconds if seconds else None,
        "total": figures(rows),
        "by_class": by_class,
        "inconsistent": [r for r in rows if r["inconsistent"]],
        "wrong": [r for r in rows if r["wrong"]],
        "rows": rows,
    }


def run(*, quick: bool, seed: int, out_dir: Path | None = None) -> dict[str, Any]:
    count = QUICK if quick else FULL
    log(f"soundness: {count} random statements{'' if quick else ' after the tables'}, "
        f"seed {seed}, {TIMEOUT:g} s each")  # fmt: skip
    result = fuzz(count, seed, tables=not quick)
    result["regressions_added"] = keep_regressions(result["rows"], seed)
    result["regressions_file"] = str(REGRESSIONS.relative_to(ROOT))
    if out_dir is not None:
        (Path(out_dir) / "soundness_wrong.md").write_text(wrong_md(result))
    return result


def wrong_md(result: dict[str, Any]) -> str:
    lines = [
        "# Soundness fuzzer: wrong verdicts",
        "",
        f"Seed {result['seed']}, {result['total']['generated']} statements "
        f"({result['timeout_seconds']:g} s each). Generated by `python -m benchmarks.run "
        "--only soundness`; kept as regressions in `tests/soundness_regressions.jsonl`.",
        "",
        "| class | kind | statement | let / assume | derive | truth | witness |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["wrong"]:
        context = ", ".join(f"{k}: {v}" for k, v in r["let"].items())
        context = "; ".join(filter(None, [context, ", ".join(r["assume"])])) or "–"
        d = r["derive"]
        said = f"{d['status']} ({d['method']})"
        if d.get("counterexample"):
            said += " at " + ", ".join(f"{k} = {v}" for k, v in d["counterexample"])
        cells = [r["class"], r["wrong"], f"`{r['statement']}`", context, said, r["truth"] or "?",
                 json.dumps(r["witness"]) if r["witness"] else (r["recheck"] or [""])[-1]]  # fmt: skip
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def markdown(result: dict[str, Any]) -> str:
    header = ["class", "generated", "judged (holds/fails)", "decided", "wrong", "per 1,000",
              "false proof", "false verified", "fake refutation", "fake counterexample"]  # fmt: skip
    rows = []
    for key, name in (*CLASSES.items(), ("total", "all")):
        f = result["total"] if key == "total" else result["by_class"][key]
        rows.append([
            f"{key} {name}" if key != "total" else "**all**",
            f["generated"], f"{f['judged']} ({f['holds']}/{f['fails']})", f["decided"],
            f["wrong"], f["wrong_per_1000"], f["false_proof"], f["false_verified"],
            f["fake_refutation"], f["fake_counterexample"],
        ])  # fmt: skip
    wrong = result["wrong"]
    listing = "\n".join(
        f"- ({r['class']}) {r['wrong']}: `{r['statement']}`"
        + (f" with {r['let']}" if r["let"] else "")
        + (f" assuming {', '.join(r['assume'])}" if r["assume"] else "")
        + f" — derive {r['derive']['status']}, truth {r['truth']}"
        for r in wrong
    )
    return "\n\n".join(
        [
            f"### Soundness fuzzer ({result['total']['generated']} statements, seed "
            f"{result['seed']}, {fmt(result['timeout_seconds'])} s each)",
            table(header, rows),
            f"{fmt(result['seconds'])} s in all ({fmt(result['statements_per_second'])} "
            f"statements/s). Skipped (truth neither by construction nor by a witness): "
            f"{result['total']['skipped']}; fuzzer inconsistencies: "
            f"{len(result['inconsistent'])}. New regressions kept: "
            f"{result.get('regressions_added', 0)} (`{result.get('regressions_file', '')}`).",
            "**Wrong verdicts:**\n" + (listing or "none"),
        ]
    )
