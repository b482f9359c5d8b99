# RS403 fires: automated snapshots are kept 3 days, fewer than the default minimum of 7.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true
  automated_snapshot_retention_period = 3  # expect: RS403
}
