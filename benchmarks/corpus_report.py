"""What extraction and parsing make of real answers, counted per source.

For the shared zero-shot corpus and the reviewed answers (model and corrected),
prints how many answers had Terraform found, parsed fully, were salvaged block by
block, were cut off, or were written in another infrastructure language. Every
answer is processed; one that made the harness raise is counted and named.

Run it with ``.venv/bin/python benchmarks/corpus_report.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.answer import Answer  # noqa: E402
from harness.languages import detect  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
COLUMNS = (
    "answers",
    "terraform",
    "parsed",
    "salvaged",
    "truncated",
    "other_iac",
    "no_code",
    "raised",
)


def sources() -> Iterator[tuple[str, Iterator[tuple[str, str]]]]:
    zero_shot = CORPUS / "llm-iac-zero-shot.dev.jsonl"
    rows = (json.loads(x) for x in zero_shot.read_text().splitlines())
    yield "zero-shot", ((f"{r['task_id']}/{r['model']}", r["response"]) for r in rows)
    folders = sorted((CORPUS / "rlhf-tf-dev").iterdir())
    for name in ("MODEL_RESPONSE.md", "IDEAL_RESPONSE.md"):
        yield (
            f"reviewed {name}",
            ((f.name, (f / name).read_text("utf-8")) for f in folders),
        )


def classify(text: str) -> set[str]:
    answer = Answer(text)
    files = list(answer.config.all_files())
    found = {"answers"}
    if not files:
        found.add("other_iac" if detect(text) else "no_code")
        return found
    found.add("terraform")
    if answer.extraction.truncated or any(f.tail for f in files):
        found.add("truncated")
    if any(f.salvaged for f in files):
        found.add("salvaged")
    elif all(f.ok for f in files):
        found.add("parsed")
    return found


def main() -> int:
    if not CORPUS.exists():
        print(f"no shared corpus at {CORPUS}")
        return 1
    print(" | ".join(("source", *COLUMNS)))
    raised = []
    for source, items in sources():
        counts: Counter[str] = Counter()
        for key, text in items:
            try:
                counts.update(classify(text))
            except Exception as error:  # noqa: BLE001 - counted and named below
                counts.update({"answers", "raised"})
                raised.append(f"{source} {key}: {type(error).__name__}: {error}")
        print(" | ".join((source, *(str(counts[c]) for c in COLUMNS))))
    for line in raised:
        print("raised:", line)
    return 1 if raised else 0


if __name__ == "__main__":
    sys.exit(main())
