# RS107 with --strict: vpc_security_group_ids comes from a list variable with no
# default and no value given. If the list is empty, AWS attaches the VPC's default
# security group: unknown, so reported only with --strict, at the unknown list.

variable "security_group_ids" {
  type = list(string)
}

provider "aws" {
  region = "us-east-1"
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
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids    = var.security_group_ids # expect: RS107
  publicly_accessible       = false
  skip_final_snapshot       = true
}
