"""What a derivation's own prose says its names are.

A document without an answer key still says what its letters mean: "Let $z \\in
\\mathbb{R}^K$", "$W \\in \\mathbb{R}^{m \\times n}$", "where $\\sigma$ is the sigmoid
function". Each such sentence becomes a declaration, kept with the words that said it, so
the report can show what was inferred and a reader can correct it with `--let`.

Only sentences with one reading are taken. A name declared twice in different ways is
left undeclared (and said), never guessed.

    >>> [(i.name, i.meaning()) for i in infer("Let $z \\\\in \\\\mathbb{R}^K$ be the logits.")]
    [('z', 'a vector of size K')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from derive.errors import DeriveError
from derive.grading.math_text import find_math
from derive.model import ast
from derive.model.types import Decl, Function, Matrix, Scalar, Vector
from derive.parsing import parse_expression, parse_statement
from derive.vocabulary import ACTIVATIONS, ARITY

__all__ = ["Inference", "components", "infer", "parsed"]


@dataclass(frozen=True)
class Inference:
    """One name's declaration, and the words of the document it was read from."""

    name: str
    decl: Decl
    evidence: str
    # read from how the steps write it (components y_i), not from a sentence that says
    # what it is: whether it depends on the other names is not known
    dependent: bool = False

    def meaning(self) -> str:
        """`a vector of size K`: what the name was read as."""
        return _kind(self.decl)


def _kind(decl: Decl) -> str:
    match decl:
        case Vector(size=size):
            return f"a vector of size {size}"
        case Matrix(rows=rows, cols=cols):
            return f"a {rows}×{cols} matrix"
        case Function(builtin=builtin) if builtin:
            return f"the function {builtin}"
        case Function():
            return "a function nothing else is said of"
        case _:
            return "a real number"


# `x, y \in \mathbb{R}^{n}`; `W \in \mathbb R^{m \times n}`; `b \in ℝ`
_MEMBERSHIP = re.compile(
    r"^(?P<names>[^=<>]+?)\s*(?:\\in\b|∈)\s*(?:\\mathbb\s*\{?\s*R\s*\}?|ℝ|\\R\b|\\Re\b)"
    r"\s*(?:\^\s*(?P<dims>\{[^{}]*\}|[A-Za-z0-9]))?\s*[.,;]?\s*$"
)
_TIMES = re.compile(r"\\times|×|\*|,")
# `$\sigma$ is the (logistic) sigmoid (function)`, `$f$ denotes the softmax`
_NAMED_FUNCTION = re.compile(
    r"\$(?P<name>[^$]{1,40})\$\s*(?:\([^)]{0,20}\)\s*)?(?:is|denotes|be|as)\s+"
    r"(?:(?:the|any|an|a|some|arbitrary)\b\s*)*(?:logistic\s+|element-?wise\s+|smooth\s+)?"
    r"(?:\$\s*\\?)?(?P<word>[A-Za-z]+)",
    re.IGNORECASE,
)
_GENERIC = {"activation", "function", "nonlinearity", "non-linearity"}  # no particular one
_SIZE = re.compile(r"^(?:[A-Za-z]|\d{1,3})$")


def infer(text: str) -> tuple[Inference, ...]:
    """Every declaration the document's prose and inline mathematics make, in order."""
    found: list[Inference] = []
    math, _ = find_math(text)
    for block in math:
        body = _body(block.text)
        for piece in re.split(r"\\quad|\\text\{\s*and\s*\}|;", body):
            found.extend(_membership(piece.strip()))
    for match in _NAMED_FUNCTION.finditer(text):
        word = match.group("word")
        builtin = _builtin(word)
        name = _name(match.group("name"))
        if name is None:
            continue
        if builtin is not None and name not in ARITY:
            found.append(Inference(name, Function(builtin=builtin), _short(match.group(0))))
        elif word.lower() in _GENERIC:  # "$\\sigma$ is an activation function": not sigmoid
            found.append(Inference(name, Function(elementwise=True), _short(match.group(0))))
    return _consistent(found)


def _body(math: str) -> str:
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if math.startswith(left) and math.endswith(right) and len(math) >= len(left) + len(right):
            return math[len(left) : len(math) - len(right)]
    return math


def _membership(text: str) -> list[Inference]:
    match = _MEMBERSHIP.match(text)
    if match is None:
        return []
    decl = _shape(match.group("dims"))
    if decl is None:
        return []
    names = [_name(part) for part in match.group("names").split(",")]
    if not names or any(name is None for name in names):
        return []
    return [Inference(name, decl, _short(text)) for name in names if name is not None]


def _shape(dims: str | None) -> Decl | None:
    """ℝ, ℝ^K, ℝ^{m×n}; a size that is not a letter or a small number is not read."""
    if dims is None:
        return Scalar()
    parts = [p.strip() for p in _TIMES.split(dims.strip("{}"))]
    if not all(_SIZE.match(p) for p in parts):
        return None
    sizes: list[int | str] = [int(p) if p.isdigit() else p for p in parts]
    if any(size == 0 for size in sizes):
        return None
    match sizes:
        case [size] | [size, 1]:
            return Scalar() if size == 1 else Vector(size)
        case [rows, cols]:
            return Matrix(rows, cols)
    return None


def _name(text: str) -> str | None:
    """The name a piece of LaTeX is, read by derive's own parser (`\\mathbf{x}` is x)."""
    try:
        node = parse_expression(text.strip(), latex=True)
    except DeriveError:
        return None
    match node:
        case ast.Name(name=name):
            return name
        case ast.Subscript(base=base, label=label):  # W_{hh}, x^{(i)}: a name of its own
            return f"{base}_{label}"
    return None


def _builtin(word: str) -> str | None:
    """An activation a declaration may name (`sigma: sigmoid`), as the prose spells it."""
    name = word.lower()
    return name if name in ACTIVATIONS else None


def _consistent(found: list[Inference]) -> tuple[Inference, ...]:
    """The first inference of each name, unless another one contradicts it."""
    by_name: dict[str, Inference] = {}
    contradicted: set[str] = set()
    for item in found:
        first = by_name.setdefault(item.name, item)
        if first.decl != item.decl:
            contradicted.add(item.name)
    return tuple(item for name, item in by_name.items() if name not in contradicted)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# letters that index time (a sequence), not the components of a vector
_TIME = {"t", "T", "s", "tau"}
_SIZES = ("n", "m", "K", "d", "N", "D")


def components(
    steps: Sequence[str], known: Sequence[Inference], *, latex: bool | None
) -> tuple[Inference, ...]:
    """Vectors the steps write by their components: a letter that nothing declares,
    used with a one-letter index (`y_i`, `\\theta_k`) and otherwise only with digits
    or bare, is a vector, all such vectors of one size (named after a letter the steps
    do not use). A letter indexed by time (`h_t`, `s_{t-1}`), or whose component a line
    defines (`\\sigma_i = ...`), is left alone."""
    trees = parsed(steps, latex=latex)
    taken = {item.name for item in known}
    labels: dict[str, set[str]] = {}
    refused: set[str] = set()
    used: set[str] = set()
    for tree in trees:
        used |= ast.names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                labels.setdefault(node.base, set()).add(node.label)
                if not re.fullmatch(r"[a-z]|\d+", node.label) or node.label in _TIME:
                    refused.add(node.base)
            elif isinstance(node, ast.Call):
                refused.add(node.func)
        first = tree.links[0] if isinstance(tree, ast.Chain) else tree
        if isinstance(first, ast.Relation) and isinstance(first.lhs, ast.Subscript):
            refused.add(first.lhs.base)  # `σ_i = e^{a_i}/Σ`: a definition of a name
    bounds = _sum_bounds(trees)
    common = Counter(bounds.values()).most_common(1)
    size = common[0][0] if common else next((n for n in _SIZES if n not in used), None)
    if size is None:
        return ()
    found = []
    for base, written in labels.items():
        if base in refused or base in taken or base in ARITY or base in _TIME:
            continue
        letters = sorted(label for label in written if label.isalpha())
        if letters:
            evidence = ", ".join(f"{base}_{label}" for label in letters[:3])
            found.append(Inference(base, Vector(bounds.get(base, size)), evidence, True))
    return tuple(found)


def parsed(steps: Sequence[str], *, latex: bool | None) -> list[ast.Node]:
    """The trees of the steps that can be read (the others say nothing about names)."""
    trees = []
    for text in steps:
        try:
            trees.append(parse_statement(text, latex=latex))
        except DeriveError:
            continue
    return trees


def _sum_bounds(trees: Sequence[ast.Node]) -> dict[str, str]:
    """`Σ_{i=1}^{K} y_i`: y has K components (the first such sum of each letter)."""
    found: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Sum)
                and isinstance(node.upper, ast.Name)
                and isinstance(node.lower, ast.Num)
                and node.lower.value == 1
            ):
                continue
            for item in ast.walk(node.body):
                if isinstance(item, ast.Subscript) and item.label == node.var:
                    found.setdefault(item.base, node.upper.name)
    return found
