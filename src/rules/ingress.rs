//! The walk that rules about who can reach a warehouse share (RS105, RS106): every ingress
//! rule of every security group in scope of every warehouse whose group list is known, with
//! what `--strict` adds. The rules only judge the CIDRs and word the findings.

use crate::model::{Meta, Model, Peer, SecurityGroup, SecurityGroupRule, Span, Truth, Warehouse};
use crate::rules::{Finding, Rule, RuleConfig};
use ipnet::IpNet;

/// A security group of a warehouse.
pub(crate) struct Site<'m> {
    pub warehouse: &'m Warehouse,
    pub group: &'m SecurityGroup,
    /// The port as messages name it: `port 5439`, or `the warehouse port` when unknown.
    pub reach: String,
}

/// What the walk found in one group.
pub(crate) enum Case<'m> {
    /// Some of the group's ingress rules could not be read (`--strict` only).
    Unread,
    /// An ingress rule whose CIDR is unknown, and that reaches or may reach the port
    /// (`--strict` only).
    UnknownCidr(&'m SecurityGroupRule),
    /// An ingress rule from a CIDR that reaches the port (`Truth::True`), or may
    /// (`Truth::Unknown`, `--strict` only).
    Cidr(&'m SecurityGroupRule, &'m IpNet, Truth),
}

impl Site<'_> {
    /// A finding of `rule` at `span` of `resource`, related to the group and the warehouse.
    pub fn finding(
        &self,
        rule: &'static Rule,
        resource: &Meta,
        span: Span,
        message: String,
    ) -> Finding {
        rule.finding(resource, span, message)
            .with_related(
                format!("security group {}", self.group.meta.address),
                self.group.meta.span,
            )
            .with_related(
                format!("warehouse {}", self.warehouse.meta.address),
                self.warehouse.meta.span,
            )
    }
}

/// Visits each case of each warehouse's ingress, in model order.
pub(crate) fn walk<'m>(
    model: &'m Model,
    config: &RuleConfig,
    mut visit: impl FnMut(&Site<'m>, Case<'m>),
) {
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
            if config.reports(!group.ingress_complete) {
                visit(&site, Case::Unread);
            }
            for rule in &group.ingress {
                let reaches = crate::model::net::reaches_port(rule, port);
                match rule.peer.known() {
                    Some(Peer::Cidr(net)) if config.reports(reaches) => {
                        visit(&site, Case::Cidr(rule, net, reaches));
                    }
                    None if config.reports(Truth::Unknown) && !reaches.is_false() => {
                        visit(&site, Case::UnknownCidr(rule));
                    }
                    _ => {}
                }
            }
        }
    }
}
