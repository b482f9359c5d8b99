//! RS108 nacl-blocks-s3.

use crate::model::defaults::{self, EPHEMERAL_PORTS, HTTPS_PORT};
use crate::model::nacl::{self, NaclEntry, Verdict, Written, evaluate};
use crate::model::{
    FixIntent, Id, Meta, Model, Named, NetworkAcl, PortRange, Span, Subnet, Truth, Warehouse,
};
use crate::rules::toolkit::{Unknown, field_name};
use crate::rules::{Finding, RuleConfig};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

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
    /// Source: "Infrastructure security in Amazon Redshift"
    /// <https://docs.aws.amazon.com/redshift/latest/mgmt/security-network-isolation.html> (network
    /// ACLs must allow S3 CIDR ranges for COPY, UNLOAD and Spectrum); S3 prefixes from "AWS IP
    /// address ranges" <https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html>.
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

/// A direction of the traffic S3 transfers need through a stateless ACL, in the order
/// messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Direction {
    /// HTTPS requests to S3.
    Egress,
    /// S3's replies, to an ephemeral port.
    Ingress,
}

impl Direction {
    const BOTH: [Direction; 2] = [Direction::Egress, Direction::Ingress];

    fn egress(self) -> bool {
        self == Direction::Egress
    }

    fn ports(self) -> PortRange {
        match self {
            Direction::Egress => PortRange {
                from: HTTPS_PORT,
                to: HTTPS_PORT,
            },
            Direction::Ingress => EPHEMERAL_PORTS,
        }
    }

    /// How messages name it: "egress TCP 443 to", "ingress TCP 1024-65535 from".
    fn label(self) -> String {
        let ports = self.ports();
        let ports = if ports.from == ports.to {
            ports.from.to_string()
        } else {
            format!("{}-{}", ports.from, ports.to)
        };
        match self {
            Direction::Egress => format!("egress TCP {ports} to"),
            Direction::Ingress => format!("ingress TCP {ports} from"),
        }
    }

    /// What an ACL does with this traffic to or from `prefix`.
    fn verdict(self, acl: &NetworkAcl, prefix: IpNet) -> Verdict<'_> {
        evaluate(acl, self.egress(), self.ports(), prefix)
    }
}

/// Directions named in one message: "egress TCP 443 to or ingress TCP 1024-65535 from".
fn labels(directions: &BTreeSet<Direction>, joiner: &str) -> String {
    let labels: Vec<String> = directions.iter().map(|d| d.label()).collect();
    labels.join(joiner)
}

/// What blocks S3 traffic in an ACL.
#[derive(Debug, Clone, Copy)]
enum Blocker<'m> {
    /// A deny entry (the finding points at its action).
    Entry(&'m NaclEntry),
    /// The implicit final deny (the finding points at the ACL).
    FinalDeny,
}

impl<'m> Blocker<'m> {
    /// The blocker of a verdict that denies.
    fn of(verdict: Verdict<'m>) -> Option<Blocker<'m>> {
        match verdict {
            Verdict::Denied(Some(entry)) => Some(Blocker::Entry(entry)),
            Verdict::Denied(None) => Some(Blocker::FinalDeny),
            Verdict::Allowed | Verdict::Unknown => None,
        }
    }

    fn site(self, acl: &NetworkAcl) -> Span {
        match self {
            Blocker::Entry(entry) => entry.allow.span,
            Blocker::FinalDeny => acl.meta.span,
        }
    }
}

/// What blocks at one site, and the prefixes it blocks, each with its direction, in the order
/// found.
struct BlockedAt<'m> {
    blocker: Blocker<'m>,
    prefixes: Vec<(Direction, IpNet)>,
}

impl<'m> BlockedAt<'m> {
    fn new(blocker: Blocker<'m>) -> Self {
        BlockedAt {
            blocker,
            prefixes: Vec::new(),
        }
    }

    fn add(&mut self, direction: Direction, prefix: IpNet) {
        if !self.prefixes.contains(&(direction, prefix)) {
            self.prefixes.push((direction, prefix));
        }
    }
}

/// A definite finding: where an ACL blocks, what it blocks, and for which warehouse.
struct Blocked<'m> {
    acl: &'m NetworkAcl,
    at: BlockedAt<'m>,
    /// The first warehouse concerned (the message names it).
    warehouse: &'m Warehouse,
    /// The first subnet of that warehouse found with the ACL (the evidence goes through it).
    subnet: &'m Subnet,
    /// The warehouse's region is unknown: what the ACL blocks in every region (no prefixes
    /// listed, no fix).
    every_region: bool,
}

/// The definite findings, by (ACL, blocking site start, file).
type BlockedMap<'m> = BTreeMap<(Id, u32, u32), Blocked<'m>>;

/// Why a `--strict` finding rests on an unknown value.
#[derive(Debug)]
enum Cause<'m> {
    /// The subnet's network ACL is not in scope.
    AclOutOfScope(&'m Subnet),
    /// The warehouse's region is unknown, and in some regions the ACL blocks S3.
    SomeRegions(&'m NetworkAcl),
    /// The warehouse's `ip_address_type` is unknown, and the ACL blocks S3's IPv6 prefixes.
    MaybeDualStack(&'m NetworkAcl),
    /// A value of the ACL's entries is unknown: which (with its verb, e.g. "the CIDR of this
    /// entry is").
    UnknownEntries(&'m NetworkAcl, Unknown),
}

/// A finding that rests on an unknown value (`--strict`).
struct Unsure<'m> {
    cause: Cause<'m>,
    resource: &'m Meta,
    site: Span,
    /// The first warehouse concerned (the message names it).
    warehouse: &'m Warehouse,
    /// The directions that may be blocked.
    directions: BTreeSet<Direction>,
    /// Related resources: what they are called, and their identity.
    related: Vec<(&'static str, &'m Meta)>,
}

impl<'m> Unsure<'m> {
    fn new(cause: Cause<'m>, resource: &'m Meta, site: Span, warehouse: &'m Warehouse) -> Self {
        Unsure {
            cause,
            resource,
            site,
            warehouse,
            directions: BTreeSet::new(),
            related: Vec::new(),
        }
    }

    fn message(&self) -> String {
        let warehouse = &self.warehouse.meta.address;
        let fail = "COPY, UNLOAD and Spectrum fail";
        match &self.cause {
            Cause::AclOutOfScope(subnet) => format!(
                "subnet {} of {warehouse}: its network ACL is not in scope, so its entries are unknown here; if it blocks {} S3 prefixes, {fail}",
                subnet.meta.address,
                labels(&self.directions, " or ")
            ),
            Cause::SomeRegions(acl) => format!(
                "network ACL {} of {warehouse}: the warehouse's region is unknown here, and in some regions the ACL blocks {} S3 prefixes; there, {fail}",
                acl.meta.address,
                labels(&self.directions, " or ")
            ),
            Cause::MaybeDualStack(acl) => Unknown::is(field_name(
                &self.warehouse.dual_stack,
                "its IP address type",
            ))
            .when(format!("it is {}", defaults::DUAL_STACK_ADDRESS_TYPE))
            .of(
                format!("warehouse {warehouse}"),
                format!(
                    "network ACL {} blocks {} S3 IPv6 prefixes, and {fail}",
                    acl.meta.address,
                    labels(&self.directions, " and ")
                ),
            ),
            Cause::UnknownEntries(acl, unknown) => unknown
                .clone()
                .when(format!(
                    "the ACL then blocks {} S3 prefixes",
                    labels(&self.directions, " or ")
                ))
                .of(
                    format!("network ACL {} of {warehouse}", acl.meta.address),
                    fail,
                ),
        }
    }
}

/// The `--strict` findings, by (file, site start, ACL concerned).
type UnsureMap<'m> = BTreeMap<(u32, u32, Option<Id>), Unsure<'m>>;

/// Records a `--strict` finding (or adds to the one at the same site about the same ACL).
fn unsure_at<'a, 'm>(
    unsure: &'a mut UnsureMap<'m>,
    acl: Option<Id>,
    site: Span,
    new: impl FnOnce() -> Unsure<'m>,
) -> &'a mut Unsure<'m> {
    unsure
        .entry((site.file.0, site.start, acl))
        .or_insert_with(new)
}

/// How many blocked prefixes a message lists before summarizing.
const LISTED: usize = 4;

/// The ACL of a warehouse subnet that is judged: None for the VPC's default ACL as AWS made it
/// (allows all), and for an ACL that is not in scope (reported with `--strict`).
fn subnet_acl<'m>(
    model: &'m Model,
    config: &RuleConfig,
    warehouse: &'m Warehouse,
    subnet: &'m Subnet,
    unsure: &mut UnsureMap<'m>,
) -> Option<(Id, &'m NetworkAcl)> {
    match subnet.network_acl.value {
        Some(Named::InScope(id)) => Some((id, model.network_acls.get(id)?)),
        Some(Named::Other) => None,
        None => {
            if config.reports(Truth::Unknown) {
                let site = subnet.meta.span;
                unsure_at(unsure, None, site, || Unsure {
                    cause: Cause::AclOutOfScope(subnet),
                    resource: &subnet.meta,
                    site,
                    warehouse,
                    directions: Direction::BOTH.into_iter().collect(),
                    related: Vec::new(),
                })
                .related
                .push(("warehouse", &warehouse.meta));
            }
            None
        }
    }
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut blocked = BlockedMap::new();
    let mut unsure = UnsureMap::new();
    let mut every_region = EveryRegionCache::new();
    let mut verdicts = Verdicts::new();
    for warehouse in &model.warehouses {
        match warehouse.region.known() {
            Some(region) => judge_region(
                model,
                config,
                warehouse,
                region,
                &mut verdicts,
                &mut blocked,
                &mut unsure,
            ),
            None => judge_every_region(
                model,
                config,
                warehouse,
                &mut every_region,
                &mut blocked,
                &mut unsure,
            ),
        }
    }
    let mut findings: Vec<Finding> = blocked
        .into_values()
        .map(|b| blocked_finding(model, b))
        .collect();
    findings.extend(unsure.into_values().map(|u| {
        let finding = RULE.finding(u.resource, u.site, u.message());
        u.related
            .iter()
            .fold(finding, |f, (noun, meta)| f.related_to(noun, meta))
    }));
    findings
}

/// What an ACL does with S3 traffic in one direction to or from one prefix, by (ACL,
/// direction, prefix): evaluating an ACL costs its entries, and many subnets of many
/// warehouses may share one ACL, so each question is answered once per run of the rule.
struct Verdicts<'m>(HashMap<(Id, Direction, IpNet), Verdict<'m>>);

impl<'m> Verdicts<'m> {
    fn new() -> Self {
        Verdicts(HashMap::new())
    }

    fn of(
        &mut self,
        acl_id: Id,
        acl: &'m NetworkAcl,
        direction: Direction,
        prefix: IpNet,
    ) -> Verdict<'m> {
        *self
            .0
            .entry((acl_id, direction, prefix))
            .or_insert_with(|| direction.verdict(acl, prefix))
    }
}

/// Judges the ACLs of a warehouse in a known region against that region's S3 prefixes.
fn judge_region<'m>(
    model: &'m Model,
    config: &RuleConfig,
    warehouse: &'m Warehouse,
    region: &str,
    verdicts: &mut Verdicts<'m>,
    blocked: &mut BlockedMap<'m>,
    unsure: &mut UnsureMap<'m>,
) {
    let dual_stack = warehouse.dual_stack.test(|b| *b);
    let prefixes = config.s3_ranges.prefixes(region, dual_stack.is_true());
    if prefixes.is_empty() {
        return;
    }
    // With --strict and an unknown ip_address_type: the IPv6 prefixes a dual-stack warehouse
    // would need as well.
    let ipv6_if_dual: Vec<IpNet> = if config.reports(Truth::Unknown) && dual_stack == Truth::Unknown
    {
        config
            .s3_ranges
            .prefixes(region, true)
            .into_iter()
            .filter(|p| p.addr().is_ipv6())
            .collect()
    } else {
        Vec::new()
    };
    // Subnets sharing an ACL add nothing to what the first of them found: each ACL is
    // judged once per warehouse.
    let mut judged: HashSet<Id> = HashSet::new();
    for subnet in model.warehouse_subnets(warehouse) {
        let Some((acl_id, acl)) = subnet_acl(model, config, warehouse, subnet, unsure) else {
            continue;
        };
        if !judged.insert(acl_id) {
            continue;
        }
        for direction in Direction::BOTH {
            for prefix in &ipv6_if_dual {
                if Blocker::of(verdicts.of(acl_id, acl, direction, *prefix)).is_none() {
                    continue;
                }
                let site = warehouse.dual_stack.span;
                let entry = unsure_at(unsure, Some(acl_id), site, || {
                    Unsure::new(Cause::MaybeDualStack(acl), &warehouse.meta, site, warehouse)
                });
                entry.directions.insert(direction);
                entry.related.push(("network ACL", &acl.meta));
            }
            for prefix in &prefixes {
                let verdict = verdicts.of(acl_id, acl, direction, *prefix);
                if let Verdict::Unknown = verdict {
                    if config.reports(Truth::Unknown) {
                        unknown_entries(acl_id, acl, warehouse, direction, unsure);
                    }
                    continue;
                }
                let Some(blocker) = Blocker::of(verdict) else {
                    continue;
                };
                let site = blocker.site(acl);
                blocked
                    .entry((acl_id, site.start, site.file.0))
                    .or_insert_with(|| Blocked {
                        acl,
                        at: BlockedAt::new(blocker),
                        warehouse,
                        subnet,
                        every_region: false,
                    })
                    .at
                    .add(direction, *prefix);
            }
        }
    }
}

/// The finding for what an ACL blocks at one site.
fn blocked_finding(model: &Model, blocked: Blocked) -> Finding {
    let Blocked {
        acl,
        at: BlockedAt { blocker, prefixes },
        warehouse,
        subnet,
        every_region,
    } = &blocked;
    let mut parts = Vec::new();
    for direction in Direction::BOTH {
        let nets: Vec<String> = prefixes
            .iter()
            .filter(|(d, _)| *d == direction)
            .map(|(_, n)| n.to_string())
            .collect();
        if nets.is_empty() {
            continue;
        }
        let what = direction.label();
        if *every_region {
            parts.push(format!("{what} S3 prefixes of every region"));
            continue;
        }
        let shown = nets.iter().take(LISTED).cloned().collect::<Vec<_>>();
        let more = match nets.len().checked_sub(LISTED) {
            Some(more) if more > 0 => format!(" and {more} more"),
            _ => String::new(),
        };
        parts.push(format!("{what} S3 prefixes {}{more}", shown.join(", ")));
    }
    let how = match blocker {
        Blocker::FinalDeny => "by its implicit final deny",
        Blocker::Entry(_) => "by this deny entry",
    };
    // Where the region is not known, the ACL blocks S3 in every region; the entries a fix
    // would add depend on the region, so there is none.
    let (every, fix) = if *every_region {
        (" (the warehouse's region is not known here)", None)
    } else {
        ("", allow_blocked(acl, *blocker, prefixes))
    };
    let message = format!(
        "network ACL {} of {} blocks {} {how}{every}",
        acl.meta.address,
        warehouse.meta.address,
        parts.join("; ")
    );
    let associated = format!(
        "subnet {} is associated with network ACL {}",
        subnet.meta.address, acl.meta.address
    );
    let finding = RULE
        .finding(&acl.meta, blocker.site(acl), message)
        .with_placement_hops(model, warehouse, subnet)
        .with_hop(&subnet.meta, subnet.meta.span, associated);
    let finding = match blocker {
        Blocker::Entry(entry) => {
            let says = format!("network ACL {}: {}", acl.meta.address, entry.describe());
            finding.with_hop(&entry.meta, entry.allow.span, says)
        }
        Blocker::FinalDeny => {
            let says = format!(
                "network ACL {}: no entry allows {}, so its implicit final deny blocks it",
                acl.meta.address,
                parts.join("; ")
            );
            finding.with_hop(&acl.meta, acl.meta.span, says)
        }
    };
    finding
        .related_to("network ACL", &acl.meta)
        .about_warehouse(warehouse)
        .with_fix(fix)
}

/// Judges the ACLs of a warehouse whose region is unknown against the S3 prefixes of every
/// region: an ACL that blocks some S3 traffic in every region is a definite finding (a deny-all
/// ACL, one that allows only the VPC), one that allows it in every region is fine, and any
/// other is unknown (`--strict`).
fn judge_every_region<'m>(
    model: &'m Model,
    config: &RuleConfig,
    warehouse: &'m Warehouse,
    verdicts: &mut EveryRegionCache<'m>,
    blocked: &mut BlockedMap<'m>,
    unsure: &mut UnsureMap<'m>,
) {
    let dual = warehouse.dual_stack.test(|b| *b).is_true();
    for subnet in model.warehouse_subnets(warehouse) {
        let Some((acl_id, acl)) = subnet_acl(model, config, warehouse, subnet, unsure) else {
            continue;
        };
        // An ACL is judged once, however many warehouse subnets share it.
        let verdict = verdicts
            .entry((acl_id, dual))
            .or_insert_with(|| EveryRegion::judge(acl, config, dual));
        if verdict.regions == 0 {
            continue;
        }
        if verdict.blocks_everywhere {
            for (&(file, start), found) in &verdict.sites {
                let entry = blocked
                    .entry((acl_id, start, file))
                    .or_insert_with(|| Blocked {
                        acl,
                        at: BlockedAt::new(found.blocker),
                        warehouse,
                        subnet,
                        every_region: true,
                    });
                for (direction, prefix) in &found.prefixes {
                    entry.at.add(*direction, *prefix);
                }
            }
        } else if !config.reports(Truth::Unknown) {
        } else if verdict.directions.is_empty() {
            // Blocked nowhere: what is unknown is the entries, not just the region.
            for direction in &verdict.unknown {
                unknown_entries(acl_id, acl, warehouse, *direction, unsure);
            }
        } else {
            let site = acl.meta.span;
            let entry = unsure_at(unsure, Some(acl_id), site, || {
                Unsure::new(Cause::SomeRegions(acl), &acl.meta, site, warehouse)
            });
            entry.directions.extend(verdict.directions.iter().copied());
            entry.related.push(("warehouse", &warehouse.meta));
        }
    }
}

/// What one ACL does to the S3 prefixes of every region.
struct EveryRegion<'m> {
    /// How many regions were judged (those with S3 prefixes).
    regions: usize,
    /// It blocks some S3 traffic in every region.
    blocks_everywhere: bool,
    /// Blocking site → its blocker and one blocked prefix per direction (the message names the
    /// directions; no fix is offered, so the prefixes themselves are not listed).
    sites: BTreeMap<(u32, u32), BlockedAt<'m>>,
    /// The directions blocked in some region.
    directions: BTreeSet<Direction>,
    /// The directions whose verdict is unknown for some prefix.
    unknown: BTreeSet<Direction>,
}

/// Verdicts by (ACL, dual-stack).
type EveryRegionCache<'m> = HashMap<(Id, bool), EveryRegion<'m>>;

impl<'m> EveryRegion<'m> {
    fn judge(acl: &'m NetworkAcl, config: &RuleConfig, dual: bool) -> EveryRegion<'m> {
        let mut verdict = EveryRegion {
            regions: 0,
            blocks_everywhere: true,
            sites: BTreeMap::new(),
            directions: BTreeSet::new(),
            unknown: BTreeSet::new(),
        };
        // A direction that lets every address through lets every S3 prefix through: no need
        // to judge hundreds of prefixes one by one.
        let everything: Vec<IpNet> = if dual {
            vec![IpNet::V4(Default::default()), IpNet::V6(Default::default())]
        } else {
            vec![IpNet::V4(Default::default())]
        };
        let closed: Vec<Direction> = Direction::BOTH
            .into_iter()
            .filter(|d| {
                !everything
                    .iter()
                    .all(|net| matches!(d.verdict(acl, *net), Verdict::Allowed))
            })
            .collect();
        for region in config.s3_ranges.regions() {
            let prefixes = config.s3_ranges.prefixes(region, dual);
            if prefixes.is_empty() {
                continue;
            }
            verdict.regions += 1;
            let mut blocks_here = false;
            for &direction in &closed {
                for prefix in &prefixes {
                    let outcome = direction.verdict(acl, *prefix);
                    if let Verdict::Unknown = outcome {
                        verdict.unknown.insert(direction);
                        continue;
                    }
                    let Some(blocker) = Blocker::of(outcome) else {
                        continue;
                    };
                    blocks_here = true;
                    verdict.directions.insert(direction);
                    let site = blocker.site(acl);
                    let found = verdict
                        .sites
                        .entry((site.file.0, site.start))
                        .or_insert_with(|| BlockedAt::new(blocker));
                    // One prefix per direction: the message names the directions only.
                    if !found.prefixes.iter().any(|(d, _)| *d == direction) {
                        found.add(direction, *prefix);
                    }
                }
            }
            verdict.blocks_everywhere &= blocks_here;
        }
        verdict
    }
}

/// Records, for `--strict`, that an ACL's verdict in one direction is unknown because of its
/// entries, at the first entry that makes it so.
fn unknown_entries<'m>(
    acl_id: Id,
    acl: &'m NetworkAcl,
    warehouse: &'m Warehouse,
    direction: Direction,
    unsure: &mut UnsureMap<'m>,
) {
    let (site, unknown) = unknown_site(acl, direction.egress());
    let entry = unsure_at(unsure, Some(acl_id), site, || {
        Unsure::new(
            Cause::UnknownEntries(acl, unknown),
            &acl.meta,
            site,
            warehouse,
        )
    });
    entry.directions.insert(direction);
    entry.related.push(("network ACL", &acl.meta));
    entry.related.push(("warehouse", &warehouse.meta));
}

/// Where an ACL's verdict becomes unknown in one direction, and what is unknown there.
fn unknown_site(acl: &NetworkAcl, egress: bool) -> (Span, Unknown) {
    let (span, part) = nacl::first_unknown(acl, egress);
    let unknown = if part.plural() {
        Unknown::are(part.name())
    } else {
        Unknown::is(part.name())
    };
    (span, unknown)
}

/// The fix: allow entries for each blocked prefix, numbered before the blocking deny (or
/// after every entry when only the implicit deny blocks), written the way the ACL's entries
/// are.
fn allow_blocked(
    acl: &NetworkAcl,
    blocker: Blocker,
    blocked: &[(Direction, IpNet)],
) -> Option<FixIntent> {
    let written = acl.written_entries()?;
    let deny_number = match blocker {
        Blocker::Entry(entry) => entry.rule_number.known().copied(),
        Blocker::FinalDeny => None,
    };
    let mut intents = Vec::new();
    for direction in Direction::BOTH {
        let nets: Vec<IpNet> = blocked
            .iter()
            .filter(|(d, _)| *d == direction)
            .map(|(_, n)| *n)
            .collect();
        if nets.is_empty() {
            continue;
        }
        let (egress, ports) = (direction.egress(), direction.ports());
        let numbers = acl.free_rule_numbers(egress, deny_number, nets.len())?;
        for (number, net) in numbers.into_iter().zip(nets) {
            intents.push(match written {
                Written::Inline => acl.allow_entry(egress, number, ports, net)?,
                Written::OwnResource => acl.allow_entry_resource(egress, number, ports, net)?,
            });
        }
    }
    (!intents.is_empty()).then_some(FixIntent::All(intents))
}
