"""references.undefined on unquoted words and interpolations of nothing."""

from __future__ import annotations

from graders import by_id, run_grader
from harness.answer import Answer
from tests.conftest import hcl


def messages(text: str) -> list[str]:
    grade = run_grader(by_id("references.undefined"), Answer(hcl(text)), strict=True)
    return [f.message for f in grade.findings]


def test_shell_variable_in_a_heredoc_is_reported_once_with_the_escape() -> None:
    text = """
resource "aws_instance" "web" {
  ami       = "ami-0123456789abcdef0"
  user_data = <<-EOT
    curl -o tf.zip https://releases.example.com/${VERSION}/tf.zip
    echo "installed ${VERSION}"
  EOT
}
"""
    assert messages(text) == [
        "aws_instance.web: user_data interpolates ${VERSION}, a reference to "
        "nothing Terraform knows"
    ]
    escaped = text.replace("${VERSION}", "$${VERSION}")
    assert messages(escaped) == []


def test_the_top_folder_as_a_module_source_is_there() -> None:
    def root(env: str) -> str:
        return (
            f'**environments/{env}/main.tf**\n\n```hcl\nprovider "aws" {{}}\n'
            'module "app" {\n  source = "../../"\n}\n```\n\n'
        )

    top = '**main.tf**\n\n```hcl\nresource "aws_s3_bucket" "b" {}\n```\n\n'
    answer = top + root("dev") + root("prod")
    grade = run_grader(by_id("references.undefined"), Answer(answer), strict=True)
    assert [f.message for f in grade.findings] == []
    missing = answer.replace('"../../"', '"../../app"')
    grade = run_grader(by_id("references.undefined"), Answer(missing), strict=True)
    message = (
        "module.app uses the local source '../../app', which the answer does not "
        "contain"
    )
    # one for each root that calls it
    assert [(f.file, f.message) for f in grade.findings] == [
        ("environments/dev/main.tf", message),
        ("environments/prod/main.tf", message),
    ]
