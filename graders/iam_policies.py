"""IAM policy statements read as data, wherever and however an answer writes them.

Policies come as ``jsonencode(...)``, JSON heredocs or strings, inline role
policies, and ``aws_iam_policy_document`` data sources; each statement is
normalised into a :class:`Statement` with its owner and whether it is an
identity, trust or resource policy. Both least-privilege graders read these.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graders.evaluation import IteratorScope
from harness.config.configuration import Configuration
from harness.config.expr import (
    UNKNOWN,
    Expr,
    Opaque,
    Scope,
    Traversal,
    document,
    evaluate,
    to_data,
)
from harness.config.model import Block, Declared

IDENTITY, TRUST, RESOURCE = "identity", "trust", "resource"

# (resource type, attribute) holding a policy document, and its kind
POLICY_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("aws_iam_policy", "policy"): IDENTITY,
    ("aws_iam_role_policy", "policy"): IDENTITY,
    ("aws_iam_user_policy", "policy"): IDENTITY,
    ("aws_iam_group_policy", "policy"): IDENTITY,
    ("aws_iam_role", "assume_role_policy"): TRUST,
    ("aws_s3_bucket_policy", "policy"): RESOURCE,
    ("aws_s3_bucket", "policy"): RESOURCE,
    ("aws_kms_key", "policy"): RESOURCE,
    ("aws_sqs_queue_policy", "policy"): RESOURCE,
    ("aws_sqs_queue", "policy"): RESOURCE,
    ("aws_sns_topic_policy", "policy"): RESOURCE,
    ("aws_sns_topic", "policy"): RESOURCE,
    ("aws_secretsmanager_secret_policy", "policy"): RESOURCE,
    ("aws_ecr_repository_policy", "policy"): RESOURCE,
}


@dataclass(frozen=True)
class Statement:
    owner: Declared
    kind: str
    effect: str
    actions: tuple[Any, ...]
    not_action: bool
    resources: tuple[Any, ...]
    principals: tuple[Any, ...]
    conditional: bool
    sid: str | None = None

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"


def _list(raw: Any) -> tuple[Any, ...]:
    if raw is None:
        return ()
    return tuple(raw) if isinstance(raw, list) else (raw,)


def _principals(raw: Any) -> tuple[Any, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        return tuple(p for value in raw.values() for p in _list(value))
    return _list(raw)


def _from_document(owner: Declared, kind: str, doc: Any) -> Iterator[Statement]:
    if not isinstance(doc, dict):
        return
    for raw in _list(doc.get("Statement")):
        if not isinstance(raw, dict):
            continue
        effect = raw.get("Effect", "Allow")
        yield Statement(
            owner=owner,
            kind=kind,
            effect=effect if isinstance(effect, str) else "?",
            actions=_list(raw.get("Action", raw.get("NotAction"))),
            not_action="NotAction" in raw,
            resources=_list(raw.get("Resource", raw.get("NotResource"))),
            principals=_principals(raw.get("Principal")),
            conditional=bool(raw.get("Condition")),
            sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None,
        )


def _from_data_source(
    owner: Declared, kind: str, scope: Scope | None = None
) -> Iterator[Statement]:
    assert owner.block is not None
    for block, inner in _statement_blocks(owner.block, scope or Scope()):
        effect = to_data(block.get("effect"), inner) if block.get("effect") else "Allow"
        actions = block.get("actions") or block.get("not_actions")
        principals = [
            identifier
            for p in block.nested("principals")
            for identifier in _list(to_data(p.get("identifiers"), inner))
        ]
        yield Statement(
            owner=owner,
            kind=kind,
            effect=effect if isinstance(effect, str) else "?",
            actions=_list(to_data(actions, inner)) if actions is not None else (),
            not_action=block.get("not_actions") is not None,
            resources=_list(to_data(block.get("resources"), inner))
            if block.get("resources")
            else (),
            principals=tuple(principals),
            conditional=bool(block.nested("condition")),
            sid=to_data(block.get("sid"), inner) if block.get("sid") else None,
        )


def _statement_blocks(
    document: Block, scope: Scope
) -> Iterator[tuple[Block, Scope]]:
    """Statement blocks with the scope each is read in: a dynamic block's
    content once per element of its collection, with its iterator bound."""
    for block in document.blocks_of("statement"):
        yield block, scope
    for dynamic in document.blocks_of("dynamic"):
        if dynamic.labels[:1] != ("statement",):
            continue
        contents = dynamic.blocks_of("content")
        each = dynamic.get("for_each")
        items = evaluate(each, scope) if each is not None else UNKNOWN
        name = _iterator_name(dynamic)
        pairs = (
            list(items.items())
            if isinstance(items, dict)
            else list(enumerate(items))
            if isinstance(items, list)
            else None
        )
        for content in contents:
            if pairs is None:
                yield content, scope
            for key, item in pairs or ():
                yield content, IteratorScope(scope, name, key, item)


def _iterator_name(dynamic: Block) -> str:
    iterator = dynamic.get("iterator")
    if isinstance(iterator, Traversal) and not iterator.steps:
        return iterator.root
    return dynamic.labels[0]


def _document_source(expr: Expr) -> str | None:
    """The policy-document data source an attribute takes its JSON from."""
    if isinstance(expr, Traversal) and expr.root == "data":
        path = expr.attr_path()
        if len(path) >= 2 and path[0] == "aws_iam_policy_document":
            return f"data.aws_iam_policy_document.{path[1]}"
    return None


def _policy_places(obj: Declared) -> Iterator[tuple[str, Expr]]:
    block = obj.block
    if block is None:
        return
    for (type_, attribute), kind in POLICY_ATTRIBUTES.items():
        if obj.type == type_ and block.get(attribute) is not None:
            yield kind, block.get(attribute)  # type: ignore[misc]
    if obj.type == "aws_iam_role":
        for inline in block.nested("inline_policy"):
            if inline.get("policy") is not None:
                yield IDENTITY, inline.get("policy")  # type: ignore[misc]


def statements(config: Configuration) -> list[Statement]:
    """Every policy statement in every module of the configuration."""
    found: list[Statement] = []
    for module in config.modules():
        found += _module_statements(module)
    return found


def _module_statements(config: Configuration) -> list[Statement]:
    found: list[Statement] = []
    used_as: dict[str, str] = {}
    for obj in config.objects.values():
        for kind, expr in _policy_places(obj):
            source = _document_source(expr)
            if source is not None:
                used_as.setdefault(source, kind)
                continue
            found += _from_document(obj, kind, document(expr, config.scope()))
    for obj in config.data_sources("aws_iam_policy_document"):
        kind = used_as.get(obj.address, IDENTITY)
        found += _from_data_source(obj, kind, config.scope())
    return found


def text(item: Any) -> str:
    """An action, resource or principal as text (computed values as ``${...}``)."""
    return str(item) if isinstance(item, Opaque) else f"{item}"


def action_matches(pattern: Any, action: str) -> bool:
    """Whether a policy's action pattern covers a concrete action."""
    if isinstance(pattern, Opaque) or not isinstance(pattern, str):
        return False
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def block_of(statement: Statement) -> Block | None:
    return statement.owner.block


def policy_statements(config: Configuration) -> dict[str, list[Statement]]:
    """Identity statements by the address of the object that carries the policy.

    A role policy or managed policy whose document is a policy-document data
    source gets that data source's statements.
    """
    by_owner: dict[str, list[Statement]] = {}
    documents = {
        obj.address: list(_from_data_source(obj, IDENTITY, config.scope()))
        for obj in config.data_sources("aws_iam_policy_document")
    }
    for obj in config.objects.values():
        for kind, expr in _policy_places(obj):
            if kind != IDENTITY:
                continue
            source = _document_source(expr)
            found = (
                documents.get(source, [])
                if source
                else list(_from_document(obj, kind, document(expr, config.scope())))
            )
            by_owner.setdefault(obj.address, []).extend(found)
    return by_owner


# actions of the AWS managed policies answers attach most, by policy name
MANAGED_POLICY_ACTIONS: dict[str, tuple[str, ...]] = {
    "AdministratorAccess": ("*",),
    "PowerUserAccess": ("*",),
    "AmazonECSTaskExecutionRolePolicy": (
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "AWSLambdaBasicExecutionRole": (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "AWSLambdaVPCAccessExecutionRole": (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ),
    "AWSLambdaSQSQueueExecutionRole": (
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "AWSLambdaKinesisExecutionRole": (
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "kinesis:ListStreams",
        "kinesis:SubscribeToShard",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "AWSLambdaDynamoDBExecutionRole": (
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "SecretsManagerReadWrite": ("secretsmanager:*",),
    "CloudWatchLogsFullAccess": ("logs:*",),
    "AWSXRayDaemonWriteAccess": ("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
}
