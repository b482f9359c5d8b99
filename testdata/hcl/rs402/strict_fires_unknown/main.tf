# RS402 with --strict: the key comes from a variable without a value.

variable "key" {
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
  master_username        = "analytics_admin"
  manage_master_password = true
  kms_key_id             = var.key  # expect: RS402
}
