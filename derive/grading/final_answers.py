"""A question's final answer among the lines a document gives for it: the last relation
about a quantity the key asks for, else one shaped like an expected one, else the last
relation of the steps, else the one formula ending a prose answer."""

from __future__ import annotations

import re

from derive.errors import DeriveError
from derive.grading.key import Question
from derive.grading.math_text import is_relation, relation_spans
from derive.model import ast

# -- final answer -------------------------------------------------------------------------


def wanted_of(question: Question) -> tuple[list[object], list[tuple[str, object]]]:
    """What the key asks for: the quantities, as parsed left-hand sides (`lambda`,
    `hat_y`, `mu_batch`), and the relations' operators with their right-hand sides
    (`rho(w_z) > 1` gives `(">", 1)`)."""
    from derive.parsing import parse_expression, parse_statement

    wanted: list[object] = []
    shapes: list[tuple[str, object]] = []
    for answer in question.answers:
        texts = [q.strip() for q in (answer.quantity or "").split("|") if q.strip()]
        if "=" in answer.text:
            texts.append(answer.text.split("=", 1)[0].rstrip(":<>!"))  # `mu = [2.5, 2.58]`
        for text in texts:
            try:
                wanted.append(parse_expression(text))
            except (DeriveError, RecursionError):
                continue
        try:
            node = parse_statement(answer.text)
        except (DeriveError, RecursionError):
            continue
        links = node.links if isinstance(node, ast.Chain) else (node,)
        if isinstance(links[0], ast.Relation):
            wanted.append(links[0].lhs)
            shapes.append((links[-1].op, links[-1].rhs))
    return wanted, shapes


_OPERATORS = {
    "=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "!=": "!=",
    "≠": "!=", "\\le": "<=", "\\leq": "<=", "\\leqslant": "<=", "\\leqq": "<=",
    "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=", "\\geqq": ">=", "\\lt": "<",
    "\\gt": ">", "\\ne": "!=", "\\neq": "!=",
}  # fmt: skip


def _same_shape(text: str, shapes: list[tuple[str, object]]) -> bool:
    """Whether the relation `text` ends as one the key expects: the same operator and the
    same right-hand side (`\\|W_z\\|_2 > 1` for `rho(w_z) > 1`)."""
    from derive.parsing import parse_expression

    spans = relation_spans(text)
    if not spans or not shapes:
        return False
    start, end = spans[-1]
    op = _OPERATORS.get(text[start:end])
    if op is None:
        return False
    try:
        rhs = parse_expression(text[end:].strip().rstrip(".,;"), latex=True)
    except (DeriveError, RecursionError):
        return False
    return any(op == want_op and rhs == want_rhs for want_op, want_rhs in shapes)


def same_quantity(a: object, b: object) -> bool:
    """Whether two left sides name one quantity: `\\mu_{batch}` and `mu_batch`, `\\hat{y}`
    and `y_hat`, `\\sigma^2` and `sigma^2`, `v^{t+1}` written for `v_{t+1}`, or equal trees
    (∇_u L, σ'(z)). Names, not meanings: it picks lines, the checker decides them."""
    if a == b:
        return True
    match a, b:
        case ast.Pow(base=x, exponent=ex), ast.Pow(base=y, exponent=ey) if ex == ey:
            if same_quantity(x, y):
                return True
    flat = _flat(a)
    if flat is not None and flat == _flat(b):
        return True
    element = ast.element_of(a) if isinstance(a, ast.Node) else None
    return element is not None and isinstance(b, ast.Node) and element == ast.element_of(b)


def _flat(node: object) -> str | None:
    """`\\hat{y}` is the name y_hat; `y_hat` typed is the subscript y_{hat}: one name."""
    if isinstance(node, ast.Name):
        return node.name.lower()
    if isinstance(node, ast.Subscript):
        return f"{node.base}_{node.label}".replace("{", "").replace("}", "").lower()
    return None


def about(text: str, wanted: list[object]) -> bool:
    """Whether the relation `text` states one of the wanted quantities."""
    from derive.parsing import parse_expression

    spans = relation_spans(text)
    if not spans or not wanted:
        return False
    left = text[: spans[0][0]].strip()
    try:
        node = parse_expression(left, latex=True)
    except DeriveError:
        return False
    except RecursionError:
        return False
    return any(same_quantity(node, w) for w in wanted)


def final_answer(
    question: Question,
    steps: list[tuple[int, str]],
    inline: list[tuple[int, str]],
    expressions: list[str],
) -> str | None:
    """The last relation about a quantity the key asks for, among the steps and inline
    relations (each with its position); else the last relation shaped like an expected
    one (same operator, same right side); else the last relation of the steps; else the
    last displayed expression."""
    wanted, shapes = wanted_of(question) if question.answers else ([], [])
    items = sorted(steps + inline, key=lambda item: item[0])
    relations_written = [text for _, text in items if is_relation(text)]
    for test, target in ((about, wanted), (_same_shape, shapes)):
        if target:
            found = next((t for t in reversed(relations_written) if test(t, target)), None)
            if found is not None:
                return found
    relations = [text for _, text in steps if is_relation(text)]
    if relations:
        return relations[-1]
    return expressions[-1] if expressions else None


# A formula typed in prose without math delimiters: single letters, numbers and brace groups
# joined by operators (`N^T`, `2^{n-1}`, `T+1`); words never take part.
_OPERAND = r"(?:\d+|[A-Za-z](?![A-Za-z])|\{[^{}\n]{1,20}\})"
# Only a formula that ends its sentence states a result ("..., hence it N^T."), not one
# mentioned on the way ("the t-1 previous words").
_PROSE_FORMULA = re.compile(
    rf"(?<![\w^{{}}\\]){_OPERAND}(?:[ \t]*[\^*/+-][ \t]*{_OPERAND})+(?=[ \t]*[.;!]?[ \t]*(?:\n|\Z))"
)


def prose_formula(text: str, ranges: list[tuple[int, int]]) -> str | None:
    """The one formula an answer written in words ends a sentence with ("there are N
    possibilities each time, hence N^T"); None when it states none, or several (which
    one is the answer is then a guess)."""
    found = {
        " ".join(m.group().split())
        for start, end in ranges
        for m in _PROSE_FORMULA.finditer(text, start, end)
    }
    return found.pop() if len(found) == 1 else None
