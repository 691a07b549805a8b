"""What every model adapter returns, and the interface it implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.tasks import Task


@dataclass
class Response:
    """One answer, or the error that prevented it."""

    text: str | None
    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    latency_s: float | None = None
    error: str | None = None
    retries: int = 0
    defect: str | None = None  # why the text, though recorded, is not fit to grade

    def to_dict(self) -> dict[str, Any]:
        # by hand: asdict deep-copies each field, which costs on every answer
        return {
            "text": self.text,
            "finish_reason": self.finish_reason,
            "usage": dict(self.usage),
            "latency_s": self.latency_s,
            "error": self.error,
            "retries": self.retries,
            "defect": self.defect,
        }


class Responder(Protocol):
    """A source of answers: a live model, recorded answers, or a built-in."""

    name: str

    def covers(self, task: Task) -> bool:
        """Whether this responder has an answer for the task."""
        ...

    def respond(self, task: Task, sample: int) -> Response: ...

    def describe(self) -> dict[str, Any]:
        """Settings recorded in the run manifest (never credentials)."""
        ...
