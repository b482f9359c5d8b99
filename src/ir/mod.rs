//! The resource IR: what every front end produces and the model consumes.
//!
//! A [`Resource`] is one deployed object (or data source) with its address, its kind string as
//! the source family spells it, and its attributes as a tree of [`Node`]s. Every node is
//! `Known`, `Unknown` or a `Ref` to another resource and carries the [`Span`] it came from.
//! The IR knows nothing about AWS semantics or rules; it is the **API boundary** between the
//! front ends and the model.

pub mod address;
pub mod cycles;
pub mod region;
mod source_map;

pub use source_map::{FileId, Location, SourceMap, Span, SpanTable};

use foldhash::HashMap;
use std::collections::BTreeMap;

/// The family a resource's kind string belongs to. Defaults differ per family, so the model
/// picks its adapter (and defaults table entries) by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Terraform,
    CloudFormation,
}

/// Whether a Terraform block declared a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// One deployed object.
#[derive(Debug, Clone)]
pub struct Resource {
    pub family: Family,
    pub mode: Mode,
    /// The kind as the source spells it: `aws_security_group`, `AWS::EC2::SecurityGroup`.
    pub kind: String,
    /// The full address: `module.net.aws_subnet.private["a"]`, `data.aws_vpc.main`, or a
    /// CloudFormation logical id.
    pub address: String,
    /// The resource header (`resource "aws_vpc" "main"`), where findings about a missing
    /// attribute point.
    pub span: Span,
    /// The attributes and nested blocks. Always a `Value::Map`; nested blocks are lists of maps.
    pub body: Node,
    /// Where a resource read from a plan is described in the plan file, when `span` points at
    /// its `.tf` source instead.
    pub origin: Option<Span>,
    /// The condition that decides whether the resource is deployed, when its value is unknown
    /// (CloudFormation `Condition`); None when the resource is deployed. A resource whose
    /// condition is known false is not in the IR at all.
    pub deployed_if: Option<DeployCondition>,
    /// Top-level blocks whose value is the object's current state rather than what its
    /// configuration says: a plan shows them for an existing object whose configuration does
    /// not write them (an `aws_security_group` without inline `ingress` shows the rules other
    /// resources manage, or managed until this plan). Empty outside plans, and for blocks the
    /// `.tf` source beside the plan writes (a `dynamic` block, which the plan's configuration
    /// leaves out).
    pub state_only: Vec<String>,
}

/// A condition, whose value is unknown, that decides whether a resource is deployed.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployCondition {
    /// The condition's name, or the loop's (`Fn::ForEach::Name`) when `per_element`.
    pub name: String,
    /// Where the resource names it.
    pub span: Span,
    /// The resource is generated once per element of a loop's collection, which is unknown:
    /// there may be any number of it.
    pub per_element: bool,
}

impl Resource {
    /// Is the top-level attribute `name` the object's state rather than its configuration?
    pub fn is_state_only(&self, name: &str) -> bool {
        self.state_only.iter().any(|a| a == name)
    }

    /// The attribute `name` of the body, if written.
    pub fn attr(&self, name: &str) -> Option<&Node> {
        self.body.get(name)
    }
}

/// A reference to (part of) another resource that the front end could not or should not
/// resolve: `aws_security_group.redshift.id` becomes `address = "aws_security_group.redshift"`,
/// `path = ["id"]`. An empty path names the resource instance itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub address: String,
    pub path: Vec<String>,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.address)?;
        for part in &self.path {
            write!(f, ".{part}")?;
        }
        Ok(())
    }
}

/// A value in the attribute tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    Map(BTreeMap<String, Node>),
    /// Not knowable before apply, or not evaluable by the front end.
    Unknown,
    /// Another resource's attribute, resolved by the model.
    /// Boxed: references are rare, and every node pays for the largest variant.
    Ref(Box<Reference>),
    /// A string built from parts, some of them references (`"${aws_s3_bucket.x.arn}/*"`,
    /// `!Sub "${Bucket.Arn}/*"`): the model resolves the parts it can.
    Concat(Vec<Node>),
}

/// A value with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }

    pub fn unknown(span: Span) -> Node {
        Node::new(Value::Unknown, span)
    }

    /// Looks up a map entry. Anything inside an unknown value is unknown: the lookup gives the
    /// unknown value itself, never "not written".
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(map) => map.get(key),
            Value::Unknown => Some(self),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// A JSON value as a tree of nodes, all with `span` (JSON text has no finer positions here).
    pub fn from_json(json: &serde_json::Value, span: Span) -> Node {
        let value = match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n.as_f64().map_or(Value::Unknown, Value::Number),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(|j| Node::from_json(j, span)).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, j)| (k.clone(), Node::from_json(j, span)))
                    .collect(),
            ),
        };
        Node::new(value, span)
    }

    /// True when the value and everything inside it is known (no `Unknown`, no `Ref`).
    pub fn is_wholly_known(&self) -> bool {
        match &self.value {
            Value::Unknown | Value::Ref(_) | Value::Concat(_) => false,
            Value::List(items) => items.iter().all(Node::is_wholly_known),
            Value::Map(map) => map.values().all(Node::is_wholly_known),
            _ => true,
        }
    }

    /// Gives this node and all nodes inside it the span `span`: a value that flows through a
    /// variable or local is reported where it is used, not where it was written.
    pub fn respan(&mut self, span: Span) {
        self.span = span;
        match &mut self.value {
            Value::List(items) | Value::Concat(items) => {
                items.iter_mut().for_each(|n| n.respan(span))
            }
            Value::Map(map) => map.values_mut().for_each(|n| n.respan(span)),
            _ => {}
        }
    }
}

/// What an inline suppression covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuppressionTarget {
    /// The line below the comment: findings on that line, or inside the resource whose header
    /// is on it.
    Line { file: FileId, line: usize },
    /// A whole resource, by address (CloudFormation `Metadata`).
    Resource(String),
    /// The resource whose block holds the byte `offset` of `file`: checkov's
    /// `#checkov:skip=…` comments are written inside the resource they skip.
    Enclosing { file: FileId, offset: usize },
}

/// One inline suppression as written (`# redshield:ignore RS105 reason`, or a CloudFormation
/// resource's `Metadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Rule IDs or prefixes, upper-case.
    pub ids: Vec<String>,
    pub reason: Option<String>,
    /// Where it is written.
    pub span: Span,
    pub target: SuppressionTarget,
}

/// Facts about the deployment that are not resources: which AWS provider versions may run it
/// and which region it targets.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Every `required_providers` version constraint on the AWS provider, in source order.
    pub aws_provider_constraints: Vec<String>,
    /// The region of the default AWS provider configuration, when written.
    pub provider_region: Option<Node>,
}

/// One unit of analysis: a Terraform root module (with its local modules), a CloudFormation
/// template, or a plan. Resources of different units never link to each other.
#[derive(Debug, Clone)]
pub struct Unit {
    pub family: Family,
    /// The directory or file the unit was read from, for messages and config lookup.
    pub origin: std::path::PathBuf,
    pub resources: Vec<Resource>,
    /// What a plan destroys (delete-only changes), with the values the objects had: never
    /// deployed, but they tell what of an existing object's state goes away with them (a
    /// security group's state lists the rules of standalone rule resources). Empty outside
    /// plans.
    pub destroyed: Vec<Resource>,
    pub settings: Settings,
    /// Inline suppressions written in the unit's sources.
    pub suppressions: Vec<Suppression>,
    /// What the front end warns about without stopping: reference cycles.
    pub warnings: Vec<Diagnostic>,
    /// Where the strings that are reported where they are used were written: a variable's,
    /// local's, module output's, parameter's or mapping's string value is reported at the
    /// expression that uses it ([`Node::respan`]), and this says what that expression copies.
    /// Keyed by the use and the copied string's [`Copied::key`] (a module instantiated twice
    /// copies different strings at one use). Empty for plans.
    pub copies: HashMap<(Span, u64), Copied>,
    /// Read from a plan: its values are what the plan file shows (a sensitive value too).
    pub from_plan: bool,
}

/// Where a string a [`Unit::copies`] entry describes was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copied {
    /// At this span (itself perhaps a use with an entry of its own, when the value was copied
    /// more than once: a local that reads a variable).
    From(Span),
    /// Nowhere in the sources: the run was given it (`--var`, `--param`).
    Given,
}

impl Copied {
    /// The key a copied string is recorded under beside its use's span: a hash of the string,
    /// the same in every run.
    pub fn key(value: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    /// Records that the node `copied`, reported from now on at `at`, was written at its own
    /// span (`given`: was given to the run); only strings are recorded.
    pub fn record(copies: &mut HashMap<(Span, u64), Copied>, at: Span, copied: &Node, given: bool) {
        if let Value::String(s) = &copied.value {
            if at != copied.span || given {
                let from = if given {
                    Copied::Given
                } else {
                    Copied::From(copied.span)
                };
                copies.insert((at, Copied::key(s)), from);
            }
        }
    }
}

/// An input that could not be read or parsed, with its location when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(col)) => write!(f, "{}:{line}:{col}: {}", self.path, self.message),
            (Some(line), None) => write!(f, "{}:{line}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
