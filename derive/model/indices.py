"""Index notation: what the letters in `X_{ij}`, `A_{ik} B_{kj}` and a bare `Σ_i` range over.

Decided once per relation, before lowering:
- a symbolic superscript on a sequence that is not random is its index (`h^{n-1}`,
  `w^{t+1}` where h, w are sequences): such a name alone is no number to raise to a
  power (a random sequence's name is its generic element, `E[g^2]`, and `h^2` stays
  a power);
- an index repeated on two factors of one product, and nowhere free, is summed (the
  summation convention: `A_{ik} B_{kj}` is Σ_k A_{ik} B_{kj});
- a bare `Σ_i` runs over the extent of the entries its body indexes with i (`X_{ij}` of an
  m×n X: i = 1..m); uses of i with different declared extents leave it unknown;
- an index that no sum binds is free: the relation must hold for every value of it, so
  `instances.build` lowers it once per value.

A sum written first in a run of terms that all use its indices covers the run, as the
writer means (`Σ_{ij} |X_{ij}|² + 2 X_{ij}` is Σ_{ij} (|X_{ij}|² + 2 X_{ij}); a following
term without its indices stays outside). Any other letter summed in one place and free in
another has no single reading: that is an error the user sees, never a guess.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction

from derive.errors import DeriveError, Unsupported
from derive.model import ast
from derive.model.reading import means_transpose
from derive.model.types import Context, Definition, Matrix, Sequence, Size, Vector, shape_of


@dataclass(frozen=True)
class Elaborated:
    """A relation with its index notation made explicit, and the letters left free (with
    their extents), over which it must hold for every value."""

    relation: ast.Relation
    free: dict[str, Size]
    contracted: frozenset[str] = frozenset()  # letters a product repeats, summed (Einstein)


def elaborate(relation: ast.Relation, context: Context) -> Elaborated:
    """The relation with repeated indices summed and bare sums given their ranges."""
    _check_exclusions(relation)
    _check_entries(relation, context)
    if not _has_index_notation(relation, context):
        return Elaborated(relation, {})
    letters = _Letters(context)
    relation = _superscript_indices(relation, context)
    relation = letters.extend_scopes(relation)
    contracted = letters.contractible(relation)
    tree = _Rewrite(letters, contracted).node(relation, frozenset())
    free = letters.free(tree)
    return Elaborated(tree, free, frozenset(contracted))  # type: ignore[arg-type]


class _Letters:
    """Index letters of entries of declared vectors and matrices."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def extend_scopes(self, node: object) -> object:
        """Each sum that starts a run of terms using all of its indices, over that run."""
        if isinstance(node, tuple):
            return tuple(self.extend_scopes(item) for item in node)
        if not isinstance(node, ast.Node):
            return node
        children = {key: self.extend_scopes(value) for key, value in node.__dict__.items()}
        node = replace(node, **children) if children != node.__dict__ else node
        if not isinstance(node, ast.Add):
            return node
        terms: list[ast.Node] = []
        for term in node.terms:
            last = terms[-1] if terms else None
            if isinstance(last, ast.Sum) and self._continues(last, term):
                terms[-1] = _absorb(last, term)
            else:
                terms.append(term)
        return replace(node, terms=tuple(terms)) if len(terms) > 1 else terms[0]

    def _continues(self, total: ast.Sum, term: ast.Node) -> bool:
        """Whether `term` uses every index of the (nested) sum, free."""
        indices = set(_sum_indices(total))
        return indices <= set(self.carried(term)) and not total.product

    def extents(self, node: ast.Subscript) -> dict[str, Size]:
        """{letter: extent} for `u_i` of a vector or `X_{ij}` of a matrix; {} for anything
        else (`h_t` of a sequence, `w_{hat}`, `u_1`)."""
        decl = self.context.lookup(node.base)
        shape = shape_of(decl)
        index = node.index
        if not isinstance(index, ast.Name) or self._named(index.name):
            return {}
        if isinstance(shape, Vector) and len(index.name) == 1:
            return {index.name: shape.size}
        if isinstance(shape, Matrix) and len(index.name) == 2 and index.name[0] != index.name[1]:
            if any(self._named(c) for c in index.name):
                return {}
            return {index.name[0]: shape.rows, index.name[1]: shape.cols}
        return {}

    def _named(self, name: str) -> bool:
        return self.context.lookup(name) is not None or self.context.definition(name) is not None

    def carried(self, node: object, bound: frozenset[str] = frozenset()) -> Counter[str]:
        """How often each unbound index letter is carried by `node`: once per factor of a
        product, once for a sum of terms that each carry it (`θ A_{ik} + C_{ik}`)."""
        match node:
            case ast.Subscript():
                return Counter(letter for letter in self.extents(node) if letter not in bound)
            case ast.Sum(var=var):
                return self.carried(node.body, bound | {var})
            case ast.Add(terms=terms):
                found: Counter[str] = Counter()
                for term in terms:
                    found |= self.carried(term, bound)
                return found
            case ast.Node():
                return sum((self.carried(v, bound) for v in node.__dict__.values()), Counter())
            case tuple():
                return sum((self.carried(v, bound) for v in node), Counter())
        return Counter()

    def contractible(self, relation: ast.Relation) -> set[str]:
        """Letters whose every occurrence lies in a product that pairs them (Einstein)."""
        covered: set[str] = set()
        loose: set[str] = set()

        def visit(node: object, bound: frozenset[str], pairing: frozenset[str]) -> None:
            if isinstance(node, tuple):
                for item in node:
                    visit(item, bound, pairing)
                return
            if not isinstance(node, ast.Node):
                return
            if isinstance(node, ast.Subscript):
                for letter in self.extents(node):
                    if letter not in bound:
                        (covered if letter in pairing else loose).add(letter)
            if isinstance(node, ast.Mul):
                pairing = pairing | self._pairs(node, bound)
            inner = bound | {node.var} if isinstance(node, ast.Sum) else bound
            for value in node.__dict__.values():
                visit(value, inner, pairing)

        visit(relation, frozenset(), frozenset())
        return covered - loose

    def _pairs(self, node: ast.Mul, bound: frozenset[str]) -> set[str]:
        """Letters carried once each by exactly two factors of the product."""
        per_factor = [self.carried(factor, bound) for factor in node.factors]
        counts = Counter(letter for c in per_factor for letter in c)
        return {
            letter
            for letter, count in counts.items()
            if count == 2 and all(c[letter] <= 1 for c in per_factor)
        }

    def free(self, tree: ast.Node) -> dict[str, Size]:
        """Unbound letters and their extents; a letter that is also summed somewhere, or
        that indexes entries of different extents, has no single reading."""
        summed = {node.var for node in ast.walk(tree) if isinstance(node, ast.Sum)}
        free: dict[str, set[Size]] = {}
        for sub, bound in _entries(tree, frozenset()):
            for letter, extent in self.extents(sub).items():
                if letter not in bound:
                    free.setdefault(letter, set()).add(extent)
        for letter, extents in free.items():
            if letter in summed:
                raise Unsupported(
                    f"the index {letter} is summed in one place and free in another: put the "
                    "terms the sum covers in brackets"
                )
            if len(extents) > 1:
                raise Unsupported(f"the index {letter} indexes entries of different sizes")
        return {letter: next(iter(extents)) for letter, extents in free.items()}

    def range_of(self, var: str, body: ast.Node) -> Size:
        """The extent a bare `Σ_var` runs over: that of every entry of the body indexed by
        var."""
        extents = {
            self.extents(sub)[var]
            for sub, bound in _entries(body, frozenset())
            if var in self.extents(sub) and var not in bound
        }
        if len(extents) != 1:
            what = "indexes entries of different sizes" if extents else "indexes no entry"
            raise Unsupported(
                f"the range of Σ_{var} is not known (it {what}): write Σ_{{{var}=1}}^{{n}}"
            )
        return next(iter(extents))


class _Rewrite:
    """Rebuilds the tree: products that pair off a letter become sums over it; bare sums
    get the range of the entries they index."""

    def __init__(self, letters: _Letters, contracted: set[str]) -> None:
        self.letters = letters
        self.contracted = contracted

    def node(self, node: object, bound: frozenset[str]) -> object:
        if isinstance(node, tuple):
            return tuple(self.node(item, bound) for item in node)
        if not isinstance(node, ast.Node):
            return node
        inner = bound | {node.var} if isinstance(node, ast.Sum) else bound
        children = {key: self.node(value, inner) for key, value in node.__dict__.items()}
        rebuilt = replace(node, **children) if children != node.__dict__ else node
        if isinstance(rebuilt, ast.Sum) and rebuilt.lower is None:
            extent = self.letters.range_of(rebuilt.var, rebuilt.body)
            rebuilt = replace(rebuilt, lower=_one(rebuilt.pos), upper=_size(extent, rebuilt.pos))
        if isinstance(rebuilt, ast.Mul):
            for letter in sorted(self.letters._pairs(rebuilt, bound) & self.contracted):
                extent = self.letters.range_of(letter, rebuilt)
                rebuilt = ast.Sum(
                    rebuilt, letter, _one(node.pos), _size(extent, node.pos), pos=node.pos
                )
        return rebuilt


def _superscript_indices(node: object, context: Context) -> object:
    if isinstance(node, tuple):
        return tuple(_superscript_indices(item, context) for item in node)
    if not isinstance(node, ast.Node):
        return node
    fields = {key: _superscript_indices(value, context) for key, value in node.__dict__.items()}
    node = replace(node, **fields) if fields != node.__dict__ else node
    match node:
        case ast.Pow(base=ast.Name(name=name), exponent=index) if (
            not isinstance(index, ast.Num)
            and isinstance(context.lookup(name), Sequence)
            and not means_transpose(index, context)
        ):
            return ast.Subscript(name, index, _label(index), node.pos)
    return node


def _check_exclusions(relation: ast.Relation) -> None:
    """Σ_{i ≠ j} skips the value of j, an index used outside the sum; where j is used only
    inside it (Σ_{i ≠ j} x_i x_j, a sum over pairs to many readers) it has no single reading."""
    for node in ast.walk(relation):
        if isinstance(node, ast.Sum) and node.excluding is not None:
            outside = _without(relation, node)
            if node.excluding in ast.names(node.body) and node.excluding not in ast.names(outside):
                raise Unsupported(
                    f"Σ_{{{node.var} ≠ {node.excluding}}}: is {node.excluding} summed too (a sum "
                    f"over pairs) or fixed? write the sums out"
                )


def _check_entries(relation: ast.Relation, context: Context) -> None:
    """An index of an entry of an expression ((W x)_i), or of an undeclared δ_{ij},
    repeated on another factor of its product ((W x)_i y_i, δ_{ij} a_j) would be summed by
    the convention (it is nowhere else) over an extent this module cannot see: refused
    rather than read as free, unless a sum written out binds it."""
    for node, scope in _walk_bound(relation):
        if not isinstance(node, ast.Mul):
            continue
        for k, factor in enumerate(node.factors):
            letters = _unseen_indices(factor, context) - scope
            if not letters:
                continue
            repeated = letters & _letters(node.factors[:k] + node.factors[k + 1 :])
            if repeated - _letters(_without(relation, node)):  # the convention would sum it
                raise Unsupported(
                    "an index of an entry of an expression or of δ repeated in its product "
                    "((W x)_i y_i, δ_{ij} a_j): write the sum with \\sum"
                )


def _letters(tree: object) -> set[str]:
    """The names a tree mentions and their letters (`ij` of X_{ij} is i and j)."""
    found = ast.names(tree)
    return found | {letter for name in found for letter in name}


def _unseen_indices(factor: ast.Node, context: Context) -> set[str]:
    """The index letters of an entry of an expression, or of an undeclared δ."""
    if isinstance(factor, ast.Component) or (
        isinstance(factor, ast.Subscript)
        and factor.base == "delta"
        and context.lookup("delta") is None
    ):
        index = factor.index
    else:
        return set()
    return set("".join(n.name for n in ast.walk(index) if isinstance(n, ast.Name)))


def _without(tree: ast.Node, part: ast.Node) -> ast.Node:
    """The tree with `part` (that very node) replaced by 0."""
    return ast.rebuilt(tree, lambda node, _: ast.Num(Fraction(0)) if node is part else None)


def _has_index_notation(relation: ast.Relation, context: Context) -> bool:
    """Whether anything here is for this module: an entry of a declared vector or matrix,
    a bare sum, or a power of a declared sequence (most statements have none)."""
    for node in ast.walk(relation):
        if isinstance(node, ast.Sum) and node.lower is None:
            return True
        if isinstance(node, ast.Subscript | ast.Pow):
            name = node.base if isinstance(node, ast.Subscript) else getattr(node.base, "name", "")
            decl = context.lookup(name)
            shape = shape_of(decl)
            if isinstance(shape, Vector | Matrix) or isinstance(decl, Sequence):
                return True
    return False


def _label(index: ast.Node) -> str:
    """How an index reads in messages: `t`, `3`, `t-1`."""
    match index:
        case ast.Name(name=name):
            return name
        case ast.Num(value=value):
            return str(value)
        case ast.Add(terms=(ast.Name(name=name), ast.Num(value=value))):
            return f"{name}+{value}"
        case ast.Add(terms=(ast.Name(name=name), ast.Neg(operand=ast.Num(value=value)))):
            return f"{name}-{value}"
    return "…"


def _sum_indices(total: ast.Sum) -> list[str]:
    """The indices of Σ_i Σ_j ..., outermost first."""
    found = [total.var]
    while isinstance(total.body, ast.Sum) and not total.body.product:
        total = total.body
        found.append(total.var)
    return found


def _absorb(total: ast.Sum, term: ast.Node) -> ast.Sum:
    """Σ_i Σ_j (body + term)."""
    if isinstance(total.body, ast.Sum) and not total.body.product:
        return replace(total, body=_absorb(total.body, term))
    body = total.body
    terms = body.terms if isinstance(body, ast.Add) else (body,)
    return replace(total, body=ast.Add((*terms, term), total.pos))


def summed_families(root: object, context: Context) -> frozenset[str]:
    """Undeclared letters the tree sums over an index of (`a` of Σ_i a_i): their `a_1` is
    the element a[1] of that family too, never a separate name, so `a_1 + a_2 = Σ_{i=1}^2
    a_i` holds. The definitions the tree uses count too: with σ^2 := (1/m) Σ_i (x_i - μ)^2,
    the x_i of ∂x̂_i/∂x_i is an element of the family σ^2 sums, not a name of its own."""
    return frozenset(
        node.base
        for tree in (root, *_bodies_used(root, context))
        for node, scope in _entries(tree, frozenset())
        if context.lookup(node.base) is None and scope & ast.names(node.index)
    )


def _bodies_used(root: object, context: Context) -> list[object]:
    """The bodies of the definitions a tree uses, through other definitions."""
    found: list[object] = []
    seen: set[str] = set()
    pending = [root]
    while pending:
        tree = pending.pop()
        keys = set(ast.names(tree))
        keys |= {f"{n.base}_{n.label}" for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
        keys |= {f"{k}^2" for k in keys}
        for definition in context.definitions:
            if definition.name in keys and definition.name not in seen:
                seen.add(definition.name)
                found.append(definition.body)
                pending.append(definition.body)
    return found


def _entries(node: object, bound: frozenset[str]) -> list[tuple[ast.Subscript, frozenset[str]]]:
    """Every subscript under `node`, with the summation indices in scope there."""
    return [(n, b) for n, b in _walk_bound(node, bound) if isinstance(n, ast.Subscript)]


def _walk_bound(
    root: object, bound: frozenset[str] = frozenset()
) -> list[tuple[ast.Node, frozenset[str]]]:
    found: list[tuple[ast.Node, frozenset[str]]] = []
    pending: list[tuple[object, frozenset[str]]] = [(root, bound)]
    while pending:
        item, scope = pending.pop()
        if isinstance(item, ast.Node):
            found.append((item, scope))
            inner = scope | {item.var} if isinstance(item, ast.Sum) else scope
            pending.extend((value, inner) for value in item.__dict__.values())
        elif isinstance(item, tuple):
            pending.extend((value, scope) for value in item)
    return found


def _one(pos: int) -> ast.Node:
    return ast.Num(Fraction(1), pos)


def _size(extent: Size, pos: int) -> ast.Node:
    return ast.Num(Fraction(extent), pos) if isinstance(extent, int) else ast.Name(extent, pos)


def entrywise_shape(definition: Definition, context: Context) -> Vector | None:
    """The vector a line defines entry by entry: `a_j = e^{z_j} / Σ_k e^{z_k}` with z a
    vector of size n makes a a vector of size n, so that its index j ranges over 1..n
    like z's (an index nothing gives a range to is not a free index of the step)."""
    base, _, letter = definition.name.rpartition("_")
    if not (base and len(letter) == 1 and letter.islower()) or definition.params:
        return None
    if context.lookup(base) is not None or context.definition(base) is not None:
        return None
    for node in ast.walk(definition.body):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.index, ast.Name)
            and node.index.name == letter
            and isinstance(decl := context.lookup(node.base), Vector)
        ):
            return Vector(decl.size)
    return None


def with_ranges(definition: Definition, context: Context) -> Definition:
    """The definition with its bare sums given the ranges of the entries they sum
    (`a_j = e^{z_j} / Σ_k e^{z_k}`: k runs over z's indices), as a statement's are; a
    body whose sums no entry gives a range to is kept as written."""
    if definition.params or not isinstance(definition.body, ast.Node):
        return definition
    body = definition.body
    if not any(isinstance(n, ast.Sum) and n.upper is None for n in ast.walk(body)):
        return definition
    try:
        tree = elaborate(ast.Relation("=", body, body), context).relation
    except DeriveError:
        return definition
    return replace(definition, body=tree.lhs)
