# RS406 fires: the namespace's database is named dev.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name        = "analytics"
  admin_username        = "analytics_admin"
  manage_admin_password = true
  db_name               = "dev"  # expect: RS406
}

resource "aws_redshiftserverless_workgroup" "analytics" {
  namespace_name = aws_redshiftserverless_namespace.analytics.namespace_name
  workgroup_name = "analytics"
}
