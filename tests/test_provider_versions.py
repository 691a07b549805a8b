"""Version constraints, the schema each selects, and schema.validity by version."""

from __future__ import annotations

import pytest

from graders import by_id, run_grader
from graders.schema_validity import aws_constraint
from harness.answer import Answer
from harness.provider_schema import SHIPPED, aws, aws_for, load
from harness.provider_schema.versions import (
    Clause,
    ConstraintError,
    admits,
    admits_major,
    parse,
    version,
)
from tests.conftest import hcl


def test_parse_reads_every_operator_and_the_parts_written() -> None:
    assert parse("~> 5.0, >=5.1.2, < 6, != 5.3.0-beta1, =5, 5.4") == [
        Clause("~>", (5, 0, 0, 1, ""), 2),
        Clause(">=", (5, 1, 2, 1, ""), 3),
        Clause("<", (6, 0, 0, 1, ""), 1),
        Clause("!=", (5, 3, 0, 0, "beta1"), 3),
        Clause("=", (5, 0, 0, 1, ""), 1),
        Clause("=", (5, 4, 0, 1, ""), 2),
    ]


@pytest.mark.parametrize(
    "text", ["", "latest", "~> 5.x", ">= 5.0.0.1", "=> 5.0", "5.0,", "v5.0"]
)
def test_parse_refuses_what_terraform_refuses(text: str) -> None:
    with pytest.raises(ConstraintError):
        parse(text)


def test_version_refuses_a_constraint() -> None:
    assert version("6.25.0") == (6, 25, 0, 1, "")
    with pytest.raises(ConstraintError, match="is a constraint, not a version"):
        version(">= 6.0")


@pytest.mark.parametrize(
    ("constraint", "candidate", "expected"),
    [
        ("~> 5.0", "5.100.0", True),
        ("~> 5.0", "6.0.0", False),
        ("~> 5.0", "6.0.0-beta1", False),
        ("~> 5.0.1", "5.0.9", True),
        ("~> 5.0.1", "5.1.0", False),
        ("~> 5.0.1", "5.0.0", False),
        # a major version alone reads as "~> 5.0", as Terraform reads it
        ("~> 5", "5.99.1", True),
        ("~> 5", "6.0.0", False),
        (">= 5.0", "6.25.0", True),
        (">= 5.0, < 6.0", "6.0.0", False),
        ("> 5.100.0", "5.100.0", False),
        ("<= 5.100", "5.100.0", True),
        ("= 6.25.0", "6.25.0", True),
        ("6.25", "6.25.1", False),
        (">= 6, != 6.25.0", "6.25.0", False),
        (">= 6.0.0-beta1", "6.0.0", True),
    ],
)
def test_admits(constraint: str, candidate: str, expected: bool) -> None:
    assert admits(constraint, candidate) is expected


@pytest.mark.parametrize(
    ("constraint", "major", "expected"),
    [
        ("~> 5.0", 5, True),
        ("~> 5.0", 6, False),
        (">= 5.0", 6, True),
        ("~> 6.0", 5, False),
        ("~> 6.0.0", 6, True),
        (">= 6", 6, True),
        ("< 6.0.0", 6, False),
        ("<= 6.0.0", 6, True),
        ("> 5.0, < 6.0.0-rc1", 6, False),
        ("= 6.0.0, != 6.0.0", 6, False),
        (">= 6.0.0, < 6.0.1, != 6.0.0", 6, False),
        (">= 6.0.0, < 6.0.2, != 6.0.0", 6, True),
        ("> 6.0.0, < 6.0.1", 6, False),
        ("~> 4.0", 5, False),
        ("~> 5", 6, False),
        ("~> 5", 5, True),
    ],
)
def test_admits_major(constraint: str, major: int, expected: bool) -> None:
    assert admits_major(constraint, major) is expected


def test_each_shipped_schema_records_the_version_it_is_filed_under() -> None:
    assert list(SHIPPED) == ["4.63.0", "5.100.0", "6.25.0"]
    for number, data_file in SHIPPED.items():
        assert load(data_file).version == number


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (None, "6.25.0"),
        ("~> 5.0", "5.100.0"),
        (">= 5.0, < 6.0", "5.100.0"),
        ("~> 5.100.0", "5.100.0"),
        (">= 5.0", "6.25.0"),
        ("~> 6.0", "6.25.0"),
        (">= 6", "6.25.0"),
        ("~> 6.0.0", "6.25.0"),
        ("~> 4.0", "4.63.0"),
        (">= 3.0, < 5.0", "4.63.0"),
        ("~> 3.0", "4.63.0"),
        (">= 7.0", "5.100.0"),
        ("not a constraint", "5.100.0"),
    ],
)
def test_aws_for_picks_the_newest_major_version_admitted(
    constraint: str | None, expected: str
) -> None:
    assert aws_for(constraint).version == expected


def test_each_schema_loads_once() -> None:
    assert aws_for("~> 6.0") is aws_for(">= 5.0") is aws_for(None)
    assert aws_for("~> 5.0") is aws()
    assert load.cache_info().currsize <= len(SHIPPED)
    assert aws_for("~> 4.0") is aws_for("~> 4.10")


FOUR_AND_FIVE = """
resource "aws_db_instance" "name_removed_in_5" {
  name              = "payments"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
}
"""


def test_arguments_5_removed_pass_only_against_provider_4() -> None:
    assert _grade(_pinned("~> 4.0", FOUR_AND_FIVE)) == ("pass", "4.63.0", [])
    verdict, version, messages = _grade(_pinned("~> 5.0", FOUR_AND_FIVE))
    assert (verdict, version) == ("fail", "5.100.0")
    assert messages == [
        "aws_db_instance.name_removed_in_5: aws_db_instance: the AWS provider "
        "5.100.0 has no argument name"
    ]


def test_provider_4_counts_what_later_4_x_releases_may_add() -> None:
    # 4.63.0 is not the last 4.x: what 5.100.0 has is known, never required
    text = """
resource "aws_vpclattice_service" "from_5" {
  name = "svc"
}
resource "aws_db_instance" "argument_from_5" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  db_name           = "payments"
  dedicated_log_volume = true
}
resource "aws_not_a_thing" "x" {}
"""
    verdict, version, messages = _grade(_pinned("~> 4.0", text))
    assert (verdict, version) == ("fail", "4.63.0")
    assert [m.split(":")[0] for m in messages] == ["aws_not_a_thing.x"]


def _pinned(constraint: str, body: str) -> str:
    pin = (
        "terraform {\n  required_providers {\n    aws = {\n"
        f'      source  = "hashicorp/aws"\n      version = "{constraint}"\n'
        "    }\n  }\n}\n"
    )
    return hcl(pin + body)


DEPLOYMENT = """
resource "aws_api_gateway_rest_api" "api" {
  name = "api"
}

resource "aws_api_gateway_deployment" "stage_name_removed_in_6" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = "prod"
}

output "url" {
  value = aws_api_gateway_deployment.stage_name_removed_in_6.invoke_url
}
"""


def _grade(text: str) -> tuple[str, str, list[str]]:
    grade = run_grader(by_id("schema.validity"), Answer(text), strict=True)
    messages = sorted(f.message for f in grade.findings)
    return grade.verdict.value, grade.details["aws_provider"], messages


def test_stage_name_on_a_deployment_fails_only_against_provider_6() -> None:
    address = "aws_api_gateway_deployment.stage_name_removed_in_6"
    assert _grade(_pinned("~> 6.0", DEPLOYMENT)) == (
        "fail",
        "6.25.0",
        [
            f"{address}: aws_api_gateway_deployment: the AWS provider 6.25.0 "
            "has no argument stage_name",
            f"output.url reads {address}.invoke_url, which "
            "aws_api_gateway_deployment does not export in the AWS provider 6.25.0",
        ],
    )
    assert _grade(_pinned("~> 5.0", DEPLOYMENT)) == ("pass", "5.100.0", [])


def test_a_block_the_data_does_not_record_is_not_judged_inside() -> None:
    acl = """
resource "aws_wafv2_web_acl" "statement_contents_unrecorded" {
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  rule {
    name     = "rate"
    priority = 1
    action {
      block {}
    }
    statement {
      anything_at_all = 1
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate"
      sampled_requests_enabled   = true
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "acl"
    sampled_requests_enabled   = true
  }
}
"""
    assert _grade(_pinned("~> 6.0", acl)) == ("pass", "6.25.0", [])


def _constraint(text: str) -> str | None:
    return aws_constraint(Answer(hcl(text)).config)


def test_aws_constraint_reads_required_providers_by_source_or_name() -> None:
    shorthand = 'terraform {\n required_providers {\n aws = "~> 6.0"\n }\n}'
    assert _constraint(shorthand) == "~> 6.0"
    renamed = (
        "terraform {\n required_providers {\n"
        ' amazon = { source = "hashicorp/aws", version = ">= 6" }\n'
        ' random = { source = "hashicorp/random", version = "~> 3.0" }\n'
        " }\n}"
    )
    assert _constraint(renamed) == ">= 6"
    legacy = 'provider "aws" {\n region = "us-east-1"\n version = "~> 5.0"\n}'
    assert _constraint(legacy) == "~> 5.0"
    assert _constraint('provider "aws" {\n region = "us-east-1"\n}') is None


def test_aws_constraint_joins_every_module_constraint() -> None:
    pin = 'terraform {{\n required_providers {{\n aws = {{ version = "{}" }}\n }}\n}}\n'
    text = (
        f"**main.tf**\n\n```hcl\n{pin.format('>= 5.0')}"
        'module "net" {\n  source = "./modules/net"\n}\n```\n\n'
        f"**modules/net/versions.tf**\n\n```hcl\n{pin.format('< 6.0')}```\n"
    )
    assert aws_constraint(Answer(text).config) == ">= 5.0, < 6.0"
