"""Declarations, laws and assumptions: every accepted form and the errors of the rest."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.errors import LimitError, ParseError
from derive.model.types import (
    INTEGER,
    NONNEGATIVE,
    POSITIVE,
    POSITIVE_INTEGER,
    REAL,
    UNIT_INTERVAL,
    Decl,
    Domain,
    Function,
    Law,
    Matrix,
    Random,
    Scalar,
    Sequence,
    Vector,
)
from derive.parsing.declarations import (
    MAX_SIZE,
    parse_assumption,
    parse_declaration,
    parse_law,
    parse_type,
)

F = Fraction
CLOSED_UNIT = Domain(lower=F(0), upper=F(1))
NORMAL = Law("normal", (F(0), F(1)))

TYPES = [
    ("real", Scalar()),
    ("scalar", Scalar()),
    ("Real", Scalar()),
    ("positive", Scalar(POSITIVE)),
    ("nonnegative", Scalar(NONNEGATIVE)),
    ("negative", Scalar(Domain(upper=F(0), upper_open=True))),
    ("integer", Scalar(INTEGER)),
    ("positive integer", Scalar(POSITIVE_INTEGER)),
    ("natural", Scalar(POSITIVE_INTEGER)),
    ("nonnegative integer", Scalar(Domain(integer=True, lower=F(0)))),
    ("positive real", Scalar(POSITIVE)),
    ("interval(0, 1)", Scalar(UNIT_INTERVAL)),
    ("(0, 1)", Scalar(UNIT_INTERVAL)),
    ("[0, 1]", Scalar(CLOSED_UNIT)),
    ("(0, 1]", Scalar(Domain(lower=F(0), upper=F(1), lower_open=True))),
    ("[0, 1)", Scalar(Domain(lower=F(0), upper=F(1), upper_open=True))),
    ("[-1/2, 0.75]", Scalar(Domain(lower=F(-1, 2), upper=F(3, 4)))),
    ("[1, inf)", Scalar(Domain(lower=F(1), upper_open=True))),
    ("(-inf, 0)", Scalar(Domain(upper=F(0), lower_open=True, upper_open=True))),
    ("vector(n)", Vector("n")),
    ("vector(3)", Vector(3)),
    ("vector(β)", Vector("beta")),
    ("matrix(m, n)", Matrix("m", "n")),
    ("matrix(2, n)", Matrix(2, "n")),
    ("function", Function()),
    ("function(w)", Function(("w",))),
    ("function(w, gamma)", Function(("w", "gamma"))),
    ("function(lam)", Function(("lambda",))),
    ("function()", Function()),
    ("activation", Function((), None, elementwise=True)),
    ("elementwise function", Function((), None, elementwise=True)),
    ("sigmoid", Function((), "sigmoid", elementwise=True)),
    ("tanh", Function((), "tanh", elementwise=True)),
    ("relu", Function((), "relu", elementwise=True)),
    ("softplus", Function((), "softplus", elementwise=True)),
    ("sequence", Sequence(Scalar())),
    ("sequence of vector(n)", Sequence(Vector("n"))),
    ("sequence of positive", Sequence(Scalar(POSITIVE))),
    ("random", Random()),
    ("random vector(n)", Random(Vector("n"))),
    ("random matrix(n, n)", Random(Matrix("n", "n"))),
    ("random sequence", Random(Sequence())),
    ("random sequence of vector(d)", Random(Sequence(Vector("d")))),
    ("random ~ Normal(0, 1)", Random(Scalar(), NORMAL)),
    ("random vector(n) ~ whitened", Random(Vector("n"), Law("whitened"))),
    ("random sequence ~ generic", Random(Sequence(), Law("generic"))),
    ("vector(n) ~ whitened", Random(Vector("n"), Law("whitened"))),
]


@pytest.mark.parametrize(("text", "expected"), TYPES)
def test_types(text: str, expected: Decl) -> None:
    assert parse_type(text) == expected


TYPE_ERRORS = [
    ("", 0, "expected a type"),
    ("foo", 0, "expected a type"),
    ("real real", 5, "unexpected 'real'"),
    ("vector", 6, "vector(n)"),
    ("vector(n", 6, "vector(n)"),
    ("vector(n, m)", 0, "vector(n)"),
    ("vector(0)", 7, "at least 1"),
    ("vector(1.5)", 7, "whole number or a name"),
    ("matrix(n)", 0, "matrix(rows, cols)"),
    ("(1, 0)", 0, "empty"),
    ("[0, 1", 5, "to end the interval"),
    ("(0 1)", 3, "two bounds"),
    ("[0, x]", 4, "expected a number"),
    ("interval[0, 1]", 8, "interval(a, b)"),
    ("function(w, w)", 12, "repeated"),
    ("function(w", 8, "never closed"),
    ("function(exp)", 9, "builtin"),
    ("elementwise", 11, "elementwise function"),
    ("random ~ Foo(1)", 9, "unknown law"),
    ("random ~", 8, "expected a law"),
    ("random vector(n) extra", 17, "unexpected"),
    ("real; import os", 4, "unexpected ';'"),
    ("real\x00", 4, "control character"),
]


@pytest.mark.parametrize(("text", "column", "message"), TYPE_ERRORS)
def test_type_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_type(text)
    assert info.value.column == column
    assert message in info.value.message


def test_sizes_are_bounded() -> None:
    assert parse_type(f"vector({MAX_SIZE})") == Vector(MAX_SIZE)
    with pytest.raises(LimitError):
        parse_type(f"matrix({MAX_SIZE + 1}, 2)")
    with pytest.raises(LimitError):
        parse_type("vector(" + "9" * 100 + ")")


LAWS = [
    ("Normal(0, 1)", NORMAL),
    ("N(0, 1)", NORMAL),
    ("normal(0, 1)", NORMAL),
    ("Gaussian(0, 1)", NORMAL),
    ("N(mu, sd)", Law("normal", ("mu", "sd"))),
    ("Normal(-1.5, 0.5)", Law("normal", (F(-3, 2), F(1, 2)))),
    ("Normal(mu_y, 1/3)", Law("normal", ("mu_y", F(1, 3)))),
    ("Uniform(-1, 1)", Law("uniform", (F(-1), F(1)))),
    ("Uniform(0, b)", Law("uniform", (F(0), "b"))),
    ("Bernoulli(p)", Law("bernoulli", ("p",))),
    ("Bern(0.3)", Law("bernoulli", (F(3, 10),))),
    ("Bernoulli(0)", Law("bernoulli", (F(0),))),
    ("Laplace(0, 2)", Law("laplace", (F(0), F(2)))),
    ("symmetric(var)", Law("symmetric", ("var",))),
    ("Symmetric(1)", Law("symmetric", (F(1),))),
    ("generic", Law("generic")),
    ("GENERIC()", Law("generic")),
    ("whitened", Law("whitened")),
    ("Bernoulli(σ)", Law("bernoulli", ("sigma",))),
]


@pytest.mark.parametrize(("text", "expected"), LAWS)
def test_laws(text: str, expected: Law) -> None:
    assert parse_law(text) == expected


LAW_ERRORS = [
    ("Poisson(1)", 0, "unknown law 'Poisson'"),
    ("Normal(0)", 0, "takes 2 parameter(s), got 1"),
    ("generic(1)", 0, "takes 0 parameter(s)"),
    ("Normal", 0, "got 0"),
    ("Normal(0, -1)", 10, "scale must be positive"),
    ("Normal(0, 0)", 10, "scale must be positive"),
    ("Laplace(0, 0)", 11, "scale must be positive"),
    ("symmetric(0)", 10, "variance must be positive"),
    ("Uniform(1, 1)", 11, "a < b"),
    ("Uniform(2, 1)", 11, "a < b"),
    ("Bernoulli(1.5)", 10, "between 0 and 1"),
    ("Bernoulli(-0.1)", 10, "between 0 and 1"),
    ("Normal(0 1)", 9, "separated by ','"),
    ("Normal(x+1, 1)", 8, "separated by ','"),
    ("Normal(,1)", 7, "number or a name"),
    ("Normal(0, 1", 6, "never closed"),
    ("Normal(0, 1/0)", 12, "division by zero"),
    ("Normal(0, 1) x", 13, "unexpected 'x'"),
    ("__import__('os')", 0, "expected a law"),
    ("", 0, "expected a law"),
]


@pytest.mark.parametrize(("text", "column", "message"), LAW_ERRORS)
def test_law_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_law(text)
    assert info.value.column == column
    assert message in info.value.message


DECLARATIONS = [
    ("u: vector(n)", ("u", Vector("n"))),
    ("W: matrix(n, n)", ("W", Matrix("n", "n"))),
    ("L: function(w)", ("L", Function(("w",)))),
    ("sigma: sigmoid", ("sigma", Function((), "sigmoid", elementwise=True))),
    ("x ~ Normal(0, 1)", ("x", Random(Scalar(), NORMAL))),
    ("g: random sequence ~ generic", ("g", Random(Sequence(), Law("generic")))),
    ("β_1: (0, 1)", ("beta_1", Scalar(UNIT_INTERVAL))),
    ("beta_1: (0, 1)", ("beta_1", Scalar(UNIT_INTERVAL))),
    ("lam: positive", ("lambda", Scalar(POSITIVE))),
    ("eps_0: positive", ("epsilon_0", Scalar(POSITIVE))),
    ("lambda_max: positive", ("lambda_max", Scalar(POSITIVE))),
    ("  t :natural", ("t", Scalar(POSITIVE_INTEGER))),
]


@pytest.mark.parametrize(("text", "expected"), DECLARATIONS)
def test_declarations(text: str, expected: tuple[str, Decl]) -> None:
    assert parse_declaration(text) == expected


DECLARATION_ERRORS = [
    ("", 0, "expected a name"),
    ("1: real", 0, "expected a name"),
    ("x = 1", 2, "expected ':' or '~'"),
    ("x", 1, "expected ':' or '~'"),
    ("x:", 2, "expected a type"),
    ("x: real extra", 8, "unexpected 'extra'"),
    ("e: real", 0, "reserved"),
    ("E: real", 0, "reserved"),
    ("pi: real", 0, "reserved"),
    ("exp: function", 0, "builtin"),
    ("x ~ Normal(0)", 4, "takes 2"),
    ("x: vector(n) $", 13, "unexpected '$'"),
]


@pytest.mark.parametrize(("text", "column", "message"), DECLARATION_ERRORS)
def test_declaration_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_declaration(text)
    assert info.value.column == column
    assert message in info.value.message


def above(value: int, open_: bool = True) -> Domain:
    return Domain(lower=F(value), lower_open=open_)


ASSUMPTIONS = [
    ("x > 0", [("x", above(0))]),
    ("x >= 1", [("x", above(1, False))]),
    ("x < 1", [("x", Domain(upper=F(1), upper_open=True))]),
    ("x <= 1/2", [("x", Domain(upper=F(1, 2)))]),
    ("x ≥ 0", [("x", above(0, False))]),
    ("0 < beta < 1", [("beta", UNIT_INTERVAL)]),
    ("1 > beta > 0", [("beta", UNIT_INTERVAL)]),
    ("-1 <= x <= 1", [("x", Domain(lower=F(-1), upper=F(1)))]),
    ("−1 ≤ x ≤ 1", [("x", Domain(lower=F(-1), upper=F(1)))]),
    ("0 <= x <= 0", [("x", Domain(lower=F(0), upper=F(0)))]),
    ("1 <= t", [("t", above(1, False))]),
    ("0 < t", [("t", above(0))]),
    ("n integer", [("n", INTEGER)]),
    ("t positive integer", [("t", POSITIVE_INTEGER)]),
    ("n natural", [("n", POSITIVE_INTEGER)]),
    ("x real", [("x", REAL)]),
    ("x positive", [("x", POSITIVE)]),
    ("beta in (0, 1)", [("beta", UNIT_INTERVAL)]),
    ("β ∈ [0, 1]", [("beta", CLOSED_UNIT)]),
    ("lam in interval(0, 1)", [("lambda", UNIT_INTERVAL)]),
    ("x, y > 0", [("x", above(0)), ("y", above(0))]),
    ("0 < beta_1, beta_2 < 1", [("beta_1", UNIT_INTERVAL), ("beta_2", UNIT_INTERVAL)]),
    ("m, n positive integer", [("m", POSITIVE_INTEGER), ("n", POSITIVE_INTEGER)]),
    ("x >= -inf", [("x", REAL)]),
]


@pytest.mark.parametrize(("text", "expected"), ASSUMPTIONS)
def test_assumptions(text: str, expected: list[tuple[str, Domain]]) -> None:
    assert parse_assumption(text) == expected


ASSUMPTION_ERRORS = [
    ("x > y", 4, "assumptions compare a name with numbers"),
    ("0 < x < y", 8, "assumptions compare a name with numbers"),
    ("x > 2*y", 5, "unexpected '*'"),
    ("x > 1 + 1", 6, "unexpected '+'"),
    ("0 < x > 1", 6, "same way"),
    ("1 < x < 0", 0, "no number satisfies"),
    ("0 < x <= 0", 0, "no number satisfies"),
    ("x = 1", 2, "<, <=, >, >= or !="),
    ("x != y", 5, "compare a name with numbers"),
    ("1 < 2", 4, "expected a name"),
    ("1 x", 2, "expected <, <=, > or >="),
    ("x", 1, "expected a type"),
    ("x in", 4, "expected a type"),
    ("x vector(n)", 2, "expected a type"),
    ("e > 0", 0, "reserved"),
    ("", 0, "expected a name"),
    ("x > 0; rm -rf /", 5, "unexpected ';'"),
]


@pytest.mark.parametrize(("text", "column", "message"), ASSUMPTION_ERRORS)
def test_assumption_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_assumption(text)
    assert info.value.column == column
    assert message in info.value.message


_PIECES = [
    *"xnw01.-/()[],:~<>= ",
    *["real", "positive", "integer", "vector", "matrix", "function", "sequence", "of"],
    *["random", "Normal", "N", "Bernoulli", "whitened", "in", "∈", "inf", "β", "\x00", "$"],
]
_TEXTS = st.one_of(
    st.text(max_size=30), st.lists(st.sampled_from(_PIECES), max_size=20).map("".join)
)


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_arbitrary_text_parses_or_raises_parse_error(text: str) -> None:
    for parse in (parse_type, parse_law, parse_declaration, parse_assumption):
        try:
            parse(text)
        except ParseError as error:
            assert 0 <= error.column <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.fractions(max_denominator=1000), st.fractions(max_denominator=1000), st.booleans())
def test_interval_bounds_are_exact(low: Fraction, high: Fraction, open_: bool) -> None:
    text = f"{'(' if open_ else '['}{low}, {high}{')' if open_ else ']'}"
    if low < high:
        assert parse_type(text) == Scalar(Domain(False, low, high, open_, open_))
    else:
        with pytest.raises(ParseError):
            parse_type(text)


def test_assumption_excludes_a_point() -> None:
    ((name, domain),) = parse_assumption("mu != 0")
    assert name == "mu"
    assert not domain.contains(Fraction(0))
    assert domain.contains(Fraction(1, 2))
