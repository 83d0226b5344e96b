"""Deep-learning equivalence: derive against Math-Verify on labelled pairs.

Each pair of `dl_pairs.jsonl` (reference, student, label) is decided by both contenders in
the same process, pair by pair (the order of the two alternates), after a warm-up on pairs
that are not scored:

- derive: the statement `reference = student` in LaTeX, in the pair's context (`let`,
  `assume`), `derive.engine.decide` in this process without a cache; proved or verified
  is "equivalent", refuted "not equivalent", unknown or error "undecided";
- Math-Verify: `verify(parse("$" + reference + "$"), parse("$" + student + "$"))`; an
  exception counts as "not equivalent", as Math-Verify itself does.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from benchmarks.common import HERE, fmt, log, median, percentile, ratio, table

PAIRS = HERE / "dl_pairs.jsonl"
TIMEOUT = 20.0  # seconds per pair for derive (its own budget)
WARMUP = [  # not scored: imports, first-call caches
    {"reference": r"\frac{d}{dx}x^3", "student": r"3x^2"},
    {"reference": r"\frac{e^{u}}{e^{u}+1}", "student": r"\sigma(u)"},
    {"reference": r"\sum_{k=1}^{s}q^{k}", "student": r"\frac{q(1-q^s)}{1-q}",
     "let": {"s": "positive integer"}, "assume": ["0 < q < 1"]},
    {"reference": r"(p+q)^2", "student": r"p^2+q^2"},
]  # fmt: skip
DL_NOTATION = re.compile(
    r"\\sigma\b(?!_)|ReLU|softplus|\\sum|\\max|\\frac\{d\}|\\frac\{\\partial\}|\\log"
)

EQUIVALENT, NOT_EQUIVALENT, UNDECIDED = "equivalent", "not equivalent", "undecided"


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def quick_sample(pairs: list[dict[str, Any]], per_group: int = 2) -> list[dict[str, Any]]:
    """A few pairs of each topic and label, in file order."""
    taken: Counter[tuple[str, bool]] = Counter()
    chosen = []
    for pair in pairs:
        group = (pair["topic"], pair["equivalent"])
        if taken[group] < per_group:
            taken[group] += 1
            chosen.append(pair)
    return chosen


# -- the contenders -----------------------------------------------------------------------


def derive_verdict(pair: dict[str, Any], seed: int) -> tuple[str, Any]:
    from derive.claim import build_context, statement
    from derive.engine import Settings, decide
    from derive.errors import DeriveError
    from derive.verdict import Status

    try:
        context = build_context(pair.get("let"), assume=pair.get("assume") or ())
        check = statement(f"{pair['reference']} = {pair['student']}", context, latex=True)
    except DeriveError as exc:
        return UNDECIDED, {"status": "error", "method": "construction", "reason": str(exc)}
    verdict = decide(check, Settings(seed=seed, timeout=TIMEOUT, cache_dir=None))
    answer = (
        EQUIVALENT
        if verdict.status.holds
        else NOT_EQUIVALENT
        if verdict.status is Status.REFUTED
        else UNDECIDED
    )
    detail = {"status": verdict.status.value, "method": verdict.method}
    if verdict.counterexample is not None:
        detail["counterexample"] = verdict.counterexample.assignments()
    if verdict.reason:
        detail["reason"] = verdict.reason[:200]
    return answer, detail


def math_verify_verdict(pair: dict[str, Any]) -> tuple[str, Any]:
    from math_verify import parse, verify

    try:
        gold = parse("$" + pair["reference"] + "$")
        answer = parse("$" + pair["student"] + "$")
        same = verify(gold, answer)
        parsed = [str(gold[0]) if gold else "", str(answer[0]) if answer else ""]
        return (EQUIVALENT if same else NOT_EQUIVALENT), {"parsed": parsed}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # its timeout exception is a BaseException
        return NOT_EQUIVALENT, {"exception": f"{type(exc).__name__}: {exc}"[:200]}


# -- the benchmark ------------------------------------------------------------------------


def run(*, quick: bool, seed: int, out_dir: Path) -> dict[str, Any]:
    from benchmarks.dl_labels import check_labels

    pairs = load_pairs()
    if quick:
        pairs = quick_sample(pairs)
    log(f"dl: checking {len(pairs)} labels numerically (latex2sympy, random points)")
    start = time.monotonic()
    labels = check_labels(pairs, seed=seed)
    labels["seconds"] = time.monotonic() - start

    log("dl: warm-up")
    for pair in WARMUP:
        derive_verdict(pair, seed)
        math_verify_verdict(pair)

    rows = []
    for index, pair in enumerate(pairs):
        order = ("derive", "math-verify") if index % 2 == 0 else ("math-verify", "derive")
        row: dict[str, Any] = {
            "id": pair["id"],
            "topic": pair["topic"],
            "label": pair["equivalent"],
        }
        for contender in order:
            began = time.perf_counter()
            if contender == "derive":
                answer, detail = derive_verdict(pair, seed)
            else:
                answer, detail = math_verify_verdict(pair)
            row[contender] = {
                "answer": answer,
                "seconds": time.perf_counter() - began,
                **detail,
            }
        rows.append(row)
        if (index + 1) % 25 == 0:
            log(f"dl: {index + 1}/{len(pairs)} pairs")

    contenders = {name: _score(name, rows, pairs) for name in ("derive", "math-verify")}
    contenders["derive"]["pairs_per_second_vs_math_verify"] = ratio(
        contenders["derive"]["pairs_per_second"], contenders["math-verify"]["pairs_per_second"]
    )
    disagreements = [r for r in rows if r["derive"]["answer"] != r["math-verify"]["answer"]]
    by_id = {p["id"]: p for p in pairs}
    (out_dir / "dl_disagreements.md").write_text(
        _disagreements_md(disagreements, by_id, contenders)
    )

    log("dl: profiling derive on a sample")
    profile = _profile(pairs[:: 5 if not quick else 3], seed)

    return {
        "pairs": len(pairs),
        "equivalent_pairs": sum(p["equivalent"] for p in pairs),
        "topics": dict(Counter(p["topic"] for p in pairs)),
        "derive_timeout_seconds": TIMEOUT,
        "labels_checked": labels,
        "contenders": contenders,
        "disagreements": len(disagreements),
        "disagreements_file": "dl_disagreements.md",
        "profile": profile,
        "rows": rows,
    }


def _score(name: str, rows: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r[name]["seconds"] for r in rows]
    correct = [r[name]["answer"] == (EQUIVALENT if r["label"] else NOT_EQUIVALENT) for r in rows]
    notation = {p["id"]: bool(DL_NOTATION.search(p["reference"] + p["student"])) for p in pairs}
    by_topic: dict[str, list[bool]] = defaultdict(list)
    for r, ok in zip(rows, correct, strict=True):
        by_topic[r["topic"]].append(ok)
    subsets = {"dl_notation": [], "elementary": []}
    for r, ok in zip(rows, correct, strict=True):
        subsets["dl_notation" if notation[r["id"]] else "elementary"].append(ok)
    total = sum(seconds)
    return {
        "accuracy": sum(correct) / len(rows) if rows else None,
        "correct": sum(correct),
        "false_equivalent": [
            r["id"] for r in rows if not r["label"] and r[name]["answer"] == EQUIVALENT
        ],
        "false_not_equivalent": [
            r["id"] for r in rows if r["label"] and r[name]["answer"] == NOT_EQUIVALENT
        ],
        "undecided": [r["id"] for r in rows if r[name]["answer"] == UNDECIDED],
        "seconds_total": total,
        "pairs_per_second": len(rows) / total if total else None,
        "seconds_per_pair": {
            "median": median(seconds),
            "p95": percentile(seconds, 95),
            "max": max(seconds) if seconds else None,
        },
        "accuracy_by_topic": {t: sum(v) / len(v) for t, v in sorted(by_topic.items())},
        "accuracy_by_notation": {
            k: {"pairs": len(v), "accuracy": sum(v) / len(v) if v else None}
            for k, v in subsets.items()
        },
        "methods": dict(Counter(r[name].get("method", "") for r in rows))
        if name == "derive"
        else None,
    }


def _disagreements_md(
    rows: list[dict[str, Any]], pairs: dict[str, dict[str, Any]], scores: dict[str, Any]
) -> str:
    lines = [
        "# Deep-learning pairs: where derive and Math-Verify disagree",
        "",
        "Generated by `python -m benchmarks.run` (benchmark `dl`). Truth is the pair's label "
        "(checked numerically at random points by `benchmarks/dl_labels.py`).",
        "",
        f'{len(rows)} disagreements. derive false "equivalent": '
        f"{', '.join(scores['derive']['false_equivalent']) or 'none'}; Math-Verify false "
        f'"equivalent": {", ".join(scores["math-verify"]["false_equivalent"]) or "none"}.',
        "",
        "| id | topic | truth | derive | Math-Verify | right | reference | student |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pair = pairs[r["id"]]
        truth = EQUIVALENT if r["label"] else NOT_EQUIVALENT
        d, m = r["derive"], r["math-verify"]
        right = [n for n, v in (("derive", d), ("Math-Verify", m)) if v["answer"] == truth]
        derive_text = f"{d['answer']} ({d['status']}, {d['method']})"
        if d.get("counterexample"):
            derive_text += f" at {d['counterexample']}"
        elif d["answer"] == UNDECIDED and d.get("reason"):
            derive_text += f": {d['reason'][:80]}"
        mv_text = m["answer"]
        if m.get("exception"):
            mv_text += f" (exception: {m['exception'][:60]})"
        elif m.get("parsed"):
            mv_text += f" (read `{m['parsed'][0][:40]}` vs `{m['parsed'][1][:40]}`)"
        mistake = f" — mistake: {pair['mistake']}" if pair.get("mistake") else ""
        cells = [
            r["id"],
            r["topic"],
            truth + mistake,
            derive_text,
            mv_text,
            " and ".join(right) or "neither",
            f"`{pair['reference']}`",
            f"`{pair['student']}`",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _profile(pairs: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    for pair in pairs:
        derive_verdict(pair, seed)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt  # type: ignore[attr-defined]

    def top(key: int, count: int) -> list[dict[str, Any]]:
        entries = []
        for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
            entries.append(
                {
                    "function": f"{_short(filename)}:{line}({function})",
                    "calls": calls,
                    "tottime": tottime,
                    "cumtime": cumtime,
                }
            )
        entries.sort(key=lambda e: -e["tottime" if key == 0 else "cumtime"])
        return entries[:count]

    return {
        "pairs": len(pairs),
        "seconds": total,
        "top_by_own_time": top(0, 12),
        "top_by_cumulative_time": top(1, 40),
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def markdown(result: dict[str, Any]) -> str:
    c = result["contenders"]
    rows = []
    for name in ("derive", "math-verify"):
        s = c[name]
        rows.append(
            [
                name,
                f"{s['correct']}/{result['pairs']}",
                s["accuracy"],
                len(s["false_equivalent"]),
                len(s["false_not_equivalent"]),
                len(s["undecided"]),
                s["pairs_per_second"],
                s["seconds_per_pair"]["median"],
                s["seconds_per_pair"]["p95"],
                s["seconds_per_pair"]["max"],
            ]
        )
    head = table(
        [
            "checker",
            "correct",
            "accuracy",
            "false equivalent",
            "missed equivalences",
            "undecided",
            "pairs/s",
            "median s/pair",
            "p95 s/pair",
            "max s/pair",
        ],
        rows,
    )
    topics = sorted(c["derive"]["accuracy_by_topic"])
    by_topic = table(
        ["checker", *topics, "DL notation", "elementary"],
        [
            [
                name,
                *(c[name]["accuracy_by_topic"][t] for t in topics),
                c[name]["accuracy_by_notation"]["dl_notation"]["accuracy"],
                c[name]["accuracy_by_notation"]["elementary"]["accuracy"],
            ]
            for name in ("derive", "math-verify")
        ],
    )
    labels = result["labels_checked"]
    profile = result["profile"]
    top = table(
        ["function (own time)", "calls", "own s", "cumulative s"],
        [
            [e["function"], e["calls"], e["tottime"], e["cumtime"]]
            for e in profile["top_by_own_time"][:8]
        ],
    )
    own = [e for e in profile["top_by_cumulative_time"] if e["function"].startswith("derive/")]
    cumulative = table(
        ["derive function (cumulative time)", "calls", "cumulative s"],
        [[e["function"], e["calls"], e["cumtime"]] for e in own[:10]],
    )
    false_eq = c["derive"]["false_equivalent"]
    return "\n\n".join(
        [
            f"### Deep-learning equivalence ({result['pairs']} pairs, "
            f"{result['equivalent_pairs']} equivalent)",
            head,
            f"derive / Math-Verify pairs per second: "
            f"{fmt(c['derive']['pairs_per_second_vs_math_verify'])}×. "
            f"Labels checked numerically: {labels['agree']}/{result['pairs']} agree, "
            f"{len(labels['contradicted'])} contradicted, {len(labels['not_evaluated'])} not evaluated. "
            f"Disagreements between the two: {result['disagreements']} "
            f"(see `{result['disagreements_file']}`).",
            '**derive false "equivalent": ' + (", ".join(false_eq) if false_eq else "none") + "**",
            "Accuracy by topic and notation:",
            by_topic,
            f"Profile of derive on {profile['pairs']} pairs ({fmt(profile['seconds'])} s under cProfile):",
            top,
            cumulative,
        ]
    )
