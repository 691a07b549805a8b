"""Sizing is wrong: production smaller or less redundant than a lower
environment, sizes chosen by scattered conditionals instead of one
per-environment map, reserved concurrency of zero, or instance classes that are
invalid or of a previous generation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.env_consistency import SIZING
from graders.evaluation import (
    PROD_NAMES,
    as_bool,
    as_number,
    environment_scope,
    environment_variable,
)
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Conditional, Traversal, evaluate, walk
from harness.config.model import Block, Declared

_CLASS_ARGUMENTS = {"instance_class", "instance_type", "node_type"}
_VALID_CLASS = re.compile(
    r"^(?:db\.|cache\.)?[a-z][a-z0-9-]*\.(?:[0-9]*x?large|nano|"
    r"micro|small|medium|metal(?:-\d+xl)?)$|^db\.serverless$"
)
_PREVIOUS_GENERATION = re.compile(
    r"^(?:db\.|cache\.)?(?:t1|t2|m1|m2|m3|m4|c1|c3|c4|r3|r4|i2|g2|cr1|hs1)\."
)
_SIZES = ["nano", "micro", "small", "medium", "large", "xlarge"]
_REDUNDANCY = {"multi_az"}
_LARGER_IS_MORE = {
    "retention_in_days",
    "desired_count",
    "min_size",
    "max_size",
    "desired_capacity",
    "min_capacity",
    "max_capacity",
    "allocated_storage",
    "memory_size",
    "reserved_concurrent_executions",
    "cpu",
    "memory",
    "num_cache_clusters",
    "backup_retention_period",
}


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    resources = [r for m in modules for r in m.resources()]
    if not resources:
        raise CouldNotJudge("the answer declares no resources")
    for module in modules:
        for obj in module.resources():
            if obj.block is not None:
                yield from _classes_and_zero(module, obj)
    environments = answer.constraints.environments
    prod = next((e for e in environments if e in PROD_NAMES), None)
    for module in modules:
        if prod is None or not environment_variable(module):
            continue
        scopes = {env: environment_scope(module, env) for env in environments}
        for obj in module.resources():
            if obj.block is not None:
                yield from _prod_not_largest(obj, obj.block, scopes, prod)
                yield from _conditional_sizing(module, obj)


def _classes_and_zero(config: Configuration, obj: Declared) -> Iterator[Finding]:
    assert obj.block is not None
    scope = config.scope()
    for name, expr in obj.block.expressions():
        raw = evaluate(expr, scope)
        if name in _CLASS_ARGUMENTS and isinstance(raw, str):
            if not _VALID_CLASS.match(raw):
                yield Finding.at(
                    obj,
                    f"{obj.address}: {name} {raw!r} is not a valid instance class",
                    hint="Use a listed instance class.",
                )
            elif _PREVIOUS_GENERATION.match(raw):
                yield Finding.at(
                    obj,
                    f"{obj.address}: {name} {raw!r} is a previous generation",
                    hint="Use a current generation class (t4g, m7g, r7g, ...).",
                )
        if name == "reserved_concurrent_executions" and as_number(raw) == 0:
            yield Finding.at(
                obj,
                f"{obj.address}: reserved concurrency 0 throttles every invocation",
                hint="Reserve at least 1, or leave it unreserved (-1).",
            )


def _rank(value: Any, name: str = "") -> Any:
    if name == "retention_in_days" and value == 0:
        return float("inf")  # 0 keeps logs forever, the longest of all
    if isinstance(value, str) and "." in value:
        size = value.rsplit(".", 1)[-1]
        if size in _SIZES:
            return _SIZES.index(size)
        m = re.match(r"(\d+)xlarge$", size)
        if m:
            return len(_SIZES) + int(m.group(1))
        return UNKNOWN
    number = as_number(value)
    if number is not UNKNOWN:
        return number
    flag = as_bool(value)
    return int(flag) if isinstance(flag, bool) else UNKNOWN


def _prod_not_largest(
    obj: Declared, block: Block, scopes: dict[str, Any], prod: str
) -> Iterator[Finding]:
    for name, attr in block.attributes.items():
        if name not in _LARGER_IS_MORE | _REDUNDANCY | _CLASS_ARGUMENTS:
            continue
        ranks = {
            env: _rank(evaluate(attr.expr, scope), name)
            for env, scope in scopes.items()
        }
        if UNKNOWN in ranks.values():
            continue
        if name == "reserved_concurrent_executions" and -1 in ranks.values():
            continue  # -1 means unreserved, not smaller
        larger = [env for env, rank in ranks.items() if rank > ranks[prod]]
        if larger:
            shown = ", ".join(
                f"{env}: {evaluate(attr.expr, scopes[env])}" for env in scopes
            )
            yield Finding.at(
                obj,
                f"{obj.address}.{name} is smaller or less redundant "
                f"in {prod} than in {', '.join(larger)} ({shown})",
                hint="Size production at least as large as every other environment.",
            )
    for child in block.blocks:
        yield from _prod_not_largest(obj, child, scopes, prod)


def _conditional_sizing(config: Configuration, obj: Declared) -> Iterator[Finding]:
    assert obj.block is not None
    selectors = _environment_selectors(config)
    for name, expr in obj.block.expressions():
        if name not in SIZING:
            continue
        for node, _ in walk(expr):
            if isinstance(node, Conditional) and _selects(node.condition, selectors):
                yield Finding.at(
                    obj,
                    f"{obj.address}.{name} is sized by a conditional "
                    f"({node.condition.text[:50]}) instead of the "
                    "per-environment map",
                    hint="Move the value into the sizing map keyed by environment.",
                )
                break


def _environment_selectors(config: Configuration) -> set[str]:
    """Addresses that stand for the environment: the variable and locals
    computed from it without a map lookup."""
    variable = environment_variable(config)
    found = {f"var.{variable}"} if variable else set()
    for local in config.of_kind("local"):
        if (
            local.expr is not None
            and local.references & found
            and any(
                isinstance(n, Conditional) or getattr(n, "operator", "") in ("==", "!=")
                for n, _ in walk(local.expr)
            )
        ):
            found.add(local.address)
    return found


def _selects(condition: Any, selectors: set[str]) -> bool:
    for node, _ in walk(condition):
        if isinstance(node, Traversal):
            path = node.attr_path()
            if node.root == "terraform" and path[:1] == ("workspace",):
                return True
            if path and f"{node.root}.{path[0]}" in selectors:
                return True
    return False


GRADER = Grader(
    id="sizing.environment",
    title="Production sized from one map, never smaller",
    severity=Severity.MEDIUM,
    check=check,
)
