variable "name" {
  description = "Name of the ALB, target group and ASG (at most 32 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "ALB and target group names are at most 32 characters."
  }
}

variable "region" {
  description = "Region name, for tags."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "alb_security_group_id" {
  type = string
}

variable "app_security_group_id" {
  type = string
}

variable "app_port" {
  type = number
}

variable "health_check_path" {
  type = string
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS; empty for HTTP only."
  type        = string
  default     = ""
}

variable "ami_id" {
  description = "AMI; empty for the latest Amazon Linux 2023."
  type        = string
  default     = ""
}

variable "instance_type" {
  type = string
}

variable "capacity" {
  type = object({
    min     = number
    desired = number
    max     = number
  })
}

variable "wait_for_capacity_timeout" {
  type = string
}

variable "deletion_protection" {
  type = bool
}
