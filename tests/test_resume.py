"""A run killed with SIGKILL and started again asks no finished request twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from harness.serve import LocalServer
from harness.tasks import all_tasks

SAMPLES = 6


def _command(server: LocalServer, out: Path) -> list[str]:
    # one model, one call at a time; the seed tells the samples apart
    return [
        sys.executable,
        "-m",
        "harness.cli",
        "run",
        "--out",
        str(out),
        "--base-url",
        server.base_url,
        "--model",
        "openai:ideal",
        "--samples",
        str(SAMPLES),
        "--seed",
        "1",
        "--concurrency",
        "1",
        "--no-report",
        "--workers",
        "1",
    ]


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "OPENAI_API_KEY": "sk-local",
        "IACBENCH_CACHE": str(tmp_path / "cache"),
    }


def _start_and_wait(
    server: LocalServer, out: Path, env: dict[str, str], answers: int
) -> subprocess.Popen:
    """A run in a process of its own, once ``answers`` answers have been sent."""
    process = subprocess.Popen(
        _command(server, out),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(server.answered) < answers and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


def _key(request: dict) -> tuple[str, int]:
    return request["model"], request["seed"]


def test_killed_run_resumes_without_asking_twice(tmp_path: Path) -> None:
    env = _env(tmp_path)
    tasks = list(all_tasks().values())
    with LocalServer(tasks, delay=0.3) as server:
        process = _start_and_wait(server, tmp_path / "killed", env, 3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        finished = {_key(r) for r in server.answered}
        assert 3 <= len(finished) < SAMPLES
        # the last answer the server sent may not have reached the run before
        # the kill: it was still in flight there
        arrived = {_key(r) for r in server.answered[:-1]}
        (tmp_path / "killed" / "notes.txt").write_text("mine")
        # the same command again, into the same folder
        resumed = subprocess.run(
            _command(server, tmp_path / "killed"),
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        asked = [_key(r) for r in server.requests]
    # every answer that arrived came from the cache on restart; only the one in
    # flight at the kill could be asked again
    assert all(asked.count(key) == 1 for key in arrived)
    assert len(asked) - len(set(asked)) <= 1
    with LocalServer(tasks) as clean_server:
        clean_env = {**env, "IACBENCH_CACHE": str(tmp_path / "clean-cache")}
        subprocess.run(
            _command(clean_server, tmp_path / "clean"),
            env=clean_env,
            capture_output=True,
            timeout=120,
            check=True,
        )
    grades = [
        (tmp_path / name / "grades.jsonl").read_text() for name in ("killed", "clean")
    ]
    assert grades[0] == grades[1]
    # what the killed run wrote is kept beside the resumed run's files
    killed = tmp_path / "killed" / "interrupted-1" / "responses.jsonl"
    assert (killed.parent / "manifest.json").is_file()
    # a file the run did not write stays where it was
    assert (tmp_path / "killed" / "notes.txt").read_text() == "mine"
    if killed.exists():  # whole lines, but for one the kill may have torn
        for line in killed.read_text().splitlines()[:-1]:
            json.loads(line)


def test_ctrl_c_sends_no_request_that_had_not_started(tmp_path: Path) -> None:
    with LocalServer(list(all_tasks().values()), delay=0.3) as server:
        process = _start_and_wait(server, tmp_path / "stopped", _env(tmp_path), 2)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
        time.sleep(0.5)  # a request sent after the stop would arrive by now
        # one call at a time: the two answered and at most the one in flight
        assert 2 <= len(server.requests) <= 3


def test_ctrl_c_does_not_wait_for_calls_in_flight(tmp_path: Path) -> None:
    with LocalServer(list(all_tasks().values()), delay=20) as server:
        process = subprocess.Popen(
            _command(server, tmp_path / "stopped"),
            env=_env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        assert process.wait(timeout=15) == 130
        # the call in flight would have taken 20 seconds more
        assert time.monotonic() - stopped < 10
