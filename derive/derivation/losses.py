"""Losses a derivation differentiates and never defines.

Backpropagation write-ups name a loss (L, C, E, J) and write only its derivatives:
`∂L/∂x_i = Σ_j ∂L/∂p_j ∂p_j/∂x_i` with p := softmax(x). Each such line rests on the
premise of the chain rule it applies: L depends on the variables it is differentiated by
only through the last of them (p here, since x is what p is built from). derive reads L
as an arbitrary smooth function of those last variables, so a correct chain rule is
proved for every such function, and the report says what was assumed. A refutation is no
evidence under this reading (the document's L is one particular function it did not
state), so open_world does not report it.

L is read so only where nothing is in doubt: it is declared and defined nowhere, appears
only as the numerator of derivatives, and every last variable is a quantity the document
defines (an undefined one would be held fixed, which no reader means).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from derive.errors import DeriveError
from derive.grading.steps import definition_of
from derive.model import ast
from derive.model.dependence import ancestors, modelled_loss, stem
from derive.model.types import Context, Decl, Definition

__all__ = ["loss_models"]

_INDEX = re.compile(r"[a-z]{1,2}|\d+")  # the i of p_i, ij of x_{ij}, 1 of p_1: an entry
_TIME = {"t", "T", "s", "tau"}  # an element of a sequence, not an entry: not read


def loss_models(
    trees: Sequence[ast.Node], context: Context
) -> tuple[tuple[Definition, ...], dict[str, Decl]]:
    """The definitions `L := L·of(p, ...)` of the document's undefined losses, and the
    declarations of the functions they stand for."""
    defined = (*context.definitions, *_line_definitions(trees))
    everything = Context(definitions=defined)
    definitions, decls = [], {}
    for name, variables in _differentiated(trees).items():
        if name in context.decls or _defines(defined, name):
            continue
        last = sorted(
            v for v in variables if not any(v in ancestors(everything, u) for u in variables)
        )
        if not last or not all(_defines(defined, v) for v in last):
            continue
        definition, function, decl = modelled_loss(name, tuple(last))
        definitions.append(definition)
        decls[function] = decl
    return tuple(definitions), decls


def _differentiated(trees: Sequence[ast.Node]) -> dict[str, set[str]]:
    """Each name written only as the numerator of derivatives (`∂L/∂x`, `∇_w L`), with the
    variables it is differentiated by; a name used otherwise, or differentiated by
    something other than a name or an entry, is left out."""
    trees = [t for t in trees if isinstance(t, ast.Relation | ast.Chain)]  # `$f$` claims nothing
    variables: dict[str, set[str]] = {}
    numerators: dict[str, int] = {}
    refused: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Derivative | ast.Gradient):
                continue
            if not isinstance(node.expr, ast.Name):
                continue
            name = node.expr.name
            numerators[name] = numerators.get(name, 0) + 1
            variable = _variable(node.var)
            if variable is None:
                refused.add(name)
            else:
                variables.setdefault(name, set()).add(variable)
    uses: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                uses[node.name] = uses.get(node.name, 0) + 1
            elif isinstance(node, ast.Subscript | ast.Call):
                refused.add(node.base if isinstance(node, ast.Subscript) else node.func)
    return {
        name: found
        for name, found in variables.items()
        if name not in refused and uses.get(name) == numerators[name]
    }


def _variable(var: ast.Node) -> str | None:
    """The quantity a derivative's variable belongs to: p of the entry p_j, W_(2) of
    W^{(2)}; None for a time element (h_t) or anything that is not a name."""
    match var:
        case ast.Name(name=name):
            return name
        case ast.Subscript(base=base, label=label) if label in _TIME or "t" in label:
            return None
        case ast.Subscript(base=base, label=label) if _INDEX.fullmatch(label):
            return base  # p_j, x_{ij}: an entry
        case ast.Subscript(base=base, label=label):
            return f"{base}_{label}"
        case ast.Pow(base=ast.Name(name=name), exponent=ast.Num(value=2)):
            return f"{name}^2"  # ∂f/∂σ^2, as a line `σ^2 = ...` defines it
    return None


def _line_definitions(trees: Sequence[ast.Node]) -> list[Definition]:
    """What the lines define, read as a reader would for the order of the quantities
    (`y_i = γ x̂_i + β`: y is built from x̂): the first link of a line that names a
    quantity not on its right."""
    found = []
    for tree in trees:
        first = tree.links[0] if isinstance(tree, ast.Chain) else tree
        if not isinstance(first, ast.Relation) or first.op not in ("=", ":="):
            continue
        try:
            definition = definition_of(first)
        except DeriveError:
            continue
        if definition.name not in ast.names(first.rhs):
            found.append(definition)
    return found


def _defines(definitions: Sequence[Definition], name: str) -> bool:
    return any(d.name == name or stem(d.name) == name for d in definitions)
