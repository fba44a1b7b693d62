# The regional entry points (ALB, target group, listener, Auto Scaling fleet) of the three KALDRIX
# regions, and optionally a Global Accelerator in front of them. moto does not emulate Global
# Accelerator, so the local override sets enable_global_accelerator = false.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1, aws.us_west_2, aws.eu_west_1]
    }
  }
}

module "us_east_1" {
  source                    = "./region"
  providers                 = { aws = aws.us_east_1 }
  name                      = "${var.name_prefix}-us-east-1"
  region                    = "us-east-1"
  vpc_id                    = var.vpcs["us-east-1"].vpc_id
  public_subnet_ids         = var.vpcs["us-east-1"].public_subnet_ids
  private_subnet_ids        = var.vpcs["us-east-1"].private_subnet_ids
  alb_security_group_id     = var.vpcs["us-east-1"].alb_security_group_id
  app_security_group_id     = var.vpcs["us-east-1"].app_security_group_id
  certificate_arn           = lookup(var.certificate_arns, "us-east-1", "")
  capacity                  = var.fleet_capacity["us-east-1"]
  app_port                  = var.app_port
  health_check_path         = var.health_check_path
  ami_id                    = var.ami_id
  instance_type             = var.instance_type
  wait_for_capacity_timeout = var.wait_for_capacity_timeout
  deletion_protection       = var.deletion_protection
}

module "us_west_2" {
  source                    = "./region"
  providers                 = { aws = aws.us_west_2 }
  name                      = "${var.name_prefix}-us-west-2"
  region                    = "us-west-2"
  vpc_id                    = var.vpcs["us-west-2"].vpc_id
  public_subnet_ids         = var.vpcs["us-west-2"].public_subnet_ids
  private_subnet_ids        = var.vpcs["us-west-2"].private_subnet_ids
  alb_security_group_id     = var.vpcs["us-west-2"].alb_security_group_id
  app_security_group_id     = var.vpcs["us-west-2"].app_security_group_id
  certificate_arn           = lookup(var.certificate_arns, "us-west-2", "")
  capacity                  = var.fleet_capacity["us-west-2"]
  app_port                  = var.app_port
  health_check_path         = var.health_check_path
  ami_id                    = var.ami_id
  instance_type             = var.instance_type
  wait_for_capacity_timeout = var.wait_for_capacity_timeout
  deletion_protection       = var.deletion_protection
}

module "eu_west_1" {
  source                    = "./region"
  providers                 = { aws = aws.eu_west_1 }
  name                      = "${var.name_prefix}-eu-west-1"
  region                    = "eu-west-1"
  vpc_id                    = var.vpcs["eu-west-1"].vpc_id
  public_subnet_ids         = var.vpcs["eu-west-1"].public_subnet_ids
  private_subnet_ids        = var.vpcs["eu-west-1"].private_subnet_ids
  alb_security_group_id     = var.vpcs["eu-west-1"].alb_security_group_id
  app_security_group_id     = var.vpcs["eu-west-1"].app_security_group_id
  certificate_arn           = lookup(var.certificate_arns, "eu-west-1", "")
  capacity                  = var.fleet_capacity["eu-west-1"]
  app_port                  = var.app_port
  health_check_path         = var.health_check_path
  ami_id                    = var.ami_id
  instance_type             = var.instance_type
  wait_for_capacity_timeout = var.wait_for_capacity_timeout
  deletion_protection       = var.deletion_protection
}

locals {
  regions = {
    "us-east-1" = module.us_east_1
    "us-west-2" = module.us_west_2
    "eu-west-1" = module.eu_west_1
  }
}

# Global Accelerator's API lives in us-west-2 whatever the endpoints' regions are.
resource "aws_globalaccelerator_accelerator" "this" {
  provider        = aws.us_west_2
  count           = var.enable_global_accelerator ? 1 : 0
  name            = var.name_prefix
  ip_address_type = "IPV4"
  enabled         = true
}

resource "aws_globalaccelerator_listener" "http" {
  provider        = aws.us_west_2
  count           = var.enable_global_accelerator ? 1 : 0
  accelerator_arn = aws_globalaccelerator_accelerator.this[0].id
  protocol        = "TCP"

  port_range {
    from_port = 80
    to_port   = 80
  }

  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "region" {
  provider                = aws.us_west_2
  for_each                = var.enable_global_accelerator ? local.regions : {}
  listener_arn            = aws_globalaccelerator_listener.http[0].id
  endpoint_group_region   = each.key
  traffic_dial_percentage = 100
  health_check_path       = var.health_check_path
  health_check_protocol   = each.value.https ? "HTTPS" : "HTTP"
  health_check_port       = each.value.https ? 443 : 80

  endpoint_configuration {
    endpoint_id                    = each.value.alb_arn
    weight                         = var.traffic_weights[each.key]
    client_ip_preservation_enabled = true
  }
}
