//! RS302 spectrum-bucket-no-data-events.

use crate::model::{Model, Trail, Truth};
use crate::rules::toolkit::{spectrum_buckets, unsure_reason};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// When a CloudTrail trail is in scope, flags a Spectrum bucket that no trail records S3
    /// object-level read events for (`event_selector` with an `AWS::S3::Object` data resource
    /// covering the bucket, or an `advanced_event_selector` selecting `Data` events on S3 objects;
    /// CloudFormation `EventSelectors`/`AdvancedEventSelectors`). Write-only selectors do not count.
    ///
    /// ## Why is this bad?
    /// CloudTrail data events record who read which object, with the caller's identity: the audit
    /// trail for the data Spectrum exposes. Management events alone do not show object reads.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html>, section
    /// "Logging and auditing Amazon S3 access" (CloudTrail data events for the buckets Spectrum
    /// reads); "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html> (CloudTrail
    /// for auditing).
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
    ///
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = "audit-trail"
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
    ///
    ///   Trail:
    ///     Type: AWS::CloudTrail::Trail
    ///     Properties:
    ///       IsLogging: true
    ///       S3BucketName: audit-trail
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
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = "audit-trail"
    ///   event_selector {
    ///     read_write_type = "All"
    ///     data_resource {
    ///       type   = "AWS::S3::Object"
    ///       values = ["arn:aws:s3:::spectrum-data/"]
    ///     }
    ///   }
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
    ///
    ///   Trail:
    ///     Type: AWS::CloudTrail::Trail
    ///     Properties:
    ///       IsLogging: true
    ///       S3BucketName: audit-trail
    ///       EventSelectors:
    ///         - ReadWriteType: All
    ///           DataResources:
    ///             - Type: AWS::S3::Object
    ///               Values: ["arn:aws:s3:::spectrum-data/"]
    /// ```
    ///
    /// ## Unknown values
    /// Without a trail in scope, nothing is judged (the account may have an organization trail). A
    /// selector that cannot be evaluated, or a bucket whose name is unknown, gives no finding.
    /// With `--strict`, a Spectrum bucket that no trail is known to cover, where some trail may
    /// (its `enable_logging`/`IsLogging`, its selectors, or a data resource or ARN in them is
    /// unknown), is reported at that trail's unknown logging switch, or at the trail when the
    /// unknown value is in its selectors. A bucket whose name is unknown is still not reported:
    /// without the name, no selector can be matched against it. Nor is a bucket a role may read
    /// through a `Resource` that cannot be evaluated: every bucket in scope (the trail's own log
    /// bucket included) would be one, so `--strict` judges only the buckets known to be read.
    /// A wildcard `Resource` (`*`, `arn:aws:s3:::*`) names no bucket either, but it does let the
    /// role read every bucket: with `--strict`, each other bucket in scope with a known name
    /// that no trail is known to cover is reported, the message saying that the role's policy
    /// names `*`, so whether the bucket is a Spectrum bucket is unknown, with the role's
    /// statement as a related location.
    /// A bucket named only by a role statement whose effect or actions are unknown is not known
    /// to be a Spectrum bucket: no finding; with `--strict` it is judged like one, the message
    /// saying that statement's effect or actions are unknown.
id: "RS302",
    name: "spectrum-bucket-no-data-events",
    severity: Low,
    summary: "no trail records S3 data events for a bucket Spectrum reads",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(first) = model.trails.first() else {
        return findings;
    };
    for warehouse in &model.warehouses {
        for (id, unsure) in spectrum_buckets(model, warehouse, config, false) {
            let Some(bucket) = model.buckets.get(id) else {
                continue;
            };
            let Some(name) = bucket.name.known() else {
                continue;
            };
            // Only the trails that may record it: the others answer no.
            let answers: Vec<(&Trail, Truth)> = model
                .trails_maybe_recording(name)
                .into_iter()
                .map(|t| (t, t.records_reads_of(name)))
                .collect();
            let recorded = Truth::any(answers.iter().map(|(_, t)| *t));
            let unrecorded = !recorded;
            if !config.reports(unrecorded) {
                continue;
            }
            let unknown = answers
                .iter()
                .find(|(_, t)| *t == Truth::Unknown)
                .map(|(trail, _)| *trail);
            let finding = match (unknown, unsure) {
                (None, None) => RULE.finding(
                    &first.meta,
                    first.meta.span,
                    format!(
                        "no trail records S3 data events for bucket {}, which {} reads",
                        bucket.meta.address, warehouse.meta.address
                    ),
                ),
                (None, Some(reads)) => RULE
                    .finding(
                        &first.meta,
                        first.meta.span,
                        format!(
                            "no trail records S3 data events for bucket {}; whether {} reads it is unknown here, since {}",
                            bucket.meta.address,
                            warehouse.meta.address,
                            unsure_reason(&reads)
                        ),
                    )
                    .with_unsure_reads(&reads),
                (Some(trail), unsure) => {
                    let (what, span) = if trail.logging.known().is_none() {
                        ("whether it is logging is", trail.logging.span)
                    } else if trail.selectors.known().is_none() {
                        ("its event selectors are", trail.meta.span)
                    } else {
                        (
                            "whether its event selectors cover the bucket is",
                            trail.meta.span,
                        )
                    };
                    let reads_it = match unsure {
                        None => format!("which {} reads", warehouse.meta.address),
                        Some(reads) => format!(
                            "which {} may read (unknown here, since {})",
                            warehouse.meta.address,
                            unsure_reason(&reads)
                        ),
                    };
                    let finding = RULE.finding(
                        &trail.meta,
                        span,
                        format!(
                            "no trail is known to record S3 data events for bucket {}, {reads_it}: for trail {}, {what} unknown here; if that trail does not record them, Spectrum's reads of the bucket leave no audit trail",
                            bucket.meta.address, trail.meta.address
                        ),
                    );
                    match unsure {
                        Some(reads) => finding.with_unsure_reads(&reads),
                        None => finding,
                    }
                }
            };
            findings.push(
                finding
                    .related_to("bucket", &bucket.meta)
                    .about_warehouse(warehouse),
            );
        }
    }
    findings
}
