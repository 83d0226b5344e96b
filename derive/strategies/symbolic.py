"""Symbolic proof: a ladder of rewritings, cheapest first, each under a time budget.

An equation holds when the difference of its sides is shown to be zero; the rung that
showed it is reported, so `derive show` can say how. Rungs never conclude "not zero":
a difference they cannot reduce is left to the numeric strategies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from sympy.core.relational import Relational

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.model.cases import reachable, single_points
from derive.model.functions import relu, sigmoid, softplus
from derive.model.types import Domain


@dataclass(frozen=True)
class Rung:
    name: str
    apply: Callable[[sp.Expr, dict], sp.Expr]
    share: float  # of the remaining budget


def to_exp(expr: sp.Expr) -> sp.Expr:
    """Every activation and hyperbolic function written with exp."""
    return (
        expr.rewrite(sigmoid, sp.exp)
        .rewrite(softplus, sp.exp)
        .rewrite(sp.tanh, sp.exp)
        .rewrite(sp.sinh, sp.exp)
        .rewrite(sp.cosh, sp.exp)
    )


def _exp_normal(expr: sp.Expr) -> sp.Expr:
    expr = sp.powsimp(sp.expand(to_exp(expr)), force=False)
    return sp.cancel(sp.together(expr))


def _piecewise(expr: sp.Expr) -> sp.Expr:
    """max, min, |x|, ReLU and steps as piecewise functions, simplified branch by branch."""
    rewritten = (
        expr.rewrite(relu, sp.Piecewise).rewrite(sp.Max, sp.Piecewise).rewrite(sp.Min, sp.Piecewise)
    )
    rewritten = rewritten.rewrite(sp.Abs, sp.Piecewise).rewrite(sp.Heaviside, sp.Piecewise)
    rewritten = rewritten.rewrite(sp.sign, sp.Piecewise)
    folded = sp.piecewise_fold(rewritten)
    if isinstance(folded, sp.Piecewise):
        return sp.Piecewise(*((sp.simplify(e), c) for e, c in folded.args))
    return sp.simplify(folded)


def _sums(expr: sp.Expr, domains: dict[sp.Symbol, Domain]) -> sp.Expr:
    """Closed forms of sums and products (their cases settled by the domains), then the
    usual normalisation."""
    expr = combine_sums(expr)
    evaluated = refine_domains(expr.doit(), domains)
    return sp.simplify(sp.factor_terms(sp.expand(evaluated)))


def combine_sums(expr: sp.Expr) -> sp.Expr:
    """Σ_i f(i) - Σ_j g(j) over the same range → Σ_i (f(i) - g(i)): the form in which
    an induction step's sums cancel term by term."""
    expr = sp.expand(expr)
    if not isinstance(expr, sp.Add):
        return expr
    groups: dict[tuple, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for term in expr.args:
        coeff, sums = term.as_independent(sp.Sum, as_Add=False)
        if isinstance(sums, sp.Sum) and len(sums.limits) == 1:
            var, low, high = sums.limits[0]
            key = (low, high)
            canonical = sp.Symbol("_i", integer=True)
            groups.setdefault(key, []).append(coeff * sums.function.xreplace({var: canonical}))
        else:
            rest.append(term)
    canonical = sp.Symbol("_i", integer=True)
    combined = [
        sp.Sum(sp.simplify(sp.Add(*bodies)), (canonical, low, high))
        for (low, high), bodies in groups.items()
    ]
    return sp.Add(*rest, *(c for c in combined if c.function != 0))


LADDER = (
    Rung("structural equality", lambda e, d: e, 0.05),
    Rung("expansion", lambda e, d: sp.expand(e), 0.1),
    Rung("rational normal form", lambda e, d: sp.cancel(sp.together(e)), 0.15),
    Rung("rewriting in exp", lambda e, d: _exp_normal(e), 0.25),
    Rung("sums in closed form", _sums, 0.3),
    Rung("piecewise cases", lambda e, d: _piecewise(e), 0.3),
    Rung("simplify", lambda e, d: sp.simplify(to_exp(e)), 0.6),
)


def prove_zero(
    expr: sp.Expr, budget: Budget, domains: dict[sp.Symbol, Domain] | None = None
) -> str | None:
    """The name of the first rung that reduces `expr` to 0, or None."""
    if expr == 0:
        return LADDER[0].name
    for rung in LADDER[1:]:
        if rung.name == "sums in closed form" and not expr.has(sp.Sum, sp.Product):
            continue
        if rung.name == "piecewise cases" and not expr.has(
            sp.Abs, sp.Max, sp.Min, relu, sp.Heaviside, sp.Piecewise, sp.sign
        ):
            continue
        seconds = budget.share(rung.share)
        if seconds <= 0.01:
            return None
        try:
            with deadline(seconds):
                if _is_zero(rung.apply(expr, domains or {}), expr):
                    return rung.name
        except BudgetExceeded:
            reraise_expired()
            continue
        except (
            TypeError,
            ValueError,
            NotImplementedError,
            AttributeError,
            RecursionError,
            ZeroDivisionError,
        ):
            continue  # a rung that cannot handle this expression says nothing
    return None


def _is_zero(expr: sp.Expr, original: sp.Expr) -> bool:
    if expr == 0:
        return True
    if isinstance(expr, sp.Piecewise):
        return _zero_by_cases(expr, original)
    return False


def _zero_by_cases(piecewise: sp.Piecewise, original: sp.Expr) -> bool:
    """Every branch that can be reached is 0, or is a single point where it vanishes or
    where the original expression is undefined (u = 0 in γu/|u|: the statement says
    nothing there)."""
    for value, condition in reachable(piecewise):
        if value == 0 or sp.simplify(value) == 0:
            continue
        points = single_points(condition)
        if points is not None and all(
            sp.simplify(value.subs(symbol, at)) == 0
            or original.subs(symbol, at).has(sp.zoo, sp.nan, sp.oo)
            for symbol, at in points
        ):
            continue
        return False
    return True


def prove_sign(expr: sp.Expr, strict: bool, budget: Budget) -> str | None:
    """Show expr ≥ 0 (or > 0) from the symbols' assumptions, after simplification."""
    candidates = [expr]
    try:
        with deadline(budget.share(0.3)):
            candidates += [sp.factor(sp.cancel(sp.together(expr))), sp.simplify(expr)]
    except BudgetExceeded:
        reraise_expired()
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        pass
    for candidate in candidates:
        verdict = candidate.is_positive if strict else candidate.is_nonnegative
        if verdict:
            return "sign from the assumptions"
    if expr.has(sp.Max, sp.Min, sp.Abs, relu, sp.Heaviside):
        try:
            with deadline(budget.share(0.5)):
                if _sign_by_cases(expr, strict):
                    return "sign in every case"
        except BudgetExceeded:
            reraise_expired()
            return None
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            return None
    return None


def _sign_by_cases(expr: sp.Expr, strict: bool) -> bool:
    """min, max, |x| and ReLU split into cases; in each reachable case the sign must follow
    from the case's condition (a single-symbol condition becomes an assumption)."""
    folded = sp.piecewise_fold(_piecewise_form(expr))
    branches = reachable(folded) if isinstance(folded, sp.Piecewise) else [(folded, sp.true)]
    for value, condition in branches:
        value = _assume_condition(sp.simplify(value), condition)
        sign = value.is_positive if strict else value.is_nonnegative
        if not sign:
            return False
    return True


def _piecewise_form(expr: sp.Expr) -> sp.Expr:
    for kind in (relu, sp.Max, sp.Min, sp.Abs, sp.Heaviside):
        expr = expr.rewrite(kind, sp.Piecewise)
    return expr


def _assume_condition(value: sp.Expr, condition: sp.Basic) -> sp.Expr:
    """Refine the value by a condition such as `x > tau` or `x - tau <= 0`: the symbols get
    the sign the condition gives their difference (by substitution d = x - tau)."""
    if condition in (sp.true, True):
        return value
    relations = condition.args if isinstance(condition, sp.And) else (condition,)
    for relation in relations:
        if not isinstance(relation, Relational) or isinstance(relation, sp.Eq | sp.Ne):
            continue
        difference = relation.lhs - relation.rhs
        symbols = sorted(difference.free_symbols, key=str)
        if not symbols:
            continue
        positive = isinstance(relation, sp.StrictGreaterThan)
        nonnegative = isinstance(relation, sp.GreaterThan)
        negative = isinstance(relation, sp.StrictLessThan)
        d = sp.Dummy("d", positive=positive or None, nonnegative=nonnegative or None,
                     negative=negative or None, nonpositive=isinstance(relation, sp.LessThan) or None, real=True)  # fmt: skip
        pivot = symbols[0]
        solved = sp.solve(sp.Eq(difference, d), pivot)
        if len(solved) == 1:
            value = sp.simplify(value.subs(pivot, solved[0]))
    return value


def prove_nonzero(expr: sp.Expr, budget: Budget) -> str | None:
    """Show expr ≠ 0: every factor of it is nonzero under the symbols' assumptions."""
    try:
        with deadline(budget.share(0.5)):
            factored = sp.factor(sp.cancel(sp.together(expr)))
    except BudgetExceeded:
        reraise_expired()
        return None
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return None
    branches = [e for e, _ in factored.args] if isinstance(factored, sp.Piecewise) else [factored]
    for branch in branches:
        factors = branch.args if isinstance(branch, sp.Mul) else (branch,)
        if not all(f.is_zero is False for f in factors):
            return None
    return "factors nonzero by the assumptions"


def refine_domains(expr: sp.Expr, domains: dict[sp.Symbol, Domain]) -> sp.Expr:
    """Settle conditions such as `Eq(beta, 1)` that the declared domains decide (sympy's
    assumptions cannot say 0 < beta < 1, so closed forms of sums keep such cases)."""
    if not expr.has(sp.Piecewise):
        return expr

    def decide(relation: sp.Basic) -> sp.Basic:
        symbols = [s for s in relation.free_symbols if s in domains]
        if len(symbols) != 1 or relation.free_symbols - set(symbols):
            return relation
        symbol = symbols[0]
        try:
            with deadline(3.0):
                roots = sp.solve(relation.lhs - relation.rhs, symbol)
        except BudgetExceeded:
            reraise_expired()
            return relation
        except (NotImplementedError, TypeError, ValueError):
            return relation
        if any(_could_be_in(domains[symbol], r) for r in roots):
            return relation
        return sp.false if isinstance(relation, sp.Eq) else sp.true

    refined = expr.replace(lambda e: isinstance(e, sp.Eq | sp.Ne), decide)
    return sp.piecewise_fold(refined)


def _could_be_in(domain: Domain, root: sp.Expr) -> bool:
    """False only when the root is certainly outside the domain."""
    if root.is_Rational:
        return domain.contains(Fraction(int(root.p), int(root.q)))
    if not root.is_real:
        return root.is_real is None
    value = float(root)
    low = float(domain.lower) if domain.lower is not None else -float("inf")
    high = float(domain.upper) if domain.upper is not None else float("inf")
    return low - 1e-9 <= value <= high + 1e-9
