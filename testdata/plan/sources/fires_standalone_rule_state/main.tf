# Plan-only case (RS105 fires): like passes_standalone_rule_state, but the
# standalone rule the configuration keeps, aws_vpc_security_group_ingress_rule.clients,
# admits 0.0.0.0/0 on 5439; the one the plan deletes (.office, 10.0.0.0/8) is
# still in the group's state. The finding is on the kept rule, judged from its
# own resource, not from the group's state.

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

resource "aws_vpc_security_group_ingress_rule" "clients" {
  security_group_id = aws_security_group.redshift.id
  description       = "Redshift from anywhere"
  cidr_ipv4         = "0.0.0.0/0" # expect: RS105
  from_port         = 5439
  to_port           = 5439
  ip_protocol       = "tcp"
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
