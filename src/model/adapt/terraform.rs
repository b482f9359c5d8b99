//! The Terraform adapter: `aws_*` resources (from HCL or, later, plan JSON) into the model.

use super::AdaptOptions;
use super::resolve::{Resolver, Target};
use crate::ir::{Family, Mode, Node, Resource, Unit, Value};
use crate::model::defaults;
use crate::model::{
    Destination, FlowLog, Id, Link, Meta, Model, ParameterGroup, ParameterGroupChoice, Peer, Route,
    RouteTable, RouteTarget, SecurityGroup, SecurityGroupRule, Subnet, SubnetGroup, Truth, Val,
    Vpc, Warehouse, WarehouseKind,
};
use std::collections::HashMap;

/// Route target attributes, in the order Terraform documents them, with what they reach.
const ROUTE_TARGETS: [(&str, Option<RouteTarget>); 10] = [
    ("gateway_id", None), // internet gateway, virtual private gateway or `local`: decided below
    ("nat_gateway_id", Some(RouteTarget::NatGateway)),
    (
        "egress_only_gateway_id",
        Some(RouteTarget::EgressOnlyInternetGateway),
    ),
    ("vpc_endpoint_id", Some(RouteTarget::VpcEndpoint)),
    ("transit_gateway_id", Some(RouteTarget::Other)),
    ("vpc_peering_connection_id", Some(RouteTarget::Other)),
    ("network_interface_id", Some(RouteTarget::Other)),
    ("local_gateway_id", Some(RouteTarget::Other)),
    ("carrier_gateway_id", Some(RouteTarget::Other)),
    ("core_network_arn", Some(RouteTarget::Other)),
];

struct Adapter<'a> {
    unit: &'a Unit,
    r: Resolver<'a>,
    model: Model,
    /// IR resource index → model id, per model arena.
    vpc_of: HashMap<usize, Id>,
    subnet_of: HashMap<usize, Id>,
    table_of: HashMap<usize, Id>,
    sg_of: HashMap<usize, Id>,
    subnet_group_of: HashMap<usize, Id>,
    parameter_group_of: HashMap<usize, Id>,
    /// Lower-cased names of subnet and parameter groups, for literal names.
    subnet_group_names: HashMap<String, Id>,
    parameter_group_names: HashMap<String, Id>,
}

fn meta(res: &Resource) -> Meta {
    Meta {
        address: res.address.clone(),
        kind: res.kind.clone(),
        span: res.span,
        origin: res.origin,
    }
}

/// A written, non-null, non-empty attribute (plans show unset targets as `""` or null).
fn present<'a>(res: &'a Resource, name: &str) -> Option<&'a Node> {
    res.attr(name).filter(|n| match &n.value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        _ => true,
    })
}

/// The nested blocks `name` of a body, or None when they are not knowable.
fn blocks<'a>(node: &'a Node, name: &str) -> Option<&'a [Node]> {
    match node.get(name).map(|n| &n.value) {
        None | Some(Value::Null) => Some(&[]),
        Some(Value::List(items)) => Some(items),
        Some(_) => None,
    }
}

pub(super) fn adapt_terraform(unit: &Unit, options: &AdaptOptions) -> Model {
    let mut a = Adapter {
        unit,
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
        subnet_group_names: HashMap::new(),
        parameter_group_names: HashMap::new(),
    };
    a.objects();
    a.routes_and_associations();
    a.security_group_rules();
    a.warehouses(&region(unit, options));
    a.flow_logs();
    a.model
}

/// The region: the AWS provider's when written and known, else the fallback.
fn region(unit: &Unit, options: &AdaptOptions) -> String {
    unit.settings
        .provider_region
        .as_ref()
        .and_then(|n| n.as_str())
        .map_or_else(|| options.fallback_region.clone(), str::to_string)
}

impl<'a> Adapter<'a> {
    fn managed(&self) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a> {
        self.unit
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.mode == Mode::Managed && r.family == Family::Terraform)
    }

    /// Links a node to a model object of one arena via the IR index map.
    fn link(&self, node: &'a Node, arena: &HashMap<usize, Id>) -> Link {
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => arena.get(&idx).copied(),
            _ => None,
        };
        Link {
            target,
            span: node.span,
        }
    }

    /// A list attribute of links. Unset: `unset`; not a knowable list: unknown.
    fn links(
        &self,
        res: &'a Resource,
        name: &str,
        arena: &HashMap<usize, Id>,
        unset: Option<Vec<Link>>,
    ) -> Val<Vec<Link>> {
        match present(res, name) {
            None => match unset {
                Some(v) => Val::default(v, res.span),
                None => Val::unknown(res.span),
            },
            Some(node) => match self.r.list(node) {
                Some(items) => Val::explicit(
                    items.into_iter().map(|n| self.link(n, arena)).collect(),
                    node.span,
                ),
                None => Val::unknown(node.span),
            },
        }
    }

    /// First pass: the objects other objects link to.
    fn objects(&mut self) {
        for (idx, res) in self.managed() {
            match res.kind.as_str() {
                "aws_vpc" => {
                    let tenancy = self.r.val(
                        res.attr("instance_tenancy"),
                        |n| self.r.string(n).map(str::to_string),
                        || Val::default(defaults::VPC_INSTANCE_TENANCY.to_string(), res.span),
                    );
                    self.vpc_of.insert(idx, self.model.vpcs.len());
                    self.model.vpcs.push(Vpc {
                        meta: meta(res),
                        instance_tenancy: tenancy,
                        // Until a main association or default route table says otherwise,
                        // the main table is the one AWS created, with the local route only.
                        main_route_table: Some(None),
                    });
                }
                "aws_route_table" | "aws_default_route_table" => {
                    let mut routes = Vec::new();
                    let routes_known = match blocks(&res.body, "route") {
                        Some(items) => {
                            for item in items {
                                routes.push(self.route(
                                    res,
                                    item,
                                    "cidr_block",
                                    "ipv6_cidr_block",
                                    "destination_prefix_list_id",
                                ));
                            }
                            true
                        }
                        None => false,
                    };
                    self.table_of.insert(idx, self.model.route_tables.len());
                    self.model.route_tables.push(RouteTable {
                        meta: meta(res),
                        routes,
                        routes_known,
                    });
                }
                "aws_security_group" | "aws_default_security_group" => {
                    self.sg_of.insert(idx, self.model.security_groups.len());
                    let mut sg = SecurityGroup {
                        meta: meta(res),
                        ingress: Vec::new(),
                        egress: Vec::new(),
                        ingress_known: true,
                    };
                    match blocks(&res.body, "ingress") {
                        Some(items) => {
                            for item in items {
                                self.inline_rules(res, item, &mut sg.ingress);
                            }
                        }
                        None => sg.ingress_known = false,
                    }
                    if let Some(items) = blocks(&res.body, "egress") {
                        for item in items {
                            self.inline_rules(res, item, &mut sg.egress);
                        }
                    }
                    self.model.security_groups.push(sg);
                }
                _ => {}
            }
        }
        // Subnets and groups link to the objects above.
        for (idx, res) in self.managed() {
            match res.kind.as_str() {
                "aws_subnet" => {
                    let vpc = present(res, "vpc_id").map(|n| self.link(n, &self.vpc_of));
                    let az = match (
                        present(res, "availability_zone"),
                        present(res, "availability_zone_id"),
                    ) {
                        (Some(n), _) => self.r.string(n).map_or_else(
                            || Val::unknown(n.span),
                            |s| Val::explicit(format!("name:{s}"), n.span),
                        ),
                        (None, Some(n)) => self.r.string(n).map_or_else(
                            || Val::unknown(n.span),
                            |s| Val::explicit(format!("id:{s}"), n.span),
                        ),
                        // AWS picks one: unknown.
                        (None, None) => Val::unknown(res.span),
                    };
                    let public = self.r.val(
                        res.attr("map_public_ip_on_launch"),
                        |n| self.r.bool(n),
                        || Val::default(defaults::SUBNET_MAP_PUBLIC_IP_ON_LAUNCH, res.span),
                    );
                    self.subnet_of.insert(idx, self.model.subnets.len());
                    self.model.subnets.push(Subnet {
                        meta: meta(res),
                        vpc,
                        availability_zone: az,
                        map_public_ip_on_launch: public,
                        route_table: None,
                    });
                }
                "aws_redshift_parameter_group" => {
                    let family = self.r.val(
                        res.attr("family"),
                        |n| self.r.string(n).map(str::to_string),
                        || Val::unknown(res.span),
                    );
                    let require_ssl = match blocks(&res.body, "parameter") {
                        Some(items) => items.iter().find_map(|p| {
                            let name = p.get("name").and_then(|n| self.r.string(n))?;
                            if !name.eq_ignore_ascii_case("require_ssl") {
                                return None;
                            }
                            let value = p.get("value")?;
                            Some(self.r.bool(value).map_or_else(
                                || Val::unknown(value.span),
                                |b| Val::explicit(b, value.span),
                            ))
                        }),
                        None => Some(Val::unknown(res.span)),
                    };
                    let id = self.model.parameter_groups.len();
                    self.parameter_group_of.insert(idx, id);
                    if let Some(name) = present(res, "name").and_then(|n| self.r.string(n)) {
                        self.parameter_group_names
                            .insert(name.to_ascii_lowercase(), id);
                    }
                    self.model.parameter_groups.push(ParameterGroup {
                        meta: meta(res),
                        family,
                        require_ssl,
                    });
                }
                _ => {}
            }
        }
        for (idx, res) in self.managed() {
            if res.kind == "aws_redshift_subnet_group" {
                let subnets = self.links(res, "subnet_ids", &self.subnet_of, None);
                let id = self.model.subnet_groups.len();
                self.subnet_group_of.insert(idx, id);
                if let Some(name) = present(res, "name").and_then(|n| self.r.string(n)) {
                    self.subnet_group_names
                        .insert(name.to_ascii_lowercase(), id);
                }
                self.model.subnet_groups.push(SubnetGroup {
                    meta: meta(res),
                    subnets,
                });
            }
        }
    }

    fn route(
        &self,
        owner: &'a Resource,
        item: &'a Node,
        v4: &str,
        v6: &str,
        prefix_list: &str,
    ) -> Route {
        let get = |k: &str| {
            item.get(k)
                .filter(|n| !matches!(&n.value, Value::Null) && n.as_str() != Some(""))
        };
        let destination = if let Some(n) = get(v4).or_else(|| get(v6)) {
            self.r.cidr(n).map_or_else(
                || Val::unknown(n.span),
                |c| Val::explicit(Destination::Cidr(c), n.span),
            )
        } else if let Some(n) = get(prefix_list) {
            Val::explicit(Destination::PrefixList, n.span)
        } else {
            Val::unknown(item.span)
        };
        let target = ROUTE_TARGETS
            .iter()
            .find_map(|(key, reaches)| {
                let node = get(key)?;
                Some(match reaches {
                    Some(t) => Val::explicit(*t, node.span),
                    None => self.gateway_target(node),
                })
            })
            .unwrap_or_else(|| Val::unknown(item.span));
        Route {
            meta: meta(owner),
            destination,
            target,
        }
    }

    /// What a `gateway_id` reaches: an internet gateway, a virtual private gateway, `local`.
    fn gateway_target(&self, node: &'a Node) -> Val<RouteTarget> {
        let target = match self.r.follow(node) {
            Target::Resource(idx, _) => match self.r.kind(idx) {
                "aws_internet_gateway" => Some(RouteTarget::InternetGateway),
                "aws_vpc_endpoint" => Some(RouteTarget::VpcEndpoint),
                "aws_vpn_gateway" | "aws_ec2_transit_gateway" => Some(RouteTarget::Other),
                _ => None,
            },
            Target::Value(n) => n.as_str().and_then(|s| {
                if s == "local" {
                    Some(RouteTarget::Local)
                } else if s.starts_with("igw-") {
                    Some(RouteTarget::InternetGateway)
                } else if s.starts_with("vgw-") {
                    Some(RouteTarget::Other)
                } else if s.starts_with("vpce-") {
                    Some(RouteTarget::VpcEndpoint)
                } else {
                    None
                }
            }),
            Target::Unknown => None,
        };
        target.map_or_else(|| Val::unknown(node.span), |t| Val::explicit(t, node.span))
    }

    /// Second pass: standalone routes, subnet and main route table associations.
    fn routes_and_associations(&mut self) {
        let mut main_of_vpc: HashMap<Id, Option<Id>> = HashMap::new();
        let mut default_of_vpc: HashMap<Id, Id> = HashMap::new();
        let mut table_of_subnet: HashMap<Id, Option<Id>> = HashMap::new();
        for (idx, res) in self.managed() {
            match res.kind.as_str() {
                "aws_route" => {
                    let route = self.route(
                        res,
                        &res.body,
                        "destination_cidr_block",
                        "destination_ipv6_cidr_block",
                        "destination_prefix_list_id",
                    );
                    if let Some(table) = present(res, "route_table_id")
                        .and_then(|n| self.link(n, &self.table_of).target)
                    {
                        if let Some(t) = self.model.route_tables.get_mut(table) {
                            t.routes.push(route);
                        }
                    }
                }
                "aws_route_table_association" => {
                    let Some(subnet) = present(res, "subnet_id")
                        .and_then(|n| self.link(n, &self.subnet_of).target)
                    else {
                        continue;
                    };
                    let table = present(res, "route_table_id")
                        .and_then(|n| self.link(n, &self.table_of).target);
                    table_of_subnet.insert(subnet, table);
                }
                "aws_main_route_table_association" => {
                    let Some(vpc) =
                        present(res, "vpc_id").and_then(|n| self.link(n, &self.vpc_of).target)
                    else {
                        continue;
                    };
                    let table = present(res, "route_table_id")
                        .and_then(|n| self.link(n, &self.table_of).target);
                    main_of_vpc.insert(vpc, table);
                }
                "aws_default_route_table" => {
                    // `default_route_table_id = aws_vpc.x.default_route_table_id` adopts the
                    // VPC's original main table.
                    if let Some(Target::Resource(vpc_idx, [attr])) =
                        present(res, "default_route_table_id").map(|n| self.r.follow(n))
                    {
                        if attr != "default_route_table_id" && attr != "main_route_table_id" {
                            continue;
                        }
                        if let (Some(&vpc), Some(&table)) =
                            (self.vpc_of.get(&vpc_idx), self.table_of.get(&idx))
                        {
                            default_of_vpc.insert(vpc, table);
                        }
                    }
                }
                _ => {}
            }
        }
        for (vpc_id, vpc) in self.model.vpcs.iter_mut().enumerate() {
            vpc.main_route_table = match main_of_vpc.get(&vpc_id) {
                // Made main by an association: the table in scope, or unknown.
                Some(Some(table)) => Some(Some(*table)),
                Some(None) => None,
                None => Some(default_of_vpc.get(&vpc_id).copied()),
            };
        }
        for (subnet_id, subnet) in self.model.subnets.iter_mut().enumerate() {
            subnet.route_table = match table_of_subnet.get(&subnet_id) {
                Some(Some(table)) => Some(Some(*table)),
                Some(None) => None,
                None => match subnet.vpc.and_then(|l| l.target) {
                    Some(vpc) => self.model.vpcs.get(vpc).and_then(|v| v.main_route_table),
                    // The VPC is not in scope: its main table is unknown.
                    None => None,
                },
            };
        }
    }

    /// The rules of one inline `ingress`/`egress` block: one per peer.
    fn inline_rules(&self, owner: &'a Resource, item: &'a Node, out: &mut Vec<SecurityGroupRule>) {
        let protocol = item.get("protocol").map_or_else(
            || Val::unknown(item.span),
            |n| {
                self.r
                    .protocol(n)
                    .map_or_else(|| Val::unknown(n.span), |p| Val::explicit(p, n.span))
            },
        );
        let ports = self
            .r
            .ports(protocol.value, item.get("from_port"), item.get("to_port"));
        let ports = ports.map_or_else(|| Val::unknown(item.span), |p| Val::explicit(p, item.span));
        let rule = |peer: Val<Peer>| SecurityGroupRule {
            meta: meta(owner),
            protocol: protocol.clone(),
            ports: ports.clone(),
            peer,
        };
        for key in ["cidr_blocks", "ipv6_cidr_blocks"] {
            let Some(node) = item.get(key).filter(|n| !matches!(n.value, Value::Null)) else {
                continue;
            };
            match self.r.list(node) {
                Some(items) => {
                    for cidr in items {
                        out.push(rule(self.r.cidr(cidr).map_or_else(
                            || Val::unknown(cidr.span),
                            |c| Val::explicit(Peer::Cidr(c), cidr.span),
                        )));
                    }
                }
                None => out.push(rule(Val::unknown(node.span))),
            }
        }
        for (key, peer) in [
            ("prefix_list_ids", Peer::PrefixList),
            ("security_groups", Peer::SecurityGroup),
        ] {
            if let Some(items) = item.get(key).and_then(|n| self.r.list(n)) {
                for n in items {
                    out.push(rule(Val::explicit(peer.clone(), n.span)));
                }
            }
        }
        if let Some(n) = item
            .get("source_security_group_id")
            .filter(|n| !matches!(n.value, Value::Null))
        {
            out.push(rule(Val::explicit(Peer::SecurityGroup, n.span)));
        }
        if let Some(n) = item.get("self").filter(|n| self.r.bool(n) == Some(true)) {
            out.push(rule(Val::explicit(Peer::Itself, n.span)));
        }
    }

    /// Standalone rule resources, attached to their group when it is in scope.
    fn security_group_rules(&mut self) {
        let mut adds: Vec<(Id, bool, Vec<SecurityGroupRule>)> = Vec::new();
        for (_, res) in self.managed() {
            let Some(sg) =
                present(res, "security_group_id").and_then(|n| self.link(n, &self.sg_of).target)
            else {
                continue;
            };
            match res.kind.as_str() {
                "aws_security_group_rule" => {
                    let ingress = match present(res, "type").and_then(|n| self.r.string(n)) {
                        Some("ingress") => true,
                        Some("egress") => false,
                        _ => {
                            if let Some(g) = self.model.security_groups.get_mut(sg) {
                                g.ingress_known = false;
                            }
                            continue;
                        }
                    };
                    let mut rules = Vec::new();
                    self.inline_rules(res, &res.body, &mut rules);
                    adds.push((sg, ingress, rules));
                }
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    let ingress = res.kind == "aws_vpc_security_group_ingress_rule";
                    let protocol = res.attr("ip_protocol").map_or_else(
                        || Val::unknown(res.span),
                        |n| {
                            self.r
                                .protocol(n)
                                .map_or_else(|| Val::unknown(n.span), |p| Val::explicit(p, n.span))
                        },
                    );
                    let ports =
                        self.r
                            .ports(protocol.value, res.attr("from_port"), res.attr("to_port"));
                    let ports = ports
                        .map_or_else(|| Val::unknown(res.span), |p| Val::explicit(p, res.span));
                    let peer = if let Some(n) =
                        present(res, "cidr_ipv4").or_else(|| present(res, "cidr_ipv6"))
                    {
                        self.r.cidr(n).map_or_else(
                            || Val::unknown(n.span),
                            |c| Val::explicit(Peer::Cidr(c), n.span),
                        )
                    } else if let Some(n) = present(res, "prefix_list_id") {
                        Val::explicit(Peer::PrefixList, n.span)
                    } else if let Some(n) = present(res, "referenced_security_group_id") {
                        Val::explicit(Peer::SecurityGroup, n.span)
                    } else {
                        Val::unknown(res.span)
                    };
                    adds.push((
                        sg,
                        ingress,
                        vec![SecurityGroupRule {
                            meta: meta(res),
                            protocol,
                            ports,
                            peer,
                        }],
                    ));
                }
                _ => {}
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

    fn warehouses(&mut self, region: &str) {
        let constraints = &self.unit.settings.aws_provider_constraints;
        for (_, res) in self.managed() {
            let kind = match res.kind.as_str() {
                "aws_redshift_cluster" => WarehouseKind::Cluster,
                "aws_redshiftserverless_workgroup" => WarehouseKind::Workgroup,
                _ => continue,
            };
            let publicly_accessible = self.r.val(
                res.attr("publicly_accessible"),
                |n| self.r.bool(n),
                || match kind {
                    WarehouseKind::Workgroup => {
                        Val::default(defaults::WORKGROUP_PUBLICLY_ACCESSIBLE, res.span)
                    }
                    WarehouseKind::Cluster => {
                        match defaults::cluster_publicly_accessible(Family::Terraform, constraints)
                        {
                            Truth::True => Val::default(true, res.span),
                            Truth::False => Val::default(false, res.span),
                            Truth::Unknown => Val {
                                value: None,
                                span: res.span,
                                origin: crate::model::Origin::Default,
                            },
                        }
                    }
                },
            );
            let port = self.r.val(
                res.attr("port"),
                |n| self.r.number(n).and_then(|p| u16::try_from(p as i64).ok()),
                || Val::default(defaults::WAREHOUSE_PORT, res.span),
            );
            let (subnet_group, subnets, security_groups, parameter_group, require_ssl, legacy) =
                match kind {
                    WarehouseKind::Cluster => {
                        let subnet_group = match present(res, "cluster_subnet_group_name") {
                            None => Val::default(None, res.span),
                            Some(n) => match self.r.follow(n) {
                                Target::Resource(idx, _) => Val::explicit(
                                    Some(Link {
                                        target: self.subnet_group_of.get(&idx).copied(),
                                        span: n.span,
                                    }),
                                    n.span,
                                ),
                                Target::Value(v) => match v.as_str() {
                                    Some(name) => Val::explicit(
                                        Some(Link {
                                            target: self
                                                .subnet_group_names
                                                .get(&name.to_ascii_lowercase())
                                                .copied(),
                                            span: n.span,
                                        }),
                                        n.span,
                                    ),
                                    None => Val::unknown(n.span),
                                },
                                Target::Unknown => Val::unknown(n.span),
                            },
                        };
                        let subnets = match subnet_group.known() {
                            Some(Some(Link {
                                target: Some(g), ..
                            })) => self.model.subnet_groups.get(*g).map_or_else(
                                || Val::unknown(res.span),
                                |g| Val {
                                    origin: crate::model::Origin::Derived,
                                    ..g.subnets.clone()
                                },
                            ),
                            _ => Val::unknown(res.span),
                        };
                        let sgs = self.links(
                            res,
                            "vpc_security_group_ids",
                            &self.sg_of,
                            Some(Vec::new()),
                        );
                        let parameter_group = match present(res, "cluster_parameter_group_name") {
                            None => Val::default(ParameterGroupChoice::Default, res.span),
                            Some(n) => match self.r.follow(n) {
                                Target::Resource(idx, _) => Val::explicit(
                                    self.parameter_group_of
                                        .get(&idx)
                                        .map_or(ParameterGroupChoice::OutOfScope, |id| {
                                            ParameterGroupChoice::InScope(*id)
                                        }),
                                    n.span,
                                ),
                                Target::Value(v) => match v.as_str() {
                                    Some(name)
                                        if name.to_ascii_lowercase().starts_with("default.") =>
                                    {
                                        Val::explicit(
                                            ParameterGroupChoice::Builtin(
                                                name.to_ascii_lowercase(),
                                            ),
                                            n.span,
                                        )
                                    }
                                    Some(name) => Val::explicit(
                                        self.parameter_group_names
                                            .get(&name.to_ascii_lowercase())
                                            .map_or(ParameterGroupChoice::OutOfScope, |id| {
                                                ParameterGroupChoice::InScope(*id)
                                            }),
                                        n.span,
                                    ),
                                    None => Val::unknown(n.span),
                                },
                                Target::Unknown => Val::unknown(n.span),
                            },
                        };
                        let legacy =
                            present(res, "cluster_security_groups").and_then(|n| {
                                match self.r.list(n) {
                                    Some(items) if items.is_empty() => None,
                                    _ => Some(n.span),
                                }
                            });
                        (subnet_group, subnets, sgs, parameter_group, None, legacy)
                    }
                    WarehouseKind::Workgroup => {
                        let subnets = self.links(res, "subnet_ids", &self.subnet_of, None);
                        let sgs =
                            self.links(res, "security_group_ids", &self.sg_of, Some(Vec::new()));
                        let require_ssl = match blocks(&res.body, "config_parameter") {
                            Some(items) => items.iter().find_map(|p| {
                                let key = p.get("parameter_key").and_then(|n| self.r.string(n))?;
                                if !key.eq_ignore_ascii_case("require_ssl") {
                                    return None;
                                }
                                let value = p.get("parameter_value")?;
                                Some(self.r.bool(value).map_or_else(
                                    || Val::unknown(value.span),
                                    |b| Val::explicit(b, value.span),
                                ))
                            }),
                            None => Some(Val::unknown(res.span)),
                        };
                        (
                            Val::default(None, res.span),
                            subnets,
                            sgs,
                            Val::default(ParameterGroupChoice::Default, res.span),
                            require_ssl,
                            None,
                        )
                    }
                };
            self.model.warehouses.push(Warehouse {
                meta: meta(res),
                kind,
                publicly_accessible,
                port,
                subnet_group,
                subnets,
                security_groups,
                legacy_security_groups: legacy,
                parameter_group,
                require_ssl,
                region: region.to_string(),
            });
        }
    }

    fn flow_logs(&mut self) {
        for (_, res) in self.managed() {
            if res.kind != "aws_flow_log" {
                continue;
            }
            let vpc = match present(res, "vpc_id") {
                None => Some(None),
                Some(n) => match self.r.follow(n) {
                    Target::Resource(idx, _) => Some(self.vpc_of.get(&idx).copied()),
                    Target::Value(_) => Some(None),
                    Target::Unknown => None,
                },
            };
            self.model.flow_logs.push(FlowLog {
                meta: meta(res),
                vpc,
            });
        }
    }
}
