"""The local server's Files and Batch endpoints: upload, create, poll, download.

Just enough of the OpenAI Batch API for a batch run to go end to end through the
real client: a batch stays ``in_progress`` for its first ``polls`` retrievals,
then answers every request line at once and completes, with the answers in an
output file and refusals in an error file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
Reply = tuple[int, dict[str, Any]]


class BatchDesk:
    """Files and batches held in memory, answered by ``answer``."""

    def __init__(self, answer: Answer, polls: int = 2) -> None:
        self.answer = answer
        self.polls = polls
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.retrievals: dict[str, int] = {}
        self._lock = threading.Lock()

    def upload(self, body: bytes, content_type: str) -> Reply:
        fields = _form(body, content_type)
        if "file" not in fields or fields.get("purpose") != b"batch":
            return 400, _error("send a file with purpose 'batch'")
        with self._lock:
            return 200, self._store(fields["file"], "batch", "batch.jsonl")

    def create(self, request: dict[str, Any]) -> Reply:
        source = request.get("input_file_id")
        if source not in self.files:
            return 404, _error(f"no file {source!r}")
        with self._lock:
            batch_id = f"batch_{len(self.batches) + 1}"
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": request.get("endpoint", "/v1/chat/completions"),
                "input_file_id": source,
                "completion_window": request.get("completion_window", "24h"),
                "status": "in_progress",
                "created_at": 0,
                "output_file_id": None,
                "error_file_id": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
            }
            self.retrievals[batch_id] = 0
        return 200, self.batches[batch_id]

    def retrieve(self, batch_id: str) -> Reply:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, _error(f"no batch {batch_id!r}")
            self.retrievals[batch_id] += 1
            if batch["status"] == "in_progress" and (
                self.retrievals[batch_id] > self.polls
            ):
                self._run(batch)
            return 200, dict(batch)

    def content(self, file_id: str) -> bytes | None:
        return self.files.get(file_id)

    def _run(self, batch: dict[str, Any]) -> None:
        answered, refused = [], []
        for line in self.files[batch["input_file_id"]].decode().splitlines():
            item = json.loads(line)
            status, body = self.answer(item["body"])
            record = {
                "id": f"batch_req_{len(answered) + len(refused) + 1}",
                "custom_id": item["custom_id"],
                "response": {"status_code": status, "body": body},
                "error": None,
            }
            (answered if status == 200 else refused).append(json.dumps(record))
        counts = {"total": len(answered) + len(refused), "failed": len(refused)}
        batch["request_counts"] = {**counts, "completed": len(answered)}
        batch["output_file_id"] = self._file_of(answered, "output")
        batch["error_file_id"] = self._file_of(refused, "errors")
        batch["status"] = "completed"

    def _file_of(self, lines: list[str], name: str) -> str | None:
        if not lines:
            return None
        data = ("\n".join(lines) + "\n").encode()
        return self._store(data, "batch_output", f"{name}.jsonl")["id"]

    def _store(self, data: bytes, purpose: str, filename: str) -> dict[str, Any]:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": 0,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }


def _form(body: bytes, content_type: str) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, by name."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=default_policy).parsebytes(head + body)
    if not message.is_multipart():
        return {}
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part.get_payload(decode=True) or b""
    return fields


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message}}
