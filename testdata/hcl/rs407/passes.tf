# RS407 passes: Amazon Redshift manages the admin password in Secrets Manager.

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
}
