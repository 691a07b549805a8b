"""A Terraform file in the answer does not parse, or there is no Terraform at all."""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import Finding, Grader, Severity
from harness.answer import Answer
from harness.languages import detect

FIX = "Correct the syntax at the line shown; every file must be valid HCL."


def check(answer: Answer) -> Iterator[Finding]:
    extraction = answer.extraction
    if not any(f.kind == "terraform" and f.text.strip() for f in extraction.files):
        language = detect(answer.response)
        detail = f": looks like {language}" if language else ""
        yield Finding(
            f"no Terraform found{detail}",
            hint="Answer with Terraform (HCL) in fenced code blocks.",
        )
        return
    for parsed in answer.config.all_files():
        for error in parsed.errors:
            yield Finding(
                f"{error.file}:{error.line}:{error.column}: {error.message}",
                error.file,
                error.line,
                error.address,
                hint=FIX,
            )


GRADER = Grader(
    id="syntax.parse",
    title="Terraform that parses",
    severity=Severity.CRITICAL,
    check=check,
)
