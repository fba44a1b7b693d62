# KALDRIX development: the cheapest layout that still has every moving part of a failover.
environment    = "development"
domain_name    = "dev.kaldrix.io"
primary_region = "us-east-1"

traffic_weights = {
  "us-east-1" = 70
  "us-west-2" = 20
  "eu-west-1" = 10
}

az_count      = 2
instance_type = "t3.small"

fleet_capacity = {
  "us-east-1" = { min = 1, desired = 1, max = 2 }
  "us-west-2" = { min = 1, desired = 1, max = 2 }
  "eu-west-1" = { min = 1, desired = 1, max = 2 }
}

db_instance_class = "db.r6g.large"
db_instances_per_region = {
  "us-east-1" = 1
  "us-west-2" = 1
  "eu-west-1" = 1
}
db_backup_retention_days = 1

# A global datastore needs r- or m-class nodes; development keeps one small Redis per region.
enable_redis                  = true
enable_redis_global_datastore = false
redis_node_type               = "cache.t4g.small"

enable_health_checks       = true
enable_global_accelerator  = false
enable_deletion_protection = false

rpo_seconds = 300
rto_seconds = 900

alarm_5xx_threshold = 100
alarm_cpu_threshold = 90
