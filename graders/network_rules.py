"""Security group rules in every form, normalised: inline blocks, attribute lists,
``aws_security_group_rule`` and the per-rule VPC resources.

The network graders read :class:`Rule` objects and never care how a rule was
written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graders.evaluation import IteratorScope, referenced
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Scope, Traversal, evaluate
from harness.config.model import Block, Declared

OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


@dataclass(frozen=True)
class Rule:
    owner: Declared  # where the rule is written
    group: str | None  # the security group it belongs to
    direction: str  # "ingress" or "egress"
    from_port: Any
    to_port: Any
    protocol: Any
    cidrs: tuple[str, ...]
    peers: tuple[str, ...]  # security groups named as source or destination

    @property
    def open_to_world(self) -> bool:
        return bool(OPEN_CIDRS & set(self.cidrs))

    @property
    def all_ports(self) -> bool:
        return str(self.protocol) in ("-1", "all") or (
            self.from_port == 0 and self.to_port in (0, 65535)
        )

    def ports(self) -> tuple[int, int] | None:
        if self.all_ports:
            return (0, 65535)
        low, high = self.from_port, self.to_port
        if isinstance(low, int) and isinstance(high, int):
            return (low, high)
        return None


def _strings(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list):
        return tuple(x for x in raw if isinstance(x, str))
    return ()


def _cidrs(expr: Any, scope: Scope) -> tuple[str, ...]:
    """Known blocks as written; a computed one (``aws_vpc.main.cidr_block``)
    by its expression, since it still admits addresses rather than a group."""
    if expr is None:
        return ()
    raw = evaluate(expr, scope)
    known = _strings(raw)
    computed = raw is UNKNOWN or (
        isinstance(raw, list) and any(not isinstance(x, str) for x in raw)
    )
    return known + ((" ".join(expr.text.split())[:60],) if computed else ())


def _int(raw: Any) -> Any:
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return raw if isinstance(raw, int) else UNKNOWN


def _rule(
    owner: Declared, group: str | None, direction: str, block: Block, scope: Scope
) -> Rule:
    def get(name: str) -> Any:
        expr = block.get(name)
        return evaluate(expr, scope) if expr is not None else None

    cidrs = tuple(
        cidr
        for name in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6")
        for cidr in _cidrs(block.get(name), scope)
    )
    peers = tuple(
        address
        for name in (
            "security_groups",
            "source_security_group_id",
            "referenced_security_group_id",
        )
        for address in referenced(block.get(name), "aws_security_group.")
    )
    protocol = get("protocol") if block.get("protocol") else get("ip_protocol")
    return Rule(
        owner,
        group,
        direction,
        _int(get("from_port")),
        _int(get("to_port")),
        protocol,
        cidrs,
        peers,
    )


def rules(config: Configuration) -> Iterator[Rule]:
    """Every ingress and egress rule in every module."""
    for module in config.modules():
        scope = module.scope()
        for obj in module.objects.values():
            if obj.kind != "resource" or obj.block is None:
                continue
            yield from _rules_of(obj, scope)


def _rules_of(obj: Declared, scope: Scope) -> Iterator[Rule]:
    block = obj.block
    assert block is not None
    if obj.type == "aws_security_group":
        for direction in ("ingress", "egress"):
            written = block.blocks_of(direction) + [
                b for b in block.nested(direction) if b.synthetic
            ]
            for nested in written:
                yield _rule(obj, obj.address, direction, nested, scope)
            for dynamic in block.blocks_of("dynamic"):
                if dynamic.labels == (direction,):
                    yield from _dynamic_rules(obj, dynamic, direction, scope)
    elif obj.type == "aws_security_group_rule":
        direction = evaluate(block.get("type"), scope) if block.get("type") else None
        group = next(
            referenced(block.get("security_group_id"), "aws_security_group."), None
        )
        yield _rule(obj, group, str(direction), block, scope)
    elif obj.type in (
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ):
        direction = "ingress" if obj.type.endswith("ingress_rule") else "egress"
        group = next(
            referenced(block.get("security_group_id"), "aws_security_group."), None
        )
        yield _rule(obj, group, direction, block, scope)


def _dynamic_rules(
    obj: Declared, dynamic: Block, direction: str, scope: Scope
) -> Iterator[Rule]:
    """One rule per element of a dynamic block's for_each, iterator bound."""
    iterator = dynamic.get("iterator")
    name = iterator.root if isinstance(iterator, Traversal) else dynamic.labels[0]
    items = (
        evaluate(dynamic.get("for_each"), scope) if dynamic.get("for_each") else UNKNOWN
    )
    if isinstance(items, dict):
        pairs = list(items.items())
    elif isinstance(items, list):
        pairs = list(enumerate(items))
    else:
        pairs = [(UNKNOWN, UNKNOWN)]  # an unknown collection: rules not judged
    for content in dynamic.blocks_of("content"):
        for key, item in pairs:
            bound = IteratorScope(scope, name, key, item)
            yield _rule(obj, obj.address, direction, content, bound)


def public_load_balancer_groups(config: Configuration) -> tuple[set[str], bool]:
    """Security groups attached to an internet-facing load balancer, and whether
    some internet-facing load balancer takes groups the answer cannot resolve
    (a module input, a variable)."""
    groups: set[str] = set()
    unresolved = False
    for module in config.modules():
        for lb in module.resources("aws_lb", "aws_alb", "aws_elb"):
            block = lb.block
            if block is None:
                continue
            internal = (
                evaluate(block.get("internal")) if block.get("internal") else False
            )
            if internal is True or internal == "true":
                continue
            named = set(referenced(block.get("security_groups"), "aws_security_group."))
            groups |= named
            unresolved |= block.get("security_groups") is not None and not named
    return groups, unresolved
