"""Build the compact provider schema from the jsii assembly of a prebuilt cdktf
provider, for provider versions no Terraform binary here can install.

The PyPI wheel ``cdktf-cdktf-provider-aws`` carries the assembly as a gzipped
npm tarball (``_jsii/provider-aws@V.jsii.tgz``, member ``package/.jsii``); 21.x
of the wheel is generated from AWS provider 6.x:

    pip download cdktf-cdktf-provider-aws==21.22.1 --no-deps -d /tmp/cdktf
    .venv/bin/python -m harness.provider_schema.from_jsii /tmp/cdktf/*.whl

The argument may also be the ``.jsii.tgz``, a gzipped ``.jsii.gz`` or a plain
``.jsii`` file. The output is ``aws-6.json.gz`` beside this file; the run prints
how it differs from the shipped 5.x schema. This step is not part of the tests.

How the assembly is read. Each resource or data source is a class whose summary
links its registry page (``hashicorp/aws/6.25.0/docs/resources/lb_listener``
with the text ``aws_lb_listener``): the link gives the type and the provider
version. The class's config interface lists the arguments; each property's docs
link its anchor (``#stage_name``), which is the Terraform name even where the
property is renamed (``selfAttribute`` is ``self``). A property not optional is
required. A property documented as ``NAME block.`` is a nested block, described
by its own interface; any other property typed as an interface is an argument
whose value is a list or map of objects (recorded under ``o`` with its keys).
Getters of the class (and of a block's output reference class) that are not
arguments are exported attributes, computed by the provider.

What the assembly does not tell, and how it is written:

- the nesting mode (list, set, single) of a block: recorded as ``""``;
- the largest number of a block: a block typed as one object has at most 1;
  one typed as a list is recorded 0, unbounded, even where the provider allows
  at most, say, 10;
- the least number of a block: a required block is recorded 1, even where the
  provider asks for 2;
- whether an optional argument is also computed: recorded ``o``, never ``oc``;
- the names of computed attributes: only arguments link their anchors, so a
  getter is named as the same property is named where it does link one, else
  by splitting it at capitals (``createdDate`` is ``created_date``); a name
  with a digit after an underscore (``foo_2fa``) found only as a computed
  attribute is read wrongly (``foo2fa``);
- the keys of computed attributes that are lists of objects: not recorded;
- the contents of a few deeply nested blocks the assembly types as ``any``
  (``statement`` in a WAFv2 rule, ``definition`` of QuickSight analyses,
  dashboards and templates): recorded as ``"u": 1``, contents not checked, with
  neither a least nor a largest number.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import tarfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from harness.provider_schema import diff
from harness.provider_schema.generate import PROVIDER, write

OUT = Path(__file__).resolve().parent / "aws-6.json.gz"
OLD = Path(__file__).resolve().parent / "aws.json.gz"

PAGE = re.compile(
    r"registry\.terraform\.io/providers/hashicorp/aws/(?P<version>[^/\s]+)"
    r"/docs/(?P<kind>resources|data-sources)/\w+ (?P<type>aws_\w+)\}"
)
# assemblies before 2023 link the unversioned pages, so --version names it
OLD_PAGE = re.compile(
    r"terraform\.io/docs/providers/aws/(?P<kind>r|d)/\w+ (?P<type>aws_\w+)\}"
)
ANCHOR = re.compile(
    r"/docs/(?:resources|data-sources|providers/aws/r|providers/aws/d)/\w+"
    r"#(?P<name>\w+) "
)
KINDS = {
    "resources": "resources",
    "data-sources": "data_sources",
    "r": "resources",
    "d": "data_sources",
}

Types = dict[str, dict[str, Any]]


def load(path: Path) -> dict[str, Any]:
    """The assembly inside a wheel, an npm tarball, a gzip file or as it is."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            names = [n for n in wheel.namelist() if ".jsii" in n]
            if not names:
                raise ValueError(f"{path} holds no jsii assembly")
            return _unpack(names[0], wheel.read(names[0]))
    return _unpack(path.name, path.read_bytes())


def _unpack(name: str, data: bytes) -> dict[str, Any]:
    if name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            assembly = json.loads(_member(tar, ".jsii"))
            if assembly.get("schema") == "jsii/file-redirect":
                target = assembly["filename"]
                return _unpack(target, _member(tar, target))
            return assembly
    if name.endswith(".gz"):
        return json.loads(gzip.decompress(data))
    return json.loads(data)


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    """A file of an npm tarball, whose files are all under ``package/``."""
    try:
        member = tar.extractfile(f"package/{name}")
    except KeyError:
        member = None
    if member is None:
        raise ValueError(f"the tarball holds no package/{name}")
    return member.read()


def build(assembly: dict[str, Any], version: str | None = None) -> dict[str, Any]:
    """The compact schema (``generate.py``'s format) of every type in it;
    ``version`` is the provider's where the assembly's links do not say it."""
    types: Types = assembly["types"]
    tables: dict[str, dict[str, Any]] = {"resources": {}, "data_sources": {}}
    versions: Counter[str] = Counter()
    names = _anchored(types)
    for cls in types.values():
        page = _page(cls, version)
        if page is None:
            continue
        versions[page["version"]] += 1
        config = types.get(_config_fqn(cls), {})
        block = _block(types, names, config, _getters(cls))
        tables[KINDS[page["kind"]]][page["type"]] = block
    if len(versions) != 1 or "" in versions:
        raise ValueError(
            f"expected one AWS provider version, found {dict(versions)}; "
            "name it with --version when the assembly's links do not"
        )
    return {
        "provider": PROVIDER,
        "version": next(iter(versions)),
        "resources": dict(sorted(tables["resources"].items())),
        "data_sources": dict(sorted(tables["data_sources"].items())),
    }


def _page(cls: dict[str, Any], version: str | None) -> dict[str, str] | None:
    """Kind, type and version of a resource or data source class."""
    if cls["kind"] != "class" or "initializer" not in cls:
        return None
    summary = cls["docs"].get("summary", "")
    match = PAGE.search(summary)
    if match:
        return match.groupdict()
    match = OLD_PAGE.search(summary)
    return {**match.groupdict(), "version": version or ""} if match else None


def _config_fqn(cls: dict[str, Any]) -> str:
    """The interface the class's constructor takes as ``config``, if any."""
    params = cls["initializer"].get("parameters", [])
    config = [p["type"].get("fqn", "") for p in params if p["name"] == "config"]
    return str(config[0]) if config else ""


def _getters(cls: dict[str, Any]) -> list[str]:
    """Instance getters of a class, without the ``...Input`` echo of arguments."""
    names = [p["name"] for p in cls.get("properties", []) if not p.get("static")]
    own = set(names)
    return [
        n
        for n in names
        if n != "internalValue" and not (n.endswith("Input") and n[:-5] in own)
    ]


def _anchored(types: Types) -> dict[str, str]:
    """Property name -> Terraform name, for every property that links its anchor.

    cdktf names a Terraform name the same way wherever it occurs, so this also
    names the getters of computed attributes that share a name with an argument
    elsewhere (``addressLine1`` is ``address_line_1``, ``fetchUserData`` is
    ``get_user_data``).
    """
    found: dict[str, str] = {}
    for struct in types.values():
        if struct.get("datatype"):
            for prop in struct.get("properties", []):
                match = ANCHOR.search(_docs(prop))
                if match:
                    found.setdefault(prop["name"], match["name"])
    return found


def _block(
    types: Types,
    names: dict[str, str],
    struct: dict[str, Any],
    getters: list[str],
    within: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One schema block: arguments of the struct, computed attributes, blocks;
    ``within`` holds the structs of the blocks around it."""
    attributes: dict[str, str] = {}
    blocks: dict[str, list[Any]] = {}
    objects: dict[str, list[str]] = {}
    own = set()
    for prop in struct.get("properties", []):
        own.add(prop["name"])
        name = _anchor(prop)
        target = _struct_of(types, prop["type"])
        if _is_block(prop, name):
            blocks[name] = _nested(types, names, prop, target, within)
            continue
        attributes[name] = "o" if prop.get("optional") else "r"
        if target is not None:
            keys = types[target[0]].get("properties", [])
            objects[name] = sorted(_anchor(key) for key in keys)
    for getter in getters:
        if getter not in own:
            attributes.setdefault(names.get(getter) or snake(getter), "c")
    result: dict[str, Any] = {"a": dict(sorted(attributes.items()))}
    if blocks:
        result["b"] = dict(sorted(blocks.items()))
    if objects:
        result["o"] = dict(sorted(objects.items()))
    return result


def _nested(
    types: Types,
    names: dict[str, str],
    prop: dict[str, Any],
    target: tuple[str, bool] | None,
    within: frozenset[str],
) -> list[Any]:
    """``[nesting, least, largest, contents]`` of a nested block; the nesting
    mode is not in the assembly."""
    # typed ``any``, or a struct inside itself (older assemblies reuse a name
    # for deep blocks): what the block holds is not recorded
    if target is None or target[0] in within:
        return ["", 0, 0, {"a": {}, "u": 1}]
    fqn, many = target
    reference = types.get(f"{fqn}OutputReference", {})
    contents = _block(types, names, types[fqn], _getters(reference), within | {fqn})
    return ["", 0 if prop.get("optional") else 1, 0 if many else 1, contents]


def _anchor(prop: dict[str, Any]) -> str:
    """The Terraform name a property's docs link to, else its own name."""
    match = ANCHOR.search(_docs(prop))
    return match["name"] if match else snake(prop["name"])


def _docs(prop: dict[str, Any]) -> str:
    docs = prop.get("docs", {})
    return f"{docs.get('summary', '')} {docs.get('remarks', '')}"


def _is_block(prop: dict[str, Any], name: str) -> bool:
    return str(prop.get("docs", {}).get("summary", "")).strip() == f"{name} block."


def _struct_of(types: Types, kind: dict[str, Any]) -> tuple[str, bool] | None:
    """The struct a property holds and whether it holds many, if it holds one."""
    if "fqn" in kind:
        found = types.get(kind["fqn"], {})
        return (kind["fqn"], False) if found.get("datatype") else None
    if "collection" in kind:
        inner = _struct_of(types, kind["collection"]["elementtype"])
        return (inner[0], True) if inner else None
    for option in kind.get("union", {}).get("types", []):
        inner = _struct_of(types, option)
        if inner:
            return inner
    return None


def snake(name: str) -> str:
    """``createdDate`` -> ``created_date``, ``dnsARecord`` -> ``dns_a_record``."""
    return re.sub(r"(?<=.)([A-Z])", r"_\1", name).lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assembly", type=Path, help="wheel, .jsii.tgz, .gz or .jsii")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--against", type=Path, default=OLD, help="schema to diff")
    parser.add_argument(
        "--version", help="the provider version, for assemblies that do not say it"
    )
    args = parser.parse_args()
    data = build(load(args.assembly), args.version)
    print(write(data, args.out))
    old = json.loads(gzip.decompress(args.against.read_bytes()))
    print("\n".join(diff.summary(old, data)))


if __name__ == "__main__":
    main()
