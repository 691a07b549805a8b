"""Aggregate grade records into a leaderboard, as data and as Markdown.

Numbers per model:

* ``score``: the mean, over its answers, of each answer's score: the share of
  the failure modes judged on that answer (pass or fail) that it passed, times
  the share of the task's requirements it meets when the task states any, and 0
  for an answer with no Terraform at all. Its interval is a 95% bootstrap
  interval that resamples whole tasks.
* ``clean``: the share of answers with no critical or high finding (and some
  Terraform), with its 95% Wilson interval, and pass@k of that property for
  every k up to the samples drawn per task (the unbiased estimator).
* per failure mode: passes, fails, "could not judge", errors, the pass rate
  over judged answers and its Wilson interval.
* token usage, latency and cost when the run recorded them (prices from
  ``harness/prices.toml``; a model without a price has no cost, never a guess).

"Could not judge" and grader errors never count for or against a model.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from graders import REGISTRY
from harness import stats

SERIOUS = ("critical", "high")


COVERAGE = "requirements.coverage"


@dataclass
class _Answer:
    passed: int = 0
    judged: int = 0
    no_terraform: bool = False
    serious: bool = False
    coverage: float = 1.0

    @property
    def score(self) -> float:
        if self.no_terraform or not self.judged:
            return 0.0
        return self.passed / self.judged * self.coverage

    @property
    def clean(self) -> bool:
        return not self.no_terraform and not self.serious and self.judged > 0


@dataclass
class _Model:
    answers: dict[tuple[str, int], _Answer] = field(default_factory=dict)
    modes: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )


def build(
    grades: Iterable[dict[str, Any]],
    usage: dict[str, list[dict[str, Any]]] | None = None,
    failed: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The leaderboard; ``failed`` counts each model's calls that gave no
    answer, so a model whose every call failed still has its row."""
    models: dict[str, _Model] = defaultdict(_Model)
    for record in grades:
        _add(models[record["model"]], record)
    for name in failed or {}:
        models[name]  # noqa: B018 - a row even without answers
    rows = [
        _model_row(name, model, (usage or {}).get(name))
        for name, model in models.items()
    ]
    for row in rows:
        row["failed_calls"] = (failed or {}).get(row["model"], 0)
    rows.sort(key=lambda row: (-(row["score"] or 0.0), row["model"]))
    return {"modes": _mode_order(models), "models": rows}


def _add(model: _Model, record: dict[str, Any]) -> None:
    answer = model.answers.setdefault((record["task_id"], record["sample"]), _Answer())
    verdict = record["verdict"]
    model.modes[record["failure_mode"]][verdict] += 1
    if record["failure_mode"] == COVERAGE:
        # coverage scales the answer's score instead of counting as one mode
        if isinstance(record.get("coverage"), (int, float)):
            answer.coverage = float(record["coverage"])
        return
    answer.passed += verdict == "pass"
    answer.judged += verdict in ("pass", "fail")
    answer.no_terraform |= bool(record.get("no_terraform"))
    answer.serious |= verdict == "fail" and record.get("severity") in SERIOUS


def _mode_order(models: dict[str, _Model]) -> list[str]:
    seen = {mode for model in models.values() for mode in model.modes}
    ordered = [g.id for g in REGISTRY if g.id in seen]
    return ordered + sorted(seen - set(ordered))


def _model_row(name: str, model: _Model, usage: list[dict[str, Any]] | None) -> dict:
    by_task: dict[str, list[_Answer]] = defaultdict(list)
    for (task, _), answer in sorted(model.answers.items()):
        by_task[task].append(answer)
    scores = [a.score for a in model.answers.values()]
    clean = sum(a.clean for a in model.answers.values())
    row: dict[str, Any] = {
        "model": name,
        "answers": len(scores),
        "score": round(sum(scores) / len(scores), 4) if scores else None,
        "score_interval": stats.bootstrap_by_group(
            [[a.score for a in answers] for answers in by_task.values()]
        ),
        "clean": {
            "count": clean,
            "rate": round(clean / len(scores), 4) if scores else None,
            "interval": stats.wilson(clean, len(scores)),
        },
        "pass_at_k": _pass_at_k(by_task),
        "modes": {mode: _mode_row(model.modes[mode]) for mode in sorted(model.modes)},
    }
    if usage:
        row["usage"] = _usage(name, usage)
    return row


def _mode_row(tally: dict[str, int]) -> dict[str, Any]:
    passed, failed = tally.get("pass", 0), tally.get("fail", 0)
    judged = passed + failed
    return {
        "pass": passed,
        "fail": failed,
        "not_applicable": tally.get("not_applicable", 0),
        "error": tally.get("error", 0),
        "rate": round(passed / judged, 4) if judged else None,
        "interval": stats.wilson(passed, judged),
    }


def _pass_at_k(by_task: dict[str, list[_Answer]]) -> dict[str, float]:
    counts = [
        (len(answers), sum(a.clean for a in answers)) for answers in by_task.values()
    ]
    most = max((n for n, _ in counts), default=0)
    found = {}
    for k in range(1, most + 1):
        value = stats.mean_pass_at_k(counts, k)
        if value is not None:
            found[str(k)] = value
    return found


# -- usage and cost ----------------------------------------------------------------


def prices() -> dict[str, dict[str, float]]:
    """USD per million tokens, by model name, from the editable price table."""
    text = resources.files("harness").joinpath("prices.toml").read_text("utf-8")
    return tomllib.loads(text).get("models", {})


def _usage(name: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    prompt = sum(r.get("usage", {}).get("prompt_tokens") or 0 for r in records)
    completion = sum(r.get("usage", {}).get("completion_tokens") or 0 for r in records)
    latencies = [r["latency_s"] for r in records if r.get("latency_s") is not None]
    price = prices().get(name.split(":", 1)[-1])
    cost = None
    if price is not None:
        cost = round((prompt * price["input"] + completion * price["output"]) / 1e6, 6)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "mean_latency_s": round(sum(latencies) / len(latencies), 3)
        if latencies
        else None,
        "cost_usd": cost,
    }


# -- Markdown -------------------------------------------------------------------


def _interval(pair: list[float] | tuple[float, float] | None) -> str:
    return "" if not pair else f" [{pair[0]:.2f}, {pair[1]:.2f}]"


def _cell(mode: dict[str, Any] | None) -> str:
    if mode is None or mode["rate"] is None:
        return "n/a"
    return f"{mode['rate']:.0%} ({mode['pass']}/{mode['pass'] + mode['fail']})"


def to_markdown(board: dict[str, Any]) -> str:
    modes = board["modes"]
    header = ["rank", "model", "answers", "score [95% CI]", "clean [95% CI]", *modes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for rank, row in enumerate(board["models"], start=1):
        score = "n/a" if row["score"] is None else f"{row['score']:.3f}"
        clean = row["clean"]["rate"]
        cells = [
            str(rank),
            _escape(row["model"]),
            answers_cell(row),
            score + _interval(row.get("score_interval")),
            ("n/a" if clean is None else f"{clean:.0%}")
            + _interval(row["clean"].get("interval")),
        ]
        cells += [_cell(row["modes"].get(mode)) for mode in modes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """Table-safe text: no cell breaks, no line breaks, no raw HTML or links."""
    return (
        text.replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("[", "\\[")
        .replace("\n", " ")
        .replace("\r", " ")
    )


def answers_cell(row: dict[str, Any]) -> str:
    """The answers a model gave, and the calls that gave none."""
    failed = row.get("failed_calls", 0)
    return f"{row['answers']} (+{failed} failed)" if failed else str(row["answers"])
