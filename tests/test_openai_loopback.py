"""The live-model path against a real OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.serve import LocalServer
from harness.tasks import all_tasks

SECRET = "sk-test-0123456789-do-not-write-me"


@pytest.fixture
def server():
    with LocalServer(list(all_tasks().values())) as running:
        yield running


def test_openai_models_are_graded_and_the_key_is_never_written(
    server: LocalServer, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--out",
            str(out),
            "--workers",
            "1",
            "--base-url",
            server.base_url,
            "--model",
            "openai:ideal",
            "--model",
            "openai:lambda.handler",
        ]
    )
    assert code == 0
    grades = [json.loads(x) for x in (out / "grades.jsonl").read_text().splitlines()]
    failed = {(g["model"], g["failure_mode"]) for g in grades if g["verdict"] == "fail"}
    # the handler is also a property the task requires, so coverage drops too
    assert failed == {
        ("openai:lambda.handler", "lambda.handler"),
        ("openai:lambda.handler", "requirements.coverage"),
    }
    responses = [
        json.loads(x) for x in (out / "responses.jsonl").read_text().split("\n") if x
    ]
    assert all(r["finish_reason"] == "stop" and r["usage"] for r in responses)
    assert server.requests[0]["messages"][0]["role"] == "system"
    for written in out.iterdir():
        assert SECRET not in written.read_text(), written.name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["models"][0]["key_env"] == "OPENAI_API_KEY"


def test_endpoint_errors_are_recorded_not_fatal(
    server: LocalServer, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "openai:no-such-model",
        ]
    )
    assert code == 1
    record = json.loads((out / "responses.jsonl").read_text().splitlines()[0])
    assert record["response"] is None and "NotFound" in record["error"]
    assert SECRET not in record["error"]


def test_missing_key_without_endpoint_is_a_usage_error(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    code = main(["run", "--out", str(tmp_path / "r"), "--model", "openai:gpt-x"])
    assert code == 2
    assert not (tmp_path / "r").exists()


def _grades(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "grades.jsonl").read_text().splitlines()]


def test_faults_on_a_third_of_requests_change_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    models = [
        "--model",
        "openai:ideal",
        "--model",
        "openai:backup.dr",
        "--model",
        "openai:tls.certificate",
    ]
    runs = {}
    for name, rate in (("clean", 0.0), ("faulty", 0.35)):
        tasks = list(all_tasks().values())
        with LocalServer(tasks, faults=rate, seed=7) as server:
            out = tmp_path / name
            code = main(
                [
                    "run",
                    "--out",
                    str(out),
                    "--base-url",
                    server.base_url,
                    "--samples",
                    "3",
                    "--concurrency",
                    "4",
                    "--max-retries",
                    "10",
                    "--no-cache",
                    "--no-report",
                    *models,
                ]
            )
            assert code == 0
            runs[name] = (out, dict(server.injected), len(server.requests))
    clean, faulty = runs["clean"][0], runs["faulty"][0]
    injected, requests = runs["faulty"][1], runs["faulty"][2]
    assert sum(injected.values()) / requests >= 0.3 and len(injected) >= 3
    assert _grades(clean) == _grades(faulty)
    for name in ("leaderboard.md",):
        assert (clean / name).read_text() == (faulty / name).read_text()


def test_answers_are_cached_so_a_rerun_asks_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    tasks = list(all_tasks().values())
    with LocalServer(tasks) as server:
        for name in ("first", "again"):
            assert (
                main(
                    [
                        "run",
                        "--out",
                        str(tmp_path / name),
                        "--base-url",
                        server.base_url,
                        "--model",
                        "openai:ideal",
                        "--no-report",
                    ]
                )
                == 0
            )
        assert len(server.requests) == 1
    assert _grades(tmp_path / "first") == _grades(tmp_path / "again")
