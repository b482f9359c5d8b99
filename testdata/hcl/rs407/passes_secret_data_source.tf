# RS407 passes: the password is read from Secrets Manager when Terraform runs.

provider "aws" {
  region = "us-east-1"
}

data "aws_secretsmanager_secret_version" "master" {
  secret_id = "analytics/redshift-master"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = true
  database_name       = "analytics"
  master_username     = "analytics_admin"
  master_password     = jsondecode(data.aws_secretsmanager_secret_version.master.secret_string)["password"]
}
