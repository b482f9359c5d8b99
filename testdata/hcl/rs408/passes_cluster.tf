# RS408 passes: a provisioned cluster is not judged (RS303 covers its audit logging).

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
