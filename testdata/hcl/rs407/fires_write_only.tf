# RS407 fires: a write-only argument keeps the password out of state and plan, but this one
# is still a literal in the source.

terraform {
  required_version = ">= 1.11"
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier         = "analytics"
  node_type                  = "ra3.xlplus"
  skip_final_snapshot        = true
  database_name              = "analytics"
  master_username            = "analytics_admin"
  master_password_wo         = "Rs407-Fixture-WriteOnly-1" # expect: RS407
  master_password_wo_version = 1
}
