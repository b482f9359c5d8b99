//! RS100 warehouse-reachable-from-internet.

use crate::model::reach::{Family, ReachPath};
use crate::model::{Model, Warehouse};
use crate::rules::toolkit::{Unknown, noun};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse that a packet from the internet can reach on its port, because every
    /// hop of the path holds, in order:
    /// 1. **public address**: the warehouse is publicly accessible, or (a provisioned cluster)
    ///    has an Elastic IP;
    /// 2. **route**: a subnet of the warehouse uses a route table (its explicit association, or
    ///    the VPC's main table when it has none, as RS103 decides) that sends `0.0.0.0/0` to an
    ///    internet gateway;
    /// 3. **network ACL ingress**: the subnet's network ACL, evaluated in rule-number order with
    ///    its implicit final deny (as RS108 does), allows TCP on the warehouse port from the
    ///    whole internet;
    /// 4. **network ACL egress**: it allows the replies out, TCP on ephemeral ports
    ///    (1024-65535) to the whole internet (a network ACL is stateless);
    /// 5. **security group**: a security group of the warehouse admits `0.0.0.0/0` on the port
    ///    (as RS105 judges it).
    ///
    /// Each subnet of the warehouse is a path of its own: the warehouse is reachable when any
    /// one holds, and the message names the subnets whose path does. IPv6 is a path too, with
    /// `::/0` in place of `0.0.0.0/0`, for a dual-stack warehouse that is publicly accessible.
    /// A subnet with no network ACL association uses its VPC's default ACL, which allows all
    /// traffic as AWS creates it.
    ///
    /// The finding is at the warehouse. Its evidence lists the hops of the path in order, each
    /// with the resource and the line that makes it hold; JSON reports them as `evidence`, SARIF
    /// as a code flow. The findings of the rules that judge the hops one by one (RS103, RS104,
    /// RS105 …) stay, and RS100 lists them as related locations.
    ///
    /// ## Why is this bad?
    /// This is the question the network rules answer only in part: can anyone on the internet
    /// open a connection to the warehouse's port? When every hop holds, the login endpoint is
    /// exposed to every scanner on the internet, guarded by passwords alone. AWS recommends a
    /// private warehouse in private subnets, reachable only from specific address ranges.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (network
    /// isolation, private subnets, security groups); "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html> (route
    /// tables to an internet gateway, security groups and network ACLs); "Configure route tables"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html> (main and custom
    /// route tables, routes to an internet gateway); "Control subnet traffic with network access
    /// control lists" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    /// (rule order, the implicit deny, ephemeral ports); "Control traffic to your AWS resources
    /// using security groups"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>; "Managing
    /// clusters in a VPC" <https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html>
    /// (a publicly accessible cluster, its Elastic IP, and the internet gateway it needs).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_internet_gateway" "main" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    ///
    /// resource "aws_subnet" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.1.0/24"
    /// }
    ///
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
    /// resource "aws_redshift_subnet_group" "main" {
    ///   name       = "main"
    ///   subnet_ids = [aws_subnet.redshift.id]
    /// }
    ///
    /// resource "aws_security_group" "redshift" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     from_port   = 5439
    ///     to_port     = 5439
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   manage_master_password    = true
    ///   master_username           = "admin"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.main.name
    ///   vpc_security_group_ids    = [aws_security_group.redshift.id]
    ///   publicly_accessible       = true
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Vpc:
    ///     Type: AWS::EC2::VPC
    ///     Properties:
    ///       CidrBlock: 10.0.0.0/16
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
    ///   RedshiftSubnet:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
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
    ///   SubnetGroup:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: redshift
    ///       SubnetIds: [!Ref RedshiftSubnet]
    ///
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///       VpcId: !Ref Vpc
    ///       SecurityGroupIngress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 0.0.0.0/0
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       ClusterSubnetGroupName: !Ref SubnetGroup
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    ///       PubliclyAccessible: true
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_internet_gateway" "main" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    ///
    /// resource "aws_subnet" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.1.0/24"
    /// }
    ///
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
    /// resource "aws_redshift_subnet_group" "main" {
    ///   name       = "main"
    ///   subnet_ids = [aws_subnet.redshift.id]
    /// }
    ///
    /// resource "aws_security_group" "redshift" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     from_port   = 5439
    ///     to_port     = 5439
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   manage_master_password    = true
    ///   master_username           = "admin"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.main.name
    ///   vpc_security_group_ids    = [aws_security_group.redshift.id]
    ///   publicly_accessible       = false
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Vpc:
    ///     Type: AWS::EC2::VPC
    ///     Properties:
    ///       CidrBlock: 10.0.0.0/16
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
    ///   RedshiftSubnet:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
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
    ///   SubnetGroup:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: redshift
    ///       SubnetIds: [!Ref RedshiftSubnet]
    ///
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///       VpcId: !Ref Vpc
    ///       SecurityGroupIngress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 0.0.0.0/0
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       ClusterSubnetGroupName: !Ref SubnetGroup
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    ///       PubliclyAccessible: false
    /// ```
    ///
    /// ## Unknown values
    /// A hop that cannot be evaluated makes the path unknown, unless another hop of it is known
    /// to fail: `publicly_accessible` or the Elastic IP from a variable without a value; a route
    /// table that is unknown or not in scope, or a route whose destination or target cannot be
    /// resolved; a network ACL that is not in scope, or an entry (rule number, CIDR, protocol,
    /// ports, action) that cannot be evaluated; security groups that are unknown or not in
    /// scope, no security group at all (the VPC's default group is not in scope), an ingress CIDR,
    /// protocol or port range that cannot be evaluated; subnets that are unknown or not in
    /// scope. When no path holds and one is unknown, there is no finding; with `--strict` the
    /// warehouse is reported, at its header, with a message naming each unknown hop of the
    /// first such path and the condition under which it holds.
    ///
    /// ## Fix
    /// None of its own: break any one hop. The findings of the component rules carry their
    /// fixes (RS104 sets `publicly_accessible = false`, RS105 narrows the open CIDR).
    id: "RS100",
    name: "warehouse-reachable-from-internet",
    severity: High,
    summary: "the internet can reach the warehouse port: every hop of the path holds",
    fix: None,
    opt_in: false,
    security_severity: "9.5",
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut memo = crate::model::reach::ReachMemo::default();
    for warehouse in &model.warehouses {
        let reach = model.internet_reach(warehouse, &mut memo);
        if !config.reports(reach.truth) {
            continue;
        }
        let finding = if reach.truth.is_true() {
            reachable(warehouse, reach.holding().collect())
        } else {
            reach.unsure().and_then(|path| unsure(warehouse, path))
        };
        findings.extend(finding.map(Finding::linking_findings_on_path));
    }
    findings
}

/// The warehouse port as messages name it.
fn port(warehouse: &Warehouse) -> String {
    warehouse
        .port
        .known()
        .map_or_else(|| "the port".to_string(), |p| format!("port {p}"))
}

/// The subnet a path goes through, as messages name it (" through subnet S"), and the family
/// (" over IPv6").
fn through(path: &ReachPath) -> String {
    let family = match path.family {
        Family::V4 => "",
        Family::V6 => " over IPv6",
    };
    match path.subnet {
        Some(subnet) => format!(" through subnet {}{family}", subnet.meta.address),
        None => family.to_string(),
    }
}

/// The definite finding: the first path that holds as evidence, every subnet whose path holds
/// named.
fn reachable(warehouse: &Warehouse, holding: Vec<&ReachPath>) -> Option<Finding> {
    let first = holding.first()?;
    let mut subnets: Vec<&str> = Vec::new();
    for path in &holding {
        if let Some(subnet) = path.subnet {
            let address = subnet.meta.address.as_str();
            if !subnets.contains(&address) {
                subnets.push(address);
            }
        }
    }
    let via = match subnets.as_slice() {
        [] => through(first),
        [_] => through(first),
        [some @ .., last] => format!(" through subnets {} and {last}", some.join(", ")),
    };
    let world = first.family.world();
    let message = format!(
        "the internet can reach {} of {} {}{via}: it has a public address, a route to an internet gateway, network ACLs that let the connection in and its replies out, and a security group that admits {world}",
        port(warehouse),
        noun(warehouse),
        warehouse.meta.address
    );
    let finding = RULE.finding(&warehouse.meta, warehouse.meta.span, message);
    Some(first.hops.iter().fold(finding, |f, hop| {
        f.with_hop(hop.resource, hop.span, hop.says.as_str())
    }))
}

/// The `--strict` finding: the first path none of whose hops fails, naming each unknown hop.
fn unsure(warehouse: &Warehouse, path: &ReachPath) -> Option<Finding> {
    let unknowns = path.hops.iter().flat_map(|hop| {
        hop.unknown.iter().map(move |(what, condition)| {
            (format!("{what} ({})", hop.kind.name()), condition.clone())
        })
    });
    let unknown = Unknown::all(unknowns)?;
    let message = unknown.of(
        format!("{} {}", noun(warehouse), warehouse.meta.address),
        format!(
            "the internet can reach {}{} (every other hop holds)",
            port(warehouse),
            through(path)
        ),
    );
    let mut finding = RULE.finding(&warehouse.meta, warehouse.meta.span, message);
    for hop in &path.hops {
        finding = finding.with_hop(hop.resource, hop.span, hop.says.as_str());
        if !hop.unknown.is_empty() {
            finding = finding.with_related(format!("{}: unknown", hop.kind.name()), hop.span);
        }
    }
    Some(finding)
}
