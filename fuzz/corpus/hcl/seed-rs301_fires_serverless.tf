# RS301 fires (Serverless): the namespace's default role gets S3 read from a
# managed policy (data "aws_iam_policy_document" -> aws_iam_policy ->
# aws_iam_role_policy_attachment); the bucket it names has no access logging.

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "private_c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.3.0/24"
  availability_zone = "us-east-1c"
}

resource "aws_security_group" "redshift" {
  name   = "redshift-analytics"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "Redshift from the corporate network"
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description = "HTTPS to S3 and other AWS service endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "spectrum" {
  name = "redshift-spectrum"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "redshift.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "aws_iam_policy_document" "spectrum_read" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::spectrum-data", "arn:aws:s3:::spectrum-data/*"]
  }
}

resource "aws_iam_policy" "spectrum_read" {
  name   = "spectrum-s3-read"
  policy = data.aws_iam_policy_document.spectrum_read.json
}

resource "aws_iam_role_policy_attachment" "spectrum_read" {
  role       = aws_iam_role.spectrum.name
  policy_arn = aws_iam_policy.spectrum_read.arn
}

resource "aws_s3_bucket" "spectrum" { # expect: RS301
  bucket = "spectrum-data"
}

resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name        = "analytics"
  db_name               = "analytics"
  admin_username        = "analytics_admin"
  manage_admin_password = true
  default_iam_role_arn  = aws_iam_role.spectrum.arn
}

resource "aws_redshiftserverless_workgroup" "analytics" {
  namespace_name      = aws_redshiftserverless_namespace.analytics.namespace_name
  workgroup_name      = "analytics"
  base_capacity       = 8
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id, aws_subnet.private_c.id]
  security_group_ids  = [aws_security_group.redshift.id]
  publicly_accessible = false
}
