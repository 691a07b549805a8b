# RDS PostgreSQL 16 with rotated master credentials: single-file Terraform
# configuration. The master credentials live in Secrets Manager and a rotation
# Lambda changes them every 30 days; applications reach the database through
# an RDS Proxy that reads the same secret.
#
# A custom rotation function is used instead of manage_master_user_password
# because RDS cannot create a read replica of an instance whose master
# password it manages, and the replica (with its lag alarm) is required.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
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
  description = "Primary AWS region."
  type        = string
  default     = "us-east-1"
}

variable "dr_region" {
  description = "Region receiving the replicated automated backups."
  type        = string
  default     = "us-west-2"
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the database VPC."
  type        = string
  default     = "10.50.0.0/16"
}

variable "db_instance_class" {
  description = "Instance class of the primary and the read replica."
  type        = string
  default     = "db.r6g.large"
}

variable "db_allocated_storage" {
  description = "Initial storage of the primary in GiB."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 500
}

variable "db_backup_retention_days" {
  description = "Automated backup retention, in the primary and the DR region."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "Backup retention must be between 7 and 35 days."
  }
}

variable "secret_rotation_days" {
  description = "Days between automatic rotations of the master credentials."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
  default     = 90
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic."
  type        = string
  default     = "dba-oncall@example.com"
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

provider "aws" {
  alias  = "dr"
  region = var.dr_region

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
    Component          = "postgres"
    ManagedBy          = "terraform"
    CostCenter         = "data"
    DataClassification = "confidential"
  }

  az_count = 2
  azs      = slice(data.aws_availability_zones.available.names, 0, local.az_count)

  db_port            = 5432
  db_name            = "orders"
  db_username        = "orders_admin"
  db_identifier      = "${local.name_prefix}-postgres"
  replica_identifier = "${local.name_prefix}-postgres-replica"

  lambda_names = {
    rotation = "${local.name_prefix}-db-secret-rotation"
    consumer = "${local.name_prefix}-db-consumer"
  }

  # Log groups are created up front so that each has a retention period and
  # the KMS key; RDS and Lambda write into them.
  rds_log_exports = ["postgresql", "upgrade"]
  db_instances    = [local.db_identifier, local.replica_identifier]
  rds_log_group_names = [
    for pair in setproduct(local.db_instances, local.rds_log_exports) :
    "/aws/rds/instance/${pair[0]}/${pair[1]}"
  ]
  flow_log_group_name = "/aws/vpc-flow-logs/${local.name_prefix}"
  log_group_names = concat(
    local.rds_log_group_names,
    [for name in values(local.lambda_names) : "/aws/lambda/${name}"],
    [local.flow_log_group_name],
  )

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  log_group_arn_prefix = join(":", [
    "arn", local.partition, "logs", var.aws_region, local.account_id, "log-group",
  ])
  aws_service_role_policy = "arn:${local.partition}:iam::aws:policy/service-role"

  # Alarm when less than 10% of the allocated storage is free (bytes).
  db_free_storage_threshold = var.db_allocated_storage * 1073741824 / 10

  # Key policy statements shared by the primary and the DR key: the account
  # root gets explicitly listed administrative actions (no wildcards) and
  # delegates key usage to IAM policies.
  kms_root_statements = [
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
  ]

  # PostgreSQL wire-protocol client shared by both functions (the Lambda
  # Python runtime ships no PostgreSQL driver).
  pgwire_py = <<-PY
    """Minimal PostgreSQL client: TLS, SCRAM-SHA-256 or MD5 login, simple queries.

    The Lambda Python runtime ships no PostgreSQL driver, so this covers the few
    protocol messages the functions need.
    """

    import base64
    import hashlib
    import hmac
    import secrets
    import socket
    import ssl
    import struct

    SSL_REQUEST = struct.pack("!ii", 8, 80877103)
    PROTOCOL_VERSION = 196608


    class PgError(Exception):
        """An error reported by the server or a broken protocol exchange."""


    def _b64(data):
        return base64.b64encode(data).decode()


    def _hmac(key, message):
        return hmac.new(key, message, hashlib.sha256).digest()


    def _scram_keys(password, salt, iterations):
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
        client_key = _hmac(salted, b"Client Key")
        return client_key, hashlib.sha256(client_key).digest(), _hmac(salted, b"Server Key")


    def scram_verifier(password, iterations=4096):
        """The SCRAM-SHA-256 verifier PostgreSQL stores, so no plain password is sent."""
        salt = secrets.token_bytes(16)
        _, stored_key, server_key = _scram_keys(password, salt, iterations)
        return "SCRAM-SHA-256$" + str(iterations) + ":" + _b64(salt) + "$" + ":".join(
            [_b64(stored_key), _b64(server_key)]
        )


    def quote_ident(name):
        return '"' + name.replace('"', '""') + '"'


    def quote_literal(value):
        return "'" + value.replace("'", "''") + "'"


    class Connection:
        """One TLS connection; verify=False encrypts without checking the certificate."""

        def __init__(self, host, port, user, password, dbname, verify=True, timeout=10):
            raw = socket.create_connection((host, int(port)), timeout=timeout)
            try:
                raw.sendall(SSL_REQUEST)
                if raw.recv(1) != b"S":
                    raise PgError("the server does not accept TLS")
                context = ssl.create_default_context()
                if not verify:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                self.sock = context.wrap_socket(raw, server_hostname=host)
            except Exception:
                raw.close()
                raise
            self.buffer = b""
            try:
                self._login(user, password, dbname)
            except Exception:
                self.sock.close()
                raise

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

        def close(self):
            try:
                self._send(b"X", b"")
            finally:
                self.sock.close()

        def _send(self, kind, payload):
            self.sock.sendall(kind + struct.pack("!i", len(payload) + 4) + payload)

        def _exact(self, size):
            while len(self.buffer) < size:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise PgError("the server closed the connection")
                self.buffer += chunk
            data, self.buffer = self.buffer[:size], self.buffer[size:]
            return data

        def _receive(self):
            header = self._exact(5)
            kind, size = header[:1], struct.unpack("!i", header[1:])[0]
            data = self._exact(size - 4)
            if kind == b"E":
                fields = dict(
                    (item[:1].decode(), item[1:].decode(errors="replace"))
                    for item in data.split(b"\0")
                    if item
                )
                raise PgError(fields.get("C", "") + " " + fields.get("M", "unknown error"))
            return kind, data

        def _login(self, user, password, dbname):
            params = b""
            settings = {"user": user, "database": dbname, "client_encoding": "UTF8"}
            for key, value in settings.items():
                params += key.encode() + b"\0" + value.encode() + b"\0"
            body = struct.pack("!i", PROTOCOL_VERSION) + params + b"\0"
            self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
            while True:
                kind, data = self._receive()
                if kind == b"Z":
                    return
                if kind != b"R":
                    continue
                code = struct.unpack("!i", data[:4])[0]
                if code == 0:
                    continue
                if code == 10:
                    self._scram(data[4:], password)
                elif code == 5:
                    inner = hashlib.md5((password + user).encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + data[4:8]).hexdigest()
                    self._send(b"p", b"md5" + outer.encode() + b"\0")
                elif code == 3:
                    self._send(b"p", password.encode() + b"\0")
                else:
                    raise PgError("unsupported authentication method " + str(code))

        def _scram(self, mechanisms, password):
            if b"SCRAM-SHA-256" not in mechanisms.split(b"\0"):
                raise PgError("the server offers no SCRAM-SHA-256")
            client_nonce = _b64(secrets.token_bytes(18))
            first_bare = "n=,r=" + client_nonce
            first = ("n,," + first_bare).encode()
            self._send(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)
            kind, data = self._receive()
            if kind != b"R" or struct.unpack("!i", data[:4])[0] != 11:
                raise PgError("unexpected reply to the SCRAM client-first message")
            server_first = data[4:].decode()
            attrs = dict(item.split("=", 1) for item in server_first.split(","))
            nonce = attrs["r"]
            if not nonce.startswith(client_nonce):
                raise PgError("the server returned a foreign SCRAM nonce")
            client_key, stored_key, server_key = _scram_keys(
                password, base64.b64decode(attrs["s"]), int(attrs["i"])
            )
            final_bare = "c=biws,r=" + nonce
            auth_message = ",".join([first_bare, server_first, final_bare]).encode()
            proof = bytes(a ^ b for a, b in zip(client_key, _hmac(stored_key, auth_message)))
            self._send(b"p", (final_bare + ",p=" + _b64(proof)).encode())
            kind, data = self._receive()
            if kind != b"R" or struct.unpack("!i", data[:4])[0] != 12:
                raise PgError("unexpected reply to the SCRAM client-final message")
            expected = "v=" + _b64(_hmac(server_key, auth_message))
            if not hmac.compare_digest(data[4:].decode(), expected):
                raise PgError("the server failed SCRAM authentication")

        def query(self, sql):
            """Run one simple query and return its rows as lists of strings."""
            self._send(b"Q", sql.encode() + b"\0")
            rows, error = [], None
            while True:
                try:
                    kind, data = self._receive()
                except PgError as exc:
                    error = exc
                    continue
                if kind == b"D":
                    row, pos = [], 2
                    for _ in range(struct.unpack("!h", data[:2])[0]):
                        size = struct.unpack("!i", data[pos : pos + 4])[0]
                        pos += 4
                        if size < 0:
                            row.append(None)
                        else:
                            row.append(data[pos : pos + size].decode())
                            pos += size
                    rows.append(row)
                elif kind == b"Z":
                    if error:
                        raise error
                    return rows
  PY
}

# ----------------------------------------------------------------------------
# Data sources
# ----------------------------------------------------------------------------

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

# ----------------------------------------------------------------------------
# KMS
# ----------------------------------------------------------------------------

resource "aws_kms_key" "main" {
  description             = "${local.name_prefix} database, secret and log encryption key"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.kms_root_statements, [
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
          ArnEquals = {
            "kms:EncryptionContext:aws:logs:arn" = [
              for name in local.log_group_names : "${local.log_group_arn_prefix}:${name}"
            ]
          }
        }
      },
      {
        Sid       = "CloudWatchAlarmsToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      },
    ])
  })

  tags = merge(local.tags, { Name = "${local.name_prefix}-kms" })
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name_prefix}-postgres"
  target_key_id = aws_kms_key.main.key_id
}

resource "aws_kms_key" "dr" {
  provider = aws.dr

  description             = "${local.name_prefix} key for replicated RDS backups"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.kms_root_statements
  })

  tags = merge(local.tags, { Name = "${local.name_prefix}-kms-dr" })
}

resource "aws_kms_alias" "dr" {
  provider = aws.dr

  name          = "alias/${local.name_prefix}-postgres-dr"
  target_key_id = aws_kms_key.dr.key_id
}

# ----------------------------------------------------------------------------
# Networking: a private-only VPC (no internet gateway, no NAT)
# ----------------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = "${local.name_prefix}-vpc" })
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name_prefix}-default-deny" })
}

resource "aws_subnet" "private" {
  count = local.az_count

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 10)
  availability_zone = local.azs[count.index]

  tags = merge(local.tags, {
    Name = "${local.name_prefix}-private-${local.azs[count.index]}"
    Tier = "private"
  })
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "${local.name_prefix}-private" })
}

resource "aws_route_table_association" "private" {
  count = local.az_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = local.flow_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_iam_role" "flow_logs" {
  name = "${local.name_prefix}-vpc-flow-logs"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "${local.name_prefix}-vpc-flow-logs"
  role = aws_iam_role.flow_logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
      Resource = [
        aws_cloudwatch_log_group.flow_logs.arn,
        "${aws_cloudwatch_log_group.flow_logs.arn}:*",
      ]
    }]
  })
}

resource "aws_flow_log" "vpc" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-flow-logs" })

  depends_on = [aws_iam_role_policy.flow_logs]
}

# ----------------------------------------------------------------------------
# Security groups (every rule is a standalone resource: no reference cycles)
# ----------------------------------------------------------------------------

resource "aws_security_group" "db" {
  name        = "${local.name_prefix}-db"
  description = "PostgreSQL primary and read replica"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-db" })
}

resource "aws_security_group" "db_proxy" {
  name        = "${local.name_prefix}-db-proxy"
  description = "RDS Proxy in front of the primary"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-db-proxy" })
}

resource "aws_security_group" "consumer" {
  name        = "${local.name_prefix}-db-consumer"
  description = "Consumer Lambda function (no inbound traffic)"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-db-consumer" })
}

resource "aws_security_group" "rotation" {
  name        = "${local.name_prefix}-db-secret-rotation"
  description = "Secret rotation Lambda function (no inbound traffic)"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-db-secret-rotation" })
}

resource "aws_security_group" "secretsmanager_endpoint" {
  name        = "${local.name_prefix}-secretsmanager-endpoint"
  description = "Secrets Manager interface endpoint"
  vpc_id      = aws_vpc.main.id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-secretsmanager-endpoint" })
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.db_proxy.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "db_from_rotation" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the secret rotation function"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.rotation.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_consumer" {
  security_group_id            = aws_security_group.db_proxy.id
  description                  = "PostgreSQL from the consumer function"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.consumer.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_db" {
  security_group_id            = aws_security_group.db_proxy.id
  description                  = "PostgreSQL to the primary"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.db.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_secretsmanager" {
  security_group_id            = aws_security_group.db_proxy.id
  description                  = "HTTPS to the Secrets Manager endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.secretsmanager_endpoint.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "consumer_to_proxy" {
  security_group_id            = aws_security_group.consumer.id
  description                  = "PostgreSQL to the RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.db_proxy.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "consumer_to_secretsmanager" {
  security_group_id            = aws_security_group.consumer.id
  description                  = "HTTPS to the Secrets Manager endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.secretsmanager_endpoint.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_db" {
  security_group_id            = aws_security_group.rotation.id
  description                  = "PostgreSQL to the primary"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.db.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_secretsmanager" {
  security_group_id            = aws_security_group.rotation.id
  description                  = "HTTPS to the Secrets Manager endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.secretsmanager_endpoint.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "secretsmanager_from_consumer" {
  security_group_id            = aws_security_group.secretsmanager_endpoint.id
  description                  = "HTTPS from the consumer function"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.consumer.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "secretsmanager_from_rotation" {
  security_group_id            = aws_security_group.secretsmanager_endpoint.id
  description                  = "HTTPS from the secret rotation function"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.rotation.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "secretsmanager_from_proxy" {
  security_group_id            = aws_security_group.secretsmanager_endpoint.id
  description                  = "HTTPS from the RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.db_proxy.id
  tags                         = local.tags
}

# Secrets Manager without internet access for the functions and the proxy.
resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.aws_region}.secretsmanager"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.secretsmanager_endpoint.id]

  tags = merge(local.tags, { Name = "${local.name_prefix}-secretsmanager" })
}

# ----------------------------------------------------------------------------
# Master credentials in Secrets Manager. The secret holds only username and
# password, so it never depends on the database or the proxy that read it.
# ----------------------------------------------------------------------------

resource "random_password" "db" {
  length           = 32
  special          = true
  override_special = "!#%^*()-_=+[]<>:?"
  min_lower        = 2
  min_upper        = 2
  min_numeric      = 2
  min_special      = 2
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "${local.name_prefix}/postgres/master"
  description             = "Master credentials of the ${local.name_prefix} PostgreSQL database"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 7
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    username = local.db_username
    password = random_password.db.result
  })

  # Rotation creates new versions; this one only seeds the secret.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# ----------------------------------------------------------------------------
# RDS PostgreSQL 16: Multi-AZ primary and a same-region read replica
# ----------------------------------------------------------------------------

resource "aws_db_subnet_group" "main" {
  name        = "${local.name_prefix}-postgres"
  description = "Private subnets of the ${local.name_prefix} database"
  subnet_ids  = aws_subnet.private[*].id
  tags        = local.tags
}

resource "aws_db_parameter_group" "postgres" {
  name        = "${local.name_prefix}-postgres16"
  family      = "postgres16"
  description = "PostgreSQL 16 parameters: TLS only, SCRAM passwords"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "password_encryption"
    value = "scram-sha-256"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "rds" {
  for_each = toset(local.rds_log_group_names)

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_iam_role" "rds_monitoring" {
  name = "${local.name_prefix}-rds-monitoring"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "${local.aws_service_role_policy}/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "main" {
  identifier     = local.db_identifier
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.db_instance_class
  port           = local.db_port
  db_name        = local.db_name
  username       = local.db_username
  password       = random_password.db.result

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.main.name
  parameter_group_name   = aws_db_parameter_group.postgres.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.db_backup_retention_days
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.db_identifier}-final"

  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = local.rds_log_exports
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  tags = merge(local.tags, { Name = local.db_identifier })

  # The rotation function owns the password after the first apply.
  lifecycle {
    ignore_changes = [password]
  }

  depends_on = [
    aws_cloudwatch_log_group.rds,
    aws_iam_role_policy_attachment.rds_monitoring,
  ]
}

# PostgreSQL read replicas take no automated backups and no final snapshot
# (RDS rejects both); the primary and its replicated backups cover recovery.
resource "aws_db_instance" "replica" {
  identifier          = local.replica_identifier
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = var.db_instance_class
  port                = local.db_port

  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  availability_zone      = local.azs[1]
  multi_az               = false
  parameter_group_name   = aws_db_parameter_group.postgres.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  maintenance_window    = "sun:05:30-sun:06:30"
  copy_tags_to_snapshot = true
  deletion_protection   = true
  skip_final_snapshot   = true

  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = local.rds_log_exports
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  tags = merge(local.tags, { Name = local.replica_identifier })

  depends_on = [
    aws_cloudwatch_log_group.rds,
    aws_iam_role_policy_attachment.rds_monitoring,
  ]
}

resource "aws_db_instance_automated_backups_replication" "dr" {
  provider = aws.dr

  source_db_instance_arn = aws_db_instance.main.arn
  kms_key_id             = aws_kms_key.dr.arn
  retention_period       = var.db_backup_retention_days
}

# ----------------------------------------------------------------------------
# RDS Proxy (reads the rotated secret; clients must use TLS)
# ----------------------------------------------------------------------------

resource "aws_iam_role" "db_proxy" {
  name = "${local.name_prefix}-db-proxy"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "rds.amazonaws.com" }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy" "db_proxy" {
  name = "${local.name_prefix}-db-proxy"
  role = aws_iam_role.db_proxy.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadDatabaseSecret"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = aws_secretsmanager_secret.db.arn
      },
      {
        Sid      = "DecryptDatabaseSecret"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${var.aws_region}.amazonaws.com" }
        }
      },
    ]
  })
}

resource "aws_db_proxy" "main" {
  name                   = "${local.name_prefix}-postgres"
  engine_family          = "POSTGRESQL"
  require_tls            = true
  debug_logging          = false
  idle_client_timeout    = 1800
  role_arn               = aws_iam_role.db_proxy.arn
  vpc_subnet_ids         = aws_subnet.private[*].id
  vpc_security_group_ids = [aws_security_group.db_proxy.id]

  auth {
    auth_scheme               = "SECRETS"
    client_password_auth_type = "POSTGRES_SCRAM_SHA_256"
    description               = "Master credentials (rotated)"
    iam_auth                  = "DISABLED"
    secret_arn                = aws_secretsmanager_secret.db.arn
  }

  tags = local.tags

  depends_on = [
    aws_iam_role_policy.db_proxy,
    aws_secretsmanager_secret_version.db,
    aws_vpc_endpoint.secretsmanager,
  ]
}

resource "aws_db_proxy_default_target_group" "main" {
  db_proxy_name = aws_db_proxy.main.name

  connection_pool_config {
    max_connections_percent      = 90
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "main" {
  db_proxy_name          = aws_db_proxy.main.name
  target_group_name      = aws_db_proxy_default_target_group.main.name
  db_instance_identifier = aws_db_instance.main.identifier
}

# ----------------------------------------------------------------------------
# Lambda functions: secret rotation and a consumer behind the proxy
# ----------------------------------------------------------------------------

resource "aws_sqs_queue" "lambda_dlq" {
  name                              = "${local.name_prefix}-db-lambda-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_cloudwatch_log_group" "rotation" {
  name              = "/aws/lambda/${local.lambda_names.rotation}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_cloudwatch_log_group" "consumer" {
  name              = "/aws/lambda/${local.lambda_names.consumer}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_iam_role" "rotation" {
  name = "${local.name_prefix}-db-secret-rotation"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "rotation_vpc" {
  role       = aws_iam_role.rotation.name
  policy_arn = "${local.aws_service_role_policy}/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "rotation" {
  name = "${local.name_prefix}-db-secret-rotation"
  role = aws_iam_role.rotation.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "RotateDatabaseSecret"
        Effect = "Allow"
        Action = [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ]
        Resource = aws_secretsmanager_secret.db.arn
      },
      {
        Sid      = "UseSecretKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${var.aws_region}.amazonaws.com" }
        }
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.lambda_dlq.arn
      },
      {
        Sid      = "EncryptDeadLetters"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = { "kms:ViaService" = "sqs.${var.aws_region}.amazonaws.com" }
        }
      },
    ]
  })
}

resource "aws_iam_role" "consumer" {
  name = "${local.name_prefix}-db-consumer"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "consumer_vpc" {
  role       = aws_iam_role.consumer.name
  policy_arn = "${local.aws_service_role_policy}/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "consumer" {
  name = "${local.name_prefix}-db-consumer"
  role = aws_iam_role.consumer.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadDatabaseSecret"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = aws_secretsmanager_secret.db.arn
      },
      {
        Sid      = "DecryptDatabaseSecret"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${var.aws_region}.amazonaws.com" }
        }
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.lambda_dlq.arn
      },
      {
        Sid      = "EncryptDeadLetters"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.main.arn
        Condition = {
          StringEquals = { "kms:ViaService" = "sqs.${var.aws_region}.amazonaws.com" }
        }
      },
    ]
  })
}

data "archive_file" "rotation" {
  type        = "zip"
  output_path = "${path.module}/build/db_secret_rotation.zip"

  source {
    filename = "lambda.py"
    content  = <<-PY
      """Single-user rotation of the PostgreSQL master credentials.

      Secrets Manager calls the function once per step: createSecret, setSecret,
      testSecret and finishSecret. The secret holds only username and password;
      the database endpoint comes from the environment.
      """

      import json
      import logging
      import os
      import secrets
      import string

      import boto3

      import pgwire

      LOGGER = logging.getLogger()
      LOGGER.setLevel(logging.INFO)

      DB_HOST = os.environ["DB_HOST"]
      DB_PORT = int(os.environ["DB_PORT"])
      DB_NAME = os.environ["DB_NAME"]
      PASSWORD_LENGTH = int(os.environ["PASSWORD_LENGTH"])

      # Characters RDS accepts in a master password (no / @ " ' \ or space).
      SPECIALS = "!#%^*()-_=+[]<>:?"
      ALPHABET = string.ascii_letters + string.digits + SPECIALS
      SECRETS = boto3.client("secretsmanager")


      def handler(event, context):
          arn = event["SecretId"]
          token = event["ClientRequestToken"]
          step = event["Step"]
          metadata = SECRETS.describe_secret(SecretId=arn)
          if not metadata.get("RotationEnabled"):
              raise ValueError("rotation is not enabled for the secret")
          stages = metadata["VersionIdsToStages"]
          if token not in stages:
              raise ValueError("the version to rotate is not part of the secret")
          if "AWSCURRENT" in stages[token]:
              LOGGER.info("version %s is already AWSCURRENT", token)
              return
          if "AWSPENDING" not in stages[token]:
              raise ValueError("the version to rotate is not AWSPENDING")
          steps = {
              "createSecret": create_secret,
              "setSecret": set_secret,
              "testSecret": test_secret,
              "finishSecret": finish_secret,
          }
          if step not in steps:
              raise ValueError("unknown rotation step " + step)
          LOGGER.info("running %s for version %s", step, token)
          steps[step](arn, token, stages)


      def get_secret(arn, stage, token=None):
          kwargs = {"SecretId": arn, "VersionStage": stage}
          if token:
              kwargs["VersionId"] = token
          return json.loads(SECRETS.get_secret_value(**kwargs)["SecretString"])


      def new_password():
          while True:
              password = "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))
              if (
                  any(c.islower() for c in password)
                  and any(c.isupper() for c in password)
                  and any(c.isdigit() for c in password)
                  and any(c in SPECIALS for c in password)
              ):
                  return password


      def connect(credentials):
          # The RDS certificate authority is not in the runtime's trust store, so
          # the direct connection is encrypted without certificate verification;
          # it never leaves the VPC and only this function's security group may
          # open it.
          return pgwire.Connection(
              DB_HOST,
              DB_PORT,
              credentials["username"],
              credentials["password"],
              DB_NAME,
              verify=False,
          )


      def can_login(credentials):
          try:
              with connect(credentials):
                  return True
          except pgwire.PgError:
              return False


      def create_secret(arn, token, stages):
          current = get_secret(arn, "AWSCURRENT")
          try:
              get_secret(arn, "AWSPENDING", token)
              LOGGER.info("a pending version already exists")
          except SECRETS.exceptions.ResourceNotFoundException:
              pending = dict(current, password=new_password())
              SECRETS.put_secret_value(
                  SecretId=arn,
                  ClientRequestToken=token,
                  SecretString=json.dumps(pending),
                  VersionStages=["AWSPENDING"],
              )


      def set_secret(arn, token, stages):
          pending = get_secret(arn, "AWSPENDING", token)
          if can_login(pending):
              LOGGER.info("the database already uses the pending password")
              return
          candidates = [get_secret(arn, "AWSCURRENT")]
          if any("AWSPREVIOUS" in labels for labels in stages.values()):
              candidates.append(get_secret(arn, "AWSPREVIOUS"))
          for credentials in candidates:
              if credentials["username"] != pending["username"]:
                  raise ValueError("the pending version changes the user name")
              try:
                  conn = connect(credentials)
              except pgwire.PgError:
                  continue
              with conn:
                  # Send the SCRAM verifier, never the password itself.
                  conn.query(
                      "ALTER ROLE "
                      + pgwire.quote_ident(pending["username"])
                      + " WITH PASSWORD "
                      + pgwire.quote_literal(pgwire.scram_verifier(pending["password"]))
                  )
              return
          raise ValueError("neither the current nor the previous password can log in")


      def test_secret(arn, token, stages):
          with connect(get_secret(arn, "AWSPENDING", token)) as conn:
              conn.query("SELECT 1")


      def finish_secret(arn, token, stages):
          current = next(v for v, labels in stages.items() if "AWSCURRENT" in labels)
          SECRETS.update_secret_version_stage(
              SecretId=arn,
              VersionStage="AWSCURRENT",
              MoveToVersionId=token,
              RemoveFromVersionId=current,
          )
    PY
  }

  source {
    filename = "pgwire.py"
    content  = local.pgwire_py
  }
}

data "archive_file" "consumer" {
  type        = "zip"
  output_path = "${path.module}/build/db_consumer.zip"

  source {
    filename = "lambda.py"
    content  = <<-PY
      """Reads the database secret and queries PostgreSQL through the RDS Proxy."""

      import json
      import logging
      import os

      import boto3

      import pgwire

      LOGGER = logging.getLogger()
      LOGGER.setLevel(logging.INFO)

      DB_SECRET_ARN = os.environ["DB_SECRET_ARN"]
      DB_PROXY_ENDPOINT = os.environ["DB_PROXY_ENDPOINT"]
      DB_PORT = int(os.environ["DB_PORT"])
      DB_NAME = os.environ["DB_NAME"]
      SECRETS = boto3.client("secretsmanager")


      def handler(event, context):
          # Read the secret on every call so a rotation never leaves stale
          # credentials behind.
          secret = json.loads(SECRETS.get_secret_value(SecretId=DB_SECRET_ARN)["SecretString"])
          # The proxy presents a publicly trusted certificate: verify it fully.
          with pgwire.Connection(
              DB_PROXY_ENDPOINT,
              DB_PORT,
              secret["username"],
              secret["password"],
              DB_NAME,
              verify=True,
          ) as conn:
              user, database, server_time = conn.query(
                  "SELECT current_user, current_database(), now()::text"
              )[0]
          LOGGER.info(json.dumps({"user": user, "database": database}))
          return {"user": user, "database": database, "server_time": server_time}
    PY
  }

  source {
    filename = "pgwire.py"
    content  = local.pgwire_py
  }
}

resource "aws_lambda_function" "rotation" {
  function_name                  = local.lambda_names.rotation
  description                    = "Rotates the PostgreSQL master credentials"
  role                           = aws_iam_role.rotation.arn
  handler                        = "lambda.handler"
  runtime                        = "python3.12"
  filename                       = data.archive_file.rotation.output_path
  source_code_hash               = data.archive_file.rotation.output_base64sha256
  memory_size                    = 256
  timeout                        = 60
  reserved_concurrent_executions = 2
  kms_key_arn                    = aws_kms_key.main.arn

  environment {
    variables = {
      DB_HOST         = aws_db_instance.main.address
      DB_PORT         = tostring(local.db_port)
      DB_NAME         = local.db_name
      PASSWORD_LENGTH = "32"
    }
  }

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.rotation.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_dlq.arn
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.rotation,
    aws_iam_role_policy_attachment.rotation_vpc,
    aws_iam_role_policy.rotation,
  ]
}

resource "aws_lambda_function" "consumer" {
  function_name                  = local.lambda_names.consumer
  description                    = "Reads the database secret and queries through the RDS Proxy"
  role                           = aws_iam_role.consumer.arn
  handler                        = "lambda.handler"
  runtime                        = "python3.12"
  filename                       = data.archive_file.consumer.output_path
  source_code_hash               = data.archive_file.consumer.output_base64sha256
  memory_size                    = 256
  timeout                        = 30
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.main.arn

  environment {
    variables = {
      DB_SECRET_ARN     = aws_secretsmanager_secret.db.arn
      DB_PROXY_ENDPOINT = aws_db_proxy.main.endpoint
      DB_PORT           = tostring(local.db_port)
      DB_NAME           = local.db_name
    }
  }

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.consumer.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_dlq.arn
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.consumer,
    aws_iam_role_policy_attachment.consumer_vpc,
    aws_iam_role_policy.consumer,
  ]
}

# ----------------------------------------------------------------------------
# Automatic rotation every 30 days
# ----------------------------------------------------------------------------

resource "aws_lambda_permission" "secretsmanager_rotation" {
  statement_id   = "AllowSecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotation.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_arn     = aws_secretsmanager_secret.db.arn
  source_account = local.account_id
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotation.arn

  rotation_rules {
    automatically_after_days = var.secret_rotation_days
  }

  # The first rotation runs at once: the function must be invocable and
  # reach both the database and Secrets Manager by then.
  depends_on = [
    aws_lambda_permission.secretsmanager_rotation,
    aws_secretsmanager_secret_version.db,
    aws_vpc_endpoint.secretsmanager,
    aws_vpc_security_group_ingress_rule.db_from_rotation,
    aws_vpc_security_group_egress_rule.rotation_to_db,
    aws_vpc_security_group_ingress_rule.secretsmanager_from_rotation,
    aws_vpc_security_group_egress_rule.rotation_to_secretsmanager,
  ]
}

# ----------------------------------------------------------------------------
# Alerting
# ----------------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${local.name_prefix}-db-alarms"
  kms_master_key_id = aws_kms_key.main.arn
  tags              = local.tags
}

resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowCloudWatchAlarms"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
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

resource "aws_sns_topic_subscription" "alarms_email" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  for_each = {
    primary = aws_db_instance.main.identifier
    replica = aws_db_instance.replica.identifier
  }

  alarm_name          = "${each.value}-cpu-high"
  alarm_description   = "CPU utilisation of ${each.value} is high"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = each.value }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "db_free_storage" {
  for_each = {
    primary = aws_db_instance.main.identifier
    replica = aws_db_instance.replica.identifier
  }

  alarm_name          = "${each.value}-free-storage-low"
  alarm_description   = "${each.value} has less than 10% of its initial storage free"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = each.value }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = local.db_free_storage_threshold
  comparison_operator = "LessThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "db_connections" {
  alarm_name          = "${local.db_identifier}-connections-high"
  alarm_description   = "The primary has many open connections"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 500
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "replica_lag" {
  alarm_name          = "${local.replica_identifier}-lag-high"
  alarm_description   = "The read replica is more than 60 seconds behind the primary"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.replica.identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = 60
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = {
    rotation = aws_lambda_function.rotation.function_name
    consumer = aws_lambda_function.consumer.function_name
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
    rotation = aws_lambda_function.rotation.function_name
    consumer = aws_lambda_function.consumer.function_name
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

resource "aws_cloudwatch_metric_alarm" "dlq_messages" {
  alarm_name          = "${local.name_prefix}-db-lambda-dlq-not-empty"
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
# Outputs
# ----------------------------------------------------------------------------

output "db_primary_endpoint" {
  description = "Endpoint of the PostgreSQL primary."
  value       = aws_db_instance.main.endpoint
}

output "db_replica_endpoint" {
  description = "Endpoint of the PostgreSQL read replica."
  value       = aws_db_instance.replica.endpoint
}

output "db_proxy_endpoint" {
  description = "Endpoint of the RDS Proxy for applications."
  value       = aws_db_proxy.main.endpoint
}

output "db_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the master credentials."
  value       = aws_secretsmanager_secret.db.arn
}

output "consumer_function_name" {
  description = "Name of the Lambda function that queries through the proxy."
  value       = aws_lambda_function.consumer.function_name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic receiving CloudWatch alarms."
  value       = aws_sns_topic.alarms.arn
}
