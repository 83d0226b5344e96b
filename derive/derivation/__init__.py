"""Checking derivations without an answer key: `derive steps`, `derive.check_steps`.

Reading (`reading`, with the declarations the prose makes in `inference`) comes before
checking (`check`); bulk checking of JSON lines, on this machine or a Dask cluster, is
in `bulk`. Nothing here prints: reports render the results.
"""
