"""What the harness adds to bare ``openai`` client calls, at 1, 16 and 64 in flight.

Starts ``iacbench serve`` (zero delay, no faults) in a process of its own, then
asks it the same requests two ways, alternating, in one run:

* bare: one ``openai.OpenAI`` client shared by N threads, nothing else;
* harness: the full path of ``iacbench run`` up to grading (the ``openai:``
  responder, its retries and in-flight limit, the answer cache on disk, and the
  run folder's ``responses.jsonl`` written in request order), with a fresh
  cache each round so every request is a miss that gets written.

Each figure is the best of a few rounds, since the machine may be shared. The
ratio is bare answers per second over harness answers per second; the target
is at most 1.25 at 64 in flight.

It then runs the whole of ``iacbench run`` (asking, writing and grading, in a
process of its own) for a number of answers and for four times as many, and
compares their peak resident memory: answers are graded as they are written
and then dropped, and at most a bounded number are asked ahead, so the ratio
should be near 1.

Run it with ``.venv/bin/python benchmarks/overhead.py [--requests N] [--task ID]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import cache  # noqa: E402
from harness.models import make_responders  # noqa: E402
from harness.runner import Outcome, Settings, asked  # noqa: E402
from harness.store import RunStore  # noqa: E402
from harness.tasks import Task, all_tasks  # noqa: E402

LEVELS = (1, 16, 64)
MODEL = "ideal"


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def messages(task: Task) -> list[dict[str, str]]:
    system = [{"role": "system", "content": task.system}] if task.system else []
    return [*system, {"role": "user", "content": task.prompt}]


def bare(url: str, task: Task, requests: int, in_flight: int) -> float:
    # both paths pay for creating their client (about 20 ms)
    start = time.perf_counter()
    client = openai.OpenAI(api_key="unused", base_url=url, max_retries=0)

    def call(sample: int) -> str | None:
        completion = client.chat.completions.create(
            model=MODEL,
            messages=messages(task),  # type: ignore[arg-type]
            temperature=0.0,
            max_tokens=8192,
            seed=sample,
        )
        return completion.choices[0].message.content

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        answers = list(pool.map(call, range(requests)))
    elapsed = time.perf_counter() - start
    assert all(answers), "the server gave an empty answer"
    client.close()
    return requests / elapsed


def harness(url: str, task: Task, requests: int, in_flight: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        cache.configure(Path(folder) / "cache")
        settings = Settings(samples=requests, seed=0, concurrency=in_flight)
        responders = make_responders(
            [f"openai:{MODEL}"], [task], {**vars(settings), "base_url": url}
        )
        store = RunStore(Path(folder) / "run")
        outcome = Outcome(store.directory, {})
        start = time.perf_counter()
        jobs = list(asked([task], responders, settings, store, outcome, None))
        elapsed = time.perf_counter() - start
        store.close()
    assert len(jobs) == requests and not outcome.failed_calls, outcome.problems[:3]
    return requests / elapsed


_PEAK = """
import resource, runpy, sys
sys.argv = ["iacbench", *sys.argv[1:]]
try:
    runpy.run_module("harness.cli", run_name="__main__")
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def peak_memory(url: str, task: Task, answers: int) -> float:
    """Peak resident megabytes of ``iacbench run`` asking ``answers`` answers."""
    with tempfile.TemporaryDirectory() as folder:
        flags = ["--base-url", url, "--model", f"openai:{MODEL}", "--task", task.id]
        flags += ["--samples", str(answers), "--concurrency", "64", "--no-cache"]
        flags += ["--no-report", "--out", str(Path(folder) / "run")]
        done = subprocess.run(
            [sys.executable, "-c", _PEAK, "run", *flags],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "OPENAI_API_KEY": "unused"},
            check=True,
        )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def measure(url: str, task: Task, requests: int, rounds: int) -> list[tuple]:
    best = {(level, path): 0.0 for level in LEVELS for path in PATHS}
    for round_ in range(rounds):
        # alternate which path goes first, so neither always meets a warmer server
        order = list(PATHS) if round_ % 2 == 0 else list(PATHS)[::-1]
        for level in LEVELS:
            count = requests if level > 1 else max(50, requests // 4)
            for path in order:
                rate = PATHS[path](url, task, count, level)
                best[level, path] = max(best[level, path], rate)
    return [(level, best[level, "bare"], best[level, "harness"]) for level in LEVELS]


PATHS = {"bare": bare, "harness": harness}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--memory-answers",
        type=int,
        default=400,
        help="answers in the smaller of the two whole runs measured for memory",
    )
    parser.add_argument(
        "--task",
        default="payment-system",
        help="whose reference the server answers with (default: the largest, 63 KB)",
    )
    args = parser.parse_args()

    task = all_tasks()[args.task]
    process, url = start_server()
    try:
        bare(url, task, 20, 4)  # warm both sides up
        rows = measure(url, task, args.requests, args.rounds)
        small = peak_memory(url, task, args.memory_answers)
        large = peak_memory(url, task, 4 * args.memory_answers)
    finally:
        process.terminate()
        process.wait()

    print(f"{'in flight':>9}  {'bare/s':>8}  {'harness/s':>9}  bare/harness")
    for level, bare_rate, harness_rate in rows:
        target = "  target <= 1.25" if level == 64 else ""
        print(
            f"{level:>9}  {bare_rate:>8.0f}  {harness_rate:>9.0f}"
            f"  {bare_rate / harness_rate:.2f}{target}"
        )
    print(
        f"peak resident memory of a whole run, {4 * args.memory_answers} answers / "
        f"{args.memory_answers}: {large / small:.2f} ({small:.0f} MB, "
        f"{large:.0f} MB)  flat is ~1"
    )


if __name__ == "__main__":
    main()
