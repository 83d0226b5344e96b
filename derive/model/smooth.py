"""Whether an expression is smooth at a point of one variable, as a Taylor expansion
there needs: what `a = b + O(η^k)` and `lim_{h → 0}` are both read through.

Only what is certainly smooth passes: polynomials, exp, sin, cos, tanh, erf, the sigmoid
and softplus, undefined functions (L, σ: differentiable, as everywhere in derive), and
roots, logarithms and denominators whose argument is provably positive (nonzero) at the
point. Kinks (|η|), max and min, and anything else are refused with the atom named."""

from __future__ import annotations

import sympy as sp

from derive.errors import Unsupported
from derive.model.functions import is_undefined, sigmoid, softplus

SMOOTH = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.erf, sigmoid, softplus)


def smooth_at_zero(expr: sp.Expr, var: sp.Symbol, refusal: str) -> set[sp.Expr]:
    """Refuse (Unsupported, `refusal` formatted with the atom) what may not be smooth at
    var = 0; return the denominators without var, which a point must keep nonzero. An
    argument with var that vanishes at 0 only where one of those does (‖w - η g‖ beside
    h(w/‖w‖)) is as good as positive: there the expression is undefined anyway."""
    outside = {
        atom.base
        for atom in expr.atoms(sp.Pow)
        if atom.exp.is_negative and not atom.base.is_number and not atom.base.has(var)
    }
    for atom in expr.atoms(sp.Function, sp.Pow, sp.Max, sp.Min):
        if not atom.has(var) or isinstance(atom, SMOOTH) or is_undefined(atom):
            continue
        if isinstance(atom, sp.Pow) and atom.exp.is_Integer and atom.exp.is_nonnegative:
            continue  # a polynomial in var
        if isinstance(atom, sp.Pow) and atom.exp.is_Integer:
            at_zero, needed = atom.base.subs(var, 0), "is_nonzero"  # a denominator
        elif isinstance(atom, sp.Pow | sp.log):
            base = atom.base if isinstance(atom, sp.Pow) else atom.args[0]
            at_zero, needed = base.subs(var, 0), "is_positive"
        else:
            raise Unsupported(refusal.format(atom=atom))
        if getattr(at_zero, needed) is True or (
            at_zero.is_nonnegative and _vanishes_with(at_zero, outside)
        ):
            continue
        raise Unsupported(refusal.format(atom=atom))
    return outside


def _vanishes_with(value: sp.Expr, denominators: set[sp.Expr]) -> bool:
    """value is one of the denominators, or its square (w^2 beside |w|)."""
    return any(value == d or sp.sqrt(value) == d or value == d**2 for d in denominators)
