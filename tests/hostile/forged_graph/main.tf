# The RS100 fixture with names and values forged against the graph formats (for_each keys
# become addresses): quotes, brackets, arrows, newlines, Mermaid comments and directives, HTML,
# backticks, DOT escapes. `redshield graph` and the Markdown report must each stay one valid
# diagram.
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

# public_a routes to the internet gateway; private_b and private_c use a table
# with the local route only.
resource "aws_subnet" "public_a" {
  for_each          = toset(["public_a\"]-->n1[\"forged by a subnet\n%%"])
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "us-east-1a\n%%{init: {'theme':'dark'}}%%\n<img src=x onerror=alert(1)>"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "private_c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.3.0/24"
  availability_zone = "us-east-1c"
}

resource "aws_route_table" "public" {
  for_each = toset(["rt\"; \"n9\" -> \"n1\\N\n}"])
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a["public_a\"]-->n1[\"forged by a subnet\n%%"].id
  route_table_id = aws_route_table.public["rt\"; \"n9\" -> \"n1\\N\n}"].id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_c" {
  subnet_id      = aws_subnet.private_c.id
  route_table_id = aws_route_table.private.id
}

resource "aws_network_acl" "redshift" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.public_a["public_a\"]-->n1[\"forged by a subnet\n%%"].id, aws_subnet.private_b.id, aws_subnet.private_c.id]

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 5439
    to_port    = 5439
    cidr_block = "0.0.0.0/0"
  }

  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }

  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }

  egress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "0.0.0.0/0"
  }
}

resource "aws_security_group" "redshift" {
  for_each = toset(["sg`%%<b>forged</b>` & \u202e"])
  name   = "redshift-analytics"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift clients"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = [aws_subnet.public_a["public_a\"]-->n1[\"forged by a subnet\n%%"].id, aws_subnet.private_b.id, aws_subnet.private_c.id]
}

resource "aws_redshift_cluster" "analytics" { 
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids    = [for sg in aws_security_group.redshift : sg.id]
  publicly_accessible       = true
  skip_final_snapshot       = true
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  vpc_endpoint_type = "Interface"
  service_name      = "com.amazonaws.us-east-1.s3\"]\nclick n2 call alert()\n%%"
  subnet_ids        = [aws_subnet.private_b.id]
}
