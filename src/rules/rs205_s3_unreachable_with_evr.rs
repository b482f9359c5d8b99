//! RS205 s3-unreachable-with-evr.

use crate::model::{Model, Truth, Warehouse};
use crate::rules::toolkit::{Unknown, field_name, with_hop_per_subnet, with_vpc_routing_hop};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse with enhanced VPC routing on whose subnets have no path to Amazon S3: no S3
    /// gateway endpoint associated with their route table, no S3 interface endpoint, no `0.0.0.0/0`
    /// route to a NAT gateway, and no internet gateway route with a public address.
    ///
    /// ## Why is this bad?
    /// Enhanced VPC routing forces COPY and UNLOAD traffic through the VPC. Without an endpoint or a
    /// gateway to S3, every load and unload fails. AWS recommends an S3 gateway endpoint on the
    /// warehouse subnets' route table.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html> (with enhanced
    /// VPC routing, COPY and UNLOAD reach S3 through your VPC: endpoints, NAT or internet
    /// gateways).
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
    /// resource "aws_route_table" "private" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    ///
    /// resource "aws_route_table_association" "redshift" {
    ///   subnet_id      = aws_subnet.redshift.id
    ///   route_table_id = aws_route_table.private.id
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
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   iam_roles                 = [aws_iam_role.spectrum.arn]
    ///   enhanced_vpc_routing      = true
    /// }
    ///
    /// resource "aws_iam_role" "spectrum" {
    ///   name = "spectrum"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRole"
    ///       Principal = { Service = "redshift.amazonaws.com" }
    ///     }]
    ///   })
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
    ///   PrivateRoutes:
    ///     Type: AWS::EC2::RouteTable
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   RedshiftRoutes:
    ///     Type: AWS::EC2::SubnetRouteTableAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       RouteTableId: !Ref PrivateRoutes
    ///
    ///   SpectrumRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: sts:AssumeRole
    ///             Principal:
    ///               Service: redshift.amazonaws.com
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
    ///       IamRoles: [!GetAtt SpectrumRole.Arn]
    ///       EnhancedVpcRouting: true
    /// ```
    ///
    /// Use instead:
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
    /// resource "aws_route_table" "private" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    ///
    /// resource "aws_route_table_association" "redshift" {
    ///   subnet_id      = aws_subnet.redshift.id
    ///   route_table_id = aws_route_table.private.id
    /// }
    ///
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.redshift.id]
    /// }
    ///
    /// resource "aws_vpc_endpoint" "s3" {
    ///   vpc_id          = aws_vpc.main.id
    ///   service_name    = "com.amazonaws.us-east-1.s3"
    ///   route_table_ids = [aws_route_table.private.id]
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   iam_roles                 = [aws_iam_role.spectrum.arn]
    ///   enhanced_vpc_routing      = true
    /// }
    ///
    /// resource "aws_iam_role" "spectrum" {
    ///   name = "spectrum"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRole"
    ///       Principal = { Service = "redshift.amazonaws.com" }
    ///     }]
    ///   })
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
    ///   PrivateRoutes:
    ///     Type: AWS::EC2::RouteTable
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   RedshiftRoutes:
    ///     Type: AWS::EC2::SubnetRouteTableAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       RouteTableId: !Ref PrivateRoutes
    ///
    ///   S3Endpoint:
    ///     Type: AWS::EC2::VPCEndpoint
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       ServiceName: com.amazonaws.us-east-1.s3
    ///       RouteTableIds: [!Ref PrivateRoutes]
    ///
    ///   SpectrumRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: sts:AssumeRole
    ///             Principal:
    ///               Service: redshift.amazonaws.com
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
    ///       IamRoles: [!GetAtt SpectrumRole.Arn]
    ///       EnhancedVpcRouting: true
    /// ```
    ///
    /// ## Unknown values
    /// Route tables, endpoints or a VPC that are not in scope make the path unknown: no finding.
    /// An `enhanced_vpc_routing` that cannot be evaluated gives no finding either. With
    /// `--strict`, both are reported at `enhanced_vpc_routing` when the other half of the
    /// condition holds (or is unknown too): routing through the VPC that is unknown while the
    /// subnets have no path to S3, and a path to S3 that is unknown while the warehouse routes
    /// through its VPC. The message says which is unknown.
    ///
    /// A route table association whose subnet cannot be told (a variable or parameter without a
    /// value, a plan's `subnet_id` unknown until apply that cannot be linked to a subnet) may be
    /// any subnet's: the subnets without an association of their own have an unknown route table
    /// (their path is unknown), never the VPC's main table. In a plan, `subnet_id =
    /// each.value.id` of an association whose `for_each` iterates a subnet collection is linked
    /// to the subnet of the same key.
    /// An endpoint's service name built from the region (`data.aws_region.x.name`, `!Sub
    /// "com.amazonaws.${AWS::Region}.s3"`) names the warehouse's own region, also when that
    /// region is unknown; a name written for a region is unknown when the warehouse's region is.
id: "RS205",
    name: "s3-unreachable-with-evr",
    severity: High,
    summary: "with enhanced VPC routing, the warehouse subnets have no path to S3",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let no_path = "no S3 endpoint, NAT gateway or public path";
    let fail = "COPY and UNLOAD fail";
    for warehouse in &model.warehouses {
        let evr = &warehouse.enhanced_vpc_routing;
        let routed = evr.test(|b| *b);
        let path = model.s3_path(warehouse);
        if !config.reports(routed.and(!path)) {
            continue;
        }
        let (address, field) = (&warehouse.meta.address, field_name(evr, "its routing"));
        let subject = format!("warehouse {address}");
        let message = match (routed, path) {
            (Truth::True, Truth::False) => format!(
                "{subject} routes through its VPC, but its subnets have {no_path}, so {fail}"
            ),
            (Truth::Unknown, Truth::False) => Unknown::is(field).when("it is true").of(
                &subject,
                format!("{fail}, because its subnets have {no_path}"),
            ),
            (Truth::True, _) => format!(
                "{subject} routes through its VPC, and whether its subnets reach S3 is unknown here (a subnet, route table or endpoint is unknown or not in scope); if they have {no_path}, {fail}"
            ),
            _ => Unknown::is(field)
                .when("it routes through its VPC")
                .also("whether its subnets reach S3")
                .when(format!("they have {no_path}"))
                .of(&subject, fail),
        };
        let finding = RULE.finding(&warehouse.meta, evr.span, message);
        findings.push(if (routed, path) == (Truth::True, Truth::False) {
            with_no_path_hops(finding, model, warehouse)
        } else {
            finding
        });
    }
    findings
}

/// The evidence of a definite finding: the warehouse routes through its VPC, and each of its
/// subnets has no way out (the path it lacks).
fn with_no_path_hops(finding: Finding, model: &Model, warehouse: &Warehouse) -> Finding {
    with_hop_per_subnet(
        with_vpc_routing_hop(finding, warehouse),
        model,
        warehouse,
        "no S3 gateway or interface endpoint, no route to a NAT gateway and no internet path with a public address",
    )
}
