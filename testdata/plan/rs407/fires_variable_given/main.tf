# RS407 passes, with --strict too: the variable has no value in the files analyzed, so the
# password is given when Terraform runs (-var, TF_VAR_…), not written in the source.

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
