//! RS408 serverless-logs-not-exported.

use crate::model::defaults::REQUIRED_SERVERLESS_LOG_EXPORTS;
use crate::model::{FixIntent, FixValue, Model, Origin, Truth, WarehouseKind};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a Serverless workgroup whose namespace does not export both user logs and
    /// connection logs: `log_exports` / `LogExports` without `userlog` or `connectionlog`, or
    /// unset (nothing is exported).
    ///
    /// ## Why is this bad?
    /// Connection and user logs record who connected, from where, and what happened to
    /// database users; without them there is no trail of access to the warehouse. Security
    /// Hub flags it as RedshiftServerless.6. (Provisioned clusters: RS303.)
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>); "Audit
    /// logging for Amazon Redshift Serverless"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html>);
    /// "Security Hub controls for Amazon Redshift Serverless", RedshiftServerless.6
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshiftserverless_namespace" "analytics" {
    ///   namespace_name = "analytics"
    ///   log_exports    = ["useractivitylog"]
    /// }
    ///
    /// resource "aws_redshiftserverless_workgroup" "analytics" {
    ///   namespace_name = aws_redshiftserverless_namespace.analytics.namespace_name
    ///   workgroup_name = "analytics"
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Namespace:
    ///     Type: AWS::RedshiftServerless::Namespace
    ///     Properties:
    ///       NamespaceName: analytics
    ///   Workgroup:
    ///     Type: AWS::RedshiftServerless::Workgroup
    ///     Properties:
    ///       WorkgroupName: analytics
    ///       NamespaceName: !Ref Namespace
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshiftserverless_namespace" "analytics" {
    ///   namespace_name = "analytics"
    ///   log_exports    = ["userlog", "connectionlog", "useractivitylog"]
    /// }
    ///
    /// resource "aws_redshiftserverless_workgroup" "analytics" {
    ///   namespace_name = aws_redshiftserverless_namespace.analytics.namespace_name
    ///   workgroup_name = "analytics"
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Namespace:
    ///     Type: AWS::RedshiftServerless::Namespace
    ///     Properties:
    ///       NamespaceName: analytics
    ///       LogExports: [userlog, connectionlog, useractivitylog]
    ///   Workgroup:
    ///     Type: AWS::RedshiftServerless::Workgroup
    ///     Properties:
    ///       WorkgroupName: analytics
    ///       NamespaceName: !Ref Namespace
    /// ```
    ///
    /// ## Unknown values
    /// A log list that cannot be evaluated, or a namespace that is not in scope, gives no
    /// finding; with `--strict` it is reported there.
    ///
    /// ## Fix
    /// Where `log_exports` is not written: set it to `userlog` and `connectionlog`.
    id: "RS408",
    name: "serverless-logs-not-exported",
    severity: Low,
    summary: "a Serverless namespace does not export user and connection logs",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for workgroup in model
        .warehouses
        .iter()
        .filter(|w| w.kind == WarehouseKind::Workgroup)
    {
        let value = &workgroup.posture.log_exports;
        let missing: Vec<&str> = value.known().map_or_else(Vec::new, |logs| {
            REQUIRED_SERVERLESS_LOG_EXPORTS
                .into_iter()
                .filter(|need| !logs.iter().any(|l| l.eq_ignore_ascii_case(need)))
                .collect()
        });
        let lacking = value.test(|_| !missing.is_empty());
        if !config.reports(lacking) {
            continue;
        }
        let address = &workgroup.meta.address;
        let field = field_name(value, "its namespace's log exports");
        let message = if lacking == Truth::Unknown {
            Unknown::is(field)
                .when("it lacks user or connection logs")
                .of(
                    format!("workgroup {address}"),
                    "connections and user changes are not logged",
                )
        } else {
            format!(
                "workgroup {address}: its namespace's {field} lacks {}",
                missing.join(" and ")
            )
        };
        let fix = match (value.origin, value.field) {
            (Origin::Default, Some(site)) if lacking == Truth::True => Some(FixIntent::AddField {
                site,
                value: FixValue::List(
                    REQUIRED_SERVERLESS_LOG_EXPORTS
                        .iter()
                        .map(|l| FixValue::Str((*l).to_string()))
                        .collect(),
                ),
            }),
            _ => None,
        };
        findings.push(
            RULE.finding(&workgroup.meta, value.span, message)
                .with_fix(fix),
        );
    }
    findings
}
