"""Structure tests for the LaTeX parser: the exact tree for each notation students write."""

from __future__ import annotations

from fractions import Fraction

import pytest

from derive.errors import LimitError, ParseError
from derive.model.ast import (
    Abs,
    Add,
    Call,
    Cases,
    Chain,
    Component,
    Const,
    Derivative,
    Div,
    Expectation,
    Extremum,
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
    walk,
)
from derive.parsing.latex import parse_latex, parse_latex_expression, split_aligned


def n(value: int | str) -> Num:
    return Num(Fraction(value))


def v(name: str) -> Name:
    return Name(name)


def sub(base: str, index: int | str, label: str | None = None) -> Subscript:
    node = n(index) if isinstance(index, int) else v(index)
    return Subscript(base, node, str(index) if label is None else label)


def minus(node: Node) -> Neg:
    return Neg(node)


def mul(*factors: Node) -> Mul:
    return Mul(tuple(factors))


def add(*terms: Node) -> Add:
    return Add(tuple(terms))


E = Const("e")
P = parse_latex


# -- numbers, sums and products ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("0.25", n("1/4")),
        ("3", n(3)),
        (".5", n("1/2")),
        ("10^{-20}", Pow(n(10), minus(n(20)))),
        ("a - b", add(v("a"), minus(v("b")))),
        ("a + b - c + d", add(v("a"), v("b"), minus(v("c")), v("d"))),
        ("-a + b", add(minus(v("a")), v("b"))),
        ("a + -b", add(v("a"), minus(v("b")))),
        ("-2x", minus(mul(n(2), v("x")))),
        ("ab", mul(v("a"), v("b"))),
        ("a \\cdot b \\times c * d", mul(v("a"), v("b"), v("c"), v("d"))),
        ("a \\cdot -b", mul(v("a"), minus(v("b")))),
        ("2\\sigma(2z)", mul(n(2), Call("sigma", (mul(n(2), v("z")),)))),
        ("\\alpha\\lambda", mul(v("alpha"), v("lambda"))),
        ("a/b", Div(v("a"), v("b"))),
        ("1/2 x", mul(Div(n(1), n(2)), v("x"))),
        ("\\frac{a}{b}", Div(v("a"), v("b"))),
        ("\\dfrac{a}{b} + \\tfrac{c}{d}", add(Div(v("a"), v("b")), Div(v("c"), v("d")))),
        ("\\frac12", Div(n(1), n(2))),
        ("\\frac1x", Div(n(1), v("x"))),
        ("\\frac\\alpha2", Div(v("alpha"), n(2))),
        ("a \\odot b", Hadamard(v("a"), v("b"))),
        ("a \\circ b + c", add(Hadamard(v("a"), v("b")), v("c"))),
        ("a \\odot W h", Hadamard(v("a"), mul(v("W"), v("h")))),
        ("2 \\cdot a \\odot b", Hadamard(mul(n(2), v("a")), v("b"))),
        ("(a + b)c", mul(add(v("a"), v("b")), v("c"))),
        ("[a + b]c", mul(add(v("a"), v("b")), v("c"))),
        ("\\left( a \\right) \\bigl[ b \\bigr]", mul(v("a"), v("b"))),
        ("\\Big( a \\Big)", v("a")),
        ("{a}", v("a")),
        ("x \\, y \\; z \\! w \\ u ~ t", mul(v("x"), v("y"), v("z"), v("w"), v("u"), v("t"))),
    ],
)
def test_arithmetic(text: str, tree: object) -> None:
    assert P(text) == tree


def test_eta_nabla_and_expectation_products() -> None:
    assert P("\\eta\\nabla_w L") == mul(v("eta"), Gradient(v("L"), v("w")))
    assert P("(1-\\beta^t)\\mathbb{E}[g]") == mul(
        add(n(1), minus(Pow(v("beta"), v("t")))), Expectation(v("g"))
    )


# -- powers, subscripts, transposes --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("x^2", Pow(v("x"), n(2))),
        ("x^{2t}", Pow(v("x"), mul(n(2), v("t")))),
        ("e^{x}", Pow(E, v("x"))),
        ("e^x", Pow(E, v("x"))),
        ("v_t", sub("v", "t")),
        ("v_{t-1}", Subscript("v", add(v("t"), minus(n(1))), "t-1")),
        ("v_{t - 1}", Subscript("v", add(v("t"), minus(n(1))), "t-1")),
        ("\\beta_1", sub("beta", 1)),
        ("\\beta_1^t", Pow(sub("beta", 1), v("t"))),
        ("\\beta^t_1", Pow(sub("beta", 1), v("t"))),
        ("h^{(t)}", Subscript("h", v("t"), "(t)")),
        ("W^{(f)}", Subscript("W", v("f"), "(f)")),
        ("x^{(i)}_j", Subscript("x^(i)", v("j"), "j")),
        ("x_j^{(i)}", Subscript("x^(i)", v("j"), "j")),
        ("\\mu_{batch}", Subscript("mu", v("batch"), "batch")),
        ("\\sigma_y^2", Pow(sub("sigma", "y"), n(2))),
        ("\\sigma^2_{instance}", Pow(sub("sigma", "instance"), n(2))),
        ("L_{\\text{reg}}", Subscript("L", v("reg"), "reg")),
        ("\\epsilon_{\\mathrm{small}}", Subscript("epsilon", v("small"), "small")),
        ("P_{ij}", Subscript("P", v("ij"), "ij")),
        ("w_{11}", Subscript("w", n(11), "11")),
        ("\\lambda_{\\max}", Subscript("lambda", v("max"), "max")),
        ("\\lambda_1", sub("lambda", 1)),
        ("(a+b)^2", Pow(add(v("a"), v("b")), n(2))),
        ("u^\\top", Transpose(v("u"))),
        ("u^{\\top}", Transpose(v("u"))),
        ("u^\\intercal", Transpose(v("u"))),
        ("u^T", Pow(v("u"), v("T"))),
        ("u^{T}", Pow(v("u"), v("T"))),
        ("u^{\\mathrm{T}}", Pow(v("u"), v("T"))),
        ("(v^t)^T", Pow(Pow(v("v"), v("t")), v("T"))),
        ("W_z^\\top", Transpose(sub("W", "z"))),
        ("x^{-1}", Pow(v("x"), minus(n(1)))),
        ("x^{1/2}", Pow(v("x"), Div(n(1), n(2)))),
        ("9^{9^{9^{9}}}", Pow(n(9), Pow(n(9), Pow(n(9), n(9))))),
        ("A^\\star", v("A_star")),
        ("w^*_T", Subscript("w_star", v("T"), "T")),
        ("W^{\\perp}", v("W_perp")),
        ("A'", v("A_prime")),
        ("A'_{ik}", Subscript("A_prime", v("ik"), "ik")),
        ("\\pi_1", sub("pi", 1)),
        ("I_n", sub("I", "n")),
    ],
)
def test_scripts(text: str, tree: object) -> None:
    assert P(text) == tree


# -- brackets, norms, absolute values ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("\\|u\\|", Norm(v("u"))),
        ("\\lVert u \\rVert", Norm(v("u"))),
        ("\\left\\| u \\right\\|", Norm(v("u"))),
        ("||u||", Norm(v("u"))),
        ("\\Vert u \\Vert", Norm(v("u"))),
        ("\\|u\\|_2", Norm(v("u"), "2")),
        ("\\|u\\|_2^2", Pow(Norm(v("u"), "2"), n(2))),
        ("||u||_{2}^{2}", Pow(Norm(v("u"), "2"), n(2))),
        ("\\|X\\|_F", Norm(v("X"), "F")),
        ("||X - AB||_F^2", Pow(Norm(add(v("X"), minus(mul(v("A"), v("B")))), "F"), n(2))),
        ("|x|", Abs(v("x"))),
        ("\\lvert x \\rvert", Abs(v("x"))),
        ("\\left|x\\right|", Abs(v("x"))),
        ("|x||y|", mul(Abs(v("x")), Abs(v("y")))),
        ("|x| |y|", mul(Abs(v("x")), Abs(v("y")))),
        ("\\left| a |b| \\right|", Abs(mul(v("a"), Abs(v("b"))))),
        ("||u^2||", Norm(Pow(v("u"), n(2)))),
        ("|X_{ij}|^2", Pow(Abs(Subscript("X", v("ij"), "ij")), n(2))),
        ("\\|x\\| |y|", mul(Norm(v("x")), Abs(v("y")))),
    ],
)
def test_norms_and_abs(text: str, tree: object) -> None:
    assert P(text) == tree


# -- functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("\\exp(x)", Call("exp", (v("x"),))),
        ("\\exp x", Call("exp", (v("x"),))),
        ("\\exp\\left(-\\frac{x}{2}\\right)", Call("exp", (minus(Div(v("x"), n(2))),))),
        ("\\log x", Call("log", (v("x"),))),
        ("\\ln(x)", Call("log", (v("x"),))),
        ("\\log 2x", Call("log", (mul(n(2), v("x")),))),
        ("\\log x + 1", add(Call("log", (v("x"),)), n(1))),
        ("\\log x \\cdot y", mul(Call("log", (v("x"),)), v("y"))),
        ("\\log x \\log y", mul(Call("log", (v("x"),)), Call("log", (v("y"),)))),
        ("\\log x^2", Call("log", (Pow(v("x"), n(2)),))),
        ("\\log_2 x", Div(Call("log", (v("x"),)), Call("log", (n(2),)))),
        ("\\tanh z", Call("tanh", (v("z"),))),
        ("\\sin^2 x", Pow(Call("sin", (v("x"),)), n(2))),
        ("\\cos(x)^2", Pow(Call("cos", (v("x"),)), n(2))),
        ("\\exp(x) y", mul(Call("exp", (v("x"),)), v("y"))),
        ("\\sqrt{x}", Call("sqrt", (v("x"),))),
        ("\\sqrt2", Call("sqrt", (n(2),))),
        ("\\sqrt[3]{x}", Pow(v("x"), Div(n(1), n(3)))),
        ("\\max(a, b)", Call("max", (v("a"), v("b")))),
        ("\\max\\{a, b\\}", Call("max", (v("a"), v("b")))),
        ("\\min(a, b, c)", Call("min", (v("a"), v("b"), v("c")))),
        ("\\max(0, x)", Call("max", (n(0), v("x")))),
        ("\\mathrm{ReLU}(x)", Call("relu", (v("x"),))),
        ("\\operatorname{ReLU}(x)", Call("relu", (v("x"),))),
        ("\\text{ReLU}(x)", Call("relu", (v("x"),))),
        ("\\operatorname{softplus}(x)", Call("softplus", (v("x"),))),
        ("\\operatorname{diag}(x)", Call("diag", (v("x"),))),
        ("\\mathrm{diag}(x)", Call("diag", (v("x"),))),
        ("\\operatorname{tr}(A)", Call("tr", (v("A"),))),
        ("\\det A", Call("det", (v("A"),))),
        ("\\lambda_1(A)", Call("lambda_max", (v("A"),))),
        ("\\lambda_{\\max}(A)", Call("lambda_max", (v("A"),))),
        ("\\lambda_{max}(A)", Call("lambda_max", (v("A"),))),
        ("\\sigma(z)", Call("sigma", (v("z"),))),
        ("\\sigma\\left(z\\right)", Call("sigma", (v("z"),))),
        ("f(x)", Call("f", (v("x"),))),
        ("f(x, y)", Call("f", (v("x"), v("y")))),
        ("L(w)", Call("L", (v("w"),))),
        ("g(a^{(t)})", Call("g", (Subscript("a", v("t"), "(t)"),))),
        ("\\mathcal{L}(w)", Call("L", (v("w"),))),
        ("\\sigma'(z)", Call("sigma", (v("z"),), 1)),
        ("f''(x)", Call("f", (v("x"),), 2)),
        ("\\sigma^{\\prime}(z)", Call("sigma", (v("z"),), 1)),
        ("\\sigma^\\prime(z)", Call("sigma", (v("z"),), 1)),
        ("\\text{Trunc}(W)", Call("Trunc", (v("W"),))),
        ("\\operatorname{rank}(Y)", Call("rank", (v("Y"),))),
        ("L_{\\text{reg}}(f, y)", Call("L_reg", (v("f"), v("y")))),
        ("\\delta_t(j)", mul(sub("delta", "t"), v("j"))),
        ("e(x)", mul(E, v("x"))),
        ("\\sigma^2(z)", mul(Pow(v("sigma"), n(2)), v("z"))),
    ],
)
def test_functions(text: str, tree: object) -> None:
    assert P(text) == tree


# -- derivatives, gradients, sums ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("\\frac{d}{dz} f(z)", Derivative(Call("f", (v("z"),)), v("z"))),
        ("\\frac{d}{dz}\\left(z^2\\right)", Derivative(Pow(v("z"), n(2)), v("z"))),
        ("\\frac{\\partial}{\\partial w} L", Derivative(v("L"), v("w"))),
        ("\\frac{\\partial L}{\\partial w}", Derivative(v("L"), v("w"))),
        ("\\frac{dL}{dw}", Derivative(v("L"), v("w"))),
        ("\\frac{\\mathrm{d} L}{\\mathrm{d} w}", Derivative(v("L"), v("w"))),
        ("\\frac{d \\sigma(z)}{dz}", Derivative(Call("sigma", (v("z"),)), v("z"))),
        (
            "\\frac{\\partial h_t}{\\partial h_{t-1}}",
            Derivative(sub("h", "t"), Subscript("h", add(v("t"), minus(n(1))), "t-1")),
        ),
        ("\\frac{d^2 f}{dx^2}", Derivative(v("f"), v("x"), 2)),
        ("\\frac{d^2}{dx^2} f", Derivative(v("f"), v("x"), 2)),
        (
            "\\frac{\\partial^2 f}{\\partial x \\partial y}",
            Derivative(Derivative(v("f"), v("y")), v("x")),
        ),
        ("\\frac{\\partial \\mathcal{L}}{\\partial w_1}", Derivative(v("L"), sub("w", 1))),
        ("\\frac{d}{dx} f g", Derivative(mul(v("f"), v("g")), v("x"))),
        ("\\frac{d}{dx} f + g", add(Derivative(v("f"), v("x")), v("g"))),
        ("\\partial_w L", Derivative(v("L"), v("w"))),
        ("\\frac{d}{2}", Div(v("d"), n(2))),
        ("\\frac{dx}{2}", Div(mul(v("d"), v("x")), n(2))),
        ("\\frac{d_k}{d_j}", Div(sub("d", "k"), sub("d", "j"))),
        ("\\nabla_u L", Gradient(v("L"), v("u"))),
        ("\\nabla_{u} L(u)", Gradient(Call("L", (v("u"),)), v("u"))),
        ("\\nabla_{\\boldsymbol{u}} L", Gradient(v("L"), v("u"))),
        ("\\nabla_\\theta L \\cdot x", mul(Gradient(v("L"), v("theta")), v("x"))),
        ("\\nabla_w ||w||", Gradient(Norm(v("w")), v("w"))),
        (
            "\\sum_{i=1}^{t} \\beta^{t-i} g_i",
            Sum(mul(Pow(v("beta"), add(v("t"), minus(v("i")))), sub("g", "i")), "i", n(1), v("t")),
        ),
        ("\\sum_{i=1}^t x_i", Sum(sub("x", "i"), "i", n(1), v("t"))),
        ("\\sum^{n}_{i=1} x_i", Sum(sub("x", "i"), "i", n(1), v("n"))),
        ("\\sum_{i=1}^{n} x_i + 1", add(Sum(sub("x", "i"), "i", n(1), v("n")), n(1))),
        (
            "\\sum_{i=1}^{n} a_i \\cdot b_i",
            Sum(mul(sub("a", "i"), sub("b", "i")), "i", n(1), v("n")),
        ),
        ("\\sum_{i=1}^{t}(x_i)", Sum(sub("x", "i"), "i", n(1), v("t"))),
        ("\\sum_{k=0}^{\\infty} x^k", Sum(Pow(v("x"), v("k")), "k", n(0), Const("inf"))),
        ("\\prod_{t=1}^{T} a_t", Sum(sub("a", "t"), "t", n(1), v("T"), product=True)),
        ("\\Pi_{i=1}^T a_i", Sum(sub("a", "i"), "i", n(1), v("T"), product=True)),
        (
            "\\sum_{i=1}^m \\sum_{j=1}^n x_{ij}",
            Sum(Sum(Subscript("x", v("ij"), "ij"), "j", n(1), v("n")), "i", n(1), v("m")),
        ),
    ],
)
def test_calculus(text: str, tree: object) -> None:
    assert P(text) == tree


# -- expectation, variance -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\\mathbb{E}[x]",
        "\\mathbb{E}(x)",
        "\\mathbb{E}\\left[ x \\right]",
        "E[x]",
        "\\mathrm{E}[x]",
        "\\operatorname{\\mathbb{E}}[x]",
        "\\mathbb{E}_R[x]",
        "\\mathbb{E}_{x \\sim p}[x]",
    ],
)
def test_expectation(text: str) -> None:
    assert P(text) == Expectation(v("x"))


def test_expectation_of_a_call() -> None:
    assert P("\\mathbb{E}_R[L(w)]") == Expectation(Call("L", (v("w"),)))


def test_mathbb_around_more_than_a_letter_is_bold() -> None:
    # some authors write bold vectors with \mathbb: \mathbb{\hat{y}} is ŷ, as \mathbf{\hat{y}}
    assert P("\\mathbb{\\hat{y}} - \\mathbb{y}") == P("\\hat{y} - y")
    assert P("\\mathbb{\\hat{y_i}}") == P("\\hat{y}_i")


@pytest.mark.parametrize(
    "text",
    ["\\operatorname{Var}(x)", "\\mathrm{Var}[x]", "\\text{Var}(x)", "\\mathbb{V}[x]", "Var(x)"],
)
def test_variance(text: str) -> None:
    assert P(text) == Variance(v("x"))


# -- names, styles, constants --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("\\mathbf{u}", v("u")),
        ("\\boldsymbol{u}", v("u")),
        ("\\bm{u}", v("u")),
        ("\\mathbf u", v("u")),
        ("\\vec{u}", v("u")),
        ("\\mathit{u}", v("u")),
        ("\\mathcal{L}", v("L")),
        ("\\boldsymbol{\\theta}", v("theta")),
        ("\\hat{y}", v("y_hat")),
        ("\\hat y", v("y_hat")),
        ("\\bar{x}", v("x_bar")),
        ("\\overline{w}", v("w_bar")),
        ("\\tilde{z}", v("z_tilde")),
        ("\\widetilde{\\boldsymbol{w}}", v("w_tilde")),
        ("\\dot{x}", v("x_dot")),
        ("\\hat{\\mathbf{s}}", v("s_hat")),
        ("\\hat{y}_i", sub("y_hat", "i")),
        ("\\hat{y_i}", sub("y_hat", "i")),
        ("\\hat{z}^{(i)}", Subscript("z_hat", v("i"), "(i)")),
        ("oldsymbol{u}", v("u")),
        ("m{u}", v("u")),
        ("m{W}m{g}_0", mul(v("W"), sub("g", 0))),
        ("\\mathrm{lr}", v("lr")),
        ("\\operatorname{lr}", v("lr")),
        ("\\beta", v("beta")),
        ("\\varepsilon", v("epsilon")),
        ("β", v("beta")),
        ("\\Sigma", v("Sigma")),
        ("\\pi", Const("pi")),
        ("π", Const("pi")),
        ("e", E),
        ("\\mathrm{e}", E),
        ("I", Const("I")),
        ("\\infty", Const("inf")),
        ("∞", Const("inf")),
        ("\\ell", v("ell")),
        ("\\ell_2", sub("ell", 2)),
        ("\\mathbf{W}\\mathbf{x}", mul(v("W"), v("x"))),
    ],
)
def test_names(text: str, tree: object) -> None:
    assert P(text) == tree


def test_unicode_operators() -> None:
    assert P("a − b · c") == add(v("a"), minus(mul(v("b"), v("c"))))
    assert P("a ≤ b") == Relation("<=", v("a"), v("b"))
    assert P("∇_w L") == Gradient(v("L"), v("w"))


# -- relations and statements --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("a = b", "="),
        ("a \\ne b", "!="),
        ("a \\neq b", "!="),
        ("a < b", "<"),
        ("a > b", ">"),
        ("a \\le b", "<="),
        ("a \\leq b", "<="),
        ("a \\leqslant b", "<="),
        ("a \\ge b", ">="),
        ("a \\geq b", ">="),
        ("a \\geqslant b", ">="),
        ("a := b", ":="),
        ("a \\coloneqq b", ":="),
    ],
)
def test_relations(text: str, op: str) -> None:
    assert P(text) == Relation(op, v("a"), v("b"))


def test_chains_share_middle_terms() -> None:
    assert P("a = b = c") == Chain((Relation("=", v("a"), v("b")), Relation("=", v("b"), v("c"))))
    assert P("a \\le b < c") == Chain(
        (Relation("<=", v("a"), v("b")), Relation("<", v("b"), v("c")))
    )
    chain = P("a = b \\le c")
    assert isinstance(chain, Chain)
    assert chain.links[0].rhs is chain.links[1].lhs


@pytest.mark.parametrize(
    "text",
    [
        "$a = b$",
        "$$a = b$$",
        "\\[a = b\\]",
        "\\(a = b\\)",
        "  $$ a = b. $$ ",
        "a = b.",
        "a = b,",
        "a = b \\\\",
        "a = b \\quad \\text{and} \\quad c = d",
        "a = b \\qquad \\text{for all } x",
        "a &= b",
        "a = b % a TeX comment",
        "\\displaystyle a = b \\nonumber",
        "a = b \\label{eq:one}",
    ],
)
def test_statement_wrapping(text: str) -> None:
    assert P(text) == Relation("=", v("a"), v("b"))


@pytest.mark.parametrize(
    "text",
    [
        "a = b \\text{ as } T \\to \\infty",  # only in the limit
        "|x| = x \\text{ if } x \\ge 0",  # only where x >= 0
        "(a+b)^2 = a^2 + 2ab + b^2 \\text{ hence } (a-b)^2 = a^2 + b^2",  # a second claim
    ],
)
def test_words_followed_by_mathematics_are_not_dropped(text: str) -> None:
    with pytest.raises(ParseError, match="words between mathematics"):
        P(text)


def test_expression_entry_point() -> None:
    assert parse_latex_expression("x + 1") == add(v("x"), n(1))
    with pytest.raises(ParseError, match="relation"):
        parse_latex_expression("x = 1")


def test_positions_point_at_the_source() -> None:
    tree = P("$x + \\beta$")
    assert isinstance(tree, Add)
    assert tree.terms[1].pos == 5  # type: ignore[attr-defined]


# -- examples from the seed documents ------------------------------------------------------


def test_seed_sigmoid_derivative() -> None:
    denominator = Pow(add(n(1), Pow(E, minus(v("z")))), n(2))
    assert P("\\sigma'(z) = \\frac{e^{-z}}{(1+e^{-z})^2}") == Relation(
        "=", Call("sigma", (v("z"),), 1), Div(Pow(E, minus(v("z"))), denominator)
    )


def test_seed_tanh() -> None:
    assert P("\\tanh(z) = 2\\sigma(2z) - 1") == Relation(
        "=",
        Call("tanh", (v("z"),)),
        add(mul(n(2), Call("sigma", (mul(n(2), v("z")),))), minus(n(1))),
    )


def test_seed_running_average() -> None:
    body = mul(Pow(v("beta"), add(v("t"), minus(v("i")))), sub("g", "i"))
    assert P("v_t = (1-\\beta)\\sum_{i=1}^{t}\\beta^{t-i} g_i") == Relation(
        "=", sub("v", "t"), mul(add(n(1), minus(v("beta"))), Sum(body, "i", n(1), v("t")))
    )


def test_seed_weight_norm_gradient() -> None:
    text = (
        "\\nabla_{\\boldsymbol{u}}L = \\frac{\\gamma}{||\\boldsymbol{u}||} \\cdot "
        "(I - \\frac{\\boldsymbol{u} \\cdot \\boldsymbol{u}^\\top}{||\\boldsymbol{u}||^2}) "
        "\\cdot \\nabla_{\\boldsymbol{w}}L"
    )
    projection = add(
        Const("I"),
        minus(Div(mul(v("u"), Transpose(v("u"))), Pow(Norm(v("u")), n(2)))),
    )
    assert P(text) == Relation(
        "=",
        Gradient(v("L"), v("u")),
        mul(Div(v("gamma"), Norm(v("u"))), projection, Gradient(v("L"), v("w"))),
    )


def test_seed_batch_norm() -> None:
    text = "\\hat{y} = \\gamma \\cdot \\frac{u^T \\cdot x - 0}{||u||} + \\beta"
    numerator = add(mul(Pow(v("u"), v("T")), v("x")), minus(n(0)))
    assert P(text) == Relation(
        "=", v("y_hat"), add(mul(v("gamma"), Div(numerator, Norm(v("u")))), v("beta"))
    )


def test_seed_update_arrow_is_an_update_relation() -> None:
    text = "w \\leftarrow (1 - \\alpha\\lambda)w - \\frac{\\partial \\mathcal{L}}{\\partial w}"
    node = P(text)
    assert isinstance(node, Relation)
    assert node.op == "<-"
    assert node.lhs == v("w")


def test_seed_pdf_damage() -> None:
    text = "\\lambda_1(oldsymbol{W}^{\top}oldsymbol{W}) > rac{\\delta^2}{\\gamma^2}"
    text = text.replace("\t", " ")  # the "\t" of \top was a tab, then a space
    assert P(text) == Relation(
        ">",
        Call("lambda_max", (mul(Transpose(v("W")), v("W")),)),
        Div(Pow(v("delta"), n(2)), Pow(v("gamma"), n(2))),
    )


def test_seed_regularised_loss() -> None:
    text = (
        "L_{\\text{reg}}(f(\\mathbf{x}^{(j)}, \\theta), \\mathbf{y}^{(j)}) = "
        "L(f(\\mathbf{x}^{(j)}, \\theta), \\mathbf{y}^{(j)}) + \\gamma \\|\\theta\\|_2^2"
    )
    x, y = Subscript("x", v("j"), "(j)"), Subscript("y", v("j"), "(j)")
    args = (Call("f", (x, v("theta"))), y)
    assert P(text) == Relation(
        "=",
        Call("L_reg", args),
        add(Call("L", args), mul(v("gamma"), Pow(Norm(v("theta"), "2"), n(2)))),
    )


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("a \\pm b", "ambiguous ±", 2),
        ("\\pm b", "ambiguous ±", 0),
        ("T \\to \\infty", "implications", 2),
        ("a \\implies b", "implications", 2),
        ("a \\Rightarrow b", "implications", 2),
        ("a \\iff b", "implications", 2),
        ("a \\rightarrow b", "implications", 2),
        ("a + \\cdots + b", "not indexed", 4),
        ("a + \\dots", "not written", 4),
        ("a + \\ldots", "not written", 4),
        ("x + \\foo", "unknown command \\foo", 4),
        ("\\nabla L", "say which variable: \\nabla_w L", 0),
        ("\\sum_i^n x_i", "double bound", 6),  # a bare index takes no upper bound
        ("\\sum x_i", "give the bounds", 0),
        ("\\sum_{i=1} x_i", "give the bounds", 0),
        ("\\frac{1}", "missing denominator for \\frac", 0),
        ("\\frac{1}{2", "missing closing brace for \\frac", 8),
        ("\\frac{1", "missing closing brace for \\frac", 5),
        ("(a + b", "missing ) for (", 0),
        ("\\left( a \\right]", "expected \\right) for \\left(, found \\right]", 9),
        ("\\left( a )", "expected \\right) for \\left(", 9),
        ("a + b)", "unmatched )", 5),
        ("a }", "unmatched }", 2),
        ("(a = b)", "relation inside brackets", 3),
        ("x^-1", "negative exponent needs braces", 2),
        ("x^23", "write ^{23}", 2),
        ("2 3", "two numbers side by side", 2),
        ("1e-5", "scientific notation", 1),
        ("a, b", "one statement per line", 1),
        ("x!", "factorials", 1),
        ("", "empty statement", 0),
        ("$$ $$", "empty statement", 2),
        ("$x", "missing closing $", 0),
        ("\\max^2(x)", "two or more arguments", 0),  # max(x) alone is over x: an Extremum
        ("\\max x", "with parentheses", 0),
        ("\\max_{1} p", "only over one variable", 5),
        ("\\exp(a, b)", "takes 1 argument", 0),
        ("\\mathbb{R}", "sets like ℝ", 0),
        ("x \\in \\mathbb{R}", "membership", 2),
        ("\\mathbb{E} x", "with brackets", 0),
        ("\\partial L", "\\partial outside a derivative", 0),
        ("\\frac{d^2 f}{dx}", "orders", 0),
        ("(a, b)", "comma inside brackets", 2),
        ("x_{i,1}", "several indices", 4),
        ("x_1_2", "double subscript", 3),
        ("x^1^2", "double superscript", 3),
        ("\\hat{a+b}", "over an expression", 0),
        ("{a + b}c", "braces", 1),
        ("{a + b}^2", "braces", 1),
        ("a = b \\quad c = d", "\\quad", 6),
        ("(1 + \\text{grad-through block})", "words inside a formula", 5),
        ("\\left. x \\right|", "invisible delimiter", 0),
        ("\\langle a, b \\rangle", "inner products", 0),
        ("a \\otimes b", "not supported", 2),
        ("\\int f", "integrals", 0),
        ("\\begin{bmatrix} 1 \\end{bmatrix}", "\\begin{bmatrix}", 0),
        ("\\tan x", "\\tan is not supported", 0),
        ("\\operatorname*{arg\\,max}_x f", "arg max", 0),
        ("p(a \\mid b)", "conditional", 4),
        ("a \\\\ b", "split_aligned", 2),
        ("u^\\top_1 \\top", "\\top outside a superscript", 9),
        ("x \x00 y", "control character U+0000", 2),
        ("x \u200d y", "invisible formatting character U+200D", 2),
        ("x\u0301", "combining mark", 1),
        ("x + 😀", "unexpected character", 4),
    ],
)
def test_errors(text: str, message: str | None, column: int | None) -> None:
    with pytest.raises(ParseError) as info:
        P(text)
    if message is not None:
        assert message in info.value.message
    if column is not None:
        assert info.value.column == column


def test_error_renders_a_caret() -> None:
    with pytest.raises(ParseError) as info:
        P("a + \\foo")
    assert str(info.value).splitlines()[-1] == "      ^"


def test_limits() -> None:
    with pytest.raises(LimitError, match="longer than"):
        P("x+" * 20_000)
    with pytest.raises(LimitError, match="digits"):
        P("1" * 61)
    with pytest.raises(LimitError, match="nested"):
        P("(" * 150 + "x" + ")" * 150)
    with pytest.raises(LimitError, match="nodes"):
        P("+".join(["x"] * 6000))
    assert P("(" * 90 + "x" + ")" * 90) == v("x")


# -- display blocks ------------------------------------------------------------------------


def test_split_aligned_basic() -> None:
    block = "\\begin{aligned} a &= b \\\\ &= c + d \\\\ \\end{aligned}"
    assert split_aligned(block) == ["a = b", "= c + d"]


@pytest.mark.parametrize("env", ["aligned", "align", "align*", "gathered", "split", "eqnarray"])
def test_split_aligned_environments(env: str) -> None:
    block = f"$$\\begin{{{env}}} x &= 1 \\\\[2pt] y &= 2 \\end{{{env}}}$$"
    assert split_aligned(block) == ["x = 1", "y = 2"]


def test_split_aligned_without_environment() -> None:
    assert split_aligned("$$ a = b $$") == ["a = b"]
    assert split_aligned("   ") == []


def test_split_aligned_keeps_nested_breaks_and_escaped_ampersands() -> None:
    block = "\\begin{align} a &= \\begin{cases} 1 \\\\ 2 \\end{cases} \\\\ b \\& c \\end{align}"
    assert split_aligned(block) == ["a = \\begin{cases} 1 \\\\ 2 \\end{cases}", "b \\& c"]


def test_split_aligned_inside_equation() -> None:
    block = "\\begin{equation}\\begin{split} a &= b \\\\ &= c \\end{split}\\end{equation}"
    assert split_aligned(block) == ["a = b", "= c"]


def test_split_aligned_mangled_seed_block() -> None:
    block = (
        "$$egin{aligned} m{g}_1 &= \\sigma(m{W}m{g}_0 + m{U}m{x}_1 + m{b}) \\ "
        "m{h}_1 &= m{W}\\sigma(m{h}_0) + m{U}m{x}_1 + m{b} \\ "
        "m{g}_1 &= \\sigma(m{W}\\cdot 0 + (m{h}_1 - m{W}\\cdot 0)) \\end{aligned}$$"
    )
    lines = split_aligned(block)
    assert lines[1] == "m{h}_1 = m{W}\\sigma(m{h}_0) + m{U}m{x}_1 + m{b}"
    assert len(lines) == 3
    trees = [P(line) for line in lines]
    assert trees[1] == Relation(
        "=",
        sub("h", 1),
        add(mul(v("W"), Call("sigma", (sub("h", 0),))), mul(v("U"), sub("x", 1)), v("b")),
    )


def test_split_aligned_backspace_begin() -> None:
    assert split_aligned("\x08egin{aligned} a &= b \\\\ c &= d \\end{aligned}") == [
        "a = b",
        "c = d",
    ]


def test_split_aligned_errors() -> None:
    with pytest.raises(ParseError, match="without \\\\end"):
        split_aligned("\\begin{aligned} a &= b")
    with pytest.raises(ParseError, match="outside"):
        split_aligned("x = \\begin{aligned} a \\end{aligned}")


def test_parse_latex_accepts_a_one_line_block_only() -> None:
    assert P("\\begin{aligned} a &= b \\end{aligned}") == Relation("=", v("a"), v("b"))
    with pytest.raises(ParseError, match="split_aligned"):
        P("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}")


@pytest.mark.parametrize(
    ("text", "var"),
    [(r"\max(\sigma(z))", None), (r"\max_z \sigma(z)", "z"), (r"\min_{t} t^2", "t")],
)
def test_a_maximum_over_a_variable_is_an_extremum(text: str, var: str | None) -> None:
    node = parse_latex(text)
    assert isinstance(node, Extremum) and node.var == var


@pytest.mark.parametrize(
    ("text", "indices"),
    [(r"\sum_i x_i", ["i"]), (r"\sum_{ij} x_i", ["i", "j"]), (r"\sum_{i,j} x_i", ["i", "j"])],
)
def test_a_bare_sum_leaves_its_range_to_elaboration(text: str, indices: list[str]) -> None:
    node, found = parse_latex(text), []
    while isinstance(node, Sum):
        assert node.lower is None and node.upper is None
        found.append(node.var)
        node = node.body
    assert found == indices


@pytest.mark.parametrize("text", [r"f(x) \nleq g(x)", "f(x) ≰ g(x)", r"a \ngeq b", "a ≱ b"])
def test_a_negated_inequality_is_refused_with_its_two_readings(text: str) -> None:
    with pytest.raises(ParseError, match="two readings"):
        P(text)


@pytest.mark.parametrize(
    ("text", "reads_as"),
    [
        (r"\boxed{x = 1}", "x = 1"),
        (r"a = \boxed{b + c} d", "a = (b + c) d"),  # a box groups what it holds
        (r"\underbrace{a + b}_{\text{two terms}} = d", "a + b = d"),
        (r"\overbrace{a b}^{c} = d", "a b = d"),
        (r"\cancel{a} - \cancel{a} + b = b", "a - a + b = b"),
        (r"\textcolor{red}{a + b} = c", "(a + b) = c"),
        (r"x = 1 \newline", "x = 1"),
    ],
)
def test_decorations_are_read_past(text: str, reads_as: str) -> None:
    assert P(text) == P(reads_as)


@pytest.mark.parametrize(
    "text",
    [
        r"\mathbb{1}(i = j)",
        r"\mathbb{1}[i = j]",
        r"\mathbb{1}\{i = j\}",
        r"\mathbb{1}_{i = j}",
        "1_{i=j}",
    ],
)
def test_an_indicator_is_one_where_its_relation_holds(text: str) -> None:
    node = P(f"y = {text}")
    assert isinstance(node, Relation) and isinstance(node.rhs, Cases)
    (one, condition), (zero, otherwise) = node.rhs.branches
    assert (one, zero, otherwise) == (Num(Fraction(1)), Num(Fraction(0)), None)
    assert condition == Relation("=", Name("i"), Name("j"))


def test_a_subscript_on_an_expression_is_its_entry() -> None:
    assert P("(a+b)_i") == Component(Add((Name("a"), Name("b"))), Name("i"))
    assert P(r"\mathrm{softmax}(z)_i") == Component(Call("softmax", (Name("z"),)), Name("i"))
    # commas between one-letter indices: the entry X_{ij}, its label keeps the commas
    assert P("X_{i,j}") == Subscript("X", Name("ij"), "i,j")


def test_a_blackboard_lowercase_letter_is_read_as_the_bold_letter_it_stands_for() -> None:
    assert P(r"\mathbb{w}^T \mathbb{x}") == P(r"\mathbf{w}^T \mathbf{x}")
    assert P(r"J(\mathbb{\theta})") == P(r"J(\theta)")
    with pytest.raises(ParseError, match="unknown"):
        P(r"\mathbb{A} = 1")  # a capital is no bold letter by convention: not guessed


def test_a_decoration_keeps_its_brackets_unless_a_relation_stands_at_its_top() -> None:
    # found by review: the relation inside Σ's bounds dropped the brackets (2·7 read as 13)
    assert P(r"2\boxed{\sum_{i=1}^{3} i + 1}") == P(r"2(\sum_{i=1}^{3} i + 1)")
    assert P(r"\boxed{\sum_{i=1}^{2} i}^2") == P(r"(\sum_{i=1}^{2} i)^2")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"x^{\boxed{2}} = x^2", "inside a sub- or superscript"),
        (r"x_{\boxed{1}} = 1", "inside a sub- or superscript"),
        (r"\lim_{\Delta w \to 0} \frac{\Delta \, (w + 1)}{\Delta w} = 1", "stands apart"),
    ],
)
def test_readings_the_review_found_doubtful_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        P(text)


def test_an_increment_squared_is_the_square_of_the_increment() -> None:
    node = P(r"\lim_{\Delta w \to 0} \frac{\Delta w^2}{\Delta w} = 0")
    assert isinstance(node, Relation)
    assert "Delta" not in {n.name for n in walk(node) if isinstance(n, Name)}


def test_an_array_of_one_column_lists_lines_and_one_of_several_is_refused() -> None:
    assert split_aligned(r"\begin{array}{l} a = b \\ c = d \end{array}") == ["a = b", "c = d"]
    with pytest.raises(ParseError, match="several columns"):
        split_aligned(r"\begin{array}{cc} a & b \\ c & d \end{array}")


def test_parameters_after_a_semicolon_are_arguments() -> None:
    assert P("o(x_t; W_o)") == P("o(x_t, W_o)")


@pytest.mark.parametrize(
    "text",
    [r"a + \boxed{x = 1}", r"\boxed{x = 1} + 2", r"a \boxed{x = 1}"],
)
def test_a_boxed_relation_inside_an_expression_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="relation"):  # a + x = 1 is not what is boxed
        P(text)


def test_an_entry_of_a_call_keeps_the_call() -> None:
    assert P(r"\sigma(z)_i") == Component(Call("sigma", (Name("z"),)), Name("i"))


def test_a_square_below_a_first_order_derivative_is_the_variable() -> None:
    # ∂f/∂σ² differentiates by the quantity σ² (lowering decides whether it is one);
    # with ∂² above the bar it is the second derivative by σ
    by_square = parse_latex_expression("\\frac{\\partial f}{\\partial \\sigma^2}")
    assert by_square == Derivative(v("f"), Pow(v("sigma"), n(2)), 1)
    assert parse_latex_expression("\\frac{\\partial^2 f}{\\partial \\sigma^2}") == Derivative(
        v("f"), v("sigma"), 2
    )
