# Inline suppressions: on the line above an attribute, and above a whole resource.
resource "aws_security_group" "redshift" {
  name = "redshift"
  ingress {
    from_port = 5439
    to_port   = 5439
    protocol  = "tcp"
    # redshield:ignore RS105 the partner range is filtered upstream by the firewall
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# redshield:ignore RS101 RS112 RS303
resource "aws_redshift_cluster" "analytics" {
  cluster_identifier     = "analytics"
  node_type              = "ra3.xlplus"
  publicly_accessible    = true
  vpc_security_group_ids = [aws_security_group.redshift.id]
  database_name          = "analytics"
  encrypted              = true

  automated_snapshot_retention_period = 7
}
