"""``iacbench serve``: a loopback OpenAI-compatible server for trying the live path."""

from __future__ import annotations

import signal
import subprocess
import sys

import openai
import pytest

from harness.cli import main
from harness.models.reference import render
from harness.tasks import all_tasks


def _serve(*flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_prints_its_url_and_answers_the_openai_client() -> None:
    task = next(iter(all_tasks().values()))
    process = _serve("--seed", "3")
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        client = openai.OpenAI(api_key="unused", base_url=url, max_retries=0)
        completion = client.chat.completions.create(
            model="ideal",
            messages=[{"role": "user", "content": task.prompt}],
        )
        assert completion.choices[0].message.content == render(task.reference)
        assert completion.usage.prompt_tokens == len(task.prompt.split())
        models = [m.id for m in client.models.list()]
        assert models[0] == "ideal" and "stub" in models
        with pytest.raises(openai.NotFoundError):
            client.chat.completions.create(
                model="no-such-flaw",
                messages=[{"role": "user", "content": task.prompt}],
            )
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "stopped after 2 requests" in stderr


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--faults", "1.5"], "--faults must be between 0 and 1, not 1.5"),
        (["--delay", "-1"], "--delay must be 0 or more seconds, not -1.0"),
        (["--port", "70000"], "--port must be between 0 and 65535, not 70000"),
    ],
)
def test_serve_rejects_bad_settings(flags: list[str], message: str, capsys) -> None:
    assert main(["serve", *flags]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_serve_help_names_loopback(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--help"])
    assert exit_.value.code == 0
    assert "loopback only" in capsys.readouterr().out
