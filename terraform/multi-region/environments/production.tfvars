# KALDRIX production: the full 70/20/10 layout, three AZs, deletion protection, Global Accelerator.
environment    = "production"
domain_name    = "kaldrix.io"
primary_region = "us-east-1"

traffic_weights = {
  "us-east-1" = 70
  "us-west-2" = 20
  "eu-west-1" = 10
}

az_count      = 3
instance_type = "m6i.large"

fleet_capacity = {
  "us-east-1" = { min = 3, desired = 6, max = 12 }
  "us-west-2" = { min = 2, desired = 2, max = 12 }
  "eu-west-1" = { min = 1, desired = 1, max = 8 }
}

db_instance_class = "db.r6g.xlarge"
db_instances_per_region = {
  "us-east-1" = 2
  "us-west-2" = 2
  "eu-west-1" = 1
}
db_backup_retention_days = 14

enable_redis                  = true
enable_redis_global_datastore = true
redis_node_type               = "cache.r6g.large"

enable_health_checks       = true
enable_global_accelerator  = true
enable_deletion_protection = true

rpo_seconds = 300
rto_seconds = 900

alarm_5xx_threshold = 50
alarm_cpu_threshold = 75
