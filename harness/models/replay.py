"""Answers recorded earlier, read from a JSONL file (``replay:PATH``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.models.base import Response
from harness.records import read_jsonl
from harness.tasks import Task


@dataclass(frozen=True)
class Recorded:
    """One recorded answer from a responses file."""

    task_id: str
    model: str
    sample: int
    response: str
    prompt: str | None = None
    finish_reason: str | None = None


def read_recorded(path: Path, problems: list[str]) -> Iterator[Recorded]:
    """Valid records in order; each bad line is added to ``problems``."""
    for line, data in read_jsonl(path, problems):
        where = f"{path}:{line}"
        if not isinstance(data.get("response"), str):
            problems.append(
                f"{where}: no 'response' string; every line needs "
                "task_id, model and response"
            )
            continue
        sample = data.get("sample", 0)
        if not isinstance(sample, int):
            problems.append(f"{where}: 'sample' must be a whole number")
            continue
        yield Recorded(
            task_id=str(data.get("task_id") or "unknown"),
            model=str(data.get("model") or "unknown"),
            sample=sample,
            response=data["response"],
            prompt=data.get("prompt") if isinstance(data.get("prompt"), str) else None,
            finish_reason=data.get("finish_reason"),
        )


class ReplayResponder:
    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.name = f"replay:{path}"
        if not self.path.is_file():
            raise UserError(f"replay file {path} does not exist")
        problems: list[str] = []
        self.answers = {
            (r.task_id, r.sample): r for r in read_recorded(self.path, problems)
        }
        if problems:
            raise UserError(problems[0])

    def covers(self, task: Task) -> bool:
        return any(key[0] == task.id for key in self.answers)

    def respond(self, task: Task, sample: int) -> Response:
        recorded = self.answers.get((task.id, sample))
        if recorded is None:
            return Response(
                None, error=f"{self.path} has no answer for {task.id} sample {sample}"
            )
        return Response(recorded.response, finish_reason=recorded.finish_reason)

    def describe(self) -> dict[str, Any]:
        return {"kind": "replay", "path": str(self.path)}
