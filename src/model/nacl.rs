//! Network ACL evaluation, as AWS does it: per direction and address family, entries in
//! ascending rule number, the first match decides, and an implicit final deny.

use super::{FieldSite, FixIntent, FixValue, Meta, PortRange, Protocol, Span, Truth, Val};
use ipnet::IpNet;

/// One NACL entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NaclEntry {
    /// The resource the entry is written in (the ACL for inline entries).
    pub meta: Meta,
    pub rule_number: Val<u32>,
    pub egress: bool,
    /// Allow (true) or deny; its span is where the action is written.
    pub allow: Val<bool>,
    pub protocol: Val<Protocol>,
    pub ports: Val<PortRange>,
    pub cidr: Val<IpNet>,
    /// Where the entry is written: inside its ACL, or as a resource of its own.
    pub written: Written,
}

/// Where a NACL entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// An `ingress`/`egress` block of the ACL resource.
    Inline,
    /// A resource of its own (`aws_network_acl_rule`, `AWS::EC2::NetworkAclEntry`).
    OwnResource,
}

/// What a NACL entry's fields are called, for fixes that add entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaclEntryFields {
    pub rule_number: &'static str,
    pub action: &'static str,
    pub protocol: &'static str,
    pub from_port: &'static str,
    pub to_port: &'static str,
    pub cidr: &'static str,
    pub ipv6_cidr: &'static str,
}

/// A network ACL with its entries.
#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub meta: Meta,
    pub entries: Vec<NaclEntry>,
    /// Whether the ingress entries are all known: unknown when some could not be read (they may
    /// come first and decide any packet).
    pub ingress_complete: Truth,
    /// The same for egress.
    pub egress_complete: Truth,
    /// Where inline entries are written (ingress, egress) and what their fields are called,
    /// when the ACL takes inline entries.
    pub inline_entries: Option<(FieldSite, FieldSite, NaclEntryFields)>,
    /// How an entry is written as a resource of its own (`aws_network_acl_rule`,
    /// `AWS::EC2::NetworkAclEntry`) after the ACL, when the source is editable there.
    pub entry_resources: Option<EntryResources>,
}

/// How an entry of an ACL is written as a resource of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryResources {
    /// The ACL's header and body: new entries go after it.
    pub header: Span,
    pub body: Span,
    /// The ACL as its module or template names it (`aws_network_acl.main`, `Nacl`), for the
    /// reference and the new resources' names.
    pub acl: String,
    pub kind: &'static str,
    pub acl_field: &'static str,
    pub egress_field: &'static str,
    pub fields: NaclEntryFields,
    /// CloudFormation puts the ports in a map (`PortRange`).
    pub port_range: Option<&'static str>,
    /// How the entry says TCP (`"tcp"`, `6`).
    pub tcp: FixValue,
}

impl NetworkAcl {
    /// How entries added to the ACL are written: the way its entries are, inline when it has
    /// none and takes inline entries. None when its entries are mixed (Terraform flip-flops
    /// between the two then).
    pub fn written_entries(&self) -> Option<Written> {
        let own = self
            .entries
            .iter()
            .filter(|e| e.written == Written::OwnResource)
            .count();
        match own {
            0 if self.inline_entries.is_some() => Some(Written::Inline),
            n if n == self.entries.len() => Some(Written::OwnResource),
            _ => None,
        }
    }

    /// The fix that adds an allow entry for TCP `ports` with `peer`, numbered `rule`.
    pub fn allow_entry(
        &self,
        egress: bool,
        rule: u32,
        ports: PortRange,
        peer: IpNet,
    ) -> Option<FixIntent> {
        let (ingress_site, egress_site, f) = self.inline_entries?;
        let cidr_field = if peer.addr().is_ipv4() {
            f.cidr
        } else {
            f.ipv6_cidr
        };
        Some(FixIntent::AddEntry {
            site: if egress { egress_site } else { ingress_site },
            entry: vec![
                (f.rule_number, FixValue::Int(i64::from(rule))),
                (f.action, FixValue::Str("allow".into())),
                (f.protocol, FixValue::Str("tcp".into())),
                (f.from_port, FixValue::Int(i64::from(ports.from))),
                (f.to_port, FixValue::Int(i64::from(ports.to))),
                (cidr_field, FixValue::Str(peer.to_string())),
            ],
        })
    }

    /// The fix that adds an allow entry, as a resource of its own, for TCP `ports` with `peer`,
    /// numbered `rule`.
    pub fn allow_entry_resource(
        &self,
        egress: bool,
        rule: u32,
        ports: PortRange,
        peer: IpNet,
    ) -> Option<FixIntent> {
        let r = self.entry_resources.as_ref()?;
        let f = r.fields;
        let cidr_field = if peer.addr().is_ipv4() {
            f.cidr
        } else {
            f.ipv6_cidr
        };
        let direction = if egress { "egress" } else { "ingress" };
        // The ACL resource's own name (a logical id is its own name).
        let base =
            crate::ir::address::Address::parse(&r.acl).map_or_else(|| r.acl.clone(), |a| a.name);
        // Terraform names are snake_case; CloudFormation logical ids alphanumeric.
        let name = if r.port_range.is_some() {
            let d = if egress { "Egress" } else { "Ingress" };
            format!("{base}S3{d}{rule}")
        } else {
            format!("{base}_s3_{direction}_{rule}")
        };
        let mut fields = vec![
            (r.acl_field, FixValue::Id(r.acl.clone())),
            (f.rule_number, FixValue::Int(i64::from(rule))),
            (r.egress_field, FixValue::Bool(egress)),
            (f.protocol, r.tcp.clone()),
            (f.action, FixValue::Str("allow".into())),
            (cidr_field, FixValue::Str(peer.to_string())),
        ];
        let (from, to) = (
            FixValue::Int(i64::from(ports.from)),
            FixValue::Int(i64::from(ports.to)),
        );
        match r.port_range {
            Some(range) => fields.push((
                range,
                FixValue::Map(vec![(f.from_port, from), (f.to_port, to)]),
            )),
            None => fields.extend([(f.from_port, from), (f.to_port, to)]),
        }
        Some(FixIntent::AddResource {
            header: r.header,
            body: r.body,
            kind: r.kind,
            name,
            fields,
        })
    }

    /// Free rule numbers for `count` new entries in one direction: below `before` (the first
    /// blocking deny), in ascending order, or after every existing entry when `before` is None.
    pub fn free_rule_numbers(
        &self,
        egress: bool,
        before: Option<u32>,
        count: usize,
    ) -> Option<Vec<u32>> {
        let used: Vec<u32> = self
            .entries
            .iter()
            .filter(|e| e.egress == egress)
            .filter_map(|e| e.rule_number.known().copied())
            .collect();
        let mut out: Vec<u32> = match before {
            Some(limit) => (1..limit)
                .rev()
                .filter(|n| !used.contains(n))
                .take(count)
                .collect(),
            None => {
                let start = used.iter().max().map_or(100, |m| m + 1);
                (start..=32766)
                    .filter(|n| !used.contains(n))
                    .take(count)
                    .collect()
            }
        };
        out.sort_unstable();
        (out.len() == count).then_some(out)
    }
}

/// What a NACL does with some traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict<'a> {
    Allowed,
    /// Denied by this entry, or by the implicit final deny (None).
    Denied(Option<&'a NaclEntry>),
    Unknown,
}

/// A set of packets: an address range (IPv4 as the low 32 bits) and an inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packets {
    addrs: (u128, u128),
    ports: (u16, u16),
}

impl Packets {
    fn of(net: &IpNet, ports: PortRange) -> Packets {
        let addrs = match net {
            IpNet::V4(n) => (
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
            ),
            IpNet::V6(n) => (u128::from(n.network()), u128::from(n.broadcast())),
        };
        Packets {
            addrs,
            ports: (ports.from, ports.to),
        }
    }

    fn intersect(&self, other: &Packets) -> Option<Packets> {
        let addrs = (
            self.addrs.0.max(other.addrs.0),
            self.addrs.1.min(other.addrs.1),
        );
        let ports = (
            self.ports.0.max(other.ports.0),
            self.ports.1.min(other.ports.1),
        );
        (addrs.0 <= addrs.1 && ports.0 <= ports.1).then_some(Packets { addrs, ports })
    }

    fn contains(&self, addr: u128, port: u16) -> bool {
        self.addrs.0 <= addr && addr <= self.addrs.1 && self.ports.0 <= port && port <= self.ports.1
    }
}

/// How many cells [`covered`] may look at in one evaluation; past it the answer is unknown.
/// Real ACLs (at most 40 entries per direction in AWS) stay far below it.
const COVER_BUDGET: usize = 1_000_000;

/// Is every packet of `set` in one of `parts`? Cuts `set` at every edge of the parts, so that
/// each cell is inside a part or outside all of them; None when over the budget. `edges` is
/// scratch space, reused across the calls of one evaluation.
fn covered(
    set: &Packets,
    parts: &[Packets],
    budget: &mut usize,
    edges: &mut Edges,
) -> Option<bool> {
    let Edges { addrs, ports } = edges;
    addrs.clear();
    ports.clear();
    addrs.push(set.addrs.0);
    ports.push(set.ports.0);
    for p in parts {
        for a in [Some(p.addrs.0), p.addrs.1.checked_add(1)]
            .into_iter()
            .flatten()
        {
            if set.addrs.0 < a && a <= set.addrs.1 {
                addrs.push(a);
            }
        }
        for q in [Some(p.ports.0), p.ports.1.checked_add(1)]
            .into_iter()
            .flatten()
        {
            if set.ports.0 < q && q <= set.ports.1 {
                ports.push(q);
            }
        }
    }
    addrs.sort_unstable();
    addrs.dedup();
    ports.sort_unstable();
    ports.dedup();
    let cells = addrs.len().saturating_mul(ports.len());
    *budget = budget.checked_sub(cells.saturating_mul(parts.len().max(1)))?;
    Some(addrs.iter().all(|a| {
        ports
            .iter()
            .all(|q| parts.iter().any(|p| p.contains(*a, *q)))
    }))
}

/// The cut points [`covered`] works with.
#[derive(Default)]
struct Edges {
    addrs: Vec<u128>,
    ports: Vec<u16>,
}

/// The packets of `traffic` (TCP, to or from `peer`) the entry matches: None when unknown,
/// Some(None) when none.
fn matched(entry: &NaclEntry, traffic: &Packets, peer: &IpNet) -> Option<Option<Packets>> {
    let cidr = entry.cidr.known()?;
    if cidr.addr().is_ipv4() != peer.addr().is_ipv4() {
        return Some(None);
    }
    if Packets::of(cidr, PortRange::ALL)
        .intersect(traffic)
        .is_none()
    {
        return Some(None);
    }
    let ports = match entry.protocol.known()? {
        // Protocols without ports match every port; only TCP (and "all") carry TCP traffic.
        Protocol::All => PortRange::ALL,
        Protocol::Tcp => *entry.ports.known()?,
        Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6 | Protocol::Other(_) => {
            return Some(None);
        }
    };
    Some(Packets::of(cidr, ports).intersect(traffic))
}

/// Does the ACL let TCP traffic on `ports` to (egress) or from (ingress) every address of
/// `peer` through? Each packet is decided by the first entry that matches it, so an allow that
/// covers only part of the traffic leaves the rest to later entries, and a later deny blocks
/// only packets no earlier allow has let through. The deny returned is the first that decides
/// some packet.
pub fn evaluate<'a>(
    acl: &'a NetworkAcl,
    egress: bool,
    ports: PortRange,
    peer: IpNet,
) -> Verdict<'a> {
    decide(acl, egress, ports, peer).0
}

/// [`evaluate`], with the allow entries that let the traffic through when it is allowed (in
/// rule-number order): what a reachability path names as the ACL's hop.
pub fn allowing<'a>(
    acl: &'a NetworkAcl,
    egress: bool,
    ports: PortRange,
    peer: IpNet,
) -> (Verdict<'a>, Vec<&'a NaclEntry>) {
    decide(acl, egress, ports, peer)
}

fn decide<'a>(
    acl: &'a NetworkAcl,
    egress: bool,
    ports: PortRange,
    peer: IpNet,
) -> (Verdict<'a>, Vec<&'a NaclEntry>) {
    // Entries that could not be read may come first and decide any packet.
    let complete = if egress {
        acl.egress_complete
    } else {
        acl.ingress_complete
    };
    if !complete.is_true() {
        return (Verdict::Unknown, Vec::new());
    }
    let mut numbers = Vec::new();
    for e in acl.entries.iter().filter(|e| e.egress == egress) {
        match e.rule_number.known() {
            Some(n) => numbers.push((*n, e)),
            None => return (Verdict::Unknown, Vec::new()),
        }
    }
    // Stable: entries with one number keep their written order, as before.
    numbers.sort_by_key(|(n, _)| *n);
    let traffic = Packets::of(&peer, ports);
    // The packets earlier allows let through, and the entries that allowed them.
    let mut allowed: Vec<Packets> = Vec::new();
    let mut allows: Vec<&NaclEntry> = Vec::new();
    let mut budget = COVER_BUDGET;
    let mut edges = Edges::default();
    for (_, entry) in numbers {
        let Some(part) = matched(entry, &traffic, &peer) else {
            return (Verdict::Unknown, Vec::new());
        };
        let Some(part) = part else { continue };
        match covered(&part, &allowed, &mut budget, &mut edges) {
            None => return (Verdict::Unknown, Vec::new()),
            // Every packet it matches is already decided.
            Some(true) => continue,
            Some(false) => {}
        }
        match entry.allow.known() {
            None => return (Verdict::Unknown, Vec::new()),
            Some(false) => return (Verdict::Denied(Some(entry)), Vec::new()),
            Some(true) => {
                allowed.push(part);
                allows.push(entry);
                match covered(&traffic, &allowed, &mut budget, &mut edges) {
                    None => return (Verdict::Unknown, Vec::new()),
                    Some(true) => return (Verdict::Allowed, allows),
                    Some(false) => {}
                }
            }
        }
    }
    (Verdict::Denied(None), Vec::new())
}

/// Which value of an entry makes an ACL's verdict unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownPart {
    RuleNumber,
    Cidr,
    Protocol,
    Ports,
    Action,
    /// Entries that could not be read at all.
    Entries,
}

impl UnknownPart {
    /// How messages name it: "the CIDR of this entry".
    pub fn name(self) -> &'static str {
        match self {
            UnknownPart::RuleNumber => "the rule number of this entry",
            UnknownPart::Cidr => "the CIDR of this entry",
            UnknownPart::Protocol => "the protocol of this entry",
            UnknownPart::Ports => "the ports of this entry",
            UnknownPart::Action => "the action of this entry",
            UnknownPart::Entries => "some of its entries",
        }
    }

    /// Is the name plural ("the ports", "some of its entries")?
    pub fn plural(self) -> bool {
        matches!(self, UnknownPart::Ports | UnknownPart::Entries)
    }
}

/// Where an ACL's verdict becomes unknown in one direction: the first entry, in rule-number
/// order, with a value the evaluation needs that is unknown (any entry with an unknown rule
/// number comes first), and what that value is; the ACL itself when its entries cannot be read.
pub fn first_unknown(acl: &NetworkAcl, egress: bool) -> (Span, UnknownPart) {
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    if let Some(e) = entries.iter().find(|e| e.rule_number.known().is_none()) {
        return (e.rule_number.span, UnknownPart::RuleNumber);
    }
    entries.sort_by_key(|e| e.rule_number.known().copied().unwrap_or(u32::MAX));
    for e in entries {
        if e.cidr.known().is_none() {
            return (e.cidr.span, UnknownPart::Cidr);
        }
        match e.protocol.known() {
            None => return (e.protocol.span, UnknownPart::Protocol),
            Some(Protocol::Tcp) if e.ports.known().is_none() => {
                return (e.ports.span, UnknownPart::Ports);
            }
            Some(_) => {}
        }
        if e.allow.known().is_none() {
            return (e.allow.span, UnknownPart::Action);
        }
    }
    (acl.meta.span, UnknownPart::Entries)
}

impl NaclEntry {
    /// The entry in words: "rule 100 allows ingress tcp 5439 from 0.0.0.0/0".
    pub fn describe(&self) -> String {
        let number = self
            .rule_number
            .known()
            .map_or_else(|| "an entry".to_string(), |n| format!("rule {n}"));
        let action = match self.allow.known() {
            Some(true) => "allows",
            Some(false) => "denies",
            None => "allows or denies",
        };
        let (direction, to) = if self.egress {
            ("egress", "to")
        } else {
            ("ingress", "from")
        };
        let traffic = super::net::traffic(self.protocol.known(), self.ports.known());
        let cidr = self
            .cidr
            .known()
            .map_or_else(|| "an unknown CIDR".to_string(), ToString::to_string);
        format!("{number} {action} {direction} {traffic} {to} {cidr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FileId, Span};

    fn entry(
        rule: u32,
        egress: bool,
        allow: bool,
        protocol: Protocol,
        ports: (u16, u16),
        cidr: &str,
    ) -> NaclEntry {
        let span = Span::new(FileId(0), 0..0);
        NaclEntry {
            meta: Meta {
                address: format!("rule{rule}"),
                kind: "nacl".into(),
                span,
                origin: None,
            },
            rule_number: Val::explicit(rule, span),
            egress,
            allow: Val::explicit(allow, span),
            protocol: Val::explicit(protocol, span),
            ports: Val::explicit(
                PortRange {
                    from: ports.0,
                    to: ports.1,
                },
                span,
            ),
            cidr: Val::explicit(cidr.parse().unwrap(), span),
            written: Written::Inline,
        }
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        NetworkAcl {
            meta: entries.first().map_or_else(
                || Meta {
                    address: "acl".into(),
                    kind: "nacl".into(),
                    span: Span::new(FileId(0), 0..0),
                    origin: None,
                },
                |e| e.meta.clone(),
            ),
            entries,
            ingress_complete: Truth::True,
            egress_complete: Truth::True,
            inline_entries: None,
            entry_resources: None,
        }
    }

    const HTTPS: PortRange = PortRange { from: 443, to: 443 };

    #[test]
    fn first_match_in_rule_order_wins() {
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        // Written out of order on purpose: rule 90 is evaluated before rule 100.
        let a = acl(vec![
            entry(100, true, true, Protocol::All, (0, 0), "0.0.0.0/0"),
            entry(90, true, false, Protocol::Tcp, (443, 443), "52.216.0.0/15"),
        ]);
        assert!(
            matches!(evaluate(&a, true, HTTPS, s3), Verdict::Denied(Some(e)) if e.meta.address == "rule90")
        );
        let other: IpNet = "54.231.0.0/16".parse().unwrap();
        assert_eq!(evaluate(&a, true, HTTPS, other), Verdict::Allowed);
    }

    #[test]
    fn an_allow_for_everything_covers_every_prefix_and_a_partial_deny_blocks() {
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        let open = acl(vec![entry(
            100,
            true,
            true,
            Protocol::Tcp,
            (443, 443),
            "0.0.0.0/0",
        )]);
        assert_eq!(evaluate(&open, true, HTTPS, s3), Verdict::Allowed);
        let partial = acl(vec![
            entry(50, true, false, Protocol::Tcp, (443, 443), "52.217.0.0/16"),
            entry(100, true, true, Protocol::All, (0, 0), "0.0.0.0/0"),
        ]);
        assert!(matches!(
            evaluate(&partial, true, HTTPS, s3),
            Verdict::Denied(Some(_))
        ));
    }

    #[test]
    fn no_match_is_the_implicit_deny_and_other_directions_do_not_count() {
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        let ingress_only = acl(vec![entry(
            100,
            false,
            true,
            Protocol::All,
            (0, 0),
            "0.0.0.0/0",
        )]);
        assert_eq!(
            evaluate(&ingress_only, true, HTTPS, s3),
            Verdict::Denied(None)
        );
        let udp = acl(vec![entry(
            100,
            true,
            true,
            Protocol::Udp,
            (0, 65535),
            "0.0.0.0/0",
        )]);
        assert_eq!(evaluate(&udp, true, HTTPS, s3), Verdict::Denied(None));
        let ephemeral = PortRange {
            from: 1024,
            to: 65535,
        };
        let narrow = acl(vec![entry(
            100,
            false,
            true,
            Protocol::Tcp,
            (1024, 2048),
            "0.0.0.0/0",
        )]);
        assert_eq!(
            evaluate(&narrow, false, ephemeral, s3),
            Verdict::Denied(None)
        );
    }

    #[test]
    fn allows_that_together_cover_the_traffic_allow_it() {
        // Found by tests/properties.rs: each allow covers part of the ephemeral range, and
        // the traffic used to fall through to the implicit deny.
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        let ephemeral = PortRange {
            from: 1024,
            to: 65535,
        };
        let split = acl(vec![
            entry(100, false, true, Protocol::Tcp, (1024, 32767), "0.0.0.0/0"),
            entry(110, false, true, Protocol::Tcp, (32768, 65535), "0.0.0.0/0"),
        ]);
        assert_eq!(evaluate(&split, false, ephemeral, s3), Verdict::Allowed);
        let halves = acl(vec![
            entry(100, true, true, Protocol::Tcp, (443, 443), "52.216.0.0/16"),
            entry(110, true, true, Protocol::Tcp, (443, 443), "52.217.0.0/16"),
        ]);
        assert_eq!(evaluate(&halves, true, HTTPS, s3), Verdict::Allowed);
    }

    #[test]
    fn a_deny_of_packets_already_allowed_decides_nothing() {
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        let shadowed = acl(vec![
            entry(100, true, true, Protocol::Tcp, (443, 443), "52.216.0.0/16"),
            entry(110, true, false, Protocol::Tcp, (443, 443), "52.216.0.0/16"),
            entry(120, true, true, Protocol::All, (0, 0), "0.0.0.0/0"),
        ]);
        assert_eq!(evaluate(&shadowed, true, HTTPS, s3), Verdict::Allowed);
        // Without rule 120 the other half reaches the implicit deny, not rule 110.
        let mut rest = shadowed.clone();
        rest.entries.pop();
        assert_eq!(evaluate(&rest, true, HTTPS, s3), Verdict::Denied(None));
    }

    #[test]
    fn unknown_entries_make_the_answer_unknown() {
        let s3: IpNet = "52.216.0.0/15".parse().unwrap();
        let mut e = entry(100, true, true, Protocol::All, (0, 0), "0.0.0.0/0");
        e.cidr = Val::unknown(e.cidr.span);
        assert_eq!(evaluate(&acl(vec![e]), true, HTTPS, s3), Verdict::Unknown);
    }
}
