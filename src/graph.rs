//! The network around each warehouse, as a graph: what `redshield graph` draws and what the
//! Markdown report and the step summary embed. Built from the model once per unit, beside the
//! rules' findings, and never from syntax: the warehouse's subnets (with their zones), their
//! route tables and the gateways and VPC endpoints those route to, their network ACLs, the
//! warehouse's security groups, IAM roles and the Spectrum buckets the roles read.
//!
//! What is failing is decided here only as a list of causes: each node and edge names the
//! findings (rule and place) that make it failing — RS100's path, hop by hop, as
//! [`Model::internet_reach`] computes it, and the resources the findings of the rules that judge
//! the hops one by one are about. A renderer shows it failing when one of those findings is
//! reported (not suppressed, not in a baseline).
//!
//! Labels hold text from the inputs as it is; renderers ([`crate::report::graph`]) escape it.
//! The graph knows no syntax of any output format, and no report.

use crate::model::reach::{HopKind, ReachMemo};
use crate::model::{
    Attachment, Destination, EndpointType, Id, Meta, Model, Named, RouteTable, RouteTarget, Span,
    Subnet, Warehouse, WarehouseKind,
};
use crate::rules::Finding;
use foldhash::{HashMap, HashMapExt};

/// The rules whose findings mark the resources they are about (and the edges that lead to them
/// from the warehouse) as failing: RS100 and the rules that judge its hops, and the other
/// reachability rules. RS100 also marks its path.
pub const MARKING_RULES: [&str; 9] = [
    "RS100", "RS103", "RS104", "RS105", "RS106", "RS108", "RS204", "RS205", "RS206",
];

/// The rule whose path is drawn hop by hop.
const PATH_RULE: &str = "RS100";

/// A finding as the graph names it: its rule and where it points (what the report merges
/// findings by, so that a reported finding is recognized).
pub type FindingKey = (&'static str, Span);

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Cluster,
    Workgroup,
    Subnet,
    RouteTable,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcEndpoint,
    /// Peering, transit gateway, virtual private gateway, network interface …
    OtherTarget,
    NetworkAcl,
    SecurityGroup,
    Role,
    Bucket,
    /// The internet, beyond an internet gateway.
    Internet,
}

impl NodeKind {
    /// The node's kind in words (labels) and in the JSON graph (`name().replace(' ', "_")`).
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Cluster => "cluster",
            NodeKind::Workgroup => "workgroup",
            NodeKind::Subnet => "subnet",
            NodeKind::RouteTable => "route table",
            NodeKind::InternetGateway => "internet gateway",
            NodeKind::EgressOnlyInternetGateway => "egress-only internet gateway",
            NodeKind::NatGateway => "NAT gateway",
            NodeKind::VpcEndpoint => "VPC endpoint",
            NodeKind::OtherTarget => "route target",
            NodeKind::NetworkAcl => "network ACL",
            NodeKind::SecurityGroup => "security group",
            NodeKind::Role => "IAM role",
            NodeKind::Bucket => "bucket",
            NodeKind::Internet => "internet",
        }
    }

    /// The plural, for collapsed nodes ("3 subnets").
    pub fn plural(self) -> String {
        match self {
            NodeKind::Internet => "internet".into(),
            kind => format!("{}s", kind.name()),
        }
    }
}

/// One node: a resource (with its address and header), or what is not written (the
/// internet, a table or ACL AWS creates, something out of scope), described by `note`.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub address: Option<String>,
    /// The resource header.
    pub span: Option<Span>,
    /// A detail (a subnet's availability zone, an endpoint's service) or, without an address,
    /// what the node stands for.
    pub note: Option<String>,
    /// The findings that make it failing.
    pub failing: Vec<FindingKey>,
}

impl Node {
    /// `subnet aws_subnet.a (us-east-1a)`, `route table (the VPC's main table as AWS creates
    /// it)`, `internet`.
    pub fn label(&self) -> String {
        let mut label = self.kind.name().to_string();
        if let Some(address) = &self.address {
            label.push(' ');
            label.push_str(address);
        }
        if let Some(note) = &self.note {
            label.push_str(&format!(" ({note})"));
        }
        label
    }
}

/// An edge, from the warehouse outwards.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub failing: Vec<FindingKey>,
}

/// The network around one warehouse. Node 0 is the warehouse.
#[derive(Debug, Clone)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// The findings about a resource of the graph (its warehouse's findings among them): the
    /// Markdown report draws the graphs of which one is reported.
    pub findings: Vec<FindingKey>,
}

impl Graph {
    /// The warehouse.
    pub fn warehouse(&self) -> Option<&Node> {
        self.nodes.first()
    }
}

/// What identifies a node while the graph is built: a resource by its header, anything else
/// by its kind and note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NodeKey {
    Resource(Span),
    Other(NodeKind, &'static str),
}

struct Builder {
    graph: Graph,
    nodes: HashMap<NodeKey, usize>,
    edges: HashMap<(usize, usize), usize>,
}

impl Builder {
    fn resource(&mut self, kind: NodeKind, meta: &Meta, note: Option<String>) -> usize {
        self.node(
            NodeKey::Resource(meta.span),
            Node {
                kind,
                address: Some(meta.address.clone()),
                span: Some(meta.span),
                note,
                failing: Vec::new(),
            },
        )
    }

    fn other(&mut self, kind: NodeKind, note: &'static str) -> usize {
        self.node(
            NodeKey::Other(kind, note),
            Node {
                kind,
                address: None,
                span: None,
                note: (!note.is_empty()).then(|| note.to_string()),
                failing: Vec::new(),
            },
        )
    }

    fn node(&mut self, key: NodeKey, node: Node) -> usize {
        let next = self.graph.nodes.len();
        let id = *self.nodes.entry(key).or_insert(next);
        if id == next {
            self.graph.nodes.push(node);
        }
        id
    }

    /// An edge; a second one between the same nodes adds its label to the first's.
    fn edge(&mut self, from: usize, to: usize, label: &str) -> usize {
        match self.edges.get(&(from, to)) {
            Some(&i) => {
                if let Some(edge) = self.graph.edges.get_mut(i) {
                    if !edge.label.split(", ").any(|l| l == label) {
                        edge.label.push_str(", ");
                        edge.label.push_str(label);
                    }
                }
                i
            }
            None => {
                self.graph.edges.push(Edge {
                    from,
                    to,
                    label: label.to_string(),
                    failing: Vec::new(),
                });
                self.edges.insert((from, to), self.graph.edges.len() - 1);
                self.graph.edges.len() - 1
            }
        }
    }

    fn mark_node(&mut self, node: usize, key: FindingKey) {
        if let Some(n) = self.graph.nodes.get_mut(node) {
            if !n.failing.contains(&key) {
                n.failing.push(key);
            }
        }
    }

    fn mark_edge(&mut self, from: usize, to: usize, key: FindingKey) {
        if let Some(edge) = self
            .edges
            .get(&(from, to))
            .and_then(|&i| self.graph.edges.get_mut(i))
        {
            if !edge.failing.contains(&key) {
                edge.failing.push(key);
            }
        }
    }
}

/// The graph of each warehouse of the model, in model order, marked by `findings` (the unit's).
pub fn build(model: &Model, findings: &[Finding]) -> Vec<Graph> {
    // By the address they are about: one unit may hold many warehouses and many findings.
    let mut about: Findings = HashMap::new();
    for finding in findings {
        about
            .entry(finding.address.as_str())
            .or_default()
            .push(finding);
    }
    // RS100's decisions shared by the warehouses of the model, as the rule shares them.
    let mut memo = ReachMemo::default();
    model
        .warehouses
        .iter()
        .map(|warehouse| warehouse_graph(model, warehouse, &about, &mut memo))
        .collect()
}

/// A unit's findings by the address of the resource each is about.
type Findings<'f> = HashMap<&'f str, Vec<&'f Finding>>;

fn warehouse_graph<'m>(
    model: &'m Model,
    warehouse: &'m Warehouse,
    findings: &Findings,
    memo: &mut ReachMemo<'m>,
) -> Graph {
    let mut b = Builder {
        graph: Graph {
            nodes: Vec::new(),
            edges: Vec::new(),
            findings: Vec::new(),
        },
        nodes: HashMap::new(),
        edges: HashMap::new(),
    };
    let kind = match warehouse.kind {
        WarehouseKind::Cluster => NodeKind::Cluster,
        WarehouseKind::Workgroup => NodeKind::Workgroup,
    };
    let center = b.resource(kind, &warehouse.meta, None);
    match warehouse.subnets.known() {
        Some(links) => {
            for link in links {
                match link
                    .target
                    .and_then(|id| model.subnets.get(id).map(|s| (id, s)))
                {
                    Some((id, subnet)) => {
                        let node = subnet_node(&mut b, model, id, subnet);
                        b.edge(center, node, "subnet");
                    }
                    None => {
                        let node = b.other(NodeKind::Subnet, "not in scope");
                        b.edge(center, node, "subnet");
                    }
                }
            }
        }
        None => {
            let node = b.other(NodeKind::Subnet, "unknown");
            b.edge(center, node, "subnet");
        }
    }
    match warehouse.security_groups.known() {
        Some(links) if links.is_empty() => {
            let node = b.other(NodeKind::SecurityGroup, "the VPC's default, not in scope");
            b.edge(center, node, "security group");
        }
        Some(links) => {
            for link in links {
                let node = match model.security_group(link) {
                    Some(group) => b.resource(NodeKind::SecurityGroup, &group.meta, None),
                    None => b.other(NodeKind::SecurityGroup, "not in scope"),
                };
                b.edge(center, node, "security group");
            }
        }
        None => {
            let node = b.other(NodeKind::SecurityGroup, "unknown");
            b.edge(center, node, "security group");
        }
    }
    for role in model.spectrum_roles(warehouse) {
        let node = b.resource(NodeKind::Role, &role.meta, None);
        b.edge(center, node, "role");
        for bucket in model.buckets_read_by(role) {
            if let Some(bucket) = model.buckets.get(bucket) {
                let target = b.resource(NodeKind::Bucket, &bucket.meta, None);
                b.edge(node, target, "reads");
            }
        }
    }
    mark_path(&mut b, model, warehouse, center, findings, memo);
    mark_findings(&mut b, findings);
    b.graph
}

/// A subnet, its route table and what that routes to, its network ACL and its interface
/// endpoints.
fn subnet_node(b: &mut Builder, model: &Model, id: Id, subnet: &Subnet) -> usize {
    let node = b.resource(
        NodeKind::Subnet,
        &subnet.meta,
        subnet.availability_zone.known().map(|z| zone(z)),
    );
    let table = match subnet.route_table.value {
        Some(Named::InScope(table)) => model.route_tables.get(table).map(|t| (table, t)),
        _ => None,
    };
    let table_node = match (subnet.route_table.value, table) {
        (_, Some((table_id, table))) => {
            let known = b.graph.nodes.len();
            let t = b.resource(NodeKind::RouteTable, &table.meta, None);
            // A table many subnets share is expanded once.
            if t == known {
                routes(b, t, table);
                endpoint_nodes(b, model, t, Attachment::RouteTable(table_id));
            }
            t
        }
        (Some(Named::Other), _) => {
            let t = b.other(
                NodeKind::RouteTable,
                "the VPC's main table as AWS creates it",
            );
            if let Some(vpc) = subnet.vpc.and_then(|v| v.target) {
                endpoint_nodes(b, model, t, Attachment::MainTableOf(vpc));
            }
            t
        }
        _ => b.other(NodeKind::RouteTable, "unknown"),
    };
    b.edge(node, table_node, "route table");
    let acl = match subnet.network_acl.value {
        Some(Named::InScope(acl)) => match model.network_acls.get(acl) {
            Some(acl) => b.resource(NodeKind::NetworkAcl, &acl.meta, None),
            None => b.other(NodeKind::NetworkAcl, "not in scope"),
        },
        Some(Named::Other) => b.other(NodeKind::NetworkAcl, "the VPC's default as AWS creates it"),
        None => b.other(NodeKind::NetworkAcl, "unknown"),
    };
    b.edge(node, acl, "network ACL");
    endpoint_nodes(b, model, node, Attachment::Subnet(id));
    node
}

/// A subnet's zone as labels show it: its name (`us-east-1a`), or `zone id use1-az1`.
fn zone(known: &str) -> String {
    match (known.strip_prefix("name:"), known.strip_prefix("id:")) {
        (Some(name), _) => name.to_string(),
        (None, Some(id)) => format!("zone id {id}"),
        (None, None) => known.to_string(),
    }
}

/// The routes of a table, each to its target (the local route left out).
fn routes(b: &mut Builder, from: usize, table: &RouteTable) {
    for route in &table.routes {
        let kind = match route.target.known() {
            Some(RouteTarget::Local) => continue,
            Some(RouteTarget::InternetGateway) => NodeKind::InternetGateway,
            Some(RouteTarget::EgressOnlyInternetGateway) => NodeKind::EgressOnlyInternetGateway,
            Some(RouteTarget::NatGateway) => NodeKind::NatGateway,
            Some(RouteTarget::VpcEndpoint) => NodeKind::VpcEndpoint,
            Some(RouteTarget::Other) | None => NodeKind::OtherTarget,
        };
        let target = match (&route.gateway, route.target.known()) {
            (Some(gateway), _) => b.resource(kind, gateway, None),
            (None, Some(_)) => b.other(kind, "not in scope"),
            (None, None) => b.other(kind, "unknown"),
        };
        b.edge(from, target, &destination(route.destination.known()));
        if kind == NodeKind::InternetGateway {
            let internet = b.other(NodeKind::Internet, "");
            b.edge(target, internet, "internet");
        }
    }
}

fn destination(destination: Option<&Destination>) -> String {
    match destination {
        Some(Destination::Cidr(net)) => net.to_string(),
        Some(Destination::PrefixList) => "a prefix list".into(),
        None => "unknown destination".into(),
    }
}

/// The endpoints attached to `from` (`to` says how they name it): gateway endpoints to a route
/// table, other endpoints (interface, load balancer) to a subnet.
fn endpoint_nodes(b: &mut Builder, model: &Model, from: usize, to: Attachment) {
    let (wanted, label) = match to {
        Attachment::Subnet(_) => (false, "interface endpoint"),
        Attachment::RouteTable(_) | Attachment::MainTableOf(_) => (true, "gateway endpoint"),
    };
    for endpoint in model.endpoints_attached(to) {
        let is_gateway = endpoint
            .endpoint_type
            .known()
            .map(|t| *t == EndpointType::Gateway);
        if is_gateway == Some(wanted) {
            let e = b.resource(
                NodeKind::VpcEndpoint,
                &endpoint.meta,
                endpoint.service.known().cloned(),
            );
            b.edge(from, e, label);
        }
    }
}

/// Marks each path from the internet that holds with the warehouse's RS100 finding: the
/// subnet, its route table, the internet gateway its route names and the internet, its
/// network ACL, and the security group whose rule admits the internet.
fn mark_path<'m>(
    b: &mut Builder,
    model: &'m Model,
    warehouse: &'m Warehouse,
    center: usize,
    findings: &Findings,
    memo: &mut ReachMemo<'m>,
) {
    let Some(finding) = findings
        .get(warehouse.meta.address.as_str())
        .into_iter()
        .flatten()
        .find(|f| f.rule.id == PATH_RULE)
    else {
        return;
    };
    let key = (finding.rule.id, finding.span);
    let reach = model.internet_reach(warehouse, memo);
    for path in reach.holding() {
        let Some(subnet) = path.subnet else {
            continue;
        };
        let Some(&subnet_node) = b.nodes.get(&NodeKey::Resource(subnet.meta.span)) else {
            continue;
        };
        b.mark_node(center, key);
        b.mark_node(subnet_node, key);
        b.mark_edge(center, subnet_node, key);
        let neighbours = |b: &Builder, label: &str| -> Vec<usize> {
            b.graph
                .edges
                .iter()
                .filter(|e| e.from == subnet_node && e.label == label)
                .map(|e| e.to)
                .collect()
        };
        for table in neighbours(b, "route table") {
            b.mark_node(table, key);
            b.mark_edge(subnet_node, table, key);
            let route = path.hops.iter().find(|h| h.kind == HopKind::InternetRoute);
            let gateway = route.and_then(|hop| internet_gateway(model, subnet, hop.span));
            let target = match gateway {
                Some(meta) => b.nodes.get(&NodeKey::Resource(meta.span)).copied(),
                None => b
                    .nodes
                    .get(&NodeKey::Other(NodeKind::InternetGateway, "not in scope"))
                    .copied(),
            };
            if let Some(target) = target {
                b.mark_node(target, key);
                b.mark_edge(table, target, key);
                if let Some(&internet) = b.nodes.get(&NodeKey::Other(NodeKind::Internet, "")) {
                    b.mark_node(internet, key);
                    b.mark_edge(target, internet, key);
                }
            }
        }
        for acl in neighbours(b, "network ACL") {
            b.mark_node(acl, key);
            b.mark_edge(subnet_node, acl, key);
        }
        let admitted = path.hops.iter().find(|h| h.kind == HopKind::SecurityGroup);
        if let Some(hop) = admitted {
            for link in warehouse.security_groups.known().into_iter().flatten() {
                let Some(group) = model.security_group(link) else {
                    continue;
                };
                if group.ingress.iter().any(|r| r.peer.span == hop.span) {
                    if let Some(&node) = b.nodes.get(&NodeKey::Resource(group.meta.span)) {
                        b.mark_node(node, key);
                        b.mark_edge(center, node, key);
                    }
                }
            }
        }
    }
}

/// The internet gateway a subnet's route to the internet names (the route whose target is
/// written at `span`), when it is in scope.
fn internet_gateway<'m>(model: &'m Model, subnet: &Subnet, span: Span) -> Option<&'m Meta> {
    let table = model.route_tables.get(subnet.route_table.in_scope()?)?;
    table
        .routes
        .iter()
        .find(|r| r.target.span == span)
        .and_then(|r| r.gateway.as_ref())
}

/// Marks the resource each finding of [`MARKING_RULES`] is about, and the edges that lead to
/// it; records every finding about a resource of the graph.
fn mark_findings(b: &mut Builder, findings: &Findings) {
    let mut about: Vec<(usize, &Finding)> = Vec::new();
    for (i, node) in b.graph.nodes.iter().enumerate() {
        let found = node.address.as_deref().and_then(|a| findings.get(a));
        about.extend(found.into_iter().flatten().map(|f| (i, *f)));
    }
    for (node, finding) in about {
        let key = (finding.rule.id, finding.span);
        if !b.graph.findings.contains(&key) {
            b.graph.findings.push(key);
        }
        if !MARKING_RULES.contains(&finding.rule.id) {
            continue;
        }
        b.mark_node(node, key);
        let into: Vec<usize> = b
            .graph
            .edges
            .iter()
            .filter(|e| e.to == node)
            .map(|e| e.from)
            .collect();
        for from in into {
            b.mark_edge(from, node, key);
        }
    }
}
