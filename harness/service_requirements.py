"""Requirements inferred from the cloud services a prompt names.

For answers to tasks iacbench does not know, each service the prompt names in
so many words becomes a requirement that the answer declares one of the
resource types providing it. The table below is the whole of the inference: a
prompt that names none of these services gets no requirement ("could not
judge"), never a guess.
"""

from __future__ import annotations

import re
from typing import Any

# (cloud, service as a reader would say it, pattern in the prompt, resource types)
SERVICES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # AWS
    ("aws", "Amazon S3", r"\bS3\b", ("aws_s3_bucket",)),
    ("aws", "Amazon DynamoDB", r"\bDynamo ?DB\b", ("aws_dynamodb_table",)),
    ("aws", "AWS Lambda", r"\bLambda\b", ("aws_lambda_function",)),
    (
        "aws",
        "Amazon RDS",
        r"\bRDS\b|\bAurora\b",
        ("aws_db_instance", "aws_rds_cluster"),
    ),
    ("aws", "Amazon CloudFront", r"\bCloud ?Front\b", ("aws_cloudfront_distribution",)),
    ("aws", "Amazon VPC", r"\bVPC\b", ("aws_vpc",)),
    (
        "aws",
        "Amazon EC2",
        r"\bEC2\b",
        ("aws_instance", "aws_launch_template", "aws_launch_configuration"),
    ),
    (
        "aws",
        "Amazon ECS",
        r"\bECS\b|\bFargate\b",
        ("aws_ecs_service", "aws_ecs_task_definition"),
    ),
    ("aws", "Amazon EKS", r"\bEKS\b", ("aws_eks_cluster",)),
    ("aws", "Amazon SQS", r"\bSQS\b", ("aws_sqs_queue",)),
    ("aws", "Amazon SNS", r"\bSNS\b", ("aws_sns_topic",)),
    (
        "aws",
        "Amazon API Gateway",
        r"\bAPI ?Gateway\b",
        ("aws_api_gateway_rest_api", "aws_apigatewayv2_api"),
    ),
    (
        "aws",
        "Elastic Load Balancing",
        r"\bALB\b|\bNLB\b|Application Load Balancer|"
        r"Network Load Balancer|\bELB\b",
        ("aws_lb", "aws_alb", "aws_elb"),
    ),
    (
        "aws",
        "Amazon Route 53",
        r"\bRoute ?53\b",
        ("aws_route53_record", "aws_route53_zone"),
    ),
    (
        "aws",
        "AWS Certificate Manager",
        r"\bACM\b|Certificate Manager",
        ("aws_acm_certificate",),
    ),
    ("aws", "AWS KMS", r"\bKMS\b", ("aws_kms_key",)),
    ("aws", "AWS Secrets Manager", r"Secrets ?Manager", ("aws_secretsmanager_secret",)),
    (
        "aws",
        "Amazon CloudWatch alarms",
        r"CloudWatch alarms?",
        ("aws_cloudwatch_metric_alarm",),
    ),
    ("aws", "AWS CloudTrail", r"\bCloud ?Trail\b", ("aws_cloudtrail",)),
    (
        "aws",
        "Amazon ElastiCache",
        r"\bElasti ?Cache\b",
        (
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "aws_elasticache_serverless_cache",
        ),
    ),
    (
        "aws",
        "Amazon Kinesis",
        r"\bKinesis\b",
        ("aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream"),
    ),
    ("aws", "AWS Step Functions", r"Step Functions?", ("aws_sfn_state_machine",)),
    (
        "aws",
        "Amazon EventBridge",
        r"\bEvent ?Bridge\b",
        ("aws_cloudwatch_event_rule", "aws_scheduler_schedule"),
    ),
    ("aws", "Amazon Cognito", r"\bCognito\b", ("aws_cognito_user_pool",)),
    ("aws", "AWS WAF", r"\bWAF\b", ("aws_wafv2_web_acl", "aws_waf_web_acl")),
    ("aws", "Amazon EFS", r"\bEFS\b|Elastic File System", ("aws_efs_file_system",)),
    ("aws", "Amazon ECR", r"\bECR\b", ("aws_ecr_repository",)),
    ("aws", "AWS Auto Scaling", r"Auto ?Scaling group", ("aws_autoscaling_group",)),
    ("aws", "Amazon Redshift", r"\bRedshift\b", ("aws_redshift_cluster",)),
    (
        "aws",
        "AWS Glue",
        r"\bGlue\b",
        ("aws_glue_job", "aws_glue_catalog_database", "aws_glue_crawler"),
    ),
    (
        "aws",
        "Amazon OpenSearch",
        r"\bOpen ?Search\b|Elasticsearch Service",
        ("aws_opensearch_domain", "aws_elasticsearch_domain"),
    ),
    ("aws", "AWS Config", r"\bAWS Config\b", ("aws_config_configuration_recorder",)),
    # Google Cloud
    ("google", "VPC network", r"\bVPC\b|VPC network", ("google_compute_network",)),
    ("google", "firewall rules", r"[Ff]irewall", ("google_compute_firewall",)),
    (
        "google",
        "instance template",
        r"[Ii]nstance [Tt]emplates?",
        ("google_compute_instance_template", "google_compute_region_instance_template"),
    ),
    (
        "google",
        "health check",
        r"[Hh]ealth [Cc]hecks?",
        (
            "google_compute_health_check",
            "google_compute_http_health_check",
            "google_compute_region_health_check",
        ),
    ),
    (
        "google",
        "load balancer",
        r"[Ll]oad [Bb]alanc",
        (
            "google_compute_url_map",
            "google_compute_backend_service",
            "google_compute_forwarding_rule",
            "google_compute_global_forwarding_rule",
            "google_compute_target_pool",
            "google_compute_region_backend_service",
        ),
    ),
    (
        "google",
        "Cloud DNS",
        r"Cloud DNS",
        ("google_dns_managed_zone", "google_dns_record_set"),
    ),
    ("google", "Cloud Storage", r"Cloud Storage|\bGCS\b", ("google_storage_bucket",)),
    ("google", "Cloud SQL", r"Cloud SQL", ("google_sql_database_instance",)),
    (
        "google",
        "Compute Engine",
        r"Compute Engine",
        ("google_compute_instance", "google_compute_instance_template"),
    ),
    (
        "google",
        "Google Kubernetes Engine",
        r"\bGKE\b|Kubernetes Engine",
        ("google_container_cluster",),
    ),
    (
        "google",
        "Cloud Run",
        r"Cloud Run",
        ("google_cloud_run_service", "google_cloud_run_v2_service"),
    ),
    (
        "google",
        "Cloud Functions",
        r"Cloud Functions?",
        ("google_cloudfunctions_function", "google_cloudfunctions2_function"),
    ),
    ("google", "Pub/Sub", r"Pub ?/ ?Sub", ("google_pubsub_topic",)),
    (
        "google",
        "BigQuery",
        r"Big ?Query",
        ("google_bigquery_dataset", "google_bigquery_table"),
    ),
    ("google", "Cloud NAT", r"Cloud NAT", ("google_compute_router_nat",)),
    ("google", "Memorystore", r"Memorystore", ("google_redis_instance",)),
    ("google", "Cloud Spanner", r"\bSpanner\b", ("google_spanner_instance",)),
    # Azure
    ("azure", "resource group", r"[Rr]esource [Gg]roup", ("azurerm_resource_group",)),
    (
        "azure",
        "network security group",
        r"[Nn]etwork [Ss]ecurity [Gg]roup|\bNSG\b",
        ("azurerm_network_security_group",),
    ),
    (
        "azure",
        "Azure Kubernetes Service",
        r"\bAKS\b|Azure Kubernetes Service",
        ("azurerm_kubernetes_cluster",),
    ),
    (
        "azure",
        "Azure Storage account",
        r"Storage Account|Blob Storage",
        ("azurerm_storage_account",),
    ),
    (
        "azure",
        "Azure Virtual Network",
        r"Virtual Network|\bVNet\b",
        ("azurerm_virtual_network",),
    ),
    ("azure", "Azure Key Vault", r"Key ?Vault", ("azurerm_key_vault",)),
    ("azure", "Azure Cosmos DB", r"Cosmos ?DB", ("azurerm_cosmosdb_account",)),
    (
        "azure",
        "Azure SQL Database",
        r"Azure SQL",
        ("azurerm_mssql_server", "azurerm_sql_server", "azurerm_mssql_database"),
    ),
    (
        "azure",
        "Azure App Service",
        r"App Service",
        (
            "azurerm_linux_web_app",
            "azurerm_windows_web_app",
            "azurerm_app_service",
            "azurerm_service_plan",
            "azurerm_app_service_plan",
        ),
    ),
    (
        "azure",
        "Azure Functions",
        r"Azure Functions?|Function App",
        (
            "azurerm_linux_function_app",
            "azurerm_windows_function_app",
            "azurerm_function_app",
        ),
    ),
    (
        "azure",
        "Azure Virtual Machines",
        r"Azure (?:Virtual Machines?|VMs?)\b",
        (
            "azurerm_linux_virtual_machine",
            "azurerm_windows_virtual_machine",
            "azurerm_virtual_machine",
        ),
    ),
    (
        "azure",
        "Azure Container Registry",
        r"Container Registry|\bACR\b",
        ("azurerm_container_registry",),
    ),
    (
        "azure",
        "Azure Application Gateway",
        r"Application Gateway",
        ("azurerm_application_gateway",),
    ),
)


_CLOUDS = {
    "google": r"\bGCP\b|Google Cloud|\bGCE\b|\bGKE\b",
    "azure": r"\bAzure\b",
    "aws": r"\bAWS\b|Amazon",
}


def cloud_of(prompt: str) -> str:
    """The cloud a prompt is about: the first it names, AWS when it names none."""
    hits = [
        (m.start(), cloud)
        for cloud, pattern in _CLOUDS.items()
        if (m := re.search(pattern, prompt))
    ]
    return min(hits)[1] if hits else "aws"


def infer_requirements(prompt: str) -> list[dict[str, Any]]:
    """One requirement per service the prompt names, for the prompt's cloud."""
    cloud = cloud_of(prompt)
    found = []
    for service_cloud, service, pattern, types in SERVICES:
        if service_cloud == cloud and re.search(pattern, prompt):
            slug = re.sub(r"[^a-z0-9]+", "-", service.lower()).strip("-")
            found.append(
                {
                    "id": f"service-{slug}",
                    "text": f"{service} ({' or '.join(types)}), which the prompt "
                    "names.",
                    "schema": {
                        "type": "object",
                        "required": ["resources"],
                        "properties": {
                            "resources": {"anyOf": [{"required": [t]} for t in types]}
                        },
                    },
                }
            )
    return found
