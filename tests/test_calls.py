"""Retries, timeouts and the adaptive in-flight limit, against a server on loopback."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from harness import cache
from harness.cli import main
from harness.models.base import Response
from harness.models.openai_chat import OpenAIResponder, Policy
from harness.models.pacing import Backoff, InFlightLimit, retry_after
from harness.progress import RunProgress
from harness.runner import Counts
from harness.serve import LocalServer
from harness.tasks import all_tasks

QUICK = Backoff(base_s=0.01, cap_s=0.02)
TASK = all_tasks()["payment-system"]


@pytest.fixture(autouse=True)
def no_answer_cache() -> None:
    cache.configure(None)


def _responder(server: LocalServer, model: str = "ideal", **policy) -> OpenAIResponder:
    return OpenAIResponder(
        model,
        base_url=server.base_url,
        seed=0,
        policy=Policy(backoff=QUICK, **policy),
    )


def _ask(responder: OpenAIResponder, samples: int, threads: int) -> list[Response]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda n: responder.respond(TASK, n), range(samples)))


def test_each_retry_is_counted_against_its_answer() -> None:
    with LocalServer([TASK], faults=0.4, seed=3, kinds=("500", "drop")) as server:
        responses = _ask(_responder(server, max_retries=20), 12, 1)
    assert all(r.error is None and r.text for r in responses)
    injected = sum(server.injected.values())
    assert injected >= 4
    assert sum(r.retries for r in responses) == injected
    assert len(server.requests) == 12 + injected


def test_a_bad_request_is_not_retried_and_keeps_the_providers_message() -> None:
    unknown = replace(TASK, id="unknown", prompt="Write me a poem.")
    with LocalServer([TASK]) as server:
        response = _responder(server).respond(unknown, 0)
    assert response.text is None and response.retries == 0
    assert response.error == "400 BadRequestError: prompt matches no task"
    assert len(server.requests) == 1


def test_a_prompt_over_the_context_length_is_not_retried() -> None:
    with LocalServer([TASK], context_chars=1000) as server:
        response = _responder(server).respond(TASK, 0)
    assert len(server.requests) == 1 and response.retries == 0
    assert response.error is not None
    assert response.error.startswith(
        "400 context_length_exceeded: This model's maximum context length is 1000"
    )


def test_an_unknown_model_is_not_retried() -> None:
    with LocalServer([TASK]) as server:
        response = _responder(server, "no-such-flaw").respond(TASK, 0)
    assert response.error == "404 NotFoundError: model 'no-such-flaw' not found"
    assert len(server.requests) == 1


def test_slow_attempts_time_out_and_the_answer_gives_up_in_its_total_time() -> None:
    with LocalServer([TASK], delay=1.0) as server:
        responder = _responder(
            server, max_retries=50, timeout_s=0.2, total_timeout_s=0.7
        )
        response = responder.respond(TASK, 0)
    assert response.text is None
    assert response.error is not None and "APITimeoutError" in response.error
    # attempts of 0.2 s fit three times and a bit into 0.7 s
    assert 2 <= response.retries <= 4
    assert response.latency_s is not None and 0.6 <= response.latency_s < 1.5


def test_the_limit_halves_under_429_and_recovers_as_calls_succeed() -> None:
    with LocalServer([TASK], faults=0.5, seed=1, kinds=("429",)) as server:
        responder = _responder(server, concurrency=8, max_retries=30)
        _ask(responder, 32, 8)
        assert responder.limit.lowest < 8
        assert server.peak_in_flight <= 8
        server.faults = 0.0
        _ask(responder, 80, 8)
    assert responder.limit.limit == 8


def test_the_limit_halves_once_per_era_and_grows_by_one_per_window() -> None:
    limit = InFlightLimit(8)
    with limit.slot() as first, limit.slot() as second:
        limit.throttled(first)
        limit.throttled(second)  # sent at the old rate: no second halving
    assert (limit.limit, limit.lowest) == (4, 4)
    for _ in range(3):
        limit.succeeded()
    assert limit.limit == 4
    limit.succeeded()
    assert limit.limit == 5
    with limit.slot() as third:
        limit.throttled(third)
    assert (limit.limit, limit.lowest) == (2, 2)


def test_backoff_grows_to_its_cap_and_honours_retry_after() -> None:
    backoff = Backoff(base_s=0.5, cap_s=4.0)
    assert [backoff.delay(n, draw=lambda: 1.0) for n in range(5)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        4.0,
    ]
    assert backoff.delay(3, draw=lambda: 0.0) == 2.0
    assert backoff.delay(3, retry_after=7.0) == 7.0
    assert backoff.delay(3, retry_after=10_000.0) == backoff.retry_after_cap_s
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "250", "retry-after": "3"}) == 0.25
    date = "Thu, 01 Jan 2099 00:00:10 GMT"
    assert retry_after({"retry-after": date}, now=4070908800.0) == 10.0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


def test_a_run_marks_answers_cut_at_the_token_limit_and_logs_plainly(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    with LocalServer([TASK]) as server:
        out = tmp_path / "run"
        args = ["run", "--out", str(out), "--base-url", server.base_url]
        args += ["--model", "openai:ideal", "--max-tokens", "40", "--no-report"]
        args += ["--task", "payment-system", "--workers", "1"]
        assert main(args) == 0
    record = json.loads((out / "responses.jsonl").read_text())
    assert (record["finish_reason"], record["cut_off"]) == ("length", True)
    assert record["retries"] == 0 and record["usage"]["completion_tokens"] == 40
    grades = [json.loads(x) for x in (out / "grades.jsonl").read_text().splitlines()]
    cut = next(g for g in grades if g["failure_mode"] == "format.response")
    assert cut["verdict"] == "fail"
    assert "the model stopped at its token limit" in [
        f["message"] for f in cut["findings"]
    ]
    err = capsys.readouterr().err
    assert "answered 1/1 · 0 in flight · 0 retried · 0 failed\n" in err
    assert "graded 1/1\n" in err


def test_call_limits_come_from_the_suite_unless_flags_say_otherwise(
    tmp_path: Path,
) -> None:
    suite = tmp_path / "suite.toml"
    suite.write_text(
        'name = "limits"\ntasks = ["payment-system"]\nmodels = ["reference:ideal"]\n'
        "concurrency = 2\nmax_retries = 1\ntimeout = 5\ntotal_timeout = 9\n"
    )
    out = tmp_path / "run"
    args = ["run", "--benchmark", str(suite), "--out", str(out), "--no-report"]
    assert main([*args, "--timeout", "3", "--workers", "1"]) == 0
    settings = json.loads((out / "manifest.json").read_text())["settings"]
    limits = ("concurrency", "max_retries", "timeout_s", "total_timeout_s", "batch")
    assert {k: settings[k] for k in limits} == {
        "concurrency": 2,
        "max_retries": 1,
        "timeout_s": 3.0,
        "total_timeout_s": 9,
        "batch": False,
    }


def test_the_terminal_display_shows_calls_in_flight_retried_and_failed() -> None:
    screen = StringIO()
    counts = Counts(total=5)
    console = Console(file=screen, force_terminal=True, width=120)
    with RunProgress(console, counts) as tick:
        counts.answered, counts.in_flight, counts.retries, counts.failed = 2, 3, 4, 1
        tick(counts)
        console.print()  # let the display draw before it closes
    assert "3 in flight · 4 retried · 1 failed" in screen.getvalue()
