"""CIDR blocks AWS refuses: malformed or with host bits set, a VPC outside the
/16-/28 netmasks, subnets outside their VPC's block or overlapping each other.

Subnets are compared per environment and per instance, so a counted subnet
whose ``cidrsubnet`` numbers collide with another subnet's is caught.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graders.base import Finding
from graders.deploy_limits import VPC_PREFIXES, VPC_SOURCE
from graders.deploy_values import instances, items_at, refusal, values_at
from graders.evaluation import referenced
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Scope, Traversal, evaluate
from harness.config.model import Declared

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Where = list[tuple[str, Scope]]
_SUBNET_SOURCE = (
    "Amazon VPC User Guide, subnet CIDR blocks: /16-/28 inside the VPC's "
    "block, not overlapping another subnet"
)
_FORMAT_SOURCE = "Amazon VPC User Guide, CIDR blocks: a network address and netmask"
# arguments holding CIDR blocks that AWS parses as network addresses
_RULE_ARGUMENTS = {
    "aws_security_group": ("ingress.cidr_blocks", "egress.cidr_blocks"),
    "aws_security_group_rule": ("cidr_blocks",),
    "aws_vpc_security_group_ingress_rule": ("cidr_ipv4",),
    "aws_vpc_security_group_egress_rule": ("cidr_ipv4",),
    "aws_network_acl_rule": ("cidr_block",),
    "aws_route": ("destination_cidr_block",),
}


@dataclass(frozen=True)
class Placed:
    """One subnet instance's block in one environment (or why it has none)."""

    subnet: Declared
    where: str
    network: Network | None
    vpc: str | None
    problem: str | None = None


def findings(config: Configuration, where: Where) -> Iterator[Finding]:
    for obj in config.resources("aws_vpc"):
        yield from _vpc(obj, where)
    reported: set[tuple] = set()
    for env, scope in where:
        placed = list(_subnets(config, env, scope))
        found = [*_outside(config, placed, scope), *_overlaps(placed)]
        for key, finding in found:
            # an environment adds only what the defaults did not already show
            if key not in reported:
                reported.add(key)
                yield finding
    for obj in config.resources(*_RULE_ARGUMENTS):
        yield from _rule_blocks(obj, where)


def parse(text: Any) -> Network | str:
    """A network, or why the text is not one."""
    if not isinstance(text, str) or "/" not in text:
        return f"{text!r} is not in address/netmask form"
    try:
        return ipaddress.ip_network(text)
    except ValueError as error:
        host = "has host bits set" in str(error)
        return f"{text!r} " + ("has host bits set" if host else "is malformed")


def _vpc(obj: Declared, where: Where) -> Iterator[Finding]:
    assert obj.block is not None
    expr = obj.block.get("cidr_block")
    if expr is None:
        return
    low, high = VPC_PREFIXES
    for seen in values_at(obj, expr, where):
        network = parse(seen.value)
        if isinstance(network, str):
            yield refusal(
                obj, f"cidr_block {network}{seen.label()}", "Fix it.", _FORMAT_SOURCE
            )
        elif not low <= network.prefixlen <= high:
            yield refusal(
                obj,
                f"cidr_block {network}{seen.label()}: a VPC's netmask is /{low} "
                f"to /{high}",
                "Use a netmask in that range.",
                VPC_SOURCE,
            )


def _subnets(config: Configuration, env: str, scope: Scope) -> Iterator[Placed]:
    for obj in config.resources("aws_subnet"):
        assert obj.block is not None
        expr = obj.block.get("cidr_block")
        if expr is None:
            continue
        for instance, inner in instances(obj, scope):
            value = evaluate(expr, inner)
            if not isinstance(value, str):
                continue
            network = parse(value)
            label = ", ".join(w for w in (env, instance) if w)
            vpc = _vpc_of(config, obj.block.get("vpc_id"), inner, instance)
            if isinstance(network, str):
                yield Placed(obj, label, None, vpc, problem=network)
            else:
                yield Placed(obj, label, network, vpc)


def _vpc_of(config: Configuration, expr: Any, scope: Scope, instance: str) -> str:
    """Which VPC a subnet is in, as a key two subnets share only if they are in
    the same VPC: ``aws_vpc.main`` (with its instance key when the VPC is
    counted), else how the VPC is written (``data.aws_vpc.dr.id``)."""
    for _ in range(4):  # through locals that only rename the VPC
        if not (isinstance(expr, Traversal) and expr.root == "local"):
            break
        local = config.objects.get(f"local.{expr.attr_path()[0]}")
        expr = local.expr if local is not None else None
    if expr is None:
        return ""
    if isinstance(expr, Traversal) and expr.root == "aws_vpc" and expr.attr_path():
        address = f"aws_vpc.{expr.attr_path()[0]}"
        index = [s for s in expr.steps if s.kind == "index" and s.key is not None]
        if not index:
            return address
        key = evaluate(index[0].key, scope)  # type: ignore[arg-type]
        return f"{address}[{key!r}]" if key is not UNKNOWN else f"?{instance}"
    text = " ".join(expr.text.split())
    return text + (f"|{instance}" if "count." in text or "each." in text else "")


def _outside(
    config: Configuration, placed: list[Placed], scope: Scope
) -> Iterator[tuple[tuple, Finding]]:
    for item in placed:
        label = _label(item)
        key = (item.subnet.address, str(item.network), item.problem)
        if item.network is None:
            yield (
                key,
                refusal(
                    item.subnet,
                    f"cidr_block {item.problem}{label}",
                    "Write a network address and netmask.",
                    _FORMAT_SOURCE,
                ),
            )
            continue
        if item.network.version != 4:
            yield (
                key,
                refusal(
                    item.subnet,
                    f"cidr_block {item.network}{label} is an IPv6 block",
                    "Give cidr_block an IPv4 block; IPv6 goes in ipv6_cidr_block.",
                    _SUBNET_SOURCE,
                ),
            )
            continue
        if not 16 <= item.network.prefixlen <= 28:
            yield (
                key,
                refusal(
                    item.subnet,
                    f"cidr_block {item.network}{label}: a subnet's netmask is "
                    "/16 to /28",
                    "Use a netmask in that range.",
                    _SUBNET_SOURCE,
                ),
            )
        vpcs = _vpc_networks(config, item.vpc, scope)
        inside = vpcs is None or any(
            item.network.subnet_of(vpc)  # type: ignore[arg-type]
            for vpc in vpcs
        )
        if not inside:
            vpc = ", ".join(str(v) for v in vpcs)
            yield (
                (*key, str(vpc)),
                refusal(
                    item.subnet,
                    f"cidr_block {item.network}{label} is outside {item.vpc}'s {vpc}",
                    "Carve subnets from the VPC's block.",
                    _SUBNET_SOURCE,
                ),
            )


def _vpc_networks(config: Configuration, address: str | None, scope: Scope) -> Any:
    """A single VPC's IPv4 blocks, its secondary ones included; None when any
    is unknown (a subnet can then be in a block the grader cannot see)."""
    obj = config.objects.get(address) if address else None
    if obj is None or obj.block is None or obj.block.get("cidr_block") is None:
        return None
    if obj.block.get("count") is not None or obj.block.get("for_each") is not None:
        return None
    blocks = [obj.block.get("cidr_block")] + [
        extra.block.get("cidr_block")
        for extra in config.resources("aws_vpc_ipv4_cidr_block_association")
        if extra.block is not None
        and address in set(referenced(extra.block.get("vpc_id"), "aws_vpc."))
    ]
    networks = [parse(evaluate(b, scope)) if b is not None else "" for b in blocks]
    if any(isinstance(n, str) or n.version != 4 for n in networks):
        return None
    return networks


def _overlaps(placed: list[Placed]) -> Iterator[tuple[tuple, Finding]]:
    good = [p for p in placed if p.network is not None and p.network.version == 4]
    for index, first in enumerate(good):
        for second in good[index + 1 :]:
            assert first.network is not None and second.network is not None
            if first.vpc != second.vpc or not first.network.overlaps(second.network):
                continue
            key = (
                first.subnet.address,
                str(first.network),
                second.subnet.address,
                str(second.network),
            )
            yield (
                key,
                refusal(
                    first.subnet,
                    f"cidr_block {first.network}{_label(first)} overlaps "
                    f"{second.subnet.address}'s {second.network}{_label(second)}",
                    "Give each subnet its own block.",
                    _SUBNET_SOURCE,
                ),
            )


def _label(item: Placed) -> str:
    return f" ({item.where})" if item.where else ""


def _rule_blocks(obj: Declared, where: Where) -> Iterator[Finding]:
    for path in _RULE_ARGUMENTS[obj.type]:
        for name, seen, item in items_at(obj, path, where):
            network = parse(item)
            if isinstance(network, str):
                yield refusal(
                    obj,
                    f"{name} {network}{seen.label()}",
                    "Write a network address and netmask.",
                    _FORMAT_SOURCE,
                )
