"""The command line: exit codes, output formats and error messages.

Most tests call `main([...])` in this process with a small library of their own (the
real one changes as courses are added); a few run `python cli.py` to see what a user
sees, tracebacks included.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive import registry
from derive.claim import claim
from derive.cli import main
from derive.parsing import parse_statement
from derive.report.text import format_node

ROOT = Path(__file__).resolve().parent.parent

VERDICT_KEYS = {
    "title",
    "status",
    "passed",
    "method",
    "summary",
    "steps",
    "proved_sizes",
    "trials",
    "counterexample",
    "counterexample_detail",
    "reason",
    "seconds",
    "seed",
}


def _library() -> list:
    return [
        claim(
            "t/a/true", "tanh through sigmoid", source="x", statement="tanh(z) = 2 sigmoid(2z) - 1"
        ),
        claim(
            "t/a/false",
            "a wrong identity",
            source="x",
            statement="tanh(z) = 2 sigmoid(z) - 1",
            expect="refuted",
        ),
        claim(
            "t/b/wrong-expectation",
            "the square of a sum, without its cross term",
            source="y Q1",
            statement="(a + b)^2 = a^2 + b^2",
            notes="expected to hold, but it does not",
        ),
    ]


LIBRARY = _library()


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch) -> list:
    monkeypatch.setattr(registry, "load_library", lambda package="claims": LIBRARY)
    return LIBRARY


@pytest.fixture(scope="module")
def full_check(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, Path]:
    """`derive check --json --junit FILE` over the whole test library, run once."""
    junit = tmp_path_factory.mktemp("junit") / "derive.xml"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setattr(registry, "load_library", lambda package="claims": LIBRARY)
        code = main(["check", "--json", "--junit", str(junit), "--workers", "3", "--seed", "7"])
    return code, json.loads(out.getvalue()), junit


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _prove_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["prove", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


# -- help and usage --------------------------------------------------------------------


def test_help_lists_every_command() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("check", "list", "show", "prove"):
        assert command in result.stdout


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "list", "show", "prove"):
        assert main([command, "--help"]) == 0
        assert "--json" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["check", "--seed", "-1"], ["prove", "x = x", "--timeout", "0"]],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert capsys.readouterr().out == ""


# -- check -----------------------------------------------------------------------------


def test_check_passes_when_every_claim_comes_out_as_expected(
    library: list, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "t/a"]) == 0
    out = capsys.readouterr().out
    assert "t/a/true" in out and "t/a/false" in out and "FAIL" not in out
    assert "2 claims: 2 passed, 0 failed" in out
    assert "1 refuted (as expected)" in out


def test_check_fails_when_a_claim_does_not(full_check: tuple[int, dict, Path]) -> None:
    code, document, _ = full_check
    assert code == 1
    summary = document["summary"]
    assert (summary["total"], summary["passed"], summary["failed"]) == (3, 2, 1)
    assert (summary["proved"], summary["refuted"], summary["refuted_as_expected"]) == (1, 2, 1)
    assert summary["seed"] == 7


def test_check_json_shape(full_check: tuple[int, dict, Path]) -> None:
    _, document, _ = full_check
    assert set(document) == {"claims", "summary"}
    by_id = {entry["id"]: entry for entry in document["claims"]}
    assert list(by_id) == [c.id for c in LIBRARY]
    for entry in by_id.values():
        assert VERDICT_KEYS | {"id", "expect"} <= set(entry)
        assert entry["seed"] == 7
    wrong = by_id["t/b/wrong-expectation"]
    assert (wrong["status"], wrong["expect"], wrong["passed"]) == ("refuted", "holds", False)
    assert set(wrong["counterexample"]) == {"a", "b"}
    assert set(wrong["counterexample_detail"]) == {"lhs", "rhs", "confirmed", "note"}
    assert by_id["t/a/false"]["passed"] is True


def test_check_junit(full_check: tuple[int, dict, Path]) -> None:
    _, _, junit = full_check
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 3
    assert {c.get("classname") for c in cases} == {"t"}
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["t/b/wrong-expectation"]
    assert "counterexample: a = " in (failed[0].find("failure").text or "")
    properties = {p.get("name"): p.get("value") for p in cases[0].iter("property")}
    assert properties["seed"] == "7" and properties["status"] == "proved"


def test_check_without_a_match_exits_2(library: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "nope/nothing"]) == 2
    captured = capsys.readouterr()
    assert "no claim matches" in captured.err and captured.out == ""


# -- list and show ---------------------------------------------------------------------


def test_list(library: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(c.id in out for c in LIBRARY) and "3 claims" in out
    assert main(["list", "--source", "y", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["claims"]
    assert [c["id"] for c in listed] == ["t/b/wrong-expectation"]
    assert listed[0]["statement"] == "(a + b)^2 = a^2 + b^2"
    assert main(["list", "*/zzz/*"]) == 2


def test_show_a_refuted_claim(library: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "t/a/false"]) == 0  # refuted, as expected
    out = capsys.readouterr().out
    assert "tanh(z) = 2 sigmoid(z) - 1" in out
    assert "counterexample" in out and "z = " in out
    assert "PASS" in out


def test_show_json_and_failure(library: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "t/b/wrong-expectation", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert VERDICT_KEYS | {"id", "expect", "context", "notes", "verdict_notes"} <= set(document)
    assert document["notes"] == "expected to hold, but it does not"
    assert document["status"] == "refuted" and set(document["counterexample"]) == {"a", "b"}


def test_show_unknown_id(library: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "t/a/ture"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "t/a/true" in captured.err  # with a suggestion


# -- prove -----------------------------------------------------------------------------


def test_prove_a_true_statement(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "x^2 >= 0"]) == 0
    assert "proved" in capsys.readouterr().out


def test_prove_a_false_statement_gives_the_counterexample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, verdict = _prove_json(capsys, "sqrt(x^2) = x", "--seed", "5")
    assert code == 1
    assert set(verdict) >= VERDICT_KEYS and "id" not in verdict
    assert verdict["status"] == "refuted" and verdict["counterexample"] == {"x": "-1"}
    assert verdict["seed"] == 5


def test_prove_under_an_assumption(capsys: pytest.CaptureFixture[str]) -> None:
    code, verdict = _prove_json(capsys, "sqrt(x^2) = x", "--assume", "x > 0")
    assert code == 0 and verdict["status"] in ("proved", "verified")
    assert verdict["context"]["assume"] == ["x > 0"]


def test_prove_with_declarations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--let", "u: vector(n)", "norm(u)^2 = transpose(u) u"]) == 0
    assert main(["prove", "--random", "X ~ Normal(0, 1)", "E[X^2] = 1"]) == 0


def test_prove_parse_error_points_at_the_column() -> None:
    result = _run("prove", "1 +")
    assert result.returncode == 2
    assert "^" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_prove_exit_status_as_a_script() -> None:
    result = _run("prove", "sqrt(x^2) = x", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["counterexample"] == {"x": "-1"}


def test_prove_bad_declaration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--let", "u vector(n)", "u = u"]) == 2
    err = capsys.readouterr().err
    assert "--let" in err and "^" in err


def test_prove_unknown_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["Sum(1/k^2, (k, 1, n)) <= 2", "--assume", "n >= 1", "--assume", "n integer"]
    code, verdict = _prove_json(capsys, *args, "--timeout", "0.01")
    if verdict["status"] != "unknown":
        pytest.skip(f"decided within 0.01 s ({verdict['status']})")
    assert code == 3


def test_internal_errors_are_reported_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import derive.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(derive.engine, "prove", broken)
    monkeypatch.delenv("DERIVE_DEBUG", raising=False)
    assert main(["prove", "x = x"]) == 2
    err = capsys.readouterr().err
    assert "internal error" in err and "boom" in err and "please report" in err
    monkeypatch.setenv("DERIVE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["prove", "x = x"])


# -- statements printed back -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "tanh(z) = 2 sigmoid(2z) - 1",
        "norm(u)^2 = transpose(u) u",
        "-x^2 + 3 - (a - b) <= |y| / (2 c)",
        "a * -b = 2^-1 x^y^z",
        "v_{t-1} = beta v_t + 0.5 E[g_t] - Var[X]",
        "f'(x) = diff(f(x), x, 2) = grad(L(w), w)",
        "Sum(1/k^2, (k, 1, n)) <= ||x||_2",
    ],
)
def test_statements_print_back_as_they_parse(text: str) -> None:
    node = parse_statement(text)
    assert parse_statement(format_node(node)) == node


def test_check_reuses_cached_verdicts(tmp_path, monkeypatch, capsys) -> None:
    import json

    from derive import registry
    from derive.claim import claim
    from derive.cli import main

    claims = [claim("t/a/cached", "cached", source="x", statement="tanh(z) = 2 sigmoid(2z) - 1")]
    monkeypatch.setattr(registry, "load_library", lambda: claims)
    arguments = ["check", "--json", "--cache-dir", str(tmp_path)]
    assert main(arguments) == 0
    first = json.loads(capsys.readouterr().out)["claims"][0]
    assert main(arguments) == 0
    second = json.loads(capsys.readouterr().out)["claims"][0]
    assert second["status"] == first["status"] == "proved"
    assert any("cache" in note for note in second["verdict_notes"])
    assert main([*arguments[:-2], "--no-cache"]) == 0
    third = json.loads(capsys.readouterr().out)["claims"][0]
    assert not any("cache" in note for note in third["verdict_notes"])
