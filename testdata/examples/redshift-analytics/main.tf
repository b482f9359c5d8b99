# Redshift: security group, subnet group, parameter group, cluster, audit logging.

resource "aws_security_group" "redshift" {
  name        = "${var.project}-redshift"
  description = "Redshift cluster access"
  vpc_id      = aws_vpc.main.id

  # Problem (RS105): the Redshift port is open to the whole internet.
  ingress {
    description = "Redshift clients"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # expect: RS105
  }

  egress {
    description = "HTTPS to AWS endpoints (S3, Secrets Manager)"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_redshift_subnet_group" "main" {
  name       = "${var.project}-private"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

# Problem (RS109): a redshift-1.0 group that does not set require_ssl
# (it defaults to false in that family).
resource "aws_redshift_parameter_group" "main" {
  name   = "${var.project}-params"
  family = "redshift-1.0" # expect: RS109

  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }

  parameter {
    name  = "max_concurrency_scaling_clusters"
    value = "1"
  }
}

# Problem (RS104): publicly_accessible is unset; provider ~> 5.0 defaults it to true.
resource "aws_redshift_cluster" "main" { # expect: RS104 RS100
  cluster_identifier           = var.project
  node_type                    = var.node_type
  cluster_type                 = "multi-node"
  number_of_nodes              = var.number_of_nodes
  database_name                = var.database_name
  master_username              = var.admin_username
  manage_master_password       = true
  encrypted                    = true
  enhanced_vpc_routing         = true
  automated_snapshot_retention_period = 7
  cluster_subnet_group_name    = aws_redshift_subnet_group.main.name
  vpc_security_group_ids       = [aws_security_group.redshift.id]
  cluster_parameter_group_name = aws_redshift_parameter_group.main.name
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${var.project}-final"
}

resource "aws_redshift_logging" "main" {
  cluster_identifier   = aws_redshift_cluster.main.id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog", "userlog", "useractivitylog"]
}
