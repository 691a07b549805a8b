"""Runs through the Batch API: the real client against the local server's batches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from harness.cli import main
from harness.serve import LocalServer
from harness.tasks import all_tasks

TASKS = ["payment-system", "static-site-cdn"]


def _args(server: LocalServer, out: Path, *extra: str) -> list[str]:
    args = ["run", "--out", str(out), "--base-url", server.base_url, "--no-report"]
    for task in TASKS:
        args += ["--task", task]
    args += ["--model", "openai:ideal", "--model", "openai:backup.dr"]
    args += ["--model", "openai:no-such-flaw", "--samples", "2", "--workers", "1"]
    return args + list(extra)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_a_batch_run_grades_as_a_live_run_does(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    tasks = list(all_tasks().values())
    with LocalServer(tasks) as server:
        assert main(_args(server, tmp_path / "live", "--no-cache")) == 1
    with LocalServer(tasks, batch_polls=2) as server:
        batch = tmp_path / "batch"
        code = main(_args(server, batch, "--batch", "--batch-poll", "0.01"))
        assert code == 1  # the unknown model's answers are refused
        assert server.requests == []  # nothing asked outside the batches
        assert len(server.desk.batches) == 3
    assert _lines(batch / "grades.jsonl") == _lines(tmp_path / "live" / "grades.jsonl")
    refused = [r for r in _lines(batch / "responses.jsonl") if r["error"]]
    assert len(refused) == 4
    assert refused[0]["error"] == "404 error: model 'no-such-flaw' not found"
    recorded = {r["model"] for r in _lines(batch / "batches.jsonl")}
    assert recorded == {"openai:ideal", "openai:backup.dr", "openai:no-such-flaw"}


def test_a_restarted_batch_run_resumes_polling_instead_of_resubmitting(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-local",
        "IACBENCH_CACHE": str(tmp_path / "cache"),
    }
    with LocalServer(list(all_tasks().values()), batch_polls=10_000) as server:
        command = [sys.executable, "-m", "harness.cli"]
        command += _args(server, tmp_path / "first", "--batch", "--batch-poll", "0.05")
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            len(server.desk.batches) < 3 or min(server.desk.retrievals.values()) < 3
        ):
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert len(server.desk.batches) == 3
        server.desk.polls = 0  # the provider finishes while no one is polling

        command[command.index(str(tmp_path / "first"))] = str(tmp_path / "again")
        again = subprocess.run(command, env=env, capture_output=True, timeout=120)
        assert again.returncode == 1, again.stderr[-2000:]
        assert len(server.desk.batches) == 3  # resumed, not submitted again
        assert server.requests == []
    answered = _lines(tmp_path / "again" / "responses.jsonl")
    assert sum(1 for r in answered if r["response"]) == 8
