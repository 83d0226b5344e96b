"""Checking answers and derivations the way a teaching assistant would."""

from __future__ import annotations

import sympy as sp

from derive.engine import Settings
from derive.grading.check import accepts_decimal, grade_submission
from derive.grading.key import Answer, key, question
from derive.grading.results import FinalStatus, StepStatus
from derive.grading.submission import QuestionAnswer, Submission

SETTINGS = Settings(timeout=20)
WEIGHT_NORM = {
    "let": {"u": "vector(n)", "x": "random vector(n) ~ whitened", "gamma": "positive"},
    "where": {
        "w": "gamma u / norm(u)",
        "y": "transpose(u) x",
        "mu_y": "E[y]",
        "sigma_y": "sqrt(Var(y))",
        "y_hat": "gamma (y - mu_y) / sigma_y + beta",
    },
}
KEY = key(
    "test-key",
    "A test key",
    source="001",
    questions=[
        question("3.1", 2, answer="lambda = -2 eta gamma"),
        question("4.2", 6, answer="y_hat = transpose(w) x + beta", **WEIGHT_NORM),
        question(
            "4.1",
            4,
            answer=[
                Answer("mu_batch = [5/2, 31/12]", "mu_batch"),
                Answer("sigma_batch^2 = [7/12, 155/144]", "sigma_batch^2"),
            ],
        ),
        question("9", 1, answer="2/3", quantity="p"),
    ],
)


def grade(label: str, steps: tuple[str, ...] = (), answer: str | None = None):
    submission = Submission("s", {label: QuestionAnswer(label, steps, answer)})
    result = grade_submission(submission, KEY, SETTINGS)
    return next(q for q in result.questions if q.label == label)


def test_answer_with_or_without_its_left_side() -> None:
    assert grade("3.1", answer=r"\lambda = -2\eta\gamma").final.status is FinalStatus.CORRECT
    assert grade("3.1", answer=r"-2\eta\gamma").final.status is FinalStatus.CORRECT
    assert grade("3.1", answer="lambda = -2 gamma eta").final.status is FinalStatus.CORRECT
    wrong = grade("3.1", answer=r"\lambda = 2\eta\gamma")
    assert wrong.final.status is FinalStatus.INCORRECT
    assert wrong.final.counterexample


def test_relation_to_show_is_compared_side_by_side() -> None:
    assert grade("4.2", answer=r"\hat{y} = w^\top x + \beta").final.status is FinalStatus.CORRECT
    missing_shift = grade("4.2", answer=r"\hat{y} = w^\top x")
    assert missing_shift.final.status is FinalStatus.INCORRECT
    assert "beta" in missing_shift.final.counterexample


def test_first_invalid_step_is_the_seed_s_expectation_mistake() -> None:
    result = grade(
        "4.2",
        steps=(
            r"\mu_y = \mathbb{E}[u^\top x] = u^\top \mathbb{E}[x] = 0",
            r"E(u^T \cdot x) = u^T \cdot x",
            r"\hat{y} = \gamma \frac{u^\top x}{\|u\|} + \beta = w^\top x + \beta",
        ),
        answer=r"\hat{y} = w^\top x + \beta",
    )
    assert [s.status for s in result.steps] == [
        StepStatus.VALID,
        StepStatus.INVALID,
        StepStatus.VALID,
    ]
    assert result.first_invalid_step == 1
    assert "x" in result.steps[1].counterexample
    assert result.final.status is FinalStatus.CORRECT
    assert 0 < result.score < result.max_score


def test_continuation_lines_and_definitions() -> None:
    result = grade(
        "3.1",
        steps=(
            "L_reg := L + gamma theta^2",
            "diff(L_reg, theta) = diff(L, theta) + 2 gamma theta",
            "= 2 gamma theta + diff(L, theta)",
        ),
        answer="lambda = -2 eta gamma",
    )
    assert result.steps[0].status is StepStatus.NOT_CHECKED and "defines" in result.steps[0].reason
    assert [s.status for s in result.steps[1:]] == [StepStatus.VALID, StepStatus.VALID]
    assert result.score == result.max_score


def test_a_line_that_starts_with_a_relation_goes_on_from_a_definition() -> None:
    """`p = 1/2 + 1/6` defines p; `= 2/3` continues from its body, and the chain's ends
    give the answer (before, it continued from the line before the definition, or failed
    to read)."""
    right = grade("9", steps=("p = 1/2 + 1/6", "= 2/3"))
    assert [s.status for s in right.steps] == [StepStatus.NOT_CHECKED, StepStatus.VALID]
    assert right.final.status is FinalStatus.CORRECT
    wrong = grade("9", steps=("p = 1/2 + 1/6", "= 3/4"))
    assert wrong.steps[1].status is StepStatus.INVALID
    assert wrong.final.status is FinalStatus.INCORRECT


def test_unreadable_step_is_not_checked_and_grading_goes_on() -> None:
    result = grade(
        "3.1", steps=(r"\frac{1}{", r"-2\eta\gamma = -2\gamma\eta"), answer=r"-2\eta\gamma"
    )
    assert result.steps[0].status is StepStatus.NOT_CHECKED
    assert "could not be read" in result.steps[0].reason
    assert result.steps[1].status is StepStatus.VALID
    assert result.final.status is FinalStatus.CORRECT


def test_lists_of_numbers_at_the_precision_written() -> None:
    correct = grade(
        "4.1", steps=(r"\mu_{batch} = [2.50, 2.58]", r"\sigma_{batch}^2 = [0.58, 1.07]")
    )
    assert correct.final.status is FinalStatus.CORRECT
    wrong = grade("4.1", steps=(r"\mu_{batch} = [2.50, 2.68]", r"\sigma_{batch}^2 = [0.58, 1.07]"))
    assert wrong.final.status is FinalStatus.INCORRECT


def test_decimal_precision_rule() -> None:
    two_thirds = sp.Rational(2, 3)
    assert accepts_decimal("0.66", two_thirds, 2)  # truncated
    assert accepts_decimal("0.67", two_thirds, 2)  # rounded
    assert not accepts_decimal("0.6", two_thirds, 2)  # too few digits
    assert not accepts_decimal("0.65", two_thirds, 2)
    assert accepts_decimal("0.667", two_thirds, 2)
    assert grade("9", answer="0.67").final.status is FinalStatus.CORRECT
    assert grade("9", answer="0.6").final.status is FinalStatus.INCORRECT


def test_missing_question_scores_zero() -> None:
    result = grade_submission(Submission("s", {}), KEY, SETTINGS)
    assert result.score == 0
    assert all(q.final.status is FinalStatus.MISSING for q in result.questions)
    assert result.max_score == 13


UPDATE_KEY = key(
    "update-key",
    "updates",
    source="003",
    questions=[
        question(
            "7",
            2,
            answer=r"w \leftarrow (1 - \alpha\lambda) w - \alpha \frac{\partial L}{\partial w}",
            let={"L": "function(w)"},
        )
    ],
)


def test_an_update_without_its_learning_rate_is_incorrect() -> None:
    def final(text: str):
        submission = Submission("s", {"7": QuestionAnswer("7", (text,), latex=True)})
        return grade_submission(submission, UPDATE_KEY, SETTINGS).questions[0].final

    assert (
        final(r"w \leftarrow (1 - \alpha\lambda)w - \alpha\frac{\partial L}{\partial w}").status
        is FinalStatus.CORRECT
    )
    wrong = final(r"w \leftarrow (1 - \alpha\lambda)w - \frac{\partial L}{\partial w}")
    assert wrong.status is FinalStatus.INCORRECT
    assert "alpha" in wrong.counterexample


def test_a_chain_that_names_a_new_quantity_defines_it_and_checks_the_rest() -> None:
    result = grade("9", steps=(r"\mu_1 = 30/12 = 2.50",), answer="0.67")
    assert result.steps[0].status is StepStatus.VALID


def test_rounded_results_hold_at_the_precision_written() -> None:
    result = grade("9", steps=(r"\sigma_1^2 = 7/12 = 0.58", r"\mu_2 = 31/12 = 2.68"), answer="0.67")
    assert result.steps[0].status is StepStatus.VALID
    assert result.steps[1].status is StepStatus.INVALID


def test_a_chain_shows_the_relation_between_its_ends() -> None:
    chain_key = key(
        "chain",
        "chain",
        source="002",
        questions=[question("1", 1, answer="abs(sigmoid'(z)) <= 1/4")],
    )
    steps = (r"|\sigma'(z)| = \sigma(z)(1 - \sigma(z)) \le \frac{1}{4}",)
    submission = Submission("s", {"1": QuestionAnswer("1", steps, latex=True)})
    final = grade_submission(submission, chain_key, SETTINGS).questions[0].final
    assert final.status is FinalStatus.CORRECT, final


CHAIN_KEY = key(
    "chain-key",
    "Bounds through a chain of layers",
    source="t",
    questions=[
        question(
            "1",
            2,
            let={"h": "sequence", "n": "positive integer"},
            where={"h_k": "tanh(h_{k-1})", "h_0": "x"},
            answer="abs(diff(h_n, x)) <= 1",
            reads={"pi": "x"},
        ),
    ],
)


def grade_chain(steps: tuple[str, ...] = (), answer: str | None = None):
    submission = Submission("s", {"1": QuestionAnswer("1", steps, answer)})
    return grade_submission(submission, CHAIN_KEY, SETTINGS).questions[0]


def test_a_bound_is_the_chains_conclusion_across_lines() -> None:
    """`0 ≤ |∂h_n/∂x| ≤ |∂h_{n-1}/∂x|` then `|∂h_{n-1}/∂x| ≤ 1`: the answer is |∂h_n/∂x| ≤ 1,
    written across two lines, not the last line's own left side."""
    lines = (
        r"0 \le \left|\frac{\partial h_n}{\partial x}\right| \le \left|\frac{\partial h_{n-1}}{\partial x}\right|",
        r"\left|\frac{\partial h_{n-1}}{\partial x}\right| \le 1",
    )
    assert grade_chain(lines).final.status is FinalStatus.CORRECT


def test_a_stronger_true_bound_shows_the_keys_and_a_weaker_one_does_not() -> None:
    half = grade_chain(answer=r"\left|\frac{\partial h_n}{\partial x}\right| \le 2")
    assert half.final.status is FinalStatus.INCORRECT and "weaker" in half.final.reason
    false = grade_chain(answer=r"\left|\frac{\partial h_n}{\partial x}\right| \le \frac{1}{2}")
    assert false.final.status is FinalStatus.INCORRECT and "does not hold" in false.final.reason
    strict = grade_chain(answer=r"\left|\frac{\partial h_n}{\partial x}\right| < 2")
    assert strict.final.status is FinalStatus.INCORRECT


def test_a_garbled_symbol_is_read_as_the_key_says_and_superscripts_index_sequences() -> None:
    """The converted PDF wrote π for x and h^n for h_n (h is a sequence)."""
    step = r"\left|\frac{\partial h^n}{\partial \pi}\right| = \left|(1 - \tanh(h^{n-1})^2) \frac{\partial h^{n-1}}{\partial \pi}\right|"
    (result,) = grade_chain((step,)).steps
    assert result.status is StepStatus.VALID


def test_a_multi_part_answer_earns_its_share_per_part_and_names_the_wrong_one() -> None:
    result = grade("4.1", (r"\mu_{batch} = [2.50, 2.58]", r"\sigma_{batch}^2 = [0.58, 2.00]"))
    assert result.final.status is FinalStatus.INCORRECT
    assert result.final.credit == 0.5 and "sigma_batch^2" in result.final.reason
    # a line matching the key is valid; a mismatch is the answer's, not a step's refutation
    right, wrong = result.steps
    assert right.status is StepStatus.VALID and wrong.status is StepStatus.NOT_CHECKED
    assert "compared with the key" in wrong.reason and wrong.counterexample
    assert result.score == 4 * 0.5 * 0.5 + 4 * 0.5  # half the answer, all decided steps valid
