"""Requirements inferred from the prompts of the shared zero-shot corpus.

Prints how many prompts (per cloud) named a service the table maps to resource
types, and each model's mean coverage of those requirements. Grades the corpus
once (cached afterwards).

Run it with ``.venv/bin/python benchmarks/inferred_requirements.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.constraints import infer  # noqa: E402
from harness.grading import Job, grade_jobs  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "llm-iac-zero-shot.dev.jsonl"


def main() -> int:
    if not CORPUS.exists():
        print(f"no corpus at {CORPUS}")
        return 1
    rows = [json.loads(x) for x in CORPUS.read_text().splitlines()]
    prompts: dict[str, tuple[str, str]] = {r["task_id"]: (r["cloud"], r["prompt"])
                                           for r in rows}
    named: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cloud, prompt in prompts.values():
        named[cloud][1] += 1
        named[cloud][0] += bool(infer(prompt).requirements)
    print("cloud  prompts  with requirements")
    for cloud, (hit, total) in sorted(named.items()):
        print(f"{cloud:<6} {total:>7}  {hit:>17}")
    jobs = [Job(r["task_id"], r["model"], 0, r["response"],
                infer(r["prompt"]).to_dict()) for r in rows]
    coverage: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory():
        for records in grade_jobs(jobs, workers=2):
            for record in records:
                if record["failure_mode"] == "requirements.coverage" and \
                        "coverage" in record:
                    coverage[record["model"]].append(record["coverage"])
    print("\nmodel                   answers judged  mean coverage")
    for model, values in sorted(coverage.items(), key=lambda kv: -sum(kv[1]) /
                                len(kv[1])):
        print(f"{model:<24} {len(values):>13}  {sum(values) / len(values):>13.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
