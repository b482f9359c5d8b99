//! The rule catalog: one file per rule, each a pure function from the model to findings, with
//! its documentation beside it (the same text `redshield explain` prints).
//!
//! **Architecture Invariant:** rules import only the model (`crate::model`), never the IR or a
//! front end, and never match on resource-kind strings. A meta-test checks the imports.
//! Rule IDs and names are a stability boundary: never renumber; retire instead.

use crate::model::Span;
use crate::model::{FixIntent, Meta, Model, Truth};
use foldhash::{HashMap, HashMapExt};
use ipnet::IpNet;
use std::hash::{Hash, Hasher};

/// Declares a rule: the `///` lines become its documentation, shown by `redshield explain`.
macro_rules! declare_rule {
    (@security_severity) => { None };
    (@security_severity $score:literal) => { Some($score) };
    (
        $(#[doc = $doc:literal])*
        id: $id:literal,
        name: $name:literal,
        severity: $severity:ident,
        summary: $summary:literal,
        fix: $fix:ident,
        opt_in: $opt_in:literal
        $(, security_severity: $score:literal)? $(,)?
    ) => {
        pub(crate) static RULE: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            name: $name,
            severity: $crate::rules::Severity::$severity,
            summary: $summary,
            fix: $crate::rules::FixAvailability::$fix,
            opt_in: $opt_in,
            security_severity: declare_rule!(@security_severity $($score)?),
            doc: concat!($($doc, "\n"),*),
            check,
        };
    };
}

mod ingress;
mod rs100_warehouse_reachable_from_internet;
mod rs101_warehouse_outside_vpc;
mod rs102_subnet_group_single_az;
mod rs103_warehouse_in_public_subnet;
mod rs104_warehouse_publicly_accessible;
mod rs105_ingress_open_to_world;
mod rs106_ingress_outside_allowed_ranges;
mod rs107_default_security_group;
mod rs108_nacl_blocks_s3;
mod rs109_ssl_not_required;
mod rs110_vpc_flow_logs_missing;
mod rs111_dedicated_tenancy;
mod rs112_enhanced_vpc_routing_disabled;
mod rs201_bucket_policy_vpce_only;
mod rs202_role_trust_not_redshift;
mod rs203_presigned_urls_blocked;
mod rs204_catalog_unreachable;
mod rs205_s3_unreachable_with_evr;
mod rs206_egress_blocks_aws_endpoints;
mod rs301_spectrum_bucket_no_access_logs;
mod rs302_spectrum_bucket_no_data_events;
mod rs303_audit_logging_disabled;
mod rs401_encryption_at_rest_disabled;
mod rs402_kms_key_not_customer_managed;
mod rs403_automated_snapshots_disabled;
mod rs404_major_version_upgrade_disabled;
mod rs405_default_admin_username;
mod rs406_default_database_name;
mod rs407_plaintext_admin_password;
mod rs408_serverless_logs_not_exported;
mod toolkit;

/// Every rule, sorted by ID.
pub static ALL: &[&Rule] = &[
    &rs100_warehouse_reachable_from_internet::RULE,
    &rs101_warehouse_outside_vpc::RULE,
    &rs102_subnet_group_single_az::RULE,
    &rs103_warehouse_in_public_subnet::RULE,
    &rs104_warehouse_publicly_accessible::RULE,
    &rs105_ingress_open_to_world::RULE,
    &rs106_ingress_outside_allowed_ranges::RULE,
    &rs107_default_security_group::RULE,
    &rs108_nacl_blocks_s3::RULE,
    &rs109_ssl_not_required::RULE,
    &rs110_vpc_flow_logs_missing::RULE,
    &rs111_dedicated_tenancy::RULE,
    &rs112_enhanced_vpc_routing_disabled::RULE,
    &rs201_bucket_policy_vpce_only::RULE,
    &rs202_role_trust_not_redshift::RULE,
    &rs203_presigned_urls_blocked::RULE,
    &rs204_catalog_unreachable::RULE,
    &rs205_s3_unreachable_with_evr::RULE,
    &rs206_egress_blocks_aws_endpoints::RULE,
    &rs301_spectrum_bucket_no_access_logs::RULE,
    &rs302_spectrum_bucket_no_data_events::RULE,
    &rs303_audit_logging_disabled::RULE,
    &rs401_encryption_at_rest_disabled::RULE,
    &rs402_kms_key_not_customer_managed::RULE,
    &rs403_automated_snapshots_disabled::RULE,
    &rs404_major_version_upgrade_disabled::RULE,
    &rs405_default_admin_username::RULE,
    &rs406_default_database_name::RULE,
    &rs407_plaintext_admin_password::RULE,
    &rs408_serverless_logs_not_exported::RULE,
];

/// Looks a rule up by ID, case-insensitively.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            _ => Err(format!(
                "unknown severity `{s}` (expected low, medium or high)"
            )),
        }
    }
}

/// Whether a rule's findings can carry a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// A rule's metadata and check function.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub fix: FixAvailability,
    /// Runs only when its configuration enables it.
    pub opt_in: bool,
    /// The SARIF `security-severity` of its findings at the rule's severity, when the band of
    /// that severity does not say how severe it is (RS100, the most severe finding redshield
    /// makes: "9.5").
    pub security_severity: Option<&'static str>,
    /// Markdown documentation (What it does, Why is this bad?, Example, …).
    pub doc: &'static str,
    pub check: fn(&Model, &RuleConfig) -> Vec<Finding>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Rule {
    /// The documentation with the one space `///` leaves at the start of each line removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A finding of this rule at `span` about `resource`, with the rule's own severity.
    pub fn finding(&'static self, resource: &Meta, span: Span, message: String) -> Finding {
        let mut finding = Finding {
            rule: self,
            severity: self.severity,
            message,
            address: resource.address.clone(),
            kind: resource.kind.clone(),
            span,
            related: Vec::new(),
            fix: None,
            evidence: Vec::new(),
            links_findings_on_path: false,
            related_index: HashMap::new(),
        };
        if let Some(origin) = resource.origin {
            finding.add_related(Related {
                message: format!("{} in the plan", resource.address),
                span: origin,
            });
        }
        finding
    }
}

/// The configuration rules read.
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// S3's IP prefixes per region (embedded, or from `--ip-ranges`).
    pub s3_ranges: std::sync::Arc<crate::model::s3_ranges::S3Ranges>,
    /// Enables RS106: ingress must come from inside these ranges.
    pub allowed_cidrs: Option<Vec<IpNet>>,
    /// Enables RS111.
    pub require_dedicated_tenancy: bool,
    /// Enables RS402.
    pub require_customer_managed_keys: bool,
    /// The fewest days of automated snapshots RS403 accepts; None: the default
    /// (`model::defaults::MIN_SNAPSHOT_RETENTION_DAYS`).
    pub min_snapshot_retention_days: Option<i64>,
    /// Extra service principals RS202 accepts.
    pub trusted_services: Vec<String>,
    /// `--strict`: also report what breaks a rule unless an unknown value turns out well.
    pub strict: bool,
}

impl RuleConfig {
    /// Does a rule report a condition that is `truth`? When it is true; with `--strict`, when
    /// it is unknown too (the finding's message then says what is unknown).
    pub fn reports(&self, truth: Truth) -> bool {
        truth.is_true() || (self.strict && truth == Truth::Unknown)
    }
}

/// Another place involved in a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Related {
    pub message: String,
    pub span: Span,
}

/// One step of the path a finding rests on: the resource, where, and what it contributes to
/// the path ("route 0.0.0.0/0 → aws_internet_gateway.main", "rule 100 allows tcp 5439 from
/// 0.0.0.0/0"). A finding's hops are in path order.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub address: String,
    pub kind: String,
    pub span: Span,
    /// One clause, lower-case start, no trailing period.
    pub says: String,
}

/// One problem found by one rule.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// One clause, lower-case start, no trailing period.
    pub message: String,
    /// The resource the finding is about.
    pub address: String,
    pub kind: String,
    /// Where the finding points.
    pub span: Span,
    pub related: Vec<Related>,
    /// The change that removes the finding, when the rule knows one.
    pub fix: Option<FixIntent>,
    /// The path the finding rests on, hop by hop, in order (reachability rules).
    pub evidence: Vec<Hop>,
    /// The finding is the conjunction of what other rules report one by one (RS100): the
    /// report relates it to the findings of other rules at its hops.
    pub links_findings_on_path: bool,
    /// Where each entry of `related` is, by its hash: one finding may name thousands of
    /// resources (every warehouse of a module, every group of a warehouse), and
    /// [`Finding::with_related`] skips duplicates without comparing with each of them.
    related_index: HashMap<u64, Vec<usize>>,
}

/// The hash [`Finding::related_index`] files a related place under.
fn related_hash(related: &Related) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    related.hash(&mut hasher);
    hasher.finish()
}

impl Finding {
    pub fn with_fix(mut self, fix: Option<FixIntent>) -> Finding {
        self.fix = fix;
        self
    }

    pub fn with_related(mut self, message: impl Into<String>, span: Span) -> Finding {
        let related = Related {
            message: message.into(),
            span,
        };
        if related.span != self.span {
            self.add_related(related);
        }
        self
    }

    /// Adds `related` unless it is already there.
    fn add_related(&mut self, related: Related) {
        let hash = related_hash(&related);
        let same = self.related_index.entry(hash).or_default();
        if same
            .iter()
            .any(|&i| self.related.get(i).is_some_and(|r| *r == related))
        {
            return;
        }
        same.push(self.related.len());
        self.related.push(related);
    }

    /// Adds the next hop of the finding's path: `resource`, at `span`, contributing `says`.
    pub fn with_hop(mut self, resource: &Meta, span: Span, says: impl Into<String>) -> Finding {
        self.evidence.push(Hop {
            address: resource.address.clone(),
            kind: resource.kind.clone(),
            span,
            says: says.into(),
        });
        self
    }

    /// Marks the finding as the conjunction of other rules' findings at its hops.
    pub fn linking_findings_on_path(mut self) -> Finding {
        self.links_findings_on_path = true;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}

/// Runs the enabled rules over a model.
pub fn run(model: &Model, config: &RuleConfig, enabled: &[&'static Rule]) -> Vec<Finding> {
    enabled
        .iter()
        .flat_map(|rule| (rule.check)(model, config))
        .filter_map(|finding| if_deployed(model, config, finding))
        .collect()
}

/// A finding about (or involving) a resource that is deployed only if a condition whose value
/// is unknown holds rests on that condition: reported only with `--strict`, saying so, and
/// without a fix.
fn if_deployed(model: &Model, config: &RuleConfig, mut finding: Finding) -> Option<Finding> {
    let Some(conditional) = model
        .conditional
        .iter()
        .find(|c| c.address == finding.address || finding.related.iter().any(|r| r.span == c.span))
    else {
        return Some(finding);
    };
    if !config.reports(Truth::Unknown) {
        return None;
    }
    let (address, condition) = (&conditional.address, &conditional.condition);
    let (why, related) = if conditional.per_element {
        (
            format!("the collection of its loop {condition} is unknown"),
            format!("{address} is deployed once per element of the collection of {condition}"),
        )
    } else {
        (
            format!("its Condition {condition} is unknown"),
            format!("{address} is deployed only if {condition} holds"),
        )
    };
    finding.message = format!(
        "{}; whether {address} is deployed is unknown here ({why})",
        finding.message
    );
    finding.fix = None;
    Some(finding.with_related(related, conditional.condition_span))
}
