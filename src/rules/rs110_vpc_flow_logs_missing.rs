//! RS110 vpc-flow-logs-missing.

use crate::model::{FlowLog, Id, Model, Truth, Vpc, Warehouse};
use crate::rules::toolkit::Unknown;
use crate::rules::{Finding, RuleConfig};
use foldhash::{HashSet, HashSetExt};

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
    /// Source: "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html> (flow logs
    /// for monitoring).
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
    /// A VPC that is not in scope is not judged (the rule is about VPCs in scope), and a flow
    /// log whose target cannot be resolved (a variable without a value, a `ResourceType` or
    /// `ResourceId` from a parameter without a default) may be the missing one: no finding.
    /// With `--strict`, each flow log whose target is unknown is reported at its header when a
    /// warehouse VPC in scope has no flow log known to target it, naming those VPCs.
    id: "RS110",
    name: "vpc-flow-logs-missing",
    severity: Low,
    summary: "the warehouse VPC has no flow log",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    // A flow log whose target is unknown might log any VPC.
    let unknown: Vec<&FlowLog> = model
        .flow_logs
        .iter()
        .filter(|f| f.vpc.known().is_none())
        .collect();
    if !unknown.is_empty() && !config.reports(Truth::Unknown) {
        return findings;
    }
    // Warehouse VPCs in scope that no flow log is known to target, each with the first
    // warehouse in it. Sets, not scans: a unit of many stacks has a VPC, a flow log and a
    // warehouse per stack.
    let logged: HashSet<Id> = model
        .flow_logs
        .iter()
        .filter_map(|f| f.vpc.in_scope())
        .collect();
    let mut unlogged: Vec<(Id, &Vpc, &Warehouse)> = Vec::new();
    let mut named: HashSet<Id> = HashSet::new();
    for warehouse in &model.warehouses {
        let Some(vpc_id) = model.warehouse_vpc_id(warehouse) else {
            continue;
        };
        let Some(vpc) = model.vpcs.get(vpc_id) else {
            continue;
        };
        if !logged.contains(&vpc_id) && named.insert(vpc_id) {
            unlogged.push((vpc_id, vpc, warehouse));
        }
    }
    if !unknown.is_empty() {
        if unlogged.is_empty() {
            return findings;
        }
        let names: Vec<String> = unlogged
            .iter()
            .map(|(_, vpc, warehouse)| {
                format!("vpc {} of {}", vpc.meta.address, warehouse.meta.address)
            })
            .collect();
        let consequence = if unlogged.len() == 1 {
            "that VPC has no flow log"
        } else {
            "a warehouse VPC has no flow log"
        };
        for log in unknown {
            let message = Unknown::is("its target")
                .when(format!("it is not {}", names.join(" or ")))
                .of(format!("flow log {}", log.meta.address), consequence);
            let mut finding = RULE.finding(&log.meta, log.meta.span, message);
            for (_, vpc, warehouse) in &unlogged {
                finding = finding
                    .related_to("vpc", &vpc.meta)
                    .about_warehouse(warehouse);
            }
            findings.push(finding);
        }
        return findings;
    }
    for (_, vpc, warehouse) in unlogged {
        let message = format!(
            "vpc {} of {} has no flow log",
            vpc.meta.address, warehouse.meta.address
        );
        findings.push(
            RULE.finding(&vpc.meta, vpc.meta.span, message)
                .about_warehouse(warehouse),
        );
    }
    findings
}
