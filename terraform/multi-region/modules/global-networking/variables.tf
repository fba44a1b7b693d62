variable "name_prefix" {
  description = "Prefix of every name, e.g. kaldrix-staging."
  type        = string
}

variable "environment" {
  description = "Deployment environment."
  type        = string
}

variable "domain_name" {
  description = "Hosted zone name, without the trailing dot."
  type        = string
}

variable "primary_region" {
  description = "Region of the PRIMARY failover record."
  type        = string
}

variable "failover_region" {
  description = "Region of the SECONDARY failover record."
  type        = string
}

variable "traffic_weights" {
  description = "Weight per region on api.<domain>."
  type        = map(number)
}

variable "vpc_cidrs" {
  description = "VPC CIDR per region."
  type        = map(string)
}

variable "az_count" {
  description = "Availability zones per region."
  type        = number
}

variable "app_port" {
  description = "Application port behind the ALBs."
  type        = number
}

variable "alb_dns_names" {
  description = "DNS name of the ALB per region (from global-load-balancing)."
  type        = map(string)
}

variable "https_regions" {
  description = "Regions whose ALB listens on HTTPS (health checks probe 443 there)."
  type        = list(string)
  default     = []
}

variable "enable_health_checks" {
  description = "Create and attach Route 53 health checks."
  type        = bool
}

variable "health_check_path" {
  description = "Path the health checks probe."
  type        = string
}

variable "record_ttl" {
  description = "TTL of the CNAME records: short, so that weight changes take effect within the RTO."
  type        = number
  default     = 60
}

variable "deletion_protection" {
  description = "When true the zone is not force-destroyed with records still in it."
  type        = bool
}
