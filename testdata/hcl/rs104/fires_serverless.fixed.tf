# RS104 fires (high, Serverless): the workgroup sets publicly_accessible = true.

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

resource "aws_subnet" "private_c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.3.0/24"
  availability_zone = "us-east-1c"
}

resource "aws_security_group" "redshift" {
  name   = "redshift-serverless"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift Serverless from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name        = "analytics"
  db_name               = "analytics"
  admin_username        = "analytics_admin"
  manage_admin_password = true
}

resource "aws_redshiftserverless_workgroup" "analytics" {
  namespace_name      = aws_redshiftserverless_namespace.analytics.namespace_name
  workgroup_name      = "analytics"
  base_capacity       = 8
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id, aws_subnet.private_c.id]
  security_group_ids  = [aws_security_group.redshift.id]
  publicly_accessible = false # expect: RS104
}
