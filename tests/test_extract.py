"""Answer extraction: which blocks are Terraform, their names, merges, cut-offs."""

from __future__ import annotations

from harness.extract import extract

FENCE = "```"


def test_same_name_blocks_merge_and_full_repeats_replace() -> None:
    answer = (
        f'{FENCE}hcl\n# main.tf\nresource "a_b" "one" {{}}\n{FENCE}\n\n'
        f'Also add:\n\n{FENCE}hcl\n# main.tf\nresource "a_b" "two" {{}}\n{FENCE}\n\n'
        f'Full version:\n\n{FENCE}hcl\n# main.tf\nresource "a_b" "one" {{}}\n'
        f'resource "a_b" "two" {{}}\nresource "a_b" "three" {{}}\n{FENCE}\n'
    )
    extraction = extract(answer)
    [main] = extraction.files
    assert main.blocks == [2]
    assert main.text.count("resource") == 3
    assert extraction.notes == [
        "block 2 is merged into main.tf",
        "block 3 repeats main.tf in full and replaces the earlier version",
    ]


def test_several_files_in_one_fence_are_split() -> None:
    answer = (
        f'{FENCE}hcl\n# main.tf\nresource "a_b" "c" {{\n  x = 1\n}}\n\n'
        f'# variables.tf\nvariable "v" {{}}\n\n# lambda.py\ndef handler(e, c):\n'
        f"    return e\n{FENCE}\n"
    )
    files = {f.name: f.kind for f in extract(answer).files}
    assert files == {
        "main.tf": "terraform",
        "variables.tf": "terraform",
        "lambda.py": "auxiliary",
    }


def test_description_comments_do_not_split_a_file() -> None:
    answer = (
        f'{FENCE}hcl\nresource "a_b" "c" {{}}\n\n'
        f'# main.tf - the rest of the stack\nresource "a_b" "d" {{}}\n{FENCE}\n'
    )
    assert [f.name for f in extract(answer).files] == ["main.tf"]


def test_label_before_block_outranks_first_line_comment() -> None:
    answer = f"### tap_stack.tf\n\n{FENCE}hcl\n# lib/tap_stack.tf - stack\n{FENCE}\n"
    [block] = extract(answer).blocks
    assert (block.name, block.name_from) == ("tap_stack.tf", "heading")


def test_numbered_list_item_names_the_block_after_it() -> None:
    answer = (
        f"1. VPC module (./modules/vpc/main.tf):\n\n{FENCE}hcl\n"
        f'resource "aws_vpc" "v" {{}}\n{FENCE}\n\n'
        f"- Root module, `main.tf`:\n\n{FENCE}hcl\n"
        f'module "vpc" {{ source = "./modules/vpc" }}\n{FENCE}\n'
    )
    names = [(b.name, b.name_from) for b in extract(answer).blocks]
    assert names == [("./modules/vpc/main.tf", "heading"), ("main.tf", "heading")]


def test_untagged_hcl_and_unfenced_answers_are_terraform() -> None:
    untagged = extract(f'{FENCE}\nresource "a_b" "c" {{}}\n{FENCE}\n')
    assert [b.kind for b in untagged.blocks] == ["terraform"]
    bare = extract('Sure:\nresource "a_b" "c" {\n  x = 1\n}\n')
    assert not bare.fenced
    assert bare.files[0].text.startswith('resource "a_b"')


def test_tfvars_and_other_languages_are_kept_apart() -> None:
    answer = (
        f'{FENCE}tfvars\nenvironment = "prod"\n{FENCE}\n\n'
        f'{FENCE}json\n{{"a": 1}}\n{FENCE}\n\n{FENCE}bash\nterraform init\n{FENCE}\n'
    )
    kinds = [(f.name, f.kind) for f in extract(answer).files]
    assert kinds == [
        ("terraform.tfvars", "tfvars"),
        ("block-2.json", "auxiliary"),
        ("block-3.sh", "auxiliary"),
    ]


def test_tilde_fences_and_unclosed_fences() -> None:
    closed = extract('~~~hcl\nresource "a_b" "c" {}\n~~~\n')
    assert closed.blocks[0].closed and not closed.truncated
    cut = extract(f'{FENCE}hcl\nresource "a_b" "c" {{\n')
    assert cut.truncated and not cut.blocks[0].closed


def test_example_files_are_shown_not_loaded() -> None:
    answer = (
        f"**terraform.tfvars.example**\n\n{FENCE}hcl\n"
        f'bucket_name = "YOUR_BUCKET_NAME"\n{FENCE}\n\n'
        f"{FENCE}hcl\n# backend.tf.sample\nterraform {{\n  backend \"s3\" {{}}\n}}\n"
        f"{FENCE}\n\n**terraform.tfvars**\n\n"
        f'{FENCE}hcl\nregion = "us-east-1"\n{FENCE}\n'
    )
    files = {f.name: f.kind for f in extract(answer).files}
    assert files == {
        "terraform.tfvars.example": "auxiliary",
        "backend.tf.sample": "auxiliary",
        "terraform.tfvars": "tfvars",
    }
