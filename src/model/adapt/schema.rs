//! What a source family calls things: resource kinds and attribute names, per model object.
//! The adapter engine ([`super::engine`]) is shared; each family provides one [`Schema`]
//! (`terraform.rs`, `cloudformation.rs`). Real semantic differences between the families are
//! data here (which kinds exist, how a flow log names its target) or in `model::defaults`.

use crate::model::RouteTarget;

/// Field names of a security group rule (inline item or standalone resource).
pub(crate) struct RuleFields {
    pub protocol: &'static str,
    pub from_port: &'static str,
    pub to_port: &'static str,
    /// Fields holding one CIDR or a list of CIDRs.
    pub cidrs: &'static [&'static str],
    pub prefix_lists: &'static [&'static str],
    pub groups: &'static [&'static str],
    /// A boolean field meaning "the group itself".
    pub itself: Option<&'static str>,
}

/// How a standalone rule resource says which direction it is.
pub(crate) enum Direction {
    Ingress,
    Egress,
    /// A field whose value is `ingress` or `egress`.
    Field(&'static str),
}

pub(crate) struct StandaloneRule {
    pub kind: &'static str,
    pub direction: Direction,
    pub group: &'static str,
    pub fields: &'static RuleFields,
}

/// Field names of a route (inline item or standalone resource).
pub(crate) struct RouteFields {
    pub destination_v4: &'static str,
    pub destination_v6: &'static str,
    pub destination_prefix_list: &'static str,
    /// Target fields and what they reach; None: decided by the referenced resource or the id's
    /// prefix (`gateway_id` can name an internet or a virtual private gateway, or `local`).
    pub targets: &'static [(&'static str, Option<RouteTarget>)],
}

/// How a flow log names what it logs.
pub(crate) enum FlowLogTarget {
    /// An attribute that holds a VPC id when the log is on a VPC.
    VpcField(&'static str),
    /// A type field (`VPC`, `Subnet`, …) plus an id field.
    Typed {
        type_field: &'static str,
        id_field: &'static str,
    },
}

pub(crate) struct Schema {
    pub vpc: &'static str,
    pub vpc_tenancy: &'static str,

    pub subnet: &'static str,
    pub subnet_vpc: &'static str,
    pub subnet_az: &'static str,
    pub subnet_az_id: &'static str,
    pub subnet_public_ip: &'static str,

    pub route_tables: &'static [&'static str],
    /// Inline route blocks of a route table, where the family has them.
    pub inline_routes: Option<(&'static str, &'static RouteFields)>,
    pub route: &'static str,
    pub route_table_field: &'static str,
    pub route_fields: &'static RouteFields,
    /// Route table association: kind, subnet field, table field.
    pub association: (&'static str, &'static str, &'static str),
    /// Main route table association: kind, VPC field, table field.
    pub main_association: Option<(&'static str, &'static str, &'static str)>,
    /// A resource adopting a VPC's original main table: kind, field naming that table.
    pub default_route_table: Option<(&'static str, &'static str)>,

    pub security_groups: &'static [&'static str],
    pub inline_ingress: &'static str,
    pub inline_egress: &'static str,
    pub inline_rule_fields: &'static RuleFields,
    pub standalone_rules: &'static [StandaloneRule],

    pub parameter_group: &'static str,
    pub parameter_group_name: &'static str,
    pub parameter_group_family: &'static str,
    /// Parameter entries: list field, name field, value field.
    pub parameters: (&'static str, &'static str, &'static str),

    pub subnet_group: &'static str,
    pub subnet_group_name: &'static str,
    pub subnet_group_subnets: &'static str,

    pub cluster: &'static str,
    pub cluster_publicly_accessible: &'static str,
    pub cluster_port: &'static str,
    pub cluster_subnet_group: &'static str,
    pub cluster_security_groups: &'static str,
    pub cluster_legacy_security_groups: &'static str,
    pub cluster_parameter_group: &'static str,

    pub workgroup: &'static str,
    pub workgroup_publicly_accessible: &'static str,
    pub workgroup_port: &'static str,
    pub workgroup_subnets: &'static str,
    pub workgroup_security_groups: &'static str,
    /// Config parameter entries: list field, key field, value field.
    pub workgroup_parameters: (&'static str, &'static str, &'static str),

    pub flow_log: &'static str,
    pub flow_log_target: FlowLogTarget,

    /// Kinds a route's gateway field may name, by what they reach.
    pub internet_gateways: &'static [&'static str],
    pub vpc_endpoints: &'static [&'static str],
    pub other_gateways: &'static [&'static str],
}
