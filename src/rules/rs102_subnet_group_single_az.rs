//! RS102 subnet-group-single-az.

use crate::model::{Link, Model, Span, Truth, Val, WarehouseKind, defaults};
use crate::rules::toolkit::{Unknown, noun};
use crate::rules::{Finding, RuleConfig};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Flags a provisioned cluster whose subnet group has fewer than two subnets or only subnets
    /// known to be in one Availability Zone, and a Serverless workgroup with fewer than three
    /// subnets or subnets in fewer than three Availability Zones (two in us-west-1).
    ///
    /// ## Why is this bad?
    /// AWS asks for a VPC with at least two private subnets for a cluster, so that it can be
    /// relocated or restored into another zone, and Serverless refuses to create a workgroup
    /// without subnets in three zones. A single-zone group is one outage away from an
    /// unreachable warehouse.
    ///
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> ("a VPC
    /// with at least two private subnets"); "Considerations when using Amazon Redshift Serverless"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html>
    /// (three subnets in three AZs).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.a.id]
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
    ///   SubnetA:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
    ///       AvailabilityZone: !Select [0, !GetAZs ""]
    ///
    ///   PrivateSubnets:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: private
    ///       SubnetIds: [!Ref SubnetA]
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
    /// resource "aws_redshift_subnet_group" "private" {
    ///   name       = "private"
    ///   subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
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
    ///   SubnetA:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.1.0/24
    ///       AvailabilityZone: !Select [0, !GetAZs ""]
    ///
    ///   SubnetB:
    ///     Type: AWS::EC2::Subnet
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///       CidrBlock: 10.0.2.0/24
    ///       AvailabilityZone: !Select [1, !GetAZs ""]
    ///
    ///   PrivateSubnets:
    ///     Type: AWS::Redshift::ClusterSubnetGroup
    ///     Properties:
    ///       Description: private
    ///       SubnetIds: [!Ref SubnetA, !Ref SubnetB]
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
    /// Zones are compared only when every subnet is in scope with a written zone (names with
    /// names, zone ids with zone ids); otherwise only the subnet count is judged. A subnet list
    /// that cannot be evaluated, and a subnet group that is unknown or not in scope, give no
    /// finding.
    ///
    /// With `--strict`, three more cases are reported, without a fix:
    /// - the subnet list of the warehouse (a workgroup's `subnet_ids`, or the subnets of a
    ///   cluster's subnet group in scope) is written but unknown, so the number of subnets is
    ///   unknown (a workgroup that writes no `subnet_ids` gets the default VPC's subnets, one
    ///   per zone, and is not reported);
    /// - there are enough subnets, but the zone of some subnet in scope is unknown (not
    ///   evaluable, or not written, so AWS picks it) and the zones that are known are too few.
    ///   The finding points at the first unknown zone;
    /// - a workgroup whose region is unknown (no provider region, `--region` or configured
    ///   region; CloudFormation without `--region`) has subnets in exactly two zones: enough
    ///   in us-west-1, too few anywhere else.
    ///
    /// Subnets that are not in scope, and mixes of zone names and zone ids, stay unjudged.
    id: "RS102",
    name: "subnet-group-single-az",
    severity: Medium,
    summary: "warehouse subnets do not span enough Availability Zones",
    fix: None,
    opt_in: false,
}

/// The distinct zones of the subnets, or None when any is unknown or out of scope.
fn zones(model: &Model, subnets: &Val<Vec<Link>>) -> Option<BTreeSet<String>> {
    subnets
        .known()?
        .iter()
        .map(|l| model.subnet(l)?.availability_zone.known().cloned())
        .collect()
}

fn unknown_zone(model: &Model, list: &[Link], need: usize) -> Option<(String, Span)> {
    let subnets: Vec<_> = list
        .iter()
        .map(|l| model.subnet(l))
        .collect::<Option<_>>()?;
    let known: BTreeSet<&String> = subnets
        .iter()
        .filter_map(|s| s.availability_zone.known())
        .collect();
    let names = known.iter().filter(|z| z.starts_with("name:")).count();
    if known.len() >= need || (names != 0 && names != known.len()) {
        return None;
    }
    subnets
        .iter()
        .find(|s| s.availability_zone.known().is_none())
        .map(|s| (s.meta.address.clone(), s.availability_zone.span))
}

/// "s" after a count other than one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let subnets = match warehouse.kind {
            WarehouseKind::Cluster => {
                let Some(Some(group)) = warehouse.subnet_group.known() else {
                    continue;
                };
                let Some(group) = group.target.and_then(|g| model.subnet_groups.get(g)) else {
                    continue;
                };
                &group.subnets
            }
            WarehouseKind::Workgroup => &warehouse.subnets,
        };
        let region = warehouse.region.known().map(String::as_str);
        // An unknown region may be one that needs fewer zones: only that many are definitely
        // too few, and what most regions need is reported with --strict.
        let need = defaults::zone_need(warehouse.kind, region);
        let (most, fewer) = defaults::zone_need_by_region(warehouse.kind);
        let region_unknown = region.is_none() && need.zones < most.zones;
        let (what, address) = (noun(warehouse), &warehouse.meta.address);
        let Some(list) = subnets.known() else {
            // An unknown list that is not written (its site is the resource header) is a
            // workgroup without `subnet_ids`, which gets the default VPC's subnets, one per zone.
            if config.reports(Truth::Unknown) && subnets.span != warehouse.meta.span {
                let zones = if region_unknown {
                    let exceptions: Vec<String> =
                        fewer.iter().map(|(r, z)| format!("{z} in {r}")).collect();
                    format!("{} ({})", most.zones, exceptions.join(", "))
                } else {
                    need.zones.to_string()
                };
                let message = Unknown::is("its subnet list")
                    .when(format!(
                        "it does not have {} subnets in {zones} Availability Zones",
                        need.subnets
                    ))
                    .of(
                        format!("{what} {address}"),
                        format!("the {what} is not spread across enough zones"),
                    );
                findings.push(
                    RULE.finding(&warehouse.meta, subnets.span, message)
                        .related_to(what, &warehouse.meta),
                );
            }
            continue;
        };
        let mut span = subnets.span;
        let message = if list.len() < need.subnets {
            format!(
                "{what} {address} has {} subnet{}; at least {} in different Availability Zones are required",
                list.len(),
                plural(list.len()),
                need.subnets
            )
        } else {
            match zones(model, subnets) {
                Some(z) if z.len() < need.zones => format!(
                    "{what} {address} has subnets in only {} Availability Zone{}; at least {} are required",
                    z.len(),
                    plural(z.len()),
                    need.zones
                ),
                Some(z) if region_unknown && z.len() < most.zones => {
                    if !config.reports(Truth::Unknown) {
                        continue;
                    }
                    let regions: Vec<&str> = fewer.iter().map(|(r, _)| *r).collect();
                    format!(
                        "{what} {address} has subnets in only {} Availability Zones and its region is unknown here; outside {}, at least {} are required",
                        z.len(),
                        regions.join(" and "),
                        most.zones
                    )
                }
                Some(_) => continue,
                None => match unknown_zone(model, list, need.zones) {
                    Some((subnet, zone)) if config.reports(Truth::Unknown) => {
                        span = zone;
                        Unknown::is(format!("the Availability Zone of subnet {subnet}"))
                            .when("it repeats a zone the other subnets use")
                            .of(
                                format!("{what} {address}"),
                                format!(
                                    "the {what} has subnets in fewer than {} Availability Zones",
                                    need.zones
                                ),
                            )
                    }
                    _ => continue,
                },
            }
        };
        let mut finding = RULE
            .finding(&warehouse.meta, span, message)
            .related_to(what, &warehouse.meta);
        for subnet in list.iter().filter_map(|l| model.subnet(l)) {
            finding = finding.with_related(
                format!("subnet {}", subnet.meta.address),
                subnet.availability_zone.span,
            );
        }
        findings.push(finding);
    }
    findings
}
