"""Reading values the way graders need them: resolved, per environment, or unknown.

A value that depends on a variable resolves to the variable's default, or to a
given environment's value when the configuration selects settings by an
environment variable. A value the configuration does not determine is UNKNOWN,
and graders turn that into "could not judge", never into a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from harness.config.configuration import Configuration
from harness.config.expr import (
    UNKNOWN,
    Expr,
    Scope,
    Traversal,
    apply_steps,
    evaluate,
    walk,
)
from harness.config.model import Block, Declared

ENVIRONMENT_VARIABLES = ("environment", "env", "stage", "environment_name", "env_name")
PROD_NAMES = ("prod", "production", "prd")


def value(block: Block | None, name: str, scope: Scope | None = None) -> Any:
    """An attribute's value, or UNKNOWN; None when the attribute is absent."""
    if block is None:
        return UNKNOWN
    expr = block.get(name)
    if expr is None:
        return None
    return evaluate(expr, scope) if scope is not None else evaluate(expr)


def as_bool(raw: Any) -> Any:
    """Terraform converts "true"/"false" strings; so do graders."""
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def as_number(raw: Any) -> Any:
    if isinstance(raw, bool):
        return UNKNOWN
    if isinstance(raw, (int, float)):
        return raw
    if isinstance(raw, str):
        try:
            return float(raw) if "." in raw else int(raw)
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def environment_variable(config: Configuration) -> str | None:
    """The variable that selects the environment, when there is one."""
    for name in ENVIRONMENT_VARIABLES:
        obj = config.objects.get(f"var.{name}")
        if obj is not None and _holds_a_name(obj):
            return name
    return None


def _holds_a_name(variable: Declared) -> bool:
    # a map or list called "env" holds settings, not the environment's name
    if variable.block is None:
        return True
    kind = variable.block.get("type")
    if kind is not None and kind.text.strip() not in ("string", "any"):
        return False
    default = variable.block.get("default")
    value = evaluate(default) if default is not None else None
    return value is None or value is UNKNOWN or isinstance(value, str)


def environment_scope(config: Configuration, environment: str) -> Scope:
    """A scope in which the environment variable and the workspace are
    ``environment``, inside locals as well."""
    name = environment_variable(config)
    variables = {name: environment} if name else {}
    return config.scope(variables, workspace=environment)


def accepts_environment(config: Configuration, environment: str) -> bool:
    """Whether the environment variable's own validation admits the name: a
    configuration that insists on ``prd`` is never applied as ``prod``."""
    name = environment_variable(config)
    obj = config.objects.get(f"var.{name}") if name else None
    if obj is None or obj.block is None:
        return True
    scope = environment_scope(config, environment)
    for validation in obj.block.blocks_of("validation"):
        condition = validation.get("condition")
        if condition is not None and evaluate(condition, scope) is False:
            return False
    return True


LOWER_NAMES = frozenset(
    {"dev", "development", "staging", "stage", "test", "qa", "uat", "sandbox"}
)


def lower_environment(config: Configuration) -> bool:
    """Whether the configuration is a folder of its own named for an
    environment other than production (``environments/dev``): what it
    deploys is not production, however its variables are set."""
    return any(part.lower() in LOWER_NAMES for part in config.directory.split("/"))


def prod_scope(config: Configuration, environments: tuple[str, ...] = ()) -> Scope:
    """The scope of the production environment, else of the defaults."""
    prod = next((e for e in environments if e in PROD_NAMES), None)
    if prod is None:
        prod = _prod_key(config)
    if prod is None:
        return config.scope()
    return environment_scope(config, prod)


def _prod_key(config: Configuration) -> str | None:
    # the environment names the configuration itself uses, read from map keys
    for obj in config.of_kind("local"):
        data = evaluate(obj.expr) if obj.expr is not None else UNKNOWN
        if isinstance(data, dict):
            found = next((k for k in data if k in PROD_NAMES), None)
            if found:
                return found
    uses_workspace = any(
        "terraform.workspace" in e.text
        for o in config.objects.values()
        if o.block is not None
        for _, e in o.block.expressions()
    ) or any(
        o.expr is not None and "terraform.workspace" in o.expr.text
        for o in config.of_kind("local")
    )
    return "prod" if environment_variable(config) or uses_workspace else None


class IteratorScope(Scope):
    """A scope that also knows a dynamic block's iterator (``name.key``,
    ``name.value``) for one element of its collection."""

    def __init__(self, inner: Scope, name: str, key: Any, value: Any) -> None:
        self.inner, self.name = inner, name
        self.item = {"key": key, "value": value}

    def lookup(self, trav: Traversal) -> Any:
        if trav.root != self.name:
            return self.inner.lookup(trav)
        if UNKNOWN in self.item.values():
            return UNKNOWN
        return apply_steps(self.item, trav.steps, self)


def referenced(expr: Expr | None, prefix: str) -> Iterator[str]:
    """Addresses of objects of a type (``aws_iam_role.``) an expression names."""
    if expr is None:
        return
    for node, _ in walk(expr):
        if isinstance(node, Traversal) and f"{node.root}.".startswith(prefix):
            path = node.attr_path()
            if path:
                yield f"{node.root}.{path[0]}"


def references_object(expr: Expr | None, address: str) -> bool:
    kind = address.split(".", 1)[0] + "."
    return address in set(referenced(expr, kind))


def all_resources(config: Configuration, *types: str) -> list[Declared]:
    """Resources of the given types in the root and every child module."""
    return [r for module in config.modules() for r in module.resources(*types)]


def text_mentions(expr: Expr | None, pattern: str) -> bool:
    """Whether the expression's source text matches a pattern (case-insensitive)."""
    return expr is not None and re.search(pattern, expr.text, re.I) is not None


# beyond this many instances a counted resource is read at its first ones only
MAX_INSTANCES = 32


class InstanceScope(Scope):
    """A scope that also knows ``count.index`` or ``each.key``/``each.value``."""

    def __init__(
        self, inner: Scope, index: Any = UNKNOWN, each: tuple[Any, Any] | None = None
    ) -> None:
        self.inner, self.index, self.each = inner, index, each

    def lookup(self, trav: Traversal) -> Any:
        path = trav.attr_path()
        if trav.root == "count":
            return self.index if path[:1] == ("index",) else UNKNOWN
        if trav.root == "each":
            if self.each is None or path[:1] not in (("key",), ("value",)):
                return UNKNOWN
            item = self.each[0] if path[0] == "key" else self.each[1]
            return apply_steps(item, trav.steps[1:], self)
        return self.inner.lookup(trav)


def instances(obj: Declared, scope: Scope) -> Iterator[tuple[str, Scope]]:
    """A scope per instance of a counted or for_each resource."""
    block = obj.block
    count = block.get("count") if block else None
    each = block.get("for_each") if block else None
    if count is not None:
        number = as_number(evaluate(count, scope))
        if not isinstance(number, int) or number < 0:
            yield "", InstanceScope(scope)
            return
        for index in range(min(number, MAX_INSTANCES)):
            yield f"count.index {index}", InstanceScope(scope, index)
    elif each is not None:
        items = evaluate(each, scope)
        pairs = (
            list(items.items())
            if isinstance(items, dict)
            else [(i, i) for i in items]
            if isinstance(items, list)
            else []
        )
        if not pairs:
            yield "", InstanceScope(scope)
        for key, item in pairs[:MAX_INSTANCES]:
            yield f"each.key {key}", InstanceScope(scope, each=(key, item))
    else:
        yield "", scope
