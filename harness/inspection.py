"""One answer taken apart, as data (for ``--json``) and as a terminal view."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graders.dependency_circular import cycles, graph
from harness.answer import Answer
from harness.constraints import Constraints
from harness.grading import grade_answer
from harness.screening import screen, unfit_grades


def inspect_answer(
    text: str, constraints: Constraints | None = None, defect: str | None = None
) -> dict[str, Any]:
    """The answer taken apart, with every finding; an answer that is not text
    to grade (``defect``, or what screening finds) is reported as grading
    reports it, and not parsed."""
    reason = defect or screen(text)
    if reason:
        return _screened(reason)
    answer = Answer(text, constraints or Constraints())
    extraction, config = answer.extraction, answer.config
    findings = [
        {"failure_mode": grade.failure_mode, **finding.to_dict()}
        for grade in grade_answer(answer)
        for finding in grade.findings
    ]
    return {
        "files": [
            {
                "name": f.name,
                "kind": f.kind,
                "lines": f.lines,
                "name_from": f.name_from,
                "blocks": [b + 1 for b in f.blocks],
            }
            for f in extraction.files
        ],
        "blocks": [
            {
                "index": b.index + 1,
                "lang": b.lang,
                "kind": b.kind,
                "name": b.name,
                "name_from": b.name_from,
                "closed": b.closed,
                "line": b.line,
            }
            for b in extraction.blocks
        ],
        "truncated": extraction.truncated
        or any(f.tail is not None for f in config.all_files()),
        "notes": extraction.notes,
        "parse_errors": [
            {"file": e.file, "line": e.line, "column": e.column, "message": e.message}
            for e in config.errors
        ],
        "incomplete": [
            {"file": f.name, "line": f.tail.line, "address": f.tail.address}
            for f in config.all_files()
            if f.tail is not None
        ],
        "addresses": sorted(_everywhere(config, lambda m: list(m.objects))),
        "references": dict(
            sorted(_everywhere(config, lambda m: list(m.reference_map().items())))
        ),
        "cycles": cycles(graph(config)),
        "findings": findings,
    }


def _everywhere(config: Any, read: Any) -> list[Any]:
    """``read`` of every module folder, its items named with the folder
    (``modules/vpc: aws_vpc.main``) outside the top one."""
    found = []
    for module in config.modules():
        for item in read(module):
            if module.directory:
                item = (
                    (f"{module.directory}: {item[0]}", item[1])
                    if isinstance(item, tuple)
                    else f"{module.directory}: {item}"
                )
            found.append(item)
    return found


def _screened(reason: str) -> dict[str, Any]:
    findings = [
        {"failure_mode": grade["failure_mode"], **finding}
        for grade in unfit_grades(reason)
        for finding in grade["findings"]
    ]
    empty: dict[str, Any] = {"files": [], "blocks": [], "truncated": False}
    return {
        **empty,
        "screened": reason,
        "notes": [],
        "parse_errors": [],
        "incomplete": [],
        "addresses": [],
        "references": {},
        "cycles": [],
        "findings": findings,
    }


def render_inspection(console: Console, report: dict[str, Any]) -> None:
    """Print a report; everything taken from the answer is escaped, never markup."""
    if report.get("screened"):
        console.print(f"[red]not read as Terraform:[/] {escape(report['screened'])}")
    else:
        _render_parts(console, report)
    for finding in report["findings"]:
        where = finding["file"] or "answer"
        if finding["file"] and finding["line"] is not None:
            where += f":{finding['line']}"
        console.print(
            f"[bold]{finding['failure_mode']}[/] "
            f"{escape(where)}: {escape(finding['message'])}",
            highlight=False,
        )


def _render_parts(console: Console, report: dict[str, Any]) -> None:
    files = Table(title="Files")
    for column in ("name", "kind", "lines", "named from", "blocks"):
        files.add_column(column)
    for f in report["files"]:
        files.add_row(
            escape(f["name"]),
            f["kind"],
            str(f["lines"]),
            f["name_from"],
            ", ".join(map(str, f["blocks"])),
        )
    console.print(files)
    if report["truncated"]:
        console.print("[yellow]the answer is cut off[/]")
    for error in report["parse_errors"]:
        where = f"{error['file']}:{error['line']}:{error['column']}"
        console.print(
            f"[red]parse error[/] {escape(where)}: {escape(error['message'])}",
            highlight=False,
        )
    console.print(f"{len(report['addresses'])} declared objects")
    for address, refs in report["references"].items():
        arrow = f" -> {', '.join(refs)}" if refs else ""
        console.print(escape(f"  {address}{arrow}"), highlight=False)
    for cycle in report["cycles"]:
        console.print(f"[red]cycle:[/] {escape(' <-> '.join(cycle))}", highlight=False)
