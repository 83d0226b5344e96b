"""Verdicts, claims and runs as plain data: the JSON documents of `--json`, and the
tally of a run that every renderer summarises. Nothing here prints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from derive.claim import Claim, Property, Statement
from derive.model.types import (
    Context,
)
from derive.report.text import check_text, context_lines, finite, reads_as, sizes_text
from derive.verdict import Expect, Status, Verdict, passes

__all__ = ["Tally", "check_document", "claim_dict", "dumps", "verdict_dict"]


# -- documents ----------------------------------------------------------------------------


def dumps(document: Any) -> str:
    """The one JSON document a command prints: indented, UTF-8 text, strictly valid."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def verdict_dict(
    verdict: Verdict,
    *,
    claim: Claim | None = None,
    title: str = "",
    statement: str | None = None,
) -> dict[str, Any]:
    """A verdict as JSON data; with `claim`, also its id, source and expectation.

    Without a claim (`derive prove`), `passed` means the statement holds.
    """
    data: dict[str, Any] = {}
    expect = claim.expect if claim else Expect.HOLDS
    if claim is not None:
        data |= {"id": claim.id, "title": claim.title, "source": claim.source}
        text = check_text(claim.check)
        if text:
            data["statement"] = text
        data["expect"] = claim.expect.value
    else:
        data["title"] = title
        if statement is not None:
            data["statement"] = statement
    example = verdict.counterexample
    trials = verdict.trials
    data |= {
        "status": verdict.status.value,
        "passed": passes(verdict, expect),
        "method": verdict.method,
        "summary": verdict.summary,
        "steps": list(verdict.steps),
        "proved_sizes": list(verdict.proved_sizes),
        "scope": None if verdict.scope is None else verdict.scope.as_dict(),
        "reading": verdict.reading,
        "trials": None
        if trials is None
        else {
            "count": trials.count,
            "sizes": list(trials.sizes),
            "max_error": finite(trials.max_error),
            "seed": trials.seed,
        },
        "counterexample": None if example is None else example.as_dict(),
        "counterexample_detail": None
        if example is None
        else {
            "lhs": example.lhs,
            "rhs": example.rhs,
            "confirmed": example.confirmed,
            "note": example.note,
        },
        "reason": verdict.reason,
        "verdict_notes": list(verdict.notes),
        "seconds": round(verdict.seconds, 3),
        "seed": verdict.seed,
    }
    return data


def claim_dict(claim: Claim, *, details: bool = False) -> dict[str, Any]:
    """A claim as listed by `derive list`; `details` adds what `derive show` prints."""
    check = claim.check
    data: dict[str, Any] = {
        "id": claim.id,
        "title": claim.title,
        "source": claim.source,
        "course": claim.course,
        "expect": claim.expect.value,
        "kind": type(check).__name__.lower(),
    }
    text = check_text(check)
    if text:
        data["statement"] = text
    if isinstance(check, Property):
        data["describe"] = check.describe
    if isinstance(check, Statement) and check.also:
        data["also"] = list(check.also)
    if not details:
        return data
    data["notes"] = claim.notes
    if isinstance(check, Property):
        data["property"] = {"kind": check.kind, "exact": check.exact, "trials": check.trials}
    context = getattr(check, "context", None)
    if isinstance(context, Context):
        data["context"] = context_lines(context)
    if isinstance(check, Statement):
        data["reads_as"] = reads_as(check.text, check.latex)
        data["given"] = list(check.given)
        data["sizes"] = [sizes_text(s) for s in check.sizes if s]
        data["numeric_sizes"] = [sizes_text(s) for s in check.numeric_sizes if s]
        data["up_to"] = f"O({check.up_to[0]}^{check.up_to[1]})" if check.up_to else None
    return data


@dataclass(frozen=True)
class Tally:
    """The counts of a `derive check` run."""

    total: int
    passed: int
    proved: int
    verified: int
    refuted: int
    refuted_as_expected: int
    unknown: int
    errors: int
    seconds: float
    seed: int

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @classmethod
    def of(
        cls, claims: Sequence[Claim], verdicts: Sequence[Verdict], *, seconds: float, seed: int
    ) -> Tally:
        pairs = list(zip(claims, verdicts, strict=True))

        def count(status: Status) -> int:
            return sum(v.status is status for v in verdicts)

        return cls(
            total=len(pairs),
            passed=sum(passes(v, c.expect) for c, v in pairs),
            proved=count(Status.PROVED),
            verified=count(Status.VERIFIED),
            refuted=count(Status.REFUTED),
            refuted_as_expected=sum(
                v.status is Status.REFUTED and c.expect is Expect.REFUTED for c, v in pairs
            ),
            unknown=count(Status.UNKNOWN),
            errors=count(Status.ERROR),
            seconds=seconds,
            seed=seed,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "passed": self.passed,
            "failed": self.failed,
            "proved": self.proved,
            "verified": self.verified,
            "refuted": self.refuted,
            "refuted_as_expected": self.refuted_as_expected,
            "unknown": self.unknown,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "seed": self.seed,
            "ok": self.failed == 0,
        }

    def line(self) -> str:
        """`3 claims: 2 passed, 1 failed — 1 proved, ...; 4.2 s (seed 0)`."""
        noun = "claim" if self.total == 1 else "claims"
        if self.refuted and self.refuted_as_expected == self.refuted:
            refuted = f"{self.refuted} refuted (as expected)"
        elif self.refuted:
            refuted = f"{self.refuted} refuted ({self.refuted_as_expected} as expected)"
        else:
            refuted = "0 refuted"
        errors = "error" if self.errors == 1 else "errors"
        return (
            f"{self.total} {noun}: {self.passed} passed, {self.failed} failed — "
            f"{self.proved} proved, {self.verified} verified, {refuted}, "
            f"{self.unknown} unknown, {self.errors} {errors}; "
            f"{self.seconds:.1f} s (seed {self.seed})"
        )


def check_document(
    claims: Sequence[Claim], verdicts: Sequence[Verdict], tally: Tally
) -> dict[str, Any]:
    """What `derive check --json` prints: every claim's verdict and the counts."""
    return {
        "claims": [verdict_dict(v, claim=c) for c, v in zip(claims, verdicts, strict=True)],
        "summary": tally.as_dict(),
    }


# -- evidence as labelled lines ----------------------------------------------------------
