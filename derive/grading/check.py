"""Checking a submission against a key: every step of every derivation, every final answer.

A step is decided by the engine in its question's context (declared names, definitions,
granted facts), link by link for a chain `a = b = c`, and a line that defines a name
(`w := ...`, `let w = ...`) extends the context for the steps after it. A final answer is
compared with the key's: a value written with or without its left-hand side, a relation
to be shown side by side, a list of numbers entry by entry, and a decimal at the
precision it was written with.

Scoring: `answer_share` of a question's points for a correct final answer; the rest in
proportion to the steps found valid among those that could be decided (a derivation with
no decidable step earns the derivation share only when the final answer is correct).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from derive.claim import statement
from derive.engine import Settings, decide_cached
from derive.errors import DeriveError
from derive.grading.key import Answer, AnswerKey, Question
from derive.grading.results import (
    FinalResult,
    FinalStatus,
    QuestionResult,
    StepResult,
    StepStatus,
    SubmissionResult,
)
from derive.grading.submission import QuestionAnswer, Submission
from derive.model import ast
from derive.model.lower import Lowering
from derive.model.types import Context, Definition
from derive.parsing import parse_expression, parse_statement
from derive.verdict import Status, Verdict

_CONTINUATION = re.compile(r"^\s*(=|\\le(q)?\b|\\ge(q)?\b|<=|>=|<|>|\\neq|!=)")
_DEFINITION_WORDS = re.compile(r"^\s*(let|where|define|set)\b[\s,:]*", re.IGNORECASE)
# `sample1: \mu = 12/6`, `sample: 2: channel: 1: ...`: labels in front of the mathematics
_LABELS = re.compile(r"^\s*(?:[A-Za-z]*\s*\d*\s*:(?!=)\s*)+")


def grade_submission(
    submission: Submission, key: AnswerKey, settings: Settings | None = None
) -> SubmissionResult:
    settings = settings or Settings()
    results = tuple(
        grade_question(q, submission.answers.get(q.label), settings) for q in key.questions
    )
    return SubmissionResult(
        student=submission.student,
        key=key.name,
        score=round(sum(r.score for r in results), 4),
        max_score=key.points,
        questions=results,
        path=submission.path,
        notes=tuple(f"{a.label}: {why}" for a in submission.answers.values() for why in a.unparsed),
    )


def grade_question(
    question: Question, answer: QuestionAnswer | None, settings: Settings
) -> QuestionResult:
    if answer is None or (not answer.steps and not answer.answer):
        final = FinalResult(FinalStatus.MISSING, "no answer to this question was found")
        return QuestionResult(question.label, 0.0, question.points, final)
    steps, context, relations = check_steps(question, answer.steps, settings, latex=answer.latex)
    final = check_final(question, answer, relations, context, settings)
    return QuestionResult(
        question.label, _score(question, final, steps), question.points, final, steps
    )


def _score(question: Question, final: FinalResult, steps: tuple[StepResult, ...]) -> float:
    answer_points = question.points * question.answer_share
    derivation_points = question.points - answer_points
    correct = final.status is FinalStatus.CORRECT
    decided = [s for s in steps if s.status is not StepStatus.NOT_CHECKED]
    if decided:
        valid = sum(s.status is StepStatus.VALID for s in decided)
        derivation = derivation_points * valid / len(decided)
    else:
        derivation = derivation_points if correct else 0.0
    if not question.answers:  # nothing to compare the final answer with: steps carry it all
        return round(question.points * (valid / len(decided)) if decided else 0.0, 4)
    return round((answer_points if correct else 0.0) + derivation, 4)


# -- steps --------------------------------------------------------------------------------


@dataclass
class _Written:
    """A relation as the student wrote it, kept for the final answer."""

    node: ast.Relation
    text: str


def check_steps(
    question: Question, texts: tuple[str, ...], settings: Settings, *, latex: bool | None = None
) -> tuple[tuple[StepResult, ...], Context, list[_Written]]:
    context = question.context
    results: list[StepResult] = []
    written: list[_Written] = []
    previous_rhs: ast.Node | None = None
    for text in texts:
        try:
            links, definition = _read_step(text, previous_rhs, context, latex)
        except DeriveError as exc:
            listed = _list_answer(text)
            if listed is not None:
                written.append(listed)
                reason = "a list of numbers: compared with the key as a final answer"
            else:
                reason = f"could not be read: {_first_line(exc)}"
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
            previous_rhs = None
            continue
        updates = [link for link in links if link.op == "<-"]
        if updates:  # w ← w - η ∂L/∂w: nothing to prove, but an answer to compare
            written.extend(_Written(link, text) for link in updates)
            reason = "an update rule: compared with the key's answer"
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
            continue
        if definition is not None:
            context = context.extend(definitions=(definition.definition,))
            written.append(_Written(definition.relation, text))  # `s = γ/‖u‖` may be the answer
            if not links:
                reason = f"defines {definition.definition.name}"
                results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
                continue
        if not links:
            results.append(
                StepResult(text, StepStatus.NOT_CHECKED, reason="not a relation to check")
            )
            continue
        previous_rhs = links[-1].rhs
        written.extend(_Written(link, text) for link in links)
        summary = _chain_summary(links)
        if summary is not None:  # a ≤ b ≤ c = d shows a ≤ d: the relation a key asks for
            written.append(_Written(summary, text))
        results.append(_decide_links(text, links, context, question, settings))
    return tuple(results), context, written


@dataclass(frozen=True)
class _Defined:
    definition: Definition
    relation: ast.Relation


def _read_step(
    text: str, previous_rhs: ast.Node | None, context: Context, latex: bool | None = None
) -> tuple[list[ast.Relation], _Defined | None]:
    """The relations of one step to check, and the definition it makes, if any:
    `w := ...`, `let w = ...`, or `L_reg = ...` naming something the context does not
    know yet (in a chain `mu_1 = 30/12 = 2.50` the first link defines, the rest are checked)."""
    stripped = _DEFINITION_WORDS.sub("", _LABELS.sub("", text, count=1), count=1)
    is_definition_word = _DEFINITION_WORDS.match(_LABELS.sub("", text, count=1)) is not None
    if _CONTINUATION.match(stripped) and previous_rhs is not None:
        node = parse_statement("x_{previous} " + stripped, latex=latex)  # placeholder left side
        links = _links(node)
        links[0] = ast.Relation(links[0].op, previous_rhs, links[0].rhs)
        return links, None
    node = parse_statement(stripped, latex=latex)
    if not isinstance(node, ast.Relation | ast.Chain):
        return [], None
    links = _links(node)
    first = links[0]
    if first.op == ":=" or (
        first.op == "=" and (is_definition_word or _introduces(first, context))
    ):
        return links[1:], _Defined(_definition(first), ast.Relation("=", first.lhs, first.rhs))
    return links, None


def _chain_summary(links: list[ast.Relation]) -> ast.Relation | None:
    """The relation between the first and last terms of a chain, if the links agree in
    direction: `a = b <= c < d` gives `a < d`."""
    if len(links) < 2:
        return None
    ops = {link.op for link in links}
    if ops <= {"="}:
        op = "="
    elif ops <= {"=", "<=", "<"}:
        op = "<" if "<" in ops else "<="
    elif ops <= {"=", ">=", ">"}:
        op = ">" if ">" in ops else ">="
    else:
        return None
    return ast.Relation(op, links[0].lhs, links[-1].rhs)


# which written relations show an expected one: a < b (or a = b) shows a <= b
_SHOWS = {"<=": {"<=", "<", "="}, ">=": {">=", ">", "="}}


def _compatible(written: str, expected: str) -> bool:
    return written in _SHOWS.get(expected, {expected})


def _links(node: ast.Node) -> list[ast.Relation]:
    """Links of a relation or chain, keeping definitions and updates (which `links_of`,
    made for statements to prove, refuses)."""
    if isinstance(node, ast.Chain):
        return list(node.links)
    if isinstance(node, ast.Relation):
        return [node]
    return []


def _introduces(node: ast.Relation, context: Context) -> bool:
    """`theta_{i+1} = theta_i - eta g` names a new quantity: nothing to check, a definition."""
    match node.lhs:
        case ast.Name(name=name) | ast.Subscript(base=name):
            full = _definition(node).name
            known = context.lookup(full) or context.definition(full) or context.lookup(name)
            return not known and context.definition(name) is None and full not in _names(node.rhs)
        case ast.Pow(base=ast.Name() | ast.Subscript() as base, exponent=ast.Num()):
            return _introduces(ast.Relation("=", base, node.rhs), context)  # sigma^2 = 0.66
    return False


def _names(node: ast.Node) -> set[str]:
    from derive.model.lower import _names_in

    return _names_in(node)


def _definition(node: ast.Relation) -> Definition:
    match node.lhs:
        case ast.Pow(base=base):  # a named result such as sigma^2 = 0.66: defines sigma^2
            inner = _definition(ast.Relation("=", base, node.rhs))
            return Definition(f"{inner.name}^2", node.rhs)
        case ast.Name(name=name):
            return Definition(name, node.rhs)
        case ast.Subscript(base=base, label=label):
            return Definition(f"{base}_{label}", node.rhs)
        case ast.Call(func=name, args=args) if all(isinstance(a, ast.Name) for a in args):
            return Definition(name, node.rhs, tuple(a.name for a in args))  # type: ignore[attr-defined]
    raise DeriveError("define a name, as in w := ...")


def _decide_links(
    text: str, links: list[ast.Relation], context: Context, question: Question, settings: Settings
) -> StepResult:
    methods = []
    for link in links:
        rounded = _rounded_result(link, text, context)
        if rounded is not None:  # 7/12 = 0.58: right at the precision written
            if not rounded.status.holds:
                return StepResult(text, StepStatus.INVALID, None, rounded.summary, _method(rounded))
            methods.append(_method(rounded))
            continue
        verdict = decide_cached(
            statement(
                text, context, given=question.facts, sizes=question.size_map(), links=(link,)
            ),
            settings,
        )
        if verdict.status is Status.REFUTED:
            example = verdict.counterexample.as_dict() if verdict.counterexample else None
            return StepResult(text, StepStatus.INVALID, example, verdict.summary, _method(verdict))
        if not verdict.status.holds:
            return StepResult(
                text, StepStatus.NOT_CHECKED, reason=verdict.reason or verdict.summary
            )
        methods.append(_method(verdict))
    return StepResult(text, StepStatus.VALID, method="; ".join(dict.fromkeys(methods)))


def _rounded_result(link: ast.Relation, text: str, context: Context) -> Verdict | None:
    """An equation whose right side is a decimal written with fewer digits than the exact
    value needs (2.58 for 31/12) holds at the precision written, as a TA reads it."""
    if link.op != "=" or not isinstance(link.rhs, ast.Num) or link.rhs.value.denominator == 1:
        return None
    written = next(
        (n for n in _NUMBER.findall(text) if "." in n and Fraction(n) == link.rhs.value), None
    )
    exact = _exact_value(link.lhs, context)
    if written is None or exact is None or not exact.is_real:
        return None
    if sp.Rational(link.rhs.value.numerator, link.rhs.value.denominator) == exact:
        return None  # exactly equal: the engine proves it as usual
    status = Status.PROVED if accepts_decimal(written, exact, 2) else Status.REFUTED
    summary = f"{written} is {exact} {'at' if status is Status.PROVED else 'not even at'} the precision written"
    return Verdict(status, "decimal precision", summary)


def _method(verdict: Verdict) -> str:
    return f"{verdict.status.value}: {verdict.summary or verdict.method}"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]


# -- final answers ------------------------------------------------------------------------


def check_final(
    question: Question,
    answer: QuestionAnswer,
    written: list[_Written],
    context: Context,
    settings: Settings,
) -> FinalResult:
    if not question.answers:
        return FinalResult(FinalStatus.NOT_CHECKED, "the key has no final answer to compare with")
    candidates = list(written)
    if answer.answer:
        try:
            explicit = parse_statement(_DEFINITION_WORDS.sub("", answer.answer, count=1))
            if isinstance(explicit, ast.Relation | ast.Chain):
                candidates += [_Written(link, answer.answer) for link in _links(explicit)]
            else:
                candidates.append(
                    _Written(ast.Relation("=", ast.Name("_answer"), explicit), answer.answer)
                )
        except DeriveError:
            listed = _list_answer(answer.answer)
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
    for status in (FinalStatus.INCORRECT, FinalStatus.NOT_CHECKED, FinalStatus.MISSING):
        failed = next((r for r in results if r.status is status), None)
        if failed is not None:
            return failed
    given = "; ".join(r.given for r in results if r.given)
    return FinalResult(
        FinalStatus.CORRECT, "matches the key", given, "; ".join(a.text for a in question.answers)
    )


def _list_answer(text: str) -> _Written | None:
    """`mu = [2.50, 2.58]`: a named list of numbers, which the expression parsers do not read."""
    if "=" not in text:
        return None
    left, right = text.split("=", 1)
    try:
        lhs = parse_expression(left)
    except DeriveError:
        return None
    return (
        _Written(ast.Relation("=", lhs, ast.Name("_list")), text)
        if _elements(right) is not None
        else None
    )


def _check_answer(
    expected: Answer,
    candidates: list[_Written],
    context: Context,
    question: Question,
    settings: Settings,
) -> FinalResult:
    try:
        target = parse_statement(expected.text)
        target_link = _links(target)[0] if isinstance(target, ast.Relation | ast.Chain) else None
    except DeriveError:
        listed = _list_answer(expected.text)  # `mu = [5/2, 31/12]`
        if listed is None:
            raise
        target, target_link = listed.node, listed.node
    quantities = [
        parse_expression(q.strip()) for q in (expected.quantity or "").split("|") if q.strip()
    ]
    if target_link is not None and not quantities and _is_quantity(target_link.lhs):
        quantities = [target_link.lhs]
    wanted_op = target_link.op if target_link is not None and not quantities else None
    chosen = _choose(candidates, quantities, wanted_op)
    if chosen is None:
        return FinalResult(
            FinalStatus.MISSING,
            f"no answer for {expected.quantity or expected.text}",
            "",
            expected.text,
        )
    written = chosen.text
    list_values = _elements(chosen.text.split("=", 1)[1]) if _is_list(chosen.node) else None
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
    decimal = _decimal(chosen.node.rhs, written)
    if decimal is not None and len(pairs) == 1:
        return _compare_decimal(decimal, pairs[0][1], expected, context, written)
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
    candidates: list[_Written], quantities: list[ast.Node], op: str | None = None
) -> _Written | None:
    """The last relation about the quantity, or the last relation (of a kind that can
    show the expected one) of all."""
    if quantities:
        for candidate in reversed(candidates):
            if any(_same_name(candidate.node.lhs, q) for q in quantities):
                return candidate
            if candidate.node.op == "=" and any(
                _same_name(candidate.node.rhs, q) for q in quantities
            ):
                swapped = ast.Relation("=", candidate.node.rhs, candidate.node.lhs)
                return _Written(swapped, candidate.text)  # sigma(h_t) = g_t answers g_t
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


def _same_name(a: ast.Node, b: ast.Node) -> bool:
    """`\\mu_{batch}` and `mu_batch` name the same quantity (labels, not index nodes)."""
    match a, b:
        case ast.Pow(base=x, exponent=ex), ast.Pow(base=y, exponent=ey):
            return _same_name(x, y) and ex == ey
    flat_a, flat_b = _flat_name(a), _flat_name(b)
    return (flat_a is not None and flat_a == flat_b) or a == b  # ∇_u L, σ'(z): as trees


def _flat_name(node: ast.Node) -> str | None:
    r"""`\hat{y}` is the name y_hat; `y_hat` typed is the subscript y_{hat}: one name."""
    match node:
        case ast.Name(name=name):
            return name.lower()
        case ast.Subscript(base=base, label=label):
            return f"{base}_{label}".lower().replace("{", "").replace("}", "")
    return None


# -- numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _decimal(node: ast.Node, text: str) -> str | None:
    """The decimal literal a final answer is, as written (so its precision is known)."""
    value = node.operand if isinstance(node, ast.Neg) else node
    if not isinstance(value, ast.Num):
        return None
    found = _NUMBER.findall(text.split("=")[-1])
    if not found or "." not in found[-1]:
        return None
    return ("-" if isinstance(node, ast.Neg) else "") + found[-1].lstrip("-")


def _exact_value(node: ast.Node, context: Context) -> sp.Expr | None:
    try:
        value = Lowering(context).lower(node)
    except DeriveError:
        return None
    return value if isinstance(value, sp.Expr) and value.is_number else None


def accepts_decimal(written: str, exact: sp.Expr, min_digits: int) -> bool:
    """`0.66` and `0.67` for 2/3 (truncated or rounded at the digits written); `0.6` has
    too few significant digits."""
    digits = len(written.split(".")[1])
    significant = len(written.replace("-", "").replace(".", "").lstrip("0"))
    if (
        significant < min_digits and Fraction(written) != Fraction(str(sp.Rational(exact)))
        if exact.is_Rational
        else significant < min_digits
    ):
        return False
    scale = 10**digits
    value = Fraction(written)
    high = sp.floor(sp.Abs(exact) * scale) if exact.is_real else None
    if high is None:
        return False
    sign = -1 if exact < 0 else 1
    truncated = Fraction(int(high), scale) * sign
    rounded = Fraction(int(sp.floor(sp.Abs(exact) * scale + sp.Rational(1, 2))), scale) * sign
    return value in (truncated, rounded)


def _compare_decimal(
    written: str, target: ast.Node, expected: Answer, context: Context, text: str
) -> FinalResult:
    exact = _exact_value(target, context)
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


def _elements(text: str) -> list[str] | None:
    """The numbers of `[2.50, 2.58]`, `[2.00; 3.00]`, `[[2, 2]; [2.66, 3.33]]`, flattened."""
    cleaned = text.replace("\\left", "").replace("\\right", "").strip().rstrip(".").strip("$ ")
    if not (cleaned.startswith("[") and cleaned.endswith("]")):
        return None
    numbers = re.findall(r"-?\d+(?:\.\d+)?(?:/\d+)?", cleaned)
    leftover = re.sub(r"-?\d+(?:\.\d+)?(?:/\d+)?|[\[\],;\s]", "", cleaned)
    return numbers if numbers and not leftover else None


def _compare_list(
    values: list[str], expected: Answer, target: ast.Relation | None, context: Context, text: str
) -> FinalResult:
    wanted = (
        _elements(expected.text.split("=", 1)[1])
        if "=" in expected.text
        else _elements(expected.text)
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
