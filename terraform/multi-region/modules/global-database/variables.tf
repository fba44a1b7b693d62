variable "name_prefix" {
  description = "Prefix of every name; also the global cluster and global datastore id."
  type        = string
}

variable "primary_region" {
  description = "Region of the Aurora writer and the Redis primary."
  type        = string
}

variable "vpcs" {
  description = "Per region network ids (global-networking's vpcs output)."
  type = map(object({
    vpc_id                 = string
    public_subnet_ids      = list(string)
    private_subnet_ids     = list(string)
    alb_security_group_id  = string
    app_security_group_id  = string
    data_security_group_id = string
    availability_zones     = list(string)
  }))
}

variable "engine" {
  type = string
}

variable "engine_version" {
  type = string
}

variable "instance_class" {
  type = string
}

variable "instances_per_region" {
  type = map(number)
}

variable "database_name" {
  type = string
}

variable "master_username" {
  type = string
}

variable "generate_master_password" {
  description = "Generate the master password and keep it in the <name_prefix>/aurora/master secret; false: use master_password."
  type        = bool
  default     = true
}

variable "master_password" {
  description = "Used when generate_master_password is false."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "backup_retention_days" {
  type = number
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

variable "redis_node_type" {
  type = string
}

variable "redis_engine_version" {
  type = string
}
