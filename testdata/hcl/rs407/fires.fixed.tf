# RS407 fires: the cluster's admin password is a literal in the resource; the fix has Amazon
# Redshift manage it in Secrets Manager instead.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = true
  database_name       = "analytics"
  master_username     = "analytics_admin"
  manage_master_password = true # expect: RS407
}
