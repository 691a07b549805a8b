"""A compact schema of the AWS provider: resource and data source types with
their arguments, nested blocks and exported attributes, shipped as data.

``generate.py`` beside this file builds it from ``terraform providers schema
-json`` output; the provider version it came from is recorded in the data.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

DATA_FILE = "aws.json.gz"


@dataclass(frozen=True)
class BlockSchema:
    """Arguments (name -> flags ``r``, ``o``, ``c``), nested blocks and object
    attributes written as blocks (name -> their keys)."""

    attributes: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, tuple[str, int, int, BlockSchema]] = field(default_factory=dict)
    objects: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderSchema:
    name: str
    version: str
    prefix: str
    resources: dict[str, BlockSchema]
    data_sources: dict[str, BlockSchema]


def _block(raw: dict[str, Any]) -> BlockSchema:
    return BlockSchema(
        attributes=dict(raw.get("a", {})),
        blocks={
            name: (nesting, low, high, _block(inner))
            for name, (nesting, low, high, inner) in raw.get("b", {}).items()
        },
        objects={name: frozenset(keys) for name, keys in raw.get("o", {}).items()},
    )


@cache
def aws() -> ProviderSchema:
    """The shipped AWS provider schema (loaded once, on first use)."""
    data = resources.files(__package__).joinpath(DATA_FILE).read_bytes()
    raw = json.loads(gzip.decompress(data))
    return ProviderSchema(
        name=raw["provider"],
        version=raw["version"],
        prefix="aws_",
        resources={t: _block(b) for t, b in raw["resources"].items()},
        data_sources={t: _block(b) for t, b in raw["data_sources"].items()},
    )
