//! CloudFormation front end: YAML and JSON templates (and CDK synth output) into one IR
//! [`Unit`] per template.
//!
//! YAML is read with `saphyr-parser`, the maintained successor of yaml-rust: it reports every
//! event with its position and keeps tags, so short forms (`!Ref`, `!GetAtt a.b`, …) and
//! anchors are under our control (alias expansion is bounded). JSON is read with serde_json
//! raw values for exact spans. Intrinsics are evaluated where knowable ([`eval`]):
//! `Parameters` defaults and `--param`, `Conditions`, `Fn::If` and `AWS::NoValue`, `Mappings`,
//! `Fn::Sub`/`Join`/`Select`/`Split`/`Cidr`/`GetAZs`; `Ref`/`Fn::GetAtt` of resources stay `Ref`s.

mod eval;
pub(crate) mod tree;

use crate::ir::{
    DeployCondition, Diagnostic, Family, FileId, Mode, Node, Resource, Settings, SourceMap, Span,
    Suppression, SuppressionTarget, Unit, Value,
};
use std::path::Path;
use tree::{Kind, TNode};

/// What the command line adds to templates.
#[derive(Debug, Clone, Default)]
pub struct CfnOptions {
    /// `--param NAME=VALUE`: overrides parameter defaults.
    pub params: Vec<(String, String)>,
    /// The region `AWS::Region` stands for (`--region` or the configuration's), when known.
    pub region: Option<String>,
    /// What one template may cost.
    pub limits: crate::limits::Limits,
}

/// A cheap test before parsing: could this text be a CloudFormation template?
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}

pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Is the parsed document a template: `AWSTemplateFormatVersion`, or `Resources` whose
/// entries have a `Type` of `AWS::…`?
fn is_template(root: &TNode) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|resources| {
        resources.entries().iter().any(|(_, _, r)| {
            r.get("Type")
                .and_then(TNode::as_str)
                .is_some_and(|t| t.starts_with("AWS::"))
        })
    })
}

/// `Metadata: {redshield: {ignore: [{id: RS105, reason: "..."}]}}` on a resource (an `id` may
/// also be a list, and an entry may be just the id).
fn metadata_suppressions(logical_id: &str, resource: &TNode) -> Vec<Suppression> {
    let Some(list) = resource
        .get("Metadata")
        .and_then(|m| m.get("redshield"))
        .and_then(|r| r.get("ignore"))
    else {
        return Vec::new();
    };
    let entries: Vec<&TNode> = match &list.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    entries
        .into_iter()
        .filter_map(|entry| {
            let (id_node, reason) = match entry.get("id") {
                Some(id) => (
                    id,
                    entry
                        .get("reason")
                        .and_then(TNode::as_str)
                        .map(str::to_string),
                ),
                None => (entry, None),
            };
            let ids: Vec<String> = match &id_node.kind {
                Kind::Seq(items) => items
                    .iter()
                    .filter_map(TNode::as_str)
                    .map(str::to_ascii_uppercase)
                    .collect(),
                _ => vec![id_node.as_str()?.to_ascii_uppercase()],
            };
            Some(Suppression {
                ids,
                reason: reason.filter(|r| !r.trim().is_empty()),
                span: entry.span,
                target: SuppressionTarget::Resource(logical_id.to_string()),
            })
        })
        .collect()
}

/// Reads the template in `file`. Returns None (and no error) when the document is not a
/// template; a template that does not parse is an error with its location.
pub fn load_template(
    sources: &SourceMap,
    file: FileId,
    json: bool,
    options: &CfnOptions,
) -> (Option<Unit>, Vec<Diagnostic>) {
    let text = sources.text(file);
    let display = sources.display(file).to_string();
    let parsed = if json {
        tree::parse_json(text, file, &options.limits)
    } else {
        tree::parse_yaml(text, file, &options.limits)
    };
    let root = match parsed {
        Ok(root) => root,
        Err(err) => {
            let diag = Diagnostic {
                path: display,
                line: Some(err.line),
                column: Some(err.column),
                message: format!(
                    "invalid {}: {}",
                    if json { "JSON" } else { "YAML" },
                    err.message
                ),
            };
            return (None, vec![diag]);
        }
    };
    if !is_template(&root) {
        return (None, Vec::new());
    }
    let mut diags = Vec::new();
    let template = eval::Template::new(&root, options);
    let mut resources = Vec::new();
    let mut suppressions = Vec::new();
    if let Some(section) = root.get("Resources") {
        for (logical_id, key_span, body) in section.entries() {
            let Some(kind) = body.get("Type").and_then(TNode::as_str) else {
                let loc = sources.location(*key_span);
                diags.push(Diagnostic {
                    path: display.clone(),
                    line: Some(loc.start_line),
                    column: Some(loc.start_column),
                    message: format!("resource {logical_id} has no Type"),
                });
                continue;
            };
            // A resource whose condition is false is not deployed; one whose condition is
            // unknown may be, and carries the condition.
            let mut deployed_if = None;
            if let Some((node, condition)) =
                body.get("Condition").and_then(|n| Some((n, n.as_str()?)))
            {
                match template.condition(condition) {
                    Some(false) => continue,
                    Some(true) => {}
                    None => {
                        deployed_if = Some(DeployCondition {
                            name: condition.to_string(),
                            span: node.span,
                        });
                    }
                }
            }
            let properties = match body.get("Properties") {
                Some(props) => template
                    .eval(props)
                    .unwrap_or_else(|| Node::new(Value::Map(Default::default()), props.span)),
                None => Node::new(Value::Map(Default::default()), *key_span),
            };
            let properties = match properties.value {
                Value::Map(_) => properties,
                _ => Node::new(Value::Unknown, properties.span),
            };
            suppressions.extend(metadata_suppressions(logical_id, body));
            resources.push(Resource {
                family: Family::CloudFormation,
                mode: Mode::Managed,
                kind: kind.to_string(),
                address: logical_id.clone(),
                span: *key_span,
                body: properties,
                origin: None,
                deployed_if,
                state_only: Vec::new(),
            });
        }
    }
    if template.exhausted() {
        diags.push(Diagnostic {
            path: display.clone(),
            line: None,
            column: None,
            message: format!(
                "evaluation exceeds the limit of {} steps (intrinsic functions and mappings \
                 that multiply values); the rest is unknown",
                options.limits.eval_steps
            ),
        });
    }
    let warnings = crate::ir::cycles::resource_cycles(
        &resources,
        sources,
        "CloudFormation cannot deploy a cycle",
    );
    let unit = Unit {
        family: Family::CloudFormation,
        origin: sources
            .path(file)
            .parent()
            .map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf),
        resources,
        destroyed: Vec::new(),
        settings: Settings {
            aws_provider_constraints: Vec::new(),
            provider_region: options
                .region
                .clone()
                .map(|r| Node::new(Value::String(r), Span::new(file, 0..0))),
        },
        suppressions,
        warnings,
    };
    let _ = Kind::Null;
    (Some(unit), diags)
}
