# Inputs of the KALDRIX multi-region stack. Values per environment live in environments/*.tfvars;
# the local moto override (local/moto.auto.tfvars.example) turns off what moto cannot emulate.

variable "project" {
  description = "Name prefix of every resource."
  type        = string
  default     = "kaldrix"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment."
  type        = string

  validation {
    condition     = contains(["production", "staging", "development"], var.environment)
    error_message = "environment must be one of production, staging, development."
  }
}

variable "domain_name" {
  description = "DNS zone served by Route 53; empty means <environment>.kaldrix.io."
  type        = string
  default     = ""
}

variable "primary_region" {
  description = "Region holding the Aurora writer, the Redis primary and the PRIMARY failover record."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = contains(["us-east-1", "us-west-2", "eu-west-1"], var.primary_region)
    error_message = "primary_region must be one of us-east-1, us-west-2, eu-west-1."
  }
}

variable "failover_region" {
  description = "Region of the SECONDARY failover record; empty means the first other region (us-east-1, us-west-2, eu-west-1 order)."
  type        = string
  default     = ""

  validation {
    condition     = contains(["", "us-east-1", "us-west-2", "eu-west-1"], var.failover_region)
    error_message = "failover_region must be empty or one of us-east-1, us-west-2, eu-west-1."
  }
}

variable "traffic_weights" {
  description = "Route 53 weight of each region's record on api.<domain> (percent, sum 100)."
  type        = map(number)
  default = {
    "us-east-1" = 70
    "us-west-2" = 20
    "eu-west-1" = 10
  }

  validation {
    condition = (
      length(setsubtract(keys(var.traffic_weights), ["us-east-1", "us-west-2", "eu-west-1"])) == 0 &&
      length(var.traffic_weights) == 3 &&
      sum(values(var.traffic_weights)) == 100
    )
    error_message = "traffic_weights must give us-east-1, us-west-2 and eu-west-1 a weight each, summing to 100."
  }
}

variable "vpc_cidrs" {
  description = "VPC CIDR per region; they must not overlap (peering and replication traffic)."
  type        = map(string)
  default = {
    "us-east-1" = "10.10.0.0/16"
    "us-west-2" = "10.20.0.0/16"
    "eu-west-1" = "10.30.0.0/16"
  }
}

variable "az_count" {
  description = "Availability zones per region (an ALB and a DB subnet group need at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the application fleet."
  type        = string
  default     = "t3.medium"
}

variable "ami_id" {
  description = "AMI of the application fleet; empty means the latest Amazon Linux 2023 from SSM."
  type        = string
  default     = ""
}

variable "fleet_capacity" {
  description = "Auto Scaling group min/desired/max per region."
  type = map(object({
    min     = number
    desired = number
    max     = number
  }))
  default = {
    "us-east-1" = { min = 2, desired = 2, max = 6 }
    "us-west-2" = { min = 1, desired = 1, max = 6 }
    "eu-west-1" = { min = 1, desired = 1, max = 4 }
  }
}

variable "asg_wait_for_capacity_timeout" {
  description = "How long Terraform waits for the ASG instances to be InService (\"0\" to not wait)."
  type        = string
  default     = "10m"
}

variable "app_port" {
  description = "Port the application listens on behind the ALB."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "HTTP path the ALB target group and the Route 53 health checks probe."
  type        = string
  default     = "/health"
}

variable "certificate_arns" {
  description = "ACM certificate ARN per region for an HTTPS listener; a region without one gets HTTP only."
  type        = map(string)
  default     = {}
}

variable "db_engine" {
  description = "Aurora engine of the global database."
  type        = string
  default     = "aurora-postgresql"

  validation {
    condition     = contains(["aurora-postgresql", "aurora-mysql"], var.db_engine)
    error_message = "db_engine must be aurora-postgresql or aurora-mysql."
  }
}

variable "db_engine_version" {
  description = "Aurora engine version (must support global databases)."
  type        = string
  default     = "15.4"
}

variable "db_instance_class" {
  description = "Aurora instance class (global databases need r-class instances)."
  type        = string
  default     = "db.r6g.large"
}

variable "db_instances_per_region" {
  description = "Aurora instances per regional cluster."
  type        = map(number)
  default = {
    "us-east-1" = 2
    "us-west-2" = 1
    "eu-west-1" = 1
  }
}

variable "db_name" {
  description = "Initial database name."
  type        = string
  default     = "kaldrix"
}

variable "db_master_username" {
  description = "Master user of the primary Aurora cluster."
  type        = string
  default     = "kaldrix_admin"
}

variable "db_master_password_from_vault" {
  description = "Take the Aurora master password from db_master_password (e.g. Vault) instead of generating it into Secrets Manager."
  type        = bool
  default     = false
}

variable "db_master_password" {
  description = "Aurora master password when db_master_password_from_vault (TF_VAR_db_master_password). Never stored in the state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "db_backup_retention_days" {
  description = "Aurora automated backup retention."
  type        = number
  default     = 7
}

variable "enable_redis" {
  description = "Create an ElastiCache Redis replication group per region."
  type        = bool
  default     = true
}

variable "enable_redis_global_datastore" {
  description = "Join the Redis groups into a global datastore (not emulated by moto: off locally)."
  type        = bool
  default     = true
}

variable "redis_node_type" {
  description = "ElastiCache node type (global datastores need r- or m-class nodes)."
  type        = string
  default     = "cache.r6g.large"
}

variable "redis_engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "enable_health_checks" {
  description = "Create a Route 53 health check per regional ALB and attach it to the records."
  type        = bool
  default     = true
}

variable "enable_global_accelerator" {
  description = "Front the ALBs with AWS Global Accelerator (not emulated by moto: off locally)."
  type        = bool
  default     = false
}

variable "enable_deletion_protection" {
  description = "Deletion protection on ALBs and Aurora; also keeps a final DB snapshot."
  type        = bool
  default     = false
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alert topics."
  type        = list(string)
  default     = []
}

variable "rpo_seconds" {
  description = "Recovery point objective; the replication lag alarm fires at half of it."
  type        = number
  default     = 300
}

variable "alarm_5xx_threshold" {
  description = "ALB 5xx responses per minute that raise the regional 5xx alarm."
  type        = number
  default     = 50
}

variable "alarm_cpu_threshold" {
  description = "Average fleet CPU percent that raises the regional CPU alarm."
  type        = number
  default     = 80
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}

variable "rto_seconds" {
  description = "Recovery time objective, passed to the runbooks through the disaster-recovery outputs."
  type        = number
  default     = 900
}
