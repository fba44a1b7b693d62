# Alerting for the three KALDRIX regions (topic + alarms per region), alarms on the Route 53
# health checks (their metrics exist only in us-east-1), and one global CloudWatch dashboard.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1, aws.us_west_2, aws.eu_west_1]
    }
  }
}

module "us_east_1" {
  source                  = "./region"
  providers               = { aws = aws.us_east_1 }
  name                    = "${var.name_prefix}-us-east-1"
  region                  = "us-east-1"
  alb_arn_suffix          = var.load_balancing["us-east-1"].alb_arn_suffix
  target_group_arn_suffix = var.load_balancing["us-east-1"].target_group_arn_suffix
  asg_name                = var.load_balancing["us-east-1"].asg_name
  db_cluster_id           = var.db_cluster_ids["us-east-1"]
  alert_emails            = var.alert_emails
  rpo_seconds             = var.rpo_seconds
  alarm_5xx_threshold     = var.alarm_5xx_threshold
  alarm_cpu_threshold     = var.alarm_cpu_threshold
}

module "us_west_2" {
  source                  = "./region"
  providers               = { aws = aws.us_west_2 }
  name                    = "${var.name_prefix}-us-west-2"
  region                  = "us-west-2"
  alb_arn_suffix          = var.load_balancing["us-west-2"].alb_arn_suffix
  target_group_arn_suffix = var.load_balancing["us-west-2"].target_group_arn_suffix
  asg_name                = var.load_balancing["us-west-2"].asg_name
  db_cluster_id           = var.db_cluster_ids["us-west-2"]
  alert_emails            = var.alert_emails
  rpo_seconds             = var.rpo_seconds
  alarm_5xx_threshold     = var.alarm_5xx_threshold
  alarm_cpu_threshold     = var.alarm_cpu_threshold
}

module "eu_west_1" {
  source                  = "./region"
  providers               = { aws = aws.eu_west_1 }
  name                    = "${var.name_prefix}-eu-west-1"
  region                  = "eu-west-1"
  alb_arn_suffix          = var.load_balancing["eu-west-1"].alb_arn_suffix
  target_group_arn_suffix = var.load_balancing["eu-west-1"].target_group_arn_suffix
  asg_name                = var.load_balancing["eu-west-1"].asg_name
  db_cluster_id           = var.db_cluster_ids["eu-west-1"]
  alert_emails            = var.alert_emails
  rpo_seconds             = var.rpo_seconds
  alarm_5xx_threshold     = var.alarm_5xx_threshold
  alarm_cpu_threshold     = var.alarm_cpu_threshold
}

locals {
  regions = {
    "us-east-1" = module.us_east_1
    "us-west-2" = module.us_west_2
    "eu-west-1" = module.eu_west_1
  }
}

resource "aws_cloudwatch_metric_alarm" "health_check" {
  provider            = aws.us_east_1
  for_each            = var.health_check_ids
  alarm_name          = "${var.name_prefix}-${each.key}-health-check"
  alarm_description   = "KALDRIX ${each.key}: the Route 53 health check of the regional ALB fails"
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  dimensions          = { HealthCheckId = each.value }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [module.us_east_1.topic_arn]
  ok_actions          = [module.us_east_1.topic_arn]
}

resource "aws_cloudwatch_dashboard" "global" {
  provider       = aws.us_east_1
  dashboard_name = "${var.name_prefix}-global"
  dashboard_body = jsonencode({
    widgets = concat(
      [for i, r in keys(local.regions) : {
        type   = "metric"
        x      = 8 * i
        y      = 0
        width  = 8
        height = 6
        properties = {
          title  = "${r}: requests and 5xx"
          region = r
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.load_balancing[r].alb_arn_suffix],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.load_balancing[r].alb_arn_suffix],
          ]
        }
      }],
      [for i, r in keys(local.regions) : {
        type   = "metric"
        x      = 8 * i
        y      = 6
        width  = 8
        height = 6
        properties = {
          title   = "${r}: Aurora global replication lag (ms)"
          region  = r
          stat    = "Maximum"
          period  = 60
          metrics = [["AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", var.db_cluster_ids[r]]]
          annotations = {
            horizontal = [{ label = "RPO", value = var.rpo_seconds * 1000 }]
          }
        }
      }],
      [{
        type   = "alarm"
        x      = 0
        y      = 12
        width  = 24
        height = 4
        properties = {
          title = "KALDRIX alarms"
          alarms = concat(
            flatten([for r, m in local.regions : [for n in values(m.alarm_names) : "arn:aws:cloudwatch:${r}:${var.account_id}:alarm:${n}"]]),
            [for a in aws_cloudwatch_metric_alarm.health_check : a.arn],
          )
        }
      }],
    )
  })
}
