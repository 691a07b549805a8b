"""Aggregate grade records into a leaderboard, as data and as Markdown.

A model's score is the mean, over its answers, of each answer's score: the share
of the failure modes judged on that answer (pass or fail) that it passed, and 0
for an answer with no Terraform at all. "Could not judge" and grader errors never
count for or against a model, and an empty or refused answer cannot score by
being unjudgeable. Per-mode pass rates count only judged answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graders import REGISTRY


def build(grades: Iterable[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    answers: dict[str, dict[tuple[str, int], list[int]]] = defaultdict(dict)
    for record in grades:
        model = record["model"]
        tally = answers[model].setdefault((record["task_id"], record["sample"]),
                                          [0, 0, 0])
        counts[model][record["failure_mode"]][record["verdict"]] += 1
        tally[0] += record["verdict"] == "pass"
        tally[1] += record["verdict"] in ("pass", "fail")
        tally[2] |= bool(record.get("no_terraform"))
    models = [_model_row(m, _answer_scores(answers[m]), counts[m]) for m in counts]
    models.sort(key=lambda row: (-(row["score"] or 0.0), row["model"]))
    return {"modes": _mode_order(counts), "models": models}


def _mode_order(counts: dict[str, Any]) -> list[str]:
    seen = {mode for per_model in counts.values() for mode in per_model}
    ordered = [g.id for g in REGISTRY if g.id in seen]
    return ordered + sorted(seen - set(ordered))


def _answer_scores(answers: dict[tuple[str, int], list[int]]) -> list[float]:
    return [0.0 if no_terraform or not judged else passed / judged
            for passed, judged, no_terraform in answers.values()]


def _model_row(model: str, scores: list[float],
               modes: dict[str, dict[str, int]]) -> dict:
    rows = {}
    for mode in sorted(modes):
        tally = modes[mode]
        passed, failed = tally.get("pass", 0), tally.get("fail", 0)
        judged = passed + failed
        rows[mode] = {
            "pass": passed,
            "fail": failed,
            "not_applicable": tally.get("not_applicable", 0),
            "error": tally.get("error", 0),
            "rate": round(passed / judged, 4) if judged else None,
        }
    score = round(sum(scores) / len(scores), 4) if scores else None
    return {"model": model, "answers": len(scores), "score": score, "modes": rows}


def _cell(mode: dict[str, Any] | None) -> str:
    if mode is None or mode["rate"] is None:
        return "n/a"
    return f"{mode['rate']:.0%} ({mode['pass']}/{mode['pass'] + mode['fail']})"


def to_markdown(board: dict[str, Any]) -> str:
    modes = board["modes"]
    header = ["rank", "model", "answers", "score", *modes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for rank, row in enumerate(board["models"], start=1):
        score = "n/a" if row["score"] is None else f"{row['score']:.3f}"
        cells = [str(rank), _escape(row["model"]), str(row["answers"]), score]
        cells += [_cell(row["modes"].get(mode)) for mode in modes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")
