"""Held-out soundness set (issue 9): adversarial and textbook statements with known truth.

`heldout_cases.jsonl` holds one statement a line with its context (`let`, `assume`, optional
`where`), its truth (`holds`, `fails`, or `undefined` for a moment that does not exist), a
one-line reason (the identity's source, or a witness for a false one) and its class. Each case
is decided by `derive.engine.prove` (a killable child process, no cache). A wrong verdict is a
false statement proved or verified, a true one refuted, or an undefined one decided at all;
`unknown` and `error` are undecided. Refutations of false statements are listed with their
counterexamples in the JSON for review (the oracle's witness is one point, not every point).

    python -m benchmarks.heldout [--timeout 10] [--seed 0] [--only CLASS] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import HERE, log, machine_info, now, table

CASES = HERE / "heldout_cases.jsonl"
OUT = HERE / "results" / "heldout.json"
DECIDED = ("proved", "verified", "refuted")


def load(only: list[str] | None = None) -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    return [c for c in cases if not only or c["class"] in only]


def decide(case: dict[str, Any], seed: int, timeout: float) -> dict[str, Any]:
    from derive.claim import claim
    from derive.engine import Settings, prove

    start = time.perf_counter()
    try:
        built = claim(
            f"heldout/{case['id']}",
            case["id"],
            source="heldout",
            statement=case["statement"],
            let=case.get("let") or None,
            where=case.get("where") or None,
            assume=case.get("assume") or (),
        )
        verdict = prove(built.check, Settings(seed=seed, timeout=timeout, cache_dir=None))
    except Exception as exc:  # a claim that cannot even be built is derive's error, not ours
        return {"status": "error", "method": "runner", "summary": f"{type(exc).__name__}: {exc}"}
    out = {
        "status": verdict.status.value,
        "method": verdict.method,
        "summary": (verdict.summary or verdict.reason or "")[:400],
        "seconds": round(time.perf_counter() - start, 2),
    }
    if verdict.counterexample is not None:
        cx = verdict.counterexample
        out["counterexample"] = {
            "values": cx.assignments(),
            "lhs": cx.lhs,
            "rhs": cx.rhs,
            "confirmed": cx.confirmed,
        }
    return out


def judge(truth: str, status: str) -> str | None:
    if truth == "fails" and status in ("proved", "verified"):
        return f"false {status}"
    if truth == "holds" and status == "refuted":
        return "fake refutation"
    if truth == "undefined" and status in DECIDED:
        return f"undefined moment {status}"
    return None


def summarise(rows: list[dict[str, Any]]) -> list[list[Any]]:
    classes = sorted({r["class"] for r in rows})
    out = []
    for cls in [*classes, "all"]:
        group = [r for r in rows if cls in ("all", r["class"])]
        status = Counter(r["derive"]["status"] for r in group)
        decided = sum(status[s] for s in DECIDED)
        out.append(
            [
                cls,
                len(group),
                status["proved"],
                status["verified"],
                status["refuted"],
                status["unknown"],
                status["error"],
                decided,
                f"{100 * decided / len(group):.1f} %" if group else "–",
                sum(1 for r in group if r["wrong"]),
                len(group) - decided,
            ]
        )
    return out


HEADERS = [
    "class",
    "cases",
    "proved",
    "verified",
    "refuted",
    "unknown",
    "error",
    "decided",
    "decided %",
    "wrong",
    "undecided",
]


def report(rows: list[dict[str, Any]]) -> str:
    lines = ["## Held-out statements", "", table(HEADERS, summarise(rows)), ""]
    wrong = [r for r in rows if r["wrong"]]
    lines.append(f"### Wrong verdicts ({len(wrong)})")
    for r in wrong:
        cx = r["derive"].get("counterexample")
        lines.append(
            f"- `{r['id']}` **{r['wrong']}**: `{r['statement']}` let={r['let']} "
            f"assume={r['assume']}{' where=' + str(r['where']) if r.get('where') else ''} "
            f"(truth {r['truth']}: {r['why']}); derive: {r['derive']['summary']}"
            + (f" [at {cx['values']}]" if cx else "")
        )
    internal = [r for r in rows if r["derive"]["method"] in ("internal", "runner")]
    lines += ["", f"### Internal errors ({len(internal)})"]
    lines += [f"- `{r['id']}` `{r['statement']}`: {r['derive']['summary']}" for r in internal]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", metavar="CLASS")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    cases = load(args.only)
    if not cases:
        parser.error(f"no case of class {args.only}")
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for i, case in enumerate(cases, 1):
        decision = decide(case, args.seed, args.timeout)
        rows.append({**case, "derive": decision, "wrong": judge(case["truth"], decision["status"])})
        flag = f"  WRONG: {rows[-1]['wrong']}" if rows[-1]["wrong"] else ""
        log(f"[{i}/{len(cases)}] {case['id']} {decision['status']} ({case['truth']}){flag}")
        if i % 10 == 0 or i == len(cases):
            write(args, rows, time.perf_counter() - started)
    print(report(rows))
    return 0


def write(args: argparse.Namespace, rows: list[dict[str, Any]], seconds: float) -> None:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "date": now(),
        "machine": machine_info(),
        "seed": args.seed,
        "timeout": args.timeout,
        "only": args.only,
        "seconds": round(seconds, 1),
        "summary": [dict(zip(HEADERS, row, strict=True)) for row in summarise(rows)],
        "cases": rows,
    }
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
