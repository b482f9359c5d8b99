//! What Spectrum, COPY and UNLOAD need, asked of the whole model: the warehouse's roles and the
//! buckets they read, and whether the warehouse's subnets can reach S3 and the Glue catalog.

use super::policy::{ResourceEntry, Statement, s3_bucket_pattern};
use super::{
    Bucket, DataSelector, Destination, EndpointType, IamRole, Id, Model, Named, RouteTarget, Span,
    Subnet, Trail, Truth, Warehouse, net, region,
};
use foldhash::HashMap;

impl Model {
    /// The trails that may record reads of the bucket named `bucket`, in the order of
    /// [`Model::trails`]: every other trail is known not to (its
    /// [`Trail::records_reads_of`] is no).
    pub fn trails_maybe_recording(&self, bucket: &str) -> Vec<&Trail> {
        let index = self.trail_buckets.get_or_init(|| {
            let mut index = TrailBuckets::default();
            for (i, trail) in self.trails.iter().enumerate() {
                match trail.buckets_recorded() {
                    None => index.any.push(i),
                    Some(mut names) => {
                        names.sort();
                        names.dedup();
                        for name in names {
                            index.by_bucket.entry(name).or_default().push(i);
                        }
                    }
                }
            }
            index
        });
        let mut positions: Vec<usize> = index
            .by_bucket
            .get(bucket)
            .into_iter()
            .flatten()
            .chain(&index.any)
            .copied()
            .collect();
        positions.sort_unstable();
        positions
            .into_iter()
            .filter_map(|i| self.trails.get(i))
            .collect()
    }

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

/// The trails of a model by the buckets whose reads they may record: a unit of many stacks may
/// have a trail and a bucket per stack, and each bucket asks about every trail otherwise.
#[derive(Debug, Clone, Default)]
pub struct TrailBuckets {
    /// Trails that may record reads of the named buckets only.
    by_bucket: HashMap<String, Vec<usize>>,
    /// Trails that may record reads of any bucket (or whose selectors are not known).
    any: Vec<usize>,
}

/// Which buckets a test on a bucket's object ARN (`arn:aws:s3:::NAME/`) can hold for.
enum Buckets {
    None,
    One(String),
    Any,
}

/// The buckets whose object ARN starts with `prefix`.
fn object_arn_starts_with(prefix: &str) -> Buckets {
    if S3_ARN.starts_with(prefix) {
        return Buckets::Any;
    }
    let Some(rest) = prefix.strip_prefix(S3_ARN) else {
        return Buckets::None;
    };
    match rest.find('/') {
        // A prefix of names (`arn:aws:s3:::logs-`): any bucket may have it.
        None => Buckets::Any,
        Some(i) if i + 1 == rest.len() => Buckets::One(rest[..i].to_string()),
        // Longer than any object ARN of the form above.
        Some(_) => Buckets::None,
    }
}

/// The buckets whose object ARN `text` starts with.
fn starts_with_object_arn(text: &str) -> Buckets {
    match text
        .strip_prefix(S3_ARN)
        .and_then(|rest| rest.split_once('/'))
    {
        Some((name, _)) => Buckets::One(name.to_string()),
        None => Buckets::None,
    }
}

const S3_ARN: &str = "arn:aws:s3:::";

impl Trail {
    /// The buckets [`Trail::records_reads_of`] may answer other than no for: None for any.
    /// A superset (exclusions are not read): the answer is still asked of each.
    fn buckets_recorded(&self) -> Option<Vec<String>> {
        let selectors = self.selectors.known()?;
        if self.logging.known() == Some(&false) {
            return Some(Vec::new());
        }
        let mut names = Vec::new();
        let mut add = |buckets: Buckets| match buckets {
            Buckets::None => Some(()),
            Buckets::One(name) => {
                names.push(name);
                Some(())
            }
            Buckets::Any => None,
        };
        for selector in selectors {
            match selector {
                DataSelector::Basic { reads, resources } => {
                    if *reads == Truth::False {
                        continue;
                    }
                    for (objects, values) in resources {
                        if *objects == Truth::False {
                            continue;
                        }
                        for value in values {
                            add(object_arn_starts_with(value.known()?))?;
                        }
                    }
                }
                DataSelector::Advanced {
                    s3_objects,
                    reads,
                    arns,
                } => {
                    if *s3_objects == Truth::False || *reads == Truth::False {
                        continue;
                    }
                    let f = arns.as_ref()?;
                    if !f.ends_with.is_empty() || (f.equals.is_empty() && f.starts_with.is_empty())
                    {
                        return None;
                    }
                    for prefix in &f.starts_with {
                        add(object_arn_starts_with(prefix))?;
                        add(starts_with_object_arn(prefix))?;
                    }
                    for equal in &f.equals {
                        add(starts_with_object_arn(equal))?;
                    }
                }
            }
        }
        Some(names)
    }

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

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::ir::FileId;
    use crate::model::{ArnSelector, Meta, Val};

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    fn trail(n: usize, logging: Val<bool>, selectors: Val<Vec<DataSelector>>) -> Trail {
        Trail {
            meta: Meta {
                address: format!("trail t{n}"),
                kind: "trail".into(),
                span: span(),
                origin: None,
            },
            logging,
            selectors,
        }
    }

    fn basic(values: Vec<Val<String>>) -> DataSelector {
        DataSelector::Basic {
            reads: Truth::True,
            resources: vec![(Truth::True, values)],
        }
    }

    fn advanced(arns: Option<ArnSelector>) -> DataSelector {
        DataSelector::Advanced {
            s3_objects: Truth::True,
            reads: Truth::True,
            arns,
        }
    }

    fn arns(equals: &[&str], starts_with: &[&str], ends_with: &[&str]) -> ArnSelector {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        ArnSelector {
            equals: strings(equals),
            not_equals: Vec::new(),
            starts_with: strings(starts_with),
            not_starts_with: Vec::new(),
            ends_with: strings(ends_with),
            not_ends_with: Vec::new(),
        }
    }

    #[test]
    fn trails_left_out_for_a_bucket_are_those_that_cannot_record_it() {
        let known = |s: &str| Val::explicit(s.to_string(), span());
        let on = || Val::explicit(true, span());
        let prefixes = [
            "arn:aws:s3",
            "arn:aws:s3:::",
            "arn:aws:s3:::data/",
            "arn:aws:s3:::data",
            "arn:aws:s3:::data/sub/",
            "arn:aws:s3:::other/",
            "arn:aws:s3:::da",
            "arn:aws:s3:::Data/",
            "arn:aws:lambda",
        ];
        let mut selectors: Vec<Val<Vec<DataSelector>>> = prefixes
            .iter()
            .map(|p| Val::explicit(vec![basic(vec![known(p)])], span()))
            .collect();
        selectors.push(Val::explicit(
            vec![basic(vec![Val::unknown(span())])],
            span(),
        ));
        selectors.push(Val::unknown(span()));
        selectors.push(Val::explicit(vec![advanced(None)], span()));
        for (equals, starts, ends) in [
            (&[][..], &[][..], &[][..]),
            (&["arn:aws:s3:::data/x.csv"][..], &[][..], &[][..]),
            (&[], &["arn:aws:s3:::data/"], &[]),
            (&[], &["arn:aws:s3:::data/part/"], &[]),
            (&[], &["arn:aws:s3:::da"], &[]),
            (&[], &["arn:aws:s3:::other/"], &[]),
            (&[], &[], &[".csv"]),
        ] {
            let selector = advanced(Some(arns(equals, starts, ends)));
            selectors.push(Val::explicit(vec![selector], span()));
        }
        selectors.push(Val::explicit(
            vec![
                basic(vec![known("arn:aws:s3:::other/")]),
                basic(vec![known("arn:aws:s3:::data/")]),
            ],
            span(),
        ));
        let mut trails: Vec<Trail> = selectors
            .iter()
            .enumerate()
            .map(|(n, s)| trail(n, on(), s.clone()))
            .collect();
        // Not logging: records nothing; logging unknown: may record.
        trails.push(trail(
            100,
            Val::explicit(false, span()),
            selectors[0].clone(),
        ));
        trails.push(trail(101, Val::unknown(span()), selectors[2].clone()));
        let model = Model {
            trails,
            ..Model::default()
        };
        let mut narrowed = false;
        for bucket in ["data", "data2", "other", "da", "Data", "x", ""] {
            let candidates: Vec<&str> = model
                .trails_maybe_recording(bucket)
                .iter()
                .map(|t| t.meta.address.as_str())
                .collect();
            for t in &model.trails {
                let answer = t.records_reads_of(bucket);
                assert!(
                    answer == Truth::False || candidates.contains(&t.meta.address.as_str()),
                    "{} answers {answer:?} for {bucket:?} but is left out",
                    t.meta.address
                );
            }
            narrowed |= candidates.len() < model.trails.len();
            // In the model's order.
            let order: Vec<&str> = model
                .trails
                .iter()
                .map(|t| t.meta.address.as_str())
                .filter(|a| candidates.contains(a))
                .collect();
            assert_eq!(candidates, order);
        }
        assert!(narrowed, "the index left no trail out");
        // A trail pinned to `data` is not asked about `other`.
        let for_other = model.trails_maybe_recording("other");
        assert!(
            !for_other.iter().any(|t| t.meta.address == "trail t2"),
            "{for_other:?}"
        );
    }
}
