"""Test-wide set-up: the verdict cache lives in a fresh folder, never in the user's home,
so that no test depends on verdicts an earlier run left behind."""

from __future__ import annotations

import os
import tempfile

os.environ["DERIVE_CACHE_DIR"] = tempfile.mkdtemp(prefix="derive-test-cache-")
