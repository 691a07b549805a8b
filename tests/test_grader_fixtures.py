"""Every registered grader: module docstring, catalogue entry, fixtures, exact sets."""

from __future__ import annotations

import importlib
import sys

import pytest

from graders import REGISTRY, Verdict, by_id, catalog, run_grader
from harness.answer import Answer
from harness.constraints import Constraints
from tests.conftest import FIXTURES, flagged, load_json

MODES = [g.id for g in REGISTRY]


def _fixture(mode: str, name: str) -> str:
    return (FIXTURES / "graders" / mode / name).read_text("utf-8")


def _constraints(mode: str) -> dict:
    return load_json(FIXTURES / "graders" / mode / "expected.json")["constraints"]


@pytest.mark.parametrize("mode", MODES)
def test_grader_is_documented(mode: str) -> None:
    grader = by_id(mode)
    module = sys.modules[grader.check.__module__]
    assert module.__doc__ and module.__doc__.strip(), f"{mode} has no docstring"
    entry = catalog()[mode]
    for key in ("title", "checks", "why", "severity", "fix"):
        assert entry[key], f"catalogue entry {mode} lacks {key}"
    assert entry["severity"] == grader.severity.value
    for name in ("pass.md", "fail.md", "expected.json"):
        assert (FIXTURES / "graders" / mode / name).is_file(), f"{mode}/{name} missing"


def test_catalog_lists_only_registered_modes() -> None:
    assert sorted(catalog()) == sorted(MODES)


def test_ids_are_unique_and_modules_importable() -> None:
    assert len(set(MODES)) == len(MODES)
    for grader in REGISTRY:
        importlib.import_module(grader.check.__module__)


@pytest.mark.parametrize("mode", MODES)
def test_pass_fixture_passes(mode: str) -> None:
    answer = Answer(
        _fixture(mode, "pass.md"), Constraints.from_dict(_constraints(mode))
    )
    grade = run_grader(by_id(mode), answer, strict=True)
    assert grade.verdict is Verdict.PASS, grade.findings


@pytest.mark.parametrize("mode", MODES)
def test_fail_fixture_flags_exactly_the_expected(mode: str) -> None:
    expected = load_json(FIXTURES / "graders" / mode / "expected.json")
    assert flagged(
        mode, _fixture(mode, "fail.md"), **expected["constraints"]
    ) == sorted(expected["flagged"])
