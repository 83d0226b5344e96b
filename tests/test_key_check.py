"""`derive keys --check`: a key's errors are found before a class is graded with it."""

from __future__ import annotations

from derive.claim import claim
from derive.engine import Settings
from derive.grading.key import key, question
from derive.grading.key_check import Finding, check_key

SETTINGS = Settings(seed=0, timeout=20)
SHOWN = claim("t/key/shown", "a shown claim", source="t", statement="x + x = 2 x")


def findings(**fields: object) -> dict[str, Finding]:
    test_key = key("t", "t", source="t", questions=[question("1", 1, **fields)])
    return {item.what: item.finding for item in check_key(test_key, [SHOWN], SETTINGS)}


def test_a_right_answer_and_a_claim_that_passes_are_ok() -> None:
    found = findings(let={"x": "real"}, answer="x + x = 2 x", shows="t/key/shown")
    assert set(found.values()) == {Finding.OK}


def test_an_answer_that_cannot_be_built_is_an_error() -> None:
    found = findings(let={"u": "vector(n)"}, answer="u + 1 = u")  # a vector plus a number
    assert found["answer u + 1 = u"] is Finding.ERROR


def test_a_claim_the_library_does_not_have_is_an_error() -> None:
    assert findings(shows="t/key/missing")["shows t/key/missing"] is Finding.ERROR


def test_a_condition_and_an_undeclared_name_are_warnings() -> None:
    found = findings(let={"x": "real"}, answer="x > 1")  # holds for some x only
    assert found["answer x > 1"] is Finding.WARNING
    items = check_key(
        key("t", "t", source="t", questions=[question("1", 1, answer="theta + 1 = 1 + theta")]),
        [],
        SETTINGS,
    )
    assert any(i.finding is Finding.WARNING and "theta" in i.detail for i in items)


def test_a_value_found_for_a_quantity_is_not_a_claim_that_it_holds() -> None:
    test_key = key(
        "t",
        "t",
        source="t",
        questions=[question("1", 1, let={"eta": "positive"}, answer="lambda = -2 eta")],
    )
    items = check_key(test_key, [], SETTINGS)
    assert not any("does not hold" in i.detail for i in items)
    assert any(i.finding is Finding.OK for i in items)
