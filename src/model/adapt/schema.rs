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

/// Field names of a network ACL entry (inline block or standalone resource).
pub(crate) struct NaclFields {
    pub rule_number: &'static str,
    pub action: &'static str,
    pub protocol: &'static str,
    /// Port fields: `from`/`to` directly, or inside a `PortRange` map.
    pub port_range: Option<&'static str>,
    pub from_port: &'static str,
    pub to_port: &'static str,
    pub cidr: &'static str,
    pub ipv6_cidr: &'static str,
}

impl NaclFields {
    /// The names fixes need to write an entry.
    pub fn entry_fields(&self) -> crate::model::nacl::NaclEntryFields {
        crate::model::nacl::NaclEntryFields {
            rule_number: self.rule_number,
            action: self.action,
            protocol: self.protocol,
            from_port: self.from_port,
            to_port: self.to_port,
            cidr: self.cidr,
            ipv6_cidr: self.ipv6_cidr,
        }
    }
}

/// A resource that attaches a policy document to roles named in a field (one name or a list).
pub(crate) struct RolePolicy {
    pub kind: &'static str,
    pub roles: &'static str,
    pub document: &'static str,
}

/// A resource that attaches a managed policy (by ARN) to roles.
pub(crate) struct PolicyAttachment {
    pub kind: &'static str,
    pub roles: &'static str,
    pub policy: &'static str,
}

/// CloudTrail selector field names.
pub(crate) struct TrailFields {
    pub kind: &'static str,
    pub logging: &'static str,
    pub selectors: &'static str,
    pub read_write_type: &'static str,
    pub data_resources: &'static str,
    pub resource_type: &'static str,
    pub values: &'static str,
    pub advanced: &'static str,
    pub field_selectors: &'static str,
    pub field: &'static str,
    /// equals, not_equals, starts_with, not_starts_with, ends_with, not_ends_with.
    pub operators: [&'static str; 6],
    /// The data resource type of S3 objects.
    pub s3_object_type: &'static str,
}

/// A literal in a fix recipe.
pub(crate) enum Lit {
    Int(i64),
    Str(&'static str),
    StrList(&'static [&'static str]),
}

impl Lit {
    pub fn value(&self) -> crate::model::FixValue {
        use crate::model::FixValue;
        match self {
            Lit::Int(i) => FixValue::Int(*i),
            Lit::Str(s) => FixValue::Str((*s).to_string()),
            Lit::StrList(l) => {
                FixValue::List(l.iter().map(|s| FixValue::Str((*s).to_string())).collect())
            }
        }
    }
}

/// Where a cluster or a Serverless namespace keeps its posture settings (encryption, snapshots,
/// upgrades, the admin user, the database, logs). A field the kind does not have is None.
pub(crate) struct PostureFields {
    pub encrypted: Option<&'static str>,
    pub kms_key: &'static str,
    pub snapshot_retention: Option<&'static str>,
    pub allow_version_upgrade: Option<&'static str>,
    pub admin_username: &'static str,
    pub database_name: &'static str,
    pub log_exports: Option<&'static str>,
    /// The admin password, and the flag that has Amazon Redshift manage it in Secrets Manager
    /// instead (the two conflict).
    pub admin_password: &'static str,
    pub manage_password: &'static str,
    /// The write-only form of the password (Terraform 1.11 keeps it out of state and plan).
    pub write_only_password: Option<&'static str>,
    /// How a string that the deployment resolves from a secret store starts (CloudFormation's
    /// dynamic references, `{{resolve:secretsmanager:…}}`): not a literal.
    pub resolved_reference: Option<&'static str>,
}

pub(crate) struct Schema {
    /// The data source that answers the provider's region (`data.aws_region.x.name`), the
    /// attributes that hold it, and the arguments that ask for another region instead.
    pub region_data_source: Option<(
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    )>,

    pub vpc: &'static str,
    pub vpc_tenancy: &'static str,
    /// The VPC's primary IPv4 CIDR block.
    pub vpc_cidr: &'static str,

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
    /// An egress rule allowing HTTPS to anywhere, as an entry of `inline_egress`.
    pub https_egress_entry: &'static [(&'static str, Lit)],
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

    /// NAT gateways: kind and connectivity field (`public` unless `private`).
    pub nat_gateway: (&'static str, &'static str),

    pub role: &'static str,
    pub role_name: &'static str,
    pub role_trust: &'static str,
    /// Inline policies of a role: list field and document field.
    pub role_inline_policies: (&'static str, &'static str),
    pub role_managed_policy_arns: &'static str,
    /// Managed policy resources: kind and document field (a reference to one is its ARN).
    pub managed_policies: &'static [(&'static str, &'static str)],
    pub role_policies: &'static [RolePolicy],
    pub policy_attachments: &'static [PolicyAttachment],
    /// A policy-document data source (Terraform): kind.
    pub policy_document_source: Option<&'static str>,

    /// Fields of a cluster naming roles (ARNs).
    pub cluster_roles: &'static [&'static str],
    pub cluster_identifier: &'static str,
    /// A resource attaching roles to a cluster: kind, cluster field, role fields.
    pub cluster_role_attachment: Option<(&'static str, &'static str, &'static [&'static str])>,
    pub cluster_evr: &'static str,
    pub cluster_elastic_ip: &'static str,
    pub ip_address_type: &'static str,
    /// Inline audit logging of a cluster: field and, for a block, its enable field.
    pub cluster_logging: (&'static str, Option<&'static str>),
    /// A resource enabling a cluster's audit logging: kind and cluster field.
    pub audit_logging: Option<(&'static str, &'static str)>,
    /// Serverless namespace: kind, name field, role fields.
    pub namespace: (&'static str, &'static str, &'static [&'static str]),
    pub workgroup_namespace: &'static str,
    pub workgroup_evr: &'static str,
    /// Posture settings of a cluster and of a Serverless namespace.
    pub cluster_posture: &'static PostureFields,
    pub namespace_posture: &'static PostureFields,

    pub bucket: &'static str,
    pub bucket_name: &'static str,
    /// Attributes of a bucket reference that stand for the bucket's ARN (`aws_s3_bucket.x.arn`,
    /// `!GetAtt X.Arn`) and for its name (`aws_s3_bucket.x.bucket` and `.id`); a reference to
    /// the bucket itself (CloudFormation `!Ref X`, or a literal id) is its name in both families.
    pub bucket_arn_attrs: &'static [&'static str],
    pub bucket_name_attrs: &'static [&'static str],
    /// Inline logging of a bucket (a block list or an object).
    pub bucket_logging: &'static str,
    /// Bucket policy resource: kind, bucket field, document field.
    pub bucket_policy: (&'static str, &'static str, &'static str),
    /// Legacy inline bucket policy field.
    pub bucket_inline_policy: Option<&'static str>,
    /// Bucket logging resource: kind, bucket field.
    pub bucket_logging_resource: Option<(&'static str, &'static str)>,

    pub trail: TrailFields,

    pub network_acls: &'static [&'static str],
    /// Inline entries of an ACL: ingress field, egress field, their fields.
    pub nacl_inline: Option<(&'static str, &'static str, &'static NaclFields)>,
    /// Subnets listed on the ACL itself.
    pub nacl_subnets: Option<&'static str>,
    /// The ACL kind that adopts (and replaces) a VPC's default ACL.
    pub default_nacl: Option<&'static str>,
    /// Standalone entries: kind, ACL field, egress field, their fields.
    pub nacl_entry: (
        &'static str,
        &'static str,
        &'static str,
        &'static NaclFields,
    ),
    /// Association: kind, ACL field, subnet field.
    pub nacl_association: (&'static str, &'static str, &'static str),

    /// Endpoint: kind, VPC, service, type, route tables, subnets.
    pub endpoint: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    /// Endpoint ↔ route table associations: kind, endpoint field, table field.
    pub endpoint_route_tables: Option<(&'static str, &'static str, &'static str)>,
    /// Endpoint ↔ subnet associations: kind, endpoint field, subnet field.
    pub endpoint_subnets: Option<(&'static str, &'static str, &'static str)>,

    /// Kinds a route's gateway field may name, by what they reach.
    pub internet_gateways: &'static [&'static str],
    pub vpc_endpoints: &'static [&'static str],
    pub other_gateways: &'static [&'static str],
}
