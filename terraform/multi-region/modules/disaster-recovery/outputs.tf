output "runbook" {
  description = "Everything plans/*.kdx reads, keyed the way the runbooks address it."
  value = {
    environment               = var.environment
    primary_region            = var.primary_region
    failover_region           = var.failover_region
    regions                   = local.regions
    traffic_weights           = var.traffic_weights
    objectives                = { rpo_seconds = var.rpo_seconds, rto_seconds = var.rto_seconds }
    zone_id                   = var.zone_id
    zone_name                 = "${trimsuffix(var.zone_name, ".")}."
    api_record_name           = "${var.api_fqdn}."
    api_record_type           = "CNAME"
    www_record_name           = "${var.failover_fqdn}."
    set_identifiers           = { for r in local.regions : r => var.weighted_records[r].set_identifier }
    weighted_records          = var.weighted_records
    failover_records          = var.failover_records
    health_check_ids          = var.health_check_ids
    global_cluster_id         = var.global_cluster_id
    global_cluster_arn        = var.global_cluster_arn
    cluster_ids               = { for r in local.regions : r => var.database_regions[r].cluster_id }
    cluster_arns              = { for r in local.regions : r => var.database_regions[r].cluster_arn }
    parameter_groups          = { for r in local.regions : r => var.database_regions[r].parameter_group_name }
    redis_global_datastore_id = var.redis_global_datastore_id
    asg_names                 = { for r in local.regions : r => var.load_balancing[r].asg_name }
    alb_dns_names             = { for r in local.regions : r => var.load_balancing[r].alb_dns_name }
    alarm_names               = var.alarm_names
    topic_arns                = var.topic_arns
    topic_arn                 = var.topic_arns[var.primary_region]
    dashboard_name            = var.dashboard_name
    per_region                = local.per_region
  }
}
