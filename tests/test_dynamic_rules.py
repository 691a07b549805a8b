"""Rules written as dynamic blocks are expanded over their collection."""

from __future__ import annotations

from tests.conftest import flagged, hcl

DYNAMIC_OPEN = """
locals {
  admin_ports = [22, 3389]
}
resource "aws_security_group" "dynamic_admin_ports" {
  name = "bastion"
  dynamic "ingress" {
    for_each = local.admin_ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"""

DYNAMIC_PRIVATE = """
resource "aws_security_group" "dynamic_private" {
  name = "app"
  dynamic "ingress" {
    for_each = { https = 443, api = 8443 }
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}
"""


def test_dynamic_rules_open_to_the_world_are_flagged_per_element() -> None:
    assert flagged("network.exposure", hcl(DYNAMIC_OPEN)) == [
        "aws_security_group.dynamic_admin_ports",
        "aws_security_group.dynamic_admin_ports",
    ]


def test_dynamic_rules_on_private_ranges_pass() -> None:
    assert flagged("network.exposure", hcl(DYNAMIC_PRIVATE)) == []


def test_dynamic_rules_over_unknown_collections_are_not_judged() -> None:
    unknown = DYNAMIC_OPEN.replace("local.admin_ports", "var.ports").replace(
        "locals {\n  admin_ports = [22, 3389]\n}", 'variable "ports" {}'
    )
    assert flagged("network.exposure", hcl(unknown)) == []
