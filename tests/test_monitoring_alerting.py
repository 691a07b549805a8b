"""monitoring.alerting reads alarms made per instance of a for_each map."""

from __future__ import annotations

from tests.conftest import flagged, hcl

ALARMS = """
resource "aws_lambda_function" "worker" { function_name = "worker" }
resource "aws_sns_topic" "alerts" { name = "alerts" }
locals {
  lambda_alarms = {
    errors    = { metric = "Errors" }
    throttles = { metric = "Throttles" }
  }
}
resource "aws_cloudwatch_metric_alarm" "lambda" {
  for_each            = local.lambda_alarms
  alarm_name          = "worker-${each.key}"
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  comparison_operator = "GreaterThanThreshold"
  threshold           = 1
  evaluation_periods  = 1
  period              = 60
  statistic           = "Sum"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
"""


def test_alarms_from_a_for_each_map_count_for_each_metric() -> None:
    assert flagged("monitoring.alerting", hcl(ALARMS)) == []


def test_a_metric_missing_from_the_map_is_still_missing() -> None:
    without = ALARMS.replace('"Throttles"', '"Duration"')
    found = flagged("monitoring.alerting", hcl(without))
    assert found == ["aws_lambda_function.worker"]
