output "cluster_endpoint" {
  description = "Redshift cluster endpoint (host:port)."
  value       = aws_redshift_cluster.main.endpoint
}

output "cluster_security_group_id" {
  description = "Security group attached to the cluster."
  value       = aws_security_group.redshift.id
}
