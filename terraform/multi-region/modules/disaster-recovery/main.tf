# What the kdx runbooks (plans/*.kdx) need to find the KALDRIX resources, gathered in one place:
# the hosted zone, the records with their set identifiers, the global cluster and its regional
# members, the fleets, alarms, topics, health checks and ALBs. It creates nothing; it is the
# contract between this configuration and the runbooks, read with `terraform output -json`.

terraform {
  required_version = ">= 1.5.0"
}

locals {
  regions = sort(keys(var.traffic_weights))

  per_region = { for r in local.regions : r => {
    role                       = r == var.primary_region ? "primary" : "secondary"
    weight                     = var.traffic_weights[r]
    record_set_identifier      = var.weighted_records[r].set_identifier
    health_check_id            = lookup(var.health_check_ids, r, null)
    alb_dns_name               = var.load_balancing[r].alb_dns_name
    alb_arn                    = var.load_balancing[r].alb_arn
    target_group_arn           = var.load_balancing[r].target_group_arn
    asg_name                   = var.load_balancing[r].asg_name
    asg_capacity               = var.load_balancing[r].asg_capacity
    db_cluster_id              = var.database_regions[r].cluster_id
    db_cluster_arn             = var.database_regions[r].cluster_arn
    db_cluster_endpoint        = var.database_regions[r].cluster_endpoint
    redis_replication_group_id = var.database_regions[r].redis_replication_group_id
    alarm_names                = var.alarm_names[r]
    topic_arn                  = var.topic_arns[r]
  } }
}
