"""Steps read in an open world: a derivation whose names nobody declared.

A document's letters mean what its author said they mean, often only in words. derive
reads an undeclared name as a real number, which is right for a refutation (a number is a
1×1 matrix) but says too much in three cases, each of which makes a step "not checked"
rather than decided on a guess:

- a counterexample to a link where a name nothing defines appears on one side only: the
  step substitutes what the name stands for (`g'h - h'g` = `e^{a_i} Σ - ...`), so its
  values are not free (a proof, which holds whatever the name stands for, stands);
- `x^T` where T is not declared: a transpose, or the power T;
- a proof that needs undeclared factors to commute, where the step's own notation says
  they may be vectors or matrices (bold letters, transposes, capital letters): `A B = B A`
  holds for numbers only.

The derivative of an undeclared name is refused while lowering (`Context.open_world`).
"""

from __future__ import annotations

import re

from derive.errors import DeriveError
from derive.model import ast
from derive.model.dependence import assumed_fixed, intermediates, loss_arguments, sizes
from derive.model.indices import elaborate
from derive.model.types import Context
from derive.vocabulary import ARITY, CONSTANTS

__all__ = [
    "at_a_kink",
    "discounted",
    "holding",
    "shape_dependent",
    "substituted",
    "unreadable",
]

_CAPITAL = re.compile(r"[A-Z](?:_|$)")
_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|mathbb\s*\{\s*[a-z])|\\top\b|\\intercal\b")


def unreadable(link: ast.Relation, context: Context) -> str | None:
    """Why a link cannot be decided as written in an open world, or None."""
    for node in ast.walk(link):  # E[x^2] of an undeclared x: x is random, not a number
        if isinstance(node, ast.Expectation | ast.Variance):
            names = _undeclared(ast.Relation("=", node.expr, node.expr), context)
            if names:
                return (
                    f"{', '.join(sorted(names))} inside E or Var but not declared random: "
                    "declare the law (--let 'x: random' or 'x ~ Normal(0, 1)')"
                )
    if not context.summation and (letters := _contracted(link, context)):
        repeated = ", ".join(sorted(letters))
        return (
            f"a product repeats the index {repeated}: summed under Einstein's convention, "
            "any value of it otherwise, and the document does not say which"
        )
    power = _ambiguous_power(link, context)
    if power is not None:
        return f"{power}^T: a transpose or the power T? write ^\\top for a transpose, or declare T"
    return None


def _contracted(link: ast.Relation, context: Context) -> frozenset[str]:
    try:
        return elaborate(link, context).contracted
    except DeriveError:
        return frozenset()  # the statement's own reading reports the problem


def at_a_kink(link: ast.Relation) -> str | None:
    """Why a counterexample to a derivative of max, |·| or a case split may sit where the
    derivative does not exist (d/dz max(0, z) at z = 0), or None."""
    for node in ast.walk(link):
        if isinstance(node, ast.Derivative | ast.Gradient) and any(
            isinstance(inner, ast.Abs | ast.Cases)
            or (isinstance(inner, ast.Call) and inner.func in ("max", "min", "relu"))
            for inner in ast.walk(node.expr)
        ):
            return (
                "the derivative of a function with a kink: a counterexample may sit where "
                "it does not exist"
            )
    return None


def substituted(link: ast.Relation, context: Context) -> str | None:
    """Why a counterexample to `link` may say nothing about the document: names on one
    side only that nothing defines stand for something (a proof holds whatever they
    stand for; a counterexample gives them values the document may not allow)."""
    unknown = _one_sided(link, context)
    if unknown:
        return (
            f"{', '.join(unknown)} appear(s) on one side only and the document does not "
            "define it: the step may substitute something derive was not told"
        )
    return None


def discounted(link: ast.Relation, context: Context) -> str | None:
    """Why a counterexample to a derivative that held the document's inputs fixed, or
    that read an undefined loss as any function (derivation.losses), may say nothing
    about the document (an input may depend on the variable in words; the loss is one
    particular function)."""
    if not context.open_world:
        return None
    if losses := _modelled(link, context):
        return (
            f"fails only for some functions {', '.join(losses)}, which the document does not define"
        )
    if fixed := assumed_fixed(link, context):
        return (
            f"fails only with {', '.join(fixed)} held fixed, and the document does not say "
            "whether they depend on the variable"
        )
    if through := intermediates(link, context):
        return (
            f"fails as a total derivative through {', '.join(through)}; the document may "
            f"mean the partial holding {', '.join(through)} fixed, and does not say which"
        )
    return None


def holding(link: ast.Relation, context: Context) -> str:
    """What a proof assumed in reading the document (`, holding y fixed`, `, for every
    function L of p`), or ""."""
    if not context.open_world:
        return ""
    said = ""
    if fixed := assumed_fixed(link, context):
        said += f", holding {', '.join(fixed)} fixed (inputs of the document's definitions)"
    for name in _modelled(link, context):
        definition = context.definition(name)
        arguments = ", ".join(loss_arguments(definition) or ())  # type: ignore[arg-type]
        said += f", for every function {name} of {arguments} ({name} is not defined)"
    return said


def _modelled(link: ast.Relation, context: Context) -> list[str]:
    """The undefined losses of the link that derive read as any function."""
    return sorted(
        name
        for name in ast.names(link)
        if (definition := context.definition(name)) is not None
        and loss_arguments(definition) is not None
    )


def shape_dependent(link: ast.Relation, text: str, context: Context) -> str | None:
    """Why a proof of `link` with its undeclared names as numbers may not hold as the
    document means them, or None. The definitions the link uses count as written in it
    (∂z/∂x = W with z := x W + b is about the product x W). A name said to be what its
    definition says (`o_t = g(V s_t)` again) holds whatever the names are."""
    if isinstance(link.lhs, ast.Name | ast.Subscript) and link.op == "=":
        definition = context.definition(_key(link.lhs))
        if definition is not None and not definition.params and definition.body == link.rhs:
            return None
    variables = {  # ∂h/∂z_1: what z_1 is made of is not in the claim
        name
        for item in ast.walk(link)
        if isinstance(item, ast.Derivative | ast.Gradient)
        for name in _free_names(item.var, set(), set(), context)
    }
    names = _expanded(_free_names(link, set(), set(), context) - variables, context, variables)
    bodies = [
        ast.Relation("=", d.body, d.body)  # type: ignore[arg-type]
        for name in sorted(names)
        if (d := context.definition(name)) is not None and not d.params
    ]
    for tree in (link, *bodies):
        if reason := _numbers_only(tree, text, context, variables):
            return reason
    return None


def _numbers_only(
    link: ast.Relation, text: str, context: Context, variables: set[str]
) -> str | None:
    """`shape_dependent` for one tree; a derivative's variable counts as undeclared (h of
    ∂(h W)/∂h is a vector wherever the document defines it)."""
    loose = (variables & ast.names(link)) - _index_letters(link)  # not the i of ∂/∂A_i
    undeclared = _undeclared(link, context) | {v for v in loose if context.lookup(v) is None}
    capitals = {name for name in undeclared if _CAPITAL.match(name)}  # W, X_i; not Σ
    for node in ast.walk(link):  # Aᵀ, det A, tr A, ‖x‖_1, A^{-1}: what numbers lack
        if _matrix_operation(node) and ast.names(node) & undeclared:
            names = ", ".join(sorted(ast.names(node) & undeclared))
            return (
                f"holds where {names} are numbers, but the notation says they may be "
                "vectors or matrices: declare them (--let 'A: matrix(n, n)')"
            )
    if not (capitals or _BOLD.search(text) or _has(link, ast.Transpose)):
        return None
    for node in ast.walk(link):
        if isinstance(node, ast.Mul):
            involved = [f for f in node.factors if ast.names(f) & undeclared]
            if len(involved) >= 2:
                names = ", ".join(
                    sorted(set().union(*(ast.names(f) for f in involved)) & undeclared)
                )
                return (
                    f"holds where {names} are numbers, but the notation says they may be "
                    "vectors or matrices: declare them (--let 'W: matrix(m, n)')"
                )
    return None


def _matrix_operation(node: ast.Node) -> bool:
    match node:
        case ast.Transpose():
            return True
        case ast.Norm(kind=kind):
            return kind not in (None, "2")
        case ast.Call(func=func):
            return func in ("det", "tr", "diag", "inv")
        case ast.Pow(exponent=ast.Neg() | ast.Num()) if isinstance(node.base, ast.Name):
            return node.base.name[:1].isupper() and _negative(node.exponent)
    return False


def _negative(node: ast.Node) -> bool:
    return isinstance(node, ast.Neg) or (isinstance(node, ast.Num) and node.value < 0)


def _undeclared(link: ast.Relation, context: Context) -> set[str]:
    """Names of the link nothing declares or defines, not builtins, constants or indices
    its sums bind; a component `y_i` of an undeclared y counts as y."""
    bound = {item.var for item in ast.walk(link) if isinstance(item, ast.Sum)}
    names = ast.names(link) - bound - CONSTANTS - set(ARITY)
    return {
        name for name in names if context.lookup(name) is None and context.definition(name) is None
    } - _index_letters(link)


def _index_letters(link: ast.Relation) -> set[str]:
    """Letters used only inside subscripts (the i of y_i): indices, not quantities."""
    inside: set[str] = set()
    for item in ast.walk(link):
        if isinstance(item, ast.Subscript):
            inside |= ast.names(item.index)
    outside = ast.names(ast.rebuilt(link, _drop_indices))
    return inside - outside


def _drop_indices(node: ast.Node, rebuild: object) -> ast.Node | None:
    if isinstance(node, ast.Subscript):
        return ast.Name(node.base, node.pos)
    return None


def _has(link: ast.Relation, kind: type) -> bool:
    return any(isinstance(item, kind) for item in ast.walk(link))


def _ambiguous_power(link: ast.Relation, context: Context) -> str | None:
    """The base of an `x^T` whose T nothing declares, as text."""
    for item in ast.walk(link):
        if (
            isinstance(item, ast.Pow)
            and isinstance(item.exponent, ast.Name)
            and item.exponent.name == "T"
            and context.lookup("T") is None
            and context.definition("T") is None
        ):
            base = item.base
            return base.name if isinstance(base, ast.Name) else "x"
    return None


def _one_sided(link: ast.Relation, context: Context) -> list[str]:
    """Names on one side of a link only that nothing declares or defines (definitions
    expanded first; a derivative's variable does not count)."""
    bound = {item.var for item in ast.walk(link) if isinstance(item, ast.Sum)}
    families = {  # Σ_i y_i: y_1 and y_n are elements of y, not names of their own
        item.base
        for item in ast.walk(link)
        if isinstance(item, ast.Subscript) and ast.names(item.index) & bound
    }
    variables = {  # d/dx: x is what the side is differentiated by, not a quantity in it
        name
        for item in ast.walk(link)
        if isinstance(item, ast.Derivative | ast.Gradient)
        for name in ast.names(item.var)
    }
    indices = _index_letters(link)
    sides, differentiated = [], []
    for side in (link.lhs, link.rhs):
        sides.append(
            _expanded(_free_names(side, bound, families, context), context) - variables - indices
        )
        differentiated.append(  # b of ∂(x w + b)/∂x: differentiating removed it
            {
                name
                for item in ast.walk(side)
                if isinstance(item, ast.Derivative | ast.Gradient)
                for term in _constant_terms(item, context)
                for name in _expanded(_free_names(term, bound, families, context), context)
            }
        )
    unknown = (
        ((sides[0] - sides[1] - differentiated[0]) | (sides[1] - sides[0] - differentiated[1]))
        - CONSTANTS
        - set(ARITY)
        - sizes(context)  # Σ_{j=1}^n where a vector has n entries: n is no quantity
    )
    return sorted(  # a vector read from its components is declared, but not defined
        name
        for name in unknown
        if (context.lookup(name) is None or name in context.dependent)
        and context.definition(name) is None
    )


def _constant_terms(derivative: ast.Derivative | ast.Gradient, context: Context) -> list[ast.Node]:
    """The terms of the sums inside a differentiated expression (a defined name read as
    its body) that do not mention the variable: differentiating removes them, and their
    names with them (x_i of ∂/∂μ (x_i - μ)/s)."""
    expr = derivative.expr
    definition = (
        context.definition(_key(expr)) if isinstance(expr, ast.Name | ast.Subscript) else None
    )
    if definition is not None and not definition.params:
        expr = definition.body  # type: ignore[assignment]
    variables = ast.names(derivative.var)
    return [
        term
        for total in ast.walk(expr)
        if isinstance(total, ast.Add)
        for term in total.terms
        if not ast.names(term) & variables
    ]


def _key(node: ast.Name | ast.Subscript) -> str:
    return node.name if isinstance(node, ast.Name) else f"{node.base}_{node.label}"


def _kronecker(node: ast.Node, context: Context) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and node.base == "delta"
        and len(node.label) == 2
        and node.label.isalpha()
        and context.lookup("delta") is None
    )


def _expanded(names: set[str], context: Context, keep: set[str] | None = None) -> set[str]:
    """The names, with those the defined names stand for (`s := 1/(1+e^{-x})` brings x);
    the names in `keep` are not expanded."""
    found, todo = set(names), list(names)
    while todo:
        definition = context.definition(todo.pop())
        if definition is not None:
            new = _free_names(definition.body, set(), set(), context) - found - (keep or set())
            found |= new
            todo.extend(new)
    return found


def _free_names(node: ast.Node, bound: set[str], families: set[str], context: Context) -> set[str]:
    """The names a side mentions, written as the context keys them (`s_{t-1}` as well as
    s; a component y_i of a declared vector y is y), without the indices sums bind."""
    found = ast.names(node) - bound
    squared = [  # σ^2 where a line defined σ^2: that quantity, not the letter σ
        item
        for item in ast.walk(node)
        if isinstance(item, ast.Pow)
        and isinstance(item.base, ast.Name)
        and isinstance(item.exponent, ast.Num)
        and item.exponent.value == 2
        and context.definition(f"{item.base.name}^2") is not None
    ]
    for item in squared:
        found.add(f"{item.base.name}^2")  # type: ignore[attr-defined]
    bare = [item for item in ast.walk(node) if isinstance(item, ast.Name)]
    for letter in {item.base.name for item in squared}:  # type: ignore[attr-defined]
        if all(any(n is power.base for power in squared) for n in bare if n.name == letter):
            found.discard(letter)
    for item in ast.walk(node):
        if _kronecker(item, context):  # δ_{jk} is a number of the indices, not a quantity
            found.discard("delta")
        elif isinstance(item, ast.Subscript) and item.base not in families:
            full = f"{item.base}_{item.label}"
            if context.definition(full) is not None:  # z_1 := x W_1 + b_1, a_j := ...
                found.add(full)
                found.discard(item.base)
            elif context.lookup(item.base) is None:
                found.add(full)
        if isinstance(item, ast.Name) and item.after_number:  # 2ab is 2·a·b
            found.discard(item.name)
            found |= set(item.name)
        if isinstance(item, ast.Call) and "_" in item.func:  # y_i (1 - p_i): a product
            base = item.func.split("_", 1)[0]
            if context.lookup(base) is not None:
                found.discard(item.func)
    return found
