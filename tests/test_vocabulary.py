"""The notation vocabulary is one table: every builtin in it is read by both parsers,
lowered to sympy, and (for derive's own functions) evaluated in numpy and mpmath."""

from __future__ import annotations

import math

import pytest

from derive import vocabulary
from derive.model import builtins
from derive.model.ast import Abs
from derive.model.functions import ACTIVATION_CLASSES
from derive.parsing import parse_statement


@pytest.mark.parametrize("builtin", vocabulary.TABLE, ids=lambda b: b.name)
def test_every_builtin_is_lowered(builtin: vocabulary.Builtin) -> None:
    forms = {**builtins.ELEMENTWISE, **builtins.MATRIX}
    assert builtin.name in forms or builtin.kind == "variadic"


@pytest.mark.parametrize("builtin", vocabulary.TABLE, ids=lambda b: b.name)
def test_every_spelling_parses_to_the_builtin(builtin: vocabulary.Builtin) -> None:
    args = "x, y" if builtin.arity is None else "x"
    texts = [(f"{spelling}({args}) = 1", False) for spelling in (builtin.name, *builtin.spellings)]
    texts += [(f"\\{command}({args}) = 1", True) for command in builtin.latex]
    texts += [(f"\\operatorname{{{word}}}({args}) = 1", True) for word in builtin.words]
    for text, latex in texts:
        node = parse_statement(text, latex=latex).lhs
        assert isinstance(node, Abs) if builtin.name == "abs" else node.func == builtin.name, text


@pytest.mark.parametrize("cls", ACTIVATION_CLASSES, ids=lambda c: c.__name__)
def test_numeric_forms_agree(cls: type) -> None:
    import sympy as sp

    for x in (-30.0, -1.5, 0.0, 0.25, 4.0):
        exact = float(sp.N(cls(sp.Float(x)), 30))
        assert math.isclose(float(cls.numpy(x)), exact, rel_tol=1e-12, abs_tol=1e-300)
        assert math.isclose(float(cls.mpmath(x)), exact, rel_tol=1e-12, abs_tol=1e-300)
