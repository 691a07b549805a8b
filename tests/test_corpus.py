"""Real model answers: every one is graded, none makes a grader crash."""

from __future__ import annotations

import json
from pathlib import Path

from harness.answer import Answer
from harness.cli import main
from harness.grading import grade_answer
from tests.conftest import shared


def test_zero_shot_corpus_grades_without_errors(tmp_path: Path) -> None:
    corpus = shared("corpus", "llm-iac-zero-shot.dev.jsonl")
    out = tmp_path / "graded"
    assert (
        main(["grade", "--responses", str(corpus), "--out", str(out), "--workers", "2"])
        == 0
    )
    grades = [json.loads(x) for x in (out / "grades.jsonl").read_text().splitlines()]
    answers = {(g["task_id"], g["model"], g["sample"]) for g in grades}
    assert len(answers) == 973
    assert [g for g in grades if g["verdict"] == "error"] == []
    board = json.loads((out / "leaderboard.json").read_text())
    assert len(board["models"]) == 7


def test_reviewed_answers_grade_without_errors() -> None:
    folders = sorted(shared("corpus", "rlhf-tf-dev").iterdir())
    assert folders
    for folder in folders:
        for name in ("MODEL_RESPONSE.md", "IDEAL_RESPONSE.md"):
            answer = Answer((folder / name).read_text("utf-8"), task_id=folder.name)
            grades = grade_answer(answer, strict=True)
            assert len(grades) >= 5, folder.name
