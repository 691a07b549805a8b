"""Tasks: a prompt, its constraints, a reference solution and documented flaws.

Each task lives in ``prompts/<id>/task.json``, validated by the JSON Schema that
ships in ``harness/schemas``. The prompt, system prompt and reference solution
are files beside the spec.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from harness.constraints import Constraints
from harness.errors import UserError

PROMPTS_ENV = "IACBENCH_PROMPTS"


@dataclass(frozen=True)
class Flaw:
    """One documented edit of the reference that commits exactly one fault."""

    mode: str
    description: str
    edits: tuple[dict[str, str], ...]


@dataclass
class Task:
    id: str
    title: str
    version: int
    prompt: str
    system: str
    reference: dict[str, str]
    constraints: Constraints
    flaws: tuple[Flaw, ...] = ()
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that determines the task's answers."""
        text = json.dumps([self.version, self.system, self.prompt], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def grading(self) -> str:
        """A short hash of what the answers are graded against: the constraints
        and requirements. A prompt edit leaves it alone."""
        return grading_fingerprint(self.constraints.to_dict())


def grading_fingerprint(constraints: dict[str, Any]) -> str:
    """A short hash of the constraints and requirements answers are graded on."""
    text = json.dumps(constraints, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def prompts_dir() -> Path:
    """Where task folders live: ``$IACBENCH_PROMPTS`` or the project's ``prompts``."""
    configured = os.environ.get(PROMPTS_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "prompts"


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("harness").joinpath(f"schemas/{name}").read_text("utf-8")
    return json.loads(text)


def validate(data: Any, schema: str, where: str) -> None:
    """Validate against a shipped schema; the error names the place and the field."""
    try:
        jsonschema.validate(data, _schema(schema))
    except jsonschema.ValidationError as error:
        field_path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise UserError(f"{where}: {field_path}: {error.message}") from None


def load_task(spec: Path) -> Task:
    """Read and validate one task spec and the files it names."""
    try:
        data = json.loads(spec.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"{spec}: cannot read task spec: {error}") from None
    validate(data, "task.schema.json", str(spec))
    folder = spec.parent
    return Task(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        prompt=_read(folder, data["prompt"], spec),
        system=_read(folder, data["system"], spec) if "system" in data else "",
        reference=_reference_files(folder / data["reference"], spec),
        constraints=Constraints.from_dict(
            {**data["constraints"], "requirements": _requirements(data, spec)}
        ),
        flaws=tuple(
            Flaw(f["mode"], f["description"], tuple(f["edits"]))
            for f in data.get("flaws", ())
        ),
        path=spec,
    )


def _requirements(data: dict[str, Any], spec: Path) -> list[dict[str, Any]]:
    """The task's requirements, each schema checked to be a valid JSON Schema."""
    found = data.get("requirements", [])
    ids = [r["id"] for r in found]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise UserError(f"{spec}: requirement id {duplicate!r} is used twice")
    for requirement in found:
        if "schema" in requirement:
            try:
                jsonschema.Draft202012Validator.check_schema(requirement["schema"])
            except jsonschema.SchemaError as error:
                raise UserError(
                    f"{spec}: requirement {requirement['id']}: the schema "
                    f"is not valid JSON Schema: {error.message}"
                ) from None
    return found


def _read(folder: Path, name: str, spec: Path) -> str:
    try:
        return (folder / name).read_text("utf-8")
    except OSError as error:
        raise UserError(f"{spec}: cannot read {name}: {error.strerror}") from None


def _reference_files(path: Path, spec: Path) -> dict[str, str]:
    if path.is_file():
        return {path.name: path.read_text("utf-8")}
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".tf", ".tfvars"))
        if files:
            return {p.name: p.read_text("utf-8") for p in files}
    raise UserError(f"{spec}: reference {path} holds no .tf files")


def all_tasks(root: Path | None = None) -> dict[str, Task]:
    """Every task under the prompts folder, by id."""
    root = root or prompts_dir()
    specs = sorted(root.glob("*/task.json"))
    if not specs:
        raise UserError(
            f"no tasks found under {root}; set {PROMPTS_ENV} to the "
            "folder holding <task>/task.json"
        )
    tasks = {}
    for spec in specs:
        task = load_task(spec)
        if task.id in tasks:
            raise UserError(f"{spec}: task id {task.id!r} is already used")
        tasks[task.id] = task
    return tasks


def select(tasks: dict[str, Task], wanted: list[str]) -> list[Task]:
    missing = [w for w in wanted if w not in tasks]
    if missing:
        raise UserError(
            f"unknown task {missing[0]!r}; known tasks: {', '.join(sorted(tasks))}"
        )
    return [tasks[w] for w in wanted]
