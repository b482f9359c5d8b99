resource "aws_vpc" "a" {
  count = -1
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "b" {
  count = 1.5
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "c" {
  count = 0/0
  cidr_block = "10.0.0.0/16"
}
