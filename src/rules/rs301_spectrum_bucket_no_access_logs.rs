//! RS301 spectrum-bucket-no-access-logs.

use crate::model::{Model, Truth};
use crate::rules::toolkit::{Unknown, spectrum_buckets, unsure_reason};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a Spectrum bucket in scope (a bucket a role of the warehouse reads) without server access
    /// logging: no `aws_s3_bucket_logging`, no legacy `logging` block, no CloudFormation
    /// `LoggingConfiguration`.
    ///
    /// ## Why is this bad?
    /// Server access logs record every request made to the bucket, including those made by Spectrum
    /// and by anyone else holding the role. Without them there is no record of who read the data
    /// lake's files.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html>, section
    /// "Logging and auditing Amazon S3 access" (server access logging for the buckets Spectrum
    /// reads).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier = "analytics"
    ///   node_type          = "ra3.xlplus"
    ///   iam_roles          = [aws_iam_role.spectrum.arn]
    /// }
    ///
    /// resource "aws_iam_role" "spectrum" {
    ///   name = "spectrum"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRole"
    ///       Principal = { Service = "redshift.amazonaws.com" }
    ///     }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "read" {
    ///   role = aws_iam_role.spectrum.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:ListBucket"]
    ///       Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    ///     }]
    ///   })
    /// }
    ///
    /// resource "aws_s3_bucket" "data" {
    ///   bucket = "spectrum-data"
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       IamRoles: [!GetAtt SpectrumRole.Arn]
    ///
    ///   SpectrumRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: sts:AssumeRole
    ///             Principal:
    ///               Service: redshift.amazonaws.com
    ///       Policies:
    ///         - PolicyName: read
    ///           PolicyDocument:
    ///             Version: "2012-10-17"
    ///             Statement:
    ///               - Effect: Allow
    ///                 Action: [s3:GetObject, s3:ListBucket]
    ///                 Resource: [!GetAtt DataBucket.Arn, !Sub "${DataBucket.Arn}/*"]
    ///
    ///   DataBucket:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       BucketName: spectrum-data
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier = "analytics"
    ///   node_type          = "ra3.xlplus"
    ///   iam_roles          = [aws_iam_role.spectrum.arn]
    /// }
    ///
    /// resource "aws_iam_role" "spectrum" {
    ///   name = "spectrum"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRole"
    ///       Principal = { Service = "redshift.amazonaws.com" }
    ///     }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "read" {
    ///   role = aws_iam_role.spectrum.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:ListBucket"]
    ///       Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    ///     }]
    ///   })
    /// }
    ///
    /// resource "aws_s3_bucket" "data" {
    ///   bucket = "spectrum-data"
    /// }
    ///
    /// resource "aws_s3_bucket" "logs" {
    ///   bucket = "access-logs"
    /// }
    ///
    /// resource "aws_s3_bucket_logging" "data" {
    ///   bucket        = aws_s3_bucket.data.id
    ///   target_bucket = aws_s3_bucket.logs.id
    ///   target_prefix = "spectrum-data/"
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       IamRoles: [!GetAtt SpectrumRole.Arn]
    ///
    ///   SpectrumRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: sts:AssumeRole
    ///             Principal:
    ///               Service: redshift.amazonaws.com
    ///       Policies:
    ///         - PolicyName: read
    ///           PolicyDocument:
    ///             Version: "2012-10-17"
    ///             Statement:
    ///               - Effect: Allow
    ///                 Action: [s3:GetObject, s3:ListBucket]
    ///                 Resource: [!GetAtt DataBucket.Arn, !Sub "${DataBucket.Arn}/*"]
    ///
    ///   DataBucket:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       BucketName: spectrum-data
    ///       LoggingConfiguration:
    ///         DestinationBucketName: !Ref LogBucket
    ///         LogFilePrefix: spectrum-data/
    ///
    ///   LogBucket:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       BucketName: access-logs
    /// ```
    ///
    /// ## Unknown values
    /// A logging setting that cannot be evaluated (a legacy `logging` block made by a `dynamic`
    /// block over an unknown collection, a `LoggingConfiguration` under a condition on a
    /// parameter without a default) gives no finding. Neither does an `aws_s3_bucket_logging`
    /// whose `bucket` cannot be evaluated (a variable without a value): it may log any bucket in
    /// scope, so every bucket not otherwise known to be logged has unknown logging. Buckets not
    /// in scope, and buckets a policy names only through an unknown `Resource`, are not judged.
    /// A policy names a bucket through its ARN or its name inside an ARN
    /// (`"arn:aws:s3:::${aws_s3_bucket.x.bucket}/*"`, `!Join ["", ["arn:aws:s3:::", !Ref X]]`,
    /// `!Sub "${X.Arn}/*"`); a wildcard `Resource` (`*`, `arn:aws:s3:::*`) names no bucket.
    /// With `--strict`, a Spectrum bucket in scope whose logging setting is unknown is reported
    /// at that setting (or at the unknown `bucket` of the logging resource); and when a role of
    /// the warehouse reads S3 on a wildcard `Resource`, every other bucket in scope that is not
    /// known to be logged is reported (at the bucket, or at its unknown setting), the message
    /// saying that the role's policy names `*`, so whether the bucket is a Spectrum bucket is
    /// unknown, with the role's statement as a related location.
    /// A bucket named only by a role statement whose effect or actions are unknown is not known
    /// to be a Spectrum bucket: no finding; with `--strict` it is judged like one, the message
    /// saying that statement's effect or actions are unknown.
id: "RS301",
    name: "spectrum-bucket-no-access-logs",
    severity: Low,
    summary: "a bucket Spectrum reads has no server access logging",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        for (id, unsure) in spectrum_buckets(model, warehouse, config, false) {
            let Some(bucket) = model.buckets.get(id) else {
                continue;
            };
            let unlogged = bucket.logging.test(|b| !*b);
            if !config.reports(unlogged) {
                continue;
            }
            let (span, message) = match (unlogged, unsure) {
                (Truth::Unknown, None) => (
                    bucket.logging.span,
                    Unknown::is("its server access logging")
                        .when("it is off")
                        .of(
                            format!(
                                "bucket {} that {} reads through Spectrum",
                                bucket.meta.address, warehouse.meta.address
                            ),
                            "there is no record of who read the data",
                        ),
                ),
                (_, None) => (
                    bucket.meta.span,
                    format!(
                        "bucket {} that {} reads through Spectrum has no server access logging",
                        bucket.meta.address, warehouse.meta.address
                    ),
                ),
                (Truth::Unknown, Some(reads)) => (
                    bucket.logging.span,
                    format!(
                        "bucket {}: whether {} reads it through Spectrum is unknown here, since {}, and so is its server access logging",
                        bucket.meta.address,
                        warehouse.meta.address,
                        unsure_reason(&reads)
                    ),
                ),
                (_, Some(reads)) => (
                    bucket.meta.span,
                    format!(
                        "bucket {} has no server access logging; whether {} reads it through Spectrum is unknown here, since {}",
                        bucket.meta.address,
                        warehouse.meta.address,
                        unsure_reason(&reads)
                    ),
                ),
            };
            let mut finding = RULE
                .finding(&bucket.meta, span, message)
                .about_warehouse(warehouse);
            if let Some(reads) = unsure {
                finding = finding.with_unsure_reads(&reads);
            }
            findings.push(finding);
        }
    }
    findings
}
