"""Answer keys: per question, its label, points, context, and expected final answers.

A key is written like a claim module (see `claims/keys/`):

    key(
        "ift6135-a2-2021",
        "IFT6135 Assignment 2 (2021)",
        source="001",
        questions=[
            question("3.1", 2, answer="lambda = -2 eta gamma", let={...}),
            question("4.2", 6, shows="ift6135/norm/bn-weight-norm", let={...}, where={...}),
        ],
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from derive.claim import build_context, distinct_names
from derive.errors import ParseError
from derive.model import ast
from derive.model.types import Context, Decl
from derive.parsing import parse_expression
from derive.parsing.declarations import parse_assumption


@dataclass(frozen=True)
class Answer:
    """An expected final answer: `text` is a value (`-2 eta gamma`) or a relation
    (`lambda = -2 eta gamma`, `hat_y = transpose(w) x + beta`). `quantity` names what a
    bare value is for, so a student may write the value with or without its left side.
    Decimal answers are accepted at the precision written, with at least `min_digits`
    significant digits."""

    text: str
    quantity: str | None = None
    min_digits: int = 2


@dataclass(frozen=True)
class Question:
    label: str
    points: float
    context: Context = field(default_factory=Context)
    facts: tuple[str, ...] = ()  # granted relations: equations rewrite; all hold at counterexamples
    answers: tuple[Answer, ...] = ()
    answer_share: float = 0.5  # of the points, for the final answer; the rest for the steps
    shows: str | None = None  # the id of the claim this question asks to show
    aliases: tuple[str, ...] = ()  # other ways documents mark it: "Question 3", "(b)"
    title: str = ""
    notes: str = ""
    sizes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # where general-size steps are proved
    # what a submission's symbols stand for, where a converted PDF garbled them ("pi": "x"),
    # or where the question's own notation drops an index ("w": "w_t", a tree)
    reads: tuple[tuple[str, str | ast.Node], ...] = ()

    def size_map(self) -> dict[str, tuple[int, ...]] | None:
        return dict(self.sizes) or None

    def read(self, node: ast.Node) -> ast.Node:
        """A submission's tree in the key's names."""
        names = {k: v for k, v in self.reads if isinstance(v, str)}
        trees = {k: v for k, v in self.reads if not isinstance(v, str)}
        return ast.substituted(ast.renamed(node, names), trees)


@dataclass(frozen=True)
class AnswerKey:
    name: str
    title: str
    source: str
    questions: tuple[Question, ...]

    def question(self, label: str) -> Question | None:
        return next((q for q in self.questions if q.label == label), None)

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


def question(
    label: str,
    points: float,
    *,
    answer: str | Answer | Iterable[str | Answer] | None = None,
    quantity: str | None = None,
    shows: str | None = None,
    let: Mapping[str, str | Decl] | None = None,
    where: Mapping[str, str] | None = None,
    assume: Iterable[str] = (),
    facts: Iterable[str] = (),
    answer_share: float = 0.5,
    aliases: Iterable[str] = (),
    title: str = "",
    notes: str = "",
    sizes: Mapping[str, Iterable[int]] | None = None,
    reads: Mapping[str, str] | None = None,
) -> Question:
    """A question of a key; its declarations are read now, so a bad key fails at import."""
    answers: list[Answer] = []
    if isinstance(answer, str | Answer):
        answer = [answer]
    for item in answer or ():
        answers.append(item if isinstance(item, Answer) else Answer(item, quantity))
    domains, granted = split_assumptions(assume)
    context = build_context(let, where, domains)
    return Question(
        label,
        points,
        context,
        (*facts, *granted),
        tuple(answers),
        answer_share,
        shows,
        tuple(aliases),
        title,
        notes,
        tuple((name, tuple(values)) for name, values in (sizes or {}).items()),
        tuple((name, _reading(text)) for name, text in (reads or {}).items()),
    )


def _reading(text: str) -> str | ast.Node:
    """A name stays a name (renamed everywhere); anything else is the tree it stands for."""
    node = parse_expression(text)
    return node.name if isinstance(node, ast.Name) else node


def split_assumptions(assume: Iterable[str]) -> tuple[list[str], list[str]]:
    """Assumptions about names (`x > 0`, `s != t`) restrict their domains; any other
    relation the question grants (`lambda_max(transpose(W) W) <= delta^2/gamma^2`,
    `norm(W) = 1/2`) is a fact: counterexamples must keep it."""
    domains: list[str] = []
    granted: list[str] = []
    for text in assume:
        try:
            if distinct_names(text) is None:
                parse_assumption(text)
            domains.append(text)
        except ParseError:
            granted.append(text)
    return domains, granted


def key(name: str, title: str, *, source: str, questions: Iterable[Question]) -> AnswerKey:
    return AnswerKey(name, title, source, tuple(questions))
