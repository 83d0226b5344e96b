"""Exact expectations by moment algebra: linearity, independence and known moments.

This decides in milliseconds what `sympy.stats` takes seconds for (the variance of a
product of two independent normals), and it also works for laws sympy does not have:
`generic` (every moment a symbol, so the result holds for every distribution),
`symmetric` (odd moments vanish; `E[f(X)] = E[(f(X) + f(-X))/2]`, which turns
`E[ReLU(X)^2]` into `E[X^2]/2`) and `whitened` vectors (mean 0, identity covariance).

What it cannot decide exactly it leaves as an opaque `Expect(...)`, which the numeric
strategies estimate by Monte-Carlo; it never guesses.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from math import comb, factorial

import sympy as sp

from derive.errors import MaybeSame, Unsupported
from derive.model.cases import collapse

MAX_ENUMERATED_ATOMS = 12  # 2^12 Bernoulli outcomes


@dataclass(frozen=True)
class RandomAtom:
    """A random scalar. `name` keys its symbolic moments (every `g_i` of an i.i.d.
    sequence `g` shares `E[g]`); atoms of different `group`s are independent."""

    name: str
    family: str
    params: tuple[sp.Expr, ...]
    group: str
    position: int = 0


def as_expr(value: object) -> sp.Expr:
    """A sympy number or expression from one (never from text: nothing here parses)."""
    if isinstance(value, sp.Basic):
        return value  # type: ignore[return-value]
    if isinstance(value, int):
        return sp.Integer(value)
    raise TypeError(f"not an expression: {type(value).__name__}")


class Expect(sp.Function):
    """An expectation that moment algebra could not compute: estimated numerically."""


Distinct = frozenset[frozenset[str]]  # index pairs assumed different: {"s", "t + 1"}


def expectation(
    value: sp.Expr | sp.MatrixBase, randoms: dict[sp.Basic, RandomAtom], distinct: Distinct
) -> sp.Basic:
    """E[value]; raises MaybeSame where two elements of a sequence may be one variable."""
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.applyfunc(lambda e: expectation(e, randoms, distinct)))
    _check_different(value, randoms, distinct)
    try:
        return _expect(as_expr(value), randoms)
    except Unsupported:
        return Expect(value)


def variance(
    value: sp.Expr | sp.MatrixBase, randoms: dict[sp.Basic, RandomAtom], distinct: Distinct
) -> sp.Basic:
    """Var(X) = E[X²] - E[X]²; for a random vector, its covariance matrix."""
    if isinstance(value, sp.MatrixBase):
        outer = value * value.T
        mean = expectation(value, randoms, distinct)
        return sp.ImmutableMatrix(expectation(outer, randoms, distinct) - mean * mean.T)
    return sp.expand(
        expectation(value**2, randoms, distinct) - expectation(value, randoms, distinct) ** 2
    )


def _check_different(
    value: sp.Expr, randoms: dict[sp.Basic, RandomAtom], distinct: Distinct
) -> None:
    """Moment algebra takes elements of a sequence with different indices as independent
    variables. That is sound only where the indices cannot be equal: they differ by a
    nonzero number (g_t, g_{t-1}), or are assumed different (s != t, or a case of the
    coincidence split). Otherwise g_t and g_1, or g_t and the g_i of a sum over i, may
    be one variable, and nothing exact can be said until the index has a value."""
    indices: dict[sp.Basic, set[sp.Expr]] = defaultdict(set)
    for atom in value.atoms(sp.Indexed):
        law = randoms.get(atom)
        if law is not None and law.family != "derived" and len(atom.indices) == 1:
            indices[atom.base].add(atom.indices[0])
    for base, found in indices.items():
        for a, b in itertools.combinations(sorted(found, key=sp.default_sort_key), 2):
            difference = a - b
            if difference.is_number and difference != 0:
                continue
            if frozenset((str(a), str(b))) in distinct:
                continue
            raise MaybeSame(
                f"{base}_{{{a}}} and {base}_{{{b}}} may be the same random variable "
                f"({a} = {b} is possible): assume {a} != {b}, or give the index a value"
            )


def _expect(expr: sp.Expr, randoms: dict[sp.Basic, RandomAtom]) -> sp.Expr:
    atoms = [a for a in randoms if expr.has(a)]
    if not atoms:
        return expr
    if isinstance(expr, sp.Add):
        return sp.Add(*(_expect(term, randoms) for term in expr.args))
    if isinstance(expr, sp.Sum):
        return sp.Sum(_expect(expr.function, randoms), *expr.limits)
    if isinstance(expr, sp.Mul):
        constant = sp.Mul(*(f for f in expr.args if not any(f.has(a) for a in atoms)))
        rest = sp.Mul(*(f for f in expr.args if any(f.has(a) for a in atoms)))
        if constant != 1:
            return constant * _expect(rest, randoms)
        clusters = _independent_factors(expr, atoms, randoms)
        if len(clusters) > 1:  # E[f(X) g(Y)] = E[f(X)] E[g(Y)] for independent X, Y
            return sp.Mul(*(_expect(cluster, randoms) for cluster in clusters))
    small_power = isinstance(expr, sp.Pow) and expr.exp.is_Integer and 1 < expr.exp <= 6
    if small_power and isinstance(expr.base, sp.Add) and not expr.base.has(sp.Sum):
        return _expect(sp.expand(expr), randoms)
    polynomial = _as_polynomial(expr, atoms)
    if polynomial is not None:
        return sp.Add(
            *(
                coeff * _moment(dict(zip(atoms, powers, strict=True)), randoms)
                for powers, coeff in polynomial.terms()
            )
        )
    return _non_polynomial(expr, atoms, randoms)


def _independent_factors(
    product: sp.Mul, atoms: list[sp.Basic], randoms: dict[sp.Basic, RandomAtom]
) -> list[sp.Expr]:
    """The factors of a product grouped so that different groups share no random group:
    factors in different groups are independent."""
    clusters: list[tuple[set[str], list[sp.Expr]]] = []
    for factor in product.args:
        groups = {randoms[a].group for a in atoms if factor.has(a)}
        joined = [c for c in clusters if c[0] & groups]
        merged_groups, merged_factors = set(groups), [factor]
        for cluster in joined:
            clusters.remove(cluster)
            merged_groups |= cluster[0]
            merged_factors += cluster[1]
        clusters.append((merged_groups, merged_factors))
    return [sp.Mul(*factors) for _, factors in clusters]


def _as_polynomial(expr: sp.Expr, atoms: list[sp.Basic]) -> sp.Poly | None:
    expanded = sp.expand(expr)
    try:
        polynomial = sp.Poly(expanded, *atoms)
    except sp.PolynomialError:
        return None
    if any(c.has(*atoms) for c in polynomial.coeffs()):
        return None
    return polynomial


def _moment(powers: dict[sp.Basic, int], randoms: dict[sp.Basic, RandomAtom]) -> sp.Expr:
    by_group: dict[str, list[tuple[RandomAtom, int]]] = defaultdict(list)
    for atom, power in powers.items():
        if power:
            by_group[randoms[atom].group].append((randoms[atom], power))
    result = sp.S.One
    for members in by_group.values():  # distinct groups are independent
        if len(members) == 1:
            atom, power = members[0]
            result *= law_moment(atom, power)
        else:
            result *= _joint_moment(members)
    return result


def _joint_moment(members: list[tuple[RandomAtom, int]]) -> sp.Expr:
    """Moments of several entries of one random vector: only `whitened` is known,
    and only up to second order (uncorrelated is not independent)."""
    family = members[0][0].family
    degree = sum(power for _, power in members)
    if family == "whitened" and degree <= 2:
        return sp.S.Zero  # two distinct entries, uncorrelated with mean 0
    raise Unsupported(f"joint moments of order {degree} of a {family} vector")


def law_moment(atom: RandomAtom, k: int) -> sp.Expr:
    """E[X^k] for one atom."""
    p = atom.params
    match atom.family:
        case "normal":
            mu, sd = p
            return sp.expand(
                sum(
                    comb(k, j) * mu ** (k - j) * sd**j * _double_factorial(j - 1)
                    for j in range(0, k + 1, 2)
                )
            )
        case "uniform":
            a, b = p
            return sp.cancel((b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a)))
        case "bernoulli":
            return p[0]
        case "laplace":
            m, scale = p
            return sp.expand(
                sum(comb(k, j) * m ** (k - j) * factorial(j) * scale**j for j in range(0, k + 1, 2))
            )
        case "symmetric":
            if k % 2:
                return sp.S.Zero
            return p[0] if k == 2 else sp.Symbol(f"E[{atom.name}^{k}]", positive=True)
        case "whitened":
            if k == 1:
                return sp.S.Zero
            if k == 2:
                return sp.S.One
            return sp.Symbol(f"E[{atom.name}^{k}]", positive=True)
        case "generic":
            return sp.Symbol(f"E[{atom.name}]" if k == 1 else f"E[{atom.name}^{k}]", real=True)
    raise Unsupported(f"moments of the {atom.family} law")


def _double_factorial(n: int) -> int:
    return 1 if n <= 0 else n * _double_factorial(n - 2)


def _non_polynomial(
    expr: sp.Expr, atoms: list[sp.Basic], randoms: dict[sp.Basic, RandomAtom]
) -> sp.Expr:
    """Exact expectations of non-polynomial functions: by symmetry, or by enumeration."""
    laws = [randoms[a] for a in atoms]
    discrete = all(law.family == "bernoulli" for law in laws)
    if not discrete and singular(expr, atoms):  # E[1/X] of a normal X does not exist
        raise Unsupported("an expectation of a function with a pole: it may not exist")
    if discrete and len(atoms) <= MAX_ENUMERATED_ATOMS:
        total = sp.S.Zero
        for outcome in itertools.product((0, 1), repeat=len(atoms)):
            weight = sp.Mul(
                *(
                    law.params[0] if o else 1 - law.params[0]
                    for law, o in zip(laws, outcome, strict=True)
                )
            )
            total += weight * expr.xreplace(dict(zip(atoms, map(sp.Integer, outcome), strict=True)))
        if total.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise Unsupported("an expectation that is undefined: a division by zero on an outcome")
        return sp.expand(total)
    if len(atoms) == 1 and (integral := _integrated(expr, atoms[0], laws[0])) is not None:
        return integral
    if len(atoms) == 1 and laws[0].family in ("symmetric", "normal", "laplace", "uniform"):
        atom, law = atoms[0], laws[0]
        if _is_symmetric(law):
            mirrored = expr.xreplace({atom: -atom})
            folded = sp.piecewise_fold(((expr + mirrored) / 2).rewrite(sp.Piecewise))
            folded = collapse(sp.piecewise_fold(folded))
            if not folded.has(sp.Piecewise):  # σ(x) + σ(-x) = 1 shows only in exp form
                folded = sp.cancel(sp.together(folded.rewrite(sp.exp)))
            polynomial = _as_polynomial(folded, atoms)
            if polynomial is not None:
                return _expect(folded, randoms)
    raise Unsupported("an expectation that moment algebra cannot take")


INTEGRATION_SECONDS = 2.0


def _integrated(expr: sp.Expr, atom: sp.Basic, law: RandomAtom) -> sp.Expr | None:
    """E[f(X)] as the integral of f against the density of a law with numeric
    parameters (E[relu(X)] = 1/√(2π)), or None where sympy finds no closed form in time."""
    from derive.budget import StepTimeout, deadline, reraise_expired

    if law.family not in ("normal", "uniform", "laplace") or not all(
        p.is_number for p in law.params
    ):
        return None
    x = sp.Dummy("x", real=True)
    a, b = law.params
    match law.family:
        case "normal":
            density, support = (
                sp.exp(-((x - a) ** 2) / (2 * b**2)) / (b * sp.sqrt(2 * sp.pi)),
                (
                    -sp.oo,
                    sp.oo,
                ),
            )
        case "uniform":
            density, support = 1 / (b - a), (a, b)
        case _:
            density, support = sp.exp(-sp.Abs(x - a) / b) / (2 * b), (-sp.oo, sp.oo)
    integrand = (expr.xreplace({atom: x}) * density).rewrite(sp.Piecewise)
    try:
        with deadline(INTEGRATION_SECONDS, StepTimeout):
            value = sp.integrate(integrand, (x, *support))
    except StepTimeout:
        reraise_expired()
        return None
    except (ValueError, TypeError, NotImplementedError):
        return None
    if value.has(sp.Integral, sp.nan, sp.zoo) or value.is_infinite or not value.is_number:
        return None
    return sp.nsimplify(value) if value.has(sp.Float) else value


def singular(expr: sp.Expr, atoms: list[sp.Basic]) -> bool:
    """Whether a random atom appears under a negative power or a logarithm, where the
    expectation can be infinite or undefined whatever symmetry says."""
    for power in expr.atoms(sp.Pow):
        if power.exp.is_negative is not False and power.base.has(*atoms):
            return True
    return any(log.has(*atoms) for log in expr.atoms(sp.log))


def _is_symmetric(law: RandomAtom) -> bool:
    if law.family == "symmetric":
        return True
    if law.family in ("normal", "laplace"):
        return law.params[0] == 0
    if law.family == "uniform":
        return (law.params[0] + law.params[1]) == 0
    return False
