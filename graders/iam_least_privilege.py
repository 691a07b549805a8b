"""An IAM policy allows every action, or every action of a service, on everything.

Flags Allow statements whose actions include ``*`` or ``service:*`` on the
resource ``*`` (also written as NotAction on ``*``), trust policies that let any
principal assume a role, and resource policies open to any principal without a
condition. Deny statements, prefix wildcards such as ``s3:Get*`` and specific
actions on ``*`` (some actions accept nothing else) are not findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.iam_policies import RESOURCE, TRUST, Statement, statements, text
from harness.answer import Answer

_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.I)
FIX = "List the actions the principal needs and scope them to the resources' ARNs."


_BROAD_MANAGED = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


def check(answer: Answer) -> Iterator[Finding]:
    found = statements(answer.config)
    attachments = list(_broad_attachments(answer))
    if not found and not attachments:
        raise CouldNotJudge("the answer has no IAM or resource policies")
    yield from attachments
    for statement in found:
        if statement.allows:
            yield from _wildcard_actions(statement)
            yield from _open_principal(statement)


def _broad_attachments(answer: Answer) -> Iterator[Finding]:
    """AWS managed policies that grant (nearly) everything, attached to anything."""
    for module in answer.config.modules():
        for obj in module.resources():
            if obj.block is None or not obj.type.startswith("aws_iam_"):
                continue
            for name in ("policy_arn", "managed_policy_arns"):
                expr = obj.block.get(name)
                text_ = expr.text if expr is not None else ""
                for policy in _BROAD_MANAGED:
                    if f"policy/{policy}" in text_:
                        yield Finding.at(
                            obj,
                            f"{obj.address} attaches the AWS managed policy {policy}",
                            hint=FIX,
                        )


def _on_everything(statement: Statement) -> bool:
    return any(text(r) == "*" for r in statement.resources)


def _wildcard_actions(statement: Statement) -> Iterator[Finding]:
    if statement.kind == TRUST or not _on_everything(statement):
        return
    owner = statement.owner
    label = f" (statement {statement.sid})" if statement.sid else ""
    if statement.not_action:
        excluded = ", ".join(text(a) for a in statement.actions)
        yield Finding.at(
            owner,
            f"{owner.address}{label} allows every action except "
            f"{excluded} on every resource",
            hint=FIX,
        )
        return
    for action in statement.actions:
        action_text = text(action)
        if action_text == "*":
            yield Finding.at(
                owner,
                f"{owner.address}{label} allows every action ('*') "
                "on every resource ('*')",
                hint=FIX,
            )
        elif _SERVICE_WILDCARD.match(action_text):
            yield Finding.at(
                owner,
                f"{owner.address}{label} allows every "
                f"{action_text.split(':')[0]} action ('{action_text}') on "
                "every resource ('*')",
                hint=FIX,
            )


def _open_principal(statement: Statement) -> Iterator[Finding]:
    if statement.kind not in (TRUST, RESOURCE) or statement.conditional:
        return
    if not any(text(p) == "*" for p in statement.principals):
        return
    owner = statement.owner
    if statement.kind == TRUST:
        message = f"{owner.address} lets any principal ('*') assume the role"
        hint = "Name the service or account that may assume the role."
    else:
        message = (
            f"{owner.address} grants any principal ('*') access without a condition"
        )
        hint = "Name the principals, or add a condition such as aws:SourceArn."
    yield Finding.at(owner, message, hint=hint)


GRADER = Grader(
    id="iam.least_privilege",
    title="Least-privilege IAM",
    severity=Severity.HIGH,
    check=check,
)
