"""Limits `lim_{h → a} E(h)` at a finite point, two-sided, read through a Taylor expansion.

E(a + t) is written N(t) / D(t) with D a polynomial in t; with D = t^m D'(t), D'(0) ≠ 0,
the quotient P = N / D' must be smooth at t = 0 (`derive.model.smooth`). Then
E = P / t^m, whose limit is P's Taylor coefficient of t^m, and exists exactly where the
coefficients of t^0 … t^(m-1) vanish. Those that do not vanish identically are returned:
where one of them is not 0 the limit does not exist, and a statement that needs its value
is false there (l(w + Δw) − l(Δw) over Δw tends to nothing unless l(w) = l(0)).

Anything else (a denominator that is not polynomial in t, a kink, an order past
MAX_ORDER, a point at infinity) is Unsupported: not checked, never guessed."""

from __future__ import annotations

import math

import sympy as sp

from derive.errors import Unsupported
from derive.model.smooth import smooth_at_zero

MAX_ORDER = 4  # t^4 in a denominator: deeper cancellations are not expanded


def limit_at_zero(expr: sp.Expr, t: sp.Symbol, name: str) -> tuple[sp.Expr, list[sp.Expr]]:
    """(the limit of expr as t → 0, the coefficients that must vanish for it to exist)."""
    numerator, denominator = sp.fraction(sp.together(expr))
    try:
        coefficients = sp.Poly(denominator, t).all_coeffs()[::-1]  # ascending powers
    except sp.PolynomialError as exc:
        raise Unsupported(
            f"the limit in {name}: its denominator {denominator} is not a polynomial in {name}"
        ) from exc
    order = next(k for k, c in enumerate(coefficients) if sp.expand(c) != 0)
    if order > MAX_ORDER:
        raise Unsupported(f"the limit in {name}: {name}^{order} in the denominator is too deep")
    rest = sp.Add(*(c * t ** (k - order) for k, c in enumerate(coefficients) if k >= order))
    quotient = numerator / rest
    smooth_at_zero(
        quotient,
        t,
        f"the limit in {name} is read by its Taylor expansion; {{atom}} may not be smooth",
    )
    taylor = []
    derivative = quotient
    for k in range(order + 1):
        taylor.append(derivative.subs(t, 0) / math.factorial(k))
        derivative = sp.diff(derivative, t)
    value = taylor[order]
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Unsupported(f"the limit in {name} is not finite")
    return value, [c for c in taylor[:order] if not _vanishes(c)]


def _vanishes(coefficient: sp.Expr) -> bool:
    """Identically zero: cheap forms first, simplify only where they do not settle it."""
    if coefficient == 0 or sp.cancel(sp.expand(coefficient)) == 0:
        return True
    return sp.simplify(coefficient) == 0
