"""Test-wide set-up: the verdict cache lives in a fresh folder, never in the user's home,
so that no test depends on verdicts an earlier run left behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

import pytest

from derive.claim import claim
from derive.engine import Settings, decide
from derive.verdict import Verdict

os.environ["DERIVE_CACHE_DIR"] = tempfile.mkdtemp(prefix="derive-test-cache-")


@pytest.fixture
def verdict_of() -> Callable[..., Verdict]:
    """Decide a statement as a claim with these fields (let, assume, given), at seed 0 and
    a 30 s budget: what a user's `derive prove` gives."""

    def decide_statement(statement: str, **fields: object) -> Verdict:
        built = claim("t/case", "t", source="t", statement=statement, **fields)
        return decide(built.check, Settings(seed=0, timeout=30))

    return decide_statement
