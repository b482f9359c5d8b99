//! RS101 warehouse-outside-vpc.

use crate::model::{Model, Truth};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster that names no cluster subnet group, or that still uses legacy
    /// EC2-Classic cluster security groups (`cluster_security_groups`, removed from the AWS
    /// provider in 5.0).
    ///
    /// ## Why is this bad?
    /// Network isolation starts with launching the cluster in a VPC you control, in private
    /// subnets, behind VPC security groups. Without a subnet group the cluster is not placed in
    /// your VPC's subnets at all, so none of the VPC's controls (route tables, NACLs, VPC
    /// security groups, flow logs) apply to it.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (network
    /// isolation: "a VPC with at least two private subnets"); "Infrastructure security in Amazon
    /// VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html>.
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
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Vpc:
    ///     Type: AWS::EC2::VPC
    ///     Properties:
    ///       CidrBlock: 10.0.0.0/16
    ///
    ///   RedshiftSubnet:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
    ///
    ///   PrivateSubnets:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: private
    ///       SubnetIds: [!Ref RedshiftSubnet]
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       ClusterSubnetGroupName: !Ref PrivateSubnets
    /// ```
    ///
    /// ## Unknown values
    /// A subnet group name that cannot be evaluated is not a missing one: no finding. A subnet
    /// group named but not declared in scope is set, so the cluster is in a VPC: no finding
    /// either, with or without `--strict`. A `cluster_security_groups` / `ClusterSecurityGroups`
    /// list that cannot be evaluated may turn out empty: no finding.
    ///
    /// With `--strict`, a subnet group name that is unknown (a variable or parameter without a
    /// value, a plan value known only after apply) is reported, because it may turn out empty
    /// or null and leave the cluster outside your VPC; and so is a legacy security group list
    /// that is unknown, at that value and without a fix, because it may turn out not empty.
    id: "RS101",
    name: "warehouse-outside-vpc",
    severity: High,
    summary: "provisioned cluster without a subnet group or with legacy cluster security groups",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for cluster in model.clusters() {
        let (meta, address) = (&cluster.meta, &cluster.meta.address);
        let legacy = &cluster.legacy_security_groups;
        let uses_legacy = legacy.test(|named| *named);
        let legacy_groups =
            "the cluster uses legacy EC2-Classic cluster security groups instead of a VPC";
        if uses_legacy.is_true() {
            findings.push(RULE.finding(
                meta,
                legacy.span,
                format!("cluster {address} uses legacy EC2-Classic cluster security groups instead of a VPC"),
            ));
            continue;
        }
        let subnet_group = &cluster.subnet_group;
        if let Some(None) = subnet_group.known() {
            findings.push(RULE.finding(
                meta,
                subnet_group.span,
                format!("cluster {address} has no subnet group, so it is not placed in your VPC"),
            ));
            continue;
        }
        if !config.reports(Truth::Unknown) {
            continue;
        }
        if subnet_group.known().is_none() {
            let message = Unknown::is("its subnet group name").when("it is empty").of(
                format!("cluster {address}"),
                "the cluster is not placed in your VPC",
            );
            findings.push(RULE.finding(meta, subnet_group.span, message));
        }
        if uses_legacy == Truth::Unknown {
            let field = field_name(legacy, "list of legacy cluster security groups");
            let message = Unknown::is(format!("its {field}"))
                .when("it is not empty")
                .of(format!("cluster {address}"), legacy_groups);
            findings.push(RULE.finding(meta, legacy.span, message));
        }
    }
    findings
}
