# Account audit baseline: single-file Terraform configuration.
# A multi-region CloudTrail with log file validation, its encrypted log
# bucket with access logging, CloudWatch metric filters and alarms for
# security-relevant events, and AWS Config with managed rules.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

# ----------------------------------------------------------------------------
# Variables
# ----------------------------------------------------------------------------

variable "project" {
  description = "Organisation or project name used as a prefix for resource names."
  type        = string
  default     = "acme"
}

variable "aws_region" {
  description = "Home region of the trail, the log buckets and AWS Config."
  type        = string
  default     = "us-east-1"
}

variable "alarm_email" {
  description = "E-mail address subscribed to the security alarm topic."
  type        = string
  default     = "security-alerts@example.com"
}

variable "trail_log_group_retention_days" {
  description = "Retention of the CloudTrail events in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "trail_archive_after_days" {
  description = "Age after which trail log files move to S3 Glacier Flexible Retrieval."
  type        = number
  default     = 90
}

variable "trail_expire_after_days" {
  description = "Age after which trail log files are deleted (seven years)."
  type        = number
  default     = 2557
}

# ----------------------------------------------------------------------------
# Providers
# ----------------------------------------------------------------------------

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

# ----------------------------------------------------------------------------
# Locals
# ----------------------------------------------------------------------------

locals {
  name_prefix = "${var.project}-audit"

  tags = {
    Project    = var.project
    Component  = "audit-baseline"
    ManagedBy  = "terraform"
    CostCenter = "security"
  }

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  aws_service_role_policy = "arn:${local.partition}:iam::aws:policy/service-role"

  # Built from its parts so that the bucket and key policies do not depend on
  # the trail (the trail depends on both).
  trail_name = "${local.name_prefix}-trail"
  trail_arn = join(":", [
    "arn", local.partition, "cloudtrail", var.aws_region, local.account_id,
    "trail/${local.trail_name}",
  ])
  trail_arns = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"

  trail_log_group_name = "/aws/cloudtrail/${local.trail_name}"
  trail_log_group_arn = join(":", [
    "arn", local.partition, "logs", var.aws_region, local.account_id,
    "log-group", local.trail_log_group_name,
  ])

  trail_s3_prefix  = "cloudtrail"
  config_s3_prefix = "config"
  metric_namespace = "${local.name_prefix}/SecurityEvents"

  # IAM API calls that change a policy (CIS AWS Foundations benchmark).
  iam_policy_events = [
    "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
    "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
    "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
    "SetDefaultPolicyVersion",
    "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
    "AttachGroupPolicy", "DetachGroupPolicy",
  ]

  # One metric filter and one alarm per entry.
  security_events = {
    root_account_usage = {
      description = "The root user was used"
      pattern = join(" ", [
        "{ ($.userIdentity.type = \"Root\")",
        "&& ($.userIdentity.invokedBy NOT EXISTS)",
        "&& ($.eventType != \"AwsServiceEvent\") }",
      ])
    }
    unauthorized_api_calls = {
      description = "API calls were denied as unauthorized"
      pattern = join(" ", [
        "{ (($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\"))",
        "&& ($.sourceIPAddress != \"delivery.logs.amazonaws.com\")",
        "&& ($.eventName != \"HeadBucket\") }",
      ])
    }
    iam_policy_changes = {
      description = "An IAM policy was created, changed, attached or detached"
      pattern = format(
        "{ ($.eventSource = \"iam.amazonaws.com\") && (%s) }",
        join(" || ", [for name in local.iam_policy_events : "($.eventName = \"${name}\")"]),
      )
    }
    console_signin_without_mfa = {
      description = "An IAM user signed in to the console without MFA"
      pattern = join(" ", [
        "{ ($.eventName = \"ConsoleLogin\")",
        "&& ($.additionalEventData.MFAUsed != \"Yes\")",
        "&& ($.userIdentity.type = \"IAMUser\")",
        "&& ($.responseElements.ConsoleLogin = \"Success\") }",
      ])
    }
  }

  # AWS managed Config rules.
  config_rules = {
    cloudtrail-enabled                = "CLOUD_TRAIL_ENABLED"
    multi-region-cloudtrail-enabled   = "MULTI_REGION_CLOUD_TRAIL_ENABLED"
    cloudtrail-log-file-validation    = "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"
    cloudtrail-encryption-enabled     = "CLOUD_TRAIL_ENCRYPTION_ENABLED"
    root-account-mfa-enabled          = "ROOT_ACCOUNT_MFA_ENABLED"
    iam-root-access-key-check         = "IAM_ROOT_ACCESS_KEY_CHECK"
    s3-bucket-ssl-requests-only       = "S3_BUCKET_SSL_REQUESTS_ONLY"
    s3-bucket-public-read-prohibited  = "S3_BUCKET_PUBLIC_READ_PROHIBITED"
    s3-bucket-public-write-prohibited = "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"
    encrypted-volumes                 = "ENCRYPTED_VOLUMES"
  }
}

# ----------------------------------------------------------------------------
# Data sources
# ----------------------------------------------------------------------------

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# ----------------------------------------------------------------------------
# KMS key (trail log files, CloudWatch log group, alarm topic, Config)
# ----------------------------------------------------------------------------

resource "aws_kms_key" "audit" {
  description             = "${local.name_prefix} audit log encryption key"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "KeyAdministration"
        Effect    = "Allow"
        Principal = { AWS = local.root_arn }
        Action = [
          "kms:CancelKeyDeletion",
          "kms:CreateAlias",
          "kms:CreateGrant",
          "kms:DeleteAlias",
          "kms:DescribeKey",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:EnableKey",
          "kms:EnableKeyRotation",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListAliases",
          "kms:ListGrants",
          "kms:ListKeyPolicies",
          "kms:ListResourceTags",
          "kms:PutKeyPolicy",
          "kms:RevokeGrant",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ]
        Resource = "*"
      },
      {
        # Lets IAM policies grant key use, e.g. Decrypt to log readers and
        # GenerateDataKey to the AWS Config role.
        Sid       = "KeyUsageDelegatedToIam"
        Effect    = "Allow"
        Principal = { AWS = local.root_arn }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource = "*"
      },
      {
        Sid       = "CloudTrailEncryptLogFiles"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
          StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arns }
        }
      },
      {
        Sid       = "CloudTrailDescribeKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
        }
      },
      {
        Sid       = "CloudWatchLogsTrailLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.aws_region}.amazonaws.com" }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource = "*"
        Condition = {
          ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.trail_log_group_arn }
        }
      },
      {
        Sid       = "CloudWatchAlarmsToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      },
    ]
  })

  tags = merge(local.tags, { Name = "${local.name_prefix}-kms" })
}

resource "aws_kms_alias" "audit" {
  name          = "alias/${local.name_prefix}"
  target_key_id = aws_kms_key.audit.key_id
}

# ----------------------------------------------------------------------------
# S3 server access log bucket (log delivery only supports SSE-S3 here)
# ----------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  bucket = "${local.name_prefix}-s3-access-logs-${local.account_id}"
  tags   = merge(local.tags, { Name = "${local.name_prefix}-s3-access-logs" })
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "archive-and-expire-access-logs"
    status = "Enabled"

    filter {}

    transition {
      days          = var.trail_archive_after_days
      storage_class = "GLACIER"
    }

    expiration {
      days = 365
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3ServerAccessLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/${local.trail_s3_prefix}/*"
        Condition = {
          ArnLike      = { "aws:SourceArn" = aws_s3_bucket.trail.arn }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

# ----------------------------------------------------------------------------
# CloudTrail log bucket (also receives the AWS Config snapshots)
# ----------------------------------------------------------------------------

resource "aws_s3_bucket" "trail" {
  bucket = "${local.name_prefix}-cloudtrail-${local.account_id}"
  tags   = merge(local.tags, { Name = "${local.name_prefix}-cloudtrail" })
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.audit.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    id     = "archive-audit-logs"
    status = "Enabled"

    filter {}

    transition {
      days          = var.trail_archive_after_days
      storage_class = "GLACIER"
    }

    expiration {
      days = var.trail_expire_after_days
    }

    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "GLACIER"
    }

    noncurrent_version_expiration {
      noncurrent_days = 365
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_logging" "trail" {
  bucket        = aws_s3_bucket.trail.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${local.trail_s3_prefix}/"

  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.trail.arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource = join("/", [
          aws_s3_bucket.trail.arn, local.trail_s3_prefix, "AWSLogs", local.account_id, "*",
        ])
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"  = "bucket-owner-full-control"
            "aws:SourceArn" = local.trail_arn
          }
        }
      },
      {
        Sid       = "ConfigBucketCheck"
        Effect    = "Allow"
        Principal = { Service = "config.amazonaws.com" }
        Action    = ["s3:GetBucketAcl", "s3:ListBucket"]
        Resource  = aws_s3_bucket.trail.arn
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "ConfigWrite"
        Effect    = "Allow"
        Principal = { Service = "config.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource = join("/", [
          aws_s3_bucket.trail.arn, local.config_s3_prefix, "AWSLogs", local.account_id,
          "Config", "*",
        ])
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"      = "bucket-owner-full-control"
            "aws:SourceAccount" = local.account_id
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

# ----------------------------------------------------------------------------
# CloudTrail delivery to CloudWatch Logs
# ----------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.trail_log_group_name
  retention_in_days = var.trail_log_group_retention_days
  kms_key_id        = aws_kms_key.audit.arn
  tags              = local.tags
}

resource "aws_iam_role" "trail_to_cloudwatch" {
  name = "${local.name_prefix}-cloudtrail-to-cloudwatch"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "cloudtrail.amazonaws.com" }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy" "trail_to_cloudwatch" {
  name = "${local.name_prefix}-cloudtrail-to-cloudwatch"
  role = aws_iam_role.trail_to_cloudwatch.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteTrailLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.trail.arn}:log-stream:*"
    }]
  })
}

# ----------------------------------------------------------------------------
# CloudTrail
# ----------------------------------------------------------------------------

resource "aws_cloudtrail" "main" {
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail.id
  s3_key_prefix                 = local.trail_s3_prefix
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.audit.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail_to_cloudwatch.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = local.tags

  # CloudTrail checks bucket, key and log group access when the trail is
  # created, so the policies must exist first.
  depends_on = [
    aws_s3_bucket_policy.trail,
    aws_iam_role_policy.trail_to_cloudwatch,
  ]
}

# ----------------------------------------------------------------------------
# Security alarms
# ----------------------------------------------------------------------------

resource "aws_sns_topic" "security_alarms" {
  name              = "${local.name_prefix}-security-alarms"
  kms_master_key_id = aws_kms_key.audit.arn
  tags              = local.tags
}

resource "aws_sns_topic_policy" "security_alarms" {
  arn = aws_sns_topic.security_alarms.arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowCloudWatchAlarms"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.security_alarms.arn
      Condition = {
        ArnLike = {
          "aws:SourceArn" = join(":", [
            "arn", local.partition, "cloudwatch", var.aws_region, local.account_id,
            "alarm", "${local.name_prefix}-*",
          ])
        }
      }
    }]
  })
}

resource "aws_sns_topic_subscription" "security_alarms_email" {
  topic_arn = aws_sns_topic.security_alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_log_metric_filter" "security" {
  for_each = local.security_events

  name           = "${local.name_prefix}-${replace(each.key, "_", "-")}"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = each.value.pattern

  metric_transformation {
    name          = each.key
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "security" {
  for_each = local.security_events

  alarm_name          = "${local.name_prefix}-${replace(each.key, "_", "-")}"
  alarm_description   = "${each.value.description} (CloudTrail metric filter)"
  namespace           = local.metric_namespace
  metric_name         = each.key
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.security_alarms.arn]
  tags                = local.tags

  depends_on = [aws_cloudwatch_log_metric_filter.security]
}

# ----------------------------------------------------------------------------
# AWS Config
# ----------------------------------------------------------------------------

resource "aws_iam_role" "config" {
  name = "${local.name_prefix}-config"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "config.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "config" {
  role       = aws_iam_role.config.name
  policy_arn = "${local.aws_service_role_policy}/AWS_ConfigRole"
}

# Delivery of configuration snapshots and history to the audit bucket.
resource "aws_iam_role_policy" "config_delivery" {
  name = "${local.name_prefix}-config-delivery"
  role = aws_iam_role.config.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CheckBucket"
        Effect   = "Allow"
        Action   = "s3:GetBucketAcl"
        Resource = aws_s3_bucket.trail.arn
      },
      {
        Sid    = "WriteSnapshots"
        Effect = "Allow"
        Action = "s3:PutObject"
        Resource = join("/", [
          aws_s3_bucket.trail.arn, local.config_s3_prefix, "AWSLogs", local.account_id,
          "Config", "*",
        ])
        Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" } }
      },
      {
        Sid      = "EncryptSnapshots"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.audit.arn
      },
    ]
  })
}

resource "aws_config_configuration_recorder" "main" {
  name     = "${local.name_prefix}-recorder"
  role_arn = aws_iam_role.config.arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }

  depends_on = [aws_iam_role_policy_attachment.config]
}

resource "aws_config_delivery_channel" "main" {
  name           = "${local.name_prefix}-delivery"
  s3_bucket_name = aws_s3_bucket.trail.id
  s3_key_prefix  = local.config_s3_prefix
  s3_kms_key_arn = aws_kms_key.audit.arn

  snapshot_delivery_properties {
    delivery_frequency = "TwentyFour_Hours"
  }

  depends_on = [
    aws_config_configuration_recorder.main,
    aws_iam_role_policy.config_delivery,
    aws_s3_bucket_policy.trail,
  ]
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.main]
}

resource "aws_config_config_rule" "managed" {
  for_each = local.config_rules

  name        = "${local.name_prefix}-${each.key}"
  description = "AWS managed rule ${each.value}"

  source {
    owner             = "AWS"
    source_identifier = each.value
  }

  tags = local.tags

  depends_on = [aws_config_configuration_recorder.main]
}

# ----------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------

output "cloudtrail_arn" {
  description = "ARN of the multi-region trail."
  value       = aws_cloudtrail.main.arn
}

output "trail_bucket_name" {
  description = "S3 bucket holding the CloudTrail log files and AWS Config snapshots."
  value       = aws_s3_bucket.trail.id
}

output "access_log_bucket_name" {
  description = "S3 bucket receiving the server access logs of the trail bucket."
  value       = aws_s3_bucket.access_logs.id
}

output "trail_log_group_name" {
  description = "CloudWatch log group receiving the CloudTrail events."
  value       = aws_cloudwatch_log_group.trail.name
}

output "security_alarm_topic_arn" {
  description = "ARN of the SNS topic receiving the security alarms."
  value       = aws_sns_topic.security_alarms.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the audit logs."
  value       = aws_kms_key.audit.arn
}

output "config_recorder_name" {
  description = "Name of the AWS Config configuration recorder."
  value       = aws_config_configuration_recorder.main.name
}
