//! Reference cycles between resources: a resource whose attributes name another resource
//! that, directly or through others, names it back. Terraform cannot plan such a
//! configuration and CloudFormation cannot deploy such a template, so a front end reports each
//! cycle as a warning at the reference that starts it. The IR itself is left as it is: the
//! model follows references with a bound of its own.

use super::{Diagnostic, Node, Resource, SourceMap, Span, Value};
use foldhash::HashMap;

/// One warning per cycle among `resources`, naming its resources in order and located at the
/// reference from the first to the second. `why` ends the message (what refuses the cycle).
pub fn resource_cycles(resources: &[Resource], sources: &SourceMap, why: &str) -> Vec<Diagnostic> {
    let index: HashMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.as_str(), i))
        .collect();
    let mut stack = Vec::new();
    let edges: Vec<Vec<(usize, Span)>> = resources
        .iter()
        .map(|r| references(&r.body, &index, &mut stack))
        .collect();
    let address = |i: usize| resources.get(i).map_or("", |r| r.address.as_str());
    let mut order: Vec<usize> = (0..resources.len()).collect();
    order.sort_by(|&a, &b| address(a).cmp(address(b)));

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; resources.len()];
    let mut reported = vec![false; resources.len()];
    let mut out = Vec::new();
    let mut path: Vec<(usize, usize)> = Vec::new();
    for start in order {
        if marks.get(start) != Some(&Mark::New) {
            continue;
        }
        // Depth-first, without recursion: each entry is a resource and its next edge.
        path.clear();
        path.push((start, 0));
        set(&mut marks, start, Mark::Open);
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            let Some(&(to, _)) = edges.get(node).and_then(|e| e.get(*next)) else {
                set(&mut marks, node, Mark::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match marks.get(to) {
                Some(Mark::New) => {
                    set(&mut marks, to, Mark::Open);
                    path.push((to, 0));
                }
                Some(Mark::Open) => {
                    // A reference back into the path closes a cycle: report it once.
                    let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    let members: Vec<usize> = path.iter().skip(from).map(|&(n, _)| n).collect();
                    if members.iter().any(|&m| reported.get(m) == Some(&true)) {
                        continue;
                    }
                    for &m in &members {
                        set(&mut reported, m, true);
                    }
                    let first = members.first().copied().unwrap_or(to);
                    let second = members.get(1).copied().unwrap_or(first);
                    let Some(&(_, span)) = edges
                        .get(first)
                        .and_then(|e| e.iter().find(|&&(t, _)| t == second))
                    else {
                        continue;
                    };
                    let mut chain: Vec<&str> = members.iter().map(|&m| address(m)).collect();
                    chain.push(address(first));
                    let loc = sources.location(span);
                    out.push(Diagnostic {
                        path: loc.path,
                        line: Some(loc.start_line),
                        column: Some(loc.start_column),
                        message: format!(
                            "reference cycle between resources: {} ({why})",
                            chain.join(" -> ")
                        ),
                    });
                }
                _ => {}
            }
        }
    }
    out
}

fn set<T>(items: &mut [T], i: usize, value: T) {
    if let Some(slot) = items.get_mut(i) {
        *slot = value;
    }
}

/// The resources `body` references, each with the span of its first reference, in index order.
/// `stack` is scratch space, empty between calls.
fn references<'n>(
    body: &'n Node,
    index: &HashMap<&str, usize>,
    stack: &mut Vec<&'n Node>,
) -> Vec<(usize, Span)> {
    // Every reference in the order met; a stable sort then keeps the first of each.
    let mut found: Vec<(usize, Span)> = Vec::new();
    stack.push(body);
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Ref(r) => {
                if let Some(&i) = index.get(r.address.as_str()) {
                    found.push((i, node.span));
                }
            }
            Value::List(items) | Value::Concat(items) => stack.extend(items.iter().rev()),
            Value::Map(map) => stack.extend(map.values().rev()),
            _ => {}
        }
    }
    found.sort_by_key(|&(i, _)| i);
    found.dedup_by_key(|&mut (i, _)| i);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Family, Mode, Reference};
    use std::path::Path;

    fn resource(sources: &mut SourceMap, address: &str, refs: &[&str]) -> Resource {
        let file = sources.add(Path::new(address), address.into(), "x".repeat(10));
        let span = Span::new(file, 0..1);
        let body = refs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let reference = Reference {
                    address: (*r).to_string(),
                    path: vec!["id".into()],
                };
                (
                    format!("a{i}"),
                    Node::new(Value::Ref(Box::new(reference)), span),
                )
            })
            .collect();
        Resource {
            family: Family::Terraform,
            mode: Mode::Managed,
            kind: "aws_security_group".into(),
            address: address.into(),
            span,
            body: Node::new(Value::Map(body), span),
            origin: None,
            deployed_if: None,
            state_only: Vec::new(),
        }
    }

    fn cycles(graph: &[(&str, &[&str])]) -> Vec<String> {
        let mut sources = SourceMap::new();
        let resources: Vec<Resource> = graph
            .iter()
            .map(|(a, refs)| resource(&mut sources, a, refs))
            .collect();
        resource_cycles(&resources, &sources, "why")
            .into_iter()
            .map(|d| format!("{}: {}", d.path, d.message))
            .collect()
    }

    #[test]
    fn each_cycle_is_reported_once_from_its_first_resource() {
        assert_eq!(
            cycles(&[("b", &["a"]), ("a", &["b"]), ("c", &["a"])]),
            vec!["a: reference cycle between resources: a -> b -> a (why)"]
        );
        assert_eq!(
            cycles(&[("s", &["s"])]),
            vec!["s: reference cycle between resources: s -> s (why)"]
        );
        assert_eq!(
            cycles(&[
                ("a", &["b"]),
                ("b", &["c"]),
                ("c", &["a", "x"]),
                ("d", &["d"])
            ]),
            vec![
                "a: reference cycle between resources: a -> b -> c -> a (why)",
                "d: reference cycle between resources: d -> d (why)",
            ]
        );
    }

    #[test]
    fn chains_and_references_outside_the_unit_are_no_cycles() {
        assert!(cycles(&[("a", &["b"]), ("b", &["c"]), ("c", &["gone"])]).is_empty());
        assert!(cycles(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &[])]).is_empty());
    }

    #[test]
    fn a_long_chain_closing_on_itself_does_not_recurse() {
        let names: Vec<String> = (0..100_000).map(|i| format!("r{i:06}")).collect();
        let mut sources = SourceMap::new();
        let resources: Vec<Resource> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let next = names.get((i + 1) % names.len()).map_or("", String::as_str);
                resource(&mut sources, n, &[next])
            })
            .collect();
        let found = resource_cycles(&resources, &sources, "why");
        assert_eq!(found.len(), 1);
    }
}
