//! Draws the network around each warehouse ([`crate::graph`]): `redshield graph --format
//! mermaid|dot|json`, and the Mermaid diagrams the Markdown report and the step summary embed
//! for the warehouses with findings.
//!
//! A node or edge is failing when one of the findings that mark it is reported (not
//! suppressed, not in a baseline). The pictures stay readable for a real VPC: nodes that are
//! not failing and have the same kind and the same neighbours (subnets behind one route table
//! and one network ACL) become one node ("3 subnets"), and a warehouse shows at most
//! [`NODES_PER_WAREHOUSE`] nodes (the failing ones first), the rest counted in a "… N more"
//! node. The JSON graph is the whole graph, neither collapsed nor capped.
//!
//! Node ids are generated (`n1`, `n2`, …), never taken from an input. Every label is text of
//! ours with names and values from the inputs: it is escaped for humans first
//! ([`super::escape::line`]: one line, no control or invisible characters), then for its
//! syntax — Mermaid: quoted, with every character but letters, digits, spaces and
//! `.,:/-_()[]'=+*@!?$^~` written as an entity code (`"` as `#quot;`, `<` as `#60;`), so no
//! quote, bracket of its own, backtick, `%%` or HTML survives; DOT: quoted, with `\` and `"`
//! escaped. Secrets the inputs hold are masked in labels as in every report.

use super::Report;
use super::escape;
use super::json::JsonError;
use crate::graph::{FindingKey, Graph, NodeKind};
use crate::ir::{Location, SourceMap, Span};
use crate::model::secret::Secrets;
use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Serialize;

/// How many nodes one warehouse's picture shows at most (the "… N more" node included).
pub const NODES_PER_WAREHOUSE: usize = 30;

/// How many diagrams a Markdown report embeds at most, and how many bytes of them: a
/// pull-request comment holds 65,536 characters.
const DIAGRAMS: usize = 10;
const DIAGRAM_BYTES: usize = 40_000;

/// The picture of one warehouse: its nodes (the warehouse first) and edges, collapsed and
/// capped, each with whether it is failing.
struct View {
    /// The box around the warehouse's nodes (`redshield graph`); the Markdown report's
    /// diagrams have a heading instead.
    title: Option<String>,
    nodes: Vec<(String, bool)>,
    edges: Vec<(usize, usize, String, bool)>,
}

/// An edge as one of its nodes sees it: outgoing or not, the other node, the label.
type Neighbour<'g> = (bool, usize, &'g str);

/// The reported findings, as the graph names them.
fn reported(report: &Report) -> HashSet<FindingKey> {
    report
        .findings
        .iter()
        .map(|f| (f.rule.id, f.span))
        .collect()
}

fn failing(keys: &[FindingKey], reported: &HashSet<FindingKey>) -> bool {
    keys.iter().any(|k| reported.contains(k))
}

/// `cluster aws_redshift_cluster.main (main.tf:49)`, without the place when there is none.
fn title(graph: &Graph, sources: &SourceMap) -> String {
    let Some(warehouse) = graph.warehouse() else {
        return String::new();
    };
    let place = match warehouse.span {
        Some(span) => {
            let at = sources.location(span);
            format!(" ({}:{})", at.path, at.start_line)
        }
        _ => String::new(),
    };
    format!("{}{place}", warehouse.label())
}

impl View {
    /// The picture of `graph`; `secrets` are masked in its labels as in every report.
    fn new(
        graph: &Graph,
        reported: &HashSet<FindingKey>,
        secrets: &Secrets,
        title: Option<String>,
    ) -> View {
        let node_failing: Vec<bool> = graph
            .nodes
            .iter()
            .map(|n| failing(&n.failing, reported))
            .collect();
        // Neighbours of each node: (outgoing, other node, label).
        let mut neighbours: Vec<Vec<Neighbour>> = vec![Vec::new(); graph.nodes.len()];
        for edge in &graph.edges {
            if let Some(n) = neighbours.get_mut(edge.from) {
                n.push((true, edge.to, &edge.label));
            }
            if let Some(n) = neighbours.get_mut(edge.to) {
                n.push((false, edge.from, &edge.label));
            }
        }
        for n in &mut neighbours {
            n.sort_unstable();
        }
        // Collapse: not failing, not the warehouse or the internet, same kind and neighbours.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<(NodeKind, &[Neighbour]), usize> = HashMap::new();
        let mut view_of: Vec<usize> = vec![0; graph.nodes.len()];
        for (i, node) in graph.nodes.iter().enumerate() {
            let collapsible = i != 0
                && node.kind != NodeKind::Internet
                && !node_failing.get(i).copied().unwrap_or(false);
            let signature = neighbours.get(i).map(Vec::as_slice).unwrap_or_default();
            let group = if collapsible {
                *group_of.entry((node.kind, signature)).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                })
            } else {
                groups.push(Vec::new());
                groups.len() - 1
            };
            if let Some(g) = groups.get_mut(group) {
                g.push(i);
            }
            if let Some(v) = view_of.get_mut(i) {
                *v = group;
            }
        }
        let nodes: Vec<(String, bool)> = groups
            .iter()
            .map(|members| {
                let first = members.first().and_then(|&i| graph.nodes.get(i));
                let failing = members
                    .iter()
                    .any(|&i| node_failing.get(i).copied().unwrap_or(false));
                let label = match (members.len(), first) {
                    (1, Some(node)) => node.label(),
                    (n, Some(node)) => {
                        let mut notes: Vec<&str> = Vec::new();
                        for &i in members {
                            if let Some(note) = graph.nodes.get(i).and_then(|m| m.note.as_deref()) {
                                if !notes.contains(&note) {
                                    notes.push(note);
                                }
                            }
                        }
                        let shown = if notes.len() > 4 {
                            format!("{}, …", notes.get(..4).unwrap_or_default().join(", "))
                        } else {
                            notes.join(", ")
                        };
                        if shown.is_empty() {
                            format!("{n} {}", node.kind.plural())
                        } else {
                            format!("{n} {} ({shown})", node.kind.plural())
                        }
                    }
                    _ => String::new(),
                };
                (secrets.mask(&label).into_owned(), failing)
            })
            .collect();
        let mut edges: Vec<(usize, usize, String, bool)> = Vec::new();
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        for edge in &graph.edges {
            let (Some(&from), Some(&to)) = (view_of.get(edge.from), view_of.get(edge.to)) else {
                continue;
            };
            let is_failing = failing(&edge.failing, reported);
            match seen.get(&(from, to)) {
                Some(&i) => {
                    if let Some(e) = edges.get_mut(i) {
                        e.3 |= is_failing;
                        if !e.2.split(", ").any(|l| l == edge.label) {
                            e.2.push_str(", ");
                            e.2.push_str(&edge.label);
                        }
                    }
                }
                None => {
                    seen.insert((from, to), edges.len());
                    edges.push((from, to, secrets.mask(&edge.label).into_owned(), is_failing));
                }
            }
        }
        // From the warehouse outwards, in node order.
        edges.sort_by_key(|e| (e.0, e.1));
        View {
            title: title.map(|t| secrets.mask(&t).into_owned()),
            nodes,
            edges,
        }
        .capped(NODES_PER_WAREHOUSE)
    }

    /// At most `cap` nodes: the warehouse, the failing ones, then the others, nearest the
    /// warehouse first, each with the nodes that lead to it; the rest counted in one node.
    fn capped(self, cap: usize) -> View {
        if self.nodes.len() <= cap {
            return self;
        }
        // Breadth-first from the warehouse: each node's depth order and parent.
        let mut order: Vec<usize> = vec![0];
        let mut parent: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut visited: Vec<bool> = vec![false; self.nodes.len()];
        if let Some(v) = visited.get_mut(0) {
            *v = true;
        }
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for &(from, to, _, _) in &self.edges {
            if let Some(o) = out.get_mut(from) {
                o.push(to);
            }
        }
        let mut at = 0;
        while let Some(&node) = order.get(at) {
            at += 1;
            for &to in out.get(node).into_iter().flatten() {
                if !visited.get(to).copied().unwrap_or(true) {
                    if let Some(v) = visited.get_mut(to) {
                        *v = true;
                    }
                    if let Some(p) = parent.get_mut(to) {
                        *p = Some(node);
                    }
                    order.push(to);
                }
            }
        }
        for (i, seen) in visited.iter().enumerate() {
            if !seen {
                order.push(i);
            }
        }
        let is_failing = |i: usize| self.nodes.get(i).is_some_and(|n| n.1);
        let priority = order
            .iter()
            .copied()
            .filter(|&i| i == 0 || is_failing(i))
            .chain(order.iter().copied().filter(|&i| i != 0 && !is_failing(i)));
        let room = cap.saturating_sub(1);
        let mut kept: Vec<bool> = vec![false; self.nodes.len()];
        let mut count = 0;
        for node in priority {
            let mut chain = vec![node];
            let mut up = node;
            while let Some(Some(p)) = parent.get(up) {
                chain.push(*p);
                up = *p;
            }
            let new: Vec<usize> = chain
                .into_iter()
                .filter(|&i| !kept.get(i).copied().unwrap_or(true))
                .collect();
            if count + new.len() > room {
                continue;
            }
            for i in new {
                if let Some(k) = kept.get_mut(i) {
                    *k = true;
                }
                count += 1;
            }
        }
        let mut index: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut nodes = Vec::new();
        for &i in &order {
            if kept.get(i).copied().unwrap_or(false) {
                if let (Some(slot), Some(node)) = (index.get_mut(i), self.nodes.get(i)) {
                    *slot = Some(nodes.len());
                    nodes.push(node.clone());
                }
            }
        }
        let hidden = self.nodes.len() - nodes.len();
        nodes.push((
            format!("… {hidden} more (redshield graph --format json lists them all)"),
            false,
        ));
        let edges = self
            .edges
            .into_iter()
            .filter_map(|(from, to, label, failing)| {
                Some((
                    index.get(from).copied()??,
                    index.get(to).copied()??,
                    label,
                    failing,
                ))
            })
            .collect();
        View {
            title: self.title,
            nodes,
            edges,
        }
    }
}

/// A label as Mermaid shows it, inside `"…"`: escaped for humans, then every character that
/// is not plainly text written as an entity code.
pub fn mermaid_text(text: &str) -> String {
    let text = escape::line(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'a'..='z'
            | 'A'..='Z'
            | '0'..='9'
            | ' '
            | '.'
            | ','
            | ':'
            | '/'
            | '-'
            | '_'
            | '('
            | ')'
            | '['
            | ']'
            | '\''
            | '='
            | '+'
            | '*'
            | '@'
            | '!'
            | '?'
            | '$'
            | '^'
            | '~' => out.push(c),
            '"' => out.push_str("#quot;"),
            c => out.push_str(&format!("#{};", u32::from(c))),
        }
    }
    out
}

/// A string as DOT quotes it: escaped for humans, then `\` and `"` escaped (a backslash would
/// otherwise start one of DOT's label escapes, `\N`, `\l`).
pub fn dot_text(text: &str) -> String {
    let text = escape::line(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Generates node ids: `n1`, `n2`, …
struct Ids(usize);

impl Ids {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("n{}", self.0)
    }
}

const LEGEND_FAILING: &str = "failing: a reported finding's resource or hop";
const LEGEND_OTHER: &str = "not failing";

/// One Mermaid flowchart: a subgraph per warehouse, then a legend.
fn mermaid(views: &[View]) -> String {
    let mut ids = Ids(0);
    let mut out = String::from("flowchart LR\n");
    let mut edges = String::new();
    let mut failing_nodes: Vec<String> = Vec::new();
    let mut failing_edges: Vec<String> = Vec::new();
    let mut edge_count = 0;
    if views.is_empty() {
        let id = ids.next();
        out.push_str(&format!(
            "  {id}[\"{}\"]\n",
            mermaid_text("no Redshift warehouse found")
        ));
    }
    for view in views {
        let indent = match &view.title {
            Some(title) => {
                let group = ids.next();
                out.push_str(&format!(
                    "  subgraph {group}[\"{}\"]\n",
                    mermaid_text(title)
                ));
                "    "
            }
            None => "  ",
        };
        let node_ids: Vec<String> = view.nodes.iter().map(|_| ids.next()).collect();
        for ((label, failing), id) in view.nodes.iter().zip(&node_ids) {
            out.push_str(&format!("{indent}{id}[\"{}\"]\n", mermaid_text(label)));
            if *failing {
                failing_nodes.push(id.clone());
            }
        }
        if view.title.is_some() {
            out.push_str("  end\n");
        }
        for (from, to, label, failing) in &view.edges {
            let (Some(from), Some(to)) = (node_ids.get(*from), node_ids.get(*to)) else {
                continue;
            };
            edges.push_str(&format!("  {from} -->|\"{}\"| {to}\n", mermaid_text(label)));
            if *failing {
                failing_edges.push(edge_count.to_string());
            }
            edge_count += 1;
        }
    }
    out.push_str(&edges);
    let legend = ids.next();
    let (bad, good) = (ids.next(), ids.next());
    out.push_str(&format!(
        "  subgraph {legend}[\"legend\"]\n    {bad}[\"{}\"]\n    {good}[\"{}\"]\n  end\n",
        mermaid_text(LEGEND_FAILING),
        mermaid_text(LEGEND_OTHER)
    ));
    failing_nodes.push(bad);
    out.push_str("  classDef failing fill:#fde2e2,stroke:#c00,stroke-width:3px,color:#600\n");
    out.push_str(&format!("  class {} failing\n", failing_nodes.join(",")));
    if !failing_edges.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#c00,stroke-width:3px\n",
            failing_edges.join(",")
        ));
    }
    out
}

/// One DOT digraph: a cluster per warehouse, then a legend.
fn dot(views: &[View]) -> String {
    let mut ids = Ids(0);
    const RED: &str = ", color=\"#cc0000\", fontcolor=\"#660000\", penwidth=3";
    let mut out = String::from(
        "digraph \"redshield\" {\n  rankdir=LR;\n  graph [fontname=\"Helvetica\"];\n  \
         node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let mut edges = String::new();
    if views.is_empty() {
        let id = ids.next();
        out.push_str(&format!(
            "  \"{id}\" [label={}];\n",
            dot_text("no Redshift warehouse found")
        ));
    }
    for view in views {
        let group = ids.next();
        out.push_str(&format!(
            "  subgraph \"cluster_{group}\" {{\n    label={};\n",
            dot_text(view.title.as_deref().unwrap_or_default())
        ));
        let node_ids: Vec<String> = view.nodes.iter().map(|_| ids.next()).collect();
        for ((label, failing), id) in view.nodes.iter().zip(&node_ids) {
            let style = if *failing { RED } else { "" };
            out.push_str(&format!(
                "    \"{id}\" [label={}{style}];\n",
                dot_text(label)
            ));
        }
        out.push_str("  }\n");
        for (from, to, label, failing) in &view.edges {
            let (Some(from), Some(to)) = (node_ids.get(*from), node_ids.get(*to)) else {
                continue;
            };
            let style = if *failing { RED } else { "" };
            edges.push_str(&format!(
                "  \"{from}\" -> \"{to}\" [label={}{style}];\n",
                dot_text(label)
            ));
        }
    }
    out.push_str(&edges);
    let legend = ids.next();
    let (bad, good) = (ids.next(), ids.next());
    out.push_str(&format!(
        "  subgraph \"cluster_{legend}\" {{\n    label=\"legend\";\n    \"{bad}\" [label={}{RED}];\n    \
         \"{good}\" [label={}];\n  }}\n}}\n",
        dot_text(LEGEND_FAILING),
        dot_text(LEGEND_OTHER)
    ));
    out
}

fn views(graphs: &[Graph], report: &Report, sources: &SourceMap) -> Vec<View> {
    let reported = reported(report);
    graphs
        .iter()
        .map(|g| View::new(g, &reported, &report.secrets, Some(title(g, sources))))
        .collect()
}

/// `redshield graph --format mermaid`: one flowchart of every warehouse.
pub fn render_mermaid(graphs: &[Graph], report: &Report, sources: &SourceMap) -> String {
    mermaid(&views(graphs, report, sources))
}

/// `redshield graph --format dot`: one Graphviz digraph of every warehouse.
pub fn render_dot(graphs: &[Graph], report: &Report, sources: &SourceMap) -> String {
    dot(&views(graphs, report, sources))
}

/// A diagram the Markdown report embeds: the warehouse it draws, where its findings are, and
/// the Mermaid flowchart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    /// The warehouse node's label (`cluster aws_redshift_cluster.main`), as in the inputs.
    pub warehouse: String,
    pub mermaid: String,
}

/// The diagrams of the warehouses with reported findings, in input order: at most
/// [`DIAGRAMS`] and [`DIAGRAM_BYTES`] of them; the second value counts those left out.
pub fn diagrams(graphs: &[Graph], report: &Report) -> (Vec<Diagram>, usize) {
    let reported = reported(report);
    let mut out = Vec::new();
    let mut bytes = 0;
    let mut left_out = 0;
    for graph in graphs {
        if !failing(&graph.findings, &reported) {
            continue;
        }
        if out.len() >= DIAGRAMS || bytes >= DIAGRAM_BYTES {
            left_out += 1;
            continue;
        }
        let warehouse = graph
            .warehouse()
            .map(|w| report.secrets.mask(&w.label()).into_owned())
            .unwrap_or_default();
        let mermaid = mermaid(&[View::new(graph, &reported, &report.secrets, None)]);
        if bytes + mermaid.len() > DIAGRAM_BYTES {
            left_out += 1;
            continue;
        }
        bytes += mermaid.len();
        out.push(Diagram { warehouse, mermaid });
    }
    (out, left_out)
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    version: u32,
    tool: Tool,
    warehouses: Vec<JsonWarehouse>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonWarehouse {
    /// The warehouse's node.
    id: String,
    /// Reported findings about a resource of the graph.
    findings: usize,
    nodes: Vec<JsonNode>,
    edges: Vec<JsonEdge>,
}

#[derive(Serialize)]
struct JsonNode {
    id: String,
    kind: String,
    label: String,
    address: Option<String>,
    location: Option<Location>,
    failing: bool,
}

#[derive(Serialize)]
struct JsonEdge {
    from: String,
    to: String,
    label: String,
    failing: bool,
}

/// `redshield graph --format json`: every warehouse's whole graph (see
/// `schemas/graph.schema.json`). Strings are the inputs' own; JSON escapes them.
pub fn render_graph_json(graphs: &[Graph], report: &Report, sources: &SourceMap) -> String {
    let reported = reported(report);
    let mut ids = Ids(0);
    let warehouses = graphs
        .iter()
        .map(|graph| {
            let node_ids: Vec<String> = graph.nodes.iter().map(|_| ids.next()).collect();
            let id = |i: usize| node_ids.get(i).cloned().unwrap_or_default();
            let located = |span: Option<Span>| span.map(|s| sources.location(s));
            JsonWarehouse {
                id: id(0),
                findings: report
                    .findings
                    .iter()
                    .filter(|f| graph.findings.contains(&(f.rule.id, f.span)))
                    .count(),
                nodes: graph
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, node)| JsonNode {
                        id: id(i),
                        kind: node.kind.name().replace([' ', '-'], "_").to_lowercase(),
                        label: report.secrets.mask(&node.label()).into_owned(),
                        address: node.address.clone(),
                        location: located(node.span),
                        failing: failing(&node.failing, &reported),
                    })
                    .collect(),
                edges: graph
                    .edges
                    .iter()
                    .map(|edge| JsonEdge {
                        from: id(edge.from),
                        to: id(edge.to),
                        label: report.secrets.mask(&edge.label).into_owned(),
                        failing: failing(&edge.failing, &reported),
                    })
                    .collect(),
            }
        })
        .collect();
    let json = JsonGraph {
        version: 1,
        tool: Tool {
            name: "redshield",
            version: env!("CARGO_PKG_VERSION"),
        },
        warehouses,
        errors: report.errors.iter().map(super::json::error).collect(),
    };
    let mut out = serde_json::to_string_pretty(&json).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_keep_only_plain_text() {
        assert_eq!(
            mermaid_text("subnet aws_subnet.a (us-east-1a)"),
            "subnet aws_subnet.a (us-east-1a)"
        );
        assert_eq!(
            mermaid_text("a\"]-->b%%c`<i>\n#x;"),
            "a#quot;]--#62;b#37;#37;c#96;#60;i#62;#92;n#35;x#59;"
        );
    }

    #[test]
    fn dot_strings_are_quoted_with_backslashes_and_quotes_escaped() {
        assert_eq!(dot_text("a\"b\\N\nc"), "\"a\\\"b\\\\N\\\\nc\"");
    }
}
