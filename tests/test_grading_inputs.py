"""Reading submissions: structured answers files (YAML, JSON) and solution documents
(Markdown with LaTeX, LaTeX), including the seed documents as converted from PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.errors import DeriveError
from derive.grading.documents import (
    canonical_label,
    read_document,
    relation_spans,
    split_document,
)
from derive.grading.key import Answer, key, question
from derive.grading.structured import (
    MAX_BYTES,
    MAX_STEPS,
    SubmissionError,
    parse_structured,
    read_structured,
)

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _seed(number: str) -> Path:
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not found:
        pytest.skip(f"seed {number} is not available")
    return found[0]


def _key(*labels: str, **answers: str):
    """A key with the given labels; `answers` maps a label (with `_` for `.`) to its
    expected answer."""
    questions = []
    for label in labels:
        text = answers.get(label.replace(".", "_"))
        questions.append(question(label, 1, answer=text))
    return key("test", "test", source="test", questions=questions)


# -- structured answers -------------------------------------------------------------------

ISSUE_EXAMPLE = r"""
student: s123            # optional, defaults to the file name
key: ift6135-a2-2021     # optional if --key is given
answers:
  "3.1":
    answer: '\lambda = -2\eta\gamma'
  "4.2":
    steps:
      - '\mu_y = \mathbb{E}[u^\top x] = u^\top \mathbb{E}[x] = 0'
      - '\sigma_y^2 = u^\top \operatorname{Var}(x) u = \|u\|^2'
      - '\hat{y} = \gamma \frac{u^\top x}{\|u\|} + \beta = w^\top x + \beta'
    answer: '\hat{y} = w^\top x + \beta'
"""


def test_the_issue_example_reads(tmp_path: Path) -> None:
    path = tmp_path / "anything.yaml"
    path.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    submission = read_structured(path)
    assert submission.student == "s123"
    assert submission.key == "ift6135-a2-2021"
    assert submission.path == str(path)
    assert submission.answers["3.1"].answer == r"\lambda = -2\eta\gamma"
    assert submission.answers["3.1"].steps == ()
    four_two = submission.answers["4.2"]
    assert len(four_two.steps) == 3
    assert four_two.steps[0].startswith(r"\mu_y = \mathbb{E}")
    assert four_two.answer == r"\hat{y} = w^\top x + \beta"


def test_student_defaults_to_the_file_name_and_key_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "s042.yml"
    path.write_text("answers:\n  '1': {answer: 'x = 1'}\n", encoding="utf-8")
    submission = read_structured(path)
    assert submission.student == "s042"
    assert submission.key is None


def test_numeric_labels_become_text() -> None:
    submission = parse_structured(
        "answers:\n  3.1: 'x = 1'\n  4: {steps: ['a = a']}\n  2.2a: 'y = 2'\n",
        fmt="yaml",
        name="s",
    )
    assert set(submission.answers) == {"3.1", "4", "2.2a"}
    assert submission.answers["3.1"].answer == "x = 1"  # a bare string is the answer
    assert submission.answers["4"].steps == ("a = a",)


def test_bare_list_is_the_steps_and_numbers_are_text() -> None:
    submission = parse_structured(
        'answers:\n  "1": ["a = b", "b = c"]\n  "2": {answer: 0.5}\n  "3": ~\n',
        fmt="yaml",
        name="s",
    )
    assert submission.answers["1"].steps == ("a = b", "b = c")
    assert submission.answers["2"].answer == "0.5"
    assert submission.answers["3"].steps == () and submission.answers["3"].answer is None


def test_json_reads_the_same_shape(tmp_path: Path) -> None:
    path = tmp_path / "s7.json"
    path.write_text(
        json.dumps({"key": "k", "answers": {"1": {"steps": ["a = a"], "answer": "a = a"}}}),
        encoding="utf-8",
    )
    submission = read_structured(path)
    assert submission.student == "s7" and submission.key == "k"
    assert submission.answers["1"].steps == ("a = a",)


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("- just\n- a list\n", "yaml", "expected a mapping"),
        ("", "yaml", "empty"),
        ("student: s\n", "yaml", "no 'answers'"),
        ("anwsers: {}\n", "yaml", "unknown field 'anwsers'"),
        ("answers: {'1': {answr: x}}\n", "yaml", "unknown field 'answr'"),
        ("answers: [1, 2]\n", "yaml", "must map question labels"),
        ("answers: {'1': {steps: [[1, 2]]}}\n", "yaml", "answers.1.steps[0]"),
        ("answers: {'1': {steps: 3}}\n", "yaml", "expected a list of steps"),
        ("answers: {true: x}\n", "yaml", "label must be text or a number"),
        ("answers: {'1': x, 1: y}\n", "yaml", "answered twice"),
        ("answers:\n  '1': [\n", "yaml", "not valid YAML"),
        ("answers: !!python/object/apply:os.system ['echo hi']\n", "yaml", "not valid YAML"),
        ('{"answers": {"1": "x", "1": "y"}}', "json", "given twice"),
        ('{"answers": {"1": NaN}}', "json", "NaN"),
        ('{"answers": ', "json", "not valid JSON"),
        ("[" * 100_000, "json", "nested too deeply"),
        ("student: {a: 1}\nanswers: {}\n", "yaml", "'student' must be text"),
    ],
)
def test_bad_files_are_clear_errors(text: str, fmt: str, message: str) -> None:
    with pytest.raises(SubmissionError) as caught:
        parse_structured(text, fmt=fmt, name="s", path="s.file")
    assert message in str(caught.value)
    assert str(caught.value).startswith("s.file")
    assert isinstance(caught.value, DeriveError) and isinstance(caught.value, ValueError)


def test_too_many_steps_is_an_error() -> None:
    steps = "".join(f"    - 'x_{i} = {i}'\n" for i in range(MAX_STEPS + 1))
    with pytest.raises(SubmissionError, match="over the limit"):
        parse_structured(f"answers:\n  '1':\n    steps:\n{steps}", fmt="yaml", name="s")


def test_files_over_the_size_limit_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(SubmissionError, match="over the limit"):
        read_structured(path)


def test_not_utf8_and_wrong_extension(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"answers: {'1': '\xe9'}\n")
    with pytest.raises(SubmissionError, match="not UTF-8"):
        read_structured(path)
    other = tmp_path / "s.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(SubmissionError, match="not a structured answers file"):
        read_structured(other)
    with pytest.raises(SubmissionError, match="cannot be read"):
        read_structured(tmp_path / "missing.yaml")


def test_yaml_aliases_cannot_blow_up() -> None:
    bomb = "a: &a ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]\n"
    with pytest.raises(SubmissionError):
        parse_structured(bomb + "answers: {'1': {steps: *i}}\n", fmt="yaml", name="s")


# -- labels and relations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("2.2a", ("2", "2", "a")),
        ("2.2.a", ("2", "2", "a")),
        ("2.2(a)", ("2", "2", "a")),
        ("Problem 2.2 (a)", ("2", "2", "a")),
        ("Q3.1", ("3", "1")),
        ("1c", ("1", "c")),
        ("01.1", ("1", "1")),
    ],
)
def test_canonical_labels(written: str, parts: tuple[str, ...]) -> None:
    assert canonical_label(written) == parts


def test_relation_spans_skip_braces_text_and_left() -> None:
    text = r"\left| f \right| \le \frac{a}{b=c} = \text{a = b} x := y"
    found = [text[a:b] for a, b in relation_spans(text)]
    assert found == [r"\le", "=", ":="]


# -- documents ----------------------------------------------------------------------------


def test_headings_and_numbered_lines_split_the_questions() -> None:
    document = r"""
# Homework

Question 1 (3 points). Show the identity.

$$ (a+b)^2 = a^2 + 2ab + b^2 $$

**3.2** The second one

$$ x = 1 $$

Problem 4:

(a) First part
$$ y = 2 $$
(b) Second part
$$ z = 3 $$
"""
    answers = split_document(document, _key("1", "3.2", "4a", "4b"))
    assert answers["1"].steps == ("(a+b)^2 = a^2 + 2ab + b^2",)
    assert answers["3.2"].steps == ("x = 1",)
    assert answers["4a"].steps == ("y = 2",)
    assert answers["4b"].steps == ("z = 3",)
    assert answers["4b"].answer == "z = 3"


def test_sub_parts_belong_to_the_question_when_the_key_has_no_such_part() -> None:
    document = "2. Compute.\n(a) first\n$$a = 1$$\n(b) second\n$$b = 2$$\n3. Next\n$$c = 3$$\n"
    answers = split_document(document, _key("2", "3"))
    assert answers["2"].steps == ("a = 1", "b = 2")
    assert answers["3"].steps == ("c = 3",)


def test_a_marker_the_key_lacks_still_ends_the_question_before_it() -> None:
    document = "1.1 First\n$$a = 1$$\n1.2 Not graded\n$$b = 2$$\n"
    answers = split_document(document, _key("1.1"))
    assert answers["1.1"].steps == ("a = 1",)


def test_numbers_in_prose_and_lists_are_not_questions() -> None:
    document = (
        "Question 3\n$$a = 1$$\n1. a list item that says something\n"
        "2.50 is the value we get\n$$b = 2$$\n"
    )
    answers = split_document(document, _key("1", "3"))
    assert answers["3"].steps == ("a = 1", "b = 2")
    assert "1" not in answers


def test_continuation_lines_join_the_previous_right_hand_side() -> None:
    document = r"""1.
$$\tau'(z) = 1 - \tau(z)^2$$
$$= 1 - \frac{a}{b}$$
$$\begin{aligned} x &= y + 1 \\ &\le y + 2 \end{aligned}$$
"""
    answers = split_document(document, _key("1"))
    assert answers["1"].steps == (
        r"\tau'(z) = 1 - \tau(z)^2",
        r"1 - \tau(z)^2 = 1 - \frac{a}{b}",
        "x = y + 1",
        r"y + 1 \le y + 2",
    )
    assert answers["1"].answer == r"y + 1 \le y + 2"


def test_an_ellipsis_is_noted_and_skipped() -> None:
    document = "1.\n$$0 \\le a \\le b$$\n$$\\le \\dots$$\n$$\\le c$$\n"
    answer = split_document(document, _key("1"))["1"]
    assert answer.steps == (r"0 \le a \le b", r"b \le c")
    assert any("ellipsis" in why for why in answer.unparsed)


def test_two_relations_on_one_line_are_two_steps() -> None:
    document = r"1.\n$$\mu = 2; \quad \sigma^2 = 3$$" "\n" r"$$a = b \quad\text{and}\quad c = d$$"
    answer = split_document(document.replace("\\n", "\n"), _key("1"))["1"]
    assert answer.steps == (r"\mu = 2", r"\sigma^2 = 3", "a = b", "c = d")


def test_solution_lines_cut_off_the_question_as_set() -> None:
    document = """Problem 2:
Show that $$p = q$$ holds.
- (a) Why?
- (b) How?

Solution:

(a) Because
$$a = 1$$
(b) Like this
$$b = 2$$

Problem 3:
Prove $$r = s$$.

Solution: here
$$c = 3$$
"""
    answers = split_document(document, _key("2a", "2b", "3"))
    assert answers["2a"].steps == ("a = 1",)
    assert answers["2b"].steps == ("b = 2",)
    assert answers["3"].steps == ("c = 3",)


def test_solution_headings_after_the_questions() -> None:
    document = """3.1 Show that $$a = b$$ holds.
3.2 Compute $$c = d$$.

Solution 3.1:
$$x = 1$$
Answer to Question 3.2
$$y = 2$$
"""
    answers = split_document(document, _key("3.1", "3.2"))
    assert answers["3.1"].steps == ("x = 1",)
    assert answers["3.2"].steps == ("y = 2",)


def test_inline_relations_are_the_steps_when_nothing_is_displayed() -> None:
    document = r"""1. Compute the gradient with $x = [1, 2]$.

Solution: we get $\frac{\partial L}{\partial w} = 24$; and the update
$w \leftarrow w - 0.1 \frac{\partial L}{\partial w}$, as $\sigma(z)$ says
(in the code, $delta = \delta$).
"""
    answer = split_document(document, _key("1"))["1"]
    assert answer.steps == (
        r"\frac{\partial L}{\partial w} = 24",
        r"w \leftarrow w - 0.1 \frac{\partial L}{\partial w}",
    )
    assert answer.answer == r"w \leftarrow w - 0.1 \frac{\partial L}{\partial w}"


def test_the_final_answer_is_the_last_relation_about_the_quantity() -> None:
    keyed = key(
        "k",
        "k",
        source="t",
        questions=[question("3.1", 1, answer="lambda = -2 eta gamma", quantity="lambda")],
    )
    document = r"""3.1 Prove it.
$$\theta_{i+1} = \theta_i - \eta g - 2\eta\gamma\theta_i$$
Hence the two agree with $\lambda = -2\eta\gamma$, as claimed.
"""
    answer = split_document(document, keyed)["3.1"]
    assert answer.steps == (r"\theta_{i+1} = \theta_i - \eta g - 2\eta\gamma\theta_i",)
    assert answer.answer == r"\lambda = -2\eta\gamma"


def test_a_name_written_before_inline_math_is_its_left_side() -> None:
    keyed = key("k", "k", source="t", questions=[question("1", 1, answer=Answer("s = 1/2", "s"))])
    answer = split_document("1.\n$$a = b$$\nso s = $\\frac{1}{2}$ here\n", keyed)["1"]
    assert answer.answer == r"s = \frac{1}{2}"


def test_latex_documents_sections_items_and_environments() -> None:
    document = r"""\documentclass{article}
% a comment: Question 9
\begin{document}
\section*{Question 1}
\begin{align}
a &= b \\
  &= c
\end{align}
\subsection*{Question 2}
\begin{enumerate}
\item[(a)] \[ x = 1 \]
\item[(b)] \[ y = 2 \]
\end{enumerate}
\end{document}
"""
    answers = split_document(document, _key("1", "2a", "2b", "9"))
    assert answers["1"].steps == ("a = b", "b = c")
    assert answers["2a"].steps == ("x = 1",)
    assert answers["2b"].steps == ("y = 2",)
    assert "9" not in answers


def test_aliases_mark_questions() -> None:
    keyed = key("k", "k", source="t", questions=[question("q-ex", 1, aliases=["Exercice un"])])
    answers = split_document("Exercice un : montrer\n$$a = a$$\n", keyed)
    assert answers["q-ex"].steps == ("a = a",)


def test_what_cannot_be_read_is_reported_not_fatal() -> None:
    document = "1. First\n$$= 3$$\n2. Second\n$$c = d$$\nthen $$ a = b, never closed\n"
    answers = split_document(document, _key("1", "2"))
    assert answers["1"].steps == ()
    assert any("continues an equation" in why for why in answers["1"].unparsed)
    assert answers["2"].steps == ("c = d",)
    assert any("never closed" in why for why in answers["2"].unparsed)


def test_prose_only_answers_say_so() -> None:
    answer = split_document("1. Explain.\nBecause it is so.\n", _key("1"))["1"]
    assert answer.steps == () and answer.answer is None
    assert answer.unparsed == ("the answer has no mathematics to check (prose only)",)


@pytest.mark.parametrize(
    ("prose", "answer"),
    [
        ("there are T words and N possibilities, hence it N^T\n", "N^T"),
        ("So the count is N^{T}.\n", "N^{T}"),
        ("we keep the t-1 previous words, which is cheap\n", None),  # not a stated result
        ("it is a^b, or else c^d\n", "c^d"),  # only the one that ends the sentence
        ("first it is a^b.\nthen it is c^d.\n", None),  # two results: which one is a guess
    ],
)
def test_a_formula_ending_a_prose_answer_is_its_answer(prose: str, answer: str | None) -> None:
    found = split_document(f"1. How many?\n\n{prose}", _key("1"))["1"]
    assert found.answer == answer


def test_read_document_takes_a_path_or_text(tmp_path: Path) -> None:
    path = tmp_path / "s9.md"
    path.write_text("1.\n$$a = b$$\n", encoding="utf-8")
    from_path = read_document(path, _key("1"))
    assert from_path.student == "s9" and from_path.path == str(path) and from_path.key == "test"
    assert read_document(str(path), _key("1")).answers == from_path.answers
    from_text = read_document("1.\n$$a = b$$\n", _key("1"), student="t")
    assert from_text.student == "t" and from_text.answers == from_path.answers


def test_hostile_documents_read_quickly() -> None:
    keyed = _key("1")
    for document in (
        "1.\n" + "$" * 200_000,
        "1.\n" + "$$ \\begin{aligned}" * 20_000,
        "1.\n" + "\\text{" * 50_000 + "$$a = b$$",
        "1.\n$$" + "{" * 50_000 + "$$",
        ("1.\n" + "$x = 1$ " * 2000 + "\n") * 20,
    ):
        split_document(document, keyed)  # reads (how fast: benchmarks), and does not fail


# -- the seed documents -------------------------------------------------------------------


def test_seed_001() -> None:
    keyed = key(
        "seed-001",
        "seed 001",
        source="001",
        questions=[
            question("1.1", 1),
            question("2.2a", 1),
            question("3.1", 1, answer="lambda = -2 eta gamma", quantity="lambda"),
            question("4.2", 1),
            question("4.3", 1),
        ],
    )
    answers = read_document(_seed("001"), keyed).answers
    assert r"E(u^T \cdot x) = u^T \cdot x = u^T \cdot E(x) = 0" in answers["4.2"].steps
    assert answers["4.2"].answer == r"\hat{y} = \boldsymbol{w}^{\top} \boldsymbol{x} + \beta."
    assert answers["4.3"].answer.startswith(
        r"\nabla_{\boldsymbol{u}}L = \frac{\gamma}{||\boldsymbol{u}||}"
    )
    assert answers["4.3"].answer.endswith(r"\cdot \nabla_{\boldsymbol{w}}L")
    # the mangled `egin{aligned}` blocks of 1.1 are several steps each
    assert len(answers["1.1"].steps) >= 6
    assert not any("egin" in step for step in answers["1.1"].steps)
    assert answers["3.1"].answer == r"\lambda = -2\eta\gamma"
    assert answers["2.2a"].steps[-1].startswith(r"\delta_t(j) = \max_j P_{ij}")


def test_seed_002_joins_the_tanh_derivation() -> None:
    keyed = _key("1.1.1", "1.1.2", "1.2.1", "1.2.3", "1.3.2", **{"1_1_1": "abs(f) <= (1/4)^n"})
    answers = read_document(_seed("002"), keyed).answers
    assert answers["1.1.1"].answer.startswith(r"0 \leq \left| \frac{\partial f(w)}{\partial \pi}")
    assert set(answers) == {"1.1.1", "1.1.2", "1.2.1", "1.2.3", "1.3.2"}
    tanh = answers["1.1.2"].steps
    assert r"\tau'(z) = 1 - \tau(z)^2" in tanh
    assert any(step.startswith(r"1 - \tau(z)^2 = 1 - \frac{e^{2z}") for step in tanh)
    assert any(r"e^{2h_n+2} + e^{-2h_n}" in step for step in answers["1.2.1"].steps)


def test_seed_003_reads_the_solutions_not_the_questions() -> None:
    answers = read_document(_seed("003"), _key("1", "4", "5", "7")).answers
    first = answers["1"]
    assert not any(r"\mathbf{x}" in step for step in first.steps)  # x = [1, 2] is the question's
    assert first.answer == r"w_j \leftarrow w_j + 0.1 \frac{\partial \mathcal{L}}{\partial w_j}"
    assert answers["4"].steps == (r"\tanh(z) = 2\sigma(2z) - 1",)
    assert answers["7"].answer.startswith(r"w \leftarrow (1 - \alpha\lambda)w")


def test_seed_004_sub_parts_after_the_solution_line() -> None:
    keyed = key(
        "seed-004",
        "seed 004",
        source="004",
        questions=[
            *(question(label, 1) for label in ("1c", "2a", "2b", "2c", "3a", "3b", "6c")),
            question("6a", 1, answer=["rho(w_z) < 1", "rho(w_z) > 1"]),
        ],
    )
    answers = read_document(_seed("004"), keyed).answers
    assert answers["6a"].answer == "||W_z||_2 > 1"  # stated in prose, shaped like the key's
    assert answers["2a"].steps[0] == "f(A,B) = ||X - AB||_F^2"  # not the problem's X = AB
    assert answers["2b"].answer == r"B^{\star} = \Sigma V^T"
    assert answers["3b"].answer.startswith("v^{t+1} = v^t")
    assert answers["6a"].steps[0] == r"J^{(t+1)}(h^{(t)}) = J^{(t+1)}(w_z h^t)"
    assert answers["1c"].steps == ()


def test_a_document_whose_headings_match_no_question_says_so() -> None:
    from derive.grading.documents import read_document
    from derive.registry import find_key, load_keys

    key = find_key(load_keys(), "hw4")
    submission = read_document("# Problem A\n\n$$x + x = 2x$$\n\n# Problem B\n", key)
    assert submission.answers == {}
    (note,) = submission.notes
    assert "'Problem A', 'Problem B'" in note and "1.1.1" in note


def test_a_notebook_is_read_from_its_markdown_cells(tmp_path: Path) -> None:
    import nbformat

    from derive.grading.documents import read_document
    from derive.registry import find_key, load_keys

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "## 1.1.2 Effect of Activation - Tanh\n\n$$\\tau'(z) = 1 - \\tau(z)^2$$"
        ),
        nbformat.v4.new_code_cell("x = 1  # $$y = 2$$ is code, not a step"),
    ]
    path = tmp_path / "s1.ipynb"
    nbformat.write(notebook, str(path))
    submission = read_document(path, find_key(load_keys(), "hw4"))
    assert submission.answers["1.1.2"].steps == ("\\tau'(z) = 1 - \\tau(z)^2",)


def test_a_broken_notebook_is_an_error_with_the_reason(tmp_path: Path) -> None:
    from derive.grading.documents import read_document
    from derive.registry import find_key, load_keys

    path = tmp_path / "s1.ipynb"
    path.write_text('{"cells": 3}')
    with pytest.raises(DeriveError, match="not a readable notebook"):
        read_document(path, find_key(load_keys(), "hw4"))


def test_a_superscript_index_answers_for_its_element() -> None:
    sequences = key(
        "t",
        "t",
        source="t",
        questions=[
            question("1", 1, answer="v_{t+1} = 2 v_t", let={"v": "sequence"}),
        ],
    )
    found = split_document("1. Show it.\n\n$$v^{t+1} = 2 v^t$$\n$$x = 1$$\n", sequences)["1"]
    assert found.answer == "v^{t+1} = 2 v^t"


def test_a_key_reads_a_bare_name_as_an_element_but_leaves_superscripts() -> None:
    from derive.parsing import parse_statement

    reading = question("1", 1, let={"w": "sequence"}, reads={"w": "w_t"})
    node = reading.read(parse_statement(r"\|w\| = w^{t+1} + w^2", latex=True))
    assert node == parse_statement(r"\|w_t\| = w^{t+1} + w_t^2", latex=True)
