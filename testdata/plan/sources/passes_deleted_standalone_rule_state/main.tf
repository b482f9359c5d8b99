# Plan-only case (RS105 passes): the existing group aws_security_group.redshift
# has no inline ingress, and its only rule was a standalone resource,
# aws_vpc_security_group_ingress_rule.world (0.0.0.0/0 on 5439), which is no
# longer in this configuration: the plan deletes it and keeps no other rule. The
# group's state lists the open rule in its ingress attribute (as a refresh would)
# and the plan shows that state in the group's `after`, but the rule will not
# exist after apply: the group's ingress is its state minus what the plan deletes.

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

resource "aws_security_group" "redshift" {
  name        = "redshift-analytics"
  description = "Redshift analytics cluster"
  vpc_id      = aws_vpc.main.id
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}
