//! RS405 default-admin-username.

use crate::model::defaults::default_admin_username;
use crate::model::{Model, Truth};
use crate::rules::toolkit::{Unknown, field_name, noun};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose admin user has the name AWS proposes: `awsuser` for a
    /// provisioned cluster (`master_username` / `MasterUsername`), `admin` for a Serverless
    /// namespace (`admin_username` / `AdminUsername`), in any case.
    ///
    /// ## Why is this bad?
    /// A well-known admin name is half of a credential an attacker does not have to guess:
    /// password spraying and brute force against the endpoint start with it. Security Hub flags
    /// it as Redshift.8 (clusters) and RedshiftServerless.5 (namespaces); checkov as part of
    /// CKV_AWS_391.
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>);
    /// "Security Hub controls for Amazon Redshift", Redshift.8
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>);
    /// "Security Hub controls for Amazon Redshift Serverless", RedshiftServerless.5
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "awsuser"
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
    ///       MasterUsername: awsuser
    ///       ManageMasterPassword: true
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
    /// ```
    ///
    /// ## Unknown values
    /// A name that cannot be evaluated (a variable or parameter without a value, a workgroup
    /// whose namespace is not in scope) gives no finding; with `--strict` it is reported at
    /// that value. A warehouse that names no admin user (restored from a snapshot, a namespace
    /// without one) is not judged.
    id: "RS405",
    name: "default-admin-username",
    severity: Low,
    summary: "the admin user has the name AWS proposes",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let value = &warehouse.posture.admin_username;
        let default = default_admin_username(warehouse.kind);
        let is_default = value.test(|name| {
            name.as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(default))
        });
        if !config.reports(is_default) {
            continue;
        }
        let (noun, address) = (noun(warehouse), &warehouse.meta.address);
        let field = field_name(value, "its admin user name");
        let message = if is_default == Truth::Unknown {
            Unknown::is(field).when(format!("it is {default}")).of(
                format!("{noun} {address}"),
                "its admin user has the default name",
            )
        } else {
            format!("{noun} {address} names its admin user {default}, the default name")
        };
        findings.push(RULE.finding(&warehouse.meta, value.span, message));
    }
    findings
}
