"""The normalised configuration: blocks, attributes and declared objects.

One model serves every grader. Blocks keep their file and line span; block and
attribute forms of nested configuration (``ingress { }`` and ``ingress = [{ }]``)
read alike through :meth:`Block.nested`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.config.expr import (
    UNKNOWN,
    Call,
    Expr,
    ObjectExpr,
    Scope,
    Traversal,
    TupleExpr,
    evaluate,
    object_key,
    references,
)


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    end_line: int
    column: int = 1


@dataclass
class Attribute:
    name: str
    expr: Expr
    location: Location


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Attribute]
    blocks: list[Block]
    location: Location
    synthetic: bool = False

    def get(self, name: str) -> Expr | None:
        attr = self.attributes.get(name)
        return attr.expr if attr else None

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]

    def nested(self, name: str) -> list[Block]:
        """Nested blocks called ``name``, whether written as blocks or objects."""
        found = self.blocks_of(name)
        found += [
            block
            for dyn in self.blocks_of("dynamic")
            if dyn.labels == (name,)
            for block in dyn.blocks_of("content")
        ]
        attr = self.attributes.get(name)
        if attr is not None:
            found += _object_blocks(name, attr)
        return found

    def walk(self) -> Iterator[Block]:
        yield self
        for block in self.blocks:
            yield from block.walk()

    def expressions(self) -> Iterator[tuple[str, Expr]]:
        """Every attribute expression in this block and below, with its name."""
        for block in self.walk():
            for attr in block.attributes.values():
                yield attr.name, attr.expr


def _object_blocks(name: str, attr: Attribute) -> list[Block]:
    items: tuple[Expr, ...]
    if isinstance(attr.expr, TupleExpr):
        items = attr.expr.items
    elif isinstance(attr.expr, ObjectExpr):
        items = (attr.expr,)
    else:
        return []
    blocks = []
    for item in items:
        if not isinstance(item, ObjectExpr):
            continue
        attrs = {}
        for key, value in item.items:
            key_name = object_key(key)
            if key_name is not None:
                loc = Location(attr.location.file, value.line, value.line)
                attrs[key_name] = Attribute(key_name, value, loc)
        loc = Location(attr.location.file, item.line, item.line)
        blocks.append(Block(name, (), attrs, [], loc, synthetic=True))
    return blocks


# kinds of top-level object and how their address is formed
_KINDS = {
    "resource": 2,
    "data": 2,
    "variable": 1,
    "output": 1,
    "module": 1,
    "provider": 1,
}


@dataclass
class Declared:
    """A top-level object with a Terraform address."""

    kind: str
    address: str
    location: Location
    block: Block | None = None
    expr: Expr | None = None
    references: set[str] = field(default_factory=set)
    refers_to_itself: bool = False

    @property
    def type(self) -> str:
        return (
            self.block.labels[0]
            if self.block and self.kind in ("resource", "data")
            else ""
        )

    @property
    def name(self) -> str:
        return self.address.rsplit(".", 1)[-1]


def address_of(block: Block) -> str | None:
    """The address a top-level block declares, or None for unaddressed ones."""
    count = _KINDS.get(block.type)
    if count is None or len(block.labels) < count:
        return None
    labels = block.labels[:count]
    if block.type == "resource":
        return ".".join(labels)
    if block.type == "data":
        return "data." + ".".join(labels)
    prefix = {"variable": "var", "provider": "provider"}.get(block.type, block.type)
    if block.type == "provider":
        alias = evaluate(block.get("alias")) if block.get("alias") else None
        if isinstance(alias, str):
            return f"provider.{labels[0]}.{alias}"
    return f"{prefix}.{labels[0]}"


# meta-arguments whose bare names are not references
_NOT_REFERENCES = {"ignore_changes"}


def block_references(
    block: Block, bound: frozenset[str] = frozenset(), top: bool = True
) -> set[str]:
    """Addresses referred to from anywhere inside a block."""
    found: set[str] = set()
    for attr in block.attributes.values():
        if attr.name in _NOT_REFERENCES:
            continue
        if top and attr.name == "provider":
            found |= _provider_reference(attr.expr)
            continue
        if top and attr.name == "providers" and isinstance(attr.expr, ObjectExpr):
            for _, value in attr.expr.items:
                found |= _provider_reference(value)
            continue
        found |= references(attr.expr, bound)
    iterator = _dynamic_iterator(block)
    inner = bound | {iterator} if iterator else bound
    for child in block.blocks:
        found |= block_references(child, inner, top=False)
    return found


def _dynamic_iterator(block: Block) -> str | None:
    if block.type != "dynamic" or not block.labels:
        return None
    iterator = block.get("iterator")
    if isinstance(iterator, Traversal) and not iterator.steps:
        return iterator.root
    return block.labels[0]


def _provider_reference(expr: Expr) -> set[str]:
    if isinstance(expr, Traversal):
        return {".".join(("provider", expr.root, *expr.attr_path()))}
    return set()


class ConfigScope(Scope):
    """Resolves ``var.x`` to its default (or a given value) and ``local.x``."""

    def __init__(
        self,
        config: Any,
        variables: dict[str, Any] | None = None,
        workspace: str | None = None,
    ) -> None:
        self.config = config
        self.variables = variables or {}
        self.workspace = workspace
        self._resolving: set[str] = set()

    def lookup(self, trav: Traversal) -> Any:
        from harness.config.expr import apply_steps

        path = trav.attr_path()
        if trav.root == "terraform" and path[:1] == ("workspace",):
            return self.workspace if self.workspace is not None else UNKNOWN
        if trav.root not in ("var", "local") or not path:
            return UNKNOWN
        address = f"{trav.root}.{path[0]}"
        if address in self._resolving:
            return UNKNOWN
        self._resolving.add(address)
        try:
            value = self._value_of(trav.root, path[0])
        finally:
            self._resolving.discard(address)
        return apply_steps(value, trav.steps[1:], self)

    def _value_of(self, root: str, name: str) -> Any:
        if root == "var" and name in self.variables:
            return self.variables[name]
        obj = self.config.objects.get(f"{root}.{name}")
        if obj is None:
            return UNKNOWN
        if root == "local":
            return evaluate(obj.expr, self) if obj.expr is not None else UNKNOWN
        default = obj.block.get("default") if obj.block else None
        if default is None:
            return UNKNOWN
        kind = obj.block.get("type") if obj.block else None
        return with_optional_defaults(evaluate(default, self), kind, self)


def with_optional_defaults(value: Any, kind: Expr | None, scope: Scope) -> Any:
    """A value as its type constraint completes it: an attribute an
    ``object({...})`` declares ``optional(type, default)`` and the value leaves
    out takes that default, inside lists, sets and maps of objects too."""
    if not isinstance(kind, Call) or not kind.args:
        return value
    inner = kind.args[0]
    if kind.name in ("list", "set") and isinstance(value, list):
        return [with_optional_defaults(v, inner, scope) for v in value]
    if kind.name == "map" and isinstance(value, dict):
        return {k: with_optional_defaults(v, inner, scope) for k, v in value.items()}
    if kind.name != "object" or not isinstance(inner, ObjectExpr):
        return value
    if not isinstance(value, dict):
        return value
    completed = dict(value)
    for key, attribute in inner.items:
        name = object_key(key)
        if name is None or not isinstance(attribute, Call) or not attribute.args:
            continue
        if attribute.name != "optional":
            if name in value:
                completed[name] = with_optional_defaults(value[name], attribute, scope)
            continue
        # an attribute left out, or set to null, takes its default (null when
        # none is given), itself completed by its own type
        given = value.get(name)
        if given is None and len(attribute.args) == 2:
            given = evaluate(attribute.args[1], scope)
        completed[name] = with_optional_defaults(given, attribute.args[0], scope)
    return completed
