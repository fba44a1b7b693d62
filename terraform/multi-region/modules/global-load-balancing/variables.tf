variable "name_prefix" {
  description = "Prefix of every name, e.g. kaldrix-staging."
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

variable "traffic_weights" {
  description = "Weight per region (Global Accelerator endpoint weights follow the DNS weights)."
  type        = map(number)
}

variable "fleet_capacity" {
  description = "Auto Scaling group min/desired/max per region."
  type = map(object({
    min     = number
    desired = number
    max     = number
  }))
}

variable "certificate_arns" {
  description = "ACM certificate per region; missing means HTTP only."
  type        = map(string)
}

variable "app_port" {
  type = number
}

variable "health_check_path" {
  type = string
}

variable "ami_id" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "wait_for_capacity_timeout" {
  type = string
}

variable "deletion_protection" {
  type = bool
}

variable "enable_global_accelerator" {
  type = bool
}
