variable "name" {
  description = "Name of the regional cluster, e.g. kaldrix-staging-us-west-2."
  type        = string
}

variable "is_primary" {
  description = "True in the region holding the writer and the Redis primary."
  type        = bool
}

variable "global_cluster_id" {
  type = string
}

variable "engine" {
  type = string
}

variable "engine_version" {
  type = string
}

variable "parameter_group_family" {
  description = "Family of the cluster parameter group that holds the writer fence, e.g. aurora-postgresql15."
  type        = string
}

variable "fence_parameter" {
  description = "The parameter that makes the cluster read-only (the runbooks' rds.global_cluster fence_parameter)."
  type        = string
}

variable "instance_class" {
  type = string
}

variable "instance_count" {
  type = number
}

variable "database_name" {
  type = string
}

variable "master_username" {
  type = string
}

variable "master_password" {
  description = "Write-only: sent to the writer cluster at creation, never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "backup_retention_days" {
  type = number
}

variable "subnet_ids" {
  type = list(string)
}

variable "security_group_id" {
  type = string
}

variable "deletion_protection" {
  type = bool
}

variable "enable_redis" {
  type = bool
}

variable "enable_redis_global_datastore" {
  type = bool
}

variable "redis_global_id" {
  description = "Id of the global datastore to join (secondaries only)."
  type        = string
  default     = null
}

variable "redis_global_suffix" {
  description = "Suffix of the global datastore id (the primary creates it)."
  type        = string
}

variable "redis_node_type" {
  type = string
}

variable "redis_engine_version" {
  type = string
}
