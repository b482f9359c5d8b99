# A module that calls itself 10,000 times per level: the depth limit alone would allow
# 10000^32 instances.
module "again" {
  count  = 10000
  source = "./"
}

resource "aws_security_group" "each" {
  name = "sg"
}
