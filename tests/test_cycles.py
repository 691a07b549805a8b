"""Reference cycles Terraform reports, and graphs it accepts."""

from __future__ import annotations

from graders.dependency_circular import cycles, graph
from harness.config.configuration import build


def _cycles(*files: tuple[str, str]) -> list[list[str]]:
    return cycles(graph(build(list(files))))


def test_a_resource_naming_itself_is_a_cycle() -> None:
    text = """
resource "aws_security_group" "self_ref" {
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.self_ref.id]
  }
}
variable "environment" {
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "dev or prod"
  }
}
"""
    assert _cycles(("main.tf", text)) == [["aws_security_group.self_ref"]]


def test_provider_configuration_is_part_of_the_graph() -> None:
    text = """
provider "kubernetes" {
  host = kubernetes_namespace.ns.id
}
resource "kubernetes_namespace" "ns" {
  metadata { name = "app" }
}
"""
    assert _cycles(("main.tf", text)) == [
        ["kubernetes_namespace.ns", "provider.kubernetes"]
    ]


def test_module_depends_on_makes_its_outputs_wait() -> None:
    text = """
resource "aws_s3_bucket" "b" {
  bucket = module.vpc.vpc_id
}
module "vpc" {
  source     = "terraform-aws-modules/vpc/aws"
  depends_on = [aws_s3_bucket.b]
}
"""
    assert _cycles(("main.tf", text)) == [["aws_s3_bucket.b", "module.vpc.vpc_id"]]


def test_outputs_of_modules_without_code_are_not_assumed_to_need_inputs() -> None:
    text = """
module "a" {
  source = "example/a/aws"
  input  = module.b.out
}
module "b" {
  source = "example/b/aws"
  input  = module.a.out
}
"""
    assert _cycles(("main.tf", text)) == []


def test_outputs_of_included_modules_follow_their_code() -> None:
    root = """
module "echo" {
  source = "./modules/echo"
  value  = aws_s3_bucket.b.id
}
resource "aws_s3_bucket" "b" {
  bucket = module.echo.value
}
"""
    child = """
variable "value" {}
output "value" {
  value = var.value
}
"""
    found = _cycles(("main.tf", root), ("modules/echo/main.tf", child))
    assert found == [["aws_s3_bucket.b", "module.echo.value"]]
