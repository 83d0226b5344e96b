"""Soundness of keyless derivation checking (`derive steps`): a seeded differential fuzzer.

Documents are generated from templates (`steps_vectors`, `steps_scalars`, `steps_chains`:
softmax and its Jacobian with case conditions, cross-entropy with a label, sigmoid and
tanh, a linear layer, batch norm, chain rules through definitions, and adversarial texts),
read with `read_derivation` and decided with `check_derivation`. Each step's verdict is
judged against the oracle (`steps_oracle`: mpmath at 50 digits, never derive), under every
reading the template counts as reasonable:

- false proof: VALID, and the claim fails under every reading;
- false alarm: INVALID, and the claim holds under every reading (a definition line, true
  by fiat, included);
- fake counterexample: INVALID, and under every reading the claim holds at derive's
  counterexample (its missing values completed at random, indices enumerated) or the point
  is outside the reading's domain (a label that is not a distribution).

NOT_CHECKED is never wrong. Every wrong verdict is appended once (by document and step) to
`tests/steps_regressions.jsonl`, which `tests/test_steps_fuzz.py` replays.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, fmt, log, table
from benchmarks.steps_chains import adversarial, chain, two_layers
from benchmarks.steps_oracle import FAILS, HOLDS, Claim, Doc, refutes, truth
from benchmarks.steps_scalars import activation, linear
from benchmarks.steps_vectors import batch_norm, cross_entropy, softmax

REGRESSIONS = ROOT / "tests" / "steps_regressions.jsonl"
TIMEOUT = 5.0  # seconds per step for derive
FULL, QUICK = 200, 40  # documents (about 0.3 s each)
TEMPLATES: dict[str, Callable[[random.Random], Doc]] = {
    "softmax": softmax,
    "cross-entropy": cross_entropy,
    "activation": activation,
    "linear": linear,
    "batch-norm": batch_norm,
    "chain": chain,
    "two-layers": two_layers,
    "adversarial": adversarial,
}
WEIGHTS = {"softmax": 4, "cross-entropy": 3, "activation": 3, "linear": 2, "batch-norm": 3,
           "chain": 2, "two-layers": 1, "adversarial": 3}  # fmt: skip
WRONG_KINDS = ("false proof", "false alarm", "fake counterexample")


def generate(count: int, seed: int) -> list[tuple[Doc, int]]:
    """`count` documents, each with the seed of its own rng (drawn in order from
    `random.Random(seed)`, so the first k documents are the same for every count)."""
    master = random.Random(seed)
    seeds = [master.getrandbits(48) for _ in range(count)]
    return [(document(doc_seed), doc_seed) for doc_seed in seeds]


def document(doc_seed: int) -> Doc:
    """The document of one seed: its template, then its letters and claims."""
    rng = random.Random(doc_seed)
    names = sorted(TEMPLATES)
    return TEMPLATES[rng.choices(names, [WEIGHTS[n] for n in names])[0]](rng)


def decide(text: str, seed: int, timeout: float) -> list[Any]:
    """derive's step results for a document."""
    from derive.derivation.check import check_derivation
    from derive.derivation.reading import read_derivation
    from derive.engine import Settings

    result = check_derivation(read_derivation(text), settings=Settings(timeout=timeout, seed=seed))
    return list(result.steps)


def judge(
    doc: Doc, claim: Claim, status: str, counterexample: dict | None, seed: int
) -> tuple[str, str | None, str]:
    """(truth, wrong kind or None, detail) for one verdict."""
    rng = random.Random(seed)
    if claim.definition:
        wrong = "false alarm" if status == "invalid" else None
        return "holds (a definition)", wrong, "a definition is true by fiat"
    truths = {r: truth(doc, claim, r, rng) for r in claim.readings}
    said = "; ".join(f"{r}: {t}" + (f" at {_show(w)}" if w else "") for r, (t, w) in truths.items())
    outcomes = {t for t, _ in truths.values()}
    overall = outcomes.pop() if len(outcomes) == 1 else "ambiguous"
    if status == "valid" and all(t == FAILS for t, _ in truths.values()):
        return overall, "false proof", said
    if status != "invalid":
        return overall, None, said
    if all(t == HOLDS for t, _ in truths.values()):
        return overall, "false alarm", said
    checks = {r: refutes(doc, claim, r, counterexample or {}, rng) for r in claim.readings}
    said += "; counterexample " + ", ".join(f"{r}: {c}" for r, c in checks.items())
    if all(c == "fake" for c in checks.values()):
        return overall, "fake counterexample", said
    return overall, None, said


def _show(point: dict) -> str:
    def one(value: Any) -> str:
        if isinstance(value, list):
            return "[" + ", ".join(one(x) for x in value) + "]"
        return str(value) if isinstance(value, int) else f"{float(value):.6g}"

    return (
        "{" + ", ".join(f"{k}: {one(v)}" for k, v in point.items() if not k.startswith("_")) + "}"
    )


def examine(doc: Doc, doc_seed: int, seed: int, timeout: float) -> list[dict[str, Any]]:
    """One row per step derive reported, judged where it is a display the template made."""
    text, at = doc.render()
    try:
        steps = decide(text, seed, timeout)
    except Exception as exc:  # derive must not crash on a document: record it, go on
        return [{"template": doc.template, "document": text, "line": 0, "step": "",
                 "status": "error", "truth": None, "wrong": None,
                 "detail": f"{type(exc).__name__}: {exc}", "doc_seed": doc_seed}]  # fmt: skip
    rows, seen = [], set()
    for step in steps:
        claim = at.get(step.line)
        row = {
            "template": doc.template,
            "readings": doc.readings_note,
            "document": text,
            "line": step.line,
            "step": step.text,
            "status": step.status.value,
            "counterexample": step.counterexample,
            "reason": step.reason,
            "method": step.method,
            "doc_seed": doc_seed,
            "seed": seed,
            "truth": None,
            "wrong": None,
            "kind": claim.kind if claim else "",
        }
        if claim is not None and step.line not in seen:
            seen.add(step.line)
            status = step.status.value
            row["truth"], row["wrong"], row["detail"] = judge(
                doc, claim, status, step.counterexample, doc_seed
            )
        rows.append(row)
    return rows


def fuzz(
    count: int, seed: int, *, timeout: float = TIMEOUT, progress: bool = True, keep: bool = True
) -> dict:
    """Generate `count` documents (seeded), decide them with derive, judge each verdict;
    with `keep`, append the new wrong ones to the regressions file."""
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    docs = generate(count, seed)
    for index, (doc, doc_seed) in enumerate(docs):
        rows.extend(examine(doc, doc_seed, seed, timeout))
        if progress and (index + 1) % 10 == 0:
            log(f"steps soundness: {index + 1}/{count} documents, "
                f"{sum(1 for r in rows if r['wrong'])} wrong")  # fmt: skip
    result = summarize(rows, len(docs), seed, time.perf_counter() - start, timeout)
    result["regressions_added"] = keep_regressions(result["wrong"]) if keep else 0
    return result


def summarize(
    rows: list[dict], documents: int, seed: int, seconds: float, timeout: float
) -> dict[str, Any]:
    """The figures of a run, by template, and its wrong verdicts as records."""
    judged = [r for r in rows if r["truth"] is not None and r["truth"] != "unclear"]
    statuses = Counter(r["status"] for r in rows)
    wrong = [r for r in rows if r["wrong"]]
    by_template = {}
    for name in sorted({r["template"].split("/")[0] for r in rows}):
        mine = [r for r in rows if r["template"].split("/")[0] == name]
        by_template[name] = {
            "steps": len(mine),
            "judged": sum(r in judged for r in mine),
            "decided": sum(r in judged and r["status"] in ("valid", "invalid") for r in mine),
            "wrong": sum(bool(r["wrong"]) for r in mine),
        }
    return {
        "seed": seed,
        "timeout_seconds": timeout,
        "seconds": seconds,
        "documents": documents,
        "steps": len(rows),
        "judged": len(judged),
        "decided": sum(r["status"] in ("valid", "invalid") for r in judged),
        "valid": statuses.get("valid", 0),
        "invalid": statuses.get("invalid", 0),
        "not_checked": statuses.get("not checked", 0),
        "errors": statuses.get("error", 0),
        "unclear": sum(r["truth"] == "unclear" for r in rows),
        "unmatched": sum(r["truth"] is None for r in rows),
        "unjudged_counterexamples": sum("unjudged" in (r.get("detail") or "") for r in rows),
        "kinds": {k.replace(" ", "_"): sum(r["wrong"] == k for r in wrong) for k in WRONG_KINDS},
        "by_template": by_template,
        "wrong": [_record(r) for r in wrong],
    }


def _record(row: dict) -> dict[str, Any]:
    keys = ("template", "readings", "document", "line", "step", "status", "truth", "wrong",
            "counterexample", "reason", "method", "detail", "kind", "doc_seed", "seed")  # fmt: skip
    return {k: row.get(k) for k in keys}


def load_regressions(path: Path = REGRESSIONS) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def keep_regressions(wrong: list[dict], path: Path = REGRESSIONS) -> int:
    """Append the wrong verdicts not already kept (by document and step)."""
    known = {(r["document"], r["step"]) for r in load_regressions(path)}
    added = []
    for record in wrong:
        if (record["document"], record["step"]) not in known:
            known.add((record["document"], record["step"]))
            added.append(json.dumps(record, default=str))
    if added:
        with path.open("a") as handle:
            handle.write("\n".join(added) + "\n")
    return len(added)


def replay(record: dict[str, Any], *, timeout: float = TIMEOUT) -> dict[str, Any] | None:
    """The record's document decided again and its step judged again: the row if it is
    still wrong, else None. The oracle (closures, not data) comes from regenerating the
    document from its seed, so a change to a template that moves its random draws fails
    here loudly: run the fuzzer again and rewrite the file."""
    doc = document(record["doc_seed"])
    if doc.text != record["document"]:
        raise AssertionError(f"the generator changed: document {record['doc_seed']} differs")
    rows = examine(doc, record["doc_seed"], record.get("seed", 0), timeout)
    return next((r for r in rows if r["line"] == record["line"] and r["wrong"]), None)


def run(*, quick: bool, seed: int, out_dir: Path | None = None) -> dict[str, Any]:
    count = QUICK if quick else FULL
    log(f"steps soundness: {count} documents, seed {seed}, {TIMEOUT:g} s per step")
    result = fuzz(count, seed)
    result["regressions_file"] = str(REGRESSIONS.relative_to(ROOT))
    if out_dir is not None:
        (Path(out_dir) / "steps_soundness_wrong.md").write_text(wrong_md(result))
    return result


def wrong_md(result: dict[str, Any]) -> str:
    lines = [f"# Keyless steps fuzzer: wrong verdicts (seed {result['seed']})", ""]
    for r in result["wrong"]:
        lines += [f"## {r['wrong']}: {r['template']}, line {r['line']}", "", "```markdown",
                  r["document"].rstrip(), "```", "", f"- step: `{r['step']}`",
                  f"- derive: {r['status']} {r['counterexample'] or ''} {r['reason'] or r['method']}",
                  f"- truth ({r['readings']}): {r['truth']}; {r['detail']}", ""]  # fmt: skip
    return "\n".join(lines) + "\n"


def markdown(result: dict[str, Any]) -> str:
    header = ["template", "steps", "judged", "decided", "wrong"]
    rows = [[n, f["steps"], f["judged"], f["decided"], f["wrong"]]
            for n, f in result["by_template"].items()]  # fmt: skip
    rows.append(
        ["**all**", result["steps"], result["judged"], result["decided"], len(result["wrong"])]
    )
    listing = "\n".join(
        f"- {r['wrong']} ({r['template']}): `{r['step']}` — derive {r['status']}"
        + (f" at {r['counterexample']}" if r["counterexample"] else "")
        + f", truth {r['truth']}"
        for r in result["wrong"]
    )
    kinds = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result["kinds"].items())
    return "\n\n".join([
        f"### Keyless steps fuzzer ({result['documents']} documents, seed {result['seed']}, "
        f"{fmt(result['timeout_seconds'])} s per step)",
        table(header, rows),
        f"{fmt(result['seconds'])} s in all. Statuses: {result['valid']} valid, "
        f"{result['invalid']} invalid, {result['not_checked']} not checked, {result['errors']} "
        f"errors; {result['unclear']} steps with an unclear truth, {result['unmatched']} not "
        f"from a template display, {result['unjudged_counterexamples']} counterexamples naming "
        f"something the oracle cannot place. Wrong: {kinds}. New regressions kept: "
        f"{result.get('regressions_added', 0)} (`{result.get('regressions_file', '')}`).",
        "**Wrong verdicts:**\n" + (listing or "none"),
    ])  # fmt: skip
