"""Live models behind any OpenAI-compatible chat endpoint (``openai:MODEL``).

The key comes from the environment (``OPENAI_API_KEY`` unless told otherwise)
or a file the user names, and is never recorded: the manifest names where it
came from, not its value. Retries are made here rather than in the client, so
each answer records how many it took and a 429 can slow the model's requests.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from harness.cache import answer_cache, key_of
from harness.errors import UserError
from harness.models.base import Response
from harness.models.pacing import (
    Backoff,
    InFlightLimit,
    Ticket,
    retry_after,
    retryable_status,
)
from harness.tasks import Task

log = logging.getLogger(__name__)

KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"


@dataclass(frozen=True)
class Policy:
    """Limits on a model's calls: in flight, retries and time."""

    concurrency: int = 4
    max_retries: int = 6
    timeout_s: float = 600.0
    total_timeout_s: float = 1800.0
    backoff: Backoff = Backoff()

    def describe(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "max_retries": self.max_retries,
            "timeout_s": self.timeout_s,
            "total_timeout_s": self.total_timeout_s,
        }


class OpenAIResponder:
    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        temperature: float = 0.0,
        max_tokens: int = 8192,
        seed: int | None = None,
        key_env: str = KEY_ENV,
        key_file: Path | None = None,
        policy: Policy | None = None,
    ) -> None:
        if not model:
            raise UserError("openai: needs a model name, as in openai:gpt-4o-mini")
        self.name = f"openai:{model}"
        self.model = model
        self.base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.key_env = key_env
        self.key_file = key_file
        self.policy = policy or Policy()
        self.limit = InFlightLimit(self.policy.concurrency, self.name)
        self._key = _read_key(key_file) if key_file else os.environ.get(key_env)
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        if not self._key and self.base_url is None:
            raise UserError(
                f"{self.name}: {key_env} is not set; export it, pass "
                "--api-key-file, or pass --base-url for a local server"
            )

    def client(self) -> openai.OpenAI:
        # one client for every thread: each new one costs a TLS context and a pool
        with self._client_lock:
            if self._client is None:
                self._client = openai.OpenAI(
                    api_key=self._key or "unused",
                    base_url=self.base_url,
                    timeout=self.policy.timeout_s,
                    max_retries=0,  # retried here, to count them and slow down
                )
        return self._client

    def covers(self, task: Task) -> bool:
        return True

    def _messages(self, task: Task) -> list[dict[str, str]]:
        messages = []
        if task.system:
            messages.append({"role": "system", "content": task.system})
        messages.append({"role": "user", "content": task.prompt})
        return messages

    def request_key(self, task: Task, sample: int) -> str:
        """A hash of everything that determines the answer (never the key)."""
        return key_of(
            "answer",
            self.model,
            self.base_url,
            self._messages(task),
            self.temperature,
            self.max_tokens,
            self.seed,
            sample,
        )

    def respond(self, task: Task, sample: int) -> Response:
        # answers are kept as they arrive, so a restarted run never asks twice
        cache = answer_cache()
        key = self.request_key(task, sample)
        cached = cache.get(key) if cache else None
        if isinstance(cached, dict):
            return Response(**cached)
        response = self._call(task, sample)
        if cache and response.error is None:
            cache.put(key, response.to_dict())
        return response

    def request(self, task: Task, sample: int) -> dict[str, Any]:
        """The chat completion request's body for one sample."""
        return {
            "model": self.model,
            "messages": self._messages(task),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": None if self.seed is None else self.seed + sample,
        }

    def _call(self, task: Task, sample: int) -> Response:
        request = self.request(task, sample)
        started = time.monotonic()
        retries = 0
        while True:
            log.info("calling %s for %s sample %d", self.name, task.id, sample)
            result = self._attempt(request, started)
            latency = round(time.monotonic() - started, 3)
            if not isinstance(result, openai.OpenAIError):
                return completion_response(result, latency, retries)
            wait = self._wait_before_retry(result, retries, started)
            if wait is None:
                error = self._describe(result)
                return Response(None, error=error, latency_s=latency, retries=retries)
            log.warning(
                "%s on %s sample %d: %s; retry %d in %.1fs",
                self.name,
                task.id,
                sample,
                self._describe(result),
                retries + 1,
                wait,
            )
            time.sleep(wait)
            retries += 1

    def _attempt(self, request: dict[str, Any], started: float) -> Any:
        """The completion, or the error that prevented it."""
        remaining = self.policy.total_timeout_s - (time.monotonic() - started)
        with self.limit.slot() as ticket:
            try:
                completion = self.client().chat.completions.create(
                    **request, timeout=max(0.001, min(self.policy.timeout_s, remaining))
                )
            except openai.OpenAIError as error:
                self._note_throttling(error, ticket)
                return error
        self.limit.succeeded()
        return completion

    def _note_throttling(self, error: openai.OpenAIError, ticket: Ticket) -> None:
        if isinstance(error, openai.APIStatusError) and error.status_code == 429:
            self.limit.throttled(ticket)

    def _wait_before_retry(
        self, error: openai.OpenAIError, retries: int, started: float
    ) -> float | None:
        """Seconds to wait before trying again, or None to give up."""
        if retries >= self.policy.max_retries or not _retryable(error):
            return None
        headers = None
        if isinstance(error, openai.APIStatusError):
            headers = error.response.headers
        wait = self.policy.backoff.delay(retries, retry_after(headers))
        elapsed = time.monotonic() - started
        if elapsed + wait >= self.policy.total_timeout_s:
            return None
        return wait

    def _describe(self, error: openai.OpenAIError) -> str:
        """The provider's own message with its status, never the key."""
        if isinstance(error, openai.APIStatusError):
            body = error.body if isinstance(error.body, dict) else {}
            message = body.get("message") or error.message
            code = error.code or type(error).__name__
            text = f"{error.status_code} {code}: {message}"
        else:
            text = f"{type(error).__name__}: {error}"
            if error.__cause__ is not None:  # what the connection actually did
                text += f" ({error.__cause__})"
        return self.redact(text)

    def redact(self, text: str) -> str:
        """The text with the key blanked out, at most 500 characters."""
        if self._key:
            text = text.replace(self._key, "[redacted]")
        return text[:500]

    def batch_client(self) -> openai.OpenAI:
        """A client for batch uploads and polls, retrying as the library does."""
        return openai.OpenAI(
            api_key=self._key or "unused",
            base_url=self.base_url,
            timeout=self.policy.timeout_s,
            max_retries=self.policy.max_retries,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "openai",
            "model": self.model,
            "base_url": self.base_url,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "key_env": None if self.key_file else self.key_env,
            "key_file": str(self.key_file) if self.key_file else None,
            **self.policy.describe(),
        }


def _retryable(error: openai.OpenAIError) -> bool:
    if isinstance(error, openai.APIStatusError):
        return retryable_status(error.status_code)
    # timeouts and dropped or cut-off connections
    return isinstance(error, openai.APIConnectionError)


def _read_key(path: Path) -> str:
    try:
        key = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise UserError(
            f"cannot read the API key file {path}: {reason}; "
            "name a readable file holding only the key"
        ) from None
    if not key:
        raise UserError(f"the API key file {path} is empty; put the key in it")
    return key


def completion_response(
    completion: Any, latency: float | None, retries: int = 0
) -> Response:
    """The answer in a chat completion, with its usage and finish reason."""
    choice = completion.choices[0] if completion.choices else None
    usage = {}
    if completion.usage is not None:
        usage = {
            "prompt_tokens": completion.usage.prompt_tokens,
            "completion_tokens": completion.usage.completion_tokens,
        }
    if choice is None:
        return Response(
            None,
            error="the endpoint returned no choices",
            usage=usage,
            latency_s=latency,
            retries=retries,
        )
    return Response(
        choice.message.content or "",
        finish_reason=choice.finish_reason,
        usage=usage,
        latency_s=latency,
        retries=retries,
    )
