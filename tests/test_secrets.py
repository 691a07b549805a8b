"""The API key reaches the provider and nowhere else: no file, log or message."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from harness.cli import main
from harness.serve import REJECT_KEY, LocalServer
from harness.tasks import all_tasks

SECRET = "sk-proj-Zq8-secret-0123456789abcdef"


def _run(server: LocalServer, out: Path, cache: Path, *extra: str) -> int:
    return main(
        [
            "-v",
            "run",
            "--out",
            str(out),
            "--cache-dir",
            str(cache),
            "--base-url",
            server.base_url,
            "--task",
            "payment-system",
            "--model",
            "openai:ideal",
            "--model",
            f"openai:{REJECT_KEY}",
            "--model",
            "openai:no-such-flaw",
            "--max-retries",
            "8",
            "--workers",
            "1",
            *extra,
        ]
    )


def _leaks(root: Path) -> list[str]:
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and SECRET.encode() in path.read_bytes()
    ]


@pytest.fixture
def server():
    tasks = list(all_tasks().values())
    with LocalServer(tasks, faults=0.3, seed=5, kinds=("429", "500")) as running:
        yield running


def test_the_key_from_the_environment_is_in_no_file_log_or_message(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch,
    capsys,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with caplog.at_level(logging.DEBUG):
        code = _run(server, tmp_path / "run", tmp_path / "cache")
    assert code == 1  # two models fail: one rejects the key, one does not exist
    assert set(server.keys) == {SECRET}

    records = [
        json.loads(line)
        for line in (tmp_path / "run" / "responses.jsonl").read_text().splitlines()
    ]
    rejected = next(r for r in records if r["model"] == f"openai:{REJECT_KEY}")
    assert rejected["error"] == (
        "401 invalid_api_key: Incorrect API key provided: [redacted]"
    )
    assert (tmp_path / "run" / "report.html").is_file()
    assert _leaks(tmp_path) == []
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert SECRET not in caplog.text
    assert "[redacted]" in captured.err  # the failed call is reported, redacted


def test_a_key_file_is_read_and_only_its_name_recorded(
    server: LocalServer, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    key_file = tmp_path / "keys" / "openai.key"
    key_file.parent.mkdir()
    key_file.write_text(SECRET + "\n")
    out = tmp_path / "run"
    code = _run(server, out, tmp_path / "cache", "--api-key-file", str(key_file))
    assert code == 1
    assert set(server.keys) == {SECRET}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["models"][0]["key_file"] == str(key_file)
    assert manifest["models"][0]["key_env"] is None
    assert _leaks(tmp_path) == ["keys/openai.key"]
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err


def test_an_unreadable_key_file_is_a_usage_error_naming_it(
    tmp_path: Path, capsys
) -> None:
    missing = tmp_path / "nowhere.key"
    code = main(
        ["run", "--out", str(tmp_path / "r"), "--model", "openai:gpt-x"]
        + ["--api-key-file", str(missing)]
    )
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"cannot read the API key file {missing}: No such file or directory" in err
    assert not (tmp_path / "r").exists()


def test_a_key_on_the_command_line_is_refused_without_echoing_it(capsys) -> None:
    for args in (["--api-key", "sk-SECRET123"], ["--api-key=sk-SECRET123"]):
        assert main(["run", "--model", "openai:m", *args]) == 2
        err = capsys.readouterr().err
        assert "there is no --api-key option" in err
        assert "SECRET123" not in err
