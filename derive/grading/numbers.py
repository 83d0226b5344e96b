"""Numbers as students write them: decimals at the precision written, and lists of numbers
(`[2.50, 2.58]`) that the expression parsers do not read."""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp

from derive.errors import DeriveError
from derive.model import ast
from derive.model.lower import Lowering
from derive.model.types import Context

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def decimal_literal(node: ast.Node, text: str) -> str | None:
    """The decimal literal a final answer is, as written (so its precision is known)."""
    value = node.operand if isinstance(node, ast.Neg) else node
    if not isinstance(value, ast.Num):
        return None
    found = NUMBER.findall(text.split("=")[-1])
    if not found or "." not in found[-1]:
        return None
    return ("-" if isinstance(node, ast.Neg) else "") + found[-1].lstrip("-")


def exact_value(node: ast.Node, context: Context) -> sp.Expr | None:
    try:
        value = Lowering(context).lower(node)
    except DeriveError:
        return None
    return value if isinstance(value, sp.Expr) and value.is_number else None


def accepts_decimal(written: str, exact: sp.Expr, min_digits: int) -> bool:
    """`0.66` and `0.67` for 2/3 (truncated or rounded at the digits written); `0.6` has
    too few significant digits."""
    digits = len(written.split(".")[1])
    significant = len(written.replace("-", "").replace(".", "").lstrip("0"))
    if (
        significant < min_digits and Fraction(written) != Fraction(str(sp.Rational(exact)))
        if exact.is_Rational
        else significant < min_digits
    ):
        return False
    scale = 10**digits
    value = Fraction(written)
    high = sp.floor(sp.Abs(exact) * scale) if exact.is_real else None
    if high is None:
        return False
    sign = -1 if exact < 0 else 1
    truncated = Fraction(int(high), scale) * sign
    rounded = Fraction(int(sp.floor(sp.Abs(exact) * scale + sp.Rational(1, 2))), scale) * sign
    return value in (truncated, rounded)


def elements(text: str) -> list[str] | None:
    """The numbers of `[2.50, 2.58]`, `[2.00; 3.00]`, `[[2, 2]; [2.66, 3.33]]`, flattened."""
    cleaned = text.replace("\\left", "").replace("\\right", "").strip().rstrip(".").strip("$ ")
    if not (cleaned.startswith("[") and cleaned.endswith("]")):
        return None
    numbers = re.findall(r"-?\d+(?:\.\d+)?(?:/\d+)?", cleaned)
    leftover = re.sub(r"-?\d+(?:\.\d+)?(?:/\d+)?|[\[\],;\s]", "", cleaned)
    return numbers if numbers and not leftover else None
