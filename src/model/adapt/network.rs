//! The adapter passes for the network: VPCs, subnets, route tables with their routes and
//! associations, and flow logs.

use super::engine::{Adapter, Arena, items, meta, present};
use super::resolve::Target;
use super::schema::{FlowLogTarget, RouteFields};
use crate::ir::{Node, Resource};
use crate::model::defaults;
use crate::model::{
    Destination, FlowLog, Id, Named, Route, RouteTable, RouteTarget, Subnet, Truth, Val, Vpc,
};
use foldhash::{HashMap, HashMapExt};

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
pub(super) enum SubnetRef {
    InScope(Id),
    /// Known not to be a subnet in scope.
    Elsewhere,
    /// Any subnet in scope may be it.
    Unknown,
}

impl<'a> Adapter<'a> {
    /// VPCs.
    pub(super) fn vpcs(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.vpc) {
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
            self.fill(Arena::Vpc, idx, self.model.vpcs.len());
            self.model.vpcs.push(Vpc {
                meta: meta(res),
                instance_tenancy: tenancy,
                cidr_block,
                // Until a main association or default route table says otherwise, the main
                // table is the one AWS created, with the local route only.
                main_route_table: Val::derived(Some(Named::Other), res.span),
            });
        }
    }

    /// Route tables, with their inline routes.
    pub(super) fn route_tables(&mut self) {
        let s = self.s;
        for (idx, res) in self
            .managed()
            .filter(|(_, r)| s.route_tables.contains(&r.kind.as_str()))
        {
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
            self.fill(Arena::RouteTable, idx, self.model.route_tables.len());
            self.model.route_tables.push(RouteTable {
                meta: meta(res),
                routes,
                routes_complete,
            });
        }
    }

    /// Subnets.
    pub(super) fn subnets(&mut self) {
        let s = self.s;
        for (idx, res) in self.managed().filter(|(_, r)| r.kind == s.subnet) {
            let vpc = present(&res.body, s.subnet_vpc).map(|n| self.link(n, self.ids(Arena::Vpc)));
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
            self.fill(Arena::Subnet, idx, self.model.subnets.len());
            self.model.subnets.push(Subnet {
                meta: meta(res),
                vpc,
                availability_zone: az,
                map_public_ip_on_launch: public,
                route_table: Val::derived(None, res.span),
                network_acl: Val::derived(None, res.span),
            });
        }
    }

    pub(super) fn route(&self, owner: &'a Resource, item: &'a Node, fields: &RouteFields) -> Route {
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
                if let Some(&table) = self.ids(Arena::RouteTable).get(&idx) {
                    return TableRef::Table(table);
                }
                match (self.ids(Arena::Vpc).get(&idx), path) {
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
            Target::Resource(idx, path) => match self.ids(Arena::Subnet).get(&idx) {
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
    pub(super) fn routes_and_associations(&mut self) {
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
                let Some(vpc) = present(&res.body, vpc_field)
                    .and_then(|n| self.link(n, self.ids(Arena::Vpc)).target)
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
                    self.ids(Arena::RouteTable).get(&idx),
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

    pub(super) fn flow_logs(&mut self) {
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
                    self.ids(Arena::Vpc)
                        .get(&idx)
                        .map_or(Named::Other, |&v| Named::InScope(v)),
                ),
                Target::Value(_) => Some(Named::Other),
                Target::Unknown => None,
            },
        }
    }
}
