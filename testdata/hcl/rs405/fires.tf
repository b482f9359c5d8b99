# RS405 fires: the cluster's admin user is awsuser, the default name.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  manage_master_password = true
  master_username        = "awsuser"  # expect: RS405
}
