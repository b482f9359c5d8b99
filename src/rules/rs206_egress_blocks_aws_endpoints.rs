//! RS206 egress-blocks-aws-endpoints.

use crate::model::defaults::HTTPS_PORT as HTTPS;
use crate::model::{Id, Model, Peer, SecurityGroupRule, Span, Truth, Vpc, net};
use crate::rules::{Finding, RuleConfig};
use ipnet::IpNet;

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose security groups are all in scope and none of which allows egress TCP
    /// 443 (or all traffic) to `0.0.0.0/0`, an S3 prefix list, or a VPC endpoint's security group.
    /// A Terraform `aws_security_group` without `egress` blocks has **no** egress (Terraform removes
    /// AWS's default allow-all rule); a CloudFormation `AWS::EC2::SecurityGroup` without
    /// `SecurityGroupEgress` keeps it.
    ///
    /// ## Why is this bad?
    /// COPY, UNLOAD, Spectrum and the catalog are HTTPS calls from the warehouse to AWS endpoints.
    /// Security groups filter outbound traffic too: with no egress to 443, those calls time out, and
    /// the error points nowhere near the security group.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (security
    /// groups control inbound and outbound traffic) and "Accessing Amazon S3 buckets with Redshift
    /// Spectrum" <https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html>
    /// (traffic to S3 and the catalog leaves through the VPC).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "redshift" {
    ///   name = "redshift"
    ///   ingress {
    ///     from_port   = 5439
    ///     to_port     = 5439
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.0.0.0/8"]
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   vpc_security_group_ids = [aws_security_group.redshift.id]
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
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///       VpcId: !Ref Vpc
    ///       SecurityGroupIngress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 10.0.0.0/8
    ///       SecurityGroupEgress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 10.0.0.0/8
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
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_security_group" "redshift" {
    ///   name = "redshift"
    ///   ingress {
    ///     from_port   = 5439
    ///     to_port     = 5439
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.0.0.0/8"]
    ///   }
    ///   egress {
    ///     from_port   = 443
    ///     to_port     = 443
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   vpc_security_group_ids = [aws_security_group.redshift.id]
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
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///       VpcId: !Ref Vpc
    ///       SecurityGroupIngress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 10.0.0.0/8
    ///       SecurityGroupEgress:
    ///         - IpProtocol: tcp
    ///           FromPort: 443
    ///           ToPort: 443
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
    ///       ClusterSubnetGroupName: !Ref PrivateSubnets
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    /// ```
    ///
    /// ## Unknown values
    /// A security group that is not in scope, and an egress rule whose port, protocol or peer cannot
    /// be evaluated, give no finding. Egress on 443 to a CIDR inside the warehouse's VPC (in scope,
    /// its `cidr_block`/`CidrBlock` known) reaches an AWS endpoint only through an interface VPC
    /// endpoint there: with none in the VPC (its endpoints are taken to be in scope with it) it
    /// reaches none, and the warehouse is reported; with one, the VPC's whole block reaches it,
    /// and a part of the block may. Egress on 443 to another CIDR, or to any CIDR when the VPC is
    /// not in scope, its block is unknown (a variable, an IPAM pool) or an endpoint's VPC or
    /// type is unknown, may reach an endpoint's addresses and counts as unknown. With `--strict`, when every group is in scope and none is
    /// known to allow HTTPS out but some egress rule may, the warehouse is reported at the first
    /// such rule's unknown value (its protocol, ports or destination; for egress on 443 to another
    /// CIDR, the CIDR, since whether it holds the endpoints' addresses is unknown), without a fix.
    /// Groups that are not in scope, or a list of groups that cannot be evaluated, are still not
    /// judged.
    ///
    /// ## Fix
    /// Add an egress rule for TCP 443.
id: "RS206",
    name: "egress-blocks-aws-endpoints",
    severity: Medium,
    summary: "the warehouse's security groups allow no HTTPS egress to AWS endpoints",
    fix: Sometimes,
    opt_in: false,
}

/// HTTPS, which every AWS endpoint speaks.
pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let Some(links) = warehouse.security_groups.known() else {
            continue;
        };
        let groups: Vec<_> = links.iter().map(|l| model.security_group(l)).collect();
        if groups.is_empty() || groups.iter().any(Option::is_none) {
            continue;
        }
        let groups: Vec<_> = groups.into_iter().flatten().collect();
        let vpc = model
            .warehouse_vpc_id(warehouse)
            .and_then(|id| Some((id, model.vpcs.get(id)?)));
        let answers: Vec<(&SecurityGroupRule, Truth)> = groups
            .iter()
            .flat_map(|g| &g.egress)
            .map(|rule| {
                let peer = match rule.peer.known() {
                    Some(Peer::Cidr(net)) if net::is_world(net) => Truth::True,
                    Some(Peer::PrefixList | Peer::SecurityGroup) => Truth::True,
                    Some(Peer::Itself) => Truth::False,
                    Some(Peer::Cidr(net)) => inside_vpc(model, vpc, net),
                    None => Truth::Unknown,
                };
                (rule, net::reaches_port(rule, Some(HTTPS)).and(peer))
            })
            .collect();
        let allows = Truth::any(answers.iter().map(|(_, t)| *t));
        let blocked = !allows;
        if !config.reports(blocked) {
            continue;
        }
        let Some(first) = groups.first() else {
            continue;
        };
        let unknown = answers
            .iter()
            .find(|(_, t)| *t == Truth::Unknown)
            .map(|(rule, _)| *rule);
        // Egress on 443 that stays inside the warehouse's VPC, which has no interface endpoint.
        let within_vpc = vpc.filter(|_| {
            answers.iter().any(|(rule, _)| {
                net::reaches_port(rule, Some(HTTPS)).is_true()
                    && matches!(rule.peer.known(), Some(Peer::Cidr(n)) if !net::is_world(n))
            })
        });
        let mut finding = match unknown {
            None => {
                let message = match within_vpc.and_then(|(_, v)| Some((v, v.cidr_block.known()?))) {
                    Some((vpc, block)) => format!(
                        "no security group of {} allows egress TCP {HTTPS} beyond its VPC {} ({block}), which has no interface VPC endpoint, so it cannot reach S3 or other AWS endpoints",
                        warehouse.meta.address, vpc.meta.address
                    ),
                    None => format!(
                        "no security group of {} allows egress TCP {HTTPS}, so it cannot reach S3 or other AWS endpoints",
                        warehouse.meta.address
                    ),
                };
                let finding = groups.iter().fold(
                    RULE.finding(&first.meta, first.meta.span, message)
                        .with_fix(first.add_https_egress.clone()),
                    |finding, group| {
                        let says = format!(
                            "security group {} allows no egress tcp {HTTPS} to the internet, a prefix list or a VPC endpoint",
                            group.meta.address
                        );
                        finding
                            .with_group_hop(warehouse, group)
                            .with_hop(&group.meta, group.meta.span, says)
                    },
                );
                match within_vpc {
                    Some((_, vpc)) => finding.related_to("VPC", &vpc.meta),
                    None => finding,
                }
            }
            Some(rule) => {
                let (what, span) = unknown_part(rule);
                RULE.finding(
                    &rule.meta,
                    span,
                    format!(
                        "no security group of {} is known to allow egress TCP {HTTPS}: {what} of an egress rule of {} {} unknown here; if it does not allow HTTPS to AWS endpoints, the warehouse cannot reach S3 or other AWS endpoints",
                        warehouse.meta.address,
                        rule.meta.address,
                        if what.starts_with("the ports") { "are" } else { "is" }
                    ),
                )
            }
        };
        for group in &groups {
            finding = finding.related_to("security group", &group.meta);
        }
        findings.push(finding.about_warehouse(warehouse));
    }
    findings
}

/// Does egress to `net` (not the whole internet) reach an AWS endpoint? Inside the warehouse's
/// VPC (in scope, its CIDR block known) the only AWS endpoints are interface VPC endpoints: none
/// there, it reaches none; one there, the whole VPC range reaches it and a part of it may.
/// Outside the VPC, or with the VPC or its block unknown, a range may hold endpoints (peered
/// VPCs, on-premises proxies): unknown.
fn inside_vpc(model: &Model, vpc: Option<(Id, &Vpc)>, net: &IpNet) -> Truth {
    let Some((id, vpc)) = vpc else {
        return Truth::Unknown;
    };
    let Some(block) = vpc.cidr_block.known() else {
        return Truth::Unknown;
    };
    if !block.contains(net) {
        return Truth::Unknown;
    }
    match model.has_interface_endpoint(id) {
        Truth::False => Truth::False,
        Truth::True if net.contains(block) => Truth::True,
        _ => Truth::Unknown,
    }
}

/// What makes an egress rule's answer unknown, and where it is written.
fn unknown_part(rule: &SecurityGroupRule) -> (String, Span) {
    if rule.protocol.known().is_none() {
        return ("the protocol".into(), rule.protocol.span);
    }
    if net::reaches_port(rule, Some(HTTPS)) == Truth::Unknown {
        return ("the ports".into(), rule.ports.span);
    }
    match rule.peer.known() {
        Some(Peer::Cidr(net)) => (
            format!("whether the destination {net} holds the AWS endpoints"),
            rule.peer.span,
        ),
        _ => ("the destination".into(), rule.peer.span),
    }
}
