# RS407 fires: the variable has no default, but terraform.tfvars gives it a literal.

provider "aws" {
  region = "us-east-1"
}

variable "master_password" {
  type      = string
  sensitive = true
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = true
  database_name       = "analytics"
  master_username     = "analytics_admin"
  master_password     = var.master_password
}
