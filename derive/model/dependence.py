"""What a document's definitions say about which names depend on which.

In an open world (a derivation nobody declared) every undeclared name may depend on a
derivative's variable, so `∂x̂_i/∂μ` is not known. The document's own definitions say
more, in two ways of different strength:

- **ancestry** (certain): a name that a variable's definition is built from, directly or
  through other definitions, does not depend on that variable (`μ = (1/N) Σ x_n`: x does
  not depend on μ, or the definitions would go round in a circle);
- **inputs** (assumed): a name the definitions use and nothing defines (`y` of
  `L = -Σ y_k log a_k`, h of `v = h W + b`) is an input of the computation they describe.
  A partial derivative holds the other inputs fixed, which is what a reader of such a
  derivation takes `∂` to mean; a name nothing mentions in a definition has no such reading.

A step decided by holding an input fixed says so; a refutation that needs it is no
evidence (the input may depend on the variable in words derive did not read).

A loss the document differentiates and never defines (L of `∂L/∂x_i = Σ_j ∂L/∂p_j
∂p_j/∂x_i`) may be read as an arbitrary function of the last variables it is
differentiated by, the premise of the chain rule the document writes: `modelled_loss`
makes that reading a definition, `loss_arguments` recognises it. Its arguments are no
inputs: they are the document's defined quantities, not names held fixed.
"""

from __future__ import annotations

from derive.model import ast
from derive.model.types import Context, Definition, Function

__all__ = [
    "ancestors",
    "assumed_fixed",
    "independent",
    "inputs",
    "intermediates",
    "loss_arguments",
    "modelled_loss",
    "sizes",
    "stem",
]

# the function a modelled loss L stands for is `L·of`: no parser makes such a name
_MODEL = "·of"


def modelled_loss(name: str, arguments: tuple[str, ...]) -> tuple[Definition, str, Function]:
    """`L := L·of(p)`: L read as an arbitrary smooth function of `arguments`; the
    definition, and the function's name with its declaration."""
    function = f"{name}{_MODEL}"
    body = ast.Call(function, tuple(ast.Name(a) for a in arguments))
    return Definition(name, body), function, Function()


def loss_arguments(definition: Definition) -> tuple[str, ...] | None:
    """The arguments of a loss `modelled_loss` made, or None for any other definition."""
    body = definition.body
    if isinstance(body, ast.Call) and body.func == f"{definition.name}{_MODEL}":
        return tuple(a.name for a in body.args)  # type: ignore[attr-defined]
    return None


def stem(name: str) -> str:
    """The letter a name is written with: `x_hat_i` → `x_hat`, `sigma^2` → `sigma`,
    `x_i` → `x`; a name without an index is its own stem."""
    if name.endswith("^2"):
        name = name[:-2]
    base, _, label = name.rpartition("_")
    if base and label != "hat" and len(label) <= 2:
        return base
    return name


def _definition_bodies(context: Context, name: str) -> list[object]:
    """The bodies of the definitions of `name` or of its stem (`x_hat_i := ...` defines
    the entries of x_hat)."""
    keys = {name, stem(name)}
    return [d.body for d in context.definitions if d.name in keys or stem(d.name) in keys]


def ancestors(context: Context, name: str) -> frozenset[str]:
    """Every name the definition of `name` is built from, through other definitions."""
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        for body in _definition_bodies(context, current):
            for mentioned in _mentioned(body):
                if mentioned not in found:
                    found.add(mentioned)
                    pending.append(mentioned)
    return frozenset(found | {stem(n) for n in found})


def inputs(context: Context) -> frozenset[str]:
    """The names the definitions use that nothing defines and the context does not
    declare independently (an undeclared letter, or a vector read from its components)."""
    defined = {d.name for d in context.definitions} | {stem(d.name) for d in context.definitions}
    used: set[str] = set()
    for definition in context.definitions:
        if loss_arguments(definition) is not None:  # a reading of derive's, no computation
            continue
        used |= _mentioned(definition.body) - set(definition.params)
        used -= {  # a function (σ, f of h_t = f(x_t, h_{t-1})) is no quantity
            item.func for item in ast.walk(definition.body) if isinstance(item, ast.Call)
        }
    return frozenset(
        n
        for n in used | {stem(n) for n in used}
        if n not in defined | sizes(context)
        and all(context.lookup(k) is None or k in context.dependent for k in (n, stem(n)))
    )


def sizes(context: Context) -> set[str]:
    """The size symbols of the declarations (n of a vector of size n)."""
    return {
        str(getattr(decl, key))
        for decl in context.decls.values()
        for key in ("size", "rows", "cols")
        if hasattr(decl, key)
    }


def independent(context: Context, name: str, variables: frozenset[str]) -> str | None:
    """How `name` is known not to depend on any of `variables`: "ancestor" (their
    definitions are built from it), "input" (held fixed, see the module), or None."""
    candidates = {name, stem(name)}
    if all(candidates & ancestors(context, v) for v in variables):
        return "ancestor"
    if candidates & inputs(context):
        return "input"
    return None


def assumed_fixed(link: ast.Node, context: Context) -> list[str]:
    """The inputs a derivative in `link` holds fixed by assumption, not by ancestry
    (for the report, and to discount a refutation)."""
    fixed: set[str] = set()
    for node, variables, stems in _derivatives(link):
        for mentioned in _expanded(_mentioned(node.expr), context, variables) - variables:
            if stem(mentioned) in stems:  # z_j beside the variable z_i: an entry of it
                continue
            if independent(context, mentioned, variables) == "input":
                fixed.add(stem(mentioned))
    return sorted(fixed)


def intermediates(link: ast.Node, context: Context) -> list[str]:
    """Defined quantities a derivative in `link` differentiates through that move with
    its variable (μ of ∂x̂_i/∂x_i, with x̂_i := (x_i - μ)/s and μ := mean of x). There `∂`
    may be the total derivative or the local partial of a computational graph (μ held
    fixed), and the document does not say which. Only where the differentiated quantity
    also depends on the variable directly: ∂(pᵀp)/∂x_1 holding p fixed is no reading."""
    found: set[str] = set()
    for node, variables, stems in _derivatives(link):
        written = _mentioned(node.expr)
        top = {node.expr.name} if isinstance(node.expr, ast.Name) else set()
        if isinstance(node.expr, ast.Subscript):
            top = {f"{node.expr.base}_{node.expr.label}", node.expr.base}
        direct = written.union(
            *(_mentioned(b) for t in top for b in _definition_bodies(context, t))
        )
        if not (variables | stems) & (direct | {stem(n) for n in direct}):
            continue
        for name in _expanded(written, context, variables) - variables - top:
            if stem(name) in stems or not _definition_bodies(context, name):
                continue
            if (variables | stems) & ancestors(context, name):
                found.add(name)
    return sorted(found)


def _derivatives(
    link: ast.Node,
) -> list[tuple[ast.Derivative | ast.Gradient, frozenset[str], set[str]]]:
    """Each derivative in the link, with the names of its variable and their stems."""
    found = []
    for node in ast.walk(link):
        if isinstance(node, ast.Derivative | ast.Gradient):
            variables = frozenset(_mentioned(node.var))
            found.append((node, variables, {stem(v) for v in variables}))
    return found


def _expanded(names: set[str], context: Context, variables: frozenset[str]) -> set[str]:
    """The names, with those their definitions are built from (not the variables')."""
    found, pending = set(names), [n for n in names if n not in variables]
    while pending:
        for body in _definition_bodies(context, pending.pop()):
            new = _mentioned(body) - found
            found |= new
            pending.extend(n for n in new if n not in variables)
    return found


def _mentioned(node: object) -> set[str]:
    """Names a tree mentions, with `x_i` both as written and by its letter; a letter
    that only indexes (the i of x_i) is no quantity."""
    found, indices = set(), set()
    for item in ast.walk(node):
        if isinstance(item, ast.Subscript):
            found |= {item.base, f"{item.base}_{item.label}"}
            indices |= ast.names(item.index)
        elif isinstance(item, ast.Name):
            found.add(item.name)
        elif isinstance(item, ast.Call):
            found.add(item.func)
    quantities = {
        item.name
        for item in ast.walk(node)
        if isinstance(item, ast.Name) and not _inside_index(node, item)
    }
    return found - (indices - quantities)


def _inside_index(root: object, name: ast.Name) -> bool:
    return any(
        isinstance(item, ast.Subscript) and any(inner is name for inner in ast.walk(item.index))
        for item in ast.walk(root)
    )
