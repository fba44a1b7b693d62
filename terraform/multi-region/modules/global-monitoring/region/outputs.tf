output "topic_arn" {
  value = aws_sns_topic.alerts.arn
}

output "alarm_names" {
  value = {
    alb_5xx            = aws_cloudwatch_metric_alarm.alb_5xx.alarm_name
    unhealthy_hosts    = aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name
    fleet_cpu          = aws_cloudwatch_metric_alarm.fleet_cpu.alarm_name
    db_replication_lag = aws_cloudwatch_metric_alarm.db_replication_lag.alarm_name
  }
}
