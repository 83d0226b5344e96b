"""Benchmarks of derive against the answer checkers people use (not tests: nothing here is
asserted, everything is measured). Run them with `python -m benchmarks.run`."""
