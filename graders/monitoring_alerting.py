"""What is deployed is not watched: missing alarms, alarms that notify nobody,
or logs kept forever or never.

For each kind of resource deployed, at least one CloudWatch alarm on its key
metrics must exist: load balancer 5xx errors, ECS CPU, RDS CPU and free
storage, Lambda errors and throttles. Every alarm must notify an SNS topic, and
every log group must set a retention period.
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import instances, referenced, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Scope
from harness.config.model import Declared

# resource kinds and the (namespace, metrics) one of whose alarms must exist
REQUIRED_ALARMS: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {
    ("aws_lb", "aws_alb"): [
        ("AWS/ApplicationELB", ("HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"))
    ],
    ("aws_ecs_service",): [("AWS/ECS", ("CPUUtilization",))],
    ("aws_db_instance",): [
        ("AWS/RDS", ("CPUUtilization",)),
        ("AWS/RDS", ("FreeStorageSpace",)),
    ],
    # Aurora storage grows by itself; a cluster is watched by its CPU
    ("aws_rds_cluster",): [("AWS/RDS", ("CPUUtilization",))],
    ("aws_lambda_function",): [
        ("AWS/Lambda", ("Errors",)),
        ("AWS/Lambda", ("Throttles",)),
    ],
}


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    watched = [t for types in REQUIRED_ALARMS for t in types]
    kinds = (*watched, "aws_cloudwatch_metric_alarm", "aws_cloudwatch_log_group")
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer deploys nothing this grader watches")
    alarms = [a for m in modules for a in m.resources("aws_cloudwatch_metric_alarm")]
    metrics = {
        pair
        for module in modules
        for alarm in module.resources("aws_cloudwatch_metric_alarm")
        for pair in _metrics(alarm, module.scope())
    }
    for module in modules:
        yield from _missing_alarms(module, metrics)
        yield from _log_groups(module)
    topics = {t.address for m in modules for t in m.resources("aws_sns_topic")}
    for alarm in alarms:
        if not _notifies(alarm, topics):
            yield Finding.at(
                alarm,
                f"{alarm.address} notifies nobody (no alarm_actions to an SNS topic)",
                hint="Set alarm_actions to the alerting topic's ARN.",
            )


def _metrics(alarm: Declared, scope: Scope) -> Iterator[tuple[str, str]]:
    """The metrics an alarm watches, for each of its instances."""
    block = alarm.block
    assert block is not None
    blocks = [block] + [
        m for q in block.nested("metric_query") for m in q.nested("metric")
    ]
    for _, inner in instances(alarm, scope):
        for item in blocks:
            namespace = value(item, "namespace", inner)
            metric = value(item, "metric_name", inner)
            if isinstance(namespace, str) and isinstance(metric, str):
                yield namespace, metric


def _missing_alarms(
    config: Configuration, metrics: set[tuple[str, str]]
) -> Iterator[Finding]:
    for types, wanted in REQUIRED_ALARMS.items():
        deployed = config.resources(*types)
        if types == ("aws_lb", "aws_alb"):
            deployed = [
                lb
                for lb in deployed
                if value(lb.block, "load_balancer_type") in (None, "application")
            ]
        if not deployed:
            continue
        for namespace, names in wanted:
            if not any((namespace, name) in metrics for name in names):
                first = deployed[0]
                yield Finding.at(
                    first,
                    f"no alarm watches {namespace} {names[0]} for "
                    f"{', '.join(d.address for d in deployed[:3])}",
                    hint=f"Add an aws_cloudwatch_metric_alarm on "
                    f"{namespace} {names[0]}.",
                )


def _notifies(alarm: Declared, topics: set[str]) -> bool:
    block = alarm.block
    assert block is not None
    actions = block.get("alarm_actions")
    if actions is None:
        return False
    if set(referenced(actions, "aws_sns_topic.")) & topics:
        return True
    named = value(block, "alarm_actions")
    if isinstance(named, list) and any(
        isinstance(a, str) and ":sns:" in a for a in named
    ):
        return True
    # a topic passed in as a variable or module output cannot be checked
    return any(
        r.startswith(("var.", "module.", "local.", "data.")) for r in alarm.references
    )


def _log_groups(config: Configuration) -> Iterator[Finding]:
    for group in config.resources("aws_cloudwatch_log_group"):
        days = value(group.block, "retention_in_days")
        if days is None or days == 0:
            yield Finding.at(
                group,
                f"{group.address} keeps logs forever (no retention_in_days)",
                hint="Set retention_in_days.",
            )


GRADER = Grader(
    id="monitoring.alerting",
    title="Alarms for what is deployed",
    severity=Severity.MEDIUM,
    check=check,
)
