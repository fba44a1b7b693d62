# One region's share of the global data tier: a KMS key, the regional Aurora cluster of the global
# database (writer when is_primary, read-only secondary otherwise) with its instances, and the
# regional Redis replication group (the global datastore's primary, a member of it, or standalone).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

locals {
  redis_member = var.enable_redis && var.enable_redis_global_datastore && !var.is_primary
}

resource "aws_kms_key" "data" {
  description             = "KALDRIX ${var.name} Aurora and Redis encryption"
  deletion_window_in_days = var.deletion_protection ? 30 : 7
  enable_key_rotation     = true
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "KALDRIX ${var.name} Aurora"
  subnet_ids  = var.subnet_ids
}

# The writer fence of the kdx runbooks (rds.fence_writes / unfence_writes in plans/failover.kdx
# and failback.kdx): its read-only parameter is turned on in the old writer's region during a
# failover and off again by the failback. Terraform creates it with the fence off and then leaves
# the parameter to the runbooks: an apply in the middle of an incident must not lift a fence.
resource "aws_rds_cluster_parameter_group" "fence" {
  name        = var.name
  family      = var.parameter_group_family
  description = "KALDRIX ${var.name}: the writer fence of the kdx runbooks"

  parameter {
    name         = var.fence_parameter
    value        = var.fence_parameter == "read_only" ? "0" : "off" # Aurora MySQL : PostgreSQL
    apply_method = "immediate"
  }

  lifecycle {
    ignore_changes = [parameter]
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier              = var.name
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.fence.name
  global_cluster_identifier       = var.global_cluster_id
  engine                          = var.engine
  engine_version                  = var.engine_version
  database_name                   = var.is_primary ? var.database_name : null
  master_username                 = var.is_primary ? var.master_username : null
  master_password_wo              = var.is_primary ? var.master_password : null
  master_password_wo_version      = var.is_primary ? 1 : null
  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [var.security_group_id]
  storage_encrypted               = true
  kms_key_id                      = aws_kms_key.data.arn
  backup_retention_period         = var.backup_retention_days
  deletion_protection             = var.deletion_protection
  skip_final_snapshot             = !var.deletion_protection
  final_snapshot_identifier       = var.deletion_protection ? "${var.name}-final" : null
  copy_tags_to_snapshot           = true

  # kdx promotes and fails over the global database: the writer region is then no longer the one
  # Terraform created it in. Engine upgrades of a global database are done outside, cluster by cluster.
  lifecycle {
    ignore_changes = [replication_source_identifier, engine_version]
  }
}

resource "aws_rds_cluster_instance" "this" {
  count                = var.instance_count
  identifier           = "${var.name}-${count.index + 1}"
  cluster_identifier   = aws_rds_cluster.this.id
  engine               = aws_rds_cluster.this.engine
  engine_version       = aws_rds_cluster.this.engine_version
  instance_class       = var.instance_class
  db_subnet_group_name = aws_db_subnet_group.this.name
  publicly_accessible  = false

  lifecycle {
    ignore_changes = [engine_version]
  }
}

resource "aws_elasticache_subnet_group" "this" {
  count       = var.enable_redis ? 1 : 0
  name        = var.name
  description = "KALDRIX ${var.name} Redis"
  subnet_ids  = var.subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  count                       = var.enable_redis ? 1 : 0
  replication_group_id        = var.name
  description                 = "KALDRIX ${var.name} session and cache store"
  global_replication_group_id = local.redis_member ? var.redis_global_id : null
  # A global datastore member inherits engine, version, node type and encryption from the primary.
  engine                     = local.redis_member ? null : "redis"
  engine_version             = local.redis_member ? null : var.redis_engine_version
  node_type                  = local.redis_member ? null : var.redis_node_type
  at_rest_encryption_enabled = local.redis_member ? null : true
  transit_encryption_enabled = local.redis_member ? null : true
  kms_key_id                 = aws_kms_key.data.arn
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this[0].name
  security_group_ids         = [var.security_group_id]
  snapshot_retention_limit   = var.is_primary ? 3 : 0
  apply_immediately          = !var.deletion_protection
}

resource "aws_elasticache_global_replication_group" "this" {
  count                                = var.enable_redis && var.enable_redis_global_datastore && var.is_primary ? 1 : 0
  global_replication_group_id_suffix   = var.redis_global_suffix
  global_replication_group_description = "KALDRIX ${var.redis_global_suffix} global datastore"
  primary_replication_group_id         = aws_elasticache_replication_group.this[0].id
}
