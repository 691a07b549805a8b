"""A single failure takes the service down in production: one zone, one NAT
gateway for several zones, one task, one database instance.

Subnets must span at least two availability zones; production needs a NAT
gateway per zone that has private subnets, an ECS desired count of at least
two, Multi-AZ databases and Auto Scaling groups of at least two instances.
Values are read for the production environment when the answer selects
settings by environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import (
    as_bool,
    as_number,
    instances,
    lower_environment,
    prod_scope,
    value,
)
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Scope, evaluate
from harness.config.model import Declared


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (
        "aws_subnet",
        "aws_nat_gateway",
        "aws_ecs_service",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_autoscaling_group",
    )
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer deploys nothing whose redundancy is judged")
    for module in modules:
        if lower_environment(module):  # redundancy is judged in production
            continue
        scope = prod_scope(module, answer.constraints.environments)
        zones = _zone_count(module, scope)
        yield from _subnets(module, zones)
        yield from _nat_gateways(module, scope, zones)
        yield from _services(module, scope)
        yield from _databases(module, scope)


def count_of(obj: Declared, scope: Scope) -> Any:
    """How many instances a resource has: its count, for_each size, or 1."""
    block = obj.block
    assert block is not None
    if block.get("count") is not None:
        return as_number(evaluate(block.get("count"), scope))
    if block.get("for_each") is not None:
        items = evaluate(block.get("for_each"), scope)
        return len(items) if isinstance(items, (dict, list)) else UNKNOWN
    return 1


def _zone_count(config: Configuration, scope: Scope) -> Any:
    """Distinct zones the subnets use; UNKNOWN when a subnet's count is not.

    A zone the configuration does not determine (a data source's list) is told
    apart by how it is written: ``names[count.index]`` names a different zone
    for each instance, ``names[0]`` the same zone every time.
    """
    zones: set[str] = set()
    for subnet in config.resources("aws_subnet"):
        if count_of(subnet, scope) is UNKNOWN:
            return UNKNOWN
        expr = subnet.block.get("availability_zone") if subnet.block else None
        if expr is None:
            return UNKNOWN
        for instance, inner in instances(subnet, scope):
            zone = evaluate(expr, inner)
            if isinstance(zone, str):
                zones.add(zone)
            elif "count." in expr.text or "each." in expr.text:
                zones.add(f"{expr.text}|{instance}")
            else:
                zones.add(expr.text)
    return len(zones)


def _subnets(config: Configuration, zones: Any) -> Iterator[Finding]:
    subnets = config.resources("aws_subnet")
    if subnets and zones is not UNKNOWN and zones < 2:
        yield Finding.at(
            subnets[0],
            f"every subnet is in one availability zone ({len(subnets)} subnets)",
            hint="Spread subnets over at least two zones.",
        )


def _nat_gateways(config: Configuration, scope: Scope, zones: Any) -> Iterator[Finding]:
    gateways = config.resources("aws_nat_gateway")
    if not gateways or zones is UNKNOWN or zones < 2:
        return
    counts = [count_of(g, scope) for g in gateways]
    if any(c is UNKNOWN for c in counts):
        return
    if sum(counts) < zones:
        yield Finding.at(
            gateways[0],
            f"{sum(counts)} NAT gateway(s) in production for "
            f"{zones} zones: losing that zone cuts every private subnet "
            "off",
            hint="Create one NAT gateway per zone in production.",
        )


def _services(config: Configuration, scope: Scope) -> Iterator[Finding]:
    for service in config.resources("aws_ecs_service"):
        desired = as_number(value(service.block, "desired_count", scope))
        if isinstance(desired, (int, float)) and desired < 2:
            yield Finding.at(
                service,
                f"{service.address} runs {desired:g} task(s) in production",
                hint="Run at least two tasks in production.",
            )
    for group in config.resources("aws_autoscaling_group"):
        minimum = as_number(value(group.block, "min_size", scope))
        if isinstance(minimum, (int, float)) and minimum < 2:
            yield Finding.at(
                group,
                f"{group.address} may shrink to {minimum:g} instance(s) in production",
                hint="Set min_size to at least two in production.",
            )


def _databases(config: Configuration, scope: Scope) -> Iterator[Finding]:
    for db in config.resources("aws_db_instance"):
        block = db.block
        assert block is not None
        if block.get("replicate_source_db") or block.get("cluster_identifier"):
            continue
        multi_az = as_bool(value(block, "multi_az", scope))
        if multi_az is None or multi_az is False:
            yield Finding.at(
                db,
                f"{db.address} is not Multi-AZ in production",
                hint="Set multi_az = true in production.",
            )
    for cluster in config.resources("aws_rds_cluster"):
        members = [
            i
            for i in config.resources("aws_rds_cluster_instance")
            if cluster.address in i.references
        ]
        total = sum(
            c for c in (count_of(m, scope) for m in members) if isinstance(c, int)
        )
        if (
            members
            and total < 2
            and all(count_of(m, scope) is not UNKNOWN for m in members)
        ):
            yield Finding.at(
                cluster,
                f"{cluster.address} has {total} instance in production",
                hint="Add a second cluster instance.",
            )


GRADER = Grader(
    id="availability.ha",
    title="No single point of failure in production",
    severity=Severity.HIGH,
    check=check,
)
