//! The adapter passes for what filters traffic: security groups with their inline and
//! standalone rules, and network ACLs with their entries and subnet associations.

use super::engine::{Adapter, Arena, items, meta, present};
use super::resolve::Target;
use super::schema::{Direction, NaclFields, RuleFields, StandaloneRule};
use crate::ir::{Node, Resource, Value};
use crate::model::defaults;
use crate::model::nacl::{EntryResources, Written};
use crate::model::{
    FieldSite, FixIntent, FixValue, Id, NaclEntry, Named, NetworkAcl, Peer, PortRange, Protocol,
    SecurityGroup, SecurityGroupRule, Truth, Val,
};
use foldhash::{HashMap, HashMapExt};

impl<'a> Adapter<'a> {
    /// Security groups, with their inline rules.
    pub(super) fn security_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self
            .managed()
            .filter(|(_, r)| s.security_groups.contains(&r.kind.as_str()))
        {
            let state_rules = (
                res.is_state_only(s.inline_ingress),
                res.is_state_only(s.inline_egress),
            );
            if state_rules.0 || state_rules.1 {
                self.state_rules_of
                    .insert(self.model.security_groups.len(), state_rules);
            }
            self.fill(Arena::SecurityGroup, idx, self.model.security_groups.len());
            let mut sg = SecurityGroup {
                meta: meta(res),
                ingress: Vec::new(),
                egress: Vec::new(),
                ingress_complete: Truth::True,
                add_https_egress: Some(FixIntent::AddEntry {
                    site: FieldSite {
                        name: s.inline_egress,
                        owner: res.body.span,
                        value: res.attr(s.inline_egress).map(|n| n.span),
                    },
                    entry: s
                        .https_egress_entry
                        .iter()
                        .map(|(k, v)| (*k, v.value()))
                        .collect(),
                }),
            };
            match items(&res.body, s.inline_ingress) {
                Some(list) => {
                    for item in list {
                        self.rules(res, item, s.inline_rule_fields, &mut sg.ingress);
                    }
                }
                None => sg.ingress_complete = Truth::Unknown,
            }
            match res.attr(s.inline_egress) {
                None if defaults::security_group_keeps_default_egress(res.family) => {
                    sg.egress.push(default_egress(res));
                }
                _ => {
                    if let Some(list) = items(&res.body, s.inline_egress) {
                        for item in list {
                            self.rules(res, item, s.inline_rule_fields, &mut sg.egress);
                        }
                    }
                }
            }
            self.model.security_groups.push(sg);
        }
    }

    /// The rules one item (inline block, list entry, or standalone resource) describes: one
    /// per peer.
    pub(super) fn rules(
        &self,
        owner: &'a Resource,
        item: &'a Node,
        fields: &RuleFields,
        out: &mut Vec<SecurityGroupRule>,
    ) {
        let protocol = item.get(fields.protocol).map_or_else(
            || Val::unknown(item.span),
            |n| {
                self.r
                    .protocol(n)
                    .map_or_else(|| Val::unknown(n.span), |p| Val::explicit(p, n.span))
            },
        );
        let ports = self.r.ports(
            protocol.value,
            item.get(fields.from_port),
            item.get(fields.to_port),
        );
        let ports = ports.map_or_else(|| Val::unknown(item.span), |p| Val::explicit(p, item.span));
        let rule = |peer: Val<Peer>| SecurityGroupRule {
            meta: meta(owner),
            protocol: protocol.clone(),
            ports: ports.clone(),
            peer,
        };
        for key in fields.cidrs {
            let Some(node) = present(item, key) else {
                continue;
            };
            // A field holds one CIDR or a list of them.
            let cidrs = match &node.value {
                Value::String(_) => Some(vec![node]),
                _ => self
                    .r
                    .list(node)
                    .or_else(|| self.r.string(node).map(|_| vec![node])),
            };
            match cidrs {
                Some(cidrs) => {
                    for cidr in cidrs {
                        out.push(rule(self.r.cidr(cidr).map_or_else(
                            || Val::unknown(cidr.span),
                            |c| Val::explicit(Peer::Cidr(c), cidr.span),
                        )));
                    }
                }
                None => out.push(rule(Val::unknown(node.span))),
            }
        }
        for (keys, peer) in [
            (fields.prefix_lists, Peer::PrefixList),
            (fields.groups, Peer::SecurityGroup),
        ] {
            for key in keys {
                let Some(node) = present(item, key) else {
                    continue;
                };
                let peers = self.r.list(node).unwrap_or_else(|| vec![node]);
                for n in peers {
                    out.push(rule(Val::explicit(peer.clone(), n.span)));
                }
            }
        }
        if let Some(n) = fields
            .itself
            .and_then(|k| item.get(k))
            .filter(|n| self.r.bool(n) == Some(true))
        {
            out.push(rule(Val::explicit(Peer::Itself, n.span)));
        }
    }

    /// Whether a standalone rule resource is ingress (true) or egress (false); None when its
    /// direction field cannot be evaluated.
    fn rule_direction(&self, spec: &StandaloneRule, res: &'a Resource) -> Option<bool> {
        match spec.direction {
            Direction::Ingress => Some(true),
            Direction::Egress => Some(false),
            Direction::Field(field) => match self.string(res, field) {
                Some("ingress") => Some(true),
                Some("egress") => Some(false),
                _ => None,
            },
        }
    }

    /// Standalone rule resources, attached to their group when it is in scope.
    ///
    /// A plan shows an existing group that writes no inline rules with the rules its state
    /// holds: those of the standalone rule resources, including ones this plan deletes. Where
    /// standalone rules attach to the group, they are its rules (the provider does not let
    /// inline and standalone rules manage one group together), and the state is dropped.
    /// Without any, the state stays, less the rules of standalone resources the plan destroys:
    /// it may be a `dynamic` block's rules, which a plan's configuration does not show.
    pub(super) fn standalone_rules(&mut self) {
        let mut adds: Vec<(Id, bool, Vec<SecurityGroupRule>)> = Vec::new();
        let mut unknown_direction: Vec<Id> = Vec::new();
        let mut managed_apart: Vec<Id> = Vec::new();
        for (_, res) in self.managed() {
            let Some(spec) = self.s.standalone_rules.iter().find(|s| s.kind == res.kind) else {
                continue;
            };
            let Some(sg) = present(&res.body, spec.group)
                .and_then(|n| self.link(n, self.ids(Arena::SecurityGroup)).target)
            else {
                continue;
            };
            managed_apart.push(sg);
            let Some(ingress) = self.rule_direction(spec, res) else {
                unknown_direction.push(sg);
                continue;
            };
            let mut rules = Vec::new();
            self.rules(res, &res.body, spec.fields, &mut rules);
            adds.push((sg, ingress, rules));
        }
        // Rules the plan destroys leave the group's state with it.
        for res in &self.unit.destroyed {
            let Some(spec) = self.s.standalone_rules.iter().find(|s| s.kind == res.kind) else {
                continue;
            };
            let Some(sg) = present(&res.body, spec.group)
                .and_then(|n| self.link(n, self.ids(Arena::SecurityGroup)).target)
            else {
                continue;
            };
            let Some(&(ingress_state, egress_state)) = self.state_rules_of.get(&sg) else {
                continue;
            };
            let ingress = self.rule_direction(spec, res);
            let mut gone = Vec::new();
            self.rules(res, &res.body, spec.fields, &mut gone);
            let Some(g) = self.model.security_groups.get_mut(sg) else {
                continue;
            };
            let same = |a: &SecurityGroupRule, b: &SecurityGroupRule| {
                a.protocol.value.is_some()
                    && a.protocol.value == b.protocol.value
                    && a.ports.value.is_some()
                    && a.ports.value == b.ports.value
                    && a.peer.value.is_some()
                    && a.peer.value == b.peer.value
            };
            if ingress_state && ingress == Some(true) {
                g.ingress.retain(|r| !gone.iter().any(|d| same(d, r)));
            }
            if egress_state && ingress == Some(false) {
                g.egress.retain(|r| !gone.iter().any(|d| same(d, r)));
            }
        }
        for sg in managed_apart {
            let (Some(&(ingress, egress)), Some(g)) = (
                self.state_rules_of.get(&sg),
                self.model.security_groups.get_mut(sg),
            ) else {
                continue;
            };
            if ingress {
                g.ingress.clear();
                g.ingress_complete = Truth::True;
            }
            if egress {
                g.egress.clear();
            }
        }
        for sg in unknown_direction {
            if let Some(g) = self.model.security_groups.get_mut(sg) {
                g.ingress_complete = Truth::Unknown;
            }
        }
        for (sg, ingress, rules) in adds {
            if let Some(g) = self.model.security_groups.get_mut(sg) {
                if ingress {
                    g.ingress.extend(rules);
                } else {
                    g.egress.extend(rules);
                }
            }
        }
    }

    pub(super) fn nacl_entry(
        &self,
        owner: &'a Resource,
        item: &'a Node,
        egress: bool,
        f: &NaclFields,
        written: Written,
    ) -> NaclEntry {
        let rule_number = match present(item, f.rule_number) {
            Some(n) => self
                .r
                .number(n)
                .map_or_else(|| Val::unknown(n.span), |x| Val::explicit(x as u32, n.span)),
            None => Val::unknown(item.span),
        };
        let allow = match present(item, f.action) {
            Some(n) => match self.r.string(n).map(str::to_ascii_lowercase).as_deref() {
                Some("allow") => Val::explicit(true, n.span),
                Some("deny") => Val::explicit(false, n.span),
                _ => Val::unknown(n.span),
            },
            None => Val::unknown(item.span),
        };
        let protocol = match item.get(f.protocol) {
            Some(n) => self
                .r
                .protocol(n)
                .map_or_else(|| Val::unknown(n.span), |p| Val::explicit(p, n.span)),
            None => Val::unknown(item.span),
        };
        let port_source = match f.port_range {
            Some(field) => item.get(field).unwrap_or(item),
            None => item,
        };
        let ports = match protocol.value {
            Some(Protocol::Tcp | Protocol::Udp) => self
                .r
                .ports(
                    protocol.value,
                    port_source.get(f.from_port),
                    port_source.get(f.to_port),
                )
                .map_or_else(
                    || Val::unknown(port_source.span),
                    |p| Val::explicit(p, port_source.span),
                ),
            Some(_) => Val::explicit(PortRange::ALL, item.span),
            None => Val::unknown(item.span),
        };
        let cidr = match present(item, f.cidr).or_else(|| present(item, f.ipv6_cidr)) {
            Some(n) => self
                .r
                .cidr(n)
                .map_or_else(|| Val::unknown(n.span), |c| Val::explicit(c, n.span)),
            None => Val::unknown(item.span),
        };
        NaclEntry {
            meta: meta(owner),
            rule_number,
            egress,
            allow,
            protocol,
            ports,
            cidr,
            written,
        }
    }

    /// Network ACLs, their entries, and which subnets they apply to.
    pub(super) fn network_acls(&mut self) {
        let s = self.s;
        let mut acl_of_subnet: HashMap<Id, Option<Id>> = HashMap::new();
        let mut default_acl_of_vpc: HashMap<Id, Id> = HashMap::new();
        for (idx, res) in self
            .managed()
            .filter(|(_, r)| s.network_acls.contains(&r.kind.as_str()))
        {
            let (entry_kind, acl_field, egress_field, f) = s.nacl_entry;
            // A default ACL takes only inline entries.
            let entry_resources = (s.default_nacl != Some(res.kind.as_str())).then(|| {
                EntryResources {
                    header: res.span,
                    body: res.body.span,
                    acl: crate::ir::address::local_name(&res.address),
                    kind: entry_kind,
                    acl_field,
                    egress_field,
                    fields: f.entry_fields(),
                    port_range: f.port_range,
                    // CloudFormation takes the protocol number only.
                    tcp: match f.port_range {
                        Some(_) => FixValue::Int(6),
                        None => FixValue::Str("tcp".into()),
                    },
                }
            });
            let mut acl = NetworkAcl {
                entry_resources,
                meta: meta(res),
                entries: Vec::new(),
                ingress_complete: Truth::True,
                egress_complete: Truth::True,
                inline_entries: s.nacl_inline.map(|(ingress, egress, f)| {
                    let site = |name: &'static str| FieldSite {
                        name,
                        owner: res.body.span,
                        value: res.attr(name).map(|n| n.span),
                    };
                    (site(ingress), site(egress), f.entry_fields())
                }),
            };
            if let Some((ingress, egress, fields)) = s.nacl_inline {
                for (field, is_egress) in [(ingress, false), (egress, true)] {
                    match items(&res.body, field) {
                        Some(list) => {
                            acl.entries.extend(list.iter().map(|i| {
                                self.nacl_entry(res, i, is_egress, fields, Written::Inline)
                            }))
                        }
                        None if is_egress => acl.egress_complete = Truth::Unknown,
                        None => acl.ingress_complete = Truth::Unknown,
                    }
                }
            }
            let id = self.model.network_acls.len();
            self.fill(Arena::NetworkAcl, idx, id);
            self.model.network_acls.push(acl);
            if let Some(subnets) = s.nacl_subnets.and_then(|f| present(&res.body, f)) {
                for n in self.r.list(subnets).unwrap_or_default() {
                    if let Some(subnet) = self.link(n, self.ids(Arena::Subnet)).target {
                        acl_of_subnet.insert(subnet, Some(id));
                    }
                }
            }
            // `aws_default_network_acl` adopts the VPC's default ACL (and replaces its rules).
            if s.default_nacl == Some(res.kind.as_str()) {
                let vpc = res
                    .body
                    .get("default_network_acl_id")
                    .map(|n| self.r.follow(n));
                if let Some(Target::Resource(vpc_idx, _)) = vpc {
                    if let Some(&vpc) = self.ids(Arena::Vpc).get(&vpc_idx) {
                        default_acl_of_vpc.insert(vpc, id);
                    }
                }
            }
        }
        let (entry_kind, acl_field, egress_field, fields) = s.nacl_entry;
        let (assoc_kind, assoc_acl, assoc_subnet) = s.nacl_association;
        let mut entries: Vec<(Id, NaclEntry)> = Vec::new();
        // An entry whose ACL cannot be known may belong to any ACL in scope: (ingress, egress).
        let mut entry_of_unknown_acl = (false, false);
        for (_, res) in self.managed() {
            if res.kind == entry_kind {
                let Some(node) = present(&res.body, acl_field) else {
                    continue;
                };
                let Some(acl) = self.link(node, self.ids(Arena::NetworkAcl)).target else {
                    if matches!(self.r.follow(node), Target::Unknown) {
                        match res.attr(egress_field).map(|n| self.r.bool(n)) {
                            Some(Some(true)) => entry_of_unknown_acl.1 = true,
                            // Unset: an ingress entry.
                            Some(Some(false)) | None => entry_of_unknown_acl.0 = true,
                            Some(None) => entry_of_unknown_acl = (true, true),
                        }
                    }
                    continue;
                };
                let egress = res
                    .attr(egress_field)
                    .and_then(|n| self.r.bool(n))
                    .unwrap_or(false);
                let entry = self.nacl_entry(res, &res.body, egress, fields, Written::OwnResource);
                entries.push((acl, entry));
            } else if res.kind == assoc_kind {
                let subnet = present(&res.body, assoc_subnet)
                    .and_then(|n| self.link(n, self.ids(Arena::Subnet)).target);
                let acl = present(&res.body, assoc_acl)
                    .map(|n| self.link(n, self.ids(Arena::NetworkAcl)).target);
                if let (Some(subnet), Some(acl)) = (subnet, acl) {
                    acl_of_subnet.insert(subnet, acl);
                }
            }
        }
        for (acl, entry) in entries {
            if let Some(a) = self.model.network_acls.get_mut(acl) {
                a.entries.push(entry);
            }
        }
        let (ingress_unread, egress_unread) = entry_of_unknown_acl;
        for a in &mut self.model.network_acls {
            if ingress_unread {
                a.ingress_complete = Truth::Unknown;
            }
            if egress_unread {
                a.egress_complete = Truth::Unknown;
            }
        }
        for (id, subnet) in self.model.subnets.iter_mut().enumerate() {
            subnet.network_acl.value = match acl_of_subnet.get(&id) {
                Some(Some(acl)) => Some(Named::InScope(*acl)),
                // Associated with an ACL that is not in scope: unknown.
                Some(None) => None,
                None => match subnet
                    .vpc
                    .and_then(|v| v.target)
                    .and_then(|v| default_acl_of_vpc.get(&v))
                {
                    Some(acl) => Some(Named::InScope(*acl)),
                    // The VPC's default ACL as AWS created it allows everything.
                    None => Some(Named::Other),
                },
            };
        }
    }
}

/// The allow-all egress AWS gives a new security group, where the family keeps it.
fn default_egress(res: &Resource) -> SecurityGroupRule {
    SecurityGroupRule {
        meta: meta(res),
        protocol: Val::default(Protocol::All, res.span),
        ports: Val::default(PortRange::ALL, res.span),
        peer: Val::default(
            Peer::Cidr(ipnet::IpNet::V4(ipnet::Ipv4Net::default())),
            res.span,
        ),
    }
}
