//! RS107 default-security-group.

use crate::model::{Model, Truth};
use crate::rules::toolkit::Unknown;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse with no VPC security group (`vpc_security_group_ids` /
    /// `security_group_ids` / `VpcSecurityGroupIds` / `SecurityGroupIds` empty or unset), which
    /// therefore uses its VPC's default security group.
    ///
    /// ## Why is this bad?
    /// The default security group is shared by everything launched without a group of its own
    /// and allows all traffic between its members. Access to the warehouse should be defined by
    /// a group made for it, so that its rules say exactly who may connect.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (VPC
    /// security groups); "Infrastructure security in Amazon VPC"
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html>.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
    ///   cluster_subnet_group_name = aws_redshift_subnet_group.private.name
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: admin
    ///       ManageMasterPassword: true
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier        = "analytics"
    ///   node_type                 = "ra3.xlplus"
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
    /// A security group list that cannot be evaluated is not an empty one: no finding. A list
    /// with an element that is unknown (a variable, a group not in scope) is not empty, so it
    /// gives no finding with or without `--strict`.
    ///
    /// With `--strict`, a security group list that is unknown as a whole (a list variable or
    /// parameter without a value, a plan value known only after apply) is reported, without a
    /// fix, because it may turn out empty.
    id: "RS107",
    name: "default-security-group",
    severity: Medium,
    summary: "warehouse uses the VPC default security group",
    fix: None,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    model
        .warehouses
        .iter()
        .filter_map(|w| {
            let groups = &w.security_groups;
            let empty = groups.test(Vec::is_empty);
            if !config.reports(empty) {
                return None;
            }
            let message = if empty == Truth::Unknown {
                Unknown::is("its security group list").when("it is empty").of(
                    format!("warehouse {}", w.meta.address),
                    "the warehouse uses the VPC default security group",
                )
            } else {
                format!(
                    "warehouse {} has no security group of its own, so it uses the VPC default security group",
                    w.meta.address
                )
            };
            Some(RULE.finding(&w.meta, groups.span, message))
        })
        .collect()
}
