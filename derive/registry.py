"""The claim library: every `CLAIMS` list in the modules of the `claims` package (one
subpackage or module per course, one module per topic).

Selectors are what people type: an id (`ift6135/momentum/bias`), a prefix
(`ift6135/momentum`), a glob (`*/rnn/*`); `--source 001` keeps the claims a seed
document contributes.
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from collections.abc import Iterable

from derive.claim import Claim
from derive.errors import ClaimError


def load_library(package: str = "claims") -> list[Claim]:
    """All claims, in module order; duplicate ids are an error in the library."""
    root = importlib.import_module(package)
    claims: list[Claim] = []
    modules = pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    for info in sorted(modules, key=lambda m: m.name):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        claims.extend(getattr(module, "CLAIMS", []))
    seen: set[str] = set()
    for c in claims:
        if c.id in seen:
            raise ClaimError(f"two claims have the id {c.id}")
        seen.add(c.id)
    return claims


def matches(claim: Claim, selector: str) -> bool:
    selector = selector.strip().rstrip("/")
    if any(ch in selector for ch in "*?["):
        return fnmatch.fnmatchcase(claim.id, selector)
    return claim.id == selector or claim.id.startswith(selector + "/")


def from_source(claim: Claim, source: str) -> bool:
    """`001`, `001 Q4`, or a course name such as `ift6135`."""
    source = source.strip()
    return claim.course == source or any(
        part.strip().startswith(source) for part in claim.source.split(";")
    )


def select(
    claims: Iterable[Claim], selectors: Iterable[str] = (), *, source: str | None = None
) -> list[Claim]:
    chosen = list(claims)
    wanted = [s for s in selectors if s.strip()]
    if wanted:
        chosen = [c for c in chosen if any(matches(c, s) for s in wanted)]
    if source:
        chosen = [c for c in chosen if from_source(c, source)]
    return chosen


def find(claims: Iterable[Claim], claim_id: str) -> Claim:
    for c in claims:
        if c.id == claim_id:
            return c
    raise ClaimError(f"no claim has the id {claim_id}")
