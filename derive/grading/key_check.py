"""Checking an answer key before a class is graded with it (`derive keys --check`).

A key with an error grades every student wrong. Each question's expected answers are read
and decided in the question's own context (with its facts), the claim it `shows` is decided
against its expectation, and names the answers use without a declaration are listed, since
they are read as real numbers. A relation that does not hold everywhere is a warning, not an
error: a key may expect a condition (`ρ(w_z) > 1`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from derive.claim import Claim, statement
from derive.engine import Settings, check_claims, decide_cached
from derive.errors import DeriveError
from derive.grading.key import Answer, AnswerKey, Question
from derive.model import ast
from derive.model.types import Matrix, Vector
from derive.parsing import parse_statement
from derive.verdict import Status, passes
from derive.vocabulary import BY_NAME, CONSTANTS


class Finding(Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class KeyItem:
    """One thing checked in one question: `what` (an answer, the claim shown, the names)."""

    label: str
    what: str
    finding: Finding
    detail: str


def check_key(key: AnswerKey, claims: Iterable[Claim], settings: Settings) -> tuple[KeyItem, ...]:
    by_id = {c.id: c for c in claims}
    items: list[KeyItem] = []
    for question in key.questions:
        for answer in question.answers:
            items.extend(_answer_items(question, answer, settings))
        if question.shows is not None:
            items.append(_shown(question, by_id.get(question.shows), settings))
    return tuple(items)


def _answer_items(question: Question, answer: Answer, settings: Settings) -> list[KeyItem]:
    label, what = question.label, f"answer {answer.text}"
    try:
        node = parse_statement(answer.text)
    except DeriveError as exc:
        if answer.text.split("=", 1)[-1].strip().startswith("["):  # a list of values
            return [KeyItem(label, what, Finding.OK, "a list of values, compared entry by entry")]
        return [KeyItem(label, what, Finding.ERROR, f"cannot be read: {exc}")]
    items = []
    undeclared = sorted(_undeclared(node, question))
    if undeclared:
        names = ", ".join(undeclared)
        detail = f"undeclared, read as real numbers: {names}"
        items.append(KeyItem(label, what, Finding.WARNING, detail))
    if isinstance(node, ast.Relation) and _asks_for(node, question):
        node = node.rhs  # `lambda = -2 eta gamma`: the value found for λ
    if isinstance(node, ast.Relation | ast.Chain):
        links = node.links if isinstance(node, ast.Chain) else (node,)
    else:  # a value: it must at least build in the question's context
        links = (ast.Relation("=", node, node),)
    verdict = decide_cached(
        statement(
            answer.text,
            question.context,
            given=question.facts,
            sizes=question.size_map(),
            links=links,
        ),
        settings,
    )
    if verdict.status is Status.ERROR:
        items.append(KeyItem(label, what, Finding.ERROR, verdict.reason))
    elif verdict.status is Status.REFUTED:
        detail = f"does not hold everywhere (a condition?): {verdict.summary}"
        items.append(KeyItem(label, what, Finding.WARNING, detail))
    elif verdict.status is Status.UNKNOWN:
        items.append(KeyItem(label, what, Finding.WARNING, f"not decided: {verdict.reason}"))
    else:
        items.append(KeyItem(label, what, Finding.OK, f"{verdict.status.value} in its context"))
    return items


def _asks_for(relation: ast.Relation, question: Question) -> bool:
    """Whether the relation gives the value of a quantity the question asks for: a name
    on the left that the context leaves free (`lambda`, `y_hat`), not one it defines."""
    match relation.lhs:
        case ast.Name(name=name) | ast.Subscript(base=name):
            context = question.context
            return relation.op == "=" and context.definition(name) is None
    return False


def _shown(question: Question, claim: Claim | None, settings: Settings) -> KeyItem:
    what = f"shows {question.shows}"
    if claim is None:
        return KeyItem(question.label, what, Finding.ERROR, "no claim of the library has this id")
    (verdict,) = check_claims([claim], settings)
    if passes(verdict, claim.expect):
        return KeyItem(question.label, what, Finding.OK, f"{verdict.status.value}, as expected")
    detail = f"expected {claim.expect.value}, got {verdict.status.value}"
    return KeyItem(question.label, what, Finding.ERROR, detail)


def _undeclared(node: ast.Node, question: Question) -> set[str]:
    """Names of an answer that the question neither declares nor defines (an index such
    as the t of g_t, a size, a summation index or a builtin is not one)."""
    context = question.context
    sizes = {
        size
        for decl in context.decls.values()
        if isinstance(decl, Vector | Matrix)
        for size in ((decl.size,) if isinstance(decl, Vector) else (decl.rows, decl.cols))
    }
    bound = {item.var for item in ast.walk(node) if isinstance(item, ast.Sum)}

    def known(name: str) -> bool:
        return (
            context.lookup(name) is not None
            or context.definition(name) is not None
            or name in BY_NAME
            or name in CONSTANTS
            or name in sizes
            or name in bound
        )

    found: set[str] = set()
    pending: list[object] = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            pending.extend(item)
        elif isinstance(item, ast.Subscript):
            whole = f"{item.base}_{item.label}"
            if not (known(item.base) or known(whole)):
                found.add(whole)  # y_hat, W_perp: one name, undeclared
        elif isinstance(item, ast.Name):
            if not known(item.name):
                found.add(item.name)
        elif isinstance(item, ast.Node):
            pending.extend(item.__dict__.values())
    return found
