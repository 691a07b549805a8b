# Orders REST API: API Gateway (REST, v1) -> two Lambda functions -> DynamoDB.
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
  default     = "orders"
}

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "stage_name" {
  description = "Name of the API Gateway stage."
  type        = string
  default     = "v1"
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic."
  type        = string
  default     = "orders-oncall@example.com"
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group, in days."
  type        = number
  default     = 90
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
    Application        = "orders-api"
    ManagedBy          = "terraform"
    CostCenter         = "commerce"
    DataClassification = "confidential"
  }

  function_names = {
    create_order = "${local.name_prefix}-create-order"
    get_order    = "${local.name_prefix}-get-order"
  }

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  basic_execution_policy_arn = join("", [
    "arn:${local.partition}:iam::aws:policy/",
    "service-role/AWSLambdaBasicExecutionRole",
  ])
  apigw_cloudwatch_policy_arn = join("", [
    "arn:${local.partition}:iam::aws:policy/",
    "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
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
# KMS customer-managed key (table, secret, logs, queues, topic, trail)
# ----------------------------------------------------------------------------

resource "aws_kms_key" "main" {
  description             = "${local.name_prefix} orders API encryption key"
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
  name          = "alias/${local.name_prefix}-api"
  target_key_id = aws_kms_key.main.key_id
}

# ----------------------------------------------------------------------------
# DynamoDB: orders table
# ----------------------------------------------------------------------------

resource "aws_dynamodb_table" "orders" {
  name                        = "${local.name_prefix}-orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "order_id"
  deletion_protection_enabled = true

  attribute {
    name = "order_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-orders" })
}

# ----------------------------------------------------------------------------
# Payment-provider API key. Only the secret container is managed here: the
# value is put in by the payments team out of band, never through Terraform.
# ----------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "payment_provider" {
  name                    = "${local.name_prefix}/payment-provider-api-key"
  description             = "API key of the third-party payment provider"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
  tags                    = local.tags
}

# ----------------------------------------------------------------------------
# Lambda: shared dead-letter queue
# ----------------------------------------------------------------------------

resource "aws_sqs_queue" "lambda_dlq" {
  name                              = "${local.name_prefix}-lambda-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

# ----------------------------------------------------------------------------
# Lambda: create-order
# ----------------------------------------------------------------------------

resource "aws_iam_role" "create_order" {
  name = "${local.function_names.create_order}-role"
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

resource "aws_iam_role_policy_attachment" "create_order_basic" {
  role       = aws_iam_role.create_order.name
  policy_arn = local.basic_execution_policy_arn
}

resource "aws_iam_role_policy" "create_order" {
  name = "${local.function_names.create_order}-access"
  role = aws_iam_role.create_order.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOrders"
        Effect   = "Allow"
        Action   = "dynamodb:PutItem"
        Resource = aws_dynamodb_table.orders.arn
      },
      {
        Sid      = "ReadPaymentProviderKey"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = aws_secretsmanager_secret.payment_provider.arn
      },
      {
        Sid      = "UseKmsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.lambda_dlq.arn
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

resource "aws_cloudwatch_log_group" "create_order" {
  name              = "/aws/lambda/${local.function_names.create_order}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

data "archive_file" "create_order" {
  type        = "zip"
  output_path = "${path.module}/build/create_order.zip"

  source {
    filename = "lambda.py"
    content  = <<-PY
      import json
      import logging
      import os
      import time
      import uuid
      from decimal import Decimal

      import boto3

      LOGGER = logging.getLogger()
      LOGGER.setLevel(logging.INFO)

      TABLE = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])
      SECRETS = boto3.client("secretsmanager")
      PAYMENT_API_KEY_SECRET_ARN = os.environ["PAYMENT_API_KEY_SECRET_ARN"]
      _PAYMENT_API_KEY = None


      def _payment_api_key():
          """Read the provider key once per execution environment."""
          global _PAYMENT_API_KEY
          if _PAYMENT_API_KEY is None:
              secret = SECRETS.get_secret_value(SecretId=PAYMENT_API_KEY_SECRET_ARN)
              _PAYMENT_API_KEY = secret["SecretString"]
          return _PAYMENT_API_KEY


      def _json_default(value):
          if isinstance(value, Decimal):
              return int(value) if value == value.to_integral_value() else float(value)
          raise TypeError(f"cannot serialise {type(value).__name__}")


      def _response(status, body):
          return {
              "statusCode": status,
              "headers": {"Content-Type": "application/json"},
              "body": json.dumps(body, default=_json_default),
          }


      def handler(event, context):
          try:
              order = json.loads(event.get("body") or "{}", parse_float=Decimal)
          except json.JSONDecodeError:
              return _response(400, {"message": "request body must be JSON"})
          items = order.get("items")
          if not order.get("customer_id") or not isinstance(items, list) or not items:
              return _response(400, {"message": "customer_id and items are required"})
          if not _payment_api_key():
              return _response(503, {"message": "payment provider is not configured"})
          record = {
              "order_id": str(uuid.uuid4()),
              "customer_id": str(order["customer_id"]),
              "items": items,
              "status": "PENDING_PAYMENT",
              "created_at": int(time.time()),
          }
          TABLE.put_item(Item=record, ConditionExpression="attribute_not_exists(order_id)")
          LOGGER.info(json.dumps({
              "event": "order_created",
              "order_id": record["order_id"],
              "request_id": context.aws_request_id,
          }))
          return _response(201, record)
    PY
  }
}

resource "aws_lambda_function" "create_order" {
  function_name    = local.function_names.create_order
  description      = "Validates and stores new orders"
  role             = aws_iam_role.create_order.arn
  handler          = "lambda.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = data.archive_file.create_order.output_path
  source_code_hash = data.archive_file.create_order.output_base64sha256
  memory_size      = 256
  timeout          = 10
  kms_key_arn      = aws_kms_key.main.arn

  environment {
    variables = {
      ORDERS_TABLE_NAME          = aws_dynamodb_table.orders.name
      PAYMENT_API_KEY_SECRET_ARN = aws_secretsmanager_secret.payment_provider.arn
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.create_order,
    aws_iam_role_policy_attachment.create_order_basic,
    aws_iam_role_policy.create_order,
  ]
}

# ----------------------------------------------------------------------------
# Lambda: get-order
# ----------------------------------------------------------------------------

resource "aws_iam_role" "get_order" {
  name = "${local.function_names.get_order}-role"
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

resource "aws_iam_role_policy_attachment" "get_order_basic" {
  role       = aws_iam_role.get_order.name
  policy_arn = local.basic_execution_policy_arn
}

resource "aws_iam_role_policy" "get_order" {
  name = "${local.function_names.get_order}-access"
  role = aws_iam_role.get_order.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadOrders"
        Effect   = "Allow"
        Action   = "dynamodb:GetItem"
        Resource = aws_dynamodb_table.orders.arn
      },
      {
        Sid      = "UseKmsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.lambda_dlq.arn
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

resource "aws_cloudwatch_log_group" "get_order" {
  name              = "/aws/lambda/${local.function_names.get_order}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

data "archive_file" "get_order" {
  type        = "zip"
  output_path = "${path.module}/build/get_order.zip"

  source {
    filename = "lambda.py"
    content  = <<-PY
      import json
      import logging
      import os
      from decimal import Decimal

      import boto3

      LOGGER = logging.getLogger()
      LOGGER.setLevel(logging.INFO)

      TABLE = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])


      def _json_default(value):
          if isinstance(value, Decimal):
              return int(value) if value == value.to_integral_value() else float(value)
          raise TypeError(f"cannot serialise {type(value).__name__}")


      def _response(status, body):
          return {
              "statusCode": status,
              "headers": {"Content-Type": "application/json"},
              "body": json.dumps(body, default=_json_default),
          }


      def handler(event, context):
          order_id = (event.get("pathParameters") or {}).get("orderId")
          if not order_id:
              return _response(400, {"message": "orderId is required"})
          item = TABLE.get_item(Key={"order_id": order_id}).get("Item")
          if item is None:
              return _response(404, {"message": "order not found"})
          LOGGER.info(json.dumps({"event": "order_read", "order_id": order_id}))
          return _response(200, item)
    PY
  }
}

resource "aws_lambda_function" "get_order" {
  function_name    = local.function_names.get_order
  description      = "Returns a single order by its id"
  role             = aws_iam_role.get_order.arn
  handler          = "lambda.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = data.archive_file.get_order.output_path
  source_code_hash = data.archive_file.get_order.output_base64sha256
  memory_size      = 256
  timeout          = 10
  kms_key_arn      = aws_kms_key.main.arn

  environment {
    variables = {
      ORDERS_TABLE_NAME = aws_dynamodb_table.orders.name
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.get_order,
    aws_iam_role_policy_attachment.get_order_basic,
    aws_iam_role_policy.get_order,
  ]
}

# ----------------------------------------------------------------------------
# API Gateway account settings (CloudWatch role needed for stage logging)
# ----------------------------------------------------------------------------

resource "aws_iam_role" "apigw_cloudwatch" {
  name = "${local.name_prefix}-apigw-cloudwatch"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "apigateway.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "apigw_cloudwatch" {
  role       = aws_iam_role.apigw_cloudwatch.name
  policy_arn = local.apigw_cloudwatch_policy_arn
}

resource "aws_api_gateway_account" "main" {
  cloudwatch_role_arn = aws_iam_role.apigw_cloudwatch.arn
  depends_on          = [aws_iam_role_policy_attachment.apigw_cloudwatch]
}

# ----------------------------------------------------------------------------
# API Gateway REST API
# ----------------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "orders" {
  name        = "${local.name_prefix}-api"
  description = "Orders REST API"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = local.tags
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{orderId}"
}

resource "aws_api_gateway_request_validator" "orders" {
  name                        = "${local.name_prefix}-validator"
  rest_api_id                 = aws_api_gateway_rest_api.orders.id
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_model" "create_order" {
  rest_api_id  = aws_api_gateway_rest_api.orders.id
  name         = "CreateOrder"
  description  = "Body of POST /orders"
  content_type = "application/json"

  schema = jsonencode({
    "$schema" = "http://json-schema.org/draft-04/schema#"
    title     = "CreateOrder"
    type      = "object"
    required  = ["customer_id", "items"]
    properties = {
      customer_id = { type = "string", minLength = 1 }
      items = {
        type     = "array"
        minItems = 1
        items = {
          type     = "object"
          required = ["sku", "quantity"]
          properties = {
            sku      = { type = "string", minLength = 1 }
            quantity = { type = "integer", minimum = 1 }
          }
        }
      }
    }
  })
}

resource "aws_api_gateway_method" "create_order" {
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  resource_id          = aws_api_gateway_resource.orders.id
  http_method          = "POST"
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.orders.id
  request_models       = { "application/json" = aws_api_gateway_model.create_order.name }
}

resource "aws_api_gateway_integration" "create_order" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.create_order.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.create_order.invoke_arn
}

resource "aws_api_gateway_method" "get_order" {
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  resource_id          = aws_api_gateway_resource.order.id
  http_method          = "GET"
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.orders.id
  request_parameters   = { "method.request.path.orderId" = true }
}

resource "aws_api_gateway_integration" "get_order" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.order.id
  http_method             = aws_api_gateway_method.get_order.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.get_order.invoke_arn
}

resource "aws_lambda_permission" "create_order" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.create_order.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.orders.execution_arn}/*/POST/orders"
}

resource "aws_lambda_permission" "get_order" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.get_order.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.orders.execution_arn}/*/GET/orders/*"
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  description = "Orders API deployment"

  # A new deployment whenever a resource, method or integration changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.orders.id,
      aws_api_gateway_resource.order.id,
      aws_api_gateway_request_validator.orders.id,
      aws_api_gateway_model.create_order.schema,
      aws_api_gateway_method.create_order.id,
      aws_api_gateway_method.get_order.id,
      aws_api_gateway_integration.create_order.id,
      aws_api_gateway_integration.get_order.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_method.create_order,
    aws_api_gateway_method.get_order,
    aws_api_gateway_integration.create_order,
    aws_api_gateway_integration.get_order,
  ]
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${local.name_prefix}-api/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

# Execution log group API Gateway would otherwise create without retention.
resource "aws_cloudwatch_log_group" "api_execution" {
  name = join("/", [
    "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.orders.id}",
    var.stage_name,
  ])
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_api_gateway_stage" "main" {
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  deployment_id        = aws_api_gateway_deployment.orders.id
  stage_name           = var.stage_name
  description          = "Orders API ${var.stage_name} stage"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integrationStatus"
      sourceIp           = "$context.identity.sourceIp"
      caller             = "$context.identity.caller"
      userArn            = "$context.identity.userArn"
      errorMessage       = "$context.error.message"
    })
  }

  tags = local.tags

  depends_on = [
    aws_api_gateway_account.main,
    aws_cloudwatch_log_group.api_execution,
  ]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  stage_name  = aws_api_gateway_stage.main.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false
    throttling_burst_limit = 200
    throttling_rate_limit  = 100
  }
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

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name        = "${local.name_prefix}-api-5xx"
  alarm_description = "The orders API is returning 5xx responses"
  namespace         = "AWS/ApiGateway"
  metric_name       = "5XXError"
  dimensions = {
    ApiName = aws_api_gateway_rest_api.orders.name
    Stage   = aws_api_gateway_stage.main.stage_name
  }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name        = "${local.name_prefix}-api-latency-p99"
  alarm_description = "p99 latency of the orders API is above 2 seconds"
  namespace         = "AWS/ApiGateway"
  metric_name       = "Latency"
  dimensions = {
    ApiName = aws_api_gateway_rest_api.orders.name
    Stage   = aws_api_gateway_stage.main.stage_name
  }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  threshold           = 2000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = {
    create_order = aws_lambda_function.create_order.function_name
    get_order    = aws_lambda_function.get_order.function_name
  }

  alarm_name          = "${each.value}-errors"
  alarm_description   = "Lambda ${each.value} is failing"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
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
  for_each = {
    create_order = aws_lambda_function.create_order.function_name
    get_order    = aws_lambda_function.get_order.function_name
  }

  alarm_name          = "${each.value}-throttles"
  alarm_description   = "Lambda ${each.value} is being throttled"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
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
  for_each = toset(["PutItem", "GetItem"])

  alarm_name        = "${local.name_prefix}-orders-table-${lower(each.key)}-throttled"
  alarm_description = "DynamoDB is throttling ${each.key} requests on the orders table"
  namespace         = "AWS/DynamoDB"
  metric_name       = "ThrottledRequests"
  dimensions = {
    TableName = aws_dynamodb_table.orders.name
    Operation = each.key
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

resource "aws_cloudwatch_metric_alarm" "dlq_messages" {
  alarm_name          = "${local.name_prefix}-lambda-dlq-not-empty"
  alarm_description   = "Failed Lambda invocations are waiting in the dead-letter queue"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.lambda_dlq.name }
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

# ----------------------------------------------------------------------------
# CloudTrail (audit trail for the account's API activity)
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
  }

  tags       = local.tags
  depends_on = [aws_s3_bucket_policy.cloudtrail]
}

# ----------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------

output "api_invoke_url" {
  description = "Base URL of the orders API stage (requests must be SigV4-signed)."
  value       = aws_api_gateway_stage.main.invoke_url
}

output "orders_table_name" {
  description = "Name of the DynamoDB orders table."
  value       = aws_dynamodb_table.orders.name
}

output "payment_provider_secret_arn" {
  description = "ARN of the secret that must receive the payment-provider API key."
  value       = aws_secretsmanager_secret.payment_provider.arn
}

output "lambda_function_names" {
  description = "Names of the order Lambda functions."
  value = {
    create_order = aws_lambda_function.create_order.function_name
    get_order    = aws_lambda_function.get_order.function_name
  }
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic receiving CloudWatch alarms."
  value       = aws_sns_topic.alarms.arn
}
