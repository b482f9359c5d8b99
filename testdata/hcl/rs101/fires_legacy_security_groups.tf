# RS101 fires: the cluster still uses legacy EC2-Classic Redshift security groups
# (cluster_security_groups). The argument only exists up to AWS provider 4.x
# (removed in 5.0 together with aws_redshift_security_group), hence the pin.
# The cluster does have a subnet group, so the only finding is on the
# cluster_security_groups line.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 4.67"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "master_password" {
  type      = string
  sensitive = true
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  master_password           = var.master_password
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  cluster_security_groups   = ["legacy"] # expect: RS101
  publicly_accessible       = false
  skip_final_snapshot       = true
}
