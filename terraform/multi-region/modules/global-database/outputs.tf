output "global_cluster_id" {
  value = aws_rds_global_cluster.this.id
}

output "global_cluster_arn" {
  value = aws_rds_global_cluster.this.arn
}

output "primary_cluster_arn" {
  value = local.primary.cluster_arn
}

output "regions" {
  description = "Per region: Aurora cluster and Redis identifiers."
  value = { for r, m in local.regions : r => {
    cluster_id                 = m.cluster_id
    cluster_arn                = m.cluster_arn
    cluster_endpoint           = m.cluster_endpoint
    reader_endpoint            = m.reader_endpoint
    instance_ids               = m.instance_ids
    kms_key_arn                = m.kms_key_arn
    parameter_group_name       = m.parameter_group_name
    redis_replication_group_id = m.redis_replication_group_id
    redis_primary_endpoint     = m.redis_primary_endpoint
  } }
}

output "redis_global_datastore_id" {
  value = local.redis_global_id
}

output "master_secret_arn" {
  description = "Secret holding the generated master user and password (null when given from Vault)."
  value       = length(aws_secretsmanager_secret.master) > 0 ? aws_secretsmanager_secret.master[0].arn : null
}
