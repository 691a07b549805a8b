"""A local OpenAI-compatible chat endpoint answering from the built-in responders.

It lets the live-model path (the ``openai`` client, HTTP, retries) be exercised
without a network or a key: the request's ``model`` names a built-in responder
(``ideal`` or a failure-mode id) and the user message is matched to a task's
prompt. It listens on loopback only.

With ``faults`` above zero it misbehaves on that share of requests, drawn from
a seeded generator among ``kinds``: 429 with Retry-After, 500, a slow answer, a
dropped connection, or a body cut short. Like a provider, it cuts an answer at
``max_tokens`` (a word standing for a token) with finish reason ``length``, and
refuses messages longer than ``context_chars`` with a context-length error.
The model ``reject-key`` answers 401 with the request's key in the message, so
tests can check that a provider's echo of the key is never written. Batches go
through ``/files`` and ``/batches`` (see ``harness.serve_batch``).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from harness.models.reference import ReferenceResponder, variants
from harness.serve_batch import BatchDesk
from harness.tasks import Task

# a model that answers 401 quoting the key back, as some providers do
REJECT_KEY = "reject-key"


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    # keep connections open between requests, as real endpoints do, and send
    # the body at once rather than wait for the headers' acknowledgement
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        route = self.path.rstrip("/")
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if route.endswith("/files"):
            content_type = self.headers.get("Content-Type", "")
            self._send(*self.server.desk.upload(data, content_type))
            return
        try:
            request = json.loads(data)
        except ValueError:
            self._send(400, {"error": {"message": "body is not JSON"}})
            return
        if route.endswith("/batches"):
            self._send(*self.server.desk.create(request))
        elif route.endswith("/chat/completions"):
            self._chat(request)
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        parts = self.path.rstrip("/").split("/")
        if parts[-1] == "models":
            self._send(200, self.server.models())
            return
        if parts[-2:-1] == ["batches"]:
            self._send(*self.server.desk.retrieve(parts[-1]))
            return
        content = None
        if parts[-3:-2] == ["files"] and parts[-1] == "content":
            content = self.server.desk.content(parts[-2])
        if content is None:
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _chat(self, request: dict[str, Any]) -> None:
        self.server.requests.append(request)
        bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.server.keys.append(bearer)
        if request.get("model") == REJECT_KEY:
            message = f"Incorrect API key provided: {bearer}"
            self._send(401, {"error": {"message": message, "code": "invalid_api_key"}})
            return
        with self.server.active():
            self._answer(request)

    def _answer(self, request: dict[str, Any]) -> None:
        fault = self.server.next_fault()
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault == "429":
            self._send(
                429,
                {"error": {"message": "rate limited"}},
                {"Retry-After": self.server.retry_after},
            )
            return
        if fault == "500":
            self._send(500, {"error": {"message": "internal error"}})
            return
        if fault == "slow":
            time.sleep(0.2)
        if self.server.delay:
            time.sleep(self.server.delay)
        status, body = self.server.answer(request)
        self._send(status, body, truncate=fault == "truncate")
        if status == 200 and fault != "truncate":
            self.server.answered.append(request)

    def _send(
        self,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        truncate: bool = False,
    ) -> None:
        try:
            self._write(status, body, headers or {}, truncate)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing to tell

    def _write(
        self, status: int, body: dict[str, Any], headers: dict[str, str], truncate: bool
    ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if truncate:
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


class LocalServer(ThreadingHTTPServer):
    """Serves chat completions for the given tasks on 127.0.0.1."""

    daemon_threads = True
    # room for every connection a run at high concurrency opens at once
    request_queue_size = 256

    FAULTS = ("429", "500", "slow", "drop", "truncate")

    def __init__(
        self,
        tasks: list[Task],
        port: int = 0,
        faults: float = 0.0,
        seed: int = 0,
        delay: float = 0.0,
        kinds: tuple[str, ...] = FAULTS,
        retry_after: str = "0",
        context_chars: int = 400_000,
        batch_polls: int = 2,
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.tasks = {t.prompt.strip(): t for t in tasks}
        self.requests: list[dict[str, Any]] = []
        self.faults = faults
        self.delay = delay
        self.kinds = kinds
        self.retry_after = retry_after
        self.context_chars = context_chars
        self.in_flight = 0
        self.peak_in_flight = 0
        self.keys: list[str] = []  # the key each request carried, for tests
        self.desk = BatchDesk(self.answer, batch_polls)
        self.answered: list[dict[str, Any]] = []
        self.injected: dict[str, int] = {}
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def next_fault(self) -> str | None:
        with self._lock:
            if self._random.random() >= self.faults:
                return None
            fault = self._random.choice(self.kinds)
            self.injected[fault] = self.injected.get(fault, 0) + 1
            return fault

    @contextmanager
    def active(self) -> Iterator[None]:
        """Counts the requests being answered at once (``peak_in_flight``)."""
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def models(self) -> dict[str, Any]:
        """The models it answers as: every built-in the tasks document."""
        names = variants(list(self.tasks.values()))
        return {
            "object": "list",
            "data": [
                {"id": n, "object": "model", "created": 0, "owned_by": "iacbench"}
                for n in names
            ],
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def answer(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        messages = request.get("messages") or []
        size = sum(len(str(m.get("content", ""))) for m in messages)
        if size > self.context_chars:
            return 400, _context_error(size, self.context_chars)
        prompt = next(
            (
                m.get("content", "")
                for m in reversed(messages)
                if m.get("role") == "user"
            ),
            "",
        )
        task = self.tasks.get(str(prompt).strip())
        if task is None:
            return 400, {"error": {"message": "prompt matches no task"}}
        variant = str(request.get("model", "ideal")).removeprefix("reference:")
        responder = ReferenceResponder(variant)
        if not responder.covers(task):
            return 404, {"error": {"message": f"model {variant!r} not found"}}
        text = responder.respond(task, 0).text or ""
        return 200, _completion(request, text)

    def __enter__(self) -> LocalServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def _context_error(size: int, limit: int) -> dict[str, Any]:
    return {
        "error": {
            "message": f"This model's maximum context length is {limit} "
            f"characters; the messages have {size}.",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    }


def _completion(request: dict[str, Any], text: str) -> dict[str, Any]:
    # a word stands for a token; an answer longer than max_tokens is cut there
    words = len(text.split())
    asked = sum(
        len(str(m.get("content", "")).split())
        for m in request.get("messages", [])
        if isinstance(m, dict)
    )
    limit = request.get("max_tokens")
    finish = "stop"
    if isinstance(limit, int) and 0 < limit < words:
        ends = [word.end() for word in re.finditer(r"\S+", text)]
        text, finish, words = text[: ends[limit - 1]], "length", limit
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", ""),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": text},
            }
        ],
        "usage": {
            "prompt_tokens": asked,
            "completion_tokens": words,
            "total_tokens": asked + words,
        },
    }
