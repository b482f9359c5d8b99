# RS406 fires: the cluster's database is named dev, the default.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  master_username        = "analytics_admin"
  manage_master_password = true
  database_name          = "dev"  # expect: RS406
}
