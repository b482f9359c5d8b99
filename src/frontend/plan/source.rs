//! Mapping planned resources back to the `.tf` source, so that findings point at the line a
//! pull request changes.

use crate::frontend::FileSystem;
use crate::frontend::hcl::{HclOptions, VarAssignment, load_root_module};
use crate::ir::{Node, Resource, SourceMap, Span, Value};
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// When `dir` holds the plan's `.tf` configuration, gives every planned resource found there
/// the spans of its source: attributes written in the source point at their values, the rest
/// at the resource header; values the plan only knows as unknown are taken from the source
/// where it writes them. The plan's own span is kept as the resource's origin.
///
/// `verify` (the directory was not named with `--source-dir`, only found: the plan's own
/// directory, or the working directory for standard input) first checks that the `.tf` files
/// are the plan's configuration: the same root-module resources. When they are not, nothing
/// is mapped and the error says why (findings then point into the plan).
pub(super) fn map_to_source(
    fs: &dyn FileSystem,
    sources: &mut SourceMap,
    dir: &Path,
    variables: &BTreeMap<String, serde_json::Value>,
    resources: &mut [Resource],
    limits: &crate::limits::Limits,
    verify: bool,
) -> Result<Vec<crate::ir::Suppression>, String> {
    let has_tf = fs.tf_files(dir).is_ok_and(|files| !files.is_empty());
    if !has_tf {
        return Ok(Vec::new());
    }
    // The plan's variable values reproduce its count/for_each expansion.
    let vars = variables
        .iter()
        .map(|(name, value)| VarAssignment {
            name: name.clone(),
            value: match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        })
        .collect();
    let options = HclOptions {
        vars,
        var_files: Vec::new(),
    };
    // Problems in the source are not problems of the plan being analyzed: fall back to the
    // plan's own locations where the source does not say.
    let (unit, _diagnostics) = load_root_module(fs, sources, dir, None, &options, limits);
    if verify {
        check_same_configuration(fs, dir, resources, &unit.resources)?;
    }
    let by_address: HashMap<&str, &Resource> = unit
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    for resource in resources.iter_mut() {
        let Some(source) = by_address.get(resource.address.as_str()) else {
            continue;
        };
        resource.origin = Some(resource.span);
        resource.span = source.span;
        // A block the source writes (a `dynamic` block, absent from the plan's
        // configuration) is the configuration's, not state.
        resource
            .state_only
            .retain(|name| source.body.get(name).is_none());
        remap(&mut resource.body, &source.body, source.span);
    }
    // Suppression comments in the source apply to the planned resources they now point into.
    Ok(unit.suppressions)
}

/// Whether the `.tf` files in `dir`, read with the plan's variables, declare the root-module
/// managed resources the plan plans, no more and no fewer (instances compared by their
/// resource: `aws_subnet.private[0]` is `aws_subnet.private`). Resources of modules are left
/// out: a module the plan read from the registry may not be installed beside the source.
fn check_same_configuration(
    fs: &dyn FileSystem,
    dir: &Path,
    planned: &[Resource],
    written: &[Resource],
) -> Result<(), String> {
    fn root_resources(resources: &[Resource]) -> BTreeSet<&str> {
        resources
            .iter()
            .map(|r| r.address.split('[').next().unwrap_or(&r.address))
            .filter(|a| !a.starts_with("module.") && !a.starts_with("data."))
            .collect()
    }
    let (planned, written) = (root_resources(planned), root_resources(written));
    if planned == written {
        return Ok(());
    }
    let first = |set: &BTreeSet<&str>, other: &BTreeSet<&str>| {
        set.difference(other).next().map(|a| a.to_string())
    };
    let differs = match (first(&written, &planned), first(&planned, &written)) {
        (Some(extra), _) => format!("{extra} is not in the plan"),
        (None, Some(missing)) => format!("the plan's {missing} is not in them"),
        (None, None) => String::new(),
    };
    let shown = fs.display(dir);
    let shown = if shown.is_empty() {
        "."
    } else {
        shown.as_str()
    };
    Err(format!(
        "the .tf files in {shown} are not this plan's configuration ({differs}), so findings \
         point into the plan; name its configuration with --source-dir"
    ))
}

/// Gives `planned` the spans of the matching parts of `written`; parts not written point at
/// `header`.
fn remap(planned: &mut Node, written: &Node, header: Span) {
    planned.span = written.span;
    // Unknown until apply in the plan, but written in the source (a policy built with
    // `jsonencode` around a new bucket's ARN): the source says what it will be.
    if matches!(planned.value, Value::Unknown | Value::Ref(_))
        && !matches!(written.value, Value::Unknown)
    {
        *planned = written.clone();
        return;
    }
    match (&mut planned.value, &written.value) {
        (Value::Map(p), Value::Map(w)) => {
            for (key, child) in p.iter_mut() {
                match w.get(key) {
                    Some(wchild) => remap(child, wchild, header),
                    None => child.respan(header),
                }
            }
        }
        (Value::List(p), Value::List(w)) => {
            let same_len = p.len() == w.len();
            for (i, child) in p.iter_mut().enumerate() {
                let matched = best_match(child, w).or(if same_len { w.get(i) } else { None });
                match matched {
                    Some(wchild) => remap(child, wchild, header),
                    None => child.respan(written.span),
                }
            }
        }
        _ => {
            let span = written.span;
            planned.respan(span);
        }
    }
}

/// The written element that best matches a planned one: an equal scalar, or the block with
/// the most equal scalar attributes.
fn best_match<'w>(planned: &Node, written: &'w [Node]) -> Option<&'w Node> {
    match &planned.value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            written.iter().find(|w| w.value == planned.value)
        }
        Value::Map(p) => {
            let score = |w: &Node| match &w.value {
                Value::Map(wm) => p
                    .iter()
                    .filter(|(k, v)| {
                        matches!(
                            v.value,
                            Value::String(_) | Value::Number(_) | Value::Bool(_)
                        ) && wm.get(*k).is_some_and(|x| x.value == v.value)
                    })
                    .count(),
                _ => 0,
            };
            written
                .iter()
                .map(|w| (score(w), w))
                .filter(|(s, _)| *s > 0)
                .max_by_key(|(s, _)| *s)
                .map(|(_, w)| w)
        }
        _ => None,
    }
}
