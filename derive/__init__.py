"""derive: a symbolic derivation verifier for deep-learning coursework.

Course authors need only what is imported here: `claim` to write a claim, `Property` and
`Outcome` for claims decided by running code, and the declaration types.
"""

from derive.claim import Claim, Outcome, Property, Statement, claim
from derive.verdict import Expect, Status, Verdict

__all__ = ["Claim", "Expect", "Outcome", "Property", "Statement", "Status", "Verdict", "claim"]
