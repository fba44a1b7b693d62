# The KALDRIX global data tier: an Aurora global cluster whose writer sits in the primary region
# and whose read-only secondaries sit in the other two, plus Redis per region joined into an
# ElastiCache global datastore. moto has no global datastore: the local override turns it off.
#
# Providers cannot be chosen per instance, so each region has a "primary" and a "secondary" module
# block and exactly one of the two is counted in; every secondary depends on all the primaries,
# which orders creation (writer first) and destruction (secondaries first) whatever the primary is.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1, aws.us_west_2, aws.eu_west_1]
    }
  }
}

# Without a password from Vault (TF_VAR_db_master_password), Secrets Manager makes one; the
# clusters ignore later changes of it, so each plan's new value never forces a change.
data "aws_secretsmanager_random_password" "master" {
  provider            = aws.us_east_1
  count               = var.master_password == "" ? 1 : 0
  password_length     = 32
  exclude_punctuation = true
}

locals {
  master_password = var.master_password != "" ? var.master_password : data.aws_secretsmanager_random_password.master[0].random_password
}

resource "aws_rds_global_cluster" "this" {
  provider                  = aws.us_east_1
  global_cluster_identifier = var.name_prefix
  engine                    = var.engine
  engine_version            = var.engine_version
  database_name             = var.database_name
  storage_encrypted         = true
  deletion_protection       = var.deletion_protection

  lifecycle {
    ignore_changes = [engine_version]
  }
}

module "primary_us_east_1" {
  source                        = "./region"
  count                         = var.primary_region == "us-east-1" ? 1 : 0
  providers                     = { aws = aws.us_east_1 }
  name                          = "${var.name_prefix}-us-east-1"
  is_primary                    = true
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["us-east-1"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["us-east-1"].private_subnet_ids
  security_group_id             = var.vpcs["us-east-1"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = null
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
}

module "primary_us_west_2" {
  source                        = "./region"
  count                         = var.primary_region == "us-west-2" ? 1 : 0
  providers                     = { aws = aws.us_west_2 }
  name                          = "${var.name_prefix}-us-west-2"
  is_primary                    = true
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["us-west-2"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["us-west-2"].private_subnet_ids
  security_group_id             = var.vpcs["us-west-2"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = null
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
}

module "primary_eu_west_1" {
  source                        = "./region"
  count                         = var.primary_region == "eu-west-1" ? 1 : 0
  providers                     = { aws = aws.eu_west_1 }
  name                          = "${var.name_prefix}-eu-west-1"
  is_primary                    = true
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["eu-west-1"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["eu-west-1"].private_subnet_ids
  security_group_id             = var.vpcs["eu-west-1"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = null
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
}

module "secondary_us_east_1" {
  source                        = "./region"
  count                         = var.primary_region == "us-east-1" ? 0 : 1
  providers                     = { aws = aws.us_east_1 }
  name                          = "${var.name_prefix}-us-east-1"
  is_primary                    = false
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["us-east-1"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["us-east-1"].private_subnet_ids
  security_group_id             = var.vpcs["us-east-1"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = local.redis_global_id
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
  depends_on                    = [module.primary_us_east_1, module.primary_us_west_2, module.primary_eu_west_1]
}

module "secondary_us_west_2" {
  source                        = "./region"
  count                         = var.primary_region == "us-west-2" ? 0 : 1
  providers                     = { aws = aws.us_west_2 }
  name                          = "${var.name_prefix}-us-west-2"
  is_primary                    = false
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["us-west-2"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["us-west-2"].private_subnet_ids
  security_group_id             = var.vpcs["us-west-2"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = local.redis_global_id
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
  depends_on                    = [module.primary_us_east_1, module.primary_us_west_2, module.primary_eu_west_1]
}

module "secondary_eu_west_1" {
  source                        = "./region"
  count                         = var.primary_region == "eu-west-1" ? 0 : 1
  providers                     = { aws = aws.eu_west_1 }
  name                          = "${var.name_prefix}-eu-west-1"
  is_primary                    = false
  global_cluster_id             = aws_rds_global_cluster.this.id
  engine                        = aws_rds_global_cluster.this.engine
  engine_version                = var.engine_version
  instance_class                = var.instance_class
  instance_count                = var.instances_per_region["eu-west-1"]
  database_name                 = var.database_name
  master_username               = var.master_username
  master_password               = local.master_password
  backup_retention_days         = var.backup_retention_days
  subnet_ids                    = var.vpcs["eu-west-1"].private_subnet_ids
  security_group_id             = var.vpcs["eu-west-1"].data_security_group_id
  deletion_protection           = var.deletion_protection
  enable_redis                  = var.enable_redis
  enable_redis_global_datastore = var.enable_redis_global_datastore
  redis_global_id               = local.redis_global_id
  redis_global_suffix           = var.name_prefix
  redis_node_type               = var.redis_node_type
  redis_engine_version          = var.redis_engine_version
  depends_on                    = [module.primary_us_east_1, module.primary_us_west_2, module.primary_eu_west_1]
}

locals {
  primary = one(concat(module.primary_us_east_1, module.primary_us_west_2, module.primary_eu_west_1))
  # Only a secondary reads this, and only after every primary module exists.
  redis_global_id = one(concat(
    module.primary_us_east_1[*].redis_global_id,
    module.primary_us_west_2[*].redis_global_id,
    module.primary_eu_west_1[*].redis_global_id,
  ))
  regions = {
    "us-east-1" = one(concat(module.primary_us_east_1, module.secondary_us_east_1))
    "us-west-2" = one(concat(module.primary_us_west_2, module.secondary_us_west_2))
    "eu-west-1" = one(concat(module.primary_eu_west_1, module.secondary_eu_west_1))
  }
}
