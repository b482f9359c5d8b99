//! The Terraform adapter's names: `aws_*` resources (from HCL or plan JSON) and their
//! arguments.

use super::schema::{Direction, FlowLogTarget, RouteFields, RuleFields, Schema, StandaloneRule};
use crate::model::RouteTarget;

/// Inline `ingress`/`egress` blocks and `aws_security_group_rule`.
static RULE_FIELDS: RuleFields = RuleFields {
    protocol: "protocol",
    from_port: "from_port",
    to_port: "to_port",
    cidrs: &["cidr_blocks", "ipv6_cidr_blocks"],
    prefix_lists: &["prefix_list_ids"],
    groups: &["security_groups", "source_security_group_id"],
    itself: Some("self"),
};

/// `aws_vpc_security_group_ingress_rule` / `_egress_rule`.
static VPC_RULE_FIELDS: RuleFields = RuleFields {
    protocol: "ip_protocol",
    from_port: "from_port",
    to_port: "to_port",
    cidrs: &["cidr_ipv4", "cidr_ipv6"],
    prefix_lists: &["prefix_list_id"],
    groups: &["referenced_security_group_id"],
    itself: None,
};

const ROUTE_TARGETS: &[(&str, Option<RouteTarget>)] = &[
    ("gateway_id", None),
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

/// Inline `route` blocks of `aws_route_table` / `aws_default_route_table`.
static INLINE_ROUTE_FIELDS: RouteFields = RouteFields {
    destination_v4: "cidr_block",
    destination_v6: "ipv6_cidr_block",
    destination_prefix_list: "destination_prefix_list_id",
    targets: ROUTE_TARGETS,
};

/// `aws_route`.
static ROUTE_FIELDS: RouteFields = RouteFields {
    destination_v4: "destination_cidr_block",
    destination_v6: "destination_ipv6_cidr_block",
    destination_prefix_list: "destination_prefix_list_id",
    targets: ROUTE_TARGETS,
};

pub(crate) static TERRAFORM: Schema = Schema {
    vpc: "aws_vpc",
    vpc_tenancy: "instance_tenancy",
    subnet: "aws_subnet",
    subnet_vpc: "vpc_id",
    subnet_az: "availability_zone",
    subnet_az_id: "availability_zone_id",
    subnet_public_ip: "map_public_ip_on_launch",
    route_tables: &["aws_route_table", "aws_default_route_table"],
    inline_routes: Some(("route", &INLINE_ROUTE_FIELDS)),
    route: "aws_route",
    route_table_field: "route_table_id",
    route_fields: &ROUTE_FIELDS,
    association: ("aws_route_table_association", "subnet_id", "route_table_id"),
    main_association: Some((
        "aws_main_route_table_association",
        "vpc_id",
        "route_table_id",
    )),
    default_route_table: Some(("aws_default_route_table", "default_route_table_id")),
    security_groups: &["aws_security_group", "aws_default_security_group"],
    inline_ingress: "ingress",
    inline_egress: "egress",
    inline_rule_fields: &RULE_FIELDS,
    standalone_rules: &[
        StandaloneRule {
            kind: "aws_security_group_rule",
            direction: Direction::Field("type"),
            group: "security_group_id",
            fields: &RULE_FIELDS,
        },
        StandaloneRule {
            kind: "aws_vpc_security_group_ingress_rule",
            direction: Direction::Ingress,
            group: "security_group_id",
            fields: &VPC_RULE_FIELDS,
        },
        StandaloneRule {
            kind: "aws_vpc_security_group_egress_rule",
            direction: Direction::Egress,
            group: "security_group_id",
            fields: &VPC_RULE_FIELDS,
        },
    ],
    parameter_group: "aws_redshift_parameter_group",
    parameter_group_name: "name",
    parameter_group_family: "family",
    parameters: ("parameter", "name", "value"),
    subnet_group: "aws_redshift_subnet_group",
    subnet_group_name: "name",
    subnet_group_subnets: "subnet_ids",
    cluster: "aws_redshift_cluster",
    cluster_publicly_accessible: "publicly_accessible",
    cluster_port: "port",
    cluster_subnet_group: "cluster_subnet_group_name",
    cluster_security_groups: "vpc_security_group_ids",
    cluster_legacy_security_groups: "cluster_security_groups",
    cluster_parameter_group: "cluster_parameter_group_name",
    workgroup: "aws_redshiftserverless_workgroup",
    workgroup_publicly_accessible: "publicly_accessible",
    workgroup_port: "port",
    workgroup_subnets: "subnet_ids",
    workgroup_security_groups: "security_group_ids",
    workgroup_parameters: ("config_parameter", "parameter_key", "parameter_value"),
    flow_log: "aws_flow_log",
    flow_log_target: FlowLogTarget::VpcField("vpc_id"),
    internet_gateways: &["aws_internet_gateway"],
    vpc_endpoints: &["aws_vpc_endpoint"],
    other_gateways: &["aws_vpn_gateway", "aws_ec2_transit_gateway"],
};
