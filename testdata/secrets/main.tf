# Admin passwords written as literals, beside findings of other rules whose excerpts and fix
# diffs would show the password lines: no report format may print a password
# (tests/cli.rs: a_password_is_printed_by_no_report_format).

provider "aws" {
  region = "us-east-1"
}

variable "reporting_password" {
  type    = string
  default = "Cli-Secret-Default-2"
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  master_username     = "awsuser"
  master_password     = "Cli-Secret-Literal-1"
  publicly_accessible = true
  encrypted           = false
}

resource "aws_redshift_cluster" "reporting" {
  cluster_identifier  = "reporting"
  node_type           = "ra3.xlplus"
  master_username     = "reporting_admin"
  # redshield:ignore RS407 rotated by the platform team
  master_password     = var.reporting_password
  publicly_accessible = true
}
