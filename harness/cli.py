"""The ``iacbench`` command line: the only place that talks to the terminal."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness import __version__, cache, leaderboard
from harness.benchmark import Suite, load_suite
from harness.errors import UserError
from harness.grading import default_workers
from harness.models import make_responders
from harness.progress import RunProgress
from harness.runner import (
    Counts,
    Outcome,
    Settings,
    grade_responses,
    run_benchmark,
)
from harness.store import RunStore, new_run_dir
from harness.tasks import all_tasks, select

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# a pipe or CI log gets a wide, fixed layout instead of rich's 80 columns
console = Console() if sys.stdout.isatty() else Console(width=160)
errors = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    given = sys.argv[1:] if argv is None else argv
    if any(a == "--api-key" or a.startswith("--api-key=") for a in given):
        errors.print(
            "[bold red]error:[/] there is no --api-key option: the key is read from "
            "$OPENAI_API_KEY or from the file --api-key-file names, never from the "
            "command line, where shell history and process lists keep it",
            highlight=False,
        )
        return EXIT_USAGE
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(message)s",
        handlers=[_Warnings()],
    )
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except UserError as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        errors.print(
            "interrupted; everything written so far is kept, and every answer "
            "that arrived is in the cache: the same command resumes the run"
        )
        if argv is None:  # the command itself: calls still out are not waited for
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130


class _Warnings(logging.Handler):
    """Logged warnings look like the command's own: ``warning: ...``."""

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower()
        colour = "yellow" if record.levelno >= logging.WARNING else "dim"
        errors.print(
            f"[{colour}]{level}:[/] {escape(self.format(record))}", highlight=False
        )


class _Parser(argparse.ArgumentParser):
    """Options only as spelled: ``--tasks`` is not taken for ``--tasks-from``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="iacbench",
        description="Benchmark LLM-generated Terraform on documented failure modes.",
        epilog="Exit codes: 0 success, 1 finished with problems (bad input lines, "
        "failed calls, grader errors), 2 bad usage or configuration.",
    )
    parser.add_argument(
        "--version", action="version", version=f"iacbench {__version__}"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each model call and retry"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_run(commands)
    _add_grade(commands)
    _add_inspect(commands)
    _add_graders(commands)
    _add_compare(commands)
    _add_report(commands)
    _add_export(commands)
    _add_serve(commands)
    return parser


def _add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="ask models the benchmark's tasks and grade the answers",
        description="Ask each model every task of a benchmark suite, grade the "
        "answers and print the leaderboard. With no options it runs "
        "benchmarks/default.toml, which needs no API key or network.",
    )
    run.add_argument(
        "--benchmark",
        type=Path,
        metavar="FILE",
        help="benchmark suite (TOML); default benchmarks/default.toml",
    )
    run.add_argument(
        "--model",
        action="append",
        metavar="SPEC",
        help="openai:MODEL, replay:FILE.jsonl or reference:NAME "
        "(reference:all for every built-in); repeatable, "
        "replaces the suite's models",
    )
    run.add_argument(
        "--task",
        action="append",
        metavar="ID",
        help="task id; repeatable, replaces the suite's tasks",
    )
    run.add_argument(
        "--tasks-from",
        metavar="SOURCE",
        help="load tasks from a Parquet, CSV or JSONL file, or a hub dataset name "
        "(online), instead of prompts/",
    )
    run.add_argument(
        "--columns",
        metavar="MAP",
        help="with --tasks-from: id=COL,prompt=COL,reference=COL,title=COL "
        "(default prompt=prompt, and id=task_id or id=id when the source has "
        "such a column)",
    )
    run.add_argument("--samples", type=int, help="answers per task and model")
    _add_call_options(run)
    run.add_argument("--temperature", type=float)
    run.add_argument("--max-tokens", type=int)
    run.add_argument("--seed", type=int)
    run.add_argument(
        "--base-url",
        help="OpenAI-compatible endpoint (default $OPENAI_BASE_URL, else OpenAI)",
    )
    _add_output_options(run)
    run.set_defaults(handler=cmd_run)


def _add_call_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="most requests in flight per model; halved while the provider "
        "answers 429, regained as calls succeed (default: the suite's, else 4)",
    )
    run.add_argument(
        "--max-retries",
        type=int,
        metavar="N",
        help="retries per answer on 429, 408, 409, 5xx, timeouts and dropped "
        "connections, with exponential backoff and jitter, honouring "
        "Retry-After; never on 400, 401, 403, 404 (default 6)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="time allowed for one attempt (default 600)",
    )
    run.add_argument(
        "--total-timeout",
        type=float,
        metavar="SECONDS",
        help="time allowed for one answer, all attempts and waits (default 1800)",
    )
    run.add_argument(
        "--batch",
        action="store_true",
        help="ask openai: models through the Batch API (half the price, answers "
        "within 24 hours); the same command run again resumes polling",
    )
    run.add_argument(
        "--batch-poll",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time between checks on a batch (default 30)",
    )
    run.add_argument(
        "--api-key-file",
        type=Path,
        metavar="FILE",
        help="read the API key from this file instead of $OPENAI_API_KEY",
    )


def _add_grade(commands: Any) -> None:
    grade = commands.add_parser(
        "grade",
        help="grade answers recorded elsewhere (JSONL)",
        description="Grade answers from a JSONL file with task_id, model, response "
        "and optionally prompt and sample. Tasks iacbench does not know "
        "get constraints inferred from the prompt, written to "
        "constraints.jsonl in the run folder.",
    )
    grade.add_argument(
        "--responses",
        type=Path,
        required=True,
        metavar="FILE",
        help="a JSONL file of answers, or a run folder to re-grade",
    )
    _add_output_options(grade)
    grade.set_defaults(handler=cmd_grade)


def _add_output_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="run folder (default results/<name>-<time>)",
    )
    command.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="grading processes (default: one per core)",
    )
    command.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="cache of model answers, parsed files and grades (default "
        "$IACBENCH_CACHE, else $XDG_CACHE_HOME/iacbench, else "
        "~/.cache/iacbench; delete it to clear it)",
    )
    command.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache: models are asked (by run), "
        "and answers parsed and graded, afresh",
    )
    command.add_argument(
        "--no-report",
        action="store_true",
        help="skip writing report.html and report.md into the run folder",
    )


def _add_inspect(commands: Any) -> None:
    inspect = commands.add_parser(
        "inspect",
        help="show one answer taken apart",
        description="Show how an answer (a Markdown file) is taken apart: files, "
        "parse errors, declared addresses, references, cycles, findings.",
    )
    inspect.add_argument(
        "answer", type=Path, metavar="ANSWER.md", help="the answer, or - to read stdin"
    )
    inspect.add_argument(
        "--task", metavar="ID", help="grade against this task's constraints"
    )
    inspect.add_argument("--json", action="store_true", help="print JSON")
    inspect.set_defaults(handler=cmd_inspect)


def _add_graders(commands: Any) -> None:
    graders = commands.add_parser(
        "graders",
        help="list failure modes, or check them against the references",
        description="List the failure-mode catalogue. 'graders check' grades every "
        "task's reference and flawed answers and verifies that the ideal "
        "passes and each flaw fails only its own mode.",
    )
    graders.add_argument(
        "action",
        nargs="?",
        choices=("list", "check"),
        default="list",
        metavar="list|check",
        help="list the catalogue (the default), or check the graders",
    )
    graders.set_defaults(handler=cmd_graders)


def _add_compare(commands: Any) -> None:
    compare = commands.add_parser(
        "compare",
        help="compare two runs and fail on a regression",
        description="Pair the answers of two runs by model, task and sample and "
        "compare each failure mode's pass rate with an exact McNemar "
        "test. Exit 0 when nothing regressed, 1 when a mode got "
        "significantly worse (or worse by more than --max-drop), 2 for "
        "bad input.",
    )
    compare.add_argument("run_a", type=Path, metavar="RUN_A", help="the baseline run")
    compare.add_argument("run_b", type=Path, metavar="RUN_B", help="the new run")
    compare.add_argument(
        "--alpha", type=float, default=0.05, help="significance level (default 0.05)"
    )
    compare.add_argument(
        "--max-drop",
        type=float,
        metavar="RATE",
        help="also fail when a pass rate drops by more than this (0.05 = five points)",
    )
    compare.add_argument(
        "--format",
        choices=("table", "md", "json"),
        default="table",
        help="md prints a table for a pull-request comment",
    )
    compare.add_argument(
        "--junit", type=Path, metavar="FILE", help="also write JUnit XML for CI systems"
    )
    compare.add_argument(
        "--all",
        action="store_true",
        help="show every model and failure mode, not only those where an answer "
        "changed",
    )
    compare.set_defaults(handler=cmd_compare)


def _add_report(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="write a self-contained HTML and Markdown report of a run",
        description="Write report.html (opens without network, shows model output "
        "as text) and report.md for a run folder.",
    )
    report.add_argument("run", type=Path, metavar="RUN")
    report.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write (default: the run folder)",
    )
    report.set_defaults(handler=cmd_report)


def _add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write a run as a Hugging Face dataset (Parquet and a card)",
        description="Write one row per answer with its verdicts and findings to "
        "DIR/data.parquet with a dataset card, and optionally push it "
        "to the hub (needs HF_TOKEN and network).",
    )
    export.add_argument("run", type=Path, metavar="RUN")
    export.add_argument("--to", type=Path, required=True, metavar="DIR")
    export.add_argument(
        "--push-to-hub", metavar="NAME", help="publish as this dataset (owner/name)"
    )
    export.set_defaults(handler=cmd_export)


def _add_serve(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="start a local OpenAI-compatible server answering from the built-ins",
        description="Serve chat completions on 127.0.0.1 (loopback only) from the "
        "built-in responders: the request's model names one (ideal, stub, partial "
        "or a failure-mode id) and the user message must be a task's prompt. Point "
        "a run at it with --base-url and --model openai:NAME. It can misbehave on "
        "a share of requests (429 with Retry-After, 500, slow answers, dropped "
        "connections, cut-off bodies) to exercise retries. Stop it with Ctrl-C "
        "or kill.",
    )
    serve.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: any free)"
    )
    serve.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share of requests that misbehave, 0 to 1 (default 0)",
    )
    serve.add_argument(
        "--seed", type=int, default=0, help="seed for choosing faults (default 0)"
    )
    serve.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="time to wait before each answer (default 0)",
    )
    serve.set_defaults(handler=cmd_serve)


# -- run and grade -------------------------------------------------------------


def _configure_cache(args: argparse.Namespace) -> None:
    cache.configure(None if args.no_cache else args.cache_dir or cache.default_root())


def cmd_run(args: argparse.Namespace) -> int:
    _configure_cache(args)
    suite = load_suite(args.benchmark)
    if args.tasks_from:
        from harness.datasets_io import load_tasks, parse_mapping

        tasks = load_tasks(args.tasks_from, parse_mapping(args.columns or ""))
        if args.task:
            tasks = select({t.id: t for t in tasks}, args.task)
    elif args.columns:
        raise UserError("--columns maps the columns of --tasks-from; add --tasks-from")
    else:
        tasks = select(all_tasks(), args.task or suite.tasks)
    settings = _settings(args, suite)
    _validate(settings, args.base_url)
    responders = make_responders(
        args.model or suite.models,
        tasks,
        {
            **vars(settings),
            "base_url": args.base_url or suite.base_url,
            "api_key_file": args.api_key_file,
        },
    )
    total = sum(settings.samples for t in tasks for r in responders if r.covers(t))
    for responder in responders:
        if not any(responder.covers(t) for t in tasks):
            errors.print(
                f"[yellow]warning:[/] {escape(responder.name)} has no answer for "
                "any of the chosen tasks",
                highlight=False,
            )
    if total == 0:
        raise UserError(
            "none of the models has an answer for the chosen tasks: a "
            "reference: answer needs the task's reference solution (and a "
            "flawed one a flaw the task documents), and replay: answers only "
            "its file's task_id values"
        )
    # the same command with the same --out resumes a run that was stopped
    store = RunStore(args.out or new_run_dir(suite.name), resume=bool(args.out))
    counts = Counts(total=total)
    with RunProgress(errors, counts) as tick:
        outcome = run_benchmark(tasks, responders, settings, store, tick, counts)
    return _report(outcome, not args.no_report)


def _settings(args: argparse.Namespace, suite: Suite) -> Settings:
    def pick(flag: Any, configured: Any) -> Any:
        return configured if flag is None else flag

    return Settings(
        benchmark=suite.name,
        samples=pick(args.samples, suite.samples),
        temperature=pick(args.temperature, suite.temperature),
        max_tokens=pick(args.max_tokens, suite.max_tokens),
        seed=pick(args.seed, suite.seed),
        workers=max(1, args.workers),
        concurrency=pick(args.concurrency, suite.concurrency),
        max_retries=pick(args.max_retries, suite.max_retries),
        timeout_s=pick(args.timeout, suite.timeout),
        total_timeout_s=pick(args.total_timeout, suite.total_timeout),
        batch=args.batch,
        batch_poll_s=args.batch_poll,
    )


def _validate(settings: Settings, base_url: str | None) -> None:
    if settings.samples < 1:
        raise UserError(f"--samples must be at least 1, not {settings.samples}")
    if settings.concurrency < 1:
        raise UserError(f"--concurrency must be at least 1, not {settings.concurrency}")
    if not settings.batch_poll_s > 0:
        raise UserError(
            f"--batch-poll must be more than 0 seconds, not {settings.batch_poll_s}"
        )
    if settings.max_retries < 0:
        raise UserError(f"--max-retries must be 0 or more, not {settings.max_retries}")
    for flag, seconds in (
        ("--timeout", settings.timeout_s),
        ("--total-timeout", settings.total_timeout_s),
    ):
        if not seconds > 0:
            raise UserError(f"{flag} must be more than 0 seconds, not {seconds}")
    if settings.max_tokens < 1:
        raise UserError(f"--max-tokens must be at least 1, not {settings.max_tokens}")
    if not 0 <= settings.temperature <= 2:
        raise UserError(
            f"--temperature must be between 0 and 2, not {settings.temperature}"
        )
    if base_url and not base_url.startswith(("http://", "https://")):
        raise UserError(f"--base-url {base_url!r} must start with http:// or https://")


def cmd_grade(args: argparse.Namespace) -> int:
    name = args.responses.stem
    if args.responses.is_dir():
        name = f"{args.responses.name}-regraded"
        args.responses = args.responses / "responses.jsonl"  # re-grade a run
        if not args.responses.is_file():
            raise UserError(
                f"{args.responses.parent} holds no responses.jsonl; pass a run "
                "folder or a JSONL file of answers"
            )
    if not args.responses.is_file():
        raise UserError(f"{args.responses} is not a file; pass a JSONL file of answers")
    _configure_cache(args)
    store = RunStore(args.out or new_run_dir(name))
    counts = Counts()
    with RunProgress(errors, counts, asking=False) as tick:
        outcome = grade_responses(
            args.responses, all_tasks(), store, max(1, args.workers), tick, counts
        )
    return _report(outcome, not args.no_report)


def _report(outcome: Outcome, write_html: bool = True) -> int:
    console.print(leaderboard_table(outcome.board))
    for problem in outcome.problems[:20]:
        errors.print(f"[yellow]warning:[/] {escape(problem)}", highlight=False)
    if len(outcome.problems) > 20:
        errors.print(f"[yellow]warning:[/] {len(outcome.problems) - 20} more problems")
    grader_errors = _count_errors(outcome.board)
    if grader_errors:
        errors.print(f"[red]{grader_errors} grader errors[/] (see grades.jsonl)")
    if write_html and outcome.answers:
        from harness.report import write_report

        html, _ = write_report(outcome.directory)
        console.print(f"report: [bold]{escape(str(html))}[/]", highlight=False)
    calls = ""
    if outcome.counts.retries or outcome.failed_calls:
        failed = outcome.failed_calls
        calls = (
            f"{outcome.counts.retries} retries, "
            f"{failed} failed call{'' if failed == 1 else 's'}; "
        )
    console.print(
        f"{outcome.answers} answer{'' if outcome.answers == 1 else 's'} graded; "
        f"{calls}results in "
        f"[bold]{escape(str(outcome.directory))}[/]",
        highlight=False,
    )
    return EXIT_PROBLEMS if outcome.problems or grader_errors else EXIT_OK


def _count_errors(board: dict[str, Any]) -> int:
    return sum(
        m["error"] for row in board.get("models", ()) for m in row["modes"].values()
    )


# beyond this many failure modes a column each no longer fits a terminal
WIDE_TABLE_MODES = 6


def leaderboard_table(board: dict[str, Any]) -> Table:
    """The leaderboard: a column per mode when few, else the modes each fails."""
    modes = list(board.get("modes", ()))
    per_mode = len(modes) <= WIDE_TABLE_MODES
    table = Table(title="Leaderboard", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("model", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("score", justify="right")
    for mode in modes if per_mode else ():
        table.add_column(mode, justify="right")
    if not per_mode:
        table.add_column("modes passed", justify="right")
        table.add_column("failing modes (answers failing)")
    for rank, row in enumerate(board.get("models", ()), start=1):
        score = "n/a" if row["score"] is None else f"{row['score']:.3f}"
        answers = leaderboard.answers_cell(row)
        head = [str(rank), escape(row["model"]), answers, score]
        if per_mode:
            table.add_row(*head, *(_mode_cell(row["modes"].get(m)) for m in modes))
        else:
            table.add_row(*head, *_summary_cells(row, modes))
    return table


def _summary_cells(row: dict[str, Any], modes: list[str]) -> list[str]:
    tallies = [row["modes"].get(m) for m in modes]
    judged = [t for t in tallies if t and t["rate"] is not None]
    clean = sum(1 for t in judged if t["fail"] == 0)
    failing = sorted(
        (
            (t["fail"], m)
            for m, t in zip(modes, tallies, strict=True)
            if t and t["fail"]
        ),
        reverse=True,
    )
    listed = ", ".join(f"{m} ({n})" for n, m in failing[:4])
    more = f" +{len(failing) - 4} more" if len(failing) > 4 else ""
    return [
        f"{clean}/{len(judged)}",
        f"[red]{escape(listed)}[/]{more}" if listed else "[green]none[/]",
    ]


def _mode_cell(mode: dict[str, Any] | None) -> str:
    if mode is None or mode["rate"] is None:
        return "[dim]n/a[/]"
    colour = "green" if mode["fail"] == 0 else "red" if mode["pass"] == 0 else "yellow"
    return f"[{colour}]{mode['pass']}/{mode['pass'] + mode['fail']}[/]"


def cmd_export(args: argparse.Namespace) -> int:
    from harness.datasets_io import push

    if not args.run.is_dir():
        raise UserError(f"{args.run} is not a run folder")
    hub = args.push_to_hub
    if hub and not re.fullmatch(r"[\w.-]+/[\w.-]+", hub):
        raise UserError(f"--push-to-hub {hub!r}: name the dataset as owner/name")
    if (args.to / "data.parquet").exists() and not hub:
        raise UserError(
            f"{args.to} already holds an exported dataset; choose another --to "
            "or remove that folder (with --push-to-hub it is pushed as it is)"
        )
    if (args.to / "data.parquet").exists():
        console.print(f"pushing the dataset already in {escape(str(args.to))}")
    else:
        _export(args.run, args.to)
    if hub:
        try:
            push(args.to, hub)
        except UserError as error:  # written, but not published: a problem
            errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
            return EXIT_PROBLEMS
        console.print(f"pushed to {escape(hub)}", highlight=False)
    return EXIT_OK


def _export(run: Path, to: Path) -> None:
    from harness.datasets_io import export_run

    try:
        data = export_run(run, to)
    except OSError as error:
        raise UserError(f"cannot write the dataset to {to}: {error.strerror}") from None
    console.print(f"dataset written: {escape(str(data))}", highlight=False)


def cmd_report(args: argparse.Namespace) -> int:
    from harness.report import write_report

    if not args.run.is_dir():
        raise UserError(f"{args.run} is not a run folder")
    try:
        html, markdown = write_report(args.run, args.out)
    except OSError as error:
        raise UserError(
            f"cannot write the report to {args.out or args.run}: {error.strerror}"
        ) from None
    console.print(
        f"report written: {escape(str(html))} and {escape(str(markdown))}",
        highlight=False,
    )
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from harness.compare import compare, to_junit, to_markdown

    for run in (args.run_a, args.run_b):
        if not run.is_dir():
            raise UserError(f"{run} is not a run folder")
    if not 0 < args.alpha < 1:
        raise UserError(f"--alpha must be between 0 and 1, not {args.alpha}")
    if args.max_drop is not None and not 0 <= args.max_drop <= 1:
        raise UserError(f"--max-drop must be between 0 and 1, not {args.max_drop}")
    result = compare(args.run_a, args.run_b, args.alpha, args.max_drop)
    if args.junit:
        try:
            args.junit.write_bytes(to_junit(result))
        except OSError as error:
            raise UserError(
                f"cannot write --junit {args.junit}: {error.strerror}"
            ) from None
    if args.format == "md":
        console.print(to_markdown(result, args.all), markup=False, highlight=False)
    elif args.format == "json":
        console.print_json(
            json.dumps(
                {
                    "summary": result.summary(),
                    "only_a": result.only_a,
                    "only_b": result.only_b,
                    "prompt_changes": result.prompt_changes,
                    "regressions": [[m.model, m.mode] for m in result.regressions],
                    "modes": [{**vars(m), "change": m.change} for m in result.modes],
                }
            )
        )
    else:
        if result.shown(args.all):
            console.print(_comparison_table(result, args.all))
        for note in result.notes(args.all):
            console.print(escape(note), highlight=False)
        console.print(escape(result.summary()), highlight=False)
    return EXIT_PROBLEMS if result.regressions else EXIT_OK


def _comparison_table(result: Any, everything: bool) -> Table:
    from harness.compare import p_text

    table = Table(title=f"{escape(result.run_a.name)} → {escape(result.run_b.name)}")
    for column in (
        "model",
        "failure mode",
        "pairs",
        "before",
        "after",
        "change",
        "worse",
        "better",
        "p",
    ):
        table.add_column(
            column, justify="left" if column in ("model", "failure mode") else "right"
        )
    for m in result.shown(everything):
        change = "n/a" if m.change is None else f"{m.change:+.1%}"
        name = f"[red]{m.mode} (regression)[/]" if m.regression else m.mode
        table.add_row(
            escape(m.model),
            name,
            str(m.pairs),
            _percent(m.rate_a),
            _percent(m.rate_b),
            change,
            str(m.worse),
            str(m.better),
            p_text(m.p_value),
        )
    return table


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def cmd_serve(args: argparse.Namespace) -> int:
    from harness.serve import LocalServer

    if not 0 <= args.faults <= 1:
        raise UserError(f"--faults must be between 0 and 1, not {args.faults}")
    if args.delay < 0:
        raise UserError(f"--delay must be 0 or more seconds, not {args.delay}")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, not {args.port}")
    try:
        server = LocalServer(
            list(all_tasks().values()),
            port=args.port,
            faults=args.faults,
            seed=args.seed,
            delay=args.delay,
        )
    except OSError as error:
        raise UserError(
            f"cannot listen on port {args.port}: {error.strerror}; "
            "choose another --port"
        ) from None
    console.print(server.base_url, markup=False, highlight=False)
    console.file.flush()
    # a plain kill stops it as cleanly as Ctrl-C
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    errors.print(f"stopped after {len(server.requests)} requests", highlight=False)
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# -- inspect and graders ---------------------------------------------------------


def cmd_inspect(args: argparse.Namespace) -> int:
    from harness.inspection import inspect_answer, render_inspection

    try:
        data = (
            sys.stdin.buffer.read()
            if str(args.answer) == "-"
            else args.answer.read_bytes()
        )
    except OSError as error:
        raise UserError(f"cannot read {args.answer}: {error.strerror}") from None
    defect = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        defect = "the answer is not valid UTF-8; its bytes cannot be read as text"
    constraints = None
    if args.task:
        constraints = select(all_tasks(), [args.task])[0].constraints
    try:
        report = inspect_answer(text.removeprefix("\ufeff"), constraints, defect)
    except RecursionError:
        raise UserError(
            f"{args.answer} nests expressions too deeply for the parser"
        ) from None
    if args.json:
        console.print_json(json.dumps(report))
    else:
        render_inspection(console, report)
    return EXIT_OK


def cmd_graders(args: argparse.Namespace) -> int:
    from harness.calibration import (
        check_references,
        reference_answers,
        render_catalog,
        render_check,
    )

    if args.action == "list":
        render_catalog(console)
        return EXIT_OK
    from rich.progress import Progress

    tasks = list(all_tasks().values())
    quiet = not errors.is_terminal
    with Progress(console=errors, transient=True, disable=quiet) as bar:
        step = bar.add_task("checking", total=len(reference_answers(tasks)))
        results = check_references(tasks, lambda: bar.advance(step))
    render_check(console, results)
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
