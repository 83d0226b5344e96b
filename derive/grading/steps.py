"""Reading and deciding the steps of a derivation.

A step is decided by the engine in its question's context (declared names, definitions,
granted facts), link by link for a chain `a = b = c`; a line starting with `=` continues
the previous one; a line that defines a name (`w := ...`, `let w = ...`, or `L_reg = ...`
naming something new) extends the context for the steps after it; an update `w ← ...` is
kept for the final answer; a rounded result (`7/12 = 0.58`) holds at the precision written.
A step is read where both of its sides are real numbers (`d/dx log x = 1/x` is a correct
step, though only its right side is real at x = -1), and a case condition on its own line
(`j \\neq i`) is no step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from derive.budget import BudgetExceeded, deadline, reraise_expired
from derive.claim import statement
from derive.engine import Settings, decide_cached
from derive.errors import DeriveError
from derive.grading import open_world
from derive.grading.key import Question
from derive.grading.numbers import NUMBER, accepts_decimal, elements, exact_value
from derive.grading.results import (
    StepResult,
    StepStatus,
)
from derive.model import ast
from derive.model.indices import entrywise_shape, with_ranges
from derive.model.types import Context, Definition
from derive.parsing import parse_expression, parse_statement
from derive.verdict import Status, Verdict
from derive.vocabulary import ARITY

_CONTINUATION = re.compile(r"^\s*(=|\\le(q)?\b|\\ge(q)?\b|<=|>=|<|>|\\neq|!=)")
DEFINITION_WORDS = re.compile(r"^\s*(let|where|define|set)\b[\s,:]*", re.IGNORECASE)
# `sample1: \mu = 12/6`, `sample: 2: channel: 1: ...`: labels in front of the mathematics
# (atomic groups: a long run of spaces is read once, not split every possible way)
_LABELS = re.compile(r"^(?>\s*)(?:(?>[A-Za-z]*)(?>\s*)(?>\d*)(?>\s*):(?!=)(?>\s*))+")


@dataclass
class Written:
    """A relation as the student wrote it, kept for the final answer."""

    node: ast.Relation
    text: str


def check_steps(
    question: Question,
    texts: tuple[str, ...],
    settings: Settings,
    *,
    latex: bool | None = None,
    credit: bool = True,
    own: frozenset[str] = frozenset(),
    restate: bool = False,
) -> tuple[tuple[StepResult, ...], Context, list[Written]]:
    """Every step's result, the context the steps built, and the relations written (for
    the final answer). `credit` False: no step is judged filler (a derivation with no key
    has no question whose quantities a step must use). `own`: names the document itself
    declared, which its lines may define (`o_t = W h_t` after "Let o_t ∈ ℝ^q").
    `restate`: a line that defines a name the document's own lines defined, from the same
    quantities, is valid where it restates that definition (a derivation's `x̂_i = (x_i -
    μ)(σ^2 + ε)^{-1/2}`), and a new definition otherwise; graded work rebinds it at once."""
    context = question.context
    results: list[StepResult] = []
    written: list[Written] = []
    previous_rhs: ast.Node | None = None
    own = set(own)  # names the student's own lines defined: each may be bound again
    chain: list[ast.Relation] = []  # the links of the chain the last line belongs to
    topic = _topic(question) if credit else None  # names a step must use to earn credit
    for text in texts:
        try:
            with deadline(settings.timeout):  # reading counts against the step's budget too
                links, definition = _read_step(
                    text, previous_rhs, context, own, question, latex, restate
                )
        except BudgetExceeded:
            reraise_expired()
            reason = f"could not be read within the budget of {settings.timeout:g} s"
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
            previous_rhs = None
            continue
        except DeriveError as exc:
            listed = list_answer(text)
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
            written.extend(Written(link, text) for link in updates)
            reason = (  # an assignment: nothing to prove, but perhaps the answer asked for
                "an update rule: compared with the key's answer"
                if question.answers
                else "an update rule (an assignment): nothing to prove"
            )
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
            continue
        again = False
        if definition is not None and definition.restates:
            kept = _decidelinks(text, links[:1], context, question, settings)
            if kept.status is StepStatus.VALID:  # what the earlier line defined, again
                definition = None
            else:
                links, again = links[1:], True
        if definition is not None:
            made = with_ranges(definition.definition, context)  # Σ_k of a_j = e^{z_j} / Σ_k ...
            shape = entrywise_shape(made, context)  # ... makes a a vector like z
            decls = {made.name.rpartition("_")[0]: shape} if shape else None
            context = context.extend(decls, definitions=(made,))
            own.add(definition.definition.name)
            if topic is not None and ast.names(definition.relation.rhs) & topic:
                topic.add(definition.definition.name)  # `a = W x`: a is the question's too
            written.append(Written(definition.relation, text))  # `s = γ/‖u‖` may be the answer
            if not links:
                reason = f"defines {definition.definition.name}" + (
                    " again, not as the document's earlier line did" if again else ""
                )
                results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason))
                # `L_reg = L + λ‖w‖²` then `= ...`: the next line goes on from the body
                chain, previous_rhs = [definition.relation], definition.relation.rhs
                continue
        if not links:
            reason = "not a relation to check"
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason, mention=True))
            continue
        if all(_is_case_condition(link) for link in links):  # `j \neq i`: a case, not a step
            reason = "a case condition, not a step"
            results.append(StepResult(text, StepStatus.NOT_CHECKED, reason=reason, mention=True))
            continue
        # a line that starts where the last one ended goes on with its chain
        continues = chain and previous_rhs is not None and links[0].lhs == previous_rhs
        chain = [*chain, *links] if continues else list(links)
        previous_rhs = links[-1].rhs
        written.extend(Written(link, text) for link in links)
        # a ≤ b ≤ c = d shows a ≤ d and b ≤ d: the relation a key asks for may be either
        written.extend(Written(conclusion, text) for conclusion in chain_conclusions(chain))
        result = _decidelinks(text, links, context, question, settings)
        if (
            topic is not None
            and result.status is StepStatus.VALID
            and not ast.names(tuple(links)) & topic
        ):
            reason = "valid, but it uses none of the question's quantities: earns no credit"
            result = replace(result, reason=reason, credited=False)
        results.append(result)
    return tuple(results), context, written


def _is_case_condition(link: ast.Relation) -> bool:
    """`j \\neq i` between two bare letters: which case follows, not a claim."""
    letters = (link.lhs, link.rhs)
    return link.op == "!=" and all(
        isinstance(side, ast.Name) and len(side.name) == 1 for side in letters
    )


def _topic(question: Question) -> set[str] | None:
    """The quantities of a question that asks only for a derivation (no final answer to
    compare): a true line about none of them (`x + 1 = 1 + x`) is filler, not work. None
    when the question names nothing, or has a final answer, which carries the credit."""
    if question.answers:
        return None
    context = question.context
    names = set(context.decls) | {d.name for d in context.definitions}
    return names or None


@dataclass(frozen=True)
class _Defined:
    definition: Definition
    relation: ast.Relation
    # the line restates an earlier definition of the document's own: a claim if it holds,
    # a new definition of the letter otherwise (a new case, or a slip: derive cannot tell)
    restates: bool = False


def _read_step(
    text: str,
    previous_rhs: ast.Node | None,
    context: Context,
    own: set[str],
    question: Question,
    latex: bool | None = None,
    restate: bool = False,
) -> tuple[list[ast.Relation], _Defined | None]:
    """The relations of one step to check, and the definition it makes, if any:
    `w := ...`, `let w = ...`, or `L_reg = ...` naming something the context does not
    know yet (in a chain `mu_1 = 30/12 = 2.50` the first link defines, the rest are checked).
    A name the student's own work defined (`own`) is bound again by `name = ...`: sample 2's
    `μ = 18/6` is a new μ, not a claim that it equals sample 1's. A name the key defines
    or declares is never bound again: `w := ...` against the key's w is checked."""
    stripped = DEFINITION_WORDS.sub("", _LABELS.sub("", text, count=1), count=1)
    is_definition_word = DEFINITION_WORDS.match(_LABELS.sub("", text, count=1)) is not None
    if _CONTINUATION.match(stripped) and previous_rhs is not None:
        node = question.read(parse_statement("x_{previous} " + stripped, latex=latex))
        found = links(node)
        found[0] = ast.Relation(found[0].op, previous_rhs, found[0].rhs)
        return found, None
    node = question.read(parse_statement(stripped, latex=latex))
    if not isinstance(node, ast.Relation | ast.Chain):
        return [], None
    found = links(node)
    first = found[0]
    if first.op in (":=", "=") and _defined_by_key(first, context, own):
        return [ast.Relation("=", first.lhs, first.rhs), *found[1:]], None
    if restate and first.op == "=" and _restates(first, context, own):
        relation = ast.Relation("=", first.lhs, first.rhs)
        return found, _Defined(definition_of(first), relation, restates=True)
    if first.op == ":=" or (
        first.op == "="
        and (is_definition_word or _introduces(first, context) or _rebinds(first, own))
    ):
        return found[1:], _Defined(definition_of(first), ast.Relation("=", first.lhs, first.rhs))
    return found, None


def _rebinds(node: ast.Relation, own: set[str]) -> bool:
    """`μ = 18/6` where the student's own earlier line defined μ."""
    try:
        name = definition_of(node).name
    except DeriveError:
        return False
    return name in own and name not in ast.names(node.rhs)  # `t = t + 1` is no binding


def _restates(node: ast.Relation, context: Context, own: set[str]) -> bool:
    """`x̂_i = (x_i - μ)(σ^2 + ε)^{-1/2}` after the document's own `x̂_i = ...`: the same
    name built from the same quantities again (not a new case, nor an update `v_t =
    v_t / (1 - β^t)`, nor a function of other arguments)."""
    try:
        name, params = definition_of(node).name, definition_of(node).params
    except DeriveError:
        return False
    earlier = context.definition(name)
    if name not in own or earlier is None or earlier.params != params:
        return False
    quantities = _quantities(node.rhs)
    return bool(quantities) and name not in quantities and quantities == _quantities(earlier.body)


def _quantities(node: object) -> set[str]:
    """The names a tree mentions, functions (`sqrt`, `f`) left out."""
    functions = {item.func for item in ast.walk(node) if isinstance(item, ast.Call)}
    return ast.names(node) - functions


def _defined_by_key(node: ast.Relation, context: Context, own: set[str]) -> bool:
    """A definition of a name the question's key defines (and the student did not)."""
    try:
        name = definition_of(node).name
    except DeriveError:
        return False
    return name not in own and context.definition(name) is not None


def chain_conclusions(links: list[ast.Relation]) -> list[ast.Relation]:
    """What a chain concludes about each of its terms: the relation of every term but the
    last to the last, where the links agree in direction (`0 <= a <= b = 1` gives
    `0 <= 1`, `a <= 1`, `b = 1`), the nearest term last."""
    found = []
    for start in range(len(links) - 1):
        ops = {link.op for link in links[start:]}
        if ops <= {"="}:
            op = "="
        elif ops <= {"=", "<=", "<"}:
            op = "<" if "<" in ops else "<="
        elif ops <= {"=", ">=", ">"}:
            op = ">" if ">" in ops else ">="
        else:
            continue
        found.append(ast.Relation(op, links[start].lhs, links[-1].rhs))
    return found


def links(node: ast.Node) -> list[ast.Relation]:
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
            full = definition_of(node).name
            known = context.lookup(full) or context.definition(full) or context.lookup(name)
            return (
                not known and context.definition(name) is None and full not in ast.names(node.rhs)
            )
        case ast.Pow(base=ast.Name() | ast.Subscript() as base, exponent=ast.Num()):
            return _introduces(ast.Relation("=", base, node.rhs), context)  # sigma^2 = 0.66
        case ast.Const(name="e" | "I" as name):  # `e = y - t` names an error, not Euler's e
            return context.definition(name) is None and not context.lookup(name)
        case ast.Call(func=func, args=args, derivative=0) if all(
            isinstance(a, ast.Name) for a in args
        ):
            # `H(y, s) = -Σ y_i log s_i`: a function the context does not know is defined
            known = func in ARITY or context.lookup(func) or context.definition(func)
            return not known and func not in ast.names(node.rhs)
    return False


def definition_of(node: ast.Relation) -> Definition:
    """What `name = body` defines: a name, `name_label`, `f(x)`, or a named power."""
    match node.lhs:
        case ast.Pow(base=base):  # a named result such as sigma^2 = 0.66: defines sigma^2
            inner = definition_of(ast.Relation("=", base, node.rhs))
            return Definition(f"{inner.name}^2", node.rhs)
        case ast.Name(name=name):
            return Definition(name, node.rhs)
        case ast.Subscript(base=base, label=label):
            return Definition(f"{base}_{label}", node.rhs)
        case ast.Call(func=name, args=args, derivative=0) if all(
            isinstance(a, ast.Name) for a in args
        ):  # not g'(x) = 2x: a claim about g's derivative
            return Definition(name, node.rhs, tuple(a.name for a in args))  # type: ignore[attr-defined]
        case ast.Const(name=name) if name in ("e", "I"):  # `e = y - t`: an error named e
            return Definition(name, node.rhs)
    raise DeriveError("define a name, as in w := ...")


def _decidelinks(
    text: str, links: list[ast.Relation], context: Context, question: Question, settings: Settings
) -> StepResult:
    methods = []
    for link in links:
        if context.open_world and (reason := open_world.unreadable(link, context)):
            return StepResult(text, StepStatus.NOT_CHECKED, reason=reason)
        rounded = _rounded_result(link, text, context)
        if rounded is not None:  # 7/12 = 0.58: right at the precision written
            if not rounded.status.holds:
                return StepResult(text, StepStatus.INVALID, None, rounded.summary, _method(rounded))
            methods.append(_method(rounded))
            continue
        step = statement(
            text, context, given=question.facts, sizes=question.size_map(), links=(link,)
        )
        verdict = decide_cached(replace(step, where_defined=True), settings)
        if verdict.status is Status.REFUTED:
            if context.open_world and (
                reason := open_world.substituted(link, context)
                or open_world.at_a_kink(link)
                or open_world.discounted(link, context)
            ):
                return StepResult(text, StepStatus.NOT_CHECKED, reason=reason)
            example = verdict.counterexample.as_dict() if verdict.counterexample else None
            return StepResult(text, StepStatus.INVALID, example, verdict.summary, _method(verdict))
        if not verdict.status.holds:
            return StepResult(
                text, StepStatus.NOT_CHECKED, reason=verdict.reason or verdict.summary
            )
        if context.open_world and (reason := open_world.shape_dependent(link, text, context)):
            return StepResult(text, StepStatus.NOT_CHECKED, reason=reason)
        methods.append(_method(verdict) + open_world.holding(link, context))
    return StepResult(text, StepStatus.VALID, method="; ".join(dict.fromkeys(methods)))


def _rounded_result(link: ast.Relation, text: str, context: Context) -> Verdict | None:
    """An equation whose right side is a decimal written with fewer digits than the exact
    value needs (2.58 for 31/12) holds at the precision written, as a TA reads it."""
    if link.op != "=" or not isinstance(link.rhs, ast.Num) or link.rhs.value.denominator == 1:
        return None
    written = next(
        (n for n in NUMBER.findall(text) if "." in n and Fraction(n) == link.rhs.value), None
    )
    exact = exact_value(link.lhs, context)
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


def list_answer(text: str) -> Written | None:
    """`mu = [2.50, 2.58]`: a named list of numbers, which the expression parsers do not read."""
    if "=" not in text:
        return None
    left, right = text.split("=", 1)
    try:
        lhs = parse_expression(left)
    except DeriveError:
        return None
    return (
        Written(ast.Relation("=", lhs, ast.Name("_list")), text)
        if elements(right) is not None
        else None
    )
