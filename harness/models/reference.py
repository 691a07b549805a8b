"""Built-in responders: the task's reference solution, whole, flawed or cut down.

``reference:ideal`` answers with the reference as a Markdown reply. Every flaw
in a task spec is a responder of its own, named after the failure mode it
commits (``reference:dependency.circular``): the reference changed by one
documented edit. Together they keep the graders calibrated: the ideal must pass
every mode and each flawed answer must fail its own mode and no other.

Two more show that requirement coverage works: ``reference:stub`` answers with
a minimal valid configuration (one bucket), and ``reference:partial`` with the
reference missing every third resource.
"""

from __future__ import annotations

from typing import Any

from harness.errors import UserError
from harness.models.base import Response
from harness.tasks import Flaw, Task

IDEAL = "ideal"
STUB = "stub"
PARTIAL = "partial"
STUB_ANSWER = {
    "main.tf": """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "placeholder" {
  bucket = "placeholder-bucket"
}
"""
}


class ReferenceResponder:
    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.name = f"reference:{variant}"

    def covers(self, task: Task) -> bool:
        if self.variant == STUB:
            return True
        if not task.reference:
            return False  # a task loaded without a reference solution
        return self.variant in (IDEAL, PARTIAL) or _flaw(task, self.variant) is not None

    def respond(self, task: Task, sample: int) -> Response:
        if self.variant == IDEAL:
            return Response(render(task.reference), finish_reason="stop")
        if self.variant == STUB:
            return Response(render(STUB_ANSWER), finish_reason="stop")
        if self.variant == PARTIAL:
            return Response(render(_partial(task.reference)), finish_reason="stop")
        flaw = _flaw(task, self.variant)
        if flaw is None:
            raise UserError(f"task {task.id!r} has no flaw for {self.variant!r}")
        return Response(flawed_answer(task, flaw), finish_reason="stop")

    def describe(self) -> dict[str, Any]:
        return {"kind": "reference", "variant": self.variant}


def _flaw(task: Task, mode: str) -> Flaw | None:
    return next((f for f in task.flaws if f.mode == mode), None)


def variants(tasks: list[Task]) -> list[str]:
    """The ideal, every flaw the tasks document, the partial and the stub."""
    modes: list[str] = []
    for task in tasks:
        modes += [f.mode for f in task.flaws if f.mode not in modes]
    return [IDEAL, *modes, PARTIAL, STUB]


def _partial(files: dict[str, str]) -> dict[str, str]:
    """The reference without every third resource block."""
    from harness.config.source import scan

    cut: dict[str, str] = {}
    for name, text in files.items():
        lines = text.split("\n")
        resources = [
            c for c in scan(text).chunks if lines[c.line - 1].startswith("resource ")
        ]
        dropped = {
            line for c in resources[2::3] for line in range(c.line, c.end_line + 1)
        }
        cut[name] = "\n".join(
            x for n, x in enumerate(lines, start=1) if n not in dropped
        )
    return cut


def render(files: dict[str, str], cut_after: str | None = None) -> str:
    """The files as a Markdown reply, optionally cut off after some text."""
    parts = ["Here is the complete Terraform configuration.\n"]
    for name, text in files.items():
        parts.append(f"**{name}**\n\n```hcl\n{text.rstrip()}\n```\n")
    parts.append("Run `terraform init` and `terraform plan` to review it.\n")
    reply = "\n".join(parts)
    if cut_after is not None:
        at = reply.find(cut_after)
        if at < 0:
            raise ValueError(f"text to cut after not found: {cut_after!r}")
        reply = reply[: at + len(cut_after)]
    return reply


def flawed_answer(task: Task, flaw: Flaw) -> str:
    """The reference with the flaw's edits applied, rendered as a reply."""
    files = dict(task.reference)
    cut_after = None
    try:
        for edit in flaw.edits:
            if "truncate_after" in edit:
                cut_after = edit["truncate_after"]
            elif "move_from" in edit:
                _move(files, edit["move_from"], edit["to_file"])
            else:
                _replace(files, edit)
        return render(files, cut_after)
    except ValueError as error:
        raise UserError(f"{task.path}: flaw {flaw.mode}: {error}") from None


def _replace(files: dict[str, str], edit: dict[str, str]) -> None:
    name = edit.get("file") or next(iter(files))
    text = files[name]
    count = text.count(edit["find"])
    if count != 1:
        raise ValueError(
            f"{edit['find'][:60]!r} occurs {count} times in {name}, "
            "expected exactly once"
        )
    files[name] = text.replace(edit["find"], edit["replace"])


def _move(files: dict[str, str], marker: str, to_file: str) -> None:
    name = next(iter(files))
    text = files[name]
    at = text.find(marker)
    if at < 0:
        raise ValueError(f"{marker[:60]!r} not found in {name}")
    files[name], files[to_file] = text[:at].rstrip() + "\n", text[at:]
