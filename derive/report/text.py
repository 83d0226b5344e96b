"""Plain-text forms shared by every renderer: a verdict's evidence as labelled lines,
a claim's statement and context, and expressions printed back in derive's own syntax
(so that what `derive show` prints can be pasted into `derive prove`). Nothing here prints.

    >>> from derive.verdict import Status, Verdict
    >>> evidence(Verdict(Status.REFUTED, "counterexample search"))[0]
    ('status', 'refuted')
"""

from __future__ import annotations

import math
from fractions import Fraction

from derive.claim import Claim, Property, Statement
from derive.model import ast
from derive.model.types import (
    REAL,
    Context,
    Decl,
    Definition,
    Domain,
    Function,
    Law,
    Matrix,
    Random,
    Scalar,
    Vector,
)
from derive.model.types import Sequence as SequenceDecl
from derive.verdict import Status, Verdict

__all__ = [
    "check_text",
    "context_lines",
    "describe_decl",
    "evidence",
    "finite",
    "format_node",
    "reads_as",
    "sizes_text",
    "statement_lines",
]


def evidence(verdict: Verdict) -> list[tuple[str, str]]:
    """(label, text) rows saying what the verdict rests on, in reading order.

    Labels repeat for multi-line fields (one `step` row per step).
    """
    status = verdict.status.value
    if verdict.scope is not None and verdict.status is Status.PROVED:
        status += " " + verdict.scope.describe()  # proved for n = 1, 2, 3 only
    rows = [("status", status), ("method", verdict.method)]
    if verdict.reading:
        rows.append(("reads as", verdict.reading))
    if verdict.summary:
        rows.append(("summary", verdict.summary))
    rows += [("step", step) for step in verdict.steps]
    if verdict.proved_sizes:
        rows.append(("proved at", ", ".join(verdict.proved_sizes)))
    if verdict.trials is not None:
        rows.append(("trials", _trials_text(verdict)))
    example = verdict.counterexample
    if example is not None:
        rows.append(("counterexample", example.assignments() or "(no free names)"))
        if example.lhs or example.rhs:
            rows.append(("sides", f"{example.lhs} vs {example.rhs}"))
        rows.append(("confirmed", example.confirmed))
        if example.note:
            rows.append(("note", example.note))
    if verdict.reason:
        rows.append(("reason", verdict.reason))
    rows += [("note", note) for note in verdict.notes]
    rows.append(("time", f"{verdict.seconds:.2f} s (seed {verdict.seed})"))
    return rows


def _trials_text(verdict: Verdict) -> str:
    trials = verdict.trials
    assert trials is not None
    text = f"{trials.count} point{'s' if trials.count != 1 else ''}"
    if trials.sizes:
        several = any("," in sizes for sizes in trials.sizes)  # "s = 0, t = 1; s = 0, t = 2"
        text += f" at {('; ' if several else ', ').join(trials.sizes)}"
    if trials.max_error:
        text += f"; largest relative error {trials.max_error:.1e}"
    return text + f" (seed {trials.seed})"


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# -- claims and contexts as text ----------------------------------------------------------


def statement_lines(claim: Claim) -> list[tuple[str, str]]:
    """(label, text) rows describing what a claim asserts, for `derive show`."""
    check = claim.check
    if isinstance(check, Property):
        tried = "simple instances" + (
            f", then up to {check.trials} random ones" if check.draw is not None else " only"
        )
        exact = "exact" if check.exact else "floating point"
        rows = [("checks", check.describe or "(a property test)")]
        rows.append(("property", f"{check.kind}, {exact}; {tried}"))
        return rows
    rows = []
    if isinstance(check, Statement):
        for label, text in [("statement", check.text), *(("and", t) for t in check.also)]:
            rows.append((label, text))
            plain = reads_as(text, check.latex)
            if plain and plain != text:
                rows.append(("reads as", plain))
        if check.up_to:
            rows.append(("up to", f"O({check.up_to[0]}^{check.up_to[1]})"))
    else:
        rows.append((type(check).__name__.lower(), check_text(check)))
    context = getattr(check, "context", None)
    if isinstance(context, Context):
        lines = context_lines(context)
        rows += [(label, line) for label in ("let", "assume", "where") for line in lines[label]]
    if isinstance(check, Statement):
        rows += [("given", text) for text in check.given]
        sizes = [sizes_text(s) for s in check.sizes if s]
        if sizes:
            rows.append(("sizes", "; ".join(sizes)))
    return rows


def reads_as(text: str, latex: bool | None) -> str:
    """A statement as derive parsed it, in plain notation ("" if it does not parse)."""
    from derive.errors import DeriveError
    from derive.parsing import parse_statement

    try:
        return format_node(parse_statement(text, latex=latex))
    except (DeriveError, ImportError):
        return ""


def context_lines(context: Context) -> dict[str, list[str]]:
    """The context in the forms a user types: `let` declarations (`u: vector(n)`,
    `X ~ Normal(0, 1)`), `assume` restrictions (`0 < beta < 1`) and `where` definitions."""
    lets: list[str] = []
    assumes: list[str] = []
    for name, decl in context.decls.items():
        declared = describe_decl(name, decl)
        if declared:
            lets.append(declared)
        domain = _domain_of(decl)
        if domain is not None:
            assumes += domain_text(name, domain)
    wheres = [_definition_text(d) for d in context.definitions]
    return {"let": lets, "assume": assumes, "where": wheres}


def describe_decl(name: str, decl: Decl) -> str:
    """A declaration as `--let`/`--random` text; "" for a scalar (its domain, if any, is
    an assumption)."""
    match decl:
        case Scalar():
            return ""
        case Random(shape=Scalar(), law=law):
            return f"{name} ~ {law_text(law)}"
        case Random(shape=shape, law=law):
            return f"{name}: random {_shape_text(shape)} ~ {law_text(law)}"
        case Function(builtin=str(builtin)):
            return f"{name}: {builtin}"
        case Function(elementwise=True):
            return f"{name}: activation"
        case Function(params=params) if params:
            return f"{name}: function({', '.join(params)})"
        case Function():
            return f"{name}: function"
        case _:
            return f"{name}: {_shape_text(decl)}"


def _shape_text(shape: object) -> str:
    match shape:
        case Vector(size=size):
            return f"vector({size})"
        case Matrix(rows=rows, cols=cols):
            return f"matrix({rows}, {cols})"
        case SequenceDecl(element=Scalar()):
            return "sequence"
        case SequenceDecl(element=element):
            return f"sequence of {_shape_text(element)}"
        case Scalar(domain=domain) if domain.integer:
            return "integer"
        case _:
            return "real"


def _domain_of(decl: Decl) -> Domain | None:
    match decl:
        case Scalar(domain=domain) | Vector(domain=domain) | Matrix(domain=domain):
            return None if domain == REAL else domain
    return None


def domain_text(name: str, domain: Domain) -> list[str]:
    """A domain as `--assume` text: `n integer`, `n >= 1`, `0 < beta < 1`."""
    rows = [f"{name} integer"] if domain.integer else []
    low, high = domain.lower, domain.upper
    low_op = "<" if domain.lower_open else "<="
    high_op = "<" if domain.upper_open else "<="
    if low is not None and high is not None:
        rows.append(f"{_number(low)} {low_op} {name} {high_op} {_number(high)}")
    elif low is not None:
        rows.append(f"{name} {'>' if domain.lower_open else '>='} {_number(low)}")
    elif high is not None:
        rows.append(f"{name} {high_op} {_number(high)}")
    return rows


def law_text(law: Law) -> str:
    """`Normal(0, 1)`, `Bernoulli(p)`, `generic`."""
    if not law.params:
        return law.family
    params = ", ".join(_number(p) if isinstance(p, Fraction) else str(p) for p in law.params)
    return f"{law.family.capitalize()}({params})"


def _definition_text(definition: Definition) -> str:
    name, body, params = definition.name, definition.body, definition.params
    if isinstance(body, tuple):  # a recurrence: base cases, then the general element
        *bases, general = body
        param = params[0] if params else "t"
        lines = [f"{name}_{index} := {format_node(node)}" for index, node in bases]
        lines.append(f"{name}_{param} := {format_node(general)}")
        return "; ".join(lines)
    head = f"{name}({', '.join(params)})" if params else name
    return f"{head} := {format_node(body) if isinstance(body, ast.Node) else body}"


def sizes_text(sizes: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in sizes)


def _number(value: Fraction) -> str:
    """`3`, `0.25` when the decimal is exact and short, else `1/3`."""
    if value.denominator == 1:
        return str(value.numerator)
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    places = max(twos, fives)
    if den == 1 and places <= 6:
        return f"{float(value):.{places}f}"
    return f"{value.numerator}/{value.denominator}"


# -- expressions in plain notation --------------------------------------------------------

_RELATION, _SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(6)


def format_node(node: ast.Node) -> str:
    """An expression or statement in the plain notation `derive prove` reads back.

    >>> format_node(ast.Pow(ast.Name("x"), ast.Num(Fraction(2))))
    'x^2'
    """
    return _format(node, _RELATION)


def _format(node: ast.Node, context: int) -> str:
    text, level = _render(node)
    return f"({text})" if level < context else text


def _render(node: ast.Node) -> tuple[str, int]:
    """The text of `node` and the precedence level it binds at."""
    match node:
        case ast.Num(value=value):
            text = _number(abs(value))
            level = _PRODUCT if "/" in text else _ATOM
            if value < 0:
                return f"-{text}", _UNARY if level == _ATOM else _SUM
            return text, level
        case ast.Name(name=name) | ast.Const(name=name):
            return name, _ATOM
        case ast.Subscript(base=base, label=label):
            simple = label.isdigit() or (label[:1].isalpha() and label.replace("_", "").isalnum())
            return (f"{base}_{label}" if simple else f"{base}_{{{label}}}"), _ATOM
        case ast.Call(func=func, args=args, derivative=primes):
            inner = ", ".join(_format(a, _SUM) for a in args)
            return f"{func}{chr(39) * primes}({inner})", _ATOM
        case ast.Add(terms=terms):
            parts = []
            for i, term in enumerate(terms):
                if isinstance(term, ast.Neg):
                    operand = _format(term.operand, _PRODUCT)
                    parts.append(f"-{operand}" if i == 0 else f" - {operand}")
                else:
                    parts.append(
                        _format(term, _PRODUCT) if i == 0 else f" + {_format(term, _PRODUCT)}"
                    )
            return "".join(parts), _SUM
        case ast.Mul(factors=factors):
            parts = [_format(factors[0], _POWER)]
            for factor in factors[1:]:
                text, level = _render(factor)
                if level >= _POWER and not text[:1].isdigit():
                    parts.append(f" {text}")  # juxtaposition: `2 x`, `transpose(u) u`
                else:
                    parts.append(f" * {_format(factor, _UNARY)}")
            return "".join(parts), _PRODUCT
        case ast.Neg(operand=operand):
            text, level = _render(operand)
            if level >= _UNARY:
                return f"-{text}", _UNARY
            if level == _PRODUCT:  # `-a b` is a leading sign on the whole product
                return f"-{text}", _SUM
            return f"-({text})", _UNARY
        case ast.Div(numerator=num, denominator=den):
            return f"{_format(num, _PRODUCT)} / {_format(den, _UNARY)}", _PRODUCT
        case ast.Hadamard(left=left, right=right):
            return f"{_format(left, _PRODUCT)} ⊙ {_format(right, _UNARY)}", _PRODUCT
        case ast.Pow(base=base, exponent=exponent):
            return f"{_format(base, _ATOM)}^{_format(exponent, _UNARY)}", _POWER
        case ast.Transpose(operand=operand):
            return f"transpose({_format(operand, _SUM)})", _ATOM
        case ast.Norm(operand=operand, kind=kind):
            return f"||{_format(operand, _SUM)}||" + (f"_{kind}" if kind else ""), _ATOM
        case ast.Abs(operand=operand):
            inner = _format(operand, _SUM)
            return (f"abs({inner})" if "|" in inner else f"|{inner}|"), _ATOM
        case ast.Sum(body=body, var=var, lower=lower, upper=upper, product=product):
            head = "Product" if product else "Sum"
            bounds = f"({var}, {_format(lower, _SUM)}, {_format(upper, _SUM)})"
            return f"{head}({_format(body, _SUM)}, {bounds})", _ATOM
        case ast.Derivative(expr=expr, var=var, order=order):
            extra = f", {order}" if order != 1 else ""
            return f"diff({_format(expr, _SUM)}, {_format(var, _SUM)}{extra})", _ATOM
        case ast.Gradient(expr=expr, var=var):
            return f"grad({_format(expr, _SUM)}, {_format(var, _SUM)})", _ATOM
        case ast.Expectation(expr=expr):
            return f"E[{_format(expr, _SUM)}]", _ATOM
        case ast.Variance(expr=expr):
            return f"Var[{_format(expr, _SUM)}]", _ATOM
        case ast.Relation(op=op, lhs=lhs, rhs=rhs):
            return f"{_format(lhs, _SUM)} {op} {_format(rhs, _SUM)}", _RELATION
        case ast.Chain(links=links):
            text = _format(links[0].lhs, _SUM)
            for link in links:
                text += f" {link.op} {_format(link.rhs, _SUM)}"
            return text, _RELATION
    return repr(node), _ATOM


def check_text(check: object) -> str:
    """What a claim asserts, in one line: the statement, or an extremum such as
    `max over z of sigmoid'(z) = 1/4, at z = 0`; "" for a property test."""
    if isinstance(check, Statement):
        return check.text
    if isinstance(check, Property):
        return ""
    expr, var, value = (getattr(check, key, None) for key in ("expr", "var", "value"))
    if not all(isinstance(v, str) for v in (expr, var, value)):
        return ""
    text = f"{getattr(check, 'kind', 'max')} over {var} of {expr} = {value}"
    at = getattr(check, "at", None)
    if at:
        text += f", at {var} = {at}"
    elif getattr(check, "attained", True) is False:
        text += ", not attained"
    return text
