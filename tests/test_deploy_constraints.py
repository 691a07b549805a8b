"""deploy.constraints, rule kind by rule kind: each fails and passes exactly."""

from __future__ import annotations

import pytest

from graders import Verdict, by_id, run_grader
from graders.deploy_limits import NAME_RULES, VALUE_RULES
from harness.answer import Answer
from harness.config.expr import UNKNOWN, evaluate
from harness.config.parse import parse_file
from harness.constraints import Constraints
from tests.conftest import FIXTURES, deployed_folders, hcl

MODE = "deploy.constraints"
FINALS = deployed_folders()
# a random_password with its default specials makes @ about one time in five:
# these deployed files are flaky rather than broken, and are flagged for it
_DEFAULT_SPECIALS = (
    "random_password.db_password can generate characters AWS refuses (@) "
    "through its default special characters: about 18% of its 16-character "
    "values would be refused"
)
FLAKY = {"Pr1299", "Pr8672", "Pr8713", "Pr9061", "Pr9280", "Pr9290"}


def open_fixture(name: str) -> str:
    return (FIXTURES / "deploy" / name).read_text("utf-8")


def messages(text: str, environments: tuple[str, ...] = ()) -> list[str]:
    """Each finding's message without the address prefix, sorted."""
    constraints = Constraints.from_dict({"environments": list(environments)})
    grade = run_grader(by_id(MODE), Answer(hcl(text), constraints), strict=True)
    assert grade.verdict in (Verdict.PASS, Verdict.FAIL), grade.reason
    return sorted(f.message.split(": ", 1)[1] for f in grade.findings)


def test_every_row_cites_its_source() -> None:
    for rule in (*NAME_RULES, *VALUE_RULES):
        assert len(rule.source) > 20, rule


# -- names ---------------------------------------------------------------------


def test_name_length_is_checked_in_each_environment() -> None:
    text = """
variable "environment" { default = "dev" }
resource "aws_lb" "web" {
  name = "payments-gateway-${var.environment}-public-lb"
}
"""
    # 30 characters in dev, 37 in production
    assert messages(text, ("dev", "production")) == [
        'name "payments-gateway-production-public-lb" (production) is 37 '
        "characters; AWS allows at most 32"
    ]


def test_environments_the_configuration_refuses_are_not_applied() -> None:
    text = """
variable "environment" {
  default = "dev"
  validation {
    condition     = contains(["dev", "stg", "prd"], var.environment)
    error_message = "dev, stg or prd"
  }
}
resource "aws_lb" "web" {
  name = "payment-gateway-service-${var.environment}-alb"
}
"""
    assert messages(text, ("dev", "staging", "prd")) == []


def test_name_length_counts_every_instance() -> None:
    text = """
resource "aws_lambda_function" "worker" {
  count         = 2
  function_name = "payment-settlement-reconciliation-nightly-${count.index}"
}
"""
    assert messages(text) == []
    longer = text.replace("nightly-", "nightly-batch-worker-numbered-")
    assert messages(longer) == [
        'function_name "payment-settlement-reconciliation-nightly-batch-worker-'
        'numbered-0" (count.index 0) is 65 characters; AWS allows at most 64',
        'function_name "payment-settlement-reconciliation-nightly-batch-worker-'
        'numbered-1" (count.index 1) is 65 characters; AWS allows at most 64',
    ]


def test_partly_known_name_is_judged_on_its_fixed_text() -> None:
    short = 'resource "aws_lb_target_group" "tg" { name = "${var.p}-tg" }'
    assert messages(short) == []
    longer = short.replace("-tg", "-payment-processing-api-target-group")
    assert messages(longer) == [
        "name is at least 36 characters "
        '("${var.p}-payment-processing-api-target-group"); AWS allows at most 32'
    ]


def test_partly_known_names_through_format_join_and_locals() -> None:
    text = """
variable "p" {}
resource "random_id" "suffix" { byte_length = 8 }
locals {
  alb_name = "${var.p}-customer-analytics-platform-albs"
}
resource "aws_lb" "by_format" {
  name = format("%s-customer-analytics-platform-albs", var.p)
}
resource "aws_lb" "by_join" {
  name = join("-", [var.p, "customer-analytics-platform", "albs"])
}
resource "aws_lb" "by_local" { name = local.alb_name }
resource "aws_s3_bucket" "by_random_id" {
  bucket = "customer-analytics-platform-raw-events-archives-${random_id.suffix.hex}"
}
"""
    # 33 fixed characters each; 48 fixed and 16 hexadecimal in the bucket
    assert messages(text) == [
        "bucket is at least 64 characters "
        '("customer-analytics-platform-raw-events-archives-${random_id.suffix.'
        'hex}"); AWS allows at most 63',
        'name is at least 33 characters ("format("%s-customer-analytics-platform-'
        'albs", var.p)"); AWS allows at most 32',
        'name is at least 33 characters ("join("-", [var.p, "customer-analytics-'
        'platform", "albs"])"); AWS allows at most 32',
        'name is at least 33 characters ("local.alb_name"); AWS allows at most 32',
    ]


def test_account_id_counts_twelve_characters() -> None:
    text = """
data "aws_caller_identity" "me" {}
locals {
  id = data.aws_caller_identity.me.account_id
}
resource "aws_s3_bucket" "logs" {
  bucket = "payment-processing-platform-audit-trail-${local.id}-${var.r}"
}
"""
    # 41 fixed characters and 12 of the account id
    assert messages(text) == []
    direct = text.replace("${local.id}", "${data.aws_caller_identity.me.account_id}")
    assert messages(direct) == []
    longer = direct.replace("platform-", "platform-primary-region-")
    # 55 fixed characters, the account id's 12 and a hyphen; long text is cut
    assert messages(longer) == [
        "bucket is at least 68 characters "
        '("payment-processing-platform-primary-region-audit-trail-${data.aws_'
        'caller_iden..."); AWS allows at most 63'
    ]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            'resource "aws_s3_bucket" "b" { bucket = "logs..archive" }',
            'bucket "logs..archive" must begin and end with a letter or digit, '
            "have no '..' and not look like an IP address",
        ),
        (
            'resource "aws_s3_bucket" "b" { bucket = "payment_logs" }',
            "bucket \"payment_logs\" has characters AWS refuses: '_'",
        ),
        (
            'resource "aws_lb" "b" { name = "internal-payments" }',
            'name "internal-payments" may not begin with internal-',
        ),
        (
            'resource "aws_lb_target_group" "b" { name = "payments-" }',
            'name "payments-" must use letters, digits and hyphens, and not '
            "begin or end with a hyphen",
        ),
        (
            'resource "aws_db_instance" "b" { identifier = "1payments" }',
            'identifier "1payments" must begin with a letter, use lowercase '
            "letters, digits and single hyphens, and not end with a hyphen",
        ),
        (
            'resource "aws_db_instance" "b" { identifier = "Payments" }',
            "identifier \"Payments\" has characters AWS refuses: 'P'",
        ),
        (
            'resource "aws_db_instance" "b" { db_name = "payments-db" }',
            "db_name \"payments-db\" has characters AWS refuses: '-'",
        ),
        (
            'resource "aws_rds_cluster" "b" { database_name = "1payments" }',
            'database_name "1payments" must begin with a letter and use letters, '
            "digits and underscores",
        ),
        (
            'resource "aws_kms_alias" "b" { name = "payments" }',
            'name "payments" must begin with alias/ and not alias/aws/',
        ),
        (
            'resource "aws_sqs_queue" "b" { name = "payments.events" }',
            'name "payments.events" must use letters, digits, hyphens and '
            "underscores, with .fifo only as a FIFO queue's suffix",
        ),
        (
            'resource "aws_iam_role" "b" { name = "payments role" }',
            "name \"payments role\" has characters AWS refuses: ' '",
        ),
        (
            'resource "aws_security_group" "b" { description = "App\'s tier" }',
            "description \"App's tier\" has characters AWS refuses: \"'\"",
        ),
    ],
)
def test_name_characters_and_shape(resource: str, expected: str) -> None:
    assert messages(resource) == [expected]


def test_names_within_the_rules_pass() -> None:
    text = """
resource "aws_s3_bucket" "b" { bucket = "payment-logs.archive-2024" }
resource "aws_lb" "l" { name = "payments-public" }
resource "aws_db_instance" "d" {
  identifier = "payments-primary"
  db_name    = "payments_2024"
}
resource "aws_kms_alias" "k" { name = "alias/payments" }
resource "aws_sqs_queue" "q" {
  name       = "payments.fifo"
  fifo_queue = true
}
resource "aws_iam_role" "r" { name = "payments-role+ci@example.com" }
resource "aws_security_group" "s" {
  name        = "payments"
  description = "Managed by Terraform: HTTPS (443) from the ALB"
}
"""
    assert messages(text) == []


def test_prefix_leaves_room_for_the_terraform_suffix() -> None:
    ok = 'resource "aws_lb" "l" { name_prefix = "pay-" }'
    assert messages(ok) == []
    long = 'resource "aws_lb" "l" { name_prefix = "payments" }'
    assert messages(long) == [
        'name_prefix "payments" is 8 characters; with the 26 Terraform '
        "appends the name exceeds 32"
    ]


# -- documented sets and ranges --------------------------------------------------


def test_log_exports_are_checked_per_engine() -> None:
    mysql = """
resource "aws_db_instance" "d" {
  engine                          = "mysql"
  enabled_cloudwatch_logs_exports = ["error", "slowquery", "postgresql"]
}
"""
    assert messages(mysql) == [
        "enabled_cloudwatch_logs_exports 'postgresql' is not one of the "
        "accepted values"
    ]
    postgres = mysql.replace('"mysql"', '"postgres"').replace(
        '"error", "slowquery", ', '"upgrade", '
    )
    assert messages(postgres) == []


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            'resource "aws_lambda_function" "f" { timeout = 1200 }',
            "timeout 1200 is above the maximum 900",
        ),
        (
            'resource "aws_cloudwatch_metric_alarm" "a" { period = 45 }',
            "period 45 is not one of the accepted values",
        ),
        (
            'resource "aws_sqs_queue" "q" { message_retention_seconds = 30 }',
            "message_retention_seconds 30 is below the minimum 60",
        ),
        (
            'resource "aws_kms_key" "k" { deletion_window_in_days = "45" }',
            "deletion_window_in_days '45' is above the maximum 30",
        ),
        (
            'resource "aws_db_instance" "d" {\n'
            "  performance_insights_retention_period = 30\n}",
            "performance_insights_retention_period 30 is not one of the "
            "accepted values",
        ),
        (
            'resource "aws_secretsmanager_secret" "s" { recovery_window_in_days = 3 }',
            "recovery_window_in_days 3 is not one of the accepted values",
        ),
        (
            'resource "aws_lb_target_group" "t" {\n'
            "  health_check { healthy_threshold = 1 }\n}",
            "health_check.healthy_threshold 1 is below the minimum 2",
        ),
    ],
)
def test_values_outside_the_documented_set(resource: str, expected: str) -> None:
    assert messages(resource) == [expected]


def test_values_inside_the_documented_set_pass() -> None:
    text = """
resource "aws_lambda_function" "f" {
  timeout     = 900
  memory_size = 1024
  runtime     = "python3.12"
}
resource "aws_cloudwatch_log_group" "g" { retention_in_days = 365 }
resource "aws_db_instance" "d" { performance_insights_retention_period = 93 }
resource "aws_secretsmanager_secret" "s" { recovery_window_in_days = 0 }
"""
    assert messages(text) == []


# -- database users, passwords, classes ------------------------------------------


def test_user_name_rules_depend_on_the_engine() -> None:
    text = """
resource "aws_db_instance" "pg" {
  engine   = "postgres"
  username = "user"
}
resource "aws_db_instance" "my" {
  engine   = "mariadb"
  username = "payments_administrator"
}
resource "aws_db_instance" "bad" {
  engine   = "mysql"
  username = "db-admin"
}
resource "aws_docdb_cluster" "docs" {
  master_username = "admin"
}
"""
    assert messages(text) == [
        'master user name "admin" is reserved by the engine',
        'master user name "db-admin" must begin with a letter and use only '
        "letters, digits and underscores",
        'master user name "payments_administrator" is 22 characters; the '
        "engine allows 16",
        'master user name "user" is reserved by the engine',
    ]
    allowed = (
        text.replace('"user"', '"admin_user"')
        .replace("payments_administrator", "admin")
        .replace("db-admin", "db_admin")
        .replace('master_username = "admin"', 'master_username = "docs_admin"')
    )
    assert messages(allowed) == []
    mysql_long = 'resource "aws_db_instance" "m" {\n  engine = "mysql"\n'
    assert messages(mysql_long + '  username = "payments_administrator"\n}') == []
    assert messages(allowed) == []


def test_literal_password_characters_and_length() -> None:
    text = """
resource "aws_rds_cluster" "c" {
  engine          = "aurora-mysql"
  master_password = "p@ss wd"
}
"""
    assert messages(text) == [
        "the master password has characters the engine refuses: [' ', '@']",
        "the master password is 7 characters; the engine takes 8 to 41",
    ]


def test_oracle_refuses_more_password_characters() -> None:
    text = """
resource "random_password" "db" {
  length           = 20
  override_special = "&'!#"
}
resource "aws_db_instance" "o" {
  engine      = "oracle-ee"
  password_wo = random_password.db.result
}
"""
    found = messages(text)
    assert len(found) == 1
    assert found[0].startswith(
        "random_password.db can generate characters AWS refuses (& ')"
    )


def test_generated_password_is_followed_through_a_secret() -> None:
    text = """
resource "random_password" "db" {
  length           = 20
  override_special = "!#/"
}
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = "x"
  secret_string = jsonencode({ password = random_password.db.result })
}
locals {
  creds = jsondecode(aws_secretsmanager_secret_version.db.secret_string)
}
resource "aws_db_instance" "d" {
  engine   = "postgres"
  password = local.creds["password"]
}
"""
    assert messages(text) == [
        "random_password.db can generate characters AWS refuses (/) through its "
        "override_special special characters: about 27% of its 20-character "
        "values would be refused"
    ]
    assert messages(text.replace('"!#/"', '"!#"')) == []
    assert messages(text.replace("length           = 20", "special = false")) == []


def test_password_is_traced_to_the_generator_it_comes_from() -> None:
    assert messages(open_fixture("passwords.tf")) == [
        "random_password.jwt can generate characters AWS refuses (@) through its "
        "default special characters: about 38% of its 40-character values would "
        "be refused"
    ]


def test_auth_token_allows_only_some_specials() -> None:
    text = """
resource "random_password" "token" {
  length = 32
}
resource "aws_elasticache_replication_group" "r" {
  node_type  = "cache.r6g.large"
  auth_token = random_password.token.result
}
"""
    found = messages(text)
    assert len(found) == 1
    assert found[0].startswith(
        "random_password.token can generate characters AWS refuses "
        "(% ( ) * + : = ? @ [ ] _ { }) through its default special characters"
    )
    fixed = text.replace("length = 32", 'length = 32\n  override_special = "!&#$^<>-"')
    assert messages(fixed) == []


def test_instance_classes_per_engine() -> None:
    text = """
resource "aws_db_instance" "no_prefix" {
  engine         = "postgres"
  instance_class = "t3.medium"
}
resource "aws_rds_cluster_instance" "aurora_m5" {
  engine         = "aurora-mysql"
  instance_class = "db.m5.large"
}
resource "aws_elasticache_cluster" "no_cache_prefix" {
  node_type = "t3.micro"
}
resource "aws_rds_cluster_instance" "aurora_ok" {
  engine         = "aurora-mysql"
  instance_class = "db.r7g.large"
}
"""
    assert messages(text) == [
        'instance_class "db.m5.large" is not offered for Aurora',
        'instance_class "t3.medium" is not an RDS class',
        'node_type "t3.micro" is not an ElastiCache node type',
    ]


def test_performance_insights_only_on_supported_classes() -> None:
    text = """
variable "environment" { default = "prod" }
locals {
  class = { dev = "db.t4g.small", prod = "db.m6g.large" }
}
resource "aws_db_instance" "d" {
  engine                       = "mariadb"
  instance_class               = local.class[var.environment]
  performance_insights_enabled = true
}
"""
    assert messages(text, ("dev", "prod")) == [
        "Performance Insights is enabled on db.t4g.small (dev), which mariadb "
        "does not support it on"
    ]
    postgres = text.replace('"mariadb"', '"postgres"')
    assert messages(postgres, ("dev", "prod")) == []


# -- CIDR layout -------------------------------------------------------------------


def test_cidr_blocks_malformed_and_netmasks() -> None:
    text = """
resource "aws_vpc" "wide" { cidr_block = "10.0.0.0/8" }
resource "aws_subnet" "typo" {
  vpc_id     = aws_vpc.wide.id
  cidr_block = "10.0.300.0/24"
}
resource "aws_security_group" "s" {
  ingress {
    cidr_blocks = ["0.0.0.0/0", "192.168.1.0"]
  }
}
"""
    assert messages(text) == [
        "cidr_block '10.0.300.0/24' is malformed",
        "cidr_block 10.0.0.0/8: a VPC's netmask is /16 to /28",
        "cidr_blocks '192.168.1.0' is not in address/netmask form",
    ]


def test_overlap_found_only_in_one_environment() -> None:
    text = """
variable "environment" { default = "dev" }
locals {
  offsets = { dev = 4, prod = 1 }
}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "public" {
  count      = 2
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, local.offsets[var.environment])
}
"""
    assert messages(text, ("dev", "prod")) == [
        "cidr_block 10.0.1.0/24 (prod, count.index 1) overlaps "
        "aws_subnet.private's 10.0.1.0/24 (prod)"
    ]


def test_subnets_of_different_vpcs_may_share_blocks() -> None:
    text = """
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "b" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.0.1.0/24"
}
"""
    assert messages(text) == []


def test_subnets_are_compared_only_within_one_vpc() -> None:
    text = open_fixture("vpcs.tf")
    assert messages(text) == [
        "cidr_block 10.0.1.0/24 overlaps aws_subnet.same_in_a's 10.0.1.128/25"
    ]


# -- combinations --------------------------------------------------------------------


def test_combinations_aws_refuses() -> None:
    text = """
resource "aws_ecs_task_definition" "t" {
  requires_compatibilities = ["FARGATE"]
  cpu                      = 300
  memory                   = 1024
}
resource "aws_sqs_queue" "fifo_without_suffix" {
  name           = "orders"
  fifo_queue     = true
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.standard.arn })
}
resource "aws_sqs_queue" "standard" { name = "orders-dlq" }
resource "aws_autoscaling_group" "g" {
  min_size         = 3
  desired_capacity = 2
  max_size         = 6
}
resource "aws_elasticache_replication_group" "r" {
  node_type                  = "cache.r6g.large"
  automatic_failover_enabled = true
  num_cache_clusters         = 1
}
resource "aws_db_instance" "d" {
  engine              = "postgres"
  monitoring_interval = 30
}
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  rule {
    transition {
      days          = 7
      storage_class = "STANDARD_IA"
    }
  }
}
resource "aws_lb_target_group" "t" {
  health_check {
    interval = 10
    timeout  = 10
  }
}
"""
    assert messages(text) == [
        "Fargate has no task size of 300 CPU units",
        "a Fargate task needs network_mode awsvpc, not bridge",
        "a transition to STANDARD_IA after 7 days",
        "automatic failover with 1 node",
        "health_check timeout 10 is not below its interval 10",
        "its dead-letter queue aws_sqs_queue.standard is a standard queue; a "
        "FIFO queue needs one of its own kind",
        "monitoring_interval 30 without monitoring_role_arn",
        "needs min_size (3) <= desired_capacity (2) <= max_size (6)",
        "queue \"orders\": a FIFO queue name ends in .fifo and only a FIFO "
        "queue's does",
    ]


# -- real deployed Terraform ---------------------------------------------------------


@pytest.mark.parametrize("folder", FINALS, ids=[p.name for p in FINALS])
def test_deployed_terraform_is_refused_only_for_flaky_passwords(folder) -> None:
    text = "".join(
        f"**{p.name}**\n\n```hcl\n{p.read_text('utf-8')}\n```\n"
        for p in sorted((folder / "final").glob("*.tf"))
    )
    grade = run_grader(by_id(MODE), Answer(text), strict=True)
    found = {f.message.split(": ", 1)[1] for f in grade.findings}
    assert found == ({_DEFAULT_SPECIALS} if folder.name in FLAKY else set())


def test_health_check_interval_of_five_meets_the_default_timeout() -> None:
    text = """
resource "aws_lb_target_group" "fast" {
  protocol = "HTTP"
  health_check { interval = 5 }
}
resource "aws_lb_target_group" "slower" {
  protocol = "HTTP"
  health_check { interval = 10 }
}
"""
    assert messages(text) == [
        "health_check default timeout 5 is not below its interval 5"
    ]


def test_computed_switches_are_not_judged() -> None:
    text = """
variable "fifo" {}
variable "ha" {}
variable "mode" {}
resource "aws_sqs_queue" "orders" {
  name           = "orders.fifo"
  fifo_queue     = var.fifo
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dead.arn })
}
resource "aws_sqs_queue" "dead" {
  name       = "orders-dead.fifo"
  fifo_queue = true
}
resource "aws_elasticache_replication_group" "r" {
  node_type                  = "cache.r6g.large"
  automatic_failover_enabled = var.ha
  multi_az_enabled           = true
}
resource "aws_ecs_task_definition" "t" {
  requires_compatibilities = ["FARGATE"]
  cpu                      = 256
  memory                   = 512
  network_mode             = var.mode
}
"""
    assert messages(text) == []


# -- verdicts and the evaluator -------------------------------------------------------


def test_no_aws_resources_cannot_be_judged() -> None:
    answer = Answer(hcl('resource "google_storage_bucket" "b" { name = "x" }'))
    grade = run_grader(by_id(MODE), answer, strict=True)
    assert grade.verdict is Verdict.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('cidrsubnet("10.0.0.0/16", 8, 3)', "10.0.3.0/24"),
        ('cidrsubnet("10.0.0.0/16", 4, 15)', "10.0.240.0/20"),
        ('cidrsubnet("10.0.0.0/16", 2, 4)', UNKNOWN),
        ('format("%s-%02d", "web", 7)', "web-07"),
        ('substr("payments", 0, 3)', "pay"),
        ('replace("a_b_c", "_", "-")', "a-b-c"),
        ('replace("Pay Ments", "/[^a-z]/", "")', "ayents"),
        ('coalesce("", "x")', "x"),
        ("range(3)", [0, 1, 2]),
        ('split(",", 7)', ["7"]),
        ('join("-", ["a", 1, true])', "a-1-true"),
        ('upper(12)', "12"),
        ('sensitive("p@ss")', "p@ss"),
        # calls Terraform refuses leave the value unknown, never raise
        ("element([], 1)", UNKNOWN),
        ('lookup("prod", "BUCKET", "x")', UNKNOWN),
        ('split(",", ["a"])', UNKNOWN),
        ("1 / 0", UNKNOWN),
        ('"prod"[0]', UNKNOWN),
    ],
)
def test_evaluator_functions(expression: str, value: object) -> None:
    parsed = parse_file("main.tf", f"locals {{\n  x = {expression}\n}}\n")
    expr = parsed.blocks[0].attributes["x"].expr
    assert evaluate(expr) == value


def test_reserved_lambda_variables_through_merge_and_locals() -> None:
    text = """
variable "extra" {
  type    = map(string)
  default = { AWS_LAMBDA_FUNCTION_NAME = "x" }
}
locals {
  common = { AWS_REGION = var.region, STAGE = var.stage }
}
resource "aws_lambda_function" "merged" {
  environment {
    variables = merge(local.common, { TABLE = aws_dynamodb_table.t.name })
  }
}
resource "aws_lambda_function" "from_variable" {
  environment {
    variables = merge(var.extra, { TABLE = "t" })
  }
}
resource "aws_lambda_function" "allowed" {
  environment {
    variables = merge(local.unknown, { REGION = var.region, TABLE = "t" })
  }
}
"""
    assert messages(text) == [
        "environment variable AWS_LAMBDA_FUNCTION_NAME is reserved by the Lambda "
        "runtime",
        "environment variable AWS_REGION is reserved by the Lambda runtime",
    ]


def test_a_map_named_env_is_not_the_environment_name() -> None:
    text = """
variable "env" {
  default = { BUCKET = "My_Bucket" }
}
resource "aws_s3_bucket" "b" {
  bucket = lookup(var.env, "BUCKET", "x")
}
"""
    assert messages(text, ("dev", "prod")) == [
        "bucket \"My_Bucket\" has characters AWS refuses: 'B' 'M' '_'",
    ]


def test_an_ipv6_block_in_a_subnet_cidr_is_refused() -> None:
    text = """
resource "aws_vpc" "m" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "v6" {
  vpc_id     = aws_vpc.m.id
  cidr_block = cidrsubnet("fd00::/56", 8, 1)
}
"""
    assert messages(text) == ["cidr_block fd00:0:0:1::/64 is an IPv6 block"]


def test_values_indexed_by_count_and_each_are_known() -> None:
    text = """
variable "public" { default = ["10.0.1.0/24", "10.0.2.0/24"] }
variable "private" { default = ["10.0.2.0/24", "10.0.3.0/24"] }
variable "buckets" { default = { logs = "Logs_Bucket" } }
resource "aws_vpc" "m" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "public" {
  count      = 2
  vpc_id     = aws_vpc.m.id
  cidr_block = var.public[count.index]
}
resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.m.id
  cidr_block = var.private[count.index]
}
resource "aws_s3_bucket" "b" {
  for_each = var.buckets
  bucket   = var.buckets[each.key]
}
"""
    assert messages(text) == [
        """bucket "Logs_Bucket" (each.key logs) has characters AWS refuses: """
        """'B' 'L' '_'""",
        "cidr_block 10.0.2.0/24 (count.index 1) overlaps aws_subnet.private's "
        "10.0.2.0/24 (count.index 0)",
    ]


def test_random_strings_put_into_names_as_they_are() -> None:
    text = """
resource "random_string" "mixed" {
  length  = 8
  special = false
}
resource "random_string" "safe" {
  length  = 8
  upper   = false
  special = false
}
resource "aws_s3_bucket" "raw" { bucket = "my-app-${random_string.mixed.result}" }
resource "aws_s3_bucket" "lowered" {
  bucket = "my-app-${lower(random_string.mixed.result)}"
}
resource "aws_s3_bucket" "safe" { bucket = "my-app-${random_string.safe.result}" }
resource "aws_iam_role" "any_case" { name = "role-${random_string.mixed.result}" }
"""
    assert messages(text) == [
        "bucket takes random_string.mixed.result as it is, which can hold "
        "characters AWS refuses: uppercase letters (about 99% of its 8-character "
        "values)",
    ]


def test_two_zones_and_least_storage() -> None:
    text = """
resource "aws_subnet" "a" { cidr_block = "10.0.1.0/24" }
resource "aws_subnet" "b" { cidr_block = "10.0.2.0/24" }
resource "aws_subnet" "many" {
  count      = 2
  cidr_block = "10.0.${count.index + 10}.0/24"
}
resource "aws_lb" "one" { subnets = [aws_subnet.a.id] }
resource "aws_lb" "two" { subnets = [aws_subnet.a.id, aws_subnet.b.id] }
resource "aws_lb" "counted" { subnets = [aws_subnet.many[0].id] }
resource "aws_lb" "network" {
  load_balancer_type = "network"
  subnets            = [aws_subnet.a.id]
}
resource "aws_db_subnet_group" "one" { subnet_ids = [aws_subnet.b.id] }
resource "aws_db_subnet_group" "all" { subnet_ids = aws_subnet.many[*].id }
resource "aws_db_instance" "small" {
  engine            = "postgres"
  allocated_storage = 10
}
resource "aws_db_instance" "iops" {
  engine            = "postgres"
  storage_type      = "io1"
  allocated_storage = 50
}
resource "aws_db_instance" "fine" {
  engine            = "postgres"
  storage_type      = "gp3"
  allocated_storage = 20
}
"""
    assert messages(text) == [
        "allocated_storage 10: gp2 storage starts at 20 GiB",
        "allocated_storage 50: io1 storage starts at 100 GiB",
        "one subnet: a DB subnet group needs subnets in at least two "
        "Availability Zones",
        "one subnet: a load balancer needs subnets in at least two "
        "Availability Zones",
    ]


def test_clusters_take_shorter_names_and_passwords_than_instances() -> None:
    text = """
resource "random_password" "long" {
  length  = 64
  special = false
}
resource "aws_rds_cluster" "c" {
  engine          = "aurora-postgresql"
  master_username = "payments_administrator"
  master_password = random_password.long.result
}
resource "aws_db_instance" "i" {
  engine   = "postgres"
  username = "payments_administrator"
  password = random_password.long.result
}
"""
    assert messages(text) == [
        'master user name "payments_administrator" is 22 characters; the engine '
        "allows 16",
        "random_password.long makes 64 characters; AWS takes 8 to 41",
    ]


def test_optional_attribute_defaults_are_read() -> None:
    text = """
variable "db" {
  type = object({
    engine   = optional(string, "postgres")
    username = optional(string, "admin")
    size     = optional(number)
  })
  default = {}
}
variable "queues" {
  type    = map(object({ name = optional(string, "Orders Queue") }))
  default = { orders = {} }
}
resource "aws_db_instance" "d" {
  engine   = var.db.engine
  username = var.db.username
}
resource "aws_sqs_queue" "q" { name = var.queues["orders"].name }
"""
    assert messages(text) == [
        'master user name "admin" is reserved by the engine',
        "name \"Orders Queue\" has characters AWS refuses: ' '",
    ]


def test_each_environment_folder_with_its_own_provider_is_its_own_root() -> None:
    def root(env: str, second: str) -> str:
        return f"""**environments/{env}/main.tf**

```hcl
provider "aws" {{ region = "us-east-1" }}
resource "aws_vpc" "main" {{ cidr_block = "10.0.0.0/16" }}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}}
resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "{second}"
}}
```
"""

    answer = root("dev", "10.0.2.0/24") + root("prod", "10.0.1.0/25")
    grade = run_grader(by_id(MODE), Answer(answer), strict=True)
    assert [f.message for f in grade.findings] == [
        "aws_subnet.a: cidr_block 10.0.1.0/24 overlaps aws_subnet.b's 10.0.1.0/25"
    ]
    assert grade.findings[0].file == "environments/prod/main.tf"
    schema = run_grader(by_id("schema.validity"), Answer(answer), strict=True)
    assert schema.verdict is Verdict.PASS


def test_security_group_ranges_must_be_ipv4_blocks() -> None:
    text = """
resource "aws_security_group" "g" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0", "::/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_vpc_security_group_ingress_rule" "r" {
  cidr_ipv4   = "fd00::/8"
  ip_protocol = "tcp"
}
resource "aws_security_group_rule" "bad" {
  type        = "ingress"
  cidr_blocks = ["10.0.0.0/33"]
}
"""
    assert messages(text) == [
        'cidr_blocks "::/0" is an IPv6 block',
        "cidr_blocks '10.0.0.0/33' is malformed",
        'cidr_ipv4 "fd00::/8" is an IPv6 block',
    ]


def test_values_a_module_call_passes_are_checked_in_the_module() -> None:
    answer = """**main.tf**

```hcl
module "logs" {
  source = "./modules/bucket"
  name   = "MyCompany-Logs"
}
module "ok" {
  source = "./modules/bucket"
  name   = "mycompany-archive"
}
```

**modules/bucket/main.tf**

```hcl
variable "name" {
  type    = string
  default = "default-bucket"
}
resource "aws_s3_bucket" "b" { bucket = var.name }
```
"""
    grade = run_grader(by_id(MODE), Answer(answer), strict=True)
    assert [f.message for f in grade.findings] == [
        """aws_s3_bucket.b: bucket "MyCompany-Logs" (module.logs) has characters """
        "AWS refuses: 'C' 'L' 'M'"
    ]


def test_a_separate_root_reads_its_own_tfvars() -> None:
    def root(env: str, name: str) -> str:
        return f"""**environments/{env}/main.tf**

```hcl
provider "aws" {{ region = "us-east-1" }}
variable "bucket_name" {{ default = "fine-bucket" }}
resource "aws_s3_bucket" "b" {{ bucket = var.bucket_name }}
```

**environments/{env}/terraform.tfvars**

```hcl
bucket_name = "{name}"
```
"""

    answer = root("dev", "Acme_Dev_Bucket") + root("prod", "acme-prod-bucket")
    grade = run_grader(by_id(MODE), Answer(answer), strict=True)
    assert [(f.file, f.message) for f in grade.findings] == [
        (
            "environments/dev/main.tf",
            """aws_s3_bucket.b: bucket "Acme_Dev_Bucket" has characters AWS """
            "refuses: 'A' 'B' 'D' '_'",
        )
    ]


def test_a_called_module_is_judged_only_as_called() -> None:
    answer = """**main.tf**

```hcl
module "db" {
  source            = "./modules/rds"
  for_each          = var.databases
  allocated_storage = each.value.storage
  storage_type      = "io1"
}
module "logs" {
  source = "./modules/bucket"
  name   = "acme-logs-bucket"
}
```

**modules/rds/main.tf**

```hcl
variable "allocated_storage" { default = 20 }
variable "storage_type" { default = "gp3" }
resource "aws_db_instance" "d" {
  engine            = "postgres"
  allocated_storage = var.allocated_storage
  storage_type      = var.storage_type
}
```

**modules/bucket/main.tf**

```hcl
variable "name" { default = "CHANGE_ME" }
resource "aws_s3_bucket" "b" { bucket = var.name }
```
"""
    grade = run_grader(by_id(MODE), Answer(answer), strict=True)
    assert grade.findings == []


def test_optional_defaults_nest_and_replace_null() -> None:
    text = """
variable "db" {
  type = object({
    username = optional(string, "admin")
    storage  = optional(object({
      type = optional(string, "io1")
      size = optional(number, 50)
    }), {})
  })
  default = { username = null }
}
resource "aws_db_instance" "d" {
  engine            = "postgres"
  username          = var.db.username
  storage_type      = var.db.storage.type
  allocated_storage = var.db.storage.size
}
"""
    assert messages(text) == [
        "allocated_storage 50: io1 storage starts at 100 GiB",
        'master user name "admin" is reserved by the engine',
    ]
