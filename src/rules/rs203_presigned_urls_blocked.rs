//! RS203 presigned-urls-blocked.

use crate::model::policy::{Condition, PolicyDocument};
use crate::model::spectrum::UnsureReads;
use crate::model::{FixIntent, FixValue, Meta, Model, Span, Truth, Val};
use crate::rules::{Finding, RuleConfig, spectrum_buckets, unsure_reason};

declare_rule! {
    /// ## What it does
    /// Flags a policy on a Spectrum role or a Spectrum bucket that denies S3 requests authenticated
    /// by presigned URLs: a `Deny` when `s3:authType` is `REST-QUERY-STRING`, or when
    /// `s3:signatureAge` is greater than a limit below 3,600,000 ms (one hour).
    ///
    /// ## Why is this bad?
    /// Redshift Spectrum reads S3 objects with presigned URLs that are valid for up to an hour. A
    /// policy that denies query-string authentication, or signatures older than a few minutes, makes
    /// Spectrum queries fail with access errors that are hard to trace back to the policy.
    ///
    /// Source: seed 002 "Redshift Spectrum and enhanced VPC routing" and seed 004 "Accessing
    /// Amazon S3 buckets with Redshift Spectrum" (Spectrum uses presigned URLs; policies must not
    /// deny `REST-QUERY-STRING` or limit `s3:signatureAge` below an hour).
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
    /// resource "aws_s3_bucket_policy" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Deny"
    ///       Principal = "*"
    ///       Action    = "s3:*"
    ///       Resource  = ["${aws_s3_bucket.data.arn}/*"]
    ///       Condition = { NumericGreaterThan = { "s3:signatureAge" = "600000" } }
    ///     }]
    ///   })
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
    ///   DataPolicy:
    ///     Type: AWS::S3::BucketPolicy
    ///     Properties:
    ///       Bucket: !Ref DataBucket
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Deny
    ///             Principal: "*"
    ///             Action: "s3:*"
    ///             Resource: !Sub "${DataBucket.Arn}/*"
    ///             Condition:
    ///               NumericGreaterThan:
    ///                 s3:signatureAge: 600000
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
    /// resource "aws_s3_bucket_policy" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Deny"
    ///       Principal = "*"
    ///       Action    = "s3:*"
    ///       Resource  = ["${aws_s3_bucket.data.arn}/*"]
    ///       Condition = { NumericGreaterThan = { "s3:signatureAge" = "3600000" } }
    ///     }]
    ///   })
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
    ///   DataPolicy:
    ///     Type: AWS::S3::BucketPolicy
    ///     Properties:
    ///       Bucket: !Ref DataBucket
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Deny
    ///             Principal: "*"
    ///             Action: "s3:*"
    ///             Resource: !Sub "${DataBucket.Arn}/*"
    ///             Condition:
    ///               NumericGreaterThan:
    ///                 s3:signatureAge: 3600000
    /// ```
    ///
    /// ## Unknown values
    /// A condition value that cannot be evaluated, a statement whose `Effect` or `Action` cannot
    /// be evaluated, and a policy that cannot be read, give no finding. With `--strict`, a denied
    /// `s3:authType` or an `s3:signatureAge` limit that is unknown (on a statement that denies
    /// S3), an unknown `Effect` on a statement that would deny presigned URLs (reported at the
    /// effect), and unknown actions on one (reported at the statement) are reported, without a
    /// fix. A policy, statement or condition block that cannot be read at all is
    /// still not reported: nothing in it is known to touch presigned URLs. A role policy statement
    /// that reads S3 resources that cannot be evaluated (a `Resource` from a variable or parameter
    /// without a value) names no known bucket; with `--strict`, a policy of any other bucket in
    /// scope that denies presigned URLs is reported too, since the warehouse may read the bucket,
    /// with the role's statement as a related location and without a fix. A wildcard `Resource`
    /// (`*`, `arn:aws:s3:::*`) names no bucket either and is treated the same way with
    /// `--strict`, the message saying that the role's policy names `*`.
    /// A bucket named only by a role statement whose effect or actions are unknown is not known
    /// to be a Spectrum bucket: no finding; with `--strict` it is judged like one, the message
    /// saying that statement's effect or actions are unknown.
    ///
    /// ## Fix
    /// Raise the limit to 3600000.
id: "RS203",
    name: "presigned-urls-blocked",
    severity: High,
    summary: "a Spectrum policy denies the presigned URLs Spectrum reads with",
    fix: Sometimes,
    opt_in: false,
}

/// How old Spectrum's presigned-URL signatures may be, in milliseconds.
const SPECTRUM_SIGNATURE_AGE_MS: f64 = 3_600_000.0;

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let mut policies: Vec<(&Meta, &PolicyDocument, &str, Option<Reads>)> = Vec::new();
        for role in model.spectrum_roles(warehouse) {
            policies.extend(role.policies.iter().map(|p| (&role.meta, p, "role", None)));
        }
        for (id, unsure) in spectrum_buckets(model, warehouse, config, true) {
            if let Some(bucket) = model.buckets.get(id) {
                policies.extend(
                    bucket
                        .policies
                        .iter()
                        .map(|p| (&bucket.meta, p, "bucket", unsure)),
                );
            }
        }
        for (owner, policy, what, unsure) in policies {
            for statement in policy.statements.iter().filter(|s| {
                // A statement denies S3 when its effect is Deny and its actions cover S3.
                let denies_s3 = s.is_deny().and(s.covers_s3());
                if unsure.is_some() {
                    denies_s3.is_true()
                } else {
                    config.reports(denies_s3)
                }
            }) {
                let denies = statement.is_deny();
                let covers_s3 = statement.covers_s3();
                for condition in &statement.conditions {
                    // Raising a too-short signature age limit is the fix; a denied auth type is
                    // the user's policy to rewrite.
                    let fix = match (condition.key.as_str(), condition.values.first()) {
                        ("s3:signatureage", Some(limit)) => {
                            limit.known().map(|old| FixIntent::Replace {
                                span: limit.span,
                                old: old.clone(),
                                value: FixValue::Int(SPECTRUM_SIGNATURE_AGE_MS as i64),
                            })
                        }
                        _ => None,
                    };
                    let blocks = match (condition.key.as_str(), condition.operator.as_str()) {
                        ("s3:authtype", "StringEquals" | "StringLike") => condition
                            .values
                            .iter()
                            .filter_map(Val::known)
                            .any(|v| v.eq_ignore_ascii_case("REST-QUERY-STRING"))
                            .then(|| "denies presigned URLs (s3:authType REST-QUERY-STRING)".to_string()),
                        ("s3:signatureage", "NumericGreaterThan" | "NumericGreaterThanEquals") => condition
                            .values
                            .iter()
                            .filter_map(Val::known)
                            .filter_map(|v| v.parse::<f64>().ok())
                            .find(|limit| *limit < SPECTRUM_SIGNATURE_AGE_MS)
                            .map(|limit| format!("denies signatures older than {limit} ms (Spectrum needs 3600000)")),
                        _ => None,
                    };
                    let related = |finding: Finding| {
                        finding
                            .with_related(format!("{what} {}", owner.address), owner.span)
                            .with_related(
                                format!("warehouse {}", warehouse.meta.address),
                                warehouse.meta.span,
                            )
                    };
                    if let (Some(how), Some(reads)) = (&blocks, unsure) {
                        findings.push(
                            related(RULE.finding(
                                owner,
                                condition.span,
                                format!(
                                    "{what} {} {how}; whether {} reads it is unknown here, since {}; if it does, this breaks Spectrum",
                                    owner.address, warehouse.meta.address, unsure_reason(&reads)
                                ),
                            ))
                            .with_unsure_reads(&reads),
                        );
                        continue;
                    }
                    let Some(how) = blocks else {
                        // With --strict: a value that may be the one that denies presigned URLs.
                        if let Some(unknown) = unknown_limit(condition)
                            .filter(|_| config.reports(Truth::Unknown) && unsure.is_none())
                        {
                            findings.push(related(RULE.finding(
                                owner,
                                unknown.span,
                                format!(
                                    "{what} {} {}{} is unknown here; if {}, which breaks Spectrum on {}",
                                    owner.address,
                                    if denies == Truth::Unknown || covers_s3 == Truth::Unknown {
                                        "may deny S3 (the statement's effect or actions are unknown too) "
                                    } else {
                                        "denies S3 "
                                    },
                                    unknown.what,
                                    unknown.breaks,
                                    warehouse.meta.address
                                ),
                            )));
                        }
                        continue;
                    };
                    if covers_s3 == Truth::Unknown {
                        findings.push(related(RULE.finding(
                            owner,
                            statement.span,
                            format!(
                                "{what} {}: the actions of a statement that {how} are unknown here; if they cover S3, this breaks Spectrum on {}",
                                owner.address, warehouse.meta.address
                            ),
                        )));
                        continue;
                    }
                    if denies == Truth::Unknown {
                        findings.push(related(RULE.finding(
                            owner,
                            statement.effect.span,
                            format!(
                                "{what} {}: the effect of a statement that {how} is unknown here; if it is Deny, this breaks Spectrum on {}",
                                owner.address, warehouse.meta.address
                            ),
                        )));
                        continue;
                    }
                    findings.push(related(
                        RULE.finding(
                            owner,
                            condition.span,
                            format!(
                                "{what} {} {how}, which breaks Spectrum on {}",
                                owner.address, warehouse.meta.address
                            ),
                        )
                        .with_fix(fix),
                    ));
                }
            }
        }
    }
    findings
}

/// A role statement that may let the warehouse read the bucket.
type Reads<'m> = UnsureReads<'m>;

/// A condition value that would deny presigned URLs if it turned out badly.
struct UnknownLimit {
    span: Span,
    what: &'static str,
    breaks: &'static str,
}

/// The first unknown value of a condition on `s3:authType` or `s3:signatureAge` that denies
/// presigned URLs when it is `REST-QUERY-STRING` or a limit below an hour.
fn unknown_limit(condition: &Condition) -> Option<UnknownLimit> {
    let (what, breaks) = match (condition.key.as_str(), condition.operator.as_str()) {
        ("s3:authtype", "StringEquals" | "StringLike") => (
            "when s3:authType is a value that",
            "it is REST-QUERY-STRING, presigned URLs are denied",
        ),
        ("s3:signatureage", "NumericGreaterThan" | "NumericGreaterThanEquals") => (
            "for signatures older than a limit that",
            "it is below 3600000 ms, presigned URLs older than that are denied",
        ),
        _ => return None,
    };
    let span = condition.values.iter().find(|v| v.known().is_none())?.span;
    Some(UnknownLimit { span, what, breaks })
}
