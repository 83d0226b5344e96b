"""Lowering: the typed expression model, read against a context, at explicit sizes.

A claim about vectors of size n is proved by building it at n = 1, 2, 3 with a symbol per
component and checked numerically at larger n. This module does the building: it turns
an AST node into a sympy scalar or `ImmutableMatrix`, resolving on the way what the
context says the notation means (`W^T` a transpose unless T is a number, `v_t` an
element of a sequence or the name `v_t`, `x(a+b)` a product unless x is a function).

It also records what a strategy needs to know about the result: which symbols are free
and over which domain they range (for sampling), which are random and with which law
(for expectations), and which undefined functions occur (for numeric instantiation).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

import sympy as sp

from derive.errors import ClaimError, LimitError, TypeCheckError, Unsupported
from derive.limits import LIMITS
from derive.model import ast
from derive.model.builtins import ELEMENTWISE, MATRIX
from derive.model.dependence import independent
from derive.model.expectation import RandomAtom, expectation, variance
from derive.model.functions import (
    OperatorNorm,
    undefined,
)
from derive.model.limits import limit_at_zero
from derive.model.reading import Reading, means_transpose, name_node
from derive.model.types import (
    REAL,
    Context,
    Definition,
    Domain,
    Function,
    Law,
    Matrix,
    Random,
    Scalar,
    Sequence,
    Vector,
    shape_of,
)
from derive.vocabulary import (
    KNOWN_CALLS,
    REAL_ARGUMENT,
)

Value = sp.Expr | sp.ImmutableMatrix


@dataclass(frozen=True)
class Identity:
    """`scale·I` before its size is known from what it is added to or multiplied with."""

    scale: sp.Expr = sp.S.One

    def times(self, factor: sp.Expr) -> Identity:
        return Identity(self.scale * factor)

    def matrix(self, size: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(self.scale * sp.eye(size))


IDENTITY = Identity()


@dataclass(frozen=True)
class Condition:
    """`argument >= 0`: where a square root or a logarithm is real (log 0 and 1/0 are
    not "not real" but undefined: such a point says nothing). `limit`: where a limit
    exists, written -c² >= 0 for the coefficient c that must vanish (`model.limits`)."""

    argument: sp.Expr
    limit: bool = False


@dataclass
class Lowered:
    """What lowering found out, shared by every node lowered in one instance."""

    scalars: dict[sp.Symbol, Domain] = field(default_factory=dict)
    randoms: dict[sp.Basic, RandomAtom] = field(default_factory=dict)
    functions: dict[str, int] = field(default_factory=dict)  # undefined name -> arity
    # a limit that exists only where some coefficient vanishes: refutable, never proved
    open_limits: bool = False


_CONDITIONS = {
    "=": sp.Eq,
    "!=": sp.Ne,
    "<": sp.Lt,
    "<=": sp.Le,
    ">": sp.Gt,
    ">=": sp.Ge,
}


class Lowering(Reading):
    """Lowers nodes of one statement at one size assignment (`sizes`, e.g. {"n": 3})."""

    def __init__(
        self,
        context: Context,
        sizes: dict[str, int] | None = None,
        *,
        held: frozenset[str] = frozenset(),
        unfold_floor: dict[str, sp.Expr] | None = None,
    ) -> None:
        self.context = context
        self.sizes = dict(sizes or {})
        self.held = held  # names whose definitions are not expanded (a derivative's variable)
        self.unfold_floor = dict(unfold_floor or {})  # sequence -> lowest index to unfold to
        self.applied: frozenset[str] = frozenset()  # names the statement applies: σ(z)
        self.families: frozenset[str] = frozenset()  # undeclared letters it sums over: Σ_i a_i
        self.found = Lowered()
        self.bound: dict[str, sp.Symbol] = {}  # summation indices in scope
        self.held_elements: frozenset[tuple[str, sp.Expr]] = frozenset()
        # the names a derivative's variable is written with (θ_k: θ_k, θ, k); in an open
        # world every other undeclared name may depend on it
        self.variables: frozenset[str] = frozenset()
        self._cache: dict[tuple[str, frozenset[str]], Value] = {}
        self._cached_conditions: dict[tuple[str, frozenset[str]], tuple[Condition, ...]] = {}
        # where the statement as written is a real number, recorded before sympy simplifies
        # anything away (sqrt(x)^2 is x to sympy, but not real at x = -1)
        self.conditions: list[Condition] = []
        self._depth = 0

    # -- entry points -------------------------------------------------------------------

    def lower(self, node: ast.Node) -> Value:
        self._depth += 1
        if self._depth > LIMITS.max_depth * 4:
            raise LimitError("", 0, "definitions nest too deeply (a definition that uses itself?)")
        try:
            method = getattr(self, f"_{type(node).__name__.lower()}", None)
            if method is None:
                raise Unsupported(f"{type(node).__name__} cannot be lowered here")
            value = method(node)
        finally:
            self._depth -= 1
        return value

    def with_held(
        self, names: frozenset[str], elements: frozenset[tuple[str, sp.Expr]] = frozenset()
    ) -> Lowering:
        """The same instance (shared symbols and findings) with more names, or sequence
        elements such as h_1, held: not expanded by their definitions."""
        other = Lowering(
            self.context, self.sizes, held=self.held | names, unfold_floor=self.unfold_floor
        )
        other.held_elements = self.held_elements | elements
        other.variables = self.variables
        other.found = self.found
        other.applied = self.applied
        other.families = self.families
        other.conditions = self.conditions
        other.bound = dict(self.bound)
        return other

    # -- leaves -------------------------------------------------------------------------

    def _num(self, node: ast.Num) -> Value:
        return sp.Rational(node.value.numerator, node.value.denominator)

    def _const(self, node: ast.Const) -> Value:
        if self.context.lookup(node.name) or self.context.definition(node.name):
            return self._name(ast.Name(node.name, node.pos))
        return {"pi": sp.pi, "e": sp.E, "inf": sp.oo}.get(node.name, IDENTITY)  # type: ignore[return-value]

    def _name(self, node: ast.Name) -> Value:
        name = node.name
        if node.after_number and not self._known(name):  # 2ab is 2·a·b
            return self.lower(ast.Mul(tuple(ast.Name(c, node.pos) for c in name), node.pos))
        if name in self.bound:
            return self.bound[name]
        if name in self.sizes:
            return sp.Integer(self.sizes[name])
        if f"{name}^2" in self.held:  # σ beside ∂/∂σ^2: how σ moves with σ² is not read
            raise Unsupported(f"{name} appears apart from {name}^2, the derivative's variable")
        definition = self.context.definition(name)
        if definition is not None and not definition.params and name not in self.held:
            key = (name, self.held)
            if key not in self._cache:
                start = len(self.conditions)
                self._cache[key] = self.lower(definition.body)  # type: ignore[arg-type]
                self._cached_conditions[key] = tuple(self.conditions[start:])
            else:  # the definition's domain comes with its value, each time it is used
                self.conditions.extend(self._cached_conditions.get(key, ()))
            return self._cache[key]
        if definition is not None and not definition.params and name in self.held:
            return self._fresh_like(name, definition)
        decl = self.context.lookup(name)
        if decl is None and definition is None and self.context.strict:
            raise TypeCheckError(f"'{name}' is not declared (strict mode)")
        if definition is None and (entries := self._defined_entries(name, decl)) is not None:
            return entries  # p of p_j := ...: the vector of its entries
        if definition is None and self._open(name):
            if name in self.families:  # Σ_i y_i beside a bare y: y is a vector of unknown size
                raise Unsupported(f"{name} is used with and without an index: declare it")
            raise self._unknown_dependence(name)
        return self._declared(name, decl)

    def _open(self, name: str) -> bool:
        """Whether `name` is undeclared inside a derivative in an open world, where it may
        depend on the variable (the variable itself and its indices excepted)."""
        return (
            self.context.open_world
            and bool(self.held)
            and (self.context.lookup(name) is None or name in self.context.dependent)
            and name not in self.variables
            and independent(self.context, name, self.held) is None
        )

    def _an_input(self, expr: ast.Node, variables: frozenset[str]) -> bool:
        """Whether a derivative differentiates an input of the document's definitions
        itself, which holding the inputs fixed would make 0 by fiat."""
        if not (self.context.open_world and isinstance(expr, ast.Name | ast.Subscript)):
            return False
        name = _variable_name(expr)
        return name not in variables and independent(self.context, name, variables) == "input"

    def _unknown_dependence(self, name: str) -> Unsupported:
        return Unsupported(
            f"{name} is not defined here: whether it depends on {', '.join(sorted(self.held))} "
            "is not known (define it, or declare it with --let)"
        )

    def _fresh_like(self, name: str, definition: Definition) -> Value:
        """A held defined name (the variable of ∇_w with w := γu/‖u‖) becomes free
        symbols of its definition's shape."""
        key = (name, frozenset({"<fresh>"}))
        if key not in self._cache:
            shape = self.with_held(frozenset()).lower(definition.body)  # type: ignore[arg-type]
            if isinstance(shape, sp.MatrixBase):
                rows, cols = shape.shape
                self._cache[key] = sp.ImmutableMatrix(
                    rows,
                    cols,
                    lambda i, j: self.scalar_symbol(
                        f"{name}[{i + 1}]" if cols == 1 else f"{name}[{i + 1},{j + 1}]"
                    ),
                )
            else:
                self._cache[key] = self.scalar_symbol(name)
        return self._cache[key]

    def _declared(self, name: str, decl: object) -> Value:
        match decl:
            case None | Scalar():
                return self.scalar_symbol(name, decl.domain if decl else REAL)
            case Vector(size=size, domain=domain):
                n = self._size(size)
                return sp.ImmutableMatrix(
                    [self.scalar_symbol(f"{name}[{i}]", domain) for i in range(1, n + 1)]
                )
            case Matrix(rows=rows, cols=cols, domain=domain):
                r, c = self._size(rows), self._size(cols)
                return sp.ImmutableMatrix(
                    r,
                    c,
                    lambda i, j: self.scalar_symbol(f"{name}[{i + 1},{j + 1}]", domain),
                )
            case Function(params=params) if params:
                return self._call(ast.Call(name, tuple(ast.Name(p) for p in params)))
            case Random(shape=shape, law=law):
                return self._random(name, shape, law, group=name)
            case Sequence():
                raise TypeCheckError(f"'{name}' is a sequence: write an element such as {name}_t")
            case Function():
                raise TypeCheckError(f"'{name}' is a function: apply it, as in {name}(x)")
        raise TypeCheckError(f"cannot use '{name}' here")

    def scalar_symbol(self, name: str, domain: Domain = REAL) -> sp.Symbol:
        assumptions: dict[str, bool] = {"real": True}
        if domain.integer:
            assumptions["integer"] = True
        if domain.lower is not None and (
            domain.lower > 0 or (domain.lower == 0 and domain.lower_open)
        ):
            assumptions["positive"] = True
        elif domain.lower is not None and domain.lower >= 0:
            assumptions["nonnegative"] = True
        if domain.upper is not None and (
            domain.upper < 0 or (domain.upper == 0 and domain.upper_open)
        ):
            assumptions["negative"] = True
        elif domain.upper is not None and domain.upper <= 0:
            assumptions["nonpositive"] = True
        if 0 in domain.excluded:
            assumptions["nonzero"] = True
        symbol = sp.Symbol(name, **assumptions)
        self.found.scalars.setdefault(symbol, domain)
        return symbol

    def require(self, argument: sp.Expr) -> sp.Expr:
        """Record that the statement is real only where `argument >= 0`; conditions the
        symbols' assumptions already grant are dropped."""
        if argument.is_nonnegative is not True and not argument.has(sp.I):
            self.conditions.append(Condition(argument))
        return argument

    def _size(self, size: int | str) -> int:
        if isinstance(size, int):
            return size
        if size not in self.sizes:
            raise ClaimError(f"no size given for '{size}'")
        return self.sizes[size]

    def _random(self, name: str, shape: object, law: Law, group: str) -> Value:
        def atom(label: str, position: int, atom_group: str) -> sp.Symbol:
            symbol = sp.Symbol(label, real=True)
            self.found.randoms[symbol] = self._atom(name, law, atom_group, position)
            return symbol

        match shape:
            case Scalar() | Sequence():
                return atom(name, 0, group)
            case Vector(size=size):
                n = self._size(size)
                grouped = law.family == "whitened"
                return sp.ImmutableMatrix(
                    [
                        atom(f"{name}[{i}]", i, group if grouped else f"{group}[{i}]")
                        for i in range(1, n + 1)
                    ]
                )
            case Matrix(rows=rows, cols=cols):
                r, c = self._size(rows), self._size(cols)
                return sp.ImmutableMatrix(
                    r, c, lambda i, j: atom(f"{name}[{i + 1},{j + 1}]", 0, f"{group}[{i},{j}]")
                )
        raise TypeCheckError(f"unsupported random shape for '{name}'")

    def _atom(self, name: str, law: Law, group: str, position: int = 0) -> RandomAtom:
        params = tuple(
            self._name(ast.Name(p))
            if isinstance(p, str)
            else sp.Rational(p.numerator, p.denominator)
            for p in law.params
        )
        return RandomAtom(name, law.family, params, group, position)  # type: ignore[arg-type]

    # -- sequences and subscripted names ------------------------------------------------

    def _subscript(self, node: ast.Subscript) -> Value:
        base = node.base
        decl = self.context.lookup(base)
        shape = shape_of(decl)
        if (delta := self._kronecker(node)) is not None:
            return delta
        if "," in node.label and (not isinstance(shape, Matrix) or node.label.count(",") != 1):
            raise Unsupported(  # X_{i,j}: an entry of a declared matrix, nothing else
                f"{base}_{{{node.label}}}: indices separated by commas name an entry of a "
                "declared matrix only"
            )
        is_sequence = isinstance(decl, Sequence) or (
            isinstance(decl, Random) and isinstance(decl.shape, Sequence)
        )
        recurrence = self._recurrence(base)
        defined = self.context.definition(base)
        if (
            defined is not None
            and not defined.params
            and (isinstance(shape, Vector | Matrix) or self.context.open_world or base in self.held)
            and self.context.definition(f"{base}_{node.label}") is None  # h_t := ... of its own
        ):  # ŷ_j where ŷ := softmax(o): the entry of what ŷ stands for (or of ŷ held free)
            return self._component(ast.Component(ast.Name(base, node.pos), node.index, node.pos))
        if (entry := self._defined_entry(node)) is not None:  # a_i where a_j := e^{z_j} / Σ
            return entry
        if base in self.context.dependent and defined is None and self._open(base):
            raise self._unknown_dependence(base)  # ŷ_i under ∂/∂θ_k, ŷ = softmax(θ) in words
        if isinstance(shape, Vector | Matrix) and not recurrence and self._indexes(node):
            return self._entry(node, shape)
        mentions_bound = any(name in self.bound for name in ast.names(node.index))
        family = base in self.families
        if family and self.context.lookup(f"{base}_{node.label}") is not None:
            raise Unsupported(
                f"{base}_{node.label} is declared on its own, and {base} is summed over as "
                f"a sequence: declare {base} as a sequence ({base}: sequence)"
            )
        if not (is_sequence or recurrence or mentions_bound or family):
            return self._name(ast.Name(f"{base}_{node.label}", node.pos))
        if self._open(base) and not recurrence and defined is None:
            raise self._unknown_dependence(base)  # Σ_t l(y_t, o_t) under ∂_w: o_t may depend on w
        free = {n for n in ast.names(node.index) if n not in self.bound and n not in self.sizes}
        if family and not is_sequence and not recurrence and free & set(_INDEX_LETTERS):
            raise Unsupported(  # x_i beside Σ_i x_i: i takes whole values nobody gave
                f"{base}_{node.label} is an element of what a sum runs over, at an index "
                f"with no range: declare {base} as a vector"
            )
        index = self.lower(node.index)
        if isinstance(index, sp.MatrixBase):
            raise TypeCheckError(f"the index of {base} must be a number")
        return self.element(base, index, decl)

    def _defined_entry(self, node: ast.Subscript) -> Value | None:
        """An entry of a letter a line defined entry by entry (`a_j = e^{z_j} / Σ_k e^{z_k}`
        read at a_i, or at a_2 when a sum binds the index), or None. A recurrence (the
        body mentions the letter) and a derivative's variable are not expanded."""
        base = node.base
        if base in self.held or f"{base}_{node.label}" in self.held:
            return None
        found = self._entrywise(base)
        if found is None:
            return None
        letter, body = found
        if node.label != letter and not ast.names(node.index) <= set(self.bound):
            return None  # a_k beside a_j := ...: k is free, no value to read at
        if node.label == letter and letter not in self.bound:
            return self.lower(body)
        return self.bind({letter: self.lower(node.index)}).lower(body)

    def _defined_entries(self, name: str, decl: object) -> Value | None:
        """The vector a letter defined entry by entry stands for, written bare (`p` of
        `p_j = e^{x_j} / Σ_k e^{x_k}`): each entry's value, or None."""
        found = self._entrywise(name)
        if found is None or name in self.held or not isinstance(decl, Vector):
            return None
        letter, body = found
        size = self._size(decl.size)
        return sp.ImmutableMatrix(
            [self.bind({letter: sp.Integer(k)}).lower(body) for k in range(1, size + 1)]
        )

    def _entrywise(self, base: str) -> tuple[str, ast.Node] | None:
        """The index letter and body of a definition of `base`'s entries (`a_j := ...`),
        where `base` itself has no definition and the body does not mention it; the letter
        is the body's index or an index letter (h_i := Σ_k e^{a_k} is every entry; b_o := 0
        names a number, the output's bias)."""
        if self.context.definition(base) is not None:
            return None
        for definition in self.context.definitions:
            letter = definition.name.removeprefix(f"{base}_")
            if (
                definition.name == f"{base}_{letter}"
                and len(letter) == 1
                and letter.isalpha()
                and letter.islower()
                and not definition.params
                and base not in ast.names(definition.body)  # type: ignore[arg-type]
                and (letter in "ijk" or letter in ast.names(definition.body))  # type: ignore[arg-type]
            ):
                return letter, definition.body  # type: ignore[return-value]
        return None

    def _component(self, node: ast.Component) -> Value:
        """The entry of a vector (or, for `ij`, a matrix) that an expression evaluates to,
        indexed from 1 at the instance's explicit size."""
        value = self.lower(node.expr)
        if not isinstance(value, sp.MatrixBase):  # size 1 (W x at n = 1) is a number
            if not self._holds_array(node.expr):
                raise Unsupported("an entry of an expression that is a number: declare the vector")
            value = sp.ImmutableMatrix([[value]])
        index = node.index
        if isinstance(index, ast.Name) and len(index.name) == 2:  # (A B)_{ij}
            indices: list[ast.Node] = [ast.Name(c, node.pos) for c in index.name]
            extents: tuple[int, ...] = value.shape
        elif 1 in value.shape:
            indices, extents = [index], (len(value),)
        else:
            raise TypeCheckError("an entry of a matrix needs two indices: (A B)_{ij}")
        return self._pick(value, indices, extents, "the entry of an expression")

    def _pick(
        self, value: sp.MatrixBase, indices: list[ast.Node], extents: tuple[int, ...], what: str
    ) -> Value:
        """The entry at `indices` (numbers from 1 once lowered) of a vector or matrix."""
        positions = []
        for index_node, extent in zip(indices, extents, strict=True):
            number = self.lower(index_node)
            if not (isinstance(number, sp.Expr) and number.is_Integer):
                raise Unsupported(f"{what} needs a numeric index (sum over it, or give it a value)")
            if not 1 <= int(number) <= extent:
                raise TypeCheckError(f"{what}: index {number} is outside 1..{extent}")
            positions.append(int(number) - 1)
        if len(positions) == 1:
            return list(value)[positions[0]]
        return value[positions[0], positions[1]]

    def _holds_array(self, node: ast.Node) -> bool:
        """Whether a name in the tree is declared as a vector or a matrix (so that a value of
        size 1 is a vector at size 1, not a number)."""
        for name in ast.names(node):
            decl = self.context.lookup(name)
            shape = shape_of(decl)
            if isinstance(shape, Vector | Matrix) or (
                isinstance(shape, Sequence) and isinstance(shape.element, Vector | Matrix)
            ):
                return True
        return False

    def _kronecker(self, node: ast.Subscript) -> Value | None:
        """`δ_{ij}` of two indices in scope (summed, or a free index being checked): 1 where
        they are equal, else 0; δ itself must be undeclared and undefined."""
        if node.base != "delta" or self.context.lookup("delta") is not None:
            return None
        label = node.label.replace(",", "")  # δ_{n,i} is δ_{ni}
        if self.context.definition("delta") is not None or not re.fullmatch(
            r"[A-Za-z0-9]{2}", label
        ):
            return None
        if label.isdigit() or not all(c in self.bound for c in label if c.isalpha()):
            raise Unsupported(
                f"δ_{{{label}}} is the Kronecker delta only of indices in scope (summed, or "
                "entries' indices): declare δ if it is a name"
            )
        first, second = (self.bound[c] if c.isalpha() else sp.Integer(int(c)) for c in label)
        return sp.KroneckerDelta(first, second)

    def _entry(self, node: ast.Subscript, shape: Vector | Matrix) -> Value:
        """`u_i`, `u_1` of a declared vector is its component; `X_{ij}`, `X_{12}` of a
        declared matrix its entry (indices from 1, at the instance's explicit size)."""
        value = self.lower(ast.Name(node.base, node.pos))
        if isinstance(shape, Vector):
            indices: list[ast.Node] = [node.index]
        elif isinstance(node.index, ast.Name) and len(node.index.name) == 2:
            indices = [ast.Name(c, node.pos) for c in node.index.name]  # X_{ij}
        elif isinstance(node.index, ast.Num) and len(node.label) == 2:
            indices = [ast.Num(Fraction(int(c)), node.pos) for c in node.label]  # X_{12}
        else:
            raise Unsupported(f"the entry {node.base}_{{{node.label}}}: write X_{{ij}} or X_{{12}}")
        extents = value.shape if len(indices) == 2 else (len(value),)
        return self._pick(value, indices, extents, f"the component {node.base}_{{{node.label}}}")

    def element(self, base: str, index: sp.Expr, decl: object = None) -> Value:
        """The element `base_index`, unfolded through its definition where due: always
        for an explicit definition (`v_t := (1-β) Σ ...`), down to the statement's lowest
        index for a recurrence (`v_t := β v_{t-1} + ...`)."""
        recurrence = self._recurrence(base)
        held = any(b == base and sp.simplify(index - i) == 0 for b, i in self.held_elements)
        if recurrence is not None and base not in self.held and not held:
            recursive = _mentions(recurrence.body, base)
            if not recursive or self._should_unfold(base, index):
                for condition_index, body in _recurrence_cases(recurrence.body):
                    if condition_index is None or sp.simplify(index - condition_index) == 0:
                        return self.bind({recurrence.params[0]: index}).lower(body)
        decl = decl if decl is not None else self.context.lookup(base)
        shape = shape_of(decl)
        element_shape = shape.element if isinstance(shape, Sequence) else Scalar()
        stem = sp.IndexedBase(base, real=True)
        if isinstance(element_shape, Vector):
            if isinstance(decl, Random):
                raise Unsupported("random sequences of vectors")
            n = self._size(element_shape.size)
            return sp.ImmutableMatrix([stem[index, i] for i in range(1, n + 1)])
        if isinstance(element_shape, Matrix):  # entries of their own: A_1 A_2 ≠ A_2 A_1
            if isinstance(decl, Random):
                raise Unsupported("random sequences of matrices")
            rows, cols = self._size(element_shape.rows), self._size(element_shape.cols)
            return sp.ImmutableMatrix(
                rows,
                cols,
                lambda i, j: stem[index, i + 1, j + 1],  # type: ignore[arg-type]
            )
        element = stem[index]
        if isinstance(decl, Random):
            self.found.randoms[element] = self._atom(base, decl.law, f"{base}[{index}]")
        elif recurrence is not None and self._depends_on_random(recurrence.body):
            # an element of a random sequence left folded: its law is not known here
            self.found.randoms[element] = RandomAtom(base, "derived", (), f"{base}[{index}]")
        return element

    def _folded_elements(self, value: Value) -> set[sp.Basic]:
        """Elements of recurrence-defined sequences left folded (h_n with n symbolic)."""
        found = set()
        for element in value.atoms(sp.Indexed):
            if self._recurrence(str(element.base.label)) is not None:
                found.add(element)
        return found

    def _arity(self, name: str, arity: int) -> None:
        known = self.found.functions.setdefault(name, arity)
        if known != arity:
            raise TypeCheckError(f"{name} is applied to {known} and to {arity} arguments")

    def _depends_on_random(self, body: object, seen: frozenset[str] = frozenset()) -> bool:
        for name in ast.names(body):
            if name in seen:
                continue
            decl = self.context.lookup(name)
            if isinstance(decl, Random):
                return True
            definition = self.context.definition(name)
            if definition is not None and self._depends_on_random(definition.body, seen | {name}):
                return True
        return False

    def _should_unfold(self, base: str, index: sp.Expr) -> bool:
        if index.is_Integer:  # down to the base cases; without any, z_0 stays free
            recurrence = self._recurrence(base)
            starts = (
                [int(i) for i, _ in _recurrence_cases(recurrence.body) if i is not None]
                if recurrence
                else []
            )
            return int(index) in starts or int(index) > (max(starts) if starts else 0)
        floor = self.unfold_floor.get(base)
        return floor is not None and (index - floor).is_positive is True

    # -- calls --------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> Value:
        name = node.func
        match self.call_kind(name):
            case "definition":
                return self._apply_definition(self.context.definition(name), node)  # type: ignore[arg-type]
            case "moment" if len(node.args) == 1:
                wrap = ast.Expectation if name == "E" else ast.Variance  # E(x) as people write it
                return self.lower(wrap(node.args[0], node.pos))
            case "builtin":
                return self._builtin(self._builtin_name(name), node)  # type: ignore[arg-type]
            case "function":
                return self._undefined(name, node)
            case "unknown":
                close = difflib.get_close_matches(name, sorted(KNOWN_CALLS), n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                raise TypeCheckError(
                    f"unknown function '{name}' ({hint}declare it with --let '{name}: function')"
                )
        # a name that is not a function, followed by brackets: a product, as in x(a + b)
        if node.derivative:
            raise TypeCheckError(f"'{name}' is not a function, so {name}' means nothing")
        factor = name_node(name, node.pos)  # h_1 (1 - h_1): the element h_1, times
        return self.lower(ast.Mul((factor, *node.args), node.pos))

    def _apply_definition(self, definition: Definition, node: ast.Call) -> Value:
        if len(node.args) != len(definition.params):
            raise TypeCheckError(f"{definition.name} takes {len(definition.params)} arguments")
        args = [self.lower(a) for a in node.args]
        body: ast.Node = definition.body  # type: ignore[assignment]
        if not node.derivative:
            return self.bind(dict(zip(definition.params, args, strict=True))).lower(body)
        if len(args) != 1:
            raise Unsupported("primes on functions of several variables")
        dummy = sp.Dummy("z", real=True)
        derivative = sp.diff(
            self.bind({definition.params[0]: dummy}).lower(body), dummy, node.derivative
        )
        return _map(args[0], lambda a: derivative.subs(dummy, a))

    def bind(self, values: dict[str, Value]) -> Lowering:
        """A child lowering where `values` name bound variables (function parameters,
        summation indices); it shares the symbols and findings of this one."""
        child = Lowering.__new__(Lowering)
        child.__dict__.update(self.__dict__)
        child.bound = {**self.bound, **values}
        child._cache = {}
        child._cached_conditions = {}
        return child

    def _builtin(self, name: str, node: ast.Call) -> Value:
        args = [self.lower(a) for a in node.args]
        if name in ("softmax", "logsumexp") and not self._holds_array(node):
            raise Unsupported(f"{name} of a number: declare its argument as a vector")
        if name in ELEMENTWISE:
            (arg,) = args
            fn = ELEMENTWISE[name]
            if name in REAL_ARGUMENT:
                _map(arg, self.require)
            if node.derivative:
                dummy = sp.Dummy("z", real=True)
                derivative = sp.diff(fn(dummy), dummy, node.derivative)
                return _map(arg, lambda a: derivative.subs(dummy, a))
            return _map(arg, fn)
        if node.derivative:
            raise Unsupported(f"primes on {name}")
        if name in ("max", "min"):
            if any(isinstance(a, sp.MatrixBase) for a in args):
                raise Unsupported("max/min of vectors")
            return sp.Max(*args) if name == "max" else sp.Min(*args)
        (arg,) = args
        return MATRIX[name](arg)

    def _undefined(self, name: str, node: ast.Call) -> Value:
        args = [self.lower(a) for a in node.args]
        decl = self.context.lookup(name)
        elementwise = isinstance(decl, Function) and decl.elementwise
        if elementwise or node.derivative:
            (arg,) = args
            fn = undefined(name, (1,) * node.derivative)
            self._arity(name, 1)
            return _map(arg, fn)
        flat: list[sp.Expr] = []
        for arg in args:
            flat.extend(arg if isinstance(arg, sp.MatrixBase) else [arg])
        self._arity(name, len(flat))
        return undefined(name)(*flat)

    # -- arithmetic ---------------------------------------------------------------------

    def _add(self, node: ast.Add) -> Value:
        return self._add_values([self.lower(t) for t in node.terms])

    def _add_values(self, terms: list[Value]) -> Value:
        shape = next((t.shape for t in terms if isinstance(t, sp.MatrixBase)), None)
        if shape == (1, 1) and any(not isinstance(t, sp.MatrixBase | Identity) for t in terms):
            terms = [_squeeze(t) if isinstance(t, sp.MatrixBase) else t for t in terms]
            shape = None  # at size 1, W h (a product) is a number: so is b
        if shape is not None:
            terms = [_as_matrix(t, shape) for t in terms]
            total = terms[0]
            for term in terms[1:]:
                if term.shape != total.shape:
                    raise TypeCheckError(f"cannot add a {_shape(total)} and a {_shape(term)}")
                total = total + term
            return total
        if all(isinstance(t, Identity) for t in terms):
            return Identity(sp.Add(*(t.scale for t in terms)))  # type: ignore[return-value]
        return sp.Add(*(t.scale if isinstance(t, Identity) else t for t in terms))

    def _neg(self, node: ast.Neg) -> Value:
        value = self.lower(node.operand)
        return value.times(-1) if isinstance(value, Identity) else -1 * value  # type: ignore[return-value]

    def _mul(self, node: ast.Mul) -> Value:
        result: Value | Identity = sp.S.One
        factors = list(node.factors)
        while factors:
            factor = factors.pop(0)
            applied = self._applied_power(factor)
            if applied is not None and factors:  # σ^2(z): σ(z)², where σ(...) is applied
                name, exponent = applied
                factor = ast.Call(name, (factors.pop(0),), pos=factor.pos)  # type: ignore[attr-defined]
                factor = ast.Pow(factor, exponent) if exponent is not None else factor
            result = _times(result, self.lower(factor))
        return result  # type: ignore[return-value]

    def _hadamard(self, node: ast.Hadamard) -> Value:
        left, right = self.lower(node.left), self.lower(node.right)
        if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
            if left.shape != right.shape:
                raise TypeCheckError(
                    f"⊙ needs equal shapes, not {_shape(left)} and {_shape(right)}"
                )
            return sp.ImmutableMatrix(left.multiply_elementwise(right))
        return _times(left, right)

    def _div(self, node: ast.Div) -> Value:
        numerator, denominator = self.lower(node.numerator), self.lower(node.denominator)
        if isinstance(denominator, sp.MatrixBase | Identity):
            raise TypeCheckError("cannot divide by a vector or matrix")
        if isinstance(numerator, Identity):
            return numerator.times(1 / denominator)  # type: ignore[return-value]
        if isinstance(numerator, sp.MatrixBase):
            return sp.ImmutableMatrix(numerator / denominator)
        return numerator / denominator

    def _pow(self, node: ast.Pow) -> Value:
        squared = _squared(node)
        if squared is not None and (
            self.context.definition(squared) is not None or squared in self.held
        ):  # σ^2 where a line defined σ^2 := ..., or ∂/∂σ^2: the quantity of its own
            return self._name(ast.Name(squared, node.pos))
        call = node.base
        if (
            isinstance(call, ast.Call)
            and len(call.args) == 1
            and not call.derivative
            and self.call_kind(call.func) == "product"
        ):  # x(a+b)^2 is x·(a+b)², as U(...)^{-1} V is U·(...)^{-1}·V
            factor = name_node(call.func, call.pos)
            return self.lower(ast.Mul((factor, ast.Pow(call.args[0], node.exponent)), node.pos))
        letters = node.base
        if isinstance(letters, ast.Name) and letters.after_number and not self._known(letters.name):
            *first, last = (ast.Name(c, letters.pos) for c in letters.name)  # 3ab^2 is 3·a·b²
            return self.lower(ast.Mul((*first, ast.Pow(last, node.exponent)), node.pos))
        base = self.lower(node.base)
        exponent_node = node.exponent
        if isinstance(base, sp.MatrixBase) and means_transpose(exponent_node, self.context):
            return sp.ImmutableMatrix(base.T)
        exponent = self.lower(exponent_node)
        if isinstance(exponent, sp.MatrixBase):
            raise TypeCheckError("an exponent must be a scalar")
        if isinstance(base, Identity):
            return Identity(base.scale**exponent)  # type: ignore[return-value]
        if isinstance(base, sp.MatrixBase) and 1 in base.shape and base.shape != (1, 1):
            if exponent == 2:  # u^2 of a vector: u^T u, as in ||u^2|| for ||u||^2
                return (base.T * base)[0, 0] if base.shape[1] == 1 else (base * base.T)[0, 0]
            raise TypeCheckError(
                "only the square u^2 = u^T u of a vector is defined; write norm(u)^k"
            )
        if isinstance(base, sp.MatrixBase):
            if not exponent.is_Integer:
                raise Unsupported("a matrix power with a symbolic exponent")
            if abs(int(exponent)) > LIMITS.max_exponent:
                raise LimitError("", node.pos, "matrix power too large")
            return sp.ImmutableMatrix(base ** int(exponent))
        _check_power(base, exponent, node.pos)
        if base == sp.E:
            return sp.exp(exponent)
        if exponent.is_Rational and not exponent.is_Integer:
            if exponent.q % 2 == 0:  # an even root: real only for base >= 0
                self.require(base)
            elif base.is_nonnegative is not True:  # an odd root is real: (-8)^(1/3) = -2
                return sp.sign(base) ** exponent.p * sp.Abs(base) ** exponent
        return base**exponent

    def _transpose(self, node: ast.Transpose) -> Value:
        value = self.lower(node.operand)
        return sp.ImmutableMatrix(value.T) if isinstance(value, sp.MatrixBase) else value

    def _norm(self, node: ast.Norm) -> Value:
        """The subscript is meaning: `‖u‖_1`, `‖u‖_inf`, `‖u‖_p` of a vector; `‖W‖_F`,
        `‖W‖_1` (largest column sum), `‖W‖_inf` (largest row sum), `‖W‖` = `‖W‖_2`."""
        value = self.lower(node.operand)
        kind = node.kind
        if not isinstance(value, sp.MatrixBase):
            if kind not in (None, "2", "1", "inf", "F") and not _integer_kind(kind):
                raise TypeCheckError(f"unknown norm subscript '{node.kind}'")
            return sp.Abs(value)
        entries = list(value)
        if 1 in value.shape or kind == "F":
            if kind in (None, "2", "F"):
                return sp.sqrt(sum((e**2 for e in entries), sp.S.Zero))
            if kind == "1":
                return sp.Add(*(sp.Abs(e) for e in entries))
            if kind == "inf":
                return sp.Max(*(sp.Abs(e) for e in entries))
            if _integer_kind(kind):
                p = int(kind)
                return sp.Add(*(sp.Abs(e) ** p for e in entries)) ** sp.Rational(1, p)
            raise Unsupported(f"the norm ‖·‖_{node.kind} of a vector")
        if kind in (None, "2"):
            return OperatorNorm(value)
        rows, cols = value.shape
        if kind == "1":
            return sp.Max(
                *(sp.Add(*(sp.Abs(value[i, j]) for i in range(rows))) for j in range(cols))
            )
        if kind == "inf":
            return sp.Max(
                *(sp.Add(*(sp.Abs(value[i, j]) for j in range(cols))) for i in range(rows))
            )
        raise Unsupported(f"the matrix norm ‖·‖_{node.kind}")

    def _abs(self, node: ast.Abs) -> Value:
        return _map(self.lower(node.operand), sp.Abs)

    def _sum(self, node: ast.Sum) -> Value:
        if node.lower is None or node.upper is None:  # left bare where no entry gives a range
            raise Unsupported(
                f"the range of Σ_{node.var} is not known: write Σ_{{{node.var}=1}}^{{n}}"
            )
        lower, upper = self.lower(node.lower), self.lower(node.upper)
        index = sp.Symbol(node.var, integer=True)
        count = int(upper) - int(lower) + 1 if lower.is_Integer and upper.is_Integer else None
        if count is not None and count <= LIMITS.max_sum_terms:
            # each term lowered with its own index, so g_1, g_2 are atoms of their own
            skipped = self._excluded(node)
            terms = [
                self.bind({node.var: sp.Integer(k)}).lower(node.body)
                for k in range(int(lower), int(upper) + 1)
                if k != skipped
            ]
            if not terms:  # a run written after other terms says nothing when it is empty
                return sp.S.NaN if node.nonempty else sp.S.One if node.product else sp.S.Zero
            if node.product:
                total = terms[0]
                for term in terms[1:]:
                    total = _times(total, term)
                return total
            return self._add_values(terms)
        if count is not None and count > LIMITS.max_summed_terms:
            raise LimitError("", node.pos, f"a sum of {count} terms is too long to evaluate")
        if node.excluding is not None:
            raise Unsupported(f"Σ_{{{node.var} ≠ {node.excluding}}} over a range of unknown length")
        body = self.bind({node.var: index}).lower(node.body)  # a symbolic bound, or many terms
        if count is not None and node.product and isinstance(body, sp.MatrixBase):
            raise LimitError("", node.pos, f"a product of {count} matrices is too long to expand")
        if node.product and isinstance(body, sp.MatrixBase):  # never entry by entry
            raise Unsupported("a product of matrices whose number of factors is not known")
        kind = sp.Product if node.product else sp.Sum
        total = _map(body, lambda e: kind(e, (index, lower, upper)))
        if node.nonempty:  # `1 + x + x^2 + ⋯ + x^n` says nothing where the run is empty
            return _map(total, lambda e: sp.Piecewise((e, sp.Ge(upper, lower))))
        return total

    def _excluded(self, node: ast.Sum) -> int | None:
        """The value Σ_{k ≠ i} skips: that of i, an index in scope (summed, or free)."""
        if node.excluding is None:
            return None
        value = self.bound.get(node.excluding)
        if not (isinstance(value, sp.Expr) and value.is_Integer):
            raise Unsupported(
                f"Σ_{{{node.var} ≠ {node.excluding}}}: {node.excluding} is no index in scope"
            )
        return int(value)

    # -- calculus -----------------------------------------------------------------------

    def _cases(self, node: ast.Cases) -> Value:
        """A Piecewise of scalar branches; conditions that could hold together (x ≥ 0 and
        x ≤ 0) are refused, as the value there would be a guess. Without "otherwise", a
        point no condition covers is outside the statement."""
        branches: list[tuple[sp.Expr, sp.Basic]] = []
        for value_node, condition_node in node.branches:
            start = len(self.conditions)
            value = self.lower(value_node)
            if isinstance(value, sp.MatrixBase):
                raise Unsupported("cases whose values are vectors or matrices")
            condition = sp.true if condition_node is None else self._condition(condition_node)
            taken = sp.And(condition, *(sp.Not(c) for _, c in branches))
            # a root in a branch must be real only where that branch is taken
            self.conditions[start:] = [
                replace(c, argument=sp.Piecewise((c.argument, taken), (0, True)))
                for c in self.conditions[start:]
            ]
            for _, earlier in branches:
                if condition_node is not None and sp.And(earlier, condition).simplify() != sp.false:
                    raise Unsupported(
                        f"the cases {earlier} and {condition} may hold together: "
                        "say which value holds where both do"
                    )
            branches.append((value, condition))
        return sp.Piecewise(*branches)

    def _condition(self, node: ast.Node) -> sp.Basic:
        links = node.links if isinstance(node, ast.Chain) else (node,)
        relations = []
        for link in links:
            assert isinstance(link, ast.Relation)
            if link.op not in _CONDITIONS:
                raise Unsupported(f"a case's condition with {link.op}")
            left, right = self.lower(link.lhs), self.lower(link.rhs)
            if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
                raise Unsupported("a case's condition must compare numbers")
            relations.append(_CONDITIONS[link.op](left, right))
        return sp.And(*relations)

    def _limit(self, node: ast.Limit) -> Value:
        """The value at the point of the body's Taylor expansion; where a coefficient
        below it does not vanish the limit does not exist, and the side is no number."""
        point = self.lower(node.point)
        if isinstance(point, sp.MatrixBase) or point.has(sp.oo, -sp.oo, sp.zoo):
            raise Unsupported(f"the limit in {node.var}: only limits at a finite number are read")
        if self.context.lookup(node.var) is not None:
            raise Unsupported(f"the limit's variable {node.var} is declared as something else")
        step = sp.Dummy(node.var, real=True)
        start = len(self.conditions)
        body = self.bind({node.var: point + step}).lower(node.body)
        # a root or logarithm in the body is real near the point (the expansion has checked
        # that its argument is positive there): what is left of its condition is at the point
        inner = self.conditions[start:]
        if any(c.limit and c.argument.has(step) for c in inner):
            raise Unsupported(f"a limit inside the limit in {node.var} is not read")
        at_point = [replace(c, argument=c.argument.subs(step, 0)) for c in inner]
        self.conditions[start:] = [c for c in at_point if c.argument.is_nonnegative is not True]

        def one(entry: sp.Expr) -> sp.Expr:
            value, must_vanish = limit_at_zero(entry, step, node.var)
            self.conditions.extend(Condition(-(c**2), limit=True) for c in must_vanish)
            self.found.open_limits |= bool(must_vanish)
            return value

        return _map(body, one)

    def _extremum(self, node: ast.Extremum) -> Value:
        raise Unsupported(
            f"\\{node.kind} over a variable is checked as a step of its own: \\{node.kind}_z f(z) = c"
        )

    def _derivative(self, node: ast.Derivative) -> Value:
        return self._differentiate(node.expr, node.var, node.order)

    def _gradient(self, node: ast.Gradient) -> Value:
        if node.at_point:
            return self._at_point(node.expr, node.var, 1)  # type: ignore[arg-type]
        return self._differentiate(node.expr, node.var, 1)

    def _differentiate(self, expr: ast.Node, var: ast.Node, order: int) -> Value:
        """d expr / d var with var held free (w of w := γu/‖u‖, or h_1 of a recurrence),
        then var replaced by its value: the derivative at that point."""
        if isinstance(expr, ast.Call) and expr.args == (var,) and _not_a_name(var):
            return self._at_point(expr, var, order)
        var_name = _variable_name(var)
        if isinstance(var, ast.Pow) and self.context.definition(var_name) is None:
            raise Unsupported(  # d(x^4)/dx^2: by the quantity x², or the second derivative
                f"∂/∂{var_name} with a first-order numerator: define {var_name} to "
                "differentiate by it, or write the order above the bar"
            )
        elements: frozenset[tuple[str, sp.Expr]] = frozenset()
        element_of_recurrence = (
            isinstance(var, ast.Subscript) and self._recurrence(var.base) is not None
        )
        if element_of_recurrence:
            elements = frozenset({(var.base, self.lower(var.index))})  # type: ignore[union-attr]
        entry_of = self._defined_vector(var)  # ∂L/∂p_j with p := softmax(x): p is held
        held = self.with_held(frozenset({var_name, *entry_of}), elements)
        held.variables = held.variables | {var_name} | ast.names(var)
        if self._an_input(expr, held.held):  # ∂h_i/∂a_j, h an input: how h changes is the point
            raise held._unknown_dependence(_variable_name(expr))
        variable = held.lower(var)
        value = held.lower(expr)
        folded = self._folded_elements(value) - set(_atoms_of(variable))
        if folded:  # h_n with n unknown depends on x through a recurrence we cannot unroll
            names = ", ".join(sorted(str(e) for e in folded))
            raise Unsupported(
                f"cannot differentiate {names}: its recurrence is not unrolled (give the index a value)"
            )
        for _ in range(order):
            value = _diff(value, variable)
        definition = self.context.definition(var_name)
        if entry_of:  # at the point the whole vector is: every entry takes its value
            (base,) = entry_of
            fresh = held.lower(ast.Name(base, var.pos))
            value = _substitute(value, _pairs(fresh, self.lower(ast.Name(base, var.pos))))
        elif definition is not None and not definition.params and var_name not in self.held:
            replacement = self.lower(definition.body)  # type: ignore[arg-type]
            value = _substitute(value, _pairs(variable, replacement))
        elif element_of_recurrence:
            value = _substitute(value, _pairs(variable, self.lower(var)))
        return value

    def _defined_vector(self, var: ast.Node) -> tuple[str, ...]:
        """The letter of a derivative's variable that is an entry of a vector a definition
        gives (p of p_j, p := softmax(x)), to be held free as a whole; else ()."""
        if not isinstance(var, ast.Subscript) or var.base in self.held:
            return ()
        full = f"{var.base}_{var.label}"
        if self.context.lookup(full) is not None:
            return ()  # θ_i declared a vector: a name of its own
        if self._entrywise(var.base) is not None:  # p_j := e^{x_j} / Σ_k e^{x_k}
            return (var.base,)
        if self.context.definition(full) is not None:
            return ()  # h_t := ... of its own
        definition = self.context.definition(var.base)
        if definition is None or definition.params or self._recurrence(var.base) is not None:
            return ()
        shape = shape_of(self.context.lookup(var.base))
        if not (isinstance(shape, Vector | Matrix) or self.context.open_world):
            return ()  # read as the entry only where _subscript reads it so
        return (var.base,)

    def _at_point(self, call: ast.Call, point: ast.Node, order: int) -> Value:
        """`∇_{‖w‖v} l(‖w‖v)`: the derivative of a function of one argument, taken at the
        point its argument is, the only thing it can mean. A fresh variable of the point's
        shape stands for the argument while differentiating."""
        value = self.lower(point)
        if isinstance(value, Identity):
            raise TypeCheckError("differentiate with respect to a name")
        fresh: Value = sp.Dummy("p")
        if isinstance(value, sp.MatrixBase):
            rows, cols = value.shape
            fresh = sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Dummy(f"p{i}{j}"))
        held = self.bind({_POINT: fresh})
        result = held.lower(ast.Call(call.func, (ast.Name(_POINT),), call.derivative, call.pos))
        for _ in range(order):
            result = _diff(result, fresh)
        return _substitute(result, _pairs(fresh, value))

    # -- randomness ---------------------------------------------------------------------

    def _expectation(self, node: ast.Expectation) -> Value:
        return expectation(self.lower(node.expr), self.found.randoms, self.context.distinct)

    def _variance(self, node: ast.Variance) -> Value:
        return variance(self.lower(node.expr), self.found.randoms, self.context.distinct)


# -- helpers ------------------------------------------------------------------------------


def _integer_kind(kind: str | None) -> bool:
    return kind is not None and kind.isdigit() and int(kind) >= 1


def _recurrence_cases(body: object) -> list[tuple[sp.Expr | None, ast.Node]]:
    """A recurrence body is one node, or a tuple of (base index, node) cases then a node."""
    if isinstance(body, tuple):
        return [(sp.Integer(i), b) for i, b in body[:-1]] + [(None, body[-1])]
    return [(None, body)]  # type: ignore[list-item]


def _squeeze(value: Value) -> Value:
    if isinstance(value, sp.MatrixBase) and value.shape == (1, 1):
        return value[0, 0]
    return value


def _times(left: Value | Identity, right: Value | Identity) -> Value | Identity:
    if isinstance(left, Identity) and isinstance(right, Identity):
        return Identity(left.scale * right.scale)
    if isinstance(left, Identity) or isinstance(right, Identity):
        identity, other = (left, right) if isinstance(left, Identity) else (right, left)
        if isinstance(other, sp.MatrixBase):
            return sp.ImmutableMatrix(identity.scale * other)
        return identity.times(other)
    if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        if left.shape[1] != right.shape[0]:
            raise TypeCheckError(f"cannot multiply a {_shape(left)} by a {_shape(right)}")
        return _squeeze(sp.ImmutableMatrix(left * right))
    if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
        return sp.ImmutableMatrix(left * right)
    return left * right


def _as_matrix(term: Value | Identity, shape: tuple[int, int]) -> sp.ImmutableMatrix:
    if isinstance(term, Identity):
        if shape[0] != shape[1]:
            raise TypeCheckError(f"I added to a {shape[0]}×{shape[1]} matrix")
        return term.matrix(shape[0])
    if isinstance(term, sp.MatrixBase):
        return term
    if term == 0:
        return sp.ImmutableMatrix(sp.zeros(*shape))
    if shape[0] == shape[1] > 1:  # 1 - u u^T, as people write I - u u^T: a multiple of I
        return Identity(term).matrix(shape[0])
    raise TypeCheckError(f"cannot add a scalar and a {shape[0]}×{shape[1]} matrix")


def _shape(value: sp.MatrixBase) -> str:
    rows, cols = value.shape
    return f"vector of size {rows}" if cols == 1 else f"{rows}×{cols} matrix"


def _map(value: Value, fn: object) -> Value:
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.applyfunc(fn))
    return fn(value)  # type: ignore[operator]


def _substitute(value: Value, mapping: dict) -> Value:
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.xreplace(mapping))
    return value.xreplace(mapping)


def _pairs(variable: Value, replacement: Value) -> dict:
    if isinstance(variable, sp.MatrixBase):
        if not isinstance(replacement, sp.MatrixBase) or replacement.shape != variable.shape:
            raise TypeCheckError("a variable's definition has the wrong shape")
        return dict(zip(variable, replacement, strict=True))
    return {variable: replacement}


def _diff(value: Value, variable: Value) -> Value:
    """d value / d variable: a gradient (column) for a scalar by a vector, a Jacobian for a
    vector by a vector, elementwise for anything by a scalar. A piecewise value whose cases
    depend on the variable is refused: across a jump its branches' derivatives are no
    derivative (d/dx 1(x ≥ 0) is not 0 at 0)."""
    atoms = variable.free_symbols if isinstance(variable, sp.MatrixBase) else {variable}
    entries = value if isinstance(value, sp.MatrixBase) else [value]
    for entry in entries:
        for piecewise in entry.atoms(sp.Piecewise):
            if any(c.free_symbols & atoms for _, c in piecewise.args):
                raise Unsupported(
                    "the derivative of a piecewise value (cases, 1(...)) in the variable its cases test"
                )
    if not isinstance(variable, sp.MatrixBase):
        return _map(value, lambda e: sp.diff(e, variable))
    if variable.shape[1] != 1:
        if isinstance(value, sp.MatrixBase):
            raise Unsupported("the derivative of a matrix by a matrix")
        return sp.ImmutableMatrix(variable.shape[0], variable.shape[1],
                                  lambda i, j: sp.diff(value, variable[i, j]))  # fmt: skip
    if isinstance(value, sp.MatrixBase):
        if value.shape[1] != 1:
            raise Unsupported("the derivative of a matrix by a vector")
        return sp.ImmutableMatrix(value.jacobian(variable))
    return sp.ImmutableMatrix([sp.diff(value, v) for v in variable])


_POINT = "·point"
_INDEX_LETTERS = "ijklpq"  # letters that index entries, not quantities  # the argument of `_at_point`; no parser makes such a name


def _not_a_name(var: ast.Node) -> bool:
    return not isinstance(var, ast.Name | ast.Subscript)


def _variable_name(var: ast.Node) -> str:
    match var:
        case ast.Name(name=name):
            return name
        case ast.Subscript(base=base, label=label):
            return f"{base}_{label}"
        case ast.Pow() if (squared := _squared(var)) is not None:
            return squared
    raise TypeCheckError("differentiate with respect to a name")


def _squared(node: ast.Pow) -> str | None:
    """`sigma^2` for σ² (a variance the document names, as `definition_of` keys it), or
    None for any other power."""
    if not (isinstance(node.exponent, ast.Num) and node.exponent.value == 2):
        return None
    if isinstance(node.base, ast.Name | ast.Subscript):
        return f"{_variable_name(node.base)}^2"
    return None


def _atoms_of(value: Value) -> list[sp.Basic]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _mentions(body: object, base: str) -> bool:
    return base in ast.names(body)


def _check_power(base: sp.Expr, exponent: sp.Expr, pos: int) -> None:
    """Refuse powers whose exact value would be astronomically large (9^9^9)."""
    if exponent.is_Number and base.is_Number and not base.is_zero:
        magnitude = abs(float(exponent)) * math.log2(max(abs(float(base)), 2.0))
        if exponent.is_Integer and magnitude > LIMITS.max_power_bits:
            raise LimitError("", pos, "number too large: an exponent this big cannot be evaluated")
    elif exponent.is_Number and abs(exponent) > LIMITS.max_exponent:
        raise LimitError("", pos, f"exponent larger than {LIMITS.max_exponent}")
