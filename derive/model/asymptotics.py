"""Big-O terms: `a = b + O(η^k)` and `a ≈ b + O(η^k)` say that a - b is O(η^k) as η → 0.

Read as a teaching assistant reads a Taylor expansion: equal up to the lowest order any
O-term of the statement states. A side's own summand O(η^k) is dropped (it adds O(η^k),
whatever its shape); any other O-term is an unknown small quantity and becomes a scalar
name of its own, and `instances.with_series` requires the sides to be smooth in those
names and in η, sets them to 0 and asks the Taylor coefficients of the difference below
order k to vanish. Setting a small term to 0 changes a smooth side by O(the term), which
is why the lowest order is the one checked.

`≈` with no O-term anywhere states no order: there is nothing to check it against, and
saying so is honest. A context that declares its own `O` (a function, a matrix) keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from derive.errors import Unsupported
from derive.model import ast
from derive.model.types import Context, Scalar

ORDER = "O"  # O(η^k), \mathcal{O}(η^k)
APPROX = "≈"


@dataclass(frozen=True)
class Expansion:
    """Relations with every O-term replaced by a small name and `≈` by `=`."""

    links: tuple[ast.Relation, ...]
    small: tuple[str, ...]  # the names standing for the O-terms
    up_to: tuple[str, int] | None  # (η, k): equal up to O(η^k); None: exact


def expand(
    links: tuple[ast.Relation, ...], context: Context, up_to: tuple[str, int] | None
) -> Expansion:
    """Read the O-terms and `≈` of `links`; `up_to` is an order the statement already has
    (a claim's `up_to=`), combined with the written ones (the lowest wins)."""
    if context.lookup(ORDER) is not None or context.definition(ORDER) is not None:
        orders: list[tuple[str, int]] = []
    else:
        orders = [_order(node) for node in ast.walk(links) if _is_order(node)]
    approximate = any(link.op == APPROX for link in links)
    if not orders and not approximate:
        return Expansion(links, (), up_to)
    if approximate and not orders and up_to is None:
        raise Unsupported("≈ states no order: write = ... + O(η^k) to check it up to that order")
    found = orders + ([up_to] if up_to else [])
    variables = {name for name, _ in found}
    if len(variables) > 1:
        raise Unsupported(f"O-terms in several variables ({', '.join(sorted(variables))})")
    small: list[str] = []

    def rebuild(item: object) -> object:
        if isinstance(item, tuple):
            return tuple(rebuild(value) for value in item)
        if not isinstance(item, ast.Node):
            return item
        if orders and _is_order(item):  # named as written; no parser makes such a name
            name, power = _order(item)
            written = f"O({name}^{power})" if power > 1 else f"O({name})"
            small.append(written + "'" * sum(s.startswith(written) for s in small))
            return ast.Name(small[-1], item.pos)
        fields = {key: rebuild(value) for key, value in item.__dict__.items()}
        if isinstance(item, ast.Relation) and item.op == APPROX:
            fields["op"] = "="
        return replace(item, **fields)

    if orders:
        links = tuple(replace(k, lhs=_dropped(k.lhs), rhs=_dropped(k.rhs)) for k in links)
    expanded = tuple(rebuild(link) for link in links)
    if any(link.op != "=" for link in expanded):  # type: ignore[attr-defined]
        raise Unsupported("O-terms and ≈ are read in equations only")
    lowest = min(found, key=lambda o: o[1])
    return Expansion(expanded, tuple(small), lowest)  # type: ignore[arg-type]


def small_context(context: Context, small: tuple[str, ...]) -> Context:
    """The context with each O-term's name declared: an unknown real number."""
    return context.extend({name: Scalar() for name in small}) if small else context


def _is_order(node: object) -> bool:
    return isinstance(node, ast.Call) and node.func == ORDER and node.derivative == 0


def _dropped(side: ast.Node) -> ast.Node:
    """A side without its summands O(η^k): they add O(η^k) whatever their shape (a vector
    O-term beside vectors). Only a side's own summands: (1 + O(η))/η is not 1/η + O(η)."""
    if not isinstance(side, ast.Add):
        return ast.Num(Fraction(0), side.pos) if _is_order(_unsigned(side)) else side
    kept = tuple(term for term in side.terms if not _is_order(_unsigned(term)))
    if len(kept) == len(side.terms):
        return side
    if len(kept) <= 1:
        return kept[0] if kept else ast.Num(Fraction(0), side.pos)
    return ast.Add(kept, side.pos)


def _unsigned(node: ast.Node) -> ast.Node:
    return node.operand if isinstance(node, ast.Neg) else node


def _order(call: ast.Call) -> tuple[str, int]:
    """O(η) is order 1 in η, O(η^k) order k (a positive integer)."""
    match call.args:
        case (ast.Name(name=name),):
            return name, 1
        case (ast.Pow(base=ast.Name(name=name), exponent=ast.Num(value=power)),) if (
            _positive_integer(power)
        ):
            return name, int(power)
    raise Unsupported("an O-term is read as O(η) or O(η^k), for a variable η → 0")


def _positive_integer(value: Fraction) -> bool:
    return value.denominator == 1 and value > 0
