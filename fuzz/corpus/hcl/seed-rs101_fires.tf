# RS101 fires: the cluster names no subnet group (cluster_subnet_group_name is
# unset), so it is not placed in subnets of a VPC this configuration controls.
# The finding points at the resource header because the attribute is missing.

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

resource "aws_redshift_cluster" "analytics" { # expect: RS101
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  database_name          = "analytics"
  master_username        = "analytics_admin"
  manage_master_password = true
  vpc_security_group_ids = [aws_security_group.redshift.id]
  publicly_accessible    = false
  skip_final_snapshot    = true
}
