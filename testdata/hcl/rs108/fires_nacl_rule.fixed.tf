# RS108 fires: the NACL is built from standalone aws_network_acl_rule entries and
# attached with aws_network_acl_association. Egress rule 90 (deny TCP 443 to
# 16.182.0.0/16, a us-east-1 S3 prefix) is declared after rule 100 in the file
# but is evaluated first by rule number, so HTTPS to that S3 range is denied.

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

resource "aws_network_acl" "redshift" {
  vpc_id = aws_vpc.main.id
}

resource "aws_network_acl_rule" "redshift_s3_egress_89" {
  network_acl_id = aws_network_acl.redshift.id
  rule_number    = 89
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "16.182.0.0/16"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_association" "private_a" {
  network_acl_id = aws_network_acl.redshift.id
  subnet_id      = aws_subnet.private_a.id
}

resource "aws_network_acl_association" "private_b" {
  network_acl_id = aws_network_acl.redshift.id
  subnet_id      = aws_subnet.private_b.id
}

resource "aws_network_acl_rule" "out_https" {
  network_acl_id = aws_network_acl.redshift.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# Evaluated before out_https (90 < 100) whatever the order in the file.
resource "aws_network_acl_rule" "out_block_s3" {
  network_acl_id = aws_network_acl.redshift.id
  rule_number    = 90
  egress         = true
  protocol       = "tcp"
  rule_action    = "deny" # expect: RS108
  cidr_block     = "16.182.0.0/16"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "in_ephemeral" {
  network_acl_id = aws_network_acl.redshift.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "in_redshift" {
  network_acl_id = aws_network_acl.redshift.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 5439
  to_port        = 5439
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
