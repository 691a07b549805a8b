"""Throughput of turning answers into graded configuration, against bare parsing.

Measures, in one process and one run, on the shared corpus when present (else
on the tasks' reference solutions):

* the whole step (Markdown extraction, parsing, the configuration model and its
  references) against python-hcl2's bare ``loads`` over the same Terraform
  text: target at most 1.25 times the bare cost;
* a re-grade served by the cache against the first grade: target at least 10
  times faster;
* grading with two worker processes against one: target at least 1.6 times;
* peak traced memory while streaming a batch and a batch four times larger:
  flat means a ratio near 1.

Run it with ``.venv/bin/python benchmarks/parse_speed.py``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import hcl2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import cache  # noqa: E402
from harness.answer import Answer  # noqa: E402
from harness.config import parse  # noqa: E402
from harness.grading import Job, grade_jobs  # noqa: E402
from harness.models.reference import render  # noqa: E402
from harness.tasks import all_tasks  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def answers() -> list[str]:
    zero_shot = CORPUS / "llm-iac-zero-shot.dev.jsonl"
    if not zero_shot.exists():
        return [render(t.reference) for t in all_tasks().values()] * 50
    found = [json.loads(x)["response"] for x in zero_shot.read_text().splitlines()]
    for folder in sorted((CORPUS / "rlhf-tf-dev").iterdir()):
        found.append((folder / "MODEL_RESPONSE.md").read_text("utf-8"))
    return found


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bare_loads(texts: list[str]) -> None:
    for text in texts:
        # the baseline pays for failed parses too, as the harness does
        with contextlib.suppress(Exception):
            hcl2.loads(text)


def whole_step(responses: list[str]) -> None:
    parse._MEMORY.clear()
    for response in responses:
        Answer(response).config.reference_map()


def jobs(responses: list[str], repeat: int = 1) -> Iterator[Job]:
    for round_ in range(repeat):
        for index, response in enumerate(responses):
            yield Job("bench", "m", round_ * len(responses) + index, response, {})


def grade_all(responses: list[str], workers: int, repeat: int = 1) -> None:
    parse._MEMORY.clear()
    for _ in grade_jobs(jobs(responses, repeat), workers):
        pass


def peak_memory(responses: list[str], repeat: int) -> int:
    cache.configure(None)
    tracemalloc.start()
    grade_all(responses, 1, repeat)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    responses = answers()
    texts = [f.text for r in responses for f in Answer(r).extraction.terraform_files]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    bare = timed(lambda: bare_loads(texts))
    whole = timed(lambda: whole_step(responses))

    with tempfile.TemporaryDirectory() as folder:
        cache.configure(Path(folder))
        first = timed(lambda: grade_all(responses, 1))
        again = timed(lambda: grade_all(responses, 1))
    cache.configure(None)
    one = timed(lambda: grade_all(responses, 1))
    two = timed(lambda: grade_all(responses, 2))
    small = peak_memory(responses[:150], 1)
    large = peak_memory(responses[:150], 4)

    rows = [
        ("answers", f"{len(responses)}", ""),
        ("Terraform text", f"{megabytes:.2f} MB", ""),
        ("bare hcl2.loads", f"{megabytes / bare:.2f} MB/s", ""),
        (
            "whole step",
            f"{megabytes / whole:.2f} MB/s, {len(responses) / whole:.0f} answers/s",
            "",
        ),
        ("whole step / bare loads", f"{whole / bare:.2f}", "target <= 1.25"),
        ("first grade / cached re-grade", f"{first / again:.1f}", "target >= 10"),
        ("1 worker / 2 workers", f"{one / two:.2f}", "target >= 1.6"),
        (
            "peak memory 4x batch / 1x",
            f"{large / small:.2f} ({small / 1e6:.0f} MB, {large / 1e6:.0f} MB)",
            "flat is ~1",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<34} {target}")


if __name__ == "__main__":
    main()
