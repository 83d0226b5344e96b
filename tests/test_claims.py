"""The claim library as regression tests: one test per claim, named by its id, so that
`pytest -k momentum` selects claims. A failure shows the verdict as `derive show` would."""

from __future__ import annotations

import pytest

from derive.engine import Settings, check_claims
from derive.registry import load_library
from derive.verdict import passes

LIBRARY = load_library()


@pytest.mark.parametrize("claim", LIBRARY, ids=[c.id for c in LIBRARY])
def test_claim(claim) -> None:
    (verdict,) = check_claims([claim], Settings(seed=0, timeout=60))
    if not passes(verdict, claim.expect):
        detail = verdict.summary or verdict.reason
        pytest.fail(
            f"{claim.id}: expected {claim.expect.value}, got {verdict.status.value} ({detail})"
        )


def test_library_ids_are_unique_and_well_formed() -> None:
    ids = [c.id for c in LIBRARY]
    assert len(ids) == len(set(ids))
    assert all(len(i.split("/")) == 3 for i in ids)
