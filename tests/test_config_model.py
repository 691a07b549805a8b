"""The normalised configuration: references with scope, values, both block forms."""

from __future__ import annotations

from harness.answer import Answer
from harness.config.configuration import build
from harness.config.expr import UNKNOWN, Opaque, Step, Traversal, document, evaluate


def _config(text: str):
    return build([("main.tf", text)])


def test_iterators_and_builtins_are_not_references() -> None:
    config = _config("""
resource "aws_security_group" "web" {
  name = "web-${count.index}-${path.module}-${terraform.workspace}"
  count = length(var.names)
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
      cidr_blocks = [for c in local.cidrs : c if c != each.key]
    }
  }
  provisioner "local-exec" {
    command = "echo ${self.id}"
  }
  lifecycle {
    ignore_changes = [tags]
  }
}
""")
    assert config.reference_map()["aws_security_group.web"] == [
        "local.cidrs",
        "var.names",
        "var.ports",
    ]


def test_dynamic_label_is_the_default_iterator() -> None:
    config = _config("""
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = aws_subnet.private
    content { cidr_blocks = [ingress.value.cidr_block] }
  }
}
""")
    assert config.reference_map()["aws_security_group.web"] == ["aws_subnet.private"]


def test_heredoc_interpolations_are_references_but_escapes_are_not() -> None:
    config = _config("""
resource "aws_iam_policy" "read" {
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "${aws_s3_bucket.data.arn}/*"}]}
POLICY
  description = "literal $${not.a_reference} and %%{ also_not }"
}
""")
    read = config.objects["aws_iam_policy.read"]
    assert read.references == {"aws_s3_bucket.data"}
    assert evaluate(read.block.get("description")) == (
        "literal ${not.a_reference} and %{ also_not }"
    )
    policy = document(read.block.get("policy"))
    resource = policy["Statement"][0]["Resource"]
    assert resource == "${aws_s3_bucket.data.arn}/*"


def test_jsonencode_policy_is_data_with_opaque_leaves() -> None:
    config = _config("""
resource "aws_iam_role_policy" "p" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["sqs:SendMessage"],
                   Resource = aws_sqs_queue.dlq.arn }]
  })
}
""")
    policy = document(config.objects["aws_iam_role_policy.p"].block.get("policy"))
    statement = policy["Statement"][0]
    assert statement["Action"] == ["sqs:SendMessage"]
    assert statement["Resource"] == Opaque("aws_sqs_queue.dlq.arn")


def test_block_and_attribute_forms_read_alike() -> None:
    config = _config("""
resource "aws_security_group" "blocks" {
  ingress {
    from_port = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "attrs" {
  ingress = [{ from_port = 443, cidr_blocks = ["0.0.0.0/0"] }]
}
""")
    for name in ("blocks", "attrs"):
        rules = config.objects[f"aws_security_group.{name}"].block.nested("ingress")
        assert [evaluate(r.get("from_port")) for r in rules] == [443]
        assert evaluate(rules[0].get("cidr_blocks")) == ["0.0.0.0/0"]


def test_scope_resolves_defaults_locals_and_environment_maps() -> None:
    config = _config("""
variable "environment" { default = "dev" }
locals {
  sizing = { dev = { count = 1 }, prod = { count = 3 } }
  env    = local.sizing[var.environment]
}
resource "aws_ecs_service" "api" { desired_count = local.env.count }
""")
    count = config.objects["aws_ecs_service.api"].block.get("desired_count")
    assert evaluate(count) is UNKNOWN
    assert evaluate(count, config.scope()) == 1
    assert evaluate(count, config.scope({"environment": "prod"})) == 3


def test_module_outputs_are_separate_from_the_module() -> None:
    config = _config("""
module "a" { input = module.b.out }
module "b" { input = module.a.out }
""")
    assert config.reference_map() == {
        "module.a": ["module.b.out"],
        "module.b": ["module.a.out"],
    }


def test_child_module_folders_are_separate_configurations() -> None:
    config = build(
        [
            ("main.tf", 'module "db" { source = "./modules/db" }'),
            ("modules/db/main.tf", 'resource "aws_db_instance" "x" {}'),
        ]
    )
    assert list(config.objects) == ["module.db"]
    assert list(config.children) == ["modules/db"]
    assert list(config.children["modules/db"].objects) == ["aws_db_instance.x"]


def test_one_broken_block_does_not_hide_the_rest() -> None:
    config = _config("""
resource "aws_s3_bucket" "ok_before" { bucket = "a" }
resource "aws_s3_bucket" "broken" { bucket = = "b" }
resource "aws_s3_bucket" "ok_after" { bucket = "c" }
""")
    assert sorted(config.objects) == [
        "aws_s3_bucket.ok_after",
        "aws_s3_bucket.ok_before",
    ]
    [error] = config.errors
    assert (error.line, error.address) == (3, "aws_s3_bucket.broken")


def test_crlf_and_unicode_names_parse() -> None:
    text = 'resource "aws_s3_bucket" "b" {\r\n  tags = { Größe = "x" }\r\n}\r\n'
    tags = build([("main.tf", text)]).objects["aws_s3_bucket.b"].block.get("tags")
    assert evaluate(tags) == {"Größe": "x"}


def test_tfvars_values_override_defaults_and_follow_the_environment() -> None:
    answer = Answer(
        "```hcl\n# main.tf\n"
        'variable "size" { default = "small" }\n'
        'variable "tier" { default = "basic" }\n```\n\n'
        '```hcl\n# terraform.tfvars\nsize = "medium"\n```\n\n'
        '```hcl\n# envs/prod.tfvars\nsize = "large"\ntier = "premium"\n```\n'
    )
    config = answer.config
    size = Traversal(root="var", steps=(Step("attr", "size"),))
    tier = Traversal(root="var", steps=(Step("attr", "tier"),))
    assert config.scope().lookup(size) == "medium"
    assert config.scope().lookup(tier) == "basic"
    prod = config.scope(workspace="prod")
    assert (prod.lookup(size), prod.lookup(tier)) == ("large", "premium")
    assert config.scope({"size": "tiny"}, workspace="prod").lookup(size) == "tiny"
