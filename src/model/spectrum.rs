//! What Spectrum, COPY and UNLOAD need, asked of the whole model: the warehouse's roles and the
//! buckets they read, and whether the warehouse's subnets can reach S3 and the Glue catalog.

use super::policy::{ResourceEntry, Statement, s3_bucket_pattern};
use super::{
    Bucket, DataSelector, Destination, EndpointType, IamRole, Id, Model, Named, RouteTarget, Span,
    Subnet, Trail, Truth, Warehouse, net, region,
};

impl Model {
    /// The warehouse's IAM roles that are in scope.
    pub fn spectrum_roles(&self, warehouse: &Warehouse) -> Vec<&IamRole> {
        warehouse
            .roles
            .known()
            .map(|links| {
                links
                    .iter()
                    .filter_map(|l| l.target.and_then(|r| self.roles.get(r)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The buckets in scope that a policy of one of the warehouse's roles lets it read: named in
    /// the `Resource` of a statement known to allow S3 actions. A wildcard that names no bucket
    /// (`*`, `arn:aws:s3:::*`) is not naming one, and a statement whose effect or actions are
    /// unknown is not known to read (see [`Model::possible_spectrum_buckets`]).
    pub fn spectrum_buckets(&self, warehouse: &Warehouse) -> Vec<Id> {
        let mut out: Vec<Id> = Vec::new();
        for role in self.spectrum_roles(warehouse) {
            for id in self.buckets_read_by(role) {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    /// The buckets in scope that a policy of `role` lets it read, as
    /// [`Model::spectrum_buckets`] judges them (the role's part of them).
    pub fn buckets_read_by(&self, role: &IamRole) -> Vec<Id> {
        let mut out: Vec<Id> = Vec::new();
        for statement in role_reading_statements(role).filter(|s| reads_s3(s).is_true()) {
            for id in self.named_buckets(statement) {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    /// The buckets in scope a statement names in its `Resource` (wildcards name none).
    fn named_buckets(&self, statement: &Statement) -> Vec<Id> {
        statement
            .resources
            .iter()
            .flat_map(|entry| match entry {
                ResourceEntry::Bucket(id) => vec![*id],
                ResourceEntry::Arn(arn) => match s3_bucket_pattern(arn) {
                    Some(pattern) if !is_wildcard(&pattern) => self.buckets_matching(&pattern),
                    _ => Vec::new(),
                },
                ResourceEntry::Unknown => Vec::new(),
            })
            .collect()
    }

    /// The Spectrum buckets of the warehouse (with `None`), then, for `--strict`, the other
    /// buckets in scope it may read, each with the statement that makes it so: one whose effect
    /// or actions are unknown naming the bucket, a wildcard `Resource` (any bucket), or, when
    /// `unknown_resources` is set, a `Resource` that cannot be known (any bucket).
    pub fn possible_spectrum_buckets(
        &self,
        warehouse: &Warehouse,
        unknown_resources: bool,
    ) -> Vec<(Id, Option<UnsureReads<'_>>)> {
        let mut out: Vec<(Id, Option<UnsureReads>)> = self
            .spectrum_buckets(warehouse)
            .into_iter()
            .map(|id| (id, None))
            .collect();
        for (role, statement) in self
            .reading_statements(warehouse)
            .filter(|(_, s)| reads_s3(s) == Truth::Unknown)
        {
            for id in self.named_buckets(statement) {
                if !out.iter().any(|(b, _)| *b == id) {
                    let reads = UnsureReads {
                        role,
                        statement: statement.span,
                        cause: UnsureCause::UnknownStatement,
                    };
                    out.push((id, Some(reads)));
                }
            }
        }
        if let Some(reads) = self.unsure_spectrum_reads(warehouse, unknown_resources) {
            for id in 0..self.buckets.len() {
                if !out.iter().any(|(b, _)| *b == id) {
                    out.push((id, Some(reads)));
                }
            }
        }
        out
    }

    /// The `Allow` statements (or statements whose effect is unknown) of the warehouse's roles in
    /// scope that may cover S3 actions, with their role; `NotResource` statements excluded.
    fn reading_statements<'m>(
        &'m self,
        warehouse: &Warehouse,
    ) -> impl Iterator<Item = (&'m IamRole, &'m Statement)> + 'm {
        self.spectrum_roles(warehouse)
            .into_iter()
            .flat_map(|role| role_reading_statements(role).map(move |s| (role, s)))
    }

    /// A statement of one of the warehouse's roles (in scope) that may let it read S3 resources
    /// without naming them: a wildcard that names no bucket (`*`, `arn:aws:s3:::*`), or, when
    /// `unknown_resources` is set, a `Resource` that cannot be known (built from a variable or
    /// parameter without a value), which comes first. Any bucket in scope may then be a
    /// Spectrum bucket; rules say so only with `--strict`.
    fn unsure_spectrum_reads(
        &self,
        warehouse: &Warehouse,
        unknown_resources: bool,
    ) -> Option<UnsureReads<'_>> {
        unknown_resources
            .then(|| self.first_unsure_read(warehouse, UnsureCause::UnknownResource))
            .flatten()
            .or_else(|| self.first_unsure_read(warehouse, UnsureCause::Wildcard))
    }

    fn first_unsure_read(
        &self,
        warehouse: &Warehouse,
        cause: UnsureCause,
    ) -> Option<UnsureReads<'_>> {
        self.reading_statements(warehouse).find_map(|(role, s)| {
            let hit = s.resources.iter().any(|e| match (cause, e) {
                (UnsureCause::UnknownResource, ResourceEntry::Unknown) => true,
                (UnsureCause::Wildcard, ResourceEntry::Arn(arn)) => {
                    s3_bucket_pattern(arn).is_some_and(|p| is_wildcard(&p))
                }
                _ => false,
            });
            hit.then_some(UnsureReads {
                role,
                statement: s.span,
                cause,
            })
        })
    }

    /// The warehouse's subnets that are in scope.
    pub fn warehouse_subnets(&self, warehouse: &Warehouse) -> Vec<&Subnet> {
        warehouse
            .subnets
            .known()
            .map(|links| links.iter().filter_map(|l| self.subnet(l)).collect())
            .unwrap_or_default()
    }

    /// Can the warehouse reach the internet through its own public address (a default route to
    /// an internet gateway, and publicly accessible or an Elastic IP)?
    fn public_path(&self, warehouse: &Warehouse, subnet: &Subnet) -> Truth {
        let (_, igw) = net::internet_routes(self, subnet);
        let public = warehouse
            .publicly_accessible
            .test(|b| *b)
            .or(warehouse.elastic_ip.test(|b| *b));
        igw.and(public)
    }

    /// Does the subnet's route table send `0.0.0.0/0` to a (public) NAT gateway?
    fn nat_path(&self, subnet: &Subnet) -> Truth {
        match subnet.route_table.value {
            None => Truth::Unknown,
            Some(Named::Other) => Truth::False,
            Some(Named::InScope(id)) => match self.route_tables.get(id) {
                None => Truth::Unknown,
                Some(table) => {
                    let answer = Truth::any(table.routes.iter().map(|r| {
                        let dest = r.destination.test(|d| matches!(d, Destination::Cidr(n) if net::is_world(n) && n.addr().is_ipv4()));
                        dest.and(r.target.test(|t| *t == RouteTarget::NatGateway))
                    }));
                    // Routes that could not be read may be the one.
                    answer.or(!table.routes_complete)
                }
            },
        }
    }

    /// Is there an endpoint of `kind` for `service` (`s3`, `glue`) of the warehouse's region in
    /// its VPC? For gateway endpoints, only one associated with the subnet's route table counts.
    fn endpoint(
        &self,
        warehouse: &Warehouse,
        subnet: &Subnet,
        service: &str,
        kind: EndpointType,
    ) -> Truth {
        let region = warehouse.region.known().map(String::as_str);
        let vpc = subnet.vpc.and_then(|v| v.target);
        // An endpoint known to be in another VPC answers no: only the others are asked.
        let answers = self.endpoints_maybe_in(vpc).into_iter().map(|e| {
            let same_vpc = match (e.vpc.and_then(|v| v.target), vpc) {
                (Some(a), Some(b)) => Truth::from_known(a == b),
                _ => Truth::Unknown,
            };
            let serves = e.service.known().map_or(Truth::Unknown, |s| {
                region::names_service(s, region, service)
            });
            let typed = e.endpoint_type.test(|t| *t == kind);
            let reaches = match kind {
                EndpointType::Gateway => {
                    let hit = match subnet.route_table.value {
                        Some(Named::InScope(table)) => {
                            Some(e.route_tables.iter().any(|l| l.target == Some(table)))
                        }
                        // The VPC's original main table, named through the VPC.
                        Some(Named::Other) => {
                            Some(vpc.is_some_and(|v| e.main_tables_of.contains(&v)))
                        }
                        None => None,
                    };
                    // A table the endpoint names that is not in scope may be the subnet's.
                    let named_known = e.route_tables.iter().all(|l| l.target.is_some());
                    match hit {
                        Some(true) => Truth::True,
                        Some(false) if named_known => Truth::False,
                        _ => Truth::Unknown,
                    }
                }
                _ => Truth::True,
            };
            same_vpc.and(serves).and(typed).and(reaches)
        });
        Truth::any(answers)
    }

    /// Can the warehouse's subnets reach S3 (for COPY and UNLOAD under enhanced VPC routing)?
    pub fn s3_path(&self, warehouse: &Warehouse) -> Truth {
        self.any_subnet(warehouse, |subnet| {
            self.endpoint(warehouse, subnet, "s3", EndpointType::Gateway)
                .or(self.endpoint(warehouse, subnet, "s3", EndpointType::Interface))
                .or(self.nat_path(subnet))
                .or(self.public_path(warehouse, subnet))
        })
    }

    /// Can the warehouse reach the Glue Data Catalog (for Spectrum)?
    pub fn catalog_path(&self, warehouse: &Warehouse) -> Truth {
        self.any_subnet(warehouse, |subnet| {
            self.nat_path(subnet)
                .or(self.public_path(warehouse, subnet))
                .or(self.endpoint(warehouse, subnet, "glue", EndpointType::Interface))
        })
    }

    /// Some subnet of the warehouse answers true; unknown when the subnets are.
    fn any_subnet(&self, warehouse: &Warehouse, f: impl Fn(&Subnet) -> Truth) -> Truth {
        let Some(links) = warehouse.subnets.known() else {
            return Truth::Unknown;
        };
        if links.is_empty() {
            return Truth::Unknown;
        }
        Truth::any(
            links
                .iter()
                .map(|l| self.subnet(l).map_or(Truth::Unknown, &f)),
        )
    }
}

/// Why whether a role reads a bucket is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsureCause {
    /// A `Resource` that cannot be known (any bucket).
    UnknownResource,
    /// A wildcard that names no bucket (`*`: any bucket).
    Wildcard,
    /// A statement naming the bucket whose effect or actions are unknown.
    UnknownStatement,
}

/// Whether a statement allows S3 actions: its effect is Allow and its actions cover S3.
/// The `Allow` statements (or statements whose effect is unknown) of `role` that may cover S3
/// actions; `NotResource` statements excluded.
fn role_reading_statements(role: &IamRole) -> impl Iterator<Item = &Statement> {
    role.policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| !s.is_deny().is_true() && !s.covers_s3().is_false() && !s.not_resource)
}

fn reads_s3(statement: &Statement) -> Truth {
    statement.is_allow().and(statement.covers_s3())
}

/// A statement of a warehouse's role that may let it read a bucket.
#[derive(Debug, Clone, Copy)]
pub struct UnsureReads<'m> {
    pub role: &'m IamRole,
    /// Where the statement is written.
    pub statement: Span,
    pub cause: UnsureCause,
}

/// Does a bucket-name pattern name no bucket in particular (only `*`)?
fn is_wildcard(pattern: &str) -> bool {
    pattern.chars().all(|c| c == '*')
}

impl Bucket {
    /// The ARN prefix CloudTrail data resources name objects of this bucket by.
    fn object_arn(name: &str) -> String {
        format!("arn:aws:s3:::{name}/")
    }
}

impl Trail {
    /// Does the trail record S3 object-level read events for the bucket?
    pub fn records_reads_of(&self, bucket: &str) -> Truth {
        let Some(selectors) = self.selectors.known() else {
            return Truth::Unknown;
        };
        let object = Bucket::object_arn(bucket);
        let recorded = Truth::any(selectors.iter().map(|s| match s {
            DataSelector::Basic { reads, resources } => {
                let covers = Truth::any(resources.iter().map(|(objects, values)| {
                    let hit = Truth::any(values.iter().map(|v| {
                        v.test(|prefix| {
                            object.starts_with(prefix.as_str()) || prefix == "arn:aws:s3"
                        })
                    }));
                    objects.and(hit)
                }));
                reads.and(covers)
            }
            DataSelector::Advanced {
                s3_objects,
                reads,
                arns,
            } => {
                let arn = match arns {
                    None => Truth::True,
                    Some(f) => {
                        let included = (f.equals.is_empty()
                            && f.starts_with.is_empty()
                            && f.ends_with.is_empty())
                            || f.starts_with
                                .iter()
                                .any(|p| object.starts_with(p.as_str()) || p.starts_with(&object))
                            || f.equals.iter().any(|e| e.starts_with(&object))
                            || f.ends_with.iter().any(|e| object.ends_with(e.as_str()));
                        let excluded = f
                            .not_starts_with
                            .iter()
                            .any(|p| object.starts_with(p.as_str()))
                            || f.not_equals.contains(&object);
                        Truth::from_known(included && !excluded)
                    }
                };
                s3_objects.and(*reads).and(arn)
            }
        }));
        self.logging.test(|b| *b).and(recorded)
    }
}
