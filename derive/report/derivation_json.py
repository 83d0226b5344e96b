"""A checked derivation as JSON: what `derive steps --json` prints and `--jsonl` writes.

{
  "source": "notes.md",
  "error": null,
  "inferred": [{"name": "z", "as": "a vector of size K", "from": "z \\in \\mathbb{R}^K"}],
  "given": {"let": ["z: vector(K)"], "assume": [...], "where": {...}},
  "steps": [{"text": "...", "line": 12, "status": "valid" | "invalid" | "not checked",
             "counterexample": {...} | null, "reason": "...", "method": "..."}],
  "first_invalid_step": 2,          # index into "steps", or null
  "counts": {"valid": 5, "invalid": 1, "not checked": 3},
  "problems": ["..."],              # what could not be read
  "notation": ["^T is the transpose ..."],   # how the notation was read
  "seed": 0, "seconds": 0.41
}
"""

from __future__ import annotations

from typing import Any

from derive.derivation.check import DerivationResult
from derive.grading.results import StepStatus
from derive.report.grading_json import step_dict
from derive.report.text import describe_decl

__all__ = ["derivation_dict"]


def derivation_dict(result: DerivationResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "error": result.error,
        "inferred": [
            {"name": item.name, "as": item.meaning(), "from": item.evidence}
            for item in result.inferred
        ],
        "given": {
            "let": [  # as --let takes them: `z: vector(K)`
                f"{name}: {decl}" if isinstance(decl, str) else describe_decl(name, decl) or name
                for name, decl in result.given.let.items()
            ],
            "assume": list(result.given.assume),
            "where": dict(result.given.where),
        },
        "steps": [step_dict(step) for step in result.steps],
        "first_invalid_step": result.first_invalid_step,
        "counts": {status.value: result.count(status) for status in StepStatus},
        "problems": list(result.problems),
        "notation": list(result.notation),
        "seed": result.seed,
        "seconds": round(result.seconds, 3),
    }
