"""The plain-text parser: the AST it builds, the columns of its errors, and its limits."""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.model.ast import (
    Abs,
    Add,
    Call,
    Chain,
    Const,
    Derivative,
    Div,
    Expectation,
    Gradient,
    Hadamard,
    Mul,
    Name,
    Neg,
    Node,
    Norm,
    Num,
    Pow,
    Relation,
    Subscript,
    Sum,
    Transpose,
    Variance,
)
from derive.parsing.plain import parse_plain, parse_plain_expression, tokenize

x, y, z, a, b, c, d = (Name(s) for s in "xyzabcd")


def n(value: int | str) -> Num:
    return Num(Fraction(value))


def sub(base: str, index: Node, label: str) -> Subscript:
    return Subscript(base, index, label)


# -- structure -------------------------------------------------------------------------

STRUCTURE = [
    # numbers
    ("0.1", n("0.1")),
    (".5", n("1/2")),
    ("1e-3", n("1/1000")),
    ("2.5E2", n(250)),
    ("-3", Neg(n(3))),
    # precedence and associativity
    ("-x^2", Neg(Pow(x, n(2)))),
    ("2^-1", Pow(n(2), Neg(n(1)))),
    ("2^3^4", Pow(n(2), Pow(n(3), n(4)))),
    ("x**2", Pow(x, n(2))),
    ("a - b", Add((a, Neg(b)))),
    ("a + b + c", Add((a, b, c))),
    ("a - b - c", Add((a, Neg(b), Neg(c)))),
    ("a - -b", Add((a, Neg(Neg(b))))),
    ("-a + b", Add((Neg(a), b))),
    ("-a*b", Neg(Mul((a, b)))),
    ("a*-b*c", Mul((a, Neg(b), c))),
    ("a*b*c", Mul((a, b, c))),
    ("a @ b @ c", Mul((a, b, c))),
    ("a·b×c", Mul((a, b, c))),
    ("a − b", Add((a, Neg(b)))),
    ("a/b/c", Div(Div(a, b), c)),
    ("a*b/c", Div(Mul((a, b)), c)),
    ("a/b*c", Mul((Div(a, b), c))),
    ("a + b*c", Add((a, Mul((b, c))))),
    ("(a + b)*c", Mul((Add((a, b)), c))),
    ("(a + b) + c", Add((Add((a, b)), c))),
    ("[a + b] c", Mul((Add((a, b)), c))),
    ("e^{-x}", Pow(Const("e"), Neg(x))),
    ("+x", x),
    # implicit multiplication
    ("2x", Mul((n(2), x))),
    ("2(x+1)", Mul((n(2), Add((x, n(1)))))),
    ("(a+b)(c+d)", Mul((Add((a, b)), Add((c, d))))),
    ("x y", Mul((x, y))),
    ("xy", Name("xy")),
    ("x1", Name("x1")),
    ("2x^2", Mul((n(2), Pow(x, n(2))))),
    ("x^2 y", Mul((Pow(x, n(2)), y))),
    ("1/2x", Mul((Div(n(1), n(2)), x))),
    ("2 x / 3", Div(Mul((n(2), x)), n(3))),
    (
        "(1-beta^t) E[g]",
        Mul((Add((n(1), Neg(Pow(Name("beta"), Name("t"))))), Expectation(Name("g")))),
    ),
    ("2 sigmoid(2z)", Mul((n(2), Call("sigmoid", (Mul((n(2), z)),))))),
    ("2|x|", Mul((n(2), Abs(x)))),
    # names, aliases, Greek, constants
    ("lam", Name("lambda")),
    ("eps", Name("epsilon")),
    ("β", Name("beta")),
    ("αβ", Name("alphabeta")),
    ("pi", Const("pi")),
    ("π", Const("pi")),
    ("e", Const("e")),
    ("I", Const("I")),
    ("inf", Const("inf")),
    ("2e", Mul((n(2), Const("e")))),
    # subscripts
    ("v_t", sub("v", Name("t"), "t")),
    ("beta_1", sub("beta", n(1), "1")),
    ("mu_y", sub("mu", Name("y"), "y")),
    ("W_perp", sub("W", Name("perp"), "perp")),
    ("h_0", sub("h", n(0), "0")),
    ("e_1", sub("e", n(1), "1")),
    ("lam_1", sub("lambda", n(1), "1")),
    ("β_1", sub("beta", n(1), "1")),
    ("x_β", sub("x", Name("beta"), "beta")),
    ("v_{t-1}", sub("v", Add((Name("t"), Neg(n(1)))), "t-1")),
    ("v_{ t - 1 }", sub("v", Add((Name("t"), Neg(n(1)))), "t-1")),
    ("g_(i)", sub("g", Name("i"), "i")),
    ("x_{2k}", sub("x", Mul((n(2), Name("k"))), "2k")),
    ("W_h_t", sub("W", sub("h", Name("t"), "t"), "h_t")),
    ("lambda_max", sub("lambda", Name("max"), "max")),
    ("v_t^2", Pow(sub("v", Name("t"), "t"), n(2))),
    # calls
    ("f(x)", Call("f", (x,))),
    ("f(x, y)", Call("f", (x, y))),
    ("x(a+b)", Call("x", (Add((a, b)),))),
    ("e(x)", Call("e", (x,))),
    ("f (x)", Call("f", (x,))),
    ("σ(z)", Call("sigma", (z,))),
    ("h_t(x)", Call("h_t", (x,))),
    ("exp(x)", Call("exp", (x,))),
    ("ln(x)", Call("log", (x,))),
    ("max(a, b, c)", Call("max", (a, b, c))),
    ("lambda_max(W)", Call("lambda_max", (Name("W"),))),
    ("spectral_radius(W)", Call("spectral_radius", (Name("W"),))),
    ("sigma'(z)", Call("sigma", (z,), derivative=1)),
    ("f''(x)", Call("f", (x,), derivative=2)),
    ("tanh'(x)", Call("tanh", (x,), derivative=1)),
    ("f(x)^2", Pow(Call("f", (x,)), n(2))),
    # special forms
    ("E[x]", Expectation(x)),
    ("E(x + y)", Expectation(Add((x, y)))),
    ("Var[x]", Variance(x)),
    ("Var(x)", Variance(x)),
    ("E[g]^2", Pow(Expectation(Name("g")), n(2))),
    ("diff(f, x)", Derivative(Name("f"), x, 1)),
    ("diff(x^3, x, 2)", Derivative(Pow(x, n(3)), x, 2)),
    ("diff(f, h_0)", Derivative(Name("f"), sub("h", n(0), "0"), 1)),
    ("grad(L, w)", Gradient(Name("L"), Name("w"))),
    ("Sum(x_i, (i, 1, n))", Sum(sub("x", Name("i"), "i"), "i", n(1), Name("n"))),
    ("sum(k, (k, 0, 3))", Sum(Name("k"), "k", n(0), n(3))),
    ("Product(x, (j, 1, m))", Sum(x, "j", n(1), Name("m"), product=True)),
    ("prod(x, (j, 1, m))", Sum(x, "j", n(1), Name("m"), product=True)),
    ("norm(x)", Norm(x)),
    ("norm(x, 2)", Norm(x, "2")),
    ("norm(X, F)", Norm(Name("X"), "F")),
    ("norm(X, fro)", Norm(Name("X"), "F")),
    ("||x||", Norm(x)),
    ("||x||_2", Norm(x, "2")),
    ("||X||_F", Norm(Name("X"), "F")),
    ("||x||_2^2", Pow(Norm(x, "2"), n(2))),
    ("‖x‖", Norm(x)),
    ("‖x - y‖_2", Norm(Add((x, Neg(y))), "2")),
    ("||x|| ||y||", Mul((Norm(x), Norm(y)))),
    ("|x|", Abs(x)),
    ("abs(x)", Abs(x)),
    ("|a - |b||", Abs(Add((a, Neg(Abs(b)))))),
    ("|a| + |b|", Add((Abs(a), Abs(b)))),
    ("|| |x| ||", Norm(Abs(x))),
    ("|f(a, |b|)|", Abs(Call("f", (a, Abs(b))))),
    ("transpose(x)", Transpose(x)),
    ("x^T", Pow(x, Name("T"))),
    ("x**T", Pow(x, Name("T"))),
    ("hadamard(a, b)", Hadamard(a, b)),
    ("a ⊙ b", Hadamard(a, b)),
    ("a .* b", Hadamard(a, b)),
    ("a ⊙ b * c", Mul((Hadamard(a, b), c))),
    ("a * b ⊙ c", Hadamard(Mul((a, b)), c)),
    # whitespace
    ("x\ty\n", Mul((x, y))),
    ("x\u00a0+\u00a0y", Add((x, y))),
    # relations
    ("a = b", Relation("=", a, b)),
    ("a == b", Relation("=", a, b)),
    ("a != b", Relation("!=", a, b)),
    ("a ≠ b", Relation("!=", a, b)),
    ("a < b", Relation("<", a, b)),
    ("a <= b", Relation("<=", a, b)),
    ("a ≤ b", Relation("<=", a, b)),
    ("a > b", Relation(">", a, b)),
    ("a >= b", Relation(">=", a, b)),
    ("a ≥ b", Relation(">=", a, b)),
    ("x := 1", Relation(":=", x, n(1))),
    ("a = b <= c", Chain((Relation("=", a, b), Relation("<=", b, c)))),
    ("a = b < c = d", Chain((Relation("=", a, b), Relation("<", b, c), Relation("=", c, d)))),
]


@pytest.mark.parametrize(("text", "expected"), STRUCTURE)
def test_structure(text: str, expected: Node) -> None:
    assert parse_plain(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "m_t = beta_1 m_{t-1} + (1 - beta_1) g_t",
        "v_t = beta_2 v_{t-1} + (1 - beta_2) g_t^2",
        "E[m_t] = (1 - beta_1^t) E[g]",
        "diff(sigmoid(z), z) = sigmoid(z) (1 - sigmoid(z))",
        "sigma'(z) = sigma(z)(1 - sigma(z))",
        "||W x||_2 <= ||W||_2 ||x||_2",
        "Var[x_1 + x_2] = Var[x_1] + Var[x_2]",
        "grad(||x||^2, x) = 2x",
        "L(w) := 1/2 ||X w - y||^2 + lam/2 ||w||^2",
        "Sum(beta^k, (k, 0, t-1)) = (1 - beta^t)/(1 - beta)",
        "w_{t+1} = w_t - eta grad(L, w_t)",
        "h_t = tanh(W h_{t-1} + U x_t + b)",
        "0 < eta < 2/lambda_max(H)",
        "softplus'(x) = sigmoid(x)",
        "|relu(a) - relu(b)| <= |a - b|",
        "hadamard(a, b) = diag(a) b",
        "tr(A B) = tr(B A)",
        "det(inv(A)) = 1/det(A)",
    ],
)
def test_coursework_statements_parse(text: str) -> None:
    assert isinstance(parse_plain(text), Relation | Chain)


def test_positions_are_start_columns() -> None:
    node = parse_plain("a - 2*f(x)")
    assert isinstance(node, Add)
    assert node.pos == 0
    neg = node.terms[1]
    assert isinstance(neg, Neg) and neg.pos == 2
    mul = neg.operand
    assert isinstance(mul, Mul) and mul.pos == 4
    call = mul.factors[1]
    assert isinstance(call, Call) and call.pos == 6 and call.args[0].pos == 8
    rel = parse_plain("  x_t = |y|")
    assert isinstance(rel, Relation) and rel.pos == 2 and rel.lhs.pos == 2 and rel.rhs.pos == 8
    assert isinstance(rel.lhs, Subscript) and rel.lhs.index.pos == 4


def test_chain_shares_middle_expression() -> None:
    chain = parse_plain("a = b + 1 <= c")
    assert isinstance(chain, Chain)
    assert chain.links[0].rhs is chain.links[1].lhs


def test_expression_only_rejects_relations() -> None:
    assert parse_plain_expression("x + 1") == Add((x, n(1)))
    with pytest.raises(ParseError) as info:
        parse_plain_expression("x = 1")
    assert info.value.column == 2


# -- rejections ------------------------------------------------------------------------

REJECTIONS = [
    ("1 +", 3, "end of input"),
    ("(x", 0, "never closed"),
    ("x)", 1, "unexpected ')'"),
    ("f(,)", 2, "unexpected ','"),
    ("f()", 2, "unexpected ')'"),
    ("x ** ** 2", 5, "unexpected '**'"),
    ("E[", 2, "end of input"),
    ("E", 0, "'E' must be followed"),
    ("E x", 0, "'E' must be followed"),
    ("E[x, y]", 3, "expected ']'"),
    ("(x]", 2, "expected ')'"),
    ("Sum(x, (i, 1))", 12, "upper bound"),
    ("Sum(x)", 5, "needs a range"),
    ("Sum(x, (2, 1, n))", 8, "index name"),
    ("norm", 0, "must be followed by '('"),
    ("norm(x, y)", 8, "kind of norm"),
    ("||x||_G", 6, "kind of norm"),
    ("exp(1, 2)", 0, "takes 1 argument, got 2"),
    ("max(1)", 0, "two or more"),
    ("exp", 0, "parentheses"),
    ("2 exp x", 2, "parentheses"),
    ("transpose(a, b)", 0, "takes 1 arguments"),
    ("diff(x, 2)", 8, "variable name"),
    ("diff(x, x, 0)", 11, "positive whole number"),
    ("diff(x, x, 1.5)", 11, "positive whole number"),
    ("x'", 1, "prime"),
    ("f'x", 1, "prime"),
    ("(x)'", 3, "prime"),
    ("E'[x]", 1, "prime"),
    ("a.b", 1, "unexpected '.'"),
    ("x.T", 1, "unexpected '.'"),
    ("__import__('os')", 0, "unexpected '_'"),
    ("().__class__", 1, "unexpected ')'"),
    ("lambda: 1", 6, "unexpected ':'"),
    ("x; y", 1, "unexpected ';'"),
    ("`ls`", 0, "unexpected '`'"),
    ("$(rm -rf /)", 0, "unexpected '$'"),
    ("x) $", 1, "unexpected ')'"),
    ("x\x00", 1, "control character U+0000"),
    ("\x1b[31m", 0, "control character"),
    ("x\u200b", 1, "invisible character"),
    ("x\u202e+y", 1, "invisible character"),
    ("∫", 0, "unknown symbol '∫'"),
    ("x → y", 2, "unknown symbol '→'"),
    ("€", 0, "unknown symbol"),
    ("é", 0, "unknown symbol"),
    ("", 0, "empty input"),
    ("2 3", 2, "between two numbers"),
    ("1.2.3", 3, "between two numbers"),
    ("x_", 2, "subscript"),
    ("x_ {t}", 2, "subscript"),
    ("x_2k", 2, "subscript '2k'"),
    ("x__y", 2, "subscript"),
    ("{x)", 2, "expected '}'"),
    ("x_t}", 3, "unexpected '}'"),
    ("|x", 0, "never closed"),
    ("a = ", 4, "end of input"),
    ("(a = b)", 3, "expected ')'"),
]


@pytest.mark.parametrize(("text", "column", "message"), REJECTIONS)
def test_rejections(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_plain(text)
    assert info.value.column == column
    assert message in info.value.message


def test_error_renders_a_caret() -> None:
    with pytest.raises(ParseError) as info:
        parse_plain("a + )")
    assert str(info.value).splitlines()[1:] == ["  a + )", "      ^"]


# -- limits ----------------------------------------------------------------------------


def _limit_error(text: str) -> LimitError:
    with pytest.raises(LimitError) as info:
        parse_plain(text)
    return info.value


def test_limit_length() -> None:
    assert "longer than" in _limit_error("x" * 1_000_000).message
    assert "longer than" in _limit_error("(" * 10_000 + "x" + ")" * 10_000).message


DEEP = {
    "parens": "(" * 5_000 + "x" + ")" * 5_000,
    "minus": "-" * 5_000 + "x",
    "powers": "x^" * 5_000 + "x",
    "bars": "|" * 3_000 + "x",
    "expectations": "E[" * 3_000 + "x" + "]" * 3_000,
    "calls": "f(" * 3_000 + "x" + ")" * 3_000,
    "derivatives": "diff(" * 2_000 + "x" + ", x)" * 2_000,
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_limit_depth(text: str) -> None:
    assert "nested deeper" in _limit_error(text).message


def test_depth_just_under_the_limit_parses() -> None:
    depth = LIMITS.max_depth - 1
    assert parse_plain("E[" * depth + "x" + "]" * depth) is not None
    assert parse_plain("diff(" * depth + "x" + ", x)" * depth) is not None
    assert parse_plain("(" * depth + "x" + ")" * depth) == x


@pytest.mark.parametrize(
    "text",
    ["1" * 100, "0." + "1" * 100, "1e99999999", "1e" + "0" * 100 + "1", "x_" + "1" * 100],
    ids=["integer", "decimal", "exponent", "long exponent", "subscript"],
)
def test_limit_digits(text: str) -> None:
    _limit_error(text)


def test_limit_nodes() -> None:
    assert "terms" in _limit_error("x+" * 6_000 + "x").message
    assert "terms" in _limit_error("x " * 6_000).message


# -- properties ------------------------------------------------------------------------

_PIECES = [
    *"xyzab0123456789.+-*/^()[]{}|,'_=<>:!; eET\t",
    *["**", "sum", "Sum", "Var", "diff", "grad", "norm", "exp", "max", "‖", "β", "−", "⊙"],
    *["\x00", "∫", "_{", "||", "e-", "E[", "(i, 1, n)", "sigma'"],
]
_TEXTS = st.one_of(
    st.text(max_size=40), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
)


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_arbitrary_text_parses_or_raises_parse_error(text: str) -> None:
    try:
        node = parse_plain(text)
    except ParseError as error:
        assert 0 <= error.column <= len(text)
        return
    assert isinstance(node, Node)


_NAMES = ["x", "y", "w", "beta", "lambda", "theta", "W", "T", "alpha2", "xy"]
_UNARY_BUILTINS = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "tr", "inv"]


def _leaf() -> st.SearchStrategy[Node]:
    numbers = st.builds(
        lambda k, digits: Num(Fraction(k, 10**digits)),
        st.integers(0, 10**6),
        st.integers(0, 3),
    )
    names = st.sampled_from(_NAMES).map(Name)
    consts = st.sampled_from(["pi", "e", "I", "inf"]).map(Const)
    subscripts = st.builds(
        lambda base, index: Subscript(base, index, _render(index)),
        st.sampled_from(["v", "beta", "g", "h"]),
        st.one_of(st.integers(0, 99).map(lambda k: Num(Fraction(k))), names),
    )
    return st.one_of(numbers, names, consts, subscripts)


def _variable() -> st.SearchStrategy[Node]:
    return st.one_of(
        st.sampled_from(_NAMES).map(Name),
        st.builds(lambda k: Subscript("h", Num(Fraction(k)), str(k)), st.integers(0, 9)),
    )


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    pair = st.tuples(children, children)
    several = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        several.map(Add),
        several.map(Mul),
        children.map(Neg),
        pair.map(lambda p: Div(*p)),
        pair.map(lambda p: Pow(*p)),
        pair.map(lambda p: Hadamard(*p)),
        children.map(Abs),
        st.builds(Norm, children, st.sampled_from([None, "2", "F", "1", "inf"])),
        children.map(Expectation),
        children.map(Variance),
        children.map(Transpose),
        st.builds(lambda f, arg: Call(f, (arg,)), st.sampled_from(_UNARY_BUILTINS), children),
        st.builds(lambda args: Call("max", args), several),
        st.builds(
            lambda f, args, k: Call(f, args, k),
            st.sampled_from(["f", "g", "L", "sigma"]),
            st.lists(children, min_size=1, max_size=3).map(tuple),
            st.integers(0, 2),
        ),
        st.builds(Derivative, children, _variable(), st.integers(1, 3)),
        st.builds(Gradient, children, _variable()),
        st.builds(Sum, children, st.sampled_from("ijk"), children, children, st.booleans()),
        st.builds(_braced, st.sampled_from(["v", "x"]), children),
    )


def _braced(base: str, index: Node) -> Subscript:
    """`base_{index}`: the label is the index as written, without spaces."""
    return Subscript(base, index, _render(index).replace(" ", ""))


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    digits = next(k for k in range(1, 12) if 10**k % value.denominator == 0)
    text = str(value.numerator * 10**digits // value.denominator).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}"


def _render(node: Node) -> str:
    """Fully parenthesised plain text for a tree, in the spellings the parser reads."""
    r = _render
    match node:
        case Num(value=value):
            return _number(value)
        case Name(name=name) | Const(name=name):
            return name
        case Subscript(base=base, index=Name() as index):
            return f"{base}_{r(index)}"
        case Subscript(base=base, index=Num(value=value) as index) if value.denominator == 1:
            return f"{base}_{r(index)}"
        case Subscript(base=base, index=index):
            return f"{base}_{{{r(index)}}}"
        case Add(terms=terms):
            return "(" + " + ".join(map(r, terms)) + ")"
        case Mul(factors=factors):
            return "(" + " * ".join(map(r, factors)) + ")"
        case Neg(operand=operand):
            return f"(-{r(operand)})"
        case Div(numerator=top, denominator=bottom):
            return f"({r(top)} / {r(bottom)})"
        case Pow(base=base, exponent=exponent):
            return f"({r(base)}^{r(exponent)})"
        case Hadamard(left=left, right=right):
            return f"({r(left)} ⊙ {r(right)})"
        case Abs(operand=operand):
            return f"|({r(operand)})|"
        case Norm(operand=operand, kind=kind):
            return f"||({r(operand)})||" + (f"_{kind}" if kind else "")
        case Expectation(expr=expr):
            return f"E[{r(expr)}]"
        case Variance(expr=expr):
            return f"Var({r(expr)})"
        case Transpose(operand=operand):
            return f"transpose({r(operand)})"
        case Call(func=func, args=args, derivative=primes):
            return f"{func}{chr(39) * primes}(" + ", ".join(map(r, args)) + ")"
        case Derivative(expr=expr, var=var, order=order):
            return f"diff({r(expr)}, {r(var)}, {order})"
        case Gradient(expr=expr, var=var):
            return f"grad({r(expr)}, {r(var)})"
        case Sum(body=body, var=var, lower=lower, upper=upper, product=product):
            keyword = "Product" if product else "Sum"
            return f"{keyword}({r(body)}, ({var}, {r(lower)}, {r(upper)}))"
    raise AssertionError(node)


@settings(max_examples=200, deadline=None)
@given(st.recursive(_leaf(), _extend, max_leaves=10))
def test_round_trip(tree: Node) -> None:
    assert parse_plain_expression(_render(tree)) == tree


@settings(max_examples=50, deadline=None)
@given(st.recursive(_leaf(), _extend, max_leaves=6), st.sampled_from(["=", "<=", "!=", ":="]))
def test_round_trip_relation(tree: Node, op: str) -> None:
    text = f"{_render(tree)} {op} {_render(tree)}"
    assert parse_plain(text) == Relation(op, tree, tree)


def test_tokenize_strict_raises_at_the_bad_character() -> None:
    with pytest.raises(ParseError) as info:
        tokenize("a + $")
    assert info.value.column == 4
    assert [t.kind for t in tokenize("a ** b")] == ["name", "^", "name", "end"]


def test_deep_caller_gets_a_limit_error_not_recursion_error() -> None:
    """A caller already deep in the stack leaves too little room for 99 levels: the
    parser still answers with a LimitError."""

    def nested(frames: int) -> Node:
        return nested(frames - 1) if frames else parse_plain("E[" * 99 + "x" + "]" * 99)

    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    with pytest.raises(LimitError):
        nested(sys.getrecursionlimit() - depth - 200)
