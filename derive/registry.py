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
from dataclasses import replace

from derive.claim import Claim
from derive.errors import ClaimError
from derive.grading.key import AnswerKey


def _modules(package: str) -> list[object]:
    root = importlib.import_module(package)
    found = []
    for info in sorted(
        pkgutil.walk_packages(root.__path__, prefix=f"{package}."), key=lambda m: m.name
    ):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            found.append(importlib.import_module(info.name))
    return found


def load_library(package: str = "claims") -> list[Claim]:
    """All claims, in module order; duplicate ids are an error in the library."""
    claims: list[Claim] = []
    for module in _modules(package):
        origin = getattr(module, "__file__", "") or ""
        claims.extend(replace(c, origin=origin) for c in getattr(module, "CLAIMS", []))
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


def load_keys(package: str = "claims") -> list[AnswerKey]:
    """Every answer key (a module-level `KEY`) of the library, by name."""
    keys = [module.KEY for module in _modules(package) if hasattr(module, "KEY")]
    names = [k.name for k in keys]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ClaimError(f"two answer keys are named {', '.join(sorted(duplicates))}")
    return sorted(keys, key=lambda k: k.name)


def find_key(keys: Iterable[AnswerKey], name: str) -> AnswerKey:
    for k in keys:
        if k.name == name:
            return k
    known = ", ".join(k.name for k in keys) or "none"
    raise ClaimError(f"no answer key is named {name} (known: {known})")
