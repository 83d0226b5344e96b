"""Expression trees for the soundness fuzzer: one tree gives both derive's plain text and
an independent mpmath/exact evaluation (never derive's parser nor its sympy lowering).

Real-domain convention, the one README.md documents ("Variables are real. A relation is
checked where its sides are defined"), followed by `evaluate_side` and `judge_point`:

- a side is *not real* (NR) where evaluating it passes through a logarithm of a negative
  number, an even root of a negative number (`sqrt(-1)`, `(-4)^(1/2)`, `x^(3/4)` at x < 0)
  or a non-integer real power of a negative number -- even if later operations would give
  a real number again (`sqrt(x)^2` at x = -1 is not real, as `sqrt(-2) sqrt(-3)` is not);
- odd roots of negative numbers are real: `(-8)^(1/3) = -2`, `x^(2/3) = (x^(1/3))^2`;
- a side is *undefined* (UD) where it divides by zero, takes `log(0)` or `0^negative`
  (an infinity is not a number either way; derive's exact confirmation also says nothing
  at zoo and infinities); where both reasons apply, not-real wins (derive checks it first);
- at a point: any side UD -> the point says nothing; both sides NR -> nothing; one side NR
  and the other real -> the relation fails there (except `!=`, which says nothing);
  both real -> the relation is compared, `=` within 1e-30 (1 + |lhs| + |rhs|).

Numbers are exact `Fraction`s as long as the operations allow (+ - * /, integer powers,
abs, max, min, relu, perfect roots, exp(0), log(1), tanh(0), sigmoid(0)), otherwise mpmath
`mpf` at the working precision; a sign test or division on an inexact number within 1e-30
of zero makes the point *ambiguous* (never a witness either way). Ties of strict
inequalities are only witnesses when both sides are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

# -- trees --------------------------------------------------------------------------------

FUNCTIONS = ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softplus")


@dataclass(frozen=True)
class N:
    """One node. op: num (val Fraction), var (val name), const (pi), add sub mul div neg
    pow, fn (val name), max min, sum (args body, lo, hi; val index), diff (val variable),
    T, norm (val kind None/1/inf), det, tr, E, Var, seq (val base, args (index,))."""

    op: str
    args: tuple[N, ...] = ()
    val: Any = None

    def __add__(self, o: Any) -> N:
        return N("add", (self, lift(o)))

    def __radd__(self, o: Any) -> N:
        return N("add", (lift(o), self))

    def __sub__(self, o: Any) -> N:
        return N("sub", (self, lift(o)))

    def __rsub__(self, o: Any) -> N:
        return N("sub", (lift(o), self))

    def __mul__(self, o: Any) -> N:
        return N("mul", (self, lift(o)))

    def __rmul__(self, o: Any) -> N:
        return N("mul", (lift(o), self))

    def __truediv__(self, o: Any) -> N:
        return N("div", (self, lift(o)))

    def __rtruediv__(self, o: Any) -> N:
        return N("div", (lift(o), self))

    def __neg__(self) -> N:
        return N("neg", (self,))

    def __pow__(self, o: Any) -> N:
        return N("pow", (self, lift(o)))

    def __rpow__(self, o: Any) -> N:
        return N("pow", (lift(o), self))


@dataclass(frozen=True)
class Rel:
    op: str  # = != < <= > >=
    lhs: N
    rhs: N


def lift(v: Any) -> N:
    if isinstance(v, N):
        return v
    return N("num", (), Fraction(v))


def num(v: Any) -> N:
    return N("num", (), Fraction(v))


def var(name: str) -> N:
    return N("var", (), name)


def fn(name: str, a: Any) -> N:
    return N("fn", (lift(a),), name)


def vmax(a: Any, b: Any) -> N:
    return N("max", (lift(a), lift(b)))


def vmin(a: Any, b: Any) -> N:
    return N("min", (lift(a), lift(b)))


def Sum(body: N, index: str, lo: Any, hi: Any) -> N:
    return N("sum", (body, lift(lo), lift(hi)), index)


def diff(body: N, v: str) -> N:
    return N("diff", (body,), v)


def T(a: N) -> N:
    return N("T", (a,))


def norm(a: N, kind: Any = None) -> N:
    return N("norm", (a,), kind)


def det(a: N) -> N:
    return N("det", (a,))


def tr(a: N) -> N:
    return N("tr", (a,))


def E(a: Any) -> N:
    return N("E", (lift(a),))


def Var(a: Any) -> N:
    return N("Var", (lift(a),))


def seq(base: str, index: str) -> N:
    return N("seq", (var(index),), base)


PI = N("const", (), "pi")


def walk(node: N):  # type: ignore[no-untyped-def]
    yield node
    for a in node.args:
        yield from walk(a)


def paths(node: N, prefix: tuple[int, ...] = ()):  # type: ignore[no-untyped-def]
    """Every (path, node), the root first."""
    yield prefix, node
    for i, a in enumerate(node.args):
        yield from paths(a, (*prefix, i))


def replace_at(node: N, path: tuple[int, ...], new: N) -> N:
    if not path:
        return new
    args = list(node.args)
    args[path[0]] = replace_at(args[path[0]], path[1:], new)
    return N(node.op, tuple(args), node.val)


def substitute(node: N, mapping: dict[str, N]) -> N:
    if node.op == "var" and node.val in mapping:
        return mapping[node.val]
    if not node.args:
        return node
    return N(node.op, tuple(substitute(a, mapping) for a in node.args), node.val)


def free_vars(node: N) -> set[str]:
    bound = {n.val for n in walk(node) if n.op == "sum"}
    return {n.val for n in walk(node) if n.op == "var"} - bound


def size(node: N) -> int:
    return sum(1 for _ in walk(node))


def to_json(node: N | Rel) -> Any:
    if isinstance(node, Rel):
        return ["rel", node.op, to_json(node.lhs), to_json(node.rhs)]
    val = str(node.val) if isinstance(node.val, Fraction) else node.val
    return [node.op, val, *(to_json(a) for a in node.args)]


def from_json(data: Any) -> N | Rel:
    if data[0] == "rel":
        return Rel(data[1], from_json(data[2]), from_json(data[3]))  # type: ignore[arg-type]
    op, val, *args = data
    if op == "num":
        val = Fraction(val)
    return N(op, tuple(from_json(a) for a in args), val)  # type: ignore[misc]


# -- rendering: derive's plain text ---------------------------------------------------------


def _num_text(v: Fraction) -> str:
    text = str(v) if v.denominator != 1 else str(v.numerator)
    return f"({text})" if v < 0 or v.denominator != 1 else text


def render(node: N, implicit: bool = False) -> str:
    """Fully parenthesized plain text (`implicit`: products of a number or a name with
    what follows are written by juxtaposition, `2 sigmoid(2 z)`, `x(a + b)^2`)."""
    r = lambda n: render(n, implicit)  # noqa: E731
    inner = lambda n: _strip(render(n, implicit))  # noqa: E731
    match node.op:
        case "num":
            return _num_text(node.val)
        case "var":
            return node.val
        case "const":
            return node.val
        case "seq":
            return f"{node.val}_{inner(node.args[0])}"
        case "add":
            return f"({r(node.args[0])} + {r(node.args[1])})"
        case "sub":
            return f"({r(node.args[0])} - {r(node.args[1])})"
        case "mul":
            a, b = node.args
            if implicit and a.op in ("num", "var") and b.op not in ("num",):
                if a.op == "num" and (a.val < 0 or a.val.denominator != 1):
                    return f"({r(a)} * {r(b)})"
                right = r(b)
                gap = "" if right.startswith("(") and a.op == "var" else " "
                return f"({r(a)}{gap}{right})"
            return f"({r(a)} * {r(b)})"
        case "div":
            return f"({r(node.args[0])} / {r(node.args[1])})"
        case "neg":
            return f"(-{r(node.args[0])})"
        case "pow":
            base, exponent = node.args
            b = r(base)
            if exponent.op == "num" and exponent.val >= 0 and exponent.val.denominator == 1:
                e = str(exponent.val.numerator)
            elif exponent.op == "var":
                e = exponent.val
            else:
                e = f"({inner(exponent)})"
            if implicit:  # `x(a + b)^2`: the power binds tighter, as written by hand
                return f"({b})^{e}" if base.op == "pow" else f"{b}^{e}"
            return f"({b}^{e})"
        case "fn":
            return f"{node.val}({inner(node.args[0])})"
        case "max" | "min":
            return f"{node.op}({inner(node.args[0])}, {inner(node.args[1])})"
        case "sum":
            body, lo, hi = node.args
            return f"Sum({inner(body)}, ({node.val}, {inner(lo)}, {inner(hi)}))"
        case "diff":
            return f"diff({inner(node.args[0])}, {node.val})"
        case "T":
            return f"transpose({inner(node.args[0])})"
        case "norm":
            kind = "" if node.val is None else f", {node.val}"
            return f"norm({inner(node.args[0])}{kind})"
        case "det" | "tr":
            return f"{node.op}({inner(node.args[0])})"
        case "E":
            return f"E[{inner(node.args[0])}]"
        case "Var":
            return f"Var({inner(node.args[0])})"
    raise ValueError(node.op)


def _strip(text: str) -> str:
    """Drop one pair of outer parentheses when they enclose the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


def render_rel(rel: Rel, implicit: bool = False) -> str:
    return f"{_strip(render(rel.lhs, implicit))} {rel.op} {_strip(render(rel.rhs, implicit))}"


# -- evaluation -----------------------------------------------------------------------------

TINY = mpmath.mpf("1e-30")  # an inexact value this close to 0 has no reliable sign
EXP_LIMIT = 10**7  # exp of more than this: the point is not evaluated


class Ambiguous(Exception):
    """The point cannot be judged reliably (a sign too close to call, a huge value)."""


class Bad:
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "nr" (not a real number) or "ud" (undefined)

    def __repr__(self) -> str:
        return self.kind


NR, UD = Bad("nr"), Bad("ud")


@dataclass(frozen=True)
class Mat:
    rows: tuple[tuple[Any, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])


def _bad(*values: Any) -> Bad | None:
    bads = [v for v in values if isinstance(v, Bad)]
    if not bads:
        return None
    return NR if any(b is NR for b in bads) else UD


def mpf(v: Any) -> Any:
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    if isinstance(v, int):
        return mpmath.mpf(v)
    return v


def _sign(v: Any) -> int:
    if isinstance(v, Fraction):
        return (v > 0) - (v < 0)
    if abs(v) <= TINY:
        raise Ambiguous("sign")
    return 1 if v > 0 else -1


def _scalar(v: Any) -> Any:
    if isinstance(v, Mat):
        if v.shape == (1, 1):
            return v.rows[0][0]
        raise Ambiguous("a matrix where a number is needed")
    return v


def _exact_root(v: Fraction, q: int) -> Fraction | None:
    """The exact q-th root of v >= 0, or None."""

    def iroot(n: int) -> int | None:
        if n.bit_length() > 4000:
            return None
        r = round(n ** (1.0 / q)) if n < 2**1000 else int(mpmath.nint(mpmath.root(n, q)))
        for c in (r - 1, r, r + 1):
            if c >= 0 and c**q == n:
                return c
        return None

    a, b = iroot(v.numerator), iroot(v.denominator)
    return Fraction(a, b) if a is not None and b is not None else None


class Evaluator:
    """Evaluate trees at one point: env maps names to Fraction/mpf/Mat; laws maps random
    names to (family, params) for E and Var."""

    def __init__(self, env: dict[str, Any], laws: dict[str, tuple] | None = None) -> None:
        self.env = env
        self.laws = laws or {}

    def side(self, node: N) -> tuple[str, Any]:
        """("real", value) | ("nr", None) | ("ud", None) | ("amb", reason)."""
        try:
            value = self.ev(node)
        except Ambiguous as exc:
            return "amb", str(exc)
        except (ZeroDivisionError, OverflowError, ValueError) as exc:
            return "amb", f"{type(exc).__name__}"
        if isinstance(value, Bad):
            return value.kind, None
        if isinstance(value, Mat):
            if value.shape == (1, 1):
                value = value.rows[0][0]
            elif any(isinstance(e, Bad) for row in value.rows for e in row):
                kinds = {e.kind for row in value.rows for e in row if isinstance(e, Bad)}
                return ("nr" if "nr" in kinds else "ud"), None
        if isinstance(value, Bad):
            return value.kind, None
        return "real", value

    # one method per node kind --------------------------------------------------------------

    def ev(self, node: N) -> Any:
        return getattr(self, "_" + node.op)(node)

    def _num(self, node: N) -> Any:
        return node.val

    def _var(self, node: N) -> Any:
        return self.env[node.val]

    def _const(self, node: N) -> Any:
        if node.val == "pi":
            return +mpmath.pi
        raise ValueError(node.val)

    def _seq(self, node: N) -> Any:
        raise Ambiguous("a random sequence is not evaluated")

    def _neg(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad):
            return a
        if isinstance(a, Mat):
            return Mat(tuple(tuple(-e for e in row) for row in a.rows))
        return -a

    def _binary(self, node: N) -> tuple[Any, Any]:
        return self.ev(node.args[0]), self.ev(node.args[1])

    def _add(self, node: N) -> Any:
        return self._elementwise(node, lambda x, y: x + y)

    def _sub(self, node: N) -> Any:
        return self._elementwise(node, lambda x, y: x - y)

    def _elementwise(self, node: N, op: Any) -> Any:
        a, b = self._binary(node)
        bad = _bad(a, b)
        if bad:
            return bad
        if isinstance(a, Mat) and isinstance(b, Mat) and a.shape == b.shape:
            return Mat(
                tuple(
                    tuple(_mix(op, x, y) for x, y in zip(ra, rb, strict=True))
                    for ra, rb in zip(a.rows, b.rows, strict=True)
                )
            )
        return _mix(op, _scalar(a), _scalar(b))

    def _mul(self, node: N) -> Any:
        a, b = self._binary(node)
        bad = _bad(a, b)
        if bad:
            return bad
        if isinstance(a, Mat) and isinstance(b, Mat):
            if a.shape == (1, 1) or b.shape == (1, 1):
                if a.shape == (1, 1) and b.shape[0] != 1:
                    a = a.rows[0][0]
                elif b.shape == (1, 1) and a.shape[1] != 1:
                    b = b.rows[0][0]
            if isinstance(a, Mat) and isinstance(b, Mat):
                if a.shape[1] != b.shape[0]:
                    raise ValueError("shapes")
                rows = tuple(
                    tuple(
                        _sum_exact(_mix(lambda x, y: x * y, a.rows[i][k], b.rows[k][j])
                                   for k in range(a.shape[1]))
                        for j in range(b.shape[1])
                    )
                    for i in range(a.shape[0])
                )  # fmt: skip
                product = Mat(rows)
                return product.rows[0][0] if product.shape == (1, 1) else product
        if isinstance(a, Mat):
            return Mat(tuple(tuple(_mix(lambda x, y: x * y, e, b) for e in r) for r in a.rows))
        if isinstance(b, Mat):
            return Mat(tuple(tuple(_mix(lambda x, y: x * y, a, e) for e in r) for r in b.rows))
        return _mix(lambda x, y: x * y, a, b)

    def _div(self, node: N) -> Any:
        a, b = self._binary(node)
        bad = _bad(a, b)
        if bad:
            return bad
        b = _scalar(b)
        if _sign(b) == 0:
            return UD
        if isinstance(a, Mat):
            return Mat(tuple(tuple(_mix(lambda x, y: x / y, e, b) for e in r) for r in a.rows))
        return _mix(lambda x, y: x / y, a, b)

    def _pow(self, node: N) -> Any:
        a, e = self._binary(node)
        bad = _bad(a, e)
        if bad:
            return bad
        return power(_scalar(a), _scalar(e))

    def _fn(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad):
            return a
        return apply(node.val, _scalar(a))

    def _max(self, node: N) -> Any:
        a, b = self._binary(node)
        bad = _bad(a, b)
        return bad or (_scalar(a) if _ge(_scalar(a), _scalar(b)) else _scalar(b))

    def _min(self, node: N) -> Any:
        a, b = self._binary(node)
        bad = _bad(a, b)
        return bad or (_scalar(b) if _ge(_scalar(a), _scalar(b)) else _scalar(a))

    def _sum(self, node: N) -> Any:
        body, lo, hi = node.args
        lo_v, hi_v = self.ev(lo), self.ev(hi)
        bad = _bad(lo_v, hi_v)
        if bad:
            return bad
        if not (isinstance(lo_v, Fraction) and isinstance(hi_v, Fraction)):
            raise Ambiguous("inexact sum limits")
        if lo_v.denominator != 1 or hi_v.denominator != 1 or hi_v - lo_v > 2000:
            raise Ambiguous("sum limits")
        saved = self.env.get(node.val)
        total: Any = Fraction(0)
        terms = []
        try:
            for i in range(int(lo_v), int(hi_v) + 1):
                self.env[node.val] = Fraction(i)
                terms.append(self.ev(body))
        finally:
            if saved is None:
                self.env.pop(node.val, None)
            else:
                self.env[node.val] = saved
        bad = _bad(*terms)
        if bad:
            return bad
        for t in terms:
            total = _mix(lambda x, y: x + y, total, t)
        return total

    def _diff(self, node: N) -> Any:
        name = node.val
        x0 = self.env[name]

        def f(t: Any) -> Any:
            inner = Evaluator({**self.env, name: t}, self.laws)
            v = inner.ev(node.args[0])
            if isinstance(v, Bad | Mat):
                raise Ambiguous("a derivative where the body is not a real number")
            return mpf(v)

        return mpmath.diff(f, mpf(x0))

    def _T(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad) or not isinstance(a, Mat):
            return a
        return Mat(tuple(zip(*a.rows, strict=True)))

    def _norm(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad):
            return a
        if not isinstance(a, Mat):
            return abs(a)
        if 1 not in a.shape:
            raise Ambiguous("matrix norms are not evaluated")
        entries = [e for row in a.rows for e in row]
        bad = _bad(*entries)
        if bad:
            return bad
        if node.val in (None, 2):
            return apply("sqrt", _sum_exact(_mix(lambda x, y: x * y, e, e) for e in entries))
        if node.val == 1:
            return _sum_exact(abs(e) for e in entries)
        if node.val == "inf":
            return max(abs(e) for e in entries)
        raise ValueError(node.val)

    def _det(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad):
            return a
        if not isinstance(a, Mat):
            return a
        if a.shape[0] != a.shape[1]:
            raise ValueError("det of a non-square matrix")
        return _determinant([list(r) for r in a.rows])

    def _tr(self, node: N) -> Any:
        a = self.ev(node.args[0])
        if isinstance(a, Bad) or not isinstance(a, Mat):
            return a
        return _sum_exact(a.rows[i][i] for i in range(min(a.shape)))

    def _E(self, node: N) -> Any:
        return self._expect(node.args[0])

    def _Var(self, node: N) -> Any:
        mean = self._expect(node.args[0])
        square = self._expect(node.args[0] * node.args[0])
        if isinstance(mean, Bad) or isinstance(square, Bad):
            return _bad(mean, square)
        return mpf(square) - mpf(mean) ** 2

    def _expect(self, body: N) -> Any:
        """E[body] over the one random name of body, by quadrature against its density
        (Bernoulli: the two values)."""
        randoms = [name for name in free_vars(body) if name in self.laws]
        if len(randoms) != 1 or any(n.op == "seq" for n in walk(body)):
            raise Ambiguous("expectations of one random scalar only")
        name = randoms[0]
        family, params = self.laws[name][0], [mpf(self.ev(p)) for p in self.laws[name][1]]

        def at(t: Any) -> Any:
            v = Evaluator({**self.env, name: t}, self.laws).ev(body)
            if isinstance(v, Bad | Mat):
                raise Ambiguous("the integrand is not a real number")
            return mpf(v)

        if family == "Bernoulli":
            (p,) = params
            return p * at(Fraction(1)) + (1 - p) * at(Fraction(0))
        if family == "Normal":
            mu, sd = params
            density = lambda t: mpmath.npdf(t, mu, sd)  # noqa: E731
            cuts = [mu - 40 * sd, mu, mu + 40 * sd]  # the rest weighs below e^-800
        elif family == "Uniform":
            lo, hi = params
            density = lambda t: 1 / (hi - lo)  # noqa: E731
            cuts = [lo, hi]
        elif family == "Laplace":
            m, b = params
            density = lambda t: mpmath.exp(-abs(t - m) / b) / (2 * b)  # noqa: E731
            cuts = [m - 400 * b, m, m + 400 * b]
        else:
            raise Ambiguous(f"law {family}")
        lo, hi = cuts[0], cuts[-1]
        interior = {c for c in cuts[1:-1]} | ({mpmath.mpf(0)} if lo < 0 < hi else set())
        points = [lo, *sorted(interior), hi]
        with mpmath.workdps(30):
            return mpmath.quad(lambda t: at(t) * density(t), points)


def _ge(x: Any, y: Any) -> bool:
    return bool(_mix(lambda a, b: a >= b, x, y))


def _mix(op: Any, x: Any, y: Any) -> Any:
    if isinstance(x, Bad) or isinstance(y, Bad):
        return _bad(x, y)
    if isinstance(x, Fraction) and isinstance(y, Fraction):
        return op(x, y)
    return op(mpf(x), mpf(y))


def _sum_exact(values: Any) -> Any:
    total: Any = Fraction(0)
    for v in values:
        total = _mix(lambda x, y: x + y, total, v)
    return total


def _determinant(m: list[list[Any]]) -> Any:
    """Gaussian elimination; exact on Fractions."""
    n = len(m)
    if any(isinstance(e, Bad) for row in m for e in row):
        return _bad(*(e for row in m for e in row))
    m = [row[:] for row in m]
    result: Any = Fraction(1)
    for c in range(n):
        pivot = next((r for r in range(c, n) if m[r][c] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != c:
            m[c], m[pivot] = m[pivot], m[c]
            result = -result
        result = _mix(lambda x, y: x * y, result, m[c][c])
        for r in range(c + 1, n):
            factor = _mix(lambda x, y: x / y, m[r][c], m[c][c])
            m[r] = [_mix(lambda x, y: x - y, a, _mix(lambda x, y: x * y, factor, b))
                    for a, b in zip(m[r], m[c], strict=True)]  # fmt: skip
    return result


def power(a: Any, e: Any) -> Any:
    if isinstance(e, Fraction):
        if e.denominator == 1:
            k = e.numerator
            if isinstance(a, Fraction):
                if a == 0:
                    return UD if k < 0 else Fraction(int(k == 0))
                bits = max(a.numerator.bit_length(), a.denominator.bit_length())
                if abs(k) * bits <= 200_000:
                    return a**k
                return mpf(a) ** k
            if k < 0 and abs(a) <= TINY:
                raise Ambiguous("division by a number near 0")
            return a**k
        p, q = e.numerator, e.denominator
        s = _sign(a)
        if s == 0:
            return Fraction(0) if e > 0 else UD
        if s < 0 and q % 2 == 0:
            return NR
        magnitude = abs(a)
        if isinstance(magnitude, Fraction):
            root = _exact_root(magnitude, q)
            if root is not None and abs(p) * max(root.numerator.bit_length(), 1) <= 200_000:
                value: Any = root**p
            else:
                value = mpmath.root(mpf(magnitude), q) ** p
        else:
            value = mpmath.root(magnitude, q) ** p
        return -value if s < 0 and p % 2 else value
    # an inexact exponent
    s = _sign(a)
    if s > 0:
        return mpf(a) ** e
    if s == 0:
        return Fraction(0) if e > 0 else UD
    if mpmath.isint(e):
        return mpf(a) ** int(e)
    raise Ambiguous("a negative number to an inexact power")


def apply(name: str, a: Any) -> Any:
    exact = isinstance(a, Fraction)
    match name:
        case "abs":
            return abs(a)
        case "relu":
            return a if a > 0 else (Fraction(0) if exact else mpmath.mpf(0))
        case "sqrt":
            return power(a, Fraction(1, 2))
        case "log":
            s = _sign(a)
            if s < 0:
                return NR
            if s == 0:
                return UD
            if exact and a == 1:
                return Fraction(0)
            return mpmath.log(mpf(a))
        case "exp":
            if exact and a == 0:
                return Fraction(1)
            if abs(a) > EXP_LIMIT:
                raise Ambiguous("exp of a huge number")
            return mpmath.exp(mpf(a))
        case "tanh":
            if exact and a == 0:
                return Fraction(0)
            return mpmath.tanh(mpf(a))
        case "sigmoid":
            if exact and a == 0:
                return Fraction(1, 2)
            if abs(a) > EXP_LIMIT:
                raise Ambiguous("sigmoid of a huge number")
            return 1 / (1 + mpmath.exp(-mpf(a)))
        case "softplus":
            if abs(a) > EXP_LIMIT:
                raise Ambiguous("softplus of a huge number")
            x = mpf(a)
            return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))
    raise ValueError(name)


# -- judging a relation at a point ----------------------------------------------------------

OK, VIOLATED, OUTSIDE, AMBIGUOUS = "ok", "violated", "outside", "ambiguous"
MARGIN = mpmath.mpf("1e-30")
TIE = mpmath.mpf("1e-40")


def _compare(op: str, lhs: Any, rhs: Any) -> str:
    if isinstance(lhs, Mat) or isinstance(rhs, Mat):
        if not (isinstance(lhs, Mat) and isinstance(rhs, Mat)) or lhs.shape != rhs.shape:
            return AMBIGUOUS
        if op not in ("=", "!="):
            return AMBIGUOUS
        results = [
            _compare("=", x, y)
            for rx, ry in zip(lhs.rows, rhs.rows, strict=True)
            for x, y in zip(rx, ry, strict=True)
        ]
        if op == "=":
            return VIOLATED if VIOLATED in results else OK if set(results) == {OK} else AMBIGUOUS
        return OK if VIOLATED in results else VIOLATED if set(results) == {OK} else AMBIGUOUS
    if isinstance(lhs, Fraction) and isinstance(rhs, Fraction):
        d = lhs - rhs
        holds = {"=": d == 0, "!=": d != 0, "<": d < 0, "<=": d <= 0, ">": d > 0, ">=": d >= 0}
        return OK if holds[op] else VIOLATED
    left, right = mpf(lhs), mpf(rhs)
    scale = 1 + abs(left) + abs(right)
    d = (left - right) / scale
    if op in (">", ">="):
        op, d = {">": "<", ">=": "<="}[op], -d
    match op:
        case "=":
            return VIOLATED if abs(d) > MARGIN else OK if abs(d) <= TIE else AMBIGUOUS
        case "!=":
            return OK if abs(d) > TIE else AMBIGUOUS
        case "<=":
            return VIOLATED if d > MARGIN else OK if d <= TIE else AMBIGUOUS
        case "<":
            return VIOLATED if d > MARGIN else OK if d < -TIE else AMBIGUOUS
    raise ValueError(op)


def judge_once(rel: Rel, env: dict[str, Any], laws: dict | None, dps: int) -> tuple[str, str]:
    """(ok | violated | outside | ambiguous, a description of the two sides)."""
    with mpmath.workdps(dps):
        ev = Evaluator(dict(env), laws)
        (lk, lv), (rk, rv) = ev.side(rel.lhs), ev.side(rel.rhs)
        sides = f"lhs {_show(lk, lv)}, rhs {_show(rk, rv)}"
        if "amb" in (lk, rk):
            return AMBIGUOUS, sides
        if "ud" in (lk, rk):
            return OUTSIDE, sides
        if lk == "nr" and rk == "nr":
            return OUTSIDE, sides
        if "nr" in (lk, rk):
            return (OUTSIDE if rel.op == "!=" else VIOLATED), sides
        return _compare(rel.op, lv, rv), sides


def judge_point(rel: Rel, env: dict[str, Any], laws: dict | None = None) -> tuple[str, str]:
    """At 50 digits, and a violation or a tie again at 100 digits (both must agree)."""
    first, sides = judge_once(rel, env, laws, 50)
    if first in (VIOLATED, OK):
        second, _ = judge_once(rel, env, laws, 100)
        if second != first:
            return AMBIGUOUS, sides
    return first, sides


def _show(kind: str, value: Any) -> str:
    if kind == "nr":
        return "not a real number"
    if kind == "ud":
        return "undefined"
    if kind == "amb":
        return f"not evaluated ({value})"
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Mat):
        return "[" + ", ".join("[" + ", ".join(_show("real", e) for e in r) + "]"
                               for r in value.rows) + "]"  # fmt: skip
    return mpmath.nstr(value, 15)


def parse_value(text: str) -> Any:
    """derive's exact text of a value: `1/2`, `-3`, `0.25`, `[1, -1]`, `[[0, 2], [1, 0]]`
    (a vector is a column)."""
    text = text.strip()
    if text.startswith("["):
        import json

        data = json.loads(_quote_numbers(text))
        if data and isinstance(data[0], list):
            return Mat(tuple(tuple(Fraction(x) for x in row) for row in data))
        return Mat(tuple((Fraction(x),) for x in data))
    return Fraction(text)


def _quote_numbers(text: str) -> str:
    import re

    return re.sub(r"(-?[0-9][0-9./]*)", r'"\1"', text)


def is_finite_number(v: Any) -> bool:
    return isinstance(v, Fraction) or (isinstance(v, mpmath.mpf) and mpmath.isfinite(v))
