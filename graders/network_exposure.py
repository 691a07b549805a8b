"""Something other than a public load balancer's 80 and 443 is open to the world,
or a database is reachable from the internet.

Ingress from ``0.0.0.0/0`` or ``::/0`` is flagged on any port of any group
except ports 80 and 443 of a group attached to an internet-facing load
balancer, whether the rule is written inline (block or attribute form) or as a
separate rule resource. A database is flagged when it is publicly accessible or
its subnet group holds a subnet routed to an internet gateway.
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_bool, referenced, value
from graders.network_rules import Rule, public_load_balancer_groups, rules
from harness.answer import Answer
from harness.config.configuration import Configuration

WEB_PORTS = {80, 443}
_DATABASES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_docdb_cluster_instance",
)


def check(answer: Answer) -> Iterator[Finding]:
    config = answer.config
    found = list(rules(config))
    databases = [d for m in config.modules() for d in m.resources(*_DATABASES)]
    if not found and not databases:
        raise CouldNotJudge("the answer has no security groups or databases")
    public, unresolved = public_load_balancer_groups(config)
    for rule in found:
        if rule.direction == "ingress" and rule.open_to_world:
            yield from _open_rule(rule, public, unresolved)
    for module in config.modules():
        yield from _public_databases(module)


def _open_rule(rule: Rule, public: set[str], unresolved: bool) -> Iterator[Finding]:
    ports = rule.ports()
    if ports is None:
        return  # the ports are computed: could not judge this rule
    low, high = ports
    web_only = set(range(low, high + 1)) <= WEB_PORTS
    if web_only and (rule.group in public or unresolved):
        return  # a public load balancer's port, or maybe one: not judged
    where = (
        "all ports"
        if rule.all_ports
        else (f"port {low}" if low == high else f"ports {low}-{high}")
    )
    cidr = ", ".join(c for c in rule.cidrs if c in ("0.0.0.0/0", "::/0"))
    group = (
        f" of {rule.group}" if rule.group and rule.group != rule.owner.address else ""
    )
    yield Finding.at(
        rule.owner,
        f"{rule.owner.address}{group} admits {cidr} on {where}",
        hint="Admit only the load balancer's or application's security "
        "group, or a known CIDR; only a public load balancer serves "
        "80 and 443 to the world.",
    )


def _public_databases(config: Configuration) -> Iterator[Finding]:
    public_subnets = _public_subnets(config)
    groups = {g.address: g for g in config.resources("aws_db_subnet_group")}
    for db in config.resources(*_DATABASES):
        if as_bool(value(db.block, "publicly_accessible")) is True:
            yield Finding.at(
                db,
                f"{db.address} sets publicly_accessible = true",
                hint="Set publicly_accessible = false.",
            )
        expr = db.block.get("db_subnet_group_name") if db.block else None
        for group in referenced(expr, "aws_db_subnet_group."):
            subnet_group = groups.get(group)
            subnets = (
                set(referenced(subnet_group.block.get("subnet_ids"), "aws_subnet."))
                if subnet_group and subnet_group.block
                else set()
            )
            exposed = sorted(subnets & public_subnets)
            if exposed:
                yield Finding.at(
                    db,
                    f"{db.address} uses {group}, which holds subnets "
                    f"routed to an internet gateway: {', '.join(exposed)}",
                    hint="Build the subnet group from private subnets.",
                )


def _public_subnets(config: Configuration) -> set[str]:
    """Subnets that map public IPs or whose route table reaches a gateway."""
    public = {
        s.address
        for s in config.resources("aws_subnet")
        if as_bool(value(s.block, "map_public_ip_on_launch")) is True
    }
    tables = _internet_route_tables(config)
    for assoc in config.resources("aws_route_table_association"):
        block = assoc.block
        if block is None:
            continue
        if set(referenced(block.get("route_table_id"), "aws_route_table.")) & tables:
            public |= set(referenced(block.get("subnet_id"), "aws_subnet."))
    return public


def _internet_route_tables(config: Configuration) -> set[str]:
    tables = set()
    for table in config.resources("aws_route_table"):
        for route in table.block.nested("route") if table.block else []:
            if any(referenced(route.get("gateway_id"), "aws_internet_gateway.")):
                tables.add(table.address)
    for route in config.resources("aws_route"):
        if route.block and any(
            referenced(route.block.get("gateway_id"), "aws_internet_gateway.")
        ):
            tables |= set(
                referenced(route.block.get("route_table_id"), "aws_route_table.")
            )
    return tables


GRADER = Grader(
    id="network.exposure",
    title="Nothing but the public load balancer open to the internet",
    severity=Severity.CRITICAL,
    check=check,
)
