variable "name" {
  description = "Name prefix, e.g. kaldrix-staging-us-east-1."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block."
  type        = string
}

variable "az_count" {
  description = "Availability zones to spread subnets over."
  type        = number
}

variable "app_port" {
  description = "Application port behind the ALB."
  type        = number
}
