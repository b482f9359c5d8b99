//! RS103 warehouse-in-public-subnet.

use crate::model::{Model, Subnet, Truth, Warehouse, net};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse that uses a subnet whose route table sends `0.0.0.0/0` or `::/0` to an
    /// internet gateway (through its explicit association, or the VPC's main route table when it
    /// has none), or a subnet that sets `map_public_ip_on_launch = true`.
    ///
    /// ## Why is this bad?
    /// AWS recommends private subnets for Redshift: a subnet with a default route to an internet
    /// gateway is public, and anything in it that gets a public address is reachable from the
    /// internet, guarded by security groups alone.
    ///
    /// Source: seed 000 "Infrastructure security in Amazon Redshift" (network isolation, private
    /// subnets); seed 003 "Infrastructure security in Amazon VPC".
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_route_table" "public" {
    ///   vpc_id = aws_vpc.main.id
    ///   route {
    ///     cidr_block = "0.0.0.0/0"
    ///     gateway_id = aws_internet_gateway.main.id
    ///   }
    /// }
    ///
    /// resource "aws_route_table_association" "redshift" {
    ///   subnet_id      = aws_subnet.redshift.id
    ///   route_table_id = aws_route_table.public.id
    /// }
    ///
    /// resource "aws_internet_gateway" "main" {
    ///   vpc_id = aws_vpc.main.id
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
    ///   InternetGateway:
    ///     Type: AWS::EC2::InternetGateway
    ///
    ///   GatewayAttachment:
    ///     Type: AWS::EC2::VPCGatewayAttachment
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       InternetGatewayId: !Ref InternetGateway
    ///
    ///   PublicRoutes:
    ///     Type: AWS::EC2::RouteTable
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   DefaultRoute:
    ///     Type: AWS::EC2::Route
    ///     DependsOn: GatewayAttachment
    ///     Properties:
    ///       RouteTableId: !Ref PublicRoutes
    ///       DestinationCidrBlock: 0.0.0.0/0
    ///       GatewayId: !Ref InternetGateway
    ///
    ///   RedshiftRoutes:
    ///     Type: AWS::EC2::SubnetRouteTableAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       RouteTableId: !Ref PublicRoutes
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
    /// resource "aws_route_table" "private" {
    ///   vpc_id = aws_vpc.main.id
    ///   route {
    ///     cidr_block     = "0.0.0.0/0"
    ///     nat_gateway_id = aws_nat_gateway.main.id
    ///   }
    /// }
    ///
    /// resource "aws_route_table_association" "redshift" {
    ///   subnet_id      = aws_subnet.redshift.id
    ///   route_table_id = aws_route_table.private.id
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
    ///   PublicSubnet:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.0.0/24
    ///
    ///   NatIp:
    ///     Type: AWS::EC2::EIP
    ///     Properties:
    ///       Domain: vpc
    ///
    ///   NatGateway:
    ///     Type: AWS::EC2::NatGateway
    ///     Properties:
    ///       SubnetId: !Ref PublicSubnet
    ///       AllocationId: !GetAtt NatIp.AllocationId
    ///
    ///   PrivateRoutes:
    ///     Type: AWS::EC2::RouteTable
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   DefaultRoute:
    ///     Type: AWS::EC2::Route
    ///     Properties:
    ///       RouteTableId: !Ref PrivateRoutes
    ///       DestinationCidrBlock: 0.0.0.0/0
    ///       NatGatewayId: !Ref NatGateway
    ///
    ///   RedshiftRoutes:
    ///     Type: AWS::EC2::SubnetRouteTableAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       RouteTableId: !Ref PrivateRoutes
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
    /// A subnet whose route table is not in scope (or whose VPC is not, when it relies on the
    /// main table) is not judged; neither is a route whose target cannot be resolved, nor a
    /// `map_public_ip_on_launch` that cannot be evaluated. A route table association whose
    /// subnet cannot be told (a variable or parameter without a value, a plan's `subnet_id`
    /// that is unknown until apply and cannot be linked) may be any subnet's: every subnet
    /// without an association of its own then has an unknown route table, not the main one.
    /// Routes written into `aws_vpc.<name>.default_route_table_id` (or `main_route_table_id`)
    /// are in the VPC's main table even when that table is not declared.
    ///
    /// With `--strict`, a subnet of the warehouse that is in scope and not known to be public is
    /// reported, without a fix, when what decides it is unknown:
    /// - a route of its route table whose destination or target is unknown (and that is not
    ///   known to miss the internet gateway or the default route), at the unknown value;
    /// - its route table itself: associated with a table that is unknown or not in scope, or
    ///   the main table of a VPC that is not in scope (out of scope is unknown, not absent), at
    ///   the subnet; or a table whose routes cannot all be read, at the table;
    /// - `map_public_ip_on_launch` that is unknown, at the value.
    ///
    /// Subnets that are themselves out of scope, or a warehouse whose subnet list is unknown,
    /// stay unjudged.
    id: "RS103",
    name: "warehouse-in-public-subnet",
    severity: High,
    summary: "warehouse subnet routes to an internet gateway or assigns public IPs",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let Some(links) = warehouse.subnets.known() else {
            continue;
        };
        for subnet in links.iter().filter_map(|l| model.subnet(l)) {
            let (routes, public) = net::internet_routes(model, subnet);
            if config.strict && public == Truth::Unknown {
                findings.extend(unknown_routes(model, subnet, warehouse));
            }
            for route in routes {
                let finding = RULE
                    .finding(
                        &route.meta,
                        route.target.span,
                        format!(
                            "subnet {} of {} routes to an internet gateway, so the warehouse is in a public subnet",
                            subnet.meta.address, warehouse.meta.address
                        ),
                    )
                    .with_related(format!("warehouse {}", warehouse.meta.address), warehouse.meta.span)
                    .with_related(format!("subnet {}", subnet.meta.address), subnet.meta.span);
                findings.push(finding);
            }
            let public_ips = subnet.map_public_ip_on_launch.test(|b| *b);
            if config.strict && public_ips == Truth::Unknown {
                findings.push(
                    RULE.finding(
                        &subnet.meta,
                        subnet.map_public_ip_on_launch.span,
                        format!(
                            "subnet {} of {}: map_public_ip_on_launch is unknown here; if it is true, the subnet assigns public IP addresses on launch",
                            subnet.meta.address, warehouse.meta.address
                        ),
                    )
                    .with_related(
                        format!("warehouse {}", warehouse.meta.address),
                        warehouse.meta.span,
                    ),
                );
            }
            if public_ips.is_true() {
                findings.push(
                    RULE.finding(
                        &subnet.meta,
                        subnet.map_public_ip_on_launch.span,
                        format!(
                            "subnet {} of {} assigns public IP addresses on launch",
                            subnet.meta.address, warehouse.meta.address
                        ),
                    )
                    .with_related(
                        format!("warehouse {}", warehouse.meta.address),
                        warehouse.meta.span,
                    ),
                );
            }
        }
    }
    findings
}

/// The findings of `--strict` for a subnet whose internet routes are unknown: each route that
/// may be a default route to an internet gateway, or the route table that is not known.
fn unknown_routes(model: &Model, subnet: &Subnet, warehouse: &Warehouse) -> Vec<Finding> {
    let related = |f: Finding| {
        f.with_related(
            format!("warehouse {}", warehouse.meta.address),
            warehouse.meta.span,
        )
        .with_related(format!("subnet {}", subnet.meta.address), subnet.meta.span)
    };
    let if_public =
        "if it sends 0.0.0.0/0 or ::/0 to an internet gateway, the warehouse is in a public subnet";
    let Some(table) = subnet
        .route_table
        .flatten()
        .and_then(|t| model.route_tables.get(t))
    else {
        return vec![related(RULE.finding(
            &subnet.meta,
            subnet.meta.span,
            format!(
                "subnet {} of {}: its route table is unknown here; {if_public}",
                subnet.meta.address, warehouse.meta.address
            ),
        ))];
    };
    let mut findings: Vec<Finding> = table
        .routes
        .iter()
        .filter(|r| net::is_default_route_to_igw(r) == Truth::Unknown)
        .map(|route| {
            let (what, span) = if route.target.known().is_none() {
                ("target", route.target.span)
            } else {
                ("destination", route.destination.span)
            };
            related(RULE.finding(
                &route.meta,
                span,
                format!(
                    "subnet {} of {}: the {what} of a route in {} is unknown here; {if_public}",
                    subnet.meta.address, warehouse.meta.address, table.meta.address
                ),
            ))
        })
        .collect();
    if findings.is_empty() && !table.routes_known {
        findings.push(related(RULE.finding(
            &table.meta,
            table.meta.span,
            format!(
                "subnet {} of {}: some routes of {} are unknown here; if one sends 0.0.0.0/0 or ::/0 to an internet gateway, the warehouse is in a public subnet",
                subnet.meta.address, warehouse.meta.address, table.meta.address
            ),
        )));
    }
    findings
}
