# One local copied into many places: each level doubles the one below (2^16 leaves),
# and twenty resources each reference the largest. Copies are paid for before they are
# made, against the value_mb budget.
locals {
  l0 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  l1 = { a = local.l0, b = local.l0 }
  l2 = { a = local.l1, b = local.l1 }
  l3 = { a = local.l2, b = local.l2 }
  l4 = { a = local.l3, b = local.l3 }
  l5 = { a = local.l4, b = local.l4 }
  l6 = { a = local.l5, b = local.l5 }
  l7 = { a = local.l6, b = local.l6 }
  l8 = { a = local.l7, b = local.l7 }
  l9 = { a = local.l8, b = local.l8 }
  l10 = { a = local.l9, b = local.l9 }
  l11 = { a = local.l10, b = local.l10 }
  l12 = { a = local.l11, b = local.l11 }
  l13 = { a = local.l12, b = local.l12 }
  l14 = { a = local.l13, b = local.l13 }
  l15 = { a = local.l14, b = local.l14 }
  l16 = { a = local.l15, b = local.l15 }
}

resource "aws_vpc" "v0" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v1" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v2" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v3" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v4" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v5" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v6" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v7" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v8" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v9" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v10" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v11" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v12" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v13" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v14" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v15" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v16" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v17" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v18" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}

resource "aws_vpc" "v19" {
  cidr_block = "10.0.0.0/16"
  tags       = { x = jsonencode(local.l16) }
}
