# RS109 fires: a custom parameter group of family redshift-1.0 that does not set
# require_ssl; in that family the parameter defaults to false. Finding at the
# family line.

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
  name   = "redshift-analytics"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_redshift_parameter_group" "analytics" {
  name   = "analytics-legacy"
  family = "redshift-1.0" # expect: RS109

  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }
  parameter {
    name  = "require_ssl"
    value = "true"
  }
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier           = "analytics"
  node_type                    = "ra3.xlplus"
  database_name                = "analytics"
  master_username              = "analytics_admin"
  manage_master_password       = true
  cluster_subnet_group_name    = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids       = [aws_security_group.redshift.id]
  cluster_parameter_group_name = aws_redshift_parameter_group.analytics.name
  publicly_accessible          = false
  skip_final_snapshot          = true
}
