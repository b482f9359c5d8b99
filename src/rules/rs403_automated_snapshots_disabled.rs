//! RS403 automated-snapshots-disabled.

use crate::model::defaults::MIN_SNAPSHOT_RETENTION_DAYS;
use crate::model::{FixValue, Model, Origin, Truth};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster that keeps automated snapshots for fewer days than the
    /// configured minimum (default 7, Security Hub's): `automated_snapshot_retention_period` /
    /// `AutomatedSnapshotRetentionPeriod` of 0 (no automated snapshots at all) or below the
    /// minimum, or unset (AWS then keeps them 1 day).
    ///
    /// ## Why is this bad?
    /// Automated snapshots are what a cluster is restored from after a mistake, a bad load or
    /// a ransomware-style deletion. With none, or only a day's, a problem noticed after a
    /// weekend cannot be undone. Security Hub flags it as Redshift.3 (parameter
    /// `MinRetentionPeriod`, default 7), checkov as CKV_AWS_343.
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>); "Amazon
    /// Redshift snapshots and backups"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-snapshots.html>); "Security
    /// Hub controls for Amazon Redshift", Redshift.3
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier                  = "analytics"
    ///   node_type                           = "ra3.xlplus"
    ///   master_username                     = "analytics_admin"
    ///   manage_master_password              = true
    ///   automated_snapshot_retention_period = 0
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
    ///       AutomatedSnapshotRetentionPeriod: 0
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier                  = "analytics"
    ///   node_type                           = "ra3.xlplus"
    ///   master_username                     = "analytics_admin"
    ///   manage_master_password              = true
    ///   automated_snapshot_retention_period = 7
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
    ///       AutomatedSnapshotRetentionPeriod: 7
    /// ```
    ///
    /// ## Unknown values
    /// A retention period that cannot be evaluated (a variable or parameter without a value)
    /// gives no finding; with `--strict` it is reported at that value, without a fix.
    /// Serverless workgroups are not judged (their namespaces keep recovery points on their
    /// own schedule).
    ///
    /// ## Options
    /// `min_snapshot_retention_days` (1 to 35, default 7): the fewest days accepted.
    ///
    /// ## Fix
    /// Set the retention period to the minimum.
    id: "RS403",
    name: "automated-snapshots-disabled",
    severity: Medium,
    summary: "a provisioned cluster keeps automated snapshots too briefly, or not at all",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let minimum = config
        .min_snapshot_retention_days
        .unwrap_or(MIN_SNAPSHOT_RETENTION_DAYS);
    let mut findings = Vec::new();
    for cluster in model.clusters() {
        let value = &cluster.posture.snapshot_retention;
        let short = value.test(|days| *days < minimum);
        if !config.reports(short) {
            continue;
        }
        let address = &cluster.meta.address;
        let field = field_name(value, "its snapshot retention period");
        let message = match value.known() {
            None => Unknown::is(field)
                .when(format!("it is below {minimum}"))
                .of(
                    format!("cluster {address}"),
                    format!("automated snapshots are kept fewer than {minimum} days"),
                ),
            Some(0) => {
                format!("cluster {address} sets {field} to 0: no automated snapshots are taken")
            }
            Some(days) if value.origin == Origin::Default => format!(
                "cluster {address} leaves {field} unset: automated snapshots are kept {days} day, fewer than {minimum}"
            ),
            Some(days) => format!(
                "cluster {address} keeps automated snapshots {days} days, fewer than {minimum}"
            ),
        };
        let fix = match (short, value.known()) {
            (Truth::True, Some(days)) => value.set_to(&days.to_string(), FixValue::Int(minimum)),
            _ => None,
        };
        findings.push(
            RULE.finding(&cluster.meta, value.span, message)
                .with_fix(fix),
        );
    }
    findings
}
