"""Environments that should be identical are not: something other than sizing
differs between them.

Each resource is evaluated once per environment the task names (through the
environment variable, ``terraform.workspace`` and the maps they select from).
A resource that exists in some environments only, or an argument whose value
differs, is a finding unless the argument is a sizing setting (instance class,
counts, capacity, retention, protection flags and the like). Security group
rules, tags, container settings, encryption, runtimes and alarm wiring must be
the same everywhere; names may embed the environment's name.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

from graders.availability_ha import count_of
from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import environment_scope, environment_variable
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Opaque, Scope, to_data
from harness.config.model import Block, Declared

SIZING = frozenset(
    {
        "instance_class",
        "instance_type",
        "allocated_storage",
        "max_allocated_storage",
        "iops",
        "storage_throughput",
        "storage_type",
        "multi_az",
        "backup_retention_period",
        "deletion_protection",
        "enable_deletion_protection",
        "skip_final_snapshot",
        "final_snapshot_identifier",
        "desired_count",
        "min_size",
        "max_size",
        "desired_capacity",
        "min_capacity",
        "max_capacity",
        "cpu",
        "memory",
        "memory_size",
        "reserved_concurrent_executions",
        "provisioned_concurrent_executions",
        "retention_in_days",
        "node_type",
        "num_cache_nodes",
        "num_cache_clusters",
        "replicas_per_node_group",
        "read_capacity",
        "write_capacity",
        "threshold",
        "target_value",
        "scale_in_cooldown",
        "scale_out_cooldown",
        "performance_insights_retention_period",
        "backup_window",
        "maintenance_window",
        "volume_size",
        "capacity",
        "weight",
        "base",
        "automatic_failover_enabled",
        "multi_az_enabled",
        "min_healthy_percent",
        "max_percent",
        "ephemeral_storage",
    }
)
# resources whose number may follow sizing (one NAT gateway per zone in prod)
COUNT_SIZED = frozenset(
    {
        "aws_nat_gateway",
        "aws_eip",
        "aws_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_instance",
        "aws_db_instance",
        "aws_rds_cluster_instance",
        "aws_elasticache_cluster",
        "aws_subnet",
    }
)
_CONTAINER_SIZING = {"cpu", "memory", "memoryReservation"}
# numeric settings named like these are sizing too (expiration.days, retention_period)
_SIZING_WORDS = re.compile(
    r"retention|days|period|window|size|count|capacity|memory|cpu|threshold|storage|"
    r"concurren|limit|iops|throughput|nodes|replicas|desired|^min_|^max_|cooldown|"
    r"timeout|interval",
    re.I,
)


def check(answer: Answer) -> Iterator[Finding]:
    environments = answer.constraints.environments
    config = answer.config
    if len(environments) < 2:
        raise CouldNotJudge("the task names no set of environments")
    if not any(environment_variable(m) for m in config.modules()) and not _workspaces(
        config
    ):
        raise CouldNotJudge("nothing in the answer selects an environment")
    for module in config.modules():
        scopes = {env: environment_scope(module, env) for env in environments}
        for obj in module.resources():
            yield from _existence(obj, scopes)
            if obj.block is not None:
                yield from _arguments(obj, obj.block, scopes, ())


def _workspaces(config: Configuration) -> bool:
    """Whether any expression selects by Terraform workspace."""
    return any(
        "terraform.workspace" in expr.text
        for module in config.modules()
        for obj in module.objects.values()
        if obj.block is not None
        for _, expr in obj.block.expressions()
    )


def _existence(obj: Declared, scopes: dict[str, Scope]) -> Iterator[Finding]:
    if obj.type in COUNT_SIZED:
        return
    counts = {env: count_of(obj, scope) for env, scope in scopes.items()}
    if UNKNOWN in counts.values() or len(set(counts.values())) < 2:
        return
    listed = ", ".join(f"{env}: {n}" for env, n in counts.items())
    yield Finding.at(
        obj,
        f"{obj.address} exists a different number of times per environment ({listed})",
        hint="Deploy the same resources everywhere; size them instead.",
    )


def _arguments(
    obj: Declared, block: Block, scopes: dict[str, Scope], path: tuple[str, ...]
) -> Iterator[Finding]:
    for name, attr in block.attributes.items():
        if name in SIZING or name in ("count", "for_each", "depends_on"):
            continue
        # computed parts stay as their expression text, equal in every environment
        raw = {env: to_data(attr.expr, scope) for env, scope in scopes.items()}
        if _numeric_sizing(name, raw.values()) or any(
            isinstance(v, Opaque) for v in raw.values()
        ):
            continue  # sizing, or a value some environment does not determine
        values = {env: _normal(raw[env], tuple(raw), name) for env in raw}
        if UNKNOWN in values.values() or len(set(values.values())) < 2:
            continue
        where = ".".join((*path, name))
        shown = ", ".join(f"{env}: {_short(v)}" for env, v in values.items())
        yield Finding.at(
            obj,
            f"{obj.address}.{where} differs by environment ({shown})",
            hint="Keep it identical; only sizing may differ.",
        )
    for child in block.blocks:
        yield from _arguments(obj, child, scopes, (*path, child.type))


def _numeric_sizing(name: str, values: Any) -> bool:
    numbers = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    )
    return numbers and bool(_SIZING_WORDS.search(name))


def _normal(value: Any, environments: tuple[str, ...], name: str) -> Any:
    """A comparable form: environment names replaced, container sizing dropped.

    Every environment's name is replaced in every environment's value, so text
    that merely contains one (``/dev/null``) compares equal everywhere.
    """
    if value is UNKNOWN:
        return UNKNOWN
    if name == "container_definitions" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    text = json.dumps(_drop_sizing(value), sort_keys=True, default=str)
    names = "|".join(re.escape(e) for e in sorted(environments, key=len, reverse=True))
    return re.sub(rf"(?<![A-Za-z0-9])(?:{names})(?![A-Za-z0-9])", "{env}", text)


def _drop_sizing(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _drop_sizing(v) for k, v in value.items() if k not in _CONTAINER_SIZING
        }
    if isinstance(value, list):
        return [_drop_sizing(v) for v in value]
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


GRADER = Grader(
    id="env.consistency",
    title="Identical environments",
    severity=Severity.MEDIUM,
    check=check,
)
