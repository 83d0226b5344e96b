"""What a name means: the declarations of a symbol context.

A claim, an answer key or `derive prove --let` declares its names with these values
(or with their text form, read by `derive.parsing.declarations`). A name nobody
declared is a real scalar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

Size = int | str  # a fixed size, or the name of a size parameter such as "n"


@dataclass(frozen=True)
class Domain:
    """The set a scalar ranges over: the reals, or the integers, cut to an interval."""

    integer: bool = False
    lower: Fraction | None = None
    upper: Fraction | None = None
    lower_open: bool = False
    upper_open: bool = False
    excluded: tuple[Fraction, ...] = ()  # points taken out, as in `x != 0`

    def contains(self, value: Fraction) -> bool:
        if (self.integer and value.denominator != 1) or value in self.excluded:
            return False
        if self.lower is not None and (
            value < self.lower or (self.lower_open and value == self.lower)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (self.upper_open and value == self.upper))
        )

    def is_empty(self) -> bool:
        """Whether no value is left (x > 1 and x < 0; an integer strictly between 0 and 1)."""
        if self.lower is None or self.upper is None:
            return False
        if self.lower > self.upper or (
            self.lower == self.upper and (self.lower_open or self.upper_open)
        ):
            return True
        if self.integer:
            first = math.ceil(self.lower) + (1 if self.lower_open and self.lower % 1 == 0 else 0)
            last = math.floor(self.upper) - (1 if self.upper_open and self.upper % 1 == 0 else 0)
            left = range(first, last + 1)
            return len(left) <= len(self.excluded) and all(
                Fraction(v) in self.excluded for v in left
            )
        return self.lower == self.upper and self.lower in self.excluded

    def intersect(self, other: Domain) -> Domain:
        lower, lower_open = self.lower, self.lower_open
        if other.lower is not None and (
            lower is None or other.lower > lower or (other.lower == lower and other.lower_open)
        ):
            lower, lower_open = other.lower, other.lower_open
        upper, upper_open = self.upper, self.upper_open
        if other.upper is not None and (
            upper is None or other.upper < upper or (other.upper == upper and other.upper_open)
        ):
            upper, upper_open = other.upper, other.upper_open
        excluded = tuple(sorted(set(self.excluded) | set(other.excluded)))
        return Domain(self.integer or other.integer, lower, upper, lower_open, upper_open, excluded)

    def describe(self) -> str:
        if self.excluded:
            rest = Domain(self.integer, self.lower, self.upper, self.lower_open, self.upper_open)
            return f"{rest.describe()}, ≠ {', '.join(map(str, self.excluded))}"
        if self.lower is None and self.upper is None:
            return "integer" if self.integer else "real"
        low = "" if self.lower is None else f"{self.lower} {'<' if self.lower_open else '≤'} "
        high = "" if self.upper is None else f" {'<' if self.upper_open else '≤'} {self.upper}"
        return f"{low}{'integer' if self.integer else 'x'}{high}".replace("x", "·", 1)


REAL = Domain()
POSITIVE = Domain(lower=Fraction(0), lower_open=True)
NONNEGATIVE = Domain(lower=Fraction(0))
INTEGER = Domain(integer=True)
POSITIVE_INTEGER = Domain(integer=True, lower=Fraction(1))
UNIT_INTERVAL = Domain(lower=Fraction(0), upper=Fraction(1), lower_open=True, upper_open=True)


@dataclass(frozen=True)
class Scalar:
    domain: Domain = REAL


@dataclass(frozen=True)
class Vector:
    """A column vector of `size` real entries."""

    size: Size
    domain: Domain = REAL


@dataclass(frozen=True)
class Matrix:
    rows: Size
    cols: Size
    domain: Domain = REAL


Shape = Scalar | Vector | Matrix


@dataclass(frozen=True)
class Function:
    """A function of `params` (names of declared variables: `L: function(w)` makes `L`
    mean `L(w)`); `builtin` names a known one (`sigmoid`), otherwise it stays undefined
    so that a claim proved about it holds for every smooth function."""

    params: tuple[str, ...] = ()
    builtin: str | None = None
    elementwise: bool = False  # an activation: applied to a vector, it acts on each entry


@dataclass(frozen=True)
class Sequence:
    """Elements `x_1, x_2, ...` (`x_t`, `x_{t-1}`) each of shape `element`."""

    element: Shape = Scalar()


@dataclass(frozen=True)
class Law:
    """A distribution: `family` is one of LAW_FAMILIES, `params` its exact parameters.

    `symmetric` and `generic` are families of families: a claim about them must hold for
    every member (sampled over several in Monte-Carlo checks; symbolic moments exactly).
    `whitened` is a random vector with mean 0 and identity covariance.
    """

    family: str
    params: tuple[Fraction | str, ...] = ()


LAW_FAMILIES = {
    "normal": 2,  # mean, standard deviation
    "uniform": 2,  # low, high
    "bernoulli": 1,  # p
    "laplace": 2,  # mean, scale
    "symmetric": 1,  # variance (about 0)
    "generic": 0,  # any distribution with finite moments
    "whitened": 0,  # vectors: mean 0, covariance I, entries uncorrelated
}


@dataclass(frozen=True)
class Random:
    """A random variable (or vector, matrix, sequence of i.i.d. draws) with its law.
    Distinct random names are independent."""

    shape: Shape | Sequence = Scalar()
    law: Law = Law("generic")


Decl = Scalar | Vector | Matrix | Function | Sequence | Random


def shape_of(decl: Decl | None) -> Decl | None:
    """What a name holds: a random variable's shape, or the declaration itself."""
    return decl.shape if isinstance(decl, Random) else decl


@dataclass(frozen=True)
class Definition:
    """`name := body`, `name(params) := body` for a function, or a recurrence for a
    sequence: params ("t",) and body `((0, base_node), ..., general_node)`, where the
    general node mentions the element at `t-1`."""

    name: str
    body: object  # an ast.Node; typed loosely to keep this module free of the AST
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """The names of one claim, question or command line, and what they mean."""

    decls: dict[str, Decl] = field(default_factory=dict)
    definitions: tuple[Definition, ...] = ()
    strict: bool = False
    # pairs of names assumed different (`s != t`): elements g_s, g_t of a random
    # sequence are then distinct variables; otherwise they may be the same one
    distinct: frozenset[frozenset[str]] = frozenset()
    # names from a document nobody declared may depend on anything: the derivative of
    # such a name (∂θ/∂w, where the document defined θ in prose) is not known, not 0
    open_world: bool = False
    # declared names whose dependence on the others nobody stated (a vector read from its
    # components y_i): under a derivative they are as unknown as undeclared names
    dependent: frozenset[str] = frozenset()
    # an open-world document that announces Einstein's convention: a letter a product
    # repeats is summed (elsewhere, a document may mean any value of it)
    summation: bool = False

    def assumed_distinct(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.distinct

    def lookup(self, name: str) -> Decl | None:
        return self.decls.get(name)

    def definition(self, name: str) -> Definition | None:
        return next((d for d in self.definitions if d.name == name), None)

    def extend(
        self, decls: dict[str, Decl] | None = None, definitions: tuple[Definition, ...] = ()
    ) -> Context:
        """A new context with more names: later declarations win (a step that defines a name)."""
        merged = dict(self.decls)
        merged.update(decls or {})
        names = {d.name for d in definitions}
        kept = tuple(d for d in self.definitions if d.name not in names)
        return replace(self, decls=merged, definitions=kept + definitions)

    def __hash__(self) -> int:  # contexts key the verdict cache
        decls = tuple(sorted(self.decls.items(), key=lambda kv: kv[0]))
        return hash(
            (
                decls,
                self.definitions,
                self.distinct,
                self.open_world,
                self.dependent,
                self.summation,
            )
        )
