"""Replaying recorded answers: one row per recorded model, each its own answers."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main
from harness.tasks import all_tasks

TASK = "payment-system"


def _answers(tmp_path: Path) -> Path:
    ideal = all_tasks()[TASK].reference["main.tf"]
    records = [
        {"task_id": TASK, "model": "good", "response": f"```hcl\n{ideal}```"},
        {"task_id": TASK, "model": "empty", "response": "I cannot help with that."},
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _syntax(run: Path) -> dict[str, str]:
    grades = [json.loads(x) for x in (run / "grades.jsonl").read_text().splitlines()]
    return {
        g["model"]: g["verdict"] for g in grades if g["failure_mode"] == "syntax.parse"
    }


def test_each_recorded_model_is_its_own_row(tmp_path: Path) -> None:
    answers = _answers(tmp_path)
    out = tmp_path / "run"
    args = ["run", "--task", TASK, "--model", f"replay:{answers}", "--out", str(out)]
    assert main([*args, "--no-report"]) == 0
    assert _syntax(out) == {
        f"replay:{answers}#empty": "fail",
        f"replay:{answers}#good": "pass",
    }


def test_one_recorded_model_is_picked_by_name(tmp_path: Path, capsys) -> None:
    answers = _answers(tmp_path)
    out = tmp_path / "run"
    args = ["run", "--task", TASK, "--model", f"replay:{answers}#good"]
    assert main([*args, "--out", str(out), "--no-report"]) == 0
    assert _syntax(out) == {f"replay:{answers}#good": "pass"}
    args = ["run", "--task", TASK, "--model", f"replay:{answers}#nobody"]
    assert main([*args, "--out", str(tmp_path / "none")]) == 2
    assert "has no answers by 'nobody'; it has empty, good" in " ".join(
        capsys.readouterr().err.split()
    )
