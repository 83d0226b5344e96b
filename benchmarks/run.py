"""Run the benchmarks: `python -m benchmarks.run [--quick] [--only NAME] [--out DIR]`.

Prints a Markdown table per benchmark and writes the same figures as JSON to
`DIR/latest.json` (`DIR/quick/latest.json` with `--quick`, so a smoke run never replaces
the figures of a full one). `--only` runs some benchmarks and merges their figures into the
existing JSON. Benchmarks are measurements, not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from benchmarks.common import HERE, ROOT, log, machine_info, now, table

BENCHMARKS = ("library", "dl", "stack", "grading", "steps", "soundness", "steps_soundness")
MODULES = {"steps_soundness": "soundness_steps"}  # a benchmark whose module is named otherwise


def _module(name: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(f"benchmarks.{MODULES.get(name, name)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="a small smoke run of every benchmark")
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--out",
        default=str(HERE / "results"),
        metavar="DIR",
        help="where results go (default: benchmarks/results/)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of every random choice (default: 0)"
    )
    args = parser.parse_args(argv)

    out_dir = Path(args.out) / "quick" if args.quick else Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    chosen = [b for b in BENCHMARKS if not args.only or b in args.only]
    meta = {"date": now(), "seed": args.seed, "quick": args.quick, "machine": machine_info()}
    path = out_dir / "latest.json"
    document = {"meta": meta, "benchmarks": {}}
    if args.only and path.exists():
        with contextlib.suppress(OSError, ValueError):
            document["benchmarks"] = json.loads(path.read_text()).get("benchmarks", {})

    print(
        f"# derive benchmarks ({meta['date']}, seed {args.seed}{', quick' if args.quick else ''})\n"
    )
    m = meta["machine"]
    print(
        table(
            ["cores", "load average", "python", "sympy", "numpy", "math-verify", "processor"],
            [
                [
                    m["cores"],
                    " ".join(map(str, m["load_average"] or [])),
                    m["python"],
                    m["sympy"],
                    m["numpy"],
                    m["math_verify"],
                    m["processor"],
                ]
            ],
        )
    )
    print()
    failed = False
    for name in chosen:
        module = _module(name)
        log(f"== {name}")
        start = time.perf_counter()
        try:
            result = module.run(quick=args.quick, seed=args.seed, out_dir=out_dir)
        except Exception as exc:
            traceback.print_exc()
            failed = True
            document["benchmarks"][name] = {"error": f"{type(exc).__name__}: {exc}", "date": now()}
            continue
        result = {
            "date": now(),
            "seed": args.seed,
            "quick": args.quick,
            "load_average_after": machine_info()["load_average"],
            "benchmark_seconds": time.perf_counter() - start,
            **result,
        }
        document["benchmarks"][name] = result
        print(module.markdown(result), "\n", flush=True)
        path.write_text(json.dumps(document, indent=1, default=str) + "\n")
    path.write_text(json.dumps(document, indent=1, default=str) + "\n")
    log(f"figures written to {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
