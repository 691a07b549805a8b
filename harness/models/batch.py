"""Asking ``openai:`` models through the Batch API (``iacbench run --batch``).

A model's requests that are not in the answer cache go up as one JSONL file and
one batch, at half the price of live calls. The batch is polled until it ends,
and each answer read from its output is cached like a live answer. The batch id
is kept in the answer cache under a hash of the batch's requests, so the same
command run again after a crash or Ctrl-C resumes polling that batch instead of
submitting, and paying for, the requests twice. The run folder's
``batches.jsonl`` records which batch answered each model.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from harness.cache import AnswerJournal, answer_cache, key_of
from harness.models.base import Response
from harness.models.openai_chat import OpenAIResponder, completion_response
from harness.tasks import Task

log = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"
UNFINISHED = ("failed", "expired", "cancelled")
Sample = tuple[str, int]  # task id and sample number


class Batched:
    """A responder whose answers came from a finished batch."""

    def __init__(self, responder: OpenAIResponder, answers: dict[Sample, Response]):
        self.responder = responder
        self.name = responder.name
        self.answers = answers

    def covers(self, task: Task) -> bool:
        return self.responder.covers(task)

    def respond(self, task: Task, sample: int) -> Response:
        return self.answers[task.id, sample]

    def describe(self) -> dict[str, Any]:
        return {**self.responder.describe(), "batch": True}


def ask_in_batch(
    responder: OpenAIResponder, requests: list[tuple[Task, int]], poll_s: float
) -> tuple[dict[Sample, Response], str | None]:
    """Every request's answer, and the id of the batch that gave the new ones."""
    cache = answer_cache()
    answers: dict[Sample, Response] = {}
    pending: dict[str, tuple[Task, int]] = {}
    for task, sample in requests:
        key = responder.request_key(task, sample)
        cached = cache.get(key) if cache else None
        if isinstance(cached, dict):
            answers[task.id, sample] = Response(**cached)
        else:
            pending[key] = (task, sample)
    if not pending:
        return answers, None

    client = responder.batch_client()
    batch = _poll(client, _submitted(client, responder, pending, cache), poll_s)
    found = _results(client, batch, responder)
    for key, (task, sample) in pending.items():
        response = found.get(key) or Response(
            None, error=f"batch {batch.id} ended {batch.status} without this answer"
        )
        if cache and response.error is None:
            cache.put(key, response.to_dict())
        answers[task.id, sample] = response
    return answers, batch.id


def _submitted(
    client: openai.OpenAI,
    responder: OpenAIResponder,
    pending: dict[str, tuple[Task, int]],
    cache: AnswerJournal | None,
) -> str:
    """The id of the batch asking ``pending``: one found in the cache, or a new one."""
    batch_key = key_of("batch", responder.base_url, sorted(pending))
    known = cache.get(batch_key) if cache else None
    if isinstance(known, dict):
        batch = client.batches.retrieve(known["batch_id"])
        if batch.status not in UNFINISHED:
            log.info("%s: resuming batch %s", responder.name, batch.id)
            return batch.id
    lines = [
        json.dumps(
            {
                "custom_id": key,
                "method": "POST",
                "url": ENDPOINT,
                "body": responder.request(task, sample),
            }
        )
        for key, (task, sample) in pending.items()
    ]
    upload = client.files.create(
        file=("requests.jsonl", ("\n".join(lines) + "\n").encode()), purpose="batch"
    )
    batch = client.batches.create(
        input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h"
    )
    if cache:
        cache.put(batch_key, {"batch_id": batch.id})
    log.info("%s: submitted batch %s of %d", responder.name, batch.id, len(lines))
    return batch.id


def _poll(client: openai.OpenAI, batch_id: str, poll_s: float) -> Any:
    while True:
        batch = client.batches.retrieve(batch_id)
        if batch.status == "completed" or batch.status in UNFINISHED:
            return batch
        counts = batch.request_counts
        done = f"{counts.completed} of {counts.total}" if counts else "none"
        log.info("batch %s is %s, %s done", batch_id, batch.status, done)
        time.sleep(poll_s)


def _results(
    client: openai.OpenAI, batch: Any, responder: OpenAIResponder
) -> dict[str, Response]:
    """Answers and refusals by request key, from the batch's two files."""
    found: dict[str, Response] = {}
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        for line in client.files.content(file_id).text.splitlines():
            if line.strip():
                record = json.loads(line)
                found[record["custom_id"]] = _answer(record, responder)
    return found


def _answer(record: dict[str, Any], responder: OpenAIResponder) -> Response:
    reply = record.get("response") or {}
    status, body = reply.get("status_code"), reply.get("body") or {}
    if status == 200:
        try:
            return completion_response(ChatCompletion.model_validate(body), None)
        except ValueError:
            return Response(None, error="the batch's answer is not a chat completion")
    error = body.get("error") or record.get("error") or {}
    code = error.get("code") or "error"
    message = error.get("message") or "no message"
    return Response(None, error=responder.redact(f"{status} {code}: {message}"))
