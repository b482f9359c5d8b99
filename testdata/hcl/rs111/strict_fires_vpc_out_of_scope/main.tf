# RS111 with --strict (require_dedicated_tenancy = true in redshield.toml): the subnets
# are data sources, so the warehouse's VPC is not in scope and its instance tenancy is
# unknown here; if it is not dedicated, the warehouse runs on shared hardware.

provider "aws" {
  region = "us-east-1"
}

data "aws_subnet" "private_a" {
  id = "subnet-0a1b2c3d4e5f60001"
}

data "aws_subnet" "private_b" {
  id = "subnet-0a1b2c3d4e5f60002"
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = [data.aws_subnet.private_a.id, data.aws_subnet.private_b.id] # expect: RS111
}

resource "aws_security_group" "redshift" {
  name   = "redshift-analytics"
  vpc_id = data.aws_subnet.private_a.vpc_id

  ingress {
    description = "Redshift from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
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
