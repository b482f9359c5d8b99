# RS206 with --strict: the group's only egress rule allows TCP 443 to a range taken
# from a variable with no default and no value. If that range holds no AWS endpoint
# (S3, Glue, an interface endpoint), the cluster cannot reach them.

variable "endpoints_cidr" {
  type = string
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

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

# The only egress block allows HTTPS to a range from a variable: Terraform revokes
# the allow-all egress rule AWS adds to a new group, so nothing else goes out.
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

  egress {
    description = "HTTPS to the AWS service endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.endpoints_cidr] # expect: RS206
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
