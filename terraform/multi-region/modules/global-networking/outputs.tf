output "vpcs" {
  description = "Per region: vpc_id, public/private subnet ids, security group ids, AZs."
  value = { for r, m in local.regions : r => {
    vpc_id                 = m.vpc_id
    public_subnet_ids      = m.public_subnet_ids
    private_subnet_ids     = m.private_subnet_ids
    alb_security_group_id  = m.alb_security_group_id
    app_security_group_id  = m.app_security_group_id
    data_security_group_id = m.data_security_group_id
    availability_zones     = m.availability_zones
  } }
}

output "zone_id" {
  value = aws_route53_zone.this.zone_id
}

output "zone_name" {
  value = aws_route53_zone.this.name
}

output "name_servers" {
  value = aws_route53_zone.this.name_servers
}

output "api_fqdn" {
  value = local.api_fqdn
}

output "failover_fqdn" {
  value = local.failover_fqdn
}

output "weighted_records" {
  description = "Per region: the weighted record on api.<domain> as Route 53 holds it."
  value = { for r, rec in aws_route53_record.api_weighted : r => {
    name            = "${rec.fqdn}."
    type            = rec.type
    ttl             = rec.ttl
    value           = one(rec.records)
    set_identifier  = rec.set_identifier
    weight          = var.traffic_weights[r]
    health_check_id = rec.health_check_id
  } }
}

output "failover_records" {
  description = "PRIMARY and SECONDARY: the failover records on www.<domain>."
  value = { for role, rec in aws_route53_record.www_failover : role => {
    name            = "${rec.fqdn}."
    region          = local.failover_pair[role]
    type            = rec.type
    ttl             = rec.ttl
    value           = one(rec.records)
    set_identifier  = rec.set_identifier
    health_check_id = rec.health_check_id
  } }
}

output "health_check_ids" {
  value = { for r, hc in aws_route53_health_check.region : r => hc.id }
}
