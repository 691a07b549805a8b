"""Valid HCL the parser alone rejects or misreads, and answers in other languages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graders.syntax_parse import check
from harness.answer import Answer
from harness.config.configuration import build
from harness.config.expr import evaluate
from harness.languages import detect

# each snippet is valid Terraform; the comment says which kind of gap it pins
VALID = {
    "heredoc marker followed by spaces": (
        'resource "a_b" "c" {\n  x = <<EOT\nhello\nEOT   \n}\n'
    ),
    "indented heredoc with quotes": (
        'resource "a_b" "c" {\n  x = <<-EOT\n    {"k": "v"}\n  EOT\n}\n'
    ),
    "heredoc as a function argument": (
        'resource "a_b" "c" {\n  x = base64encode(<<-EOT\n    echo "hi"\n'
        "  EOT\n  )\n}\n"
    ),
    "strip markers in a quoted template": (
        'resource "a_b" "c" {\n  x = "a ${~ var.v ~} b"\n}\n'
    ),
    "block comment before a value": 'resource "a_b" "c" {\n  x = /* why */ "p"\n}\n',
    "block comment across lines between blocks": (
        '/* first\n   second */\nresource "a_b" "c" {\n  x = 1\n}\n'
    ),
    "non-ASCII object key": 'resource "a_b" "c" {\n  tags = { Größe = "x" }\n}\n',
    "CRLF line ends": 'resource "a_b" "c" {\r\n  x = <<EOT\r\nhi\r\nEOT\r\n}\r\n',
    "heredoc closing the file without a newline": (
        'resource "a_b" "c" {\n  x = <<EOT\nhi\nEOT\n}'
    ),
    "escaped interpolation and directive": (
        'resource "a_b" "c" {\n  x = "$${a} %%{b}"\n}\n'
    ),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_hcl_parses(name: str) -> None:
    config = build([("main.tf", VALID[name])])
    assert config.errors == [], name
    assert list(config.objects) == ["a_b.c"]


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary")
@pytest.mark.parametrize("name", sorted(VALID))
def test_terraform_agrees_the_snippets_are_valid(name: str, tmp_path: Path) -> None:
    source = tmp_path / "main.tf"
    source.write_bytes(VALID[name].encode())
    result = subprocess.run(
        ["terraform", "fmt", "-no-color", "-"],
        input=source.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()


def test_repaired_values_keep_their_meaning() -> None:
    config = build([("main.tf", VALID["escaped interpolation and directive"])])
    assert evaluate(config.objects["a_b.c"].block.get("x")) == "${a} %{b}"
    config = build([("main.tf", VALID["heredoc marker followed by spaces"])])
    assert evaluate(config.objects["a_b.c"].block.get("x")) == "hello\n"
    config = build([("main.tf", VALID["CRLF line ends"])])
    assert evaluate(config.objects["a_b.c"].block.get("x")) == "hi\n"


def test_strip_marker_references_survive() -> None:
    config = build([("main.tf", VALID["strip markers in a quoted template"])])
    assert config.objects["a_b.c"].references == {"var.v"}


def test_block_on_its_own_line_after_labels_is_rejected() -> None:
    config = build([("main.tf", 'resource "a_b" "c"\n{\n  x = 1\n}\n')])
    assert config.errors and not config.objects


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n"
            "    Type: AWS::S3::Bucket\n",
            "CloudFormation YAML",
        ),
        ('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}', "CloudFormation JSON"),
        (
            "```python\nimport aws_cdk as cdk\nfrom aws_cdk import aws_s3 as s3\n```",
            "AWS CDK",
        ),
        ("```typescript\nimport * as aws from '@pulumi/aws';\n```", "Pulumi"),
        ("resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {}", "Bicep"),
    ],
)
def test_other_languages_are_named(text: str, language: str) -> None:
    assert detect(text) == language
    [finding] = check(Answer(text))
    assert finding.message == f"no Terraform found: looks like {language}"


def test_prose_only_answer_has_no_terraform() -> None:
    [finding] = check(Answer("I cannot help with that request."))
    assert finding.message == "no Terraform found"


@pytest.mark.parametrize(
    ("prompt", "single_file", "allow_modules"),
    [
        ("Organize all the code in a single main.tf file.", "main.tf", True),
        (
            "Everything must be inside a single `main.tf` file (no modules)",
            "main.tf",
            False,
        ),
        ("single file: main.tf or tap_stack.tf, with all the code", "*", True),
        ("Provide a single Terraform configuration file.", "*", True),
        ("Use one file system for shared data.", None, True),
        ("Upload a single file to an S3 bucket.", None, True),
        ("It stores one file per day in S3.", None, True),
        ("Do not put everything in a single file.", None, True),
        ("Use no external modules.", None, True),
        ("The current setup keeps everything in a single state file.", None, True),
    ],
)
def test_single_file_rule_is_inferred_only_when_stated(
    prompt: str, single_file: str | None, allow_modules: bool
) -> None:
    from harness.constraints import infer

    constraints = infer(prompt)
    assert (constraints.single_file, constraints.allow_modules) == (
        single_file,
        allow_modules,
    )
