# RS407 fires: the password is the literal default of a variable, read through a local; the
# finding points at the literal. No fix: removing the attribute would leave the literal here.

provider "aws" {
  region = "us-east-1"
}

variable "master_password" {
  type      = string
  sensitive = true
  default   = "Rs407-Fixture-Default-1" # expect: RS407
}

locals {
  admin_password = var.master_password
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = true
  database_name       = "analytics"
  master_username     = "analytics_admin"
  master_password     = local.admin_password
}
