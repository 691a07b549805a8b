"""Runs out to a dataset, and tasks in from a local dataset file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.datasets_io import load_tasks, parse_mapping
from harness.errors import UserError


def test_export_writes_parquet_and_card(tmp_path: Path, monkeypatch) -> None:
    from datasets import Dataset

    run = tmp_path / "run"
    assert (
        main(
            [
                "run",
                "--out",
                str(run),
                "--model",
                "reference:ideal",
                "--model",
                "reference:backup.dr",
                "--no-report",
            ]
        )
        == 0
    )
    target = tmp_path / "dataset"
    assert main(["export", str(run), "--to", str(target)]) == 0
    rows = Dataset.from_parquet(str(target / "data.parquet")).to_list()
    assert [(r["model"], r["backup__dr"]) for r in rows] == [
        ("reference:backup.dr", "fail"),
        ("reference:ideal", "pass"),
    ]
    findings = json.loads(rows[0]["findings"])
    assert {f["failure_mode"] for f in findings} == {"backup.dr"}
    card = (target / "README.md").read_text()
    assert "`backup__dr` (high)" in card
    assert "2 model answers to infrastructure-as-code tasks" in card
    before = (target / "data.parquet").read_bytes()
    # an export is never overwritten; a push that cannot happen is a problem
    assert main(["export", str(run), "--to", str(target)]) == 2
    assert (target / "data.parquet").read_bytes() == before
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    pushed = tmp_path / "pushed"
    args = ["export", str(run), "--to", str(pushed)]
    assert main([*args, "--push-to-hub", "me/runs"]) == 1
    assert (pushed / "data.parquet").is_file()
    # pushing again takes the export as it is, and says why it cannot
    assert main([*args, "--push-to-hub", "me/runs"]) == 1
    assert main([*args, "--push-to-hub", "bad name"]) == 2


def test_tasks_load_from_a_local_file_with_a_column_mapping(tmp_path: Path) -> None:
    source = tmp_path / "tasks.jsonl"
    rows = [
        {
            "key": "bucket",
            "question": "Create a versioned S3 bucket in a single main.tf file.",
            "solution": 'resource "aws_s3_bucket" "b" {}\n',
        },
        {"key": "queue", "question": "Create an SQS queue.", "solution": ""},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    tasks = load_tasks(
        str(source), parse_mapping("id=key,prompt=question,reference=solution")
    )
    assert [t.id for t in tasks] == ["bucket", "queue"]
    assert tasks[0].constraints.single_file == "main.tf"
    assert tasks[0].reference == {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'}
    assert tasks[1].reference == {}
    run = tmp_path / "run"
    assert (
        main(
            [
                "run",
                "--tasks-from",
                str(source),
                "--columns",
                "id=key,prompt=question,reference=solution",
                "--model",
                "reference:ideal",
                "--out",
                str(run),
                "--no-report",
            ]
        )
        == 0
    )
    graded = {
        json.loads(x)["task_id"]
        for x in (run / "grades.jsonl").read_text().splitlines()
    }
    assert graded == {"bucket"}


def test_bad_column_mapping_is_a_usage_error(tmp_path: Path) -> None:
    assert parse_mapping("id=key") == {"prompt": "prompt", "id": "key"}
    with pytest.raises(UserError, match="use id=, prompt="):
        parse_mapping("name=key")
    source = tmp_path / "tasks.csv"
    source.write_text("key,question\nx,make a bucket\n")
    assert (
        main(
            [
                "run",
                "--tasks-from",
                str(source),
                "--columns",
                "prompt=missing",
                "--model",
                "reference:ideal",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 2
    )


def test_repeated_task_ids_are_refused_with_the_rows(tmp_path: Path) -> None:
    source = tmp_path / "tasks.jsonl"
    rows = [{"key": k, "question": "Create an SQS queue."} for k in "aba"]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(UserError) as error:
        load_tasks(str(source), parse_mapping("id=key,prompt=question"))
    assert str(error.value) == (
        f"{source}: column 'key' repeats the id 'a' (rows 1, 3); map --columns "
        "id= to a column of unique values, or leave id out to number the rows"
    )
    numbered = load_tasks(str(source), parse_mapping("prompt=question"))
    assert [t.id for t in numbered] == ["row-0", "row-1", "row-2"]


def test_usual_columns_need_no_mapping_and_empty_files_say_so(
    tmp_path: Path, capsys
) -> None:
    source = tmp_path / "tasks.jsonl"
    rows = [{"task_id": "q1", "prompt": "Create an S3 bucket."}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [t.id for t in load_tasks(str(source), parse_mapping(""))] == ["q1"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(UserError, match="holds no rows; each row is one task"):
        load_tasks(str(empty), parse_mapping(""))
    assert main(["run", "--columns", "id=key", "--out", str(tmp_path / "r")]) == 2
    assert "add --tasks-from" in capsys.readouterr().err


def test_a_row_without_a_prompt_is_named(tmp_path: Path) -> None:
    source = tmp_path / "tasks.jsonl"
    rows = [
        {"task_id": "a", "prompt": "Make a bucket."},
        {"task_id": "b", "prompt": None},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(UserError, match="row 2 has no prompt in column 'prompt'"):
        load_tasks(str(source), parse_mapping(""))
