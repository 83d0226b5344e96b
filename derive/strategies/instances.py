"""A statement read and lowered at one size assignment: the input of every strategy.

`Instances` builds each size assignment once (and its numeric problem once) for all the
strategies that decide one statement; `with_series` turns `a = b + O(η^k)` into the
vanishing of Taylor coefficients.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from derive.budget import Budget, BudgetExceeded, deadline, reraise_expired
from derive.claim import Statement
from derive.errors import (
    LimitError,
    TypeCheckError,
    UndefinedEverywhere,
    Unsupported,
)
from derive.limits import LIMITS
from derive.model import ast
from derive.model.asymptotics import expand
from derive.model.indices import elaborate, summed_families
from derive.model.lower import Condition, Identity, Lowered, Lowering, Value
from derive.model.smooth import smooth_at_zero
from derive.model.types import Context, Random, Scalar, Sequence
from derive.parsing import parse_statement
from derive.strategies.numeric import Pair, Problem, pairs_of


@dataclass
class Instance:
    sizes: dict[str, int]
    pairs: list[Pair]
    found: Lowered
    sides: list[tuple[str, Value, Value]] = field(default_factory=list)
    given: list[Pair] = field(default_factory=list)  # hypotheses a counterexample must keep


def relations(statement: Statement) -> list[ast.Relation]:
    """The statement's relations, with their index notation made explicit (a repeated
    index summed, a bare Σ_i given its range)."""
    return [elaborate(link, statement.context).relation for link in parsed(statement)]


def with_orders(statement: Statement) -> Statement:
    """The statement with its O-terms read (`+ O(η^2)` dropped, the statement decided up
    to that order; `≈` an equation): decided once, before any strategy."""
    links = tuple(parsed(statement))
    expansion = expand(links, statement.context, statement.up_to)
    if expansion.links is links and expansion.up_to == statement.up_to:
        return statement  # no O-term and no ≈: most statements, parsed once here
    if expansion.up_to and not statement.up_to:
        _check_limit_variable(statement, expansion.up_to[0])
    return replace(statement, links=expansion.links, also=(), up_to=expansion.up_to)


def _check_limit_variable(statement: Statement, name: str) -> None:
    """η → 0 is read for one free variable: not a size or an index (O(n) would be n → ∞),
    and not one a hypothesis ties to the others, directly or through a definition."""
    if name in structural_integers(statement) or any(
        name in dict(sizes) for sizes in (*statement.sizes, *statement.numeric_sizes)
    ):
        raise Unsupported(f"O({name}) takes {name} → 0, and {name} is a size or an index")
    roots = [(given, frozenset()) for given in hypotheses(statement)]
    used = _used_definitions(statement.context, roots)
    if name in ast.names((*hypotheses(statement), *(d.body for d in used))):
        raise Unsupported(f"hypotheses about {name} are not read with O-terms ({name} → 0)")


def parsed(statement: Statement) -> list[ast.Relation]:
    """The statement's relations as written."""
    links = list(statement.links)
    if not links:
        for text in (statement.text, *statement.also):
            links.extend(links_of(parse_statement(text, latex=statement.latex)))
    return links


def links_of(node: ast.Node) -> list[ast.Relation]:
    match node:
        case ast.Relation(op=":="):
            raise TypeCheckError("a definition (:=) is not a statement to check")
        case ast.Relation(op="<-"):
            raise TypeCheckError("an update (←) is not a statement to check: compare it with a key")
        case ast.Relation():
            return [node]
        case ast.Chain(links=links):
            return list(links)
    raise TypeCheckError("not a statement: write a relation such as a = b or a <= b")


HYPOTHESIS_OPS = ("=", "<=", "<", ">=", ">", "!=")


def hypotheses(statement: Statement) -> list[ast.Relation]:
    """What the question grants: equations rewrite the statement (g_{t-1} = σ(h_{t-1})),
    and every hypothesis, equation or inequality, must hold at a counterexample."""
    found = []
    for text in statement.given:
        for link in relations(Statement(text, statement.context)):
            if link.op not in HYPOTHESIS_OPS:
                raise TypeCheckError(f"a hypothesis must be an equation or inequality: {text}")
            found.append(link)
    return found


def build(
    statement: Statement,
    sizes: dict[str, int],
    *,
    unfold_to: dict[str, sp.Expr] | None = None,
    links: list[ast.Relation] | None = None,
) -> Instance:
    """Lower every link of the statement; hypotheses rewrite both sides."""
    links = links if links is not None else relations(statement)
    givens = hypotheses(statement)
    lowering = Lowering(statement.context, sizes)
    lowering.applied = frozenset(
        node.func for node in ast.walk((*links, *givens)) if isinstance(node, ast.Call)
    )
    lowering.families = summed_families((*links, *givens), statement.context)
    lowering.unfold_floor = (
        unfold_to if unfold_to is not None else _unfold_floor(lowering, [*links, *givens])
    )
    rules: dict[sp.Basic, sp.Basic] = {}
    lowered = [(given.op, *_sides(lowering, given)) for given in givens]
    for op, left, right in lowered:
        for pair in pairs_of("=", left, right) if op == "=" else ():
            if not pair.lhs.is_number:  # E[x] = 0 with x whitened is already 0: nothing to rewrite
                rules[pair.lhs] = pair.rhs
    # substituting g_{t-1} := σ(h_{t-1}) makes that equation hold everywhere; ‖W‖ = 1/2,
    # whose left side is no variable, still has to be kept by every point
    substituted = {k: v for k, v in rules.items() if isinstance(k, sp.Symbol | sp.Indexed)}
    conditions = [
        pair
        for op, left, right in lowered
        for pair in pairs_of(op, _rewrite(left, substituted), _rewrite(right, substituted))
        if not (pair.op == "=" and pair.lhs == pair.rhs)
    ]
    sides = []
    pairs: list[Pair] = []
    for link in links:
        for values in _index_values(link, statement.context, sizes):
            left, right, domains = _sides_with_domains(lowering.bind(values), link)
            if statement.where_defined:  # a point where one side is not real says nothing
                domains = (domains[0] + domains[1],) * 2
            if rules:
                left, right = _rewrite(left, rules), _rewrite(right, rules)
            sides.append((link.op, left, right))
            pairs.extend(pairs_of(link.op, left, right, domains))
    return Instance(sizes, pairs, lowering.found, sides, conditions)


def _index_values(
    link: ast.Relation, context: Context, sizes: dict[str, int]
) -> list[dict[str, Value]]:
    """Every value of the link's free indices at these sizes (`X_{ij} = ...` holds for
    each i, j); [{}] when it has none."""
    free = elaborate(link, context).free  # the link is elaborated: this only finds its free letters
    extents = [range(1, (e if isinstance(e, int) else sizes[e]) + 1) for e in free.values()]
    count = math.prod(len(r) for r in extents)
    if count > LIMITS.max_sum_terms:
        raise LimitError("", link.pos, f"{count} values of the free indices are too many to check")
    return [
        {letter: sp.Integer(v) for letter, v in zip(free, values, strict=True)}
        for values in itertools.product(*extents)
    ]


def _sides(lowering: Lowering, link: ast.Relation) -> tuple[Value, Value]:
    """Both sides of a relation: `I` alone takes the shape of the other side (the number
    1 next to a number); a side that divides by zero everywhere is an error in the
    statement, not something to sample."""
    left, right, _ = _sides_with_domains(lowering, link)
    return left, right


def _sides_with_domains(
    lowering: Lowering, link: ast.Relation
) -> tuple[Value, Value, tuple[tuple[Condition, ...], tuple[Condition, ...]]]:
    """Both sides and, for each, the conditions under which it is a real number."""
    start = len(lowering.conditions)
    left = lowering.lower(link.lhs)
    middle = len(lowering.conditions)
    right = lowering.lower(link.rhs)
    domains = (tuple(lowering.conditions[start:middle]), tuple(lowering.conditions[middle:]))
    if isinstance(left, Identity):
        left = _identity_like(left, right)
    if isinstance(right, Identity):
        right = _identity_like(right, left)
    return _defined(left), _defined(right), domains


def _identity_like(identity: Identity, other: Value) -> Value:
    if isinstance(other, sp.MatrixBase) and other.shape[0] == other.shape[1]:
        return identity.matrix(other.shape[0])
    return identity.scale


def _defined(value: Value) -> Value:
    if isinstance(value, Identity):
        return value.scale
    if value.has(sp.zoo, sp.nan):
        raise UndefinedEverywhere(
            "the statement divides by zero (or is otherwise undefined) everywhere"
        )
    return value


def _rewrite(value: Value, rules: dict[sp.Basic, sp.Basic]) -> Value:
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.xreplace(rules))
    return value.xreplace(rules)


def _unfold_floor(lowering: Lowering, links: list[ast.Relation]) -> dict[str, sp.Expr]:
    """For each sequence defined by a recurrence, the lowest index the statement
    mentions: elements above it are unfolded down to it (so `g_t` meets `g_{t-1}`)."""
    floors: dict[str, sp.Expr] = {}
    for link in links:
        for node in ast.walk(link):
            if not isinstance(node, ast.Subscript):
                continue
            definition = lowering.context.definition(node.base)
            if definition is None or not definition.params:
                continue
            index = lowering.lower(node.index)
            current = floors.get(node.base)
            if current is None or (current - index).is_positive:
                floors[node.base] = index
    lowest = None
    for index in floors.values():
        if lowest is None or (lowest - index).is_positive:
            lowest = index
    if lowest is not None:  # sequences reached only through unfolding go down as far
        for definition in lowering.context.definitions:
            if definition.params:
                floors.setdefault(definition.name, lowest)
    return floors


def _used_definitions(context: Context, roots: list[tuple[object, frozenset[str]]]) -> list:
    """The definitions the roots use, directly or through other definitions: one that
    nothing uses (the network f(w) := h_n of a question) fixes no integer."""
    names = ast.names(tuple(root for root, _ in roots))
    used: list = []
    pending = [d for d in context.definitions if d.name in names]
    while pending:
        definition = pending.pop()
        if definition in used:
            continue
        used.append(definition)
        inner = ast.names(definition.body)
        pending += [d for d in context.definitions if d.name in inner and d not in used]
    return used


def structural_integers(statement: Statement) -> list[str]:
    """Integer names used as indices or summation bounds: numeric checks fix them to
    small values and rebuild, so recurrences unfold and sums expand."""
    context: Context = statement.context
    names: set[str] = set()
    nodes: list[tuple[object, frozenset[str]]] = [
        (n, frozenset()) for n in (*relations(statement), *hypotheses(statement))
    ]
    nodes += [(d.body, frozenset(d.params)) for d in _used_definitions(context, nodes)]

    def walk(n: object, inside: str, bound: frozenset[str] = frozenset()) -> None:
        """`inside` is "" (anywhere), "index" (of a sequence) or "range" (of a sum)."""
        if isinstance(n, ast.Name) and inside and n.name not in bound:
            decl = context.lookup(n.name)
            undeclared = decl is None and context.definition(n.name) is None
            if (undeclared and inside == "range") or (
                isinstance(decl, Scalar) and decl.domain.integer
            ):
                names.add(n.name)  # an undeclared summation bound counts from 0
        if isinstance(n, ast.Subscript):
            base_decl = context.lookup(n.base)
            is_sequence = (
                isinstance(base_decl, Sequence | Random) or context.definition(n.base) is not None
            )
            walk(n.index, inside or ("index" if is_sequence else ""), bound)
            return
        if isinstance(n, ast.Sum):
            walk(n.lower, "range", bound)
            walk(n.upper, "range", bound)
            walk(n.body, inside, bound | {n.var})
            return
        if isinstance(n, ast.Node):
            for value in n.__dict__.values():
                walk(value, inside, bound)
        elif isinstance(n, tuple):
            for item in n:
                walk(item, inside, bound)

    for node, params in nodes:
        walk(node, "", params)
    return sorted(names)


class Instances:
    """Lowered instances by size assignment, built once."""

    def __init__(self, statement: Statement, *, conditions: bool = True) -> None:
        self.statement = statement
        # False: hypotheses only rewrite, and points need not keep them (a first pass:
        # what holds at every point holds where the hypotheses do)
        self.conditions = conditions
        self._built: dict[tuple[tuple[str, int], ...], Instance] = {}
        self._problems: dict[tuple[tuple[str, int], ...], Problem] = {}
        self._slow: set[tuple[tuple[str, int], ...]] = set()
        self.skipped: list[str] = []  # sizes too slow to build, said in the verdict

    @property
    def built(self) -> dict[tuple[tuple[str, int], ...], Instance]:
        return self._built

    def problem(
        self, sizes: dict[str, int], rng: np.random.Generator, budget: Budget
    ) -> Problem | None:
        """The numeric problem at these sizes, compiled once for screening and trials;
        None when building it would take more than a quarter of what is left (symbolic
        instances grow fast with the size: inverting a 7×7 symbolic matrix)."""
        key = tuple(sorted(sizes.items()))
        if key in self._slow:
            return None
        if key not in self._problems:
            try:
                with deadline(budget.share(0.25)):
                    instance = self.get(sizes)
                    found = instance.found
                    self._problems[key] = Problem(
                        instance.pairs,
                        found.scalars,
                        found.randoms,
                        rng,
                        instance.given if self.conditions else (),
                    )
            except UndefinedEverywhere:
                if not sizes:
                    raise
                self._slow.add(key)  # Σ/n at n = 0: outside the statement's domain
                return None
            except (RecursionError, LimitError):  # unrolled 100 deep, too many index values:
                # said, like a slow size
                if not sizes:
                    raise
                self._slow.add(key)
                self.skipped.append(describe_sizes(sizes))
                return None
            except BudgetExceeded:
                reraise_expired()
                if budget.remaining < 0.1:
                    raise  # the whole budget is spent, not just this size's share
                self._slow.add(key)
                self.skipped.append(describe_sizes(sizes))
                return None
        return self._problems[key]

    def get(self, sizes: dict[str, int]) -> Instance:
        key = tuple(sorted(sizes.items()))
        if key not in self._built:
            self._built[key] = with_series(build(self.statement, sizes), self.statement)
        return self._built[key]


def with_series(instance: Instance, statement: Statement) -> Instance:
    """`a = b + O(eta^k)`: the Taylor coefficients of a - b below order k vanish.

    Sound only where a - b is smooth at eta = 0, so that its remainder is O(eta^k): every
    root, logarithm, non-integer power or denominator with eta in it must have an argument
    that is provably positive (or, for a denominator, nonzero) at eta = 0 (sqrt(x + eta) is
    not smooth where x = 0, x/(x + eta) is 0 there), kinks (|eta|) and functions other than
    the smooth ones are refused, and the k-th derivative must be finite. A point where a
    side divides by zero for every eta (1/(1 - ‖w‖) at ‖w‖ = 1) is outside the statement."""
    if statement.up_to is None:
        return instance
    name, order = statement.up_to
    eta = next((s for s in instance.found.scalars if s.name == name), sp.Dummy(name))
    pairs = []
    guards: set[sp.Expr] = set()
    try:
        for pair in instance.pairs:
            difference = pair.lhs - pair.rhs
            refusal = (
                f"up to O({name}^k) needs sides that are smooth at {name} = 0; {{atom}} may not be"
            )
            guards.update(smooth_at_zero(difference, eta, refusal))
            domains = [
                tuple(Condition(c.argument.subs(eta, 0)) for c in side)
                for side in (pair.lhs_domain, pair.rhs_domain)
            ]
            derivative = difference
            for k in range(order + 1):
                coefficient = derivative.subs(eta, 0) / math.factorial(k)
                if coefficient.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                    raise Unsupported(f"the Taylor coefficient of {name}^{k} is not finite")
                if k < order:  # the k-th is only the remainder's: finite is enough
                    pairs.append(
                        Pair(
                            "=", coefficient, sp.S.Zero, pair.label, *domains, coefficient=(name, k)
                        )
                    )
                derivative = sp.diff(derivative, eta)
    except Unsupported:
        raise
    except (TypeError, ValueError, NotImplementedError, AttributeError) as exc:
        raise Unsupported(f"cannot expand the sides in {name}: {exc}") from exc
    instance.pairs = pairs
    instance.given = [*instance.given, *(Pair("!=", g, sp.S.Zero) for g in sorted(guards, key=str))]
    return instance


def checked_sizes(grid: list[dict[str, int]], instances: Instances) -> tuple[str, ...]:
    described = (describe_sizes(s) for s in grid if s)
    return tuple(d for d in described if d not in instances.skipped)


def describe_sizes(sizes: dict[str, int] | tuple) -> str:
    items = sizes.items() if isinstance(sizes, dict) else sizes
    return ", ".join(f"{k} = {v}" for k, v in items)
