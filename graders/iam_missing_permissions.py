"""A role lacks a permission its service needs at deploy or run time.

The ECS task execution role must read every secret its container definitions
inject (and decrypt it when the secret uses a customer-managed key) and write
the container logs; a Lambda function's role must manage network interfaces
when the function runs in a VPC, and write its logs. Permissions come from
inline and attached policies, policy-document data sources and the AWS managed
policies answers commonly attach; a role the answer does not declare, or one
with a managed policy this grader does not know, is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import referenced, value
from graders.iam_policies import (
    MANAGED_POLICY_ACTIONS,
    action_matches,
    policy_statements,
    text,
)
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Opaque, document, to_data
from harness.config.model import Declared

_SECRET_REF = re.compile(r"\b(aws_secretsmanager_secret|aws_ssm_parameter)\.(\w+)")
_LAMBDA_VPC = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
)
_LOGS = ("logs:CreateLogStream", "logs:PutLogEvents")


@dataclass
class Grants:
    """What a role may do: (action pattern, resource texts) pairs."""

    rules: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    unknown: bool = False

    def allows(self, action: str, resource: str | None = None) -> bool:
        for pattern, resources in self.rules:
            if action_matches(pattern, action) and (
                resource is None or _covers(resources, resource)
            ):
                return True
        return False


def _covers(resources: tuple[str, ...], target: str) -> bool:
    """Whether a statement's resources include a declared object (by address)."""
    kind = target.split(".", 1)[0]
    service = {
        "aws_secretsmanager_secret": "secretsmanager",
        "aws_kms_key": ":key/",
        "aws_ssm_parameter": ":parameter/",
    }.get(kind, "")
    for resource in resources:
        if resource == "*" or re.search(re.escape(target) + r"(?![\w-])", resource):
            return True
        if service and service in resource and "*" in resource:
            return True
    return False


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    if not any(
        m.resources("aws_ecs_task_definition", "aws_lambda_function") for m in modules
    ):
        raise CouldNotJudge("the answer has no ECS tasks or Lambda functions")
    for module in modules:
        statements = policy_statements(module)
        yield from _tasks(module, statements)
        yield from _functions(module, statements)


def role_grants(
    config: Configuration, role: str, statements: dict[str, list]
) -> Grants | None:
    """The grants of a declared role, or None when the role is not declared."""
    obj = config.objects.get(role)
    if obj is None:
        return None
    grants = Grants()
    owners = [role] + [
        o.address
        for o in config.resources("aws_iam_role_policy")
        if role in o.references
    ]
    for attachment in config.resources("aws_iam_role_policy_attachment"):
        if role in attachment.references and attachment.block is not None:
            _attach(config, grants, attachment.block.get("policy_arn"), owners)
    managed = obj.block.get("managed_policy_arns") if obj.block else None
    if managed is not None:
        _attach(config, grants, managed, owners)
    for owner in owners:
        for statement in statements.get(owner, ()):
            if statement.allows and not statement.not_action:
                resources = tuple(text(r) for r in statement.resources) or ("*",)
                grants.rules += [(text(a), resources) for a in statement.actions]
    return grants


def _attach(
    config: Configuration, grants: Grants, expr: object, owners: list[str]
) -> None:
    policies = set(referenced(expr, "aws_iam_policy."))  # type: ignore[arg-type]
    owners.extend(sorted(policies))
    raw = value_of(expr)
    names = raw if isinstance(raw, list) else [raw]
    for name in names:
        if isinstance(name, Opaque):
            # "arn:${partition}:iam::aws:policy/X" names X whatever the prefix
            tail = name.text.strip('"').rsplit("/", 1)[-1]
            name = f":policy/{tail}" if tail in MANAGED_POLICY_ACTIONS else name.text
        if isinstance(name, str) and ":policy/" in name and not name.endswith("}"):
            actions = MANAGED_POLICY_ACTIONS.get(name.rsplit("/", 1)[-1])
            if actions is None:
                grants.unknown = True
            else:
                grants.rules += [(a, ("*",)) for a in actions]
        elif not policies:
            grants.unknown = True  # a computed ARN this grader cannot read


def value_of(expr: object) -> object:
    """A value where known, else data with opaque leaves for computed parts."""
    if expr is None:
        return None
    return to_data(expr)  # type: ignore[arg-type]


def _tasks(config: Configuration, statements: dict[str, list]) -> Iterator[Finding]:
    for task in config.resources("aws_ecs_task_definition"):
        assert task.block is not None
        containers = (
            document(task.block.get("container_definitions"), config.scope())
            if task.block.get("container_definitions")
            else None
        )
        secrets, logs = _container_needs(containers)
        if not secrets and not logs:
            continue
        roles = set(referenced(task.block.get("execution_role_arn"), "aws_iam_role."))
        if task.block.get("execution_role_arn") is None:
            yield Finding.at(
                task,
                f"{task.address} injects secrets or sends logs but "
                "has no execution role",
                hint="Set execution_role_arn to a role with "
                "AmazonECSTaskExecutionRolePolicy.",
            )
            continue
        for role in roles:
            grants = role_grants(config, role, statements)
            if grants is None or grants.unknown:
                continue
            yield from _task_grants(config, task, role, grants, secrets, logs)


def _container_needs(containers: object) -> tuple[set[str], bool]:
    secrets: set[str] = set()
    logs = False
    items = containers if isinstance(containers, list) else []
    for container in items:
        if not isinstance(container, dict):
            continue
        for secret in container.get("secrets") or []:
            source = secret.get("valueFrom") if isinstance(secret, dict) else None
            if isinstance(source, Opaque):
                secrets |= {f"{k}.{n}" for k, n in _SECRET_REF.findall(source.text)}
        log = container.get("logConfiguration")
        logs |= isinstance(log, dict) and log.get("logDriver") == "awslogs"
    return secrets, logs


def _task_grants(
    config: Configuration,
    task: Declared,
    role: str,
    grants: Grants,
    secrets: set[str],
    logs: bool,
) -> Iterator[Finding]:
    for secret in sorted(secrets):
        action = (
            "secretsmanager:GetSecretValue"
            if secret.startswith("aws_secretsmanager")
            else "ssm:GetParameters"
        )
        if not grants.allows(action, secret):
            yield Finding.at(
                task,
                f"{task.address}: the execution role {role} cannot "
                f"read {secret} ({action})",
                hint=f"Allow {action} on {secret}'s ARN.",
            )
            continue
        key = _secret_key(config, secret)
        if key and not grants.allows("kms:Decrypt", key):
            yield Finding.at(
                task,
                f"{task.address}: the execution role {role} cannot "
                f"decrypt {secret} with {key}",
                hint=f"Allow kms:Decrypt on {key}.",
            )
    if logs and not all(grants.allows(a) for a in _LOGS):
        yield Finding.at(
            task,
            f"{task.address}: the execution role {role} cannot "
            "write the awslogs log stream",
            hint="Attach AmazonECSTaskExecutionRolePolicy.",
        )


def _secret_key(config: Configuration, secret: str) -> str | None:
    obj = config.objects.get(secret)
    if obj is None or obj.block is None:
        return None
    return next(referenced(obj.block.get("kms_key_id"), "aws_kms_key."), None)


def _functions(config: Configuration, statements: dict[str, list]) -> Iterator[Finding]:
    for function in config.resources("aws_lambda_function"):
        assert function.block is not None
        for role in set(referenced(function.block.get("role"), "aws_iam_role.")):
            grants = role_grants(config, role, statements)
            if grants is None or grants.unknown:
                continue
            if _in_vpc(function) and not all(grants.allows(a) for a in _LAMBDA_VPC):
                yield Finding.at(
                    function,
                    f"{function.address} runs in a VPC but "
                    f"{role} cannot manage network interfaces",
                    hint="Attach AWSLambdaVPCAccessExecutionRole.",
                )
            if not all(grants.allows(a) for a in _LOGS):
                yield Finding.at(
                    function,
                    f"{function.address}: {role} cannot write the function's logs",
                    hint="Attach AWSLambdaBasicExecutionRole.",
                )


def _in_vpc(function: Declared) -> bool:
    assert function.block is not None
    for vpc in function.block.nested("vpc_config"):
        subnets = vpc.get("subnet_ids")
        if subnets is not None and value(vpc, "subnet_ids") != []:
            return True
    return False


GRADER = Grader(
    id="iam.missing_permissions",
    title="Roles that can do their job",
    severity=Severity.HIGH,
    check=check,
)
