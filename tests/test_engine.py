"""The engine's verdicts on statements users rely on: proofs, refutations with real
counterexamples, honest unknowns, and errors that say what is wrong."""

from __future__ import annotations

import time

import pytest

from derive.claim import Extremum, Outcome, Property, claim
from derive.engine import Settings, check_claims, decide, prove
from derive.verdict import Status


def run(statement: str, timeout: float = 30.0, **kwargs: object):
    return decide(
        claim("t/t/t", "test", source="test", statement=statement, **kwargs).check,
        Settings(timeout=timeout),
    )


@pytest.mark.parametrize(
    "statement",
    [
        "tanh(z) = 2 sigmoid(2z) - 1",
        "diff(sigmoid(z), z) = exp(-z) / (1 + exp(-z))^2",
        "diff(tanh(z), z) = 1 - tanh(z)^2",
        "(a + b)^2 = a^2 + 2 a b + b^2",
        "relu(x) - relu(-x) = x",
        "max(a, b) + min(a, b) = a + b",
        "softplus(x) - softplus(-x) = x",
    ],
)
def test_true_scalar_identities_are_proved(statement: str) -> None:
    verdict = run(statement)
    assert verdict.status is Status.PROVED, verdict


@pytest.mark.parametrize(
    ("statement", "name"),
    [
        ("tanh(z) = 2 sigmoid(z) - 1", "z"),
        ("sqrt(x^2) = x", "x"),
        ("(a + b)^2 = a^2 + b^2", "a"),
        ("4 / (exp(2z + 2) + exp(-2z)) = 1 - tanh(z)^2", "z"),
    ],
)
def test_false_statements_are_refuted_with_a_confirmed_counterexample(
    statement: str, name: str
) -> None:
    verdict = run(statement)
    assert verdict.status is Status.REFUTED, verdict
    assert verdict.counterexample is not None
    assert name in verdict.counterexample.as_dict()
    assert verdict.counterexample.confirmed in ("exact", "60 and 100 digits")


def test_counterexamples_are_shrunk_to_simple_values() -> None:
    verdict = run("x^2 + y^2 = (x + y)^2")
    values = verdict.counterexample.as_dict()
    assert all(v in ("0", "1", "-1", "2", "1/2", "-2") for v in values.values()), values


def test_assumptions_decide_the_domain() -> None:
    assert run("sqrt(x^2) = x", assume=["x > 0"]).status is Status.PROVED
    assert run("sqrt(x^2) = -x", assume=["x < 0"]).status is Status.PROVED


def test_floating_point_cancellation_never_refutes_a_true_statement() -> None:
    # in floating point the left side is 0 near x = 10^8; exactly, both sides agree
    verdict = run("(sqrt(x^2 + 1) - x) * x = x / (sqrt(x^2 + 1) + x)", assume=["x > 100000000"])
    assert verdict.status in (Status.PROVED, Status.VERIFIED), verdict


def test_close_but_different_constants_are_refuted_exactly() -> None:
    verdict = run("x + 10^-30 = x")
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample.confirmed == "exact"


def test_inequalities() -> None:
    assert run("(a + b)^2 <= 2 a^2 + 2 b^2").status in (Status.PROVED, Status.VERIFIED)
    assert run("sigmoid(z) * (1 - sigmoid(z)) <= 1/4").status in (Status.PROVED, Status.VERIFIED)
    refuted = run("x^2 <= x")
    assert refuted.status is Status.REFUTED
    assert refuted.counterexample.as_dict()["x"] in ("-1", "2", "-2", "1/2")


def test_vector_identity_is_proved_at_explicit_sizes() -> None:
    verdict = run("norm(u)^2 = transpose(u) u", let={"u": "vector(n)"})
    assert verdict.status is Status.PROVED
    assert verdict.proved_sizes == ("n = 1", "n = 2", "n = 3")
    assert verdict.trials is not None and "n = 5" in verdict.trials.sizes


def test_chain_rule_holds_for_every_function() -> None:
    verdict = run(
        "grad(L, u) = gamma / norm(u) * (I - u transpose(u) / norm(u)^2) grad(L, w)",
        let={"u": "vector(n)", "gamma": "positive", "L": "function(w)"},
        where={"w": "gamma u / norm(u)"},
    )
    assert verdict.status is Status.PROVED, verdict


def test_wrong_chain_rule_is_refuted() -> None:
    # the MatrixSymbol answer that NOTES.md warns about: it drops the projection
    verdict = run(
        "grad(L, u) = gamma / norm(u) * grad(L, w)",
        let={"u": "vector(n)", "gamma": "positive", "L": "function(w)"},
        where={"w": "gamma u / norm(u)"},
    )
    assert verdict.status is Status.REFUTED, verdict


def test_shape_mismatch_is_an_error_not_a_verdict() -> None:
    verdict = run("u = transpose(u) u", let={"u": "vector(n)"})
    assert verdict.status is Status.ERROR
    assert "shape" in verdict.reason


def test_exact_expectations() -> None:
    assert run("E[X^2] = 1", let={"X": "random ~ Normal(0, 1)"}).status is Status.PROVED
    assert (
        run("Var(X) = p (1 - p)", let={"X": "random ~ Bernoulli(p)"}, assume=["0 < p < 1"]).status
        is Status.PROVED
    )
    identity = run(
        "Var(X Y) = Var(X) Var(Y) + Var(X) E[Y]^2 + Var(Y) E[X]^2",
        let={"X": "random ~ generic", "Y": "random ~ generic"},
    )
    assert identity.status is Status.PROVED
    assert run("E[relu(a)^2] = 1/2", let={"a": "random ~ symmetric(1)"}).status is Status.PROVED


def test_a_false_expectation_is_refuted_exactly() -> None:
    verdict = run("E[X^2] = 2", let={"X": "random ~ Normal(0, 1)"})
    assert verdict.status is Status.REFUTED


def test_induction_over_a_recurrence() -> None:
    verdict = run(
        "v_t = (1 - beta) Sum(beta^(t - i) g_i, (i, 1, t))",
        let={"t": "positive integer", "g": "sequence"},
        assume=["0 < beta < 1"],
        where={"v_t": "beta v_{t-1} + (1 - beta) g_t", "v_0": "0"},
    )
    assert verdict.status is Status.PROVED
    assert verdict.method == "induction"


def test_wrong_closed_form_of_a_recurrence_is_refuted() -> None:
    verdict = run(
        "v_t = Sum(beta^(t - i) g_i, (i, 1, t))",
        let={"t": "positive integer", "g": "sequence"},
        assume=["0 < beta < 1"],
        where={"v_t": "beta v_{t-1} + (1 - beta) g_t", "v_0": "0"},
    )
    assert verdict.status is Status.REFUTED


def test_series_up_to_second_order() -> None:
    assert run("exp(eta) = 1 + eta", up_to=("eta", 2)).status is Status.PROVED
    assert run("exp(eta) = 1 + 2 eta", up_to=("eta", 2)).status is Status.REFUTED


def test_extremum_by_critical_points() -> None:
    proved = decide(
        claim(
            "t/t/t", "t", source="t", check=Extremum("sigma'(z)", "z", "1/4", "max", at="0")
        ).check
    )
    assert proved.status is Status.PROVED
    wrong = decide(
        claim("t/t/t", "t", source="t", check=Extremum("tanh'(z)", "z", "1/2", "max")).check
    )
    assert wrong.status is Status.REFUTED


def test_properties_forall_and_exists() -> None:
    even = Property(
        test=lambda k: Outcome(k * k % 2 == k % 2, (("k", str(k)),)),
        simple=lambda: range(10),
        exact=True,
    )
    assert decide(even).status is Status.PROVED
    witness = Property(
        test=lambda k: Outcome(k > 5, (("k", str(k)),)),
        simple=lambda: range(10),
        kind="exists",
        exact=True,
    )
    assert decide(witness).status is Status.PROVED
    false = Property(
        test=lambda k: Outcome(k < 5, (("k", str(k)),), "k", "5"),
        simple=lambda: range(10),
        exact=True,
    )
    verdict = decide(false)
    assert verdict.status is Status.REFUTED
    assert verdict.counterexample.as_dict() == {"k": "5"}


def test_same_seed_same_verdict() -> None:
    first = run("x^3 - x <= 10")
    second = run("x^3 - x <= 10")
    assert first.counterexample == second.counterexample
    assert first.seed == second.seed == 0


def _forever(_: object) -> Outcome:
    while True:
        pass


def test_runaway_check_is_stopped_and_unknown() -> None:
    runaway = claim("t/t/loop", "t", source="t", check=Property(test=_forever, simple=lambda: [0]))
    (verdict,) = check_claims([runaway], Settings(timeout=1.0))
    assert verdict.status is Status.UNKNOWN
    assert "time" in verdict.reason


def test_prove_runs_in_a_child_process() -> None:
    statement = claim("t/t/t", "t", source="t", statement="x^2 >= 0").check
    assert prove(statement, Settings(timeout=20)).status is Status.PROVED


def test_a_claim_that_cannot_be_read_is_an_error_not_a_crash() -> None:
    broken = claim("t/t/broken", "t", source="t", statement="x = x", where={"w": "gamma u /"})
    verdict = decide(broken.check)
    assert verdict.status is Status.ERROR
    assert "could not be built" in verdict.reason


def test_derivatives_with_respect_to_elements_of_a_recurrence() -> None:
    context = {"let": {"h": "sequence"}, "where": {"h_k": "sigmoid(h_{k-1})"}}
    assert run("diff(h_1, h_0) = h_1 (1 - h_1)", **context).status is Status.PROVED
    assert run("diff(h_2, h_1) = h_2 (1 - h_2)", **context).status is Status.PROVED
    assert run("diff(h_2, h_0) = h_2 (1 - h_2) h_1 (1 - h_1)", **context).status is Status.PROVED
    assert run("diff(h_2, h_0) = h_2 (1 - h_2)", **context).status is Status.REFUTED


def test_scaled_identity_takes_the_size_of_the_matrix() -> None:
    assert run("A + lam I = lam I + A", let={"A": "matrix(n, n)"}).status is Status.PROVED


def test_expectation_of_independent_non_polynomial_factors() -> None:
    laws = {"w": "random ~ Normal(0, 1)", "z": "random ~ symmetric(1)"}
    assert run("E[w^2 relu(z)^2] = 1/2", let=laws).status is Status.PROVED
    assert run("E[w^2 relu(z)^2] = 1", let=laws).status is Status.REFUTED


def test_a_folded_recurrence_is_never_differentiated_as_a_constant() -> None:
    # d h_n / dx with n unknown cannot be 0 "because h_n is an atom": no proof is claimed
    verdict = run(
        "diff(h_n, x) * max(0, n - 40) = 0",
        let={"h": "sequence", "n": "positive integer"},
        where={"h_k": "sigmoid(h_{k-1})", "h_0": "x"},
    )
    assert verdict.status is not Status.PROVED
    assert any("not unrolled" in step for step in verdict.steps)


def test_inconsistent_uses_are_errors_not_crashes() -> None:
    assert run("f(x, y) = f(x)").status is Status.ERROR
    assert run("norm(V / norm(V)) = 1", let={"V": "matrix(d, d)"}).status in (
        Status.PROVED,
        Status.VERIFIED,
    )


def test_domains_a_side_that_is_not_real_where_the_other_is_refutes() -> None:
    # real variables: log(x^2) = 2 log(x) fails at x = -1, where only the left side exists
    verdict = run("log(x^2) = 2 log(x)")
    assert verdict.status is Status.REFUTED
    assert "not a real number" in (verdict.counterexample.lhs + verdict.counterexample.rhs)
    assert run("log(x^2) = 2 log(x)", assume=["x > 0"]).status is Status.PROVED
    assert run("sqrt(a) sqrt(b) = sqrt(a b)").status is Status.REFUTED


def test_domains_a_division_by_zero_says_nothing_at_that_point() -> None:
    assert run("x / x = 1").status is Status.PROVED
    assert run("norm(V / norm(V)) = 1", let={"V": "matrix(d, d)"}).status is Status.VERIFIED


def test_a_deadline_holds_when_an_inner_step_swallows_the_outer_one() -> None:
    """An outer deadline that a nested step catches as if it were its own (and goes on)
    fires again, so the block it governs cannot run unlimited (this hung CI once)."""
    import contextlib

    from derive.budget import BudgetExceeded, deadline

    start = time.monotonic()
    # the inner deadline relies on the earlier, outer one, which a step swallows
    with pytest.raises(BudgetExceeded), deadline(0.2), deadline(5.0):
        with contextlib.suppress(BudgetExceeded):
            time.sleep(1.0)
        while time.monotonic() - start < 10:  # unlimited, the block would end without raising
            pass
