"""Comparing runs: regressions found, identical runs pass, bad input refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from harness.cli import main


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("runs") / "baseline"
    assert main(["run", "--out", str(run), "--workers", "1"]) == 0
    return run


def _copy(run: Path, target: Path, flip: str | None = None) -> Path:
    shutil.copytree(run, target)
    if flip:
        lines = []
        for line in (target / "grades.jsonl").read_text().splitlines():
            record = json.loads(line)
            if record["failure_mode"] == flip and record["verdict"] == "pass":
                record["verdict"] = "fail"
            lines.append(json.dumps(record))
        (target / "grades.jsonl").write_text("\n".join(lines) + "\n")
    return target


def test_identical_copy_has_no_regression(baseline: Path, tmp_path: Path) -> None:
    copy = _copy(baseline, tmp_path / "copy")
    assert main(["compare", str(baseline), str(copy)]) == 0


def test_flipped_mode_is_a_regression(baseline: Path, tmp_path: Path, capsys) -> None:
    worse = _copy(baseline, tmp_path / "worse", flip="backup.dr")
    junit = tmp_path / "compare.xml"
    code = main(
        ["compare", str(baseline), str(worse), "--format", "md", "--junit", str(junit)]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "| backup.dr ⚠️ regression |" in out
    assert out.count("regression |") == 1
    suite = ElementTree.parse(junit).getroot()
    failed = [c.get("name") for c in suite if c.find("failure") is not None]
    assert failed == ["backup.dr"]


def test_max_drop_catches_a_small_drop(baseline: Path, tmp_path: Path) -> None:
    worse = _copy(baseline, tmp_path / "worse")
    lines = (worse / "grades.jsonl").read_text().splitlines()
    for index, line in enumerate(lines):
        record = json.loads(line)
        if record["failure_mode"] == "tls.certificate" and record["verdict"] == "pass":
            record["verdict"] = "fail"
            lines[index] = json.dumps(record)
            break
    (worse / "grades.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["compare", str(baseline), str(worse)]) == 0
    assert main(["compare", str(baseline), str(worse), "--max-drop", "0.01"]) == 1


def test_different_grader_versions_are_refused(
    baseline: Path, tmp_path: Path, capsys
) -> None:
    other = _copy(baseline, tmp_path / "other")
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["graders"]["network.exposure"] = 99
    (other / "manifest.json").write_text(json.dumps(manifest))
    assert main(["compare", str(baseline), str(other)]) == 2
    assert "different grader versions (network.exposure)" in capsys.readouterr().err


def test_missing_run_is_bad_input(baseline: Path, tmp_path: Path) -> None:
    assert main(["compare", str(baseline), str(tmp_path / "nowhere")]) == 2
