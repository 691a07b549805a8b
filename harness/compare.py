"""Compare two runs answer by answer and decide whether the second regressed.

Answers are paired by model, task and sample, and each model is compared with
itself. For each model and failure mode the pairs both runs judged give each
run's pass rate, the change, and an exact McNemar test on the pairs that
disagree. A mode is a regression for a model when its second run is worse with
p below ``alpha``, or worse by more than ``max_drop``. Answers only one run has
are counted and shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from harness.errors import UserError
from harness.records import read_grades
from harness.stats import mcnemar

Key = tuple[str, int]  # task, sample


@dataclass
class ModeChange:
    model: str
    mode: str
    pairs: int
    rate_a: float | None
    rate_b: float | None
    worse: int
    better: int
    p_value: float
    regression: bool

    @property
    def change(self) -> float | None:
        if self.rate_a is None or self.rate_b is None:
            return None
        return round(self.rate_b - self.rate_a, 4)


@dataclass
class Comparison:
    run_a: Path
    run_b: Path
    modes: list[ModeChange] = field(default_factory=list)
    only_a: int = 0
    only_b: int = 0
    prompt_changes: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[ModeChange]:
        return [m for m in self.modes if m.regression]

    def shown(self, everything: bool) -> list[ModeChange]:
        """The rows to print: those where some answer changed, or all of them."""
        return [m for m in self.modes if everything or m.worse or m.better]

    def notes(self, everything: bool) -> list[str]:
        hidden = len(self.modes) - len(self.shown(everything))
        notes = [f"prompt changed for {change}" for change in self.prompt_changes]
        if hidden:
            notes.append(
                f"{hidden} model and failure-mode rows where no answer changed are "
                "not shown (--all shows them)"
            )
        return notes

    def summary(self) -> str:
        found = (
            f"{len(self.regressions)} regression(s)"
            if self.regressions
            else "no regression"
        )
        return (
            f"{found}; answers only in the baseline: {self.only_a}, only in the "
            f"new run: {self.only_b}"
        )


def load_verdicts(run: Path) -> dict[tuple[str, str], dict[Key, str]]:
    """(model, failure mode) -> (task, sample) -> verdict, from a run folder."""
    path = run / "grades.jsonl"
    if not path.is_file():
        raise UserError(
            f"{run} is not a run folder (no grades.jsonl); if it was "
            "interrupted, grade it with iacbench grade --responses RUN"
        )
    verdicts: dict[tuple[str, str], dict[Key, str]] = {}
    for record in read_grades(path):
        per_mode = verdicts.setdefault((record["model"], record["failure_mode"]), {})
        per_mode[(record["task_id"], record["sample"])] = record["verdict"]
    return verdicts


def _manifest(run: Path) -> dict[str, Any]:
    try:
        return json.loads((run / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise UserError(f"{run} has no readable manifest.json") from None


def check_comparable(run_a: Path, run_b: Path) -> list[str]:
    """Refuse runs graded by different grader versions or against different
    task constraints; return the tasks whose prompt changed between them."""
    a, b = _manifest(run_a), _manifest(run_b)
    graders_a, graders_b = a.get("graders", {}), b.get("graders", {})
    changed = sorted(
        m
        for m in set(graders_a) | set(graders_b)
        if graders_a.get(m) != graders_b.get(m)
    )
    if changed:
        raise UserError(
            f"the runs were graded by different grader versions "
            f"({', '.join(changed)}); re-grade both with one version "
            "(iacbench grade --responses RUN)"
        )
    tasks_a, tasks_b = a.get("tasks") or {}, b.get("tasks") or {}
    shared = sorted(set(tasks_a) & set(tasks_b))
    regraded = [t for t in shared if _differ(tasks_a[t], tasks_b[t], "grading")]
    if regraded:
        raise UserError(
            f"the runs graded {', '.join(regraded)} against different constraints "
            "or requirements (task.json); compare runs graded against the same ones"
        )
    return [
        f"{t}: {_version(tasks_a[t])} → {_version(tasks_b[t])}"
        for t in shared
        if _differ(tasks_a[t], tasks_b[t], "fingerprint")
    ]


def _differ(a: dict[str, Any], b: dict[str, Any], key: str) -> bool:
    """Whether both runs record ``key`` for a task, differently."""
    return bool(a.get(key) and b.get(key) and a[key] != b[key])


def _version(task: dict[str, Any]) -> str:
    return f"version {task.get('version')}, prompt {task.get('fingerprint', '?')}"


def compare(
    run_a: Path, run_b: Path, alpha: float = 0.05, max_drop: float | None = None
) -> Comparison:
    prompt_changes = check_comparable(run_a, run_b)
    a, b = load_verdicts(run_a), load_verdicts(run_b)
    answers_a = {(m, k) for (m, _), per in a.items() for k in per}
    answers_b = {(m, k) for (m, _), per in b.items() for k in per}
    if not answers_a & answers_b:
        raise UserError(
            "the runs share no graded answers (paired by model, task and "
            f"sample): {len(answers_a)} in {run_a.name}, {len(answers_b)} in "
            f"{run_b.name}; an unfinished run or failed calls leave none to pair"
        )
    result = Comparison(
        run_a,
        run_b,
        only_a=len(answers_a - answers_b),
        only_b=len(answers_b - answers_a),
        prompt_changes=prompt_changes,
    )
    for model, mode in sorted(set(a) | set(b)):
        result.modes.append(
            _mode_change(
                model,
                mode,
                a.get((model, mode), {}),
                b.get((model, mode), {}),
                alpha,
                max_drop,
            )
        )
    return result


def _mode_change(
    model: str,
    mode: str,
    a: dict[Key, str],
    b: dict[Key, str],
    alpha: float,
    max_drop: float | None,
) -> ModeChange:
    judged = ("pass", "fail")
    pairs = [k for k in a if k in b and a[k] in judged and b[k] in judged]
    worse = sum(a[k] == "pass" and b[k] == "fail" for k in pairs)
    better = sum(a[k] == "fail" and b[k] == "pass" for k in pairs)
    rate_a = rate_b = None
    if pairs:
        rate_a = round(sum(a[k] == "pass" for k in pairs) / len(pairs), 4)
        rate_b = round(sum(b[k] == "pass" for k in pairs) / len(pairs), 4)
    p_value = round(mcnemar(worse, better), 6)
    drop = rate_a - rate_b if rate_a is not None and rate_b is not None else 0.0
    regression = worse > better and (
        p_value < alpha or (max_drop is not None and drop > max_drop)
    )
    return ModeChange(
        model, mode, len(pairs), rate_a, rate_b, worse, better, p_value, regression
    )


# -- output --------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _md(text: str) -> str:
    return (
        text.replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("[", "\\[")
        .replace("\n", " ")
    )


def to_markdown(result: Comparison, everything: bool = False) -> str:
    lines = [
        f"**iacbench compare** `{_md(result.run_a.name)}` → "
        f"`{_md(result.run_b.name)}`: {result.summary()}",
        "",
        *(f"- {_md(note)}" for note in result.notes(everything)),
        "",
    ]
    rows = result.shown(everything)
    if not rows:
        return "\n".join(lines) + "No answer changed its verdict on any mode.\n"
    lines += [
        "| model | failure mode | pairs | before | after | change | worse | better "
        "| p |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in rows:
        change = "n/a" if m.change is None else f"{m.change:+.1%}"
        flag = " ⚠️ regression" if m.regression else ""
        lines.append(
            f"| {_md(m.model)} | {m.mode}{flag} | {m.pairs} | "
            f"{_rate(m.rate_a)} | {_rate(m.rate_b)} | {change} | {m.worse} | "
            f"{m.better} | {p_text(m.p_value)} |"
        )
    return "\n".join(lines) + "\n"


def p_text(value: float) -> str:
    return "<0.000001" if value == 0 else f"{value:.3g}"


def to_junit(result: Comparison) -> bytes:
    """One test case per model and failure mode; a regression is a failure."""
    suite = ElementTree.Element(
        "testsuite",
        name="iacbench compare",
        tests=str(len(result.modes)),
        failures=str(len(result.regressions)),
    )
    for m in result.modes:
        case = ElementTree.SubElement(suite, "testcase", classname=m.model, name=m.mode)
        if m.regression:
            failure = ElementTree.SubElement(case, "failure", message="regression")
            failure.text = (
                f"pass rate {_rate(m.rate_a)} -> {_rate(m.rate_b)} over "
                f"{m.pairs} paired answers; {m.worse} got worse, "
                f"{m.better} better; McNemar p = {m.p_value:.3g}"
            )
    return ElementTree.tostring(suite, encoding="utf-8", xml_declaration=True)
