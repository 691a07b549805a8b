"""Runs out to Hugging Face datasets, and tasks in from them.

A run exports as one row per answer (its text, its verdict on every failure
mode and its findings) in Parquet, with a dataset card describing the fields
and the failure modes. Tasks load from a local Parquet, CSV or JSON Lines file,
or from a dataset on the hub when online, through a column mapping such as
``id=task_id,prompt=prompt,reference=reference``.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from graders import catalog
from harness.constraints import infer
from harness.errors import UserError
from harness.report import load_run
from harness.tasks import Task

_FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json"}


def export_run(run_folder: Path, target: Path) -> Path:
    """Write the run as ``data.parquet`` and a ``README.md`` card; return the file."""
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()  # the command prints what it wrote
    run = load_run(run_folder)
    modes = run.board["modes"]
    rows = []
    for key in sorted(run.grades):
        model, task, sample = key
        verdicts = {r["failure_mode"]: r for r in run.grades[key]}
        rows.append(
            {
                "task_id": task,
                "model": model,
                "sample": sample,
                "response": run.responses.get(key, ""),
                **{
                    _column(m): verdicts[m]["verdict"] if m in verdicts else None
                    for m in modes
                },
                "findings": json.dumps(
                    [
                        {"failure_mode": m, **f}
                        for m, r in verdicts.items()
                        for f in r.get("findings", [])
                    ]
                ),
            }
        )
    if not rows:
        raise UserError(f"{run_folder} has no graded answers to export")
    target.mkdir(parents=True, exist_ok=True)
    data = target / "data.parquet"
    Dataset.from_list(rows).to_parquet(str(data))
    (target / "README.md").write_text(
        _card(run_folder.name, modes, len(rows)), encoding="utf-8"
    )
    return data


def _column(mode: str) -> str:
    return mode.replace(".", "__")


def _card(name: str, modes: list[str], count: int) -> str:
    entries = catalog()
    lines = [
        "---",
        "license: other",
        "tags: [terraform, infrastructure-as-code, llm-evaluation]",
        "---",
        "",
        f"# iacbench run {name}",
        "",
        f"{count} model answer{'' if count == 1 else 's'} to "
        "infrastructure-as-code tasks, graded by iacbench on documented failure "
        "modes. One row per answer.",
        "",
        "## Fields",
        "",
        "- `task_id`, `model`, `sample`: which answer this is.",
        "- `response`: the model's answer, as text (never executed).",
        "- `findings`: JSON list of findings (`failure_mode`, `message`, `file`, "
        "`line`, `address`, `hint`).",
        "- one column per failure mode (dots written as `__`), holding `pass`, "
        "`fail`, `not_applicable` or `error`.",
        "",
        "## Failure modes",
        "",
    ]
    for mode in modes:
        entry = entries.get(mode, {})
        lines.append(
            f"- `{_column(mode)}` ({entry.get('severity', '?')}): "
            f"{entry.get('checks', '')}"
        )
    return "\n".join(lines) + "\n"


def push(folder: Path, name: str) -> None:
    """Publish an exported folder to the hub; says plainly why when it cannot."""
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    if not token:
        raise UserError(
            f"cannot push to {name}: set HF_TOKEN to a write token; the "
            f"dataset is saved in {folder}"
        )
    from datasets import Dataset

    try:
        Dataset.from_parquet(str(folder / "data.parquet")).push_to_hub(
            name, token=token
        )
    except Exception as error:  # noqa: BLE001 - network and auth failures vary
        raise UserError(
            f"cannot push to {name}: {type(error).__name__}: "
            f"{str(error)[:200]}; the dataset is saved in {folder}"
        ) from None


def parse_mapping(text: str) -> dict[str, str]:
    """``id=task_id,prompt=question`` into a field-to-column mapping; the
    prompt is read from ``prompt`` unless another column is named."""
    mapping = {"prompt": "prompt"}
    for part in filter(None, (p.strip() for p in text.split(","))):
        field, _, column = part.partition("=")
        if field not in ("id", "prompt", "reference", "title") or not column:
            raise UserError(
                f"--columns {part!r}: use id=, prompt=, reference= or "
                "title= followed by a column name"
            )
        mapping[field] = column
    return mapping


def load_tasks(source: str, mapping: dict[str, str]) -> list[Task]:
    """Tasks from a local file (Parquet, CSV, JSON Lines) or a hub dataset."""
    rows = _rows(source)
    if not rows:
        raise UserError(f"{source} holds no rows; each row is one task")
    if "id" not in mapping:
        mapping = {**mapping, **_id_column(rows[0])}
    missing = [c for c in mapping.values() if c not in rows[0]]
    if missing:
        raise UserError(
            f"{source} has no column {missing[0]!r}; columns: "
            f"{', '.join(sorted(rows[0]))}"
        )
    tasks = [_task(row, index, mapping) for index, row in enumerate(rows)]
    _refuse_repeated_ids(source, tasks, mapping.get("id"))
    return tasks


def _id_column(row: dict[str, Any]) -> dict[str, str]:
    """A column that names tasks, when the source has one by a usual name."""
    found = next((c for c in ("task_id", "id") if c in row), None)
    return {"id": found} if found else {}


def _refuse_repeated_ids(source: str, tasks: list[Task], column: str | None) -> None:
    """Two rows with one id would overwrite each other's answers and grades."""
    rows: dict[str, list[int]] = {}
    for index, task in enumerate(tasks):
        rows.setdefault(task.id, []).append(index + 1)
    repeated = {i: r for i, r in rows.items() if len(r) > 1}
    if repeated:
        task_id, where = next(iter(repeated.items()))
        raise UserError(
            f"{source}: column {column!r} repeats the id {task_id!r} (rows "
            f"{', '.join(map(str, where[:5]))})"
            + (
                f" and {len(repeated) - 1} other ids repeat too"
                if len(repeated) > 1
                else ""
            )
            + "; map --columns id= to a column of unique values, or leave id out "
            "to number the rows"
        )


def _rows(source: str) -> list[dict[str, Any]]:
    from datasets import load_dataset
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()
    path = Path(source)
    if path.is_file() and not path.read_bytes().strip():
        return []  # an empty file: the loaders would fail on it in their own words
    try:
        if path.exists():
            kind = _FORMATS.get(path.suffix.lower())
            if kind is None:
                raise UserError(f"{source}: use a .parquet, .csv, .json or .jsonl file")
            data = load_dataset(kind, data_files=str(path), split="train")
        else:
            # its retries would each log a warning; the error below says it once
            logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
            data = load_dataset(source, split="train")
    except UserError:
        raise
    except StopIteration:  # what the loaders raise for an empty file
        return []
    except ValueError as error:
        if "corresponds to no data" in str(error):  # a header and no rows
            return []
        raise UserError(f"cannot load tasks from {source}: {error}") from None
    except Exception as error:  # noqa: BLE001 - the hub may be unreachable
        raise UserError(
            f"cannot load tasks from {source}: {type(error).__name__}: "
            f"{str(error)[:200]}"
        ) from None
    return [dict(row) for row in data]


def _task(row: dict[str, Any], index: int, mapping: dict[str, str]) -> Task:
    raw = row[mapping["prompt"]]
    if raw is None or not str(raw).strip():
        raise UserError(
            f"row {index + 1} has no prompt in column {mapping['prompt']!r}; "
            "every task needs one"
        )
    prompt = str(raw)
    task_id = str(row[mapping["id"]]) if "id" in mapping else f"row-{index}"
    reference = row.get(mapping["reference"]) if "reference" in mapping else None
    return Task(
        id=task_id,
        title=str(row[mapping["title"]]) if "title" in mapping else task_id,
        version=1,
        prompt=prompt,
        system="",
        reference={"main.tf": str(reference)} if reference else {},
        constraints=infer(prompt),
    )
