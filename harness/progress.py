"""The command line's progress display: live bars on a terminal, plain lines elsewhere.

Only the CLI uses it. It reads the run's live tallies (answered, in flight,
retried, failed, graded); on a terminal rich redraws them several times a
second, and in a pipe or CI log a plain line is written every tenth of the run.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Task as Row
from rich.text import Text

from harness.runner import Counts

PLAIN_STEPS = 10  # lines per phase in a plain log
PLAIN_EVERY_UNKNOWN = 100  # answers per line when the total is not known


class _CallsColumn(ProgressColumn):
    """In flight, retried and failed, read live from the run's tallies."""

    def __init__(self, counts: Counts) -> None:
        super().__init__()
        self.counts = counts

    def render(self, task: Row) -> Text:
        if not task.fields.get("calls"):
            return Text("")
        c = self.counts
        return Text(
            f"{c.in_flight} in flight · {c.retries} retried · {c.failed} failed",
            style="dim",
        )


class RunProgress:
    """Shows a run's progress on ``console``; use as a context giving a tick."""

    def __init__(self, console: Console, counts: Counts, asking: bool = True) -> None:
        self.console = console
        self.counts = counts
        self.asking = asking
        self.live = console.is_terminal
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _CallsColumn(counts),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not self.live,
        )
        self.rows: dict[str, TaskID] = {}
        self.logged = {"answered": 0, "graded": 0}

    def __enter__(self) -> Callable[[Counts], None]:
        total = self.counts.total
        if self.asking:
            self.rows["answered"] = self.bar.add_task("asking", total=total, calls=True)
        self.rows["graded"] = self.bar.add_task("grading", total=total)
        self.bar.start()
        return self.tick

    def tick(self, counts: Counts) -> None:
        for phase, row in self.rows.items():
            self.bar.update(row, completed=getattr(counts, phase))
        if not self.live:
            self._log(counts)

    def _log(self, counts: Counts) -> None:
        for phase in self.rows:
            done = getattr(counts, phase)
            if done - self.logged[phase] < self._every() and done != counts.total:
                continue
            if done == self.logged[phase]:
                continue
            self.logged[phase] = done
            self.console.print(
                _plain_line(phase, done, counts), markup=False, highlight=False
            )

    def _every(self) -> int:
        if self.counts.total is None:
            return PLAIN_EVERY_UNKNOWN
        return max(1, -(-self.counts.total // PLAIN_STEPS))

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _plain_line(phase: str, done: int, counts: Counts) -> str:
    of = "" if counts.total is None else f"/{counts.total}"
    if phase == "graded":
        return f"graded {done}{of}"
    return (
        f"answered {done}{of} · {counts.in_flight} in flight · "
        f"{counts.retries} retried · {counts.failed} failed"
    )
