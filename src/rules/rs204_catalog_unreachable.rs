//! RS204 catalog-unreachable.

use crate::model::{Model, Truth, Warehouse};
use crate::rules::toolkit::{Unknown, field_name, with_hop_per_subnet, with_vpc_routing_hop};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse with enhanced VPC routing on and a Spectrum role whose subnets have no way to
    /// the AWS Glue Data Catalog: no `0.0.0.0/0` route to a NAT gateway, no route to an internet
    /// gateway together with a public address (publicly accessible or an Elastic IP), and no
    /// interface VPC endpoint for `com.amazonaws.<region>.glue` in the VPC.
    ///
    /// ## Why is this bad?
    /// With enhanced VPC routing, the warehouse's traffic to AWS services leaves through its VPC.
    /// Spectrum looks up external tables in the Glue Data Catalog (or Athena's); if the subnets
    /// cannot reach Glue, every query on an external schema fails. AWS lists the ways to give them
    /// that path: a NAT gateway, an internet gateway with a public IP, or a Glue VPC endpoint.
    ///
    /// Source: "Accessing Amazon S3 buckets with Redshift Spectrum"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html> (to access the
    /// AWS Glue or Athena catalog with enhanced VPC routing, use a NAT gateway, an internet
    /// gateway, or a VPC endpoint).
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
    /// resource "aws_vpc_endpoint" "s3" {
    ///   vpc_id          = aws_vpc.main.id
    ///   service_name    = "com.amazonaws.us-east-1.s3"
    ///   route_table_ids = [aws_route_table.private.id]
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
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   iam_roles                 = [aws_iam_role.spectrum.arn]
    ///   enhanced_vpc_routing      = true
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
    /// resource "aws_vpc_endpoint" "glue" {
    ///   vpc_id            = aws_vpc.main.id
    ///   service_name      = "com.amazonaws.us-east-1.glue"
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [aws_subnet.redshift.id]
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
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    ///   iam_roles                 = [aws_iam_role.spectrum.arn]
    ///   enhanced_vpc_routing      = true
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
    ///   GlueEndpoint:
    ///     Type: AWS::EC2::VPCEndpoint
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       ServiceName: com.amazonaws.us-east-1.glue
    ///       VpcEndpointType: Interface
    ///       SubnetIds: [!Ref RedshiftSubnet]
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
    /// Route tables, endpoints or a VPC that are not in scope, an endpoint whose service cannot be
    /// evaluated, and a region that is not known for the endpoint's service name make the path
    /// unknown: no finding. An `enhanced_vpc_routing` or a list of IAM roles that cannot be
    /// evaluated gives no finding either; nor does an `aws_redshift_cluster_iam_roles` whose
    /// `cluster_identifier` cannot be evaluated, which may attach its roles to any cluster in scope
    /// (the cluster's roles are then unknown). With `--strict`, a warehouse is reported when each
    /// of the three conditions (routing through the VPC, a Spectrum role, no way to the catalog) is
    /// true or unknown and at least one is unknown; the message names the unknown ones, and the
    /// finding points at the first unknown value (`enhanced_vpc_routing`, then `iam_roles` or the
    /// unknown `cluster_identifier` of a role attachment), or at `enhanced_vpc_routing` when only
    /// the path is unknown.
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
id: "RS204",
    name: "catalog-unreachable",
    severity: Medium,
    summary: "with enhanced VPC routing, the warehouse subnets cannot reach the Glue catalog",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let no_path = "its subnets have no NAT gateway, public internet path or Glue endpoint";
    for warehouse in &model.warehouses {
        let evr = &warehouse.enhanced_vpc_routing;
        let routed = evr.test(|b| *b);
        let has_role = warehouse.roles.test(|r| !r.is_empty());
        let path = model.catalog_path(warehouse);
        let breaks = routed.and(has_role).and(!path);
        if !config.reports(breaks) {
            continue;
        }
        let address = &warehouse.meta.address;
        if breaks.is_true() {
            let message = format!(
                "warehouse {address} routes through its VPC, but {no_path} to reach the data catalog"
            );
            let finding = RULE.finding(&warehouse.meta, evr.span, message);
            findings.push(with_no_path_hops(finding, model, warehouse));
            continue;
        }
        // What is unknown, under which condition the catalog is out of reach, and where.
        let unknowns = [
            (routed, field_name(evr, "its routing").to_string(), "it routes through its VPC".to_string(), Some(evr.span)),
            (has_role, "whether it has a Spectrum role".into(), "it has a Spectrum role".into(), Some(warehouse.roles.span)),
            (path, "whether its subnets reach the Glue catalog (a subnet, route table or endpoint is unknown or not in scope)".into(), no_path.to_string(), None),
        ];
        let unknowns = unknowns.into_iter().filter(|(t, ..)| *t == Truth::Unknown);
        let span = unknowns
            .clone()
            .find_map(|(.., span)| span)
            .unwrap_or(evr.span);
        let Some(unknown) = Unknown::all(unknowns.map(|(_, what, condition, _)| (what, condition)))
        else {
            continue;
        };
        let because = if path == Truth::False {
            format!(", because {no_path}")
        } else {
            String::new()
        };
        let message = unknown.of(
            format!("warehouse {address}"),
            format!("Spectrum cannot reach the data catalog{because}"),
        );
        findings.push(RULE.finding(&warehouse.meta, span, message));
    }
    findings
}

/// The evidence of a definite finding: the warehouse routes through its VPC, and each of its
/// subnets has no way out (the path it lacks).
fn with_no_path_hops(finding: Finding, model: &Model, warehouse: &Warehouse) -> Finding {
    let mut finding = with_vpc_routing_hop(finding, warehouse);
    if let Some(role) = model.spectrum_roles(warehouse).first() {
        let says = format!(
            "IAM role {} is attached: Spectrum reads the data catalog with it",
            role.meta.address
        );
        finding = finding.with_hop(&role.meta, role.meta.span, says);
    }
    with_hop_per_subnet(
        finding,
        model,
        warehouse,
        "no route to a NAT gateway, no internet path with a public address and no Glue interface endpoint in its VPC",
    )
}
