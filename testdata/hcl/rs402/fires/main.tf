# RS402 fires: the cluster names no KMS key, so a key AWS owns encrypts it.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {  # expect: RS402
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true
  encrypted              = true
}
