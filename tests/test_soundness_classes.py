"""Every class of wrong verdict found by adversarial testing (issue 9), one statement each
at least: a false statement is never proved or verified, a true one never refuted, and a
statement the engine cannot read gets a clear error, not an internal one."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from derive.cache import VerdictCache
from derive.claim import claim
from derive.engine import Settings, decide
from derive.model.cases import single_points
from derive.model.types import Domain
from derive.verdict import Scope, Status, Verdict

SETTINGS = Settings(seed=0, timeout=30)
HOLDS = {Status.PROVED, Status.VERIFIED}


def verdict_of(statement: str, **fields: object) -> Verdict:
    return decide(
        claim("t/soundness/case", "t", source="t", statement=statement, **fields).check, SETTINGS
    )


VECTOR = {"u": "vector(n)"}

FALSE = [  # each must end refuted: a confirmed counterexample exists
    ("‖u‖_1 <= ‖u‖", {"let": VECTOR}),
    ("norm(u, inf) >= norm(u)", {"let": VECTOR}),
    ("‖u‖_3 >= ‖u‖_1", {"let": VECTOR}),
    ("det(transpose(A) A) = det(A transpose(A))", {"let": {"A": "matrix(m, n)"}}),
    ("E[g_s g_t] = E[g_s] E[g_t]", {"let": {"g": "random sequence ~ generic"}}),
    ("sqrt(x)^2 = x", {}),
    ("exp(log(x)) = x", {}),
    ("sqrt(x) sqrt(x) = x", {}),
    ("x^2 + 2 > 2 sqrt(2) x", {}),
    ("x^2 - 2 pi x + pi^2 > 0", {}),
    ("exp(x) > 1 + x", {}),
    ("log(6) < log(2) + log(3)", {}),
    ("exp(-200) = 0", {}),
    (r"\sigma^2(z) = \sigma(z^2)", {}),
    ("E[relu(X)] = 2/5", {"let": {"X": "random ~ Normal(0, 1)"}}),
    ("E[exp(X)] = 33/20", {"let": {"X": "random ~ Normal(0, 1)"}}),
    ("Sum(1, (i, 1, t)) <= 71", {"let": {"t": "positive integer"}}),
    ("Sum(i, (i, 1, n)) = n(n + 1)/2", {"let": {"n": "integer"}}),  # n = -2: 0 vs 1
    ("E[X^4] = 3 s^2", {"let": {"X": "random ~ symmetric(s)"}}),  # only for normal laws
    # elements of a sequence whose indices may be equal are not independent
    ("E[g_1 g_t] = E[g]^2", {"let": {"g": "random sequence ~ generic"}}),  # t = 1
    ("E[g_t g_{2t}] = E[g]^2", {"let": {"g": "random sequence ~ generic"}}),  # t = 0
    ("E[g_s g_{t+1}] = E[g]^2", {"let": {"g": "random sequence ~ generic"}, "assume": ["s != t"]}),
    (
        "E[g_t Sum(g_i, (i, 1, n))] = n E[g]^2",  # g_t is one of the g_i when 1 <= t <= n
        {"let": {"g": "random sequence ~ generic", "n": "positive integer"}},
    ),
    (
        "E[Sum(g_i, (i, 1, n)) Sum(g_j, (j, 1, n))] = n^2 E[g]^2",
        {"let": {"g": "random sequence ~ generic", "n": "positive integer"}},
    ),
    ("E[g_r g_s g_t] = E[g]^3", {"let": {"g": "random sequence ~ generic"}, "assume": ["r != s"]}),
    ("softplus(z) - relu(z) < log(2)", {}),  # a tie at z = 0 that only rewriting shows
    ("sigmoid(z) + sigmoid(-z) > 1", {}),
    ("Sum(i, (i, 1, n)) != 5050", {"let": {"n": "positive integer"}}),  # n = 100, past the grid
    ("Sum(i^2, (i, 1, n)) < 10^6", {"let": {"n": "positive integer"}}),  # from n = 144
    ("Sum(1/i^2, (i, 1, 1000)) > 1.6449", {}),  # 1000 terms: summed, not refused
]

TRUE = [  # each must hold (proved or verified)
    ("Sum(u_i^2, (i, 1, n)) = norm(u)^2", {"let": VECTOR}),
    ("Sum(abs(u_i), (i, 1, n)) = ‖u‖_1", {"let": VECTOR}),
    ("‖u‖_1 >= ‖u‖", {"let": VECTOR}),
    ("x(a+b)^2 = x*(a+b)^2", {}),
    ("2ab = 2*a*b", {}),
    ("3ab^2 = 3 a b^2", {}),
    ("(a+b)² = a² + 2ab + b²", {}),  # Unicode as students type it
    ("uᵀu = norm(u)^2", {"let": VECTOR}),
    ("x⁻¹ = 1/x", {}),
    ("a × b = a·b", {}),
    ("e(x + 1) = e*x + e", {}),
    (r"\sigma^2(z) = \sigma(z)\sigma(z)", {}),  # σ is applied elsewhere: σ²(z) is σ(z)²
    ("sigma^2 x = sigma sigma x", {}),  # σ is never applied: a number
    ("pi(x + 1) = pi*x + pi", {}),
    ("(-8)^(1/3) = -2", {}),
    ("sqrt(x)^2 = x", {"assume": ["x >= 0"]}),
    ("exp(log(x)) = x", {"assume": ["x > 0"]}),
    (
        "E[g_s g_t] = E[g_s] E[g_t]",
        {"let": {"g": "random sequence ~ generic"}, "assume": ["s != t"]},
    ),
    ("E[g_t g_{t-1}] = E[g_t] E[g_{t-1}]", {"let": {"g": "random sequence ~ generic"}}),
    (  # integer indices assumed different are never given equal values
        "Var(g_s + g_t) = Var(g_s) + Var(g_t)",
        {
            "let": {"g": "random sequence ~ generic", "s": "integer", "t": "integer"},
            "assume": ["s != t"],
        },
    ),
    ("Sum((-1)^i, (i, 1, 2n)) = 0", {"let": {"n": "positive integer"}}),  # 202 terms far out
    ("E[g_t g_{t-1}] = E[g]^2", {"let": {"g": "random sequence ~ generic"}}),  # never equal
    (
        "E[Sum(g_i, (i, 1, n)) Sum(g_j, (j, 1, n))] = n E[g^2] + n(n - 1) E[g]^2",
        {"let": {"g": "random sequence ~ generic", "n": "positive integer"}},
    ),
    (
        "E[g_r g_s g_t] = E[g]^3",
        {"let": {"g": "random sequence ~ generic"}, "assume": ["r != s", "s != t", "r != t"]},
    ),
    ("E[X^2] = p", {"let": {"X": "random ~ Bernoulli(p)"}}),
    ("E[relu(X)] = 1/sqrt(2 pi)", {"let": {"X": "random ~ Normal(0, 1)"}}),
    ("Var(Sum(X_i, (i, 1, n))/n) = 1/n", {"let": {"X": "random sequence ~ Normal(0, 1)"}}),
    ("x^2 + 2 >= 2 sqrt(2) x", {}),
    ("sigmoid(x) < 1", {}),
    ("softplus(x) > relu(x)", {}),
    ("sqrt(x^2 + 1) > abs(x)", {}),
]


@pytest.mark.parametrize(("statement", "fields"), FALSE, ids=[s for s, _ in FALSE])
def test_false_statement_is_refuted(statement: str, fields: dict) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.status is Status.REFUTED, (
        f"{verdict.status.value}: {verdict.summary or verdict.reason}"
    )


@pytest.mark.parametrize(("statement", "fields"), TRUE, ids=[s for s, _ in TRUE])
def test_true_statement_holds(statement: str, fields: dict) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.status in HOLDS, f"{verdict.status.value}: {verdict.summary or verdict.reason}"


@pytest.mark.parametrize(
    ("statement", "fields"),
    [
        ("E[1/X] = 0", {"let": {"X": "random ~ Normal(0, 1)"}}),  # the moment does not exist
        ("E[X/Y] = 0", {"let": {"X": "random ~ Normal(0, 1)", "Y": "random ~ Normal(0, 1)"}}),
    ],
)
def test_a_moment_that_does_not_exist_is_not_decided(statement: str, fields: dict) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.status in (Status.UNKNOWN, Status.ERROR), verdict.summary


@pytest.mark.parametrize(
    ("statement", "fields"),
    [("log(1 + x) <= x", {"assume": ["x > -1"]}), ("tanh(x)^2 < 1", {})],
)
def test_true_inequality_is_never_refuted(statement: str, fields: dict) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.status is not Status.REFUTED, verdict.summary


def test_up_to_needs_a_smooth_difference() -> None:
    rough = verdict_of("abs(eta) = 0", up_to=("eta", 2))
    assert rough.status is Status.ERROR and "smooth" in rough.reason
    assert verdict_of("exp(eta) = 1 + eta", up_to=("eta", 2)).status is Status.PROVED
    assert verdict_of("exp(eta) = 1", up_to=("eta", 2)).status is Status.REFUTED


def test_coinciding_indices_name_the_case_in_the_counterexample() -> None:
    verdict = verdict_of("E[g_s g_t] = E[g_s] E[g_t]", let={"g": "random sequence ~ Normal(0, 1)"})
    assert verdict.counterexample is not None
    assert ("s", "t") in verdict.counterexample.values


def test_an_entry_with_an_index_summed_nowhere_is_not_read_as_a_name() -> None:
    """004 Q2a writes Σ_i Σ_j |X_ij - A_ik B_kj|²: A_ik is an entry of A, not a new scalar
    (refuting at A_ik = -1, A = [[0]] was a false alarm); the repeated k is summed. A k
    that occurs once is free: the relation must hold for every k, and here does not."""
    let = {"A": "matrix(m, r)", "B": "matrix(r, n)", "X": "matrix(m, n)"}
    implicit = "Sum(Sum(abs(X_{ij} - A_{ik} B_{kj})^2, (j, 1, n)), (i, 1, m)) = norm(X - A B, F)^2"
    explicit = implicit.replace("A_{ik} B_{kj}", "Sum(A_{ik} B_{kj}, (k, 1, r))")
    assert verdict_of(implicit, let=let).status is Status.PROVED
    assert verdict_of(explicit, let=let).status is Status.PROVED
    free = verdict_of(implicit.replace("A_{ik} B_{kj}", "A_{ik}"), let=let)
    assert free.status is Status.REFUTED and free.counterexample.confirmed


def test_a_sum_too_long_to_evaluate_is_a_clear_error() -> None:
    verdict = verdict_of("Sum(sin(i), (i, 1, 10^7)) < 2")
    assert verdict.status is Status.ERROR and "too long" in verdict.reason


def test_misspelt_builtin_suggests_the_builtin() -> None:
    verdict = verdict_of("sigmod(x) = 1/(1 + exp(-x))")
    assert verdict.status is Status.ERROR and "did you mean sigmoid?" in verdict.reason


def test_contradictory_assumptions_are_a_clear_error() -> None:
    verdict = verdict_of("x > 0", assume=["x > 1", "x < 0"])
    assert verdict.status is Status.ERROR and "contradict" in verdict.reason


@pytest.mark.parametrize(
    ("statement", "fields"),
    [
        ("Sum(1/i^2, (i, 1, oo)) = pi^2/6", {}),
        ("sqrt(x)/sqrt(x) = 1", {}),
        (  # s appears only in the law: it is drawn like any other name (Jensen)
            "E[exp(X)] >= exp(E[X])",
            {"let": {"X": "random ~ Normal(mu, s)", "s": "positive"}},
        ),
    ],
)
def test_no_internal_error(statement: str, fields: dict) -> None:
    verdict = verdict_of(statement, **fields)
    assert verdict.method != "internal", verdict.reason


def test_proof_at_explicit_sizes_states_its_scope() -> None:
    verdict = verdict_of("norm(u)^2 = transpose(u) u", let=VECTOR)
    assert verdict.status is Status.PROVED and verdict.scope is not None
    assert verdict.scope.proved == ((("n", 1),), (("n", 2),), (("n", 3),))
    assert (("n", 4),) in verdict.scope.checked
    assert verdict.scope.describe().startswith("for n = 1, 2, 3")


def test_size_assumptions_restrict_the_sizes() -> None:
    verdict = verdict_of("norm(u)^2 >= 0", let=VECTOR, assume=["n >= 2"])
    assert verdict.scope is not None and all(dict(s)["n"] >= 2 for s in verdict.scope.proved)


def test_the_reading_shows_products_and_components() -> None:
    assert verdict_of("x(a+b)^2 = 2ab").reading == "x*(a + b)**2 = 2*a*b"
    assert "u[1]**2" in verdict_of("Sum(u_i^2, (i, 1, n)) = norm(u)^2", let=VECTOR).reading


def test_product_condition_has_every_branch() -> None:
    x, y = sp.symbols("x y", real=True)
    assert set(single_points(sp.Eq(x * y, 0))) == {(x, 0), (y, 0)}
    assert single_points(sp.Eq(x, 2)) == [(x, 2)]


def test_empty_domains() -> None:
    from fractions import Fraction

    assert Domain(lower=Fraction(1), upper=Fraction(0)).is_empty()
    assert Domain(
        integer=True, lower=Fraction(0), upper=Fraction(1), lower_open=True, upper_open=True
    ).is_empty()
    assert not Domain(lower=Fraction(0), upper=Fraction(1)).is_empty()


def test_internal_errors_and_timeouts_are_never_cached(tmp_path) -> None:
    cache = VerdictCache(tmp_path)
    cache.put("a" * 64, Verdict(Status.ERROR, "internal", reason="boom"))
    cache.put("b" * 64, Verdict(Status.UNKNOWN, "budget", reason="time"))
    cache.put("c" * 64, Verdict(Status.PROVED, "symbolic: expansion", scope=Scope(((("n", 1),),))))
    assert cache.get("a" * 64) is None and cache.get("b" * 64) is None
    kept = cache.get("c" * 64)
    assert kept is not None and kept.scope == Scope(((("n", 1),),))


KEEPS = {  # each scalar hypothesis, checked by hand at a counterexample
    "abs(x) <= 1": lambda v: abs(v["x"]) <= 1,
    "a <= 1": lambda v: v["a"] <= 1,
    "b <= 1": lambda v: v["b"] <= 1,
}


@pytest.mark.parametrize(
    ("statement", "given", "expected"),
    [
        ("x^2 <= 1", ["abs(x) <= 1"], HOLDS),
        ("x^2 < 1", ["abs(x) <= 1"], {Status.REFUTED}),  # x = 1 keeps the hypothesis
        ("a + b <= 2", ["a <= 1", "b <= 1"], HOLDS),
        ("a b <= 1", ["a <= 1", "b <= 1"], {Status.REFUTED}),  # a = -1, b = -2 keeps both
        # no point found that keeps ‖W‖ = 1/2: not decided, and never refuted at one that breaks it
        ("norm(W u) <= norm(u)/2", ["norm(W) = 1/2"], {Status.UNKNOWN, Status.VERIFIED}),
        ("norm(W u) <= norm(u)/3", ["lambda_max(transpose(W) W) <= 1/4"], {Status.REFUTED}),
    ],
)
def test_a_counterexample_keeps_every_hypothesis(
    statement: str, given: list[str], expected: set[Status]
) -> None:
    let = {"W": "matrix(n, n)", "u": "vector(n)"} if "W" in statement else {}
    verdict = verdict_of(statement, given=given, let=let)
    assert verdict.status in expected, verdict.summary or verdict.reason
    if verdict.counterexample is not None and not let:
        point = {name: Fraction(value) for name, value in verdict.counterexample.values}
        assert all(KEEPS[hypothesis](point) for hypothesis in given), point


# -- elements before a recurrence's first term --------------------------------------------

CHAIN = {"h": "sequence", "n": "positive integer", "sigma": "sigmoid"}
CHAIN_WHERE = {"h_k": "sigma(h_{k-1})", "h_0": "x"}


def _chain(statement: str) -> Verdict:
    built = claim("t/t/h", "t", source="t", statement=statement, let=CHAIN, where=CHAIN_WHERE)
    return decide(built.check, Settings(timeout=30))


def test_an_element_before_the_first_term_is_outside_the_statement() -> None:
    """At n = 1, h_{n-2} is h_{-1}, which does not exist: the statement says nothing there,
    and the other values of n decide it."""
    holds = _chain("abs(diff(h_{n-1}, x)) <= (1/4) abs(diff(h_{n-2}, x))")
    assert holds.status.holds
    fails = _chain("abs(diff(h_{n-2}, x)) <= 1/5")
    assert fails.status is Status.REFUTED
    assert fails.counterexample is not None and fails.counterexample.as_dict()["n"] == "2"
