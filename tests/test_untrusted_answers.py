"""Hostile or broken answers fail with a reason, and never write outside the run."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from graders import REGISTRY
from harness.cli import main
from harness.screening import MAX_ANSWER_CHARS, screen

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'


def _line(task_id: str, response: str) -> bytes:
    record = {"task_id": task_id, "model": "m", "response": response}
    return json.dumps(record).encode()


def _grades(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "grades.jsonl").read_text().splitlines()]


def _failed(folder: Path) -> dict[str, dict[str, list[str]]]:
    failed: dict[str, dict[str, list[str]]] = {}
    for grade in _grades(folder):
        if grade["verdict"] == "fail":
            messages = [f["message"] for f in grade["findings"]]
            failed.setdefault(grade["task_id"], {})[grade["failure_mode"]] = messages
    return failed


def test_huge_binary_and_undecodable_answers_fail_with_their_reason(
    tmp_path: Path,
) -> None:
    huge = "```hcl\n" + BUCKET * (MAX_ANSWER_CHARS // len(BUCKET) + 1) + "```\n"
    # 27 of every 32 characters are controls other than whitespace
    junk = "".join(chr(n % 32) for n in range(4000)).replace("\x00", "\x01")
    answers = tmp_path / "answers.jsonl"
    answers.write_bytes(
        b"\n".join(
            [
                _line("huge", huge),
                _line("nul", f"```hcl\n{BUCKET}\x00\x00```"),
                _line("junk", junk),
                b'{"task_id": "bytes", "model": "m", "response": "resource \xff\xfe"}',
                _line("fine", f"```hcl\n{BUCKET}```"),
            ]
        )
        + b"\n"
    )
    out = tmp_path / "graded"
    assert main(["grade", "--responses", str(answers), "--out", str(out)]) == 0

    failed = _failed(out)
    reasons = {
        "huge": f"the answer is {len(huge):,} characters long, over the 2,000,000 "
        "that are graded",
        "nul": "the answer holds NUL characters: it is binary data, not text",
        "junk": "84% of the answer is control characters: it is binary data, not "
        "text",
        "bytes": "line 4 of the answers file is not valid UTF-8; the answer's bytes "
        "cannot be read as text",
    }
    for task_id, reason in reasons.items():
        assert failed[task_id] == {
            "syntax.parse": [f"no Terraform found: {reason}"],
            "format.response": [reason],
        }
    assert "syntax.parse" not in failed["fine"]
    screened = [g for g in _grades(out) if g["task_id"] == "nul"]
    assert [g["failure_mode"] for g in screened] == [g.id for g in REGISTRY]
    judged = {g["failure_mode"] for g in screened if g["verdict"] != "not_applicable"}
    assert judged == {"syntax.parse", "format.response"}
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["models"][0]["answers"] == 5


def test_text_with_ordinary_whitespace_is_not_screened() -> None:
    assert screen("```hcl\n\tx = 1\r\n\f```\n") is None
    assert screen("\x1b[31m colour codes in a long answer " + "x" * 2000) is None


def test_a_last_line_cut_short_is_dropped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    answers = tmp_path / "responses.jsonl"
    whole = _line("kept", f"```hcl\n{BUCKET}```")
    answers.write_bytes(whole + b"\n" + whole[: len(whole) // 2])
    out = tmp_path / "graded"
    with caplog.at_level(logging.WARNING, logger="harness.records"):
        assert main(["grade", "--responses", str(answers), "--out", str(out)]) == 0
    assert {g["task_id"] for g in _grades(out)} == {"kept"}
    assert caplog.messages == [
        f"{answers}:2: the last line is cut short, as a stopped run leaves it; "
        "dropped"
    ]


def test_a_broken_line_before_the_last_is_still_a_problem(tmp_path: Path) -> None:
    answers = tmp_path / "responses.jsonl"
    whole = _line("kept", f"```hcl\n{BUCKET}```")
    answers.write_bytes(whole[:20] + b"\n" + whole + b"\n")
    out = tmp_path / "graded"
    assert main(["grade", "--responses", str(answers), "--out", str(out)]) == 1


HOSTILE_NAMES = ["../../escape.tf", "/tmp/iacbench-escape.tf", "nul\x00name.tf"]


def _hostile_answer() -> str:
    parts = [f"**{name}**\n\n```hcl\n{BUCKET}```\n" for name in HOSTILE_NAMES]
    parts += [f'```hcl title="{name}"\n{BUCKET}```\n' for name in HOSTILE_NAMES]
    return "\n".join(parts)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_file_names_in_answers_never_lead_writes_out_of_the_run(
    tmp_path: Path, monkeypatch
) -> None:
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    answers = work / "answers.jsonl"
    answers.write_bytes(_line("hostile", _hostile_answer()) + b"\n")
    before = _files(tmp_path)

    assert main(["grade", "--responses", str(answers), "--out", "run"]) == 0
    assert main(["report", "run"]) == 0
    assert main(["inspect", "--json", str(_markdown(work))]) == 0

    written = _files(tmp_path) - before - {work / "answer.md"}
    assert written and all(p.is_relative_to(work / "run") for p in written)
    assert not Path("/tmp/iacbench-escape.tf").exists()
    assert not (tmp_path / "a" / "escape.tf").exists()
    names = {os.path.basename(p) for p in written}
    assert not any(n.endswith(".tf") for n in names), names


def _markdown(folder: Path) -> Path:
    path = folder / "answer.md"
    path.write_text(_hostile_answer().replace("\x00", ""))
    return path


def test_an_undecodable_replayed_answer_fails_and_keeps_its_reason(
    tmp_path: Path,
) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_bytes(
        b'{"task_id": "payment-system", "model": "m", "response": "x \xff"}\n'
    )
    out = tmp_path / "run"
    args = ["run", "--model", f"replay:{answers}", "--task", "payment-system"]
    assert main([*args, "--out", str(out), "--no-cache"]) == 0
    reason = (
        "line 1 of the answers file is not valid UTF-8; the answer's bytes cannot "
        "be read as text"
    )
    expected = {
        "payment-system": {
            "syntax.parse": [f"no Terraform found: {reason}"],
            "format.response": [reason],
        }
    }
    assert _failed(out) == expected
    (line,) = (out / "responses.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["defect"] == reason
    again = tmp_path / "again"
    args = ["grade", "--responses", str(out / "responses.jsonl")]
    assert main([*args, "--out", str(again)]) == 0
    assert _failed(again) == expected


def test_compressed_answers_are_read_and_a_cut_archive_keeps_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import gzip

    many = [_line(f"t{n}", f"```hcl\n{BUCKET}```") + b"\n" for n in range(300)]
    packed = tmp_path / "answers.jsonl.gz"
    packed.write_bytes(gzip.compress(b"".join(many[:3])))
    out = tmp_path / "graded"
    assert main(["grade", "--responses", str(packed), "--out", str(out)]) == 0
    assert {g["task_id"] for g in _grades(out)} == {"t0", "t1", "t2"}
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(b"".join(many))[:-40])
    again = tmp_path / "again"
    capsys.readouterr()
    assert main(["grade", "--responses", str(cut), "--out", str(again)]) == 1
    assert "the compressed file is cut short or damaged after line" in " ".join(
        capsys.readouterr().err.split()
    )
    assert 250 < len({g["task_id"] for g in _grades(again)}) < 300


def test_a_failed_call_read_back_counts_as_failed_not_as_a_bad_line(
    tmp_path: Path,
) -> None:
    answers = tmp_path / "responses.jsonl"
    failed = {"task_id": "t", "model": "m", "sample": 1, "response": None}
    answers.write_bytes(
        _line("t", f"```hcl\n{BUCKET}```")
        + b"\n"
        + json.dumps({**failed, "error": "400 bad_request: too long"}).encode()
        + b"\n"
    )
    out = tmp_path / "graded"
    assert main(["grade", "--responses", str(answers), "--out", str(out)]) == 1
    assert {(g["task_id"], g["sample"]) for g in _grades(out)} == {("t", 0)}
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["models"][0]["failed_calls"] == 1
    again = [json.loads(x) for x in (out / "responses.jsonl").read_text().splitlines()]
    assert again[1]["response"] is None and again[1]["error"].startswith("400")
