# Two security groups whose inline rules name each other: Terraform cannot plan the cycle.
resource "aws_security_group" "a" {
  name = "a"
  ingress {
    from_port       = 5439
    to_port         = 5439
    protocol        = "tcp"
    security_groups = [aws_security_group.b.id]
  }
}

resource "aws_security_group" "b" {
  name = "b"
  ingress {
    from_port       = 5439
    to_port         = 5439
    protocol        = "tcp"
    security_groups = [aws_security_group.a.id]
  }
}
