"""A publishable report of a run: one self-contained HTML file and Markdown.

The HTML needs no network: styles are inline and there is no script. Every
piece of model output goes through the template engine's escaping, so an
answer holding ``<script>`` or an ``onerror=`` attribute is shown as text.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from graders import catalog
from harness import __version__
from harness.answer import Answer
from harness.errors import UserError
from harness.leaderboard import answers_cell
from harness.records import read_grades, read_jsonl

EXAMPLES_PER_MODE = 5
CONTEXT_LINES = 3
SCORE_DEFINITION = (
    "Each answer scores the share of the failure modes judged on it that it "
    "passed, times the share of the task's requirements it meets when the task "
    "states any (0 when it holds no Terraform); a model's score is the mean over its "
    "answers, with a 95% bootstrap interval resampling tasks. Clean answers have "
    'no critical or high finding (95% Wilson interval). "Could not judge" never '
    "counts for or against a model."
)

Key = tuple[str, str, int]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass
class Run:
    folder: Path
    manifest: dict[str, Any]
    board: dict[str, Any]
    grades: dict[Key, list[dict[str, Any]]] = field(default_factory=dict)
    responses: dict[Key, str] = field(default_factory=dict)


def anchor(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


def load_run(folder: Path) -> Run:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        board = json.loads((folder / "leaderboard.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise UserError(
            f"{folder} is not a finished run folder (manifest.json and "
            "leaderboard.json are needed); if it was interrupted, grade it with "
            "iacbench grade --responses RUN"
        ) from None
    run = Run(folder, manifest, board)
    problems: list[str] = []
    for record in read_grades(folder / "grades.jsonl"):
        key = (record["model"], record["task_id"], record["sample"])
        run.grades.setdefault(key, []).append(record)
    for number, record in read_jsonl(folder / "responses.jsonl", problems):
        try:
            key = (record["model"], record["task_id"], record["sample"])
        except KeyError:
            raise UserError(
                f"{folder / 'responses.jsonl'}:{number}: an answer record "
                "needs model, task_id and sample"
            ) from None
        run.responses[key] = record.get("response") or ""
    return run


# -- the view the templates read ----------------------------------------------------


def _interval_text(value: float | None, interval: Any, percent: bool) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.0%}" if percent else f"{value:.3f}"
    if interval:
        low, high = interval
        text += f" [{low:.0%}, {high:.0%}]" if percent else f" [{low:.2f}, {high:.2f}]"
    return text


def _colour(rate: float) -> str:
    # red through amber to green, light enough for dark text
    return f"hsl({round(rate * 120)}, 70%, 82%)"


def _model_rows(board: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in board["models"]:
        usage = row.get("usage") or {}
        cost = usage.get("cost_usd")
        cells = []
        for mode in board["modes"]:
            tally = row["modes"].get(mode) or {"rate": None}
            judged = tally.get("pass", 0) + tally.get("fail", 0)
            cells.append(
                {
                    "rate": tally["rate"],
                    "text": "" if tally["rate"] is None else f"{tally['rate']:.0%}",
                    "colour": "" if tally["rate"] is None else _colour(tally["rate"]),
                    "anchor": anchor(mode, row["model"]),
                    "title": f"{tally.get('pass', 0)} of {judged} passed",
                    "failing": bool(tally.get("fail")),
                }
            )
        rows.append(
            {
                **row,
                "anchor": anchor(row["model"]),
                "score_text": _interval_text(
                    row["score"], row.get("score_interval"), False
                ),
                "clean_text": _interval_text(
                    row["clean"]["rate"], row["clean"].get("interval"), True
                ),
                "tokens_text": f"{usage.get('prompt_tokens', 0):,} / "
                f"{usage.get('completion_tokens', 0):,}"
                if usage
                else "",
                "cost_text": "n/a" if cost is None else f"{cost:.4f}",
                "cells": cells,
            }
        )
    return rows


def _failures(run: Run) -> dict[str, list[tuple[Key, dict[str, Any]]]]:
    found: dict[str, list[tuple[Key, dict[str, Any]]]] = defaultdict(list)
    for key, records in run.grades.items():
        for record in records:
            if record["verdict"] == "fail":
                found[record["failure_mode"]].append((key, record))
    return found


def _lines(response: str, file: str | None, line: int | None) -> list[dict[str, Any]]:
    if not file or not line:
        return []
    match = next((f for f in Answer(response).extraction.files if f.name == file), None)
    if match is None:
        return []
    text = match.text.split("\n")
    first = max(1, line - CONTEXT_LINES)
    last = min(len(text), line + CONTEXT_LINES)
    return [
        {"number": n, "text": text[n - 1], "hit": n == line}
        for n in range(first, last + 1)
    ]


def _mode_views(run: Run) -> list[dict[str, Any]]:
    entries = catalog()
    failures = _failures(run)
    views = []
    for mode in run.board["modes"]:
        entry = entries.get(
            mode,
            {
                "id": mode,
                "title": mode,
                "checks": "",
                "why": "",
                "fix": "",
                "severity": "",
            },
        )
        failing = []
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in run.board["models"]:
            tally = row["modes"].get(mode) or {}
            if tally.get("fail"):
                failing.append(
                    {
                        "model": row["model"],
                        "fail": tally["fail"],
                        "judged": tally["fail"] + tally.get("pass", 0),
                    }
                )
        for key, _ in failures.get(mode, []):
            groups[key[0]].append(
                {"task": key[1], "sample": key[2], "anchor": anchor(*key)}
            )
        failing.sort(key=lambda item: -item["fail"])
        views.append(
            {
                **entry,
                "id": mode,
                "failing": failing,
                "groups": [
                    {"model": m, "anchor": anchor(mode, m), "answers": a}
                    for m, a in groups.items()
                ],
                "examples": [
                    _example(run, key, record)
                    for key, record in failures.get(mode, [])[:EXAMPLES_PER_MODE]
                ],
            }
        )
    return views


def _example(run: Run, key: Key, record: dict[str, Any]) -> dict[str, Any]:
    finding = (record.get("findings") or [{}])[0]
    where = ""
    if finding.get("file"):
        where = f"{finding['file']}:{finding.get('line') or ''}".rstrip(":")
    return {
        "model": key[0],
        "task": key[1],
        "sample": key[2],
        "anchor": anchor(*key),
        "message": finding.get("message", ""),
        "where": where,
        "lines": _lines(
            run.responses.get(key, ""), finding.get("file"), finding.get("line")
        ),
    }


def _answers(run: Run) -> list[dict[str, Any]]:
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key in sorted(run.grades):
        records = run.grades[key]
        failed = [r for r in records if r["verdict"] == "fail"]
        by_model[key[0]].append(
            {
                "task": key[1],
                "sample": key[2],
                "anchor": anchor(*key),
                "summary": (
                    f"fails {', '.join(r['failure_mode'] for r in failed)}"
                    if failed
                    else "no failing mode"
                ),
                "findings": [
                    {"mode": r["failure_mode"], "message": f["message"]}
                    for r in failed
                    for f in r.get("findings", [])[:3]
                ],
                "text": run.responses.get(key, ""),
            }
        )
    return [{"name": m, "anchor": anchor(m), "answers": a} for m, a in by_model.items()]


def context(run: Run) -> dict[str, Any]:
    return {
        "run_name": run.folder.name,
        "created": run.manifest.get("created", ""),
        "answer_count": len(run.grades),
        "board": {**run.board, "models": _model_rows(run.board)},
        "has_usage": any("usage" in row for row in run.board["models"]),
        "score_definition": SCORE_DEFINITION,
        "modes": _mode_views(run),
        "answers_by_model": _answers(run),
        "version": __version__,
    }


# -- writing ------------------------------------------------------------------------


def render_html(view: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("harness", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**view)


def render_markdown(view: dict[str, Any]) -> str:
    board = view["board"]
    lines = [
        f"# iacbench report: {view['run_name']}",
        "",
        f"{_count(view['answer_count'], 'answer')}, "
        f"{_count(len(board['models']), 'model')}, "
        f"{_count(len(board['modes']), 'failure mode')}.",
        "",
        view["score_definition"],
        "",
        "| # | model | answers | score [95% CI] | clean [95% CI] |",
        "|---:|---|---:|---|---|",
    ]
    for rank, row in enumerate(board["models"], start=1):
        lines.append(
            f"| {rank} | {_md(row['model'])} | {answers_cell(row)} | "
            f"{row['score_text']} | {row['clean_text']} |"
        )
    lines += [
        "",
        "## Failure modes by model",
        "",
        "| model | " + " | ".join(board["modes"]) + " |",
        "|---|" + "---:|" * len(board["modes"]),
    ]
    for row in board["models"]:
        cells = [c["text"] or "n/a" for c in row["cells"]]
        lines.append(f"| {_md(row['model'])} | " + " | ".join(cells) + " |")
    for mode in view["modes"]:
        lines += [
            "",
            f"## {mode['id']}: {mode['title']}",
            "",
            mode["checks"],
            "",
            f"Why it matters: {mode['why']}",
            "",
            f"Fix: {mode['fix']}",
        ]
        for example in mode["examples"]:
            lines += [
                "",
                f"- {_md(example['model'])}, {_md(example['task'])} sample "
                f"{example['sample']}: {_md(example['message'])}",
            ]
            if example["lines"]:
                code = "\n".join(
                    f"{x['number']:4d}  {x['text']}" for x in example["lines"]
                )
                lines += [
                    "",
                    "  ````text",
                    *("  " + c for c in code.split("\n")),
                    "  ````",
                ]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Markdown-safe text: no table breaks, no raw HTML."""
    return (
        str(text)
        .replace("[", "\\[")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def write_report(folder: Path, out: Path | None = None) -> tuple[Path, Path]:
    run = load_run(folder)
    view = context(run)
    target = out or folder
    target.mkdir(parents=True, exist_ok=True)
    html, markdown = target / "report.html", target / "report.md"
    html.write_text(render_html(view), encoding="utf-8")
    markdown.write_text(render_markdown(view), encoding="utf-8")
    return html, markdown
