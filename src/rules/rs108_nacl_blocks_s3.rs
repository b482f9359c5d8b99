//! RS108 nacl-blocks-s3.

use crate::model::nacl::{NaclEntry, Verdict, evaluate};
use crate::model::{
    FixIntent, Meta, Model, Named, NetworkAcl, PortRange, Protocol, Span, Subnet, Truth, Warehouse,
};
use crate::rules::{Finding, RuleConfig};
use ipnet::IpNet;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Flags a custom network ACL on a warehouse subnet that does not let S3 traffic through:
    /// evaluated in rule-number order with the implicit final deny, it must allow **both**
    /// egress TCP 443 to every S3 prefix of the warehouse's region **and** ingress TCP
    /// 1024–65535 from them (NACLs are stateless). IPv6 prefixes count too when the warehouse
    /// is dual-stack. The finding points at the first deny entry that blocks, or at the ACL when
    /// only the implicit deny does, and lists the blocked prefixes.
    ///
    /// ## Why is this bad?
    /// COPY, UNLOAD and Redshift Spectrum move data between the warehouse and Amazon S3. With
    /// enhanced VPC routing, that traffic crosses the warehouse subnets' network ACLs, and AWS
    /// requires them to "allow inbound and outbound access to S3 CIDR ranges". A blocked range
    /// makes loads and queries fail intermittently, depending on which S3 address answers.
    ///
    /// Source: seed 000 "Infrastructure security in Amazon Redshift" (network ACLs must allow
    /// S3 CIDR ranges for COPY, UNLOAD and Spectrum); S3 prefixes from AWS's `ip-ranges.json`.
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
    /// resource "aws_network_acl" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   subnet_ids = [aws_subnet.redshift.id]
    ///   ingress {
    ///     rule_no    = 100
    ///     action     = "allow"
    ///     protocol   = "-1"
    ///     from_port  = 0
    ///     to_port    = 0
    ///     cidr_block = "10.0.0.0/8"
    ///   }
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
    ///   RedshiftAcl:
    ///     Type: AWS::EC2::NetworkAcl
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   AllowCorporateIn:
    ///     Type: AWS::EC2::NetworkAclEntry
    ///     Properties:
    ///       NetworkAclId: !Ref RedshiftAcl
    ///       RuleNumber: 100
    ///       Egress: false
    ///       Protocol: -1
    ///       RuleAction: allow
    ///       CidrBlock: 10.0.0.0/8
    ///
    ///   RedshiftAclAssociation:
    ///     Type: AWS::EC2::SubnetNetworkAclAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       NetworkAclId: !Ref RedshiftAcl
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
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_subnet" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.1.0/24"
    /// }
    ///
    /// resource "aws_network_acl" "redshift" {
    ///   vpc_id     = aws_vpc.main.id
    ///   subnet_ids = [aws_subnet.redshift.id]
    ///   ingress {
    ///     rule_no    = 100
    ///     action     = "allow"
    ///     protocol   = "tcp"
    ///     from_port  = 1024
    ///     to_port    = 65535
    ///     cidr_block = "0.0.0.0/0"
    ///   }
    ///   egress {
    ///     rule_no    = 100
    ///     action     = "allow"
    ///     protocol   = "tcp"
    ///     from_port  = 443
    ///     to_port    = 443
    ///     cidr_block = "0.0.0.0/0"
    ///   }
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
    ///   RedshiftAcl:
    ///     Type: AWS::EC2::NetworkAcl
    ///     Properties:
    ///       VpcId: !Ref Vpc
    ///
    ///   AllowRepliesIn:
    ///     Type: AWS::EC2::NetworkAclEntry
    ///     Properties:
    ///       NetworkAclId: !Ref RedshiftAcl
    ///       RuleNumber: 100
    ///       Egress: false
    ///       Protocol: 6
    ///       RuleAction: allow
    ///       CidrBlock: 0.0.0.0/0
    ///       PortRange: {From: 1024, To: 65535}
    ///
    ///   AllowHttpsOut:
    ///     Type: AWS::EC2::NetworkAclEntry
    ///     Properties:
    ///       NetworkAclId: !Ref RedshiftAcl
    ///       RuleNumber: 100
    ///       Egress: true
    ///       Protocol: 6
    ///       RuleAction: allow
    ///       CidrBlock: 0.0.0.0/0
    ///       PortRange: {From: 443, To: 443}
    ///
    ///   RedshiftAclAssociation:
    ///     Type: AWS::EC2::SubnetNetworkAclAssociation
    ///     Properties:
    ///       SubnetId: !Ref RedshiftSubnet
    ///       NetworkAclId: !Ref RedshiftAcl
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
    /// An entry whose number, action, protocol, ports or CIDR cannot be evaluated makes the verdict
    /// unknown: no finding. An `aws_network_acl_rule` whose `network_acl_id` cannot be evaluated
    /// may belong to any ACL in scope, and so may come first: every ACL's verdicts in its
    /// direction (both when `egress` is unknown) are then unknown, and no finding. An inline
    /// `ingress` or `egress` that cannot be evaluated does the same for its direction. A subnet with no ACL association in scope uses the VPC's default
    /// ACL, which allows everything, and is not judged; an `aws_default_network_acl` adopts that
    /// ACL and is judged by the entries written in it. A subnet associated with an ACL that is not
    /// in scope, and an `ip_address_type` that cannot be evaluated (only IPv4 prefixes are checked
    /// then), give no finding. Subnets not in scope are not judged, and neither is a region without
    /// S3 data (not in the embedded list or `--ip-ranges`). A warehouse whose region is unknown
    /// (no provider region, `--region` or configured region) is judged against the S3 prefixes
    /// of every region: an ACL that blocks S3 in every region (a deny-all ACL, one that admits
    /// only the VPC) is a finding, without a fix (the entries to add depend on the region); one
    /// that allows S3 in every region is fine; any other gives no finding.
    ///
    /// With `--strict`, these unknowns are reported, without a fix: an ACL whose verdict is
    /// unknown, at the first entry (in rule-number order) with an unknown number, action, protocol,
    /// ports or CIDR (or at the ACL when its entries cannot be read, or an entry of unknown ACL may
    /// be one of them); a subnet associated with an ACL that is not in scope, at the subnet; a
    /// warehouse whose `ip_address_type` is unknown, at that value, when its ACLs block S3's IPv6
    /// prefixes; and, when the region is unknown, an ACL that blocks S3 in some regions but not
    /// in others, at the ACL (the message says the region is unknown).
    ///
    /// ## Fix
    /// Add allow entries with free rule numbers before the first deny, written the way the
    /// ACL's entries are: inline `ingress`/`egress` blocks, or resources of their own after the
    /// ACL (`aws_network_acl_rule`, CloudFormation `AWS::EC2::NetworkAclEntry`). An ACL that
    /// mixes the two gets no fix.
    ///
    /// ## Options
    /// `--ip-ranges FILE` replaces the embedded S3 prefixes with AWS's current `ip-ranges.json`.
    id: "RS108",
    name: "nacl-blocks-s3",
    severity: High,
    summary: "a network ACL on a warehouse subnet blocks traffic to or from S3",
    fix: Sometimes,
    opt_in: false,
}

/// The traffic S3 transfers need, per direction.
const DIRECTIONS: [(bool, PortRange, &str); 2] = [
    (true, PortRange { from: 443, to: 443 }, "egress TCP 443 to"),
    (
        false,
        PortRange {
            from: 1024,
            to: 65535,
        },
        "ingress TCP 1024-65535 from",
    ),
];

/// Where an ACL blocks, what it blocks, the warehouse concerned, and whether that is what it
/// blocks in every region (the warehouse's region being unknown).
type Blocked<'d> = (Span, Vec<(&'d str, IpNet)>, String, Span, bool);

/// A blocking site and what it blocks.
type BlockedAt = (Span, Vec<(&'static str, IpNet)>);

/// The definite findings, by (ACL, blocking site start, file).
type BlockedMap<'d> = BTreeMap<(usize, u32, u32), Blocked<'d>>;

/// The `--strict` findings, by (file, site start, resource).
type UnsureMap<'m> = BTreeMap<(u32, u32, String), Unsure<'m>>;

/// The ACL of a warehouse subnet that is judged: None for the VPC's default ACL as AWS made it
/// (allows all), and for an ACL that is not in scope (reported with `--strict`).
fn subnet_acl<'m>(
    config: &RuleConfig,
    warehouse: &'m Warehouse,
    subnet: &'m Subnet,
    unsure: &mut UnsureMap<'m>,
) -> Option<usize> {
    match subnet.network_acl.value {
        Some(Named::InScope(acl_id)) => Some(acl_id),
        Some(Named::Other) => None,
        None => {
            if config.reports(Truth::Unknown) {
                let key = (
                    subnet.meta.span.file.0,
                    subnet.meta.span.start,
                    String::new(),
                );
                let entry = unsure.entry(key).or_insert_with(|| {
                    (
                        &subnet.meta,
                        subnet.meta.span,
                        format!(
                            "subnet {} of {}: its network ACL is not in scope, so its entries are unknown here; if it blocks {{DIRS}} S3 prefixes, COPY, UNLOAD and Spectrum fail",
                            subnet.meta.address, warehouse.meta.address
                        ),
                        DIRECTIONS.iter().map(|d| d.2).collect(),
                        " or ",
                        Vec::new(),
                    )
                });
                entry.5.push((
                    format!("warehouse {}", warehouse.meta.address),
                    warehouse.meta.span,
                ));
            }
            None
        }
    }
}

/// Judges the ACLs of a warehouse whose region is unknown against the S3 prefixes of every
/// region: an ACL that blocks some S3 traffic in every region is a definite finding (a deny-all
/// ACL, one that allows only the VPC), one that allows it in every region is fine, and any
/// other is unknown (`--strict`).
fn judge_every_region<'m>(
    model: &'m Model,
    config: &RuleConfig,
    warehouse: &'m Warehouse,
    verdicts: &mut EveryRegionCache,
    blocked: &mut BlockedMap<'static>,
    unsure: &mut UnsureMap<'m>,
) {
    let dual = warehouse.dual_stack.test(|b| *b).is_true();
    for subnet in model.warehouse_subnets(warehouse) {
        let Some(acl_id) = subnet_acl(config, warehouse, subnet, unsure) else {
            continue;
        };
        let Some(acl) = model.network_acls.get(acl_id) else {
            continue;
        };
        // An ACL is judged once, however many warehouse subnets share it.
        let verdict = verdicts
            .entry((acl_id, dual))
            .or_insert_with(|| every_region_verdict(acl, config, dual));
        if verdict.regions == 0 {
            continue;
        }
        if verdict.blocks_everywhere {
            for (&(file, start), (site, list)) in &verdict.sites {
                let entry = blocked.entry((acl_id, start, file)).or_insert_with(|| {
                    (
                        *site,
                        Vec::new(),
                        warehouse.meta.address.clone(),
                        warehouse.meta.span,
                        true,
                    )
                });
                for item in list {
                    if !entry.1.contains(item) {
                        entry.1.push(*item);
                    }
                }
            }
        } else if !config.reports(Truth::Unknown) {
        } else if verdict.directions.is_empty() {
            // Blocked nowhere: what is unknown is the entries, not just the region.
            for &(egress, what) in &verdict.unknown {
                unknown_entries(acl, warehouse, egress, what, unsure);
            }
        } else {
            let key = (
                acl.meta.span.file.0,
                acl.meta.span.start,
                acl.meta.address.clone(),
            );
            let entry = unsure.entry(key).or_insert_with(|| {
                (
                    &acl.meta,
                    acl.meta.span,
                    format!(
                        "network ACL {} of {}: the warehouse's region is unknown here, and in some regions the ACL blocks {{DIRS}} S3 prefixes; there, COPY, UNLOAD and Spectrum fail",
                        acl.meta.address, warehouse.meta.address
                    ),
                    Vec::new(),
                    " or ",
                    Vec::new(),
                )
            });
            for what in &verdict.directions {
                if !entry.3.contains(what) {
                    entry.3.push(what);
                }
            }
            entry.5.push((
                format!("warehouse {}", warehouse.meta.address),
                warehouse.meta.span,
            ));
        }
    }
}

/// What one ACL does to the S3 prefixes of every region.
struct EveryRegion {
    /// How many regions were judged (those with S3 prefixes).
    regions: usize,
    /// It blocks some S3 traffic in every region.
    blocks_everywhere: bool,
    /// Blocking site → one blocked prefix per direction (the message names the directions; no
    /// fix is offered, so the prefixes themselves are not listed).
    sites: BTreeMap<(u32, u32), BlockedAt>,
    /// The directions blocked in some region.
    directions: Vec<&'static str>,
    /// The directions whose verdict is unknown for some prefix.
    unknown: Vec<(bool, &'static str)>,
}

/// Verdicts by (ACL, dual-stack).
type EveryRegionCache = std::collections::HashMap<(usize, bool), EveryRegion>;

fn every_region_verdict(acl: &NetworkAcl, config: &RuleConfig, dual: bool) -> EveryRegion {
    let mut verdict = EveryRegion {
        regions: 0,
        blocks_everywhere: true,
        sites: BTreeMap::new(),
        directions: Vec::new(),
        unknown: Vec::new(),
    };
    // A direction that lets every address through lets every S3 prefix through: no need to
    // judge hundreds of prefixes one by one.
    let everything: Vec<IpNet> = if dual {
        vec![
            ipnet::IpNet::V4(Default::default()),
            ipnet::IpNet::V6(Default::default()),
        ]
    } else {
        vec![ipnet::IpNet::V4(Default::default())]
    };
    let open: Vec<bool> = DIRECTIONS
        .iter()
        .map(|(egress, ports, _)| {
            everything
                .iter()
                .all(|net| matches!(evaluate(acl, *egress, *ports, *net), Verdict::Allowed))
        })
        .collect();
    for region in config.s3_ranges.regions() {
        let prefixes = config.s3_ranges.prefixes(region, dual);
        if prefixes.is_empty() {
            continue;
        }
        verdict.regions += 1;
        let mut blocks_here = false;
        for ((egress, ports, what), open) in DIRECTIONS.into_iter().zip(&open) {
            if *open {
                continue;
            }
            for prefix in &prefixes {
                let site = match evaluate(acl, egress, ports, *prefix) {
                    Verdict::Denied(Some(entry)) => entry.allow.span,
                    Verdict::Denied(None) => acl.meta.span,
                    Verdict::Allowed => continue,
                    Verdict::Unknown => {
                        if !verdict.unknown.contains(&(egress, what)) {
                            verdict.unknown.push((egress, what));
                        }
                        continue;
                    }
                };
                blocks_here = true;
                if !verdict.directions.contains(&what) {
                    verdict.directions.push(what);
                }
                let list = &mut verdict
                    .sites
                    .entry((site.file.0, site.start))
                    .or_insert_with(|| (site, Vec::new()))
                    .1;
                if !list.iter().any(|(w, _)| *w == what) {
                    list.push((what, *prefix));
                }
            }
        }
        verdict.blocks_everywhere &= blocks_here;
    }
    verdict
}

/// A finding that rests on an unknown value (`--strict`): the resource, the site, the message
/// (with `{DIRS}` where the blocked directions go), the directions, how they are joined, and the
/// related locations.
type Unsure<'m> = (
    &'m Meta,
    Span,
    String,
    Vec<&'static str>,
    &'static str,
    Vec<(String, Span)>,
);

/// How many blocked prefixes a message lists before summarizing.
const LISTED: usize = 4;

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    // (acl, blocking site) → (what is blocked, in which direction), in a stable order.
    let mut blocked: BlockedMap = BTreeMap::new();
    // (file, site start, resource) → what rests on an unknown, with --strict.
    let mut unsure: UnsureMap = BTreeMap::new();
    let mut every_region = EveryRegionCache::new();
    for warehouse in &model.warehouses {
        let dual_stack = warehouse.dual_stack.test(|b| *b);
        let dual = dual_stack.is_true();
        let Some(region) = warehouse.region.known() else {
            judge_every_region(
                model,
                config,
                warehouse,
                &mut every_region,
                &mut blocked,
                &mut unsure,
            );
            continue;
        };
        let prefixes = config.s3_ranges.prefixes(region, dual);
        if prefixes.is_empty() {
            continue;
        }
        // With --strict and an unknown ip_address_type: the IPv6 prefixes a dual-stack
        // warehouse would need as well.
        let ipv6_if_dual: Vec<IpNet> =
            if config.reports(Truth::Unknown) && dual_stack == Truth::Unknown {
                config
                    .s3_ranges
                    .prefixes(region, true)
                    .into_iter()
                    .filter(|p| p.addr().is_ipv6())
                    .collect()
            } else {
                Vec::new()
            };
        for subnet in model.warehouse_subnets(warehouse) {
            let Some(acl_id) = subnet_acl(config, warehouse, subnet, &mut unsure) else {
                continue;
            };
            let Some(acl) = model.network_acls.get(acl_id) else {
                continue;
            };
            let related_acl = (format!("network ACL {}", acl.meta.address), acl.meta.span);
            for (egress, ports, what) in DIRECTIONS {
                for prefix in &ipv6_if_dual {
                    if !matches!(evaluate(acl, egress, ports, *prefix), Verdict::Denied(_)) {
                        continue;
                    }
                    let site = warehouse.dual_stack.span;
                    let key = (site.file.0, site.start, acl.meta.address.clone());
                    let entry = unsure.entry(key).or_insert_with(|| {
                        (
                            &warehouse.meta,
                            site,
                            format!(
                                "warehouse {}: ip_address_type is unknown here; if it is dualstack, network ACL {} blocks {{DIRS}} S3 IPv6 prefixes, and COPY, UNLOAD and Spectrum fail",
                                warehouse.meta.address, acl.meta.address
                            ),
                            Vec::new(),
                            " and ",
                            Vec::new(),
                        )
                    });
                    if !entry.3.contains(&what) {
                        entry.3.push(what);
                    }
                    entry.5.push(related_acl.clone());
                }
                for prefix in &prefixes {
                    let site = match evaluate(acl, egress, ports, *prefix) {
                        Verdict::Denied(Some(entry)) => entry.allow.span,
                        Verdict::Denied(None) => acl.meta.span,
                        Verdict::Allowed => continue,
                        Verdict::Unknown => {
                            if config.reports(Truth::Unknown) {
                                unknown_entries(acl, warehouse, egress, what, &mut unsure);
                            }
                            continue;
                        }
                    };
                    let entry = blocked
                        .entry((acl_id, site.start, site.file.0))
                        .or_insert_with(|| {
                            (
                                site,
                                Vec::new(),
                                warehouse.meta.address.clone(),
                                warehouse.meta.span,
                                false,
                            )
                        });
                    if !entry.1.contains(&(what, *prefix)) {
                        entry.1.push((what, *prefix));
                    }
                }
            }
        }
    }
    let mut findings = Vec::new();
    for ((acl_id, _, _), (site, list, warehouse, warehouse_span, every_region)) in blocked {
        let Some(acl) = model.network_acls.get(acl_id) else {
            continue;
        };
        let mut parts = Vec::new();
        for (_, _, what) in DIRECTIONS {
            let nets: Vec<String> = list
                .iter()
                .filter(|(w, _)| *w == what)
                .map(|(_, n)| n.to_string())
                .collect();
            if nets.is_empty() {
                continue;
            }
            if every_region {
                parts.push(format!("{what} S3 prefixes of every region"));
                continue;
            }
            let shown = nets
                .iter()
                .take(LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if nets.len() > LISTED {
                format!(" and {} more", nets.len() - LISTED)
            } else {
                String::new()
            };
            parts.push(format!("{what} S3 prefixes {shown}{more}"));
        }
        let how = if site == acl.meta.span {
            "by its implicit final deny"
        } else {
            "by this deny entry"
        };
        // Where the region is not known, the ACL blocks S3 in every region; the entries a
        // fix would add depend on the region, so there is none.
        let (every, fix) = if every_region {
            (" (the warehouse's region is not known here)", None)
        } else {
            ("", allow_blocked(acl, site, &list))
        };
        findings.push(
            RULE.finding(
                &acl.meta,
                site,
                format!(
                    "network ACL {} of {warehouse} blocks {} {how}{every}",
                    acl.meta.address,
                    parts.join("; ")
                ),
            )
            .with_related(format!("network ACL {}", acl.meta.address), acl.meta.span)
            .with_related(format!("warehouse {warehouse}"), warehouse_span)
            .with_fix(fix),
        );
    }
    for (meta, site, message, mut directions, joiner, related) in unsure.into_values() {
        directions.sort_by_key(|d| DIRECTIONS.iter().position(|(_, _, w)| w == d));
        let message = message.replace("{DIRS}", &directions.join(joiner));
        let mut finding = RULE.finding(meta, site, message);
        for (what, span) in related {
            finding = finding.with_related(what, span);
        }
        findings.push(finding);
    }
    findings
}

/// Records, for `--strict`, that an ACL's verdict in one direction is unknown because of its
/// entries, at the first entry that makes it so.
fn unknown_entries<'m>(
    acl: &'m NetworkAcl,
    warehouse: &'m Warehouse,
    egress: bool,
    what: &'static str,
    unsure: &mut UnsureMap<'m>,
) {
    let (site, unknown) = unknown_site(acl, egress);
    let key = (site.file.0, site.start, acl.meta.address.clone());
    let entry = unsure.entry(key).or_insert_with(|| {
        (
            &acl.meta,
            site,
            format!(
                "network ACL {} of {}: {unknown} unknown here; if the ACL then blocks {{DIRS}} S3 prefixes, COPY, UNLOAD and Spectrum fail",
                acl.meta.address, warehouse.meta.address
            ),
            Vec::new(),
            " or ",
            Vec::new(),
        )
    });
    if !entry.3.contains(&what) {
        entry.3.push(what);
    }
    entry
        .5
        .push((format!("network ACL {}", acl.meta.address), acl.meta.span));
    entry.5.push((
        format!("warehouse {}", warehouse.meta.address),
        warehouse.meta.span,
    ));
}

/// Where an ACL's verdict becomes unknown in one direction: the first entry, in rule-number
/// order, with a value the evaluation needs that is unknown (any entry with an unknown rule
/// number comes first), and what that value is; the ACL itself when its entries cannot be read.
fn unknown_site(acl: &NetworkAcl, egress: bool) -> (Span, &'static str) {
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    if let Some(e) = entries.iter().find(|e| e.rule_number.known().is_none()) {
        return (e.rule_number.span, "the rule number of this entry is");
    }
    entries.sort_by_key(|e| e.rule_number.known().copied().unwrap_or(u32::MAX));
    for e in entries {
        if e.cidr.known().is_none() {
            return (e.cidr.span, "the CIDR of this entry is");
        }
        match e.protocol.known() {
            None => return (e.protocol.span, "the protocol of this entry is"),
            Some(Protocol::Tcp) if e.ports.known().is_none() => {
                return (e.ports.span, "the ports of this entry are");
            }
            Some(_) => {}
        }
        if e.allow.known().is_none() {
            return (e.allow.span, "the action of this entry is");
        }
    }
    (acl.meta.span, "some of its entries are")
}

/// The fix: allow entries for each blocked prefix, numbered before the blocking deny (or
/// after every entry when only the implicit deny blocks).
fn allow_blocked(acl: &NetworkAcl, site: Span, blocked: &[(&str, IpNet)]) -> Option<FixIntent> {
    // New entries are written the way the ACL's are: inline, or as resources of their own.
    // Terraform flip-flops between the two when they are mixed: no fix then.
    let separate = acl
        .entries
        .iter()
        .filter(|e| e.meta.address != acl.meta.address)
        .count();
    let as_resources = match separate {
        0 if acl.inline_entries.is_some() => false,
        n if n == acl.entries.len() => true,
        _ => return None,
    };
    let deny_number = acl
        .entries
        .iter()
        .find(|e| e.allow.span == site)
        .and_then(|e| e.rule_number.known().copied());
    let mut intents = Vec::new();
    for (egress, ports, what) in DIRECTIONS {
        let nets: Vec<IpNet> = blocked
            .iter()
            .filter(|(w, _)| *w == what)
            .map(|(_, n)| *n)
            .collect();
        if nets.is_empty() {
            continue;
        }
        let numbers = acl.free_rule_numbers(egress, deny_number, nets.len())?;
        for (number, net) in numbers.into_iter().zip(nets) {
            intents.push(if as_resources {
                acl.allow_entry_resource(egress, number, ports, net)?
            } else {
                acl.allow_entry(egress, number, ports, net)?
            });
        }
    }
    (!intents.is_empty()).then_some(FixIntent::All(intents))
}
