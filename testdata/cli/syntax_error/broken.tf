resource "aws_security_group" "broken" { ingress { from_port = 5439 to_port = }
