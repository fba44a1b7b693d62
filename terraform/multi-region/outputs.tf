# Top-level outputs. `runbook` is the contract with plans/*.kdx (see modules/disaster-recovery);
# the others are shortcuts for people and for the tests.

output "runbook" {
  description = "Everything the kdx runbooks read: zone, records, set identifiers, clusters, fleets, alarms, topics."
  value       = module.disaster_recovery.runbook
}

output "zone_id" {
  description = "Route 53 hosted zone id (without the /hostedzone/ prefix)."
  value       = module.global_networking.zone_id
}

output "zone_name" {
  value = module.global_networking.zone_name
}

output "name_servers" {
  description = "Delegate the domain to these from its parent zone."
  value       = module.global_networking.name_servers
}

output "api_record_name" {
  description = "FQDN (with the trailing dot) of the weighted record set."
  value       = "${module.global_networking.api_fqdn}."
}

output "set_identifiers" {
  description = "Weighted record set identifier per region."
  value       = module.disaster_recovery.runbook.set_identifiers
}

output "db_master_secret_arn" {
  description = "Secrets Manager secret with the generated Aurora master user (null when the password came from Vault)."
  value       = module.global_database.master_secret_arn
}

output "global_cluster_id" {
  value = module.global_database.global_cluster_id
}

output "cluster_arns" {
  value = module.disaster_recovery.runbook.cluster_arns
}

output "asg_names" {
  value = module.disaster_recovery.runbook.asg_names
}

output "alb_dns_names" {
  value = module.global_load_balancing.alb_dns_names
}

output "health_check_ids" {
  value = module.global_networking.health_check_ids
}

output "alarm_names" {
  value = module.global_monitoring.alarm_names
}

output "topic_arn" {
  description = "Alert topic of the primary region."
  value       = module.disaster_recovery.runbook.topic_arn
}

output "topic_arns" {
  value = module.global_monitoring.topic_arns
}

output "dashboard_name" {
  value = module.global_monitoring.dashboard_name
}

output "global_accelerator_dns_name" {
  value = module.global_load_balancing.global_accelerator_dns_name
}
