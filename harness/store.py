"""The run folder: manifest, answers, grades and leaderboard files.

Records are appended and flushed as they are produced, so an interrupted run
keeps everything it finished. Nothing but the manifest holds a timestamp, so
grading the same answers twice gives byte-identical grades and leaderboards.
"""

from __future__ import annotations

import json
import logging
import platform
import re
import time
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

from harness.errors import UserError
from harness.records import write_line

RESULTS_DIR = Path("results")
log = logging.getLogger(__name__)


def new_run_dir(name: str, root: Path = RESULTS_DIR) -> Path:
    """A fresh folder under ``root`` named after the benchmark and the time."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "run"
    candidate = root / f"{slug}-{stamp}"
    suffix = 2
    while candidate.exists():
        candidate = root / f"{slug}-{stamp}-{suffix}"
        suffix += 1
    return candidate


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("iacbench", "python-hcl2", "markdown-it-py", "openai"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "unknown"
    return found


# what a run writes in its folder; anything else there is left where it is
RUN_FILES = frozenset(
    {
        "manifest.json",
        "responses.jsonl",
        "grades.jsonl",
        "constraints.jsonl",
        "batches.jsonl",
        "leaderboard.json",
        "leaderboard.md",
        "report.html",
        "report.md",
    }
)


def _set_aside(directory: Path) -> Path:
    number = 1
    while (directory / f"interrupted-{number}").exists():
        number += 1
    aside = directory / f"interrupted-{number}"
    aside.mkdir()
    for item in directory.iterdir():
        if item.is_file() and (item.name in RUN_FILES or item.suffix == ".partial"):
            item.rename(aside / item.name)
    log.warning(
        "%s held a run that had not finished; its files are now in %s",
        directory,
        aside,
    )
    return aside


class RunStore:
    """Writes one run folder; refuses to write into an existing run.

    With ``resume``, a run that stopped before its leaderboard was written is
    started again in its folder; its files are first moved, whole, into
    ``interrupted-N/`` inside it, so nothing it wrote is lost.
    """

    def __init__(self, directory: Path, resume: bool = False) -> None:
        if (directory / "manifest.json").exists():
            if not resume or (directory / "leaderboard.json").exists():
                raise UserError(
                    f"{directory} already holds a run; choose another --out "
                    "or remove that folder"
                )
            _set_aside(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as error:
            raise UserError(
                f"cannot write the run folder {directory}: "
                f"{error.strerror}; choose another --out"
            ) from None
        self.directory = directory
        self._handles: dict[str, BinaryIO] = {}

    def path(self, name: str) -> Path:
        return self.directory / name

    def begin(self, name: str) -> None:
        """Create the JSONL file ``name`` now, so it exists even if it stays empty."""
        if name not in self._handles:
            self._handles[name] = self.path(name).open("wb")

    def append(self, name: str, record: dict[str, Any]) -> None:
        handle = self._handles.get(name)
        if handle is None:
            handle = self.path(name).open("wb")
            self._handles[name] = handle
        write_line(handle, record)

    def write_json(self, name: str, data: Any) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        self.write_text(name, text)

    def write_text(self, name: str, text: str) -> None:
        # write beside, then rename, so a reader never sees half a file
        target = self.path(name)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
