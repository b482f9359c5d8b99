//! The typed, provider-neutral model of the AWS network around each Redshift warehouse.
//!
//! Built once per IR unit by an adapter ([`adapt`]); rules read only this. Cross-resource links
//! (warehouse → subnets → route tables → routes; warehouse → security groups → rules) are
//! resolved here, and every default the provider or AWS fills in comes from [`defaults`].
//! **API Boundary** for rules: nothing here exposes syntax or resource-kind strings for rules
//! to dispatch on (the `kind` in [`Meta`] is carried through to reports only).
//!
//! **Architecture Invariant:** unknown is never false. A value that cannot be known is `None`
//! inside a [`Val`], and questions about it answer [`Truth::Unknown`], which has no `bool`
//! conversion. Anything out of scope is unknown, not absent.

pub mod adapt;
pub mod defaults;
pub mod nacl;
pub mod net;
pub mod policy;
pub mod reach;
pub mod region;
pub mod s3_ranges;
pub mod secret;
pub mod spectrum;
mod truth;

pub use secret::Secret;

pub use nacl::{NaclEntry, NetworkAcl};
pub use policy::PolicyDocument;
pub use truth::Truth;

/// Source spans, re-exported so that rules depend on the model alone.
pub use crate::ir::Span;
use foldhash::{HashMap, HashMapExt};
use ipnet::IpNet;

/// Index into one of the model's arenas.
pub type Id = usize;

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the source.
    Explicit,
    /// Not written; the provider or AWS default applies (see [`defaults`]).
    Default,
    /// Computed from other values (e.g. a cluster's subnets via its subnet group).
    Derived,
}

/// A model attribute: its value (None when unknown), the site findings point at, and where it
/// came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Val<T> {
    pub value: Option<T>,
    pub span: Span,
    pub origin: Origin,
    /// The field it is read from, for fixes that set it when it is not written.
    pub field: Option<FieldSite>,
}

/// A field of a resource (or nested block), as the source family names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSite {
    pub name: &'static str,
    /// The resource's (or block's) body: where an added field goes.
    pub owner: Span,
    /// The field's value, when it is written.
    pub value: Option<Span>,
}

/// A value a fix writes.
#[derive(Debug, Clone, PartialEq)]
pub enum FixValue {
    Bool(bool),
    Str(String),
    Int(i64),
    List(Vec<FixValue>),
    /// A map of fields, in this order (CloudFormation's `PortRange`).
    Map(Vec<(&'static str, FixValue)>),
    /// The id of another resource: its address in its module (Terraform, `ADDRESS.id`) or its
    /// logical id (CloudFormation, `!Ref ID`).
    Id(String),
}

/// A change that removes a finding, in model terms: the fix layer turns it into a
/// format-preserving edit of the source.
#[derive(Debug, Clone, PartialEq)]
pub enum FixIntent {
    /// Replace the written scalar at `span`, whose value is `old`.
    Replace {
        span: Span,
        old: String,
        value: FixValue,
    },
    /// Replace the written list element at `span` (value `old`) with these elements.
    ReplaceElement {
        span: Span,
        old: String,
        values: Vec<FixValue>,
    },
    /// Write a field that is not written.
    AddField { site: FieldSite, value: FixValue },
    /// Append an entry (a nested block, a list item) to a collection field, creating the field
    /// when it is not written.
    AddEntry {
        site: FieldSite,
        entry: Vec<(&'static str, FixValue)>,
    },
    /// Add a resource of its own, `kind` named `name`, after the resource whose header and
    /// body are at `header` and `body` (written in the same file, at the same level).
    AddResource {
        header: Span,
        body: Span,
        kind: &'static str,
        name: String,
        fields: Vec<(&'static str, FixValue)>,
    },
    /// Replace the written field `site` (its name and value) with the field `name` set to
    /// `value`: a field that conflicts with the one it replaces.
    ReplaceField {
        site: FieldSite,
        name: &'static str,
        value: FixValue,
    },
    /// Several changes that together remove the finding.
    All(Vec<FixIntent>),
    /// A change with what the user must know before making it, said in its description
    /// (turning enhanced VPC routing on needs a path to S3).
    Noted { fix: Box<FixIntent>, note: String },
}

impl FixIntent {
    /// The same change, described with `note`.
    pub fn noted(self, note: impl Into<String>) -> FixIntent {
        FixIntent::Noted {
            fix: Box::new(self),
            note: note.into(),
        }
    }
}

impl<T> Val<T> {
    pub fn explicit(value: T, span: Span) -> Val<T> {
        Val {
            value: Some(value),
            span,
            origin: Origin::Explicit,
            field: None,
        }
    }

    pub fn default(value: T, span: Span) -> Val<T> {
        Val {
            value: Some(value),
            span,
            origin: Origin::Default,
            field: None,
        }
    }

    pub fn unknown(span: Span) -> Val<T> {
        Val {
            value: None,
            span,
            origin: Origin::Explicit,
            field: None,
        }
    }

    /// Records the field the value is read from.
    pub fn at(mut self, field: FieldSite) -> Val<T> {
        self.field = Some(field);
        self
    }

    /// The fix that sets this value: replace it where written (its text being `old`), add the
    /// field where not.
    pub fn set_to(&self, old: &str, value: FixValue) -> Option<FixIntent> {
        match (self.origin, self.field) {
            (Origin::Default, Some(site)) => Some(FixIntent::AddField { site, value }),
            (Origin::Default, None) | (Origin::Derived, _) => None,
            (Origin::Explicit, _) => Some(FixIntent::Replace {
                span: self.span,
                old: old.to_string(),
                value,
            }),
        }
    }

    pub fn known(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Asks a yes/no question of the value; unknown stays unknown.
    pub fn test(&self, f: impl FnOnce(&T) -> bool) -> Truth {
        match &self.value {
            Some(v) => Truth::from_known(f(v)),
            None => Truth::Unknown,
        }
    }
}

/// A link to another model object. `target` is None when the referenced object is not in
/// scope (a literal id, a data source, another stack) — unknown, not absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub target: Option<Id>,
    pub span: Span,
}

/// What a link that the adapter works out (a subnet's route table, its network ACL) names, when
/// that is known: held in a [`Val`], whose unknown is the only "maybe".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// An object in scope.
    InScope(Id),
    /// Known not to be an object in scope: the one AWS makes without it being written (a VPC's
    /// original main route table, its default network ACL as created) or, for a flow log, a
    /// target that is not a VPC in scope. Each field says which.
    Other,
}

impl Val<Named> {
    /// Derived by the adapter from other resources, reported at `span`.
    pub fn derived(value: Option<Named>, span: Span) -> Val<Named> {
        Val {
            value,
            span,
            origin: Origin::Derived,
            field: None,
        }
    }

    /// The object in scope it names, when it is known to name one.
    pub fn in_scope(&self) -> Option<Id> {
        match self.value {
            Some(Named::InScope(id)) => Some(id),
            _ => None,
        }
    }
}

/// Identity of the resource a model object was built from, for messages and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub address: String,
    /// The resource kind as the source spells it; reports show it, rules never match on it.
    pub kind: String,
    /// The resource header.
    pub span: Span,
    /// Where the resource is described in a plan, when `span` points at its source.
    pub origin: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarehouseKind {
    /// A provisioned cluster.
    Cluster,
    /// A Serverless workgroup (with its namespace).
    Workgroup,
}

/// Which parameter group a warehouse uses.
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterGroupChoice {
    /// None named: AWS's default group for new clusters.
    Default,
    /// A built-in group named explicitly (`default.redshift-1.0`).
    Builtin(String),
    /// A group declared in scope.
    InScope(Id),
    /// A group named but not declared in scope.
    OutOfScope,
}

/// A Redshift warehouse: a provisioned cluster or a Serverless workgroup.
#[derive(Debug, Clone)]
pub struct Warehouse {
    pub meta: Meta,
    pub kind: WarehouseKind,
    pub publicly_accessible: Val<bool>,
    pub port: Val<u16>,
    /// Provisioned only: Some(None) when no subnet group is named.
    pub subnet_group: Val<Option<Link>>,
    /// The subnets the warehouse uses: a workgroup's own list, a cluster's via its subnet group.
    pub subnets: Val<Vec<Link>>,
    pub security_groups: Val<Vec<Link>>,
    /// Legacy EC2-Classic cluster security groups are named: true for a non-empty list, false
    /// when unset or empty (and for a workgroup), unknown when the list cannot be evaluated.
    pub legacy_security_groups: Val<bool>,
    pub parameter_group: Val<ParameterGroupChoice>,
    /// Serverless `require_ssl` config parameter, when set.
    pub require_ssl: Option<Val<bool>>,
    /// The region the warehouse is deployed in; unknown when neither the source nor the
    /// settings say (it is then still one real region: see [`region`]).
    pub region: Val<String>,
    /// IAM roles attached (for a workgroup: its namespace's), by link to `Model::roles`.
    pub roles: Val<Vec<Link>>,
    pub enhanced_vpc_routing: Val<bool>,
    /// An Elastic IP (a public address) is attached.
    pub elastic_ip: Val<bool>,
    /// The warehouse uses IPv6 as well (`dualstack`).
    pub dual_stack: Val<bool>,
    /// Provisioned only: audit logging to S3 or CloudWatch is configured.
    pub audit_logging: Val<bool>,
    /// Its posture settings: a cluster's own, a workgroup's read from its namespace.
    pub posture: Posture,
}

/// The settings of a warehouse that Security Hub and checkov judge beside its network: for a
/// cluster, its own; for a workgroup, its namespace's (unknown, at the workgroup's namespace
/// name, when the namespace is not in scope). Settings a kind does not have are unknown there
/// (rules judge each kind only on what it has).
#[derive(Debug, Clone)]
pub struct Posture {
    /// Data encrypted at rest (provisioned: `encrypted`; a namespace always is).
    pub encrypted: Val<bool>,
    /// A customer-managed KMS key is named (`kms_key_id`).
    pub customer_managed_key: Val<bool>,
    /// Provisioned: how many days automated snapshots are kept (0: none are taken).
    pub snapshot_retention: Val<i64>,
    /// Provisioned: major version upgrades are applied in the maintenance window.
    pub allow_version_upgrade: Val<bool>,
    /// The admin user's name; None when none is named (a restored cluster, a namespace
    /// without an admin user).
    pub admin_username: Val<Option<String>>,
    /// The name of the database created with the warehouse.
    pub database_name: Val<String>,
    /// Serverless: the logs the namespace exports.
    pub log_exports: Val<Vec<String>>,
    /// How the admin password is given (`master_password` / `admin_user_password`), at the
    /// attribute (the resource's header when it is not written).
    pub admin_password: Val<AdminPassword>,
}

/// How a warehouse's admin password is given.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminPassword {
    /// Not written in the source: managed by Amazon Redshift in Secrets Manager, written
    /// write-only, not set (a restored cluster), or read from elsewhere (a secret store, a
    /// generated password, a dynamic reference, a value the run was given).
    NotWritten,
    /// Written as a literal at `written`: the attribute's own value, or the variable
    /// default, tfvars value, local, module argument or parameter `Default` it reads.
    /// `manage` is the fix that has Amazon Redshift manage the password instead, where it
    /// removes the literal from the source (the literal is the attribute's own value).
    Literal {
        written: Span,
        manage: Option<FixIntent>,
    },
    /// Shown in clear by a plan: a plan file holds the values of sensitive attributes.
    InPlan,
}

#[derive(Debug, Clone)]
pub struct SubnetGroup {
    pub meta: Meta,
    pub subnets: Val<Vec<Link>>,
}

#[derive(Debug, Clone)]
pub struct ParameterGroup {
    pub meta: Meta,
    pub family: Val<String>,
    /// The `require_ssl` parameter, when the group sets it. A value that is neither true nor
    /// false is unknown.
    pub require_ssl: Option<Val<bool>>,
    /// The fix that adds `require_ssl = true` to the group.
    pub add_require_ssl: FixIntent,
}

#[derive(Debug, Clone)]
pub struct Vpc {
    pub meta: Meta,
    pub instance_tenancy: Val<String>,
    /// The primary IPv4 CIDR block; unknown when not written (allocated from an IPAM pool).
    pub cidr_block: Val<IpNet>,
    /// The VPC's main route table: a table in scope, or ([`Named::Other`]) the table AWS
    /// created, holding only the local route (and the routes written into it in scope).
    pub main_route_table: Val<Named>,
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Option<Link>,
    pub availability_zone: Val<String>,
    pub map_public_ip_on_launch: Val<bool>,
    /// The effective route table: a table in scope, or ([`Named::Other`]) the VPC's original
    /// main table as AWS created it (local route only).
    pub route_table: Val<Named>,
    /// The subnet's network ACL: an ACL in scope, or ([`Named::Other`]) the VPC's default ACL as
    /// AWS created it (allows all).
    pub network_acl: Val<Named>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcEndpoint,
    Local,
    /// Peering, transit gateway, virtual private gateway, network interface …
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    Cidr(IpNet),
    PrefixList,
}

#[derive(Debug, Clone)]
pub struct Route {
    /// The resource the route is written in (the table for inline routes).
    pub meta: Meta,
    pub destination: Val<Destination>,
    pub target: Val<RouteTarget>,
    /// The resource the target names, when it is in scope (the internet gateway, NAT gateway
    /// or endpoint the route sends traffic to).
    pub gateway: Option<Meta>,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    /// The table's resource; for a VPC's original main table that is not declared but that
    /// routes are written into (`aws_vpc.x.default_route_table_id`), the VPC's.
    pub meta: Meta,
    pub routes: Vec<Route>,
    /// Whether `routes` are all of them: unknown when some could not be read (an unknown
    /// `route` attribute). Never false.
    pub routes_complete: Truth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    Other(u8),
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    Cidr(IpNet),
    PrefixList,
    SecurityGroup,
    /// The group itself (`self = true`).
    Itself,
}

/// One security group rule for one peer.
#[derive(Debug, Clone)]
pub struct SecurityGroupRule {
    /// The resource the rule is written in (the group for inline rules).
    pub meta: Meta,
    pub protocol: Val<Protocol>,
    pub ports: Val<PortRange>,
    /// The peer; its span is where the CIDR is written.
    pub peer: Val<Peer>,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub ingress: Vec<SecurityGroupRule>,
    pub egress: Vec<SecurityGroupRule>,
    /// Whether `ingress` is all of it: unknown when some rules could not be read.
    pub ingress_complete: Truth,
    /// The fix that adds an egress rule for HTTPS to anywhere, where the group is written.
    pub add_https_egress: Option<FixIntent>,
}

/// An IAM role with its trust policy and every policy attached to it in scope.
#[derive(Debug, Clone)]
pub struct IamRole {
    pub meta: Meta,
    /// None when the trust policy cannot be read.
    pub trust: Val<PolicyDocument>,
    pub policies: Vec<PolicyDocument>,
    /// Whether `policies` are all of them: unknown when some attached policy is out of scope or
    /// unreadable.
    pub policies_complete: Truth,
}

/// An S3 bucket with its bucket policies and server access logging.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub meta: Meta,
    pub name: Val<String>,
    pub policies: Vec<PolicyDocument>,
    pub logging: Val<bool>,
}

/// The `resources.ARN` condition of an advanced event selector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArnSelector {
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}

/// A CloudTrail event selector.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSelector {
    Basic {
        /// Records read events (`ReadWriteType` All or ReadOnly).
        reads: Truth,
        /// Each data resource: does it select S3 objects, and its ARN prefixes.
        resources: Vec<(Truth, Vec<Val<String>>)>,
    },
    Advanced {
        /// Selects S3 object data events (`eventCategory` Data, `resources.type` S3 objects).
        s3_objects: Truth,
        /// Records reads (`readOnly` is not limited to `false`).
        reads: Truth,
        /// The `resources.ARN` condition, when written.
        arns: Option<ArnSelector>,
    },
}

#[derive(Debug, Clone)]
pub struct Trail {
    pub meta: Meta,
    pub logging: Val<bool>,
    /// None when the selectors cannot be read.
    pub selectors: Val<Vec<DataSelector>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointType {
    Gateway,
    Interface,
    GatewayLoadBalancer,
}

#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub meta: Meta,
    pub vpc: Option<Link>,
    pub service: Val<String>,
    pub endpoint_type: Val<EndpointType>,
    pub route_tables: Vec<Link>,
    /// VPCs whose original main route table the endpoint is associated with
    /// (`aws_vpc.x.main_route_table_id`).
    pub main_tables_of: Vec<Id>,
    pub subnets: Vec<Link>,
}

#[derive(Debug, Clone)]
pub struct FlowLog {
    pub meta: Meta,
    /// The VPC it logs: a VPC in scope, or ([`Named::Other`]) not a VPC in scope (a subnet, an
    /// interface, another VPC).
    pub vpc: Val<Named>,
}

/// A resource that is deployed only if a condition whose value is unknown holds
/// (CloudFormation `Condition`): findings about it, or involving it, are reported only with
/// `--strict`, saying so.
#[derive(Debug, Clone)]
pub struct Conditional {
    pub address: String,
    /// The resource header.
    pub span: Span,
    pub condition: String,
    /// Where the resource names the condition.
    pub condition_span: Span,
    /// `condition` names a loop (CloudFormation `Fn::ForEach`) generating the resource once
    /// per element of a collection that is unknown.
    pub per_element: bool,
}

/// Everything the rules may read about one unit.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub warehouses: Vec<Warehouse>,
    pub subnet_groups: Vec<SubnetGroup>,
    pub parameter_groups: Vec<ParameterGroup>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub security_groups: Vec<SecurityGroup>,
    pub flow_logs: Vec<FlowLog>,
    pub network_acls: Vec<NetworkAcl>,
    pub endpoints: Vec<VpcEndpoint>,
    pub roles: Vec<IamRole>,
    pub buckets: Vec<Bucket>,
    pub trails: Vec<Trail>,
    /// Resources that may or may not be deployed.
    pub conditional: Vec<Conditional>,
    /// How many resources the unit had (for the report summary).
    pub resource_count: usize,
    /// The secrets the unit's sources (or plan) hold: admin passwords.
    pub secrets: Vec<Secret>,
    /// Buckets by lower-cased known name, built on first use: a policy naming a bucket finds it
    /// without a scan of every bucket (a plan can hold thousands of stacks).
    bucket_names: std::sync::OnceLock<HashMap<String, Vec<Id>>>,
    /// Endpoints by the VPC they are known to be in and by what they are attached to, built on
    /// first use: a warehouse's endpoints are found without a scan of every endpoint of the
    /// unit (see [`Model::endpoints_maybe_in`], [`Model::endpoints_attached`]).
    endpoints_by: std::sync::OnceLock<EndpointIndex>,
    /// Trails by the one bucket each can record reads of, built on first use (see
    /// [`Model::trails_maybe_recording`]).
    trail_buckets: std::sync::OnceLock<spectrum::TrailBuckets>,
}

/// The positions of a unit's endpoints by VPC, and by what they are attached to.
#[derive(Debug, Clone, Default)]
struct EndpointIndex {
    known: HashMap<Id, Vec<usize>>,
    /// Endpoints whose VPC is not known: they may be in any.
    unknown: Vec<usize>,
    attached: HashMap<Attachment, Vec<usize>>,
}

/// What an endpoint names as attached to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attachment {
    /// A subnet in scope (an interface endpoint's network interface is in it).
    Subnet(Id),
    /// A route table in scope (a gateway endpoint's route is in it).
    RouteTable(Id),
    /// The original main route table of a VPC in scope.
    MainTableOf(Id),
}

impl Model {
    /// The provisioned clusters (not Serverless workgroups): what cluster-only rules judge.
    pub fn clusters(&self) -> impl Iterator<Item = &Warehouse> {
        self.warehouses
            .iter()
            .filter(|w| w.kind == WarehouseKind::Cluster)
    }

    /// The buckets whose known name an IAM resource pattern (`*` and `?` wildcards, no case)
    /// matches.
    pub fn buckets_matching(&self, pattern: &str) -> Vec<Id> {
        if pattern.contains(['*', '?']) {
            return self
                .buckets
                .iter()
                .enumerate()
                .filter(|(_, b)| {
                    b.name
                        .known()
                        .is_some_and(|n| policy::wildcard_match(pattern, n))
                })
                .map(|(i, _)| i)
                .collect();
        }
        let names = self.bucket_names.get_or_init(|| {
            let mut names: HashMap<String, Vec<Id>> = HashMap::new();
            for (i, bucket) in self.buckets.iter().enumerate() {
                if let Some(name) = bucket.name.known() {
                    names.entry(name.to_lowercase()).or_default().push(i);
                }
            }
            names
        });
        names
            .get(&pattern.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    pub fn subnet(&self, link: &Link) -> Option<&Subnet> {
        link.target.and_then(|i| self.subnets.get(i))
    }

    pub fn security_group(&self, link: &Link) -> Option<&SecurityGroup> {
        link.target.and_then(|i| self.security_groups.get(i))
    }

    /// The VPC a warehouse lives in, when its subnets say (the first subnet in scope with a
    /// VPC in scope; AWS requires all of a warehouse's subnets to be in one VPC).
    pub fn warehouse_vpc(&self, warehouse: &Warehouse) -> Option<&Vpc> {
        self.warehouse_vpc_id(warehouse)
            .and_then(|v| self.vpcs.get(v))
    }

    /// The id of [`Model::warehouse_vpc`].
    pub fn warehouse_vpc_id(&self, warehouse: &Warehouse) -> Option<Id> {
        warehouse
            .subnets
            .known()?
            .iter()
            .filter_map(|l| self.subnet(l))
            .find_map(|s| s.vpc.and_then(|v| v.target))
    }

    /// The endpoints that may be in `vpc` (None: a VPC not known): those known to be in it and
    /// those whose VPC is not known, in the order of [`Model::endpoints`]; every endpoint for
    /// an unknown VPC. Each endpoint left out is known to be in another VPC.
    pub fn endpoints_maybe_in(&self, vpc: Option<Id>) -> Vec<&VpcEndpoint> {
        let Some(vpc) = vpc else {
            return self.endpoints.iter().collect();
        };
        let index = self.endpoint_index();
        let mut positions: Vec<usize> = index
            .known
            .get(&vpc)
            .into_iter()
            .flatten()
            .chain(&index.unknown)
            .copied()
            .collect();
        positions.sort_unstable();
        positions
            .into_iter()
            .filter_map(|i| self.endpoints.get(i))
            .collect()
    }

    /// The endpoints that name `to` as attached to them, in the order of [`Model::endpoints`].
    pub fn endpoints_attached(&self, to: Attachment) -> Vec<&VpcEndpoint> {
        self.endpoint_index()
            .attached
            .get(&to)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.endpoints.get(i))
            .collect()
    }

    fn endpoint_index(&self) -> &EndpointIndex {
        self.endpoints_by.get_or_init(|| {
            let mut index = EndpointIndex::default();
            for (i, endpoint) in self.endpoints.iter().enumerate() {
                match endpoint.vpc.and_then(|l| l.target) {
                    Some(v) => index.known.entry(v).or_default().push(i),
                    None => index.unknown.push(i),
                }
                let attachments = (endpoint.subnets.iter().filter_map(|l| l.target))
                    .map(Attachment::Subnet)
                    .chain(
                        (endpoint.route_tables.iter().filter_map(|l| l.target))
                            .map(Attachment::RouteTable),
                    )
                    .chain(
                        endpoint
                            .main_tables_of
                            .iter()
                            .map(|&v| Attachment::MainTableOf(v)),
                    );
                for attachment in attachments {
                    let positions = index.attached.entry(attachment).or_default();
                    // An endpoint naming one subnet twice is attached once.
                    if positions.last() != Some(&i) {
                        positions.push(i);
                    }
                }
            }
            index
        })
    }

    /// Does the VPC (in scope) have an interface VPC endpoint? The endpoints of a VPC in scope
    /// are taken to be in scope, as its flow logs are; an endpoint whose VPC or type cannot be
    /// known may be one.
    pub fn has_interface_endpoint(&self, vpc: Id) -> Truth {
        Truth::any(self.endpoints_maybe_in(Some(vpc)).into_iter().map(|e| {
            let same_vpc = match e.vpc.and_then(|l| l.target) {
                Some(v) => Truth::from_known(v == vpc),
                None => Truth::Unknown,
            };
            same_vpc.and(e.endpoint_type.test(|t| *t == EndpointType::Interface))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FileId;

    fn endpoint(n: u32, vpc: Option<Id>) -> VpcEndpoint {
        let span = Span::new(FileId(0), n as usize..n as usize + 1);
        VpcEndpoint {
            meta: Meta {
                address: format!("endpoint e{n}"),
                kind: "VPC endpoint".into(),
                span,
                origin: None,
            },
            vpc: Some(Link { target: vpc, span }),
            service: Val::explicit("com.amazonaws.us-east-1.s3".into(), span),
            endpoint_type: Val::explicit(EndpointType::Gateway, span),
            route_tables: Vec::new(),
            main_tables_of: Vec::new(),
            subnets: Vec::new(),
        }
    }

    fn addresses(endpoints: Vec<&VpcEndpoint>) -> Vec<&str> {
        endpoints.iter().map(|e| e.meta.address.as_str()).collect()
    }

    #[test]
    fn the_endpoints_that_may_be_in_a_vpc_leave_out_only_those_known_to_be_in_another() {
        let model = Model {
            endpoints: vec![
                endpoint(0, Some(1)),
                endpoint(1, None),
                endpoint(2, Some(0)),
                endpoint(3, Some(1)),
            ],
            ..Model::default()
        };
        assert_eq!(
            addresses(model.endpoints_maybe_in(Some(1))),
            ["endpoint e0", "endpoint e1", "endpoint e3"]
        );
        assert_eq!(
            addresses(model.endpoints_maybe_in(Some(0))),
            ["endpoint e1", "endpoint e2"]
        );
        assert_eq!(
            addresses(model.endpoints_maybe_in(Some(7))),
            ["endpoint e1"]
        );
        // A VPC that is not known may be any: every endpoint.
        assert_eq!(model.endpoints_maybe_in(None).len(), 4);
        // Whether a VPC has an interface endpoint: e1 (VPC unknown) is a gateway, so no.
        assert_eq!(model.has_interface_endpoint(7), Truth::False);
    }

    #[test]
    fn endpoints_are_found_by_what_they_are_attached_to() {
        let span = Span::new(FileId(0), 0..1);
        let link = |target| Link {
            target: Some(target),
            span,
        };
        let mut a = endpoint(0, Some(0));
        a.subnets = vec![link(3), link(3), link(4)];
        let mut b = endpoint(1, None);
        b.route_tables = vec![link(3)];
        b.main_tables_of = vec![0];
        let mut c = endpoint(2, Some(1));
        c.subnets = vec![link(4)];
        c.route_tables = vec![Link { target: None, span }];
        let model = Model {
            endpoints: vec![a, b, c],
            ..Model::default()
        };
        let found = |to| addresses(model.endpoints_attached(to));
        // A subnet named twice by one endpoint finds it once.
        assert_eq!(found(Attachment::Subnet(3)), ["endpoint e0"]);
        assert_eq!(found(Attachment::Subnet(4)), ["endpoint e0", "endpoint e2"]);
        // Ids of subnets and route tables are apart: table 3 is not subnet 3.
        assert_eq!(found(Attachment::RouteTable(3)), ["endpoint e1"]);
        assert_eq!(found(Attachment::MainTableOf(0)), ["endpoint e1"]);
        assert!(found(Attachment::MainTableOf(1)).is_empty());
        assert!(found(Attachment::RouteTable(0)).is_empty());
        // The same as asking every endpoint.
        for to in [3, 4, 5] {
            let scanned: Vec<&str> = model
                .endpoints
                .iter()
                .filter(|e| e.subnets.iter().any(|l| l.target == Some(to)))
                .map(|e| e.meta.address.as_str())
                .collect();
            assert_eq!(found(Attachment::Subnet(to)), scanned);
        }
    }
}
