variable "name_prefix" {
  type = string
}

variable "account_id" {
  description = "AWS account id, for alarm ARNs on the dashboard."
  type        = string
}

variable "load_balancing" {
  description = "Per region: alb_arn_suffix, target_group_arn_suffix, asg_name (global-load-balancing's regions output)."
  type = map(object({
    alb_arn_suffix          = string
    target_group_arn_suffix = string
    asg_name                = string
  }))
}

variable "db_cluster_ids" {
  description = "Aurora cluster id per region."
  type        = map(string)
}

variable "health_check_ids" {
  description = "Route 53 health check id per region (may be empty)."
  type        = map(string)
}

variable "alert_emails" {
  type = list(string)
}

variable "rpo_seconds" {
  type = number
}

variable "alarm_5xx_threshold" {
  type = number
}

variable "alarm_cpu_threshold" {
  type = number
}
