//! The adapter passes for what Spectrum, COPY/UNLOAD and auditing depend on: VPC endpoints, S3
//! buckets with their policies and logging, IAM roles with every attached policy, and CloudTrail
//! trails.

use super::engine::{Adapter, Arena, items, meta, present};
use super::network::TableRef;
use super::policy::PolicyReader;
use super::resolve::Target;
use crate::ir::{Node, Resource, Value};
use crate::model::{
    ArnSelector, Bucket, DataSelector, EndpointType, IamRole, Id, Link, PolicyDocument, Span,
    Trail, Truth, Val, VpcEndpoint, defaults,
};
use foldhash::{HashMap, HashMapExt};

impl<'a> Adapter<'a> {
    fn policy_reader(&self) -> PolicyReader<'a, '_> {
        PolicyReader {
            r: &self.r,
            bucket_of: self.ids(Arena::Bucket),
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
                vpc: present(&res.body, vpc_f).map(|n| self.link(n, self.ids(Arena::Vpc))),
                service: self.attr(res, service_f, |n| self.text(n), || Val::unknown(res.span)),
                endpoint_type,
                route_tables,
                main_tables_of,
                subnets: list(subnets_f, self.ids(Arena::Subnet)),
            };
            self.fill(Arena::Endpoint, idx, self.model.endpoints.len());
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
                    .and_then(|n| self.link(n, self.ids(Arena::Endpoint)).target);
                if let (Some(endpoint), Some(n)) = (endpoint, present(&res.body, target_f)) {
                    let target = if to_tables {
                        self.endpoint_table(n)
                    } else {
                        Ok(self.link(n, self.ids(Arena::Subnet)))
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
            self.fill(Arena::Bucket, idx, id);
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
                    .and_then(|n| self.link_named(n, self.ids(Arena::Bucket), &names).target)
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
                if let Some(bucket) = self.link_named(n, self.ids(Arena::Bucket), &names).target {
                    logged.push(bucket);
                } else if matches!(self.r.follow(n), Target::Unknown) {
                    // The bucket it logs cannot be known: it may be any bucket in scope.
                    maybe_logged.get_or_insert(n.span);
                }
            } else if res.kind == s.bucket {
                let inline = s.bucket_inline_policy.and_then(|f| present(&res.body, f));
                if let (Some(doc), Some(&bucket)) = (
                    inline.and_then(|n| self.policy_reader().read(n)),
                    self.ids(Arena::Bucket).get(&idx),
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
            self.fill(Arena::Role, idx, id);
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
                    adds.push((
                        self.link_named(role, self.ids(Arena::Role), &names),
                        doc.clone(),
                    ));
                }
            } else if let Some(spec) = s.policy_attachments.iter().find(|p| p.kind == res.kind) {
                let doc = present(&res.body, spec.policy).and_then(|n| self.managed_policy(n));
                for role in present(&res.body, spec.roles)
                    .and_then(|n| self.one_or_many(n))
                    .unwrap_or_default()
                {
                    adds.push((
                        self.link_named(role, self.ids(Arena::Role), &names),
                        doc.clone(),
                    ));
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
                    Target::Resource(idx, _) => self.ids(Arena::Role).get(&idx).copied(),
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
    pub(super) fn roles_in(&self, res: &'a Resource, fields: &[&str]) -> Val<Vec<Link>> {
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
}
