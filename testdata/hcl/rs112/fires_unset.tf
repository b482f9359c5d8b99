# RS112 fires: the cluster leaves enhanced_vpc_routing unset, and it is off by default.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {  # expect: RS112
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true
}
