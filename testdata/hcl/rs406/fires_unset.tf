# RS406 fires: database_name is unset, so AWS names the database dev.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {  # expect: RS406
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  master_username        = "analytics_admin"
  manage_master_password = true
}
