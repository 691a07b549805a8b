"""A compact schema of the AWS provider: resource and data source types with
their arguments, nested blocks and exported attributes, shipped as data.

Three versions ship: 5.100.0, the last 5.x and the default, built by
``generate.py`` from ``terraform providers schema -json``; 6.25.0 and 4.63.0,
built by ``from_jsii.py`` from the cdktf provider's jsii assembly. Each records
the version it came from. ``aws_for`` picks the one a ``required_providers``
version constraint would install. 4.63.0 is not the last 4.x (4.67.0 is), so
for 4.x what 5.100.0 has and 4.63.0 lacks counts as known and optional: the
versions between may have added it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from harness.provider_schema.versions import ConstraintError, admits_major

DATA_FILE = "aws.json.gz"
# each shipped schema by the provider version it records, oldest first
SHIPPED = {
    "4.63.0": "aws-4.json.gz",
    "5.100.0": DATA_FILE,
    "6.25.0": "aws-6.json.gz",
}
# shipped schemas older than the last release of their major version
NOT_LAST = frozenset({"4.63.0"})


@dataclass(frozen=True)
class BlockSchema:
    """Arguments (name -> flags ``r``, ``o``, ``c``), nested blocks (name ->
    nesting mode, least and largest number, 0 for no limit, and contents) and
    object attributes written as blocks (name -> their keys). ``unchecked``
    marks a block whose contents the data does not record (``"u": 1``)."""

    attributes: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, tuple[str, int, int, BlockSchema]] = field(default_factory=dict)
    objects: dict[str, frozenset[str]] = field(default_factory=dict)
    unchecked: bool = False


@dataclass(frozen=True)
class ProviderSchema:
    name: str
    version: str
    prefix: str
    resources: Mapping[str, BlockSchema]
    data_sources: Mapping[str, BlockSchema]


def _block(raw: dict[str, Any]) -> BlockSchema:
    return BlockSchema(
        attributes=dict(raw.get("a", {})),
        blocks={
            name: (nesting, low, high, _block(inner))
            for name, (nesting, low, high, inner) in raw.get("b", {}).items()
        },
        objects={name: frozenset(keys) for name, keys in raw.get("o", {}).items()},
        unchecked=bool(raw.get("u")),
    )


def aws() -> ProviderSchema:
    """The default AWS provider schema, 5.100.0 (loaded once, on first use)."""
    return load(DATA_FILE)


def aws_for(constraint: str | None) -> ProviderSchema:
    """The schema of the provider version a ``version`` constraint would install.

    Terraform installs the newest version a constraint admits, so this is the
    newest shipped major version the constraint admits some release of
    (``>= 5.0`` and ``~> 6.0`` admit 6.x; ``~> 5.0`` does not). With no
    constraint Terraform installs the newest release, so the newest shipped
    schema applies. A constraint that admits only older releases (``~> 3.0``)
    gets the oldest shipped schema, widened; one Terraform would refuse gets
    the default.
    """
    if constraint is None:
        return load(SHIPPED[list(SHIPPED)[-1]])
    try:
        admitted = [v for v in SHIPPED if admits_major(constraint, _major(v))]
    except ConstraintError:
        return aws()
    if not admitted and _only_older(constraint):
        # older than every shipped schema: the oldest, widened, judges it
        admitted = [list(SHIPPED)[0]]
    if not admitted:
        return aws()
    if admitted[-1] in NOT_LAST:
        return _widened(admitted[-1])
    return load(SHIPPED[admitted[-1]])


@cache
def _widened(number: str) -> ProviderSchema:
    """A schema that is not its major version's last, with what the next
    shipped one adds counted as known and optional."""
    older = load(SHIPPED[number])
    newer = load(SHIPPED[list(SHIPPED)[list(SHIPPED).index(number) + 1]])
    return ProviderSchema(
        older.name,
        older.version,
        older.prefix,
        _union(older.resources, newer.resources),
        _union(older.data_sources, newer.data_sources),
    )


class _Union(Mapping[str, BlockSchema]):
    """The types of two versions, each merged when first looked up: merging
    all of them at once would cost seconds that most answers never need."""

    def __init__(
        self, older: Mapping[str, BlockSchema], newer: Mapping[str, BlockSchema]
    ) -> None:
        self.older, self.newer = older, newer
        self.names = sorted(set(older) | set(newer))
        self._merged: dict[str, BlockSchema] = {}

    def __getitem__(self, name: str) -> BlockSchema:
        if name not in self._merged:
            older, newer = self.older.get(name), self.newer.get(name)
            if older is None and newer is None:
                raise KeyError(name)
            if older is None:
                self._merged[name] = _relaxed(newer)  # type: ignore[arg-type]
            elif newer is None:
                self._merged[name] = older
            else:
                self._merged[name] = _merged(older, newer)
        return self._merged[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _union(
    older: Mapping[str, BlockSchema], newer: Mapping[str, BlockSchema]
) -> Mapping[str, BlockSchema]:
    return _Union(older, newer)


def _relaxed(block: BlockSchema) -> BlockSchema:
    """Nothing in it required: it may not be in the older version at all."""
    return BlockSchema(
        {k: "o" if v == "r" else v for k, v in block.attributes.items()},
        {
            k: (mode, 0, high, _relaxed(b))
            for k, (mode, _, high, b) in block.blocks.items()
        },
        block.objects,
        block.unchecked,
    )


def _merged(older: BlockSchema, newer: BlockSchema) -> BlockSchema:
    extra = _relaxed(newer)
    blocks = dict(extra.blocks)
    for name, (mode, low, high, inner) in older.blocks.items():
        if name in newer.blocks:
            inner = _merged(inner, newer.blocks[name][3])
            high = (
                0
                if 0 in (high, newer.blocks[name][2])
                else max(high, newer.blocks[name][2])
            )
        blocks[name] = (mode, low, high, inner)
    objects = dict(extra.objects)
    for name, keys in older.objects.items():
        objects[name] = keys | newer.objects.get(name, frozenset())
    return BlockSchema(
        {**extra.attributes, **older.attributes},
        blocks,
        objects,
        older.unchecked or newer.unchecked,
    )


def _only_older(constraint: str) -> bool:
    """Whether the constraint admits only releases before the oldest shipped."""
    oldest = _major(list(SHIPPED)[0])
    return any(admits_major(constraint, major) for major in range(1, oldest))


def _major(version: str) -> int:
    return int(version.split(".")[0])


@cache
def load(data_file: str) -> ProviderSchema:
    """One shipped schema file, read once per process."""
    data = resources.files(__package__).joinpath(data_file).read_bytes()
    raw = json.loads(gzip.decompress(data))
    return ProviderSchema(
        name=raw["provider"],
        version=raw["version"],
        prefix="aws_",
        resources={t: _block(b) for t, b in raw["resources"].items()},
        data_sources={t: _block(b) for t, b in raw["data_sources"].items()},
    )
