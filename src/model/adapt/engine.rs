//! The adapter engine: IR resources of one unit into the model, driven by the family's
//! [`Schema`]. Links are resolved here, once, and defaults come from `model::defaults`.

use super::AdaptOptions;
use super::resolve::{Resolver, Target};
use super::schema::Schema;
use super::warehouse::ClusterIndex;
use crate::ir::region::UnitRegion;
use crate::ir::{Mode, Node, Resource, Unit, Value};
use crate::model::{Conditional, FieldSite, Id, Link, Meta, Model, Val};
use foldhash::{HashMap, HashMapExt};

pub(super) struct Adapter<'a> {
    pub(super) unit: &'a Unit,
    pub(super) s: &'static Schema,
    pub(super) r: Resolver<'a>,
    pub(super) model: Model,
    /// The pass under way.
    pass: Pass,
    /// IR resource index → model id, per arena; read through [`Adapter::ids`].
    ids: ArenaIds,
    /// The unit's region (written, given or unknown).
    pub(super) region: UnitRegion,
    /// The unit's region as strings built from it hold it: its name, or
    /// [`STACK_REGION`](crate::ir::region::STACK_REGION) when unknown.
    pub(super) region_text: String,
    /// Lower-cased role names, for roles named by ARN literals (filled with the roles).
    pub(super) role_names: HashMap<String, Id>,
    /// Lower-cased names of subnet and parameter groups, for names written as literals
    /// (filled with the groups).
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

/// The adapter's passes, in the order they run (declaration order is run order). Each builds
/// one family of model objects and fills its [`Arena`]; it links only to arenas filled by
/// itself or by passes before it, which [`Adapter::ids`] checks in every test run (a debug
/// assertion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Pass {
    Vpcs,
    RouteTables,
    SecurityGroups,
    Subnets,
    ParameterGroups,
    SubnetGroups,
    /// Routes and route table associations (resources of their own), onto tables and subnets.
    Routes,
    /// Standalone security group rules, onto their groups.
    SecurityGroupRules,
    NetworkAcls,
    Endpoints,
    Buckets,
    Roles,
    Trails,
    Warehouses,
    FlowLogs,
}

/// Every pass, in the order they run.
pub(super) const PIPELINE: [Pass; 15] = [
    Pass::Vpcs,
    Pass::RouteTables,
    Pass::SecurityGroups,
    Pass::Subnets,
    Pass::ParameterGroups,
    Pass::SubnetGroups,
    Pass::Routes,
    Pass::SecurityGroupRules,
    Pass::NetworkAcls,
    Pass::Endpoints,
    Pass::Buckets,
    Pass::Roles,
    Pass::Trails,
    Pass::Warehouses,
    Pass::FlowLogs,
];

/// The model objects IR resources become, by the pass that builds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arena {
    Vpc,
    RouteTable,
    SecurityGroup,
    Subnet,
    ParameterGroup,
    SubnetGroup,
    NetworkAcl,
    Endpoint,
    Bucket,
    Role,
}

impl Arena {
    /// The pass that fills the arena.
    pub(super) const fn filled_by(self) -> Pass {
        match self {
            Arena::Vpc => Pass::Vpcs,
            Arena::RouteTable => Pass::RouteTables,
            Arena::SecurityGroup => Pass::SecurityGroups,
            Arena::Subnet => Pass::Subnets,
            Arena::ParameterGroup => Pass::ParameterGroups,
            Arena::SubnetGroup => Pass::SubnetGroups,
            Arena::NetworkAcl => Pass::NetworkAcls,
            Arena::Endpoint => Pass::Endpoints,
            Arena::Bucket => Pass::Buckets,
            Arena::Role => Pass::Roles,
        }
    }
}

/// IR resource index → model id, one map per arena.
#[derive(Default)]
struct ArenaIds {
    vpc: HashMap<usize, Id>,
    route_table: HashMap<usize, Id>,
    security_group: HashMap<usize, Id>,
    subnet: HashMap<usize, Id>,
    parameter_group: HashMap<usize, Id>,
    subnet_group: HashMap<usize, Id>,
    network_acl: HashMap<usize, Id>,
    endpoint: HashMap<usize, Id>,
    bucket: HashMap<usize, Id>,
    role: HashMap<usize, Id>,
}

impl ArenaIds {
    pub(super) fn of(&self, arena: Arena) -> &HashMap<usize, Id> {
        match arena {
            Arena::Vpc => &self.vpc,
            Arena::RouteTable => &self.route_table,
            Arena::SecurityGroup => &self.security_group,
            Arena::Subnet => &self.subnet,
            Arena::ParameterGroup => &self.parameter_group,
            Arena::SubnetGroup => &self.subnet_group,
            Arena::NetworkAcl => &self.network_acl,
            Arena::Endpoint => &self.endpoint,
            Arena::Bucket => &self.bucket,
            Arena::Role => &self.role,
        }
    }

    fn of_mut(&mut self, arena: Arena) -> &mut HashMap<usize, Id> {
        match arena {
            Arena::Vpc => &mut self.vpc,
            Arena::RouteTable => &mut self.route_table,
            Arena::SecurityGroup => &mut self.security_group,
            Arena::Subnet => &mut self.subnet,
            Arena::ParameterGroup => &mut self.parameter_group,
            Arena::SubnetGroup => &mut self.subnet_group,
            Arena::NetworkAcl => &mut self.network_acl,
            Arena::Endpoint => &mut self.endpoint,
            Arena::Bucket => &mut self.bucket,
            Arena::Role => &mut self.role,
        }
    }
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
        pass: Pass::Vpcs,
        ids: ArenaIds::default(),
        region: region.clone(),
        region_text: match region {
            UnitRegion::Written(name, _) | UnitRegion::Given(name) => name.clone(),
            UnitRegion::Unknown => crate::ir::region::STACK_REGION.to_string(),
        },
        role_names: HashMap::new(),
        subnet_group_names: HashMap::new(),
        parameter_group_names: HashMap::new(),
        original_main_of: HashMap::new(),
        state_rules_of: HashMap::new(),
        role_attachments: ClusterIndex::default(),
        logging_resources: ClusterIndex::default(),
        namespaces: HashMap::new(),
    };
    for pass in PIPELINE {
        a.pass = pass;
        a.run(pass);
    }
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
    fn run(&mut self, pass: Pass) {
        match pass {
            Pass::Vpcs => self.vpcs(),
            Pass::RouteTables => self.route_tables(),
            Pass::SecurityGroups => self.security_groups(),
            Pass::Subnets => self.subnets(),
            Pass::ParameterGroups => self.parameter_groups(),
            Pass::SubnetGroups => self.subnet_groups(),
            Pass::Routes => self.routes_and_associations(),
            Pass::SecurityGroupRules => self.standalone_rules(),
            Pass::NetworkAcls => self.network_acls(),
            Pass::Endpoints => self.endpoints(),
            Pass::Buckets => self.buckets(),
            Pass::Roles => self.roles(),
            Pass::Trails => self.trails(),
            Pass::Warehouses => {
                let region = self.region.clone();
                self.warehouses(&region);
                self.secrets();
            }
            Pass::FlowLogs => self.flow_logs(),
        }
    }

    /// The model ids of an arena's objects by IR resource index. Only the pass that fills an
    /// arena and those after it read it (see [`Pass`]).
    pub(super) fn ids(&self, arena: Arena) -> &HashMap<usize, Id> {
        debug_assert!(
            arena.filled_by() <= self.pass,
            "pass {:?} reads {arena:?}, which {:?} fills later",
            self.pass,
            arena.filled_by()
        );
        self.ids.of(arena)
    }

    /// Records that IR resource `idx` is model object `id` of `arena`, in the pass that fills
    /// it.
    pub(super) fn fill(&mut self, arena: Arena, idx: usize, id: Id) {
        debug_assert_eq!(
            arena.filled_by(),
            self.pass,
            "{arena:?} filled out of its pass"
        );
        self.ids.of_mut(arena).insert(idx, id);
    }

    pub(super) fn managed(&self) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a> {
        self.unit
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.mode == Mode::Managed)
    }

    /// Links a node to a model object of one arena via its IR index map ([`Adapter::ids`]).
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

    /// A group reference written as a resource link or a literal name.
    pub(super) fn named_link(
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipeline_runs_every_pass_once_in_declaration_order() {
        assert!(PIPELINE.windows(2).all(|w| w.first() < w.get(1)));
        assert_eq!(PIPELINE.first(), Some(&Pass::Vpcs));
        assert_eq!(PIPELINE.last(), Some(&Pass::FlowLogs));
        for arena in [
            Arena::Vpc,
            Arena::RouteTable,
            Arena::SecurityGroup,
            Arena::Subnet,
            Arena::ParameterGroup,
            Arena::SubnetGroup,
            Arena::NetworkAcl,
            Arena::Endpoint,
            Arena::Bucket,
            Arena::Role,
        ] {
            assert!(PIPELINE.contains(&arena.filled_by()), "{arena:?}");
        }
    }
}
