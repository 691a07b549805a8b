"""Requirements inferred from the services a prompt names, per cloud."""

from __future__ import annotations

from graders import by_id, run_grader
from harness.answer import Answer
from harness.constraints import infer
from harness.service_requirements import cloud_of, infer_requirements


def _ids(prompt: str) -> list[str]:
    return [r["id"] for r in infer_requirements(prompt)]


def test_aws_services_map_to_resource_types() -> None:
    prompt = "Create an AWS Lambda behind API Gateway writing to DynamoDB, with SQS."
    assert sorted(_ids(prompt)) == [
        "service-amazon-api-gateway",
        "service-amazon-dynamodb",
        "service-amazon-sqs",
        "service-aws-lambda",
    ]


def test_each_cloud_reads_its_own_words() -> None:
    gcp = "Set up a Google Cloud VPC network, firewall rules and a GKE cluster."
    assert cloud_of(gcp) == "google"
    assert sorted(_ids(gcp)) == [
        "service-firewall-rules",
        "service-google-kubernetes-engine",
        "service-vpc-network",
    ]
    azure = "Deploy an Azure Storage Account in a resource group."
    assert sorted(_ids(azure)) == [
        "service-azure-storage-account",
        "service-resource-group",
    ]


def test_prompts_that_name_nothing_get_no_requirement() -> None:
    assert infer_requirements("Write some Terraform for my project.") == []
    answer = Answer(
        '```hcl\nresource "aws_s3_bucket" "b" {}\n```',
        infer("Write some Terraform for my project."),
    )
    assert (
        run_grader(by_id("requirements.coverage"), answer).verdict.value
        == "not_applicable"
    )


def test_inferred_requirements_are_graded() -> None:
    constraints = infer("Create an S3 bucket and a DynamoDB table on AWS.")
    answer = Answer('```hcl\nresource "aws_s3_bucket" "b" {}\n```', constraints)
    grade = run_grader(by_id("requirements.coverage"), answer, strict=True)
    assert grade.details == {"coverage": 0.5, "requirements": 2}
    [finding] = grade.findings
    assert "service-amazon-dynamodb" in finding.message
