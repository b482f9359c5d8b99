# RS101 with --strict: cluster_security_groups (legacy EC2-Classic groups; the
# argument exists up to AWS provider 4.x, hence the pin) comes from a variable with
# no default and no value, so whether the cluster uses legacy groups is unknown
# here; if the list is not empty, it does. Reported at that value, without a fix.

variable "legacy_security_groups" {
  type = list(string)
}

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
  cluster_security_groups   = var.legacy_security_groups # expect: RS101
  publicly_accessible       = false
  skip_final_snapshot       = true
}
