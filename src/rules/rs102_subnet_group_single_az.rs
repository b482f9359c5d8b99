//! RS102 subnet-group-single-az.

use crate::model::{Model, Val, WarehouseKind};
use crate::rules::{Finding, RuleConfig};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster whose subnet group has fewer than two subnets or only subnets
    /// known to be in one Availability Zone, and a Serverless workgroup with fewer than three
    /// subnets or subnets in fewer than three Availability Zones (two in us-west-1).
    ///
    /// ## Why is this bad?
    /// AWS asks for a VPC with at least two private subnets for a cluster, so that it can be
    /// relocated or restored into another zone, and Serverless refuses to create a workgroup
    /// without subnets in three zones. A single-zone group is one outage away from an
    /// unreachable warehouse.
    ///
    /// Source: seed 000 "Infrastructure security in Amazon Redshift" ("a VPC with at least two
    /// private subnets"); AWS Redshift Serverless considerations (three subnets in three AZs).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.a.id]
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
    ///
    ///   SubnetA:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
    ///       AvailabilityZone: !Select [0, !GetAZs ""]
    ///
    ///   PrivateSubnets:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: private
    ///       SubnetIds: [!Ref SubnetA]
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
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
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
    ///
    ///   SubnetA:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
    ///       AvailabilityZone: !Select [0, !GetAZs ""]
    ///
    ///   SubnetB:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.2.0/24
    ///       AvailabilityZone: !Select [1, !GetAZs ""]
    ///
    ///   PrivateSubnets:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: private
    ///       SubnetIds: [!Ref SubnetA, !Ref SubnetB]
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
    /// Zones are compared only when every subnet is in scope with a written zone (names with
    /// names, zone ids with zone ids); otherwise only the subnet count is judged.
    id: "RS102",
    name: "subnet-group-single-az",
    severity: Medium,
    summary: "warehouse subnets do not span enough Availability Zones",
    fix: None,
    opt_in: false,
}

/// The distinct zones of the subnets, or None when any is unknown or out of scope.
fn zones(model: &Model, subnets: &Val<Vec<crate::model::Link>>) -> Option<BTreeSet<String>> {
    subnets
        .known()?
        .iter()
        .map(|l| model.subnet(l)?.availability_zone.known().cloned())
        .collect()
}

pub(crate) fn check(model: &Model, _config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let (subnets, need_subnets, need_zones) = match warehouse.kind {
            WarehouseKind::Cluster => {
                let Some(Some(group)) = warehouse.subnet_group.known() else {
                    continue;
                };
                let Some(group) = group.target.and_then(|g| model.subnet_groups.get(g)) else {
                    continue;
                };
                (&group.subnets, 2, 2)
            }
            WarehouseKind::Workgroup => {
                let zones = if warehouse.region == "us-west-1" {
                    2
                } else {
                    3
                };
                (&warehouse.subnets, 3, zones)
            }
        };
        let Some(list) = subnets.known() else {
            continue;
        };
        let what = match warehouse.kind {
            WarehouseKind::Cluster => "cluster",
            WarehouseKind::Workgroup => "workgroup",
        };
        let message = if list.len() < need_subnets {
            format!(
                "{what} {} has {} subnet{}; at least {need_subnets} in different Availability Zones are required",
                warehouse.meta.address,
                list.len(),
                if list.len() == 1 { "" } else { "s" }
            )
        } else {
            match zones(model, subnets) {
                Some(z) if z.len() < need_zones => format!(
                    "{what} {} has subnets in only {} Availability Zone{}; at least {need_zones} are required",
                    warehouse.meta.address,
                    z.len(),
                    if z.len() == 1 { "" } else { "s" }
                ),
                _ => continue,
            }
        };
        let mut finding = RULE
            .finding(&warehouse.meta, subnets.span, message)
            .with_related(
                format!("{what} {}", warehouse.meta.address),
                warehouse.meta.span,
            );
        for subnet in list.iter().filter_map(|l| model.subnet(l)) {
            finding = finding.with_related(
                format!("subnet {}", subnet.meta.address),
                subnet.availability_zone.span,
            );
        }
        findings.push(finding);
    }
    findings
}
