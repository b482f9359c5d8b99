# RS401 fires (medium): encrypted is unset and no required_providers constraint keeps out AWS
# provider 5.x, whose default is false.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {  # expect: RS401
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true

  encrypted = true
}
