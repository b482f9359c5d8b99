# RS405 with --strict: the admin user name comes from a variable without a value.

variable "admin" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  database_name          = "analytics"
  manage_master_password = true
  master_username        = var.admin  # expect: RS405
}
