# RS402 passes: the cluster is encrypted with a customer-managed key.

resource "aws_kms_key" "redshift" {
  enable_key_rotation = true
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
  encrypted              = true
  kms_key_id             = aws_kms_key.redshift.arn
}
