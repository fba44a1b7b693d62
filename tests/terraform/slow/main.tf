# kdx e2e: an apply that takes as long as we say, to test cancellation on timeout.
# The provisioner writes its shell's pid so the test can check nothing is left running.
variable "seconds" {
  type    = number
  default = 30
}

variable "pidfile" {
  type = string
}

resource "terraform_data" "slow" {
  input = var.seconds

  provisioner "local-exec" {
    command = "echo $$ > '${var.pidfile}'; sleep ${var.seconds}; echo done"
  }
}
