"""Components are wired to each other wrongly: the database admits addresses
instead of the application's security group, or ports disagree along the path.

A database's security group must admit only other security groups (no CIDR
ranges) and must admit the port the engine listens on. Along the load-balanced
path of an ECS service, the service's container port must appear in the
container's port mappings, and the service's security group must admit it (ECS
registers the container port with the target group, whatever port the group
names).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_number, referenced, value
from graders.network_rules import Rule, rules
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, document
from harness.config.model import Declared

ENGINE_PORTS = {
    "postgres": 5432,
    "aurora-postgresql": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "aurora-mysql": 3306,
    "aurora": 3306,
    "sqlserver": 1433,
    "oracle": 1521,
}
_DATABASES = ("aws_db_instance", "aws_rds_cluster")


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    if not any(m.resources(*_DATABASES, "aws_ecs_service") for m in modules):
        raise CouldNotJudge("the answer has no database or ECS service to wire")
    by_group: dict[str, list[Rule]] = {}
    for rule in rules(answer.config):
        if rule.group and rule.direction == "ingress":
            by_group.setdefault(rule.group, []).append(rule)
    for module in modules:
        yield from _databases(module, by_group)
        yield from _services(module, by_group)


def engine_port(db: Declared) -> Any:
    explicit = as_number(value(db.block, "port"))
    if isinstance(explicit, int):
        return explicit
    engine = value(db.block, "engine")
    if isinstance(engine, str):
        return next(
            (p for e, p in ENGINE_PORTS.items() if engine.startswith(e)), UNKNOWN
        )
    return UNKNOWN


def _admits(rules_: list[Rule], port: int) -> bool:
    for rule in rules_:
        ports = rule.ports()
        if ports is None or ports[0] <= port <= ports[1]:
            return True  # computed ports are given the benefit of the doubt
    return False


def _databases(
    config: Configuration, by_group: dict[str, list[Rule]]
) -> Iterator[Finding]:
    for db in config.resources(*_DATABASES):
        block = db.block
        assert block is not None
        if block.get("cluster_identifier") or block.get("replicate_source_db"):
            continue
        groups = sorted(
            referenced(block.get("vpc_security_group_ids"), "aws_security_group.")
        )
        port = engine_port(db)
        for group in groups:
            ingress = by_group.get(group, [])
            for rule in ingress:
                if rule.cidrs:
                    yield Finding.at(
                        rule.owner,
                        f"{group} (of {db.address}) admits "
                        f"{', '.join(rule.cidrs)} instead of the "
                        "application's security group",
                        hint="Use security_groups / referenced_security_group_id.",
                    )
            if not isinstance(port, int):
                continue
            if ingress and not _admits(ingress, port):
                yield Finding.at(
                    db,
                    f"{db.address} listens on {port}, but {group} "
                    "admits other ports only",
                    hint=f"Admit port {port} from the application.",
                )
            else:
                yield from _wrong_ports(db, group, ingress, port)


def _wrong_ports(
    db: Declared, group: str, ingress: list[Rule], port: int
) -> Iterator[Finding]:
    """Each rule admitting a peer into the database's group must use its port."""
    for rule in ingress:
        if rule.peers and not _admits([rule], port):
            low, high = rule.ports() or (0, 0)
            shown = str(low) if low == high else f"{low}-{high}"
            yield Finding.at(
                rule.owner,
                f"{rule.owner.address} admits "
                f"{', '.join(rule.peers)} into {group} on {shown}, but "
                f"{db.address} listens on {port}",
                hint=f"Admit port {port}.",
            )


def _services(
    config: Configuration, by_group: dict[str, list[Rule]]
) -> Iterator[Finding]:
    for service in config.resources("aws_ecs_service"):
        block = service.block
        assert block is not None
        for lb in block.nested("load_balancer"):
            port = as_number(value(lb, "container_port", config.scope()))
            if not isinstance(port, int):
                continue
            yield from _port_mappings(config, service, lb, port)
            for network in block.nested("network_configuration"):
                for group in sorted(
                    referenced(network.get("security_groups"), "aws_security_group.")
                ):
                    ingress = by_group.get(group, [])
                    if ingress and not _admits(ingress, port):
                        yield Finding.at(
                            service,
                            f"{service.address} listens on "
                            f"{port}, but {group} does not admit it",
                            hint=f"Admit port {port} from the load "
                            "balancer's security group.",
                        )


def _port_mappings(
    config: Configuration, service: Declared, lb: Any, port: int
) -> Iterator[Finding]:
    assert service.block is not None
    name = value(lb, "container_name", config.scope())
    for address in referenced(
        service.block.get("task_definition"), "aws_ecs_task_definition."
    ):
        task = config.objects.get(address)
        if (
            task is None
            or task.block is None
            or not task.block.get("container_definitions")
        ):
            continue
        containers = document(task.block.get("container_definitions"), config.scope())
        for container in containers if isinstance(containers, list) else []:
            if not isinstance(container, dict) or container.get("name") != name:
                continue
            mapped = [
                as_number(m.get("containerPort"))
                for m in container.get("portMappings") or []
                if isinstance(m, dict)
            ]
            if all(isinstance(m, int) for m in mapped) and port not in mapped:
                yield Finding.at(
                    service,
                    f"{service.address} routes to port {port} of "
                    f"container {name}, which maps {mapped or 'no port'}",
                    hint="Map the container port the service uses.",
                )


GRADER = Grader(
    id="network.wiring",
    title="Components wired by group and by port",
    severity=Severity.HIGH,
    check=check,
)
