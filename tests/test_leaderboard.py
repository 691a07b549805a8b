"""Leaderboard arithmetic on hand-made grade records."""

from __future__ import annotations

from harness import leaderboard
from harness.leaderboard import build, to_markdown


def _record(
    model: str, task: str, mode: str, verdict: str, no_terraform: bool = False
) -> dict:
    return {
        "model": model,
        "task_id": task,
        "sample": 0,
        "failure_mode": mode,
        "verdict": verdict,
        "no_terraform": no_terraform,
    }


def test_answer_scores_average_and_refusals_score_zero() -> None:
    grades = [
        _record("careful", "t1", "a", "pass"),
        _record("careful", "t1", "b", "fail"),
        _record("careful", "t2", "a", "pass"),
        _record("careful", "t2", "b", "not_applicable"),
        _record("refuser", "t1", "a", "fail", no_terraform=True),
        _record("refuser", "t1", "b", "not_applicable"),
        _record("refuser", "t2", "a", "pass"),
        _record("refuser", "t2", "b", "pass"),
    ]
    board = build(grades)
    rows = {row["model"]: row for row in board["models"]}
    assert rows["careful"]["score"] == 0.75  # (1/2 + 1/1) / 2
    assert rows["refuser"]["score"] == 0.5  # (0 + 1) / 2
    assert [row["model"] for row in board["models"]] == ["careful", "refuser"]
    assert rows["careful"]["modes"]["b"] == {
        "pass": 0,
        "fail": 1,
        "not_applicable": 1,
        "error": 0,
        "rate": 0.0,
        "interval": (0.0, 0.7935),  # Wilson for 0 passes of 1
    }
    assert rows["refuser"]["modes"]["b"]["rate"] == 1.0


def test_errors_do_not_count_and_markdown_escapes_pipes() -> None:
    board = build([_record("a|b", "t", "m", "error")])
    assert board["models"][0]["score"] == 0.0
    assert "a\\|b" in to_markdown(board)


def test_a_model_whose_calls_all_failed_keeps_its_row() -> None:
    grades = [
        {
            "task_id": "t",
            "model": "answers",
            "sample": 0,
            "failure_mode": "syntax.parse",
            "verdict": "pass",
            "severity": "critical",
        }
    ]
    board = leaderboard.build(grades, failed={"silent": 2, "answers": 1})
    rows = {row["model"]: row for row in board["models"]}
    assert (rows["silent"]["answers"], rows["silent"]["score"]) == (0, None)
    assert [leaderboard.answers_cell(rows[m]) for m in ("answers", "silent")] == [
        "1 (+1 failed)",
        "0 (+2 failed)",
    ]
    assert [row["model"] for row in board["models"]] == ["answers", "silent"]
