"""The answer does not build what the task asked for.

Each requirement of the task is either a JSON Schema evaluated over the JSON
view of the configuration (:mod:`graders.requirements_view`), in a given
environment when it names one, or a named relation check for what a schema
cannot say (a service wired to a load balancer, a database reachable only from
security groups). Every unmet requirement is a finding naming it; the share of
requirements met is recorded as ``coverage``. Tasks without requirements, and
prompts that name nothing a requirement can be inferred from, are not judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jsonschema

from graders.base import CouldNotJudge, Finding, Grader, Measured, Severity
from graders.evaluation import environment_scope, referenced
from graders.network_rules import rules
from graders.requirements_view import view
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import document


def check(answer: Answer) -> Measured:
    requirements = answer.constraints.requirements
    if not requirements:
        raise CouldNotJudge("the task states no requirements")
    config = answer.config
    views: dict[str | None, dict[str, Any]] = {}
    findings = []
    for requirement in requirements:
        if not _met(config, requirement, views):
            message = f"requirement {requirement['id']} is not met: "
            findings.append(
                Finding(
                    message + requirement["text"], hint="Build what the task asks for."
                )
            )
    met = len(requirements) - len(findings)
    return Measured(
        findings,
        {
            "coverage": round(met / len(requirements), 4),
            "requirements": len(requirements),
        },
    )


def _met(
    config: Configuration,
    requirement: dict[str, Any],
    views: dict[str | None, dict[str, Any]],
) -> bool:
    relation = requirement.get("relation")
    if relation is not None:
        return RELATIONS[relation](config)
    environment = requirement.get("environment")
    if environment not in views:
        scope = environment_scope(config, environment) if environment else None
        views[environment] = view(config, scope)
    return jsonschema.Draft202012Validator(requirement["schema"]).is_valid(
        views[environment]
    )


# -- relations a schema cannot express --------------------------------------------


def _service_behind_load_balancer(config: Configuration) -> bool:
    """An ECS service sends traffic to a target group a listener forwards to."""
    listeners = [
        o
        for m in config.modules()
        for o in m.resources(
            "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule"
        )
    ]
    for module in config.modules():
        for service in module.resources("aws_ecs_service"):
            for lb in service.block.nested("load_balancer") if service.block else []:
                groups = set(
                    referenced(lb.get("target_group_arn"), "aws_lb_target_group.")
                )
                if any(groups & set(li.references) for li in listeners):
                    return True
    return False


def _database_only_from_groups(config: Configuration) -> bool:
    """Every database's security groups admit security groups only, never CIDRs."""
    ingress: dict[str, list[Any]] = {}
    for rule in rules(config):
        if rule.group and rule.direction == "ingress":
            ingress.setdefault(rule.group, []).append(rule)
    databases = [
        d
        for m in config.modules()
        for d in m.resources("aws_db_instance", "aws_rds_cluster")
    ]
    if not databases:
        return False
    for db in databases:
        groups = set(
            referenced(
                db.block.get("vpc_security_group_ids") if db.block else None,
                "aws_security_group.",
            )
        )
        found = [r for g in groups for r in ingress.get(g, [])]
        if not groups or not found or any(r.cidrs or not r.peers for r in found):
            return False
    return True


def _container_secrets_from_store(config: Configuration) -> bool:
    """A task definition injects a Secrets Manager or SSM value as a secret."""
    for module in config.modules():
        for task in module.resources("aws_ecs_task_definition"):
            containers = (
                document(task.block.get("container_definitions"), module.scope())
                if task.block and task.block.get("container_definitions")
                else None
            )
            for container in containers if isinstance(containers, list) else []:
                if isinstance(container, dict) and container.get("secrets"):
                    return True
    return False


def _https_on_validated_certificate(config: Configuration) -> bool:
    """An HTTPS listener takes its certificate from a validation resource."""
    return any(
        any(r.startswith("aws_acm_certificate_validation.") for r in li.references)
        for m in config.modules()
        for li in m.resources("aws_lb_listener")
        if li.block is not None and li.block.get("certificate_arn") is not None
    )


RELATIONS: dict[str, Callable[[Configuration], bool]] = {
    "service_behind_load_balancer": _service_behind_load_balancer,
    "database_only_from_groups": _database_only_from_groups,
    "container_secrets_from_store": _container_secrets_from_store,
    "https_on_validated_certificate": _https_on_validated_certificate,
}


def relations() -> Iterator[str]:
    return iter(sorted(RELATIONS))


GRADER = Grader(
    id="requirements.coverage",
    title="What the task asked for",
    severity=Severity.HIGH,
    check=check,
)
