//! Following IR references to the resources and values they name, and reading IR values as
//! typed ones. Shared by the adapters.

use crate::ir::{Node, Resource, Value};
use crate::model::{PortRange, Protocol, Val};
use foldhash::HashMap;
use ipnet::IpNet;

/// How many reference hops are followed before giving up (reference cycles end here).
const MAX_HOPS: usize = 32;

/// Attributes that name a resource itself rather than a value inside it.
const IDENTITY_ATTRS: [&str; 4] = ["id", "arn", "name", "bucket"];

/// What a node resolves to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// A resource in scope (by index), reached through `path` (empty or an identity attribute,
    /// or a computed attribute that is not in the body, such as `default_route_table_id`).
    Resource(usize, &'a [String]),
    /// A value written somewhere in scope.
    Value(&'a Node),
    Unknown,
}

/// An index of a unit's resources by address.
pub(crate) struct Resolver<'a> {
    pub resources: &'a [Resource],
    by_address: HashMap<&'a str, usize>,
    /// Resources whose `id` is known (existing ones, in a plan), so that literal ids link.
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Resolver<'a> {
    pub fn new(resources: &'a [Resource]) -> Resolver<'a> {
        let by_address = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.address.as_str(), i))
            .collect();
        let by_id = resources
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.attr("id")?.as_str().filter(|s| !s.is_empty())?, i)))
            .collect();
        Resolver {
            resources,
            by_address,
            by_id,
        }
    }

    /// Follows references until a resource identity or a written value is reached.
    pub fn follow(&self, node: &'a Node) -> Target<'a> {
        let mut node = node;
        for _ in 0..MAX_HOPS {
            let Value::Ref(reference) = &node.value else {
                return match &node.value {
                    Value::Unknown => Target::Unknown,
                    Value::String(id) => match self.by_id.get(id.as_str()) {
                        Some(&idx) => Target::Resource(idx, &[]),
                        None => Target::Value(node),
                    },
                    _ => Target::Value(node),
                };
            };
            let Some(&idx) = self.by_address.get(reference.address.as_str()) else {
                return Target::Unknown;
            };
            let path = reference.path.as_slice();
            match path.first() {
                None => return Target::Resource(idx, path),
                Some(first) if IDENTITY_ATTRS.contains(&first.as_str()) => {
                    // `aws_s3_bucket.x.bucket` is the name when written; still the resource.
                    return Target::Resource(idx, path);
                }
                Some(_) => {}
            }
            let Some(resource) = self.resources.get(idx) else {
                return Target::Unknown;
            };
            match walk(&resource.body, path) {
                Some(next) => node = next,
                None => return Target::Resource(idx, path),
            }
        }
        Target::Unknown
    }

    /// The kind of the resource at `idx`.
    pub fn kind(&self, idx: usize) -> &'a str {
        self.resources.get(idx).map_or("", |r| r.kind.as_str())
    }

    /// Resolves a node expected to hold a list; elements are returned unresolved. A single
    /// reference to a resource's identity (itself, its id, ARN or name) stands for a
    /// one-element list (plans link unknown lists that way). A reference to any other
    /// attribute (`data.aws_subnets.x.ids`) is a list whose length is unknown: None.
    pub fn list(&self, node: &'a Node) -> Option<Vec<&'a Node>> {
        match self.follow(node) {
            Target::Value(n) => match &n.value {
                Value::List(items) => Some(items.iter().collect()),
                _ => None,
            },
            Target::Resource(_, path)
                if matches!(node.value, Value::Ref(_)) && names_one_object(path) =>
            {
                Some(vec![node])
            }
            _ => None,
        }
    }

    pub fn string(&self, node: &'a Node) -> Option<&'a str> {
        match self.follow(node) {
            Target::Value(n) => n.as_str(),
            _ => None,
        }
    }

    pub fn bool(&self, node: &'a Node) -> Option<bool> {
        match self.follow(node) {
            Target::Value(n) => match &n.value {
                Value::Bool(b) => Some(*b),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn number(&self, node: &'a Node) -> Option<f64> {
        match self.follow(node) {
            Target::Value(n) => match &n.value {
                Value::Number(x) => Some(*x),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn cidr(&self, node: &'a Node) -> Option<IpNet> {
        self.string(node)?
            .trim()
            .parse::<IpNet>()
            .ok()
            .map(|n| n.trunc())
    }

    pub fn protocol(&self, node: &'a Node) -> Option<Protocol> {
        let text = match self.follow(node) {
            Target::Value(n) => match &n.value {
                Value::Number(x) => format!("{x}"),
                Value::String(s) => s.trim().to_ascii_lowercase(),
                _ => return None,
            },
            _ => return None,
        };
        Some(match text.as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            "icmpv6" | "58" => Protocol::Icmpv6,
            other => Protocol::Other(other.parse().ok()?),
        })
    }

    /// The port range of a rule with the given protocol; all ports for protocols without ports.
    pub fn ports(
        &self,
        protocol: Option<Protocol>,
        from: Option<&'a Node>,
        to: Option<&'a Node>,
    ) -> Option<PortRange> {
        match protocol {
            Some(Protocol::Tcp | Protocol::Udp) => {
                let from = self.number(from?)?;
                let to = self.number(to?)?;
                if from < 0.0 || to < 0.0 {
                    // -1 with TCP/UDP means all ports in the VPC-rule resources.
                    return Some(PortRange::ALL);
                }
                Some(PortRange {
                    from: u16::try_from(from as i64).ok()?,
                    to: u16::try_from(to as i64).ok()?,
                })
            }
            Some(_) => Some(PortRange::ALL),
            None => None,
        }
    }

    /// A typed value with the span it was written at (or `default` at `fallback` when unset).
    pub fn val<T>(
        &self,
        node: Option<&'a Node>,
        read: impl FnOnce(&'a Node) -> Option<T>,
        unset: impl FnOnce() -> Val<T>,
    ) -> Val<T> {
        match node.filter(|n| !matches!(n.value, Value::Null)) {
            None => unset(),
            Some(n) => match read(n) {
                Some(v) => Val::explicit(v, n.span),
                None => Val::unknown(n.span),
            },
        }
    }
}

/// Does a reference path name one object: the resource itself, an identity attribute, or a
/// single computed id (`default_route_table_id`)? Plural attributes (`ids`, `subnet_ids`) and
/// nested values do not.
fn names_one_object(path: &[String]) -> bool {
    match path {
        [] => true,
        [attr] => {
            IDENTITY_ATTRS.contains(&attr.as_str())
                || ["_id", "_arn", "_name"].iter().any(|s| attr.ends_with(s))
        }
        _ => false,
    }
}

/// Walks a path of attribute names / list indices into a value.
fn walk<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut node = node;
    for part in path {
        node = match &node.value {
            Value::Map(map) => map.get(part)?,
            Value::List(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}
