# RS407 fires: the namespace's admin password is a literal; the workgroup uses the namespace.

provider "aws" {
  region = "us-east-1"
}

resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name      = "analytics"
  db_name             = "analytics"
  admin_username      = "analytics_admin"
  admin_user_password = "Rs407-Fixture-Serverless-1" # expect: RS407
}

resource "aws_redshiftserverless_workgroup" "analytics" {
  namespace_name = aws_redshiftserverless_namespace.analytics.namespace_name
  workgroup_name = "analytics"
}
