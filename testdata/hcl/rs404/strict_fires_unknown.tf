# RS404 with --strict: allow_version_upgrade comes from a variable without a value.

variable "flag" {
  type = bool
}

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
  allow_version_upgrade  = var.flag  # expect: RS404
}
