"""What a derivation's own definitions say about dependence (`derive.model.dependence`).

A partial derivative in a backprop derivation holds the other inputs of a definition
fixed; names a variable is built from cannot depend on it. Each rule is tested with the
statement it would get wrong if it went too far: a refutation that needs an input held
fixed is no evidence, and an input's own derivative is never 0 by fiat.
"""

from __future__ import annotations

from derive.derivation.check import check_derivation
from derive.derivation.reading import read_derivation, read_steps
from derive.engine import Settings
from derive.grading.results import StepStatus

SETTINGS = Settings(timeout=10)
VALID, INVALID, NOT_CHECKED = StepStatus.VALID, StepStatus.INVALID, StepStatus.NOT_CHECKED


def results(text: str | list[str]):
    derivation = read_steps(text) if isinstance(text, list) else read_derivation(text)
    return check_derivation(derivation, settings=SETTINGS).steps


def statuses(text: str | list[str]) -> list[StepStatus]:
    return [step.status for step in results(text)]


BATCH_NORM = "\\hat{x}_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}"


def test_a_name_a_variable_is_built_from_does_not_depend_on_it() -> None:
    # x, W_1, b_1 make z_1: none of them moves with z_1, so ∂h/∂z_1 is σ'(z_1)
    lines = ["z_1 = x W_1 + b_1", "h = \\sigma(z_1)"]
    right = "\\frac{\\partial h}{\\partial z_1} = \\sigma(z_1)(1 - \\sigma(z_1))"
    wrong = "\\frac{\\partial h}{\\partial z_1} = \\sigma(z_1)(1 + \\sigma(z_1))"
    assert statuses([*lines, right, wrong])[2:] == [VALID, INVALID]


def test_a_partial_derivative_holds_the_other_inputs_fixed_and_says_so() -> None:
    step = "\\frac{\\partial \\hat{x}_i}{\\partial x_i} = \\frac{1}{\\sqrt{\\sigma^2 + \\epsilon}}"
    result = results([BATCH_NORM, step])[1]
    assert result.status is VALID
    assert "holding" in result.method and "mu" in result.method


def test_a_refutation_that_needs_an_input_held_fixed_is_no_evidence() -> None:
    # wrong if μ and σ are fixed, but the document may make them move with x in words
    step = "\\frac{\\partial \\hat{x}_i}{\\partial \\mu} = \\frac{1}{\\sqrt{\\sigma^2 + \\epsilon}}"
    result = results([BATCH_NORM, step])[1]
    assert result.status is NOT_CHECKED
    assert "held fixed" in result.reason


def test_the_derivative_of_an_input_itself_is_not_made_zero() -> None:
    # μ is an input of x̂'s definition; holding it fixed would prove ∂μ/∂x_i = 0
    step = "\\frac{\\partial \\mu}{\\partial x_i} = 0"
    assert statuses([BATCH_NORM, step])[1] is NOT_CHECKED


def test_a_line_that_defines_entries_gives_its_index_a_range() -> None:
    text = (
        "Let $z \\in \\mathbb{R}^n$.\n\n"
        "$$a_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n"  # a bare Σ_k: z's indices
        "$$\\frac{\\partial a_i}{\\partial z_i} = a_i(1 - a_i)$$\n"
        "$$\\frac{\\partial a_j}{\\partial z_i} = a_j(\\delta_{ij} - a_i)$$\n"
        # holds for i ≠ j only: j must range over z's indices, not stay a free symbol
        "$$\\frac{\\partial a_j}{\\partial z_i} = -a_i a_j$$\n"
    )
    assert statuses(text) == [NOT_CHECKED, VALID, VALID, INVALID]


SOFTMAX = "Let $z \\in \\mathbb{R}^n$.\n\n$$a_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n"


def test_a_case_after_a_comma_is_the_claims_condition_not_a_definition() -> None:
    # `, i = j` had defined i, and the claim was refuted at i ≠ j; it is C(i, i)
    right = "$$\\frac{\\partial a_j}{\\partial z_i} = a_i(1 - a_i), \\quad i = j$$\n"
    wrong = "$$\\frac{\\partial a_j}{\\partial z_i} = a_i(1 + a_i), \\quad i = j$$\n"
    steps = results(SOFTMAX + right + wrong)
    assert [s.status for s in steps] == [NOT_CHECKED, VALID, INVALID]
    assert "in the case i = j" in steps[1].method


def test_a_case_the_prose_states_is_the_claims_condition() -> None:
    step = "When $i = j$ we get\n\n$$\\frac{\\partial a_j}{\\partial z_i} = a_j(1 - a_i)$$\n"
    assert statuses(SOFTMAX + step)[1] is VALID
    # and a case of inequality is not read as an equality
    other = "When $i \\neq j$ we get\n\n$$\\frac{\\partial a_j}{\\partial z_i} = a_j(1 - a_i)$$\n"
    assert statuses(SOFTMAX + other)[1] is NOT_CHECKED


def test_terms_differentiation_removes_are_no_substitution() -> None:
    # b and x_i disappear by differentiating: the steps are decided, not "substituted"
    assert statuses(["z = w x + b", "\\frac{\\partial z}{\\partial x} = w"])[1] is VALID
    step = (
        "\\frac{\\partial \\hat{x}_i}{\\partial \\mu} = \\frac{-1}{\\sqrt{\\sigma^2 + \\epsilon}}"
    )
    assert statuses([BATCH_NORM, step])[1] is VALID


def test_a_function_the_document_redefines_in_a_line_derive_cannot_read_is_not_refuted() -> None:
    # σ is the softmax here (its defining line has σ(z)_i on the left); read as the
    # sigmoid, the step would be refuted at K = 1
    text = (
        "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum^K_{j=1}e^{z_j}}$$\n"
        "$$\\frac{\\partial[\\sigma(\\mathbf{a})]_i}{\\partial a_j} = "
        "\\frac{\\partial}{\\partial a_j}\\frac{e^{a_i}}{\\sum^K_{k=1}e^{a_k}}$$\n"
    )
    assert INVALID not in statuses(text)


def test_a_proof_through_a_definition_with_matrix_like_products_is_not_trusted() -> None:
    # ∂z_1/∂x = W_1 holds for numbers; with z_1 := x W_1 + b_1 of row vectors it is a
    # matter of layout (W_1 or W_1ᵀ): the product in the definition counts as written
    lines = ["z_1 = x W_1 + b_1", "\\frac{\\partial z_1}{\\partial x} = W_1"]
    result = results(lines)[1]
    assert result.status is NOT_CHECKED
    assert "vectors or matrices" in result.reason


ENTRYWISE = "Let $x \\in \\mathbb{R}^n$.\n\n$$p_j = \\frac{e^{x_j}}{\\sum_{k=1}^n e^{x_k}}$$\n"
WHOLE = "Let $x \\in \\mathbb{R}^n$.\n\n$$p = \\mathrm{softmax}(x)$$\n"
CHAIN = (
    "$$\\frac{\\partial L}{\\partial x_i} = "
    "\\sum_{j=1}^n \\frac{\\partial L}{\\partial p_j} \\frac{\\partial p_j}{\\partial x_i}$$\n"
)


def test_a_letter_defined_entry_by_entry_stands_for_its_entries_when_written_bare() -> None:
    # p was a vector of free entries, so ∂p/∂x_1 = 0 and ∂(pᵀp)/∂x_1 = 0 were proved
    text = ENTRYWISE + (
        "$$\\frac{\\partial p}{\\partial x_1} = 0$$\n"
        "$$\\frac{\\partial (p^T p)}{\\partial x_1} = 0$$\n"
        "$$\\sum_{j=1}^n p_j = 1$$\n"
    )
    assert statuses(text) == [NOT_CHECKED, INVALID, INVALID, VALID]


def test_a_derivative_by_an_entry_of_a_defined_vector_holds_the_whole_vector() -> None:
    # ∂(pᵀp)/∂p_1 is 2 p_1 at the point p = softmax(x): p_1 itself is no expression
    right = "$$\\frac{\\partial (p^T p)}{\\partial p_1} = 2 p_1$$\n"
    wrong = "$$\\frac{\\partial (p^T p)}{\\partial p_1} = p_1$$\n"
    declared = "Let $x, p \\in \\mathbb{R}^n$.\n\n$$p = \\mathrm{softmax}(x)$$\n"
    for definition in (declared, ENTRYWISE):
        assert statuses(definition + right + wrong)[1:] == [VALID, INVALID]


def test_an_undefined_loss_is_any_function_of_the_last_variable_of_its_chain_rule() -> None:
    for definition in (WHOLE, ENTRYWISE):
        steps = results(definition + CHAIN)
        assert steps[1].status is VALID
        assert "for every function L of p" in steps[1].method


def test_a_chain_rule_that_fails_for_some_loss_is_not_called_wrong() -> None:
    # the missing Σ_j is wrong for most L, but the document's L is one it did not give
    missing = (
        "$$\\frac{\\partial L}{\\partial x_i} = "
        "\\frac{\\partial L}{\\partial p_i} \\frac{\\partial p_i}{\\partial x_i}$$\n"
    )
    zero = "$$\\frac{\\partial L}{\\partial x_i} = 0$$\n"
    for step in (missing, zero):
        result = results(WHOLE + CHAIN + step)[2]
        assert result.status is NOT_CHECKED
        assert "some functions L" in result.reason


def test_a_loss_is_not_read_as_a_function_where_its_variables_are_not_defined() -> None:
    # p undefined would become an input held fixed: ∂L/∂x_i = 0 would be "proved"
    text = (
        "Let $x \\in \\mathbb{R}^n$.\n\n" + CHAIN + "$$\\frac{\\partial L}{\\partial x_i} = 0$$\n"
    )
    assert statuses(text) == [NOT_CHECKED, NOT_CHECKED]


def test_a_loss_the_document_uses_otherwise_is_not_read_as_a_function() -> None:
    # L also appears bare (L ≥ 0): it is some quantity of the text, not any function
    text = WHOLE + CHAIN + "$$L \\ge 0$$\n"
    assert statuses(text)[1] is NOT_CHECKED
    # and a loss a line defines is that definition
    defined = WHOLE + "$$L = -\\sum_{k=1}^n y_k \\log p_k$$\n" + CHAIN
    assert "for every function" not in results(defined)[-1].method


VARIANCE = (
    "Let $x \\in \\mathbb{R}^m$.\n\n"
    "$$\\mu = \\frac{1}{m} \\sum_{i=1}^m x_i$$\n"
    "$$\\sigma^2 = \\frac{1}{m} \\sum_{i=1}^m (x_i - \\mu)^2$$\n"
)


def test_a_variance_a_line_defines_is_a_quantity_to_differentiate_by() -> None:
    text = VARIANCE + (
        "$$\\frac{\\partial \\sigma^2}{\\partial x_i} = \\frac{2(x_i - \\mu)}{m}$$\n"
        "$$\\frac{\\partial \\sigma^2}{\\partial x_i} = \\frac{(x_i - \\mu)}{m}$$\n"
        "$$\\hat{x}_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}$$\n"
        "$$\\frac{\\partial \\hat{x}_i}{\\partial \\sigma^2} = "
        "-\\frac{1}{2}(x_i - \\mu)(\\sigma^2 + \\epsilon)^{-3/2}$$\n"
    )
    assert statuses(text)[2:] == [VALID, INVALID, NOT_CHECKED, VALID]


def test_a_derivative_by_a_square_nothing_defines_is_not_guessed() -> None:
    # d(x⁴)/dx² is 2x² by the quantity x², 12x² as a second derivative with a typo
    assert statuses(["\\frac{d (x^4)}{d x^2} = 2 x^2"]) == [NOT_CHECKED]
    # and σ beside ∂/∂σ²: how σ moves with σ² is not read
    step = "$$\\frac{\\partial \\sigma}{\\partial \\sigma^2} = 0$$\n"
    assert statuses(VARIANCE + step)[2] is NOT_CHECKED


def test_a_derivative_through_a_defined_intermediate_is_refuted_only_as_neither_reading() -> None:
    # ∂x̂_i/∂x_i = 1 is the local partial of a computational graph (μ held fixed), and
    # 1 - 1/m the total derivative: each is right in its reading
    text = VARIANCE + (
        "$$\\hat{x}_i = x_i - \\mu$$\n"
        "$$\\frac{\\partial \\hat{x}_i}{\\partial x_i} = 1$$\n"
        "$$\\frac{\\partial \\hat{x}_i}{\\partial x_i} = 1 - \\frac{1}{m}$$\n"
        "$$\\frac{\\partial \\mu}{\\partial x_i} = \\frac{2}{m}$$\n"
    )
    steps = results(text)
    assert [s.status for s in steps[3:]] == [NOT_CHECKED, VALID, INVALID]
    assert "holding mu fixed" in steps[3].reason


def test_a_name_with_a_letter_label_is_no_vector_entry_unless_indexed() -> None:
    # b_o := 0 (the output's bias) had made b a vector defined entrywise, so ∂L/∂b_1
    # differentiated by all of "b" held at b_o's value
    lines = ["b_o = 0", "b_1 = 2", "y = 3 b_1 + b_o", "\\frac{\\partial y}{\\partial b_1} = 3"]
    assert statuses(lines)[3] is VALID


def test_a_line_restating_a_definition_from_the_same_quantities_is_checked_against_it() -> None:
    # valid where it restates the definition; otherwise a new definition, never an error:
    # doc 04's (√(σ²+ε))^{-0.5} is a slip, but "now let h = tanh(u)" after h = σ(u) is not
    defined = "\\hat{x}_i = \\frac{x_i - \\mu}{\\sqrt{s + \\epsilon}}"
    right = "\\hat{x}_i = (x_i - \\mu)(s + \\epsilon)^{-0.5}"
    other = "\\hat{x}_i = (x_i - \\mu)(\\sqrt{s + \\epsilon})^{-0.5}"
    steps = results([defined, right, other])
    assert [s.status for s in steps[1:]] == [VALID, NOT_CHECKED]
    assert "again" in steps[2].reason
    # and the letter means its new definition from there on
    lines = ["h = \\sigma(u)", "h = \\tanh(u)", "\\frac{\\partial h}{\\partial u} = 1 - h^2"]
    assert statuses(lines) == [NOT_CHECKED, NOT_CHECKED, VALID]


def test_a_line_binding_a_name_to_other_quantities_is_a_new_definition() -> None:
    # a new case or section may reuse the letter; an update names itself on the right
    lines = ["z = w x + b", "z = 2 u", "v = 3 g", "v = \\frac{v}{1 - \\beta}"]
    assert statuses(lines) == [NOT_CHECKED] * 4


def test_an_element_a_definition_sums_over_is_an_element_of_that_family() -> None:
    # with s := (1/m) Σ_i (x_i - μ)², x_1 of ∂s/∂x_1 had been a name of its own, so
    # ∂s/∂x_1 = 0 was proved; at a free index i, ∂s/∂x_i = 0 was verified at i = 2.5
    from derive.claim import statement
    from derive.engine import decide
    from derive.model.types import Context, Definition
    from derive.parsing import parse_expression
    from derive.verdict import Status

    body = parse_expression("\\frac{1}{m}\\sum_{i=1}^m (x_i - \\mu)^2", latex=True)
    for name in ("s", "sigma^2"):
        context = Context(definitions=(Definition(name, body),))
        symbol = "s" if name == "s" else "\\sigma^2"
        at_one = statement(
            f"\\frac{{\\partial {symbol}}}{{\\partial x_1}} = 0", context, latex=True
        )
        verdict = decide(at_one, SETTINGS).status
        assert verdict is Status.REFUTED if name == "s" else not verdict.holds
        free = statement(f"\\frac{{\\partial {symbol}}}{{\\partial x_i}} = 0", context, latex=True)
        assert not decide(free, SETTINGS).status.holds


def test_a_definition_restated_as_written_holds_whatever_its_letters_are() -> None:
    # o_t = g(V s_t) again: true for matrices too, so the shape caution does not apply
    lines = ["o_t = g(V s_t)", "o_t = g(V s_t)", "o_t = g(s_t V)"]
    assert statuses(lines) == [NOT_CHECKED, VALID, NOT_CHECKED]


def test_a_case_is_not_read_where_a_sum_binds_its_letter() -> None:
    # Σ_j a_i a_j = a_i holds (the a_j sum to 1); writing j as i would make it
    # Σ_i a_i a_i = a_i, another claim: the sum's j is not the case's j
    step = "$$\\sum_{j=1}^n a_i a_j = a_i, \\quad i = j$$\n"
    result = results(SOFTMAX + step)[1]
    assert result.status is NOT_CHECKED
    assert "summed in one place" not in result.reason  # the rewritten claim was not read
