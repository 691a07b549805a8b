"""Policies built with dynamic statements and for expressions are read whole."""

from __future__ import annotations

from graders import by_id, run_grader
from harness.answer import Answer
from tests.conftest import hcl

POLICIES = """
locals {
  grants = { data = ["s3:GetObject"], logs = ["logs:CreateLogStream"] }
  tables = ["dynamodb:GetItem"]
}
data "aws_iam_policy_document" "by_grant" {
  dynamic "statement" {
    for_each = local.grants
    iterator = grant
    content {
      actions   = grant.value
      resources = ["arn:aws:s3:::payments/*"]
    }
  }
}
resource "aws_iam_policy" "tables" {
  name = "tables"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      for action in local.tables :
      { Effect = "Allow", Action = action, Resource = "arn:aws:dynamodb:*:*:table/x" }
    ]
  })
}
"""


def messages(text: str) -> list[str]:
    answer = Answer(hcl(text))
    grade = run_grader(by_id("iam.least_privilege"), answer, strict=True)
    return sorted(f.message for f in grade.findings)


def test_scoped_dynamic_and_for_policies_pass() -> None:
    assert messages(POLICIES) == []


def test_wildcards_inside_dynamic_and_for_policies_are_found() -> None:
    wide = POLICIES.replace('"s3:GetObject"', '"s3:*"').replace(
        '"dynamodb:GetItem"', '"dynamodb:*"'
    )
    wide = wide.replace('"arn:aws:s3:::payments/*"', '"*"').replace(
        '"arn:aws:dynamodb:*:*:table/x"', '"*"'
    )
    assert messages(wide) == [
        "aws_iam_policy.tables allows every dynamodb action ('dynamodb:*') on "
        "every resource ('*')",
        "data.aws_iam_policy_document.by_grant allows every s3 action ('s3:*') on "
        "every resource ('*')",
    ]
