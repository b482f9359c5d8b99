//! Property tests (proptest) for the parts of redshield that have algebra: CIDR and port-range
//! containment, ordered NACL evaluation, fix composition, and report stability. Each property
//! compares the code with a naive reference model written here (address ranges as integers,
//! port sets, a first-match evaluator over single packets, string splicing), or with itself
//! under a change that must not matter (a second run, another input order).
//!
//! Case counts are modest so that the file runs in seconds in a debug build; set
//! `PROPTEST_CASES` to run more. A failure prints the shrunk counterexample.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use redshield::discover::OsFileSystem;
use redshield::fix::edit::Edit;
use redshield::fix::{PlannedFix, apply_edits};
use redshield::ir::{FileId, SourceMap, Span};
use redshield::model::nacl::{NaclEntry, NetworkAcl, Verdict, Written, evaluate};
use redshield::model::net::{is_world, reaches_port};
use redshield::model::{Meta, Peer, PortRange, Protocol, SecurityGroupRule, Truth, Val};
use redshield::{Inputs, Settings};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// `cases` cases, unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // Keep shrinking bounded: the slow properties analyze files on disk.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

fn span() -> Span {
    Span::new(FileId(0), 0..0)
}

fn meta(address: String) -> Meta {
    Meta {
        address,
        kind: "test".into(),
        span: span(),
        origin: None,
    }
}

// ---------------------------------------------------------------------------------------------
// CIDR containment, against address ranges computed as integers.
// ---------------------------------------------------------------------------------------------

/// The first and last address of `addr/prefix` (IPv4), by arithmetic on integers.
fn v4_range(addr: u32, prefix: u8) -> (u32, u32) {
    let size: u64 = 1 << (32 - u32::from(prefix));
    let start = (u64::from(addr) / size) * size;
    (start as u32, (start + size - 1) as u32)
}

fn v4_net(addr: u32, prefix: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap().trunc())
}

/// Addresses that often share prefixes (so containment is exercised), or anywhere.
fn v4_addr() -> impl Strategy<Value = u32> {
    prop_oneof![
        (
            prop::sample::select(vec![0x0A00_0000u32, 0x34D8_0000, 0xC0A8_0000]),
            0u32..0x1_0000
        )
            .prop_map(|(base, low)| base | low),
        any::<u32>(),
    ]
}

fn v4_cidr() -> impl Strategy<Value = (u32, u8)> {
    (v4_addr(), 0u8..=32)
}

proptest! {
    #![proptest_config(config(512))]

    /// `contains` between (truncated) networks is inclusion of their address ranges, and an
    /// address is in a network exactly when it is in its range.
    #[test]
    fn cidr_containment_is_range_inclusion(a in v4_cidr(), b in v4_cidr(), x in v4_addr()) {
        let (na, nb) = (v4_net(a.0, a.1), v4_net(b.0, b.1));
        let (ra, rb) = (v4_range(a.0, a.1), v4_range(b.0, b.1));
        prop_assert_eq!(na.contains(&nb), ra.0 <= rb.0 && rb.1 <= ra.1);
        prop_assert_eq!(
            na.contains(&std::net::IpAddr::V4(Ipv4Addr::from(x))),
            ra.0 <= x && x <= ra.1
        );
        // CIDR ranges never partly overlap: intersecting ranges means one contains the other,
        // and overlap is symmetric.
        let intersect = ra.0 <= rb.1 && rb.0 <= ra.1;
        prop_assert_eq!(intersect, na.contains(&nb) || nb.contains(&na));
        prop_assert_eq!(intersect, rb.0 <= ra.1 && ra.0 <= rb.1);
    }

    /// `is_world` is exactly the whole address space of a family, and a /0 contains every
    /// network of its family and none of the other.
    #[test]
    fn slash_zero_is_the_world_and_contains_everything(a in v4_cidr(), x in v4_addr()) {
        let net = v4_net(a.0, a.1);
        prop_assert_eq!(is_world(&net), v4_range(a.0, a.1) == (0, u32::MAX));
        let world4 = v4_net(x, 0);
        prop_assert!(is_world(&world4));
        prop_assert!(world4.contains(&net));
        let world6 = IpNet::V6(Ipv6Net::new(Ipv6Addr::UNSPECIFIED, 0).unwrap());
        prop_assert!(is_world(&world6));
        prop_assert!(!world6.contains(&net) && !net.contains(&world6));
    }
}

// ---------------------------------------------------------------------------------------------
// Port ranges and protocols: `reaches_port` against a set model.
// ---------------------------------------------------------------------------------------------

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        Just(Protocol::All),
        Just(Protocol::Tcp),
        Just(Protocol::Udp),
        Just(Protocol::Icmp),
        Just(Protocol::Icmpv6),
        (2u8..=255).prop_map(Protocol::Other),
    ]
}

/// A port range: any, all ports, or near the ports asked about.
fn port_range() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        Just(PortRange::ALL),
        (0u16..=65535, 0u16..=65535).prop_map(|(a, b)| PortRange {
            from: a.min(b),
            to: a.max(b)
        }),
        (5430u16..5450, 0u16..10).prop_map(|(a, n)| PortRange {
            from: a,
            to: a.saturating_add(n)
        }),
    ]
}

fn sg_rule(protocol: Option<Protocol>, ports: Option<PortRange>) -> SecurityGroupRule {
    SecurityGroupRule {
        meta: meta("sg".into()),
        protocol: protocol.map_or_else(|| Val::unknown(span()), |p| Val::explicit(p, span())),
        ports: ports.map_or_else(|| Val::unknown(span()), |p| Val::explicit(p, span())),
        peer: Val::explicit(Peer::Itself, span()),
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// A rule reaches a TCP port when its protocol carries every port (all, or a protocol
    /// number without ports) or it is TCP and the port is in its set of ports; an unknown
    /// warehouse port is reached only by a rule that covers every port; unknown protocols and
    /// port ranges give unknown.
    #[test]
    fn reaches_port_agrees_with_a_set_model(
        protocol in proptest::option::weighted(0.9, protocol()),
        ports in proptest::option::weighted(0.9, port_range()),
        port in proptest::option::weighted(0.8, prop_oneof![5430u16..5450, any::<u16>()]),
    ) {
        let expected = match protocol {
            None => Truth::Unknown,
            Some(Protocol::All | Protocol::Other(_)) => Truth::True,
            Some(Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6) => Truth::False,
            Some(Protocol::Tcp) => match ports {
                None => Truth::Unknown,
                Some(r) => {
                    let set = u32::from(r.from)..=u32::from(r.to);
                    // An interval holding both ends holds every port.
                    let covers_all = set.contains(&0) && set.contains(&65535);
                    match port {
                        Some(p) => Truth::from_known(set.contains(&u32::from(p))),
                        None if covers_all => Truth::True,
                        None => Truth::Unknown,
                    }
                }
            },
        };
        prop_assert_eq!(reaches_port(&sg_rule(protocol, ports), port), expected);
    }

    /// Containment of a port in a range is membership in the set of its ports.
    #[test]
    fn port_range_contains_is_set_membership(r in port_range(), p in any::<u16>()) {
        prop_assert_eq!(r.contains(p), (r.from..=r.to).any(|q| q == p));
    }
}

// ---------------------------------------------------------------------------------------------
// CIDRs and ports as read from source: RS105/RS106 through `analyze` against the integer model.
// ---------------------------------------------------------------------------------------------

/// A stack with one cluster and one security group rule for `cidr` (written as given, host
/// bits and all).
fn ingress_stack(cidr: &str, protocol: &str, ports: (i32, i32), port: u16) -> String {
    format!(
        r#"provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.20.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}}

resource "aws_redshift_subnet_group" "g" {{
  name       = "g"
  subnet_ids = [aws_subnet.a.id]
}}

resource "aws_security_group" "sg" {{
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port   = {from}
    to_port     = {to}
    protocol    = "{protocol}"
    cidr_blocks = ["{cidr}"]
  }}
}}

resource "aws_redshift_cluster" "c" {{
  cluster_identifier        = "c"
  node_type                 = "ra3.xlplus"
  port                      = {port}
  cluster_subnet_group_name = aws_redshift_subnet_group.g.name
  vpc_security_group_ids    = [aws_security_group.sg.id]
  publicly_accessible       = false
}}
"#,
        from = ports.0,
        to = ports.1,
    )
}

/// The rule IDs an analysis of `dir` reports, with `settings`.
fn rule_ids(dir: &Path, settings: &Settings) -> Vec<&'static str> {
    let analysis = redshield::analyze(
        &Inputs::paths(&[dir.to_path_buf()]),
        settings,
        &OsFileSystem::new(),
    );
    assert!(
        analysis.report.errors.is_empty(),
        "{:?}",
        analysis.report.errors
    );
    analysis.report.findings.iter().map(|f| f.rule.id).collect()
}

/// `--fix` as the CLI runs it: the fixes proved by analyzing again what reads the files.
fn fix_in_place(
    inputs: &Inputs,
    settings: &Settings,
    analysis: &redshield::Analysis,
    plan: &redshield::fix::Plan,
) -> redshield::fix::apply::Applied<redshield::Rerun> {
    let fs = OsFileSystem::new();
    let jobs = redshield::Jobs::run(inputs, settings, &fs);
    redshield::fix::apply::apply(&analysis.sources, plan, &fs, &inputs.paths, &jobs, &|_| {})
}

fn selecting(ids: &[&str]) -> Settings {
    Settings {
        select: ids.iter().map(|s| (*s).to_string()).collect(),
        ..Settings::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// RS106 fires exactly when the rule's CIDR (host bits dropped) is not inside the allowed
    /// range (host bits dropped too); RS105 exactly when it is the whole IPv4 internet. The
    /// rule reaches the port by the set model of the previous section.
    #[test]
    fn cidrs_and_ports_read_from_source_agree_with_the_integer_model(
        cidr in v4_cidr(),
        allowed in v4_cidr(),
        protocol in prop::sample::select(vec!["tcp", "6", "-1", "udp", "17", "icmp", "50"]),
        ports in prop_oneof![
            (5430i32..5450, 0i32..10).prop_map(|(a, n)| (a, a + n)),
            Just((0, 65535)),
            Just((-1, -1)),
        ],
        port in 5435u16..5445,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = ingress_stack(
            &format!("{}/{}", Ipv4Addr::from(cidr.0), cidr.1),
            protocol,
            ports,
            port,
        );
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        std::fs::write(
            dir.path().join("redshield.toml"),
            format!("allowed_cidrs = [\"{}/{}\"]\n", Ipv4Addr::from(allowed.0), allowed.1),
        )
        .unwrap();
        let found = rule_ids(dir.path(), &selecting(&["RS105", "RS106"]));

        let reaches = match protocol {
            "-1" | "50" => true,
            "udp" | "17" | "icmp" => false,
            _ => ports.0 < 0 || (ports.0..=ports.1).contains(&i32::from(port)),
        };
        let (rc, ra) = (v4_range(cidr.0, cidr.1), v4_range(allowed.0, allowed.1));
        let inside = ra.0 <= rc.0 && rc.1 <= ra.1;
        let world = rc == (0, u32::MAX);
        prop_assert_eq!(found.contains(&"RS105"), reaches && world, "{:?}", found);
        prop_assert_eq!(found.contains(&"RS106"), reaches && !inside, "{:?}", found);
    }
}

// ---------------------------------------------------------------------------------------------
// NACL ordered evaluation, against a first-match evaluator over single packets.
// ---------------------------------------------------------------------------------------------

/// The addresses entries and traffic are drawn from: 10.0.0.0/26, so that every address of
/// any traffic can be enumerated.
const BASE: u32 = 0x0A00_0000;
const UNIVERSE: u32 = 64;
/// Ports entries and traffic are drawn from (entries may also cover every port).
const PORTS: u16 = 16;

/// A CIDR as generated: an IPv4 network, or IPv6 (which never matches IPv4 traffic).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cidr {
    V4(u32, u8),
    V6World,
}

impl Cidr {
    fn net(self) -> IpNet {
        match self {
            Cidr::V4(a, p) => v4_net(a, p),
            Cidr::V6World => IpNet::V6(Ipv6Net::new(Ipv6Addr::UNSPECIFIED, 0).unwrap()),
        }
    }

    fn covers(self, addr: u32) -> bool {
        match self {
            Cidr::V4(a, p) => {
                let (lo, hi) = v4_range(a, p);
                lo <= addr && addr <= hi
            }
            Cidr::V6World => false,
        }
    }
}

fn entry_cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        6 => (0..UNIVERSE, 27u8..=32).prop_map(|(a, p)| Cidr::V4(BASE + a, p)),
        1 => Just(Cidr::V4(0, 0)),
        1 => Just(Cidr::V4(BASE, 24)),
        1 => Just(Cidr::V4(0xC0A8_0000, 16)),
        1 => Just(Cidr::V6World),
    ]
}

fn entry_ports() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        4 => (0..PORTS, 0..PORTS).prop_map(|(a, b)| PortRange { from: a.min(b), to: a.max(b) }),
        1 => Just(PortRange::ALL),
    ]
}

fn nacl_protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        3 => Just(Protocol::Tcp),
        2 => Just(Protocol::All),
        1 => Just(Protocol::Udp),
        1 => Just(Protocol::Icmp),
        1 => Just(Protocol::Other(47)),
    ]
}

/// One NACL entry as generated.
#[derive(Debug, Clone)]
struct E {
    rule: u32,
    egress: bool,
    allow: bool,
    protocol: Protocol,
    ports: PortRange,
    cidr: Cidr,
}

impl E {
    /// Does this entry match one TCP packet to or from `addr` on `port`?
    fn matches(&self, addr: u32, port: u16) -> bool {
        let port_ok = match self.protocol {
            Protocol::All => true,
            Protocol::Tcp => self.ports.from <= port && port <= self.ports.to,
            _ => false,
        };
        port_ok && self.cidr.covers(addr)
    }

    fn model(&self) -> NaclEntry {
        NaclEntry {
            meta: meta(format!("rule{}", self.rule)),
            rule_number: Val::explicit(self.rule, span()),
            egress: self.egress,
            allow: Val::explicit(self.allow, span()),
            protocol: Val::explicit(self.protocol, span()),
            ports: Val::explicit(self.ports, span()),
            cidr: Val::explicit(self.cidr.net(), span()),
            written: Written::Inline,
        }
    }
}

/// Entries with rule numbers unique per direction, listed in no particular order.
fn entries() -> impl Strategy<Value = Vec<E>> {
    prop::collection::vec(
        (
            any::<bool>(),
            prop::bool::weighted(0.6),
            nacl_protocol(),
            entry_ports(),
            entry_cidr(),
        ),
        0..10,
    )
    .prop_flat_map(|raw| {
        let n = raw.len();
        (
            Just(raw),
            prop::sample::subsequence((1u32..=40).map(|r| r * 10).collect::<Vec<_>>(), n)
                .prop_shuffle(),
        )
    })
    .prop_map(|(raw, numbers)| {
        raw.into_iter()
            .zip(numbers)
            .map(|((egress, allow, protocol, ports, cidr), rule)| E {
                rule,
                egress,
                allow,
                protocol,
                ports,
                cidr,
            })
            .collect()
    })
}

/// Whether entries are all read, as the model says it: true, or unknown (never false).
fn complete(all_read: bool) -> Truth {
    if all_read {
        Truth::True
    } else {
        Truth::Unknown
    }
}

/// An ACL of `entries`; `known` says whether all its (ingress, egress) entries were read.
fn acl(entries: &[E], known: (bool, bool)) -> NetworkAcl {
    NetworkAcl {
        meta: meta("acl".into()),
        entries: entries.iter().map(E::model).collect(),
        ingress_complete: complete(known.0),
        egress_complete: complete(known.1),
        inline_entries: None,
        entry_resources: None,
    }
}

/// What the reference says: allowed, or denied by the entry with this rule number (None: the
/// implicit final deny).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    Allowed,
    Denied(Option<u32>),
}

/// AWS's evaluation of one packet: entries of the direction in ascending rule number, the
/// first match decides, and no match is denied.
fn reference_packet(entries: &[E], egress: bool, addr: u32, port: u16) -> Expected {
    let mut list: Vec<&E> = entries.iter().filter(|e| e.egress == egress).collect();
    list.sort_by_key(|e| e.rule);
    match list.into_iter().find(|e| e.matches(addr, port)) {
        Some(e) if e.allow => Expected::Allowed,
        Some(e) => Expected::Denied(Some(e.rule)),
        None => Expected::Denied(None),
    }
}

/// Traffic of many packets is allowed when every packet is; otherwise it is denied by the
/// lowest-numbered entry that denies one of them (the implicit deny when none does).
fn reference_traffic(entries: &[E], egress: bool, peer: (u32, u8), ports: PortRange) -> Expected {
    let (lo, hi) = v4_range(peer.0, peer.1);
    let mut denied: Option<Option<u32>> = None;
    for addr in lo..=hi {
        for port in ports.from..=ports.to {
            if let Expected::Denied(by) = reference_packet(entries, egress, addr, port) {
                denied = Some(match (denied.flatten(), by) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                });
            }
        }
    }
    denied.map_or(Expected::Allowed, Expected::Denied)
}

fn verdict(v: Verdict<'_>) -> Option<Expected> {
    match v {
        Verdict::Allowed => Some(Expected::Allowed),
        Verdict::Denied(by) => Some(Expected::Denied(
            by.map(|e| *e.rule_number.known().unwrap()),
        )),
        Verdict::Unknown => None,
    }
}

/// One field of one entry made unknown.
#[derive(Debug, Clone, Copy)]
enum Hole {
    RuleNumber,
    Allow,
    Protocol,
    Ports,
    Cidr,
}

/// Every value an unknown field could take, within the generated universe.
fn fillings(e: &E, hole: Hole) -> Vec<E> {
    let with = |f: &dyn Fn(&mut E)| {
        let mut e = e.clone();
        f(&mut e);
        e
    };
    match hole {
        Hole::RuleNumber => vec![e.clone()],
        Hole::Allow => [true, false]
            .iter()
            .map(|a| with(&|e| e.allow = *a))
            .collect(),
        Hole::Protocol => [Protocol::All, Protocol::Tcp, Protocol::Udp]
            .iter()
            .map(|p| with(&|e| e.protocol = *p))
            .collect(),
        Hole::Ports => (0..PORTS)
            .flat_map(|a| (a..PORTS).map(move |b| PortRange { from: a, to: b }))
            .chain([PortRange::ALL])
            .map(|r| with(&|e| e.ports = r))
            .collect(),
        Hole::Cidr => (0..UNIVERSE)
            .flat_map(|a| (26u8..=32).map(move |p| Cidr::V4(BASE + a, p)))
            .chain([Cidr::V4(0, 0), Cidr::V6World])
            .map(|c| with(&|e| e.cidr = c))
            .collect(),
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// For one packet (one address, one port), the model's verdict, including which entry
    /// denies, is the reference's.
    #[test]
    fn nacl_verdict_for_a_packet_is_the_first_match_in_rule_order(
        entries in entries(),
        egress in any::<bool>(),
        addr in prop_oneof![4 => 0..UNIVERSE, 1 => UNIVERSE..256].prop_map(|a| BASE + a),
        port in 0..PORTS,
        ingress_known in prop::bool::weighted(0.8),
        egress_known in prop::bool::weighted(0.8),
    ) {
        let acl = acl(&entries, (ingress_known, egress_known));
        let got = verdict(evaluate(&acl, egress, PortRange { from: port, to: port }, v4_net(addr, 32)));
        // Entries of that direction that could not be read may come first and decide it; the
        // other direction's do not matter.
        let known = if egress { egress_known } else { ingress_known };
        let expected = known.then(|| reference_packet(&entries, egress, addr, port));
        prop_assert_eq!(got, expected);
    }

    /// For traffic of many packets (a CIDR and a port range), the model says allowed exactly
    /// when every packet is allowed, and otherwise names the first entry that denies a packet.
    #[test]
    fn nacl_verdict_for_traffic_agrees_with_every_packet(
        entries in entries(),
        egress in any::<bool>(),
        peer in (0..UNIVERSE, 26u8..=32).prop_map(|(a, p)| (BASE + a, p)),
        ports in (0..PORTS, 0..PORTS).prop_map(|(a, b)| PortRange { from: a.min(b), to: a.max(b) }),
    ) {
        let acl = acl(&entries, (true, true));
        let got = verdict(evaluate(&acl, egress, ports, v4_net(peer.0, peer.1)));
        prop_assert_eq!(got, Some(reference_traffic(&entries, egress, peer, ports)));
    }

    /// With one field of one entry unknown, the model either says unknown or gives the
    /// reference's answer for every value the field could take; and when the answer is decided
    /// before the unknown entry is reached, it gives that answer.
    #[test]
    fn nacl_unknown_fields_never_give_a_wrong_answer(
        entries in entries().prop_filter("needs an entry", |e| !e.is_empty()),
        which in any::<prop::sample::Index>(),
        hole in prop::sample::select(vec![Hole::RuleNumber, Hole::Allow, Hole::Protocol, Hole::Ports, Hole::Cidr]),
        egress in any::<bool>(),
        addr in (0..UNIVERSE).prop_map(|a| BASE + a),
        port in 0..PORTS,
    ) {
        let i = which.index(entries.len());
        let mut acl = acl(&entries, (true, true));
        let e = &mut acl.entries[i];
        match hole {
            Hole::RuleNumber => e.rule_number = Val::unknown(span()),
            Hole::Allow => e.allow = Val::unknown(span()),
            Hole::Protocol => e.protocol = Val::unknown(span()),
            Hole::Ports => e.ports = Val::unknown(span()),
            Hole::Cidr => e.cidr = Val::unknown(span()),
        }
        let got = verdict(evaluate(&acl, egress, PortRange { from: port, to: port }, v4_net(addr, 32)));
        let answers: Vec<Expected> = fillings(&entries[i], hole)
            .into_iter()
            .map(|filled| {
                let mut all = entries.clone();
                all[i] = filled;
                reference_packet(&all, egress, addr, port)
            })
            .collect();
        if let Some(got) = got {
            prop_assert!(answers.iter().all(|a| *a == got), "got {:?}, possible {:?}", got, answers);
        }
        // Decided by an earlier entry (or the hole is in the other direction): no excuse.
        let hole_entry = &entries[i];
        let decided_before = |a: &Expected| match a {
            Expected::Allowed => entries
                .iter()
                .filter(|e| e.egress == egress && e.allow && e.matches(addr, port))
                .any(|e| e.rule < hole_entry.rule),
            Expected::Denied(Some(r)) => *r < hole_entry.rule,
            Expected::Denied(None) => false,
        };
        let original = reference_packet(&entries, egress, addr, port);
        let irrelevant = hole_entry.egress != egress
            || (!matches!(hole, Hole::RuleNumber) && decided_before(&original));
        if irrelevant {
            prop_assert_eq!(got, Some(original));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fix composition: edits change only their ranges.
// ---------------------------------------------------------------------------------------------

/// Text with multi-byte characters, CRLF and LF line ends, a byte-order-mark character.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a", "b", " ", "\n", "\r\n", "é", "日", "\u{FEFF}", "\"", "{", "}", "= ",
        ]),
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Non-overlapping edits of `text` at character boundaries: replacements, deletions, and
/// insertions (at most one per position), in random order.
fn text_and_edits() -> impl Strategy<Value = (String, Vec<Edit>)> {
    text().prop_flat_map(|text| {
        let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        bounds.push(text.len());
        let n = bounds.len();
        let raw = prop::collection::vec(
            (
                0..n,
                0..4usize,
                prop::sample::select(vec!["", "x", "\r\n", "ü", "= true"]),
            ),
            0..8,
        );
        (Just(text), raw)
            .prop_map(move |(text, raw)| {
                let mut spans: Vec<(usize, usize, &str)> = raw
                    .into_iter()
                    .map(|(at, len, new)| {
                        let end = (at + len).min(n - 1);
                        (bounds[at], bounds[end], new)
                    })
                    .collect();
                spans.sort_by_key(|s| (s.0, s.1));
                let mut kept: Vec<(usize, usize, &str)> = Vec::new();
                for s in spans {
                    let clash = kept.iter().any(|k| {
                        if k.0 == k.1 && s.0 == s.1 {
                            k.0 == s.0
                        } else {
                            k.0 < s.1 && s.0 < k.1
                        }
                    });
                    if !clash {
                        kept.push(s);
                    }
                }
                let edits = kept
                    .into_iter()
                    .map(|(start, end, new)| Edit {
                        file: FileId(0),
                        range: start..end,
                        text: new.to_string(),
                    })
                    .collect::<Vec<_>>();
                (text, edits)
            })
            .prop_flat_map(|(text, edits)| (Just(text), Just(edits).prop_shuffle()))
    })
}

proptest! {
    #![proptest_config(config(512))]

    /// Applying edits equals splicing them one by one from the end of the text, whatever the
    /// order they are given in; every byte outside the edited ranges is kept, in order.
    #[test]
    fn applying_edits_changes_only_the_edited_ranges((text, edits) in text_and_edits()) {
        let refs: Vec<&Edit> = edits.iter().collect();
        let out = apply_edits(&text, &refs);

        let mut sorted = edits.clone();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        let mut expected = text.clone();
        for e in sorted.iter().rev() {
            expected.replace_range(e.range.clone(), &e.text);
        }
        prop_assert_eq!(&out, &expected);

        // The untouched stretches, in order: each is found where the previous edit's text ends.
        let mut at_in = 0;
        let mut at_out = 0;
        for e in &sorted {
            let kept = &text[at_in..e.range.start];
            prop_assert_eq!(&out[at_out..at_out + kept.len()], kept);
            at_out += kept.len() + e.text.len();
            at_in = e.range.end;
        }
        prop_assert_eq!(&out[at_out..], &text[at_in..]);
    }
}

/// A file of `n` HCL attributes `kI = "vI"`, with LF or CRLF line ends.
fn literals_file(n: usize, crlf: bool) -> String {
    let eol = if crlf { "\r\n" } else { "\n" };
    (0..n).map(|i| format!("k{i} = \"v{i}\"{eol}")).collect()
}

/// Fixes as findings carry them: (rule, literal replaced, new value).
fn fix_requests() -> impl Strategy<Value = Vec<(prop::sample::Index, usize, &'static str)>> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0..6usize,
            prop::sample::select(vec!["a", "b", "10.0.0.0/8"]),
        ),
        0..10,
    )
}

proptest! {
    #![proptest_config(config(256))]

    /// Planning the fixes of many findings in one file keeps, for each place, the fix of the
    /// first finding there (in report order) and skips the others that would overlap it with a
    /// reason, or drops them when they are the same edit; the edits kept never overlap, and
    /// applying them changes exactly the literals they replace, keeping CRLF line ends.
    #[test]
    fn planned_fixes_never_overlap_and_the_first_fix_at_a_place_wins(
        requests in fix_requests(),
        crlf in any::<bool>(),
    ) {
        use redshield::model::{FixIntent, FixValue};
        use redshield::report::{Collected, Report};
        use redshield::rules::{self, Severity};

        let text = literals_file(6, crlf);
        let mut sources = SourceMap::new();
        let file = sources.add(Path::new("main.tf"), "main.tf".into(), text.clone());
        let literal = |i: usize| {
            let needle = format!("\"v{i}\"");
            let start = text.find(&needle).unwrap();
            Span::new(file, start..start + needle.len())
        };
        let collected: Vec<Collected> = requests
            .iter()
            .map(|(rule, i, new)| {
                let rule = rules::ALL[rule.index(rules::ALL.len())];
                let finding = rule
                    .finding(&meta(format!("r.{i}")), literal(*i), format!("literal {i}"))
                    .with_fix(Some(FixIntent::Replace {
                        span: literal(*i),
                        old: format!("v{i}"),
                        value: FixValue::Str((*new).to_string()),
                    }));
                Collected { finding, threshold: Severity::Low, suppressed: None, change: None }
            })
            .collect();
        let no_plans = Default::default();
        let report = Report::new(collected, Vec::new(), Vec::new(), 1, 6, &sources, &|intent| {
            redshield::fix::outcome(intent, &sources, &no_plans, &Default::default())
        });
        let plan = redshield::fix::plan(report.fixables(), &sources, &Default::default());

        let kept: Vec<&PlannedFix> = plan.files.values().flatten().collect();
        let edits: Vec<&Edit> = kept.iter().flat_map(|f| &f.edits).collect();
        for (x, a) in edits.iter().enumerate() {
            for b in edits.iter().skip(x + 1) {
                prop_assert!(
                    a.range.end <= b.range.start || b.range.end <= a.range.start,
                    "overlapping edits kept: {:?} {:?}", a, b
                );
            }
        }
        let mut winners: Vec<(usize, String)> = Vec::new();
        for (index, finding) in report.findings.iter().enumerate() {
            let FixIntent::Replace { span, value: FixValue::Str(new), .. } = finding.fix.clone().unwrap() else {
                unreachable!()
            };
            let is_kept = kept.iter().any(|f| f.finding == index);
            let skipped = plan.skipped.iter().filter(|(i, _)| *i == index).count();
            match winners.iter().find(|(start, _)| *start == span.start as usize) {
                None => {
                    prop_assert!(is_kept && skipped == 0, "first fix at {:?} not kept", span);
                    winners.push((span.start as usize, new.clone()));
                }
                Some((_, first)) if *first == new => prop_assert!(!is_kept && skipped == 0),
                Some(_) => prop_assert!(!is_kept && skipped == 1, "later overlapping fix not skipped"),
            }
        }
        // The text with each winning literal replaced, spliced from the end.
        let mut rebuilt = text.clone();
        let mut by_start = winners.clone();
        by_start.sort_by_key(|w| std::cmp::Reverse(w.0));
        for (start, new) in by_start {
            let end = text[start + 1..].find('"').unwrap() + start + 2;
            rebuilt.replace_range(start..end, &format!("\"{new}\""));
        }
        let applied = apply_edits(&text, &edits);
        prop_assert_eq!(&applied, &rebuilt);
        if crlf {
            prop_assert!(!applied.replace("\r\n", "").contains('\n'));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generated stacks: a few templates with random names, CIDRs, ports and settings.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Stack {
    /// Used in resource names, identifiers and the directory name.
    name: String,
    /// The ingress CIDR (`0.0.0.0/0` when `world`).
    cidr: (u32, u8),
    world: bool,
    port: u16,
    /// `publicly_accessible`, or not written.
    public: Option<bool>,
    /// A network ACL that denies HTTPS to an S3 prefix before allowing everything (HCL only).
    nacl_deny: bool,
    cfn: bool,
}

impl Stack {
    fn cidr(&self) -> String {
        if self.world {
            "0.0.0.0/0".into()
        } else {
            format!("{}/{}", Ipv4Addr::from(self.cidr.0), self.cidr.1)
        }
    }

    fn file_name(&self) -> &'static str {
        if self.cfn { "template.yaml" } else { "main.tf" }
    }

    fn text(&self) -> String {
        if self.cfn { self.yaml() } else { self.hcl() }
    }

    fn hcl(&self) -> String {
        let n = &self.name;
        let public = self
            .public
            .map(|p| format!("  publicly_accessible       = {p}\n"))
            .unwrap_or_default();
        let nacl = if self.nacl_deny {
            format!(
                r#"
resource "aws_network_acl" "{n}" {{
  vpc_id     = aws_vpc.{n}.id
  subnet_ids = [aws_subnet.{n}_a.id, aws_subnet.{n}_b.id]

  egress {{
    rule_no    = 90
    action     = "deny"
    protocol   = "tcp"
    cidr_block = "52.216.0.0/15"
    from_port  = 443
    to_port    = 443
  }}

  egress {{
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}

  ingress {{
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}
}}
"#
            )
        } else {
            String::new()
        };
        format!(
            r#"# A generated stack: {n}.
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "{n}" {{
  cidr_block = "10.20.0.0/16"
}}

resource "aws_subnet" "{n}_a" {{
  vpc_id            = aws_vpc.{n}.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}}

resource "aws_subnet" "{n}_b" {{
  vpc_id            = aws_vpc.{n}.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}}

resource "aws_redshift_subnet_group" "{n}" {{
  name       = "{n}"
  subnet_ids = [aws_subnet.{n}_a.id, aws_subnet.{n}_b.id]
}}

resource "aws_security_group" "{n}" {{
  name   = "{n}"
  vpc_id = aws_vpc.{n}.id

  ingress {{
    description = "Redshift for {n}"
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["{cidr}"]
  }}

  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
{nacl}
resource "aws_redshift_cluster" "{n}" {{
  cluster_identifier        = "{n}"
  node_type                 = "ra3.xlplus"
  port                      = {port}
  cluster_subnet_group_name = aws_redshift_subnet_group.{n}.name
  vpc_security_group_ids    = [aws_security_group.{n}.id]
{public}}}
"#,
            port = self.port,
            cidr = self.cidr(),
        )
    }

    fn yaml(&self) -> String {
        let n = &self.name;
        let public = self
            .public
            .map(|p| format!("      PubliclyAccessible: {p}\n"))
            .unwrap_or_default();
        format!(
            r#"# A generated stack: {n}.
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc{n}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.20.0.0/16
  Subnet{n}A:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{n}
      CidrBlock: 10.20.1.0/24
      AvailabilityZone: us-east-1a
  Subnet{n}B:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{n}
      CidrBlock: 10.20.2.0/24
      AvailabilityZone: us-east-1b
  Group{n}:
    Type: AWS::Redshift::ClusterSubnetGroup
    Properties:
      Description: subnets of {n}
      SubnetIds:
        - !Ref Subnet{n}A
        - !Ref Subnet{n}B
  Sg{n}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Redshift for {n}
      VpcId: !Ref Vpc{n}
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: {port}
          ToPort: {port}
          CidrIp: {cidr}
  Cluster{n}:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: ra3.xlplus
      DBName: {n}
      MasterUsername: admin
      ManageMasterPassword: true
      Port: {port}
      ClusterSubnetGroupName: !Ref Group{n}
      VpcSecurityGroupIds:
        - !GetAtt Sg{n}.GroupId
{public}"#,
            port = self.port,
            cidr = self.cidr(),
        )
    }
}

fn stack() -> impl Strategy<Value = Stack> {
    (
        prop::collection::vec(
            prop::sample::select(vec!["ana", "lyt", "ics", "red", "wh", "x1", "db", "q7"]),
            1..4,
        ),
        v4_cidr(),
        prop::bool::weighted(0.5),
        prop::sample::select(vec![5439u16, 5440, 8192]),
        proptest::option::of(any::<bool>()),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.4),
    )
        .prop_map(|(parts, cidr, world, port, public, nacl_deny, cfn)| Stack {
            name: parts.concat(),
            cidr,
            world,
            port,
            public,
            nacl_deny: nacl_deny && !cfn,
            cfn,
        })
}

/// Writes each stack in its own directory (`sNN-name`) under `root`; returns the directories.
fn write_stacks(root: &Path, stacks: &[Stack]) -> Vec<PathBuf> {
    stacks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let dir = root.join(format!("s{i:02}-{}", s.name));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(s.file_name()), s.text()).unwrap();
            dir
        })
        .collect()
}

/// How a file's text is stored.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
}

impl Encoding {
    fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Encoding::Utf16LeBom => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Encoding::Utf16BeBom => [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fix composition through `--fix`: only planned bytes change; CRLF, BOM and encoding survive.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(24))]

    /// `--fix` as the library runs it (analyze, plan, apply): every written file is exactly
    /// its original text with the planned edits applied, keeps its encoding (UTF-8, with or
    /// without a byte-order mark, or UTF-16) and its CRLF line ends, and parses again; files not written keep every byte; and re-analysis
    /// no longer reports the fixed findings.
    #[test]
    fn fix_changes_only_planned_bytes_and_keeps_line_ends_and_encoding(
        stack in stack(),
        crlf in any::<bool>(),
        encoding in prop::sample::select(vec![
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16LeBom,
            Encoding::Utf16BeBom,
        ]),
    ) {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("redshield.toml"),
            "allowed_cidrs = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        let dirs = write_stacks(root.path(), std::slice::from_ref(&stack));
        let path = dirs[0].join(stack.file_name());
        let mut text = stack.text();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let bytes = encoding.encode(&text);
        std::fs::write(&path, &bytes).unwrap();

        let inputs = Inputs::paths(&[root.path().to_path_buf()]);
        let settings = Settings::default();
        let fs = OsFileSystem::new();
        let analysis = redshield::analyze(&inputs, &settings, &fs);
        prop_assert!(analysis.report.errors.is_empty(), "{:?}", analysis.report.errors);
        let plan = redshield::fix::plan(analysis.report.fixables(), &analysis.sources, &Default::default());
        let applied = fix_in_place(&inputs, &settings, &analysis, &plan);
        for (file, reason) in &applied.refused {
            prop_assert!(!reason.contains("would not parse"), "{}: {}", file, reason);
        }

        let after = std::fs::read(&path).unwrap();
        let planned: Vec<&Edit> = plan.files.values().flatten().flat_map(|f| &f.edits).collect();
        let written = !applied.changed.is_empty();
        if written {
            let after_text = redshield::discover::decode(&after).unwrap();
            prop_assert!(
                after == encoding.encode(&after_text),
                "encoding not kept: written file starts {:?}",
                &after[..after.len().min(8)]
            );
            prop_assert_eq!(&after_text, &apply_edits(&text, &planned));
            if crlf {
                prop_assert!(!after_text.replace("\r\n", "").contains('\n'), "bare LF in {:?}", after_text);
            } else {
                prop_assert!(!after_text.contains('\r'));
            }
        } else {
            prop_assert_eq!(&after, &bytes);
        }

        let again = redshield::analyze(&inputs, &settings, &fs);
        prop_assert!(again.report.errors.is_empty(), "{:?}", again.report.errors);
        if written {
            let count = |a: &redshield::Analysis, id: &str| {
                a.report.findings.iter().filter(|f| f.rule.id == id).count()
            };
            for fixed in plan.files.values().flatten() {
                let id = analysis.report.findings[fixed.finding].rule.id;
                prop_assert!(count(&again, id) < count(&analysis, id), "{} still reported", id);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Report stability: the same inputs give byte-identical reports, in any order.
// ---------------------------------------------------------------------------------------------

/// Every report format of an analysis of `paths`.
fn reports(paths: &[PathBuf]) -> Vec<(&'static str, String)> {
    use redshield::report::{github, json, junit, markdown, sarif, text};
    let analysis = redshield::analyze(
        &Inputs::paths(paths),
        &Settings::default(),
        &OsFileSystem::new(),
    );
    let r = &analysis.report;
    vec![
        ("json", json::render_json(r)),
        ("sarif", sarif::render_sarif(r)),
        ("markdown", markdown::render_markdown(r)),
        ("github", github::render_github(r)),
        ("text", text::render_text(r, &analysis.sources, false)),
        ("junit", junit::render_junit(r)),
    ]
}

proptest! {
    #![proptest_config(config(16))]

    /// Analyzing the same stacks twice, and with the inputs named in another order, renders
    /// every report format byte for byte the same.
    #[test]
    fn reports_are_identical_across_runs_and_input_orders(
        (stacks, order) in prop::collection::vec(stack(), 1..5).prop_flat_map(|stacks| {
            let n = stacks.len();
            (Just(stacks), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        }),
    ) {
        let root = tempfile::tempdir().unwrap();
        let dirs = write_stacks(root.path(), &stacks);
        let first = reports(&dirs);
        let second = reports(&dirs);
        let shuffled: Vec<PathBuf> = order.iter().map(|i| dirs[*i].clone()).collect();
        let third = reports(&shuffled);
        for ((format, a), ((_, b), (_, c))) in first.iter().zip(second.iter().zip(third.iter())) {
            prop_assert!(a == b, "{} differs between two runs", format);
            prop_assert!(a == c, "{} differs with inputs in order {:?}:\n{}\n---\n{}", format, order, a, c);
        }
        // The scenario is not trivially empty: a world-open stack reports RS105.
        if stacks.iter().any(|s| s.world) {
            prop_assert!(first[0].1.contains("RS105"));
        }
    }
}

/// The generators are not vacuous: a stack open to the world, public and with a blocking
/// NACL gets five fixes in HCL (RS104, RS105, RS108, and RS401 and RS403, which both add a
/// field to the cluster at the same place; RS112's is withheld, the stack having no path to
/// S3) and three in CloudFormation (which encrypts by default), and `--fix` writes them all in
/// one run.
#[test]
fn generated_stacks_have_fixes_that_apply() {
    for (cfn, fixes) in [
        (
            false,
            ["RS104", "RS105", "RS108", "RS401", "RS403"].as_slice(),
        ),
        (true, ["RS104", "RS105", "RS403"].as_slice()),
    ] {
        let stack = Stack {
            name: "ana".into(),
            cidr: (0, 0),
            world: true,
            port: 5439,
            public: Some(true),
            nacl_deny: !cfn,
            cfn,
        };
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("redshield.toml"),
            "allowed_cidrs = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        write_stacks(root.path(), std::slice::from_ref(&stack));
        let inputs = Inputs::paths(&[root.path().to_path_buf()]);
        let analysis = redshield::analyze(&inputs, &Settings::default(), &OsFileSystem::new());
        let plan = redshield::fix::plan(
            analysis.report.fixables(),
            &analysis.sources,
            &Default::default(),
        );
        let mut planned: Vec<&str> = plan.files.values().flatten().map(|f| f.rule).collect();
        planned.sort_unstable();
        assert_eq!(planned, fixes, "{:?}", plan.skipped);
        let applied = fix_in_place(&inputs, &Settings::default(), &analysis, &plan);
        assert_eq!(applied.changed.len(), 1, "{:?}", applied.refused);
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile output: text from inputs reaches no report unescaped (issue 16).
// ---------------------------------------------------------------------------------------------

/// Strings made of what breaks reports: control characters, line breaks, bidi overrides,
/// workflow-command markers, backticks, Markdown, HTML and table pipes.
fn hostile_string() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\u{1b}[31m",
        "\u{7}",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "\u{9b}",
        "\u{202e}",
        "\u{2066}",
        "\u{200b}",
        "\u{2028}",
        "\u{feff}",
        "::",
        "::error file=x::",
        "##[",
        "`",
        "```",
        "````",
        "[x](https://e)",
        "![i](https://e/i.png)",
        "<img src=x>",
        "</details>",
        "&amp;",
        "|",
        "\\",
        "%",
        "%0A",
        ",",
        "=",
        "a",
        "Sg",
        " ",
        "é",
        "\u{1f600}",
    ]);
    prop::collection::vec(pieces, 1..12).prop_map(|p| p.concat())
}

/// A CloudFormation JSON template that fires RS105, the security group's logical id and a tag
/// value holding `hostile`.
fn hostile_template(hostile: &str) -> String {
    let sg = format!("Sg{hostile}");
    serde_json::json!({
        "Resources": {
            sg.clone(): {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "g",
                "Tags": [{"Key": "k", "Value": hostile}],
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 5439, "ToPort": 5439,
                                          "CidrIp": "0.0.0.0/0"}]}},
            "Cluster": {"Type": "AWS::Redshift::Cluster", "Properties": {
                "NodeType": "ra3.xlplus", "ClusterType": "single-node", "DBName": "d",
                "MasterUsername": "u", "ManageMasterPassword": true,
                "VpcSecurityGroupIds": [{"Fn::GetAtt": [sg, "GroupId"]}]}}
        }
    })
    .to_string()
}

/// A file name holding `hostile` (without `/`, `\` and NUL, within the length limit).
fn hostile_file_name(hostile: &str) -> String {
    // `\` is shown as `/` (a Windows separator).
    let mut name: String = hostile
        .chars()
        .filter(|c| !matches!(c, '/' | '\0' | '\\'))
        .collect();
    while name.len() > 200 {
        name.pop();
    }
    format!("t{name}.json")
}

proptest! {
    #![proptest_config(config(48))]

    /// Whatever a logical id, a tag value or a file name holds: text has no raw control
    /// character and no line the GitHub runner reads as a command; github is one well-formed
    /// command per finding line; markdown has no live link, image, HTML or fence breakout;
    /// JSON and SARIF parse and hold the strings exactly.
    #[test]
    fn strings_from_inputs_reach_no_report_unescaped(hostile in hostile_string()) {
        let dir = tempfile::tempdir().unwrap();
        let name = hostile_file_name(&hostile);
        let path = dir.path().join(&name);
        std::fs::write(&path, hostile_template(&hostile)).unwrap();
        let outputs = reports(std::slice::from_ref(&path));
        let json: serde_json::Value = serde_json::from_str(&outputs[0].1).unwrap();
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "RS105");
        prop_assert!(finding.is_some(), "{:#}", json);
        let finding = finding.unwrap();
        let id = format!("Sg{hostile}");
        prop_assert_eq!(finding["resource"]["address"].as_str(), Some(id.as_str()));
        prop_assert!(finding["location"]["path"].as_str().unwrap().ends_with(&name));
        let sarif: serde_json::Value = serde_json::from_str(&outputs[1].1).unwrap();
        let message = finding["message"].as_str().unwrap();
        prop_assert!(message.contains(&id));
        prop_assert!(sarif.to_string().contains(&serde_json::to_string(message).unwrap()));
        let junit = &outputs.iter().find(|(f, _)| *f == "junit").unwrap().1;
        let parsed = roxmltree::Document::parse(junit);
        prop_assert!(parsed.is_ok(), "{:?}: {}", parsed.err(), junit);
        for (format, out) in &outputs[2..] {
            prop_assert!(
                out.chars().all(|c| c == '\n' || !(c.is_control()
                    || matches!(c, '\u{202e}' | '\u{2066}' | '\u{200b}' | '\u{2028}' | '\u{feff}'))),
                "{}: {:?}", format, out
            );
            prop_assert!(!out.contains("##["), "{}: {}", format, out);
            for line in out.lines() {
                let trimmed = line.trim_start();
                let ours = *format == "github"
                    && ["::error ", "::warning ", "::notice "].iter().any(|c| line.starts_with(c));
                prop_assert!(!trimmed.starts_with("::") || ours, "{}: {:?}", format, line);
                if *format == "github" {
                    prop_assert!(ours || line.starts_with("redshield: "), "{:?}", line);
                    if let Some(rest) = line.strip_prefix("::") {
                        let (head, _) = rest.split_once("::").unwrap();
                        let (_, properties) = head.split_once(' ').unwrap();
                        for property in properties.split(',') {
                            let (key, _) = property.split_once('=').unwrap();
                            prop_assert!(
                                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                                "{:?}", line
                            );
                        }
                    }
                }
            }
            if *format == "markdown" {
                // The fence a diff is shown in, while inside one: its lines are code, shown as
                // they are, and only the fence's own closing line ends it.
                let mut fence: Option<String> = None;
                for line in out.lines() {
                    let ticks = line.chars().take_while(|&c| c == '`').count();
                    if let Some(open) = &fence {
                        if line == open {
                            fence = None;
                        }
                        continue;
                    }
                    prop_assert!(ticks == 0 || line == "`".repeat(ticks) + "diff" || line == "`".repeat(ticks),
                        "{:?}", line);
                    if ticks > 0 {
                        fence = Some("`".repeat(ticks));
                        continue;
                    }
                    let prose = common::markdown_prose(line);
                    prop_assert!(!prose.contains("]("), "{:?}", line);
                    prop_assert!(!prose.contains(['[', ']']), "{:?}", line);
                    for (i, _) in prose.match_indices('<') {
                        prop_assert!(
                            ["<details>", "</details>", "<summary>", "</summary>", "<br>"]
                                .iter()
                                .any(|t| prose[i..].starts_with(t)),
                            "{:?}", line
                        );
                    }
                    if line.starts_with("| ") {
                        let delimiters = line
                            .char_indices()
                            .filter(|&(i, c)| c == '|' && !line[..i].ends_with('\\'))
                            .count();
                        prop_assert_eq!(delimiters, 6, "{:?}", line);
                    }
                }
            }
        }
    }
}

/// Findings one rule repeats at one place (a module's rule, once per instance) are reported as
/// one, whose fix is made once: the repeats only add their related places.
#[test]
fn a_finding_repeated_at_one_place_has_its_fix_made_once() {
    use redshield::model::{FixIntent, FixValue};
    use redshield::report::{Collected, Report};
    use redshield::rules::{self, Severity};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let text = literals_file(2, false);
    let mut sources = SourceMap::new();
    let file = sources.add(Path::new("main.tf"), "main.tf".into(), text.clone());
    let start = text.find("\"v0\"").unwrap();
    let literal = Span::new(file, start..start + 4);
    let other = text.find("\"v1\"").unwrap();
    let rule = rules::ALL[0];
    let collected: Vec<Collected> = (0..500)
        .map(|i| {
            let finding = rule
                .finding(&meta(format!("m[{i}].r")), literal, "literal 0".into())
                .with_related("an instance", Span::new(file, other..other + 4 + i % 2))
                .with_fix(Some(FixIntent::Replace {
                    span: literal,
                    old: "v0".into(),
                    value: FixValue::Str("fixed".into()),
                }));
            Collected {
                finding,
                threshold: Severity::Low,
                suppressed: None,
                change: None,
            }
        })
        .collect();
    let made = AtomicUsize::new(0);
    let no_plans = Default::default();
    let report = Report::new(
        collected,
        Vec::new(),
        Vec::new(),
        1,
        1,
        &sources,
        &|intent| {
            made.fetch_add(1, Ordering::Relaxed);
            redshield::fix::outcome(intent, &sources, &no_plans, &Default::default())
        },
    );
    assert_eq!(report.findings.len(), 1);
    assert_eq!(made.load(Ordering::Relaxed), 1);
    // The two distinct related places of the 500 repeats, each once.
    assert_eq!(report.findings[0].related.len(), 2);
    assert!(
        report.findings[0]
            .fix_outcome
            .as_ref()
            .unwrap()
            .diff
            .is_ok()
    );
}
