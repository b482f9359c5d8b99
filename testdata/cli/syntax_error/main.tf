# A valid file beside a broken one: its findings are still reported.
resource "aws_security_group" "redshift" {
  name = "redshift"
  ingress {
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  publicly_accessible    = false
  vpc_security_group_ids = [aws_security_group.redshift.id]
}
