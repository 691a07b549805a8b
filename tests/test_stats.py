"""Statistics against values worked out by hand."""

from __future__ import annotations

import pytest

from harness import stats
from harness.leaderboard import build


def test_wilson_intervals() -> None:
    assert stats.wilson(0, 10) == (0.0, 0.2775)
    assert stats.wilson(10, 10) == (0.7225, 1.0)
    assert stats.wilson(5, 10) == (0.2366, 0.7634)
    assert stats.wilson(0, 0) is None


def test_pass_at_k_unbiased_estimator() -> None:
    # 1 - C(n-c, k) / C(n, k) with n=5 samples and c=2 correct
    assert stats.pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert stats.pass_at_k(5, 2, 2) == pytest.approx(0.7)
    assert stats.pass_at_k(5, 2, 3) == pytest.approx(0.9)
    assert stats.pass_at_k(5, 2, 4) == 1.0
    assert stats.pass_at_k(5, 0, 3) == 0.0
    assert stats.pass_at_k(1, 1, 1) == 1.0
    with pytest.raises(ValueError):
        stats.pass_at_k(2, 1, 3)
    assert stats.mean_pass_at_k([(5, 2), (5, 0)], 1) == 0.2
    assert stats.mean_pass_at_k([(1, 1)], 2) is None


def test_mcnemar_exact() -> None:
    assert stats.mcnemar(5, 0) == pytest.approx(0.0625)
    assert stats.mcnemar(3, 1) == pytest.approx(0.625)
    assert stats.mcnemar(0, 0) == 1.0


def test_bootstrap_is_deterministic_and_degenerate_cases_hold() -> None:
    assert stats.bootstrap_by_group([[0.5]]) == (0.5, 0.5)
    assert stats.bootstrap_by_group([[1.0, 1.0], [1.0]]) == (1.0, 1.0)
    assert stats.bootstrap_by_group([]) is None
    groups = [[0.0, 1.0], [1.0, 1.0], [0.5, 0.5], [0.0, 0.0]]
    low, high = stats.bootstrap_by_group(groups)
    assert low < 0.5 < high and (low, high) == stats.bootstrap_by_group(groups)


def _record(task: str, sample: int, verdict: str, severity: str = "high") -> dict:
    return {
        "model": "m",
        "task_id": task,
        "sample": sample,
        "failure_mode": "x",
        "verdict": verdict,
        "severity": severity,
    }


def test_clean_rate_and_pass_at_k_in_the_leaderboard() -> None:
    grades = [
        _record("t1", 0, "pass"),
        _record("t1", 1, "fail"),
        _record("t2", 0, "fail", "low"),
        _record("t2", 1, "fail"),
    ]
    [row] = build(grades)["models"]
    # clean: t1/0 and t2/0 (a low-severity failure does not count)
    assert row["clean"]["count"] == 2 and row["clean"]["rate"] == 0.5
    assert row["pass_at_k"] == {"1": 0.5, "2": 1.0}
    assert row["score"] == 0.25
