"""Reusable computations for claims decided by running code (`derive.Property`).

One module per capability, each usable by any course: exact rational tensor statistics,
optimizer updates in exact or high-precision arithmetic, parameter counting, brute-force
search over small discrete instances. Claim modules import from here rather than
re-implementing them.
"""
