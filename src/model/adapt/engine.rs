//! The adapter engine: IR resources of one unit into the model, driven by the family's
//! [`Schema`]. Links are resolved here, once, and defaults come from `model::defaults`.

use super::AdaptOptions;
use super::access::ClusterIndex;
use super::resolve::{Resolver, Target};
use super::schema::{Direction, FlowLogTarget, RouteFields, RuleFields, Schema};
use crate::ir::region::UnitRegion;
use crate::ir::{Mode, Node, Resource, Unit, Value};
use crate::model::defaults;
use crate::model::{
    Conditional, Destination, FieldSite, FixIntent, FixValue, FlowLog, Id, Link, Meta, Model,
    Named, Origin, ParameterGroup, ParameterGroupChoice, Peer, PortRange, Protocol, Route,
    RouteTable, RouteTarget, SecurityGroup, SecurityGroupRule, Subnet, SubnetGroup, Truth, Val,
    Vpc, Warehouse, WarehouseKind,
};
use std::collections::HashMap;

pub(super) struct Adapter<'a> {
    pub(super) unit: &'a Unit,
    pub(super) s: &'static Schema,
    pub(super) r: Resolver<'a>,
    pub(super) model: Model,
    /// IR resource index → model id, per model arena.
    pub(super) vpc_of: HashMap<usize, Id>,
    pub(super) subnet_of: HashMap<usize, Id>,
    pub(super) table_of: HashMap<usize, Id>,
    pub(super) sg_of: HashMap<usize, Id>,
    pub(super) subnet_group_of: HashMap<usize, Id>,
    pub(super) parameter_group_of: HashMap<usize, Id>,
    pub(super) acl_of: HashMap<usize, Id>,
    pub(super) endpoint_of: HashMap<usize, Id>,
    pub(super) role_of: HashMap<usize, Id>,
    pub(super) bucket_of: HashMap<usize, Id>,
    /// Lower-cased role names, for roles named by ARN literals.
    pub(super) role_names: HashMap<String, Id>,
    /// The unit's region as strings built from it hold it: its name, or
    /// [`STACK_REGION`](crate::ir::region::STACK_REGION) when unknown.
    pub(super) region_text: String,
    /// Lower-cased names of subnet and parameter groups, for names written as literals.
    pub(super) subnet_group_names: HashMap<String, Id>,
    pub(super) parameter_group_names: HashMap<String, Id>,
    /// VPC → the model table of its original main route table, where one is in scope (adopted
    /// by a default route table resource, or modelled because routes are added to it).
    pub(super) original_main_of: HashMap<Id, Id>,
    /// Security group → whether its inline (ingress, egress) are the group's state rather than
    /// its configuration (plans of existing groups that write no inline rules).
    pub(super) state_rules_of: HashMap<Id, (bool, bool)>,
    /// Role attachment and audit logging resources by the cluster they name, and serverless
    /// namespaces by name: built before the warehouses, so that linking stays linear.
    pub(super) role_attachments: ClusterIndex<'a>,
    pub(super) logging_resources: ClusterIndex<'a>,
    pub(super) namespaces: HashMap<&'a str, usize>,
}

/// What a route-table field names.
#[derive(Debug, Clone, Copy)]
pub(super) enum TableRef {
    /// A table in scope.
    Table(Id),
    /// The original main route table of a VPC in scope.
    MainOf(Id),
    /// A table out of scope, or unknown.
    Other,
}

/// What a route-table association's subnet field names.
enum SubnetRef {
    InScope(Id),
    /// Known not to be a subnet in scope.
    Elsewhere,
    /// Any subnet in scope may be it.
    Unknown,
}

pub(super) fn meta(res: &Resource) -> Meta {
    Meta {
        address: res.address.clone(),
        kind: res.kind.clone(),
        span: res.span,
        origin: res.origin,
    }
}

/// A written, non-null, non-empty attribute (plans show unset targets as `""` or null).
pub(super) fn present<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
    node.get(name).filter(|n| match &n.value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        _ => true,
    })
}

/// The entries of a nested-block or list-of-objects attribute; None when not knowable.
pub(super) fn items<'a>(node: &'a Node, name: &str) -> Option<&'a [Node]> {
    match node.get(name).map(|n| &n.value) {
        None | Some(Value::Null) => Some(&[]),
        Some(Value::List(items)) => Some(items),
        Some(_) => None,
    }
}

/// Builds the model of one unit with the family's names.
pub(super) fn adapt_with(unit: &Unit, schema: &'static Schema, options: &AdaptOptions) -> Model {
    let region = &options.region;
    let mut a = Adapter {
        unit,
        s: schema,
        r: Resolver::new(&unit.resources),
        model: Model {
            resource_count: unit.resources.len(),
            ..Model::default()
        },
        vpc_of: HashMap::new(),
        subnet_of: HashMap::new(),
        table_of: HashMap::new(),
        sg_of: HashMap::new(),
        subnet_group_of: HashMap::new(),
        parameter_group_of: HashMap::new(),
        acl_of: HashMap::new(),
        endpoint_of: HashMap::new(),
        role_of: HashMap::new(),
        bucket_of: HashMap::new(),
        role_names: HashMap::new(),
        region_text: match region {
            UnitRegion::Written(name, _) | UnitRegion::Given(name) => name.clone(),
            UnitRegion::Unknown => crate::ir::region::STACK_REGION.to_string(),
        },
        subnet_group_names: HashMap::new(),
        parameter_group_names: HashMap::new(),
        original_main_of: HashMap::new(),
        state_rules_of: HashMap::new(),
        role_attachments: ClusterIndex::default(),
        logging_resources: ClusterIndex::default(),
        namespaces: HashMap::new(),
    };
    a.networks_and_groups();
    a.subnets_and_parameter_groups();
    a.subnet_groups();
    a.routes_and_associations();
    a.standalone_rules();
    a.network_acls();
    a.endpoints();
    a.buckets();
    a.roles();
    a.trails();
    a.warehouses(region);
    a.flow_logs();
    a.model.conditional = unit
        .resources
        .iter()
        .filter_map(|r| {
            let c = r.deployed_if.as_ref()?;
            Some(Conditional {
                address: r.address.clone(),
                span: r.span,
                condition: c.name.clone(),
                condition_span: c.span,
                per_element: c.per_element,
            })
        })
        .collect();
    a.model
}

impl<'a> Adapter<'a> {
    pub(super) fn managed(&self) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a> {
        self.unit
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.mode == Mode::Managed)
    }

    /// Links a node to a model object of one arena via the IR index map.
    pub(super) fn link(&self, node: &'a Node, arena: &HashMap<usize, Id>) -> Link {
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => arena.get(&idx).copied(),
            _ => None,
        };
        Link {
            target,
            span: node.span,
        }
    }

    /// A list attribute of links. Unset: `unset` as a default, or unknown; unknown too when an
    /// element is an empty id.
    pub(super) fn links(
        &self,
        res: &'a Resource,
        name: &str,
        arena: &HashMap<usize, Id>,
        unset: Option<Vec<Link>>,
    ) -> Val<Vec<Link>> {
        match present(&res.body, name) {
            None => match unset {
                Some(v) => Val::default(v, res.span),
                None => Val::unknown(res.span),
            },
            // An empty id is a placeholder (`!Split [",", !Ref Ids]` of an empty default), not
            // an object: the list is unknown.
            Some(node) => match self.r.list(node) {
                Some(items) if !items.iter().any(|n| self.r.string(n) == Some("")) => {
                    Val::explicit(
                        items.into_iter().map(|n| self.link(n, arena)).collect(),
                        node.span,
                    )
                }
                _ => Val::unknown(node.span),
            },
        }
    }

    /// A typed attribute: read when written, `unset()` otherwise, unknown when unreadable.
    pub(super) fn attr<T>(
        &self,
        res: &'a Resource,
        name: &'static str,
        read: impl FnOnce(&'a Node) -> Option<T>,
        unset: impl FnOnce() -> Val<T>,
    ) -> Val<T> {
        self.r.val(res.attr(name), read, unset).at(FieldSite {
            name,
            owner: res.body.span,
            value: res.attr(name).map(|n| n.span),
        })
    }

    /// A string, also one built from parts (`"com.amazonaws.${data.aws_region.x.name}.s3"`)
    /// when every part is known; the provider's region answers its data source.
    pub(super) fn text(&self, node: &'a Node) -> Option<String> {
        match &node.value {
            Value::Concat(parts) => parts.iter().map(|p| self.text(p)).collect(),
            Value::Ref(_) => self
                .region_of_data_source(node)
                .or_else(|| self.r.string(node).map(str::to_string)),
            _ => self.r.string(node).map(str::to_string),
        }
    }

    /// The region a reference to the region data source names: the one it asks for, or the
    /// provider's (the unit's) region.
    fn region_of_data_source(&self, node: &'a Node) -> Option<String> {
        let (kind, attrs, picks) = self.s.region_data_source?;
        let Target::Resource(idx, [attr]) = self.r.follow(node) else {
            return None;
        };
        let res = self.r.resources.get(idx).filter(|r| r.kind == kind)?;
        if !attrs.contains(&attr.as_str()) {
            return None;
        }
        match picks.iter().find_map(|p| present(&res.body, p)) {
            Some(picked) => self.r.string(picked).map(str::to_string),
            None => Some(self.region_text.clone()),
        }
    }

    pub(super) fn string(&self, res: &'a Resource, name: &str) -> Option<&'a str> {
        present(&res.body, name).and_then(|n| self.r.string(n))
    }

    /// VPCs, route tables (with inline routes) and security groups (with inline rules).
    fn networks_and_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed() {
            let kind = res.kind.as_str();
            if kind == s.vpc {
                let tenancy = self.attr(
                    res,
                    s.vpc_tenancy,
                    |n| self.r.string(n).map(str::to_string),
                    || Val::default(defaults::VPC_INSTANCE_TENANCY.to_string(), res.span),
                );
                // Unset (an IPAM pool allocates it): unknown.
                let cidr_block = self.attr(
                    res,
                    s.vpc_cidr,
                    |n| self.r.cidr(n),
                    || Val::unknown(res.span),
                );
                self.vpc_of.insert(idx, self.model.vpcs.len());
                self.model.vpcs.push(Vpc {
                    meta: meta(res),
                    instance_tenancy: tenancy,
                    cidr_block,
                    // Until a main association or default route table says otherwise, the main
                    // table is the one AWS created, with the local route only.
                    main_route_table: Val::derived(Some(Named::Other), res.span),
                });
            } else if s.route_tables.contains(&kind) {
                let mut routes = Vec::new();
                let mut routes_complete = Truth::True;
                if let Some((field, fields)) = s.inline_routes {
                    match items(&res.body, field) {
                        Some(list) => {
                            routes.extend(list.iter().map(|item| self.route(res, item, fields)))
                        }
                        None => routes_complete = Truth::Unknown,
                    }
                }
                self.table_of.insert(idx, self.model.route_tables.len());
                self.model.route_tables.push(RouteTable {
                    meta: meta(res),
                    routes,
                    routes_complete,
                });
            } else if s.security_groups.contains(&kind) {
                let state_rules = (
                    res.is_state_only(s.inline_ingress),
                    res.is_state_only(s.inline_egress),
                );
                if state_rules.0 || state_rules.1 {
                    self.state_rules_of
                        .insert(self.model.security_groups.len(), state_rules);
                }
                self.sg_of.insert(idx, self.model.security_groups.len());
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
    }

    fn subnets_and_parameter_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed() {
            let kind = res.kind.as_str();
            if kind == s.subnet {
                let vpc = present(&res.body, s.subnet_vpc).map(|n| self.link(n, &self.vpc_of));
                // Zone names and zone ids name zones differently; never compare across.
                let az = match (
                    present(&res.body, s.subnet_az),
                    present(&res.body, s.subnet_az_id),
                ) {
                    (Some(n), _) => self.r.string(n).map_or_else(
                        || Val::unknown(n.span),
                        |z| Val::explicit(format!("name:{z}"), n.span),
                    ),
                    (None, Some(n)) => self.r.string(n).map_or_else(
                        || Val::unknown(n.span),
                        |z| Val::explicit(format!("id:{z}"), n.span),
                    ),
                    // AWS picks one: unknown.
                    (None, None) => Val::unknown(res.span),
                };
                let public = self.attr(
                    res,
                    s.subnet_public_ip,
                    |n| self.r.bool(n),
                    || Val::default(defaults::SUBNET_MAP_PUBLIC_IP_ON_LAUNCH, res.span),
                );
                self.subnet_of.insert(idx, self.model.subnets.len());
                self.model.subnets.push(Subnet {
                    meta: meta(res),
                    vpc,
                    availability_zone: az,
                    map_public_ip_on_launch: public,
                    route_table: Val::derived(None, res.span),
                    network_acl: Val::derived(None, res.span),
                });
            } else if kind == s.parameter_group {
                let family = self.attr(
                    res,
                    s.parameter_group_family,
                    |n| self.r.string(n).map(str::to_string),
                    || Val::unknown(res.span),
                );
                let require_ssl = self.parameter(&res.body, s.parameters, res);
                let id = self.model.parameter_groups.len();
                self.parameter_group_of.insert(idx, id);
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
    }

    /// The `require_ssl` entry of a parameter list, when present; unknown when the list is.
    fn parameter(
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

    fn subnet_groups(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.subnet_group) {
            let subnets = self.links(res, s.subnet_group_subnets, &self.subnet_of, None);
            let id = self.model.subnet_groups.len();
            self.subnet_group_of.insert(idx, id);
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

    fn route(&self, owner: &'a Resource, item: &'a Node, fields: &RouteFields) -> Route {
        let destination = if let Some(n) =
            present(item, fields.destination_v4).or_else(|| present(item, fields.destination_v6))
        {
            self.r.cidr(n).map_or_else(
                || Val::unknown(n.span),
                |c| Val::explicit(Destination::Cidr(c), n.span),
            )
        } else if let Some(n) = present(item, fields.destination_prefix_list) {
            Val::explicit(Destination::PrefixList, n.span)
        } else {
            Val::unknown(item.span)
        };
        let named = fields
            .targets
            .iter()
            .find_map(|(key, reaches)| Some((present(item, key)?, reaches)));
        let target = named.map_or_else(
            || Val::unknown(item.span),
            |(node, reaches)| match reaches {
                Some(RouteTarget::NatGateway) if self.is_private_nat(node) => {
                    Val::explicit(RouteTarget::Other, node.span)
                }
                Some(t) => Val::explicit(*t, node.span),
                None => self.gateway_target(node),
            },
        );
        let gateway = named.and_then(|(node, _)| match self.r.follow(node) {
            Target::Resource(idx, _) => self.r.resources.get(idx).map(meta),
            _ => None,
        });
        Route {
            meta: meta(owner),
            destination,
            target,
            gateway,
        }
    }

    /// Is the NAT gateway a route names a private one (no internet)? Public is the default.
    fn is_private_nat(&self, node: &'a Node) -> bool {
        let (kind, field) = self.s.nat_gateway;
        match self.r.follow(node) {
            Target::Resource(idx, _) => self
                .r
                .resources
                .get(idx)
                .filter(|r| r.kind == kind)
                .and_then(|r| self.string(r, field))
                .is_some_and(|c| c.eq_ignore_ascii_case("private")),
            _ => false,
        }
    }

    /// What a gateway field reaches: an internet gateway, a virtual private gateway, `local`.
    fn gateway_target(&self, node: &'a Node) -> Val<RouteTarget> {
        let s = self.s;
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => {
                let kind = self.r.kind(idx);
                if s.internet_gateways.contains(&kind) {
                    Some(RouteTarget::InternetGateway)
                } else if s.vpc_endpoints.contains(&kind) {
                    Some(RouteTarget::VpcEndpoint)
                } else if s.other_gateways.contains(&kind) {
                    Some(RouteTarget::Other)
                } else {
                    None
                }
            }
            Target::Value(n) => n.as_str().and_then(|id| match id {
                "local" => Some(RouteTarget::Local),
                _ if id.starts_with("igw-") => Some(RouteTarget::InternetGateway),
                _ if id.starts_with("vgw-") || id.starts_with("tgw-") => Some(RouteTarget::Other),
                _ if id.starts_with("vpce-") => Some(RouteTarget::VpcEndpoint),
                _ => None,
            }),
            Target::Unknown => None,
        };
        target.map_or_else(|| Val::unknown(node.span), |t| Val::explicit(t, node.span))
    }

    /// What a route-table field names: a table in scope, the original main table of a VPC in
    /// scope (`aws_vpc.x.default_route_table_id` or `main_route_table_id`), or neither (a table
    /// out of scope, or unknown).
    pub(super) fn table_ref(&self, node: &'a Node) -> TableRef {
        match self.r.follow(node) {
            Target::Resource(idx, path) => {
                if let Some(&table) = self.table_of.get(&idx) {
                    return TableRef::Table(table);
                }
                match (self.vpc_of.get(&idx), path) {
                    (Some(&vpc), [attr])
                        if attr == "default_route_table_id" || attr == "main_route_table_id" =>
                    {
                        TableRef::MainOf(vpc)
                    }
                    _ => TableRef::Other,
                }
            }
            _ => TableRef::Other,
        }
    }

    /// What an association's subnet field names.
    fn subnet_ref(&self, node: &'a Node) -> SubnetRef {
        match self.r.follow(node) {
            Target::Resource(idx, path) => match self.subnet_of.get(&idx) {
                Some(&subnet) => SubnetRef::InScope(subnet),
                // A computed attribute of another resource (`aws_instance.x.subnet_id`): it
                // may be any subnet.
                None if path.iter().any(|p| p != "id") => SubnetRef::Unknown,
                None => SubnetRef::Elsewhere,
            },
            // A literal id that no subnet in scope has.
            Target::Value(_) => SubnetRef::Elsewhere,
            Target::Unknown => SubnetRef::Unknown,
        }
    }

    /// The table a [`TableRef`] leaves a subnet or VPC with: a table in scope, the VPC's
    /// original main table as AWS created it ([`Named::Other`]), or unknown (None).
    fn effective_table(&self, table: TableRef) -> Option<Named> {
        match table {
            TableRef::Table(id) => Some(Named::InScope(id)),
            TableRef::MainOf(vpc) => Some(
                self.original_main_of
                    .get(&vpc)
                    .map_or(Named::Other, |&t| Named::InScope(t)),
            ),
            TableRef::Other => None,
        }
    }

    /// Standalone routes, subnet associations and main route tables.
    fn routes_and_associations(&mut self) {
        let s = self.s;
        let mut main_of_vpc: HashMap<Id, TableRef> = HashMap::new();
        let mut table_of_subnet: HashMap<Id, TableRef> = HashMap::new();
        // Routes written into a VPC's original main table through the VPC's attribute.
        let mut main_routes: Vec<(Id, Route)> = Vec::new();
        // An association whose subnet cannot be told: it may be any subnet in scope.
        let mut unknown_association = false;
        for (idx, res) in self.managed() {
            let kind = res.kind.as_str();
            if kind == s.route {
                let route = self.route(res, &res.body, s.route_fields);
                match present(&res.body, s.route_table_field).map(|n| self.table_ref(n)) {
                    Some(TableRef::Table(table)) => {
                        if let Some(t) = self.model.route_tables.get_mut(table) {
                            t.routes.push(route);
                        }
                    }
                    Some(TableRef::MainOf(vpc)) => main_routes.push((vpc, route)),
                    Some(TableRef::Other) | None => {}
                }
            } else if kind == s.association.0 {
                let Some(subnet) = present(&res.body, s.association.1) else {
                    // A gateway association: no subnet.
                    continue;
                };
                let subnet = match self.subnet_ref(subnet) {
                    SubnetRef::InScope(id) => id,
                    SubnetRef::Elsewhere => continue,
                    SubnetRef::Unknown => {
                        unknown_association = true;
                        continue;
                    }
                };
                let table = present(&res.body, s.association.2)
                    .map_or(TableRef::Other, |n| self.table_ref(n));
                table_of_subnet.insert(subnet, table);
            } else if let Some((_, vpc_field, table_field)) =
                s.main_association.filter(|m| m.0 == kind)
            {
                let Some(vpc) =
                    present(&res.body, vpc_field).and_then(|n| self.link(n, &self.vpc_of).target)
                else {
                    continue;
                };
                let table =
                    present(&res.body, table_field).map_or(TableRef::Other, |n| self.table_ref(n));
                main_of_vpc.insert(vpc, table);
            } else if let Some((_, field)) = s.default_route_table.filter(|d| d.0 == kind) {
                // `default_route_table_id = aws_vpc.x.default_route_table_id` adopts the VPC's
                // original main table.
                if let (Some(TableRef::MainOf(vpc)), Some(&table)) = (
                    present(&res.body, field).map(|n| self.table_ref(n)),
                    self.table_of.get(&idx),
                ) {
                    self.original_main_of.insert(vpc, table);
                }
            }
        }
        // Routes added to a VPC's original main table: the adopting table in scope, or a
        // table modelled for the one AWS created (the local route plus the routes written
        // here), so that its routes are known.
        for (vpc, route) in main_routes {
            let table = match self.original_main_of.get(&vpc) {
                Some(&table) => table,
                None => {
                    let Some(meta) = self.model.vpcs.get(vpc).map(|v| v.meta.clone()) else {
                        continue;
                    };
                    let table = self.model.route_tables.len();
                    self.model.route_tables.push(RouteTable {
                        meta,
                        routes: Vec::new(),
                        routes_complete: Truth::True,
                    });
                    self.original_main_of.insert(vpc, table);
                    table
                }
            };
            if let Some(t) = self.model.route_tables.get_mut(table) {
                t.routes.push(route);
            }
        }
        let mains: Vec<Option<Named>> = (0..self.model.vpcs.len())
            .map(|vpc| match main_of_vpc.get(&vpc) {
                // Made main by an association: the table in scope, or unknown.
                Some(&table) => self.effective_table(table),
                None => self.effective_table(TableRef::MainOf(vpc)),
            })
            .collect();
        for (vpc, main) in self.model.vpcs.iter_mut().zip(mains) {
            vpc.main_route_table.value = main;
        }
        let tables: Vec<Option<Named>> = self
            .model
            .subnets
            .iter()
            .enumerate()
            .map(
                |(subnet_id, subnet)| match table_of_subnet.get(&subnet_id) {
                    Some(&table) => self.effective_table(table),
                    // Some association names a subnet that cannot be told: this subnet may be it,
                    // so its table is unknown, not the main one.
                    None if unknown_association => None,
                    None => match subnet.vpc.and_then(|l| l.target) {
                        Some(vpc) => self
                            .model
                            .vpcs
                            .get(vpc)
                            .and_then(|v| v.main_route_table.value),
                        // The VPC is not in scope: its main table is unknown.
                        None => None,
                    },
                },
            )
            .collect();
        for (subnet, table) in self.model.subnets.iter_mut().zip(tables) {
            subnet.route_table.value = table;
        }
    }

    /// The rules one item (inline block, list entry, or standalone resource) describes: one
    /// per peer.
    fn rules(
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

    /// Standalone rule resources, attached to their group when it is in scope.
    ///
    /// A plan shows an existing group that writes no inline rules with the rules its state
    /// holds: those of the standalone rule resources, including ones this plan deletes. Where
    /// standalone rules attach to the group, they are its rules (the provider does not let
    /// inline and standalone rules manage one group together), and the state is dropped.
    /// Without any, the state stays, less the rules of standalone resources the plan destroys:
    /// it may be a `dynamic` block's rules, which a plan's configuration does not show.
    fn standalone_rules(&mut self) {
        let mut adds: Vec<(Id, bool, Vec<SecurityGroupRule>)> = Vec::new();
        let mut unknown_direction: Vec<Id> = Vec::new();
        let mut managed_apart: Vec<Id> = Vec::new();
        for (_, res) in self.managed() {
            let Some(spec) = self.s.standalone_rules.iter().find(|s| s.kind == res.kind) else {
                continue;
            };
            let Some(sg) =
                present(&res.body, spec.group).and_then(|n| self.link(n, &self.sg_of).target)
            else {
                continue;
            };
            managed_apart.push(sg);
            let ingress = match spec.direction {
                Direction::Ingress => true,
                Direction::Egress => false,
                Direction::Field(field) => match self.string(res, field) {
                    Some("ingress") => true,
                    Some("egress") => false,
                    _ => {
                        unknown_direction.push(sg);
                        continue;
                    }
                },
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
            let Some(sg) =
                present(&res.body, spec.group).and_then(|n| self.link(n, &self.sg_of).target)
            else {
                continue;
            };
            let Some(&(ingress_state, egress_state)) = self.state_rules_of.get(&sg) else {
                continue;
            };
            let ingress = match spec.direction {
                Direction::Ingress => Some(true),
                Direction::Egress => Some(false),
                Direction::Field(field) => match self.string(res, field) {
                    Some("ingress") => Some(true),
                    Some("egress") => Some(false),
                    _ => None,
                },
            };
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

    /// A group reference written as a resource link or a literal name.
    fn named_link(
        &self,
        node: &'a Node,
        arena: &HashMap<usize, Id>,
        names: &HashMap<String, Id>,
    ) -> Option<Link> {
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => arena.get(&idx).copied(),
            Target::Value(v) => names.get(&v.as_str()?.to_ascii_lowercase()).copied(),
            Target::Unknown => return None,
        };
        Some(Link {
            target,
            span: node.span,
        })
    }

    fn warehouses(&mut self, region: &UnitRegion) {
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
                            &self.subnet_group_of,
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
                                &self.parameter_group_of,
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
                            &self.sg_of,
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
                    }
                }
                WarehouseKind::Workgroup => Warehouse {
                    meta: meta(res),
                    kind,
                    publicly_accessible,
                    port,
                    subnet_group: Val::default(None, res.span),
                    subnets: self.links(res, s.workgroup_subnets, &self.subnet_of, None),
                    security_groups: self.links(
                        res,
                        s.workgroup_security_groups,
                        &self.sg_of,
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
                },
            };
            self.model.warehouses.push(warehouse);
        }
    }

    fn flow_logs(&mut self) {
        let s = self.s;
        for (_, res) in self.managed().filter(|(_, r)| r.kind == s.flow_log) {
            let vpc = match s.flow_log_target {
                FlowLogTarget::VpcField(field) => self.vpc_target(present(&res.body, field)),
                FlowLogTarget::Typed {
                    type_field,
                    id_field,
                } => match present(&res.body, type_field) {
                    None => Some(Named::Other),
                    Some(t) => match self.r.string(t) {
                        Some(t) if t.eq_ignore_ascii_case("VPC") => {
                            self.vpc_target(present(&res.body, id_field))
                        }
                        // A log on a subnet, an interface, …: not on a VPC.
                        Some(_) => Some(Named::Other),
                        None => None,
                    },
                },
            };
            self.model.flow_logs.push(FlowLog {
                meta: meta(res),
                vpc: Val::derived(vpc, res.span),
            });
        }
    }

    /// Which VPC in scope a flow log's target field names ([`Named::Other`]: none in scope);
    /// None when unknown.
    fn vpc_target(&self, node: Option<&'a Node>) -> Option<Named> {
        match node {
            None => Some(Named::Other),
            Some(n) => match self.r.follow(n) {
                Target::Resource(idx, _) => Some(
                    self.vpc_of
                        .get(&idx)
                        .map_or(Named::Other, |&v| Named::InScope(v)),
                ),
                Target::Value(_) => Some(Named::Other),
                Target::Unknown => None,
            },
        }
    }
}

impl UnitRegion {
    /// The region as a value of the resource `res` (reported at the resource unless written).
    fn of(&self, res: &Resource) -> Val<String> {
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
