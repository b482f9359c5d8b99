//! Network questions more than one rule asks: does a rule reach a port, is a CIDR the whole
//! internet, which routes make a subnet public.

use super::{
    Destination, Model, Named, Peer, PortRange, Protocol, Route, RouteTarget, SecurityGroupRule,
    Span, Subnet, Truth, Val,
};
use ipnet::IpNet;

/// Does the rule admit traffic to `port` (TCP)? All-protocol rules and protocols without
/// ports admit every port.
pub fn reaches_port(rule: &SecurityGroupRule, port: Option<u16>) -> Truth {
    let Some(protocol) = rule.protocol.known() else {
        return Truth::Unknown;
    };
    match protocol {
        Protocol::All | Protocol::Other(_) => Truth::True,
        Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6 => Truth::False,
        Protocol::Tcp => match (rule.ports.known(), port) {
            (Some(range), _) if *range == PortRange::ALL => Truth::True,
            (Some(range), Some(port)) => Truth::from_known(range.contains(port)),
            _ => Truth::Unknown,
        },
    }
}

/// When [`reaches_port`] is unknown, which input is: the rule's protocol, its port range, or
/// else the warehouse port; with the site of that value (for `--strict` findings).
pub fn unknown_reach(rule: &SecurityGroupRule, port: &Val<u16>) -> (&'static str, Span) {
    if rule.protocol.known().is_none() {
        ("protocol of the rule", rule.protocol.span)
    } else if rule.ports.known().is_none() {
        ("port range of the rule", rule.ports.span)
    } else {
        ("warehouse port", port.span)
    }
}

/// Is the network the whole IPv4 or IPv6 internet (`0.0.0.0/0`, `::/0`)?
pub fn is_world(net: &IpNet) -> bool {
    net.prefix_len() == 0
}

/// Is the route a default route (`0.0.0.0/0` or `::/0`) to an internet gateway?
pub fn is_default_route_to_igw(route: &Route) -> Truth {
    let dest = route
        .destination
        .test(|d| matches!(d, Destination::Cidr(net) if is_world(net)));
    let target = route.target.test(|t| *t == RouteTarget::InternetGateway);
    dest.and(target)
}

/// The routes of the subnet's effective route table that send `0.0.0.0/0` or `::/0` to an
/// internet gateway, and whether the answer is complete (false when the table or some of its
/// routes are unknown).
pub fn internet_routes<'m>(model: &'m Model, subnet: &Subnet) -> (Vec<&'m Route>, Truth) {
    match subnet.route_table.value {
        None => (Vec::new(), Truth::Unknown),
        // The VPC's original main table holds only the local route.
        Some(Named::Other) => (Vec::new(), Truth::False),
        Some(Named::InScope(id)) => {
            let Some(table) = model.route_tables.get(id) else {
                return (Vec::new(), Truth::Unknown);
            };
            let answers: Vec<(Truth, &Route)> = table
                .routes
                .iter()
                .map(|r| (is_default_route_to_igw(r), r))
                .collect();
            let found: Vec<&Route> = answers
                .iter()
                .filter(|(t, _)| t.is_true())
                .map(|(_, r)| *r)
                .collect();
            // Routes that could not be read may be the one.
            let truth = Truth::any(answers.iter().map(|(t, _)| *t)).or(!table.routes_complete);
            (found, truth)
        }
    }
}

/// Traffic as hops and messages name it: `tcp 5439`, `tcp 1024-65535`, `all traffic`, `udp`;
/// `traffic of an unknown protocol`, `tcp on unknown ports`.
pub fn traffic(protocol: Option<&Protocol>, ports: Option<&PortRange>) -> String {
    let range = |name: &str| match ports {
        Some(p) if *p == PortRange::ALL => format!("{name} on every port"),
        Some(p) if p.from == p.to => format!("{name} {}", p.from),
        Some(p) => format!("{name} {}-{}", p.from, p.to),
        None => format!("{name} on unknown ports"),
    };
    match protocol {
        None => "traffic of an unknown protocol".into(),
        Some(Protocol::All) => "all traffic".into(),
        Some(Protocol::Tcp) => range("tcp"),
        Some(Protocol::Udp) => range("udp"),
        Some(Protocol::Icmp) => "icmp".into(),
        Some(Protocol::Icmpv6) => "icmpv6".into(),
        Some(Protocol::Other(n)) => format!("protocol {n}"),
    }
}

/// A security group rule's peer in words: `0.0.0.0/0`, `a prefix list`, `another security
/// group`, `the group itself`, `an unknown peer`.
pub fn peer(peer: Option<&Peer>) -> String {
    match peer {
        Some(Peer::Cidr(net)) => net.to_string(),
        Some(Peer::PrefixList) => "a prefix list".into(),
        Some(Peer::SecurityGroup) => "another security group".into(),
        Some(Peer::Itself) => "the group itself".into(),
        None => "an unknown peer".into(),
    }
}

/// An ingress rule in words: `allows tcp 5439 from 0.0.0.0/0`.
pub fn describe_ingress(rule: &SecurityGroupRule) -> String {
    format!(
        "allows {} from {}",
        traffic(rule.protocol.known(), rule.ports.known()),
        peer(rule.peer.known())
    )
}

/// A route in words: `route 0.0.0.0/0 to internet gateway aws_internet_gateway.main`.
pub fn describe_route(route: &Route) -> String {
    let destination = match route.destination.known() {
        Some(Destination::Cidr(net)) => net.to_string(),
        Some(Destination::PrefixList) => "a prefix list".into(),
        None => "an unknown destination".into(),
    };
    let target = match route.target.known() {
        Some(RouteTarget::InternetGateway) => "internet gateway",
        Some(RouteTarget::EgressOnlyInternetGateway) => "egress-only internet gateway",
        Some(RouteTarget::NatGateway) => "NAT gateway",
        Some(RouteTarget::VpcEndpoint) => "VPC endpoint",
        Some(RouteTarget::Local) => "the VPC (local)",
        Some(RouteTarget::Other) => "a gateway or interface",
        None => "an unknown target",
    };
    match &route.gateway {
        Some(gateway) => format!("route {destination} to {target} {}", gateway.address),
        None => format!("route {destination} to {target}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FileId, Span};
    use crate::model::{Meta, Peer, Val};

    fn rule(protocol: Protocol, from: u16, to: u16) -> SecurityGroupRule {
        let span = Span::new(FileId(0), 0..0);
        SecurityGroupRule {
            meta: Meta {
                address: "sg".into(),
                kind: "sg".into(),
                span,
                origin: None,
            },
            protocol: Val::explicit(protocol, span),
            ports: Val::explicit(PortRange { from, to }, span),
            peer: Val::explicit(Peer::Itself, span),
        }
    }

    #[test]
    fn ports_and_protocols() {
        assert_eq!(
            reaches_port(&rule(Protocol::Tcp, 5439, 5439), Some(5439)),
            Truth::True
        );
        assert_eq!(
            reaches_port(&rule(Protocol::Tcp, 5439, 5439), Some(5440)),
            Truth::False
        );
        assert_eq!(
            reaches_port(&rule(Protocol::Tcp, 0, 65535), None),
            Truth::True
        );
        assert_eq!(
            reaches_port(&rule(Protocol::All, 0, 0), Some(5439)),
            Truth::True
        );
        assert_eq!(
            reaches_port(&rule(Protocol::Udp, 0, 65535), Some(5439)),
            Truth::False
        );
        assert_eq!(
            reaches_port(&rule(Protocol::Tcp, 22, 22), None),
            Truth::Unknown
        );
    }
}
