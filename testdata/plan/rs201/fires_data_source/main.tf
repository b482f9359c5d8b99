# RS201 fires: everything is written with data "aws_iam_policy_document". The
# role gets its S3 read through a managed aws_iam_policy attached with
# aws_iam_role_policy_attachment, and joins the cluster through
# aws_redshift_cluster_iam_roles. The bucket policy denies requests whose
# aws:SourceVpce is not the in-scope S3 gateway endpoint.

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

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_redshift_subnet_group" "analytics" {
  name       = "analytics"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
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

data "aws_iam_policy_document" "redshift_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "spectrum" {
  name               = "redshift-spectrum"
  assume_role_policy = data.aws_iam_policy_document.redshift_trust.json
}

data "aws_iam_policy_document" "spectrum_read" {
  statement {
    sid       = "ReadExternalTables"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.spectrum.arn, "${aws_s3_bucket.spectrum.arn}/*"]
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

resource "aws_s3_bucket" "spectrum" {
  bucket = "spectrum-data"
}

data "aws_iam_policy_document" "spectrum_bucket" {
  statement {
    sid       = "DenyOutsideVpce"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.spectrum.arn, "${aws_s3_bucket.spectrum.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals" # expect: RS201
      variable = "aws:SourceVpce"
      values   = [aws_vpc_endpoint.s3.id]
    }
  }
}

resource "aws_s3_bucket_policy" "spectrum" {
  bucket = aws_s3_bucket.spectrum.id
  policy = data.aws_iam_policy_document.spectrum_bucket.json
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier        = "analytics"
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.analytics.name
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}

resource "aws_redshift_cluster_iam_roles" "analytics" {
  cluster_identifier = aws_redshift_cluster.analytics.cluster_identifier
  iam_role_arns      = [aws_iam_role.spectrum.arn]
}
