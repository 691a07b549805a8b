"""The two jobs that produce a run: ask models, or grade recorded answers."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders import REGISTRY
from harness import leaderboard
from harness.constraints import Constraints, infer
from harness.grading import Job, grade_jobs
from harness.models import Responder, Response
from harness.models.openai_chat import OpenAIResponder
from harness.models.replay import Recorded, read_recorded
from harness.store import RunStore, versions
from harness.tasks import Task, grading_fingerprint

log = logging.getLogger(__name__)


@dataclass
class Counts:
    """Live tallies of a run for a progress display, updated as calls go."""

    total: int | None = None
    answered: int = 0
    in_flight: int = 0
    retries: int = 0
    failed: int = 0
    graded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def started(self) -> None:
        with self.lock:
            self.in_flight += 1

    def finished(self) -> None:
        with self.lock:
            self.in_flight -= 1


Tick = Callable[[Counts], None]


@dataclass
class Settings:
    """How a benchmark is run; recorded in the manifest."""

    benchmark: str = "adhoc"
    samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 8192
    seed: int | None = None
    workers: int = 1
    concurrency: int = 4
    max_retries: int = 6
    timeout_s: float = 600.0
    total_timeout_s: float = 1800.0
    batch: bool = False
    batch_poll_s: float = 30.0


@dataclass
class Outcome:
    """What a run produced, for the CLI to report."""

    directory: Path
    board: dict[str, Any]
    answers: int = 0
    failed_calls: int = 0
    failed_by_model: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    usage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)


def _manifest(command: str, settings: dict[str, Any], extra: dict[str, Any]) -> dict:
    return {
        "command": command,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "graders": {g.id: g.version for g in REGISTRY},
        "versions": versions(),
        **extra,
    }


def run_benchmark(
    tasks: list[Task],
    responders: list[Responder],
    settings: Settings,
    store: RunStore,
    tick: Tick | None = None,
    counts: Counts | None = None,
) -> Outcome:
    """Ask every responder every task ``samples`` times, then grade the answers.

    ``counts`` receives live tallies as the run goes, for a progress display.
    """
    store.write_json(
        "manifest.json",
        _manifest(
            "run",
            vars(settings),
            {
                "tasks": {
                    t.id: {
                        "version": t.version,
                        "fingerprint": t.fingerprint,
                        "grading": t.grading,
                    }
                    for t in tasks
                },
                "models": [r.describe() for r in responders],
            },
        ),
    )
    outcome = Outcome(store.directory, {}, counts=counts or Counts())
    store.begin("responses.jsonl")
    store.begin("grades.jsonl")
    # answers are graded as they are written, so none waits in memory
    jobs = asked(tasks, responders, settings, store, outcome, tick)
    return _grade(jobs, settings.workers, store, outcome, tick)


def asked(
    tasks: list[Task],
    responders: list[Responder],
    settings: Settings,
    store: RunStore,
    outcome: Outcome,
    tick: Tick | None,
) -> Iterator[Job]:
    """Ask every request, at most ``concurrency`` in flight per model, and give
    each answer to grade as soon as it is written.

    Answers are written in request order as soon as every earlier one is in,
    so a run's files are the same however the calls interleave.
    """
    requests = [
        (task, responder, sample)
        for task in tasks
        for responder in responders
        if responder.covers(task)
        for sample in range(settings.samples)
    ]
    limits = {
        r.name: threading.BoundedSemaphore(settings.concurrency) for r in responders
    }
    counts = outcome.counts
    counts.total = len(requests)
    if settings.batch:
        swap = _in_batches(requests, settings, store, counts)
        requests = [(t, swap.get(r.name, r), n) for t, r, n in requests]
    recorder = _Recorder(tasks, store, outcome)
    workers = max(1, settings.concurrency * len(responders))
    pool = ThreadPoolExecutor(max_workers=workers)

    def submit(index: int) -> Future[Response]:
        task, responder, sample = requests[index]
        return pool.submit(
            _call, limits[responder.name], counts, responder, task, sample
        )

    try:
        window = max(AHEAD, 8 * workers)
        for index, response in enumerate(_in_order(submit, len(requests), window)):
            task, responder, sample = requests[index]
            job = recorder.record(response, task, responder.name, sample)
            if tick:
                tick(counts)
            if job is not None:
                yield job
    except BaseException:
        # on Ctrl-C no request that has not started is sent, and those in
        # flight are not waited for: the command line exits at once
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


# requests sent ahead of the earliest answer not yet written: enough that one
# slow call holds up no others, few enough that waiting answers take little memory
AHEAD = 256


def _in_order(
    submit: Callable[[int], Future[Response]], total: int, window: int
) -> Iterator[Response]:
    """Each request's response in request order, with at most ``window``
    requests submitted beyond the last one given."""
    finished: queue.SimpleQueue[tuple[int, Future[Response]]] = queue.SimpleQueue()
    ready: dict[int, Response] = {}
    submitted = given = 0
    while given < total:
        while submitted < total and submitted - given < window:
            future = submit(submitted)
            # each finished call reports itself once: no scan of those pending
            future.add_done_callback(lambda f, i=submitted: finished.put((i, f)))
            submitted += 1
        index, future = finished.get()
        ready[index] = future.result()
        while given in ready:
            yield ready.pop(given)
            given += 1


def _call(
    limit: threading.BoundedSemaphore,
    counts: Counts,
    responder: Responder,
    task: Task,
    sample: int,
) -> Response:
    with limit:
        counts.started()
        try:
            return responder.respond(task, sample)
        finally:
            counts.finished()


def _in_batches(
    requests: list[tuple[Task, Responder, int]],
    settings: Settings,
    store: RunStore,
    counts: Counts,
) -> dict[str, Responder]:
    """Each ``openai:`` model's answers from a batch, all batches polled at once."""
    from harness.models.batch import Batched, ask_in_batch

    wanted: dict[str, list[tuple[Task, int]]] = {}
    models: dict[str, OpenAIResponder] = {}
    for task, responder, sample in requests:
        if isinstance(responder, OpenAIResponder):
            wanted.setdefault(responder.name, []).append((task, sample))
            models[responder.name] = responder
    counts.in_flight = sum(len(w) for w in wanted.values())
    with ThreadPoolExecutor(max_workers=max(1, len(models))) as pool:
        done = {
            name: pool.submit(ask_in_batch, model, wanted[name], settings.batch_poll_s)
            for name, model in models.items()
        }
    counts.in_flight = 0
    swap: dict[str, Responder] = {}
    for name, future in done.items():
        answers, batch_id = future.result()
        if batch_id:
            store.append("batches.jsonl", {"model": name, "batch_id": batch_id})
        swap[name] = Batched(models[name], answers)
    return swap


class _Recorder:
    """Writes each answer to the run folder and queues it for grading."""

    def __init__(self, tasks: list[Task], store: RunStore, outcome: Outcome) -> None:
        self.store = store
        self.outcome = outcome
        # built once per task and shared by its jobs: each build costs milliseconds
        self.constraints = {t.id: t.constraints.to_dict() for t in tasks}

    def record(
        self, response: Response, task: Task, model: str, sample: int
    ) -> Job | None:
        """Write the answer; return it as a job to grade, or None for a failed call."""
        record = {
            "task_id": task.id,
            "model": model,
            "sample": sample,
            "response": response.text,
            **{
                k: v
                for k, v in response.to_dict().items()
                if k != "text" and (k != "defect" or v)
            },
            "cut_off": response.finish_reason == "length",
        }
        self.store.append("responses.jsonl", record)
        counts = self.outcome.counts
        counts.answered += 1
        counts.retries += response.retries
        if response.usage or response.latency_s is not None:
            self.outcome.usage.setdefault(model, []).append(
                {"usage": response.usage, "latency_s": response.latency_s}
            )
        if response.error or response.text is None:
            _count_failed(
                self.outcome, model, f"{task.id} sample {sample}", response.error
            )
            return None
        return Job(
            task.id,
            model,
            sample,
            response.text,
            self.constraints[task.id],
            response.finish_reason,
            response.defect,
        )


def _grade(
    jobs: Iterable[Job],
    workers: int,
    store: RunStore,
    outcome: Outcome,
    tick: Tick | None,
) -> Outcome:
    all_grades: list[dict[str, Any]] = []
    for records in grade_jobs(jobs, workers):
        for record in records:
            store.append("grades.jsonl", record)
        all_grades.extend(_slim(r) for r in records)
        outcome.answers += 1
        outcome.counts.graded += 1
        if tick:
            tick(outcome.counts)
    board = leaderboard.build(all_grades, outcome.usage, outcome.failed_by_model)
    store.write_json("leaderboard.json", board)
    store.write_text("leaderboard.md", leaderboard.to_markdown(board))
    store.close()
    outcome.board = board
    return outcome


def _slim(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("task_id", "model", "sample", "failure_mode", "verdict", "severity")
    slim = {k: record[k] for k in keys}
    if "coverage" in record:
        slim["coverage"] = record["coverage"]
    slim["no_terraform"] = record["failure_mode"] == "syntax.parse" and any(
        f["message"].startswith("no Terraform found") for f in record["findings"]
    )
    return slim


def grade_responses(
    path: Path,
    tasks: dict[str, Task],
    store: RunStore,
    workers: int = 1,
    tick: Tick | None = None,
    counts: Counts | None = None,
) -> Outcome:
    """Grade answers recorded elsewhere; unknown tasks get inferred constraints.

    Answers from a run folder keep that run's tasks and models in the manifest,
    each task with the fingerprint of what it is graded against now.
    """
    # only a run's own responses.jsonl comes with a manifest to trust
    run = path.name == "responses.jsonl"
    earlier = _provenance(path.parent / "manifest.json") if run else {}
    settings = {"responses": str(path), "workers": workers}
    store.write_json("manifest.json", _manifest("grade", settings, earlier))
    outcome = Outcome(store.directory, {}, counts=counts or Counts())
    store.begin("responses.jsonl")
    store.begin("grades.jsonl")
    graded: dict[str, dict[str, Any]] = {}
    jobs = _recorded_jobs(path, tasks, store, outcome, graded)
    outcome = _grade(jobs, workers, store, outcome, tick)
    # what each task was graded against, so compare can refuse a mismatch
    found = dict(earlier.get("tasks", {}))
    for task_id, constraints in graded.items():
        entry = found.setdefault(task_id, {})
        entry["grading"] = grading_fingerprint(constraints)
    store.write_json(
        "manifest.json", _manifest("grade", settings, {**earlier, "tasks": found})
    )
    return outcome


def _provenance(source: Path) -> dict[str, Any]:
    """The tasks and models of the run a responses.jsonl came from; what each
    task is graded against is set anew by the grading."""
    try:
        earlier = json.loads(source.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(earlier, dict) or not isinstance(earlier.get("tasks"), dict):
        return {}
    kept: dict[str, Any] = {}
    for task_id, entry in earlier["tasks"].items():
        if not isinstance(entry, dict):
            continue
        kept[task_id] = {k: v for k, v in entry.items() if k != "grading"}
    models = earlier.get("models")
    return {"tasks": kept, **({"models": models} if isinstance(models, list) else {})}


def _recorded_jobs(
    path: Path,
    tasks: dict[str, Task],
    store: RunStore,
    outcome: Outcome,
    as_dicts: dict[str, dict[str, Any]],
) -> Iterator[Job]:
    """Jobs for the recorded answers; ``as_dicts`` gathers each task's
    constraints, built once per task (each build costs milliseconds)."""
    inferred: dict[str, Constraints] = {}
    seen: set[tuple[str, str, int]] = set()
    for recorded in read_recorded(path, outcome.problems):
        key = (recorded.task_id, recorded.model, recorded.sample)
        if key in seen:
            outcome.problems.append(
                f"{path}: {recorded.model} answers {recorded.task_id}"
                f" sample {recorded.sample} twice; the first is "
                "graded (give repeats distinct 'sample' numbers)"
            )
            continue
        seen.add(key)
        store.append("responses.jsonl", _response_record(recorded))
        if recorded.error:
            where = f"{recorded.task_id} sample {recorded.sample}"
            _count_failed(outcome, recorded.model, where, recorded.error)
            continue
        if recorded.usage or recorded.latency_s is not None:
            outcome.usage.setdefault(recorded.model, []).append(
                {"usage": recorded.usage, "latency_s": recorded.latency_s}
            )
        if recorded.task_id not in as_dicts:
            constraints = _constraints_for(recorded, tasks, inferred, store)
            as_dicts[recorded.task_id] = constraints.to_dict()
        yield Job(
            recorded.task_id,
            recorded.model,
            recorded.sample,
            recorded.response,
            as_dicts[recorded.task_id],
            recorded.finish_reason,
            recorded.defect,
        )


def _count_failed(outcome: Outcome, model: str, where: str, error: str | None) -> None:
    """A call that gave no answer: counted against its model, not graded."""
    outcome.counts.failed += 1
    outcome.failed_calls += 1
    outcome.failed_by_model[model] = outcome.failed_by_model.get(model, 0) + 1
    outcome.problems.append(f"{model} on {where}: {error}")


def _response_record(recorded: Recorded) -> dict[str, Any]:
    record = {
        "task_id": recorded.task_id,
        "model": recorded.model,
        "sample": recorded.sample,
        "response": None if recorded.error else recorded.response,
        "finish_reason": recorded.finish_reason,
    }
    if recorded.error:
        record["error"] = recorded.error
    if recorded.usage or recorded.latency_s is not None:
        record.update(usage=recorded.usage, latency_s=recorded.latency_s)
    return record


def _constraints_for(
    recorded: Recorded,
    tasks: dict[str, Task],
    inferred: dict[str, Constraints],
    store: RunStore,
) -> Constraints:
    task = tasks.get(recorded.task_id)
    if task is not None:
        return task.constraints
    cached = inferred.get(recorded.task_id)
    if cached is None:
        cached = infer(recorded.prompt or "")
        inferred[recorded.task_id] = cached
        store.append(
            "constraints.jsonl",
            {"task_id": recorded.task_id, "constraints": cached.to_dict()},
        )
    return cached
