"""The grading reports: every format renders the same hand-built results."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from derive.grading.key import Answer, key, question
from derive.grading.results import (
    FinalResult,
    FinalStatus,
    QuestionResult,
    StepResult,
    StepStatus,
    SubmissionResult,
)
from derive.report.gradescope import (
    gradescope_dict,
    gradescope_file_names,
    write_gradescope_folder,
)
from derive.report.grading_console import class_summary_panel, key_table, submission_panel
from derive.report.grading_csv import csv_text, gradebook_rows
from derive.report.grading_json import (
    class_summary,
    grading_document,
    key_dict,
    question_feedback,
    submission_from_dict,
)
from derive.report.grading_junit import grading_junit_text, write_grading_junit


def _results() -> list[SubmissionResult]:
    derivation = QuestionResult(
        "4.2",
        3.0,
        6.0,
        FinalResult(
            FinalStatus.CORRECT,
            "matches the key",
            r"\hat{y} = w^\top x + \beta",
            "y_hat = transpose(w) x + beta",
        ),
        (
            StepResult(r"\mu_y = E[u^\top x] = u^\top E[x] = 0", StepStatus.VALID, method="proved"),
            StepResult(
                r"E(u^T x) = u^T x",
                StepStatus.INVALID,
                {"u": "[1, 0]", "x": "[[0], [1]]"},
                "fails at u = [1, 0]",
                "refuted: counterexample search",
            ),
            StepResult(
                r"\sigma_y = \dots", StepStatus.NOT_CHECKED, reason="could not be read: [bold]"
            ),
        ),
    )
    wrong = QuestionResult(
        "3.1",
        0.0,
        2.0,
        FinalResult(
            FinalStatus.INCORRECT,
            "fails at eta = 1",
            r"\lambda = 2\eta\gamma",
            "lambda = -2 eta gamma",
            {"eta": "1", "gamma": "1"},
        ),
    )
    missing = QuestionResult("2.1", 0.0, 1.0, FinalResult(FinalStatus.MISSING, "no answer"))
    full = QuestionResult("1", 1.0, 1.0, FinalResult(FinalStatus.CORRECT, "matches the key"))
    return [
        SubmissionResult(
            "s1",
            "k",
            3.0,
            9.0,
            (derivation, wrong, missing),
            path="s1.yaml",
            notes=("4.2: [bold]note",),
        ),
        SubmissionResult("s2", "k", 9.0, 9.0, (full,), path="s2.md"),
        SubmissionResult("=cmd|' /C calc'!A0", "k", 0.0, 9.0, error="could not be read: bad YAML"),
    ]


def test_json_shape() -> None:
    document = json.loads(json.dumps(grading_document(_results()), allow_nan=False))
    assert set(document) >= {"submissions"}
    first = document["submissions"][0]
    assert set(first) >= {
        "student",
        "key",
        "score",
        "max_score",
        "error",
        "questions",
        "path",
        "notes",
    }
    assert first["error"] is None and first["score"] == 3 and first["max_score"] == 9
    question = first["questions"][0]
    assert set(question) >= {"label", "score", "max_score", "final", "steps", "first_invalid_step"}
    assert set(question["final"]) >= {"status", "reason"}
    assert question["final"]["status"] == "correct"
    assert question["first_invalid_step"] == 1
    step = question["steps"][1]
    assert set(step) >= {"text", "status", "counterexample", "reason", "method"}
    assert step["status"] == "invalid" and step["counterexample"] == {
        "u": "[1, 0]",
        "x": "[[0], [1]]",
    }
    assert question["steps"][2]["status"] == "not checked"
    assert first["questions"][2]["final"]["status"] == "missing"
    assert first["questions"][2]["first_invalid_step"] is None
    assert document["submissions"][2]["error"] == "could not be read: bad YAML"


def test_json_round_trips() -> None:
    for result in _results():
        assert submission_from_dict(grading_document([result])["submissions"][0]) == result
    with pytest.raises(ValueError):
        submission_from_dict({"student": "s"})


def test_class_summary() -> None:
    summary = class_summary(_results())
    assert (summary["submissions"], summary["graded"], summary["errors"]) == (3, 2, 1)
    assert summary["mean"] == 6 and summary["highest"] == 9 and summary["lowest"] == 3
    assert sum(b["count"] for b in summary["distribution"]) == 2
    assert summary["distribution"][9]["count"] == 1  # 9 / 9 is in the top tenth
    labels = [q["label"] for q in summary["questions"]]
    assert labels[:2] == ["4.2", "3.1"]  # wrong once each, before the missing 2.1


def test_csv_gradebook() -> None:
    text = csv_text(_results())
    rows = list(csv.reader(io.StringIO(text)))
    header = ["student", "path", "key", "4.2", "3.1", "2.1", "1", "total", "max_score"]
    assert rows[0] == [*header, "error", "notes"]
    assert rows[1][:10] == ["s1", "s1.yaml", "k", "3", "0", "0", "", "3", "9", ""]
    assert rows[2][0] == "s2" and rows[2][2] == "k" and rows[2][6:9] == ["1", "9", "9"]
    assert rows[3][0].startswith("'=")  # not run as a formula by a spreadsheet
    assert rows[3][3:8] == ["", "", "", "", ""] and rows[3][-2] == "could not be read: bad YAML"
    assert len(gradebook_rows(_results())) == 4


def test_csv_gradebook_keeps_where_each_row_came_from_and_its_flags() -> None:
    flagged = SubmissionResult("s1", "k", 1.0, 2.0, path="class/a.yaml", notes=("one", "two"))
    rows = list(csv.DictReader(io.StringIO(csv_text([flagged]))))
    assert rows[0]["path"] == "class/a.yaml" and rows[0]["notes"] == "one; two"


def test_junit_one_suite_per_submission(tmp_path: Path) -> None:
    root = ET.fromstring(grading_junit_text(_results()))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["s1", "s2", "=cmd|' /C calc'!A0"]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["4.2", "3.1", "2.1"]
    failure = cases[0].find("failure")
    assert failure is not None and "counterexample: u = [1, 0]" in (failure.text or "")
    assert suites[1].find("testcase/failure") is None
    assert suites[2].find("testcase/error") is not None
    assert root.get("tests") == "5" and root.get("errors") == "1"
    path = tmp_path / "grades.xml"
    write_grading_junit(path, _results())
    assert ET.parse(path).getroot().tag == "testsuites"


def test_gradescope_fields(tmp_path: Path) -> None:
    data = gradescope_dict(_results()[0])
    assert data["score"] == 3
    assert {"score", "tests", "output"} <= set(data)
    test = data["tests"][0]
    assert set(test) >= {"name", "number", "score", "max_score", "output", "status"}
    assert test["number"] == "4.2" and test["status"] == "failed"
    assert "first invalid step (2)" in test["output"]
    assert gradescope_dict(_results()[1])["tests"][0]["status"] == "passed"
    broken = gradescope_dict(_results()[2])
    assert broken["score"] == 0 and "bad YAML" in broken["output"]
    written = write_gradescope_folder(tmp_path / "out", [*_results(), _results()[0]])
    assert [p.name for p in written] == ["s1.json", "s2.json", "cmd_C_calc_A0.json", "s1-2.json"]
    assert json.loads(written[0].read_text())["tests"][0]["name"] == "Question 4.2"
    assert gradescope_file_names([SubmissionResult("../..", "k", 0, 0)]) == ["submission.json"]


def test_console_renders_without_taking_text_for_markup() -> None:
    console = Console(width=100, record=True, color_system=None)
    for result in _results():
        console.print(submission_panel(result))
    console.print(class_summary_panel(_results()))
    text = console.export_text()
    assert "note: 4.2: [bold]note" in text  # printed as written, not taken for markup
    assert "counterexample: u = [1, 0], x = [[0], [1]]" in text
    assert "1 ✓ 1 ✗ 1 ?" in text
    assert "could not be graded" in text
    assert "most often wrong" in text


def test_feedback_lines() -> None:
    lines = question_feedback(_results()[0].questions[0])
    assert lines[0] == "score: 3 / 6"
    assert "steps: 1 valid, 1 invalid, 1 not checked" in lines
    assert any(line.startswith("first invalid step (2)") for line in lines)


def test_keys_list() -> None:
    keyed = key(
        "k",
        "A key",
        source="001",
        questions=[
            question("1", 2, answer=Answer("-2 eta gamma", "lambda")),
            question("2", 3, shows="some/claim"),
        ],
    )
    data = key_dict(keyed)
    assert data["points"] == 5
    assert [q["expects"] for q in data["questions"]] == [
        "lambda = -2 eta gamma",
        "shows some/claim",
    ]
    console = Console(width=100, record=True, color_system=None)
    console.print(key_table(keyed))
    assert "shows some/claim" in console.export_text()
