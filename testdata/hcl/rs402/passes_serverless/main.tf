# RS402 passes: the namespace is encrypted with a customer-managed key.

resource "aws_kms_key" "redshift" {
  enable_key_rotation = true
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name        = "analytics"
  db_name               = "analytics"
  admin_username        = "analytics_admin"
  manage_admin_password = true
  kms_key_id            = aws_kms_key.redshift.arn
}

resource "aws_redshiftserverless_workgroup" "analytics" {
  namespace_name = aws_redshiftserverless_namespace.analytics.namespace_name
  workgroup_name = "analytics"
}
