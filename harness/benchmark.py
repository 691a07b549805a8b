"""Benchmark suites: which tasks, which models, how many samples, which settings.

A suite is a TOML file under ``benchmarks/``, validated by a shipped schema.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import UserError
from harness.tasks import validate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SUITE = PROJECT_ROOT / "benchmarks" / "default.toml"


@dataclass
class Suite:
    name: str
    tasks: list[str]
    models: list[str]
    samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 8192
    seed: int | None = None
    base_url: str | None = None
    concurrency: int = 4
    max_retries: int = 6
    timeout: float = 600.0
    total_timeout: float = 1800.0
    path: Path | None = None
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


def load_suite(path: Path | None) -> Suite:
    path = path or DEFAULT_SUITE
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise UserError(f"cannot read benchmark {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None
    validate(data, "benchmark.schema.json", str(path))
    return Suite(path=path, **data)
