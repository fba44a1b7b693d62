# kdx e2e: an invalid reference, caught by terraform plan.
resource "terraform_data" "x" {
  input = var.nope
}
