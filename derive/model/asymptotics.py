"""Big-O terms: `a = b + O(η^k)` and `a ≈ b + O(η^k)` say that a - b is O(η^k) as η → 0.

Only the form whose meaning is beyond doubt is read: O-terms added to a side. Then
`a + O(η^j) = b + O(η^k)` (the left's terms may be absent) means every function of the
left form is one of the right form, which holds exactly when a - b is O(η^k) and no left
term is coarser than η^k (j ≥ k): the right's terms can be chosen to absorb the rest, of
whatever shape. So the O-terms are dropped and the statement is decided up to O(η^k) by
`instances.with_series`, which also requires the sides to be smooth at η = 0.

Refused, with the reason, never guessed: an O-term inside a product, a quotient or a
function (`η(1 + O(η))` is O(η²), `(1 + O(η))²` spans all of 1 + O(η) only because the
term can be chosen; reading such forms soundly needs more than dropping), a left term
coarser than the right's, O-terms on the left only, and `≈` with no O-term (it states no
order). A context that declares its own `O` (a function, a matrix) keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from derive.errors import Unsupported
from derive.model import ast
from derive.model.types import Context, Scalar

ORDER = "O"  # O(η^k), \mathcal{O}(η^k)
APPROX = "≈"
NEAR_ZERO = Fraction(1, 10**12)  # η's domain must reach this close to 0 on some side


@dataclass(frozen=True)
class Expansion:
    """Relations with their O-terms dropped and `≈` made `=`."""

    links: tuple[ast.Relation, ...]
    up_to: tuple[str, int] | None  # (η, k): equal up to O(η^k); None: exact


def expand(
    links: tuple[ast.Relation, ...], context: Context, up_to: tuple[str, int] | None
) -> Expansion:
    """Read the O-terms and `≈` of `links`; `up_to` is an order the statement already has
    (a claim's `up_to=`)."""
    declared = context.lookup(ORDER) is not None or context.definition(ORDER) is not None
    terms = [] if declared else [n for n in ast.walk(links) if _is_order(n)]
    approximate = any(link.op == APPROX for link in links)
    if not terms and not approximate:
        return Expansion(links, up_to)
    if not terms:
        if up_to is None:
            raise Unsupported(
                "≈ states no order: write = ... + O(η^k) to check it up to that order"
            )
        return Expansion(tuple(replace(link, op="=") for link in links), up_to)
    if up_to is not None:
        raise Unsupported("the statement has an order already: write no O-terms in it")
    found = {_order(term) for term in terms}
    variables = {name for name, _ in found}
    if len(variables) > 1:
        raise Unsupported(f"O-terms in several variables ({', '.join(sorted(variables))})")
    (variable,) = variables
    _check_variable(variable, context)
    orders = {_link_order(link) for link in links}
    if len(orders) > 1:
        raise Unsupported("the links are equal up to different orders: check them one by one")
    (order,) = orders
    expanded = tuple(
        replace(link, op="=", lhs=_without_orders(link.lhs), rhs=_without_orders(link.rhs))
        for link in links
    )
    return Expansion(expanded, (variable, order))


def _link_order(link: ast.Relation) -> int:
    """The order one equation holds to: its right side's finest O-term."""
    if link.op not in ("=", APPROX):
        raise Unsupported("O-terms and ≈ are read in equations only")
    left, right = _orders_added(link.lhs), _orders_added(link.rhs)
    inside = [n for n in ast.walk(link) if _is_order(n)]
    if len(inside) != len(left) + len(right):
        raise Unsupported(
            "O-terms are read as terms added to a side (a = b + O(η^k)): expand products "
            "and quotients with O-terms first"
        )
    if not right:
        raise Unsupported("write the O-term on the right side: a = b + O(η^k)")
    order = min(right)
    if left and min(left) < order:
        raise Unsupported(
            f"the left side's O-term is coarser than the right side's O(η^{order}): "
            "no such equation holds"
        )
    return order


def _check_variable(variable: str, context: Context) -> None:
    """η must be a free real variable that can approach 0."""
    if context.definition(variable) is not None:
        raise Unsupported(f"O-terms need {variable} to be a variable, not a defined name")
    decl = context.lookup(variable)
    if decl is None:
        return
    if not isinstance(decl, Scalar):
        raise Unsupported(f"O-terms need {variable} to be a scalar")
    if not (decl.domain.contains(NEAR_ZERO) or decl.domain.contains(-NEAR_ZERO)):
        raise Unsupported(f"O-terms take {variable} → 0, outside its domain")


def _summands(side: ast.Node) -> tuple[ast.Node, ...]:
    return side.terms if isinstance(side, ast.Add) else (side,)


def _orders_added(side: ast.Node) -> list[int]:
    return [_order(_unsigned(t))[1] for t in _summands(side) if _is_order(_unsigned(t))]


def _without_orders(side: ast.Node) -> ast.Node:
    kept = tuple(t for t in _summands(side) if not _is_order(_unsigned(t)))
    if len(kept) == len(_summands(side)):
        return side
    if len(kept) <= 1:
        return kept[0] if kept else ast.Num(Fraction(0), side.pos)
    return ast.Add(kept, side.pos)


def _is_order(node: object) -> bool:
    return isinstance(node, ast.Call) and node.func == ORDER and node.derivative == 0


def _unsigned(node: ast.Node) -> ast.Node:
    return node.operand if isinstance(node, ast.Neg) else node


def _order(call: ast.Call) -> tuple[str, int]:
    """O(η) is order 1 in η, O(η^k) order k (a positive integer)."""
    match call.args:
        case (ast.Name(name=name),):
            return name, 1
        case (ast.Pow(base=ast.Name(name=name), exponent=ast.Num(value=power)),) if (
            power.denominator == 1 and power > 0
        ):
            return name, int(power)
    raise Unsupported("an O-term is read as O(η) or O(η^k), for a variable η → 0")
