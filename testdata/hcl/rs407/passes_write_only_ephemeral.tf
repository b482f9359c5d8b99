# RS407 passes: an ephemeral variable feeds the write-only argument: the password is in no
# file, state or plan.

terraform {
  required_version = ">= 1.11"
}

provider "aws" {
  region = "us-east-1"
}

variable "master_password" {
  type      = string
  ephemeral = true
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier         = "analytics"
  node_type                  = "ra3.xlplus"
  skip_final_snapshot        = true
  database_name              = "analytics"
  master_username            = "analytics_admin"
  master_password_wo         = var.master_password
  master_password_wo_version = 1
}
