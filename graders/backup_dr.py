"""Data can be lost: short or missing backups, unprotected production databases,
no copy in another region, or unversioned buckets.

Backup retention must be set and at least 7 days in production (absent means
the provider's default of none); production databases need deletion protection
and a final snapshot; when the task asks for disaster recovery, each primary
database needs cross-region backup replication, a cross-region replica, a
global cluster or a backup plan copying to another region. Buckets need
versioning, except those that only receive access logs; DynamoDB tables need
point-in-time recovery.
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import (
    as_bool,
    as_number,
    lower_environment,
    prod_scope,
    referenced,
    value,
)
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Scope
from harness.config.model import Block, Declared

_DATABASES = ("aws_db_instance", "aws_rds_cluster")
MIN_RETENTION_DAYS = 7


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (*_DATABASES, "aws_s3_bucket", "aws_dynamodb_table")
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer stores no data")
    for module in modules:
        if lower_environment(module):  # production rules do not apply to it
            yield from _buckets(module)
            continue
        scope = prod_scope(module, answer.constraints.environments)
        for db in _primaries(module):
            yield from _database(db, scope)
            if answer.constraints.disaster_recovery and not _copied_elsewhere(
                module, db
            ):
                yield Finding.at(
                    db,
                    f"{db.address} has no copy in another region",
                    hint="Add aws_db_instance_automated_backups_"
                    "replication or a cross-region replica.",
                )
        yield from _buckets(module)
        yield from _tables(module, scope)


def _primaries(config: Configuration) -> list[Declared]:
    found = []
    for db in config.resources(*_DATABASES):
        block = db.block
        if block is None or block.get("replicate_source_db") is not None:
            continue
        if db.type == "aws_db_instance" and block.get("cluster_identifier"):
            continue  # a cluster member; the cluster holds the backups
        found.append(db)
    return found


def _database(db: Declared, scope: Scope) -> Iterator[Finding]:
    retention = as_number(value(db.block, "backup_retention_period", scope))
    if value(db.block, "backup_retention_period") is None:
        yield Finding.at(
            db,
            f"{db.address} sets no backup_retention_period, so "
            "automated backups are not configured",
            hint=f"Set backup_retention_period to at least "
            f"{MIN_RETENTION_DAYS} days in production.",
        )
    elif retention is not UNKNOWN and retention < MIN_RETENTION_DAYS:
        yield Finding.at(
            db,
            f"{db.address} keeps backups {retention} days in "
            f"production, fewer than {MIN_RETENTION_DAYS}",
            hint=f"Keep backups at least {MIN_RETENTION_DAYS} days.",
        )
    protection = as_bool(value(db.block, "deletion_protection", scope))
    if protection is None or protection is False:
        yield Finding.at(
            db,
            f"{db.address} can be deleted in production "
            "(deletion_protection is not true)",
            hint="Set deletion_protection = true in production.",
        )
    skip = as_bool(value(db.block, "skip_final_snapshot", scope))
    if skip is True:
        yield Finding.at(
            db,
            f"{db.address} skips the final snapshot in production",
            hint="Set skip_final_snapshot = false with a final_snapshot_identifier.",
        )


def _copied_elsewhere(config: Configuration, db: Declared) -> bool:
    for other in config.objects.values():
        if other is db or other.block is None or db.address not in other.references:
            continue
        if other.type in (
            "aws_db_instance_automated_backups_replication",
            "aws_rds_global_cluster",
        ):
            return True
        if other.type in _DATABASES and other.block.get("replicate_source_db"):
            return True
    for global_cluster in config.resources("aws_rds_global_cluster"):
        if global_cluster.address in db.references:
            return True
    return any(
        b.type == "copy_action"
        for plan in config.resources("aws_backup_plan")
        if plan.block
        for b in plan.block.walk()
    )


def _buckets(config: Configuration) -> Iterator[Finding]:
    versioned = {
        a
        for v in config.resources("aws_s3_bucket_versioning")
        if v.block and _enabled(v.block)
        for a in referenced(v.block.get("bucket"), "aws_s3_bucket.")
    }
    log_targets = _log_buckets(config)
    for bucket in config.resources("aws_s3_bucket"):
        block = bucket.block
        assert block is not None
        inline = any(
            as_bool(value(v, "enabled")) is True for v in block.nested("versioning")
        )
        if bucket.address in versioned or inline or bucket.address in log_targets:
            continue
        yield Finding.at(
            bucket,
            f"{bucket.address} is not versioned; an overwrite or "
            "delete cannot be undone",
            hint="Add aws_s3_bucket_versioning with status Enabled.",
        )


def _enabled(block: Block) -> bool:
    for config in block.nested("versioning_configuration"):
        status = value(config, "status")
        if isinstance(status, str) and status.lower() == "enabled":
            return True
    return False


def _log_buckets(config: Configuration) -> set[str]:
    targets = set()
    for obj in config.objects.values():
        if obj.block is None:
            continue
        for block in obj.block.walk():
            for name in (
                ("target_bucket", "bucket")
                if block.type in ("logging", "access_logs", "logging_config")
                else ("target_bucket",)
            ):
                targets |= set(referenced(block.get(name), "aws_s3_bucket."))
    return targets


def _tables(config: Configuration, scope: Scope) -> Iterator[Finding]:
    for table in config.resources("aws_dynamodb_table"):
        block = table.block
        assert block is not None
        pitr = block.nested("point_in_time_recovery")
        if not pitr or as_bool(value(pitr[0], "enabled", scope)) is not True:
            yield Finding.at(
                table,
                f"{table.address} has no point-in-time recovery",
                hint="Add point_in_time_recovery { enabled = true }.",
            )


GRADER = Grader(
    id="backup.dr",
    title="Backups and disaster recovery",
    severity=Severity.HIGH,
    check=check,
)
