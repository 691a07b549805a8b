"""Answers that are not text to grade: too large, binary, or not valid UTF-8.

Model output is untrusted. An answer the parser should never see is screened out
before grading and graded as a failure whose finding says why: ``syntax.parse``
reports that no Terraform was found, ``format.response`` that the answer is
malformed, and every other failure mode could not judge it. Nothing is parsed,
so a 50 MB reply or a stream of control bytes costs no more than a short one.
"""

from __future__ import annotations

import re
from typing import Any

from graders import REGISTRY, Finding, Grade, Grader, Verdict

MAX_ANSWER_CHARS = 2_000_000
SAMPLE_CHARS = 65_536  # the share of control characters is measured on the start
MAX_CONTROL_SHARE = 0.05
# control characters other than tab, line feed, vertical tab, form feed, return
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
HINT = "Answer with Terraform (HCL) as text in fenced code blocks."


def screen(text: str) -> str | None:
    """Why the answer cannot be graded as Terraform, or None when it can."""
    if len(text) > MAX_ANSWER_CHARS:
        return (
            f"the answer is {len(text):,} characters long, over the "
            f"{MAX_ANSWER_CHARS:,} that are graded"
        )
    if "\x00" in text:
        return "the answer holds NUL characters: it is binary data, not text"
    sample = text[:SAMPLE_CHARS]
    controls = len(_CONTROL.findall(sample))
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        share = controls / len(sample)
        return (
            f"{share:.0%} of the answer is control characters: "
            "it is binary data, not text"
        )
    return None


def unreadable(line: int) -> str:
    """The reason for an answer whose recorded line is not valid UTF-8."""
    return (
        f"line {line} of the answers file is not valid UTF-8; the answer's bytes "
        "cannot be read as text"
    )


def unfit_grades(reason: str) -> list[dict[str, Any]]:
    """Grade records, in registry order, for an answer screened out for ``reason``."""
    failed = {
        "syntax.parse": f"no Terraform found: {reason}",
        "format.response": reason,
    }
    return [_unfit(grader, failed.get(grader.id), reason) for grader in REGISTRY]


def _unfit(grader: Grader, message: str | None, reason: str) -> dict[str, Any]:
    if message is None:
        grade = Grade(grader.id, Verdict.NOT_APPLICABLE, grader.severity, reason=reason)
    else:
        finding = Finding(message, hint=HINT)
        grade = Grade(grader.id, Verdict.FAIL, grader.severity, [finding])
    return grade.to_dict()
