"""One model answer, taken apart once and shared by every grader."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from harness.config.configuration import Configuration, build
from harness.constraints import Constraints
from harness.extract import Extraction, extract


@dataclass
class Answer:
    """A response to grade, with its extraction and configuration built lazily."""

    response: str
    constraints: Constraints = field(default_factory=Constraints)
    task_id: str = ""
    model: str = ""
    sample: int = 0
    finish_reason: str | None = None

    @cached_property
    def extraction(self) -> Extraction:
        return extract(self.response)

    @cached_property
    def config(self) -> Configuration:
        files = [
            f for f in self.extraction.files if f.kind == "terraform" and f.text.strip()
        ]
        cut = {f.name for f in files if f.may_be_cut}
        tfvars = [(f.name, f.text) for f in self.extraction.files if f.kind == "tfvars"]
        return build([(f.name, f.text) for f in files], cut=cut, tfvars=tfvars)
