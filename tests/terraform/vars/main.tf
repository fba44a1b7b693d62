# kdx unit test: variables of every type, echoed as outputs, to check that kdx values given as
# -var come back unchanged from terraform output -json (tests/unit/test_tf_ops.c).
variable "s" {
  type = string
}

variable "n" {
  type = number
}

variable "b" {
  type = bool
}

variable "l" {
  type = list(string)
}

variable "m" {
  type = map(number)
}

variable "o" {
  type = object({ name = string, regions = list(string), weight = number })
}

output "s" { value = var.s }
output "n" { value = var.n }
output "b" { value = var.b }
output "l" { value = var.l }
output "m" { value = var.m }
output "o" { value = var.o }
