//! RS201 bucket-policy-vpce-only.

use crate::model::policy::{Comparison, Condition, Statement, keys};
use crate::model::{Model, Truth};
use crate::rules::toolkit::{Unknown, spectrum_buckets, unsure_reason};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a bucket policy on a Spectrum bucket (a bucket a role of the warehouse reads) that
    /// denies access unless the request comes through a given VPC endpoint or VPC (`Deny` with
    /// `StringNotEquals`/`StringNotLike` on `aws:SourceVpce` or `aws:SourceVpc`, `IfExists` and
    /// set-operator variants included), or that allows access only under those conditions, when the
    /// warehouse is a provisioned cluster.
    ///
    /// ## Why is this bad?
    /// Redshift Spectrum runs on AWS-managed resources outside your VPC: it does not use enhanced VPC
    /// routing on provisioned clusters, so its requests never carry your endpoint or VPC id. A bucket
    /// restricted that way is unreadable to Spectrum, and external tables fail. AWS recommends
    /// restricting access by principal (the Spectrum role) instead. Serverless workgroups do route
    /// Spectrum through the VPC and are not affected.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html> (bucket
    /// policies that restrict access to VPC endpoints block Spectrum; restrict by principal
    /// instead).
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
    ///       Condition = { StringNotEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } }
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
    ///               StringNotEquals:
    ///                 aws:SourceVpce: vpce-0123456789abcdef0
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
    ///       Condition = { StringNotEquals = { "aws:PrincipalArn" = aws_iam_role.spectrum.arn } }
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
    ///               StringNotEquals:
    ///                 aws:PrincipalArn: !GetAtt SpectrumRole.Arn
    /// ```
    ///
    /// ## Unknown values
    /// Only buckets in scope whose policies can be read are judged; a bucket named by a policy that
    /// cannot be read is not a known Spectrum bucket. A statement whose `Effect` or `Action`
    /// cannot be evaluated gives no finding, and neither does an Allow with a VPC condition when
    /// another statement whose effect or actions are unknown may allow S3 without one. With
    /// `--strict`, a statement with a VPC condition whose actions are unknown, or whose Allow
    /// may be outdone by such a statement, is reported at its condition. With `--strict`, a statement of a Spectrum bucket's policy
    /// whose effect is unknown and that has a VPC endpoint or VPC condition is reported at its
    /// `Effect`: a negated condition (`StringNotEquals`, `StringNotLike`) breaks Spectrum if the
    /// effect is `Deny`, a positive one (`StringEquals`, `StringLike`) if it is `Allow` and no
    /// other statement allows S3 without such a condition. A role policy statement that reads S3
    /// resources that cannot be evaluated (a `Resource` from a variable or parameter without a
    /// value) names no known bucket; with `--strict`, any other bucket in scope whose policy only
    /// admits requests through a VPC endpoint or VPC is reported at its condition, since the
    /// warehouse may read it, with the role's statement as a related location. A wildcard
    /// `Resource` (`*`, `arn:aws:s3:::*`) names no bucket either; with `--strict` it is treated
    /// the same way, the message saying that the role's policy names `*`. A reference to a
    /// bucket inside an ARN (`"arn:aws:s3:::${aws_s3_bucket.x.bucket}/*"`,
    /// `!Join ["", ["arn:aws:s3:::", !Ref X, "/*"]]`, `!Sub "${X.Arn}/*"`) names that bucket.
    /// A bucket named only by a role statement whose effect or actions are unknown is not known
    /// to be a Spectrum bucket: no finding; with `--strict` it is judged like one, the message
    /// saying that statement's effect or actions are unknown.
id: "RS201",
    name: "bucket-policy-vpce-only",
    severity: High,
    summary: "a Spectrum bucket's policy only admits requests through a VPC endpoint or VPC",
    fix: None,
    opt_in: false,
}

/// The keys that tie a request to a VPC endpoint or VPC.
/// The VPC condition of a statement: one that, in a Deny (`deny`), refuses requests not from
/// a VPC endpoint or VPC, or in an Allow admits only those.
fn vpc_condition(statement: &Statement, deny: bool) -> Option<&Condition> {
    let comparison = if deny {
        Comparison::DiffersFrom
    } else {
        Comparison::Matches
    };
    statement.conditions.iter().find(|c| {
        (c.is_on(keys::SOURCE_VPCE) || c.is_on(keys::SOURCE_VPC)) && c.comparison() == comparison
    })
}

/// The key of a VPC condition as AWS spells it, and what requests must come through.
fn through(condition: &Condition) -> (&'static str, &'static str) {
    if condition.is_on(keys::SOURCE_VPCE) {
        (keys::SOURCE_VPCE, "a VPC endpoint")
    } else {
        (keys::SOURCE_VPC, "a VPC")
    }
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in model.clusters() {
        let address = &warehouse.meta.address;
        for (bucket_id, unsure) in spectrum_buckets(model, warehouse, config, true) {
            let Some(bucket) = model.buckets.get(bucket_id) else {
                continue;
            };
            let related = |finding: Finding| {
                finding
                    .related_to("bucket", &bucket.meta)
                    .about_warehouse(warehouse)
            };
            let at = |span, message| related(RULE.finding(&bucket.meta, span, message));
            let subject = format!("bucket {}", bucket.meta.address);
            for policy in &bucket.policies {
                // An Allow of S3 without a VPC condition grants access whatever the others say.
                // Statements that could not be read may be such an Allow.
                let open_allow = Truth::any(policy.statements.iter().map(|s| {
                    s.is_allow()
                        .and(s.covers_s3())
                        .and(Truth::from_known(vpc_condition(s, false).is_none()))
                }))
                .or(!policy.complete);
                for statement in policy
                    .statements
                    .iter()
                    .filter(|s| !s.covers_s3().is_false())
                {
                    // The VPC condition, and whether the statement shuts Spectrum out with it:
                    // only if it covers S3 (and, for an Allow, nothing else opens the bucket).
                    let restricts = if statement.is_deny().is_true() {
                        vpc_condition(statement, true).map(|c| (c, statement.covers_s3()))
                    } else if statement.is_allow().is_true() && !open_allow.is_true() {
                        vpc_condition(statement, false)
                            .map(|c| (c, statement.covers_s3().and(!open_allow)))
                    } else {
                        None
                    };
                    let strict = config.reports(Truth::Unknown) && unsure.is_none();
                    let condition = match restricts {
                        Some((condition, Truth::True)) => condition,
                        // With --strict: the actions of this statement, or of an Allow that
                        // would open the bucket, are unknown.
                        Some((condition, _)) if strict => {
                            let why = if statement.covers_s3() == Truth::Unknown {
                                "whether the statement covers S3 is unknown here (its actions are unknown)"
                            } else {
                                "whether another statement allows S3 without such a condition is unknown here (its effect or actions are unknown)"
                            };
                            let message = format!(
                                "{subject} may only admit requests through {} ({}): {why}; if it does, Redshift Spectrum on {address} cannot read it",
                                through(condition).1,
                                condition.operator
                            );
                            findings.push(at(condition.span, message));
                            continue;
                        }
                        Some(_) => continue,
                        // With --strict: an effect that is unknown decides whether a VPC
                        // condition shuts Spectrum out.
                        None if strict && statement.effect.known().is_none() => {
                            let unknown = vpc_condition(statement, true)
                                .map(|c| (c, "Deny"))
                                .or_else(|| {
                                    vpc_condition(statement, false)
                                        .filter(|_| !open_allow.is_true())
                                        .map(|c| (c, "Allow"))
                                });
                            if let Some((condition, effect)) = unknown {
                                let (key, through) = through(condition);
                                let message = Unknown::is(format!(
                                    "the effect of a statement with {} on {key}",
                                    condition.operator
                                ))
                                .when(format!("it is {effect}"))
                                .of(
                                    &subject,
                                    format!("the bucket only admits requests through {through}, which Redshift Spectrum on {address} cannot use"),
                                );
                                findings.push(at(statement.effect.span, message));
                            }
                            continue;
                        }
                        None => continue,
                    };
                    let (through, operator) = (through(condition).1, &condition.operator);
                    let finding = match unsure {
                        Some(reads) => at(
                            condition.span,
                            format!(
                                "{subject} only admits requests through {through} ({operator}); whether {address} reads it is unknown here, since {}; if it does, Redshift Spectrum cannot read it",
                                unsure_reason(&reads)
                            ),
                        )
                        .with_unsure_reads(&reads),
                        None => at(
                            condition.span,
                            format!(
                                "{subject} only admits requests through {through} ({operator}), which Redshift Spectrum on {address} cannot use"
                            ),
                        ),
                    };
                    findings.push(finding);
                }
            }
        }
    }
    findings
}
