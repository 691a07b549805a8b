"""The jsii generator on a small hand-written assembly, and the schema diff."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from harness.provider_schema import diff
from harness.provider_schema.from_jsii import build, load, snake

PAGE = "https://registry.terraform.io/providers/hashicorp/aws/6.1.0/docs"
NS = "@cdktf/provider-aws"


def _arg(name: str, anchor: str, kind: dict[str, Any], **extra: Any) -> dict:
    link = f"{{@link {PAGE}/resources/widget#{anchor} Widget#{anchor}}}"
    return {"name": name, "docs": {"summary": f"Docs: {link}."}, "type": kind, **extra}


def _block(name: str, anchor: str, kind: dict[str, Any], **extra: Any) -> dict:
    link = f"{{@link {PAGE}/resources/widget#{anchor} Widget#{anchor}}}"
    docs = {"summary": f"{anchor} block.", "remarks": f"Docs: {link}"}
    return {"name": name, "docs": docs, "type": kind, **extra}


def _many(fqn: str) -> dict[str, Any]:
    array = {"collection": {"elementtype": {"fqn": fqn}, "kind": "array"}}
    return {"union": {"types": [{"fqn": "cdktf.IResolvable"}, array]}}


def _class(fqn: str, summary: str, config: str, getters: list[str]) -> dict:
    static = {"name": "tfResourceType", "static": True, "const": True}
    return {
        "kind": "class",
        "fqn": fqn,
        "docs": {"summary": summary},
        "initializer": {
            "parameters": [
                {"name": "scope", "type": {"fqn": "constructs.Construct"}},
                {"name": "config", "type": {"fqn": config}},
            ]
        },
        "properties": [static] + [{"name": n} for n in getters],
    }


def _struct(fqn: str, properties: list[dict]) -> dict[str, Any]:
    return {"kind": "interface", "datatype": True, "fqn": fqn, "properties": properties}


STRING = {"primitive": "string"}
WIDGET = f"{NS}.widget"
THING = f"{NS}.dataAwsThing"
ASSEMBLY = {
    "types": {
        f"{WIDGET}.Widget": _class(
            f"{WIDGET}.Widget",
            f"Represents a {{@link {PAGE}/resources/widget aws_widget}}.",
            f"{WIDGET}.WidgetConfig",
            ["createdDate", "dnsARecord", "name", "nameInput", "selfAttribute"],
        ),
        f"{WIDGET}.WidgetConfig": _struct(
            f"{WIDGET}.WidgetConfig",
            [
                _arg("name", "name", STRING),
                _arg("selfAttribute", "self", STRING, optional=True),
                _arg(
                    "ingress",
                    "ingress",
                    _many(f"{WIDGET}.WidgetIngress"),
                    optional=True,
                ),
                _block("rule", "rule", _many(f"{WIDGET}.WidgetRule")),
                _block(
                    "timeouts",
                    "timeouts",
                    {"fqn": f"{WIDGET}.WidgetTimeouts"},
                    optional=True,
                ),
                _block("statement", "statement", {"primitive": "any"}, optional=True),
            ],
        ),
        f"{WIDGET}.WidgetIngress": _struct(
            f"{WIDGET}.WidgetIngress",
            [_arg("fromPort", "from_port", STRING, optional=True)],
        ),
        f"{WIDGET}.WidgetRule": _struct(
            f"{WIDGET}.WidgetRule", [_arg("action", "action", STRING)]
        ),
        f"{WIDGET}.WidgetRuleOutputReference": {
            "kind": "class",
            "fqn": f"{WIDGET}.WidgetRuleOutputReference",
            "properties": [
                {"name": n}
                for n in ["action", "actionInput", "ruleId", "internalValue"]
            ],
        },
        f"{WIDGET}.WidgetTimeouts": _struct(
            f"{WIDGET}.WidgetTimeouts",
            [_arg("create", "create", STRING, optional=True)],
        ),
        f"{THING}.DataAwsThing": _class(
            f"{THING}.DataAwsThing",
            f"Represents a {{@link {PAGE}/data-sources/thing aws_thing}}.",
            f"{THING}.DataAwsThingConfig",
            ["arn", "addressLine1", "name", "nameInput"],
        ),
        f"{THING}.DataAwsThingConfig": _struct(
            f"{THING}.DataAwsThingConfig",
            [_arg("name", "name", STRING, optional=True)],
        ),
        f"{NS}.contact.ContactConfig": _struct(
            f"{NS}.contact.ContactConfig",
            [_arg("addressLine1", "address_line_1", STRING)],
        ),
    }
}

EXPECTED = {
    "provider": "registry.terraform.io/hashicorp/aws",
    "version": "6.1.0",
    "resources": {
        "aws_widget": {
            "a": {
                "created_date": "c",
                "dns_a_record": "c",
                "ingress": "o",
                "name": "r",
                "self": "o",
            },
            "b": {
                "rule": ["", 1, 0, {"a": {"action": "r", "rule_id": "c"}}],
                "statement": ["", 0, 0, {"a": {}, "u": 1}],
                "timeouts": ["", 0, 1, {"a": {"create": "o"}}],
            },
            "o": {"ingress": ["from_port"]},
        }
    },
    "data_sources": {
        "aws_thing": {"a": {"address_line_1": "c", "arn": "c", "name": "o"}},
    },
}


def test_build_reads_types_arguments_blocks_and_exported_attributes() -> None:
    assert build(ASSEMBLY) == EXPECTED


def test_build_refuses_an_assembly_of_two_provider_versions() -> None:
    other = json.loads(
        json.dumps(ASSEMBLY).replace("aws/6.1.0/docs/data", "aws/6.2.0/docs/data")
    )
    with pytest.raises(ValueError, match="expected one AWS provider version"):
        build(other)


def _unversioned() -> dict[str, Any]:
    # older assemblies link the unversioned pages: docs/providers/aws/r/NAME
    text = json.dumps(ASSEMBLY)
    old = "https://www.terraform.io/docs/providers/aws"
    for kind, short in (("resources", "r"), ("data-sources", "d")):
        text = text.replace(f"{PAGE}/{kind}/", f"{old}/{short}/")
    return json.loads(text)


def test_an_assembly_whose_links_carry_no_version_is_given_one() -> None:
    with pytest.raises(ValueError, match="name it with --version"):
        build(_unversioned())
    assert build(_unversioned(), "4.63.0") == {**EXPECTED, "version": "4.63.0"}


def test_a_block_inside_itself_is_not_followed() -> None:
    looped = json.loads(json.dumps(ASSEMBLY))
    rule = looped["types"][f"{WIDGET}.WidgetRule"]
    rule["properties"].append(_block("rule", "rule", _many(f"{WIDGET}.WidgetRule")))
    built = build(looped)["resources"]["aws_widget"]["b"]["rule"][3]
    assert built["b"] == {"rule": ["", 0, 0, {"a": {}, "u": 1}]}


@pytest.mark.parametrize(
    ("camel", "name"),
    [
        ("createdDate", "created_date"),
        ("dnsARecord", "dns_a_record"),
        ("ipv6CidrBlock", "ipv6_cidr_block"),
        ("arn", "arn"),
    ],
)
def test_snake_splits_at_capitals(camel: str, name: str) -> None:
    assert snake(camel) == name


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_load_opens_a_wheel_a_tarball_a_redirect_and_gzip(tmp_path: Path) -> None:
    raw = json.dumps(ASSEMBLY).encode()
    tgz = tmp_path / "provider-aws@1.0.0.jsii.tgz"
    tgz.write_bytes(_tarball({".jsii": raw}))
    wheel = tmp_path / "provider.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pkg/_jsii/provider-aws@1.0.0.jsii.tgz", tgz.read_bytes())
    redirect = json.dumps({"schema": "jsii/file-redirect", "filename": ".jsii.gz"})
    redirected = tmp_path / "redirect.tgz"
    redirected.write_bytes(
        _tarball({".jsii": redirect.encode(), ".jsii.gz": gzip.compress(raw)})
    )
    for path in (tgz, wheel, redirected):
        assert load(path) == ASSEMBLY


OLD = {
    "version": "5.0.0",
    "resources": {
        "aws_gone": {"a": {}},
        "aws_widget": {
            "a": {"name": "r", "stage": "o", "arn": "c", "tags_all": "oc"},
            "b": {"rule": ["list", 0, 1, {"a": {"action": "r"}}]},
        },
    },
    "data_sources": {},
}
NEW = {
    "version": "6.0.0",
    "resources": {
        "aws_new": {"a": {}},
        "aws_widget": {
            "a": {"name": "o", "tags_all": "o"},
            "b": {"rule": ["", 0, 1, {"a": {"action": "r"}}]},
        },
    },
    "data_sources": {},
}


def test_compare_counts_names_kept_and_arguments_removed() -> None:
    found = diff.compare(OLD, NEW)
    assert found.added == {"resources": ["aws_new"], "data_sources": []}
    assert found.removed == {"resources": ["aws_gone"], "data_sources": []}
    assert (found.names_old, found.names_shared, found.kinds_shared) == (6, 4, 3)
    assert found.removed_arguments == ["aws_widget.stage"]


def test_summary_names_versions_and_removals() -> None:
    assert diff.summary(OLD, NEW) == [
        "provider 5.0.0 -> 6.0.0",
        "resources: 2 -> 2, 1 added, 1 removed",
        "  removed: aws_gone",
        "data_sources: 0 -> 0, 0 added, 0 removed",
        "names in shared types: 4 of 6 kept (66.7%)",
        "kept names of the same kind (required, optional, computed, block): 3 (75.0%)",
        "names inside blocks whose contents are not recorded: 0",
        "arguments and blocks removed: 1",
        "  aws_widget.stage",
    ]
