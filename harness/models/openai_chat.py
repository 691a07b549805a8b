"""Live models behind any OpenAI-compatible chat endpoint (``openai:MODEL``).

The key comes from the environment (``OPENAI_API_KEY`` unless told otherwise)
and is never recorded: the manifest names the variable, not its value.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import openai

from harness.cache import answer_cache, key_of
from harness.errors import UserError
from harness.models.base import Response
from harness.tasks import Task

log = logging.getLogger(__name__)

KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"


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
        timeout_s: float = 600.0,
        max_retries: int = 6,
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
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        if not os.environ.get(key_env) and self.base_url is None:
            raise UserError(
                f"{self.name}: {key_env} is not set; export it, "
                "or pass --base-url for a local server"
            )

    def client(self) -> openai.OpenAI:
        # one client for every thread: each new one costs a TLS context and a pool
        with self._client_lock:
            if self._client is None:
                self._client = self._new_client()
        return self._client

    def _new_client(self) -> openai.OpenAI:
        key = os.environ.get(self.key_env)
        return openai.OpenAI(
            api_key=key or "unused",
            base_url=self.base_url,
            timeout=self.timeout_s,
            # the client retries 408, 409, 429, 5xx and dropped connections
            # with exponential backoff and jitter, honouring Retry-After
            max_retries=self.max_retries,
        )

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

    def _call(self, task: Task, sample: int) -> Response:
        messages = self._messages(task)
        seed = None if self.seed is None else self.seed + sample
        started = time.monotonic()
        log.info("calling %s for %s sample %d", self.name, task.id, sample)
        try:
            completion = self.client().chat.completions.create(
                model=self.model,
                messages=messages,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                seed=seed,
            )
        except openai.OpenAIError as error:
            return Response(
                None,
                error=self._redact(f"{type(error).__name__}: {error}"),
                latency_s=time.monotonic() - started,
            )
        return self._response(completion, time.monotonic() - started)

    def _response(self, completion: Any, latency: float) -> Response:
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
            )
        return Response(
            choice.message.content or "",
            finish_reason=choice.finish_reason,
            usage=usage,
            latency_s=round(latency, 3),
        )

    def _redact(self, message: str) -> str:
        key = os.environ.get(self.key_env)
        if key:
            message = message.replace(key, "[redacted]")
        return message[:500]

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "openai",
            "model": self.model,
            "base_url": self.base_url,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "key_env": self.key_env,
            "max_retries": self.max_retries,
        }
