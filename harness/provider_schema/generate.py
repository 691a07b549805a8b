"""Build the compact provider schema from ``terraform providers schema -json``.

Regenerate for another provider version in a folder whose configuration
requires the AWS provider at that version:

    terraform init            # or: terraform init -plugin-dir=MIRROR
    terraform providers schema -json > schema.json
    .venv/bin/python -m harness.provider_schema.generate schema.json --version 5.100.0

This step needs a Terraform binary and the provider; it is not part of the
test run. The output replaces ``harness/provider_schema/aws.json.gz``.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"
OUT = Path(__file__).resolve().parent / "aws.json.gz"


def compact_block(block: dict[str, Any]) -> dict[str, Any]:
    attributes, objects = {}, {}
    for name, spec in block.get("attributes", {}).items():
        flags = (
            ("r" if spec.get("required") else "")
            + ("o" if spec.get("optional") else "")
            + ("c" if spec.get("computed") else "")
        )
        attributes[name] = flags
        keys = _object_keys(spec.get("type"))
        if keys is not None:
            objects[name] = sorted(keys)
    blocks = {
        name: [
            nested["nesting_mode"],
            nested.get("min_items", 0),
            nested.get("max_items", 0),
            compact_block(nested["block"]),
        ]
        for name, nested in block.get("block_types", {}).items()
    }
    result: dict[str, Any] = {"a": attributes}
    if blocks:
        result["b"] = blocks
    if objects:
        result["o"] = objects
    return result


def _object_keys(kind: Any) -> list[str] | None:
    """Keys of a list, set or map of objects (attributes settable as blocks)."""
    if isinstance(kind, list) and len(kind) == 2 and kind[0] in ("list", "set", "map"):
        inner = kind[1]
        if isinstance(inner, list) and inner and inner[0] == "object":
            return list(inner[1])
    return None


def build(schema: dict[str, Any], version: str) -> dict[str, Any]:
    provider = schema["provider_schemas"][PROVIDER]
    return {
        "provider": PROVIDER,
        "version": version,
        "resources": {
            t: compact_block(s["block"])
            for t, s in sorted(provider["resource_schemas"].items())
        },
        "data_sources": {
            t: compact_block(s["block"])
            for t, s in sorted(provider["data_source_schemas"].items())
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", type=Path, help="terraform providers schema -json")
    parser.add_argument("--version", required=True, help="the provider version")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    print(write(build(json.loads(args.schema.read_text()), args.version), args.out))


def write(data: dict[str, Any], out: Path) -> str:
    """Write a compact schema as gzipped JSON; say what was written."""
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    out.write_bytes(gzip.compress(payload, mtime=0))
    return (
        f"{out}: {len(data['resources'])} resources, "
        f"{len(data['data_sources'])} data sources, {len(payload):,} bytes "
        f"({out.stat().st_size:,} compressed)"
    )


if __name__ == "__main__":
    main()
