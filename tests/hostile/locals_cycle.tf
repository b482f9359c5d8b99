# A reference cycle through locals (a -> b -> c -> a) used by a resource.
locals {
  a = "${local.b}-a"
  b = "${local.c}-b"
  c = "${local.a}-c"
}

resource "aws_security_group" "cyclic" {
  name = local.a
}
