//! RS105 ingress-open-to-world.

use crate::model::{FixIntent, FixValue, Model, Span, net};
use crate::rules::ingress::{self, Wording};
use crate::rules::{Finding, RuleConfig};
use ipnet::IpNet;

declare_rule! {
    /// ## What it does
    /// Flags a security group attached to a warehouse that allows ingress from `0.0.0.0/0` or
    /// `::/0` on a port range containing the warehouse port (default 5439), or on all
    /// protocols. Rules may be written inline (`ingress` blocks), as `aws_security_group_rule`,
    /// `aws_vpc_security_group_ingress_rule`, CloudFormation `SecurityGroupIngress` or
    /// `AWS::EC2::SecurityGroupIngress`.
    ///
    /// ## Why is this bad?
    /// Security groups are the warehouse's firewall. AWS recommends allowing inbound access only
    /// from specific address ranges, such as your corporate network; a world-open rule on the
    /// database port exposes the login endpoint to every scanner on the internet.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> ("only
    /// specific IP address ranges"); "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html> (security
    /// groups).
    ///
    /// ## Example
    /// ```hcl
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
    ///       VpcSecurityGroupIds: [!GetAtt RedshiftSecurityGroup.GroupId]
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_security_group" "redshift" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     from_port   = 5439
    ///     to_port     = 5439
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.20.0.0/16"]
    ///   }
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
    ///       SecurityGroupIngress:
    ///         - IpProtocol: tcp
    ///           FromPort: 5439
    ///           ToPort: 5439
    ///           CidrIp: 10.20.0.0/16
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
    /// A CIDR, port or protocol that cannot be evaluated, and a security group that is not in
    /// scope, give no finding.
    ///
    /// With `--strict`, a security group of the warehouse that is in scope is also reported,
    /// without a fix, when an unknown value decides whether the internet reaches the port:
    /// - an ingress CIDR that is unknown, on a rule that reaches (or may reach) the warehouse
    ///   port, at the CIDR;
    /// - a `0.0.0.0/0` or `::/0` rule whose protocol or port range is unknown, or whose port
    ///   range would contain the warehouse port but that port is unknown, at the unknown value;
    /// - ingress rules that cannot be read at all (an unknown `ingress` list, a standalone rule
    ///   whose type is unknown), at the group.
    ///
    /// A security group list that is unknown, and groups that are not in scope, stay unjudged.
    ///
    /// A plan of an existing group that writes no inline `ingress` shows, in that attribute, the
    /// rules its state holds, including those of standalone rule resources the plan deletes.
    /// When standalone rule resources attach to the group, they are its ingress and that state
    /// is not judged; without any, the state is (it may be a `dynamic` block's rules, which
    /// the plan's configuration does not show; a `.tf` source beside the plan tells).
    ///
    /// ## Fix
    /// Replace the CIDR with the configured `allowed_cidrs`, or remove the rule.
    id: "RS105",
    name: "ingress-open-to-world",
    severity: High,
    summary: "security group allows the internet to reach the warehouse port",
    fix: Sometimes,
    opt_in: false,
}

/// Replaces the open CIDR with the configured `allowed_cidrs` of the same address family; no
/// fix without them (which ranges to allow is the user's choice).
fn narrow_to_allowed(config: &RuleConfig, open: &IpNet, span: Span) -> Option<FixIntent> {
    let allowed = config.allowed_cidrs.as_ref()?;
    let values: Vec<FixValue> = allowed
        .iter()
        .filter(|a| a.addr().is_ipv4() == open.addr().is_ipv4())
        .map(|a| FixValue::Str(a.to_string()))
        .collect();
    (!values.is_empty()).then(|| FixIntent::ReplaceElement {
        span,
        old: open.to_string(),
        values,
    })
}

const WORDING: Wording = Wording {
    offending: "0.0.0.0/0 or ::/0",
    offending_cidr: "0.0.0.0/0 or ::/0",
    who: "the internet",
    cidr_note: "",
};

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    ingress::findings(
        model,
        config,
        &RULE,
        &WORDING,
        net::is_world,
        |site, rule, cidr| {
            let message = format!(
                "security group {} allows {cidr} to reach {} of {}",
                site.group.meta.address, site.reach, site.warehouse.meta.address
            );
            site.finding(&RULE, rule, rule.peer.span, message)
                .with_fix(narrow_to_allowed(config, cidr, rule.peer.span))
        },
    )
}
