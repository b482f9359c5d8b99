//! RS404 major-version-upgrade-disabled.

use crate::model::{FixValue, Model, Truth};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster that refuses major version upgrades:
    /// `allow_version_upgrade` / `AllowVersionUpgrade` set to false. Unset, it is true (the
    /// Terraform schema, CloudFormation and API default).
    ///
    /// ## Why is this bad?
    /// Major version upgrades carry security fixes; a cluster that refuses them keeps running
    /// an engine with known issues until someone upgrades it by hand. Security Hub flags it as
    /// Redshift.6, checkov as CKV_AWS_141.
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>);
    /// "Security Hub controls for Amazon Redshift", Redshift.6
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>);
    /// "Amazon Redshift provisioned clusters", maintenance windows
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   allow_version_upgrade  = false
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
    ///       AllowVersionUpgrade: false
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
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
    ///       AllowVersionUpgrade: true
    /// ```
    ///
    /// ## Unknown values
    /// A setting that cannot be evaluated (a variable or parameter without a value) gives no
    /// finding; with `--strict` it is reported at that value, without a fix.
    ///
    /// ## Fix
    /// Set it to true.
    id: "RS404",
    name: "major-version-upgrade-disabled",
    severity: Low,
    summary: "a provisioned cluster refuses major version upgrades",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for cluster in model.clusters() {
        let value = &cluster.posture.allow_version_upgrade;
        let refused = value.test(|on| !*on);
        if !config.reports(refused) {
            continue;
        }
        let address = &cluster.meta.address;
        let field = field_name(value, "its version upgrade setting");
        let (message, fix) = if refused == Truth::Unknown {
            let message = Unknown::is(field).when("it is false").of(
                format!("cluster {address}"),
                "major version upgrades are not applied",
            );
            (message, None)
        } else {
            let message = format!(
                "cluster {address} sets {field} to false: major version upgrades are not applied"
            );
            (message, value.set_to("false", FixValue::Bool(true)))
        };
        findings.push(
            RULE.finding(&cluster.meta, value.span, message)
                .with_fix(fix),
        );
    }
    findings
}
