"""Comparing a final answer with the key's: a value written with or without its left-hand
side, a relation to be shown side by side (a chain shows the relation between its ends), a
list of numbers entry by entry, and a decimal at the precision it was written with."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import sympy as sp

from derive.claim import statement
from derive.engine import Settings, decide_cached
from derive.errors import DeriveError
from derive.grading.final_answers import same_quantity
from derive.grading.key import Answer, Question
from derive.grading.numbers import accepts_decimal, decimal_literal, elements, exact_value
from derive.grading.results import (
    FinalResult,
    FinalStatus,
)
from derive.grading.steps import DEFINITION_WORDS, Written, links, list_answer
from derive.grading.submission import QuestionAnswer
from derive.model import ast
from derive.model.types import Context
from derive.parsing import parse_expression, parse_statement
from derive.verdict import Status, Verdict


def check_final(
    question: Question,
    answer: QuestionAnswer,
    written: list[Written],
    context: Context,
    settings: Settings,
) -> FinalResult:
    if not question.answers:
        return FinalResult(FinalStatus.NOT_CHECKED, "the key has no final answer to compare with")
    candidates = list(written)
    if answer.answer:
        try:
            explicit = question.read(
                parse_statement(DEFINITION_WORDS.sub("", answer.answer, count=1))
            )
            if isinstance(explicit, ast.Relation | ast.Chain):
                candidates += [Written(link, answer.answer) for link in links(explicit)]
            else:
                candidates.append(
                    Written(ast.Relation("=", ast.Name("_answer"), explicit), answer.answer)
                )
        except DeriveError:
            listed = list_answer(answer.answer)
            if listed is None:
                return FinalResult(
                    FinalStatus.NOT_CHECKED, "the final answer could not be read", answer.answer
                )
            candidates.append(listed)
    if not candidates:
        return FinalResult(FinalStatus.MISSING, "no final answer was found")
    results = [
        _check_answer(expected, candidates, context, question, settings)
        for expected in question.answers
    ]
    parts = tuple(results) if len(results) > 1 else ()
    for status in (FinalStatus.INCORRECT, FinalStatus.NOT_CHECKED, FinalStatus.MISSING):
        failed = [r for r in results if r.status is status]
        if failed:
            if not parts:
                return failed[0]
            wrong = ", ".join(_part_name(r.expected) for r in failed)
            reason = (
                f"{len(failed)} of {len(parts)} parts {status.value} ({wrong}): {failed[0].reason}"
            )
            return replace(failed[0], reason=reason, parts=parts)
    given = "; ".join(r.given for r in results if r.given)
    return FinalResult(
        FinalStatus.CORRECT,
        "matches the key",
        given,
        "; ".join(a.text for a in question.answers),
        parts=parts,
    )


def _part_name(expected: str) -> str:
    """A part as the question names it: `mu_layer` of `mu_layer = [2, 3, 5/2, 8/3]`."""
    return expected.split("=", 1)[0].strip() if "=" in expected else expected


def _check_answer(
    expected: Answer,
    candidates: list[Written],
    context: Context,
    question: Question,
    settings: Settings,
) -> FinalResult:
    try:
        target = parse_statement(expected.text)
        target_link = links(target)[0] if isinstance(target, ast.Relation | ast.Chain) else None
    except DeriveError:
        listed = list_answer(expected.text)  # `mu = [5/2, 31/12]`
        if listed is None:
            raise
        target, target_link = listed.node, listed.node
    quantities = [
        parse_expression(q.strip()) for q in (expected.quantity or "").split("|") if q.strip()
    ]
    if target_link is not None and not quantities and _is_quantity(target_link.lhs):
        quantities = [target_link.lhs]
    wanted_op = target_link.op if target_link is not None and not quantities else None
    if wanted_op in _STRENGTH:
        bound = _check_bound(candidates, target_link, context, question, settings)
        if bound is not None:
            return replace(bound, expected=expected.text)
    chosen = _choose(candidates, quantities, wanted_op)
    if chosen is None:
        return FinalResult(
            FinalStatus.MISSING,
            f"no answer for {expected.quantity or expected.text}",
            "",
            expected.text,
        )
    written = chosen.text
    list_values = elements(chosen.text.split("=", 1)[1]) if _is_list(chosen.node) else None
    if list_values is not None:
        return _compare_list(list_values, expected, target_link, context, written)
    if _is_list(target_link):
        return FinalResult(
            FinalStatus.INCORRECT, "the key expects a list of numbers", written, expected.text
        )
    if quantities and target_link is not None:
        pairs = [(chosen.node.rhs, target_link.rhs)]
    elif target_link is not None:  # a relation to show: both sides, in either order
        pairs = [(chosen.node.lhs, target_link.lhs), (chosen.node.rhs, target_link.rhs)]
        swapped = [(chosen.node.lhs, target_link.rhs), (chosen.node.rhs, target_link.lhs)]
        equations = chosen.node.op == target_link.op == "="
        if (
            equations
            and not _same_sides(pairs, context, question, settings)
            and _same_sides(swapped, context, question, settings)
        ):
            pairs = swapped  # b = a shows a = b; otherwise report the first order's failure
    else:
        pairs = [(chosen.node.rhs, target)]
    decimal = decimal_literal(chosen.node.rhs, written)
    if decimal is not None and len(pairs) == 1:
        return _comparedecimal_literal(decimal, pairs[0][1], expected, context, written)
    for mine, theirs in pairs:
        verdict = decide_cached(
            statement(
                written,
                context,
                given=question.facts,
                sizes=question.size_map(),
                links=(ast.Relation("=", mine, theirs),),
            ),
            settings,
        )
        if verdict.status is Status.REFUTED:
            example = verdict.counterexample.as_dict() if verdict.counterexample else None
            return FinalResult(
                FinalStatus.INCORRECT, verdict.summary, written, expected.text, example
            )
        if not verdict.status.holds:
            return FinalResult(
                FinalStatus.NOT_CHECKED, verdict.reason or verdict.summary, written, expected.text
            )
    return FinalResult(FinalStatus.CORRECT, "matches the key", written, expected.text)


# what the written bound's right side must be to the key's, by (written, expected) operator:
# `a < 1` shows `a <= 1`; `a <= c` shows `a < 1` only where c < 1
_STRENGTH = {
    "<=": {"<=": "<=", "<": "<=", "=": "<="},
    "<": {"<": "<=", "<=": "<", "=": "<"},
    ">=": {">=": ">=", ">": ">=", "=": ">="},
    ">": {">": ">=", ">=": ">", "=": ">"},
}


def _check_bound(
    candidates: list[Written],
    target: ast.Relation,
    context: Context,
    question: Question,
    settings: Settings,
) -> FinalResult | None:
    """A bound the key asks to show (`|∂h_n/∂x| <= 1`, which holds in the question's
    context): the last written relation about the same quantity in the same direction is
    right when it holds and is at least as strong (`... <= 1/2` shows `<= 1`); missing when
    no written relation is about the quantity. None for a condition (`ρ(w_z) > 1`, which
    does not hold everywhere): it is compared side by side."""

    def decided(relation: ast.Relation, text: str) -> Verdict:
        return decide_cached(
            statement(
                text, context, given=question.facts, sizes=question.size_map(), links=(relation,)
            ),
            settings,
        )

    if not decided(target, "").status.holds:
        return None
    fitting = [c for c in reversed(candidates) if c.node.op in _STRENGTH[target.op]]
    about = next(
        (
            c
            for c in fitting
            if _same_sides([(c.node.lhs, target.lhs)], context, question, settings)
        ),
        None,
    )
    if about is None:  # a line about something else is no answer to the bound
        return FinalResult(FinalStatus.MISSING, "no bound on the key's quantity was found")
    strength = ast.Relation(_STRENGTH[target.op][about.node.op], about.node.rhs, target.rhs)
    for relation, failure in (
        (about.node, "the bound written does not hold"),
        (strength, "the bound written is weaker than the key's"),
    ):
        verdict = decided(relation, about.text)
        if verdict.status is Status.REFUTED:
            example = verdict.counterexample.as_dict() if verdict.counterexample else None
            reason = f"{failure}: {verdict.summary}"
            return FinalResult(FinalStatus.INCORRECT, reason, about.text, "", example)
        if not verdict.status.holds:
            reason = verdict.reason or verdict.summary
            return FinalResult(FinalStatus.NOT_CHECKED, reason, about.text)
    return FinalResult(FinalStatus.CORRECT, "implies the key's bound", about.text)


def _is_list(link: ast.Relation | None) -> bool:
    return link is not None and isinstance(link.rhs, ast.Name) and link.rhs.name == "_list"


def _same_sides(pairs: list, context: Context, question: Question, settings: Settings) -> bool:
    for mine, theirs in pairs:
        verdict = decide_cached(
            statement(
                "",
                context,
                given=question.facts,
                sizes=question.size_map(),
                links=(ast.Relation("=", mine, theirs),),
            ),
            replace(settings, trials=40),
        )
        if not verdict.status.holds:
            return False
    return True


def _is_quantity(node: ast.Node) -> bool:
    return isinstance(node, ast.Name | ast.Subscript) or (
        isinstance(node, ast.Pow) and isinstance(node.base, ast.Name | ast.Subscript)
    )


def _choose(
    candidates: list[Written], quantities: list[ast.Node], op: str | None = None
) -> Written | None:
    """The last relation about the quantity, or the last relation (of a kind that can
    show the expected one) of all."""
    if quantities:
        for candidate in reversed(candidates):
            if any(same_quantity(candidate.node.lhs, q) for q in quantities):
                return candidate
            if candidate.node.op == "=" and any(
                same_quantity(candidate.node.rhs, q) for q in quantities
            ):
                swapped = ast.Relation("=", candidate.node.rhs, candidate.node.lhs)
                return Written(swapped, candidate.text)  # sigma(h_t) = g_t answers g_t
        bare = [
            c
            for c in candidates
            if isinstance(c.node.lhs, ast.Name) and c.node.lhs.name == "_answer"
        ]
        return bare[-1] if bare else None
    if op is not None:
        fitting = [c for c in candidates if _compatible(c.node.op, op)]
        if fitting:
            return fitting[-1]
    return candidates[-1] if candidates else None


# which written relations show an expected one: a < b (or a = b) shows a <= b
_SHOWS = {"<=": {"<=", "<", "="}, ">=": {">=", ">", "="}}


def _comparedecimal_literal(
    written: str, target: ast.Node, expected: Answer, context: Context, text: str
) -> FinalResult:
    exact = exact_value(target, context)
    if exact is None:
        return FinalResult(
            FinalStatus.NOT_CHECKED, "the key's value is not a number", text, expected.text
        )
    if accepts_decimal(written, exact, expected.min_digits):
        return FinalResult(
            FinalStatus.CORRECT,
            f"{written} is {exact} at the precision written",
            text,
            expected.text,
        )
    return FinalResult(
        FinalStatus.INCORRECT,
        f"{written} is not {exact} ({sp.N(exact, 6)}) at the precision written",
        text,
        expected.text,
    )


def _compare_list(
    values: list[str], expected: Answer, target: ast.Relation | None, context: Context, text: str
) -> FinalResult:
    wanted = (
        elements(expected.text.split("=", 1)[1])
        if "=" in expected.text
        else elements(expected.text)
    )
    if wanted is None or len(wanted) != len(values):
        return FinalResult(
            FinalStatus.INCORRECT,
            f"expected {len(wanted or [])} numbers, found {len(values)}",
            text,
            expected.text,
        )
    for index, (mine, theirs) in enumerate(zip(values, wanted, strict=True)):
        exact = sp.Rational(Fraction(theirs))
        ok = (
            accepts_decimal(mine, exact, expected.min_digits)
            if "." in mine
            else Fraction(mine) == Fraction(theirs)
        )
        if not ok:
            return FinalResult(
                FinalStatus.INCORRECT,
                f"entry {index + 1}: {mine} is not {theirs} at the precision written",
                text,
                expected.text,
                {"entry": str(index + 1)},
            )
    return FinalResult(
        FinalStatus.CORRECT, "every entry matches at the precision written", text, expected.text
    )


def _compatible(written: str, expected: str) -> bool:
    return written in _SHOWS.get(expected, {expected})
