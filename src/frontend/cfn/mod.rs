//! CloudFormation front end: YAML and JSON templates (and CDK synth output) into one IR
//! [`Unit`] per template.
//!
//! YAML is read with `saphyr-parser`, the maintained successor of yaml-rust: it reports every
//! event with its position and keeps tags, so short forms (`!Ref`, `!GetAtt a.b`, …) and
//! anchors are under our control (alias expansion is bounded). JSON is read with serde_json
//! raw values for exact spans. Intrinsics are evaluated where knowable ([`eval`]):
//! `Parameters` defaults and `--param`, `Conditions`, `Fn::If` and `AWS::NoValue`, `Mappings`,
//! `Fn::Sub`/`Join`/`Select`/`Split`/`Cidr`/`GetAZs`; `Ref`/`Fn::GetAtt` of resources stay `Ref`s.
//! `Fn::ForEach` (`AWS::LanguageExtensions`) is expanded first ([`foreach`]).
//!
//! What a template holds that cannot be read as written — a tag or a function CloudFormation
//! does not define, a `Type` that is not a string, YAML only PyYAML accepts, a second YAML
//! document, a loop over an unknown collection — is a warning at its place; the rest of the
//! template is analyzed. What makes the file unreadable is an error.

mod eval;
mod foreach;
pub(crate) mod tree;

use crate::ir::{
    DeployCondition, Diagnostic, Family, FileId, Mode, Node, Resource, Settings, SourceMap, Span,
    Suppression, SuppressionTarget, Unit, Value,
};
use foldhash::{HashMap, HashMapExt};
use std::path::Path;
use tree::{Kind, TNode, TreeWarning};

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
/// entries have a `Type` of `AWS::…` (or are `Fn::ForEach` loops)?
fn is_template(root: &TNode) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|resources| {
        resources.entries().iter().any(|(key, _, r)| {
            key.starts_with("Fn::ForEach::")
                || r.get("Type")
                    .and_then(TNode::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
        })
    })
}

/// A warning of the front end as the report shows it.
fn diagnostic(sources: &SourceMap, warning: &TreeWarning) -> Diagnostic {
    let loc = sources.location(warning.span);
    Diagnostic {
        path: loc.path,
        line: Some(loc.start_line),
        column: Some(loc.start_column),
        message: warning.message.clone(),
    }
}

/// `Metadata: {redshield: {ignore: [{id: RS105, reason: "..."}]}}` on a resource (an `id` may
/// also be a list, and an entry may be just the id).
fn metadata_suppressions(logical_id: &str, resource: &TNode) -> Vec<Suppression> {
    let mut out = checkov_suppressions(logical_id, resource);
    let Some(list) = resource
        .get("Metadata")
        .and_then(|m| m.get("redshield"))
        .and_then(|r| r.get("ignore"))
    else {
        return out;
    };
    let entries: Vec<&TNode> = match &list.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    let ours = entries.into_iter().filter_map(|entry| {
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
    });
    out.extend(ours);
    out
}

/// checkov's `Metadata: {checkov: {skip: [{id: CKV_AWS_87, comment: "..."}]}}`: a suppression
/// of the rule each Redshift check maps to ([`crate::frontend::CHECKOV_CHECKS`]), with the
/// comment as its reason; other checks are passed over.
fn checkov_suppressions(logical_id: &str, resource: &TNode) -> Vec<Suppression> {
    let Some(list) = resource
        .get("Metadata")
        .and_then(|m| m.get("checkov"))
        .and_then(|c| c.get("skip"))
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
            let check = entry.get("id").and_then(TNode::as_str)?;
            let rule = crate::frontend::checkov_rule(check)?;
            let comment = entry.get("comment").and_then(TNode::as_str);
            Some(Suppression {
                ids: vec![rule.to_string()],
                reason: crate::frontend::checkov_reason(check, comment),
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
    let tree::Parsed { root, warnings } = match parsed {
        Ok(parsed) => parsed,
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
    let mut warnings: Vec<Diagnostic> = warnings.iter().map(|w| diagnostic(sources, w)).collect();
    // `Fn::ForEach` loops are expanded before anything else is evaluated; their collections
    // are evaluated against the template as written.
    let (root, unknown_loops) = if foreach::has_loops(&root) {
        let written = eval::Template::new(&root, options);
        let expansion = foreach::expand(
            &root,
            &written,
            options.limits.yaml_nodes,
            options.limits.instances,
        );
        warnings.extend(
            written
                .take_warnings()
                .iter()
                .map(|w| diagnostic(sources, w)),
        );
        warnings.extend(expansion.warnings.iter().map(|w| diagnostic(sources, w)));
        (expansion.root, expansion.unknown)
    } else {
        (root, HashMap::new())
    };
    let template = eval::Template::new(&root, options);
    let mut resources = Vec::new();
    let mut suppressions = Vec::new();
    if let Some(section) = root
        .get("Resources")
        .filter(|s| !matches!(s.kind, Kind::Map(_)))
    {
        let loc = sources.location(section.span);
        diags.push(Diagnostic {
            path: display.clone(),
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message: "Resources must be a mapping of logical ids to resources".into(),
        });
    }
    if let Some(section) = root.get("Resources") {
        for (logical_id, key_span, body) in section.entries() {
            let kind = match body.get("Type").map(|t| &t.kind) {
                Some(Kind::String(kind)) => kind,
                None => {
                    let loc = sources.location(*key_span);
                    diags.push(Diagnostic {
                        path: display.clone(),
                        line: Some(loc.start_line),
                        column: Some(loc.start_column),
                        message: format!("resource {logical_id} has no Type"),
                    });
                    continue;
                }
                Some(Kind::Unknown(_)) => {
                    warnings.push(diagnostic(
                        sources,
                        &TreeWarning {
                            span: *key_span,
                            message: format!(
                                "resource {logical_id} is not analyzed: its Type is unknown"
                            ),
                        },
                    ));
                    continue;
                }
                Some(_) => {
                    warnings.push(diagnostic(
                        sources,
                        &TreeWarning {
                            span: body.get("Type").map_or(*key_span, |t| t.span),
                            message: format!(
                                "resource {logical_id} is not analyzed: Type must be a string \
                                 (a packager's module reference must be packaged first)"
                            ),
                        },
                    ));
                    continue;
                }
            };
            // A resource whose condition is false is not deployed; one whose condition is
            // unknown may be, and carries the condition.
            let mut deployed_if = None;
            if let Some((node, condition)) =
                body.get("Condition").and_then(|n| Some((n, n.as_str()?)))
            {
                match template.condition(condition, node.span) {
                    Some(false) => continue,
                    Some(true) => {}
                    None => {
                        deployed_if = Some(DeployCondition {
                            name: condition.to_string(),
                            span: node.span,
                            per_element: false,
                        });
                    }
                }
            }
            // Generated by a loop whose collection is unknown: there may be any number of it.
            if let Some((name, span)) = unknown_loops.get(logical_id) {
                deployed_if.get_or_insert_with(|| DeployCondition {
                    name: name.clone(),
                    span: *span,
                    per_element: true,
                });
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
    warnings.extend(
        template
            .take_warnings()
            .iter()
            .map(|w| diagnostic(sources, w)),
    );
    warnings.extend(crate::ir::cycles::resource_cycles(
        &resources,
        sources,
        "CloudFormation cannot deploy a cycle",
    ));
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
        copies: template.take_copies(),
        from_plan: false,
    };
    (Some(unit), diags)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    /// Reads `text` as a YAML template: the unit, and the errors.
    fn load(text: &str) -> (Unit, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file = sources.add(Path::new("t.yaml"), "t.yaml".into(), text.to_string());
        let (unit, errors) = load_template(&sources, file, false, &CfnOptions::default());
        (unit.unwrap(), errors)
    }

    fn resource<'u>(unit: &'u Unit, address: &str) -> &'u Resource {
        unit.resources
            .iter()
            .find(|r| r.address == address)
            .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(unit)))
    }

    fn addresses(unit: &Unit) -> Vec<&str> {
        unit.resources.iter().map(|r| r.address.as_str()).collect()
    }

    #[test]
    fn for_each_generates_a_resource_per_element() {
        let text = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Zones:
    Type: CommaDelimitedList
    Default: "eu-west-1a, eu-west-1b"
Resources:
  Fn::ForEach::Clusters:
    - Name
    - [Sales, Ops.team]
    - Cluster&{Name}:
        Type: AWS::Redshift::Cluster
        Properties:
          ClusterIdentifier: !Ref Name
          DBName: !Sub "db-${Name}"
          Public: !FindInMap [Access, !Ref Name, Public, {DefaultValue: "false"}]
  Fn::ForEach::Subnets:
    - Zone
    - !Ref Zones
    - Fn::ForEach::Tiers:
        - Tier
        - [a, b]
        - Subnet${Tier}&{Zone}:
            Type: AWS::EC2::Subnet
            Properties:
              AvailabilityZone: !Ref Zone
              Tags: [{Key: tier, Value: "${Tier}"}]
              Count: !Length [1, 2, 3]
              Doc: !ToJsonString {a: !Ref Tier}
Mappings:
  Access:
    Sales:
      Public: "true"
"#;
        let (unit, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(unit.warnings.is_empty(), "{:?}", unit.warnings);
        assert_eq!(
            addresses(&unit),
            [
                "ClusterSales",
                "ClusterOpsteam",
                "Subnetaeuwest1a",
                "Subnetbeuwest1a",
                "Subnetaeuwest1b",
                "Subnetbeuwest1b"
            ]
        );
        let ops = &resource(&unit, "ClusterOpsteam").body;
        assert_eq!(
            ops.get("ClusterIdentifier").unwrap().as_str(),
            Some("Ops.team")
        );
        assert_eq!(ops.get("DBName").unwrap().as_str(), Some("db-Ops.team"));
        assert_eq!(
            ops.get("Public").unwrap().as_str(),
            Some("false"),
            "DefaultValue"
        );
        let sales = &resource(&unit, "ClusterSales").body;
        assert_eq!(sales.get("Public").unwrap().as_str(), Some("true"));
        let subnet = &resource(&unit, "Subnetbeuwest1b").body;
        assert_eq!(
            subnet.get("AvailabilityZone").unwrap().as_str(),
            Some("eu-west-1b")
        );
        let tags = subnet.get("Tags").unwrap().as_list().unwrap();
        assert_eq!(tags[0].get("Value").unwrap().as_str(), Some("b"));
        assert_eq!(subnet.get("Count").unwrap().value, Value::Number(3.0));
        assert_eq!(subnet.get("Doc").unwrap().as_str(), Some(r#"{"a":"b"}"#));
        assert!(unit.resources.iter().all(|r| r.deployed_if.is_none()));
        // Spans are the fragment's: every generated cluster is reported where it is written.
        let (a, b) = (
            resource(&unit, "ClusterSales"),
            resource(&unit, "ClusterOpsteam"),
        );
        assert_eq!(a.span, b.span);
        assert_eq!(&text[a.span.range()], "Cluster&{Name}");
    }

    #[test]
    fn for_each_over_an_unknown_collection_keeps_its_resources_as_conditional() {
        let text = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Names:
    Type: CommaDelimitedList
Resources:
  Fn::ForEach::Clusters:
    - Name
    - !Ref Names
    - Cluster${Name}:
        Type: AWS::Redshift::Cluster
        Properties:
          ClusterIdentifier: !Ref Name
          PubliclyAccessible: true
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      Tags:
        Fn::ForEach::Tags:
          - T
          - !Ref Names
          - ${T}: x
"#;
        let (unit, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        let cluster = resource(&unit, "Cluster${Name}");
        assert_eq!(
            cluster.body.get("ClusterIdentifier").unwrap().value,
            Value::Unknown
        );
        assert_eq!(
            cluster.body.get("PubliclyAccessible").unwrap().value,
            Value::Bool(true)
        );
        let condition = cluster.deployed_if.as_ref().unwrap();
        assert_eq!(condition.name, "Fn::ForEach::Clusters");
        assert!(condition.per_element);
        assert_eq!(
            resource(&unit, "Vpc").body.get("Tags").unwrap().value,
            Value::Unknown
        );
        let lines: Vec<_> = unit.warnings.iter().map(|w| (w.line, w.column)).collect();
        assert_eq!(
            lines,
            [(Some(7), Some(3)), (Some(19), Some(9))],
            "{:?}",
            unit.warnings
        );
        assert!(unit.warnings[0].message.contains("collection is unknown"));
    }

    #[test]
    fn a_type_that_is_not_a_string_is_a_warning_and_the_rest_is_analyzed() {
        let text = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Storage:
    Type:
      Rain::Module: ./bucket.yml
  Embedded:
    Type: !Rain::Module ./bucket.yml
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Code: !Rain::Embed handler.py
      Other: {"Fn::Future": [1]}
      Packaged: {"Rain::S3": ./site}
"#;
        let (unit, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(addresses(&unit), ["Queue"]);
        let queue = resource(&unit, "Queue");
        assert_eq!(queue.body.get("Code").unwrap().value, Value::Unknown);
        assert_eq!(queue.body.get("Other").unwrap().value, Value::Unknown);
        // The long form of a packager's tag, as JSON templates write it.
        assert_eq!(queue.body.get("Packaged").unwrap().value, Value::Unknown);
        let warnings: Vec<_> = unit
            .warnings
            .iter()
            .map(|w| (w.line.unwrap(), w.column.unwrap(), w.message.as_str()))
            .collect();
        assert_eq!(warnings.len(), 6, "{warnings:#?}");
        assert!(warnings.contains(&(
            6,
            7,
            "resource Storage is not analyzed: Type must be a string (a packager's module \
             reference must be packaged first)"
        )));
        assert!(
            warnings
                .iter()
                .any(|w| w.0 == 7 && w.2.contains("Embedded is not analyzed"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| (w.0, w.1) == (12, 13) && w.2.contains("`!Rain::Embed`"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| (w.0, w.1) == (13, 14) && w.2.contains("`Fn::Future`"))
        );
    }

    #[test]
    fn rules_are_read_and_not_evaluated() {
        let text = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
Rules:
  ProdOnly:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Contains [[prod, test], !Ref Env]
      - Assert:
          Fn::EachMemberIn: [!ValueOfAll ["AWS::EC2::VPC::Id", Tags], !RefAll "AWS::EC2::VPC::Id"]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
"#;
        let (unit, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(unit.warnings.is_empty(), "{:?}", unit.warnings);
        assert_eq!(addresses(&unit), ["Vpc"]);
    }
}
