"""Check the graders against each task's reference and documented flaws.

The ideal answer must pass every mode it can be judged on, and each flawed
answer must fail its own mode and no other, except that a flaw removing a
property the task requires may also fail requirements coverage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from graders import REGISTRY, Verdict, catalog
from harness.answer import Answer
from harness.grading import grade_answer
from harness.models.reference import IDEAL, PARTIAL, STUB, ReferenceResponder
from harness.tasks import Task

COVERAGE = "requirements.coverage"


@dataclass(frozen=True)
class CheckResult:
    task: str
    variant: str
    failed: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def expected(self) -> tuple[str, ...]:
        if self.variant in (STUB, PARTIAL):
            return (COVERAGE,)
        return () if self.variant == IDEAL else (self.variant,)

    @property
    def ok(self) -> bool:
        if self.variant in (STUB, PARTIAL):
            return not self.errors and COVERAGE in self.failed
        # a flaw that removes a property the task requires also lowers coverage
        failed = tuple(m for m in self.failed if m != COVERAGE or not self.expected)
        return not self.errors and failed == self.expected


def reference_answers(tasks: list[Task]) -> list[tuple[Task, str]]:
    """Each task's built-in answers to check: the ideal, its flaws and, where
    the task lists requirements, the stub and the partial answer."""
    answers = []
    for task in tasks:
        cut_down = [STUB, PARTIAL] if task.constraints.requirements else []
        answers += [
            (task, v) for v in [IDEAL, *(f.mode for f in task.flaws), *cut_down]
        ]
    return answers


def check_references(
    tasks: list[Task], tick: Callable[[], None] | None = None
) -> list[CheckResult]:
    results = []
    for task, variant in reference_answers(tasks):
        results.append(_check(task, variant))
        if tick:
            tick()
    return results


def _check(task: Task, variant: str) -> CheckResult:
    response = ReferenceResponder(variant).respond(task, 0)
    answer = Answer(response.text or "", task.constraints, task.id)
    grades = grade_answer(answer)
    failed = tuple(g.failure_mode for g in grades if g.verdict is Verdict.FAIL)
    crashed = tuple(g.failure_mode for g in grades if g.verdict is Verdict.ERROR)
    return CheckResult(task.id, variant, failed, crashed)


def render_check(console: Console, results: list[CheckResult]) -> None:
    table = Table(title="Grader calibration")
    for column in ("task", "answer", "should fail", "failed", "result"):
        table.add_column(column)
    for r in results:
        verdict = "[green]ok[/]" if r.ok else "[red]MISMATCH[/]"
        failed = ", ".join(r.failed + tuple(f"{e} (error)" for e in r.errors))
        table.add_row(
            r.task,
            f"reference:{r.variant}",
            ", ".join(r.expected) or "-",
            failed or "-",
            verdict,
        )
    console.print(table)
    wrong = sum(not r.ok for r in results)
    console.print(
        f"{len(results)} built-in answers checked: "
        + (f"[red]{wrong} mismatched[/]" if wrong else "[green]all as expected[/]")
    )


def render_catalog(console: Console) -> None:
    entries = catalog()
    table = Table(title="Failure modes", show_lines=True)
    for column in ("id", "severity", "checks", "fix"):
        table.add_column(column, overflow="fold")
    for grader in REGISTRY:
        entry = entries.get(grader.id, {})
        table.add_row(
            grader.id,
            grader.severity.value,
            entry.get("checks", "?"),
            entry.get("fix", "?"),
        )
    console.print(table)
