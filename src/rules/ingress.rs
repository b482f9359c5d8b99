//! The walk that rules about who can reach a warehouse share (RS105, RS106): every ingress
//! rule of every security group in scope of every warehouse whose group list is known, with
//! the findings `--strict` adds, worded once for both. A rule says only which CIDRs offend,
//! how its wording names them, and what its definite finding says.

use crate::model::{Model, Peer, SecurityGroup, SecurityGroupRule, Truth, Warehouse, net};
use crate::rules::toolkit::Unknown;
use crate::rules::{Finding, Rule, RuleConfig};
use ipnet::IpNet;

/// A security group of a warehouse.
pub(crate) struct Site<'m> {
    pub warehouse: &'m Warehouse,
    pub group: &'m SecurityGroup,
    /// The port as messages name it: `port 5439`, or `the warehouse port` when unknown.
    pub reach: String,
}

/// How a rule names the CIDRs it reports, in the messages the walk words for it.
pub(crate) struct Wording {
    /// What an ingress rule that offends allows ("0.0.0.0/0 or ::/0").
    pub offending: &'static str,
    /// What an unknown CIDR would have to be to offend ("0.0.0.0/0 or ::/0").
    pub offending_cidr: &'static str,
    /// Who then reaches the warehouse ("the internet").
    pub who: &'static str,
    /// What follows an offending CIDR where messages name it ("", ", outside allowed_cidrs").
    pub cidr_note: &'static str,
}

impl Site<'_> {
    /// A finding of `rule` at `span` of the ingress rule (or group) `at`, related to the group
    /// and the warehouse.
    pub fn finding(
        &self,
        rule: &'static Rule,
        at: &SecurityGroupRule,
        span: crate::model::Span,
        message: String,
    ) -> Finding {
        self.related(rule.finding(&at.meta, span, message))
    }

    fn related(&self, finding: Finding) -> Finding {
        finding
            .related_to("security group", &self.group.meta)
            .about_warehouse(self.warehouse)
    }
}

/// The findings of `rule` over every warehouse's ingress, in model order: `definite` words an
/// ingress rule from an offending CIDR that reaches the port; the walk words what rests on an
/// unknown (`--strict`): groups whose rules cannot all be read, rules whose CIDR is unknown,
/// and rules from an offending CIDR that may reach the port.
pub(crate) fn findings<'m>(
    model: &'m Model,
    config: &RuleConfig,
    rule: &'static Rule,
    wording: &Wording,
    offends: impl Fn(&IpNet) -> bool,
    definite: impl Fn(&Site<'m>, &'m SecurityGroupRule, &'m IpNet) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let Some(links) = warehouse.security_groups.known() else {
            continue;
        };
        let port = warehouse.port.known().copied();
        for group in links.iter().filter_map(|l| model.security_group(l)) {
            let site = Site {
                warehouse,
                group,
                reach: port
                    .map_or_else(|| "the warehouse port".to_string(), |p| format!("port {p}")),
            };
            let (address, reach) = (&warehouse.meta.address, &site.reach);
            let subject = format!("security group {}", group.meta.address);
            if config.reports(!group.ingress_complete) {
                let message = Unknown::are("some ingress rules")
                    .when(format!("one allows {} on {reach}", wording.offending))
                    .of(&subject, format!("{} can reach {address}", wording.who));
                findings.push(site.related(rule.finding(&group.meta, group.meta.span, message)));
            }
            for ingress in &group.ingress {
                let reaches = net::reaches_port(ingress, port);
                match ingress.peer.known() {
                    Some(Peer::Cidr(cidr)) if config.reports(reaches) && offends(cidr) => {
                        if reaches.is_true() {
                            let says = format!(
                                "security group {}: an ingress rule {}",
                                group.meta.address,
                                net::describe_ingress(ingress)
                            );
                            findings.push(
                                definite(&site, ingress, cidr)
                                    .with_group_hop(warehouse, group)
                                    .with_hop(&ingress.meta, ingress.peer.span, says),
                            );
                            continue;
                        }
                        let (what, span) = net::unknown_reach(ingress, &warehouse.port);
                        let message = format!(
                            "{subject} allows {cidr}{}, but the {}",
                            wording.cidr_note,
                            Unknown::is(what)
                                .when(format!("the rule admits {reach}"))
                                .then(format!("{} can reach {address}", wording.who))
                        );
                        findings.push(site.finding(rule, ingress, span, message));
                    }
                    None if config.reports(Truth::Unknown) && !reaches.is_false() => {
                        let message = Unknown::is("the CIDR of an ingress rule")
                            .when(format!("it is {}", wording.offending_cidr))
                            .of(
                                &subject,
                                format!("{} can reach {reach} of {address}", wording.who),
                            );
                        findings.push(site.finding(rule, ingress, ingress.peer.span, message));
                    }
                    _ => {}
                }
            }
        }
    }
    findings
}
