# Security group for a database, reachable on var.port from var.cidrs.

resource "aws_security_group" "this" {
  name   = var.name
  vpc_id = var.vpc_id

  ingress {
    description = "Database clients"
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = var.cidrs # expect: RS105
  }
}
