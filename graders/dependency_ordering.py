"""A resource can be created before something it needs, because nothing in the
configuration tells Terraform to wait.

Hidden dependencies checked: an ECS service attached to a target group before
a listener forwards to it; a Lambda function created before its role's policy
attachments; a NAT gateway before the VPC's internet gateway; an API Gateway
deployment before its methods and integrations; an HTTPS listener on a
certificate that is not validated yet; a CloudTrail trail before the bucket
policy that lets it write. Waiting may come from a reference or a
``depends_on``, directly or through other objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.dependency_circular import graph
from graders.evaluation import referenced, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.model import Declared

FIX = "Add depends_on (or a reference) so Terraform creates the prerequisite first."


class _Waits:
    """Whether one object waits for another, through any chain of edges."""

    def __init__(self, config: Configuration) -> None:
        self.edges = graph(config)

        @cache
        def reach(address: str) -> frozenset[str]:
            seen: set[str] = set()
            stack = list(self.edges.get(address, ()))
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(self.edges.get(node, ()))
            return frozenset(seen)

        self.reach = reach

    def __call__(self, obj: Declared, prerequisites: set[str]) -> bool:
        return bool(self.reach(obj.address) & prerequisites)


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (
        "aws_ecs_service",
        "aws_lambda_function",
        "aws_nat_gateway",
        "aws_api_gateway_deployment",
        "aws_lb_listener",
    )
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer has none of the resources ordering concerns")
    for module in modules:
        waits = _Waits(module)
        yield from _services(module, waits)
        yield from _functions(module, waits)
        yield from _nat_gateways(module, waits)
        yield from _deployments(module, waits)
        yield from _listeners(module, waits)
        yield from _trails(module, waits)


def _services(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    listeners = config.resources(
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_lb_listener_rule",
        "aws_alb_listener_rule",
    )
    for service in config.resources("aws_ecs_service"):
        assert service.block is not None
        for lb in service.block.nested("load_balancer"):
            groups = set(referenced(lb.get("target_group_arn"), "aws_lb_target_group."))
            groups |= set(
                referenced(lb.get("target_group_arn"), "aws_alb_target_group.")
            )
            forwarding = {li.address for li in listeners if groups & set(li.references)}
            if groups and forwarding and not waits(service, forwarding):
                yield Finding.at(
                    service,
                    f"{service.address} can start before "
                    f"{sorted(forwarding)[0]} attaches "
                    f"{sorted(groups)[0]} to the load balancer",
                    hint=FIX,
                )


def _functions(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    grants = config.resources("aws_iam_role_policy_attachment", "aws_iam_role_policy")
    for function in config.resources("aws_lambda_function"):
        assert function.block is not None
        roles = set(referenced(function.block.get("role"), "aws_iam_role."))
        needed = {g.address for g in grants if roles & set(g.references)}
        if needed and not waits(function, needed):
            yield Finding.at(
                function,
                f"{function.address} can be created before its "
                f"role's permissions ({sorted(needed)[0]})",
                hint=FIX,
            )


def _nat_gateways(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    gateways = {g.address for g in config.resources("aws_internet_gateway")}
    if not gateways:
        return
    for nat in config.resources("aws_nat_gateway"):
        if value(nat.block, "connectivity_type") == "private":
            continue  # a private NAT gateway needs no internet gateway
        if not waits(nat, gateways):
            yield Finding.at(
                nat,
                f"{nat.address} can be created before the internet "
                f"gateway ({sorted(gateways)[0]})",
                hint=FIX,
            )


def _deployments(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    parts = config.resources("aws_api_gateway_integration", "aws_api_gateway_method")
    for deployment in config.resources("aws_api_gateway_deployment"):
        apis = set(
            referenced(
                deployment.block.get("rest_api_id") if deployment.block else None,
                "aws_api_gateway_rest_api.",
            )
        )
        needed = {p.address for p in parts if apis & set(p.references)}
        if needed and not waits(deployment, needed):
            yield Finding.at(
                deployment,
                f"{deployment.address} can deploy before its "
                f"methods and integrations ({sorted(needed)[0]})",
                hint=FIX,
            )


def _listeners(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    for listener in config.resources("aws_lb_listener", "aws_alb_listener"):
        assert listener.block is not None
        certs = set(
            referenced(listener.block.get("certificate_arn"), "aws_acm_certificate.")
        )
        validations = {
            v.address
            for v in config.resources("aws_acm_certificate_validation")
            if certs & set(v.references)
        }
        if certs and not waits(listener, validations):
            yield Finding.at(
                listener,
                f"{listener.address} can be created before "
                f"{sorted(certs)[0]} is validated",
                hint=FIX,
            )


def _trails(config: Configuration, waits: _Waits) -> Iterator[Finding]:
    """CloudTrail checks its bucket's policy when the trail is created."""
    policies = config.resources("aws_s3_bucket_policy")
    for trail in config.resources("aws_cloudtrail"):
        assert trail.block is not None
        buckets = set(referenced(trail.block.get("s3_bucket_name"), "aws_s3_bucket."))
        needed = {p.address for p in policies if buckets & set(p.references)}
        if needed and not waits(trail, needed):
            yield Finding.at(
                trail,
                f"{trail.address} can be created before its "
                f"bucket policy ({sorted(needed)[0]}) lets CloudTrail "
                "write",
                hint=FIX,
            )


GRADER = Grader(
    id="dependency.ordering",
    title="Hidden dependencies made explicit",
    severity=Severity.HIGH,
    check=check,
)
