output "cluster_id" {
  value = aws_rds_cluster.this.id
}

output "cluster_arn" {
  value = aws_rds_cluster.this.arn
}

output "cluster_endpoint" {
  value = aws_rds_cluster.this.endpoint
}

output "reader_endpoint" {
  value = aws_rds_cluster.this.reader_endpoint
}

output "instance_ids" {
  value = aws_rds_cluster_instance.this[*].identifier
}

output "kms_key_arn" {
  value = aws_kms_key.data.arn
}

output "redis_replication_group_id" {
  value = var.enable_redis ? aws_elasticache_replication_group.this[0].id : null
}

output "redis_primary_endpoint" {
  value = var.enable_redis ? aws_elasticache_replication_group.this[0].primary_endpoint_address : null
}

output "redis_global_id" {
  value = length(aws_elasticache_global_replication_group.this) > 0 ? aws_elasticache_global_replication_group.this[0].global_replication_group_id : var.redis_global_id
}

output "parameter_group_name" {
  value = aws_rds_cluster_parameter_group.fence.name
}
