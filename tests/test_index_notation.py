"""Index notation as solutions write it (issue 10): entries `X_{ij}` of declared matrices, a
repeated index summed (`A_{ik} B_{kj}`), a bare `Σ_i` over the range the entries give, and
free indices meaning "for every value". Each reading is also tested where it must not apply.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from derive.claim import claim
from derive.engine import Settings, decide
from derive.errors import ParseError, Unsupported
from derive.model import ast
from derive.model.indices import elaborate
from derive.model.types import Context, Law, Matrix, Random, Sequence, Vector
from derive.parsing import parse_statement
from derive.verdict import Status, Verdict

SETTINGS = Settings(seed=0, timeout=30)
HOLDS = {Status.PROVED, Status.VERIFIED}
FACTORS = {"X": "matrix(m, n)", "A": "matrix(m, r)", "B": "matrix(r, n)", "C": "matrix(m, n)"}
VECTORS = {"u": "vector(n)", "v": "vector(n)", "z": "vector(n)"}


def verdict_of(statement: str, let: dict[str, str]) -> Verdict:
    return decide(
        claim("t/index/case", "t", source="t", statement=statement, let=let).check,
        SETTINGS,
    )


TRUE = [
    (r"\|X - AB\|_F^2 = \sum_i \sum_j |X_{ij} - A_{ik}B_{kj}|^2", FACTORS),
    (r"\sum_{ij} X_{ij}^2 = \|X\|_F^2", FACTORS),
    (r"\sum_{i,j} X_{ij} = \sum_{j} \sum_{i} X_{ij}", FACTORS),
    (r"u_k v_k = u^\top v", VECTORS),  # k repeated in one product: summed
    (
        r"(\theta A_{ik} + (1 - \theta) C_{ik}) B_{kj} = \theta A_{ik} B_{kj} + (1 - \theta) C_{ik} B_{kj}",
        FACTORS | {"C": "matrix(m, r)"},
    ),
    (r"\sum_i u_i^2 = \|u\|^2", VECTORS),
    (r"z_k + u_k = u_k + z_k", VECTORS),  # free k: for every k
    # a sum written first covers the run of terms that use its indices; 3 stays outside
    (r"\sum_{ij} |X_{ij}|^2 + 2 X_{ij} + 3 = 3 + \sum_{ij} (X_{ij}^2 + 2X_{ij})", FACTORS),
]

FALSE = [
    # the seed's expansion of |x - y|² with absolute values and a + sign (004, 2a)
    (r"|X_{ij} - A_{ik}B_{kj}|^2 = |X_{ij}|^2 + 2|X_{ij}A_{ik}B_{kj}| + |A_{ik}B_{kj}|^2", FACTORS),
    (r"C_{ij} = A_{ik}B_{kj}", FACTORS),  # C is any matrix, not AB
    # k occurs free on the left: elementwise, not a sum, and z is not u ⊙ v
    (r"z_k = u_k v_k", VECTORS),
    (r"\sum_i u_i = \|u\|", VECTORS),
]


@pytest.mark.parametrize(("statement", "let"), TRUE, ids=[s for s, _ in TRUE])
def test_true_index_statements_hold(statement: str, let: dict[str, str]) -> None:
    assert verdict_of(statement, let).status in HOLDS


@pytest.mark.parametrize(("statement", "let"), FALSE, ids=[s for s, _ in FALSE])
def test_false_index_statements_are_refuted(statement: str, let: dict[str, str]) -> None:
    verdict = verdict_of(statement, let)
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample is not None and verdict.counterexample.confirmed


CONTEXT = Context(decls={"X": Matrix("m", "n"), "u": Vector("m"), "w": Vector("p")})


def _elaborated(text: str):
    return elaborate(parse_statement(text, latex=True), CONTEXT)


def test_a_bare_sum_takes_the_extent_of_the_entries_it_indexes() -> None:
    (outer,) = [_elaborated(r"\sum_{ij} X_{ij} = 0").relation.lhs]
    assert (outer.var, outer.upper.name, outer.body.var, outer.body.upper.name) == (
        "i",
        "m",
        "j",
        "n",
    )


def test_free_indices_are_reported_with_their_extents() -> None:
    assert _elaborated(r"X_{ij} = u_i").free == {"i": "m", "j": "n"}


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_{ij} X_{ij}^2 + u_i = 0",  # u_i uses i but not j: inside Σ_j or not?
        r"\sum_{ij} X_{ij}^2 + 1 + X_{ij} = 0",  # the run is broken by a term without i, j
        r"\sum_i u_i w_i = 0",  # i runs over m in u and over p in w
        r"\sum_i c = 0",  # nothing says how far i runs
        r"X_{ij} = w_i",  # i is a row of X (m) and a component of w (p)
    ],
)
def test_index_notation_without_one_reading_is_refused(text: str) -> None:
    with pytest.raises(Unsupported):
        _elaborated(text)


def test_an_index_that_is_a_declared_name_is_not_an_index() -> None:
    context = Context(decls={"u": Vector("n"), "k": Matrix(1, 1)})
    assert elaborate(parse_statement("u_k = 1", latex=True), context).free == {}


def test_a_symbolic_superscript_on_a_sequence_is_its_index() -> None:
    context = Context(decls={"h": Sequence(), "g": Random(Sequence(), Law("generic"))})
    read = elaborate(parse_statement("h^{n-1} = h^2 + g^t", latex=True), context).relation
    assert isinstance(read.lhs, ast.Subscript) and read.lhs.base == "h"  # h_{n-1}
    square, power = read.rhs.terms
    assert isinstance(square, ast.Pow) and isinstance(power, ast.Pow)  # h², and g's power t


def test_a_transpose_mark_on_a_sequence_stays_a_transpose_mark() -> None:
    context = Context(decls={"h": Sequence()})
    read = elaborate(parse_statement(r"h^\top = 1", latex=True), context).relation
    assert not isinstance(read.lhs, ast.Subscript)


@pytest.mark.parametrize(
    ("statement", "let", "holds"),
    [
        (r"\sum_{k \ne i} a_k = \sum_{k} a_k - a_i", {"a": "vector(n)"}, True),
        (r"\sum_{k \ne i} u_k + u_i = \sum_k u_k", {"u": "vector(n)"}, True),
        (r"\sum_{k \neq i} W_{ik} = \sum_{k} W_{ik}", {"W": "matrix(n, n)"}, False),
        (r"\sum_{k \neq i} W_{ik} + W_{ii} = \sum_{k} W_{ik}", {"W": "matrix(n, n)"}, True),
        # entries of vector- and matrix-valued expressions
        (r"(W x)_i = \sum_j W_{ij} x_j", {"W": "matrix(n, n)", "x": "vector(n)"}, True),
        (r"(A B)_{ij} = \sum_k A_{ik} B_{kj}", {"A": "matrix(n, n)", "B": "matrix(n, n)"}, True),
        (r"(A B)_{ij} = \sum_k A_{kj} B_{ik}", {"A": "matrix(n, n)", "B": "matrix(n, n)"}, False),
        (r"\left(u + v\right)_i = u_i + v_i", {"u": "vector(n)", "v": "vector(n)"}, True),
        (r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}", {"z": "vector(n)"}, True),
        (r"\mathrm{softmax}(z)_i = e^{z_i}", {"z": "vector(n)"}, False),
        (
            r"\frac{\partial}{\partial z_j} \mathrm{logsumexp}(z) = \mathrm{softmax}(z)_j",
            {"z": "vector(n)"},
            True,
        ),
        (r"\mathrm{softmax}(2 z)_i = \mathrm{softmax}(z)_i", {"z": "vector(n)"}, False),
        (r"\sigma(z)_i = \sigma(z_i)", {"z": "vector(n)"}, True),
    ],
)
def test_skipped_indices_and_entries_of_expressions_read_as_written(
    statement: str, let: dict[str, str], holds: bool, verdict_of: Callable[..., Verdict]
) -> None:
    verdict = verdict_of(statement, let=let)
    assert verdict.status.holds is holds, verdict.summary


@pytest.mark.parametrize(
    ("statement", "holds"),
    [
        (r"\sum_j \delta_{ij} a_j = a_i", True),
        (r"\sum_j \delta_{ij} a_j = a_1", False),
        (r"\frac{\partial a_i}{\partial a_j} = \delta_{ij}", True),
        (r"\frac{\partial a_i}{\partial a_j} = 1 - \delta_{ij}", False),
        (r"\mathbb{1}(i = j) a_i a_j = \delta_{ij} a_i a_j", True),
    ],
)
def test_a_kronecker_delta_of_two_indices_in_scope_is_one_where_they_are_equal(
    statement: str, holds: bool, verdict_of: Callable[..., Verdict]
) -> None:
    verdict = verdict_of(statement, let={"a": "vector(n)"})
    assert verdict.status.holds is holds, verdict.summary


def test_a_delta_the_context_declares_is_not_kronecker(verdict_of: Callable[..., Verdict]) -> None:
    verdict = verdict_of(
        r"\sum_j \delta_{ij} a_j = a_i", let={"a": "vector(n)", "delta": "matrix(n, n)"}
    )
    assert verdict.status is Status.REFUTED, verdict.summary


def test_an_entry_of_a_matrix_needs_two_indices(verdict_of: Callable[..., Verdict]) -> None:
    verdict = verdict_of(
        r"(A B)_i = 0", let={"A": "matrix(2, 2)", "B": "matrix(2, 2)", "i": "positive integer"}
    )
    assert verdict.status not in (Status.PROVED, Status.VERIFIED, Status.REFUTED)


@pytest.mark.parametrize(
    ("statement", "let", "outcome"),
    [  # found by review
        (
            r"\sum_{i \ne j} c_{min} x_i = c_{min}\sum_i x_i - c_{min} x_j",
            {"x": "vector(n)"},
            "holds",
        ),
        (r"\sum_{i \ne j} x_i x_j = (\sum_i x_i)^2 - \sum_i x_i^2", {"x": "vector(n)"}, "refused"),
        (r"\sum_{i=1}^{3} \delta_{i2} x_i = x_2", {"x": "vector(3)"}, "holds"),
        (r"\delta_{ij} = \delta_{ji}", {}, "refused"),  # no indices in scope: no reading
        (r"\delta_{12} = 0", {}, "refused"),
        # entries, softmax and comma subscripts
        (r"\mathrm{softmax}(z)_1 = 1", {}, "refused"),  # z undeclared: a number, no vector
        (r"\mathrm{logsumexp}(z) = z", {}, "refused"),
        (
            r"\left(W x\right)_i y_i = y^\top W x",
            {"W": "matrix(m, n)", "x": "vector(n)", "y": "vector(m)"},
            "refused",
        ),
        (r"\delta_{ij} a_j = a_i", {"a": "vector(n)"}, "refused"),  # summed by the convention?
        (r"\sum_j X_{i,j} = \sum_j X_{ij}", {"X": "matrix(n, n)"}, "holds"),
        (
            r"u_{i,j} + 0 = u_{ij}",
            {"u": "vector(4)"},
            "refused",
        ),  # commas: an entry of a matrix only
        (r"\sum_{k=2}^{2n} a_k = \sum_{i=2}^{2n} a_i", {"n": "positive integer"}, "holds"),
        (r"\cos \mathbb{\pi} = -1", {}, "holds"),
    ],
)
def test_readings_the_reviews_found(
    statement: str, let: dict[str, str], outcome: str, verdict_of: Callable[..., Verdict]
) -> None:
    verdict = verdict_of(statement, let=let)
    if outcome == "holds":
        assert verdict.status.holds, verdict.summary
    else:
        assert verdict.status not in (Status.PROVED, Status.VERIFIED, Status.REFUTED), (
            verdict.summary
        )


@pytest.mark.parametrize(
    "text", [r"\nabla_{x,y} f = 0", r"(W x)_{1i} = 0", r"(A B)_{12} = 0", r"X_{1,2} = 0"]
)
def test_subscripts_that_run_together_or_list_indices_are_refused_where_doubtful(text: str) -> None:
    with pytest.raises(ParseError):
        parse_statement(text)
