"""Claims: what a course author writes, and what the engine checks.

A claim reads like the mathematics it encodes:

    claim(
        "hw4/tanh/derivative",
        "The derivative of tanh",
        source="002 Q1.1.2",
        statement=r"\\frac{d}{dz}\\tanh(z) = 1 - \\tanh(z)^2",
    )

Statements are text (LaTeX or plain), read by derive's own parsers in the claim's
context: `let` declares names (`"u": "vector(n)"`), `where` defines them
(`"w": r"\\gamma u / \\|u\\|"`, a function `"l(w)": "h(w / norm(w))"`, a recurrence
`"v_t": "beta v_{t-1} + (1 - beta) g_t"` with `"v_0": "0"`), `assume` restricts them
(`"0 < beta < 1"`), and `given` lists hypotheses used as rewriting rules
(`"g_{t-1} = sigma(h_{t-1})"`). Claims that are not one relation (an algorithm against
brute force, a simulation, a count) pass a `Property` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Sequence as Sequence_
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from derive.errors import ClaimError, DeriveError
from derive.model import ast
from derive.model.types import (
    Context,
    Decl,
    Definition,
    Random,
    Scalar,
    Sequence,
    Vector,
)
from derive.verdict import Expect


@dataclass(frozen=True)
class Statement:
    """One relation (or chain) to decide in a context.

    `sizes` are the size assignments at which a general-size claim is proved with
    symbolic components (each a dict such as {"n": 2}); `numeric_sizes` those at which
    it is also checked numerically. `up_to` = ("eta", 2) makes `=` mean equal up to
    O(eta^2).
    """

    text: str
    context: Context = field(default_factory=Context)
    given: tuple[str, ...] = ()
    sizes: tuple[tuple[tuple[str, int], ...], ...] = ()
    numeric_sizes: tuple[tuple[tuple[str, int], ...], ...] = ()
    up_to: tuple[str, int] | None = None
    latex: bool | None = None
    also: tuple[str, ...] = ()  # further relations that must hold as well
    links: tuple[ast.Relation, ...] = ()  # already parsed relations (then `text` is for display)
    # read where both sides are real numbers, as the steps of a derivation are
    # (`d/dx log x = 1/x`), instead of failing where only one side is
    where_defined: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a property test says of one instance: whether it held, and the values to
    show a reader (exact where the test computed exactly)."""

    ok: bool
    values: tuple[tuple[str, str], ...] = ()
    lhs: str = ""
    rhs: str = ""
    exact: bool = True


@dataclass(frozen=True)
class Property:
    """A claim decided by running code on instances.

    - `forall`: `test(instance)` holds for every instance; `draw(rng)` makes random
      instances and `simple()` small ones tried first (like Hypothesis's shrinking, the
      first failure found among simple instances is already small).
    - `exists`: some instance is a witness; `simple()` usually lists the witness the
      argument needs, and a random search follows.
    - `exact`: the computation is exact (rationals, integers), so a single instance
      proves an `exists` claim or refutes a `forall` claim, and a `forall` over a finite,
      fully enumerated `simple()` with `draw` None is a proof.
    """

    test: Callable[[Any], Outcome]
    draw: Callable[[Any], Any] | None = None
    simple: Callable[[], Iterable[Any]] | None = None
    kind: str = "forall"
    exact: bool = False
    trials: int = 200
    method: str = "property"
    describe: str = ""


@dataclass(frozen=True)
class Extremum:
    """`kind` (max, min, sup, inf) of `expr` over the real `var` equals `value`; `at` is
    where it is attained, or None with `attained=False` for a bound never reached."""

    expr: str
    var: str
    value: str
    kind: str = "max"
    at: str | None = None
    attained: bool = True
    context: Context = field(default_factory=Context)


@dataclass(frozen=True)
class Invalid:
    """A claim whose declarations could not be read: it decides to an error."""

    reason: str


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    source: str
    check: Statement | Property | Extremum | Invalid
    expect: Expect = Expect.HOLDS
    notes: str = ""
    origin: str = ""  # the file that defines it (set by the registry; keys the cache)

    @property
    def course(self) -> str:
        return self.id.split("/", 1)[0]


def claim(
    id: str,
    title: str,
    *,
    source: str,
    statement: str | Sequence_[str] | None = None,
    check: Property | Extremum | None = None,
    let: Mapping[str, str | Decl] | None = None,
    where: Mapping[str, str] | None = None,
    assume: Iterable[str] = (),
    given: Iterable[str] = (),
    sizes: Mapping[str, Iterable[int]] | None = None,
    numeric_sizes: Mapping[str, Iterable[int]] | None = None,
    up_to: tuple[str, int] | None = None,
    context: Context | None = None,
    expect: str = "holds",
    notes: str = "",
) -> Claim:
    """Build a claim. Misuse of this function is a ClaimError at import; a declaration
    or definition that does not parse makes an `Invalid` claim, so that one bad claim is
    reported as an error while the rest of the library still runs."""
    if (statement is None) == (check is None):
        raise ClaimError(f"{id}: give exactly one of statement= or check=")
    try:
        ctx = build_context(let, where, assume, base=context)
    except DeriveError as exc:
        return Claim(id, title, source, Invalid(str(exc)), Expect(expect), notes)
    if isinstance(check, Extremum):
        check = replace(check, context=ctx)
    if check is not None:
        return Claim(id, title, source, check, Expect(expect), notes)
    default_sizes = _default_sizes(ctx)
    proof_sizes = _size_grid(sizes) if sizes is not None else default_sizes
    check_sizes = (
        _size_grid(numeric_sizes) if numeric_sizes is not None else _numeric(proof_sizes, ctx)
    )
    texts = [statement] if isinstance(statement, str) else list(statement)
    body = Statement(
        texts[0], ctx, tuple(given), proof_sizes, check_sizes, up_to, also=tuple(texts[1:])
    )
    return Claim(id, title, source, body, Expect(expect), notes)


def statement(
    text: str,
    context: Context,
    *,
    given: Iterable[str] = (),
    latex: bool | None = None,
    links: Iterable[ast.Relation] = (),
    sizes: Mapping[str, Iterable[int]] | None = None,
) -> Statement:
    """A statement to decide in a context, with the sizes a claim in that context gets
    (or those given, as a claim's `sizes=`)."""
    grid = _size_grid(sizes) if sizes else _default_sizes(context)
    return Statement(
        text, context, tuple(given), grid, _numeric(grid, context), latex=latex, links=tuple(links)
    )


def build_context(
    let: Mapping[str, str | Decl] | None = None,
    where: Mapping[str, str] | None = None,
    assume: Iterable[str] = (),
    *,
    base: Context | None = None,
    strict: bool = False,
) -> Context:
    """A context from the text forms authors and users write."""
    from derive.parsing import parse_expression
    from derive.parsing.declarations import parse_assumption, parse_type

    decls: dict[str, Decl] = {}
    from derive.parsing.plain import normalize_name

    for name, decl in (let or {}).items():  # `lam` declares the lambda that `lam` means
        decls[normalize_name(name)] = parse_type(decl) if isinstance(decl, str) else decl
    merged = dict(base.decls) if base else {}
    merged.update(decls)
    distinct = set(base.distinct) if base else set()
    for text in assume:
        if pair := distinct_names(text):
            distinct.add(pair)
            continue
        for name, domain in parse_assumption(text):
            current = merged.get(name, Scalar())
            if isinstance(current, Scalar):
                merged[name] = Scalar(current.domain.intersect(domain))
                if merged[name].domain.is_empty():
                    raise ClaimError(
                        f"the assumptions on {name} contradict each other (up to '{text}', "
                        "no value is left)"
                    )
            elif isinstance(current, Vector):
                merged[name] = Vector(current.size, current.domain.intersect(domain))
            else:
                raise ClaimError(f"cannot assume '{text}' of a {type(current).__name__.lower()}")
    definitions = list(base.definitions) if base else []
    recurrences: dict[str, tuple[str, dict[int, ast.Node], ast.Node | None]] = {}
    for key, text in (where or {}).items():
        head = parse_expression(key)
        body = parse_expression(text)
        match head:
            case ast.Name(name=name):
                definitions.append(Definition(name, body))
            case ast.Call(func=name, args=args) if all(isinstance(a, ast.Name) for a in args):
                definitions.append(Definition(name, body, tuple(a.name for a in args)))  # type: ignore[attr-defined]
            case ast.Subscript(base=name, index=ast.Num(value=value)):
                _, bases, general = recurrences.get(name, ("t", {}, None))
                bases[int(value)] = body
                recurrences[name] = (recurrences.get(name, ("t",))[0], bases, general)
            case ast.Subscript(base=name, index=ast.Name(name=param)) if _is_sequence_definition(
                name, param, body, merged
            ):
                _, bases, _ = recurrences.get(name, (param, {}, None))
                recurrences[name] = (param, bases, body)
            case ast.Subscript(base=name, label=label):
                definitions.append(Definition(f"{name}_{label}", body))
            case _:
                raise ClaimError(f"cannot define '{key}': write a name, f(x) or x_t")
    for name, (param, bases, general) in recurrences.items():
        if general is None:
            for index, body in bases.items():  # only fixed elements: names such as h_0
                definitions.append(Definition(f"{name}_{index}", body))
            continue
        cases = (*sorted(bases.items()), general)
        definitions.append(Definition(name, cases, (param,)))
        if not isinstance(merged.get(name), Sequence | Random):
            merged.setdefault(name, Sequence())
    return Context(
        merged,
        tuple(definitions),
        strict or (base.strict if base else False),
        frozenset(distinct),
        base.open_world if base else False,
        base.dependent if base else frozenset(),
        base.summation if base else False,
    )


def distinct_names(text: str) -> frozenset[str] | None:
    """`s != t` between two names (indices of a random sequence): assumed different."""
    from derive.errors import ParseError
    from derive.parsing import parse_statement

    try:
        node = parse_statement(text)
    except ParseError:
        return None
    match node:
        case ast.Relation(op="!=", lhs=ast.Name(name=a), rhs=ast.Name(name=b)) if a != b:
            return frozenset((a, b))
    return None


def _is_sequence_definition(name: str, param: str, body: ast.Node, decls: dict[str, Decl]) -> bool:
    """`v_t := ...` defines a sequence when v is declared one, t is an integer, or the
    body refers to v's other elements; otherwise `mu_y := ...` defines the name mu_y."""
    param_decl = decls.get(param)
    return (
        isinstance(decls.get(name), Sequence | Random)
        or (isinstance(param_decl, Scalar) and param_decl.domain.integer)
        or _mentions_element(body, name)
    )


def _mentions_element(node: object, base: str) -> bool:
    """Whether `base_{...}` occurs in node (a recurrence mentions its earlier elements)."""
    return any(isinstance(n, ast.Subscript) and n.base == base for n in ast.walk(node))


def _default_sizes(ctx: Context) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Equal sizes 1, 2, 3, and (with several size names) sizes that differ, in each order:
    `det(AᵀA) = det(AAᵀ)` holds at m = n only. Sizes the assumptions exclude are left out."""
    names = sorted(_size_names(ctx))
    if not names:
        return ((),)
    grid = [tuple((name, n) for name in names) for n in (1, 2, 3)]
    if len(names) > 1:
        for start in (1, 2):
            values = list(range(start, start + len(names)))
            for shift in range(len(names)):
                rotated = values[shift:] + values[:shift]
                grid.append(tuple(zip(names, rotated, strict=True)))
                grid.append(tuple(zip(names, reversed(rotated), strict=True)))
    return _allowed(ctx, grid) or ((),)


def _allowed(
    ctx: Context, grid: Iterable[tuple[tuple[str, int], ...]]
) -> tuple[tuple[tuple[str, int], ...], ...]:
    """The size assignments the context's assumptions admit (`n >= 2` drops n = 1),
    without repeats, smallest first."""
    kept: list[tuple[tuple[str, int], ...]] = []
    for sizes in grid:
        admitted = all(
            not isinstance(decl := ctx.lookup(name), Scalar)
            or decl.domain.contains(Fraction(value))
            for name, value in sizes
        )
        if admitted and sizes not in kept:
            kept.append(sizes)
    return tuple(sorted(kept, key=lambda c: (sum(v for _, v in c), c)))


def _size_names(ctx: Context) -> set[str]:
    from derive.model.types import Matrix

    found: set[str] = set()

    def visit(decl: object) -> None:
        match decl:
            case Vector(size=size):
                found.update({size} if isinstance(size, str) else set())
            case Matrix(rows=rows, cols=cols):
                found.update(s for s in (rows, cols) if isinstance(s, str))
            case Sequence(element=element):
                visit(element)
            case Random(shape=shape):
                visit(shape)

    for decl in ctx.decls.values():
        visit(decl)
    return found


def _size_grid(sizes: Mapping[str, Iterable[int]]) -> tuple[tuple[tuple[str, int], ...], ...]:
    """{"n": (1, 2), "T": (2, 3)} → every combination, smallest first."""
    import itertools

    names = sorted(sizes)
    grid = itertools.product(*(sorted(sizes[n]) for n in names))
    return tuple(
        sorted(
            (tuple(zip(names, combo, strict=True)) for combo in grid),
            key=lambda c: sum(v for _, v in c),
        )
    )


def _numeric(
    proof_sizes: tuple[tuple[tuple[str, int], ...], ...], ctx: Context | None = None
) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Numeric checks run at the proof sizes and beyond them: every size up to 6, then 8,
    so that a boundary in the statement (a Gram determinant of 4 columns, n = 4 in
    `(n - 4)^2 >= 1`) is crossed, and with several size names, sizes that differ."""
    if proof_sizes == ((),):
        return proof_sizes
    largest = max(max((v for _, v in s), default=1) for s in proof_sizes)
    names = sorted({n for s in proof_sizes for n, _ in s})
    extra = [tuple((n, size) for n in names) for size in (*range(largest + 1, 7), 8)]
    if len(names) > 1:
        values = list(range(largest + 1, largest + 1 + len(names)))
        extra += [tuple(zip(names, values, strict=True))]
        extra += [tuple(zip(names, reversed(values), strict=True))]
    grid = (*proof_sizes, *extra)
    return _allowed(ctx, grid) if ctx is not None else tuple(dict.fromkeys(grid))
