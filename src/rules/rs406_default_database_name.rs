//! RS406 default-database-name.

use crate::model::defaults::DEFAULT_DATABASE_NAME;
use crate::model::{Model, Origin, Truth};
use crate::rules::toolkit::{Unknown, field_name, noun};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose database has the default name `dev`: `database_name` /
    /// `DBName` of a cluster, `db_name` / `DbName` of a Serverless namespace, written or left
    /// unset (AWS then names it `dev`).
    ///
    /// ## Why is this bad?
    /// The default name is the one every scanner and every tutorial tries first; a name of
    /// your own is one thing less an attacker knows, and it says what the database holds.
    /// Security Hub flags it as Redshift.9 (clusters) and RedshiftServerless.7 (namespaces);
    /// checkov as CKV_AWS_320 (clusters).
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>);
    /// "Security Hub controls for Amazon Redshift", Redshift.9
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>);
    /// "Security Hub controls for Amazon Redshift Serverless", RedshiftServerless.7
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   database_name          = "dev"
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
    ///       DBName: dev
    ///       MasterUsername: analytics_admin
    ///       ManageMasterPassword: true
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   database_name          = "analytics"
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
    /// that value.
    id: "RS406",
    name: "default-database-name",
    severity: Low,
    summary: "the warehouse's database has the default name",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let value = &warehouse.posture.database_name;
        let is_default = value.test(|name| name == DEFAULT_DATABASE_NAME);
        if !config.reports(is_default) {
            continue;
        }
        let (noun, address) = (noun(warehouse), &warehouse.meta.address);
        let field = field_name(value, "its database name");
        let message = if is_default == Truth::Unknown {
            Unknown::is(field)
                .when(format!("it is {DEFAULT_DATABASE_NAME}"))
                .of(
                    format!("{noun} {address}"),
                    "its database has the default name",
                )
        } else if value.origin == Origin::Default {
            format!(
                "{noun} {address} leaves {field} unset, so its database gets the default name {DEFAULT_DATABASE_NAME}"
            )
        } else {
            format!("{noun} {address} names its database {DEFAULT_DATABASE_NAME}, the default name")
        };
        findings.push(RULE.finding(&warehouse.meta, value.span, message));
    }
    findings
}
