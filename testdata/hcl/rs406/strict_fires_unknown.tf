# RS406 with --strict: the database name comes from a variable without a value.

variable "database" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  skip_final_snapshot    = true
  master_username        = "analytics_admin"
  manage_master_password = true
  database_name          = var.database  # expect: RS406
}
