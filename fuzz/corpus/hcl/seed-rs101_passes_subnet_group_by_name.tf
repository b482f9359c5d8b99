# RS101 passes: the subnet group is named by a literal string and is managed
# outside this configuration (not in scope). It is set, so the cluster is in a
# VPC; a subnet group that is out of scope is unknown, not absent.

provider "aws" {
  region = "us-east-1"
}

variable "vpc_id" {
  type = string
}

resource "aws_security_group" "redshift" {
  name   = "redshift-analytics"
  vpc_id = var.vpc_id

  ingress {
    description = "Redshift from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

# cluster_subnet_group_name is set (to a group created by the network team).
resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = "shared-private-analytics"
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}
