"""The Python API: what course notebooks and pipelines that score derivations call.

Each function returns a frozen result value and prints nothing; a notebook renders a
result itself (`_repr_markdown_`).

    >>> import derive
    >>> derive.prove("tanh(z) = 2 sigmoid(2z) - 1").status.value   # doctest: +SKIP
    'proved'
    >>> derive.check_steps(["(x + 1)^2", "= x^2 + 2x + 1"]).summary()   # doctest: +SKIP
    '0 invalid, ...'

Context is given as on the command line: `let={"z": "vector(K)"}`, `assume=["x > 0"]`,
`where={"y_hat": "softmax(z)"}`. `seed`, `timeout` (seconds per check) and `cache_dir`
(None: no cache) are the engine's settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from derive.derivation.check import DerivationResult, check_derivation
from derive.derivation.reading import Given, read_derivation, read_file, read_steps
from derive.engine import DEFAULT_TIMEOUT, Settings
from derive.grading.key import AnswerKey
from derive.grading.results import SubmissionResult
from derive.model.types import Decl
from derive.verdict import Verdict

__all__ = ["check_steps", "grade", "prove"]


def _settings(seed: int, timeout: float, cache_dir: str | os.PathLike[str] | None) -> Settings:
    return Settings(seed=seed, timeout=timeout, cache_dir=str(cache_dir) if cache_dir else None)


def prove(
    statement: str,
    *,
    let: Mapping[str, str | Decl] | None = None,
    assume: Iterable[str] = (),
    where: Mapping[str, str] | None = None,
    latex: bool | None = None,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Verdict:
    """Decide one relation or chain (plain text or LaTeX), as `derive prove` does."""
    from derive import engine
    from derive.claim import build_context, claim

    context = build_context(let, where, assume)
    check = claim("api/statement", "api", source="api", statement=statement, context=context)
    statement_ = replace(check.check, context=context, latex=latex)  # type: ignore[type-var]
    return engine.prove(statement_, _settings(seed, timeout, cache_dir))  # type: ignore[arg-type]


def check_steps(
    derivation: str | Sequence[str] | os.PathLike[str],
    *,
    let: Mapping[str, str | Decl] | None = None,
    assume: Iterable[str] = (),
    where: Mapping[str, str] | None = None,
    latex: bool | None = None,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
) -> DerivationResult:
    """Check every step of a derivation without an answer key: a document's text (or a
    path to one), or its steps as a list (each a line; `= c` continues the one before)."""
    if isinstance(derivation, os.PathLike):
        read, source = read_file(derivation), str(derivation)
    elif isinstance(derivation, str):
        read, source = read_derivation(derivation, latex=latex), ""
    else:
        read, source = read_steps(list(derivation), latex=latex), ""
    given = Given(dict(let or {}), tuple(assume), dict(where or {}))
    settings = _settings(seed, timeout, cache_dir)
    return check_derivation(read, given=given, settings=settings, source=source)


def grade(
    submission: str | os.PathLike[str],
    key: str | AnswerKey,
    *,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SubmissionResult:
    """Grade one submission file against a key (its name in the library, or the key)."""
    from derive import registry
    from derive.grading.batch import grade_file

    keys = [key] if isinstance(key, AnswerKey) else registry.load_keys()
    name = key.name if isinstance(key, AnswerKey) else key
    registry.find_key(keys, name)  # an unknown name fails here, with the names known
    return grade_file(Path(submission), name, keys, _settings(seed, timeout, cache_dir))
