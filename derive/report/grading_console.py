"""Grading results for a terminal: a panel per submission, a class summary, the keys.

Layout only: the numbers and the feedback lines come from `derive.report.grading_json`,
and every piece of student or engine text is wrapped in `Text`, so `[0, 1]` is never
taken for markup.

    console.print(submission_panel(result))
    console.print(class_summary_panel(results))
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from derive.grading.key import AnswerKey
from derive.grading.key_check import KeyItem
from derive.grading.results import FinalStatus, QuestionResult, StepStatus, SubmissionResult
from derive.report.grading_json import class_summary, counterexample_text, expectation, number

__all__ = ["class_summary_panel", "key_table", "submission_panel"]

_FINAL_STYLES = {
    FinalStatus.CORRECT: "green",
    FinalStatus.INCORRECT: "red",
    FinalStatus.MISSING: "yellow",
    FinalStatus.NOT_CHECKED: "yellow",
}


def _points(score: float, max_score: float) -> Text:
    style = "green" if score >= max_score else ("red" if score <= 0 else "yellow")
    return Text(f"{number(score)} / {number(max_score)}", style=style)


def _steps(question: QuestionResult) -> Text:
    """`3 ✓ 1 ✗ 2 ?`: valid, invalid and not checked steps."""
    counts = dict.fromkeys(StepStatus, 0)
    for step in question.steps:
        counts[step.status] += 1
    if not question.steps:
        return Text("none", style="dim")
    invalid = counts[StepStatus.INVALID]
    unchecked = counts[StepStatus.NOT_CHECKED]
    return Text.assemble(
        (f"{counts[StepStatus.VALID]} ✓", "green"),
        " ",
        (f"{invalid} ✗", "bold red" if invalid else "dim"),
        " ",
        (f"{unchecked} ?", "yellow" if unchecked else "dim"),
    )


def _feedback(question: QuestionResult) -> Text:
    index = question.first_invalid_step
    if index is not None:
        step = question.steps[index]
        text = Text.assemble((f"step {index + 1}: ", "bold red"), step.text)
        example = counterexample_text(step.counterexample)
        if example:
            text.append(f"\ncounterexample: {example}", style="red")
        if step.reason:  # the two sides there, or why there is no point ("not attained")
            text.append(f"\n{step.reason}", style="dim")
        return text
    final = question.final
    text = Text(final.reason, style="dim")
    if final.status is FinalStatus.INCORRECT and final.given:
        text = Text.assemble(
            ("given: ", "dim"), final.given, ("\nexpected: ", "dim"), final.expected
        )
        if final.counterexample:
            text.append(
                f"\ncounterexample: {counterexample_text(final.counterexample)}", style="red"
            )
    return text


def _not_checked(result: SubmissionResult) -> Text:
    """Why each step was not checked: what the student can rewrite for derive to read it."""
    lines = Text()
    for q in result.questions:
        for number_, step in enumerate(q.steps, 1):
            if step.status is StepStatus.NOT_CHECKED:
                if lines.plain:
                    lines.append("\n")
                lines.append(f"not checked: {q.label} step {number_}: ", style="yellow")
                lines.append(step.reason or "no reason given", style="dim")
    return lines


def submission_panel(result: SubmissionResult) -> Panel:
    """One submission: per question its points, final answer, steps, and the first
    invalid step with its counterexample (or what is wrong with the final answer)."""
    title = Text.assemble((result.student, "bold"), f"  {result.key}" if result.key else "")
    if result.error is not None:
        body = Text.assemble(("could not be graded: ", "bold red"), result.error)
        return Panel(body, title=title, title_align="left", border_style="red")
    table = Table(show_edge=False, header_style="bold", expand=True)
    table.add_column("question", no_wrap=True, style="bold")
    table.add_column("points", no_wrap=True, justify="right")
    table.add_column("final answer", no_wrap=True)
    table.add_column("steps ✓ ✗ ?", no_wrap=True)
    table.add_column("first invalid step / feedback", overflow="fold", ratio=1)
    for q in result.questions:
        table.add_row(
            Text(q.label),
            _points(q.score, q.max_score),
            Text(q.final.status.value, style=_FINAL_STYLES[q.final.status]),
            _steps(q),
            _feedback(q),
        )
    parts: list[RenderableType] = [table]
    unchecked = _not_checked(result)
    if unchecked.plain:
        parts.append(unchecked)
    if result.notes:
        notes = Text("\n".join(f"note: {n}" for n in result.notes), style="dim")
        parts.append(notes)
    subtitle = Text.assemble("score ", _points(result.score, result.max_score))
    full = result.score >= result.max_score
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
        border_style="green" if full else "blue",
    )


def class_summary_panel(results: Sequence[SubmissionResult], *, most_wrong: int = 5) -> Panel:
    """The class: counts, mean and median, the distribution of scores in tenths of the
    maximum, and the questions most often got wrong."""
    summary = class_summary(results)
    lines = Text()
    lines.append(f"{summary['graded']} graded", style="bold")
    if summary["errors"]:
        lines.append(f", {summary['errors']} could not be read", style="bold red")
    if summary["mean"] is not None:
        lines.append(
            f"   mean {summary['mean']}, median {summary['median']}, "
            f"lowest {summary['lowest']}, highest {summary['highest']} "
            f"(of {summary['max_score']})"
        )
    distribution = Table.grid(padding=(0, 1))
    distribution.add_column(justify="right", style="dim", no_wrap=True)
    distribution.add_column(no_wrap=True)
    distribution.add_column(justify="right", no_wrap=True)
    largest = max((b["count"] for b in summary["distribution"]), default=0) or 1
    for bucket in reversed(summary["distribution"]):
        bar = "█" * round(20 * bucket["count"] / largest)
        distribution.add_row(
            f"{bucket['from']}-{bucket['to']}%", Text(bar, style="cyan"), str(bucket["count"])
        )
    wrong = Table(show_edge=False, header_style="bold", title=None)
    wrong.add_column("question", style="bold", no_wrap=True)
    wrong.add_column("wrong", justify="right")
    wrong.add_column("missing", justify="right")
    wrong.add_column("mean points", justify="right")
    shown = [q for q in summary["questions"] if q["wrong"] or q["missing"]][:most_wrong]
    for q in shown:
        wrong.add_row(
            Text(q["label"]),
            str(q["wrong"]),
            str(q["missing"]),
            f"{q['mean_score']} / {q['max_score']}",
        )
    parts: list[RenderableType] = [lines, Text(""), Text("scores", style="bold"), distribution]
    if shown:
        parts += [Text(""), Text("most often wrong", style="bold"), wrong]
    return Panel(Group(*parts), title=Text("class summary", style="bold"), title_align="left")


def key_table(key: AnswerKey) -> Table:
    """`derive keys`: a key's questions, their points and what is expected."""
    table = Table(
        title=Text.assemble(
            (key.name, "bold"), f"  {key.title}  (source {key.source}, {number(key.points)} points)"
        ),
        title_justify="left",
        show_edge=False,
        header_style="bold",
    )
    table.add_column("question", style="bold", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("expects", overflow="fold")
    for q in key.questions:
        table.add_row(Text(q.label), str(number(q.points)), Text(expectation(q)))
    return table


_FINDING_STYLES = {"ok": "green", "warning": "yellow", "error": "bold red"}


def key_check_table(name: str, items: Sequence[KeyItem]) -> Table:
    """`derive keys --check`: what was checked in each question of a key, and what was found."""
    errors = sum(i.finding.value == "error" for i in items)
    warnings = sum(i.finding.value == "warning" for i in items)
    table = Table(
        title=Text.assemble((name, "bold"), f"  {errors} errors, {warnings} warnings"),
        title_justify="left",
        show_edge=False,
        header_style="bold",
    )
    table.add_column("question", style="bold", no_wrap=True)
    table.add_column("checked", overflow="fold")
    table.add_column("found", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for item in items:
        style = _FINDING_STYLES[item.finding.value]
        table.add_row(
            item.label, Text(item.what), Text(item.finding.value, style=style), Text(item.detail)
        )
    return table
