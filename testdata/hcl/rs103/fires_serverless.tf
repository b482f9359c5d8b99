# RS103 fires (Serverless): one of the three workgroup subnets (data_c) is
# associated with the public route table (0.0.0.0/0 -> IGW).

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "data_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "data_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "data_c" { # expect: RS103
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.3.0/24"
  availability_zone = "us-east-1c"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

# Copy-paste mistake: data_c was meant to use a private table.
resource "aws_route_table_association" "data_c" {
  subnet_id      = aws_subnet.data_c.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "redshift" {
  name   = "redshift-serverless"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift Serverless from inside the VPC"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
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
  subnet_ids          = [aws_subnet.data_a.id, aws_subnet.data_b.id, aws_subnet.data_c.id]
  security_group_ids  = [aws_security_group.redshift.id]
  publicly_accessible = false
}
