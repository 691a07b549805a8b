"""Shared helpers: the shared material folder and a snippet-to-findings helper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graders import by_id, run_grader
from harness.answer import Answer
from harness.constraints import Constraints

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Each test session caches under a temporary folder, never the user's."""
    root = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("IACBENCH_CACHE", str(root))
    monkeypatch.delenv("IACBENCH_CACHE_DISABLED", raising=False)
    from harness import cache

    cache._caches.clear()


def shared(*parts: str) -> Path:
    """A path under the shared material, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material {path} is not available")
    return path


def deployed_folders() -> list[Path]:
    """Reviewed tasks whose deployed Terraform (final/*.tf) is in the corpus."""
    root = SHARED / "corpus" / "rlhf-tf-dev"
    if not root.exists():
        return []
    return sorted(p for p in root.iterdir() if (p / "final").is_dir())


def flagged(mode: str, answer_text: str, **constraints: object) -> list[str]:
    """What a grader flags in an answer: addresses, else file:line, else 'answer'."""
    answer = Answer(answer_text, Constraints.from_dict(constraints))
    grade = run_grader(by_id(mode), answer, strict=True)
    return sorted(
        f.address or (f"{f.file}:{f.line}" if f.file and f.line else "answer")
        for f in grade.findings
    )


def hcl(text: str) -> str:
    """A Terraform snippet as a one-block Markdown answer."""
    return f"```hcl\n{text}\n```\n"


def load_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))
