"""Indices that may coincide: `g_s` and `g_t` of a random sequence are one variable when
s = t, so `E[g_s g_t] = E[g_s] E[g_t]` holds only where `s != t` is assumed.

Moment algebra treats elements with different indices as independent. Before it runs,
each pair of elements whose indices could be equal (and are not assumed different) splits
the statement into two cases: the indices equal (one name put for the other), and
different (the pair assumed distinct). The statement holds when every case holds.
"""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

from derive.claim import Statement
from derive.model import ast
from derive.model.types import Random, Sequence
from derive.strategies.instances import relations

MAX_CASES = 8  # beyond this many coinciding pairs the split is not attempted


@dataclasses.dataclass(frozen=True)
class Case:
    """One case of the split: `label` says which (`s = t`), `statement` is that case."""

    label: str
    statement: Statement
    assignment: tuple[tuple[str, str], ...] = ()  # (s, "t"): what the case sets


def cases(statement: Statement) -> list[Case] | None:
    """The cases to decide instead of the statement, or None where no indices coincide."""
    links = relations(statement)
    pairs = _coinciding(links, statement)
    if not pairs or len(pairs) > MAX_CASES:
        return None
    context = statement.context
    distinct = dataclasses.replace(
        context, distinct=context.distinct | {frozenset((a, b)) for a, b, _ in pairs}
    )
    found = [Case("indices different", dataclasses.replace(statement, context=distinct))]
    for a, b, offset in pairs:  # a = b + offset
        value: ast.Node = ast.Name(b)
        if offset:
            value = ast.Add((ast.Name(b), ast.Num(Fraction(offset))))
        sequences = frozenset(
            n for n in context.decls if isinstance(context.lookup(n), Random | Sequence)
        ) | frozenset(d.name for d in context.definitions if d.params)
        equal = [substitute(link, a, value, sequences) for link in links]
        label = f"{a} = {b}" + (f" {'+' if offset > 0 else '-'} {abs(offset)}" if offset else "")
        case = dataclasses.replace(statement, links=tuple(equal))
        found.append(Case(label, case, ((a, label.split(" = ", 1)[1]),)))
    return found


def _coinciding(links: list[ast.Relation], statement: Statement) -> list[tuple[str, str, int]]:
    """(a, b, k): elements indexed `a + i` and `b + j` of one random sequence, which
    coincide where a = b + j - i = b + k, with a and b not assumed different."""
    context = statement.context
    sequences = {
        name
        for name, decl in context.decls.items()
        if isinstance(decl, Random) and isinstance(decl.shape, Sequence)
    }
    indices: dict[str, set[tuple[str, int]]] = {}
    for node in ast.walk(tuple(links)):
        if isinstance(node, ast.Subscript) and node.base in sequences:
            index = _linear_index(node.index)
            if index is not None:
                indices.setdefault(node.base, set()).add(index)
    found: list[tuple[str, str, int]] = []
    for index_set in indices.values():
        for (a, i), (b, j) in itertools.combinations(sorted(index_set), 2):
            if a != b and not context.assumed_distinct(a, b) and (a, b, j - i) not in found:
                found.append((a, b, j - i))
    return found


def _linear_index(node: ast.Node) -> tuple[str, int] | None:
    """`t` → (t, 0), `t-1` → (t, -1); other indices (numbers, products) → None."""
    match node:
        case ast.Name(name=name):
            return name, 0
        case ast.Add(terms=(ast.Name(name=name), ast.Num(value=v))) if v.denominator == 1:
            return name, int(v)
        case ast.Add(terms=(ast.Name(name=name), ast.Neg(operand=ast.Num(value=v)))) if (
            v.denominator == 1
        ):
            return name, -int(v)
    return None


def substitute(node: object, name: str, value: ast.Node, sequences: frozenset[str]) -> object:
    """The tree with every free `name` (not a summation index) replaced by `value`; in
    subscripts only of `sequences` (`v_s` of anything else is a name of its own)."""
    if isinstance(node, ast.Name) and node.name == name:
        return value
    if isinstance(node, ast.Subscript) and node.base not in sequences:
        return node
    if isinstance(node, ast.Sum) and node.var == name:  # bound here: only the range is free
        lower, upper = (substitute(n, name, value, sequences) for n in (node.lower, node.upper))
        return dataclasses.replace(node, lower=lower, upper=upper)
    if isinstance(node, ast.Node):
        changes = {
            f.name: substitute(getattr(node, f.name), name, value, sequences)
            for f in dataclasses.fields(node)
            if isinstance(getattr(node, f.name), ast.Node | tuple)
        }
        return dataclasses.replace(node, **changes)
    if isinstance(node, tuple):
        return tuple(substitute(item, name, value, sequences) for item in node)
    return node
