"""Checking a derivation that has no answer key.

The steps are decided as a graded solution's are (`derive.grading.steps`): link by link,
each earlier definition extending the context of the steps after it, every step read
where both its sides are real. What the document does not say is not made up:

- names its prose declares ("Let $z \\in \\mathbb{R}^K$") are declared, and the report
  shows each inference with the words it came from;
- every other name is a real number that may depend on anything: its derivative is not
  known (`∂θ/∂w` where θ was defined in a sentence derive did not read is "not checked",
  not 0), so a step about it is never called wrong for want of a definition;
- a step is invalid only with a counterexample confirmed exactly that keeps every
  declaration and assumption in force.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

from derive.claim import build_context
from derive.derivation.inference import Inference, parsed
from derive.derivation.losses import loss_models
from derive.derivation.prose import case_letters
from derive.derivation.reading import Derivation, Given, Step
from derive.engine import Settings
from derive.errors import DeriveError
from derive.grading.key import Question, split_assumptions
from derive.grading.results import StepResult, StepStatus
from derive.grading.steps import check_steps, definition_of
from derive.model import ast
from derive.model.dependence import loss_arguments
from derive.model.types import Context, Definition, Domain, Vector
from derive.parsing import parse_statement

__all__ = ["DerivationResult", "check_derivation"]

BIT = Domain(integer=True, lower=Fraction(0), upper=Fraction(1))  # an entry of a one-hot vector
PROBABILITY = Domain(lower=Fraction(0), upper=Fraction(1))  # an entry of a label


@dataclass(frozen=True)
class DerivationResult:
    """Each step's result, with the context the steps were checked in."""

    source: str  # the file or the record's id; "" for text given directly
    steps: tuple[StepResult, ...]
    inferred: tuple[Inference, ...] = ()
    given: Given = field(default_factory=Given)
    problems: tuple[str, ...] = ()  # what could not be read, and why
    notation: tuple[str, ...] = ()  # how the document's notation was read
    seed: int = 0
    seconds: float = 0.0
    error: str | None = None  # the derivation could not be read at all

    @property
    def first_invalid_step(self) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.status is StepStatus.INVALID), None)

    def count(self, status: StepStatus) -> int:
        return sum(step.status is status for step in self.steps)

    def _repr_markdown_(self) -> str:  # a notebook shows the result as a list of steps
        lines = [f"**derivation** {self.source or ''}: {self.summary()}", ""]
        for number, step in enumerate(self.steps, 1):
            note = step.reason or step.method
            lines.append(f"{number}. `{step.text}`: **{step.status.value}** {note}".rstrip())
        return "\n".join(lines)

    def summary(self) -> str:
        if self.error is not None:
            return f"not read: {self.error}"
        parts = [f"{self.count(s)} {s.value}" for s in StepStatus]
        first = self.first_invalid_step
        lead = f"first invalid step: {first + 1}; " if first is not None else ""
        return lead + ", ".join(parts)


def check_derivation(
    derivation: Derivation,
    *,
    given: Given | None = None,
    settings: Settings | None = None,
    source: str = "",
) -> DerivationResult:
    """Decide every step of `derivation` in the context its text and `given` make
    (`given` wins over what was inferred)."""
    start = time.monotonic()
    settings = settings or Settings()
    written = derivation.given.merged(given or Given())
    hot = _one_hot_vectors(derivation)
    labels = _label_vectors(derivation, hot)
    einstein = any("Einstein" in convention for convention in derivation.conventions)
    context = derivation_context(derivation.inferred, written, hot, labels, einstein)
    defined = _prose_definitions(derivation, context)
    context = context.extend(definitions=tuple(d for d, _ in defined))
    cases = [_equal_indices(step, derivation.latex) for step in derivation.steps]
    texts = tuple(
        _in_case(step.reading, case) if case else step.reading
        for step, case in zip(derivation.steps, cases, strict=True)
    )
    losses, functions = loss_models(parsed(texts, latex=derivation.latex), context)
    context = context.extend(functions, definitions=losses)
    _, facts = split_assumptions(written.assume)  # assumptions on names are in the context
    facts += [_sums_to_one(name, context) for name in (*hot, *labels)]  # ... each sums to 1
    question = Question("derivation", 0, context, tuple(f for f in facts if f))
    declared = frozenset(item.name for item in derivation.inferred)  # its lines may define them
    results, _, _ = check_steps(
        question, texts, settings, latex=derivation.latex, credit=False, own=declared, restate=True
    )
    located = tuple(  # a formula that claims nothing (`$x$` in a sentence) is no step
        _unrefuted(
            replace(result, text=step.text, line=step.line, method=_case_note(result, case)),
            _caveat(derivation, step, result, case),
        )
        for result, step, case in zip(results, derivation.steps, cases, strict=True)
        if not result.mention
    )
    return DerivationResult(
        source,
        located,
        derivation.inferred,
        written,
        derivation.problems,
        (
            *derivation.notation,
            *(f"{text} (defined in the prose)" for _, text in defined),
            *(f"{name} is the label: entries in [0, 1] that sum to 1" for name in labels),
            *(_loss_note(loss) for loss in losses),
        ),
        settings.seed,
        time.monotonic() - start,
    )


def _loss_note(loss: Definition) -> str:
    arguments = ", ".join(loss_arguments(loss) or ())
    return (
        f"{loss.name} is not defined: read as any smooth function of {arguments} alone, "
        "the premise of the chain rule its derivatives are written with"
    )


_CONDITION = re.compile(
    r"^(?P<claim>.*?)\s*\\text\{ for \}\s*(?:\\quad\s*)?(?P<a>[a-z])\s*=\s*(?P<b>[a-z])\.?$"
)


def _equal_indices(step: Step, latex: bool | None) -> tuple[str, str] | None:
    """The two index letters a step is claimed equal in: `..., \\quad i = j` after the
    claim, or "When $i = j$" before it (for a step that mentions both); None otherwise."""
    attached = _CONDITION.match(step.reading)
    letters = (attached["a"], attached["b"]) if attached else case_letters(step.imposed)
    if not letters or _binds(step.reading, letters):
        return None
    if attached or (" = " in step.imposed and _concerns(step, letters, latex)):
        return letters
    return None


def _binds(reading: str, letters: tuple[str, str]) -> bool:
    """Whether a sum or product in the step binds one of the case's letters: writing j as
    i would capture it (Σ_j a_i a_j is not Σ_i a_i a_i), so the case is not read."""
    return any(
        re.search(rf"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{{?\s*{letter}(?![A-Za-z])", reading)
        for letter in letters
    )


def _in_case(reading: str, case: tuple[str, str]) -> str:
    """The claim with the second index written as the first: C(i, j) where i = j is
    C(i, i), decided as any claim (a counterexample to it is one to the case)."""
    attached = _CONDITION.match(reading)
    claim = attached["claim"] if attached else reading
    first, second = case
    return re.sub(rf"(?<![A-Za-z\\]){second}(?![A-Za-z])", first, claim)


def _case_note(result: StepResult, case: tuple[str, str] | None) -> str:
    if case is None or result.status is StepStatus.NOT_CHECKED:
        return result.method
    return f"{result.method} (in the case {case[0]} = {case[1]})"


def _caveat(
    derivation: Derivation, step: Step, result: StepResult, case: tuple[str, str] | None = None
) -> str:
    """Why the prose may rule out a step's counterexample, or ""."""
    if case is not None:  # the case is in the claim decided
        return ""
    if step.imposed and _concerns(step, case_letters(step.imposed), derivation.latex):
        return f'the text imposes it ("{step.imposed}"): a condition, not an identity'
    if derivation.conventions:
        return f"the document uses {derivation.conventions[0]}, which derive does not read"
    example = result.counterexample or {}
    if derivation.classification and not _one_hot_vectors(derivation) and "y" in example:
        return (  # a one-hot vector the text names has one-hot counterexamples only
            "y is a label here (one-hot, or a distribution): the counterexample's y may be neither"
        )
    return ""


def _concerns(step: Step, letters: tuple[str, str] | None, latex: bool | None) -> bool:
    """Whether a case (`j = i`) bears on a step: it mentions both indices (a step about
    i alone is the same in every case). Words that impose a condition always bear."""
    if letters is None:
        return True
    try:
        names = ast.names(parse_statement(step.reading, latex=latex))
    except DeriveError:
        return True
    return set(letters) <= names


def _prose_definitions(derivation: Derivation, context: Context) -> list[tuple[Definition, str]]:
    """The prose's definitions derive can use: a new name (not one the context defines)
    for an expression that is more than a number or a letter (`where $x = 0$` names a
    point, `with $i = j$` a case)."""
    found = []
    for text in derivation.definitions:
        try:
            node = parse_statement(text, latex=True)
        except DeriveError:
            continue
        if isinstance(node, ast.Chain):  # `h_i = \sum_k e^{a_k} = \Sigma`: its first link
            node = node.links[0]
        if not isinstance(node, ast.Relation) or node.op not in ("=", ":="):
            continue
        if isinstance(node.rhs, ast.Num | ast.Name) or not ast.names(node.rhs):
            continue
        try:
            definition = definition_of(node)
        except DeriveError:
            continue
        if context.definition(definition.name) is None and definition.name not in ast.names(
            node.rhs
        ):
            found.append((definition, text))
    return found


def _label_vectors(derivation: Derivation, hot: tuple[str, ...]) -> tuple[str, ...]:
    """In a text about a classification loss, the vector y (or Y) the text does not call
    one-hot is the label: a distribution over the classes, as one-hot labels are too. A
    proof may use that it sums to 1; a refutation through it stays unreported (the text
    may mean one-hot, see `_caveat`)."""
    if not derivation.classification:
        return ()
    read = {  # read from its entries, not declared by the text as some real vector
        i.name for i in derivation.inferred if isinstance(i.decl, Vector) and i.dependent
    }
    return tuple(
        name
        for name in ("y", "Y")
        if name in read and name not in hot and _weights_a_log(derivation, name)
    )


def _weights_a_log(derivation: Derivation, name: str) -> bool:
    """Whether a step multiplies an entry of `name` by a logarithm (`y_k \\log a_k`), as
    the target of a cross-entropy is written."""
    for step in derivation.steps:
        try:
            tree = parse_statement(step.reading, latex=derivation.latex)
        except DeriveError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Mul):
                continue
            bases = {f.base for f in node.factors if isinstance(f, ast.Subscript)}
            logs = any(
                isinstance(inner, ast.Call) and inner.func == "log"
                for f in node.factors
                for inner in ast.walk(f)
            )
            if name in bases and logs:
                return True
    return False


def _one_hot_vectors(derivation: Derivation) -> tuple[str, ...]:
    """The vectors the text calls one-hot (letters near the words that name no vector,
    such as an index, are not)."""
    vectors = {i.name for i in derivation.inferred if isinstance(i.decl, Vector)}
    return tuple(name for name in derivation.one_hot if name in vectors)


def _unrefuted(result: StepResult, caveat: str) -> StepResult:
    """A refutation the prose may rule out is no evidence: the step is not checked."""
    if not caveat or result.status is not StepStatus.INVALID:
        return result
    return replace(
        result, status=StepStatus.NOT_CHECKED, counterexample=None, reason=caveat, method=""
    )


def _sums_to_one(name: str, context: Context) -> str:
    """`Σ_{i=1}^{n} y_i = 1` for a vector y of the context; "" for anything else."""
    decl = context.lookup(name)
    if not isinstance(decl, Vector):
        return ""
    return f"\\sum_{{i=1}}^{{{decl.size}}} {name}_{{i}} = 1"


def derivation_context(
    inferred: tuple[Inference, ...],
    given: Given,
    one_hot: tuple[str, ...] = (),
    labels: tuple[str, ...] = (),
    summation: bool = False,
) -> Context:
    """Inferred declarations, then the written ones over them, in an open world; the
    entries of a vector the text calls one-hot are 0 or 1, a label's lie in [0, 1] (each
    sums to 1, a fact)."""
    domains, _ = split_assumptions(given.assume)
    decls = {item.name: item.decl for item in inferred}
    for names, domain in ((one_hot, BIT), (labels, PROBABILITY)):
        for name in names:
            if isinstance(decls.get(name), Vector):
                decls[name] = Vector(decls[name].size, domain)  # type: ignore[union-attr]
    base = Context(
        decls,
        open_world=True,
        dependent=frozenset(item.name for item in inferred if item.dependent),
        summation=summation,
    )
    return build_context(given.let, given.where, domains, base=base)
