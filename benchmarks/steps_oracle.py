"""The oracle of the keyless-steps fuzzer (`benchmarks/soundness_steps.py`).

A generated document is a list of prose paragraphs and displays; each display that claims
something carries its own mathematics: for every reading of the document that a careful
reader could hold (inputs held fixed, μ the mean of the x_i, a label one-hot or a
distribution), a function giving the two sides at a point. Nothing here goes through
derive: sides are computed with mpmath at 50 digits, partial derivatives by `mpmath.diff`
at the point, vector sizes 1..4 and every value of the free indices enumerated.

A claim holds under a reading when its sides agree (to 1e-30) at every point tried, and
fails when they differ (by more than 1e-12) at one, the witness; a point where a side is
not a real number says nothing (a derivation is read where both sides are real).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath

Values = dict[str, Any]  # name -> mpf, list of mpf (a vector) or int (a size, an index)
Sides = Callable[[Values], tuple[Any, Any]]
Sampler = Callable[[random.Random, int, str, Values], Values]

DIGITS = 50
POINTS = 3  # random points per size and reading
EQUAL, APART = mpmath.mpf("1e-30"), mpmath.mpf("1e-12")
HOLDS, FAILS, UNCLEAR, OUTSIDE = "holds", "fails", "unclear", "outside"
SIZE = "n"  # the oracle's key for the document's size letter


@dataclass(frozen=True)
class Claim:
    """One display: its text, the words before it, and its sides under each reading
    (no readings: a definition, true by fiat)."""

    text: str
    readings: Mapping[str, Sides] = field(default_factory=dict)
    prose: str = ""
    indices: tuple[str, ...] = ()  # free index letters, each 1..n
    case: str = ""  # "=" or "!=": the claim is about indices[0] (op) indices[1] only
    kind: str = ""  # what the template made it: "right", "sign", "missing delta", ...
    op: str = "="  # "=", ">=" or "<="

    @property
    def definition(self) -> bool:
        return not self.readings


def _no_check(values: Values, reading: str) -> bool:
    return True


@dataclass(frozen=True)
class Doc:
    """A generated document and what the oracle needs to judge its steps."""

    template: str
    parts: tuple[str | Claim, ...]
    sample: Sampler  # (rng, n, reading, fixed) -> a point; `fixed` values are kept
    sizes: tuple[int, ...] = (1,)
    aliases: Mapping[str, str] = field(default_factory=dict)  # derive's name -> oracle key
    readings_note: str = "inputs held fixed"
    valid: Callable[[Values, str], bool] = _no_check  # the point is in the reading's domain

    def render(self) -> tuple[str, dict[int, Claim]]:
        """The Markdown text, and the claim displayed on each line (1-based)."""
        lines: list[str] = []
        at: dict[int, Claim] = {}
        for part in self.parts:
            if isinstance(part, Claim):
                if part.prose:
                    lines += [part.prose, ""]
                at[len(lines) + 1] = part
                lines += [f"$${part.text}$$", ""]
            else:
                lines += [part, ""]
        return "\n".join(lines), at

    @property
    def text(self) -> str:
        return self.render()[0]


# -- computing at a point -------------------------------------------------------------------


def d(f: Callable[[Values], Any], v: Values, name: str, index: int | None = None) -> Any:
    """∂f/∂name (or ∂f/∂name_index) at the point v, every other value held."""

    def at(t: Any) -> Any:
        w = dict(v)
        if index is None:
            w[name] = t
        else:
            w[name] = list(v[name])
            w[name][index - 1] = t
        return f(w)

    return mpmath.diff(at, v[name] if index is None else v[name][index - 1])


def delta(a: int, b: int) -> int:
    return 1 if a == b else 0


def number(rng: random.Random, low: float = -2, high: float = 2) -> Any:
    """A random value: a simple one a fifth of the time, else a rational in [low, high]."""
    simple = [s for s in (0, 1, -1, 0.5, 2, -0.5) if low <= s <= high]
    if simple and rng.random() < 0.2:
        return mpmath.mpf(rng.choice(simple))
    q = rng.randint(1, 12)
    return mpmath.mpf(rng.randint(int(low * q), int(high * q))) / q


def _compare(claim: Claim, sides: Sides, point: Values) -> str:
    try:
        with mpmath.workdps(DIGITS):
            lhs, rhs = (mpmath.mpmathify(s) for s in sides(point))
            if any(isinstance(s, mpmath.mpc) and abs(s.imag) > EQUAL for s in (lhs, rhs)):
                return OUTSIDE
            lhs, rhs = mpmath.re(lhs), mpmath.re(rhs)
            if not all(mpmath.isfinite(s) for s in (lhs, rhs)):
                return OUTSIDE
            scale = 1 + abs(lhs) + abs(rhs)
            gap = {">=": rhs - lhs, "<=": lhs - rhs}.get(claim.op, abs(lhs - rhs))
            if gap <= EQUAL * scale:
                return HOLDS
            return FAILS if gap > APART * scale else UNCLEAR
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, IndexError):
        return OUTSIDE  # IndexError: an entry by number the size does not have


def _index_points(claim: Claim, n: int, base: Values, fixed: Values) -> Iterator[Values]:
    """The point with every value of the free indices (those the counterexample did not
    give), in the claim's case."""
    free = [i for i in claim.indices if i not in fixed]
    for combo in itertools.product(range(1, n + 1), repeat=len(free)):
        point = {**base, **dict(zip(free, combo, strict=True))}
        if any(not 1 <= point[i] <= n for i in claim.indices if i in fixed):
            continue
        if claim.case and len(claim.indices) == 2:
            first, second = (point[i] for i in claim.indices)
            if (first == second) != (claim.case == "="):
                continue
        yield point


def _points(
    doc: Doc, claim: Claim, reading: str, rng: random.Random, fixed: Values
) -> Iterator[Values]:
    sizes = (fixed[SIZE],) if SIZE in fixed else doc.sizes
    for n in sizes:
        for _ in range(POINTS):
            with mpmath.workdps(DIGITS):  # mean(x), a normalized label: at 50 digits
                base = doc.sample(rng, n, reading, fixed)
                lengths = {len(x) for x in base.values() if isinstance(x, list)}
                if base.get("_outside") or lengths - {n} or not doc.valid(base, reading):
                    continue
            yield from _index_points(claim, n, base, fixed)


def truth(doc: Doc, claim: Claim, reading: str, rng: random.Random) -> tuple[str, Values | None]:
    """Whether the claim holds under the reading: holds, fails (with the witness), or
    unclear (no point decided it, or one too close to call)."""
    seen, unclear = False, False
    for point in _points(doc, claim, reading, rng, {}):
        outcome = _compare(claim, claim.readings[reading], point)
        if outcome == FAILS:
            return FAILS, point
        seen |= outcome == HOLDS
        unclear |= outcome == UNCLEAR
    return (HOLDS if seen and not unclear else UNCLEAR), None


def refutes(
    doc: Doc, claim: Claim, reading: str, counterexample: Mapping[str, str], rng: random.Random
) -> str:
    """Whether derive's counterexample is one under the reading: "real" (with the values
    it leaves out completed, some point in the reading's domain fails), "fake", or
    "unjudged" (it names something the oracle does not know)."""
    fixed = parse_counterexample(doc, claim, counterexample)
    with mpmath.workdps(DIGITS):
        known = set(doc.sample(random.Random(0), 2, reading, {})) | {SIZE, "_entries"}
    if fixed is None or set(fixed) - known - set(claim.indices):
        return "unjudged"  # a name the oracle cannot place: no judgement either way
    for point in _points(doc, claim, reading, rng, fixed):
        if _compare(claim, claim.readings[reading], point) == FAILS:
            return "real"
    return "fake"


# -- derive's counterexamples as values -----------------------------------------------------

_NUMBER = re.compile(r"(?<![A-Za-z_])(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")
_NAMES = {"sqrt": mpmath.sqrt, "pi": mpmath.pi, "E": mpmath.e, "exp": mpmath.exp,
          "log": mpmath.log, "mpf": mpmath.mpf}  # fmt: skip


def parse_value(text: str) -> Any:
    """'1/2', '-3', '[0, -1]', 'sqrt(2)/2' as mpf (a list for a vector); None if unreadable."""
    source = _NUMBER.sub(lambda m: f"mpf('{m.group(1)}')", text.replace("^", "**"))
    if not set(re.findall(r"[A-Za-z_]\w*", re.sub(r"'[^']*'", "", source))) <= set(_NAMES):
        return None
    try:
        with mpmath.workdps(DIGITS):
            value = eval(source, {"__builtins__": {}}, dict(_NAMES))
    except Exception:
        return None
    return list(value) if isinstance(value, list | tuple) else value


def parse_counterexample(
    doc: Doc, claim: Claim, counterexample: Mapping[str, str]
) -> Values | None:
    """Derive's counterexample in the oracle's keys: sizes and indices as ints, vectors as
    lists (`z_2` sets an entry); None where it names something the oracle cannot place."""
    fixed: Values = {}
    entries: dict[str, dict[int, Any]] = {}
    for raw, text in counterexample.items():
        name = doc.aliases.get(raw, raw.removesuffix("^2"))
        value = parse_value(str(text))
        if value is not None and raw.endswith("^2") and raw not in doc.aliases:
            value = mpmath.sqrt(value) if isinstance(value, mpmath.mpf) and value >= 0 else None
        if value is None:
            return None
        base, _, label = name.rpartition("_")
        if base and label.isdigit() and name not in doc.aliases.values():
            entries.setdefault(doc.aliases.get(base, base), {})[int(label)] = value
            continue
        fixed[name] = value
    for name, value in list(fixed.items()):
        if name == SIZE or name in claim.indices:
            if not isinstance(value, mpmath.mpf) or value != int(value):
                return None
            fixed[name] = int(value)
        elif isinstance(value, list):
            fixed.setdefault(SIZE, len(value))
    if entries:
        fixed["_entries"] = entries
    return fixed


def apply_fixed(values: Values, fixed: Values) -> Values:
    """A sampled point with a counterexample's values (and entries) put in."""
    out = {**values, **{k: v for k, v in fixed.items() if k != "_entries"}}
    for name, entries in fixed.get("_entries", {}).items():
        vector = list(out.get(name, []))
        for index, value in entries.items():
            if not 1 <= index <= len(vector):
                return {**out, "_outside": True}
            vector[index - 1] = value
        out[name] = vector
    return out
