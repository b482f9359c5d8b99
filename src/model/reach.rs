//! Can the internet reach a warehouse's port, and along which path? The conjunction of what
//! the network rules judge one by one: a public address, a route from the warehouse subnet to
//! an internet gateway, the subnet's network ACL letting the connection in (the port) and its
//! replies out (ephemeral ports) in rule-number order, and a security group admitting the
//! internet on the port. Asked per subnet of the warehouse and per address family (IPv4 with
//! `0.0.0.0/0`; IPv6 with `::/0`, for a dual-stack warehouse): the warehouse is reachable when
//! any one path holds.
//!
//! Each hop is three-valued and says, in words, what it contributes (when it holds), why not
//! (when it fails) or what is unknown (with the condition under which it would hold), so that
//! RS100 and `redshield graph` show the same path.

use super::nacl::{self, UnknownPart, Verdict};
use super::{
    Destination, Id, Meta, Model, Named, NetworkAcl, Origin, Peer, PortRange, Protocol,
    RouteTarget, Span, Subnet, Truth, Val, Warehouse, defaults, net,
};
use foldhash::HashMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// An address family, and its whole internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// `0.0.0.0/0` or `::/0`.
    pub fn world(self) -> IpNet {
        match self {
            Family::V4 => IpNet::V4(Ipv4Net::default()),
            Family::V6 => IpNet::V6(Ipv6Net::default()),
        }
    }

    /// Is `net` this family's whole internet?
    fn is_world(self, net: &IpNet) -> bool {
        net::is_world(net) && net.addr().is_ipv4() == (self == Family::V4)
    }
}

/// What a hop of the path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HopKind {
    /// The warehouse has a public address (publicly accessible, or an Elastic IP).
    PublicAddress,
    /// The warehouse is in the subnet, which uses a route table.
    Subnet,
    /// The route table sends the internet to an internet gateway.
    InternetRoute,
    /// The subnet's network ACL lets the connection in on the warehouse port.
    NaclIngress,
    /// The subnet's network ACL lets the replies out on ephemeral ports.
    NaclEgress,
    /// A security group of the warehouse admits the internet on the port.
    SecurityGroup,
}

impl HopKind {
    /// How messages name the hop.
    pub fn name(self) -> &'static str {
        match self {
            HopKind::PublicAddress => "public address",
            HopKind::Subnet => "subnet",
            HopKind::InternetRoute => "route to an internet gateway",
            HopKind::NaclIngress => "network ACL ingress on the port",
            HopKind::NaclEgress => "network ACL egress on ephemeral ports",
            HopKind::SecurityGroup => "security group ingress from the internet",
        }
    }
}

/// One hop of a path from the internet to a warehouse.
#[derive(Debug, Clone)]
pub struct ReachHop<'m> {
    pub kind: HopKind,
    pub truth: Truth,
    /// The resource that decides the hop.
    pub resource: &'m Meta,
    /// Where: the value, entry or rule that decides it.
    pub span: Span,
    /// One clause: what the hop contributes, why it fails, or (unknown) what it rests on.
    pub says: String,
    /// When unknown: each value that is unknown, with the condition under which the hop holds
    /// ("the CIDR of an ingress rule of security group G", "it is 0.0.0.0/0").
    pub unknown: Vec<(String, String)>,
}

/// One path: through one subnet (None when the warehouse's subnets are unknown or not in
/// scope), in one address family, its hops in order.
#[derive(Debug, Clone)]
pub struct ReachPath<'m> {
    pub subnet: Option<&'m Subnet>,
    pub family: Family,
    pub hops: Vec<ReachHop<'m>>,
    /// Every hop holds (Kleene conjunction).
    pub truth: Truth,
}

/// Whether the internet reaches a warehouse: any path holds.
#[derive(Debug, Clone)]
pub struct Reach<'m> {
    pub truth: Truth,
    pub paths: Vec<ReachPath<'m>>,
}

impl<'m> Reach<'m> {
    /// The paths that hold, in subnet order.
    pub fn holding(&self) -> impl Iterator<Item = &ReachPath<'m>> {
        self.paths.iter().filter(|p| p.truth.is_true())
    }

    /// The first path no hop of which fails but some of which are unknown.
    pub fn unsure(&self) -> Option<&ReachPath<'m>> {
        self.paths.iter().find(|p| p.truth == Truth::Unknown)
    }
}

/// The network ACL hops already decided, by ACL, direction, address family and ports: subnets
/// share ACLs and warehouses share subnets, and an ACL's decision walks all its entries, so
/// each is decided once per model (N subnets on one ACL of N entries would cost N²).
#[derive(Default)]
pub struct ReachMemo<'m> {
    acl_hops: HashMap<AclQuestion, ReachHop<'m>>,
}

/// A network ACL, egress or not, the family of the internet, and the ports (from, to).
type AclQuestion = (Id, bool, Family, Option<(u16, u16)>);

impl Model {
    /// Can the internet reach the warehouse's port? Every path, through each subnet of the
    /// warehouse in scope and each address family. `memo` keeps what one warehouse's paths
    /// decided for the next (pass the same one for every warehouse of the model).
    pub fn internet_reach<'m>(
        &'m self,
        warehouse: &'m Warehouse,
        memo: &mut ReachMemo<'m>,
    ) -> Reach<'m> {
        let families = [Family::V4, Family::V6];
        let public = families.map(|f| public_hop(warehouse, f));
        let guarded = families.map(|f| security_group_hop(self, warehouse, f));
        let port = warehouse
            .port
            .known()
            .map(|&p| PortRange { from: p, to: p });
        let mut paths = Vec::new();
        let unplaced = |hop: ReachHop<'m>, paths: &mut Vec<ReachPath<'m>>| {
            for (i, family) in families.into_iter().enumerate() {
                let hops: Vec<ReachHop<'m>> = [&public, &guarded]
                    .iter()
                    .filter_map(|h| h.get(i).cloned())
                    .chain(std::iter::once(hop.clone()))
                    .collect();
                paths.push(path(None, family, order(hops)));
            }
        };
        match warehouse.subnets.known() {
            Some(links) if !links.is_empty() => {
                // A group may list thousands of subnets: each is looked up once.
                let mut seen = foldhash::HashSet::default();
                for link in links {
                    let Some(subnet) = self.subnet(link) else {
                        unplaced(
                            unknown_hop(
                                HopKind::Subnet,
                                &warehouse.meta,
                                link.span,
                                format!("a subnet of {}", warehouse.meta.address),
                                "it is not in scope",
                                "it routes to an internet gateway",
                            ),
                            &mut paths,
                        );
                        continue;
                    };
                    if !seen.insert(link.target) {
                        continue;
                    }
                    for (i, family) in families.into_iter().enumerate() {
                        let mut hops: Vec<ReachHop<'m>> = Vec::new();
                        hops.extend(public.get(i).cloned());
                        hops.extend(route_hops(self, subnet, family));
                        hops.push(nacl_hop(self, subnet, family, false, port, memo));
                        hops.push(nacl_hop(
                            self,
                            subnet,
                            family,
                            true,
                            Some(defaults::EPHEMERAL_PORTS),
                            memo,
                        ));
                        hops.extend(guarded.get(i).cloned());
                        paths.push(path(Some(subnet), family, hops));
                    }
                }
            }
            _ => unplaced(
                unknown_hop(
                    HopKind::Subnet,
                    &warehouse.meta,
                    warehouse.subnets.span,
                    format!("the subnets of {}", warehouse.meta.address),
                    "they are unknown or not in scope",
                    "one routes to an internet gateway",
                ),
                &mut paths,
            ),
        }
        let truth = Truth::any(paths.iter().map(|p| p.truth));
        Reach { truth, paths }
    }
}

/// Hops in path order (their kinds' order).
fn order(mut hops: Vec<ReachHop<'_>>) -> Vec<ReachHop<'_>> {
    hops.sort_by_key(|h| h.kind);
    hops
}

fn path<'m>(subnet: Option<&'m Subnet>, family: Family, hops: Vec<ReachHop<'m>>) -> ReachPath<'m> {
    let truth = hops.iter().fold(Truth::True, |t, h| t.and(h.truth));
    ReachPath {
        subnet,
        family,
        hops,
        truth,
    }
}

fn hop<'m>(
    kind: HopKind,
    truth: Truth,
    resource: &'m Meta,
    span: Span,
    says: String,
) -> ReachHop<'m> {
    ReachHop {
        kind,
        truth,
        resource,
        span,
        says,
        unknown: Vec::new(),
    }
}

/// A hop resting on one unknown value: `what` is unknown (`why`, for the evidence), and the
/// hop holds if `condition`.
fn unknown_hop<'m>(
    kind: HopKind,
    resource: &'m Meta,
    span: Span,
    what: String,
    why: &str,
    condition: impl Into<String>,
) -> ReachHop<'m> {
    let condition = condition.into();
    ReachHop {
        kind,
        truth: Truth::Unknown,
        resource,
        span,
        says: format!("unknown: {what} ({why}); the hop holds if {condition}"),
        unknown: vec![(what, condition)],
    }
}

/// The name of the field a value is read from, or `otherwise`.
fn field<T>(value: &Val<T>, otherwise: &'static str) -> &'static str {
    value.field.map_or(otherwise, |f| f.name)
}

/// Does the warehouse have a public address in `family`? IPv4: publicly accessible, or an
/// Elastic IP. IPv6: publicly accessible and dual-stack.
fn public_hop(warehouse: &Warehouse, family: Family) -> ReachHop<'_> {
    let address = &warehouse.meta.address;
    let pa = &warehouse.publicly_accessible;
    let pa_field = field(pa, "its public accessibility setting");
    let public = pa.test(|b| *b);
    let (other, other_value, other_field, held) = match family {
        Family::V4 => (
            warehouse.elastic_ip.test(|b| *b),
            &warehouse.elastic_ip,
            field(&warehouse.elastic_ip, "its Elastic IP"),
            "has an Elastic IP",
        ),
        Family::V6 => (
            warehouse.dual_stack.test(|b| *b),
            &warehouse.dual_stack,
            field(&warehouse.dual_stack, "its IP address type"),
            "is dual-stack",
        ),
    };
    let truth = match family {
        Family::V4 => public.or(other),
        Family::V6 => public.and(other),
    };
    let meta = &warehouse.meta;
    let kind = HopKind::PublicAddress;
    let publicly = if pa.origin == Origin::Default {
        format!(
            "warehouse {address} leaves {pa_field} unset, and AWS provider versions before 6.0 make it publicly accessible"
        )
    } else {
        format!("warehouse {address} is publicly accessible ({pa_field} = true)")
    };
    match (truth, family) {
        (Truth::True, Family::V4) if public.is_true() => hop(kind, truth, meta, pa.span, publicly),
        (Truth::True, Family::V4) => hop(
            kind,
            truth,
            meta,
            other_value.span,
            format!("warehouse {address} {held} ({other_field})"),
        ),
        (Truth::True, Family::V6) => hop(
            kind,
            truth,
            meta,
            pa.span,
            format!("{publicly}, and {held}, so it has a public IPv6 address"),
        ),
        (Truth::False, _) if other.is_false() && family == Family::V6 => hop(
            kind,
            truth,
            meta,
            other_value.span,
            format!("warehouse {address} has no IPv6 address: it is not dual-stack"),
        ),
        (Truth::False, Family::V6) => hop(
            kind,
            truth,
            meta,
            pa.span,
            format!("warehouse {address} is not publicly accessible"),
        ),
        (Truth::False, Family::V4) => hop(
            kind,
            truth,
            meta,
            pa.span,
            format!(
                "warehouse {address} has no public address: it is not publicly accessible and has no Elastic IP"
            ),
        ),
        _ => {
            let mut unknown = Vec::new();
            let mut span = pa.span;
            if public == Truth::Unknown {
                unknown.push((pa_field.to_string(), "it is true".to_string()));
            }
            if other == Truth::Unknown {
                if unknown.is_empty() {
                    span = other_value.span;
                }
                let condition = match family {
                    Family::V4 => "an Elastic IP is attached",
                    Family::V6 => "the warehouse is dual-stack",
                };
                unknown.push((other_field.to_string(), condition.to_string()));
            }
            let whats: Vec<&str> = unknown.iter().map(|(w, _)| w.as_str()).collect();
            ReachHop {
                kind,
                truth,
                resource: meta,
                span,
                says: format!(
                    "unknown: whether warehouse {address} has a public address ({} unknown)",
                    whats.join(" and ")
                ),
                unknown,
            }
        }
    }
}

/// The subnet's route table, and its route from the internet's addresses to an internet
/// gateway (the subnet's explicit association, or the VPC's main table, as RS103 decides).
fn route_hops<'m>(model: &'m Model, subnet: &'m Subnet, family: Family) -> Vec<ReachHop<'m>> {
    let world = family.world();
    let address = &subnet.meta.address;
    let condition = format!("it sends {world} to an internet gateway");
    let table = match subnet.route_table.value {
        None => {
            return vec![unknown_hop(
                HopKind::InternetRoute,
                &subnet.meta,
                subnet.meta.span,
                format!("the route table of subnet {address}"),
                "its association or its VPC's main table is unknown or not in scope",
                condition,
            )];
        }
        Some(Named::Other) => {
            return vec![hop(
                HopKind::InternetRoute,
                Truth::False,
                &subnet.meta,
                subnet.meta.span,
                format!(
                    "subnet {address} uses its VPC's main route table as AWS created it, which routes only within the VPC"
                ),
            )];
        }
        Some(Named::InScope(id)) => match model.route_tables.get(id) {
            Some(table) => table,
            None => return Vec::new(),
        },
    };
    let uses = hop(
        HopKind::Subnet,
        Truth::True,
        &subnet.meta,
        subnet.meta.span,
        format!("subnet {address} uses route table {}", table.meta.address),
    );
    let answers: Vec<(Truth, &super::Route)> = table
        .routes
        .iter()
        .map(|r| {
            let to_world = r
                .destination
                .test(|d| matches!(d, Destination::Cidr(n) if family.is_world(n)));
            (
                to_world.and(r.target.test(|t| *t == RouteTarget::InternetGateway)),
                r,
            )
        })
        .collect();
    if let Some((_, route)) = answers.iter().find(|(t, _)| t.is_true()) {
        let says = format!(
            "route table {}: {}",
            table.meta.address,
            net::describe_route(route)
        );
        return vec![
            uses,
            hop(
                HopKind::InternetRoute,
                Truth::True,
                &route.meta,
                route.target.span,
                says,
            ),
        ];
    }
    let truth = Truth::any(answers.iter().map(|(t, _)| *t)).or(!table.routes_complete);
    let routed = if truth == Truth::False {
        hop(
            HopKind::InternetRoute,
            Truth::False,
            &table.meta,
            table.meta.span,
            format!(
                "route table {} sends no {world} to an internet gateway",
                table.meta.address
            ),
        )
    } else if let Some((_, route)) = answers.iter().find(|(t, _)| *t == Truth::Unknown) {
        let (what, span) = if route.target.known().is_none() {
            ("target", route.target.span)
        } else {
            ("destination", route.destination.span)
        };
        unknown_hop(
            HopKind::InternetRoute,
            &route.meta,
            span,
            format!("the {what} of a route in {}", table.meta.address),
            "it cannot be evaluated",
            format!("the route sends {world} to an internet gateway"),
        )
    } else {
        unknown_hop(
            HopKind::InternetRoute,
            &table.meta,
            table.meta.span,
            format!("some routes of {}", table.meta.address),
            "they cannot be read",
            format!("one sends {world} to an internet gateway"),
        )
    };
    vec![uses, routed]
}

/// Does the subnet's network ACL let TCP on `ports` (None: the warehouse port, unknown) in
/// from (or, `egress`, out to) the whole internet of `family`, in rule-number order?
fn nacl_hop<'m>(
    model: &'m Model,
    subnet: &'m Subnet,
    family: Family,
    egress: bool,
    ports: Option<PortRange>,
    memo: &mut ReachMemo<'m>,
) -> ReachHop<'m> {
    let world = family.world();
    // A hop already made for the subnet's ACL is taken as it is, its words too.
    let in_scope = match subnet.network_acl.value {
        Some(Named::InScope(id)) => model
            .network_acls
            .get(id)
            .map(|acl| (acl, (id, egress, family, ports.map(|p| (p.from, p.to))))),
        _ => None,
    };
    if let Some(hop) = in_scope.and_then(|(_, key)| memo.acl_hops.get(&key)) {
        return hop.clone();
    }
    let (kind, traffic) = if egress {
        (
            HopKind::NaclEgress,
            format!(
                "egress {} to {world}",
                net::traffic(Some(&Protocol::Tcp), ports.as_ref())
            ),
        )
    } else {
        let traffic = match ports {
            Some(p) => net::traffic(Some(&Protocol::Tcp), Some(&p)),
            None => "tcp on the warehouse port".into(),
        };
        (
            HopKind::NaclIngress,
            format!("ingress {traffic} from {world}"),
        )
    };
    let address = &subnet.meta.address;
    let condition = format!("it allows {traffic}");
    if let Some(Named::Other) = subnet.network_acl.value {
        return hop(
            kind,
            Truth::True,
            &subnet.meta,
            subnet.meta.span,
            format!(
                "subnet {address} uses its VPC's default network ACL as AWS created it, which allows {traffic}"
            ),
        );
    }
    match in_scope {
        Some((acl, key)) => memo
            .acl_hops
            .entry(key)
            .or_insert_with(|| acl_hop(acl, kind, egress, world, ports, &traffic, condition))
            .clone(),
        None => unknown_hop(
            kind,
            &subnet.meta,
            subnet.meta.span,
            format!("the network ACL of subnet {address}"),
            "it is not in scope",
            condition,
        ),
    }
}

/// Allow entries a hop names; more are counted.
const NAMED_ENTRIES: usize = 4;

/// The hop of a network ACL in scope: whether it lets `traffic` through.
fn acl_hop<'m>(
    acl: &'m NetworkAcl,
    kind: HopKind,
    egress: bool,
    world: IpNet,
    ports: Option<PortRange>,
    traffic: &str,
    condition: String,
) -> ReachHop<'m> {
    let name = &acl.meta.address;
    let (verdict, allows) = nacl::allowing(acl, egress, ports.unwrap_or(PortRange::ALL), world);
    match (verdict, ports) {
        (Verdict::Allowed, _) => {
            let (resource, span) = allows
                .first()
                .map_or((&acl.meta, acl.meta.span), |e| (&e.meta, e.allow.span));
            // Named up to a few: an ACL may allow the internet in many pieces.
            let mut entries: Vec<String> = allows
                .iter()
                .take(NAMED_ENTRIES)
                .map(|e| e.describe())
                .collect();
            if allows.len() > NAMED_ENTRIES {
                entries.push(format!("{} more entries", allows.len() - NAMED_ENTRIES));
            }
            hop(
                kind,
                Truth::True,
                resource,
                span,
                format!("network ACL {name}: {}", entries.join(", and ")),
            )
        }
        (Verdict::Denied(_), None) => unknown_hop(
            kind,
            &acl.meta,
            acl.meta.span,
            "the warehouse port".into(),
            "it cannot be evaluated",
            format!("network ACL {name} allows it"),
        ),
        (Verdict::Denied(Some(entry)), Some(_)) => hop(
            kind,
            Truth::False,
            &entry.meta,
            entry.allow.span,
            format!("network ACL {name}: {}", entry.describe()),
        ),
        (Verdict::Denied(None), Some(_)) => hop(
            kind,
            Truth::False,
            &acl.meta,
            acl.meta.span,
            format!("network ACL {name} allows no {traffic}: its implicit final deny blocks it"),
        ),
        (Verdict::Unknown, _) => {
            let (span, part) = nacl::first_unknown(acl, egress);
            let direction = if egress { "egress" } else { "ingress" };
            let what = match part {
                UnknownPart::Entries => format!("some {direction} entries of network ACL {name}"),
                part => format!(
                    "{} of an {direction} entry of network ACL {name}",
                    part.name().trim_end_matches(" of this entry")
                ),
            };
            unknown_hop(
                kind,
                &acl.meta,
                span,
                what,
                "it cannot be evaluated",
                condition,
            )
        }
    }
}

/// Does a security group of the warehouse admit the whole internet of `family` on its port?
fn security_group_hop<'m>(
    model: &'m Model,
    warehouse: &'m Warehouse,
    family: Family,
) -> ReachHop<'m> {
    let world = family.world();
    let address = &warehouse.meta.address;
    let port = warehouse.port.known().copied();
    let reach = port.map_or_else(|| "the warehouse port".to_string(), |p| format!("port {p}"));
    let kind = HopKind::SecurityGroup;
    let groups = &warehouse.security_groups;
    let condition = format!("one admits {world} on {reach}");
    let Some(links) = groups.known() else {
        return unknown_hop(
            kind,
            &warehouse.meta,
            groups.span,
            format!("the security groups of {address}"),
            "they cannot be evaluated",
            condition,
        );
    };
    if links.is_empty() {
        return unknown_hop(
            kind,
            &warehouse.meta,
            groups.span,
            format!("the default security group of {address}'s VPC"),
            "the warehouse names no group and uses it; it is not in scope",
            condition,
        );
    }
    let mut unsure: Option<ReachHop<'m>> = None;
    for link in links {
        let Some(group) = model.security_group(link) else {
            unsure.get_or_insert_with(|| {
                unknown_hop(
                    kind,
                    &warehouse.meta,
                    link.span,
                    format!("a security group of {address}"),
                    "it is not in scope",
                    format!("it admits {world} on {reach}"),
                )
            });
            continue;
        };
        let name = &group.meta.address;
        for rule in &group.ingress {
            let reaches = net::reaches_port(rule, port);
            let admits = match rule.peer.known() {
                Some(Peer::Cidr(net)) if family.is_world(net) => reaches,
                Some(_) => Truth::False,
                None => Truth::Unknown.and(reaches),
            };
            match admits {
                Truth::True => {
                    return hop(
                        kind,
                        Truth::True,
                        &rule.meta,
                        rule.peer.span,
                        format!(
                            "security group {name}: an ingress rule {}",
                            net::describe_ingress(rule)
                        ),
                    );
                }
                Truth::Unknown if unsure.is_none() => {
                    unsure = Some(if rule.peer.known().is_none() {
                        unknown_hop(
                            kind,
                            &rule.meta,
                            rule.peer.span,
                            format!("the CIDR of an ingress rule of security group {name}"),
                            "it cannot be evaluated",
                            format!("it is {world}"),
                        )
                    } else {
                        let (what, span) = net::unknown_reach(rule, &warehouse.port);
                        unknown_hop(
                            kind,
                            &rule.meta,
                            span,
                            format!("the {what} from {world} in security group {name}"),
                            "it cannot be evaluated",
                            format!("the rule admits {reach}"),
                        )
                    });
                }
                _ => {}
            }
        }
        if !group.ingress_complete.is_true() && unsure.is_none() {
            unsure = Some(unknown_hop(
                kind,
                &group.meta,
                group.meta.span,
                format!("some ingress rules of security group {name}"),
                "they cannot be read",
                format!("one admits {world} on {reach}"),
            ));
        }
    }
    unsure.unwrap_or_else(|| {
        hop(
            kind,
            Truth::False,
            &warehouse.meta,
            groups.span,
            format!("no security group of {address} admits {world} on {reach}"),
        )
    })
}
