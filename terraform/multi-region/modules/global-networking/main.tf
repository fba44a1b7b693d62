# Networks of the three KALDRIX regions and the global DNS in front of them: one Route 53 zone,
# a weighted record per region on api.<domain> (the 70/20/10 split the runbooks move), a
# PRIMARY/SECONDARY failover pair on www.<domain>, and a health check per regional ALB.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1, aws.us_west_2, aws.eu_west_1]
    }
  }
}

module "us_east_1" {
  source    = "./region"
  providers = { aws = aws.us_east_1 }
  name      = "${var.name_prefix}-us-east-1"
  cidr      = var.vpc_cidrs["us-east-1"]
  az_count  = var.az_count
  app_port  = var.app_port
}

module "us_west_2" {
  source    = "./region"
  providers = { aws = aws.us_west_2 }
  name      = "${var.name_prefix}-us-west-2"
  cidr      = var.vpc_cidrs["us-west-2"]
  az_count  = var.az_count
  app_port  = var.app_port
}

module "eu_west_1" {
  source    = "./region"
  providers = { aws = aws.eu_west_1 }
  name      = "${var.name_prefix}-eu-west-1"
  cidr      = var.vpc_cidrs["eu-west-1"]
  az_count  = var.az_count
  app_port  = var.app_port
}

locals {
  regions = {
    "us-east-1" = module.us_east_1
    "us-west-2" = module.us_west_2
    "eu-west-1" = module.eu_west_1
  }
  api_fqdn      = "api.${var.domain_name}"
  failover_fqdn = "www.${var.domain_name}"
  failover_pair = {
    PRIMARY   = var.primary_region
    SECONDARY = var.failover_region
  }
}

# Route 53 is a global service; its control plane is in us-east-1.
resource "aws_route53_zone" "this" {
  provider      = aws.us_east_1
  name          = var.domain_name
  comment       = "KALDRIX ${var.environment} multi-region entry points"
  force_destroy = !var.deletion_protection
}

resource "aws_route53_health_check" "region" {
  provider          = aws.us_east_1
  for_each          = var.enable_health_checks ? var.alb_dns_names : {}
  fqdn              = each.value
  type              = contains(var.https_regions, each.key) ? "HTTPS" : "HTTP"
  port              = contains(var.https_regions, each.key) ? 443 : 80
  resource_path     = var.health_check_path
  request_interval  = 10
  failure_threshold = 3
  measure_latency   = false

  tags = { Name = "${var.name_prefix}-${each.key}", Region = each.key }
}

resource "aws_route53_record" "api_weighted" {
  provider        = aws.us_east_1
  for_each        = var.alb_dns_names
  zone_id         = aws_route53_zone.this.zone_id
  name            = local.api_fqdn
  type            = "CNAME"
  ttl             = var.record_ttl
  records         = [each.value]
  set_identifier  = each.key
  health_check_id = var.enable_health_checks ? aws_route53_health_check.region[each.key].id : null

  weighted_routing_policy {
    weight = var.traffic_weights[each.key]
  }

  # The kdx runbooks move these weights during a failover; Terraform sets the baseline again on
  # the next apply, which is what a failback does.
}

resource "aws_route53_record" "www_failover" {
  provider        = aws.us_east_1
  for_each        = local.failover_pair
  zone_id         = aws_route53_zone.this.zone_id
  name            = local.failover_fqdn
  type            = "CNAME"
  ttl             = var.record_ttl
  records         = [var.alb_dns_names[each.value]]
  set_identifier  = "${lower(each.key)}-${each.value}"
  health_check_id = var.enable_health_checks ? aws_route53_health_check.region[each.value].id : null

  failover_routing_policy {
    type = each.key
  }

  lifecycle {
    precondition {
      condition     = var.primary_region != var.failover_region
      error_message = "the failover region must differ from the primary region."
    }
  }
}
