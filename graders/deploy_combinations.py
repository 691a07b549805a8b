"""Arguments each valid alone whose combination AWS refuses: Fargate task
sizes, FIFO names and dead-letter queues of another kind, capacity bounds out
of order, failover without replicas, enhanced monitoring without a role,
infrequent-access transitions before 30 days, health-check timeouts not below
the interval, and Lambda environment variables the runtime reserves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

from graders.base import Finding
from graders.deploy_limits import (
    FARGATE_SIZES,
    FARGATE_SOURCE,
    LAMBDA_RESERVED_KEYS,
    LAMBDA_RESERVED_SOURCE,
)
from graders.deploy_values import items_at, refusal, targets, values_of
from graders.evaluation import as_bool, as_number, referenced
from harness.config.configuration import Configuration
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
)
from harness.config.model import Block, Declared

Where = list[tuple[str, Scope]]
Check = Callable[[Configuration, Declared, Where], Iterator[Finding]]


def findings(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
    for check in _CHECKS.get(obj.type, ()):
        yield from check(config, obj, where)


def _arg(block: Block, name: str, scope: Scope) -> Any:
    expr = block.get(name)
    return evaluate(expr, scope) if expr is not None else None


def _flag(block: Block, name: str, scope: Scope) -> Any:
    """A boolean argument: its value, False when absent, UNKNOWN when computed."""
    if block.get(name) is None:
        return False
    value = as_bool(_arg(block, name, scope))
    return value if isinstance(value, bool) else UNKNOWN


def _fargate(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
    block = obj.block
    assert block is not None

    def read(scope: Scope) -> Any:
        kinds = _arg(block, "requires_compatibilities", scope)
        if not isinstance(kinds, list) or "FARGATE" not in kinds:
            return UNKNOWN
        cpu = as_number(_arg(block, "cpu", scope))
        memory = as_number(_arg(block, "memory", scope))
        return [cpu, memory, _arg(block, "network_mode", scope)]

    for seen in values_of(obj, read, where):
        cpu, memory, mode = seen.value
        sizes = FARGATE_SIZES.get(cpu) if isinstance(cpu, (int, float)) else None
        if cpu is not UNKNOWN and sizes is None and isinstance(cpu, (int, float)):
            yield refusal(
                obj,
                f"Fargate has no task size of {cpu:g} CPU units{seen.label()}",
                f"Use one of {', '.join(str(c) for c in FARGATE_SIZES)}.",
                FARGATE_SOURCE,
            )
        elif isinstance(memory, (int, float)) and memory not in (sizes or (memory,)):
            assert sizes is not None
            yield refusal(
                obj,
                f"Fargate does not pair {cpu:g} CPU units with {memory:g} MiB"
                f"{seen.label()}",
                f"With {cpu:g} CPU use {min(sizes)}-{max(sizes)} MiB in "
                "the documented steps.",
                FARGATE_SOURCE,
            )
        if mode is not UNKNOWN and mode != "awsvpc":
            yield refusal(
                obj,
                f"a Fargate task needs network_mode awsvpc, not {mode or 'bridge'}",
                'Set network_mode = "awsvpc".',
                FARGATE_SOURCE,
            )


def _fifo(flag: str, what: str, source: str) -> Check:
    def check(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
        block = obj.block
        assert block is not None

        def read(scope: Scope) -> Any:
            name = _arg(block, "name", scope)
            fifo = _flag(block, flag, scope)
            known = isinstance(name, str) and fifo is not UNKNOWN
            return [name, fifo] if known else UNKNOWN

        for seen in values_of(obj, read, where):
            name, fifo = seen.value
            if fifo != name.endswith(".fifo"):
                yield refusal(
                    obj,
                    f'{what} "{name}"{seen.label()}: a FIFO {what} name ends '
                    f"in .fifo and only a FIFO {what}'s does",
                    f"Make {flag} and the .fifo suffix agree.",
                    source,
                )

    return check


_SQS_SOURCE = "Amazon SQS Developer Guide, FIFO queue names and dead-letter queues"
_SNS_SOURCE = "Amazon SNS Developer Guide, FIFO topic names"


def _dead_letter(
    config: Configuration, obj: Declared, where: Where
) -> Iterator[Finding]:
    block = obj.block
    assert block is not None
    policy = block.get("redrive_policy")
    scope = where[0][1]
    fifo = _flag(block, "fifo_queue", scope)
    if fifo is UNKNOWN:
        return
    for address in set(referenced(policy, "aws_sqs_queue.")):
        target = config.objects.get(address)
        if target is None or target.block is None:
            continue
        other = _flag(target.block, "fifo_queue", scope)
        if other is not UNKNOWN and other != fifo:
            yield refusal(
                obj,
                f"its dead-letter queue {address} is "
                f"{'a FIFO' if other else 'a standard'} queue; a "
                f"{'FIFO' if fifo else 'standard'} queue needs one of its own kind",
                "Make both queues the same kind.",
                _SQS_SOURCE,
            )


def _ordered(low: str, middle: str | None, high: str, source: str) -> Check:
    names = [n for n in (low, middle, high) if n]

    def check(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
        block = obj.block
        assert block is not None

        def read(scope: Scope) -> Any:
            return [as_number(_arg(block, n, scope)) for n in names]

        for seen in values_of(obj, read, where):
            known = [
                (n, v)
                for n, v in zip(names, seen.value, strict=True)
                if isinstance(v, (int, float))
            ]
            if any(a[1] > b[1] for a, b in zip(known, known[1:], strict=False)):
                said = " <= ".join(f"{n} ({v:g})" for n, v in known)
                yield refusal(
                    obj,
                    f"needs {said}{seen.label()}",
                    "Put the bounds in order.",
                    source,
                )

    return check


_ELASTICACHE_SOURCE = (
    "ElastiCache API Reference, CreateReplicationGroup "
    "AutomaticFailoverEnabled: needs at least one replica"
)


def _failover(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
    block = obj.block
    assert block is not None

    def read(scope: Scope) -> Any:
        flags = [
            _flag(block, "automatic_failover_enabled", scope),
            _flag(block, "multi_az_enabled", scope),
        ]
        if UNKNOWN in flags:
            return UNKNOWN
        return [
            *flags,
            as_number(_arg(block, "num_cache_clusters", scope)),
            block.get("num_node_groups") or block.get("replicas_per_node_group"),
        ]

    for seen in values_of(obj, read, where):
        failover, multi_az, nodes, sharded = seen.value
        if failover is True and not sharded and nodes in (None, 1):
            yield refusal(
                obj,
                f"automatic failover with {nodes or 1} node{seen.label()}",
                "Set num_cache_clusters to 2 or more.",
                _ELASTICACHE_SOURCE,
            )
        if multi_az is True and failover is not True:
            yield refusal(
                obj,
                f"multi_az_enabled without automatic failover{seen.label()}",
                "Enable automatic_failover_enabled.",
                _ELASTICACHE_SOURCE,
            )


def _monitoring_role(
    config: Configuration, obj: Declared, where: Where
) -> Iterator[Finding]:
    block = obj.block
    assert block is not None

    def read(scope: Scope) -> Any:
        return as_number(_arg(block, "monitoring_interval", scope))

    if block.get("monitoring_role_arn") is not None:
        return
    for seen in values_of(obj, read, where):
        if isinstance(seen.value, (int, float)) and seen.value > 0:
            yield refusal(
                obj,
                f"monitoring_interval {seen.value:g}{seen.label()} without "
                "monitoring_role_arn",
                "Add a role for enhanced monitoring, or set the interval to 0.",
                "RDS API Reference, MonitoringRoleArn: required when "
                "MonitoringInterval is above 0",
            )


def _transitions(
    config: Configuration, obj: Declared, where: Where
) -> Iterator[Finding]:
    path = (
        "rule.transition"
        if "configuration" in obj.type
        else "lifecycle_rule.transition"
    )
    for block, _ in targets(obj, f"{path}.days"):
        kind = _arg(block, "storage_class", where[0][1])
        days = as_number(_arg(block, "days", where[0][1]))
        early = isinstance(days, (int, float)) and days < 30
        if kind in ("STANDARD_IA", "ONEZONE_IA") and early:
            yield refusal(
                obj,
                f"a transition to {kind} after {days:g} days",
                "Transition to infrequent access after 30 days or more.",
                "Amazon S3 User Guide, lifecycle transitions: objects stay "
                "30 days before moving to STANDARD_IA or ONEZONE_IA",
            )


def _health_check(
    config: Configuration, obj: Declared, where: Where
) -> Iterator[Finding]:
    for block, _ in targets(obj, "health_check.interval"):

        def read(scope: Scope, block: Block = block) -> Any:
            timeout = as_number(_arg(block, "timeout", scope))
            if block.get("timeout") is None and obj.block is not None:
                # the default is at least 5 seconds for instance and ip targets
                lambda_ = _arg(obj.block, "target_type", scope) == "lambda"
                timeout = 30 if lambda_ else 5
            return [
                timeout,
                as_number(_arg(block, "interval", scope)),
                _arg(block, "protocol", scope),
            ]

        for seen in values_of(obj, read, where):
            timeout, interval, protocol = seen.value
            numbers = all(isinstance(v, (int, float)) for v in (timeout, interval))
            if numbers and protocol not in ("TCP", "TLS") and timeout >= interval:
                said = "timeout" if block.get("timeout") else "default timeout"
                yield refusal(
                    obj,
                    f"health_check {said} {timeout:g} is not below its interval "
                    f"{interval:g}{seen.label()}",
                    "Make the timeout shorter than the interval.",
                    "ELB API Reference, CreateTargetGroup: the timeout must be "
                    "smaller than the interval",
                )


def _reserved_variables(
    config: Configuration, obj: Declared, where: Where
) -> Iterator[Finding]:
    for block, _ in targets(obj, "environment.variables"):
        expr = block.get("variables")
        if expr is None:
            continue
        keys = {k for _, scope in where for k in _keys(expr, scope, config, 0)}
        for key in sorted(k for k in keys if k in LAMBDA_RESERVED_KEYS):
            yield refusal(
                obj,
                f"environment variable {key} is reserved by the Lambda runtime",
                f"Remove {key}; the runtime sets it.",
                LAMBDA_RESERVED_SOURCE,
            )


def _keys(expr: Expr, scope: Scope, config: Configuration, depth: int) -> set[str]:
    """The keys a map expression certainly has, through merge() and locals."""
    value = evaluate(expr, scope)
    if isinstance(value, dict):
        return set(value)
    if depth > 8:
        return set()
    if isinstance(expr, ObjectExpr):
        return {key for key in (object_key(k) for k, _ in expr.items) if key}
    if isinstance(expr, Call) and expr.name == "merge":
        return {k for arg in expr.args for k in _keys(arg, scope, config, depth + 1)}
    local = _local(expr, config)
    return _keys(local, scope, config, depth + 1) if local is not None else set()


def _local(expr: Expr, config: Configuration) -> Expr | None:
    if not isinstance(expr, Traversal) or expr.root != "local":
        return None
    if len(expr.steps) != 1 or expr.steps[0].kind != "attr":
        return None
    obj = config.objects.get(f"local.{expr.steps[0].name}")
    return obj.expr if obj is not None else None


def _one_subnet(kind: str, argument: str, source: str) -> Check:
    """A resource AWS wants in two Availability Zones given a single subnet."""

    def check(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
        block = obj.block
        assert block is not None
        if kind == "load balancer" and _lb_type(block, where) != "application":
            return
        subnets = block.get(argument)
        if subnets is None and kind == "load balancer":
            if len(block.blocks_of("subnet_mapping")) != 1:
                return
        elif not _single(config, subnets):
            return
        yield refusal(
            obj,
            f"one subnet: a {kind} needs subnets in at least two Availability Zones",
            "Give it a subnet in a second Availability Zone.",
            source,
        )

    return check


def _lb_type(block: Block, where: Where) -> Any:
    if block.get("load_balancer_type") is None:
        return "application"
    return _arg(block, "load_balancer_type", where[0][1])


def _single(config: Configuration, subnets: Expr | None) -> bool:
    """A list written with one subnet in it, that subnet not counted."""
    if not isinstance(subnets, TupleExpr) or len(subnets.items) != 1:
        return False
    item = subnets.items[0]
    if not isinstance(item, Traversal) or any(s.kind == "splat" for s in item.steps):
        return False
    target = config.objects.get(f"{item.root}.{item.attr_path()[0]}")
    if item.root != "aws_subnet" or target is None or target.block is None:
        return False
    return target.block.get("count") is None and target.block.get("for_each") is None


_RULE_SOURCE = (
    "Amazon EC2 API Reference, IpRange CidrIp: an IPv4 CIDR block "
    "(IPv6 ranges go in Ipv6Ranges)"
)


def _rule_blocks(*paths: str) -> Check:
    """Security group rules whose IPv4 range argument holds an IPv6 block."""

    def check(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
        reported = set()
        for path in paths:
            for name, seen, item in items_at(obj, path, where):
                problem = _not_ipv4(item)
                if problem and (name, item) not in reported:
                    reported.add((name, item))
                    yield refusal(
                        obj,
                        f'{name} "{item}"{seen.label()} {problem}',
                        "Give IPv4 blocks here and IPv6 ones in the IPv6 argument.",
                        _RULE_SOURCE,
                    )

    return check


def _not_ipv4(item: Any) -> str | None:
    if not isinstance(item, str):
        return None
    try:
        network = ipaddress.ip_network(item, strict=False)
    except ValueError:
        return None  # a malformed block is the CIDR rules' finding
    return "is an IPv6 block" if network.version == 6 else None


_STORAGE_SOURCE = (
    "Amazon RDS User Guide, DB instance storage: General Purpose SSD from "
    "20 GiB, Provisioned IOPS SSD from 100 GiB"
)
_LEAST_STORAGE = {"gp2": 20, "gp3": 20, "io1": 100, "io2": 100}


def _storage(config: Configuration, obj: Declared, where: Where) -> Iterator[Finding]:
    block = obj.block
    assert block is not None
    if block.get("allocated_storage") is None or block.get("replicate_source_db"):
        return

    def read(scope: Scope) -> Any:
        kind = _arg(block, "storage_type", scope) or "gp2"
        size = as_number(_arg(block, "allocated_storage", scope))
        known = isinstance(size, (int, float)) and kind in _LEAST_STORAGE
        return [kind, size] if known else UNKNOWN

    for seen in values_of(obj, read, where):
        kind, size = seen.value
        if size < _LEAST_STORAGE[kind]:
            yield refusal(
                obj,
                f"allocated_storage {size:g}{seen.label()}: {kind} storage "
                f"starts at {_LEAST_STORAGE[kind]} GiB",
                "Allocate at least that much.",
                _STORAGE_SOURCE,
            )


_ASG = "Amazon EC2 Auto Scaling API Reference, CreateAutoScalingGroup"
_SCALING = "Application Auto Scaling API Reference, RegisterScalableTarget"
_ALB_SOURCE = (
    "Elastic Load Balancing API Reference, CreateLoadBalancer Subnets: an "
    "Application Load Balancer takes subnets in at least two Availability Zones"
)
_SUBNET_GROUP_SOURCE = (
    "Amazon RDS User Guide, DB subnet groups: subnets in at least two "
    "Availability Zones"
)
_CHECKS: dict[str, tuple[Check, ...]] = {
    "aws_ecs_task_definition": (_fargate,),
    "aws_sqs_queue": (_fifo("fifo_queue", "queue", _SQS_SOURCE), _dead_letter),
    "aws_sns_topic": (_fifo("fifo_topic", "topic", _SNS_SOURCE),),
    "aws_autoscaling_group": (
        _ordered("min_size", "desired_capacity", "max_size", _ASG),
    ),
    "aws_appautoscaling_target": (
        _ordered("min_capacity", None, "max_capacity", _SCALING),
    ),
    "aws_elasticache_replication_group": (_failover,),
    "aws_db_instance": (_monitoring_role, _storage),
    "aws_security_group": (_rule_blocks("ingress.cidr_blocks", "egress.cidr_blocks"),),
    "aws_security_group_rule": (_rule_blocks("cidr_blocks"),),
    "aws_vpc_security_group_ingress_rule": (_rule_blocks("cidr_ipv4"),),
    "aws_vpc_security_group_egress_rule": (_rule_blocks("cidr_ipv4"),),
    "aws_lb": (_one_subnet("load balancer", "subnets", _ALB_SOURCE),),
    "aws_alb": (_one_subnet("load balancer", "subnets", _ALB_SOURCE),),
    "aws_db_subnet_group": (
        _one_subnet("DB subnet group", "subnet_ids", _SUBNET_GROUP_SOURCE),
    ),
    "aws_rds_cluster_instance": (_monitoring_role,),
    "aws_s3_bucket_lifecycle_configuration": (_transitions,),
    "aws_s3_bucket": (_transitions,),
    "aws_lb_target_group": (_health_check,),
    "aws_alb_target_group": (_health_check,),
    "aws_lambda_function": (_reserved_variables,),
}
