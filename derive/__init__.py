"""derive: a symbolic derivation verifier for deep-learning coursework.

Course authors need only what is imported here: `claim` to write a claim, `Property` and
`Outcome` for claims decided by running code, and the declaration types. Programs call
`prove`, `check_steps` and `grade` (`derive.api`), loaded on first use so that importing
derive (and `derive --help`) stays fast.
"""

from typing import Any

from derive.claim import Claim, Outcome, Property, Statement, claim
from derive.verdict import Expect, Status, Verdict

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Expect",
    "Outcome",
    "Property",
    "Statement",
    "Status",
    "Verdict",
    "__version__",
    "check_steps",
    "claim",
    "grade",
    "prove",
]

_API = {"prove", "check_steps", "grade"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from derive import api

        return getattr(api, name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
