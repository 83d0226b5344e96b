"""Verdicts and claims for a terminal: rich tables, panels and the progress bar.

Layout only: the data comes from `derive.report.json_report` (the same verdict objects
the JSON and JUnit renderers read), and every piece of user or engine text is wrapped in
`Text`, so brackets such as `[[0, 2], [0, 0]]` are never taken for markup.

    console.print(verdict_panel(verdict, expect=claim.expect))
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from derive.claim import Claim
from derive.report.json_report import Tally
from derive.report.text import evidence, statement_lines
from derive.verdict import Expect, Status, Verdict, passes

__all__ = [
    "claim_panel",
    "claims_table",
    "make_progress",
    "results_table",
    "status_style",
    "summary_text",
    "verdict_panel",
]

_STYLES = {
    Status.PROVED: "green",
    Status.VERIFIED: "cyan",
    Status.UNKNOWN: "yellow",
    Status.ERROR: "red",
}


def status_style(status: Status, expect: Expect = Expect.HOLDS) -> str:
    """Green proved, cyan verified, magenta refuted as expected (red if not), yellow
    unknown, red error."""
    if status is Status.REFUTED:
        return "magenta" if expect is Expect.REFUTED else "red"
    return _STYLES[status]


def _status(verdict: Verdict, expect: Expect) -> Text:
    return Text(verdict.status.value, style=f"bold {status_style(verdict.status, expect)}")


def _mark(ok: bool) -> Text:
    return Text("PASS", style="bold green") if ok else Text("FAIL", style="bold red")


def claims_table(claims: Sequence[Claim]) -> Table:
    """`derive list`: id, title, source, expectation."""
    table = Table(show_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True, overflow="fold", style="bold")
    table.add_column("title", ratio=1)
    table.add_column("source", no_wrap=True)
    table.add_column("expect", no_wrap=True)
    for c in claims:
        expect = Text(c.expect.value, style="magenta" if c.expect is Expect.REFUTED else "")
        table.add_row(Text(c.id), Text(c.title), Text(c.source), expect)
    return table


def results_table(claims: Sequence[Claim], verdicts: Sequence[Verdict]) -> Table:
    """`derive check`: one row per claim with its status, method, time and PASS/FAIL."""
    table = Table(show_edge=False, header_style="bold")
    table.add_column("id", overflow="fold")  # id and method give way on narrow terminals
    table.add_column("expected", no_wrap=True, min_width=8)
    table.add_column("status", no_wrap=True, min_width=8)
    table.add_column("method")
    table.add_column("time", justify="right", no_wrap=True, min_width=6)
    table.add_column("", no_wrap=True, min_width=4)
    for c, v in zip(claims, verdicts, strict=True):
        table.add_row(
            Text(c.id),
            Text(c.expect.value),
            _status(v, c.expect),
            Text(v.method),
            Text(f"{v.seconds:.1f} s"),
            _mark(passes(v, c.expect)),
        )
    return table


def summary_text(tally: Tally) -> Text:
    return Text(tally.line(), style="bold green" if tally.failed == 0 else "bold red")


def _rows(rows: list[tuple[str, str]], *, styles: dict[str, str] | None = None) -> Table:
    """Two columns, labels dimmed; a repeated label is shown once."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    previous = None
    for label, text in rows:
        shown = "" if label == previous else label
        grid.add_row(Text(shown), Text(text, style=(styles or {}).get(label, "")))
        previous = label
    return grid


def verdict_panel(
    verdict: Verdict, *, expect: Expect | None = Expect.HOLDS, title: str = "verdict"
) -> Panel:
    """The verdict with its evidence, the border coloured by its status; with an
    expectation (a library claim), PASS or FAIL underneath."""
    style = status_style(verdict.status, expect or Expect.HOLDS)
    grid = _rows(evidence(verdict), styles={"status": f"bold {style}"})
    subtitle = None
    if expect is not None:
        subtitle = Text.assemble(_mark(passes(verdict, expect)), f" (expected: {expect.value})")
    return Panel(grid, title=Text(title), title_align="left", border_style=style, subtitle=subtitle)


def claim_panel(claim: Claim) -> Panel:
    """`derive show`: what the claim asserts, in its context."""
    rows = [("title", claim.title), ("source", claim.source), ("expect", claim.expect.value)]
    rows += statement_lines(claim)
    if claim.notes:
        rows.append(("notes", claim.notes))
    grid = _rows(rows, styles={"statement": "bold", "notes": "italic"})
    return Panel(grid, title=Text(claim.id, style="bold"), title_align="left")


def make_progress(console: Console) -> Progress:
    """A bar for `derive check` (refreshed by the caller as results arrive, so no
    thread runs while the engine forks its check processes)."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=False,
    )
