# KALDRIX staging: production's shape at a small size; what the kdx demo deploys and fails over.
environment    = "staging"
domain_name    = "staging.kaldrix.io"
primary_region = "us-east-1"

traffic_weights = {
  "us-east-1" = 70
  "us-west-2" = 20
  "eu-west-1" = 10
}

az_count      = 2
instance_type = "t3.medium"

# The runbooks' view of staging (plans/environments/staging.kdxvars, fleet_size = 3): us-east-1
# at 100 %, us-west-2 at 60 % and eu-west-1 at 40 % of 3 instances; a failover grows the target to
# 3 and the failback shrinks it back, so max is the fleet size everywhere.
fleet_capacity = {
  "us-east-1" = { min = 1, desired = 3, max = 3 }
  "us-west-2" = { min = 1, desired = 2, max = 3 }
  "eu-west-1" = { min = 1, desired = 2, max = 3 }
}

db_instance_class = "db.r6g.large"
db_instances_per_region = {
  "us-east-1" = 1
  "us-west-2" = 1
  "eu-west-1" = 1
}
db_backup_retention_days = 3

enable_redis                  = true
enable_redis_global_datastore = true
redis_node_type               = "cache.r6g.large"

enable_health_checks       = true
enable_global_accelerator  = false
enable_deletion_protection = false

rpo_seconds = 300
rto_seconds = 900

alarm_5xx_threshold = 50
alarm_cpu_threshold = 80
