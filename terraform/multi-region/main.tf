# KALDRIX multi-region stack: networks and DNS, the global data tier, regional entry points and
# fleets, monitoring, and the disaster-recovery outputs the kdx runbooks read. Regions are fixed
# to us-east-1, us-west-2 and eu-west-1 (one provider each); which one is primary is a variable.

data "aws_caller_identity" "current" {
  provider = aws.us_east_1
}

# What the target API can do. Against AWS: everything. scripts/moto-override.sh overrides this
# local in moto_override.tf (an override file wins over any -var-file), so that an apply against
# moto_server skips what moto 5.2.1 does not emulate whatever the environment's tfvars ask for.
locals {
  target_supports = {
    elasticache_replication_groups = true
    elasticache_global_datastore   = true
    global_accelerator             = true
    asg_capacity_wait              = true
  }
}

locals {
  enable_redis                  = var.enable_redis && local.target_supports.elasticache_replication_groups
  enable_redis_global_datastore = var.enable_redis_global_datastore && local.target_supports.elasticache_global_datastore
  enable_global_accelerator     = var.enable_global_accelerator && local.target_supports.global_accelerator
  asg_wait_for_capacity_timeout = local.target_supports.asg_capacity_wait ? var.asg_wait_for_capacity_timeout : "0"

  name_prefix = "${var.project}-${var.environment}"
  domain_name = var.domain_name != "" ? trimsuffix(var.domain_name, ".") : "${var.environment}.kaldrix.io"
  failover_region = var.failover_region != "" ? var.failover_region : [
    for r in ["us-east-1", "us-west-2", "eu-west-1"] : r if r != var.primary_region
  ][0]
}

module "global_networking" {
  source = "./modules/global-networking"
  providers = {
    aws.us_east_1 = aws.us_east_1
    aws.us_west_2 = aws.us_west_2
    aws.eu_west_1 = aws.eu_west_1
  }

  name_prefix          = local.name_prefix
  environment          = var.environment
  domain_name          = local.domain_name
  primary_region       = var.primary_region
  failover_region      = local.failover_region
  traffic_weights      = var.traffic_weights
  vpc_cidrs            = var.vpc_cidrs
  az_count             = var.az_count
  app_port             = var.app_port
  alb_dns_names        = module.global_load_balancing.alb_dns_names
  https_regions        = module.global_load_balancing.https_regions
  enable_health_checks = var.enable_health_checks
  health_check_path    = var.health_check_path
  deletion_protection  = var.enable_deletion_protection
}

module "global_load_balancing" {
  source = "./modules/global-load-balancing"
  providers = {
    aws.us_east_1 = aws.us_east_1
    aws.us_west_2 = aws.us_west_2
    aws.eu_west_1 = aws.eu_west_1
  }

  name_prefix               = local.name_prefix
  vpcs                      = module.global_networking.vpcs
  traffic_weights           = var.traffic_weights
  fleet_capacity            = var.fleet_capacity
  certificate_arns          = var.certificate_arns
  app_port                  = var.app_port
  health_check_path         = var.health_check_path
  ami_id                    = var.ami_id
  instance_type             = var.instance_type
  wait_for_capacity_timeout = local.asg_wait_for_capacity_timeout
  deletion_protection       = var.enable_deletion_protection
  enable_global_accelerator = local.enable_global_accelerator
}

module "global_database" {
  source = "./modules/global-database"
  providers = {
    aws.us_east_1 = aws.us_east_1
    aws.us_west_2 = aws.us_west_2
    aws.eu_west_1 = aws.eu_west_1
  }

  name_prefix                   = local.name_prefix
  primary_region                = var.primary_region
  vpcs                          = module.global_networking.vpcs
  engine                        = var.db_engine
  engine_version                = var.db_engine_version
  instance_class                = var.db_instance_class
  instances_per_region          = var.db_instances_per_region
  database_name                 = var.db_name
  master_username               = var.db_master_username
  master_password               = var.db_master_password
  generate_master_password      = !var.db_master_password_from_vault
  backup_retention_days         = var.db_backup_retention_days
  deletion_protection           = var.enable_deletion_protection
  enable_redis                  = local.enable_redis
  enable_redis_global_datastore = local.enable_redis_global_datastore
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
}

module "global_monitoring" {
  source = "./modules/global-monitoring"
  providers = {
    aws.us_east_1 = aws.us_east_1
    aws.us_west_2 = aws.us_west_2
    aws.eu_west_1 = aws.eu_west_1
  }

  name_prefix         = local.name_prefix
  account_id          = data.aws_caller_identity.current.account_id
  load_balancing      = module.global_load_balancing.regions
  db_cluster_ids      = { for r, d in module.global_database.regions : r => d.cluster_id }
  health_check_ids    = module.global_networking.health_check_ids
  alert_emails        = var.alert_emails
  rpo_seconds         = var.rpo_seconds
  alarm_5xx_threshold = var.alarm_5xx_threshold
  alarm_cpu_threshold = var.alarm_cpu_threshold
}

module "disaster_recovery" {
  source = "./modules/disaster-recovery"

  environment               = var.environment
  primary_region            = var.primary_region
  failover_region           = local.failover_region
  traffic_weights           = var.traffic_weights
  rpo_seconds               = var.rpo_seconds
  rto_seconds               = var.rto_seconds
  zone_id                   = module.global_networking.zone_id
  zone_name                 = module.global_networking.zone_name
  api_fqdn                  = module.global_networking.api_fqdn
  failover_fqdn             = module.global_networking.failover_fqdn
  weighted_records          = module.global_networking.weighted_records
  failover_records          = module.global_networking.failover_records
  health_check_ids          = module.global_networking.health_check_ids
  load_balancing            = module.global_load_balancing.regions
  database_regions          = module.global_database.regions
  global_cluster_id         = module.global_database.global_cluster_id
  global_cluster_arn        = module.global_database.global_cluster_arn
  redis_global_datastore_id = module.global_database.redis_global_datastore_id
  alarm_names               = module.global_monitoring.alarm_names
  topic_arns                = module.global_monitoring.topic_arns
  dashboard_name            = module.global_monitoring.dashboard_name
}
