"""Grading a synthetic class: structured submissions over one answer key, graded with
`derive.grading.batch.grade_paths` with 1 and 2 workers, with a cold and a warm verdict
cache.

The class is generated with a seeded RNG for the key `ift6135-a2-2021` of the library: per
question, correct final answers in several equivalent forms (LaTeX and plain text, sides
swapped, factors reordered, with or without the left-hand side), typical mistakes (sign,
missing factor, the seeds' own errors, the projection dropped from a gradient), steps that
hold and steps that do not, lines that cannot be read (prose, `\\approx`, `\\dots`), and
missing questions. Every generated answer carries its intended grade, so the benchmark also
reports how often derive's grade matches it.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import fmt, log, ratio, table

KEY = "ift6135-a2-2021"
OK, WRONG = "correct", "incorrect"

# (final answer, intended) per question; None means no final answer is given.
ANSWERS: dict[str, list[tuple[str, str]]] = {
    "1.1": [
        (r"g_t = \sigma(h_t)", OK),
        ("g_t = sigma(h_t)", OK),
        (r"g_{t} = \sigma\left(h_{t}\right)", OK),
        (r"\sigma(h_t) = g_t", OK),
        (r"g_t = \sigma(h_{t-1})", WRONG),
        (r"g_t = h_t", WRONG),
        (r"g_t = \sigma(W h_t + b)", WRONG),
    ],
    "2.1": [
        ("N^T", OK),
        (r"N^{T}", OK),
        (r"N \cdot N^{T-1}", OK),
        ("N**T", OK),
        (r"N^{T+1}", WRONG),
        ("T^N", WRONG),
        (r"N^{T-1}", WRONG),
        ("N T", WRONG),
    ],
    "3.1": [
        (r"\lambda = -2\eta\gamma", OK),
        (r"-2\eta\gamma", OK),
        (r"\lambda = -2 \gamma \eta", OK),
        ("lambda = -2*eta*gamma", OK),
        (r"\lambda = -\eta \cdot 2\gamma", OK),
        (r"\lambda=-(2\eta\gamma)", OK),
        (r"\lambda = 2\eta\gamma", WRONG),
        (r"\lambda = -\eta\gamma", WRONG),
        (r"\lambda = -2\gamma", WRONG),
        (r"\lambda = \frac{\eta\gamma}{2}", WRONG),
    ],
    "3.2": [
        (r"g = \nabla_\theta L + 2\gamma\theta", OK),
        ("grad(L, theta) + 2 gamma theta", OK),
        (r"g = 2\gamma\theta + \nabla_{\theta} L", OK),
        (r"g = \nabla_\theta \left(L + \gamma \|\theta\|^2\right)", OK),
        (r"g = \nabla_\theta L + \gamma\theta", WRONG),
        (r"g = \nabla_\theta L - 2\gamma\theta", WRONG),
        (r"g = \nabla_\theta L + 2\gamma\|\theta\|", WRONG),
    ],
    "4.2": [
        (r"\hat{y} = w^\top x + \beta", OK),
        ("y_hat = transpose(w) x + beta", OK),
        (r"\hat{y} = \frac{\gamma}{\|u\|} u^\top x + \beta", OK),
        (r"\hat{y} = \beta + w^T x", OK),
        (r"\hat{y} = w^\top x", WRONG),
        (r"\hat{y} = \gamma u^\top x + \beta", WRONG),
        (r"\hat{y} = w^\top x - \beta", WRONG),
    ],
    "4.3": [
        (
            r"\nabla_u L = \frac{\gamma}{\|u\|}\left(I - \frac{u u^\top}{\|u\|^2}\right)\nabla_w L",
            OK,
        ),
        ("grad(L, u) = gamma / norm(u) * (I - u transpose(u) / norm(u)^2) grad(L, w)", OK),
        (
            r"\nabla_u L = \frac{\gamma}{\|u\|}\nabla_w L - \frac{\gamma}{\|u\|^3} u u^\top \nabla_w L",
            OK,
        ),
        (r"\nabla_u L = \frac{\gamma}{\|u\|}\nabla_w L", WRONG),
        (
            r"\nabla_u L = \frac{\gamma}{\|u\|}\left(I + \frac{u u^\top}{\|u\|^2}\right)\nabla_w L",
            WRONG,
        ),
        (
            r"\nabla_u L = \frac{\gamma}{\|u\|^2}\left(I - \frac{u u^\top}{\|u\|^2}\right)\nabla_w L",
            WRONG,
        ),
    ],
}
STEPS: dict[str, list[tuple[str, str]]] = {
    "1.1": [
        (
            r"g_t = \sigma(W g_{t-1} + U x_t + b) = \sigma(W \sigma(h_{t-1}) + U x_t + b) = \sigma(h_t)",
            "valid",
        ),
        (r"\sigma(W g_{t-1} + U x_t + b) = W \sigma(h_{t-1}) + U x_t + b", "invalid"),
    ],
    "3.1": [
        (
            r"\nabla_{\theta_i} L_{reg}(f(x, \theta), y) = \nabla_{\theta_i} L(f(x, \theta), y) + 2\gamma\theta_i",
            "valid",
        ),
        (
            r"\nabla_{\theta_i} L_{reg}(f(x, \theta), y) = \nabla_{\theta_i} L(f(x, \theta), y) + \gamma\theta_i",
            "invalid",
        ),
    ],
    "4.2": [
        (r"\mu_y = \mathbb{E}[u^\top x] = u^\top \mathbb{E}[x] = 0", "valid"),
        (r"\sigma_y^2 = u^\top \operatorname{Var}(x) u = \|u\|^2", "valid"),
        (r"\mathbb{E}[u^\top x] = u^\top x", "invalid"),
    ],
}
STATISTICS_OK = [
    r"\mu_{batch} = [2.50, 2.58]",
    r"\sigma_{batch}^2 = [0.58, 1.07]",
    r"\mu_{layer} = [2.00; 3.00; 2.50; 2.66]",
    r"\sigma_{layer}^2 = [0.66; 0.66; 1.25; 0.22]",
    r"\mu_{Inst} = [[2.00, 2.00]; [2.66, 3.33]; [2.66, 2.33]; [2.66, 2.66]]",
    r"\sigma_{Inst}^2 = [[0.66, 0.66]; [0.22, 0.88]; [0.88, 1.55]; [0.22, 0.22]]",
]
STATISTICS_EXACT = [
    "mu_batch = [5/2, 31/12]",
    "sigma_batch^2 = [7/12, 155/144]",
    "mu_layer = [2, 3, 5/2, 8/3]",
    "sigma_layer^2 = [2/3, 2/3, 5/4, 2/9]",
    "mu_instance = [[2, 2], [8/3, 10/3], [8/3, 7/3], [8/3, 8/3]]",
    "sigma_instance^2 = [[2/3, 2/3], [2/9, 8/9], [8/9, 14/9], [2/9, 2/9]]",
]
UNREADABLE = [
    "by the chain rule and the induction hypothesis",
    r"\lambda \approx -2\eta\gamma",
    r"h_T = h_1 + \dots + h_{T-1}",
    "see the figure in the appendix",
    r"\therefore \text{QED} \blacksquare",
    r"\frac{\partial L}{\partial \theta} = \lim_{h \to 0} \frac{L(\theta + h) - L(\theta)}{h}",
]
PROSE = {
    "2.2d": "for t in 1..T: delta[t][j] = max_i P[i][j] * delta[t-1][i]; keep the argmax",
    "2.2e": "O(T N^2) time and O(T N) memory",
}


def _statistics(rng: random.Random) -> tuple[list[str], str]:
    roll = rng.random()
    if roll < 0.5:
        return list(STATISTICS_OK), OK
    if roll < 0.75:
        return list(STATISTICS_EXACT), OK
    lines = list(STATISTICS_OK)
    if roll < 0.9:  # one wrong entry
        lines[3] = r"\sigma_{layer}^2 = [0.66; 0.66; 1.25; 0.25]"
    else:  # unbiased variances (divided by N - 1)
        lines[1] = r"\sigma_{batch}^2 = [0.64, 1.17]"
    return lines, WRONG


def make_class(count: int, seed: int) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """`count` submissions (as YAML-ready dicts) and, per question, the intended grade."""
    rng = random.Random(seed)
    skill = [rng.betavariate(4, 2) for _ in range(count)]  # chance of a correct answer
    made = []
    for index in range(count):
        answers: dict[str, Any] = {}
        intended: dict[str, str] = {}
        for label in ("1.1", "2.1", "3.1", "3.2", "4.1", "4.2", "4.3", "2.2d", "2.2e"):
            if rng.random() < 0.08:
                intended[label] = "missing"
                continue
            entry: dict[str, Any] = {}
            if label in PROSE:
                entry["answer"] = PROSE[label]
                answers[label] = entry
                continue
            if label == "4.1":
                entry["steps"], intended[label] = _statistics(rng)
            else:
                good = [a for a in ANSWERS[label] if a[1] == OK]
                bad = [a for a in ANSWERS[label] if a[1] == WRONG]
                text, intended[label] = rng.choice(good if rng.random() < skill[index] else bad)
                entry["answer"] = text
                steps = STEPS.get(label)
                if steps and rng.random() < 0.6:
                    chosen = [s for s, v in steps if v == "valid"]
                    if rng.random() > skill[index]:
                        chosen = [rng.choice([s for s, v in steps if v == "invalid"]), *chosen[1:]]
                    entry["steps"] = chosen
            if rng.random() < 0.15:
                entry.setdefault("steps", []).insert(0, rng.choice(UNREADABLE))
            if label != "4.1" and rng.random() < 0.04:  # the final answer cannot be read
                entry["answer"] = rng.choice(UNREADABLE)
                intended[label] = "unreadable"
            answers[label] = entry
        made.append(({"student": f"s{index:03d}", "key": KEY, "answers": answers}, intended))
    return made


def write_class(folder: Path, made: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
    for document, _ in made:
        path = folder / f"{document['student']}.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


def _counts(results: list[Any], key: Any) -> dict[str, int]:
    from derive.grading.results import FinalStatus, StepStatus

    finals = Counter()
    steps = Counter()
    for result in results:
        for q in result.questions:
            question = key.question(q.label)
            if (
                question is not None
                and question.answers
                and q.final.status is not FinalStatus.MISSING
            ):
                finals["checked"] += 1
                finals[q.final.status.value] += 1
            for s in q.steps:
                if s.status is not StepStatus.NOT_CHECKED:
                    steps["decided"] += 1
                steps[s.status.value] += 1
    return {
        "final": dict(finals),
        "steps": dict(steps),
        "errors": sum(1 for r in results if r.error),
    }


def run(*, quick: bool, seed: int, out_dir: Path) -> dict[str, Any]:
    from derive import registry
    from derive.engine import Settings
    from derive.grading.batch import grade_paths

    count = 24 if quick else 200
    made = make_class(count, seed)
    key = registry.find_key(registry.load_keys(), KEY)
    work = Path(tempfile.mkdtemp(prefix="derive-bench-grading-"))
    try:
        folder = work / "class"
        folder.mkdir()
        write_class(folder, made)
        runs: dict[str, Any] = {}
        graded = None
        for workers in (1, 2):
            cache = work / f"cache-{workers}"
            for phase in ("cold", "warm"):
                log(f"grading: {count} submissions, {workers} worker(s), {phase} cache")
                settings = Settings(seed=seed, cache_dir=str(cache))
                start = time.perf_counter()
                results = grade_paths([folder], KEY, settings, workers=workers)
                seconds = time.perf_counter() - start
                counts = _counts(results, key)
                checks = counts["final"].get("checked", 0)
                runs[f"{phase}_{workers}"] = {
                    "workers": workers,
                    "cache": phase,
                    "seconds": seconds,
                    "submissions_per_second": len(results) / seconds,
                    "final_answer_checks": checks,
                    "final_answer_checks_per_second": checks / seconds,
                    "final_answer_checks_per_second_per_core": checks / seconds / workers,
                    "counts": counts,
                }
                graded = results
        assert graded is not None
        agreement = _agreement(graded, made)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for workers in (1, 2):
        runs[f"warm_{workers}"]["speedup_over_cold"] = ratio(
            runs[f"cold_{workers}"]["seconds"], runs[f"warm_{workers}"]["seconds"]
        )
    runs["cold_2"]["speedup_over_1_worker"] = ratio(
        runs["cold_1"]["seconds"], runs["cold_2"]["seconds"]
    )
    runs["warm_2"]["speedup_over_1_worker"] = ratio(
        runs["warm_1"]["seconds"], runs["warm_2"]["seconds"]
    )
    return {
        "key": KEY,
        "submissions": count,
        "distinct_final_answers": len(
            {
                (lab, str(entry.get("answer")))
                for doc, _ in made
                for lab, entry in doc["answers"].items()
            }
        ),
        "runs": runs,
        "intended_vs_graded": agreement,
    }


def _agreement(
    results: list[Any], made: list[tuple[dict[str, Any], dict[str, str]]]
) -> dict[str, Any]:
    """Per question: the intended grade of each generated answer against derive's."""
    intended = {doc["student"]: marks for doc, marks in made}
    table_: Counter[str] = Counter()
    mismatches = []
    for result in results:
        for q in result.questions:
            want = intended.get(result.student, {}).get(q.label)
            if want is None:
                continue
            got = q.final.status.value
            table_[f"{want} -> {got}"] += 1
            if (want, got) not in (("correct", "correct"), ("incorrect", "incorrect"),
                                   ("missing", "missing"), ("unreadable", "not checked"),
                                   ("unreadable", "incorrect")):  # fmt: skip
                mismatches.append(
                    {"student": result.student, "question": q.label, "intended": want,
                     "graded": got, "given": q.final.given[:120], "reason": q.final.reason[:160]}
                )  # fmt: skip
    unique = {}
    for m in mismatches:
        unique.setdefault((m["question"], m["intended"], m["graded"], m["given"]), m)
    return {"table": dict(sorted(table_.items())), "mismatches": list(unique.values())}


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for name in ("cold_1", "warm_1", "cold_2", "warm_2"):
        r = result["runs"][name]
        rows.append(
            [
                r["workers"],
                r["cache"],
                r["seconds"],
                r["submissions_per_second"],
                r["final_answer_checks"],
                r["final_answer_checks_per_second"],
                r["final_answer_checks_per_second_per_core"],
                r["counts"]["steps"].get("decided", 0),
                r["counts"]["errors"],
            ]
        )
    head = table(
        ["workers", "cache", "wall s", "submissions/s", "final-answer checks",
         "checks/s", "checks/s per core", "steps decided", "submission errors"],
        rows,
    )  # fmt: skip
    agreement = result["intended_vs_graded"]
    mism = agreement["mismatches"]
    listing = "\n".join(
        f"- {m['question']}: intended {m['intended']}, graded {m['graded']}: `{m['given']}` ({m['reason'][:100]})"
        for m in mism[:20]
    )
    return "\n\n".join(
        [
            f"### Grading a synthetic class ({result['submissions']} submissions, key `{result['key']}`)",
            head,
            "Intended grade → derive's grade (final answers): "
            + ", ".join(f"{k}: {v}" for k, v in agreement["table"].items()),
            (
                f"Distinct (intended, graded) mismatches: {len(mism)}\n\n{listing}"
                if mism
                else "No mismatches."
            ),
            f"(warm 1 worker is {fmt(result['runs']['warm_1'].get('speedup_over_cold'))}× the cold run)",
        ]
    )
