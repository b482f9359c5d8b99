//! The Terraform adapter's names: `aws_*` resources (from HCL or plan JSON) and their
//! arguments.

use super::schema::{
    Direction, FlowLogTarget, Lit, NaclFields, PolicyAttachment, PostureFields, RolePolicy,
    RouteFields, RuleFields, Schema, StandaloneRule, TrailFields,
};
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

static NACL_INLINE_FIELDS: NaclFields = NaclFields {
    rule_number: "rule_no",
    action: "action",
    protocol: "protocol",
    port_range: None,
    from_port: "from_port",
    to_port: "to_port",
    cidr: "cidr_block",
    ipv6_cidr: "ipv6_cidr_block",
};

static NACL_RULE_FIELDS: NaclFields = NaclFields {
    rule_number: "rule_number",
    action: "rule_action",
    protocol: "protocol",
    port_range: None,
    from_port: "from_port",
    to_port: "to_port",
    cidr: "cidr_block",
    ipv6_cidr: "ipv6_cidr_block",
};

pub(crate) static TERRAFORM: Schema = Schema {
    // `name` and `id` in provider 5, `region` in 6; `name`/`region` as arguments pick one.
    region_data_source: Some(("aws_region", &["name", "id", "region"], &["name", "region"])),
    vpc: "aws_vpc",
    vpc_tenancy: "instance_tenancy",
    vpc_cidr: "cidr_block",
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
    https_egress_entry: &[
        ("from_port", Lit::Int(443)),
        ("to_port", Lit::Int(443)),
        ("protocol", Lit::Str("tcp")),
        ("cidr_blocks", Lit::StrList(&["0.0.0.0/0"])),
    ],
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
    nat_gateway: ("aws_nat_gateway", "connectivity_type"),
    role: "aws_iam_role",
    role_name: "name",
    role_trust: "assume_role_policy",
    role_inline_policies: ("inline_policy", "policy"),
    role_managed_policy_arns: "managed_policy_arns",
    managed_policies: &[("aws_iam_policy", "policy")],
    role_policies: &[RolePolicy {
        kind: "aws_iam_role_policy",
        roles: "role",
        document: "policy",
    }],
    policy_attachments: &[
        PolicyAttachment {
            kind: "aws_iam_role_policy_attachment",
            roles: "role",
            policy: "policy_arn",
        },
        PolicyAttachment {
            kind: "aws_iam_policy_attachment",
            roles: "roles",
            policy: "policy_arn",
        },
    ],
    policy_document_source: Some("aws_iam_policy_document"),
    cluster_roles: &["iam_roles", "default_iam_role_arn"],
    cluster_identifier: "cluster_identifier",
    cluster_role_attachment: Some((
        "aws_redshift_cluster_iam_roles",
        "cluster_identifier",
        &["iam_role_arns", "default_iam_role_arn"],
    )),
    cluster_evr: "enhanced_vpc_routing",
    cluster_elastic_ip: "elastic_ip",
    ip_address_type: "ip_address_type",
    cluster_logging: ("logging", Some("enable")),
    audit_logging: Some(("aws_redshift_logging", "cluster_identifier")),
    namespace: (
        "aws_redshiftserverless_namespace",
        "namespace_name",
        &["iam_roles", "default_iam_role_arn"],
    ),
    workgroup_namespace: "namespace_name",
    workgroup_evr: "enhanced_vpc_routing",
    cluster_posture: &PostureFields {
        encrypted: Some("encrypted"),
        kms_key: "kms_key_id",
        snapshot_retention: Some("automated_snapshot_retention_period"),
        allow_version_upgrade: Some("allow_version_upgrade"),
        admin_username: "master_username",
        database_name: "database_name",
        log_exports: None,
        admin_password: "master_password",
        manage_password: "manage_master_password",
        write_only_password: Some("master_password_wo"),
        resolved_reference: None,
    },
    namespace_posture: &PostureFields {
        encrypted: None,
        kms_key: "kms_key_id",
        snapshot_retention: None,
        allow_version_upgrade: None,
        admin_username: "admin_username",
        database_name: "db_name",
        log_exports: Some("log_exports"),
        admin_password: "admin_user_password",
        manage_password: "manage_admin_password",
        write_only_password: Some("admin_user_password_wo"),
        resolved_reference: None,
    },
    bucket: "aws_s3_bucket",
    bucket_name: "bucket",
    bucket_arn_attrs: &["arn"],
    bucket_name_attrs: &["bucket", "id"],
    bucket_logging: "logging",
    bucket_policy: ("aws_s3_bucket_policy", "bucket", "policy"),
    bucket_inline_policy: Some("policy"),
    bucket_logging_resource: Some(("aws_s3_bucket_logging", "bucket")),
    trail: TrailFields {
        kind: "aws_cloudtrail",
        logging: "enable_logging",
        selectors: "event_selector",
        read_write_type: "read_write_type",
        data_resources: "data_resource",
        resource_type: "type",
        values: "values",
        advanced: "advanced_event_selector",
        field_selectors: "field_selector",
        field: "field",
        s3_object_type: "AWS::S3::Object",
        operators: [
            "equals",
            "not_equals",
            "starts_with",
            "not_starts_with",
            "ends_with",
            "not_ends_with",
        ],
    },
    network_acls: &["aws_network_acl", "aws_default_network_acl"],
    nacl_inline: Some(("ingress", "egress", &NACL_INLINE_FIELDS)),
    nacl_subnets: Some("subnet_ids"),
    default_nacl: Some("aws_default_network_acl"),
    nacl_entry: (
        "aws_network_acl_rule",
        "network_acl_id",
        "egress",
        &NACL_RULE_FIELDS,
    ),
    nacl_association: ("aws_network_acl_association", "network_acl_id", "subnet_id"),
    endpoint: (
        "aws_vpc_endpoint",
        "vpc_id",
        "service_name",
        "vpc_endpoint_type",
        "route_table_ids",
        "subnet_ids",
    ),
    endpoint_route_tables: Some((
        "aws_vpc_endpoint_route_table_association",
        "vpc_endpoint_id",
        "route_table_id",
    )),
    endpoint_subnets: Some((
        "aws_vpc_endpoint_subnet_association",
        "vpc_endpoint_id",
        "subnet_id",
    )),
    internet_gateways: &["aws_internet_gateway"],
    vpc_endpoints: &["aws_vpc_endpoint"],
    other_gateways: &["aws_vpn_gateway", "aws_ec2_transit_gateway"],
};

#[cfg(test)]
mod tests {
    use super::TERRAFORM as T;
    use crate::frontend::hcl::is_nested_block;

    /// Terraform's JSON syntax tells a nested block from a map argument by the provider's
    /// schema; the front end's table of nested blocks must hold every block this adapter reads,
    /// or `.tf.json` files would give the model maps where `.tf` files give it blocks.
    #[test]
    fn every_block_the_adapter_reads_is_a_nested_block_in_terraform_json() {
        let mut read: Vec<(&str, &str)> = Vec::new();
        for kind in T.route_tables {
            read.extend(T.inline_routes.map(|(block, _)| (*kind, block)));
        }
        for kind in T.security_groups {
            read.push((kind, T.inline_ingress));
            read.push((kind, T.inline_egress));
        }
        for kind in T.network_acls {
            if let Some((ingress, egress, _)) = T.nacl_inline {
                read.push((kind, ingress));
                read.push((kind, egress));
            }
        }
        read.push((T.parameter_group, T.parameters.0));
        read.push((T.workgroup, T.workgroup_parameters.0));
        read.push((T.role, T.role_inline_policies.0));
        read.push((T.cluster, T.cluster_logging.0));
        read.push((T.bucket, T.bucket_logging));
        for block in [
            T.trail.selectors,
            T.trail.data_resources,
            T.trail.advanced,
            T.trail.field_selectors,
        ] {
            read.push((T.trail.kind, block));
        }
        // `policy.rs` reads these blocks of the policy document data source.
        if let Some(kind) = T.policy_document_source {
            for block in ["statement", "principals", "not_principals", "condition"] {
                read.push((kind, block));
            }
        }
        let missing: Vec<_> = read
            .into_iter()
            .filter(|(kind, block)| !is_nested_block(kind, block))
            .collect();
        assert!(
            missing.is_empty(),
            "not nested blocks in .tf.json: {missing:?}"
        );
    }
}
