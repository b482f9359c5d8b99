# Plan-only case (RS105 fires): the local module ./modules/sg is called with
# count = 2; each instance creates a security group that opens 5439 to
# 0.0.0.0/0. The cluster uses module.sg[0].security_group_id, so in the plan
# its vpc_security_group_ids is unknown and can be traced only through the
# configuration references: module.sg[0].security_group_id -> module output
# -> aws_security_group.this (instance module.sg[0]).

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

module "sg" {
  source = "./modules/sg"
  count  = 2
  name   = "redshift-analytics-${count.index}"
  vpc_id = aws_vpc.main.id
  cidrs  = ["0.0.0.0/0"]
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids    = [module.sg[0].security_group_id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}
