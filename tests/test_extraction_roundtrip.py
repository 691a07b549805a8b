"""Deployed Terraform wrapped in each naming style comes back file for file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.answer import Answer
from harness.config.configuration import build
from tests.conftest import deployed_folders, shared

FENCE = "```"
STYLES: dict[str, Callable[[str, str], str]] = {
    "heading": lambda name, text: f"### {name}\n\n{FENCE}hcl\n{text}{FENCE}\n",
    "heading-backticks": lambda name, text: (
        f"## `{name}`\n{FENCE}terraform\n{text}{FENCE}\n"
    ),
    "bold": lambda name, text: f"**{name}**\n\n{FENCE}tf\n{text}{FENCE}\n",
    "backticks": lambda name, text: f"`{name}`:\n\n{FENCE}HCL\n{text}{FENCE}\n",
    "file-label": lambda name, text: f"File: {name}\n\n{FENCE}hcl\n{text}{FENCE}\n",
    "info-title": lambda name, text: f'{FENCE}hcl title="{name}"\n{text}{FENCE}\n',
    "info-word": lambda name, text: f"{FENCE}hcl {name}\n{text}{FENCE}\n",
    "first-line-comment": lambda name, text: f"{FENCE}hcl\n# {name}\n{text}{FENCE}\n",
}
FINALS = deployed_folders()


def _wrap(style: str, files: dict[str, str]) -> str:
    parts = ["Here is the configuration, one file at a time.\n"]
    for name, text in files.items():
        parts.append(STYLES[style](name, text if text.endswith("\n") else text + "\n"))
        parts.append("This file is explained above.\n")
    return "\n".join(parts)


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("folder", FINALS, ids=[p.name for p in FINALS])
def test_final_files_round_trip(folder: Path, style: str) -> None:
    shared("corpus", "rlhf-tf-dev")
    files = {
        p.name: p.read_text("utf-8") for p in sorted((folder / "final").glob("*.tf"))
    }
    answer = Answer(_wrap(style, files))
    extracted = {f.name: f for f in answer.extraction.files}
    assert sorted(extracted) == sorted(files)
    assert all(f.kind == "terraform" for f in extracted.values())
    expected = build(list(files.items()))
    assert sorted(answer.config.objects) == sorted(expected.objects)
    assert answer.config.errors == expected.errors == []
