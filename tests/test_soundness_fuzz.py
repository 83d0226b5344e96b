"""Soundness: derive's verdicts against an independent oracle (benchmarks/soundness.py).

A small seeded fuzzing run must give no wrong verdict, and every wrong verdict the fuzzer
ever found (tests/soundness_regressions.jsonl) must stay fixed: a false statement is never
proved or verified, a true one never refuted, and a counterexample is a point where the
oracle finds the relation false. unknown and error are honest answers and pass.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from benchmarks import soundness
from benchmarks import soundness_grammar as g

SEED = 7
STATEMENTS = 36
REGRESSIONS = soundness.load_regressions()


def _describe(row: dict) -> str:
    d = row["derive"]
    context = f" let {row['let']}" if row["let"] else ""
    context += f" assuming {row['assume']}" if row["assume"] else ""
    return (
        f"({row['class']}) {row['wrong']}: {row['statement']}{context}: derive said "
        f"{d['status']} ({d['method']}; {d['summary'][:120]}), truth {row['truth']}, "
        f"witness {row['witness']}, recheck {row['recheck']}"
    )


def test_seeded_run_has_no_wrong_verdict() -> None:
    result = soundness.fuzz(STATEMENTS, SEED, timeout=5.0, progress=False)
    assert not result["inconsistent"], result["inconsistent"]  # the fuzzer's own tables
    assert result["total"]["judged"] >= STATEMENTS // 2
    wrong = [_describe(r) for r in result["wrong"]]
    assert not wrong, "wrong verdicts:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "record",
    REGRESSIONS,
    ids=[f"{i}-{r.get('class', '')}-{r.get('template', '')}" for i, r in enumerate(REGRESSIONS)],
)
def test_regression(record: dict) -> None:
    decision = _decide_text(record)
    status = decision["status"]
    said = f"{record['statement']} ({record.get('let')}, {record.get('assume')}): {decision}"
    if record["truth"] == "fails":
        assert status not in ("proved", "verified"), f"false statement held: {said}"
    if record["truth"] == "holds":
        assert status != "refuted", f"true statement refuted: {said}"
    if status == "refuted" and decision.get("counterexample") and record.get("tree"):
        case = soundness.case_from_record(record)
        outcome, detail = soundness.recheck_counterexample(case, decision["counterexample"])
        assert outcome != "fake", f"counterexample not confirmed by the oracle ({detail}): {said}"


def _decide_text(record: dict) -> dict:
    """derive's verdict on the record's exact text, in its context (a killable child)."""
    from derive.claim import claim
    from derive.engine import Settings, prove

    built = claim(
        "fuzz/regression/1",
        "regression",
        source="fuzz",
        statement=record["statement"],
        let=record.get("let") or {},
        assume=record.get("assume") or [],
    )
    verdict = prove(built.check, Settings(seed=record.get("seed", 0), timeout=5.0))
    out = {"status": verdict.status.value, "method": verdict.method, "summary": verdict.summary}
    if verdict.counterexample is not None:
        out["counterexample"] = [list(p) for p in verdict.counterexample.values]
    return out


# -- the oracle itself: its domain convention and its exactness ------------------------------

x = g.var("x")


@pytest.mark.parametrize(
    ("rel", "point", "expected"),
    [
        (g.Rel("=", g.fn("sqrt", x) ** 2, x), {"x": Fraction(-1)}, g.VIOLATED),  # not real
        (g.Rel("=", g.fn("sqrt", x) ** 2, x), {"x": Fraction(4)}, g.OK),
        (g.Rel("=", g.num(-8) ** Fraction(1, 3), g.num(-2)), {}, g.OK),  # odd root: real
        (g.Rel("=", g.num(-4) ** Fraction(1, 2), g.num(2)), {}, g.VIOLATED),  # even root
        (g.Rel("=", x / x, g.num(1)), {"x": Fraction(0)}, g.OUTSIDE),  # division by zero
        (g.Rel("=", g.fn("log", x), x), {"x": Fraction(0)}, g.OUTSIDE),  # log(0)
        (g.Rel("<", g.fn("log", 1 + x), x), {"x": Fraction(0)}, g.VIOLATED),  # exact tie
        (g.Rel(">", g.fn("exp", x), 1 + x), {"x": Fraction(1, 10**9)}, g.OK),  # no tie
        (g.Rel("!=", g.fn("sqrt", x), g.num(1)), {"x": Fraction(-1)}, g.OUTSIDE),
        # 1 - sigmoid(10^6) is below 100 digits: too close to call, never a witness
        (g.Rel("<", g.fn("sigmoid", x), g.num(1)), {"x": Fraction(10**6)}, g.AMBIGUOUS),
    ],
)
def test_oracle_convention(rel: g.Rel, point: dict, expected: str) -> None:
    assert g.judge_point(rel, point)[0] == expected


def test_rendering_is_fully_parenthesized() -> None:
    a, b = g.var("a"), g.var("b")
    rel = g.Rel("=", x * (a + b) ** 2, 2 * g.fn("sigmoid", 2 * x))
    assert g.render_rel(rel) == "x * ((a + b)^2) = 2 * sigmoid(2 * x)"
    assert g.render_rel(rel, implicit=True) == "x(a + b)^2 = 2 sigmoid(2 x)"
    assert g.from_json(g.to_json(rel)) == rel
