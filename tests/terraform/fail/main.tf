# kdx e2e: a plan that fails on a precondition, so Terraform's own message and location show.
variable "weight" {
  type    = number
  default = 150
}

resource "terraform_data" "weight" {
  input = var.weight

  lifecycle {
    precondition {
      condition     = var.weight <= 100
      error_message = "The weight must be at most 100."
    }
  }
}
