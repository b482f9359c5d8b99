# RS101 with --strict: cluster_subnet_group_name comes from a variable with no
# default and no value given. It may turn out null or empty, and then the
# cluster is not placed in a VPC at all: unknown, so reported only with --strict.

variable "subnet_group_name" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_security_group" "redshift" {
  name        = "redshift-analytics"
  description = "Redshift clients"

  ingress {
    description = "Redshift from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = var.subnet_group_name # expect: RS101
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}
