"""Terraform itself as the oracle for the language rules schema.validity checks.

Runs ``terraform validate`` on each snippet when a Terraform binary and a local
copy of the AWS provider are present (``IACBENCH_TF_PLUGIN_DIR``, default
``/opt/tf-plugins``), and checks that Terraform rejects exactly the snippets the
grader flags. Skipped elsewhere: neither is needed to use iacbench.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graders import by_id, run_grader
from harness.answer import Answer
from tests.conftest import hcl

PLUGINS = Path(os.environ.get("IACBENCH_TF_PLUGIN_DIR", "/opt/tf-plugins"))
pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None or not PLUGINS.is_dir(),
    reason="no terraform binary or provider copy",
)

BASE = """
variable "flag" { default = true }
variable "items" { default = [] }
locals { names = ["a"] }
data "aws_region" "here" {}
module "network" { source = "./network" }
resource "aws_s3_bucket" "logs" { bucket = "logs" }
resource "aws_s3_bucket" "many" {
  count  = 2
  bucket = "many-${count.index}"
}
"""

SNIPPETS = {
    "dynamic_depends_on": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n'
        '  dynamic "depends_on" {\n    for_each = [1]\n'
        "    content { value = [] }\n  }\n}\n",
    ),
    "depends_on_variable": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n'
        "  depends_on = var.items\n}\n",
    ),
    "depends_on_attribute": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n'
        "  depends_on = [aws_s3_bucket.logs.arn]\n}\n",
    ),
    "depends_on_splat": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n'
        "  depends_on = [aws_s3_bucket.many[*]]\n}\n",
    ),
    "depends_on_whole_objects": (
        False,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n  depends_on = [\n'
        "    aws_s3_bucket.logs, aws_s3_bucket.many[0], data.aws_region.here,\n"
        "    module.network, module.network.id, var.flag, local.names,\n  ]\n}\n",
    ),
    "count_and_for_each": (
        True,
        'resource "aws_s3_bucket" "x" {\n  count = 1\n'
        '  for_each = toset(["a"])\n  bucket = "x"\n}\n',
    ),
    "computed_prevent_destroy": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n'
        "  lifecycle { prevent_destroy = var.flag }\n}\n",
    ),
    "declared_twice": (
        True,
        'resource "aws_s3_bucket" "logs" { bucket = "again" }\n',
    ),
    "counted_provider": (
        True,
        'provider "aws" {\n  alias  = "copies"\n  count  = 2\n'
        '  region = "us-west-2"\n}\n',
    ),
    "computed_required_version": (
        True,
        'terraform {\n  required_version = var.flag ? ">= 1.0" : ">= 1.5"\n}\n',
    ),
    "unquoted_word": (
        True,
        'resource "aws_s3_bucket" "x" {\n  bucket = logs\n}\n',
    ),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("validate")
    (folder / "network").mkdir()
    (folder / "network" / "main.tf").write_text('output "id" { value = "n" }\n')
    (folder / "providers.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }'
        '\n  }\n}\nprovider "aws" { region = "us-east-1" }\n'
    )
    (folder / "main.tf").write_text(BASE)
    _terraform(folder, "init", f"-plugin-dir={PLUGINS}", "-input=false")
    return folder


def _terraform(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1"}
    return subprocess.run(
        ["terraform", *args, "-no-color"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_terraform_rejects_what_the_grader_flags(workdir: Path, name: str) -> None:
    rejected, snippet = SNIPPETS[name]
    (workdir / "main.tf").write_text(BASE + snippet)
    result = _terraform(workdir, "validate")
    assert (result.returncode != 0) is rejected, result.stdout + result.stderr

    answer = Answer(hcl(BASE + snippet))
    language = [
        f
        for mode in ("schema.validity", "references.undefined")
        for f in run_grader(by_id(mode), answer, strict=True).findings
        if any(
            mark in f.message
            for mark in ("aws_s3_bucket.x", "twice", "provider aws sets", "required_v")
        )
    ]
    assert bool(language) is rejected, [f.message for f in language]
