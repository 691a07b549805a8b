"""Cardholder-data controls are missing: data at rest unencrypted, traffic in
clear text, or no audit trail at all.

At rest: databases, topics, volumes, caches and streams must enable
encryption, queues must not switch it off, and where the task asks for
customer-managed keys, databases, buckets, queues and log groups must use one.
In transit: load balancers must not forward plain HTTP, caches must encrypt
connections, and database parameter groups must force TLS when the answer
configures them. An answer that stores data must keep an audit trail
(CloudTrail or VPC flow logs).
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_bool, referenced, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.model import Block, Declared

# resource type -> (argument, what it must be); "set" means present and not empty
AT_REST: dict[str, tuple[str, object]] = {
    "aws_db_instance": ("storage_encrypted", True),
    "aws_rds_cluster": ("storage_encrypted", True),
    "aws_sns_topic": ("kms_master_key_id", "set"),
    "aws_ebs_volume": ("encrypted", True),
    "aws_efs_file_system": ("encrypted", True),
    "aws_elasticache_replication_group": ("at_rest_encryption_enabled", True),
    "aws_kinesis_stream": ("encryption_type", "KMS"),
    "aws_redshift_cluster": ("encrypted", True),
    "aws_docdb_cluster": ("storage_encrypted", True),
}
_DATA_STORES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_s3_bucket",
    "aws_dynamodb_table",
    "aws_elasticache_replication_group",
    "aws_docdb_cluster",
    "aws_redshift_cluster",
    "aws_efs_file_system",
)
_FORCE_TLS = {
    "rds.force_ssl": {"1", "true", "on"},
    "require_secure_transport": {"1", "true", "on"},
}


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (
        *AT_REST,
        "aws_cloudwatch_log_group",
        "aws_s3_bucket",
        "aws_sqs_queue",
        "aws_instance",
        "aws_launch_template",
        "aws_lb_listener",
    )
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer deploys nothing that holds or moves data")
    for module in modules:
        cmk = answer.constraints.customer_managed_keys
        yield from _at_rest(module, cmk)
        if cmk:
            # buckets and log groups are encrypted by AWS-owned keys by default;
            # only a task asking for customer keys makes their absence a finding
            yield from _buckets(module)
            yield from _log_groups(module)
            yield from _queues_without_key(module)
        yield from _queues(module)
        yield from _volumes(module)
        yield from _in_transit(module)
    stores = [s for m in modules for s in m.resources(*_DATA_STORES)]
    trails = [t for m in modules for t in m.resources("aws_cloudtrail", "aws_flow_log")]
    if stores and not trails:
        yield Finding.at(
            stores[0],
            "the answer stores data but keeps no audit trail "
            "(no CloudTrail trail or VPC flow logs)",
            hint="Add aws_cloudtrail with log file validation, or VPC flow logs.",
        )


def _at_rest(config: Configuration, cmk: bool) -> Iterator[Finding]:
    for type_, (argument, wanted) in AT_REST.items():
        for obj in config.resources(type_):
            raw = value(obj.block, argument)
            ok = (
                raw not in (None, "", False)
                if wanted == "set"
                else (as_bool(raw) == wanted or raw == wanted)
            )
            if (
                type_ == "aws_db_instance"
                and obj.block
                and obj.block.get("cluster_identifier")
            ):
                ok = True  # a cluster member inherits the cluster's encryption
            if not ok:
                yield Finding.at(
                    obj,
                    f"{obj.address} is not encrypted at rest ({argument} is {raw!r})",
                    hint=f"Set {argument} with a KMS key.",
                )
            elif (
                cmk
                and type_ in ("aws_db_instance", "aws_rds_cluster")
                and value(obj.block, "kms_key_id") is None
            ):
                yield Finding.at(
                    obj,
                    f"{obj.address} is encrypted with the default "
                    "key; the task asks for customer-managed keys",
                    hint="Set kms_key_id to a customer-managed key.",
                )


def _buckets(config: Configuration) -> Iterator[Finding]:
    encrypted = {
        a
        for e in config.resources("aws_s3_bucket_server_side_encryption_configuration")
        if e.block
        for a in referenced(e.block.get("bucket"), "aws_s3_bucket.")
    }
    for bucket in config.resources("aws_s3_bucket"):
        inline = bucket.block is not None and bucket.block.nested(
            "server_side_encryption_configuration"
        )
        if bucket.address not in encrypted and not inline:
            yield Finding.at(
                bucket,
                f"{bucket.address} sets no server-side encryption",
                hint="Add aws_s3_bucket_server_side_encryption_"
                "configuration (aws:kms).",
            )


def _log_groups(config: Configuration) -> Iterator[Finding]:
    for group in config.resources("aws_cloudwatch_log_group"):
        if value(group.block, "kms_key_id") in (None, ""):
            yield Finding.at(
                group,
                f"{group.address} is not encrypted with a "
                "customer-managed key (no kms_key_id)",
                hint="Set kms_key_id.",
            )


def _queues_without_key(config: Configuration) -> Iterator[Finding]:
    for queue in config.resources("aws_sqs_queue"):
        managed = as_bool(value(queue.block, "sqs_managed_sse_enabled"))
        if value(queue.block, "kms_master_key_id") is None and managed is not False:
            yield Finding.at(
                queue,
                f"{queue.address} uses SQS-managed keys; the task "
                "asks for customer-managed keys",
                hint="Set kms_master_key_id.",
            )


def _queues(config: Configuration) -> Iterator[Finding]:
    for queue in config.resources("aws_sqs_queue"):
        managed = as_bool(value(queue.block, "sqs_managed_sse_enabled"))
        # queues get SQS-managed encryption unless it is switched off
        if value(queue.block, "kms_master_key_id") is None and managed is False:
            yield Finding.at(
                queue,
                f"{queue.address} sets no encryption "
                "(kms_master_key_id or sqs_managed_sse_enabled)",
                hint="Set kms_master_key_id.",
            )


def _volumes(config: Configuration) -> Iterator[Finding]:
    for obj in config.resources("aws_instance", "aws_launch_template"):
        assert obj.block is not None
        devices = _devices(obj.block)
        if obj.type == "aws_instance" and not devices:
            devices = []  # the root volume follows the account default; not judged
        for device in devices:
            if as_bool(value(device, "encrypted")) is not True:
                yield Finding.at(
                    obj,
                    f"{obj.address} has an unencrypted volume",
                    hint="Set encrypted = true on every block device.",
                )
                break


def _devices(block: Block) -> list[Block]:
    devices = block.nested("root_block_device") + block.nested("ebs_block_device")
    for mapping in block.nested("block_device_mappings"):
        devices += mapping.nested("ebs")
    return devices


def _in_transit(config: Configuration) -> Iterator[Finding]:
    for listener in config.resources("aws_lb_listener", "aws_alb_listener"):
        protocol = str(value(listener.block, "protocol") or "").upper()
        if protocol == "HTTP" and _forwards(listener):
            yield Finding.at(
                listener,
                f"{listener.address} forwards plain HTTP to the application",
                hint="Serve HTTPS and redirect HTTP to it.",
            )
    for cache in config.resources("aws_elasticache_replication_group"):
        if as_bool(value(cache.block, "transit_encryption_enabled")) is not True:
            yield Finding.at(
                cache,
                f"{cache.address} does not encrypt connections",
                hint="Set transit_encryption_enabled = true.",
            )
    for group in config.resources(
        "aws_db_parameter_group", "aws_rds_cluster_parameter_group"
    ):
        if _declares_tls_setting(group) is False:
            yield Finding.at(
                group,
                f"{group.address} does not force TLS connections",
                hint="Set rds.force_ssl = 1 (PostgreSQL) or "
                "require_secure_transport = ON (MySQL).",
            )


def _forwards(listener: Declared) -> bool:
    assert listener.block is not None
    return any(
        value(action, "type") == "forward"
        for action in listener.block.nested("default_action")
    )


def _declares_tls_setting(group: Declared) -> bool | None:
    """True when the group forces TLS, False when it sets parameters without it."""
    assert group.block is not None
    family = str(value(group.block, "family") or "")
    if not family.startswith(("postgres", "mysql", "aurora")):
        return None
    for parameter in group.block.nested("parameter"):
        name, setting = value(parameter, "name"), value(parameter, "value")
        if isinstance(name, str) and str(setting).lower() in _FORCE_TLS.get(name, ()):
            return True
    return False


GRADER = Grader(
    id="compliance.pci",
    title="Encryption and audit for cardholder data",
    severity=Severity.HIGH,
    check=check,
)
