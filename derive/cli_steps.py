"""`derive steps`: check every step of derivations that have no answer key.

$ derive steps notes.md
$ derive steps notes.md --let 'z: vector(K)' --json
$ derive steps --jsonl in.jsonl --out out.jsonl --workers 2 --resume
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from derive import cli

EPILOG = """\
examples:
  derive steps notes.md
  derive steps solution.tex --let 'z: vector(K)' --assume 'x > 0'
  derive steps --jsonl derivations.jsonl --out results.jsonl --workers 2 --resume
  derive steps --jsonl big.jsonl --out results.jsonl --executor dask --scheduler tcp://host:8786

Documents: Markdown (.md), LaTeX (.tex), notebooks (.ipynb, their Markdown cells) and
plain text. One display line, or one row of an aligned block, is one step. What the
prose declares ("Let $z \\in \\mathbb{R}^K$", "$\\sigma$ is the sigmoid") is read and
shown; --let, --assume, --where and a YAML front matter block add to it.

A step is invalid only with a counterexample confirmed exactly that keeps every
declaration and assumption; what derive cannot read or decide is "not checked", with
the reason.

--jsonl: one derivation per line, {"id": ..., "steps": [...]} or {"id": ..., "text": ...},
with an optional "context": {"let": {...}, "assume": [...], "where": {...}}; one result
per line is written to --out as each finishes.

exit status: 0 no invalid step, 1 an invalid step, 2 bad input
"""


def add_parser(commands: Any) -> None:
    steps = commands.add_parser(
        "steps",
        help="check every step of a derivation, without an answer key",
        description="Check every step of derivations written in Markdown, LaTeX, notebooks\n"
        "or plain text: valid, invalid (with a counterexample), or not checked (with why).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    steps.add_argument("files", nargs="*", metavar="FILE", help="derivation documents")
    cli.context_options(
        steps,
        "an assumption or a granted relation: 'x > 0', '\\sum_{i=1}^{n} y_i = 1' (repeatable)",
    )
    steps.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="DEF",
        help="a definition: 'y_hat = softmax(z)' (repeatable)",
    )
    bulk = steps.add_argument_group("bulk checking")
    bulk.add_argument("--jsonl", metavar="IN", help="check the derivations of a JSON-lines file")
    bulk.add_argument("--out", metavar="OUT", help="where --jsonl writes its results (JSON lines)")
    bulk.add_argument("--resume", action="store_true", help="skip the ids --out already holds")
    bulk.add_argument(
        "--workers",
        type=cli._workers,
        default=1,
        metavar="N",
        help="derivations checked at once, each in its own process (0: one per core)",
    )
    bulk.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where --jsonl runs: this machine, or a Dask cluster (pip install 'derive[dask]')",
    )
    bulk.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler (default: a local cluster of --workers processes)",
    )
    cli._engine_options(steps)
    cli._json_option(steps, "print one JSON document per file")
    steps.set_defaults(run=run)


def _given(args: argparse.Namespace) -> Any:
    from derive.derivation.reading import Given

    let = dict(cli._declaration(option, text) for option, text in args.decls)
    for text in args.assume:
        cli._assumption(text)
    where = {}
    for text in args.where:
        name, sep, body = text.partition("=")
        if not sep or not name.strip() or not body.strip():
            raise cli.UsageError(f"--where {text!r}: write a definition: 'y_hat = softmax(z)'")
        where[name.strip()] = body.strip()
    return Given(let, tuple(args.assume), where)


def run(args: argparse.Namespace) -> int:
    given = _given(args)
    settings = cli._settings(args)
    if args.jsonl:
        if args.files:
            raise cli.UsageError("give documents or --jsonl, not both")
        return _bulk(args, given, settings)
    if args.out or args.resume:
        raise cli.UsageError("--out and --resume go with --jsonl")
    if not args.files:
        raise cli.UsageError("give a derivation document (or --jsonl FILE)")
    from derive.derivation.check import check_derivation
    from derive.derivation.reading import read_file

    results = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise cli.UsageError(f"{name}: no such file")
        derivation = read_file(path)
        results.append(
            check_derivation(derivation, given=given, settings=settings, source=str(path))
        )
    if args.json:
        from derive.report.derivation_json import derivation_dict
        from derive.report.grading_json import dumps

        documents = [derivation_dict(r) for r in results]
        print(dumps(documents[0] if len(documents) == 1 else documents))
    else:
        from derive.report.derivation_console import derivation_panel

        console = cli._console()
        for result in results:
            console.print(derivation_panel(result))
    invalid = any(r.first_invalid_step is not None for r in results)
    return cli.EXIT_FAILED if invalid else cli.EXIT_OK


def _bulk(args: argparse.Namespace, given: Any, settings: Any) -> int:
    from derive.derivation.bulk import check_stream, read_records, written_ids

    if not args.out:
        raise cli.UsageError("--jsonl needs --out FILE for its results")
    source, out = Path(args.jsonl), Path(args.out)
    if not source.is_file():
        raise cli.UsageError(f"{args.jsonl}: no such file")
    if out.exists() and not args.resume:
        raise cli.UsageError(f"{args.out} exists: give --resume to go on with it, or remove it")
    skip = written_ids(out) if args.resume else set()
    invalid = 0
    start = time.monotonic()
    with source.open(encoding="utf-8", errors="replace") as lines:
        total = max(0, sum(1 for line in lines if line.strip()) - len(skip))
    report = _Progress(sys.stderr, cli._isatty(sys.stderr), start, total)

    def seen(result: Any) -> None:
        nonlocal invalid
        invalid += result.first_invalid_step is not None
        report.tick(result)

    with (
        source.open(encoding="utf-8", errors="replace") as lines,
        out.open("a", encoding="utf-8") as sink,
    ):
        records = (
            record
            if not given.let and not given.assume and not given.where
            else _with_given(record, given)
            for record in read_records(lines)
        )
        count = check_stream(
            records,
            sink,
            settings,
            workers=args.workers,
            skip=skip,
            executor=args.executor,
            scheduler=args.scheduler,
            on_result=seen,
        )
    report.done(count, invalid, len(skip))
    return cli.EXIT_FAILED if invalid else cli.EXIT_OK


def _with_given(record: Any, given: Any) -> Any:
    """The command line's context under each record's own (the record's wins)."""
    from dataclasses import replace

    return replace(record, given=given.merged(record.given))


class _Progress:
    """One line per 10 s in a log (CI), a rewritten line on a terminal."""

    def __init__(self, stream: Any, terminal: bool, start: float, total: int) -> None:
        self.stream, self.terminal, self.start, self.total = stream, terminal, start, total
        self.count = 0
        self.last = start

    def tick(self, result: Any) -> None:
        self.count += 1
        now = time.monotonic()
        if self.terminal or now - self.last >= 10:
            rate = self.count / max(now - self.start, 1e-9)
            left = max(0, self.total - self.count) / rate if rate else 0.0
            end = "\r" if self.terminal else "\n"
            self.stream.write(
                f"{self.count}/{self.total} checked ({rate:.1f}/s, about {left:.0f} s left), "
                f"last {result.source}{end}"
            )
            self.stream.flush()
            self.last = now

    def done(self, count: int, invalid: int, skipped: int) -> None:
        seconds = time.monotonic() - self.start
        skipped_text = f", {skipped} already done" if skipped else ""
        self.stream.write(
            f"{count} derivations checked in {seconds:.1f} s, {invalid} with an invalid step"
            f"{skipped_text}\n"
        )
