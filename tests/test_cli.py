"""The command line end to end: run, grade, inspect and graders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graders import REGISTRY
from harness.cli import main
from tests.conftest import shared


def _grades(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "grades.jsonl").read_text().splitlines()]


def test_default_run_calibrates_every_flaw(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--out", str(out), "--workers", "1"]) == 0
    for name in (
        "manifest.json",
        "responses.jsonl",
        "grades.jsonl",
        "leaderboard.json",
        "leaderboard.md",
    ):
        assert (out / name).is_file(), name
    failed: dict[str, set[str]] = {}
    for record in _grades(out):
        failed.setdefault(record["model"], set())
        if record["verdict"] == "fail":
            failed[record["model"]].add(record["failure_mode"])
        assert record["verdict"] != "error", record
    assert failed.pop("reference:ideal") == set()
    assert failed.pop("reference:stub") >= {"requirements.coverage"}
    assert "requirements.coverage" in failed.pop("reference:partial")
    for flawed in failed.values():
        flawed.discard("requirements.coverage")  # a missing required property
    modes = [g.id for g in REGISTRY if g.id != "requirements.coverage"]
    assert failed == {f"reference:{mode}": {mode} for mode in modes}
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["models"][0]["model"] == "reference:ideal"
    assert board["models"][0]["score"] == 1.0
    assert board["models"][-1]["model"] == "reference:stub"


def test_run_refuses_to_overwrite_an_existing_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--out", str(out), "--model", "reference:ideal"]) == 0
    before = (out / "grades.jsonl").read_bytes()
    assert main(["run", "--out", str(out), "--model", "reference:ideal"]) == 2
    assert (out / "grades.jsonl").read_bytes() == before


def test_unknown_model_spec_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code = main(["run", "--out", str(tmp_path / "x"), "--model", "mystery:model"])
    assert code == 2
    assert "should start with one of" in capsys.readouterr().err


def test_an_option_is_taken_only_as_spelled(capsys) -> None:
    # "--tasks" is a typo for "--task", never the prefix of "--tasks-from"
    with pytest.raises(SystemExit) as stop:
        main(["run", "--tasks", "payment-system"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --tasks payment-system" in capsys.readouterr().err


def test_grade_reports_bad_lines_and_grades_the_rest(tmp_path: Path, capsys) -> None:
    responses = tmp_path / "answers.jsonl"
    good = {
        "task_id": "t1",
        "model": "m",
        "response": '```hcl\nresource "a_b" "c" {\n  x = 1\n}\n```',
        "prompt": "Put it in a single main.tf file.",
    }
    responses.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps({"task_id": "t2", "model": "m"}),
                json.dumps({**good, "task_id": "t3"}),
            ]
        )
        + "\n"
    )
    out = tmp_path / "graded"
    assert main(["grade", "--responses", str(responses), "--out", str(out)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert f"{responses}:2" in err
    assert (
        f"{responses}:3: 'response' is missing; every line needs task_id, model "
        "and response" in err
    )
    assert {r["task_id"] for r in _grades(out)} == {"t1", "t3"}
    inferred = [
        json.loads(x) for x in (out / "constraints.jsonl").read_text().split("\n") if x
    ]
    assert inferred[0]["constraints"]["single_file"] == "main.tf"


def test_grade_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["grade", "--responses", str(tmp_path / "none.jsonl")]) == 2


def test_inspect_json_reports_files_and_cycle(tmp_path: Path, capsys) -> None:
    case = shared("cases", "09-cycle-db-secret-version.tf")
    answer = tmp_path / "answer.md"
    answer.write_text(f"```hcl\n{case.read_text()}```\n")
    assert main(["inspect", str(answer), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cycles"] == [
        ["aws_db_instance.main", "aws_secretsmanager_secret_version.db"]
    ]
    assert [f["name"] for f in report["files"]] == ["main.tf"]
    assert "aws_db_instance.main" in report["addresses"]
    modes = {f["failure_mode"] for f in report["findings"]}
    assert "dependency.circular" in modes


def test_inspect_plain_terraform_file(capsys) -> None:
    case = shared("cases", "09-cycle-db-secret-version.tf")
    assert main(["inspect", str(case)]) == 0
    assert "cycle:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name", ["13-md-nested-fence", "14-md-truncated-fence", "15-md-tags-and-filenames"]
)
def test_inspect_markdown_cases(name: str, capsys) -> None:
    case = shared("cases", f"{name}.md")
    expected = json.loads((case.parent / f"{name}.expected.json").read_text())
    assert main(["inspect", str(case), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["truncated"] == expected["extraction"]["truncated"]
    names = [f["name"] for f in report["files"] if f["kind"] == "terraform"]
    blocks = expected["extraction"]["terraform_blocks"]
    if isinstance(blocks, list):
        assert names == [b["filename"] for b in blocks]
    else:
        assert len(names) == 1


def test_graders_list_and_check(capsys) -> None:
    assert main(["graders"]) == 0
    assert "dependency.circular" in capsys.readouterr().out
    assert main(["graders", "check"]) == 0
    out = capsys.readouterr().out
    assert "MISMATCH" not in out
    from harness.calibration import reference_answers
    from harness.tasks import all_tasks

    count = len(reference_answers(list(all_tasks().values())))
    assert f"{count} built-in answers checked: all as expected" in out


def test_regrading_a_run_is_byte_identical(tmp_path: Path) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    assert main(["run", "--out", str(first), "--workers", "1", "--no-cache"]) == 0
    assert (
        main(
            [
                "grade",
                "--responses",
                str(first),
                "--out",
                str(again),
                "--workers",
                "2",
                "--no-cache",
            ]
        )
        == 0
    )
    for name in ("grades.jsonl", "leaderboard.json", "leaderboard.md"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    manifests = [json.loads((r / "manifest.json").read_text()) for r in (first, again)]
    # the re-graded run keeps where its answers came from
    assert manifests[1]["tasks"] == manifests[0]["tasks"]
    assert manifests[1]["models"] == manifests[0]["models"]


def test_inspect_screens_as_grading_does_and_reads_stdin(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    import io

    binary = tmp_path / "nul.md"
    binary.write_bytes(b'```hcl\nresource "a" "b" {\x00\x00}\n```\n')
    assert main(["inspect", str(binary), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    reason = "the answer holds NUL characters: it is binary data, not text"
    assert report["screened"] == reason
    assert [(f["failure_mode"], f["message"]) for f in report["findings"]] == [
        ("syntax.parse", f"no Terraform found: {reason}"),
        ("format.response", reason),
    ]
    stdin = io.TextIOWrapper(io.BytesIO(b'```hcl\nresource "aws_s3_bucket" "b" {\n'))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["inspect", "-"]) == 0
    out = capsys.readouterr().out
    assert "format.response main.tf: code block 1 (main.tf) is never closed" in out
