"""Indices that may coincide: `g_s` and `g_t` of a random sequence are one variable when
s = t, so `E[g_s g_t] = E[g_s] E[g_t]` holds only where `s != t` is assumed.

Moment algebra treats elements with different indices as independent only where the
indices cannot be equal (it refuses otherwise). Before it runs, each pair of elements
whose indices could be equal (`s` and `t + 1`, `t` and 3) and are not assumed different
splits the statement into cases: the indices equal (a value put for the name), and
different (the pair assumed distinct); each case may split again. The statement holds
when every case holds. Indices the split cannot settle (`2t`, or the `i` of a sum beside
`t`) are left to numeric checks at explicit values (`undetermined`).
"""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

import sympy as sp

from derive.claim import Statement
from derive.model import ast
from derive.model.types import Context, Random, Scalar, Sequence
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
    pairs = _coinciding(_elements(links, statement.context), statement.context)
    if not pairs or len(pairs) > MAX_CASES:
        return None
    context = statement.context
    different = {frozenset((_text(a), _text(b))) for a, b in pairs}
    distinct = dataclasses.replace(context, distinct=context.distinct | different)
    found = [Case("indices different", dataclasses.replace(statement, context=distinct))]
    sequences = frozenset(
        n for n in context.decls if isinstance(context.lookup(n), Random | Sequence)
    ) | frozenset(d.name for d in context.definitions if d.params)
    for a, b in pairs:
        name, value = _solved(a, b)
        if not _admits(context, name, value):
            continue  # t = 0 where t is positive: no such case
        equal = [substitute(link, name, _node(value), sequences) for link in links]
        label = f"{name} = {_text(value)}"
        case = dataclasses.replace(statement, links=tuple(equal))
        found.append(Case(label, case, ((name, _text(value)),)))
    return found


Index = tuple[str | None, int]  # `t - 1` is ("t", -1); the literal 3 is (None, 3)


def undetermined(statement: Statement) -> set[str]:
    """Names in indices that the case split cannot settle (g_{2t} beside g_t, g_t beside
    the g_i of a sum over i): numeric checks give them values, so that elements that
    coincide are one variable there."""
    elements = _elements(relations(statement), statement.context)
    by_sequence: dict[str, list[tuple[ast.Node, frozenset[str]]]] = {}
    for base, index, bound in elements:
        by_sequence.setdefault(base, []).append((index, bound))
    found: set[str] = set()
    for members in by_sequence.values():
        forms = {_linear_index(index) for index, bound in members if not _mentions(index, bound)}
        unsettled = None in forms or any(_mentions(index, bound) for index, bound in members)
        if unsettled and len(members) > 1:
            for index, bound in members:
                found |= {n.name for n in ast.walk(index) if isinstance(n, ast.Name)} - bound
    return found


def _elements(
    links: list[ast.Relation], context: Context
) -> list[tuple[str, ast.Node, frozenset[str]]]:
    """(sequence, index, summation indices in scope) of every element of a random sequence."""
    sequences = {
        name
        for name, decl in context.decls.items()
        if isinstance(decl, Random) and isinstance(decl.shape, Sequence)
    }
    found: list[tuple[str, ast.Node, frozenset[str]]] = []

    def visit(node: object, bound: frozenset[str]) -> None:
        if isinstance(node, ast.Sum):
            visit(node.lower, bound)
            visit(node.upper, bound)
            visit(node.body, bound | {node.var})
            return
        if isinstance(node, ast.Subscript) and node.base in sequences:
            found.append((node.base, node.index, bound))
        children = node.__dict__.values() if isinstance(node, ast.Node) else node
        if isinstance(node, ast.Node | tuple):
            for child in children:
                visit(child, bound)

    visit(tuple(links), frozenset())
    return found


def _coinciding(
    elements: list[tuple[str, ast.Node, frozenset[str]]], context: Context
) -> list[tuple[Index, Index]]:
    """Pairs of indices of one sequence that are equal for some value of a free name
    (`s` and `t + 1`, `t - 1` and 3), outside every sum over them, not assumed different."""
    indices: dict[str, set[Index]] = {}
    for base, index, bound in elements:
        form = _linear_index(index)
        if form is not None and not _mentions(index, bound):
            indices.setdefault(base, set()).add(form)
    found: list[tuple[Index, Index]] = []
    for index_set in indices.values():
        ordered = sorted(index_set, key=lambda f: (f[0] is None, f[0] or "", f[1]))
        for a, b in itertools.combinations(ordered, 2):
            assumed = frozenset((_text(a), _text(b))) in context.distinct
            if a[0] is not None and a[0] != b[0] and not assumed and (a, b) not in found:
                found.append((a, b))  # the literal, if any, is b
    return found


def _solved(a: Index, b: Index) -> tuple[str, Index]:
    """a = b solved for a's name: `s = t + 1`, `t = 3`."""
    name, offset = a
    assert name is not None
    return name, (b[0], b[1] - offset)


def _admits(context: Context, name: str, value: Index) -> bool:
    decl = context.lookup(name)
    if value[0] is not None or not isinstance(decl, Scalar):
        return True
    return decl.domain.contains(Fraction(value[1]))


def _text(index: Index) -> str:
    """The index as lowering prints it (sympy's `t + 1`), the key of `Context.distinct`."""
    name, offset = index
    return str(sp.Symbol(name) + offset if name is not None else sp.Integer(offset))


def _node(index: Index) -> ast.Node:
    name, offset = index
    if name is None:
        return ast.Num(Fraction(offset))
    if not offset:
        return ast.Name(name)
    return ast.Add((ast.Name(name), ast.Num(Fraction(offset))))


def _mentions(index: ast.Node, names: frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.name in names for n in ast.walk(index))


def _linear_index(node: ast.Node) -> Index | None:
    """`t` → (t, 0), `t-1` → (t, -1), `3` → (None, 3); other indices (products) → None."""
    match node:
        case ast.Num(value=v) if v.denominator == 1:
            return None, int(v)
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
