"""The answer keys of the four seed assignments (claims/keys/): they load with the labels the
grading issue names, their answers read as mathematics, the claims they cite exist, their
contexts prove the answers they expect (and refute the seeds' mistakes), and graded
submissions come out as a teaching assistant would mark them."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from claims.keys import cosc2779_week4
from derive.claim import statement
from derive.engine import Settings, decide
from derive.errors import DeriveError
from derive.grading.check import grade_submission
from derive.grading.key import AnswerKey, Question
from derive.grading.results import FinalStatus, StepStatus
from derive.grading.submission import QuestionAnswer, Submission
from derive.model import ast
from derive.parsing import parse_expression, parse_statement
from derive.registry import find_key, load_keys, load_library
from derive.strategies.instances import HYPOTHESIS_OPS
from derive.verdict import Status

SETTINGS = Settings(timeout=60)

LABELS = {
    "ift6135-a2-2021": (
        "1.1", "1.2", "2.1", "2.2a", "2.2b", "2.2c", "2.2d", "2.2e", "3.1", "3.2",
        "4.1", "4.2", "4.3",
    ),
    "hw4": ("1.1.1", "1.1.2", "1.2.1", "1.2.3", "1.3.2"),
    "cosc2779-week4": ("1", "4", "5", "7"),
    "ese546-ps2": ("1c", "2a", "2b", "2c", "3a", "3b", "6a", "6c"),
}  # fmt: skip

KEYS = load_keys()
QUESTIONS = [(k, q) for k in KEYS if k.name in LABELS for q in k.questions]
IDS = [f"{k.name}:{q.label}" for k, q in QUESTIONS]


def question_of(key_name: str, label: str) -> Question:
    found = find_key(KEYS, key_name).question(label)
    assert found is not None, f"{key_name} has no question {label}"
    return found


# -- the keys as data -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LABELS))
def test_key_loads_with_the_labels_of_the_issue(name: str) -> None:
    key = find_key(KEYS, name)
    assert isinstance(key, AnswerKey)
    assert tuple(q.label for q in key.questions) == LABELS[name]
    assert key.title and key.source


@pytest.mark.parametrize(("key", "question"), QUESTIONS, ids=IDS)
def test_question_is_well_formed(key: AnswerKey, question: Question) -> None:
    assert 0 < question.points <= 6
    assert 0 <= question.answer_share <= 1
    assert question.title
    if not question.answers:  # code, prose, or not expressible: the notes say why
        assert question.notes


def _named_list(text: str) -> bool:
    """`mu_batch = [5/2, 31/12]`: a list of numbers, which the grader compares entry by entry."""
    name, _, values = text.partition("=")
    parse_expression(name)
    cleaned = re.sub(r"-?\d+(?:/\d+)?|[\[\],;\s]", "", values)
    return values.strip().startswith("[") and not cleaned


@pytest.mark.parametrize(("key", "question"), QUESTIONS, ids=IDS)
def test_answers_and_facts_read_as_mathematics(key: AnswerKey, question: Question) -> None:
    for answer in question.answers:
        try:
            parse_statement(answer.text)
        except DeriveError:
            assert _named_list(answer.text), answer.text
        for quantity in (answer.quantity or "").split("|"):
            if quantity.strip():
                parse_expression(quantity.strip())
    for fact in question.facts:
        granted = parse_statement(fact)  # an equation rewrites; every relation holds at points
        assert isinstance(granted, ast.Relation) and granted.op in HYPOTHESIS_OPS, fact


def test_every_cited_claim_is_in_the_library() -> None:
    ids = {c.id for c in load_library()}
    cited = {q.shows for _, q in QUESTIONS if q.shows}
    assert cited, "the keys cite no claim"
    assert cited <= ids, f"unknown claims: {sorted(cited - ids)}"


def test_normalization_statistics_match_the_tensor() -> None:
    """001 Q4.1, recomputed from the tensor (batch 4 × channels 2 × features 3)."""
    tensor = [
        [[1, 3, 2], [1, 2, 3]],
        [[3, 3, 2], [2, 4, 4]],
        [[4, 2, 2], [1, 2, 4]],
        [[3, 3, 2], [3, 3, 2]],
    ]

    def stats(values: list[int]) -> tuple[Fraction, Fraction]:
        mean = Fraction(sum(values), len(values))
        return mean, sum((v - mean) ** 2 for v in values) / len(values)

    batch = [stats([v for sample in tensor for v in sample[c]]) for c in range(2)]
    layer = [stats([v for channel in sample for v in channel]) for sample in tensor]
    instance = [stats(channel) for sample in tensor for channel in sample]
    expected = {
        "mu_batch": [m for m, _ in batch],
        "sigma_batch^2": [v for _, v in batch],
        "mu_layer": [m for m, _ in layer],
        "sigma_layer^2": [v for _, v in layer],
        "mu_instance": [m for m, _ in instance],
        "sigma_instance^2": [v for _, v in instance],
    }
    answers = question_of("ift6135-a2-2021", "4.1").answers
    assert len(answers) == len(expected)
    for answer in answers:
        name, values = (part.strip() for part in answer.text.split("=", 1))
        listed = [Fraction(v) for v in re.findall(r"-?\d+(?:/\d+)?", values)]
        assert listed == expected[name], name


# -- the contexts: the expected answers hold, the seeds' mistakes do not --------------------

# (key, label, statement, extra hypotheses, holds): decided in the question's context with
# its facts. Value answers are checked through the relation that defines them.
CONTEXT_CASES = [
    ("ift6135-a2-2021", "1.1", "g_t = sigma(h_t)", (), True),
    ("ift6135-a2-2021", "1.2", "diff(h_t, h_{t-1}) = W diag(sigma'(h_{t-1}))", (), True),
    (
        "ift6135-a2-2021",
        "3.1",
        "theta_i - eta grad(L(f(x, theta), y), theta_i) + lambda theta_i "
        "= theta_i - eta grad(L_reg(f(x, theta), y), theta_i)",
        ("lambda = -2 eta gamma",),
        True,
    ),
    (
        "ift6135-a2-2021",
        "3.1",
        "theta_i - eta grad(L(f(x, theta), y), theta_i) + lambda theta_i "
        "= theta_i - eta grad(L_reg(f(x, theta), y), theta_i)",
        ("lambda = 2 eta gamma",),
        False,
    ),
    ("ift6135-a2-2021", "3.2", "grad(L_reg, theta) = grad(L, theta) + 2 gamma theta", (), True),
    ("ift6135-a2-2021", "4.2", "y_hat = transpose(w) x + beta", (), True),
    ("ift6135-a2-2021", "4.2", "E[transpose(u) x] = transpose(u) x", (), False),
    ("ift6135-a2-2021", "4.3", "grad(L, u) = gamma / norm(u) * W_perp grad(L, w)", (), True),
    ("hw4", "1.1.1", "sigma'(z) = exp(-z) / (1 + exp(-z))^2", (), True),
    ("hw4", "1.1.1", "abs(diff(h_3, x)) <= (1/4)^3", (), True),
    ("hw4", "1.1.1", "abs(diff(h_2, x)) <= (1/4)^3", (), False),
    ("hw4", "1.1.2", "tau'(z) = 4 / (exp(2 z) + 2 + exp(-2 z))", (), True),
    ("hw4", "1.1.2", "tau'(z) = 4 / (exp(2 z + 2) + exp(-2 z))", (), False),
    ("hw4", "1.1.2", "abs(diff(h_3, x)) <= 1", (), True),
    ("hw4", "1.2.1", "diff(h_{t+1}, h_t) = diag(tau'(W h_t)) W", (), True),
    ("hw4", "1.3.2", "diff(h_k, h_{k-1}) = 1 + F'(h_{k-1})", (), True),
    ("cosc2779-week4", "1", "y_hat = 6", (), True),
    ("cosc2779-week4", "1", "w_j + 0.1 diff(L, w_j) = w_j - 0.1 diff(L, w_j)", (), False),
    ("cosc2779-week4", "4", "tanh(z) = 2 sigma(2 z) - 1", (), True),
    ("cosc2779-week4", "5", cosc2779_week4.NO_BIAS, (), True),
    (
        "cosc2779-week4",
        "5",
        r"\frac{\partial \hat{z}^{(i)}}{\partial \mathbf{b}^{(l)}} = 0",
        (),
        True,
    ),
    (
        "cosc2779-week4",
        "7",
        "w - alpha grad(L + lambda / 2 norm(w)^2, w) = (1 - alpha lambda) w - alpha diff(L, w)",
        (),
        True,
    ),
    (
        "cosc2779-week4",
        "7",
        "w - alpha grad(L + lambda / 2 norm(w)^2, w) = (1 - alpha lambda) w - diff(L, w)",
        (),
        False,
    ),
    ("ese546-ps2", "2a", "f(A, B) >= 0", (), True),
    ("ese546-ps2", "2c", r"A^{\star} B^{\star} = A^{\star} R R^{-1} B^{\star}", (), True),
    ("ese546-ps2", "3a", "grad(l(v), v) = grad(l(w), w) / lambda", (), True),
    ("ese546-ps2", "3b", "transpose(w_t) grad(l(w_t), w_t) = 0", (), True),
    ("ese546-ps2", "3b", "v_{t+1} = v_t - eta grad(l(v_t), v_t) + O(eta^2)", (), False),
    ("ese546-ps2", "6a", "rho(w_z) <= norm(W_z)", (), True),
    ("ese546-ps2", "6a", "rho(w_z) = norm(W_z)", (), False),
]


@pytest.mark.parametrize(
    ("key_name", "label", "text", "extra", "holds"),
    CONTEXT_CASES,
    ids=[f"{k}:{label}:{text[:40]}" for k, label, text, _, _ in CONTEXT_CASES],
)
def test_context_decides_as_expected(
    key_name: str, label: str, text: str, extra: tuple[str, ...], holds: bool
) -> None:
    question = question_of(key_name, label)
    verdict = decide(statement(text, question.context, given=(*question.facts, *extra)), SETTINGS)
    wanted = (Status.PROVED, Status.VERIFIED) if holds else (Status.REFUTED,)
    assert verdict.status in wanted, f"{text}: {verdict.status.value} {verdict.summary}"


@pytest.mark.parametrize(("parameter", "value"), sorted(cosc2779_week4.GRADIENTS.items()))
def test_reconstructed_network_gives_the_tutorial_s_gradients(parameter: str, value: str) -> None:
    question = question_of("cosc2779-week4", "1")
    proved = statement(f"diff(L, {parameter}) = {value}", question.context, given=question.facts)
    assert decide(proved, SETTINGS).status is Status.PROVED
    wrong = statement(f"diff(L, {parameter}) = {value} + 1", question.context, given=question.facts)
    assert decide(wrong, SETTINGS).status is Status.REFUTED


# -- grading structured submissions against the keys ----------------------------------------


def grade(key_name: str, label: str, steps: tuple[str, ...] = (), answer: str | None = None):
    key = find_key(KEYS, key_name)
    submission = Submission("s", {label: QuestionAnswer(label, steps, answer)}, key_name)
    result = grade_submission(submission, key, SETTINGS)
    return next(q for q in result.questions if q.label == label)


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (r"\lambda = -2\eta\gamma", FinalStatus.CORRECT),
        (r"-2\eta\gamma", FinalStatus.CORRECT),
        (r"\lambda = 2\eta\gamma", FinalStatus.INCORRECT),
    ],
)
def test_weight_decay_coefficient(answer: str, status: FinalStatus) -> None:
    assert grade("ift6135-a2-2021", "3.1", answer=answer).final.status is status


def test_seed_001_weight_decay_derivation_is_valid() -> None:
    result = grade(
        "ift6135-a2-2021",
        "3.1",
        steps=(
            r"L_{\text{reg}}(f(\mathbf{x}^{(j)}, \theta), \mathbf{y}^{(j)}) = "
            r"L(f(\mathbf{x}^{(j)}, \theta), \mathbf{y}^{(j)}) + \gamma \|\theta\|_{2}^{2}",
            r"\frac{\partial L_{\text{reg}}(f(\mathbf{x}^{(j)}, \theta), \mathbf{y}^{(j)})}"
            r"{\partial \theta_{i}} = \frac{\partial L(f(\mathbf{x}^{(j)}, \theta), "
            r"\mathbf{y}^{(j)})}{\partial \theta_{i}} + 2\gamma \theta_{\mathbf{i}}",
        ),
        answer=r"\lambda = -2\eta\gamma",
    )
    assert [s.status for s in result.steps] == [StepStatus.VALID, StepStatus.VALID]
    assert result.final.status is FinalStatus.CORRECT
    assert result.score == result.max_score


SEED_001_STATISTICS = (
    r"\mu_{batch} = [2.50, 2.58]",
    r"\sigma_{batch}^2 = [0.58, 1.07]",
    r"\mu_{layer} = [2.00; 3.00; 2.50; 2.66]",
    r"\sigma_{layer}^2 = [0.66; 0.66; 1.25; 0.22]",
    r"\mu_{Inst} = [[2.00, 2.00]; [2.66, 3.33]; [2.66, 2.33]; [2.66, 2.66]]",
    r"\sigma_{Inst}^2 = [[0.66, 0.66]; [0.22, 0.88]; [0.88, 1.55]; [0.22, 0.22]]",
)


def test_seed_001_normalization_statistics_are_correct() -> None:
    result = grade("ift6135-a2-2021", "4.1", steps=SEED_001_STATISTICS)
    assert result.final.status is FinalStatus.CORRECT, result.final.reason


def test_a_wrong_statistic_is_incorrect() -> None:
    steps = (*SEED_001_STATISTICS[:3], r"\sigma_{layer}^2 = [0.66; 0.66; 1.25; 0.25]")
    steps += SEED_001_STATISTICS[4:]
    result = grade("ift6135-a2-2021", "4.1", steps=steps)
    assert result.final.status is FinalStatus.INCORRECT


def test_a_name_the_student_defined_is_bound_again_per_case() -> None:
    """001 Q4.1: each sample gets its own μ; sample 2's μ = 18/6 is no claim about sample 1's."""
    steps = (
        r"sample1: \mu = 12/6 = 2.00",
        r"sample2: \mu = 18/6 = 3.00",
        r"sample: 2: channel: 2: \mu = 10/3 = 3.33",
        r"\mu = 8/3 = 2.66",  # truncated rather than rounded, as students write it
        r"\mu = 7/3 = 2.50",  # the link of this line is wrong, whatever μ was before
    )
    result = grade("ift6135-a2-2021", "4.1", steps=steps)
    statuses = [s.status for s in result.steps]
    assert statuses == [StepStatus.VALID] * 4 + [StepStatus.INVALID]


def test_a_step_that_uses_the_question_s_hypotheses_is_never_invalid() -> None:
    """001 Q1.2 grants λ1(WᵀW) ≤ δ²/γ² and ‖Dσ‖ ≤ γ: a step that uses them is valid or not
    checked ('depends on the hypotheses'), never refuted at a point that breaks them."""
    norm_of_jacobian = r"\left\| \frac{\partial h_t}{\partial h_{t-1}} \right\|"
    steps = (
        norm_of_jacobian + r" \le ||W|| \cdot \left\| \frac{\partial \sigma(h_{t-1})}"
        r"{\partial h_{t-1}} \right\|",
        norm_of_jacobian + r" \le \frac{\delta}{\gamma} \cdot \gamma",
    )
    result = grade("ift6135-a2-2021", "1.2", steps=steps)
    assert result.steps[0].status is StepStatus.VALID  # holds for every W: no hypothesis needed
    assert result.steps[1].status is not StepStatus.INVALID
    if result.steps[1].status is StepStatus.NOT_CHECKED:
        assert "depends on the hypotheses" in result.steps[1].reason


def test_a_definition_of_a_name_the_key_defines_is_checked() -> None:
    """The key defines w = γu/‖u‖: a student's `w := ...` is checked against it, never
    silently put in its place."""
    right = grade("ift6135-a2-2021", "4.2", steps=(r"w := \gamma \frac{u}{\|u\|}",))
    wrong = grade("ift6135-a2-2021", "4.2", steps=(r"w := \frac{u}{\|u\|}",))
    assert right.steps[0].status is StepStatus.VALID
    assert wrong.steps[0].status is StepStatus.INVALID


def test_seed_001_expectation_step_is_invalid_and_its_answer_correct() -> None:
    result = grade(
        "ift6135-a2-2021",
        "4.2",
        steps=(
            r"E(u^T \cdot x) = u^T \cdot x = u^T \cdot E(x) = 0",
            r"\hat{y} = \gamma \cdot \frac{y - \mu_y}{\sigma_y} + \beta",
            r"\hat{y} = \gamma \cdot \frac{u^T \cdot x - 0}{||u||} + \beta",
        ),
        answer=r"\hat{y} = \boldsymbol{w}^{\top} \boldsymbol{x} + \beta",
    )
    assert [s.status for s in result.steps] == [
        StepStatus.INVALID,
        StepStatus.VALID,
        StepStatus.VALID,
    ]
    assert result.steps[0].counterexample
    assert result.final.status is FinalStatus.CORRECT


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (
            r"\nabla_{\boldsymbol{u}} L = \frac{\gamma}{\|\boldsymbol{u}\|} \left(I - "
            r"\frac{\boldsymbol{u} \boldsymbol{u}^\top}{\|\boldsymbol{u}\|^2}\right) "
            r"\nabla_{\boldsymbol{w}} L",
            FinalStatus.CORRECT,
        ),
        (r"\nabla_u L = \frac{\gamma}{\|u\|} W^{\perp} \nabla_w L", FinalStatus.CORRECT),
        (r"\nabla_u L = \gamma W^{\perp} \nabla_w L", FinalStatus.INCORRECT),
    ],
)
def test_weight_norm_gradient(answer: str, status: FinalStatus) -> None:
    assert grade("ift6135-a2-2021", "4.3", answer=answer).final.status is status


@pytest.mark.parametrize(
    ("label", "answer", "status"),
    [
        (
            "1.1.1",
            r"0 \le \left|\frac{\partial h_n}{\partial x}\right| \le \frac{1}{4}^n",
            FinalStatus.CORRECT,
        ),
        (
            "1.1.1",
            r"\left|\frac{\partial h_n}{\partial x}\right| \le \frac{1}{2}^n",
            FinalStatus.INCORRECT,
        ),
        # 002's bound for 1.2.1 is one factor of 1/2 too small
        (
            "1.2.1",
            r"\left\|\frac{\partial h_n}{\partial h_1}\right\| \le \frac{1}{2}^{n-1}",
            FinalStatus.CORRECT,
        ),
        (
            "1.2.1",
            r"\left\|\frac{\partial h_n}{\partial h_1}\right\| \le \frac{1}{2}^n",
            FinalStatus.INCORRECT,
        ),
    ],
)
def test_gradient_bounds_through_a_chain(label: str, answer: str, status: FinalStatus) -> None:
    assert grade("hw4", label, answer=answer).final.status is status


def test_seed_002_tanh_derivation_is_valid_and_the_typo_invalid() -> None:
    result = grade(
        "hw4",
        "1.1.2",
        steps=(
            r"\tau'(z) = 1 - \tau(z)^2",
            r"1 - \tau(z)^2 = \frac{4}{e^{2z} + 2 + e^{-2z}}",
            r"\tau'(z) = \frac{4}{e^{2z+2} + e^{-2z}}",  # as written in 002 1.2.1
        ),
    )
    assert [s.status for s in result.steps] == [
        StepStatus.VALID,
        StepStatus.VALID,
        StepStatus.INVALID,
    ]
    assert result.steps[2].counterexample == {"z": "0"}


def _partial(parameter: str) -> str:
    """`w_11` → `\\frac{\\partial \\mathcal{L}}{\\partial w_{11}}`, as 003 writes it."""
    base, index = parameter.split("_")
    return rf"\frac{{\partial \mathcal{{L}}}}{{\partial {base}_{{{index}}}}}"


SEED_003_GRADIENTS = tuple(f"{_partial(p)} = {g}" for p, g in cosc2779_week4.GRADIENTS.items())


def test_seed_003_gradients_are_valid_and_the_update_sign_is_corrected() -> None:
    descent = r"w_j \leftarrow w_j - 0.1 \frac{\partial \mathcal{L}}{\partial w_j}"
    result = grade("cosc2779-week4", "1", steps=SEED_003_GRADIENTS, answer=descent)
    assert all(s.status is StepStatus.VALID for s in result.steps), [
        (s.text, s.status) for s in result.steps if s.status is not StepStatus.VALID
    ]
    assert result.final.status is FinalStatus.CORRECT
    assert result.score == result.max_score
    ascent = r"w_j \leftarrow w_j + 0.1 \frac{\partial \mathcal{L}}{\partial w_j}"  # as in 003
    for answer in (ascent, r"w_j + 0.1 \frac{\partial \mathcal{L}}{\partial w_j}"):
        graded = grade("cosc2779-week4", "1", steps=SEED_003_GRADIENTS, answer=answer)
        assert graded.final.status is FinalStatus.INCORRECT
        assert graded.score < graded.max_score


def test_a_wrong_gradient_is_an_invalid_step() -> None:
    result = grade(
        "cosc2779-week4", "1", steps=(r"\frac{\partial \mathcal{L}}{\partial w_1} = 25",)
    )
    assert result.steps[0].status is StepStatus.INVALID


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (
            r"(1 - \alpha\lambda)w - \alpha \frac{\partial \mathcal{L}}{\partial w}",
            FinalStatus.CORRECT,
        ),
        (
            r"w \leftarrow (1 - \alpha\lambda)w - \alpha \frac{\partial \mathcal{L}}{\partial w}",
            FinalStatus.CORRECT,
        ),
        (
            r"w_{new} = (1 - \alpha\lambda)w - \alpha \frac{\partial \mathcal{L}}{\partial w}",
            FinalStatus.CORRECT,
        ),
        # 003's update, which drops the learning rate from the gradient term
        (
            r"w \leftarrow (1 - \alpha\lambda)w - \frac{\partial \mathcal{L}}{\partial w}",
            FinalStatus.INCORRECT,
        ),
        (r"(1 - \alpha\lambda)w - \frac{\partial \mathcal{L}}{\partial w}", FinalStatus.INCORRECT),
    ],
)
def test_weight_decay_update(answer: str, status: FinalStatus) -> None:
    assert grade("cosc2779-week4", "7", answer=answer).final.status is status


def test_tanh_as_a_sigmoid() -> None:
    result = grade("cosc2779-week4", "4", answer=r"\tanh(z) = 2\sigma(2z) - 1")
    assert result.final.status is FinalStatus.CORRECT
    wrong = grade("cosc2779-week4", "4", answer=r"\tanh(z) = 2\sigma(z) - 1")
    assert wrong.final.status is FinalStatus.INCORRECT


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (r"\rho(w_z) > 1", FinalStatus.CORRECT),
        (r"\|W_z\|_2 > 1", FinalStatus.INCORRECT),  # 004's condition: W = [[0, 2], [0, 0]]
    ],
)
def test_explosion_condition(answer: str, status: FinalStatus) -> None:
    assert grade("ese546-ps2", "6a", answer=answer).final.status is status


def test_seed_004_non_uniqueness() -> None:
    answer = r"A^{\star}B^{\star} = A^{\star}RR^{-1}B^{\star}"
    assert grade("ese546-ps2", "2c", answer=answer).final.status is FinalStatus.CORRECT
