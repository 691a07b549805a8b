"""network.wiring sees database rules by CIDR even when the CIDR is computed."""

from __future__ import annotations

from graders import by_id, run_grader
from harness.answer import Answer
from tests.conftest import hcl

DATABASE = """
variable "vpc_cidr" {}
resource "aws_vpc" "main" { cidr_block = var.vpc_cidr }
resource "aws_security_group" "app" { name = "app" }
resource "aws_security_group" "db" {
  name = "db"
  ingress {
    from_port = 5432
    to_port   = 5432
    protocol  = "tcp"
    SOURCE
  }
}
resource "aws_db_instance" "main" {
  engine                 = "postgres"
  vpc_security_group_ids = [aws_security_group.db.id]
}
"""


def messages(source: str) -> list[str]:
    text = DATABASE.replace("SOURCE", source)
    grade = run_grader(by_id("network.wiring"), Answer(hcl(text)), strict=True)
    return [f.message for f in grade.findings]


def test_a_computed_vpc_block_is_still_a_cidr_rule() -> None:
    assert messages("cidr_blocks = [aws_vpc.main.cidr_block]") == [
        "aws_security_group.db (of aws_db_instance.main) admits "
        "[aws_vpc.main.cidr_block] instead of the application's security group"
    ]


def test_the_application_group_as_source_passes() -> None:
    assert messages("security_groups = [aws_security_group.app.id]") == []
