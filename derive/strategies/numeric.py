"""Numeric evaluation of a lowered statement at sample points, and exact re-evaluation.

Points are drawn as exact rationals (three decimals at most), so what is evaluated in
floating point is exactly the point that is later re-evaluated exactly: a suspected
counterexample is confirmed in rational arithmetic where the statement is rational, and
at 60 and 100 significant digits otherwise. Floating-point noise therefore never
refutes a true statement.

Undefined functions (`L`, `h`) are replaced by concrete smooth functions with random
rational coefficients; random variables by values drawn from a concrete member of their
law, whose exact moments replace the moment symbols (`E[g]`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from derive.limits import LIMITS
from derive.model.expectation import Expect, RandomAtom, as_expr, singular
from derive.model.functions import (
    ACTIVATION_CLASSES,
    NUMERIC_MATRIX_FUNCTIONS,
    LambdaMax,
    OperatorNorm,
    SpectralRadius,
    is_undefined,
)
from derive.model.lower import Condition
from derive.model.types import REAL, Domain
from derive.strategies.laws import LawInstance, members

Value = sp.Expr | sp.MatrixBase


def _stack(rows: list) -> np.ndarray:
    """A matrix whose entries are arrays over sample points: shape (points, rows, cols)."""
    entries = np.broadcast_arrays(*[np.asarray(e, dtype=float) for row in rows for e in row])
    matrix = np.stack(entries, axis=-1).reshape(*entries[0].shape, len(rows), len(rows[0]))
    return matrix


def _where_finite(fn: object) -> object:
    """A matrix function that gives nan at the points where the matrix is not finite
    (LAPACK raises on nan and inf rather than returning nan)."""

    def apply(m: np.ndarray) -> np.ndarray:
        m = np.asarray(m, dtype=float)
        finite = np.isfinite(m).all(axis=(-2, -1))
        safe = np.where(finite[..., None, None], m, 0.0)
        try:
            values = fn(safe)  # type: ignore[operator]
        except np.linalg.LinAlgError:
            return np.full(finite.shape, np.nan)
        return np.where(finite, values, np.nan)

    return apply


@_where_finite
def _operator_norm(m: np.ndarray) -> np.ndarray:
    return np.linalg.norm(m, 2, axis=(-2, -1))


@_where_finite
def _lambda_max(m: np.ndarray) -> np.ndarray:
    return np.linalg.eigvalsh((m + np.swapaxes(m, -1, -2)) / 2)[..., -1]


@_where_finite
def _spectral_radius(m: np.ndarray) -> np.ndarray:
    return np.abs(np.linalg.eigvals(m)).max(axis=-1)


_NUMPY_FUNCTIONS = {
    **{f.__name__: f.numpy for f in ACTIVATION_CLASSES},
    "Heaviside": lambda x, h0=0.5: np.heaviside(x, h0),
    "ImmutableDenseMatrix": _stack,
    "OperatorNorm": _operator_norm,
    "LambdaMax": _lambda_max,
    "SpectralRadius": _spectral_radius,
}

_MPMATH_FUNCTIONS = {
    **{f.__name__: f.mpmath for f in ACTIVATION_CLASSES},
    "Heaviside": lambda x, h0=0.5: 1 if x > 0 else (h0 if x == 0 else 0),
}


SIMPLE_VALUES = [Fraction(v) for v in ("0", "1", "-1", "2", "1/2", "-2", "3", "-1/2", "1/4", "5")]


@dataclass
class Point:
    """One assignment: exact values of the free atoms and a concrete law per random name."""

    values: dict[sp.Basic, Fraction]
    laws: dict[str, LawInstance] = field(default_factory=dict)
    valid: bool = True  # False where a law's parameters make no law (Bernoulli(-1))


@dataclass(frozen=True)
class Pair:
    """One scalar comparison: `lhs op rhs` (a matrix equation gives one per entry)."""

    op: str
    lhs: sp.Expr
    rhs: sp.Expr
    label: str = ""
    # where each side, as written, is a real number (`sqrt(x)^2` needs x >= 0)
    lhs_domain: tuple[Condition, ...] = ()
    rhs_domain: tuple[Condition, ...] = ()
    # (η, j): this pair is the Taylor coefficient of η^j of a statement up to O(η^k)
    coefficient: tuple[str, int] | None = None

    def domain(self, side: int) -> tuple[Condition, ...]:
        return self.rhs_domain if side else self.lhs_domain


def pairs_of(
    op: str,
    lhs: Value,
    rhs: Value,
    domains: tuple[tuple[Condition, ...], tuple[Condition, ...]] = ((), ()),
) -> list[Pair]:
    """Flatten a relation between equal shapes into scalar pairs (each entry keeps the
    domain of its whole side: a vector with one entry that is not real is not real)."""
    from derive.errors import TypeCheckError

    if (
        isinstance(lhs, sp.MatrixBase)
        and lhs.shape == (1, 1)
        and not isinstance(rhs, sp.MatrixBase)
    ):
        lhs = lhs[0, 0]  # size 1: a vector is a number (other sizes catch shape errors)
    if (
        isinstance(rhs, sp.MatrixBase)
        and rhs.shape == (1, 1)
        and not isinstance(lhs, sp.MatrixBase)
    ):
        rhs = rhs[0, 0]
    left_matrix, right_matrix = isinstance(lhs, sp.MatrixBase), isinstance(rhs, sp.MatrixBase)
    if left_matrix or right_matrix:
        if not (left_matrix and right_matrix) or lhs.shape != rhs.shape:
            if not left_matrix and lhs == 0:
                lhs = sp.zeros(*rhs.shape)
            elif not right_matrix and rhs == 0:
                rhs = sp.zeros(*lhs.shape)
            else:
                raise TypeCheckError(
                    f"the two sides have different shapes: {_shape(lhs)} and {_shape(rhs)}"
                )
        if op != "=" and op != "!=":
            raise TypeCheckError("an inequality between vectors or matrices")
        rows, cols = lhs.shape
        return [
            Pair(
                op,
                as_expr(lhs[i, j]),
                as_expr(rhs[i, j]),
                f"[{i + 1},{j + 1}]" if cols > 1 else f"[{i + 1}]",
                *domains,
            )
            for i in range(rows)
            for j in range(cols)
        ]
    return [Pair(op, as_expr(lhs), as_expr(rhs), "", *domains)]


def _shape(value: Value) -> str:
    return "scalar" if not isinstance(value, sp.MatrixBase) else "×".join(map(str, value.shape))


class Problem:
    """The scalar pairs of one lowered instance, ready to evaluate at points."""

    def __init__(
        self,
        pairs: list[Pair],
        scalars: dict[sp.Symbol, Domain],
        randoms: dict[sp.Basic, RandomAtom],
        rng: np.random.Generator,
        given: list[Pair] | tuple[Pair, ...] = (),
    ) -> None:
        self.rng = rng
        self.randoms = randoms
        self.pairs = pairs  # undefined functions stay: compiled code calls numpy versions
        # hypotheses (`λ1(WᵀW) <= δ²/γ²`): a point that breaks one says nothing
        self.given = list(given)
        self._evaluated = [*self.pairs, *self.given]
        self.functions = _concrete_functions(self._evaluated, rng)
        expressions = [e for p in self._evaluated for e in (p.lhs, p.rhs)]
        # the domain's atoms too: sqrt(x)/sqrt(x) is 1 to sympy, yet x must be drawn
        expressions += [c.argument for p in self._evaluated for s in (0, 1) for c in p.domain(s)]
        atoms: set[sp.Basic] = set()
        for expr in expressions:
            atoms |= _free_atoms(expr)
        for atom in [a for a in atoms if a in randoms]:  # s of Normal(mu, s) is drawn too
            for param in randoms[atom].params:
                atoms |= as_expr(param).free_symbols
        self.moment_symbols = {a: info for a in atoms if (info := moment_symbol(a)) is not None}
        self.random_atoms = sorted((a for a in atoms if a in randoms), key=str)
        self.free = sorted(
            (a for a in atoms if a not in randoms and a not in self.moment_symbols), key=str
        )
        self.domains = {a: scalars.get(a, REAL) for a in self.free}
        self.has_expect = any(e.has(Expect) for e in expressions)
        self.numpy_functions = _numpy_undefined(expressions, self.functions)
        self.per_point = self.has_expect  # Monte-Carlo expectations go point by point
        self.random_names = sorted(
            {randoms[a].name for a in randoms} | {n for n, _ in self.moment_symbols.values()}
        )
        self._compiled: list[tuple[object, object]] | None = None
        self._quadratures: dict[tuple, tuple[float, float] | None] = {}
        self.outside_given = 0  # points evaluated that broke a hypothesis

    # -- concrete functions --------------------------------------------------------------

    def instantiate(self, expr: sp.Expr) -> sp.Expr:
        """Replace undefined functions (and their partials) by concrete ones."""
        if not self.functions:
            return expr
        return expr.replace(is_undefined, lambda e: _apply_concrete(self.functions, e))

    # -- points --------------------------------------------------------------------------

    def simple_points(self, count: int) -> list[Point]:
        points: list[Point] = []
        for i in range(count):
            values = {}
            for j, atom in enumerate(self.free):
                candidates = [v for v in SIMPLE_VALUES if self.domains[atom].contains(v)] or [
                    _draw(self.domains[atom], self.rng)
                ]
                values[atom] = (
                    candidates[(i + j * (i // len(candidates) + 1)) % len(candidates)]
                    if i
                    else candidates[0]
                )
            points.append(self.complete(values))
        return points

    def random_points(self, count: int) -> list[Point]:
        return [
            self.complete({a: _draw(self.domains[a], self.rng) for a in self.free})
            for _ in range(count)
        ]

    def complete(self, values: dict[sp.Basic, Fraction]) -> Point:
        """A point from values of the free atoms: a concrete law for each random name."""
        laws: dict[str, LawInstance] = {}
        atoms_by_name: dict[str, RandomAtom] = {}
        for atom in self.random_atoms:
            atoms_by_name.setdefault(self.randoms[atom].name, self.randoms[atom])
        for atom in self.randoms.values():
            atoms_by_name.setdefault(atom.name, atom)
        for name, atom in atoms_by_name.items():
            concrete = _concretize(atom, values)
            options = members(concrete, self.rng)
            laws[name] = options[int(self.rng.integers(len(options)))]
        point = Point(dict(values), laws, valid=all(law.valid() for law in laws.values()))
        for atom in self.random_atoms:  # random variables outside E: one realisation
            law = laws[self.randoms[atom].name]
            drawn = float(law.sample(self.rng, 1)[0]) if point.valid else 0.0
            point.values[atom] = Fraction(round(drawn, 3)).limit_denominator(1000)
        return point

    def moved(self, point: Point, values: dict[sp.Basic, Fraction]) -> Point:
        """The point with new values of the free atoms, and each law re-made from them,
        so that a law's parameters (p of Bernoulli(p)) always agree with the values the
        point gives them: a shrunk counterexample satisfies its declarations."""
        if not point.laws:
            return Point(values, point.laws)
        laws = dict(point.laws)
        for atom in self.randoms.values():
            old = point.laws.get(atom.name)
            if old is None:
                continue
            options = members(_concretize(atom, values), self.rng)
            laws[atom.name] = next((o for o in options if o.family == old.family), old)
            if atom.family == "generic":
                laws[atom.name] = old  # its members depend on no value
        return Point(values, laws, valid=all(law.valid() for law in laws.values()))

    # -- float evaluation ----------------------------------------------------------------

    def evaluate_batch(self, points: list[Point]) -> np.ndarray:
        """Array (points, pairs, 3) of lhs, rhs and Monte-Carlo standard error; both sides
        nan at a point that breaks a hypothesis (it is outside what the statement is about)."""
        out = self._evaluate_all(points)
        if self.given:
            broken = np.zeros(len(points), dtype=bool)
            for j, pair in enumerate(self.given, start=len(self.pairs)):
                broken |= ~_holds_in_floats(pair.op, out[:, j, 0], out[:, j, 1])
            out[broken, : len(self.pairs), :2] = np.nan
            self.outside_given += int(broken.sum())
        return out[:, : len(self.pairs), :]

    def _evaluate_all(self, points: list[Point]) -> np.ndarray:
        """The statement's pairs and then the hypotheses' pairs."""
        count = len(self._evaluated)
        if self.per_point or not points:
            rows = [
                self._evaluate_slowly(p) if p.valid else [(math.nan, math.nan, 0.0)] * count
                for p in points
            ]
            return np.array(rows, dtype=float).reshape(len(points), count, 3)
        if self._compiled is None:
            args = [*self.free, *self.random_atoms, *self.moment_symbols]
            flat = [e for p in self._evaluated for e in (p.lhs, p.rhs)]
            flat += [c.argument for p in self._evaluated for side in (0, 1) for c in p.domain(side)]
            self._compiled = _compile(args, flat, self.numpy_functions)
        columns = [
            np.array([float(p.values[a]) for p in points]) for a in (*self.free, *self.random_atoms)
        ]
        columns += [
            np.array([float(p.laws[name].moment(k)) for p in points])
            for name, k in self.moment_symbols.values()
        ]
        out = np.zeros((len(points), count, 3))
        with np.errstate(all="ignore"):
            values = self._compiled(*columns)
            guards = iter(values[2 * count :])
            for j, pair in enumerate(self._evaluated):
                for side in (0, 1):
                    column = np.broadcast_to(values[2 * j + side], (len(points),)).copy()
                    for _ in pair.domain(side):  # not real where a root's argument < 0
                        column[_fails(next(guards), len(points))] = np.nan
                    out[:, j, side] = column
        out[[not p.valid for p in points], :, :2] = np.nan  # outside every law's domain
        return out

    def evaluate(self, point: Point) -> list[tuple[float, float, float]]:
        """(lhs, rhs, Monte-Carlo standard error) per pair at one point."""
        return [tuple(row) for row in self.evaluate_batch([point])[0]]

    def _evaluate_slowly(self, point: Point) -> list[tuple[float, float, float]]:
        """Point by point through sympy: for Monte-Carlo expectations and matrix norms."""
        substitution = self._float_substitution(point)
        results = []
        for pair in self._evaluated:
            lhs, lhs_error = self._float(pair.lhs, substitution, point)
            rhs, rhs_error = self._float(pair.rhs, substitution, point)
            sides = [lhs, rhs]
            for side in (0, 1):
                for condition in pair.domain(side):
                    value = np.array(self._float(condition.argument, substitution, point)[0])
                    if _fails(value, 1)[0]:
                        sides[side] = math.nan
            results.append((sides[0], sides[1], lhs_error + rhs_error))
        return results

    def _float_substitution(self, point: Point) -> dict[sp.Basic, sp.Expr]:
        substitution: dict[sp.Basic, sp.Expr] = {
            a: sp.Float(float(v), 17) for a, v in point.values.items()
        }
        for symbol, (name, k) in self.moment_symbols.items():
            substitution[symbol] = sp.Float(float(point.laws[name].moment(k)), 17)
        return substitution

    def _float(self, expr: sp.Expr, substitution: dict, point: Point) -> tuple[float, float]:
        stderr = 0.0
        if expr.has(Expect):
            replaced = {}
            for e in expr.atoms(Expect):
                mean, se = self._monte_carlo(e.args[0], substitution, point)
                replaced[e] = sp.Float(mean, 17)
                stderr += se
            expr = expr.xreplace(replaced)
        value = self.instantiate(expr).xreplace(substitution)
        try:
            number = _to_float(value)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            number = math.nan
        return number, stderr

    def _monte_carlo(
        self, inner: sp.Expr, substitution: dict, point: Point, draws: int = 20_000
    ) -> tuple[float, float]:
        atoms = sorted((a for a in _free_atoms(inner) if a in self.randoms), key=str)
        fixed = self.instantiate(inner).xreplace(
            {k: v for k, v in substitution.items() if k not in atoms}
        )
        if fixed.has(sp.zoo, sp.nan):  # a division by zero at this point: it says nothing
            return math.nan, math.inf
        if len(atoms) == 1 and not singular(fixed, atoms):  # quadrature, not sampling
            law = point.laws[self.randoms[atoms[0]].name]
            key = (fixed, atoms[0], law)  # the same integral at every point that fixes nothing
            if key not in self._quadratures:
                exact_fn = sp.lambdify(atoms, fixed, modules=[_MPMATH_FUNCTIONS, "mpmath"])
                self._quadratures[key] = law.expect(exact_fn)
            if self._quadratures[key] is not None:
                return self._quadratures[key]
        fn = sp.lambdify(atoms, fixed, modules=[_NUMPY_FUNCTIONS, "numpy"])
        samples = [point.laws[self.randoms[a].name].sample(self.rng, draws) for a in atoms]
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(fn(*samples), dtype=float), (draws,))
        values = values[np.isfinite(values)]
        if len(values) < draws // 2 or _heavy_tailed(values):
            return math.nan, math.inf  # no estimate to trust: the point says nothing
        return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))

    # -- exact evaluation ----------------------------------------------------------------

    def _outside_domain(self, conditions: tuple[Condition, ...], substitution: dict) -> bool:
        """Whether a condition of the side's domain fails exactly at the point."""
        for condition in conditions:
            value = _exact_matrix_functions(
                self.instantiate(condition.argument).xreplace(substitution)
            )
            if not value.is_number:
                continue
            if value.is_negative:
                return True
        return False

    def exact_sides(self, pair: Pair, point: Point) -> tuple[sp.Expr | None, sp.Expr | None] | None:
        """Both sides at the point, exactly: None for a side that is not a real number there
        (an even root or a logarithm of a negative number); None for both where an
        expectation is only estimated."""
        if pair.lhs.has(Expect) or pair.rhs.has(Expect):
            return None
        if not point.valid:
            return sp.nan, sp.nan  # a law with impossible parameters: no information
        substitution: dict[sp.Basic, sp.Expr] = {
            a: sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else v
            for a, v in point.values.items()
        }
        for symbol, (name, k) in self.moment_symbols.items():
            substitution[symbol] = point.laws[name].moment(k)
        sides: list[sp.Expr | None] = []
        for side, expr in enumerate((pair.lhs, pair.rhs)):
            concrete = _taken_branches(self.instantiate(expr), substitution)
            if self._outside_domain(pair.domain(side), substitution):
                sides.append(None)  # sqrt(x)^2 at x = -1: not real as written
                continue
            if _leaves_the_reals(concrete, substitution):
                sides.append(None)  # sqrt(-2) sqrt(-3): not a real number, whatever sympy says
                continue
            if _divides_by_zero(concrete, substitution):
                sides.append(sp.nan)  # V/‖V‖ at V = 0: sympy's 0·x = 0 would hide it
                continue
            value = _exact_matrix_functions(concrete.xreplace(substitution))
            if not _summable(value):
                sides.append(None)  # Σ_{i=1}^m at m = 2.5 or m = 10^6: no exact value here
                continue
            sides.append(value.doit() if value.has(sp.Sum, sp.Product) else value)
        return sides[0], sides[1]


def _summable(value: sp.Basic) -> bool:
    """Whether every sum and product left in an exact value runs over a whole number of
    terms, and over few enough where its terms are entries with no closed form (x[i] of
    Σ_{i=1}^m at a point's m = 10^4 would be expanded term by term)."""
    for total in value.atoms(sp.Sum, sp.Product):
        for _, low, high in total.limits:
            count = high - low
            if not count.is_Integer:
                return False
            if int(count) >= LIMITS.max_sum_terms and total.has(sp.Indexed):
                return False
    return True


def _holds_in_floats(op: str, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Where a hypothesis holds in floating point, with a little slack so that a point on
    its boundary is kept for the exact check (which alone decides)."""
    with np.errstate(all="ignore"):
        slack = 1e-9 * np.maximum(1.0, np.maximum(np.abs(lhs), np.abs(rhs)))
        match op:
            case "=":
                return np.abs(lhs - rhs) <= slack
            case "!=":
                return np.abs(lhs - rhs) > 0
            case "<=" | "<":
                return lhs <= rhs + slack
            case _:
                return lhs >= rhs - slack


HEAVY_TAIL_SHARE = 0.1


def _heavy_tailed(values: np.ndarray) -> bool:
    """Whether one draw carries a tenth of the sample's second moment: the mark of an
    infinite variance (E[1/X] of a normal X), where a confidence bound means nothing."""
    squares = np.square(values - np.median(values))
    total = float(squares.sum())
    return total > 0 and float(squares.max()) > HEAVY_TAIL_SHARE * total


def _fails(values: np.ndarray, count: int) -> np.ndarray:
    """Where a domain condition fails in floating point (exact evaluation confirms)."""
    column = np.broadcast_to(np.asarray(values, dtype=float), (count,))
    return column < 0


def _compile(args: list[sp.Basic], exprs: list[sp.Expr], functions: dict[str, object]) -> object:
    """One numpy function computing every expression (Indexed atoms become plain
    arguments, common subexpressions are computed once)."""
    dummies = [sp.Dummy(real=True) for _ in args]  # real: sympy's assumption queries stay cheap
    mapping = dict(zip(args, dummies, strict=True))
    bodies = []
    for expr in exprs:
        body = expr.xreplace(mapping)
        bodies.append(body.doit() if body.has(sp.Sum, sp.Product) else body)
    fn = sp.lambdify(dummies, bodies, modules=[functions, _NUMPY_FUNCTIONS, "numpy"], cse=True)

    def call(*columns: np.ndarray) -> list[np.ndarray]:
        try:
            values = fn(*columns)
        except OverflowError:  # an exact integer past the float range met a float column
            return [np.float64(np.nan)] * len(bodies)  # no float evidence either way
        except NameError:  # Σ_{k=2}^{2n} a_k: elements that only a value of n would name
            return [np.float64(np.nan)] * len(bodies)
        except (TypeError, ValueError):  # Σ_{i=1}^m x_i, δ_{ik}, with m or i a column of
            return [np.float64(np.nan)] * len(bodies)  # floats: no range, no index to test
        return [_real(np.asarray(v)) for v in values]

    return call


def _real(values: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(values):
        real = values.real.astype(float)
        return np.where(np.abs(values.imag) <= 1e-9 * np.maximum(1.0, np.abs(real)), real, np.nan)
    try:
        return values.astype(float)
    except OverflowError:  # an exact integer past the float range (a sum of k^1000)
        return np.vectorize(_float_or_infinity, otypes=[float])(values)


def _float_or_infinity(value: object) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _numpy_undefined(exprs: list[sp.Expr], functions: dict) -> dict[str, object]:
    """numpy versions of the concrete functions standing for each undefined one and its
    partials, by class name, for compiled code to call."""
    found: dict[str, object] = {}
    for expr in exprs:
        for f in expr.atoms(sp.Function):
            name = type(f).__name__
            if is_undefined(f) and name not in found:
                xs, body = functions[type(f).base_name]
                for index in type(f).partials:
                    body = sp.diff(body, xs[index - 1])
                found[name] = sp.lambdify(xs, body, modules="numpy")
    return found


def _taken_branches(expr: sp.Expr, substitution: dict) -> sp.Expr:
    """Each piecewise value replaced by the branch the point takes, so that a root or a
    division in a branch not taken (√x where x ≥ 0, 1/x where x ≠ 0) says nothing."""

    def taken(piecewise: sp.Piecewise) -> sp.Expr:
        for value, condition in piecewise.args:
            decided = condition.xreplace(substitution)
            if decided is sp.true:
                return value
            if decided is not sp.false:
                return piecewise  # not settled at this point: left as it is
        return sp.nan  # no branch covers the point

    if not expr.has(sp.Piecewise):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), taken)


def _leaves_the_reals(expr: sp.Expr, substitution: dict) -> bool:
    """Whether evaluating the expression at the point passes through a non-real number:
    an even root or a logarithm of a negative number. Variables are real, so such points
    are outside the statement's domain (checked before sympy multiplies the imaginary
    units away: sqrt(-2) sqrt(-3) = -sqrt(6))."""
    arguments = [p.base for p in expr.atoms(sp.Pow) if p.exp.is_Rational and not p.exp.is_Integer]
    arguments += [a for log in expr.atoms(sp.log) for a in log.args]
    for argument in arguments:
        value = argument.xreplace(substitution)
        if value.is_number and (value.is_negative or value.has(sp.I)):
            return True
    return False


def _divides_by_zero(expr: sp.Expr, substitution: dict) -> bool:
    """Whether some denominator of the expression vanishes at the point."""
    for power in expr.atoms(sp.Pow):
        base, exponent = power.args
        if exponent.is_number and exponent.is_negative:
            value = _exact_matrix_functions(base.xreplace(substitution))
            if value.is_number and value.is_zero:
                return True
    return False


def moment_symbol(atom: sp.Basic) -> tuple[str, int] | None:
    """`E[g]` → ("g", 1), `E[X^4]` → ("X", 4): the symbols expectation.law_moment makes."""
    if (
        not isinstance(atom, sp.Symbol)
        or not atom.name.startswith("E[")
        or not atom.name.endswith("]")
    ):
        return None
    inner = atom.name[2:-1]
    if "^" in inner:
        name, power = inner.rsplit("^", 1)
        return (name, int(power)) if power.isdigit() else None
    return inner, 1


def _free_atoms(expr: sp.Expr) -> set[sp.Basic]:
    """The atoms a point assigns: symbols and sequence elements (`g_{t-1}`), but not the
    symbols that only index elements (t in g_{t-1}) or sums."""
    indexed = expr.atoms(sp.Indexed)
    bound: set[sp.Basic] = set()
    for s in expr.atoms(sp.Sum, sp.Product):
        bound |= {limit[0] for limit in s.limits}
    outside = expr.xreplace({i: sp.Dummy() for i in indexed}) if indexed else expr
    # a[k] inside Σ_k is no atom of the point: its value follows from k's (an atom a_{k}
    # of its own made Σ_{k=2}^{2n} a_k and Σ_{i=2}^{2n} a_i differ)
    indexed = {i for i in indexed if not (i.free_symbols & bound)}
    symbols = {
        symbol
        for symbol in outside.free_symbols
        if isinstance(symbol, sp.Symbol)
        and symbol not in bound
        and not isinstance(symbol, sp.Dummy)
    }
    return set(indexed) | symbols


def _decimal(value: float) -> Fraction:
    """A float rounded to three decimals, as the exact decimal it prints as (not the
    binary fraction the float is)."""
    return Fraction(f"{value:.3f}")


def _draw(domain: Domain, rng: np.random.Generator) -> Fraction:
    """A random exact value in the domain, with at most three decimals."""
    for _ in range(100):
        if domain.integer:
            low = int(domain.lower) if domain.lower is not None else -5
            high = int(domain.upper) if domain.upper is not None else low + 10
            value = Fraction(int(rng.integers(low, high + 1)))
        elif domain.lower is not None and domain.upper is not None:
            value = _decimal(float(rng.uniform(float(domain.lower), float(domain.upper))))
        elif domain.lower is not None:
            value = domain.lower + _decimal(float(rng.exponential(2.0)))
        elif domain.upper is not None:
            value = domain.upper - _decimal(float(rng.exponential(2.0)))
        else:
            scale = 3.0 if rng.random() < 0.8 else 30.0
            value = _decimal(float(rng.normal(0.0, scale)))
        if domain.contains(value):
            return value
    raise ValueError(f"cannot draw from {domain.describe()}")


def _concretize(atom: RandomAtom, values: dict[sp.Basic, Fraction]) -> RandomAtom:
    """A law whose parameters mention declared names (`Bernoulli(p)`), at the point."""
    substitution = {a: sp.Rational(v.numerator, v.denominator) for a, v in values.items()}
    params = tuple(as_expr(p).xreplace(substitution) for p in atom.params)
    return RandomAtom(atom.name, atom.family, params, atom.group, atom.position)


def _to_float(value: sp.Expr) -> float:
    if value.has(*NUMERIC_MATRIX_FUNCTIONS):
        value = value.replace(
            lambda e: isinstance(e, NUMERIC_MATRIX_FUNCTIONS), _numeric_matrix_function
        )
    number = complex(value.evalf(17))
    if abs(number.imag) > 1e-9 * max(1.0, abs(number.real)):
        return math.nan
    return number.real


def _numeric_matrix_function(e: sp.Basic) -> sp.Expr:
    matrix = e.args[0]
    fn = _NUMPY_FUNCTIONS[type(e).__name__]
    return sp.Float(float(fn(np.array(matrix.tolist(), dtype=float))), 17)


def _exact_matrix_functions(expr: sp.Expr) -> sp.Expr:
    """Exact values of matrix functions of numeric matrices (small sizes only)."""

    def exact(e: sp.Basic) -> sp.Expr:
        matrix = sp.Matrix(e.args[0])
        if any(entry.has(sp.nan, sp.zoo, sp.oo, -sp.oo) for entry in matrix):
            return sp.nan  # the norm of V/‖V‖ at V = 0 is undefined, not a number
        if max(matrix.shape) > 2:  # exact eigenvalues of larger matrices cost too much
            return _high_precision(e, matrix)
        if isinstance(e, OperatorNorm):
            return sp.sqrt(_largest(_eigenvalues(matrix.T * matrix)))
        if isinstance(e, LambdaMax):
            return _largest(_eigenvalues((matrix + matrix.T) / 2))
        if isinstance(e, SpectralRadius):
            return _largest([sp.Abs(v) for v in _eigenvalues(matrix)])
        return e

    return expr.replace(lambda e: isinstance(e, NUMERIC_MATRIX_FUNCTIONS), exact)


def _eigenvalues(matrix: sp.Matrix) -> list[sp.Expr]:
    """Eigenvalues of a 1×1 or 2×2 matrix in closed form: sympy's `eigenvals` factors the
    characteristic polynomial, which takes minutes for entries of a hundred digits."""
    assert matrix.shape in ((1, 1), (2, 2)), matrix.shape
    if matrix.shape == (1, 1):
        return [matrix[0, 0]]
    trace, det = matrix.trace(), matrix.det()
    root = sp.sqrt(trace**2 - 4 * det)
    return [(trace + root) / 2, (trace - root) / 2]


def _high_precision(e: sp.Basic, matrix: sp.Matrix) -> sp.Expr:
    """A matrix function at 120 significant digits (mpmath), enough for confirmations
    at 60 and 100 digits."""
    import mpmath

    with mpmath.workdps(120):
        m = mpmath.matrix(
            [
                [mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in row]
                for row in matrix.tolist()
            ]
        )
        if isinstance(e, OperatorNorm):
            value = mpmath.sqrt(max(mpmath.eigsy(m.T * m, eigvals_only=True)))
        elif isinstance(e, LambdaMax):
            value = max(mpmath.eigsy((m + m.T) / 2, eigvals_only=True))
        else:
            value = max(abs(v) for v in mpmath.eig(m, left=False, right=False))
        return sp.Float(mpmath.nstr(value, 115), 115)


def _largest(values: Iterable[sp.Expr]) -> sp.Expr:
    return max(values, key=lambda v: float(sp.re(sp.N(v, 30))))


# -- concrete smooth functions ---------------------------------------------------------


def _concrete_functions(
    pairs: list[Pair], rng: np.random.Generator
) -> dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]]:
    arities: dict[str, int] = {}
    differentiated: set[str] = set()
    for pair in pairs:
        for expr in (pair.lhs, pair.rhs):
            for f in expr.atoms(sp.Function):
                if is_undefined(f):
                    arities[type(f).base_name] = len(f.args)  # type: ignore[attr-defined]
                    if type(f).partials:  # type: ignore[attr-defined]
                        differentiated.add(type(f).base_name)  # type: ignore[attr-defined]
    return {
        name: _random_function(arity, rng, smooth=name in differentiated)
        for name, arity in sorted(arities.items())
    }


def _random_function(
    arity: int, rng: np.random.Generator, *, smooth: bool
) -> tuple[tuple[sp.Symbol, ...], sp.Expr]:
    """A function of `arity` variables with random rational coefficients that an
    adversary would pick: it oscillates (sines of linear forms), curves (a quadratic),
    grows fast (an exponential) and, where no derivative of it is taken, has a kink, so a
    statement that holds only for tame functions is not verified."""
    xs = tuple(sp.Symbol(f"x{i}", real=True) for i in range(arity))

    def r(scale: int = 4) -> sp.Rational:
        return sp.Rational(int(rng.integers(-scale, scale + 1)) or 1, int(rng.integers(1, 4)))

    expr = sum(
        (r() * sp.sin(sum((r() * x for x in xs), sp.S.Zero) + r()) for _ in range(2)), sp.S.Zero
    )
    expr += sum((r() * x * y for i, x in enumerate(xs) for y in xs[i:]), sp.S.Zero)
    expr += sum((r() * x for x in xs), sp.S.Zero)
    expr += r() * sp.exp(sum((r() * x for x in xs), sp.S.Zero) / 4)
    if not smooth:
        expr += r() * sp.Abs(sum((r() * x for x in xs), sp.S.Zero) + r())
    return xs, expr


def _apply_concrete(functions: dict, e: sp.Basic) -> sp.Expr:
    xs, body = functions[type(e).base_name]
    for index in type(e).partials:
        body = sp.diff(body, xs[index - 1])
    return body.xreplace(dict(zip(xs, e.args, strict=True)))
