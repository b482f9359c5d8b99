//! RS111 dedicated-tenancy.

use crate::model::Model;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Opt-in (`require_dedicated_tenancy = true` in `redshield.toml`): flags a warehouse whose
    /// VPC is in scope and whose `instance_tenancy` is not `dedicated`.
    ///
    /// ## Why is this bad?
    /// Some compliance regimes require that workloads run on hardware dedicated to one
    /// customer. The VPC's tenancy decides that for the instances launched in it.
    ///
    /// Source: seed 003 "Infrastructure security in Amazon VPC" (network isolation and
    /// tenancy); enabled only where your policy demands it.
    ///
    /// ## Example
    /// With `require_dedicated_tenancy = true`:
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block       = "10.0.0.0/16"
    ///   instance_tenancy = "default"
    /// }
    ///
    /// resource "aws_subnet" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.1.0/24"
    /// }
    ///
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.redshift.id]
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   manage_master_password    = true
    ///   master_username           = "admin"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   vpc_security_group_ids    = [aws_security_group.redshift.id]
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Vpc:
    ///     Type: AWS::EC2::VPC
    ///     Properties:
    ///       CidrBlock: 10.0.0.0/16
    ///       InstanceTenancy: default
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
    /// Use instead:
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block       = "10.0.0.0/16"
    ///   instance_tenancy = "dedicated"
    /// }
    ///
    /// resource "aws_subnet" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.1.0/24"
    /// }
    ///
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.redshift.id]
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   manage_master_password    = true
    ///   master_username           = "admin"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   vpc_security_group_ids    = [aws_security_group.redshift.id]
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Vpc:
    ///     Type: AWS::EC2::VPC
    ///     Properties:
    ///       CidrBlock: 10.0.0.0/16
    ///       InstanceTenancy: dedicated
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
    /// A tenancy that cannot be evaluated, or a VPC not in scope, gives no finding.
    ///
    /// ## Options
    /// `require_dedicated_tenancy = true` enables the rule.
    id: "RS111",
    name: "dedicated-tenancy",
    severity: Low,
    summary: "warehouse VPC does not use dedicated tenancy",
    fix: None,
    opt_in: true,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    if !config.require_dedicated_tenancy {
        return Vec::new();
    }
    let mut findings: Vec<Finding> = Vec::new();
    for warehouse in &model.warehouses {
        let Some(vpc) = model.warehouse_vpc(warehouse) else {
            continue;
        };
        let tenancy = &vpc.instance_tenancy;
        let Some(value) = tenancy.known() else {
            continue;
        };
        if value == "dedicated" || findings.iter().any(|f| f.span == tenancy.span) {
            continue;
        }
        findings.push(
            RULE.finding(
                &vpc.meta,
                tenancy.span,
                format!(
                    "vpc {} of {} has {value} instance tenancy, not dedicated",
                    vpc.meta.address, warehouse.meta.address
                ),
            )
            .with_related(
                format!("warehouse {}", warehouse.meta.address),
                warehouse.meta.span,
            ),
        );
    }
    findings
}
