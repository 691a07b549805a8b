"""The cases reduced from public bug reports, each asserting its expected values."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders import by_id, run_grader
from graders.dependency_circular import cycles, graph
from harness.answer import Answer
from harness.config.configuration import Configuration, build
from harness.config.expr import document, literal_view
from tests.conftest import SHARED, load_json

CASES = sorted(SHARED.glob("cases/*.expected.json")) if SHARED.exists() else []
KIND_PREFIX = {
    "resources": "",
    "data_sources": "",
    "variables": "var.",
    "outputs": "output.",
    "providers": "provider.",
    "modules": "module.",
}
KIND_OF = {
    "resources": "resource",
    "data_sources": "data",
    "variables": "variable",
    "outputs": "output",
    "providers": "provider",
    "modules": "module",
}
# expectations that belong to graders not built yet, with the reason
# what each expected finding kind means in terms of a grader's messages
FINDING_KINDS = {
    "iam_full_wildcard": ("iam.least_privilege", "allows every action ('*')"),
    "iam_action_wildcard": ("iam.least_privilege", " action ('"),
}


def _ids(paths: list[Path]) -> list[str]:
    return [p.name.split(".")[0] for p in paths]


def _load(case: Path) -> tuple[dict, str]:
    expected = load_json(case)
    return expected, (case.parent / expected["input"]).read_text("utf-8")


def _config(expected: dict, text: str) -> tuple[Configuration, Answer | None]:
    if expected["input"].endswith(".md"):
        answer = Answer(text)
        return answer.config, answer
    return build([(expected["input"], text)]), None


def _declared(config: Configuration, kind: str) -> list[str]:
    return sorted(o.address for o in config.of_kind(KIND_OF[kind]))


def _normalise(kind: str, names: list[str]) -> list[str]:
    prefix = KIND_PREFIX[kind]
    out = []
    for name in names:
        name = (
            name.replace("variable.", "var.", 1)
            if name.startswith("variable.")
            else name
        )
        out.append(name if name.startswith(prefix) else prefix + name)
    return sorted(out)


def value_at(config: Configuration, dotted: str) -> object:
    parts = dotted.split(".")
    if parts[0] == "terraform":
        block = next(b for b in config.blocks if b.type == "terraform")
        return literal_view(block.get(parts[1]))
    if parts[0] == "variable":
        block = config.objects[f"var.{parts[1]}"].block
        return literal_view(block.get(parts[2]))
    block = config.objects[".".join(parts[:2])].block
    return literal_view(block.get(parts[2]))


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_declared_objects(case: Path) -> None:
    expected, text = _load(case)
    config, _ = _config(expected, text)
    if expected.get("parses"):
        assert config.errors == []
    for kind in KIND_PREFIX:
        if kind in expected:
            assert _declared(config, kind) == _normalise(kind, expected[kind])


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_values_references_and_cycles(case: Path) -> None:
    expected, text = _load(case)
    config, _ = _config(expected, text)
    for dotted, value in expected.get("values", {}).items():
        assert value_at(config, dotted) == value, dotted
    if "references" in expected:
        assert config.reference_map() == expected["references"]
    for name in expected.get("not_references", ()):
        for refs in config.reference_map().values():
            assert not any(r == name or r.startswith(name + ".") for r in refs)
    if "cycles" in expected:
        assert cycles(graph(config)) == expected["cycles"]
    if "policy_json" in expected:
        address = next(iter(expected["values"])).rsplit(".", 1)[0]
        policy = config.objects[address].block.get("policy")
        assert document(policy) == expected["policy_json"]


def _flagged_as(kind: str, config_text: str, name: str) -> list[str]:
    mode, marker = FINDING_KINDS[kind]
    answer = Answer(f"```hcl\n{config_text}\n```\n")
    grade = run_grader(by_id(mode), answer, strict=True)
    return sorted(f.address or "" for f in grade.findings if marker in f.message)


FINDING_CASES = [c for c in CASES if {"findings", "not_findings"} & set(load_json(c))]


@pytest.mark.parametrize("case", FINDING_CASES, ids=_ids(FINDING_CASES))
def test_expected_findings(case: Path) -> None:
    expected, text = _load(case)
    for kind, items in expected.get("findings", {}).items():
        assert _flagged_as(kind, text, case.name) == sorted(i["address"] for i in items)
    for kind, addresses in expected.get("not_findings", {}).items():
        assert not set(addresses) & set(_flagged_as(kind, text, case.name))


ACM_CASES = [c for c in CASES if "acm" in load_json(c)]


@pytest.mark.parametrize("case", ACM_CASES, ids=_ids(ACM_CASES))
def test_certificate_wiring(case: Path) -> None:
    expected, text = _load(case)
    config, _ = _config(expected, text)
    for address, want in expected["acm"].items():
        block = config.objects[address].block
        domains = [value_at(config, f"{address}.domain_name")]
        domains += value_at(config, f"{address}.subject_alternative_names") or []
        validations = sorted(
            o.address
            for o in config.resources("aws_acm_certificate_validation")
            if address in o.references
        )
        records = sorted(
            o.address
            for o in config.resources("aws_route53_record")
            if address in o.references
        )
        assert (
            value_at(config, f"{address}.validation_method")
            == want["validation_method"]
        )
        assert domains == want["domains"] and block is not None
        assert validations == want["validated_by"]
        assert records == want["validation_records"]
    grade = run_grader(
        by_id("tls.certificate"), Answer(f"```hcl\n{text}\n```\n"), strict=True
    )
    assert grade.findings == []


MARKDOWN = [c for c in CASES if load_json(c)["input"].endswith(".md")]


@pytest.mark.parametrize("case", MARKDOWN, ids=_ids(MARKDOWN))
def test_markdown_extraction(case: Path) -> None:
    expected, text = _load(case)
    answer = Answer(text)
    extraction, want = answer.extraction, expected["extraction"]
    assert extraction.truncated == want["truncated"]
    terraform = [b for b in extraction.blocks if b.is_terraform]
    if "fenced_blocks" in want:
        assert len(extraction.blocks) == len(want["fenced_blocks"])
        for block, spec in zip(extraction.blocks, want["fenced_blocks"], strict=True):
            assert block.lang == spec["lang"]
            if "terraform" in spec:
                assert block.is_terraform == spec["terraform"]
            if "first_line" in spec:
                assert block.first_line == spec["first_line"]
            if "closed" in spec:
                assert block.closed == spec["closed"]
    if isinstance(want["terraform_blocks"], int):
        assert len(terraform) == want["terraform_blocks"]
    else:
        _assert_named_blocks(terraform, want["terraform_blocks"])
    for spec in want.get("excluded_blocks", ()):
        block = next(b for b in extraction.blocks if b.lang == spec["lang"])
        assert not block.is_terraform and block.first_line == spec["first_line"]


def _assert_named_blocks(blocks: list, specs: list[dict]) -> None:
    assert len(blocks) == len(specs)
    for block, spec in zip(blocks, specs, strict=True):
        assert (block.lang, block.name) == (spec["lang"], spec["filename"])
        assert spec["filename_from"].startswith(block.name_from)


@pytest.mark.parametrize("case", MARKDOWN, ids=_ids(MARKDOWN))
def test_truncated_answers_keep_complete_blocks(case: Path) -> None:
    expected, text = _load(case)
    config = Answer(text).config
    if "recoverable_resources" in expected:
        assert _declared(config, "resources") == expected["recoverable_resources"]
    if "incomplete_block" in expected:
        tails = [f.tail.address for f in config.all_files() if f.tail]
        assert tails == [expected["incomplete_block"]]
