//! RS103 warehouse-in-public-subnet.

use crate::model::{Model, net};
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
    /// main table) is not judged; neither is a route whose target cannot be resolved.
    id: "RS103",
    name: "warehouse-in-public-subnet",
    severity: High,
    summary: "warehouse subnet routes to an internet gateway or assigns public IPs",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, _config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let Some(links) = warehouse.subnets.known() else {
            continue;
        };
        for subnet in links.iter().filter_map(|l| model.subnet(l)) {
            let (routes, _) = net::internet_routes(model, subnet);
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
            if subnet.map_public_ip_on_launch.test(|b| *b).is_true() {
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
