//! RS111 dedicated-tenancy.

use crate::model::{Link, Model, Span, Truth, Warehouse, WarehouseKind, defaults};
use crate::rules::toolkit::{Unknown, field_name};
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
    /// Source: "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html> (network
    /// isolation and tenancy); enabled only where your policy demands it.
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
    /// A tenancy that cannot be evaluated, or a VPC not in scope, gives no finding. With
    /// `--strict`, both are reported, because each decides the rule: a VPC whose
    /// `instance_tenancy` is unknown (a variable or parameter without a value), at that value;
    /// and a warehouse whose VPC is unknown (its subnets, or their VPC, are not in scope or
    /// cannot be evaluated), at the subnet group, subnet list or subnet `vpc_id` that leaves
    /// it unknown. A cluster with no subnet group is not reported (RS101 covers it).
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
    let dedicated = defaults::DEDICATED_TENANCY;
    let shared = "the warehouse runs on shared hardware";
    let mut findings: Vec<Finding> = Vec::new();
    for warehouse in &model.warehouses {
        let address = &warehouse.meta.address;
        let Some(vpc) = model.warehouse_vpc(warehouse) else {
            let site = unknown_vpc_site(model, warehouse)
                .filter(|span| !findings.iter().any(|f| f.span == *span));
            if let Some(span) = site.filter(|_| config.reports(Truth::Unknown)) {
                let message = format!(
                    "warehouse {address}: its VPC is unknown here (not in scope), and so is its instance tenancy; if it is not {dedicated}, {shared}"
                );
                findings.push(RULE.finding(&warehouse.meta, span, message));
            }
            continue;
        };
        let tenancy = &vpc.instance_tenancy;
        if findings.iter().any(|f| f.span == tenancy.span) {
            continue;
        }
        let subject = format!("vpc {} of {address}", vpc.meta.address);
        let message = match tenancy.known() {
            Some(value) if value == dedicated => continue,
            Some(value) => format!("{subject} has {value} instance tenancy, not {dedicated}"),
            None if config.reports(Truth::Unknown) => {
                Unknown::is(field_name(tenancy, "its instance tenancy"))
                    .when(format!("it is not {dedicated}"))
                    .of(&subject, shared)
            }
            None => continue,
        };
        findings.push(
            RULE.finding(&vpc.meta, tenancy.span, message)
                .about_warehouse(warehouse),
        );
    }
    findings
}

fn unknown_vpc_site(model: &Model, warehouse: &Warehouse) -> Option<Span> {
    let Some(links) = warehouse.subnets.known() else {
        if warehouse.kind == WarehouseKind::Workgroup {
            return Some(warehouse.subnets.span);
        }
        return match warehouse.subnet_group.known() {
            Some(None) => None,
            // The group is in scope and its subnet list is unknown.
            Some(Some(Link {
                target: Some(_), ..
            })) => Some(warehouse.subnets.span),
            // The group is unknown, or not in scope.
            _ => Some(warehouse.subnet_group.span),
        };
    };
    let in_scope_vpc_link = links
        .iter()
        .filter_map(|l| model.subnet(l))
        .find_map(|s| s.vpc.filter(|v| v.target.is_none()).map(|v| v.span));
    let out_of_scope_subnet = links.iter().find(|l| l.target.is_none()).map(|l| l.span);
    in_scope_vpc_link
        .or(out_of_scope_subnet)
        .or_else(|| (!links.is_empty()).then_some(warehouse.subnets.span))
}
