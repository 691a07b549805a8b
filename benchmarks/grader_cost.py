"""What each failure mode's grader costs, against parsing the same answers.

Over the shared corpus when present (else the tasks' references and their
flawed answers), in one process and one run:

* parse every answer (extraction, parsing, the configuration model);
* time each grader over every parsed answer, and report milliseconds per answer
  and the cost as a share of parsing;
* time loading the shipped provider schema once, against parsing the corpus.

Target: the provider-facing modes (``schema.validity`` and
``deploy.constraints``) together cost at most half as much as parsing, and the
schema loads in less time than parsing the corpus takes.

Run it with ``.venv/bin/python benchmarks/grader_cost.py``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders import REGISTRY, run_grader  # noqa: E402
from harness.answer import Answer  # noqa: E402
from harness.config import parse  # noqa: E402
from harness.constraints import infer  # noqa: E402
from harness.models.reference import render  # noqa: E402
from harness.provider_schema import SHIPPED, load  # noqa: E402
from harness.tasks import all_tasks  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PROVIDER_MODES = ("schema.validity", "deploy.constraints")


def answers() -> list[Answer]:
    zero_shot = CORPUS / "llm-iac-zero-shot.dev.jsonl"
    found = []
    if zero_shot.exists():
        for line in zero_shot.read_text("utf-8").splitlines():
            record = json.loads(line)
            found.append(Answer(record["response"], infer(record["prompt"])))
    for folder in sorted((CORPUS / "rlhf-tf-dev").glob("*")):
        prompt = (folder / "PROMPT.md").read_text("utf-8")
        response = (folder / "MODEL_RESPONSE.md").read_text("utf-8")
        found.append(Answer(response, infer(prompt)))
    if not found:
        for task in all_tasks().values():
            found.append(Answer(render(task.reference), task.constraints))
    return found


def main() -> int:
    batch = answers()
    load_schemas()  # warm-up so the first grader is not charged the load

    parse._MEMORY.clear()
    start = time.perf_counter()
    for answer in batch:
        _ = answer.config
    parsing = time.perf_counter() - start

    costs = {}
    for grader in REGISTRY:
        start = time.perf_counter()
        for answer in batch:
            run_grader(grader, answer)
        costs[grader.id] = time.perf_counter() - start

    load.cache_clear()
    start = time.perf_counter()
    load_schemas()
    loading = time.perf_counter() - start

    per = 1000 / len(batch)
    print(f"{len(batch)} answers; parsing {parsing * per:.2f} ms per answer\n")
    print(f"{'grader':<24} {'ms/answer':>10} {'share of parsing':>17}")
    for mode, seconds in sorted(costs.items(), key=lambda kv: -kv[1]):
        print(f"{mode:<24} {seconds * per:>10.3f} {seconds / parsing:>17.2f}")
    provider = sum(costs[m] for m in PROVIDER_MODES) / parsing
    print(f"\nprovider-facing modes / parsing: {provider:.2f} (target <= 0.50)")
    print(
        f"schema load (every version) {loading:.2f} s once per process / parsing "
        f"the batch {parsing:.2f} s: {loading / parsing:.2f} (target < 1)"
    )
    return 0 if provider <= 0.5 and loading < parsing else 1


def load_schemas() -> None:
    for data_file in SHIPPED.values():
        load(data_file)


if __name__ == "__main__":
    sys.exit(main())
