"""A checked derivation for a terminal: what was inferred, the first invalid step with
its counterexample, then every step with its status and the reason or method.

Layout only; every piece of document or engine text is wrapped in `Text`, so a step
such as `[0, 1]` is never taken for rich markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from derive.derivation.check import DerivationResult
from derive.grading.results import StepResult, StepStatus
from derive.report.grading_json import counterexample_text

__all__ = ["derivation_panel"]

_STYLES = {
    StepStatus.VALID: "green",
    StepStatus.INVALID: "bold red",
    StepStatus.NOT_CHECKED: "yellow",
}
_MARKS = {StepStatus.VALID: "✓", StepStatus.INVALID: "✗", StepStatus.NOT_CHECKED: "?"}


def derivation_panel(result: DerivationResult) -> Panel:
    title = Text(result.source or "derivation", style="bold")
    if result.error is not None:
        body = Text.assemble(("could not be read: ", "bold red"), result.error)
        return Panel(body, title=title, title_align="left", border_style="red")
    parts: list[RenderableType] = []
    readings = [f"{i.name} as {i.meaning()}" for i in result.inferred] + list(result.notation)
    if readings:
        reads = Text("reads ", style="dim")
        reads.append("; ".join(readings))
        parts.append(reads)
    first = result.first_invalid_step
    if first is not None:
        parts.append(_first_invalid(first, result.steps[first]))
    parts.append(_steps_table(result))
    for problem in result.problems:
        parts.append(Text(f"not read: {problem}", style="dim"))
    counts = Text.assemble(
        *((f"{result.count(status)} {status.value}  ", _STYLES[status]) for status in StepStatus),
        (f"seed {result.seed}, {result.seconds:.1f} s", "dim"),
    )
    parts.append(counts)
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        border_style="red" if first is not None else "blue",
    )


def _first_invalid(index: int, step: StepResult) -> Text:
    where = f" (line {step.line})" if step.line else ""
    text = Text.assemble((f"first invalid step: {index + 1}{where}: ", "bold red"), step.text)
    example = counterexample_text(step.counterexample)
    if example:
        text.append(f"\ncounterexample: {example}", style="red")
    if step.reason:
        text.append(f"\n{step.reason}", style="dim")
    return text


def _steps_table(result: DerivationResult) -> Table:
    table = Table(show_edge=False, header_style="bold", expand=True)
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column("line", no_wrap=True, justify="right", style="dim")
    table.add_column("step", overflow="fold", ratio=3)
    table.add_column("status", no_wrap=True)
    table.add_column("reason / method", overflow="fold", ratio=2, style="dim")
    for number, step in enumerate(result.steps, 1):
        status = Text(f"{_MARKS[step.status]} {step.status.value}", style=_STYLES[step.status])
        table.add_row(
            str(number),
            str(step.line or ""),
            Text(" ".join(step.text.split())),
            status,
            Text(step.reason or step.method),
        )
    return table
