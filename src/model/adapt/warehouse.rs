//! The adapter passes for the warehouses and their groups: parameter groups, subnet groups,
//! clusters and Serverless workgroups with their roles, routing and logging settings.

use super::engine::{Adapter, Arena, items, meta, present};
use super::resolve::{Resolver, Target};
use super::schema::PostureFields;
use crate::ir::Copied;
use crate::ir::region::UnitRegion;
use crate::ir::{Node, Resource, Value};
use crate::model::defaults;
use crate::model::{
    AdminPassword, FieldSite, FixIntent, FixValue, Link, Origin, ParameterGroup,
    ParameterGroupChoice, Posture, Secret, Span, SubnetGroup, Truth, Val, Warehouse, WarehouseKind,
};

/// How many copies (a local reading a variable reading a module argument …) are followed back
/// to a literal; a longer chain ends where it is.
const MAX_COPIES: usize = 64;
use foldhash::{HashMap, HashMapExt};

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

impl<'a> Adapter<'a> {
    /// Parameter groups.
    pub(super) fn parameter_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.parameter_group) {
            let family = self.attr(
                res,
                s.parameter_group_family,
                |n| self.r.string(n).map(str::to_string),
                || Val::unknown(res.span),
            );
            let require_ssl = self.parameter(&res.body, s.parameters, res);
            let id = self.model.parameter_groups.len();
            self.fill(Arena::ParameterGroup, idx, id);
            if let Some(name) = self.string(res, s.parameter_group_name) {
                self.parameter_group_names
                    .insert(name.to_ascii_lowercase(), id);
            }
            let (list, key, value) = s.parameters;
            self.model.parameter_groups.push(ParameterGroup {
                meta: meta(res),
                family,
                require_ssl,
                add_require_ssl: FixIntent::AddEntry {
                    site: FieldSite {
                        name: list,
                        owner: res.body.span,
                        value: res.attr(list).map(|n| n.span),
                    },
                    entry: vec![
                        (key, FixValue::Str("require_ssl".into())),
                        (value, FixValue::Str("true".into())),
                    ],
                },
            });
        }
    }

    /// The `require_ssl` entry of a parameter list, when present; unknown when the list is.
    pub(super) fn parameter(
        &self,
        body: &'a Node,
        (list, key, value): (&str, &str, &str),
        res: &'a Resource,
    ) -> Option<Val<bool>> {
        match items(body, list) {
            Some(entries) => entries.iter().find_map(|p| {
                let name = p.get(key).and_then(|n| self.r.string(n))?;
                if !name.eq_ignore_ascii_case("require_ssl") {
                    return None;
                }
                let v = p.get(value)?;
                Some(
                    self.r
                        .bool(v)
                        .map_or_else(|| Val::unknown(v.span), |b| Val::explicit(b, v.span)),
                )
            }),
            None => Some(Val::unknown(res.span)),
        }
    }

    pub(super) fn subnet_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.subnet_group) {
            let subnets = self.links(res, s.subnet_group_subnets, self.ids(Arena::Subnet), None);
            let id = self.model.subnet_groups.len();
            self.fill(Arena::SubnetGroup, idx, id);
            if let Some(name) = self.string(res, s.subnet_group_name) {
                self.subnet_group_names
                    .insert(name.to_ascii_lowercase(), id);
            }
            self.model.subnet_groups.push(SubnetGroup {
                meta: meta(res),
                subnets,
            });
        }
    }

    pub(super) fn warehouses(&mut self, region: &UnitRegion) {
        let s = self.s;
        let constraints = &self.unit.settings.aws_provider_constraints;
        if let Some((kind, field, _)) = s.cluster_role_attachment {
            self.role_attachments = self.cluster_index(kind, field);
        }
        if let Some((kind, field)) = s.audit_logging {
            self.logging_resources = self.cluster_index(kind, field);
        }
        self.namespaces = self.namespace_index();
        for (idx, res) in self.managed() {
            let kind = if res.kind == s.cluster {
                WarehouseKind::Cluster
            } else if res.kind == s.workgroup {
                WarehouseKind::Workgroup
            } else {
                continue;
            };
            let (public_field, port_field) = match kind {
                WarehouseKind::Cluster => (s.cluster_publicly_accessible, s.cluster_port),
                WarehouseKind::Workgroup => (s.workgroup_publicly_accessible, s.workgroup_port),
            };
            let publicly_accessible = self.attr(
                res,
                public_field,
                |n| self.r.bool(n),
                || match kind {
                    WarehouseKind::Workgroup => {
                        Val::default(defaults::WORKGROUP_PUBLICLY_ACCESSIBLE, res.span)
                    }
                    WarehouseKind::Cluster => {
                        match defaults::cluster_publicly_accessible(res.family, constraints) {
                            Truth::True => Val::default(true, res.span),
                            Truth::False => Val::default(false, res.span),
                            Truth::Unknown => Val {
                                value: None,
                                span: res.span,
                                origin: Origin::Default,
                                field: None,
                            },
                        }
                    }
                },
            );
            let port = self.attr(
                res,
                port_field,
                |n| self.r.number(n).and_then(|p| u16::try_from(p as i64).ok()),
                || Val::default(defaults::WAREHOUSE_PORT, res.span),
            );
            let warehouse = match kind {
                WarehouseKind::Cluster => {
                    let subnet_group = match present(&res.body, s.cluster_subnet_group) {
                        None => Val::default(None, res.span),
                        Some(n) => match self.named_link(
                            n,
                            self.ids(Arena::SubnetGroup),
                            &self.subnet_group_names,
                        ) {
                            Some(link) => Val::explicit(Some(link), n.span),
                            None => Val::unknown(n.span),
                        },
                    };
                    let subnets = match subnet_group.known() {
                        Some(Some(Link {
                            target: Some(g), ..
                        })) => self.model.subnet_groups.get(*g).map_or_else(
                            || Val::unknown(res.span),
                            |g| Val {
                                origin: Origin::Derived,
                                ..g.subnets.clone()
                            },
                        ),
                        _ => Val::unknown(res.span),
                    };
                    let parameter_group = match present(&res.body, s.cluster_parameter_group) {
                        None => Val::default(ParameterGroupChoice::Default, res.span),
                        Some(n) => match builtin_group(&self.r, n) {
                            Some(name) => {
                                Val::explicit(ParameterGroupChoice::Builtin(name), n.span)
                            }
                            None => match self.named_link(
                                n,
                                self.ids(Arena::ParameterGroup),
                                &self.parameter_group_names,
                            ) {
                                Some(Link {
                                    target: Some(id), ..
                                }) => Val::explicit(ParameterGroupChoice::InScope(id), n.span),
                                Some(_) => Val::explicit(ParameterGroupChoice::OutOfScope, n.span),
                                None => Val::unknown(n.span),
                            },
                        },
                    };
                    let legacy_field = s.cluster_legacy_security_groups;
                    let legacy = match present(&res.body, legacy_field) {
                        None => Val::default(false, res.span),
                        Some(n) => match self.r.list(n) {
                            Some(items) => Val::explicit(!items.is_empty(), n.span),
                            // A list that cannot be evaluated may turn out empty.
                            None => Val::unknown(n.span),
                        },
                    }
                    .at(FieldSite {
                        name: legacy_field,
                        owner: res.body.span,
                        value: res.attr(legacy_field).map(|n| n.span),
                    });
                    Warehouse {
                        meta: meta(res),
                        kind,
                        publicly_accessible,
                        port,
                        subnet_group,
                        subnets,
                        security_groups: self.links(
                            res,
                            s.cluster_security_groups,
                            self.ids(Arena::SecurityGroup),
                            Some(Vec::new()),
                        ),
                        legacy_security_groups: legacy,
                        parameter_group,
                        require_ssl: None,
                        region: region.of(res),
                        roles: self.cluster_roles(idx, res),
                        enhanced_vpc_routing: self.flag(
                            res,
                            s.cluster_evr,
                            defaults::ENHANCED_VPC_ROUTING,
                        ),
                        elastic_ip: self.attr(
                            res,
                            s.cluster_elastic_ip,
                            |n| self.r.string(n).map(|_| true),
                            || Val::default(false, res.span),
                        ),
                        dual_stack: self.dual_stack(res),
                        audit_logging: self.audit_logging(idx, res),
                        posture: self.cluster_posture(res),
                    }
                }
                WarehouseKind::Workgroup => Warehouse {
                    meta: meta(res),
                    kind,
                    publicly_accessible,
                    port,
                    subnet_group: Val::default(None, res.span),
                    subnets: self.links(res, s.workgroup_subnets, self.ids(Arena::Subnet), None),
                    security_groups: self.links(
                        res,
                        s.workgroup_security_groups,
                        self.ids(Arena::SecurityGroup),
                        Some(Vec::new()),
                    ),
                    legacy_security_groups: Val::default(false, res.span),
                    parameter_group: Val::default(ParameterGroupChoice::Default, res.span),
                    require_ssl: self.parameter(&res.body, s.workgroup_parameters, res),
                    region: region.of(res),
                    roles: self.workgroup_roles(res),
                    enhanced_vpc_routing: self.flag(
                        res,
                        s.workgroup_evr,
                        defaults::ENHANCED_VPC_ROUTING,
                    ),
                    elastic_ip: Val::default(false, res.span),
                    dual_stack: self.dual_stack(res),
                    // Audit logging is judged for provisioned clusters only.
                    audit_logging: Val::unknown(res.span),
                    posture: self.workgroup_posture(res),
                },
            };
            self.model.warehouses.push(warehouse);
        }
    }

    /// Indexes the managed resources of `kind` by the cluster their `field` names, once per
    /// unit: each cluster then reads only the resources that may name it, not every resource.
    fn cluster_index(&self, kind: &str, field: &str) -> ClusterIndex<'a> {
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
    fn namespace_index(&self) -> HashMap<&'a str, usize> {
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
    fn workgroup_roles(&self, res: &'a Resource) -> Val<Vec<Link>> {
        match self.workgroup_namespace(res) {
            Ok(ns) => self.roles_in(ns, self.s.namespace.2),
            Err(span) => Val::unknown(span),
        }
    }

    /// The namespace resource a workgroup names, or where it names one that is not in scope
    /// (or names none).
    fn workgroup_namespace(&self, res: &'a Resource) -> Result<&'a Resource, Span> {
        let ns_kind = self.s.namespace.0;
        let Some(node) = present(&res.body, self.s.workgroup_namespace) else {
            return Err(res.span);
        };
        let namespace = match self.r.follow(node) {
            Target::Resource(idx, _) => self.r.resources.get(idx).filter(|r| r.kind == ns_kind),
            Target::Value(v) => v
                .as_str()
                .and_then(|name| self.namespaces.get(name))
                .and_then(|&idx| self.unit.resources.get(idx)),
            Target::Unknown => None,
        };
        namespace.ok_or(node.span)
    }

    /// A cluster's posture settings, with their defaults.
    fn cluster_posture(&self, res: &'a Resource) -> Posture {
        let f = self.s.cluster_posture;
        let constraints = &self.unit.settings.aws_provider_constraints;
        let encrypted = match f.encrypted {
            Some(field) => self.attr(
                res,
                field,
                |n| self.r.bool(n),
                || match defaults::cluster_encrypted(res.family, constraints) {
                    Truth::True => Val::default(true, res.span),
                    Truth::False => Val::default(false, res.span),
                    Truth::Unknown => Val {
                        value: None,
                        span: res.span,
                        origin: Origin::Default,
                        field: None,
                    },
                },
            ),
            None => Val::unknown(res.span),
        };
        let snapshot_retention = match f.snapshot_retention {
            Some(field) => self.attr(
                res,
                field,
                |n| {
                    self.r
                        .number(n)
                        .filter(|d| d.fract() == 0.0)
                        .map(|d| d as i64)
                },
                || Val::default(defaults::SNAPSHOT_RETENTION_DAYS, res.span),
            ),
            None => Val::unknown(res.span),
        };
        let allow_version_upgrade = match f.allow_version_upgrade {
            Some(field) => self.flag(res, field, defaults::ALLOW_VERSION_UPGRADE),
            None => Val::unknown(res.span),
        };
        Posture {
            encrypted,
            snapshot_retention,
            allow_version_upgrade,
            ..self.shared_posture(res, f)
        }
    }

    /// A workgroup's posture settings: its namespace's, unknown when that is not in scope.
    fn workgroup_posture(&self, res: &'a Resource) -> Posture {
        let f = self.s.namespace_posture;
        match self.workgroup_namespace(res) {
            Ok(ns) => Posture {
                encrypted: Val::default(defaults::NAMESPACE_ENCRYPTED, ns.span),
                log_exports: match f.log_exports {
                    Some(field) => self.attr(
                        ns,
                        field,
                        |n| {
                            self.r
                                .list(n)?
                                .into_iter()
                                .map(|e| self.r.string(e).map(str::to_string))
                                .collect()
                        },
                        || Val::default(Vec::new(), ns.span),
                    ),
                    None => Val::unknown(ns.span),
                },
                ..self.shared_posture(ns, f)
            },
            Err(span) => Posture {
                encrypted: Val::default(defaults::NAMESPACE_ENCRYPTED, span),
                customer_managed_key: Val::unknown(span),
                snapshot_retention: Val::unknown(span),
                allow_version_upgrade: Val::unknown(span),
                admin_username: Val::unknown(span),
                database_name: Val::unknown(span),
                log_exports: Val::unknown(span),
                admin_password: Val::unknown(span),
            },
        }
    }

    /// The settings clusters and namespaces share; the others unknown.
    fn shared_posture(&self, res: &'a Resource, f: &'static PostureFields) -> Posture {
        let customer_managed_key = self.attr(
            res,
            f.kms_key,
            |n| match self.r.follow(n) {
                // A key resource in scope is one the customer manages.
                Target::Resource(..) => Some(true),
                Target::Value(v) => v.as_str().map(|k| k != defaults::AWS_OWNED_KMS_KEY),
                Target::Unknown => None,
            },
            || Val::default(false, res.span),
        );
        let admin_username = self.attr(
            res,
            f.admin_username,
            |n| self.r.string(n).map(|u| Some(u.to_string())),
            || Val::default(None, res.span),
        );
        let database_name = self.attr(
            res,
            f.database_name,
            |n| self.r.string(n).map(str::to_string),
            || Val::default(defaults::DEFAULT_DATABASE_NAME.to_string(), res.span),
        );
        Posture {
            encrypted: Val::unknown(res.span),
            customer_managed_key,
            snapshot_retention: Val::unknown(res.span),
            allow_version_upgrade: Val::unknown(res.span),
            admin_username,
            database_name,
            log_exports: Val::unknown(res.span),
            admin_password: self.admin_password(res, f).0,
        }
    }

    /// The admin passwords of clusters and Serverless namespaces (a namespace no workgroup in
    /// scope names too) that the unit's sources or plan hold: the model's secrets.
    pub(super) fn secrets(&mut self) {
        let s = self.s;
        let (ns_kind, _, _) = s.namespace;
        let secrets: Vec<Secret> = self
            .managed()
            .filter_map(|(_, res)| {
                let fields = if res.kind == s.cluster {
                    s.cluster_posture
                } else if res.kind == ns_kind {
                    s.namespace_posture
                } else {
                    return None;
                };
                self.admin_password(res, fields).1
            })
            .collect();
        self.model.secrets = secrets;
    }

    /// How the admin password of a cluster or namespace is given, and the secret it is when
    /// the unit holds its value. A literal is traced back through the variables, locals,
    /// module outputs, parameters and mappings that copy it to where it is written
    /// ([`crate::ir::Unit::copies`]).
    fn admin_password(
        &self,
        res: &'a Resource,
        f: &'static PostureFields,
    ) -> (Val<AdminPassword>, Option<Secret>) {
        // The password, else its write-only form (a literal there is in the source too).
        let (field, node) = match present(&res.body, f.admin_password) {
            Some(node) => (f.admin_password, Some(node)),
            None => match f
                .write_only_password
                .and_then(|wo| Some((wo, present(&res.body, wo)?)))
            {
                Some((wo, node)) => (wo, Some(node)),
                None => (f.admin_password, None),
            },
        };
        let site = FieldSite {
            name: field,
            owner: res.body.span,
            value: node.map(|n| n.span),
        };
        let not_written = |span| {
            (
                Val::explicit(AdminPassword::NotWritten, span).at(site),
                None,
            )
        };
        let Some(node) = node else {
            return (
                Val::default(AdminPassword::NotWritten, res.span).at(site),
                None,
            );
        };
        // A value read from another resource in scope is written there.
        let Target::Value(value) = self.r.follow(node) else {
            // Unknown until apply, or read from a resource (a generated password, a secret):
            // not a literal.
            return not_written(node.span);
        };
        let Some(text) = value.as_str() else {
            return not_written(node.span);
        };
        if f.resolved_reference
            .is_some_and(|prefix| text.trim_start().starts_with(prefix))
        {
            return not_written(node.span);
        }
        let secret = |span| Secret {
            value: text.to_string(),
            span,
        };
        if self.unit.from_plan {
            // Where the plan holds it, unless the resource is located in its `.tf` source.
            let span = res.origin.is_none().then_some(value.span);
            return (
                Val::explicit(AdminPassword::InPlan, node.span).at(site),
                Some(secret(span)),
            );
        }
        let key = Copied::key(text);
        let mut written = value.span;
        for _ in 0..MAX_COPIES {
            match self.unit.copies.get(&(written, key)) {
                None => break,
                Some(Copied::Given) => {
                    return (
                        Val::explicit(AdminPassword::NotWritten, node.span).at(site),
                        Some(secret(None)),
                    );
                }
                Some(Copied::From(from)) if *from == written => break,
                Some(Copied::From(from)) => written = *from,
            }
        }
        // The fix removes the literal only when it is the attribute's own value; a field
        // that has Amazon Redshift manage the password, written already, is the user's choice;
        // a write-only password comes with its version, which needs it.
        let manage = (written == node.span
            && field == f.admin_password
            && present(&res.body, f.manage_password).is_none())
        .then_some(FixIntent::ReplaceField {
            site,
            name: f.manage_password,
            value: FixValue::Bool(true),
        });
        (
            Val::explicit(AdminPassword::Literal { written, manage }, node.span).at(site),
            Some(secret(Some(written))),
        )
    }

    /// A boolean attribute with its default.
    fn flag(&self, res: &'a Resource, field: &'static str, default: bool) -> Val<bool> {
        self.attr(
            res,
            field,
            |n| self.r.bool(n),
            || Val::default(default, res.span),
        )
    }

    fn dual_stack(&self, res: &'a Resource) -> Val<bool> {
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

impl UnitRegion {
    /// The region as a value of the resource `res` (reported at the resource unless written).
    pub(super) fn of(&self, res: &Resource) -> Val<String> {
        match self {
            UnitRegion::Written(name, span) => Val::explicit(name.clone(), *span),
            UnitRegion::Given(name) => Val::default(name.clone(), res.span),
            UnitRegion::Unknown => Val::unknown(res.span),
        }
    }
}

/// The lower-cased name when the node names a built-in parameter group (`default.…`).
fn builtin_group(r: &Resolver<'_>, node: &Node) -> Option<String> {
    match r.follow(node) {
        Target::Value(v) => v
            .as_str()
            .map(str::to_ascii_lowercase)
            .filter(|n| n.starts_with("default.")),
        _ => None,
    }
}
