//! RS110 vpc-flow-logs-missing.

use crate::model::Model;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose VPC is in scope when no flow log targets that VPC
    /// (`aws_flow_log` with `vpc_id`, `AWS::EC2::FlowLog` with `ResourceType: VPC`). Flow logs
    /// on single subnets or interfaces do not count.
    ///
    /// ## Why is this bad?
    /// VPC flow logs record the traffic that reaches and leaves the warehouse's network. Without
    /// them there is no record to investigate who connected, or tried to, when something goes
    /// wrong.
    ///
    /// Source: seed 003 "Infrastructure security in Amazon VPC" (flow logs for monitoring).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
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
    /// resource "aws_flow_log" "main" {
    ///   vpc_id          = aws_vpc.main.id
    ///   traffic_type    = "ALL"
    ///   log_destination = aws_cloudwatch_log_group.flow.arn
    ///   iam_role_arn    = aws_iam_role.flow.arn
    /// }
    ///
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
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
    ///   FlowLogBucket:
    ///     Type: AWS::S3::Bucket
    ///
    ///   FlowLog:
    ///     Type: AWS::EC2::FlowLog
    ///     Properties:
    ///       ResourceType: VPC
    ///       ResourceId: !Ref Vpc
    ///       TrafficType: ALL
    ///       LogDestinationType: s3
    ///       LogDestination: !GetAtt FlowLogBucket.Arn
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
    /// A VPC that is not in scope is not judged, and a flow log whose target cannot be resolved
    /// may be the missing one: no finding.
    id: "RS110",
    name: "vpc-flow-logs-missing",
    severity: Low,
    summary: "the warehouse VPC has no flow log",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, _config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut reported = Vec::new();
    // A flow log whose target is unknown might log any VPC.
    if model.flow_logs.iter().any(|f| f.vpc.is_none()) {
        return findings;
    }
    for warehouse in &model.warehouses {
        let Some(vpc) = model.warehouse_vpc(warehouse) else {
            continue;
        };
        let vpc_id = model.vpcs.iter().position(|v| std::ptr::eq(v, vpc));
        if model.flow_logs.iter().any(|f| f.vpc == Some(vpc_id)) || reported.contains(&vpc_id) {
            continue;
        }
        reported.push(vpc_id);
        findings.push(
            RULE.finding(
                &vpc.meta,
                vpc.meta.span,
                format!(
                    "vpc {} of {} has no flow log",
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
