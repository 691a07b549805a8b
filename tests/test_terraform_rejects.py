"""Text the parser accepts but Terraform rejects is a syntax finding, located."""

from __future__ import annotations

import pytest

from harness.answer import Answer
from harness.config.configuration import build

REJECTED = {
    "argument set twice": ('resource "a_b" "c" {\n  x = 1\n  x = 2\n}\n', 3),
    "quoted string over two lines": ('resource "a_b" "c" {\n  x = "ab\ncd"\n}\n', 2),
    "invalid escape": ('resource "a_b" "c" {\n  x = "a\\db"\n}\n', 2),
    "closing brace after an argument": (
        'resource "a_b" "c" {\n  a = 1\n  b = 2 }\n',
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_text_is_an_error_at_its_line(name: str) -> None:
    text, line = REJECTED[name]
    config = build([("main.tf", text)])
    [error] = config.errors
    assert (error.line, error.address) == (line, "a_b.c")
    assert "a_b.c" in config.objects  # still graded on everything else


def test_valid_escapes_and_one_line_blocks_pass() -> None:
    text = 'resource "a_b" "c" { x = "a\\nb \\\\ \\" \\u00e9" }\n'
    assert build([("main.tf", text)]).errors == []


def test_unclosed_block_in_a_closed_fence_is_a_syntax_error_not_a_cut() -> None:
    answer = Answer('```hcl\nresource "a_b" "c" {\n  x = 1\n```\n\nThat is all.\n')
    [parsed] = answer.config.files.values()
    assert parsed.tail is None
    assert [e.address for e in parsed.errors] == ["a_b.c"]
    assert not answer.extraction.truncated


def test_unclosed_block_in_an_open_fence_is_a_cut() -> None:
    answer = Answer('```hcl\nresource "a_b" "c" {\n  x = 1\n')
    [parsed] = answer.config.files.values()
    assert parsed.errors == [] and parsed.tail is not None


def test_mistagged_fence_and_unfenced_prose_tail() -> None:
    mistagged = Answer('```haskell\nresource "a_b" "c" {\n  x = 1\n}\n```\n')
    assert mistagged.config.errors == [] and "a_b.c" in mistagged.config.objects
    unfenced = Answer(
        'Here:\nresource "a_b" "c" {\n  x = 1\n}\n\nThen run '
        "terraform apply -auto-approve\n"
    )
    assert unfenced.config.errors == [] and "a_b.c" in unfenced.config.objects


def test_shell_block_is_not_named_after_a_terraform_file() -> None:
    answer = Answer(
        '**main.tf**\n\n```hcl\nresource "a_b" "c" {}\n```\n\n'
        "To deploy main.tf:\n\n```bash\nterraform apply\n```\n"
    )
    names = [(f.name, f.kind) for f in answer.extraction.files]
    assert names == [("main.tf", "terraform"), ("block-2.sh", "auxiliary")]


def test_empty_fence_is_no_terraform() -> None:
    from graders.syntax_parse import check

    [finding] = check(Answer("```hcl\n```\n"))
    assert finding.message == "no Terraform found"
