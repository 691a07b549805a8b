"""The answer is cut off (unclosed fence, unfinished block) or has no content."""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import Finding, Grader, Severity
from harness.answer import Answer

FIX = "Raise the token limit or ask for a shorter answer; the file must be complete."


def check(answer: Answer) -> Iterator[Finding]:
    if not answer.response.strip():
        yield Finding("the answer is empty", hint="The model returned no text.")
        return
    if answer.finish_reason == "length":
        yield Finding("the model stopped at its token limit", hint=FIX)
    for block in answer.extraction.blocks:
        if not block.closed:
            yield Finding(
                f"code block {block.index + 1} ({block.name}) is never closed",
                block.name,
                hint=FIX,
            )
    for parsed in answer.config.all_files():
        tail = parsed.tail
        if tail is not None:
            what = tail.address or tail.header or "a block"
            yield Finding(
                f"{parsed.name} ends inside {what}, which is unfinished",
                parsed.name,
                tail.line,
                tail.address,
                hint=FIX,
            )


GRADER = Grader(
    id="format.response",
    title="Complete, well-formed answer",
    severity=Severity.HIGH,
    check=check,
)
