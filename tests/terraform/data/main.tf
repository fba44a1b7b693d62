# kdx e2e: a configuration with no provider at all (terraform_data is built in).
variable "name" {
  type    = string
  default = "kdx"
}

variable "replicas" {
  type    = number
  default = 3
}

resource "terraform_data" "a" {
  input = { name = var.name, replicas = var.replicas }
}

resource "terraform_data" "b" {
  input            = "${var.name}-b"
  triggers_replace = [var.replicas]
}

output "name" {
  value = terraform_data.b.output
}

output "replicas" {
  value = var.replicas
}

output "weights" {
  value = { "us-east-1" = 70, "us-west-2" = 20, "eu-west-1" = 10 }
}

output "regions" {
  value = ["us-east-1", "us-west-2", "eu-west-1"]
}

output "admin_password" {
  value     = "hunter2-${var.name}"
  sensitive = true
}
