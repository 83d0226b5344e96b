"""`derive grade` and `derive keys` end to end, on a tiny key of the test's own (the
library's keys change as courses are added)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from derive import registry
from derive.cli import main
from derive.grading import check
from derive.grading.key import key, question

TINY = key(
    "tiny",
    "A tiny quiz",
    source="test",
    questions=[
        question("1", 2, answer="y = 2 a", quantity="y", title="double"),
        question("2.1", 2, answer="(a + b)^2 = a^2 + 2 a b + b^2", title="square of a sum"),
    ],
)

CORRECT = """\
student: good
key: tiny
answers:
  1:
    steps: ['y = a + a', 'a + a = 2a']
    answer: 'y = 2a'
  2.1:
    steps:
      - '(a+b)^2 = (a+b)(a+b)'
      - '(a+b)(a+b) = a^2 + 2 a b + b^2'
    answer: '(a+b)^2 = a^2 + 2 a b + b^2'
"""

PLANTED = """\
student: planted
answers:
  "1": {answer: 'y = 2a'}
  "2.1":
    steps:
      - '(a+b)^2 = (a+b)(a+b)'
      - '(a+b)(a+b) = a^2 + b^2'
      - 'a^2 + b^2 = a^2 + b^2'
    answer: '(a+b)^2 = a^2 + b^2'
"""

DOCUMENT = r"""# Quiz

Question 1. $$y = a + a$$
$$= 2a$$

2.1 The square
$$\begin{aligned} (a+b)^2 &= (a+b)(a+b) \\ &= a^2 + 2 a b + b^2 \end{aligned}$$
"""


@pytest.fixture(autouse=True)
def tiny_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(registry, "load_keys", lambda package="claims": [TINY])
    workdir = tmp_path / "cwd"  # without --out, results are kept under the current folder
    workdir.mkdir()
    monkeypatch.chdir(workdir)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Count the gradings (they happen in child processes: the count goes to a file)."""
    counter = tmp_path / "gradings.txt"
    counter.touch()
    original = check.grade_submission

    def grade(submission, answer_key, settings=None):  # type: ignore[no-untyped-def]
        with counter.open("a") as stream:
            stream.write(submission.student + "\n")
        return original(submission, answer_key, settings)

    monkeypatch.setattr(check, "grade_submission", grade)
    return counter


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _grade_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["grade", *args, "--format", "json", "--timeout", "20"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_keys_lists_the_questions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys"]) == 0
    out = capsys.readouterr().out
    assert "tiny" in out and "y = 2 a" in out and "2.1" in out
    assert main(["keys", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["keys"][0]["name"] == "tiny"
    assert [q["label"] for q in data["keys"][0]["questions"]] == ["1", "2.1"]
    assert data["keys"][0]["points"] == 4


def test_a_correct_submission_scores_full_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "good.yaml", CORRECT)
    code, data = _grade_json(capsys, str(path))
    assert code == 0
    (result,) = data["submissions"]
    assert result["error"] is None
    assert (result["student"], result["key"]) == ("good", "tiny")
    assert result["score"] == result["max_score"] == 4
    assert all(q["first_invalid_step"] is None for q in result["questions"])
    assert [q["final"]["status"] for q in result["questions"]] == ["correct", "correct"]


def test_a_planted_wrong_step_is_the_first_invalid_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "planted.yaml", PLANTED)
    code, data = _grade_json(capsys, str(path), "--key", "tiny")
    assert code == 0  # grading ran, whatever the score
    (result,) = data["submissions"]
    square = next(q for q in result["questions"] if q["label"] == "2.1")
    assert square["first_invalid_step"] == 1
    step = square["steps"][1]
    assert step["status"] == "invalid"
    assert step["counterexample"]  # in the question's notation, e.g. {"a": "1", "b": "-1"}
    assert set(step["counterexample"]) <= {"a", "b"}
    assert square["steps"][0]["status"] == "valid"
    assert square["final"]["status"] == "incorrect"
    assert result["score"] < result["max_score"]


def test_a_solution_document_is_graded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "s5.md", DOCUMENT)
    code, data = _grade_json(capsys, str(path), "--key", "tiny")
    assert code == 0
    (result,) = data["submissions"]
    assert result["student"] == "s5" and result["error"] is None
    double, square = result["questions"]
    assert [s["text"] for s in double["steps"]] == ["y = a + a", "a + a = 2a"]
    assert [s["text"] for s in square["steps"]] == [
        "(a+b)^2 = (a+b)(a+b)",
        "(a+b)(a+b) = a^2 + 2 a b + b^2",
    ]
    assert result["score"] == result["max_score"]


def test_document_steps_are_latex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "s6.md", DOCUMENT.replace("2 a b", "2ab"))
    _, data = _grade_json(capsys, str(path), "--key", "tiny")
    assert data["submissions"][0]["score"] == 4


def test_unreadable_files_are_error_rows_and_the_rest_is_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    _write(folder, "s1.yaml", CORRECT)
    _write(folder, "s2.yaml", "answers: [unclosed\n")
    _write(folder, "s3.yaml", "answers: !!python/object/apply:os.system ['touch pwned']\n")
    _write(folder, "s4.json", "[" * 100_000)
    _write(folder, "notes.pdf", "ignored")
    out = tmp_path / "grades.csv"
    code = main(["grade", str(folder), "--key", "tiny", "--format", "csv", "--out", str(out)])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["student"] for r in rows] == ["good", "s2", "s3", "s4"]
    assert rows[0]["total"] == "4" and rows[0]["1"] == "2" and rows[0]["error"] == ""
    for row in rows[1:]:
        assert row["error"].startswith("could not be read") and row["total"] == ""
    assert not (folder / "pwned").exists() and not Path("pwned").exists()
    assert (tmp_path / ".derive-grading").is_dir()


def test_resume_does_not_grade_again(
    tmp_path: Path, counted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    _write(folder, "a.yaml", CORRECT)
    planted = _write(folder, "b.yaml", PLANTED)
    out = tmp_path / "grades.json"
    arguments = ["grade", str(folder), "--key", "tiny", "--format", "json", "--out", str(out)]
    assert main(arguments) == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(counted.read_text().split()) == ["good", "planted"]

    assert main([*arguments, "--resume"]) == 0
    assert sorted(counted.read_text().split()) == ["good", "planted"]  # nothing graded again
    again = json.loads(out.read_text(encoding="utf-8"))
    assert again["submissions"] == first["submissions"]

    planted.write_text(PLANTED.replace("planted", "changed"), encoding="utf-8")
    assert main([*arguments, "--resume"]) == 0
    assert sorted(counted.read_text().split()) == ["changed", "good", "planted"]
    assert main([*arguments, "--resume", "--seed", "7"]) == 0  # other settings: graded again
    assert len(counted.read_text().split()) == 5


def test_a_submission_that_runs_too_long_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = check.grade_submission

    def slow(submission, answer_key, settings=None):  # type: ignore[no-untyped-def]
        if submission.student == "slow":
            time.sleep(60)
        return original(submission, answer_key, settings)

    monkeypatch.setattr(check, "grade_submission", slow)
    _write(tmp_path, "fast.yaml", CORRECT)
    _write(tmp_path, "slow.yaml", CORRECT.replace("good", "slow"))
    code = main(["grade", str(tmp_path), "--format", "json", "--timeout", "0.1", "--workers", "2"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    by_path = {Path(s["path"]).name: s for s in data["submissions"]}
    assert "stopped after" in by_path["slow.yaml"]["error"]
    assert by_path["fast.yaml"]["error"] is None
    assert (Path.cwd() / ".derive-grading").is_dir()


def test_gradescope_writes_one_file_per_submission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "a.yaml", CORRECT)
    _write(tmp_path, "b.yaml", PLANTED)
    out = tmp_path / "results"
    assert (
        main(["grade", str(tmp_path), "-k", "tiny", "--format", "gradescope", "-o", str(out)]) == 0
    )
    names = sorted(p.name for p in out.glob("*.json"))
    assert names == ["good.json", "planted.json"]
    data = json.loads((out / "planted.json").read_text(encoding="utf-8"))
    assert {"score", "tests"} <= set(data)
    assert {t["status"] for t in data["tests"]} <= {"passed", "failed"}
    single = tmp_path / "single"
    single.mkdir()
    _write(single, "a.yaml", CORRECT)
    assert main(["grade", str(single / "a.yaml"), "--format", "gradescope"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 4


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: ["grade", str(d / "good.yaml"), "--key", "nope"],
            "no answer key is named 'nope'",
        ),
        (lambda d: ["grade", str(d / "missing.yaml")], "no such file"),
        (lambda d: ["grade", str(d / "empty")], "no submission files"),
        (lambda d: ["grade", str(d), "--format", "gradescope"], "give --out FOLDER"),
        (lambda d: ["grade", str(d), "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    make, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "good.yaml", CORRECT)
    _write(tmp_path, "other.yaml", CORRECT)
    (tmp_path / "empty").mkdir()
    assert main(make(tmp_path)) == 2
    assert message in capsys.readouterr().err


def test_text_report_for_a_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "a.yaml", CORRECT)
    _write(tmp_path, "b.yaml", PLANTED)
    _write(tmp_path, "c.yaml", "answers: [")
    assert main(["grade", str(tmp_path), "--key", "tiny", "--timeout", "20"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "planted" in out and "could not be graded" in out
    assert "class summary" in out and "most often wrong" in out
    assert "counterexample" in out


def test_document_without_a_key_is_an_error_row_among_files_that_name_theirs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _write(tmp_path, "s.md", DOCUMENT)
    answers = _write(tmp_path, "good.yaml", CORRECT)
    code, data = _grade_json(capsys, str(document), str(answers))
    assert code == 0
    errors = [s["error"] for s in data["submissions"] if s["error"]]
    assert len(errors) == 1 and "--key" in errors[0]


def test_grade_takes_json_like_every_command_and_needs_a_key_for_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "s1.md"
    document.write_text("## 1\n\n$$y = a + a = 2a$$\n")
    assert main(["grade", str(document)]) == 2  # no --key, and a document names none
    assert "give --key" in capsys.readouterr().err
    code = main(["grade", str(document), "--key", "tiny", "--json", "--no-cache"])
    assert code == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert report["submissions"][0]["student"] == "s1"
