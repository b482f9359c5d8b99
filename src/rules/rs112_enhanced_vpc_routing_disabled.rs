//! RS112 enhanced-vpc-routing-disabled.

use crate::model::{FixValue, Model, Origin, Truth};
use crate::rules::toolkit::{Unknown, field_name, noun};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster or Serverless workgroup whose enhanced VPC routing is off:
    /// `enhanced_vpc_routing` / `EnhancedVpcRouting` false, or unset (its default is false in
    /// Terraform, CloudFormation and the API).
    ///
    /// ## Why is this bad?
    /// Without enhanced VPC routing, Redshift sends COPY and UNLOAD traffic to S3 and other
    /// repositories over the internet, outside the VPC: security groups, network ACLs, VPC
    /// endpoint policies and flow logs neither control nor record it. With it on, that traffic
    /// goes through the VPC like any other. Security Hub flags it as Redshift.7 (clusters) and
    /// RedshiftServerless.1 (workgroups); checkov as CKV_AWS_321.
    ///
    /// Turning it on needs a way out of the VPC for that traffic: a path to S3 (an S3 gateway
    /// or interface endpoint, a NAT gateway) and, for Spectrum, to the Glue catalog. RS205 and
    /// RS204 check those paths once it is on.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html>); "Enhanced
    /// VPC routing in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/enhanced-vpc-routing.html>); "Security
    /// Hub controls for Amazon Redshift", Redshift.7
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html>);
    /// "Security Hub controls for Amazon Redshift Serverless", RedshiftServerless.1
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   enhanced_vpc_routing   = false
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
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   enhanced_vpc_routing   = true
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
    ///       EnhancedVpcRouting: true
    /// ```
    ///
    /// ## Unknown values
    /// A setting that cannot be evaluated (a variable or parameter without a value) gives no
    /// finding; with `--strict` it is reported at that value, without a fix. A plan that shows
    /// the setting unknown only because the provider computes it is judged by the default
    /// (off).
    ///
    /// ## Fix
    /// Set it to true. The fix's description says that COPY and UNLOAD then need a path to S3
    /// and the catalog in the VPC (RS205, RS204); where the warehouse's subnets are known to
    /// have no path to S3 (or, with a Spectrum role, to the Glue catalog), there is no fix: it
    /// would break COPY and UNLOAD until one is added.
    id: "RS112",
    name: "enhanced-vpc-routing-disabled",
    severity: Medium,
    summary: "enhanced VPC routing is off: COPY and UNLOAD traffic leaves the VPC",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let value = &warehouse.enhanced_vpc_routing;
        let off = value.test(|on| !*on);
        if !config.reports(off) {
            continue;
        }
        let (noun, address) = (noun(warehouse), &warehouse.meta.address);
        let field = field_name(value, "its enhanced VPC routing setting");
        let message = if off == Truth::Unknown {
            Unknown::is(field).when("it is false").of(
                format!("{noun} {address}"),
                "COPY and UNLOAD traffic leaves the VPC",
            )
        } else if value.origin == Origin::Default {
            format!(
                "{noun} {address} leaves {field} unset (off): COPY and UNLOAD traffic leaves the VPC"
            )
        } else {
            format!("{noun} {address} turns {field} off: COPY and UNLOAD traffic leaves the VPC")
        };
        // Turning it on where the subnets are known to have no path to S3 (or, for Spectrum,
        // to the catalog) would break COPY and UNLOAD: no fix until there is one (RS205, RS204
        // then say what is missing).
        let breaks = model.s3_path(warehouse).is_false()
            || (!model.spectrum_roles(warehouse).is_empty()
                && model.catalog_path(warehouse).is_false());
        let fix = (off == Truth::True && !breaks)
            .then(|| value.set_to("false", FixValue::Bool(true)))
            .flatten()
            .map(|fix| {
                fix.noted(
                    "COPY and UNLOAD then need a path to S3 from the VPC, which RS205 checks, and Spectrum one to the Glue catalog, which RS204 checks",
                )
            });
        findings.push(
            RULE.finding(&warehouse.meta, value.span, message)
                .with_fix(fix),
        );
    }
    findings
}
