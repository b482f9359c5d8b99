# RS102: the subnet groups and the workgroup take their subnets from a data source
# that lists the VPC's subnets. What they return is known only at apply (the VPC is created by this
# configuration), so the number of subnets is unknown: not one subnet. Without
# --strict nothing is reported; with it, each list is reported as unknown.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.2.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_subnet" "private_c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.3.0/24"
  availability_zone = "eu-west-1c"
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  depends_on = [aws_subnet.private_a, aws_subnet.private_b, aws_subnet.private_c]
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = data.aws_subnets.private.ids # expect: RS102
}

resource "aws_redshift_subnet_group" "reporting" {
  name       = "reporting"
  subnet_ids = data.aws_subnets.private.ids # expect: RS102
}

resource "aws_security_group" "redshift" {
  name   = "redshift-analytics"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift from inside the VPC"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.30.0.0/16"]
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

resource "aws_redshift_cluster" "reporting" {
  cluster_identifier        = "reporting"
  node_type                 = "ra3.xlplus"
  database_name             = "reporting"
  master_username           = "reporting_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.reporting.name
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}

resource "aws_redshiftserverless_namespace" "adhoc" {
  namespace_name = "adhoc"
}

resource "aws_redshiftserverless_workgroup" "adhoc" {
  namespace_name     = aws_redshiftserverless_namespace.adhoc.namespace_name
  workgroup_name     = "adhoc"
  subnet_ids         = data.aws_subnets.private.ids # expect: RS102
  security_group_ids = [aws_security_group.redshift.id]
}
