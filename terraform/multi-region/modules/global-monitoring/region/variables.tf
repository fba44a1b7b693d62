variable "name" {
  description = "Name prefix, e.g. kaldrix-staging-us-east-1."
  type        = string
}

variable "region" {
  type = string
}

variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "asg_name" {
  type = string
}

variable "db_cluster_id" {
  type = string
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
