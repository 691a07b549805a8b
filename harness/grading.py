"""Grade answers with every registered failure mode, in one or many processes."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from graders import REGISTRY, Grade, run_grader
from harness.answer import Answer
from harness.cache import get_cache, key_of
from harness.constraints import Constraints
from harness.screening import screen, unfit_grades


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to grade one answer."""

    task_id: str
    model: str
    sample: int
    response: str
    constraints: dict[str, Any]
    finish_reason: str | None = None
    defect: str | None = None  # why the recorded answer cannot be read as text


def grade_answer(answer: Answer, strict: bool = False) -> list[Grade]:
    return [run_grader(grader, answer, strict) for grader in REGISTRY]


def grade_job(job: Job) -> list[dict[str, Any]]:
    """Grade records for one answer, in registry order."""
    head = {"task_id": job.task_id, "model": job.model, "sample": job.sample}
    reason = job.defect or screen(job.response)
    grades = unfit_grades(reason) if reason else _grades(job)
    return [{**head, **grade} for grade in grades]


def _grades(job: Job) -> list[dict[str, Any]]:
    # the verdicts depend only on the text, constraints and finish reason
    disk = get_cache("grades")
    key = key_of(
        "grades", job.response, sorted(job.constraints.items()), job.finish_reason
    )
    cached = disk.get(key) if disk else None
    if isinstance(cached, list):
        return cached
    answer = Answer(
        job.response,
        Constraints.from_dict(job.constraints),
        job.task_id,
        job.model,
        job.sample,
        job.finish_reason,
    )
    grades = [grade.to_dict() for grade in grade_answer(answer)]
    if disk and not any(g["verdict"] == "error" for g in grades):
        disk.put(key, grades)
    return grades


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def grade_jobs(jobs: Iterable[Job], workers: int = 1) -> Iterator[list[dict[str, Any]]]:
    """Grades for each job, in the order the jobs come.

    At most a few jobs per worker are in flight, so memory stays flat however
    many answers stream through.
    """
    if workers <= 1:
        yield from map(grade_job, jobs)
        return
    window: deque[Future[list[dict[str, Any]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # the workers start now, before the jobs' source starts threads of its
        # own (a live run's calls): a process forked beside them could inherit
        # a lock one of them holds
        pool.submit(int).result()
        for job in jobs:
            window.append(pool.submit(grade_job, job))
            if len(window) >= workers * 8:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
