"""Independent numeric check of the labels of `dl_pairs.jsonl`.

Each side is read with latex2sympy2_extended (the LaTeX reader Math-Verify uses, not derive's
parser), deep-learning notation is replaced by its definition (σ, ReLU, softplus; `\\log` is
the natural logarithm), derivatives and sums are carried out, and the two sides are
compared at random points drawn from the declared domains. A pair labelled "not equivalent"
must differ at some point; a pair labelled "equivalent" must agree at every point.
"""

from __future__ import annotations

import random
import re
from typing import Any

ASSUME = re.compile(r"^\s*([0-9.]+)\s*<\s*(\w+)\s*<\s*([0-9.]+)\s*$")


# latex2sympy reads \gamma(...) as the Gamma function: the variable is renamed.
RENAMES = {"gamma": "xi"}
# Deep-learning functions, written out: latex2sympy reads \sigma(a - b) as a product.
DEFINITIONS = {
    r"\sigma": r"\frac{{1}}{{1+e^{{-({0})}}}}",
    r"\mathrm{ReLU}": r"\max(0, {0})",
    r"\operatorname{softplus}": r"\ln(1+e^{{{0}}})",
}


def _key(name: str) -> str:
    name = re.sub(r"[\\{}_ ]|mathrm|text|operatorname", "", name)
    return RENAMES.get(name, name)


def _argument(latex: str, start: int) -> tuple[str, int] | None:
    """The bracketed argument at `start` (`(...)` or `\\left(...\\right)`) and its end."""
    opener = (
        "\\left("
        if latex.startswith("\\left(", start)
        else "("
        if latex.startswith("(", start)
        else None
    )
    if opener is None:
        return None
    depth, i = 0, start
    while i < len(latex):
        if latex.startswith("\\left(", i) or latex[i] == "(":
            depth += 1
            i += len("\\left(") if latex.startswith("\\left(", i) else 1
            continue
        if latex.startswith("\\right)", i) or latex[i] == ")":
            depth -= 1
            step = len("\\right)") if latex.startswith("\\right)", i) else 1
            if depth == 0:
                return latex[start + len(opener) : i], i + step
            i += step
            continue
        i += 1
    return None


def _prepare(latex: str) -> str:
    for name, new in RENAMES.items():
        latex = latex.replace("\\" + name, "\\" + new)
    latex = latex.replace(r"\log", r"\ln")
    changed = True
    while changed:
        changed = False
        for command, template in DEFINITIONS.items():
            i = (
                latex.find(command + "(")
                if command + "(" in latex
                else latex.find(command + r"\left(")
            )
            if i < 0:
                continue
            found = _argument(latex, i + len(command))
            if found is None:
                raise ValueError(f"cannot read the argument of {command}")
            argument, end = found
            latex = latex[:i] + "(" + template.format(argument) + ")" + latex[end:]
            changed = True
    return latex


def to_sympy(latex: str) -> Any:
    import sympy as sp
    from latex2sympy2_extended import latex2sympy
    from sympy.core.function import AppliedUndef

    expr = latex2sympy(_prepare(latex))
    if expr.atoms(AppliedUndef):
        raise ValueError(f"unknown functions in {expr}")
    if any(isinstance(a, sp.Symbol) and _key(a.name) == "sigma" for a in expr.free_symbols):
        raise ValueError(f"sigma read as a symbol in {expr}")
    return expr


def _domains(pair: dict[str, Any]) -> dict[str, tuple[str, float, float]]:
    domains: dict[str, tuple[str, float, float]] = {}
    for name, decl in (pair.get("let") or {}).items():
        if "integer" in decl:
            domains[_key(name)] = ("int", 1, 7)
        elif "positive" in decl:
            domains[_key(name)] = ("real", 0.1, 3.0)
    for text in pair.get("assume") or ():
        match = ASSUME.match(text)
        if not match:
            raise ValueError(f"cannot read the assumption {text!r}")
        low, name, high = match.groups()
        span = float(high) - float(low)
        domains[_key(name)] = ("real", float(low) + 0.05 * span, float(high) - 0.05 * span)
    return domains


def check_pair(pair: dict[str, Any], points: int = 12, seed: int = 0) -> tuple[bool | None, str]:
    """(True, why) when the numeric evidence supports the label, (False, why) when it
    contradicts it, (None, why) when the pair could not be evaluated."""
    import sympy as sp

    try:
        left, right = to_sympy(pair["reference"]), to_sympy(pair["student"])
    except Exception as exc:
        return None, f"not read: {exc}"
    domains = _domains(pair)
    symbols = sorted(left.free_symbols | right.free_symbols, key=str)
    rng = random.Random(f"{seed}:{pair['id']}")
    compared, worst = 0, 0.0
    for _ in range(points * 4):
        values = {}
        for symbol in symbols:
            kind, low, high = domains.get(_key(str(symbol)), ("real", -2.5, 2.5))
            values[symbol] = (
                sp.Integer(rng.randint(int(low), int(high)))
                if kind == "int"
                else sp.Float(rng.uniform(low, high), 30)
            )
        try:
            a = complex(left.subs(values).doit().evalf(30))
            b = complex(right.subs(values).doit().evalf(30))
        except Exception:
            continue
        if any(abs(v.imag) > 1e-12 or v != v or abs(v) == float("inf") for v in (a, b)):
            continue
        compared += 1
        worst = max(worst, abs(a.real - b.real) / max(1.0, abs(a.real), abs(b.real)))
        if compared >= points:
            break
    if compared < 3:
        return None, f"only {compared} points could be evaluated"
    differs = worst > 1e-8
    if differs == (not pair["equivalent"]):
        return True, f"{compared} points, largest relative difference {worst:.3g}"
    return False, f"label contradicted: {compared} points, largest relative difference {worst:.3g}"


def check_labels(pairs: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    results = {"agree": 0, "contradicted": [], "not_evaluated": []}
    for pair in pairs:
        ok, why = check_pair(pair, seed=seed)
        if ok:
            results["agree"] += 1
        elif ok is None:
            results["not_evaluated"].append({"id": pair["id"], "why": why})
        else:
            results["contradicted"].append({"id": pair["id"], "why": why})
    return results


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    rows = [
        json.loads(line)
        for line in (Path(__file__).parent / "dl_pairs.jsonl").read_text().splitlines()
        if line.strip()
    ]
    report = check_labels(rows)
    print(json.dumps(report, indent=2))
    sys.exit(1 if report["contradicted"] or report["not_evaluated"] else 0)
