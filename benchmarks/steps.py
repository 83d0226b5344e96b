"""Keyless step checking in bulk: `derive steps --jsonl` throughput and verdicts.

The input is the real derivations of `../shared/derivations/` when they are there (each
document one JSON line, as text), and otherwise the seeded synthetic chains below. Each
set is checked with `derive.derivation.bulk.check_stream` with 1 and 2 workers, each
with a cold verdict cache and then warm, and the figures are steps checked per second
(per core) and the verdict counts.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, fmt, log, table

DERIVATIONS = ROOT.parent / "shared" / "derivations"

_IDENTITIES = [
    ["(x + {a})^2", "= x^2 + {b} x + {c}"],
    ["\\frac{{d}}{{dx}} e^{{{a} x}}", "= {a} e^{{{a} x}}"],
    ["\\sigma'(x)", "= \\sigma(x)(1 - \\sigma(x))"],
    ["\\sum_{{i=1}}^{{n}} {a} x_i", "= {a} \\sum_{{i=1}}^{{n}} x_i"],
]


def _synthetic(count: int, seed: int) -> list[dict[str, Any]]:
    """Chains of two steps, a fifth of them with a slip in the constant."""
    rng = random.Random(seed)
    records = []
    for index in range(count):
        a = rng.randint(1, 9)
        template = rng.choice(_IDENTITIES)
        wrong = rng.random() < 0.2
        values = {"a": a, "b": 2 * a, "c": a * a + (1 if wrong else 0)}
        records.append({"id": f"s{index}", "steps": [t.format(**values) for t in template]})
    return records


def _documents() -> list[dict[str, Any]]:
    return [
        {"id": path.name, "text": path.read_text(encoding="utf-8")}
        for path in sorted(DERIVATIONS.glob("[0-9]*.md"))
    ]


def run(*, quick: bool, seed: int, out_dir: Path) -> dict[str, Any]:
    from derive.derivation.bulk import check_stream, read_records
    from derive.engine import Settings

    sets = {"synthetic": _synthetic(20 if quick else 200, seed)}
    if DERIVATIONS.is_dir():
        sets["derivations"] = _documents()
    figures: dict[str, Any] = {}
    for name, records in sets.items():
        lines = [json.dumps(r) for r in records]
        runs = {}
        for workers in (1, 2):
            with tempfile.TemporaryDirectory(prefix="derive-bench-steps-") as cache:
                for phase in ("cold", "warm"):
                    log(f"steps: {name}, {len(lines)} derivations, {workers} worker(s), {phase}")
                    settings = Settings(seed=seed, timeout=5, cache_dir=cache)
                    out = io.StringIO()
                    start = time.perf_counter()
                    check_stream(read_records(lines), out, settings, workers=workers)
                    seconds = time.perf_counter() - start
                    results = [json.loads(line) for line in out.getvalue().splitlines()]
                    statuses = Counter(s["status"] for r in results for s in r["steps"])
                    steps = sum(statuses.values())
                    runs[f"{phase}_{workers}"] = {
                        "workers": workers,
                        "cache": phase,
                        "seconds": seconds,
                        "derivations": len(results),
                        "steps": steps,
                        "steps_per_second": steps / seconds if seconds else None,
                        "steps_per_second_per_core": steps / seconds / workers if seconds else None,
                        "statuses": dict(statuses),
                        "with_invalid_step": sum(
                            r["first_invalid_step"] is not None for r in results
                        ),
                    }
        figures[name] = runs
    return {"sets": figures}


def markdown(result: dict[str, Any]) -> str:
    parts = []
    for name, runs in result["sets"].items():
        rows = [
            [
                r["workers"],
                r["cache"],
                fmt(r["seconds"]),
                r["derivations"],
                r["steps"],
                fmt(r["steps_per_second"]),
                fmt(r["steps_per_second_per_core"]),
                r["statuses"].get("valid", 0),
                r["statuses"].get("invalid", 0),
                r["statuses"].get("not checked", 0),
            ]
            for r in runs.values()
        ]
        headers = ["workers", "cache", "wall s", "derivations", "steps", "steps/s",
                   "steps/s per core", "valid", "invalid", "not checked"]  # fmt: skip
        parts.append(f"### derive steps, {name}\n\n" + table(headers, rows))
    return "\n\n".join(parts)
