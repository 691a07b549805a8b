"""Compare two runs answer by answer and decide whether the second regressed.

Answers are paired by model, task and sample. For each failure mode the pairs
both runs judged give each run's pass rate, the change, and an exact McNemar
test on the pairs that disagree. A mode is a regression when the second run is
worse with p below ``alpha``, or worse by more than ``max_drop``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from harness.errors import UserError
from harness.records import read_jsonl
from harness.stats import mcnemar

Key = tuple[str, str, int]


@dataclass
class ModeChange:
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
    unpaired: int = 0

    @property
    def regressions(self) -> list[ModeChange]:
        return [m for m in self.modes if m.regression]


def load_verdicts(run: Path) -> dict[str, dict[Key, str]]:
    """failure mode -> (model, task, sample) -> verdict, from a run folder."""
    path = run / "grades.jsonl"
    if not path.is_file():
        raise UserError(f"{run} is not a run folder (no grades.jsonl)")
    problems: list[str] = []
    verdicts: dict[str, dict[Key, str]] = {}
    for _, record in read_jsonl(path, problems):
        key = (record["model"], record["task_id"], record["sample"])
        verdicts.setdefault(record["failure_mode"], {})[key] = record["verdict"]
    if problems:
        raise UserError(problems[0])
    return verdicts


def _manifest(run: Path) -> dict[str, Any]:
    try:
        return json.loads((run / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise UserError(f"{run} has no readable manifest.json") from None


def check_comparable(run_a: Path, run_b: Path) -> None:
    """Refuse runs graded by different grader versions or on different tasks."""
    a, b = _manifest(run_a), _manifest(run_b)
    if a.get("graders") != b.get("graders"):
        graders_a, graders_b = a.get("graders", {}), b.get("graders", {})
        changed = sorted(
            m
            for m in set(graders_a) | set(graders_b)
            if graders_a.get(m) != graders_b.get(m)
        )
        raise UserError(
            f"the runs were graded by different grader versions "
            f"({', '.join(changed)}); re-grade both with one version "
            "(iacbench grade --responses RUN)"
        )
    tasks_a, tasks_b = a.get("tasks"), b.get("tasks")
    if tasks_a is not None and tasks_b is not None:
        versions_a = {t: v.get("version") for t, v in tasks_a.items()}
        versions_b = {t: v.get("version") for t, v in tasks_b.items()}
        if versions_a != versions_b:
            raise UserError(
                "the runs used different tasks or task versions "
                f"({sorted(versions_a)} vs {sorted(versions_b)}); "
                "compare runs of the same tasks"
            )


def compare(
    run_a: Path, run_b: Path, alpha: float = 0.05, max_drop: float | None = None
) -> Comparison:
    check_comparable(run_a, run_b)
    a, b = load_verdicts(run_a), load_verdicts(run_b)
    result = Comparison(run_a, run_b)
    keys_a = {k for per_mode in a.values() for k in per_mode}
    keys_b = {k for per_mode in b.values() for k in per_mode}
    if not keys_a & keys_b:
        raise UserError(
            "the runs share no answers (pair by model, task and sample); "
            "compare runs of the same models and tasks"
        )
    result.unpaired = len(keys_a ^ keys_b)
    for mode in sorted(set(a) | set(b)):
        result.modes.append(
            _mode_change(mode, a.get(mode, {}), b.get(mode, {}), alpha, max_drop)
        )
    return result


def _mode_change(
    mode: str,
    a: dict[Key, str],
    b: dict[Key, str],
    alpha: float,
    max_drop: float | None,
) -> ModeChange:
    judged = ("pass", "fail")
    pairs = [k for k in a if k in b and a[k] in judged and b[k] in judged]
    passes_a = sum(a[k] == "pass" for k in pairs)
    passes_b = sum(b[k] == "pass" for k in pairs)
    worse = sum(a[k] == "pass" and b[k] == "fail" for k in pairs)
    better = sum(a[k] == "fail" and b[k] == "pass" for k in pairs)
    rate_a = round(passes_a / len(pairs), 4) if pairs else None
    rate_b = round(passes_b / len(pairs), 4) if pairs else None
    p_value = round(mcnemar(worse, better), 6)
    drop = (rate_a - rate_b) if pairs else 0.0  # type: ignore[operator]
    regression = worse > better and (
        p_value < alpha or (max_drop is not None and drop > max_drop)
    )
    return ModeChange(
        mode, len(pairs), rate_a, rate_b, worse, better, p_value, regression
    )


# -- output --------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def to_markdown(result: Comparison) -> str:
    lines = [
        f"**iacbench compare** `{result.run_a.name}` → `{result.run_b.name}`: "
        + (
            f"{len(result.regressions)} regression(s)"
            if result.regressions
            else "no regression"
        ),
        "",
        "| failure mode | pairs | before | after | change | worse | better | p |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in result.modes:
        change = "n/a" if m.change is None else f"{m.change:+.1%}"
        flag = " ⚠️ regression" if m.regression else ""
        lines.append(
            f"| {m.mode}{flag} | {m.pairs} | {_rate(m.rate_a)} | "
            f"{_rate(m.rate_b)} | {change} | {m.worse} | {m.better} | "
            f"{m.p_value:.3g} |"
        )
    return "\n".join(lines) + "\n"


def to_junit(result: Comparison) -> bytes:
    """One test case per failure mode; a regression is a failure."""
    suite = ElementTree.Element(
        "testsuite",
        name="iacbench compare",
        tests=str(len(result.modes)),
        failures=str(len(result.regressions)),
    )
    for m in result.modes:
        case = ElementTree.SubElement(
            suite, "testcase", classname="iacbench", name=m.mode
        )
        if m.regression:
            failure = ElementTree.SubElement(case, "failure", message="regression")
            failure.text = (
                f"pass rate {_rate(m.rate_a)} -> {_rate(m.rate_b)} over "
                f"{m.pairs} paired answers; {m.worse} got worse, "
                f"{m.better} better; McNemar p = {m.p_value:.3g}"
            )
    return ElementTree.tostring(suite, encoding="utf-8", xml_declaration=True)
