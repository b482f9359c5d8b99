# count far past the instance limit: an error at the count, not 100 million resources.
resource "aws_security_group" "many" {
  count = 100000000
  name  = "sg-${count.index}"
}
