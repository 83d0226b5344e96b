"""Hard limits on untrusted input, checked before and during parsing.

Each limit has a name so that the error says which one was hit. They are generous for
coursework (a long derivation line is a few hundred characters) and small enough that
no input can make the parser or the lowering to sympy hang or eat memory.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_length: int = 20_000  # characters of one statement
    max_depth: int = 100  # nesting of brackets and operators
    max_nodes: int = 5_000  # nodes of the parsed tree
    max_digits: int = 60  # digits of one numeric literal
    max_power_bits: int = 20_000  # bits of an exact integer power such as 9^9^9
    max_exponent: int = 1_000  # an exponent applied to a symbolic base (x^1000)
    max_sum_terms: int = 200  # terms when a sum or product with numeric bounds is expanded
    max_summed_terms: int = 100_000  # terms of a longer one, summed numerically, not expanded


LIMITS = Limits()
