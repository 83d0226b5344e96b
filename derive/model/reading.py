"""Reading: what each name of a statement means, decided once for every use of it.

`x(a + b)` is a product unless x is a function; `σ` is the sigmoid where the statement
applies it and a number where it does not; `u_i` is a component of the vector u inside
Σ_i, `w_{hat}` a name of its own; `2ab` is 2·a·b unless `ab` is declared; `W^T` is a
transpose unless T is a number. Lowering asks these questions here, against the context,
the summation indices in scope and the names the statement applies as functions.
"""

from __future__ import annotations

from fractions import Fraction

from derive.errors import Unsupported
from derive.model import ast
from derive.model.types import Context, Definition, Function, Matrix, Scalar, Vector
from derive.vocabulary import BY_NAME, CONSTANTS, DEFAULT_ACTIVATIONS, GREEK_COMMANDS

# Names that mean a function when applied and nobody declared them (`f(x)`, `L(w)`).
CONVENTIONAL_FUNCTIONS = {"f", "g", "h", "l", "L", "F", "G", "J", "phi", "psi", "ell"}


class Reading:
    """The reading questions, for a lowering that has `context`, `bound` (summation
    indices in scope), `sizes` and `applied` (names the statement calls)."""

    context: Context
    bound: dict
    sizes: dict[str, int]
    applied: frozenset[str]

    def _known(self, name: str) -> bool:
        """Whether the context gives `name` a meaning of its own."""
        return (
            name in self.bound
            or name in self.sizes
            or self.context.lookup(name) is not None
            or self.context.definition(name) is not None
        )

    def call_kind(self, name: str) -> str:
        """What `name(...)` means here, decided once for every use: "definition", "moment"
        (E(x), Var(x)), "builtin", "function" (undefined), "unknown" (a misspelt
        builtin) or "product" (x(a + b) is x·(a + b))."""
        decl = self.context.lookup(name)
        definition = self.context.definition(name)
        if definition is not None and definition.params:
            return "definition"
        if decl is None and definition is None and name in ("E", "Var"):
            return "moment"
        if self._builtin_name(name) is not None and not isinstance(decl, Scalar | Vector | Matrix):
            return "builtin"
        if isinstance(decl, Function) or (
            decl is None and definition is None and name in CONVENTIONAL_FUNCTIONS
        ):  # g = σ(s) defines a value: g(1 - g) is a product
            return "function"
        if (
            decl is None
            and definition is None
            and len(name) > 1
            and "_" not in name
            and name not in _GREEK
            and name not in CONSTANTS
        ):
            return "unknown"
        return "product"

    def _builtin_name(self, name: str) -> str | None:
        decl = self.context.lookup(name)
        if isinstance(decl, Function) and decl.builtin:
            return decl.builtin
        if decl is None and self.context.definition(name) is None and name in DEFAULT_ACTIVATIONS:
            return DEFAULT_ACTIVATIONS[name]
        return name if name in BY_NAME else None

    def _indexes(self, node: ast.Subscript) -> bool:
        """Whether a subscript on a vector or matrix picks a component: a literal index
        (`u_1`, `X_{12}`), summation indices in scope (`u_i` in Σ_i), or sizes of the
        instance (`u_n` of a u of size n); `w_{hat}` or a free `u_i` is a name of its own."""
        if isinstance(node.index, ast.Num):
            return True
        used = ast.names(node.index)
        if isinstance(node.index, ast.Name) and len(node.index.name) == 2:
            used |= set(node.index.name)  # X_{ij}
        letters = {name for name in used if len(name) == 1}
        summed = letters & set(self.bound)
        if summed and letters - summed:  # A_{ik} inside Σ_i, k summed nowhere
            free = ", ".join(sorted(letters - summed))
            raise Unsupported(
                f"{node.base}_{{{node.label}}} is an entry whose index {free} is not summed: "
                f"write the sum over {free} (repeated indices are not summed implicitly)"
            )
        sizes = set(getattr(self, "sizes", {}))  # u_n, u_{n-1} of a u of size n: a number here
        return bool(summed) or (bool(letters) and letters <= sizes | summed)

    def _applied_power(self, factor: ast.Node) -> tuple[str, ast.Node | None] | None:
        """(f, k) for a factor `f^k` (or `f`, k None) whose f this statement applies as a
        function elsewhere: one name has one reading in a statement."""
        match factor:
            case ast.Pow(base=ast.Name(name=name), exponent=exponent):
                pass
            case ast.Name(name=name):
                exponent = None
            case _:
                return None
        if name in self.applied and self.call_kind(name) in ("builtin", "function"):
            return name, exponent
        return None

    def _recurrence(self, base: str) -> Definition | None:
        definition = self.context.definition(base)
        return definition if definition is not None and definition.params else None


def name_node(name: str, pos: int) -> ast.Node:
    """A called name as the node it would be on its own (`h_1` is a subscript, `e` the
    constant), split as the plain parser splits a subscripted name."""
    if name in CONSTANTS:
        return ast.Const(name, pos)
    base, _, rest = name.partition("_")
    if rest.isdigit():
        return ast.Subscript(base, ast.Num(Fraction(int(rest)), pos), rest, pos)
    if rest[:1].isalpha():
        return ast.Subscript(base, name_node(rest, pos), rest, pos)
    return ast.Name(name, pos)


def means_transpose(exponent: ast.Node, context: Context) -> bool:
    """`M^T` is a transpose unless T is declared as a number (then a matrix power)."""
    if isinstance(exponent, ast.Name) and exponent.name in ("T", "top", "intercal"):
        return not isinstance(context.lookup(exponent.name), Scalar)
    return False


_GREEK = set(GREEK_COMMANDS)
