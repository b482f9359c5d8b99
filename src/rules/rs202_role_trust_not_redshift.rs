//! RS202 role-trust-not-redshift.

use crate::model::{FixIntent, FixValue, Model, Truth, WarehouseKind, defaults};
use crate::rules::toolkit::Unknown;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags the trust policy of a role attached to a warehouse (a Spectrum role) when it lets a
    /// principal other than the Redshift service assume the role: `"*"`, an `AWS` account or role,
    /// a `Federated` identity, another service, or an empty `Service` string. Accepted services are
    /// `redshift.amazonaws.com`, `redshift-serverless.amazonaws.com` for Serverless workgroups, and
    /// those listed in `trusted_services`.
    ///
    /// ## Why is this bad?
    /// The role carries the warehouse's access to your data lake. Anyone the trust policy admits can
    /// assume it and read what Spectrum reads, without going through Redshift. AWS's own example
    /// policy for Spectrum trusts the Redshift service; an empty service principal (the placeholder in
    /// the example) is an error that either fails or, once edited carelessly, admits more than
    /// intended.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html> (the role's
    /// trust relationship names the Redshift service).
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
    ///       Principal = { Service = "" }
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
    ///               Service: ""
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
    /// ```
    ///
    /// ## Unknown values
    /// A trust policy that cannot be read, a principal whose value cannot be evaluated, and a
    /// statement whose `Effect` or `Action` cannot be evaluated, give no finding. Roles that are
    /// not in scope are not judged. With `--strict`, a principal whose value is unknown (in an
    /// `Allow` of `sts:AssumeRole`, or one whose effect or actions are unknown too) is reported at
    /// the principal; a statement whose effect or actions are unknown that would let another
    /// principal assume the role is reported at its `Effect` (or at the statement); and a trust
    /// policy that cannot be read (a variable or parameter without a value, say) is reported at the
    /// role. None of these carries a fix.
    ///
    /// ## Fix
    /// Replace the principal with `redshift.amazonaws.com`.
    ///
    /// ## Options
    /// `trusted_services` (list of service principals) adds services the role may trust.
id: "RS202",
    name: "role-trust-not-redshift",
    severity: High,
    summary: "a warehouse role can be assumed by principals other than Redshift",
    fix: Sometimes,
    opt_in: false,
}

/// The service principal every warehouse role may trust.
pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let serverless = warehouse.kind == WarehouseKind::Workgroup;
        let allowed = |service: &str| {
            service == defaults::REDSHIFT_SERVICE_PRINCIPAL
                || (serverless && service == defaults::REDSHIFT_SERVERLESS_SERVICE_PRINCIPAL)
                || config.trusted_services.iter().any(|t| t == service)
        };
        for role in model.spectrum_roles(warehouse) {
            let at = |span, message| {
                RULE.finding(&role.meta, span, message)
                    .related_to("role", &role.meta)
                    .about_warehouse(warehouse)
            };
            let subject = format!("role {} of {}", role.meta.address, warehouse.meta.address);
            let Some(trust) = role.trust.known() else {
                if config.reports(Truth::Unknown) {
                    let message = Unknown::is("its trust policy")
                        .when("it lets principals other than Redshift assume the role")
                        .of(&subject, "they can act as the warehouse");
                    findings.push(at(role.meta.span, message));
                }
                continue;
            };
            for statement in &trust.statements {
                let assumes = statement
                    .actions
                    .test(|actions| actions.covers(defaults::ASSUME_ROLE_ACTION));
                let grants = statement.is_allow().and(assumes);
                if !config.reports(grants) {
                    continue;
                }
                for principal in &statement.principals {
                    let who = match (
                        principal.kind.as_str(),
                        principal.value.known().map(String::as_str),
                    ) {
                        (kind, None) => {
                            if config.reports(Truth::Unknown) {
                                let too = if grants == Truth::Unknown {
                                    format!(
                                        " (and whether the statement allows {} is unknown too)",
                                        defaults::ASSUME_ROLE_ACTION
                                    )
                                } else {
                                    String::new()
                                };
                                let message = format!(
                                    "{subject} trusts a {kind} principal that is unknown here{too}; if it is not Redshift, principals other than Redshift can assume the role"
                                );
                                findings.push(at(principal.value.span, message));
                            }
                            continue;
                        }
                        ("*", _) | (_, Some("*")) => "any principal (\"*\")".to_string(),
                        ("Service", Some("")) => "an empty service principal".to_string(),
                        ("Service", Some(service))
                            if allowed(service) && !statement.not_principal =>
                        {
                            continue;
                        }
                        ("Service", Some(service)) => format!("the service {service}"),
                        (kind, Some(value)) => format!("the {kind} principal {value}"),
                    };
                    if grants == Truth::Unknown {
                        let part = format!("the trust statement for {who}");
                        let (unknown, span) = if statement.is_allow() == Truth::Unknown {
                            (
                                Unknown::is(format!("the effect of {part}")).when("it is Allow"),
                                statement.effect.span,
                            )
                        } else {
                            (
                                Unknown::are(format!("the actions of {part}"))
                                    .when(format!("they include {}", defaults::ASSUME_ROLE_ACTION)),
                                statement.span,
                            )
                        };
                        let message = unknown.of(&subject, "the role trusts more than Redshift");
                        findings.push(at(span, message));
                        continue;
                    }
                    let fix = match (principal.kind.as_str(), principal.value.known()) {
                        ("Service", Some(old)) => Some(FixIntent::Replace {
                            span: principal.value.span,
                            old: old.clone(),
                            value: FixValue::Str(defaults::REDSHIFT_SERVICE_PRINCIPAL.into()),
                        }),
                        _ => None,
                    };
                    let message = format!("{subject} trusts {who}, not only Redshift");
                    findings.push(at(principal.value.span, message).with_fix(fix));
                }
            }
        }
    }
    findings
}
