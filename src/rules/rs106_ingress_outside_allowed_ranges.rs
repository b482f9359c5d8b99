//! RS106 ingress-outside-allowed-ranges.

use crate::model::Model;
use crate::rules::ingress::{self, Wording};
use crate::rules::{Finding, RuleConfig};
use ipnet::IpNet;

declare_rule! {
    /// ## What it does
    /// Only when `allowed_cidrs` is configured: flags an ingress CIDR on a security group
    /// attached to a warehouse that reaches the warehouse port and is not contained in one of
    /// the allowed ranges.
    ///
    /// ## Why is this bad?
    /// AWS recommends that Redshift accept connections only from specific address ranges, such
    /// as your corporate network. `allowed_cidrs` states those ranges; anything else that can
    /// reach the port is an exception someone should have to justify.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> ("only
    /// specific IP address ranges, e.g. your corporate network").
    ///
    /// ## Example
    /// With `allowed_cidrs = ["10.0.0.0/8"]` in `redshield.toml`:
    /// ```hcl
    /// resource "aws_security_group_rule" "partner" {
    ///   type              = "ingress"
    ///   security_group_id = aws_security_group.redshift.id
    ///   from_port         = 5439
    ///   to_port           = 5439
    ///   protocol          = "tcp"
    ///   cidr_blocks       = ["192.168.0.0/16"]
    /// }
    ///
    /// resource "aws_security_group" "redshift" {
    ///   vpc_id = aws_vpc.main.id
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
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///
    ///   PartnerIngress:
    ///     Type: AWS::EC2::SecurityGroupIngress
    ///     Properties:
    ///       GroupId: !GetAtt RedshiftSecurityGroup.GroupId
    ///       IpProtocol: tcp
    ///       FromPort: 5439
    ///       ToPort: 5439
    ///       CidrIp: 192.168.0.0/16
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_security_group_rule" "office" {
    ///   type              = "ingress"
    ///   security_group_id = aws_security_group.redshift.id
    ///   from_port         = 5439
    ///   to_port           = 5439
    ///   protocol          = "tcp"
    ///   cidr_blocks       = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "aws_security_group" "redshift" {
    ///   vpc_id = aws_vpc.main.id
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
    ///   RedshiftSecurityGroup:
    ///     Type: AWS::EC2::SecurityGroup
    ///     Properties:
    ///       GroupDescription: redshift
    ///
    ///   OfficeIngress:
    ///     Type: AWS::EC2::SecurityGroupIngress
    ///     Properties:
    ///       GroupId: !GetAtt RedshiftSecurityGroup.GroupId
    ///       IpProtocol: tcp
    ///       FromPort: 5439
    ///       ToPort: 5439
    ///       CidrIp: 10.1.0.0/16
    ///
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    /// ```
    ///
    /// ## Unknown values
    /// A CIDR, port or protocol that cannot be evaluated gives no finding; neither does a
    /// security group that is not in scope.
    ///
    /// With `--strict` (and `allowed_cidrs` configured), a security group of the warehouse that
    /// is in scope is also reported, without a fix, when an unknown value decides whether
    /// traffic from outside the allowed ranges reaches the port:
    /// - an ingress CIDR that is unknown, on a rule that reaches (or may reach) the warehouse
    ///   port, at the CIDR;
    /// - a CIDR outside the allowed ranges on a rule whose protocol or port range is unknown,
    ///   or whose port range would contain the warehouse port but that port is unknown, at the
    ///   unknown value;
    /// - ingress rules that cannot be read at all (an unknown `ingress` list, a standalone rule
    ///   whose type is unknown), at the group.
    ///
    /// A security group list that is unknown, and groups that are not in scope, stay unjudged.
    ///
    /// ## Options
    /// `allowed_cidrs` (list of CIDRs) enables the rule.
    id: "RS106",
    name: "ingress-outside-allowed-ranges",
    severity: Medium,
    summary: "ingress to the warehouse port from outside the allowed ranges",
    fix: None,
    opt_in: true,
}

const WORDING: Wording = Wording {
    offending: "a CIDR outside allowed_cidrs",
    offending_cidr: "outside allowed_cidrs",
    who: "it",
    cidr_note: ", outside allowed_cidrs",
};

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let Some(allowed) = &config.allowed_cidrs else {
        return Vec::new();
    };
    let outside = |cidr: &IpNet| !allowed.iter().any(|a| a.contains(cidr));
    ingress::findings(
        model,
        config,
        &RULE,
        &WORDING,
        outside,
        |site, rule, cidr| {
            let message = format!(
                "security group {} allows {cidr}, outside allowed_cidrs, to reach {}",
                site.group.meta.address, site.warehouse.meta.address
            );
            site.finding(&RULE, rule, rule.peer.span, message)
        },
    )
}
