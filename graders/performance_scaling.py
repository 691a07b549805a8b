"""Load cannot be absorbed: services that never scale, functions that exhaust
database connections, or no cache where the task asks for one.

ECS services need an Application Auto Scaling target and policy, Auto Scaling
groups a scaling policy; a relational database used by Lambda functions needs
connection pooling (RDS Proxy); a task that asks for caching needs a cache
(ElastiCache, DAX, CloudFront or an API Gateway cache).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_bool, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Traversal, walk

_ENDPOINTS = {"address", "endpoint", "reader_endpoint"}
_CACHES = (
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache",
    "aws_dax_cluster",
    "aws_cloudfront_distribution",
)


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (
        "aws_ecs_service",
        "aws_autoscaling_group",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_lambda_function",
    )
    if not any(m.resources(*kinds) for m in modules) and not answer.constraints.caching:
        raise CouldNotJudge("the answer deploys nothing whose scaling is judged")
    for module in modules:
        yield from _services(module)
        yield from _groups(module)
    yield from _pooling(modules)
    if answer.constraints.caching and not _has_cache(modules):
        yield Finding(
            "the task asks for caching but the answer deploys no cache",
            hint="Add ElastiCache, DAX or a CDN in front of the data.",
        )


def _services(config: Configuration) -> Iterator[Finding]:
    targets = config.resources("aws_appautoscaling_target")
    policies = config.resources("aws_appautoscaling_policy")
    for service in config.resources("aws_ecs_service"):
        name = service.address.split(".", 1)[1]
        scaled = any(
            service.address in t.references
            or (
                t.block
                and name
                in (
                    t.block.get("resource_id").text
                    if t.block.get("resource_id")
                    else ""
                )
            )
            for t in targets
        )
        if not scaled or not policies:
            yield Finding.at(
                service,
                f"{service.address} never scales: no autoscaling target and policy",
                hint="Add aws_appautoscaling_target and a target-"
                "tracking aws_appautoscaling_policy.",
            )


def _groups(config: Configuration) -> Iterator[Finding]:
    policies = config.resources("aws_autoscaling_policy")
    for group in config.resources("aws_autoscaling_group"):
        if not any(group.address in p.references for p in policies):
            yield Finding.at(
                group,
                f"{group.address} has no scaling policy",
                hint="Add a target-tracking aws_autoscaling_policy.",
            )


def _pooling(modules: list[Configuration]) -> Iterator[Finding]:
    functions = [f for m in modules for f in m.resources("aws_lambda_function")]
    proxies = [p for m in modules for p in m.resources("aws_db_proxy")]
    if proxies:
        # a rotation function must reach the database itself to change its password
        rotation = {
            a
            for m in modules
            for r in m.resources("aws_secretsmanager_secret_rotation")
            for a in r.references
            if a.startswith("aws_lambda_function.")
        }
        yield from _bypassing([f for f in functions if f.address not in rotation])
    if not functions or proxies:
        return
    for module in modules:
        for db in module.resources("aws_db_instance", "aws_rds_cluster"):
            block = db.block
            assert block is not None
            if block.get("replicate_source_db") or block.get("cluster_identifier"):
                continue
            if (
                str(value(block, "engine") or "").startswith(
                    ("aurora", "postgres", "mysql", "mariadb")
                )
                or value(block, "engine") is None
            ):
                yield Finding.at(
                    db,
                    f"{db.address} serves Lambda functions without "
                    "connection pooling; bursts exhaust its connections",
                    hint="Put an aws_db_proxy in front of the database.",
                )


def _bypassing(functions: list) -> Iterator[Finding]:
    """Functions handed a database's own endpoint while a proxy exists."""
    for function in functions:
        direct = sorted(_database_endpoints(function))
        if direct:
            yield Finding.at(
                function,
                f"{function.address} connects to {direct[0]} "
                "directly, bypassing the RDS Proxy",
                hint="Give the function the proxy's endpoint.",
            )


def _database_endpoints(function: Any) -> set[str]:
    found: set[str] = set()
    environment = function.block.nested("environment") if function.block else []
    for block in environment:
        for _, expr in block.expressions():
            for node, _ in walk(expr):
                if isinstance(node, Traversal) and node.root in (
                    "aws_db_instance",
                    "aws_rds_cluster",
                ):
                    path = node.attr_path()
                    if len(path) >= 2 and path[1] in _ENDPOINTS:
                        found.add(f"{node.root}.{path[0]}")
    return found


def _has_cache(modules: list[Configuration]) -> bool:
    if any(m.resources(*_CACHES) for m in modules):
        return True
    return any(
        as_bool(value(s.block, "cache_cluster_enabled")) is True
        for m in modules
        for s in m.resources("aws_api_gateway_stage")
    )


GRADER = Grader(
    id="performance.scaling",
    title="Scaling, pooling and caching",
    severity=Severity.MEDIUM,
    check=check,
)
