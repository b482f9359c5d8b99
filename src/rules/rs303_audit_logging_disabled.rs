//! RS303 audit-logging-disabled.

use crate::model::{Model, Truth};
use crate::rules::toolkit::Unknown;
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
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html>, section
    /// "Logging and auditing Amazon S3 access", and "Security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html> (logging and
    /// monitoring).
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
    /// A logging setting that cannot be evaluated (a legacy `logging` block whose `enable` is a
    /// variable without a value, a `LoggingProperties` under a condition on a parameter without
    /// a default) gives no finding. Neither does an `aws_redshift_logging` whose
    /// `cluster_identifier` cannot be evaluated (a variable without a value): it may be this
    /// cluster's, so a cluster not otherwise known to log has unknown audit logging. Serverless
    /// workgroups are not judged (their namespace exports logs). With `--strict`, a cluster whose
    /// audit logging setting is unknown is reported at that setting (or at the unknown
    /// `cluster_identifier` of the logging resource), with the same severity.
id: "RS303",
    name: "audit-logging-disabled",
    severity: Low,
    summary: "a provisioned cluster has no audit logging",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for cluster in model.clusters() {
        let logging = &cluster.audit_logging;
        let disabled = logging.test(|b| !*b);
        if !config.reports(disabled) {
            continue;
        }
        let address = &cluster.meta.address;
        let message = if disabled == Truth::Unknown {
            Unknown::is("its audit logging setting")
                .when("it is off")
                .of(
                    format!("cluster {address}"),
                    "connections and queries are not logged",
                )
        } else {
            format!("cluster {address} has no audit logging of connections and queries")
        };
        findings.push(RULE.finding(&cluster.meta, logging.span, message));
    }
    findings
}
