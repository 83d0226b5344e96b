"""The `derive` command line: check the claim library, list it, show one claim, prove
one statement, list the answer keys, grade submissions.

Each command is a function from parsed arguments to an exit code. The engine, sympy,
numpy and rich are imported inside the commands, so `derive --help` stays fast. User
mistakes end in one message on stderr and exit code 2, never a traceback.

    $ derive prove 'sqrt(x^2) = x' --assume 'x > 0'
    $ derive check ift6135/momentum --junit derive.xml
    $ derive grade hand-ins/ --key ift6135-a2-2021 --format csv --out grades.csv
"""

from __future__ import annotations

import argparse
import io
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError, ParseError

if TYPE_CHECKING:
    from rich.console import Console

    from derive.claim import Claim
    from derive.grading.key import AnswerKey
    from derive.grading.results import SubmissionResult
    from derive.model.types import Context, Decl
    from derive.verdict import Verdict

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM
PROG = "derive"

_PROVE_EPILOG = """\
examples:
  derive prove 'x^2 >= 0'
  derive prove 'sqrt(x^2) = x' --assume 'x > 0'
  derive prove --let 'u: vector(n)' 'norm(u)^2 = transpose(u) u'
  derive prove --random 'X ~ Normal(0, 1)' 'E[X^2] = 1'

A statement that begins with '-' goes after '--':  derive prove -- '-x^2 <= 0'

exit status: 0 proved or verified, 1 refuted, 3 unknown, 2 bad input or error
"""

_GRADE_EPILOG = """\
examples:
  derive grade s123.yaml --key ift6135-a2-2021
  derive grade hand-ins/ --key ift6135-a2-2021 --workers 4 --format csv --out grades.csv
  derive grade hand-ins/ --key hw4 --format gradescope --out results/
  derive grade hand-ins/ --key hw4 --format csv --out grades.csv --resume

Submissions: structured answers (.yaml, .yml, .json) or solution documents
(.md, .tex, .txt); folders are searched for them. With several submissions (or
--resume), each result is kept in .derive-grading/ next to --out (or here) as it
is graded, and --resume grades only the submissions not graded yet.

exit status: 0 when grading ran (whatever the scores), 2 for a usage error
(unknown key, no submission files)
"""
_GRADE_FORMATS = ("text", "json", "csv", "junit", "gradescope")
_DEFAULT_NAMES = {
    "text": "grades.txt",
    "json": "grades.json",
    "csv": "grades.csv",
    "junit": "grades.xml",
    "gradescope": "results.json",
}


class UsageError(Exception):
    """A command line that cannot be carried out: one message, exit code 2."""


# -- entry point --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already reported
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    previous = _on_sigterm(_terminate)
    try:
        return args.run(args)
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except UsageError as exc:
        return _fail(args.command, str(exc))
    except ParseError as exc:
        return _fail(args.command, exc.render())
    except DeriveError as exc:
        return _fail(args.command, str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `derive list | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get("DERIVE_DEBUG") == "1":
            raise
        return _fail(
            args.command,
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in derive; please report it with the command line you ran "
            "(set DERIVE_DEBUG=1 to see the traceback).",
        )
    finally:
        _on_sigterm(previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI runner or a scheduler stopping the job): handled as Ctrl-C is, so
    the results already kept stay kept and no child process is left behind."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm(handler: Any) -> Any:
    """Install `handler` for SIGTERM and return the one it replaces (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return handler
    return signal.signal(signal.SIGTERM, handler)


def _fail(command: str, message: str) -> int:
    print(f"{PROG} {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


# -- arguments ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Verify the derivations of deep-learning coursework: prove, check "
        "numerically, or refute with a counterexample.",
        epilog="Run 'derive COMMAND --help' for the options of a command.",
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check claims of the library and report which pass",
        description="Check the selected claims of the library (all of them by default). "
        "Exit status: 0 when every claim comes out as expected, 1 otherwise, "
        "2 when no claim matches.",
    )
    _selection_options(check)
    _engine_options(check)
    check.add_argument(
        "--junit", metavar="FILE", help="also write the results as JUnit XML to FILE"
    )
    check.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="check N claims at a time (0: one per CPU; default: 1)",
    )
    _json_option(check, "print every verdict and a summary as one JSON document")
    check.set_defaults(run=_check)

    listing = commands.add_parser(
        "list",
        help="list the claims of the library",
        description="List the selected claims (all of them by default): id, title, "
        "source and expected outcome. Exit status 2 when no claim matches.",
    )
    _selection_options(listing)
    _json_option(listing, "print the claims as one JSON document")
    listing.set_defaults(run=_list)

    show = commands.add_parser(
        "show",
        help="show one claim, check it, and explain the verdict",
        description="Show a claim (statement, declarations, assumptions), check it, "
        "and show the verdict with its evidence. Exit status: 0 if it comes out as "
        "expected, 1 if not, 2 for an unknown id.",
    )
    show.add_argument("id", metavar="ID", help="the id of the claim, e.g. hw4/tanh/derivative")
    _engine_options(show)
    _json_option(show, "print the claim and its verdict as one JSON document")
    show.set_defaults(run=_show)

    prove = commands.add_parser(
        "prove",
        help="check one statement typed on the command line",
        description="Check one statement: prove it, verify it numerically, or refute it\n"
        "with a counterexample. Names nobody declares are real scalars.",
        epilog=_PROVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prove.add_argument(
        "statement",
        metavar="STATEMENT",
        help="a relation or chain in plain notation or LaTeX, e.g. 'tanh(z) = 2 sigmoid(2z) - 1'",
    )
    context_options(
        prove, "restrict names: 'x > 0', '0 < beta < 1', 'n positive integer' (repeatable)"
    )
    prove.add_argument(
        "--random",
        "-r",
        action="append",
        dest="decls",
        metavar="R",
        type=lambda text: ("--random", text),
        help="declare a random variable: 'X ~ Normal(0, 1)', 'g: random vector(n) ~ whitened'; "
        "without a law it is generic (repeatable)",
    )
    prove.add_argument(
        "--context",
        metavar="ID",
        help="start from the names of a library claim (or of every claim whose id starts with ID)",
    )
    notation = prove.add_mutually_exclusive_group()
    notation.add_argument(
        "--latex",
        action="store_const",
        const=True,
        dest="latex",
        help="read STATEMENT as LaTeX (default: LaTeX if it contains a backslash)",
    )
    notation.add_argument(
        "--plain",
        action="store_const",
        const=False,
        dest="latex",
        help="read STATEMENT as plain notation",
    )
    prove.add_argument(
        "--strict",
        action="store_true",
        help="refuse names that are not declared, instead of taking them as real scalars",
    )
    _engine_options(prove)
    _json_option(prove, "print the verdict as one JSON document")
    prove.set_defaults(run=_prove)

    keys = commands.add_parser(
        "keys",
        help="list the answer keys and their questions",
        description="List the answer keys of the library: per question its label, "
        "points, and what is expected.",
    )
    keys.add_argument(
        "--check",
        action="store_true",
        help="decide every expected answer of each key in its question's context and the "
        "claim each question shows, and list undeclared names (exit 1 on an error)",
    )
    keys.add_argument("names", nargs="*", metavar="KEY", help="only these keys (default: all)")
    _engine_options(keys)
    _json_option(keys, "print the keys (or the findings of --check) as one JSON document")
    keys.set_defaults(run=_keys)

    from derive import cli_steps

    cli_steps.add_parser(commands)

    grade = commands.add_parser(
        "grade",
        help="grade submissions against an answer key",
        description="Grade submissions: every final answer against the key, and every "
        "step of every derivation, with the first wrong step and its counterexample.",
        epilog=_GRADE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="answer files (.yaml, .json), solution documents (.md, .tex, .txt), or folders",
    )
    grade.add_argument(
        "--key", "-k", metavar="KEY", help="the answer key (default: the file's 'key:' field)"
    )
    grade.add_argument(
        "--format",
        "-f",
        choices=_GRADE_FORMATS,
        default="text",
        help="text (tables), json, csv (a gradebook), junit, or gradescope (results.json)",
    )
    _json_option(grade, "short for --format json: the report as one JSON document")
    grade.add_argument(
        "--out",
        "-o",
        metavar="FILE_OR_DIR",
        help="write the report there instead of stdout (a folder for gradescope with "
        "several submissions: one file each)",
    )
    grade.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="grade N submissions at a time (0: one per CPU; default: 1)",
    )
    grade.add_argument(
        "--resume",
        action="store_true",
        help="keep the results of submissions graded by an earlier run instead of regrading",
    )
    _engine_options(grade)
    grade.set_defaults(run=_grade)
    return parser


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selectors",
        nargs="*",
        metavar="SELECTOR",
        help="claim ids, id prefixes (ift6135/momentum) or globs ('*/rnn/*'); default: all",
    )
    parser.add_argument(
        "--source",
        metavar="S",
        help="keep the claims from source S: a document ('001', '001 Q4') or a course",
    )


def context_options(parser: argparse.ArgumentParser, assume_help: str) -> None:
    """`--assume` and `--let`, the same in every command that takes a context."""
    parser.add_argument(
        "--assume", "-a", action="append", default=[], metavar="A", help=assume_help
    )
    parser.add_argument(
        "--let",
        "-l",
        action="append",
        dest="decls",
        default=[],
        metavar="DECL",
        type=lambda text: ("--let", text),
        help="declare a name: 'u: vector(n)', 'W: matrix(n, n)', 'sigma: sigmoid' (repeatable)",
    )


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the random numeric trials (default: 0)",
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=60.0,
        metavar="SECONDS",
        help="time budget of each check; past it the verdict is unknown (default: 60)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="decide everything again instead of reusing cached verdicts",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where verdicts are cached (default: $DERIVE_CACHE_DIR or ~/.cache/derive)",
    )


def _settings(args: argparse.Namespace) -> Any:
    """The engine settings a command's options ask for."""
    from derive.cache import DEFAULT_DIRECTORY, VerdictCache
    from derive.engine import Settings

    cache_dir = None if args.no_cache else str(args.cache_dir or DEFAULT_DIRECTORY)
    if cache_dir is not None:
        problem = VerdictCache(Path(cache_dir)).problem
        if problem is not None:
            print(f"{PROG}: warning: {problem}; checking without a cache", file=sys.stderr)
            cache_dir = None
    return Settings(seed=args.seed, timeout=args.timeout, cache_dir=cache_dir)


def _json_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"{text} on stdout")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("the seed must be between 0 and 2^63 - 1")
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("the timeout must be a positive number of seconds")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the number of workers cannot be negative")
    return value or os.cpu_count() or 1


# -- commands -----------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from derive.engine import check_claims
    from derive.report.json_report import Tally, check_document, dumps

    claims = _select(args.selectors, args.source)
    settings = _settings(args)
    start = time.monotonic()
    if not args.json and _isatty(sys.stderr):
        verdicts = _check_with_progress(claims, settings, args.workers)
    else:
        verdicts = check_claims(claims, settings, workers=args.workers)
    tally = Tally.of(claims, verdicts, seconds=time.monotonic() - start, seed=args.seed)
    if args.json:
        print(dumps(check_document(claims, verdicts, tally)))
    else:
        from derive.report.console import results_table, summary_text

        console = _console()
        console.print(results_table(claims, verdicts))
        console.print(summary_text(tally))
    if args.junit:
        from derive.report.junit import write_junit

        try:
            write_junit(args.junit, claims, verdicts, seconds=tally.seconds)
        except OSError as exc:
            raise UsageError(f"cannot write {args.junit}: {exc.strerror or exc}") from None
    return EXIT_OK if tally.failed == 0 else EXIT_FAILED


def _check_with_progress(claims: list[Claim], settings: Any, workers: int) -> list[Verdict]:
    from derive.engine import check_claims
    from derive.report.console import make_progress

    with make_progress(_console(stderr=True)) as progress:
        task = progress.add_task("checking", total=len(claims))
        progress.refresh()

        def advance(claim: Claim, verdict: Verdict) -> None:
            progress.update(task, advance=1, description=claim.id)
            progress.refresh()

        return check_claims(claims, settings, workers=workers, on_result=advance)


def _list(args: argparse.Namespace) -> int:
    from derive.report.json_report import claim_dict, dumps

    claims = _select(args.selectors, args.source)
    if args.json:
        print(dumps({"claims": [claim_dict(c) for c in claims]}))
        return EXIT_OK
    from rich.text import Text

    from derive.report.console import claims_table

    console = _console()
    console.print(claims_table(claims))
    console.print(Text(f"{len(claims)} claim{'s' if len(claims) != 1 else ''}", style="dim"))
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from derive.engine import check_claims
    from derive.report.json_report import claim_dict, dumps, verdict_dict
    from derive.verdict import passes

    claim = _find(args.id)
    console = None
    if not args.json:
        from derive.report.console import claim_panel

        console = _console()
        console.print(claim_panel(claim))
    verdict = check_claims([claim], _settings(args))[0]
    if args.json:
        print(dumps(claim_dict(claim, details=True) | verdict_dict(verdict, claim=claim)))
    else:
        from derive.report.console import verdict_panel

        assert console is not None
        console.print(verdict_panel(verdict, expect=claim.expect))
    return EXIT_OK if passes(verdict, claim.expect) else EXIT_FAILED


def _prove(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from derive.claim import build_context, claim
    from derive.engine import prove
    from derive.parsing import parse_statement
    from derive.report.json_report import dumps, verdict_dict
    from derive.report.text import context_lines
    from derive.verdict import Status

    decls = dict(_declaration(option, text) for option, text in args.decls)
    for text in args.assume:
        _assumption(text)
    base = _context_of(args.context) if args.context else None
    context = build_context(let=decls, assume=args.assume, base=base, strict=args.strict)
    parse_statement(args.statement, latex=args.latex)  # a typo fails here, with a caret
    statement = claim(
        "prove/adhoc/statement",
        "ad-hoc",
        source="command line",
        statement=args.statement,
        context=context,
    ).check
    statement = replace(statement, context=context, latex=args.latex)  # type: ignore[arg-type]
    verdict = prove(statement, _settings(args))  # type: ignore[arg-type]
    if args.json:
        document = verdict_dict(verdict, title="ad-hoc", statement=args.statement)
        document["context"] = context_lines(context)
        print(dumps(document))
    else:
        from derive.report.console import verdict_panel

        _console().print(verdict_panel(verdict, title=args.statement, expect=None))
    return {
        Status.PROVED: EXIT_OK,
        Status.VERIFIED: EXIT_OK,
        Status.REFUTED: EXIT_FAILED,
        Status.UNKNOWN: EXIT_UNKNOWN,
    }.get(verdict.status, EXIT_USAGE)


def _keys(args: argparse.Namespace) -> int:
    keys = _answer_keys()
    if args.names:
        keys = [_find_key(keys, name) for name in args.names]
    if args.check:
        return _check_keys(args, keys)
    if args.json:
        from derive.report.grading_json import dumps, key_dict

        print(dumps({"keys": [key_dict(k) for k in keys]}))
        return EXIT_OK
    from rich.text import Text

    from derive.report.grading_console import key_table

    console = _console()
    for key in keys:
        console.print(key_table(key))
        console.print()
    count = len(keys)
    console.print(Text(f"{count} answer key{'s' if count != 1 else ''}", style="dim"))
    return EXIT_OK


def _check_keys(args: argparse.Namespace, keys: list[AnswerKey]) -> int:
    from derive.grading.key_check import Finding, check_key

    settings = _settings(args)
    claims = _library()
    findings = {key.name: check_key(key, claims, settings) for key in keys}
    errors = sum(i.finding is Finding.ERROR for items in findings.values() for i in items)
    if args.json:
        from derive.report.grading_json import dumps, key_findings

        print(dumps({"keys": [key_findings(name, items) for name, items in findings.items()]}))
    else:
        from derive.report.grading_console import key_check_table

        console = _console()
        for name, items in findings.items():
            console.print(key_check_table(name, items))
    return EXIT_FAILED if errors else EXIT_OK


def _grade(args: argparse.Namespace) -> int:
    if args.json:
        args.format = "json"

    from derive.grading.batch import RESULTS_FOLDER, find_submissions, grade_paths
    from derive.grading.documents import DOCUMENT_SUFFIXES

    files = find_submissions(args.submissions)
    keys = _answer_keys()
    if args.key is not None:
        _find_key(keys, args.key)
    elif files and all(Path(f).suffix.lower() in DOCUMENT_SUFFIXES for f in files):
        raise UsageError("solution documents name no key: give --key KEY (see derive keys)")
    out = Path(args.out) if args.out else None
    several = len(files) > 1
    folder_output = args.format == "gradescope" and (
        several or (out is not None and (out.is_dir() or args.out.endswith(("/", os.sep))))
    )
    if folder_output and out is None:
        raise UsageError(
            "--format gradescope with several submissions writes one file each: give --out FOLDER"
        )
    if out is not None and not folder_output and out.is_dir():
        out = out / _DEFAULT_NAMES[args.format]
    results_dir = None
    if several or args.resume:
        base = out if folder_output else (out.parent if out is not None else Path.cwd())
        results_dir = base / RESULTS_FOLDER
    settings = _settings(args)
    options = {
        "workers": args.workers,
        "out_dir": results_dir,
        "resume": args.resume,
        "keys": keys,
    }
    given = args.submissions  # the folders, not the files found: links out of them are refused
    if several and _isatty(sys.stderr):
        results = _grade_with_progress(given, args.key, settings, options, len(files))
    else:
        results = grade_paths(given, args.key, settings, **options)
    if results_dir is not None and _isatty(sys.stderr):
        print(
            f"results kept in {results_dir} (--resume skips what is graded there)",
            file=sys.stderr,
        )
    if folder_output:
        from derive.report.gradescope import write_gradescope_folder

        assert out is not None
        try:
            written = write_gradescope_folder(out, results)
        except OSError as exc:
            raise UsageError(f"cannot write to {out}: {exc.strerror or exc}") from None
        print(f"wrote {len(written)} results files to {out}", file=sys.stderr)
        return EXIT_OK
    if args.format == "text":
        _print_grades(results, out)
        return EXIT_OK
    _write_output(_grade_report(args.format, results), out)
    return EXIT_OK


def _grade_with_progress(
    given: list[str], key: str | None, settings: Any, options: dict[str, Any], total: int
) -> list[SubmissionResult]:
    from derive.grading.batch import grade_paths
    from derive.report.console import make_progress

    with make_progress(_console(stderr=True)) as progress:
        task = progress.add_task("grading", total=total)
        progress.refresh()

        def advance(result: SubmissionResult) -> None:
            progress.update(task, advance=1, description=result.student)
            progress.refresh()

        return grade_paths(given, key, settings, on_result=advance, **options)


def _grade_report(fmt: str, results: list[SubmissionResult]) -> str:
    if fmt == "json":
        from derive.report.grading_json import dumps, grading_document

        return dumps(grading_document(results)) + "\n"
    if fmt == "csv":
        from derive.report.grading_csv import csv_text

        return csv_text(results)
    if fmt == "junit":
        from derive.report.grading_junit import grading_junit_text

        return grading_junit_text(results)
    from derive.report.gradescope import gradescope_text

    return gradescope_text(results[0])


def _print_grades(results: list[SubmissionResult], out: Any) -> None:
    from rich.console import Console

    from derive.report.grading_console import class_summary_panel, submission_panel

    def render(console: Console) -> None:
        for result in results:
            console.print(submission_panel(result))
        if len(results) > 1:
            console.print(class_summary_panel(results))

    if out is None:
        render(_console())
        return
    console = Console(file=io.StringIO(), width=120, no_color=True, highlight=False)
    render(console)
    _write_output(console.file.getvalue(), out)


def _write_output(text: str, out: Any) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from derive.atomic import write_atomically

    try:  # the previous report survives a full disk or a kill in the middle
        write_atomically(out, text, newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None


# -- helpers ------------------------------------------------------------------------------


def _console(*, stderr: bool = False) -> Console:
    """A rich console; written to a file or pipe (a CI log), it is 120 columns wide
    unless COLUMNS says otherwise, rather than rich's 80."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = not _isatty(stream) and not os.environ.get("COLUMNS")
    return Console(stderr=stderr, highlight=False, width=120 if wide else None)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _library() -> list[Claim]:
    from derive import registry

    try:
        return registry.load_library()
    except DeriveError:
        raise
    except Exception as exc:  # a claim module that does not import: the author's to fix
        if os.environ.get("DERIVE_DEBUG") == "1":
            raise
        raise UsageError(f"cannot load the claim library: {type(exc).__name__}: {exc}") from None


def _answer_keys() -> list[AnswerKey]:
    from derive import registry

    try:
        return registry.load_keys()
    except DeriveError:
        raise
    except Exception as exc:  # a key module that does not import: the author's to fix
        if os.environ.get("DERIVE_DEBUG") == "1":
            raise
        raise UsageError(f"cannot load the answer keys: {type(exc).__name__}: {exc}") from None


def _find_key(keys: list[AnswerKey], name: str) -> AnswerKey:
    import difflib

    for key in keys:
        if key.name == name:
            return key
    close = difflib.get_close_matches(name, [k.name for k in keys], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    known = ", ".join(k.name for k in keys) or "none"
    raise UsageError(f"no answer key is named {name!r}{hint}; known keys: {known}")


def _select(selectors: list[str], source: str | None) -> list[Claim]:
    from derive import registry

    library = _library()
    chosen = registry.select(library, selectors, source=source)
    if chosen:
        return chosen
    if not library:
        raise UsageError("the claim library is empty")
    wanted = " ".join(repr(s) for s in selectors)
    if source:
        wanted = f"{wanted} from source {source!r}".strip()
    raise UsageError(f"no claim matches {wanted}")


def _find(claim_id: str) -> Claim:
    import difflib

    library = _library()
    for c in library:
        if c.id == claim_id:
            return c
    close = difflib.get_close_matches(claim_id, [c.id for c in library], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UsageError(f"no claim has the id {claim_id!r}{hint}")


def _context_of(prefix: str) -> Context:
    """The context of claim `prefix`, or the merged contexts of the claims under it."""
    from derive.claim import Statement

    library = _library()
    chosen = [c for c in library if c.id == prefix] or [
        c for c in library if c.id.startswith(prefix)
    ]
    if not chosen:
        raise UsageError(f"--context: no claim id starts with {prefix!r}")
    contexts = [c.check.context for c in chosen if isinstance(c.check, Statement)]
    if not contexts:
        raise UsageError(f"--context: the claims under {prefix!r} are properties, with no names")
    merged = contexts[0]
    for context in contexts[1:]:
        merged = merged.extend(dict(context.decls), context.definitions)
    return merged


def _declaration(option: str, text: str) -> tuple[str, Decl]:
    from derive.model.types import Function, Random
    from derive.parsing.declarations import parse_declaration

    try:
        name, decl = parse_declaration(text)
    except ParseError as exc:
        raise UsageError(f"cannot read {option} {text!r}:\n{exc.render()}") from None
    if option == "--random" and not isinstance(decl, Random):
        if isinstance(decl, Function):
            raise UsageError(f"{option} {text!r}: a function cannot be random")
        decl = Random(decl)  # a shape without a law: a generic random variable
    return name, decl


def _assumption(text: str) -> None:
    from derive.claim import distinct_names
    from derive.parsing.declarations import parse_assumption

    try:
        if distinct_names(text) is None:
            parse_assumption(text)
    except ParseError as exc:
        raise UsageError(f"cannot read --assume {text!r}:\n{exc.render()}") from None
