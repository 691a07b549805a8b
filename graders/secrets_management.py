"""A password, key or token is written into the configuration, database
credentials are not generated, or secrets lack the rotation or customer key the
task asks for.

Literal values are looked for in resource arguments, variable defaults,
provider blocks, container definitions and Lambda environments, wherever the
name says secret (password, token, api key, secret key, private key). An empty
string or a reference is not a literal secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_bool, referenced, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Opaque, document, references, to_data
from harness.config.model import Declared

_SECRET_NAME = re.compile(
    r"(?:^|[_-])(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"
    r"secret[_-]?key|private[_-]?key|auth[_-]?token|credentials?)(?:$|[_-])",
    re.I,
)
_NOT_SECRET = re.compile(
    r"(?:_arn|_arns|_id|_ids|_name|_names|_length|_ttl|_version|_policy|_rotation|"
    r"_count|_enabled|_type|_prefix|_path|_days|_rule|_min|_max|_format|_field|_key_id"
    r"|_location|_parameter|_header|_mode|_url|_uri|_source|_seconds|_minutes|_hours"
    r"|_issuer|_endpoint|_audience|_algorithm|_expiry|_expiration)$"
    r"|^(?:secret_id|key_name)$",
    re.I,
)
_PLACEHOLDER_VALUE = re.compile(r"^(?:arn:|\{\{resolve:|\$\{|https?://)", re.I)
# settings such as auth_scheme = "SECRETS" or password_required = "true"
_SETTING_VALUE = re.compile(r"[A-Z][A-Z_]*|true|false|enabled|disabled|required|none")
_DATABASES = ("aws_db_instance", "aws_rds_cluster")
_GENERATED = (
    "random_password.",
    "aws_secretsmanager_secret_version.",
    "data.aws_secretsmanager_secret_version.",
    "data.aws_ssm_parameter.",
    "aws_ssm_parameter.",
    "ephemeral.",
)


def check(answer: Answer) -> Iterator[Finding]:
    config = answer.config
    objects = [o for m in config.modules() for o in m.objects.values()]
    if not objects:
        raise CouldNotJudge("the answer declares nothing")
    for obj in objects:
        yield from _literal_secrets(obj)
    for module in config.modules():
        yield from _database_credentials(module)
        yield from _secret_settings(module, answer)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET.search(name)


def _is_literal_secret(raw: Any) -> bool:
    return (
        isinstance(raw, str)
        and len(raw.strip()) >= 4
        and not _PLACEHOLDER_VALUE.match(raw)
        and not _SETTING_VALUE.fullmatch(raw)
    )


def _literal_secrets(obj: Declared) -> Iterator[Finding]:
    block = obj.block
    if block is None:
        return
    if obj.kind == "variable":
        default = block.get("default")
        if (
            default is not None
            and is_secret_name(obj.name)
            and _is_literal_secret(to_data(default))
        ):
            yield _literal(obj, f"variable {obj.name} has a literal default")
        return
    yield from _stored_literal(obj)
    for name, expr in block.expressions():
        data = (
            document(expr)
            if name in ("container_definitions", "secret_string")
            else None
        )
        if data is not None:
            yield from _secrets_in_data(obj, name, data)
        elif is_secret_name(name) and _is_literal_secret(to_data(expr)):
            yield _literal(obj, f"argument {name} is a literal")
        elif name == "variables":
            yield from _secrets_in_data(obj, name, to_data(expr))


def _stored_literal(obj: Declared) -> Iterator[Finding]:
    """A SecureString parameter whose value is written out: the secret is in
    the code, whatever the store does with it afterwards."""
    assert obj.block is not None
    if obj.type != "aws_ssm_parameter":
        return
    if value(obj.block, "type") != "SecureString":
        return
    expr = obj.block.get("value")
    if expr is not None and _is_literal_secret(to_data(expr)):
        yield _literal(obj, "the SecureString value is a literal")


def _secrets_in_data(obj: Declared, where: str, data: Any) -> Iterator[Finding]:
    """Secret-named keys with literal values inside decoded JSON-like data."""
    for key, raw in _pairs(data):
        if is_secret_name(key) and _is_literal_secret(raw):
            yield _literal(obj, f"{where} sets {key} to a literal")


def _pairs(data: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        # container environment entries are {name = "X", value = "..."}
        if isinstance(data.get("name"), str) and "value" in data:
            yield data["name"], data["value"]
        for key, item in data.items():
            if isinstance(item, (dict, list)):
                yield from _pairs(item)
            elif not isinstance(item, Opaque):
                yield str(key), item
    elif isinstance(data, list):
        for item in data:
            yield from _pairs(item)


def _literal(obj: Declared, detail: str) -> Finding:
    return Finding.at(
        obj,
        f"{obj.address}: {detail}; secrets must not be written into the configuration",
        hint="Generate it (random_password) or read it from Secrets "
        "Manager; never commit the value.",
    )


def _database_credentials(config: Configuration) -> Iterator[Finding]:
    for db in config.resources(*_DATABASES):
        block = db.block
        if (
            block is None
            or block.get("replicate_source_db")
            or block.get("snapshot_identifier")
        ):
            continue
        if as_bool(value(block, "manage_master_user_password")) is True:
            continue
        password = block.get("password") or block.get("master_password")
        if password is None:
            continue
        if not any(r.startswith(_GENERATED) for r in _origins(config, password)):
            yield Finding.at(
                db,
                f"{db.address}: the master password is not generated "
                f"({password.text[:60]})",
                hint="Use random_password or manage_master_user_password.",
            )


def _origins(config: Configuration, expr: Any) -> set[str]:
    """References of an expression, followed through locals to their sources."""
    found, stack = set(), list(references(expr))
    while stack:
        ref = stack.pop()
        if ref in found:
            continue
        found.add(ref)
        local = config.objects.get(ref) if ref.startswith("local.") else None
        if local is not None:
            stack.extend(local.references)
    return found


def _secret_settings(config: Configuration, answer: Answer) -> Iterator[Finding]:
    rules = answer.constraints
    rotated = {
        a
        for r in config.resources("aws_secretsmanager_secret_rotation")
        for a in referenced(
            r.block.get("secret_id") if r.block else None, "aws_secretsmanager_secret."
        )
    }
    for secret in config.resources("aws_secretsmanager_secret"):
        if rules.customer_managed_keys and value(secret.block, "kms_key_id") is None:
            yield Finding.at(
                secret,
                f"{secret.address} is encrypted with the default "
                "key; the task asks for customer-managed keys",
                hint="Set kms_key_id to a customer-managed key.",
            )
        if rules.secret_rotation and secret.address not in rotated:
            yield Finding.at(
                secret,
                f"{secret.address} is never rotated; the task asks for rotation",
                hint="Add aws_secretsmanager_secret_rotation.",
            )


GRADER = Grader(
    id="secrets.management",
    title="No hard-coded secrets",
    severity=Severity.CRITICAL,
    check=check,
)
