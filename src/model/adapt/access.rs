//! The adapter passes for what Spectrum, COPY/UNLOAD and auditing depend on: network ACLs, VPC
//! endpoints, S3 buckets with their policies and logging, IAM roles with every attached policy,
//! CloudTrail trails, and the warehouse's roles, routing and logging settings.

use super::engine::{Adapter, TableRef, items, meta, present};
use super::policy::PolicyReader;
use super::resolve::Target;
use super::schema::NaclFields;
use crate::ir::{Node, Resource, Value};
use crate::model::FixValue;
use crate::model::nacl::{EntryResources, Written};
use crate::model::{
    ArnSelector, Bucket, DataSelector, EndpointType, FieldSite, IamRole, Id, Link, NaclEntry,
    Named, NetworkAcl, PolicyDocument, PortRange, Protocol, Span, Trail, Truth, Val, VpcEndpoint,
    defaults,
};
use std::collections::HashMap;

impl<'a> Adapter<'a> {
    fn policy_reader(&self) -> PolicyReader<'a, '_> {
        PolicyReader {
            r: &self.r,
            bucket_of: &self.bucket_of,
            bucket_arn_attrs: self.s.bucket_arn_attrs,
            bucket_name_attrs: self.s.bucket_name_attrs,
            document_source: self.s.policy_document_source,
        }
    }

    /// The nodes of a field holding one value or a list of them; None when unknown.
    fn one_or_many(&self, node: &'a Node) -> Option<Vec<&'a Node>> {
        match &node.value {
            Value::List(items) => Some(items.iter().collect()),
            Value::Unknown => None,
            _ => self.r.list(node).or(Some(vec![node])),
        }
    }

    /// Links a reference or a literal name to an arena, by resource or by name.
    fn link_named(
        &self,
        node: &'a Node,
        arena: &HashMap<usize, Id>,
        names: &HashMap<String, Id>,
    ) -> Link {
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => arena.get(&idx).copied(),
            Target::Value(v) => v
                .as_str()
                .and_then(|s| names.get(&s.to_ascii_lowercase()).copied()),
            Target::Unknown => None,
        };
        Link {
            target,
            span: node.span,
        }
    }

    fn nacl_entry(
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
            self.acl_of.insert(idx, id);
            self.model.network_acls.push(acl);
            if let Some(subnets) = s.nacl_subnets.and_then(|f| present(&res.body, f)) {
                for n in self.r.list(subnets).unwrap_or_default() {
                    if let Some(subnet) = self.link(n, &self.subnet_of).target {
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
                    if let Some(&vpc) = self.vpc_of.get(&vpc_idx) {
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
                let Some(acl) = self.link(node, &self.acl_of).target else {
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
                    .and_then(|n| self.link(n, &self.subnet_of).target);
                let acl = present(&res.body, assoc_acl).map(|n| self.link(n, &self.acl_of).target);
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

    /// A route table a gateway endpoint names: a link to a table (in scope or not), or the VPC
    /// whose original main table, not in scope, it names.
    fn endpoint_table(&self, node: &'a Node) -> Result<Link, Id> {
        let target = match self.table_ref(node) {
            TableRef::Table(table) => Some(table),
            TableRef::MainOf(vpc) => match self.original_main_of.get(&vpc) {
                Some(&table) => Some(table),
                None => return Err(vpc),
            },
            TableRef::Other => None,
        };
        Ok(Link {
            target,
            span: node.span,
        })
    }

    /// VPC endpoints with the route tables and subnets they serve.
    pub(super) fn endpoints(&mut self) {
        let (kind, vpc_f, service_f, type_f, tables_f, subnets_f) = self.s.endpoint;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == kind) {
            let endpoint_type = self.attr(
                res,
                type_f,
                |n| match self.r.string(n)?.to_ascii_lowercase().as_str() {
                    "gateway" => Some(EndpointType::Gateway),
                    "interface" => Some(EndpointType::Interface),
                    "gatewayloadbalancer" => Some(EndpointType::GatewayLoadBalancer),
                    _ => None,
                },
                || Val::default(defaults::VPC_ENDPOINT_TYPE, res.span),
            );
            let list = |field: &str, arena: &HashMap<usize, Id>| -> Vec<Link> {
                present(&res.body, field)
                    .and_then(|n| self.r.list(n))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| self.link(n, arena))
                    .collect()
            };
            let mut main_tables_of = Vec::new();
            let mut route_tables = Vec::new();
            for n in present(&res.body, tables_f)
                .and_then(|n| self.r.list(n))
                .unwrap_or_default()
            {
                match self.endpoint_table(n) {
                    Ok(link) => route_tables.push(link),
                    Err(vpc) => main_tables_of.push(vpc),
                }
            }
            let endpoint = VpcEndpoint {
                meta: meta(res),
                vpc: present(&res.body, vpc_f).map(|n| self.link(n, &self.vpc_of)),
                service: self.attr(res, service_f, |n| self.text(n), || Val::unknown(res.span)),
                endpoint_type,
                route_tables,
                main_tables_of,
                subnets: list(subnets_f, &self.subnet_of),
            };
            self.endpoint_of.insert(idx, self.model.endpoints.len());
            self.model.endpoints.push(endpoint);
        }
        for (assoc, to_tables) in [
            (self.s.endpoint_route_tables, true),
            (self.s.endpoint_subnets, false),
        ] {
            let Some((kind, endpoint_f, target_f)) = assoc else {
                continue;
            };
            let mut adds = Vec::new();
            for (_, res) in self.managed().filter(|(_, r)| r.kind == kind) {
                let endpoint = present(&res.body, endpoint_f)
                    .and_then(|n| self.link(n, &self.endpoint_of).target);
                if let (Some(endpoint), Some(n)) = (endpoint, present(&res.body, target_f)) {
                    let target = if to_tables {
                        self.endpoint_table(n)
                    } else {
                        Ok(self.link(n, &self.subnet_of))
                    };
                    adds.push((endpoint, target));
                }
            }
            for (endpoint, target) in adds {
                if let Some(e) = self.model.endpoints.get_mut(endpoint) {
                    match target {
                        Ok(link) if to_tables => e.route_tables.push(link),
                        Ok(link) => e.subnets.push(link),
                        Err(vpc) => e.main_tables_of.push(vpc),
                    }
                }
            }
        }
    }

    /// Buckets, their policies (policy resources and legacy inline policies) and logging.
    pub(super) fn buckets(&mut self) {
        let s = self.s;
        let mut names: HashMap<String, Id> = HashMap::new();
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.bucket) {
            let name = self.attr(
                res,
                s.bucket_name,
                |n| self.r.string(n).map(str::to_string),
                || Val::unknown(res.span),
            );
            let logging = match res.attr(s.bucket_logging) {
                None
                | Some(Node {
                    value: Value::Null, ..
                }) => Val::default(false, res.span),
                Some(n) => match &n.value {
                    Value::List(blocks) => Val::explicit(!blocks.is_empty(), n.span),
                    Value::Map(_) => Val::explicit(true, n.span),
                    _ => Val::unknown(n.span),
                },
            };
            let id = self.model.buckets.len();
            if let Some(n) = name.known() {
                names.insert(n.to_ascii_lowercase(), id);
            }
            self.bucket_of.insert(idx, id);
            self.model.buckets.push(Bucket {
                meta: meta(res),
                name,
                policies: Vec::new(),
                logging,
            });
        }
        let (policy_kind, bucket_f, doc_f) = s.bucket_policy;
        let mut policies: Vec<(Id, PolicyDocument)> = Vec::new();
        let mut logged: Vec<Id> = Vec::new();
        let mut maybe_logged: Option<Span> = None;
        for (idx, res) in self.managed() {
            if res.kind == policy_kind {
                let Some(bucket) = present(&res.body, bucket_f)
                    .and_then(|n| self.link_named(n, &self.bucket_of, &names).target)
                else {
                    continue;
                };
                if let Some(doc) =
                    present(&res.body, doc_f).and_then(|n| self.policy_reader().read(n))
                {
                    policies.push((bucket, doc));
                }
            } else if let Some((_, field)) =
                s.bucket_logging_resource.filter(|(k, _)| *k == res.kind)
            {
                let Some(n) = present(&res.body, field) else {
                    continue;
                };
                if let Some(bucket) = self.link_named(n, &self.bucket_of, &names).target {
                    logged.push(bucket);
                } else if matches!(self.r.follow(n), Target::Unknown) {
                    // The bucket it logs cannot be known: it may be any bucket in scope.
                    maybe_logged.get_or_insert(n.span);
                }
            } else if res.kind == s.bucket {
                let inline = s.bucket_inline_policy.and_then(|f| present(&res.body, f));
                if let (Some(doc), Some(&bucket)) = (
                    inline.and_then(|n| self.policy_reader().read(n)),
                    self.bucket_of.get(&idx),
                ) {
                    policies.push((bucket, doc));
                }
            }
        }
        for (bucket, doc) in policies {
            if let Some(b) = self.model.buckets.get_mut(bucket) {
                b.policies.push(doc);
            }
        }
        for bucket in logged {
            if let Some(b) = self.model.buckets.get_mut(bucket) {
                b.logging = Val::explicit(true, b.logging.span);
            }
        }
        if let Some(span) = maybe_logged {
            for b in &mut self.model.buckets {
                if b.logging.value != Some(true) {
                    b.logging = Val::unknown(span);
                }
            }
        }
    }

    /// Roles with their trust policy and every policy attached in scope.
    pub(super) fn roles(&mut self) {
        let s = self.s;
        let mut names: HashMap<String, Id> = HashMap::new();
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.role) {
            let reader = self.policy_reader();
            // Every role has a trust policy: one that is not written here is unknown.
            let trust = match present(&res.body, s.role_trust) {
                Some(n) => reader
                    .read(n)
                    .map_or_else(|| Val::unknown(n.span), |doc| Val::explicit(doc, n.span)),
                None => Val::unknown(res.span),
            };
            let mut role = IamRole {
                meta: meta(res),
                trust,
                policies: Vec::new(),
                policies_complete: Truth::True,
            };
            let (inline_f, doc_f) = s.role_inline_policies;
            match items(&res.body, inline_f) {
                Some(list) => {
                    for item in list {
                        match item.get(doc_f).and_then(|n| reader.read(n)) {
                            Some(doc) => role.policies.push(doc),
                            // An empty `inline_policy {}` block only makes the set exclusive.
                            None if item.get(doc_f).is_none() => {}
                            None => role.policies_complete = Truth::Unknown,
                        }
                    }
                }
                None => role.policies_complete = Truth::Unknown,
            }
            if let Some(arns) = present(&res.body, s.role_managed_policy_arns) {
                match self.one_or_many(arns) {
                    Some(arns) => {
                        for arn in arns {
                            match self.managed_policy(arn) {
                                Some(doc) => role.policies.push(doc),
                                None => role.policies_complete = Truth::Unknown,
                            }
                        }
                    }
                    None => role.policies_complete = Truth::Unknown,
                }
            }
            let id = self.model.roles.len();
            if let Some(name) = self.string(res, s.role_name) {
                names.insert(name.to_ascii_lowercase(), id);
            }
            self.role_of.insert(idx, id);
            self.model.roles.push(role);
        }
        let mut adds: Vec<(Link, Option<PolicyDocument>)> = Vec::new();
        for (_, res) in self.managed() {
            if let Some(spec) = s.role_policies.iter().find(|p| p.kind == res.kind) {
                let doc =
                    present(&res.body, spec.document).and_then(|n| self.policy_reader().read(n));
                for role in present(&res.body, spec.roles)
                    .and_then(|n| self.one_or_many(n))
                    .unwrap_or_default()
                {
                    adds.push((self.link_named(role, &self.role_of, &names), doc.clone()));
                }
            } else if let Some(spec) = s.policy_attachments.iter().find(|p| p.kind == res.kind) {
                let doc = present(&res.body, spec.policy).and_then(|n| self.managed_policy(n));
                for role in present(&res.body, spec.roles)
                    .and_then(|n| self.one_or_many(n))
                    .unwrap_or_default()
                {
                    adds.push((self.link_named(role, &self.role_of, &names), doc.clone()));
                }
            }
        }
        for (link, doc) in adds {
            let Some(role) = link.target.and_then(|r| self.model.roles.get_mut(r)) else {
                continue;
            };
            match doc {
                Some(doc) => role.policies.push(doc),
                None => role.policies_complete = Truth::Unknown,
            }
        }
        self.role_names = names;
    }

    /// The document of a managed policy named by reference; None for one out of scope (such
    /// as an AWS-managed policy) or unreadable.
    fn managed_policy(&self, node: &'a Node) -> Option<PolicyDocument> {
        let Target::Resource(idx, _) = self.r.follow(node) else {
            return None;
        };
        let res = self.r.resources.get(idx)?;
        let (_, doc_f) = self
            .s
            .managed_policies
            .iter()
            .find(|(k, _)| *k == res.kind)?;
        present(&res.body, doc_f).and_then(|n| self.policy_reader().read(n))
    }

    /// CloudTrail trails and their event selectors.
    pub(super) fn trails(&mut self) {
        let t = &self.s.trail;
        for (_, res) in self.managed().filter(|(_, r)| r.kind == t.kind) {
            let logging = self.attr(
                res,
                t.logging,
                |n| self.r.bool(n),
                || Val::default(defaults::TRAIL_LOGGING, res.span),
            );
            let mut selectors = Some(Vec::new());
            match items(&res.body, t.selectors) {
                Some(list) => {
                    for sel in list {
                        let reads = match present(sel, t.read_write_type).map(|n| self.r.string(n))
                        {
                            None => Truth::True,
                            Some(Some(rw)) => {
                                Truth::from_known(!rw.eq_ignore_ascii_case("WriteOnly"))
                            }
                            Some(None) => Truth::Unknown,
                        };
                        let resources = items(sel, t.data_resources)
                            .unwrap_or_default()
                            .iter()
                            .map(|d| {
                                let objects =
                                    match d.get(t.resource_type).and_then(|n| self.r.string(n)) {
                                        Some(kind) => Truth::from_known(kind == t.s3_object_type),
                                        None => Truth::Unknown,
                                    };
                                let values = d
                                    .get(t.values)
                                    .and_then(|n| self.one_or_many(n))
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|v| {
                                        self.r.string(v).map_or_else(
                                            || Val::unknown(v.span),
                                            |s| Val::explicit(s.to_string(), v.span),
                                        )
                                    })
                                    .collect();
                                (objects, values)
                            })
                            .collect();
                        if let Some(list) = selectors.as_mut() {
                            list.push(DataSelector::Basic { reads, resources });
                        }
                    }
                }
                None => selectors = None,
            }
            match items(&res.body, t.advanced) {
                Some(list) => {
                    for sel in list {
                        if let Some(list) = selectors.as_mut() {
                            list.push(self.advanced_selector(sel));
                        }
                    }
                }
                None => selectors = None,
            }
            self.model.trails.push(Trail {
                meta: meta(res),
                logging,
                selectors: Val {
                    value: selectors,
                    span: res.span,
                    origin: crate::model::Origin::Explicit,
                    field: None,
                },
            });
        }
    }

    /// An advanced event selector: whether it selects S3 object reads, and its ARN condition.
    fn advanced_selector(&self, sel: &'a Node) -> DataSelector {
        let t = &self.s.trail;
        let Some(fields) = items(sel, t.field_selectors) else {
            return DataSelector::Advanced {
                s3_objects: Truth::Unknown,
                reads: Truth::Unknown,
                arns: None,
            };
        };
        let values = |f: &'a Node, op: &str| -> Vec<String> {
            f.get(op)
                .and_then(|n| self.one_or_many(n))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| self.r.string(v).map(str::to_string))
                .collect()
        };
        let [
            equals,
            not_equals,
            starts_with,
            not_starts_with,
            ends_with,
            not_ends_with,
        ] = t.operators;
        let field = |name: &str| {
            fields.iter().find(|f| {
                f.get(t.field)
                    .and_then(|n| self.r.string(n))
                    .is_some_and(|v| v.eq_ignore_ascii_case(name))
            })
        };
        let has = |name: &str, value: &str| {
            field(name).map_or(Truth::False, |f| {
                Truth::from_known(values(f, equals).iter().any(|v| v == value))
            })
        };
        let reads = field("readOnly").map_or(Truth::True, |f| {
            Truth::from_known(!values(f, equals).iter().any(|v| v == "false"))
        });
        DataSelector::Advanced {
            s3_objects: has("eventCategory", "Data").and(has("resources.type", t.s3_object_type)),
            reads,
            arns: field("resources.ARN").map(|f| ArnSelector {
                equals: values(f, equals),
                not_equals: values(f, not_equals),
                starts_with: values(f, starts_with),
                not_starts_with: values(f, not_starts_with),
                ends_with: values(f, ends_with),
                not_ends_with: values(f, not_ends_with),
            }),
        }
    }

    /// Role links from a list of role references (ARNs) or literal ARNs.
    fn role_links(&self, nodes: Vec<&'a Node>) -> Vec<Link> {
        nodes
            .into_iter()
            .map(|n| {
                let target = match self.r.follow(n) {
                    Target::Resource(idx, _) => self.role_of.get(&idx).copied(),
                    // `arn:aws:iam::123456789012:role/path/name`: link by name.
                    Target::Value(v) => v
                        .as_str()
                        .and_then(|arn| arn.rsplit('/').next())
                        .and_then(|name| self.role_names.get(&name.to_ascii_lowercase()).copied()),
                    Target::Unknown => None,
                };
                Link {
                    target,
                    span: n.span,
                }
            })
            .collect()
    }

    /// The roles written in `fields` of a resource: explicit when any is written, else none.
    fn roles_in(&self, res: &'a Resource, fields: &[&str]) -> Val<Vec<Link>> {
        let mut links = Vec::new();
        let mut span = None;
        for field in fields {
            let Some(node) = present(&res.body, field) else {
                continue;
            };
            span.get_or_insert(node.span);
            match self.one_or_many(node) {
                Some(nodes) => links.extend(self.role_links(nodes)),
                None => return Val::unknown(node.span),
            }
        }
        match span {
            Some(span) => Val::explicit(links, span),
            None => Val::default(Vec::new(), res.span),
        }
    }

    /// Indexes the managed resources of `kind` by the cluster their `field` names, once per
    /// unit: each cluster then reads only the resources that may name it, not every resource.
    pub(super) fn cluster_index(&self, kind: &str, field: &str) -> ClusterIndex<'a> {
        let mut index = ClusterIndex::default();
        let widen = |range: &mut Option<(usize, usize)>, idx: usize| {
            *range = Some(range.map_or((idx, idx), |(first, _)| (first, idx)));
        };
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == kind) {
            let Some(node) = present(&res.body, field) else {
                continue;
            };
            match self.r.follow(node) {
                Target::Resource(target, _) => {
                    index.by_resource.entry(target).or_default().push(idx)
                }
                Target::Value(v) => {
                    // A value that is not a string names no cluster.
                    if let Some(id) = v.as_str() {
                        index.by_identifier.entry(id).or_default().push(idx);
                        widen(&mut index.any_identifier, idx);
                    }
                }
                Target::Unknown => widen(&mut index.unknown, idx),
            }
        }
        index
    }

    /// Serverless namespaces by name (the first of a name), for workgroups that name theirs.
    pub(super) fn namespace_index(&self) -> HashMap<&'a str, usize> {
        let (ns_kind, ns_name, _) = self.s.namespace;
        let mut out = HashMap::new();
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == ns_kind) {
            if let Some(name) = self.string(res, ns_name) {
                out.entry(name).or_insert(idx);
            }
        }
        out
    }

    /// The resources of `index` that name the cluster `res` (at `idx`), or may: whether they do
    /// ([`Truth::True`] or [`Truth::Unknown`]), in resource order. Of those that may name every
    /// cluster, only the first and the last are listed: the others change no answer.
    fn naming_cluster(
        &self,
        index: &ClusterIndex<'a>,
        idx: usize,
        res: &'a Resource,
    ) -> Vec<(usize, Truth)> {
        let mut out: Vec<(usize, Truth)> = Vec::new();
        let ends = |range: Option<(usize, usize)>| {
            range
                .into_iter()
                .flat_map(|(first, last)| [(first, Truth::Unknown), (last, Truth::Unknown)])
        };
        if let Some(found) = index.by_resource.get(&idx) {
            out.extend(found.iter().map(|&i| (i, Truth::True)));
        }
        // A literal identifier names the cluster whose own identifier it is; none when the
        // cluster writes none (AWS generates one, which no literal names).
        if let Some(own) = present(&res.body, self.s.cluster_identifier) {
            match self.r.string(own) {
                Some(own) => {
                    if let Some(found) = index.by_identifier.get(own) {
                        out.extend(found.iter().map(|&i| (i, Truth::True)));
                    }
                }
                None => out.extend(ends(index.any_identifier)),
            }
        }
        out.extend(ends(index.unknown));
        out.sort_by_key(|&(i, _)| i);
        out.dedup_by_key(|&mut (i, _)| i);
        out
    }

    /// A cluster's roles: its own fields plus role attachment resources naming it.
    pub(super) fn cluster_roles(&self, idx: usize, res: &'a Resource) -> Val<Vec<Link>> {
        let mut roles = self.roles_in(res, self.s.cluster_roles);
        let Some((_, cluster_f, role_fields)) = self.s.cluster_role_attachment else {
            return roles;
        };
        for (at, truth) in self.naming_cluster(&self.role_attachments, idx, res) {
            let Some(attachment) = self.unit.resources.get(at) else {
                continue;
            };
            let Some(cluster) = present(&attachment.body, cluster_f) else {
                continue;
            };
            match truth {
                Truth::False => continue,
                // It may attach its roles to this cluster: which roles the cluster has is
                // unknown.
                Truth::Unknown => {
                    roles = Val::unknown(cluster.span);
                    continue;
                }
                Truth::True => {}
            }
            let extra = self.roles_in(attachment, role_fields);
            roles = match (roles.value, extra.value) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Val::explicit(a, extra.span)
                }
                _ => Val::unknown(extra.span),
            };
        }
        roles
    }

    /// A workgroup's roles: those of the namespace it names.
    pub(super) fn workgroup_roles(&self, res: &'a Resource) -> Val<Vec<Link>> {
        let (ns_kind, _, ns_roles) = self.s.namespace;
        let Some(node) = present(&res.body, self.s.workgroup_namespace) else {
            return Val::unknown(res.span);
        };
        let namespace = match self.r.follow(node) {
            Target::Resource(idx, _) => self.r.resources.get(idx).filter(|r| r.kind == ns_kind),
            Target::Value(v) => v
                .as_str()
                .and_then(|name| self.namespaces.get(name))
                .and_then(|&idx| self.unit.resources.get(idx)),
            Target::Unknown => None,
        };
        match namespace {
            Some(ns) => self.roles_in(ns, ns_roles),
            None => Val::unknown(node.span),
        }
    }

    /// A boolean attribute with its default.
    pub(super) fn flag(&self, res: &'a Resource, field: &'static str, default: bool) -> Val<bool> {
        self.attr(
            res,
            field,
            |n| self.r.bool(n),
            || Val::default(default, res.span),
        )
    }

    pub(super) fn dual_stack(&self, res: &'a Resource) -> Val<bool> {
        self.attr(
            res,
            self.s.ip_address_type,
            |n| {
                self.r
                    .string(n)
                    .map(|t| t.eq_ignore_ascii_case("dualstack"))
            },
            || Val::default(false, res.span),
        )
    }

    /// A cluster's audit logging: inline settings or a logging resource naming it.
    pub(super) fn audit_logging(&self, idx: usize, res: &'a Resource) -> Val<bool> {
        let (field, enable) = self.s.cluster_logging;
        let inline = match (res.attr(field), enable) {
            (
                None
                | Some(Node {
                    value: Value::Null, ..
                }),
                _,
            ) => None,
            (Some(n), None) => Some(match &n.value {
                Value::Map(_) => Val::explicit(true, n.span),
                _ => Val::unknown(n.span),
            }),
            (Some(n), Some(enable)) => match &n.value {
                Value::List(blocks) if blocks.is_empty() => None,
                Value::List(blocks) => {
                    let flags: Vec<Val<bool>> = blocks
                        .iter()
                        .map(|b| match b.get(enable) {
                            Some(e) => self
                                .r
                                .bool(e)
                                .map_or_else(|| Val::unknown(e.span), |v| Val::explicit(v, e.span)),
                            None => Val::unknown(b.span),
                        })
                        .collect();
                    flags.into_iter().next()
                }
                _ => Some(Val::unknown(n.span)),
            },
        };
        // A logging resource whose cluster cannot be evaluated may be this cluster's.
        let mut maybe: Option<Span> = None;
        if let Some((_, cluster_f)) = self.s.audit_logging {
            for (at, truth) in self.naming_cluster(&self.logging_resources, idx, res) {
                let Some(r) = self.unit.resources.get(at) else {
                    continue;
                };
                let Some(n) = present(&r.body, cluster_f) else {
                    continue;
                };
                match truth {
                    Truth::True => return Val::explicit(true, r.span),
                    Truth::Unknown => {
                        maybe.get_or_insert(n.span);
                    }
                    Truth::False => {}
                }
            }
        }
        match (inline, maybe) {
            (Some(v), _) if v.value == Some(true) => v,
            (_, Some(span)) => Val::unknown(span),
            (inline, None) => inline.unwrap_or_else(|| Val::default(false, res.span)),
        }
    }
}

/// The resources of one kind that name a cluster (role attachments, audit logging), by what
/// they name; see [`Adapter::cluster_index`].
#[derive(Debug, Default)]
pub(super) struct ClusterIndex<'a> {
    /// By the cluster resource they reference.
    by_resource: HashMap<usize, Vec<usize>>,
    /// By the identifier they name as a literal.
    by_identifier: HashMap<&'a str, Vec<usize>>,
    /// The first and the last that name an identifier: any of them may name a cluster whose
    /// own identifier cannot be evaluated.
    any_identifier: Option<(usize, usize)>,
    /// The first and the last whose cluster cannot be evaluated: they may name any cluster.
    unknown: Option<(usize, usize)>,
}
