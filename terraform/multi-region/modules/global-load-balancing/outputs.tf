output "regions" {
  description = "Per region: ALB, target group and Auto Scaling group identifiers."
  value = { for r, m in local.regions : r => {
    alb_arn                 = m.alb_arn
    alb_arn_suffix          = m.alb_arn_suffix
    alb_dns_name            = m.alb_dns_name
    alb_zone_id             = m.alb_zone_id
    target_group_arn        = m.target_group_arn
    target_group_arn_suffix = m.target_group_arn_suffix
    asg_name                = m.asg_name
    asg_arn                 = m.asg_arn
    asg_capacity            = m.asg_capacity
    https                   = m.https
  } }
}

output "alb_dns_names" {
  value = { for r, m in local.regions : r => m.alb_dns_name }
}

output "https_regions" {
  value = [for r, m in local.regions : r if m.https]
}

output "global_accelerator_dns_name" {
  value = var.enable_global_accelerator ? aws_globalaccelerator_accelerator.this[0].dns_name : null
}
