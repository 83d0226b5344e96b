"""The typed expression model: what both parsers produce and every strategy reads.

Nodes are small frozen dataclasses, so they are hashable (cache keys) and cannot be
mutated behind a strategy's back. They say what was written, not what it means: whether
`u^T` is a transpose or a power, or `v_t` an element of a sequence or a plain name, is
decided later against the symbol context (`derive.model.context`). Nothing here
evaluates anything.

`pos` is the column in the source text, for error messages; it takes no part in equality.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction


@dataclass(frozen=True)
class Node:
    """Base of every expression node."""


def _pos() -> int:
    return field(default=-1, compare=False, repr=False)  # type: ignore[return-value]


@dataclass(frozen=True)
class Num(Node):
    """An exact number: `0.1` is stored as 1/10, never as a float."""

    value: Fraction
    pos: int = _pos()


@dataclass(frozen=True)
class Name(Node):
    """An identifier (`beta`, `v_t` once resolved); Greek letters are spelled out (`beta`).

    `after_number` marks a run of letters typed right after a number (`2ab`): a product
    of single letters unless the context declares the whole run as a name.
    """

    name: str
    pos: int = _pos()
    after_number: bool = field(default=False, repr=False)

    def __repr__(self) -> str:  # the flag only where set: reprs key the verdict cache
        flag = ", after_number=True" if self.after_number else ""
        return f"Name(name={self.name!r}{flag})"


@dataclass(frozen=True)
class Const(Node):
    """A named constant: `pi`, `e`, `I` (the identity), `inf`."""

    name: str
    pos: int = _pos()


@dataclass(frozen=True)
class Subscript(Node):
    """`base_index` or `base^{(index)}`: an element of a sequence, or part of a name.

    `label` keeps the written form of the index (`t-1`, `(f)`), used when the context
    says the whole thing is a single name such as `beta_1` or `W^(f)`.
    """

    base: str
    index: Node
    label: str
    pos: int = _pos()


@dataclass(frozen=True)
class Call(Node):
    """A function applied to arguments: builtins (`exp`, `max`, `sigmoid`, `diag`,
    `lambda_max`) and functions declared in the context (`L`, `h`).

    `derivative` counts primes: `sigma'(z)` has 1, `f''(x)` has 2.
    """

    func: str
    args: tuple[Node, ...]
    derivative: int = 0
    pos: int = _pos()


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]
    pos: int = _pos()


@dataclass(frozen=True)
class Mul(Node):
    """A product in written order (it matters for matrices)."""

    factors: tuple[Node, ...]
    pos: int = _pos()


@dataclass(frozen=True)
class Neg(Node):
    operand: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Div(Node):
    numerator: Node
    denominator: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Pow(Node):
    """`base^exponent`; `W^T` is a Pow until the context says T is not a scalar."""

    base: Node
    exponent: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Transpose(Node):
    """`u^\\top`, `u'` in plain text is not a transpose (it is a prime)."""

    operand: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Norm(Node):
    """`||x||` (`kind` None), `||x||_2` ("2"), `||X||_F` ("F")."""

    operand: Node
    kind: str | None = None
    pos: int = _pos()


@dataclass(frozen=True)
class Abs(Node):
    operand: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Hadamard(Node):
    """The elementwise product `a ⊙ b`."""

    left: Node
    right: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Sum(Node):
    """`sum_{var=lower}^{upper} body`; `product` makes it a product."""

    body: Node
    var: str
    lower: Node | None  # None: a bare Σ_i, whose range elaboration infers
    upper: Node | None
    product: bool = False
    pos: int = _pos()
    # written as `b + a_1 + ⋯ + a_n`: read only where the run has a term (upper >= lower)
    nonempty: bool = False
    excluding: str | None = None  # Σ_{k ≠ i}: every k of the range but the value of i


@dataclass(frozen=True)
class Extremum(Node):
    """`max_z f(z)`, `min(σ'(z))`: the largest or smallest value of `body` over the real
    `var` (None: the body's one free variable, found when the context is known)."""

    kind: str  # "max" or "min"
    var: str | None
    body: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Component(Node):
    """`softmax(z)_i`, `(W x)_i`: the entry of a vector-valued expression (`ij`: of a
    matrix), where `Subscript` names an entry of a letter."""

    expr: Node
    index: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Cases(Node):
    """`\\begin{cases} v_1 & c_1 \\\\ v_2 & \\text{otherwise} \\end{cases}`: each branch a
    value and the relation (or chain) under which it holds; None for "otherwise"."""

    branches: tuple[tuple[Node, Node | None], ...]
    pos: int = _pos()


@dataclass(frozen=True)
class Limit(Node):
    """`lim_{var → point} body`, two-sided at a finite point (`derive.model.limits`)."""

    body: Node
    var: str
    point: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Derivative(Node):
    """`d/dvar expr` (or partial), `order` times."""

    expr: Node
    var: Node
    order: int = 1
    pos: int = _pos()


@dataclass(frozen=True)
class Gradient(Node):
    """`∇_var expr`: the column vector of partial derivatives with respect to `var`.
    `at_point`: `∇l(v)`, the gradient of the function l at the point v (its argument)."""

    expr: Node
    var: Node
    pos: int = _pos()
    at_point: bool = False


@dataclass(frozen=True)
class Expectation(Node):
    expr: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Variance(Node):
    expr: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Relation(Node):
    """`lhs op rhs` with op one of RELATIONS; `:=` defines the name on its left, `<-` is
    an update (the new value of the left side), as in w ← (1 - αλ) w - α ∂L/∂w; `≈` is
    an equation up to the O-terms written with it (`derive.model.asymptotics`)."""

    op: str
    lhs: Node
    rhs: Node
    pos: int = _pos()


@dataclass(frozen=True)
class Chain(Node):
    """`a = b <= c`: several relations sharing their middle terms, checked link by link."""

    links: tuple[Relation, ...]
    pos: int = _pos()


RELATIONS = ("=", "!=", "<", "<=", ">", ">=", ":=", "<-", "≈")  # `<-`: an update w ← w - η∇L


def walk(root: object) -> Iterator[Node]:
    """Every node in a tree (or in a tuple of trees, as a recurrence's cases), parents first."""
    pending = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, Node):
            yield item
            pending.extend(reversed(list(item.__dict__.values())))
        elif isinstance(item, tuple):
            pending.extend(reversed(item))


def names(root: object) -> set[str]:
    """Every name a tree mentions: plain names, subscript bases and called functions."""
    found: set[str] = set()
    for node in walk(root):
        if isinstance(node, Name):
            found.add(node.name)
        elif isinstance(node, Subscript):
            found.add(node.base)
        elif isinstance(node, Call):
            found.add(node.func)
    return found


def rebuilt(root: Node, change: Callable[[Node, Callable[[object], object]], Node | None]) -> Node:
    """The tree rebuilt bottom-up; `change(node, rebuild)` returns a node's replacement (it
    may rebuild the parts it keeps), or None to keep the node with its parts rebuilt."""

    def rebuild(item: object) -> object:
        if isinstance(item, tuple):
            return tuple(rebuild(value) for value in item)
        if not isinstance(item, Node):
            return item
        changed = change(item, rebuild)
        if changed is not None:
            return changed
        return replace(item, **{key: rebuild(value) for key, value in item.__dict__.items()})

    return rebuild(root)  # type: ignore[return-value]


def renamed(root: Node, mapping: Mapping[str, str]) -> Node:
    """The tree with names replaced as `mapping` says (`pi` → `x` where a converted PDF
    lost the x): plain names, constants, subscript bases and called functions."""

    def change(node: Node, rebuild: Callable[[object], object]) -> Node | None:
        match node:
            case Name(name=name) | Const(name=name) if name in mapping:
                return Name(mapping[name], node.pos)
            case Subscript(base=base, index=index) if base in mapping:
                return replace(node, base=mapping[base], index=rebuild(index))
            case Call(func=func, args=args) if func in mapping:
                return replace(node, func=mapping[func], args=rebuild(args))
        return None

    return rebuilt(root, change) if mapping else root


def substituted(root: Node, mapping: Mapping[str, Node]) -> Node:
    """The tree with each plain name in `mapping` replaced by its tree (`‖w‖` read as
    `‖w_t‖` where a question writes w for the current iterate), except as the base of a
    superscript (`w^t`, `w^{t+1}` are elements, and stay as written)."""

    def change(node: Node, rebuild: Callable[[object], object]) -> Node | None:
        match node:
            case Name(name=name) if name in mapping:
                return mapping[name]
            case Pow(base=Name(), exponent=exponent) if not isinstance(exponent, Num):
                return replace(node, exponent=rebuild(exponent))
        return None

    return rebuilt(root, change) if mapping else root


def element_of(node: Node) -> tuple[str, Node] | None:
    """(base, index) of `v_{t+1}`, and of `v^{t+1}` as a superscript index is written: what a
    line is about, to find an answer among the lines; not what the node means."""
    match node:
        case Subscript(base=base, index=index):
            return base, index
        case Pow(base=Name(name=base), exponent=index) if not isinstance(index, Num):
            return base, index
    return None
