"""Answers recorded earlier, read from a JSONL file (``replay:PATH``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.models.base import Response
from harness.records import read_jsonl
from harness.screening import unreadable
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
    usage: dict[str, int] | None = None
    latency_s: float | None = None
    defect: str | None = None
    error: str | None = None  # a failed call, recorded as such


def read_recorded(path: Path, problems: list[str]) -> Iterator[Recorded]:
    """Valid records in order; each bad line is added to ``problems``."""
    count = 0
    not_utf8: set[int] = set()
    for line, data in read_jsonl(path, problems, not_utf8):
        problem = _problem(data)
        if problem:
            problems.append(f"{path}:{line}: {problem}")
            continue
        count += 1
        finish = data.get("finish_reason")
        yield Recorded(
            task_id=data["task_id"],
            model=data["model"],
            sample=data.get("sample", 0),
            response=data["response"] if isinstance(data["response"], str) else "",
            error=_failed(data),
            prompt=data.get("prompt") if isinstance(data.get("prompt"), str) else None,
            finish_reason=_LENGTH_REASONS.get(finish, finish),
            usage=data["usage"] if isinstance(data.get("usage"), dict) else None,
            latency_s=data.get("latency_s")
            if isinstance(data.get("latency_s"), (int, float))
            else None,
            defect=unreadable(line) if line in not_utf8 else _defect(data),
        )
    if count == 0:
        problems.append(f"{path}: no answers to grade")


# providers name a stop at the token limit differently
_LENGTH_REASONS = {"max_tokens": "length", "MAX_TOKENS": "length"}


def _defect(data: dict[str, Any]) -> str | None:
    # a run's responses.jsonl keeps the reason an answer was screened out
    defect = data.get("defect")
    return defect if isinstance(defect, str) and defect else None


def _failed(data: dict[str, Any]) -> str | None:
    """The error of a call that gave no answer (``response`` null)."""
    if data.get("response") is None and isinstance(data.get("error"), str):
        return data["error"]
    return None


def _problem(data: dict[str, Any]) -> str | None:
    for key in ("task_id", "model", "response"):
        if key not in data:
            return f"'{key}' is missing; every line needs task_id, model and response"
        item = data.get(key)
        if key == "response" and _failed(data):
            continue
        if not isinstance(item, str) or (key != "response" and not item.strip()):
            return (
                f"'{key}' must be a string; every line needs task_id, model and "
                "response"
            )
    sample = data.get("sample", 0)
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 0:
        return "'sample' must be a whole number from 0 up"
    finish = data.get("finish_reason")
    if finish is not None and not isinstance(finish, str):
        return "'finish_reason' must be a string or null"
    return None


class ReplayResponder:
    """One model's answers from a responses file: ``replay:FILE`` when the file
    holds one model, ``replay:FILE#MODEL`` for one of several."""

    def __init__(
        self, path: str, model: str, answers: dict[tuple[str, int], Recorded], name: str
    ) -> None:
        self.path = Path(path)
        self.model = model
        self.answers = answers
        self.name = name

    def covers(self, task: Task) -> bool:
        return any(key[0] == task.id for key in self.answers)

    def respond(self, task: Task, sample: int) -> Response:
        recorded = self.answers.get((task.id, sample))
        if recorded is None:
            return Response(
                None, error=f"{self.path} has no answer for {task.id} sample {sample}"
            )
        if recorded.error:
            return Response(None, error=recorded.error)
        return Response(
            recorded.response,
            finish_reason=recorded.finish_reason,
            defect=recorded.defect,
        )

    def describe(self) -> dict[str, Any]:
        return {"kind": "replay", "path": str(self.path), "model": self.model}


def replay_responders(argument: str) -> list[ReplayResponder]:
    """A responder per model the file holds, or the one ``#MODEL`` names."""
    path, _, wanted = argument.partition("#")
    if Path(path).is_dir() and (Path(path) / "responses.jsonl").is_file():
        path = str(Path(path) / "responses.jsonl")  # a run folder's answers
    if not Path(path).is_file():
        raise UserError(f"replay file {path} does not exist")
    problems: list[str] = []
    by_model: dict[str, dict[tuple[str, int], Recorded]] = {}
    for r in read_recorded(Path(path), problems):
        by_model.setdefault(r.model, {})[(r.task_id, r.sample)] = r
    if problems:
        raise UserError(problems[0])
    if wanted:
        if wanted not in by_model:
            raise UserError(
                f"{path} has no answers by {wanted!r}; it has "
                f"{', '.join(sorted(by_model))}"
            )
        return [ReplayResponder(path, wanted, by_model[wanted], f"replay:{argument}")]
    if len(by_model) == 1:
        ((model, answers),) = by_model.items()
        return [ReplayResponder(path, model, answers, f"replay:{path}")]
    return [
        ReplayResponder(path, model, answers, f"replay:{path}#{model}")
        for model, answers in sorted(by_model.items())
    ]
