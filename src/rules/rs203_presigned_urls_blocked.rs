//! RS203 presigned-urls-blocked.

use crate::model::policy::{Comparison, Condition, PolicyDocument, keys};
use crate::model::spectrum::UnsureReads;
use crate::model::{FixIntent, FixValue, Meta, Model, Truth, Val, defaults};
use crate::rules::toolkit::{Unknown, spectrum_buckets, unsure_reason};
use crate::rules::{Finding, RuleConfig};

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
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html> (Spectrum uses
    /// presigned URLs; policies must not deny `REST-QUERY-STRING` or limit `s3:signatureAge` below
    /// an hour).
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

/// A policy whose statements the rule judges, with what owns it.
struct Judged<'m> {
    owner: &'m Meta,
    /// What the owner is called in messages: `role`, `bucket`.
    noun: &'static str,
    policy: &'m PolicyDocument,
    /// For a bucket the warehouse may read (`--strict`): the role statement that makes it so.
    unsure: Option<UnsureReads<'m>>,
}

/// How a condition denies the presigned URLs Spectrum reads with, in a statement that denies S3.
#[derive(Clone, Copy)]
enum PresignedBlock {
    /// `s3:authType` matches `REST-QUERY-STRING`.
    AuthType,
    /// `s3:signatureAge` greater than a limit below what Spectrum needs.
    SignatureAge,
}

impl PresignedBlock {
    fn of(condition: &Condition) -> Option<PresignedBlock> {
        match condition.comparison() {
            Comparison::Matches if condition.is_on(keys::AUTH_TYPE) => {
                Some(PresignedBlock::AuthType)
            }
            Comparison::Exceeds if condition.is_on(keys::SIGNATURE_AGE) => {
                Some(PresignedBlock::SignatureAge)
            }
            _ => None,
        }
    }

    /// How the condition blocks, when its known values say it does ("denies presigned URLs …").
    fn how(self, condition: &Condition) -> Option<String> {
        let mut values = condition.values.iter().filter_map(Val::known);
        let needed = defaults::SPECTRUM_SIGNATURE_AGE_MS;
        match self {
            PresignedBlock::AuthType => values
                .any(|v| v.eq_ignore_ascii_case(defaults::PRESIGNED_URL_AUTH_TYPE))
                .then(|| {
                    format!(
                        "denies presigned URLs ({} {})",
                        keys::AUTH_TYPE,
                        defaults::PRESIGNED_URL_AUTH_TYPE
                    )
                }),
            PresignedBlock::SignatureAge => values
                .filter_map(|v| v.parse::<f64>().ok())
                .find(|limit| *limit < f64::from(needed))
                .map(|limit| {
                    format!("denies signatures older than {limit} ms (Spectrum needs {needed})")
                }),
        }
    }

    /// The fix: raise a signature age limit to what Spectrum needs (a denied auth type is the
    /// user's policy to rewrite).
    fn fix(self, condition: &Condition) -> Option<FixIntent> {
        let PresignedBlock::SignatureAge = self else {
            return None;
        };
        let limit = condition.values.first()?;
        limit.known().map(|old| FixIntent::Replace {
            span: limit.span,
            old: old.clone(),
            value: FixValue::Int(i64::from(defaults::SPECTRUM_SIGNATURE_AGE_MS)),
        })
    }

    /// With an unknown value: what is unknown, and when it would deny presigned URLs.
    fn unknown(self) -> Unknown {
        match self {
            PresignedBlock::AuthType => {
                Unknown::is(format!("when {} is a value that", keys::AUTH_TYPE))
                    .when(format!("it is {}", defaults::PRESIGNED_URL_AUTH_TYPE))
            }
            PresignedBlock::SignatureAge => Unknown::is("for signatures older than a limit that")
                .when(format!(
                    "it is below {} ms",
                    defaults::SPECTRUM_SIGNATURE_AGE_MS
                )),
        }
    }
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let address = &warehouse.meta.address;
        let mut judged: Vec<Judged> = Vec::new();
        for role in model.spectrum_roles(warehouse) {
            judged.extend(role.policies.iter().map(|policy| Judged {
                owner: &role.meta,
                noun: "role",
                policy,
                unsure: None,
            }));
        }
        for (id, unsure) in spectrum_buckets(model, warehouse, config, true) {
            if let Some(bucket) = model.buckets.get(id) {
                judged.extend(bucket.policies.iter().map(|policy| Judged {
                    owner: &bucket.meta,
                    noun: "bucket",
                    policy,
                    unsure,
                }));
            }
        }
        for Judged {
            owner,
            noun,
            policy,
            unsure,
        } in judged
        {
            let at = |span, message| {
                RULE.finding(owner, span, message)
                    .related_to(noun, owner)
                    .about_warehouse(warehouse)
            };
            let subject = format!("{noun} {}", owner.address);
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
                for (condition, block) in statement
                    .conditions
                    .iter()
                    .filter_map(|c| Some((c, PresignedBlock::of(c)?)))
                {
                    let Some(how) = block.how(condition) else {
                        // With --strict: a value that may be the one that denies presigned URLs.
                        let unknown_value = condition.values.iter().find(|v| v.known().is_none());
                        if let Some(value) = unknown_value
                            .filter(|_| config.reports(Truth::Unknown) && unsure.is_none())
                        {
                            let denies_s3 = if denies == Truth::Unknown
                                || covers_s3 == Truth::Unknown
                            {
                                "may deny S3 (the statement's effect or actions are unknown too)"
                            } else {
                                "denies S3"
                            };
                            let message = format!(
                                "{subject} {denies_s3} {}",
                                block.unknown().then(format!(
                                    "presigned URLs {}are denied, which breaks Spectrum on {address}",
                                    match block {
                                        PresignedBlock::AuthType => "",
                                        PresignedBlock::SignatureAge => "older than that ",
                                    }
                                ))
                            );
                            findings.push(at(value.span, message));
                        }
                        continue;
                    };
                    let finding = if let Some(reads) = unsure {
                        at(
                            condition.span,
                            format!(
                                "{subject} {how}; whether {address} reads it is unknown here, since {}; if it does, this breaks Spectrum",
                                unsure_reason(&reads)
                            ),
                        )
                        .with_unsure_reads(&reads)
                    } else if covers_s3 == Truth::Unknown {
                        let message =
                            Unknown::are(format!("the actions of a statement that {how}"))
                                .when("they cover S3")
                                .of(&subject, format!("this breaks Spectrum on {address}"));
                        at(statement.span, message)
                    } else if denies == Truth::Unknown {
                        let message = Unknown::is(format!("the effect of a statement that {how}"))
                            .when("it is Deny")
                            .of(&subject, format!("this breaks Spectrum on {address}"));
                        at(statement.effect.span, message)
                    } else {
                        at(
                            condition.span,
                            format!("{subject} {how}, which breaks Spectrum on {address}"),
                        )
                        .with_fix(block.fix(condition))
                    };
                    findings.push(finding);
                }
            }
        }
    }
    findings
}
