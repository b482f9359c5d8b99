//! RS104 warehouse-publicly-accessible.

use crate::model::{FixValue, Model, Origin, Truth};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse that is publicly accessible: `publicly_accessible` /
    /// `PubliclyAccessible` set to true (high). A Terraform cluster that leaves it unset is
    /// flagged at medium severity when the configuration may run with AWS provider < 6.0 (its
    /// `required_providers` constraint admits a 5.x version, or there is none), because those
    /// provider versions send `true`.
    ///
    /// ## Why is this bad?
    /// A publicly accessible warehouse gets a public IP address and a DNS name that resolves to
    /// it from the internet; only its security groups stand between it and the world. AWS
    /// recommends keeping Redshift in private subnets, reachable only from your network.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (network
    /// isolation); the AWS provider's "Terraform AWS Provider Version 6 Upgrade Guide"
    /// <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade>
    /// (`publicly_accessible` default changed from true to false).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier  = "analytics"
    ///   node_type           = "ra3.xlplus"
    ///   publicly_accessible = true
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
    ///       PubliclyAccessible: true
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier  = "analytics"
    ///   node_type           = "ra3.xlplus"
    ///   publicly_accessible = false
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
    ///       PubliclyAccessible: false
    /// ```
    ///
    /// ## Unknown values
    /// A value that cannot be evaluated, or a provider constraint that cannot be read, gives no
    /// finding. With `--strict`, a `publicly_accessible` that is unknown (a variable or
    /// parameter without a value, a plan value known only after apply) is reported, without a
    /// fix.
    ///
    /// ## Fix
    /// Set `publicly_accessible = false`.
    id: "RS104",
    name: "warehouse-publicly-accessible",
    severity: High,
    summary: "warehouse is publicly accessible",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let (meta, address) = (&warehouse.meta, &warehouse.meta.address);
        let value = &warehouse.publicly_accessible;
        let field = field_name(value, "its public accessibility setting");
        let public = value.test(|b| *b);
        if !config.reports(public) {
            continue;
        }
        if public == Truth::Unknown {
            let message = Unknown::is(field).when("it is true").of(
                format!("warehouse {address}"),
                "the warehouse is publicly accessible",
            );
            findings.push(RULE.finding(meta, value.span, message));
            continue;
        }
        let finding = if value.origin == Origin::Default {
            RULE.finding(
                meta,
                value.span,
                format!(
                    "warehouse {address} leaves {field} unset, and AWS provider versions before 6.0 make it publicly accessible"
                ),
            )
            .with_severity(Severity::Medium)
        } else {
            RULE.finding(
                meta,
                value.span,
                format!("warehouse {address} is publicly accessible"),
            )
        };
        findings.push(finding.with_fix(value.set_to("true", FixValue::Bool(false))));
    }
    findings
}
