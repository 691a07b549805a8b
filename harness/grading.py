"""Grade answers with every registered failure mode, in one or many processes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from graders import REGISTRY, Grade, run_grader
from harness.answer import Answer
from harness.constraints import Constraints


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to grade one answer."""

    task_id: str
    model: str
    sample: int
    response: str
    constraints: dict[str, Any]
    finish_reason: str | None = None


def grade_answer(answer: Answer, strict: bool = False) -> list[Grade]:
    return [run_grader(grader, answer, strict) for grader in REGISTRY]


def grade_job(job: Job) -> list[dict[str, Any]]:
    """Grade records for one answer, in registry order."""
    answer = Answer(
        job.response,
        Constraints.from_dict(job.constraints),
        job.task_id,
        job.model,
        job.sample,
        job.finish_reason,
    )
    head = {"task_id": job.task_id, "model": job.model, "sample": job.sample}
    return [{**head, **grade.to_dict()} for grade in grade_answer(answer)]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def grade_jobs(jobs: Iterable[Job], workers: int = 1) -> Iterator[list[dict[str, Any]]]:
    """Grades for each job, in the order the jobs come."""
    if workers <= 1:
        yield from map(grade_job, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(grade_job, jobs, chunksize=4)
