# RS108 fires (at the aws_default_network_acl header): the warehouse subnets
# have no explicit NACL association, so they use the VPC's default NACL. This
# configuration adopts that default NACL with aws_default_network_acl and writes
# no ingress/egress entries: Terraform deletes AWS's allow-all rules and only
# the implicit final deny remains, blocking S3 both ways.

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

  egress {
    description = "HTTPS to S3 and other AWS service endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Adopts the default NACL; no entries are written, so all existing ones are
# removed on apply.
resource "aws_default_network_acl" "default" { # expect: RS108
  default_network_acl_id = aws_vpc.main.default_network_acl_id
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "1.178.4.0/24"
  }
  egress {
    rule_no    = 101
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "1.178.5.0/24"
  }
  egress {
    rule_no    = 102
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "1.178.6.0/24"
  }
  egress {
    rule_no    = 103
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "3.2.64.0/24"
  }
  egress {
    rule_no    = 104
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "3.2.65.0/24"
  }
  egress {
    rule_no    = 105
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "3.2.74.0/24"
  }
  egress {
    rule_no    = 106
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "3.5.0.0/19"
  }
  egress {
    rule_no    = 107
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.156.0/22"
  }
  egress {
    rule_no    = 108
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.160.0/22"
  }
  egress {
    rule_no    = 109
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.164.0/22"
  }
  egress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.168.0/22"
  }
  egress {
    rule_no    = 111
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.172.0/22"
  }
  egress {
    rule_no    = 112
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.176.0/20"
  }
  egress {
    rule_no    = 113
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.15.192.0/18"
  }
  egress {
    rule_no    = 114
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "16.182.0.0/16"
  }
  egress {
    rule_no    = 115
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "18.34.0.0/19"
  }
  egress {
    rule_no    = 116
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "18.34.232.0/21"
  }
  egress {
    rule_no    = 117
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "44.192.134.240/28"
  }
  egress {
    rule_no    = 118
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "44.192.140.64/28"
  }
  egress {
    rule_no    = 119
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "52.216.0.0/15"
  }
  egress {
    rule_no    = 120
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "54.231.0.0/16"
  }
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "1.178.4.0/24"
  }
  ingress {
    rule_no    = 101
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "1.178.5.0/24"
  }
  ingress {
    rule_no    = 102
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "1.178.6.0/24"
  }
  ingress {
    rule_no    = 103
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "3.2.64.0/24"
  }
  ingress {
    rule_no    = 104
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "3.2.65.0/24"
  }
  ingress {
    rule_no    = 105
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "3.2.74.0/24"
  }
  ingress {
    rule_no    = 106
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "3.5.0.0/19"
  }
  ingress {
    rule_no    = 107
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.156.0/22"
  }
  ingress {
    rule_no    = 108
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.160.0/22"
  }
  ingress {
    rule_no    = 109
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.164.0/22"
  }
  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.168.0/22"
  }
  ingress {
    rule_no    = 111
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.172.0/22"
  }
  ingress {
    rule_no    = 112
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.176.0/20"
  }
  ingress {
    rule_no    = 113
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.15.192.0/18"
  }
  ingress {
    rule_no    = 114
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "16.182.0.0/16"
  }
  ingress {
    rule_no    = 115
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "18.34.0.0/19"
  }
  ingress {
    rule_no    = 116
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "18.34.232.0/21"
  }
  ingress {
    rule_no    = 117
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "44.192.134.240/28"
  }
  ingress {
    rule_no    = 118
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "44.192.140.64/28"
  }
  ingress {
    rule_no    = 119
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "52.216.0.0/15"
  }
  ingress {
    rule_no    = 120
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "54.231.0.0/16"
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
