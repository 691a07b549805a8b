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
    # eight samples per model, so a flipped mode is significant per model
    assert main(["run", "--out", str(run), "--samples", "8", "--no-report"]) == 0
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
    regressions = [line for line in out.splitlines() if "⚠️ regression" in line]
    assert regressions and all(
        "| backup.dr ⚠️ regression |" in line for line in regressions
    )
    suite = ElementTree.parse(junit).getroot()
    failed = {c.get("name") for c in suite if c.find("failure") is not None}
    assert failed == {"backup.dr"}


def test_each_model_is_compared_with_itself(
    baseline: Path, tmp_path: Path, capsys
) -> None:
    swapped = _copy(baseline, tmp_path / "swapped")
    lines = []
    for line in (swapped / "grades.jsonl").read_text().splitlines():
        record = json.loads(line)
        names = {
            "reference:ideal": "reference:backup.dr",
            "reference:backup.dr": "reference:ideal",
        }
        record["model"] = names.get(record["model"], record["model"])
        lines.append(json.dumps(record))
    (swapped / "grades.jsonl").write_text("\n".join(lines) + "\n")
    assert (
        main(
            [
                "compare",
                str(baseline),
                str(swapped),
                "--max-drop",
                "0.5",
                "--format",
                "json",
            ]
        )
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert ["reference:ideal", "backup.dr"] in report["regressions"]


def test_corrupt_grades_and_unwritable_junit_are_bad_input(
    baseline: Path, tmp_path: Path
) -> None:
    broken = _copy(baseline, tmp_path / "broken")
    with (broken / "grades.jsonl").open("a") as handle:
        handle.write('{"task_id": "payment-system"}\n')
    assert main(["compare", str(baseline), str(broken)]) == 2
    assert main(["report", str(broken)]) == 2
    assert (
        main(
            [
                "compare",
                str(baseline),
                str(baseline),
                "--junit",
                str(tmp_path / "missing" / "x.xml"),
            ]
        )
        == 2
    )


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


def _prompts_copy(tmp_path: Path, edit) -> Path:
    from harness.tasks import prompts_dir

    prompts = tmp_path / "prompts"
    shutil.copytree(prompts_dir() / "payment-system", prompts / "payment-system")
    edit(prompts / "payment-system")
    return prompts


def _run(out: Path, prompts: Path | None, monkeypatch) -> int:
    if prompts is not None:
        monkeypatch.setenv("IACBENCH_PROMPTS", str(prompts))
    args = ["run", "--task", "payment-system", "--model", "reference:ideal"]
    return main([*args, "--model", "reference:backup.dr", "--out", str(out)])


def test_a_prompt_change_is_compared_and_named(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    def edit(task: Path) -> None:
        prompt = task / "prompt.md"
        prompt.write_text(prompt.read_text() + "\nKeep the answer short.\n")

    before, after = tmp_path / "before", tmp_path / "after"
    assert _run(before, None, monkeypatch) == 0
    assert _run(after, _prompts_copy(tmp_path, edit), monkeypatch) == 0
    capsys.readouterr()
    assert main(["compare", str(before), str(after), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "- prompt changed for payment-system: version 1, prompt " in out
    # nothing changed answer by answer, so no row is shown unless asked
    assert "46 model and failure-mode rows where no answer changed" in out
    assert "| reference:ideal |" not in out
    assert "No answer changed its verdict on any mode." in out
    assert main(["compare", str(before), str(after), "--all", "--format", "md"]) == 0
    assert capsys.readouterr().out.count("| reference:ideal |") == 23


def test_changed_constraints_are_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    def edit(task: Path) -> None:
        spec = json.loads((task / "task.json").read_text())
        spec["constraints"]["caching"] = True
        (task / "task.json").write_text(json.dumps(spec))

    before, after = tmp_path / "before", tmp_path / "after"
    assert _run(before, None, monkeypatch) == 0
    assert _run(after, _prompts_copy(tmp_path, edit), monkeypatch) == 0
    capsys.readouterr()
    assert main(["compare", str(before), str(after)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "the runs graded payment-system against different constraints or "
        "requirements (task.json)" in err
    )


def test_answers_graded_from_a_plain_file_carry_what_they_were_graded_on(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    def edit(task: Path) -> None:
        spec = json.loads((task / "task.json").read_text())
        spec["constraints"]["caching"] = True
        (task / "task.json").write_text(json.dumps(spec))

    before = tmp_path / "before"
    assert _run(before, None, monkeypatch) == 0
    plain = tmp_path / "answers.jsonl"
    shutil.copy(before / "responses.jsonl", plain)
    monkeypatch.setenv("IACBENCH_PROMPTS", str(_prompts_copy(tmp_path, edit)))
    after = tmp_path / "after"
    assert main(["grade", "--responses", str(plain), "--out", str(after)]) == 0
    capsys.readouterr()
    assert main(["compare", str(before), str(after)]) == 2
    assert "against different constraints" in " ".join(
        capsys.readouterr().err.split()
    )
