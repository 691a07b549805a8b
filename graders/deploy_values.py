"""The values an argument takes across environments and resource instances.

A name built from ``var.environment`` and ``count.index`` is a different
string in each environment and for each instance; AWS checks every one. These
helpers enumerate them where the configuration determines them, and give a
lower bound on a name's length when only part of it is known.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graders.base import Finding
from graders.evaluation import accepts_environment, environment_scope, instances
from harness.config.configuration import Configuration
from harness.config.expr import (
    UNKNOWN,
    Expr,
    Scope,
    Template,
    Traversal,
    apply_steps,
    evaluate,
)
from harness.config.model import Block, Declared


@dataclass(frozen=True)
class Seen:
    """One value an argument takes, and where ("" for the defaults)."""

    value: Any
    where: str = ""

    def label(self) -> str:
        return f" ({self.where})" if self.where else ""


class ArgumentScope(Scope):
    """A scope that reads ``type.name.argument`` of a single-instance resource
    from the argument the configuration sets (a VPC's ``cidr_block``)."""

    def __init__(self, config: Configuration, inner: Scope) -> None:
        self.config, self.inner = config, inner
        self._resolving: set[str] = set()

    def lookup(self, trav: Traversal) -> Any:
        path = trav.attr_path()
        obj = self.config.objects.get(f"{trav.root}.{path[0]}") if path else None
        block = obj.block if obj is not None and obj.kind == "resource" else None
        if block is None or len(path) < 2 or path[1] not in block.attributes:
            return self.inner.lookup(trav)
        if block.get("count") is not None or block.get("for_each") is not None:
            return UNKNOWN
        key = f"{trav.root}.{path[0]}.{path[1]}"
        if key in self._resolving:
            return UNKNOWN
        self._resolving.add(key)
        try:
            value = evaluate(block.attributes[path[1]].expr, self)
        finally:
            self._resolving.discard(key)
        return apply_steps(value, trav.steps[2:], self)


def scopes(config: Configuration, environments: tuple[str, ...]) -> list[tuple]:
    """The defaults' scope, then one scope per environment of the task."""
    found: list[tuple[str, Scope]] = [("", ArgumentScope(config, config.scope()))]
    found += [
        (env, ArgumentScope(config, environment_scope(config, env)))
        for env in environments
        if accepts_environment(config, env)
    ]
    return found


def values_of(
    obj: Declared,
    read: Callable[[Scope], Any],
    environments: list[tuple[str, Scope]],
) -> list[Seen]:
    """Distinct known values of ``read`` over environments and instances."""
    seen: dict[str, Seen] = {}
    for env, scope in environments:
        for instance, inner in instances(obj, scope):
            value = read(inner)
            if value is UNKNOWN or value is None:
                continue
            key = json.dumps(value, sort_keys=True, default=str)
            where = ", ".join(w for w in (env, instance) if w)
            seen.setdefault(key, Seen(value, where))
    return list(seen.values())


@dataclass(frozen=True)
class Partial:
    """What is known of a string whose value is not: its literal text and the
    fewest characters it can have."""

    text: str
    length: int


def partial(expr: Expr | None, scope: Scope) -> Partial | None:
    """The known pieces of a template whose whole value is unknown."""
    if not isinstance(expr, Template) or expr.directives:
        return None
    text, length = [], 0
    for part in expr.parts:
        value = part if isinstance(part, str) else evaluate(part, scope)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text.append(str(value))
            length += len(str(value))
        else:
            length += _known_length(part)
    return Partial("".join(text), length)


def _known_length(part: Any) -> int:
    """Characters an unknown piece is sure to have (an account id has 12)."""
    if isinstance(part, Traversal) and part.attr_path()[-1:] == ("account_id",):
        return 12
    return 0


def targets(obj: Declared, path: str) -> list[tuple[Block, str]]:
    """The blocks holding an argument named by ``attr`` or ``block.attr``."""
    if obj.block is None:
        return []
    head, _, tail = path.rpartition(".")
    if not head:
        return [(obj.block, tail)]
    blocks = [obj.block]
    for step in head.split("."):
        blocks = [inner for block in blocks for inner in block.nested(step)]
    return [(block, tail) for block in blocks]


def engine_of(obj: Declared, scope: Scope) -> Any:
    """A database resource's engine, lowercased, or UNKNOWN."""
    expr = obj.block.get("engine") if obj.block else None
    value = evaluate(expr, scope) if expr is not None else UNKNOWN
    return value.lower() if isinstance(value, str) else UNKNOWN


def refusal(obj: Declared, message: str, fix: str, source: str) -> Finding:
    """A finding that names the value, the fix and the documented limit."""
    return Finding.at(obj, f"{obj.address}: {message}", hint=f"{fix} ({source})")


def values_at(obj: Declared, expr: Expr, where: list[tuple[str, Scope]]) -> list[Seen]:
    """Distinct known values of one expression over environments and instances."""
    return values_of(obj, lambda scope: evaluate(expr, scope), where)


def items_at(
    obj: Declared, path: str, where: list[tuple[str, Scope]]
) -> Iterator[tuple[str, Seen, Any]]:
    """Each known value of an argument, a list taken item by item, with the
    argument's name and where the value was seen."""
    for block, name in targets(obj, path):
        expr = block.get(name)
        if expr is None:
            continue
        for seen in values_at(obj, expr, where):
            items = seen.value if isinstance(seen.value, list) else [seen.value]
            for item in items:
                yield name, seen, item
