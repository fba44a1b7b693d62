# kdx e2e: the hashicorp/aws provider (from /opt/tf-plugins) against a moto_server.
# The endpoint comes in as a variable; credentials come from the AWS_* environment kdx passes.
variable "endpoint" {
  type        = string
  description = "moto_server URL, e.g. http://127.0.0.1:5000"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "name" {
  type    = string
  default = "kdx-e2e"
}

variable "weights" {
  type    = map(number)
  default = { "us-east-1" = 70, "us-west-2" = 30 }
}

provider "aws" {
  region                      = var.region
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    sns     = var.endpoint
    route53 = var.endpoint
    sts     = var.endpoint
  }
}

resource "aws_sns_topic" "alerts" {
  name = "${var.name}-alerts"
}

resource "aws_route53_zone" "main" {
  name          = "${var.name}.example.com"
  force_destroy = true
}

resource "aws_route53_record" "api" {
  for_each       = var.weights
  zone_id        = aws_route53_zone.main.zone_id
  name           = "api.${var.name}.example.com"
  type           = "A"
  ttl            = 60
  records        = [each.key == "us-east-1" ? "10.0.1.10" : "10.0.2.10"]
  set_identifier = each.key

  weighted_routing_policy {
    weight = each.value
  }
}

output "topic_arn" {
  value = aws_sns_topic.alerts.arn
}

output "zone_id" {
  value = aws_route53_zone.main.zone_id
}

output "weights" {
  value = { for k, r in aws_route53_record.api : k => r.weighted_routing_policy[0].weight }
}
