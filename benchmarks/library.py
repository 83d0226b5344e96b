"""The claim library: `derive check` over every claim, cold and warm, 1 and 2 workers;
and the start-up time of the command line.

In-process, as `derive check` does it: `registry.load_library()` then
`engine.check_claims(claims, Settings(cache_dir=DIR), workers=N)`. Cold is a fresh, empty
cache folder; warm is the same folder again. Per-claim times are the verdicts' `seconds`
(cold runs: the time each claim's decision took in its child process). The warm command
line (`python cli.py check --cache-dir DIR`, a new process, imports included) is timed too,
as a user sees it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, fmt, log, median, percentile, ratio, table

QUICK_SELECTORS = ("hw4", "cosc2779")


def _select(claims: list[Any], quick: bool) -> list[Any]:
    if not quick:
        return claims
    from derive import registry

    return registry.select(claims, QUICK_SELECTORS)


def _per_claim(claims: list[Any], verdicts: list[Any]) -> dict[str, Any]:
    from derive.verdict import passes

    seconds = [v.seconds for v in verdicts]
    slowest = sorted(zip(claims, verdicts, strict=True), key=lambda p: -p[1].seconds)[:5]
    return {
        "median": median(seconds),
        "p95": percentile(seconds, 95),
        "max": max(seconds) if seconds else None,
        "sum": sum(seconds),
        "slowest": [
            {"id": c.id, "status": v.status.value, "method": v.method, "seconds": v.seconds}
            for c, v in slowest
        ],
        "statuses": dict(Counter(v.status.value for v in verdicts)),
        "passed": sum(passes(v, c.expect) for c, v in zip(claims, verdicts, strict=True)),
    }


def _subprocess_times(
    command: list[str], repeats: int, env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> dict[str, Any]:
    times = []
    status = None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        times.append(time.perf_counter() - start)
        status = done.returncode
        if done.returncode not in ok:
            return {
                "command": " ".join(command),
                "error": done.stderr.decode(errors="replace").strip().splitlines()[-1:],
                "exit": done.returncode,
            }
    return {"command": " ".join(command), "median": median(times), "runs": times, "exit": status}


def run(*, quick: bool, seed: int, out_dir: Path) -> dict[str, Any]:
    from derive import registry
    from derive.engine import Settings, check_claims

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    python = sys.executable
    startup = {
        "python cli.py --help": _subprocess_times([python, "cli.py", "--help"], 5, env),
        "python -m derive --help": _subprocess_times([python, "-m", "derive", "--help"], 5, env),
        "python cli.py prove (one-off, no cache)": _subprocess_times(
            [python, "cli.py", "prove", "tanh(z) = 2 sigmoid(2z) - 1", "--no-cache"], 3, env
        ),
    }
    installed = shutil.which("derive")
    if installed:
        startup["derive --help"] = _subprocess_times([installed, "--help"], 5, env)

    start = time.perf_counter()
    claims = _select(registry.load_library(), quick)
    load_seconds = time.perf_counter() - start
    runs: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="derive-bench-library-"))
    try:
        for workers in (1, 2):
            cache = work / f"cache-{workers}"
            settings = Settings(seed=seed, cache_dir=str(cache))
            log(f"library: {len(claims)} claims, {workers} worker(s), cold cache")
            start = time.perf_counter()
            verdicts = check_claims(claims, settings, workers=workers)
            cold = time.perf_counter() - start
            runs[f"cold_{workers}"] = {
                "workers": workers,
                "cache": "cold",
                "seconds": cold,
                "seconds_with_loading": cold + load_seconds,
                "per_claim": _per_claim(claims, verdicts),
            }
            warm_times = []
            for _ in range(1 if quick else 3):
                log(f"library: {len(claims)} claims, {workers} worker(s), warm cache")
                start = time.perf_counter()
                warm_verdicts = check_claims(claims, settings, workers=workers)
                warm_times.append(time.perf_counter() - start)
            runs[f"warm_{workers}"] = {
                "workers": workers,
                "cache": "warm",
                "seconds": median(warm_times),
                "runs": warm_times,
                "seconds_with_loading": median(warm_times) + load_seconds,
                "per_claim": _per_claim(claims, warm_verdicts),
            }
            if workers == 1:
                command = [
                    python,
                    "cli.py",
                    "check",
                    "--cache-dir",
                    str(cache),
                    "--seed",
                    str(seed),
                ]
                command += list(QUICK_SELECTORS) if quick else []
                log("library: warm `python cli.py check` (new process)")
                runs["warm_cli"] = _subprocess_times(command, 3, env, ok=(0, 1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for workers in (1, 2):
        runs[f"warm_{workers}"]["speedup_over_cold"] = ratio(
            runs[f"cold_{workers}"]["seconds"], runs[f"warm_{workers}"]["seconds"]
        )
    runs["cold_2"]["speedup_over_1_worker"] = ratio(
        runs["cold_1"]["seconds"], runs["cold_2"]["seconds"]
    )
    return {
        "claims": len(claims),
        "selection": list(QUICK_SELECTORS) if quick else "all",
        "kinds": dict(Counter(type(c.check).__name__ for c in claims)),
        "load_library_seconds": load_seconds,
        "timeout_seconds": Settings().timeout,
        "runs": runs,
        "startup": startup,
    }


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for name in ("cold_1", "warm_1", "cold_2", "warm_2"):
        r = result["runs"][name]
        p = r["per_claim"]
        rows.append(
            [
                r["workers"], r["cache"], r["seconds"], r["seconds_with_loading"],
                p["median"], p["p95"], p["max"], f"{p['passed']}/{result['claims']}",
            ]
        )  # fmt: skip
    head = table(
        ["workers", "cache", "check s", "load + check s", "median s/claim", "p95 s/claim",
         "max s/claim", "passed"],
        rows,
    )  # fmt: skip
    slow = table(
        ["slowest claims (cold, 1 worker)", "status", "method", "s"],
        [
            [s["id"], s["status"], s["method"], s["seconds"]]
            for s in result["runs"]["cold_1"]["per_claim"]["slowest"]
        ],
    )
    startup_rows = []
    for name, r in {
        **result["startup"],
        "warm `cli.py check` (new process)": result["runs"]["warm_cli"],
    }.items():
        startup_rows.append(
            [name, r.get("median"), (r.get("error") and "; ".join(r["error"])) or ""]
        )
    startup = table(["command", "median s", "error"], startup_rows)
    return "\n\n".join(
        [
            f"### Library ({result['claims']} claims, selection: {result['selection']})",
            head,
            f"Loading the library: {fmt(result['load_library_seconds'])} s. 2 workers / 1 worker "
            f"(cold): {fmt(result['runs']['cold_2']['speedup_over_1_worker'])}× faster; warm / cold "
            f"(1 worker): {fmt(result['runs']['warm_1']['speedup_over_cold'])}× faster.",
            slow,
            startup,
        ]
    )
