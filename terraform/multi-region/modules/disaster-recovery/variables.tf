variable "environment" {
  type = string
}

variable "primary_region" {
  type = string
}

variable "failover_region" {
  type = string
}

variable "traffic_weights" {
  type = map(number)
}

variable "rpo_seconds" {
  type = number
}

variable "rto_seconds" {
  type = number
}

variable "zone_id" {
  type = string
}

variable "zone_name" {
  type = string
}

variable "api_fqdn" {
  type = string
}

variable "failover_fqdn" {
  type = string
}

variable "weighted_records" {
  description = "global-networking's weighted_records output."
  type        = map(any)
}

variable "failover_records" {
  description = "global-networking's failover_records output."
  type        = map(any)
}

variable "health_check_ids" {
  type = map(string)
}

variable "load_balancing" {
  description = "global-load-balancing's regions output."
  type        = map(any)
}

variable "database_regions" {
  description = "global-database's regions output."
  type        = map(any)
}

variable "global_cluster_id" {
  type = string
}

variable "global_cluster_arn" {
  type = string
}

variable "redis_global_datastore_id" {
  type    = string
  default = null
}

variable "alarm_names" {
  type = map(map(string))
}

variable "topic_arns" {
  type = map(string)
}

variable "dashboard_name" {
  type = string
}
