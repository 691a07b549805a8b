"""Findings, verdicts and the grader interface shared by every failure mode."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from harness.answer import Answer
from harness.config.model import Declared, Location


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Finding:
    """One defect, located, with a message naming the values involved."""

    message: str
    file: str | None = None
    line: int | None = None
    address: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def at(cls, obj: Declared | Location | None, message: str, **extra: Any) -> Finding:
        """A finding placed at a declared object or a location."""
        if isinstance(obj, Declared):
            loc = obj.location
            return cls(message, loc.file, loc.line, obj.address, **extra)
        if isinstance(obj, Location):
            return cls(message, obj.file, obj.line, **extra)
        return cls(message, **extra)


@dataclass
class Measured:
    """Findings plus numbers a grader measured on the way (such as coverage)."""

    findings: list[Finding]
    details: dict[str, Any] = field(default_factory=dict)


class CouldNotJudge(Exception):
    """Raised by a grader when the answer gives it nothing to judge."""


@dataclass(frozen=True)
class Grader:
    """A failure mode's check: ``check`` yields findings or raises CouldNotJudge."""

    id: str
    title: str
    severity: Severity
    check: Callable[[Answer], Iterable[Finding] | Measured]
    version: int = 1


@dataclass
class Grade:
    failure_mode: str
    verdict: Verdict
    severity: Severity
    findings: list[Finding] = field(default_factory=list)
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "failure_mode": self.failure_mode,
            "verdict": self.verdict.value,
            "severity": self.severity.value,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.reason:
            data["reason"] = self.reason
        data.update(self.details)
        return data


def run_grader(grader: Grader, answer: Answer, strict: bool = False) -> Grade:
    """Apply one grader; a crash is an ``error`` verdict, never a fail."""
    details: dict[str, Any] = {}
    try:
        result = grader.check(answer)
        if isinstance(result, Measured):
            findings, details = list(result.findings), dict(result.details)
        else:
            findings = list(result)
    except CouldNotJudge as reason:
        return Grade(
            grader.id, Verdict.NOT_APPLICABLE, grader.severity, reason=str(reason)
        )
    except Exception as error:  # noqa: BLE001 - any grader bug is recorded
        if strict:
            raise
        message = f"grader crashed: {type(error).__name__}: {error}"
        return Grade(grader.id, Verdict.ERROR, grader.severity, reason=message[:500])
    verdict = Verdict.FAIL if findings else Verdict.PASS
    return Grade(grader.id, verdict, grader.severity, findings, details=details)
