//! RS401 encryption-at-rest-disabled.

use crate::model::{FixValue, Model, Origin, Truth};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster that is not encrypted at rest: `encrypted` / `Encrypted` set
    /// to false (high). A Terraform cluster that leaves it unset is flagged at medium severity
    /// when the configuration may run with AWS provider < 6.0 (its `required_providers`
    /// constraint admits a 5.x version, or there is none): those versions default `encrypted`
    /// to false. Unset in CloudFormation, or with provider 6.0 and later: nothing (AWS has
    /// encrypted new clusters by default since January 2025). Serverless namespaces are always
    /// encrypted.
    ///
    /// ## Why is this bad?
    /// An unencrypted cluster keeps its data blocks and its snapshots in the clear: whoever gets
    /// hold of the storage or a shared snapshot reads the data. Security Hub flags it as
    /// Redshift.10, checkov as CKV_AWS_64.
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>); "Amazon
    /// Redshift database encryption"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html>);
    /// "Security Hub controls for Amazon Redshift", Redshift.10
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>);
    /// Terraform AWS provider changelog for 6.0 ("The default value of `encrypted` is now
    /// `true` to match the AWS API").
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   encrypted              = false
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
    ///       MasterUsername: analytics_admin
    ///       ManageMasterPassword: true
    ///       Encrypted: false
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   encrypted              = true
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
    ///       MasterUsername: analytics_admin
    ///       ManageMasterPassword: true
    ///       Encrypted: true
    /// ```
    ///
    /// ## Unknown values
    /// A setting that cannot be evaluated, or a provider constraint that cannot be read, gives
    /// no finding. With `--strict`, an `encrypted` that is unknown (a variable or parameter
    /// without a value) is reported at that value, without a fix.
    ///
    /// ## Fix
    /// Set `encrypted = true`.
    id: "RS401",
    name: "encryption-at-rest-disabled",
    severity: High,
    summary: "a provisioned cluster is not encrypted at rest",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for cluster in model.clusters() {
        let value = &cluster.posture.encrypted;
        let plain = value.test(|on| !*on);
        if !config.reports(plain) {
            continue;
        }
        let (meta, address) = (&cluster.meta, &cluster.meta.address);
        let field = field_name(value, "its encryption setting");
        if plain == Truth::Unknown {
            let message = Unknown::is(field).when("it is false").of(
                format!("cluster {address}"),
                "its data and snapshots are not encrypted at rest",
            );
            findings.push(RULE.finding(meta, value.span, message));
            continue;
        }
        let finding = if value.origin == Origin::Default {
            RULE.finding(
                meta,
                value.span,
                format!(
                    "cluster {address} leaves {field} unset, and AWS provider versions before 6.0 create it unencrypted"
                ),
            )
            .with_severity(Severity::Medium)
        } else {
            RULE.finding(
                meta,
                value.span,
                format!("cluster {address} is not encrypted at rest"),
            )
        };
        findings.push(finding.with_fix(value.set_to("false", FixValue::Bool(true))));
    }
    findings
}
