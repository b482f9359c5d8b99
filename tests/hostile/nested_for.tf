# for expressions that multiply each other: 10^12 elements if nothing bounded them.
locals {
  cube = [for a in range(10000) : [for b in range(10000) : [for c in range(10000) : c]]]
}

resource "aws_security_group" "cube" {
  name = "sg-${length(local.cube)}"
}
