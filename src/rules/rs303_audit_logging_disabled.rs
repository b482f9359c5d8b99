//! RS303 audit-logging-disabled.

use crate::model::{Model, WarehouseKind};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster without audit logging: no `aws_redshift_logging` for it, no legacy
    /// `logging { enable = true }` block, no CloudFormation `LoggingProperties`.
    ///
    /// ## Why is this bad?
    /// Audit logs (connection, user and user-activity logs) record who connected and what they ran.
    /// They are the warehouse's own record of access, and the complement of S3 access logs and
    /// CloudTrail for data read through Spectrum.
    ///
    /// Source: seed 002 and seed 004, section "Logging and auditing Amazon S3 access", and seed 001
    /// "Security in Amazon Redshift" (logging and monitoring).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier = "analytics"
    ///   node_type          = "ra3.xlplus"
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
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier = "analytics"
    ///   node_type          = "ra3.xlplus"
    /// }
    ///
    /// resource "aws_redshift_logging" "analytics" {
    ///   cluster_identifier   = aws_redshift_cluster.analytics.id
    ///   log_destination_type = "cloudwatch"
    ///   log_exports          = ["connectionlog", "userlog", "useractivitylog"]
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
    ///       LoggingProperties:
    ///         LogDestinationType: cloudwatch
    ///         LogExports: [connectionlog, userlog, useractivitylog]
    /// ```
    ///
    /// ## Unknown values
    /// A logging setting that cannot be evaluated gives no finding. Serverless workgroups are not
    /// judged (their namespace exports logs).
id: "RS303",
    name: "audit-logging-disabled",
    severity: Low,
    summary: "a provisioned cluster has no audit logging",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, _config: &RuleConfig) -> Vec<Finding> {
    model
        .warehouses
        .iter()
        .filter(|w| w.kind == WarehouseKind::Cluster && w.audit_logging.test(|b| !*b).is_true())
        .map(|w| {
            RULE.finding(
                &w.meta,
                w.audit_logging.span,
                format!(
                    "cluster {} has no audit logging of connections and queries",
                    w.meta.address
                ),
            )
        })
        .collect()
}
