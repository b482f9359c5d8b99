# RS403 fires: the retention period is unset, and AWS keeps automated snapshots 1 day.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {  # expect: RS403
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true
}
