//! What rule messages share, so that a rule file says only what is new about its finding:
//! the related locations every finding carries ("warehouse ADDRESS" at its header), the one
//! phrasing of a finding that rests on unknown values ("WHAT is unknown here; if CONDITION,
//! CONSEQUENCE"), and field names as the user's source spells them.
//!
//! **Architecture Invariant:** messages take field names from the model ([`field_name`]), never
//! from a literal: a CloudFormation finding says `PubliclyAccessible` where a Terraform one says
//! `publicly_accessible`. (`tests/meta.rs`: `rule_messages_take_field_names_from_the_model`)

use crate::model::spectrum::{UnsureCause, UnsureReads};
use crate::model::{Id, Meta, Model, SecurityGroup, Subnet, Truth, Val, Warehouse, WarehouseKind};
use crate::rules::Finding;
use crate::rules::RuleConfig;
use std::fmt::Display;

impl Finding {
    /// Relates the finding to the warehouse it concerns: "warehouse ADDRESS" at its header.
    pub(crate) fn about_warehouse(self, warehouse: &Warehouse) -> Finding {
        self.related_to("warehouse", &warehouse.meta)
    }

    /// Adds the role statement that may let the warehouse read buckets it does not name.
    pub(crate) fn with_unsure_reads(self, reads: &UnsureReads) -> Finding {
        let role = &reads.role.meta.address;
        let label = match reads.cause {
            UnsureCause::UnknownResource => {
                format!("role {role}: a statement reading S3 resources that are unknown")
            }
            UnsureCause::Wildcard => {
                format!("role {role}: a statement reading every S3 resource (`*`)")
            }
            UnsureCause::UnknownStatement => {
                format!(
                    "role {role}: a statement naming the bucket whose effect or actions are unknown"
                )
            }
        };
        self.with_related(label, reads.statement)
    }

    /// The first hops of a path from a warehouse: the warehouse uses `subnet`, through its
    /// subnet group when one is in scope.
    pub(crate) fn with_placement_hops(
        self,
        model: &Model,
        warehouse: &Warehouse,
        subnet: &Subnet,
    ) -> Finding {
        let (address, subnet_address) = (&warehouse.meta.address, &subnet.meta.address);
        let group = warehouse
            .subnet_group
            .known()
            .copied()
            .flatten()
            .and_then(|l| l.target)
            .and_then(|g| model.subnet_groups.get(g));
        match group {
            Some(group) => self
                .with_hop(
                    &warehouse.meta,
                    warehouse.subnet_group.span,
                    format!(
                        "{} {address} uses subnet group {}",
                        noun(warehouse),
                        group.meta.address
                    ),
                )
                .with_hop(
                    &group.meta,
                    group.meta.span,
                    format!(
                        "subnet group {} holds subnet {subnet_address}",
                        group.meta.address
                    ),
                ),
            None => self.with_hop(
                &warehouse.meta,
                warehouse.subnets.span,
                format!("{} {address} uses subnet {subnet_address}", noun(warehouse)),
            ),
        }
    }

    /// The first hop of a path through the warehouse's security groups: the warehouse
    /// attaches `group`.
    pub(crate) fn with_group_hop(self, warehouse: &Warehouse, group: &SecurityGroup) -> Finding {
        let says = format!(
            "{} {} attaches security group {}",
            noun(warehouse),
            warehouse.meta.address,
            group.meta.address
        );
        self.with_hop(&warehouse.meta, warehouse.security_groups.span, says)
    }

    /// Relates the finding to another resource, named by what it is: "NOUN ADDRESS" at the
    /// resource's header (`related_to("bucket", &bucket.meta)`).
    pub(crate) fn related_to(self, noun: &str, resource: &Meta) -> Finding {
        self.with_related(format!("{noun} {}", resource.address), resource.span)
    }
}

/// A hop for each subnet of the warehouse saying what it `lacks` (a Spectrum path finding's
/// last hops: no subnet has the way out).
pub(crate) fn with_hop_per_subnet(
    mut finding: Finding,
    model: &Model,
    warehouse: &Warehouse,
    lacks: &str,
) -> Finding {
    for subnet in model.warehouse_subnets(warehouse) {
        let says = format!("subnet {} has {lacks}", subnet.meta.address);
        finding = finding.with_hop(&subnet.meta, subnet.meta.span, says);
    }
    finding
}

/// The first hop of a Spectrum path finding: the warehouse sends its traffic through its VPC
/// (enhanced VPC routing on), so what the VPC lacks is what it lacks.
pub(crate) fn with_vpc_routing_hop(finding: Finding, warehouse: &Warehouse) -> Finding {
    let evr = &warehouse.enhanced_vpc_routing;
    let says = format!(
        "{} {} routes its traffic through its VPC ({} = true)",
        noun(warehouse),
        warehouse.meta.address,
        field_name(evr, "enhanced VPC routing")
    );
    finding.with_hop(&warehouse.meta, evr.span, says)
}

/// What a warehouse is called in messages that tell the two kinds apart.
pub(crate) fn noun(warehouse: &Warehouse) -> &'static str {
    match warehouse.kind {
        WarehouseKind::Cluster => "cluster",
        WarehouseKind::Workgroup => "workgroup",
    }
}

/// The name of the field a value is read from, as the user's source spells it
/// (`publicly_accessible` in Terraform, `PubliclyAccessible` in CloudFormation), or `otherwise`
/// (plain words) when the model does not record the field.
pub(crate) fn field_name<T>(value: &Val<T>, otherwise: &'static str) -> &'static str {
    value.field.map_or(otherwise, |f| f.name)
}

/// What a finding that rests on unknown values says: what is unknown, and under which
/// condition the rule's problem follows. Rendered as "WHAT is unknown here; if CONDITION,
/// CONSEQUENCE" by [`Unknown::then`], with "SUBJECT: " before it by [`Unknown::of`].
#[derive(Debug, Clone)]
pub(crate) struct Unknown {
    whats: Vec<String>,
    plural: bool,
    conditions: Vec<String>,
    /// How several conditions join: " and " when all must hold, " or " when any is enough.
    joiner: &'static str,
}

impl Unknown {
    /// One thing that is unknown, named in the singular: "its subnet list is unknown here".
    pub(crate) fn is(what: impl Into<String>) -> Unknown {
        Unknown {
            whats: vec![what.into()],
            plural: false,
            conditions: Vec::new(),
            joiner: " and ",
        }
    }

    /// One thing named in the plural: "some ingress rules are unknown here".
    pub(crate) fn are(what: impl Into<String>) -> Unknown {
        Unknown {
            plural: true,
            ..Unknown::is(what)
        }
    }

    /// Several things, each unknown with the condition under which it is bad, that must all
    /// turn out badly: "A and B are unknown here; if C and D". None when there are none.
    pub(crate) fn all(items: impl IntoIterator<Item = (String, String)>) -> Option<Unknown> {
        let mut items = items.into_iter();
        let (what, condition) = items.next()?;
        Some(
            items.fold(Unknown::is(what).when(condition), |u, (what, condition)| {
                u.also(what).when(condition)
            }),
        )
    }

    /// Another thing that is unknown too: "A and B are unknown here".
    pub(crate) fn also(mut self, what: impl Into<String>) -> Unknown {
        self.whats.push(what.into());
        self.plural = true;
        self
    }

    /// A condition under which the problem follows; several must all hold ("if C and D").
    pub(crate) fn when(mut self, condition: impl Into<String>) -> Unknown {
        self.conditions.push(condition.into());
        self
    }

    /// A condition enough on its own ("if C or D").
    pub(crate) fn or_when(mut self, condition: impl Into<String>) -> Unknown {
        self.joiner = " or ";
        self.when(condition)
    }

    /// "WHAT is unknown here; if CONDITION, CONSEQUENCE".
    pub(crate) fn then(&self, consequence: impl Display) -> String {
        let verb = if self.plural { "are" } else { "is" };
        format!(
            "{} {verb} unknown here; if {}, {consequence}",
            self.whats.join(" and "),
            self.conditions.join(self.joiner)
        )
    }

    /// "SUBJECT: WHAT is unknown here; if CONDITION, CONSEQUENCE".
    pub(crate) fn of(&self, subject: impl Display, consequence: impl Display) -> String {
        format!("{subject}: {}", self.then(consequence))
    }
}

/// Why whether a warehouse reads a bucket is unknown, as a clause: "a Resource of role R's
/// policy is unknown", "role R's policy names `*`".
pub(crate) fn unsure_reason(reads: &UnsureReads) -> String {
    let role = &reads.role.meta.address;
    match reads.cause {
        UnsureCause::UnknownResource => format!("a Resource of role {role}'s policy is unknown"),
        UnsureCause::Wildcard => format!("role {role}'s policy names `*`"),
        UnsureCause::UnknownStatement => {
            format!("the effect or actions of role {role}'s statement naming it are unknown")
        }
    }
}

/// The buckets a rule judges as the warehouse's Spectrum buckets: the known ones (with `None`),
/// and with `--strict` the ones it may read too, with the statement that makes it so (see
/// `Model::possible_spectrum_buckets`; `unknown_resources` adds a `Resource` that cannot be
/// known as a cause).
pub(crate) fn spectrum_buckets<'m>(
    model: &'m Model,
    warehouse: &Warehouse,
    config: &RuleConfig,
    unknown_resources: bool,
) -> Vec<(Id, Option<UnsureReads<'m>>)> {
    if config.reports(Truth::Unknown) {
        model.possible_spectrum_buckets(warehouse, unknown_resources)
    } else {
        model
            .spectrum_buckets(warehouse)
            .into_iter()
            .map(|id| (id, None))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Unknown;

    #[test]
    fn unknowns_agree_in_number_and_join_their_conditions() {
        assert_eq!(
            Unknown::is("its subnet list")
                .when("it is empty")
                .of("warehouse w", "it is lost"),
            "warehouse w: its subnet list is unknown here; if it is empty, it is lost"
        );
        assert_eq!(
            Unknown::is("a").also("b").when("c").when("d").then("e"),
            "a and b are unknown here; if c and d, e"
        );
        assert_eq!(
            Unknown::are("some rules").when("c").or_when("d").then("e"),
            "some rules are unknown here; if c or d, e"
        );
    }
}
