"""Terraform's language rules that schema.validity checks for every provider."""

from __future__ import annotations

from graders import Verdict, by_id, run_grader
from harness.answer import Answer
from tests.conftest import hcl

MODE = "schema.validity"


def messages(text: str) -> list[str]:
    grade = run_grader(by_id(MODE), Answer(hcl(text)), strict=True)
    return sorted(f.message for f in grade.findings)


def test_dynamic_depends_on_is_refused() -> None:
    text = """
resource "google_sql_database_instance" "replica" {
  name = "replica"
  dynamic "depends_on" {
    for_each = var.primary ? [] : [1]
    content {
      value = [google_sql_database_instance.primary]
    }
  }
}
"""
    assert messages(text) == [
        "google_sql_database_instance.replica: dynamic 'depends_on' cannot "
        "generate a meta-argument"
    ]


def test_depends_on_takes_only_static_addresses() -> None:
    text = """
resource "aws_s3_bucket" "logs" {
  bucket     = "logs"
  depends_on = var.ready ? [aws_iam_role.writer] : []
}
resource "aws_s3_bucket" "data" {
  bucket     = "data"
  depends_on = [aws_iam_role.writer.arn]
}
resource "aws_s3_bucket" "splat" {
  bucket     = "splat"
  depends_on = [aws_iam_role.readers[*]]
}
resource "aws_s3_bucket" "ok" {
  bucket     = "ok"
  depends_on = [
    aws_s3_bucket.logs, aws_iam_role.readers[0], module.network,
    module.network.vpc_id, data.aws_region.here, var.ready, local.prerequisites,
  ]
}
"""
    tail = (
        " is not a static list of whole resources, data sources, modules, "
        "variables or locals"
    )
    assert messages(text) == [
        "aws_s3_bucket.data: depends_on = [aws_iam_role.writer.arn]" + tail,
        "aws_s3_bucket.logs: depends_on = var.ready ? [aws_iam_role.writer] : []"
        + tail,
        "aws_s3_bucket.splat: depends_on = [aws_iam_role.readers[*]]" + tail,
    ]


def test_count_with_for_each_and_computed_lifecycle() -> None:
    text = """
resource "aws_s3_bucket" "both" {
  count    = 2
  for_each = toset(["a"])
  bucket   = "x"
}
resource "aws_s3_bucket" "guarded" {
  bucket = "y"
  lifecycle {
    prevent_destroy = var.environment == "prod"
  }
}
"""
    assert messages(text) == [
        "aws_s3_bucket.both: count and for_each are both set",
        'aws_s3_bucket.guarded: lifecycle prevent_destroy = var.environment == '
        '"prod" refers to other values; Terraform needs a literal true or false',
    ]


def test_backend_takes_no_variables() -> None:
    text = """
terraform {
  backend "s3" {
    bucket = "state-${var.environment}"
    key    = "payments.tfstate"
  }
}
resource "aws_s3_bucket" "b" { bucket = "b" }
"""
    assert messages(text) == [
        'backend s3 argument bucket = "state-${var.environment}" uses a '
        "variable or reference, which a backend block cannot"
    ]
    literal = text.replace("state-${var.environment}", "state-prod")
    assert messages(literal) == []


def test_names_declared_twice() -> None:
    text = """
variable "region" { default = "us-east-1" }
variable "region" { default = "eu-west-1" }
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket" "b" { bucket = "c" }
"""
    assert messages(text) == [
        "aws_s3_bucket.b is declared twice (again at line 5)",
        "var.region is declared twice (again at line 3)",
    ]


def test_language_faults_are_judged_without_a_covered_provider() -> None:
    clean = 'resource "google_storage_bucket" "b" { name = "b" }'
    grade = run_grader(by_id(MODE), Answer(hcl(clean)), strict=True)
    assert grade.verdict is Verdict.NOT_APPLICABLE
    twice = clean + "\n" + clean
    grade = run_grader(by_id(MODE), Answer(hcl(twice)), strict=True)
    assert grade.verdict is Verdict.FAIL


def test_provider_meta_arguments_and_computed_required_version() -> None:
    text = """
terraform {
  required_version = var.terraform_version
}
provider "aws" {
  alias    = "regions"
  for_each = toset(["us-east-1", "eu-west-1"])
  region   = each.key
}
resource "aws_s3_bucket" "b" { bucket = "b" }
"""
    assert messages(text) == [
        "provider aws sets for_each, a name Terraform reserves in provider blocks",
        "required_version = var.terraform_version refers to other values; "
        "Terraform reads it before any variable exists",
    ]
