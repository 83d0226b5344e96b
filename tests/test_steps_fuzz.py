"""Keyless steps: derive's verdicts against an independent oracle (benchmarks/soundness_steps.py).

A small seeded run of generated documents must give no wrong verdict (no false proof, no
false alarm, no fake counterexample), and every wrong verdict the fuzzer ever found
(tests/steps_regressions.jsonl) must stay fixed: its document, regenerated from its seed,
is decided again and the step judged again by the oracle. "not checked" always passes.
"""

from __future__ import annotations

import pytest

from benchmarks import soundness_steps

SEED = 11
DOCUMENTS = 12
REGRESSIONS = soundness_steps.load_regressions()


def _describe(row: dict) -> str:
    return (
        f"{row['wrong']} ({row['template']}, line {row['line']}): `{row['step']}`: derive said "
        f"{row['status']} {row['counterexample'] or ''} ({(row['reason'] or row['method'])[:160]}); "
        f"truth {row['truth']} ({row['readings']}): {row.get('detail', '')}\n{row['document']}"
    )


def test_seeded_run_has_no_wrong_verdict() -> None:
    result = soundness_steps.fuzz(DOCUMENTS, SEED, timeout=5.0, progress=False, keep=False)
    assert result["documents"] == DOCUMENTS
    assert result["errors"] == 0, "derive raised on a generated document"
    assert result["judged"] >= DOCUMENTS  # every template display is judged
    wrong = [_describe(r) for r in result["wrong"]]
    assert not wrong, "wrong verdicts:\n\n" + "\n\n".join(wrong)


@pytest.mark.parametrize(
    "record",
    REGRESSIONS,
    ids=[f"{i}-{r['template']}-line{r['line']}" for i, r in enumerate(REGRESSIONS)],
)
def test_regression(record: dict) -> None:
    again = soundness_steps.replay(record, timeout=5.0)
    assert again is None, "still wrong: " + _describe(again)
