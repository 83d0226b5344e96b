"""Verdicts: what the engine established about a statement, as a value that travels alone.

A verdict is immutable and self-describing (as Z3's sat/unsat/unknown, but with its
evidence attached): renderers, the cache and the grader read it; nothing mutates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Status(Enum):
    PROVED = "proved"  # a symbolic method established it
    VERIFIED = "verified"  # not proved, but every numeric trial agreed
    REFUTED = "refuted"  # a confirmed counterexample
    UNKNOWN = "unknown"  # neither; `reason` says why
    ERROR = "error"  # the statement could not be built or evaluated

    @property
    def holds(self) -> bool:
        return self in (Status.PROVED, Status.VERIFIED)


class Expect(Enum):
    HOLDS = "holds"
    REFUTED = "refuted"


@dataclass(frozen=True)
class Counterexample:
    """Values (as exact text: `1/2`, `[[0, 2], [0, 0]]`) under which the claim fails.

    `lhs`/`rhs` are the two sides there; `confirmed` says how the failure was confirmed
    (`exact`, `50 digits`), so a reader knows floating point did not invent it.
    """

    values: tuple[tuple[str, str], ...]
    lhs: str = ""
    rhs: str = ""
    confirmed: str = "exact"
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)

    def assignments(self) -> str:
        """`x = 1/2, W = [[0, 2], [0, 0]]`: what a user can paste back."""
        return ", ".join(f"{name} = {value}" for name, value in self.values)


@dataclass(frozen=True)
class Trials:
    """The numeric evidence behind `verified`."""

    count: int
    sizes: tuple[str, ...] = ()
    max_error: float = 0.0
    seed: int = 0


Sizes = tuple[tuple[str, int], ...]  # one size assignment: (("m", 2), ("n", 3))


@dataclass(frozen=True)
class Scope:
    """What a general-size `proved` covers: the size assignments proved symbolically,
    and those only checked numerically. A proof at n = 1, 2, 3 is not a proof for all n."""

    proved: tuple[Sizes, ...] = ()
    checked: tuple[Sizes, ...] = ()

    def as_dict(self) -> dict[str, list[dict[str, int]]]:
        return {
            "proved": [dict(sizes) for sizes in self.proved],
            "checked": [dict(sizes) for sizes in self.checked],
        }

    def describe(self) -> str:
        """`for n = 1, 2, 3 (checked numerically at n = 4, 5, 6, 8)`."""
        proved = _assignments(self.proved)
        checked = _assignments(tuple(s for s in self.checked if s not in self.proved))
        return f"for {proved}" + (f" (checked numerically at {checked})" if checked else "")


def _assignments(grid: tuple[Sizes, ...]) -> str:
    if all(len(sizes) == 1 for sizes in grid) and grid:
        name = grid[0][0][0]
        return f"{name} = " + ", ".join(str(sizes[0][1]) for sizes in grid)
    return "; ".join(", ".join(f"{k} = {v}" for k, v in sizes) for sizes in grid)


@dataclass(frozen=True)
class Verdict:
    status: Status
    method: str
    summary: str = ""
    steps: tuple[str, ...] = ()
    counterexample: Counterexample | None = None
    trials: Trials | None = None
    proved_sizes: tuple[str, ...] = ()
    scope: Scope | None = None  # for proofs at explicit sizes: where it was proved and checked
    reading: str = ""  # how the statement was read (lowered), for the user to check
    reason: str = ""
    seconds: float = 0.0
    seed: int = 0
    notes: tuple[str, ...] = field(default=())

    def _repr_markdown_(self) -> str:
        """A notebook shows a verdict as its status and what it rests on."""
        return f"**{self.status.value}** ({self.method}): {self.summary or self.reason}"

    def with_time(self, seconds: float) -> Verdict:
        return replace(self, seconds=seconds)

    def with_steps(self, *steps: str) -> Verdict:
        return replace(self, steps=self.steps + steps)


# methods of verdicts that say nothing about the statement: never cached, never kept
BUDGET = "budget"  # time or memory ran out
CRASH = "crash"  # the check's process died
INTERNAL = "internal"  # a bug in derive
TRANSIENT = frozenset({BUDGET, CRASH, INTERNAL})


def passes(verdict: Verdict, expect: Expect) -> bool:
    """A claim passes when it came out as its author expected."""
    if expect is Expect.HOLDS:
        return verdict.status.holds
    return verdict.status is Status.REFUTED


def unknown(reason: str, method: str = "none", **kwargs: object) -> Verdict:
    return Verdict(Status.UNKNOWN, method, reason=reason, **kwargs)  # type: ignore[arg-type]


def error(reason: str, method: str = "none") -> Verdict:
    return Verdict(Status.ERROR, method, reason=reason)
