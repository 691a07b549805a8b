"""Recognise answers written in an infrastructure language other than Terraform."""

from __future__ import annotations

import re

# (language, pattern); the first that matches names the language
_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "CloudFormation YAML",
        re.compile(
            r"^AWSTemplateFormatVersion:|^Resources:\s*$[\s\S]*?Type:\s*['\"]?AWS::",
            re.M,
        ),
    ),
    (
        "CloudFormation JSON",
        re.compile(r"\"AWSTemplateFormatVersion\"|\"Type\"\s*:\s*\"AWS::"),
    ),
    ("AWS CDK", re.compile(r"aws_cdk|aws-cdk-lib|@aws-cdk/|new\s+cdk\.\w+|cdk\.Stack")),
    ("CDK for Terraform", re.compile(r"cdktf|TerraformStack")),
    ("Pulumi", re.compile(r"import\s+pulumi|@pulumi/|pulumi\.\w+\(|Pulumi\.yaml")),
    ("Bicep", re.compile(r"^\s*resource\s+\w+\s+'Microsoft\.[\w./]+@", re.M)),
    (
        "ARM template JSON",
        re.compile(r"schema\.management\.azure\.com|\"Microsoft\.\w+/"),
    ),
    ("Ansible", re.compile(r"^\s*-?\s*hosts:\s*\S+[\s\S]*?tasks:", re.M)),
    (
        "Kubernetes YAML",
        re.compile(r"^apiVersion:\s*\S+\s*\n(?:.*\n)*?kind:\s*\w+", re.M),
    ),
    (
        "Google Deployment Manager",
        re.compile(
            r"^resources:\s*\n\s*-\s*name:[\s\S]*?type:\s*"
            r"(?:compute|gcp-types)",
            re.M,
        ),
    ),
)


def detect(text: str) -> str | None:
    """The infrastructure language the text looks like, or None."""
    for name, pattern in _SIGNATURES:
        if pattern.search(text):
            return name
    return None
