output "topic_arns" {
  description = "Alert topic per region."
  value       = { for r, m in local.regions : r => m.topic_arn }
}

output "alarm_names" {
  description = "Per region: the alarm names by kind (alb_5xx, unhealthy_hosts, fleet_cpu, db_replication_lag, health_check)."
  value = { for r, m in local.regions : r => merge(m.alarm_names,
    contains(keys(aws_cloudwatch_metric_alarm.health_check), r) ? { health_check = aws_cloudwatch_metric_alarm.health_check[r].alarm_name } : {}
  ) }
}

output "dashboard_name" {
  value = aws_cloudwatch_dashboard.global.dashboard_name
}
