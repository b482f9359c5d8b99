//! RS103 warehouse-in-public-subnet.

use crate::model::{Model, Span, Subnet, Truth, Warehouse, net};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};

/// What a subnet's public-IP setting is called when the model does not know its field.
const PUBLIC_IPS: &str = "the subnet's public IP setting";

declare_rule! {
    /// ## What it does
    /// Flags a warehouse that uses a subnet whose route table sends `0.0.0.0/0` or `::/0` to an
    /// internet gateway (through its explicit association, or the VPC's main route table when it
    /// has none), or a subnet that sets `map_public_ip_on_launch = true`. Each subnet of the
    /// warehouse gets one finding, at the subnet, with every cause as a related location: the
    /// default route to the internet gateway (at its target), the gateway itself when it is in
    /// scope, and `map_public_ip_on_launch`.
    ///
    /// ## Why is this bad?
    /// AWS recommends private subnets for Redshift: a subnet with a default route to an internet
    /// gateway is public, and anything in it that gets a public address is reachable from the
    /// internet, guarded by security groups alone.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (network
    /// isolation, private subnets); "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html>.
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
    /// reported, without a fix, when what decides it is unknown. The finding is at the subnet, as
    /// the definite one is, names every unknown input in its message and lists each as a related
    /// location:
    /// - a route of its route table whose destination or target is unknown (and that is not
    ///   known to miss the internet gateway or the default route), at the unknown value;
    /// - its route table itself: associated with a table that is unknown or not in scope, or
    ///   the main table of a VPC that is not in scope (out of scope is unknown, not absent); or
    ///   a table whose routes cannot all be read, at the table;
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
        // A group may list thousands of subnets: each is looked up once.
        let mut seen = foldhash::HashSet::default();
        for (id, subnet) in links
            .iter()
            .filter_map(|l| Some((l.target?, model.subnet(l)?)))
        {
            if !seen.insert(id) {
                continue;
            }
            findings.extend(check_subnet(model, config, warehouse, subnet));
        }
    }
    findings
}

/// The one finding for a subnet of the warehouse: at the subnet, with each cause (the default
/// route to an internet gateway, the gateway, `map_public_ip_on_launch`) as a related location.
fn check_subnet(
    model: &Model,
    config: &RuleConfig,
    warehouse: &Warehouse,
    subnet: &Subnet,
) -> Option<Finding> {
    let (routes, routed) = net::internet_routes(model, subnet);
    let public_ips = subnet.map_public_ip_on_launch.test(|b| *b);
    let public = routed.or(public_ips);
    if !config.reports(public) {
        return None;
    }
    let finding = if public.is_true() {
        let causes = match (routed.is_true(), public_ips.is_true()) {
            (true, true) => {
                "routes to an internet gateway and assigns public IP addresses on launch"
            }
            (true, false) => "routes to an internet gateway",
            _ => "assigns public IP addresses on launch",
        };
        let mut finding = RULE
            .finding(
                &subnet.meta,
                subnet.meta.span,
                format!(
                    "subnet {} of {} {causes}, so the warehouse is in a public subnet",
                    subnet.meta.address, warehouse.meta.address
                ),
            )
            .with_placement_hops(model, warehouse, subnet);
        let table = subnet
            .route_table
            .in_scope()
            .and_then(|t| model.route_tables.get(t));
        if let (Some(table), false) = (table, routes.is_empty()) {
            finding = finding.with_hop(
                &subnet.meta,
                subnet.meta.span,
                format!(
                    "subnet {} uses route table {}",
                    subnet.meta.address, table.meta.address
                ),
            );
            for route in &routes {
                finding = finding.with_hop(
                    &route.meta,
                    route.target.span,
                    format!(
                        "route table {}: {}",
                        table.meta.address,
                        net::describe_route(route)
                    ),
                );
            }
        }
        if public_ips.is_true() {
            let field = field_name(&subnet.map_public_ip_on_launch, PUBLIC_IPS);
            finding = finding.with_hop(
                &subnet.meta,
                subnet.map_public_ip_on_launch.span,
                format!(
                    "subnet {} gives instances public IP addresses ({field} = true)",
                    subnet.meta.address
                ),
            );
        }
        for route in routes {
            finding = finding.with_related(
                format!("route in {} to an internet gateway", route.meta.address),
                route.target.span,
            );
            if let Some(gateway) = &route.gateway {
                finding = finding.with_related(
                    format!("internet gateway {}", gateway.address),
                    gateway.span,
                );
            }
        }
        if public_ips.is_true() {
            let field = field_name(&subnet.map_public_ip_on_launch, PUBLIC_IPS);
            finding = finding.with_related(
                format!("{field} is true"),
                subnet.map_public_ip_on_launch.span,
            );
        }
        finding
    } else {
        unknown_subnet(model, warehouse, subnet, routed, public_ips)
    };
    Some(finding.about_warehouse(warehouse))
}

/// The `--strict` finding for a subnet not known to be public whose routes or public IPs are
/// unknown: at the subnet, naming what is unknown, each unknown value a related location.
fn unknown_subnet(
    model: &Model,
    warehouse: &Warehouse,
    subnet: &Subnet,
    routed: Truth,
    public_ips: Truth,
) -> Finding {
    let mut unknown: Vec<(String, Span)> = Vec::new();
    if routed == Truth::Unknown {
        match subnet
            .route_table
            .in_scope()
            .and_then(|t| model.route_tables.get(t))
        {
            None => unknown.push(("its route table".into(), subnet.meta.span)),
            Some(table) => {
                let before = unknown.len();
                for route in table
                    .routes
                    .iter()
                    .filter(|r| net::is_default_route_to_igw(r) == Truth::Unknown)
                {
                    let (what, span) = if route.target.known().is_none() {
                        ("target", route.target.span)
                    } else {
                        ("destination", route.destination.span)
                    };
                    unknown.push((
                        format!("the {what} of a route in {}", route.meta.address),
                        span,
                    ));
                }
                if unknown.len() == before && !table.routes_complete.is_true() {
                    unknown.push((
                        format!("some routes of {}", table.meta.address),
                        table.meta.span,
                    ));
                }
            }
        }
    }
    let field = field_name(&subnet.map_public_ip_on_launch, PUBLIC_IPS);
    if public_ips == Truth::Unknown {
        unknown.push((field.into(), subnet.map_public_ip_on_launch.span));
    }
    let what: Vec<&str> = unknown.iter().map(|(w, _)| w.as_str()).collect();
    let what = if what.len() == 1 && !what.iter().any(|w| w.starts_with("some ")) {
        Unknown::is(what.join(" and "))
    } else {
        Unknown::are(what.join(" and "))
    };
    let what = match (routed == Truth::Unknown, public_ips == Truth::Unknown) {
        (true, true) => what
            .or_when("the subnet sends 0.0.0.0/0 or ::/0 to an internet gateway")
            .or_when(format!("{field} is true")),
        (true, false) => what.when("the subnet sends 0.0.0.0/0 or ::/0 to an internet gateway"),
        _ => what.when("it is true"),
    };
    let mut finding = RULE.finding(
        &subnet.meta,
        subnet.meta.span,
        what.of(
            format!(
                "subnet {} of {}",
                subnet.meta.address, warehouse.meta.address
            ),
            "the warehouse is in a public subnet",
        ),
    );
    for (what, span) in unknown {
        finding = finding.with_related(format!("{what}: unknown"), span);
    }
    finding
}
