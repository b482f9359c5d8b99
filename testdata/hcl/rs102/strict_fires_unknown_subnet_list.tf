# RS102 with --strict: the subnet group's subnet_ids come from a variable with no
# default and no value given, so how many subnets (and zones) the cluster gets is
# unknown; with fewer than two it sits in one zone: reported only with --strict.

variable "subnet_ids" {
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

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = var.subnet_ids # expect: RS102
}

resource "aws_security_group" "redshift" {
  name   = "redshift-analytics"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift from inside the VPC"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
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
