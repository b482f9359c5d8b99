# checkov's suppressions, written inside the resource they skip, are honoured for the
# redshield rule each Redshift check maps to (docs/compatibility.md).
resource "aws_redshift_cluster" "analytics" {
  #checkov:skip=CKV_AWS_87:the cluster is reached through a partner VPN only
  #checkov:skip=CKV_AWS_20:not a Redshift check, passed over
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  master_username        = "analytics_admin"
  manage_master_password = true
  database_name          = "analytics"
  publicly_accessible    = true
  encrypted              = true
  enhanced_vpc_routing   = false

  automated_snapshot_retention_period = 7
}
