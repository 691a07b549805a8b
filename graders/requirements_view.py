"""The JSON view of a configuration that task requirements are written against.

Requirements are JSON Schema evaluated over this view, so its shape is part of
the task format:

```
{
  "resources": {"<type>": [{"name": str, "address": str,
                             "values": {<argument>: value, <block>: [{...}]}}]},
  "data": {"<type>": [ ...same as resources... ]},
  "variables": ["<name>", ...],
  "outputs": ["<name>", ...],
  "modules": ["<name>", ...]
}
```

Values are evaluated in the requested environment (variables at their
defaults otherwise); a value the configuration does not determine appears as
its expression text wrapped in ``${...}``. Nested blocks, in block or attribute
form, appear as lists of objects under their name.
"""

from __future__ import annotations

from typing import Any

from harness.config.configuration import Configuration
from harness.config.expr import Opaque, Scope, to_data
from harness.config.model import Block

_META = {"depends_on", "lifecycle", "provider", "provisioner", "connection"}


def view(config: Configuration, scope: Scope | None = None) -> dict[str, Any]:
    """The documented JSON view of every module of a configuration."""
    result: dict[str, Any] = {
        "resources": {},
        "data": {},
        "variables": [],
        "outputs": [],
        "modules": [],
    }
    for module in config.modules():
        module_scope = (
            scope if scope is not None and module is config else module.scope()
        )
        for obj in module.objects.values():
            if obj.kind in ("resource", "data") and obj.block is not None:
                group = result["resources" if obj.kind == "resource" else "data"]
                group.setdefault(obj.type, []).append(
                    {
                        "name": obj.block.labels[1]
                        if len(obj.block.labels) > 1
                        else "",
                        "address": obj.address,
                        "values": _values(obj.block, module_scope),
                    }
                )
            elif obj.kind == "variable":
                result["variables"].append(obj.name)
            elif obj.kind == "output":
                result["outputs"].append(obj.name)
            elif obj.kind == "module":
                result["modules"].append(obj.name)
    return result


def _values(block: Block, scope: Scope) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, attr in block.attributes.items():
        if name not in _META:
            values[name] = _plain(to_data(attr.expr, scope))
    for child in block.blocks:
        if child.type in _META:
            continue
        if child.type == "dynamic" and child.labels:
            for content in child.blocks_of("content"):
                _append(values, child.labels[0], _values(content, scope))
        else:
            _append(values, child.type, _values(child, scope))
    return values


def _append(values: dict[str, Any], name: str, item: dict[str, Any]) -> None:
    existing = values.setdefault(name, [])
    if isinstance(existing, list):
        existing.append(item)
    else:
        values[name] = [existing, item]  # an argument and a block of one name


def _plain(data: Any) -> Any:
    if isinstance(data, Opaque):
        return str(data)
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data
