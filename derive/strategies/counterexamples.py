"""A confirmed failure as the user reads it: the values of the point regrouped into the
vectors and matrices the statement declares, the sizes and fixed indices it failed at,
the law of each random name, and what stood for each undefined function."""

from __future__ import annotations

import sympy as sp

from derive.strategies.numeric import Point, Problem
from derive.strategies.search import (
    Failure,
)
from derive.verdict import Counterexample, Status, Verdict


def refuted(failure: Failure, problem: Problem, sizes: dict[str, int]) -> Verdict:
    # sizes and fixed indices (n = 2, j = 1) are part of where it fails
    values = [(name, str(value)) for name, value in sorted(sizes.items())]
    values += _present(failure.point, problem)
    note = ""
    if failure.pair.label:
        note = f"{note} entry {failure.pair.label}".strip()
    for name, (variables, body) in problem.functions.items():  # what stood for L, σ, ...
        args = ", ".join(str(v) for v in variables)
        note = f"{note}; {name}({args}) = {body}".strip("; ")
    counterexample = Counterexample(
        tuple(values), failure.lhs, failure.rhs, failure.confirmed, note
    )
    where = f" at {counterexample.assignments()}" if values else ""
    if failure.pair.coefficient is not None:  # a statement up to O(η^k)
        name, power = failure.pair.coefficient
        found = f"the coefficient of {name}^{power} in left - right is {failure.lhs}, not 0"
    else:
        found = f"the left side is {failure.lhs}, the right side {failure.rhs}"
    return Verdict(
        Status.REFUTED,
        "counterexample search",
        summary=f"fails{where}: {found} ({failure.confirmed})",
        counterexample=counterexample,
    )


def _present(point: Point, problem: Problem) -> list[tuple[str, str]]:
    """Values as a user writes them: vectors and matrices regrouped from their entries."""
    grouped: dict[str, dict[tuple[int, ...], str]] = {}
    scalars: list[tuple[str, str]] = []
    for atom, value in sorted(point.values.items(), key=lambda kv: str(kv[0])):
        name = str(atom)
        text = str(value)
        if isinstance(atom, sp.Indexed):  # g_{t-1}, or an entry of the vector h_{t-1}
            stem = f"{atom.base.label}_{{{_index_text(atom.indices[0])}}}"
            if len(atom.indices) == 1:
                scalars.append((stem, text))
            else:
                grouped.setdefault(stem, {})[tuple(int(i) for i in atom.indices[1:])] = text
        elif "[" in name and name.endswith("]"):
            stem, index = name[:-1].split("[", 1)
            grouped.setdefault(stem, {})[tuple(int(i) for i in index.split(","))] = text
        else:
            scalars.append((name, text))
    for stem, entries in grouped.items():
        scalars.append((stem, _matrix_text(entries)))
    families = {atom.name: atom.family for atom in problem.randoms.values()}
    used = {problem.randoms[a].name for a in problem.random_atoms}
    used |= {name for name, _ in problem.moment_symbols.values()}
    for name, law in sorted(point.laws.items()):
        if name in used and families.get(name) in ("generic", "symmetric", "whitened"):
            scalars.append((f"law of {name}", law.describe()))  # the family member that failed
    return scalars


def _index_text(index: sp.Expr) -> str:
    return str(index).replace(" ", "")


def _matrix_text(entries: dict[tuple[int, ...], str]) -> str:
    if all(len(k) == 1 for k in entries):
        return "[" + ", ".join(entries[k] for k in sorted(entries)) + "]"
    rows = sorted({k[0] for k in entries})
    cols = sorted({k[1] for k in entries})
    # an entry the statement does not use is not part of the point: any value will do
    return (
        "["
        + ", ".join("[" + ", ".join(entries.get((r, c), "*") for c in cols) + "]" for r in rows)
        + "]"
    )
