# Ingestion pipeline: S3 landing bucket -> SQS (with DLQ) -> Lambda ->
# DynamoDB records table + processed-output bucket, audited by CloudTrail.
# Single-file Terraform configuration; the Lambda code is inlined below.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

# ----------------------------------------------------------------------------
# Variables
# ----------------------------------------------------------------------------

variable "project" {
  description = "Project name used as a prefix for resource names."
  type        = string
  default     = "ingest"
}

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "landing_prefix" {
  description = "Key prefix in the landing bucket that triggers processing."
  type        = string
  default     = "incoming/"
}

variable "lambda_memory_mb" {
  description = "Memory of the processing function in MB."
  type        = number
  default     = 512
}

variable "batch_size" {
  description = "Maximum number of queue messages handed to one invocation."
  type        = number
  default     = 10
}

variable "max_concurrency" {
  description = "Upper limit of concurrent invocations the queue trigger starts."
  type        = number
  default     = 10
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group, in days."
  type        = number
  default     = 90
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic."
  type        = string
  default     = "data-oncall@example.com"
}

# ----------------------------------------------------------------------------
# Provider
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
  name_prefix = var.project

  tags = {
    Project            = var.project
    Application        = "ingestion-pipeline"
    ManagedBy          = "terraform"
    CostCenter         = "data-platform"
    DataClassification = "confidential"
  }

  function_name    = "${local.name_prefix}-processor"
  lambda_timeout   = 60
  processed_prefix = "processed/"

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  # Names are fixed up front so policies can name the buckets without
  # depending on them.
  landing_bucket_name = "${local.name_prefix}-landing-${local.account_id}"
  landing_bucket_arn  = "arn:${local.partition}:s3:::${local.landing_bucket_name}"

  basic_execution_policy_arn = join("", [
    "arn:${local.partition}:iam::aws:policy/",
    "service-role/AWSLambdaBasicExecutionRole",
  ])

  # Log groups of this account and region (KMS key policy condition).
  log_group_arns = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"

  # Built from its parts so the bucket policy does not depend on the trail.
  trail_name = "${local.name_prefix}-trail"
  trail_arns = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"
  trail_arn = join(":", [
    "arn", local.partition, "cloudtrail", var.aws_region, local.account_id,
    "trail/${local.trail_name}",
  ])
}

# ----------------------------------------------------------------------------
# Data sources
# ----------------------------------------------------------------------------

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# ----------------------------------------------------------------------------
# KMS customer-managed key (buckets, queues, table, logs, topic, trail)
# ----------------------------------------------------------------------------

resource "aws_kms_key" "main" {
  description             = "${local.name_prefix} ingestion pipeline encryption key"
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
        Sid       = "KeyUsageDelegatedToIam"
        Effect    = "Allow"
        Principal = { AWS = local.root_arn }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource = "*"
      },
      {
        Sid       = "S3EventNotificationsToEncryptedQueue"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.landing_bucket_arn }
        }
      },
      {
        Sid       = "CloudWatchLogs"
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
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = local.log_group_arns
          }
        }
      },
      {
        Sid       = "CloudTrailEncrypt"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey"
        Resource  = "*"
        Condition = {
          StringLike = {
            "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arns
          }
        }
      },
      {
        Sid       = "CloudTrailDescribe"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchAlarmsToEncryptedSns"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      },
    ]
  })

  tags = merge(local.tags, { Name = "${local.name_prefix}-kms" })
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name_prefix}-pipeline"
  target_key_id = aws_kms_key.main.key_id
}

# ----------------------------------------------------------------------------
# Landing bucket (producers upload here)
# ----------------------------------------------------------------------------

resource "aws_s3_bucket" "landing" {
  bucket = local.landing_bucket_name
  tags   = merge(local.tags, { Name = "${local.name_prefix}-landing" })
}

resource "aws_s3_bucket_ownership_controls" "landing" {
  bucket = aws_s3_bucket.landing.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "landing" {
  bucket                  = aws_s3_bucket.landing.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "landing" {
  bucket = aws_s3_bucket.landing.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "landing" {
  bucket = aws_s3_bucket.landing.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "landing" {
  bucket = aws_s3_bucket.landing.id

  rule {
    id     = "archive-landed-files"
    status = "Enabled"

    filter {}

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
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

  depends_on = [aws_s3_bucket_versioning.landing]
}

resource "aws_s3_bucket_policy" "landing" {
  bucket = aws_s3_bucket.landing.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.landing.arn, "${aws_s3_bucket.landing.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.landing]
}

# ----------------------------------------------------------------------------
# Processed-output bucket (written by the Lambda function)
# ----------------------------------------------------------------------------

resource "aws_s3_bucket" "processed" {
  bucket = "${local.name_prefix}-processed-${local.account_id}"
  tags   = merge(local.tags, { Name = "${local.name_prefix}-processed" })
}

resource "aws_s3_bucket_ownership_controls" "processed" {
  bucket = aws_s3_bucket.processed.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "processed" {
  bucket                  = aws_s3_bucket.processed.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "processed" {
  bucket = aws_s3_bucket.processed.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "processed" {
  bucket = aws_s3_bucket.processed.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "processed" {
  bucket = aws_s3_bucket.processed.id

  rule {
    id     = "tier-processed-output"
    status = "Enabled"

    filter {}

    transition {
      days          = 90
      storage_class = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.processed]
}

resource "aws_s3_bucket_policy" "processed" {
  bucket = aws_s3_bucket.processed.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.processed.arn, "${aws_s3_bucket.processed.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.processed]
}

# ----------------------------------------------------------------------------
# SQS: ingest queue with a dead-letter queue
# ----------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                              = "${local.name_prefix}-ingest-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_sqs_queue" "ingest" {
  name                              = "${local.name_prefix}-ingest"
  visibility_timeout_seconds        = local.lambda_timeout * 6
  message_retention_seconds         = 345600
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })

  tags = local.tags
}

resource "aws_sqs_queue_policy" "ingest" {
  queue_url = aws_sqs_queue.ingest.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowLandingBucketNotifications"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.ingest.arn
        Condition = {
          ArnEquals    = { "aws:SourceArn" = aws_s3_bucket.landing.arn }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })
}

# S3 checks that it may send to the queue when the notification is saved,
# so the queue policy has to exist first.
resource "aws_s3_bucket_notification" "landing" {
  bucket = aws_s3_bucket.landing.id

  queue {
    id            = "new-landing-objects"
    queue_arn     = aws_sqs_queue.ingest.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.landing_prefix
  }

  depends_on = [aws_sqs_queue_policy.ingest]
}

# ----------------------------------------------------------------------------
# DynamoDB: records table
# ----------------------------------------------------------------------------

resource "aws_dynamodb_table" "records" {
  name                        = "${local.name_prefix}-records"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "record_id"
  deletion_protection_enabled = true

  attribute {
    name = "record_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-records" })
}

# ----------------------------------------------------------------------------
# Lambda: queue consumer (not in a VPC)
# ----------------------------------------------------------------------------

resource "aws_iam_role" "processor" {
  name = "${local.function_name}-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "processor_basic" {
  role       = aws_iam_role.processor.name
  policy_arn = local.basic_execution_policy_arn
}

resource "aws_iam_role_policy" "processor" {
  name = "${local.function_name}-access"
  role = aws_iam_role.processor.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ConsumeIngestQueue"
        Effect = "Allow"
        Action = [
          "sqs:ChangeMessageVisibility",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:ReceiveMessage",
        ]
        Resource = aws_sqs_queue.ingest.arn
      },
      {
        Sid      = "ReadLandingObjects"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${aws_s3_bucket.landing.arn}/${var.landing_prefix}*"
      },
      {
        Sid      = "WriteProcessedObjects"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.processed.arn}/${local.processed_prefix}*"
      },
      {
        Sid      = "WriteRecords"
        Effect   = "Allow"
        Action   = ["dynamodb:BatchWriteItem", "dynamodb:PutItem"]
        Resource = aws_dynamodb_table.records.arn
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.dlq.arn
      },
      {
        Sid      = "UseKmsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
      },
      {
        # X-Ray trace APIs do not support resource-level permissions.
        Sid      = "XRayTracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "processor" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

data "archive_file" "processor" {
  type        = "zip"
  output_path = "${path.module}/build/processor.zip"

  source {
    filename = "lambda.py"
    content  = <<-PY
      import json
      import logging
      import os
      import urllib.parse
      from decimal import Decimal

      import boto3

      LOGGER = logging.getLogger()
      LOGGER.setLevel(logging.INFO)

      S3 = boto3.client("s3")
      TABLE = boto3.resource("dynamodb").Table(os.environ["RECORDS_TABLE_NAME"])
      PROCESSED_BUCKET = os.environ["PROCESSED_BUCKET_NAME"]
      PROCESSED_PREFIX = os.environ["PROCESSED_PREFIX"]


      def _json_default(value):
          if isinstance(value, Decimal):
              return int(value) if value == value.to_integral_value() else float(value)
          raise TypeError(f"cannot serialise {type(value).__name__}")


      def _objects(body):
          """(bucket, key) of every created object in an S3 notification."""
          notification = json.loads(body)
          for record in notification.get("Records", []):  # s3:TestEvent has none
              if not record.get("eventName", "").startswith("ObjectCreated:"):
                  continue
              bucket = record["s3"]["bucket"]["name"]
              key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
              yield bucket, key


      def _process_object(bucket, key):
          """Store each JSON line as a record and write the normalised file."""
          body = S3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
          output = []
          with TABLE.batch_writer(overwrite_by_pkeys=["record_id"]) as batch:
              for number, line in enumerate(body.splitlines(), start=1):
                  if not line.strip():
                      continue
                  payload = json.loads(line, parse_float=Decimal)
                  record = {
                      "record_id": str(payload.get("id") or f"{key}#{number}"),
                      "source_bucket": bucket,
                      "source_key": key,
                      "line": number,
                      "payload": payload,
                  }
                  batch.put_item(Item=record)
                  output.append(json.dumps(record, default=_json_default))
          S3.put_object(
              Bucket=PROCESSED_BUCKET,
              Key=f"{PROCESSED_PREFIX}{key}",
              Body="\n".join(output).encode("utf-8"),
              ContentType="application/x-ndjson",
          )
          return len(output)


      def handler(event, context):
          failures = []
          for message in event.get("Records", []):
              try:
                  for bucket, key in _objects(message["body"]):
                      count = _process_object(bucket, key)
                      LOGGER.info(json.dumps({"object": key, "records": count}))
              except Exception:
                  LOGGER.exception("message %s failed", message["messageId"])
                  failures.append({"itemIdentifier": message["messageId"]})
          return {"batchItemFailures": failures}
    PY
  }
}

resource "aws_lambda_function" "processor" {
  function_name    = local.function_name
  description      = "Loads landed files into DynamoDB and the processed bucket"
  role             = aws_iam_role.processor.arn
  handler          = "lambda.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = data.archive_file.processor.output_path
  source_code_hash = data.archive_file.processor.output_base64sha256
  memory_size      = var.lambda_memory_mb
  timeout          = local.lambda_timeout
  kms_key_arn      = aws_kms_key.main.arn

  environment {
    variables = {
      RECORDS_TABLE_NAME    = aws_dynamodb_table.records.name
      PROCESSED_BUCKET_NAME = aws_s3_bucket.processed.bucket
      PROCESSED_PREFIX      = local.processed_prefix
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.processor,
    aws_iam_role_policy_attachment.processor_basic,
    aws_iam_role_policy.processor,
  ]
}

resource "aws_lambda_event_source_mapping" "ingest" {
  event_source_arn                   = aws_sqs_queue.ingest.arn
  function_name                      = aws_lambda_function.processor.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = 5
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = true

  scaling_config {
    maximum_concurrency = var.max_concurrency
  }

  tags = local.tags
}

# ----------------------------------------------------------------------------
# Alerting
# ----------------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${local.name_prefix}-alarms"
  kms_master_key_id = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_sns_topic_subscription" "alarms_email" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "dlq_messages" {
  alarm_name          = "${local.name_prefix}-ingest-dlq-not-empty"
  alarm_description   = "Landing notifications failed repeatedly and wait in the dead-letter queue"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  alarm_name          = "${local.name_prefix}-ingest-queue-backlog"
  alarm_description   = "The oldest landing notification has waited more than 15 minutes"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.ingest.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 900
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The processing function is failing"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.processor.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  alarm_name          = "${local.function_name}-throttles"
  alarm_description   = "The processing function is being throttled"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.processor.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  alarm_name        = "${local.name_prefix}-records-table-throttled"
  alarm_description = "DynamoDB is throttling writes to the records table"
  namespace         = "AWS/DynamoDB"
  metric_name       = "ThrottledRequests"
  dimensions = {
    TableName = aws_dynamodb_table.records.name
    Operation = "BatchWriteItem"
  }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

# ----------------------------------------------------------------------------
# CloudTrail: management events plus data events of the landing bucket
# ----------------------------------------------------------------------------

resource "aws_s3_bucket" "cloudtrail" {
  bucket = "${local.name_prefix}-cloudtrail-${local.account_id}"
  tags   = merge(local.tags, { Name = "${local.name_prefix}-cloudtrail" })
}

resource "aws_s3_bucket_versioning" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "cloudtrail" {
  bucket                  = aws_s3_bucket.cloudtrail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  rule {
    id     = "archive-trail-logs"
    status = "Enabled"

    filter {}

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    expiration {
      days = 2555
    }

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.cloudtrail]
}

resource "aws_s3_bucket_policy" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSCloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.cloudtrail.arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        Sid       = "AWSCloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.cloudtrail.arn}/AWSLogs/${local.account_id}/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"  = "bucket-owner-full-control"
            "aws:SourceArn" = local.trail_arn
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.cloudtrail.arn, "${aws_s3_bucket.cloudtrail.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.cloudtrail]
}

resource "aws_cloudtrail" "main" {
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.cloudtrail.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.main.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.landing.arn}/"]
    }
  }

  tags       = local.tags
  depends_on = [aws_s3_bucket_policy.cloudtrail]
}

# ----------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------

output "landing_bucket_name" {
  description = "Bucket producers upload to (under landing_prefix)."
  value       = aws_s3_bucket.landing.bucket
}

output "processed_bucket_name" {
  description = "Bucket receiving the processed output."
  value       = aws_s3_bucket.processed.bucket
}

output "ingest_queue_url" {
  description = "URL of the ingest queue."
  value       = aws_sqs_queue.ingest.id
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.id
}

output "records_table_name" {
  description = "Name of the DynamoDB records table."
  value       = aws_dynamodb_table.records.name
}

output "processor_function_name" {
  description = "Name of the processing Lambda function."
  value       = aws_lambda_function.processor.function_name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic receiving CloudWatch alarms."
  value       = aws_sns_topic.alarms.arn
}
