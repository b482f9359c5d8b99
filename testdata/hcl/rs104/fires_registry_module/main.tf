# RS104 fires (high): the cluster is inside a module from the registry, installed by
# `terraform init` into .terraform/modules/redshift (listed in
# .terraform/modules/modules.json; our own small module stands in for
# terraform-aws-modules/redshift/aws). The finding is in the module's file and names
# module.redshift.

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

module "redshift" {
  source  = "terraform-aws-modules/redshift/aws"
  version = "6.0.0"

  cluster_identifier  = "analytics"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  vpc_id              = aws_vpc.main.id
  publicly_accessible = true
}
