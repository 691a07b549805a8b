"""The shipped provider schema against real deployed Terraform and the references."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders import by_id, run_grader
from harness.answer import Answer
from harness.provider_schema import aws
from harness.tasks import all_tasks
from tests.conftest import deployed_folders

FINALS = deployed_folders()
# deployed code the schema rejects, each with the reason it is still rejected
EXPLAINED: dict[str, set[str]] = {}


# deployed code pinned to the AWS provider 6.x (">= 5.0" or "~> 6.0"); the rest
# pin "~> 5.0" and are judged against 5.100.0
ON_6 = {
    "Pr1299", "Pr8144", "Pr8396", "Pr8607", "Pr8633", "Pr8672", "Pr8709",
    "Pr9006", "Pr9061", "Pr9080", "Pr9083", "Pr9280", "Pr9285", "Pr9290",
    "Pr9328", "Pr9349",
}  # fmt: skip
# deployed code that only calls modules the corpus does not hold: no AWS type
# to judge, so no schema is chosen
NO_AWS_TYPES = {"Pr8640", "Pr8808"}


def _grade(files: dict[str, str]) -> tuple[set[str], str | None]:
    text = "\n".join(
        f"**{name}**\n\n```hcl\n{body}\n```\n" for name, body in files.items()
    )
    grade = run_grader(by_id("schema.validity"), Answer(text), strict=True)
    return {f.message for f in grade.findings}, grade.details.get("aws_provider")


def _findings(files: dict[str, str]) -> set[str]:
    return _grade(files)[0]


def test_schema_records_its_provider_version() -> None:
    schema = aws()
    assert schema.version == "5.100.0"
    assert "aws_db_instance" in schema.resources
    assert "aws_iam_policy_document" in schema.data_sources


@pytest.mark.parametrize("task", sorted(all_tasks()))
def test_every_reference_is_valid_against_the_schema(task: str) -> None:
    assert _findings(all_tasks()[task].reference) == set()


@pytest.mark.parametrize("folder", FINALS, ids=[p.name for p in FINALS])
def test_deployed_terraform_is_valid_against_the_schema(folder: Path) -> None:
    files = {
        p.name: p.read_text("utf-8") for p in sorted((folder / "final").glob("*.tf"))
    }
    assert _grade(files) == (EXPLAINED.get(folder.name, set()), _pinned(folder.name))


def _pinned(folder: str) -> str | None:
    if folder in NO_AWS_TYPES:
        return None
    return "6.25.0" if folder in ON_6 else "5.100.0"


def test_an_attribute_after_a_dynamic_index_inside_try_is_not_judged() -> None:
    head = """
data "aws_security_group" "g" {
  for_each = toset(var.ids)
  id       = each.value
}
"""
    guarded = (
        "locals { r = [for k in var.ids : "
        "try(data.aws_security_group.g[k].ingress, [])] }"
    )
    bare = "locals { r = [for k in var.ids : data.aws_security_group.g[k].ingress] }"
    literal = 'locals { r = try(data.aws_security_group.g["a"].ingress, []) }'
    message = (
        "local.r reads data.aws_security_group.g.ingress, which "
        "aws_security_group does not export in the AWS provider 6.25.0"
    )
    assert _findings({"main.tf": head + guarded}) == set()
    assert _findings({"main.tf": head + bare}) == {message}
    assert _findings({"main.tf": head + literal}) == {message}


def test_computed_names_split_at_digits_are_the_same_name() -> None:
    text = """
resource "aws_s3_object" "o" {
  bucket = "b"
  key    = "k"
}
output "sum" { value = aws_s3_object.o.checksum_crc32c }
output "bad" { value = aws_s3_object.o.checksum_crc99 }
output "squashed" { value = aws_s3_object.o.versionid }
"""
    assert _findings({"main.tf": text}) == {
        "output.bad reads aws_s3_object.o.checksum_crc99, which aws_s3_object "
        "does not export in the AWS provider 6.25.0",
        "output.squashed reads aws_s3_object.o.versionid, which aws_s3_object "
        "does not export in the AWS provider 6.25.0",
    }
