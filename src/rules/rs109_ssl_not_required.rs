//! RS109 ssl-not-required.

use crate::model::{FixValue, Model, ParameterGroupChoice, Truth, defaults};
use crate::rules::toolkit::Unknown;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose connections are not required to use SSL: its parameter group
    /// sets `require_ssl` to false; or it is `default.redshift-1.0`; or it is a custom group of
    /// family `redshift-1.0` that does not set `require_ssl` (false there by default). For a
    /// Serverless workgroup, a `require_ssl` config parameter set to false.
    ///
    /// ## Why is this bad?
    /// Without `require_ssl`, clients may connect in clear text and credentials and query
    /// results cross the network unencrypted. AWS asks clients to use TLS (1.2 or later
    /// recommended). Since January 2025 new clusters get `default.redshift-2.0`, which requires
    /// SSL; older families and explicit overrides do not.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (clients
    /// must support TLS; TLS 1.2 recommended).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_parameter_group" "analytics" {
    ///   name   = "analytics"
    ///   family = "redshift-2.0"
    ///   parameter {
    ///     name  = "require_ssl"
    ///     value = "false"
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier           = "analytics"
    ///   node_type                    = "ra3.xlplus"
    ///   cluster_parameter_group_name = aws_redshift_parameter_group.analytics.name
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   AnalyticsParameters:
    ///     Type: AWS::Redshift::ClusterParameterGroup
    ///     Properties:
    ///       Description: analytics
    ///       ParameterGroupFamily: redshift-2.0
    ///       Parameters:
    ///         - ParameterName: require_ssl
    ///           ParameterValue: "false"
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       ClusterParameterGroupName: !Ref AnalyticsParameters
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_parameter_group" "analytics" {
    ///   name   = "analytics"
    ///   family = "redshift-2.0"
    ///   parameter {
    ///     name  = "require_ssl"
    ///     value = "true"
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier           = "analytics"
    ///   node_type                    = "ra3.xlplus"
    ///   cluster_parameter_group_name = aws_redshift_parameter_group.analytics.name
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   AnalyticsParameters:
    ///     Type: AWS::Redshift::ClusterParameterGroup
    ///     Properties:
    ///       Description: analytics
    ///       ParameterGroupFamily: redshift-2.0
    ///       Parameters:
    ///         - ParameterName: require_ssl
    ///           ParameterValue: "true"
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       ClusterParameterGroupName: !Ref AnalyticsParameters
    /// ```
    ///
    /// ## Unknown values
    /// A `require_ssl` value that cannot be evaluated (or is neither true nor false), a
    /// parameter group name or family that cannot be evaluated, and a group named but not in
    /// scope give no finding. With `--strict`, the unknowns that decide the rule are reported,
    /// without a fix, at the unknown value: a workgroup's or a group's `require_ssl` (if it is
    /// false, SSL is not required), the warehouse's parameter group (if it does not require
    /// SSL), and the family of a group that does not set `require_ssl` (if it is
    /// `redshift-1.0`). A group named but not in scope is still not judged.
    ///
    /// ## Fix
    /// Set or add `require_ssl = true`.
    id: "RS109",
    name: "ssl-not-required",
    severity: Medium,
    summary: "warehouse does not require SSL connections",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let param = defaults::REQUIRE_SSL_PARAMETER;
    let without_ssl = "clients may connect without SSL";
    for warehouse in &model.warehouses {
        let (meta, address) = (&warehouse.meta, &warehouse.meta.address);
        if let Some(value) = &warehouse.require_ssl {
            let off = value.test(|b| !*b);
            if off == Truth::Unknown && config.reports(Truth::Unknown) {
                let message = Unknown::is(param)
                    .when("it is false")
                    .of(format!("warehouse {address}"), without_ssl);
                findings.push(RULE.finding(meta, value.span, message));
            } else if off.is_true() {
                findings.push(
                    RULE.finding(
                        meta,
                        value.span,
                        format!("warehouse {address} sets {param} to false"),
                    )
                    .with_fix(value.set_to("false", FixValue::Str("true".into()))),
                );
            }
        }
        let choice = &warehouse.parameter_group;
        let Some(choice_known) = choice.known() else {
            if config.reports(Truth::Unknown) {
                let message = Unknown::is("its parameter group")
                    .when("it does not require SSL")
                    .of(format!("warehouse {address}"), without_ssl);
                findings.push(RULE.finding(meta, choice.span, message));
            }
            continue;
        };
        match choice_known {
            ParameterGroupChoice::Builtin(name) => {
                let family = name
                    .strip_prefix(defaults::BUILTIN_PARAMETER_GROUP_PREFIX)
                    .unwrap_or(name);
                if defaults::require_ssl_in_family(family) == Some(false) {
                    findings.push(RULE.finding(
                        meta,
                        choice.span,
                        format!(
                            "warehouse {address} uses the {name} parameter group, which does not require SSL"
                        ),
                    ));
                }
            }
            ParameterGroupChoice::InScope(id) => {
                let Some(group) = model.parameter_groups.get(*id) else {
                    continue;
                };
                let subject = format!("parameter group {} of {address}", group.meta.address);
                let finding = match &group.require_ssl {
                    Some(value) => match value.test(|b| !*b) {
                        Truth::True => RULE
                            .finding(
                                &group.meta,
                                value.span,
                                format!("{subject} sets {param} to false"),
                            )
                            .with_fix(value.set_to("false", FixValue::Str("true".into()))),
                        Truth::Unknown if config.reports(Truth::Unknown) => {
                            let message = Unknown::is(param)
                                .when("it is false")
                                .of(&subject, without_ssl);
                            RULE.finding(&group.meta, value.span, message)
                        }
                        _ => continue,
                    },
                    None => match group.family.known() {
                        None if config.reports(Truth::Unknown) => {
                            let families: Vec<&str> = defaults::families_without_ssl().collect();
                            let message = Unknown::is("its family")
                                .when(format!("it is {}", families.join(" or ")))
                                .of(
                                    &subject,
                                    format!("{param} defaults to false and {without_ssl}"),
                                );
                            RULE.finding(&group.meta, group.family.span, message)
                        }
                        Some(family) if defaults::require_ssl_in_family(family) == Some(false) => {
                            RULE.finding(
                                &group.meta,
                                group.family.span,
                                format!(
                                    "{subject} is family {family} and does not set {param}, which defaults to false there"
                                ),
                            )
                            .with_fix(Some(group.add_require_ssl.clone()))
                        }
                        _ => continue,
                    },
                };
                findings.push(finding.about_warehouse(warehouse));
            }
            ParameterGroupChoice::Default | ParameterGroupChoice::OutOfScope => {}
        }
    }
    findings
}
