"""The table of values AWS refuses at apply time, each citing its documented limit.

Rows are data: adding a limit means adding a row here and a fixture line, not
code. ``source`` names the AWS document (API reference parameter or user-guide
section) that states the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

# Terraform appends 26 characters (a timestamp and counter) to a *_prefix
PREFIX_SUFFIX = 26


@dataclass(frozen=True)
class NameRule:
    """Length, characters and shape of a name argument."""

    types: tuple[str, ...]
    attribute: str
    max_length: int
    chars: str  # a regex character class every character must match
    source: str
    min_length: int = 1
    shape: str | None = None  # a regex the whole name must match
    shape_text: str = ""
    not_starting: tuple[str, ...] = ()
    not_ending: tuple[str, ...] = ()
    prefix: str | None = None  # the *_prefix argument, checked for length

    @property
    def prefix_max(self) -> int:
        return self.max_length - PREFIX_SUFFIX


@dataclass(frozen=True)
class ValueRule:
    """The values an argument may take: one of a set, or within a range."""

    types: tuple[str, ...]
    path: str  # attribute, or nested.block.attribute
    source: str
    allowed: frozenset | None = None
    low: float | None = None
    high: float | None = None
    engine: str | None = None  # a regex the resource's engine must match


@dataclass(frozen=True)
class EngineLimits:
    """What an RDS engine accepts as master user name and password."""

    engine: str  # regex over the engine argument
    user_max: int
    password_max: int
    reserved: frozenset[str]
    source: str
    # characters refused in a password beyond / @ " and space
    password_refused: frozenset[str] = frozenset()


_IAM = "[A-Za-z0-9+=,.@_-]"
_LOWER_ID = r"[a-z](?:-?[a-z0-9])*"
_LOWER_ID_TEXT = (
    "begin with a letter, use lowercase letters, digits and single hyphens, "
    "and not end with a hyphen"
)
_ELB = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ELB_TEXT = "use letters, digits and hyphens, and not begin or end with a hyphen"
_SG_CHARS = r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]"

NAME_RULES: tuple[NameRule, ...] = (
    NameRule(
        ("aws_s3_bucket",), "bucket", 63, "[a-z0-9.-]",
        "Amazon S3 User Guide, bucket naming rules: 3-63 characters",
        min_length=3,
        shape=r"(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9](?:[a-z0-9-]|\.(?!\.))*[a-z0-9]",
        shape_text="begin and end with a letter or digit, have no '..' and not "
        "look like an IP address",
        not_starting=("xn--", "sthree-", "amzn-s3-demo-"),
        not_ending=("-s3alias", "--ol-s3", "--x-s3", "--table-s3", ".mrap"),
        prefix="bucket_prefix",
    ),
    NameRule(
        ("aws_iam_role", "aws_iam_user"), "name", 64, _IAM,
        "IAM API Reference, CreateRole RoleName / CreateUser UserName: "
        "1-64 characters",
        prefix="name_prefix",
    ),
    NameRule(
        (
            "aws_iam_policy",
            "aws_iam_role_policy",
            "aws_iam_group",
            "aws_iam_instance_profile",
        ),
        "name", 128, _IAM,
        "IAM API Reference, CreatePolicy PolicyName / PutRolePolicy PolicyName: "
        "1-128 characters",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_lb", "aws_alb"), "name", 32, "[A-Za-z0-9-]",
        "Elastic Load Balancing API Reference, CreateLoadBalancer Name: "
        "at most 32 characters",
        shape=_ELB, shape_text=_ELB_TEXT, not_starting=("internal-",),
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_lb_target_group", "aws_alb_target_group"), "name", 32, "[A-Za-z0-9-]",
        "Elastic Load Balancing API Reference, CreateTargetGroup Name: "
        "at most 32 characters",
        shape=_ELB, shape_text=_ELB_TEXT, prefix="name_prefix",
    ),
    NameRule(
        ("aws_lambda_function",), "function_name", 64, "[A-Za-z0-9_-]",
        "Lambda API Reference, CreateFunction FunctionName: 1-64 characters",
    ),
    NameRule(
        ("aws_lambda_layer_version",), "layer_name", 140, "[A-Za-z0-9_-]",
        "Lambda API Reference, PublishLayerVersion LayerName",
    ),
    NameRule(
        ("aws_security_group",), "name", 255, _SG_CHARS,
        "Amazon VPC User Guide, security groups: names up to 255 characters "
        "of a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
        not_starting=("sg-",), prefix="name_prefix",
    ),
    NameRule(
        ("aws_security_group",), "description", 255, _SG_CHARS,
        "Amazon VPC User Guide, security groups: descriptions up to 255 "
        "characters of a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$*",
        min_length=0,
    ),
    NameRule(
        ("aws_security_group",), "ingress.description", 255, _SG_CHARS,
        "Amazon VPC User Guide, security group rules: descriptions use the "
        "security group description characters",
        min_length=0,
    ),
    NameRule(
        ("aws_security_group",), "egress.description", 255, _SG_CHARS,
        "Amazon VPC User Guide, security group rules: descriptions use the "
        "security group description characters",
        min_length=0,
    ),
    NameRule(
        (
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ),
        "description", 255, _SG_CHARS,
        "Amazon VPC User Guide, security group rules: descriptions use the "
        "security group description characters",
        min_length=0,
    ),
    NameRule(
        ("aws_db_instance", "aws_rds_cluster_instance"), "identifier", 63, "[a-z0-9-]",
        "Amazon RDS User Guide, naming constraints: DB instance identifier "
        "1-63 characters",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT, prefix="identifier_prefix",
    ),
    NameRule(
        ("aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"),
        "cluster_identifier", 63, "[a-z0-9-]",
        "Amazon RDS User Guide, naming constraints: DB cluster identifier "
        "1-63 characters",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT,
        prefix="cluster_identifier_prefix",
    ),
    *(
        NameRule(
            types, attribute, 64, "[A-Za-z0-9_]",
            "Amazon RDS API Reference, CreateDBInstance DBName / CreateDBCluster "
            "DatabaseName: a letter, then letters, digits and underscores "
            "(up to 64 for MySQL and MariaDB, 63 for PostgreSQL)",
            shape=r"[A-Za-z][A-Za-z0-9_]*",
            shape_text="begin with a letter and use letters, digits and underscores",
        )
        for types, attribute in (
            (("aws_db_instance",), "db_name"),
            (("aws_db_instance",), "name"),  # the 4.x spelling of db_name
            (("aws_rds_cluster",), "database_name"),
        )
    ),
    NameRule(
        ("aws_redshift_cluster",), "cluster_identifier", 63, "[a-z0-9-]",
        "Amazon Redshift API Reference, CreateCluster ClusterIdentifier",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT,
    ),
    NameRule(
        ("aws_db_subnet_group",), "name", 255, "[a-z0-9 ._-]",
        "Amazon RDS API Reference, CreateDBSubnetGroup DBSubnetGroupName: "
        "lowercase letters, digits, spaces, periods, underscores and hyphens",
        prefix="name_prefix",
    ),
    NameRule(
        (
            "aws_db_parameter_group",
            "aws_rds_cluster_parameter_group",
            "aws_db_option_group",
        ),
        "name", 255, "[a-z0-9-]",
        "Amazon RDS API Reference, CreateDBParameterGroup DBParameterGroupName",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT, prefix="name_prefix",
    ),
    NameRule(
        ("aws_db_proxy",), "name", 63, "[a-z0-9-]",
        "Amazon RDS API Reference, CreateDBProxy DBProxyName",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT,
    ),
    NameRule(
        ("aws_elasticache_replication_group",), "replication_group_id", 40,
        "[A-Za-z0-9-]",
        "Amazon ElastiCache API Reference, CreateReplicationGroup "
        "ReplicationGroupId: 1-40 characters (stored lowercased)",
        shape=r"[A-Za-z](?:-?[A-Za-z0-9])*",
        shape_text="begin with a letter, use letters, digits and single hyphens, "
        "and not end with a hyphen",
    ),
    NameRule(
        ("aws_elasticache_cluster",), "cluster_id", 50, "[a-z0-9-]",
        "Amazon ElastiCache API Reference, CreateCacheCluster CacheClusterId",
        shape=_LOWER_ID, shape_text=_LOWER_ID_TEXT,
    ),
    NameRule(
        ("aws_sqs_queue",), "name", 80, "[A-Za-z0-9_.-]",
        "Amazon SQS API Reference, CreateQueue QueueName: up to 80 characters",
        shape=r"[A-Za-z0-9_-]+(?:\.fifo)?",
        shape_text="use letters, digits, hyphens and underscores, with .fifo "
        "only as a FIFO queue's suffix",
    ),
    NameRule(
        ("aws_sns_topic",), "name", 256, "[A-Za-z0-9_.-]",
        "Amazon SNS API Reference, CreateTopic Name: up to 256 characters",
        shape=r"[A-Za-z0-9_-]+(?:\.fifo)?",
        shape_text="use letters, digits, hyphens and underscores, with .fifo "
        "only as a FIFO topic's suffix",
    ),
    NameRule(
        ("aws_cloudwatch_log_group",), "name", 512, "[A-Za-z0-9._/#-]",
        "CloudWatch Logs API Reference, CreateLogGroup logGroupName",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_cloudwatch_event_rule",), "name", 64, "[A-Za-z0-9._-]",
        "Amazon EventBridge API Reference, PutRule Name: 1-64 characters",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_cloudwatch_event_bus",), "name", 256, "[A-Za-z0-9._-]",
        "Amazon EventBridge API Reference, CreateEventBus Name: a custom bus "
        "name has no /",
    ),
    NameRule(
        ("aws_cloudwatch_dashboard",), "dashboard_name", 255, "[A-Za-z0-9_-]",
        "CloudWatch API Reference, PutDashboard DashboardName",
    ),
    NameRule(
        ("aws_cloudwatch_metric_alarm",), "alarm_name", 255, ".",
        "CloudWatch API Reference, PutMetricAlarm AlarmName: 1-255 characters",
    ),
    NameRule(
        ("aws_kms_alias",), "name", 256, "[A-Za-z0-9/_-]",
        "AWS KMS API Reference, CreateAlias AliasName: alias/ followed by "
        "letters, digits, /, _ and -, not in the alias/aws/ space",
        shape=r"alias/(?!aws/).+", shape_text="begin with alias/ and not alias/aws/",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_ecs_cluster", "aws_ecs_service"), "name", 255, "[A-Za-z0-9_-]",
        "Amazon ECS API Reference, CreateCluster clusterName / CreateService "
        "serviceName",
    ),
    NameRule(
        ("aws_ecs_task_definition",), "family", 255, "[A-Za-z0-9_-]",
        "Amazon ECS API Reference, RegisterTaskDefinition family",
    ),
    NameRule(
        ("aws_ecr_repository",), "name", 256, "[a-z0-9._/-]",
        "Amazon ECR API Reference, CreateRepository repositoryName",
        min_length=2,
        shape=r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
        shape_text="be lowercase words joined by single . _ - or /",
    ),
    NameRule(
        ("aws_dynamodb_table",), "name", 255, "[A-Za-z0-9_.-]",
        "Amazon DynamoDB API Reference, CreateTable TableName: 3-255 characters",
        min_length=3,
    ),
    NameRule(
        ("aws_secretsmanager_secret",), "name", 512, "[A-Za-z0-9/_+=.@-]",
        "AWS Secrets Manager API Reference, CreateSecret Name",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_ssm_parameter",), "name", 1011, "[A-Za-z0-9_./-]",
        "AWS Systems Manager User Guide, parameter naming: up to 1,011 "
        "characters, no aws or ssm prefix",
        not_starting=("aws", "ssm", "/aws", "/ssm"),
    ),
    NameRule(
        ("aws_cloudtrail",), "name", 128, "[A-Za-z0-9._-]",
        "AWS CloudTrail User Guide, trail naming requirements: 3-128 characters",
        min_length=3,
        shape=r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?",
        shape_text="begin and end with a letter or digit",
    ),
    NameRule(
        ("aws_launch_template",), "name", 128, r"[A-Za-z0-9().\-/_]",
        "Amazon EC2 API Reference, CreateLaunchTemplate LaunchTemplateName: "
        "3-128 characters",
        min_length=3, prefix="name_prefix",
    ),
    NameRule(
        ("aws_opensearch_domain", "aws_elasticsearch_domain"), "domain_name", 28,
        "[a-z0-9-]",
        "Amazon OpenSearch Service Developer Guide, domain naming: 3-28 "
        "characters, starting with a lowercase letter",
        min_length=3, shape=r"[a-z][a-z0-9-]*", shape_text="begin with a letter",
    ),
    NameRule(
        ("aws_kinesis_stream",), "name", 128, "[A-Za-z0-9_.-]",
        "Amazon Kinesis API Reference, CreateStream StreamName",
    ),
    NameRule(
        ("aws_kinesis_firehose_delivery_stream",), "name", 64, "[A-Za-z0-9_.-]",
        "Amazon Data Firehose API Reference, CreateDeliveryStream "
        "DeliveryStreamName",
    ),
    NameRule(
        ("aws_sfn_state_machine",), "name", 80, r"[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/]",
        "AWS Step Functions API Reference, CreateStateMachine name",
        prefix="name_prefix",
    ),
    NameRule(
        ("aws_wafv2_web_acl",), "name", 128, "[A-Za-z0-9_-]",
        "AWS WAF API Reference, CreateWebACL Name",
    ),
    NameRule(
        ("aws_backup_vault",), "name", 50, "[A-Za-z0-9_-]",
        "AWS Backup API Reference, CreateBackupVault BackupVaultName: "
        "2-50 characters",
        min_length=2,
    ),
    NameRule(
        ("aws_msk_cluster",), "cluster_name", 64, "[A-Za-z0-9-]",
        "Amazon MSK API Reference, CreateCluster ClusterName",
    ),
)


def _retention_periods() -> frozenset[int]:
    return frozenset({7, 731} | {31 * months for months in range(1, 24)})


_RDS = ("aws_db_instance", "aws_rds_cluster")
_LOG_EXPORTS = "RDS User Guide, publishing database logs: log types per engine"
_MYSQL_LOGS = frozenset(
    {"audit", "error", "general", "slowquery", "iam-db-auth-error", "instance"}
)
_LOG_DAYS = frozenset(
    {0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731}
    | {1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
_ALARM_PERIODS = frozenset({10, 20, 30} | {60 * n for n in range(1, 1441)})
VALUE_RULES: tuple[ValueRule, ...] = (
    ValueRule(
        ("aws_cloudwatch_log_group",), "retention_in_days",
        "CloudWatch Logs API Reference, PutRetentionPolicy retentionInDays",
        allowed=_LOG_DAYS,
    ),
    ValueRule(
        _RDS, "enabled_cloudwatch_logs_exports", _LOG_EXPORTS,
        allowed=_MYSQL_LOGS, engine=r"mysql|mariadb|aurora|aurora-mysql",
    ),
    ValueRule(
        _RDS, "enabled_cloudwatch_logs_exports", _LOG_EXPORTS,
        allowed=frozenset({"postgresql", "upgrade", "iam-db-auth-error", "instance"}),
        engine=r"postgres|aurora-postgresql",
    ),
    ValueRule(
        _RDS, "enabled_cloudwatch_logs_exports", _LOG_EXPORTS,
        allowed=frozenset({"alert", "audit", "listener", "trace", "oemagent"}),
        engine=r"oracle-.*|custom-oracle-.*",
    ),
    ValueRule(
        _RDS, "enabled_cloudwatch_logs_exports", _LOG_EXPORTS,
        allowed=frozenset({"agent", "error"}), engine=r"sqlserver-.*",
    ),
    ValueRule(
        (*_RDS, "aws_rds_cluster_instance"), "performance_insights_retention_period",
        "RDS API Reference, PerformanceInsightsRetentionPeriod: 7, 731 or a "
        "multiple of 31",
        allowed=_retention_periods(),
    ),
    ValueRule(
        ("aws_db_instance",), "backup_retention_period",
        "RDS API Reference, CreateDBInstance BackupRetentionPeriod: 0-35",
        low=0, high=35,
    ),
    ValueRule(
        ("aws_rds_cluster",), "backup_retention_period",
        "RDS API Reference, CreateDBCluster BackupRetentionPeriod: 1-35",
        low=1, high=35,
    ),
    ValueRule(
        ("aws_db_instance", "aws_rds_cluster_instance"), "monitoring_interval",
        "RDS API Reference, MonitoringInterval: 0, 1, 5, 10, 15, 30 or 60",
        allowed=frozenset({0, 1, 5, 10, 15, 30, 60}),
    ),
    ValueRule(
        ("aws_lambda_function",), "timeout",
        "Lambda quotas: function timeout 1-900 seconds", low=1, high=900,
    ),
    ValueRule(
        ("aws_lambda_function",), "memory_size",
        "Lambda quotas: memory 128-10,240 MB", low=128, high=10240,
    ),
    ValueRule(
        ("aws_lambda_function",), "ephemeral_storage.size",
        "Lambda quotas: /tmp storage 512-10,240 MB", low=512, high=10240,
    ),
    ValueRule(
        ("aws_sqs_queue",), "visibility_timeout_seconds",
        "Amazon SQS API Reference, VisibilityTimeout: 0-43,200 seconds",
        low=0, high=43200,
    ),
    ValueRule(
        ("aws_sqs_queue",), "message_retention_seconds",
        "Amazon SQS API Reference, MessageRetentionPeriod: 60-1,209,600 seconds",
        low=60, high=1209600,
    ),
    ValueRule(
        ("aws_sqs_queue",), "delay_seconds",
        "Amazon SQS API Reference, DelaySeconds: 0-900", low=0, high=900,
    ),
    ValueRule(
        ("aws_sqs_queue",), "receive_wait_time_seconds",
        "Amazon SQS API Reference, ReceiveMessageWaitTimeSeconds: 0-20",
        low=0, high=20,
    ),
    ValueRule(
        ("aws_sqs_queue",), "max_message_size",
        "Amazon SQS API Reference, MaximumMessageSize: 1,024 bytes to 1 MiB",
        low=1024, high=1048576,
    ),
    ValueRule(
        ("aws_kms_key",), "deletion_window_in_days",
        "AWS KMS API Reference, ScheduleKeyDeletion PendingWindowInDays: 7-30",
        low=7, high=30,
    ),
    ValueRule(
        ("aws_secretsmanager_secret",), "recovery_window_in_days",
        "Secrets Manager API Reference, DeleteSecret RecoveryWindowInDays: "
        "0 or 7-30",
        allowed=frozenset({0, *range(7, 31)}),
    ),
    ValueRule(
        ("aws_secretsmanager_secret_rotation",),
        "rotation_rules.automatically_after_days",
        "Secrets Manager API Reference, RotationRules AutomaticallyAfterDays: "
        "1-1,000",
        low=1, high=1000,
    ),
    ValueRule(
        ("aws_lb_target_group", "aws_alb_target_group"), "health_check.interval",
        "ELB API Reference, CreateTargetGroup HealthCheckIntervalSeconds: 5-300",
        low=5, high=300,
    ),
    ValueRule(
        ("aws_lb_target_group", "aws_alb_target_group"), "health_check.timeout",
        "ELB API Reference, CreateTargetGroup HealthCheckTimeoutSeconds: 2-120",
        low=2, high=120,
    ),
    ValueRule(
        ("aws_lb_target_group", "aws_alb_target_group"),
        "health_check.healthy_threshold",
        "ELB API Reference, CreateTargetGroup HealthyThresholdCount: 2-10",
        low=2, high=10,
    ),
    ValueRule(
        ("aws_lb_target_group", "aws_alb_target_group"),
        "health_check.unhealthy_threshold",
        "ELB API Reference, CreateTargetGroup UnhealthyThresholdCount: 2-10",
        low=2, high=10,
    ),
    ValueRule(
        ("aws_lb_target_group", "aws_alb_target_group"), "deregistration_delay",
        "ELB API Reference, target group attributes: deregistration delay "
        "0-3,600 seconds",
        low=0, high=3600,
    ),
    ValueRule(
        ("aws_cloudwatch_metric_alarm",), "period",
        "CloudWatch API Reference, PutMetricAlarm Period: 10, 20, 30 or a "
        "multiple of 60",
        allowed=_ALARM_PERIODS,
    ),
    ValueRule(
        ("aws_cloudwatch_metric_alarm",), "statistic",
        "CloudWatch API Reference, PutMetricAlarm Statistic",
        allowed=frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"}),
    ),
    ValueRule(
        ("aws_cloudwatch_metric_alarm",), "treat_missing_data",
        "CloudWatch API Reference, PutMetricAlarm TreatMissingData",
        allowed=frozenset({"missing", "ignore", "breaching", "notBreaching"}),
    ),
    ValueRule(
        ("aws_ecs_task_definition",), "network_mode",
        "Amazon ECS API Reference, RegisterTaskDefinition networkMode",
        allowed=frozenset({"none", "bridge", "awsvpc", "host"}),
    ),
    ValueRule(
        ("aws_db_instance",), "storage_type",
        "RDS API Reference, CreateDBInstance StorageType",
        allowed=frozenset({"standard", "gp2", "gp3", "io1", "io2"}),
    ),
)

# PostgreSQL reserves these words; RDS refuses them as the master user name
_POSTGRES_WORDS = frozenset(
    """all analyse analyze and any array as asc asymmetric both case cast check
    collate column constraint create current_catalog current_date current_role
    current_time current_timestamp current_user default deferrable desc distinct
    do else end except false fetch for foreign from grant group having in
    initially intersect into lateral leading limit localtime localtimestamp not
    null offset on only or order placing primary references returning select
    session_user some symmetric table then to trailing true union unique user
    using variadic when where window with""".split()  # noqa: SIM905 - a word list
)
_RDS_USERS = frozenset({"rdsadmin", "rdsrepladmin", "rds_superuser"})
_USER_SOURCE = (
    "RDS API Reference, CreateDBInstance MasterUsername and MasterUserPassword "
    "constraints per engine"
)

ENGINES: tuple[EngineLimits, ...] = (
    # MySQL 5.7 and later take 32-character user names; MariaDB keeps 16
    EngineLimits(
        r"mysql|aurora|aurora-mysql", 32, 41, _RDS_USERS, _USER_SOURCE,
    ),
    EngineLimits(r"mariadb", 16, 41, _RDS_USERS, _USER_SOURCE),
    EngineLimits(
        r"postgres|aurora-postgresql", 63, 128,
        _RDS_USERS | _POSTGRES_WORDS | {"admin"}, _USER_SOURCE,
    ),
    EngineLimits(
        r"oracle-.*|custom-oracle-.*", 30, 30,
        _RDS_USERS | {"sys", "system", "dbsnmp"}, _USER_SOURCE,
        password_refused=frozenset("&'"),
    ),
    EngineLimits(r"sqlserver-.*", 128, 128, _RDS_USERS, _USER_SOURCE),
    EngineLimits(
        r"docdb", 63, 100, frozenset({"admin"}),
        "Amazon DocumentDB Developer Guide, cluster limits: master user name "
        "and password",
    ),
)

CLUSTER_USER_MAX = 16
CLUSTER_PASSWORD_MAX = 41
CLUSTER_SOURCE = (
    "Amazon RDS API Reference, CreateDBCluster MasterUsername (1 to 16 "
    "characters) and MasterUserPassword (8 to 41 characters)"
)

# every printable ASCII character except these is allowed in an RDS password
RDS_PASSWORD_REFUSED = frozenset('/@" ')
# ElastiCache AUTH tokens allow only these non-alphanumeric characters
AUTH_TOKEN_SPECIALS = frozenset("!&#$^<>-")
AUTH_TOKEN_SOURCE = (
    "Amazon ElastiCache User Guide, AUTH: 16-128 printable characters, "
    "specials limited to !&#$^<>-"
)
# the special characters random_password and random_string use by default
RANDOM_DEFAULT_SPECIALS = "!@#$%&*()-_=+[]{}<>:?"

# Performance Insights is not offered on the smallest MySQL/MariaDB classes
INSIGHTS_UNSUPPORTED = frozenset(
    {
        "db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small",
        "db.t4g.micro", "db.t4g.small",
    }
)
INSIGHTS_SOURCE = (
    "RDS User Guide, Performance Insights support for DB engines and instance "
    "classes (MariaDB and MySQL)"
)

# Aurora offers memory-optimized and burstable classes from medium up
AURORA_CLASS = (
    r"db\.serverless|db\.(?:r\d+[a-z]*|x2g|x2iedn)\.\w+"
    r"|db\.t(?:3|4g)\.(?:medium|large)"
)
DOCDB_CLASS = r"db\.r\d+[a-z]*\.\w+|db\.t(?:3|4g)\.medium"
DOCDB_CLASS_SOURCE = "Amazon DocumentDB Developer Guide, supported instance classes"
AURORA_CLASS_SOURCE = "Amazon Aurora User Guide, supported DB instance classes"

# Fargate task sizes: CPU units -> memory MiB allowed with them
FARGATE_SIZES: dict[int, frozenset[int]] = {
    256: frozenset({512, 1024, 2048}),
    512: frozenset(range(1024, 4097, 1024)),
    1024: frozenset(range(2048, 8193, 1024)),
    2048: frozenset(range(4096, 16385, 1024)),
    4096: frozenset(range(8192, 30721, 1024)),
    8192: frozenset(range(16384, 61441, 4096)),
    16384: frozenset(range(32768, 122881, 8192)),
}
FARGATE_SOURCE = "Amazon ECS Developer Guide, task CPU and memory for Fargate"

# Lambda sets these itself and refuses them in a function's environment
LAMBDA_RESERVED_KEYS = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
        "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }
)
LAMBDA_RESERVED_SOURCE = "Lambda Developer Guide, defined runtime environment variables"

VPC_PREFIXES = (16, 28)
VPC_SOURCE = "Amazon VPC User Guide, VPC CIDR blocks: netmask between /16 and /28"
