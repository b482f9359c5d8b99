//! Reading IAM policy documents from the IR, in every shape they arrive in: JSON text (strings,
//! heredocs, plan values), structures (`jsonencode(...)`, CloudFormation objects) and
//! Terraform's `aws_iam_policy_document` data source. `Statement` may be an object or a list;
//! `Action`, `Resource` and principals a string or a list; conditions keep their operator
//! prefixes (`ForAnyValue:`) and suffix (`IfExists`); keys are case-insensitive.

use super::resolve::{Resolver, Target};
use crate::ir::{Node, Resource, Value};
use crate::model::Truth;
use crate::model::policy::{
    ActionSet, Condition, Effect, PolicyDocument, PrincipalEntry, ResourceEntry, Statement,
};
use crate::model::{Id, Val};
use foldhash::HashMap;

/// How deep policy documents may nest into each other (`source_policy_documents`).
const MAX_DEPTH: usize = 8;

pub(super) struct PolicyReader<'a, 'r> {
    pub r: &'r Resolver<'a>,
    /// IR index of a bucket resource → bucket id.
    pub bucket_of: &'r HashMap<usize, Id>,
    /// Attributes of a bucket reference that are its ARN, and that are its name.
    pub bucket_arn_attrs: &'static [&'static str],
    pub bucket_name_attrs: &'static [&'static str],
    /// The policy-document data source kind, where the family has one.
    pub document_source: Option<&'static str>,
}

impl<'a> PolicyReader<'a, '_> {
    /// Reads the document a node holds or names; None when it cannot be known.
    pub fn read(&self, node: &'a Node) -> Option<PolicyDocument> {
        self.read_at(node, 0)
    }

    fn read_at(&self, node: &'a Node, depth: usize) -> Option<PolicyDocument> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.r.follow(node) {
            Target::Value(n) => match &n.value {
                Value::String(text) => {
                    let json: serde_json::Value = serde_json::from_str(text).ok()?;
                    let owned = Node::from_json(&json, n.span);
                    Some(self.structured(&owned))
                }
                Value::Map(_) => Some(self.structured(n)),
                _ => None,
            },
            Target::Resource(idx, path) => {
                let resource = self.r.resources.get(idx)?;
                let is_source = self.document_source.is_some_and(|k| k == resource.kind);
                let names_document =
                    path.is_empty() || matches!(path, [p] if p == "json" || p == "minified_json");
                (is_source && names_document).then(|| self.data_source(resource, depth))
            }
            Target::Unknown => None,
        }
    }

    /// A JSON-shaped document (`{"Version": …, "Statement": …}`).
    fn structured(&self, doc: &Node) -> PolicyDocument {
        let mut out = PolicyDocument {
            statements: Vec::new(),
            complete: Truth::True,
            span: doc.span,
        };
        let statements: Vec<&Node> = match doc.get("Statement").map(|s| (&s.value, s)) {
            Some((Value::List(items), _)) => items.iter().collect(),
            Some((Value::Map(_), s)) => vec![s],
            None => Vec::new(),
            Some(_) => {
                out.complete = Truth::Unknown;
                Vec::new()
            }
        };
        for statement in statements {
            match self.statement(statement) {
                Some(s) => out.statements.push(s),
                None => out.complete = Truth::Unknown,
            }
        }
        out
    }

    fn strings(&self, node: &'a Node) -> Option<Vec<String>> {
        match &node.value {
            Value::List(items) => items
                .iter()
                .map(|i| self.r.string(i).map(str::to_string))
                .collect(),
            _ => self.r.string(node).map(|s| vec![s.to_string()]),
        }
    }

    fn statement(&self, node: &'a Node) -> Option<Statement> {
        if !matches!(node.value, Value::Map(_)) {
            return None;
        }
        let effect = match node.get("Effect") {
            Some(e) => match self.r.string(e) {
                Some("Allow") => Val::explicit(Effect::Allow, e.span),
                Some("Deny") => Val::explicit(Effect::Deny, e.span),
                _ => Val::unknown(e.span),
            },
            None => Val::unknown(node.span),
        };
        let actions = self.actions(node.get("Action"), node.get("NotAction"), node.span);
        let (resource_node, not_resource) = match (node.get("Resource"), node.get("NotResource")) {
            (Some(r), _) => (Some(r), false),
            (None, Some(r)) => (Some(r), true),
            (None, None) => (None, false),
        };
        let resources = resource_node.map(|r| self.resources(r)).unwrap_or_default();
        let (principal_node, not_principal) =
            match (node.get("Principal"), node.get("NotPrincipal")) {
                (Some(p), _) => (Some(p), false),
                (None, Some(p)) => (Some(p), true),
                (None, None) => (None, false),
            };
        let (principals, principals_complete) = match principal_node {
            Some(p) => match self.principals(p) {
                Some(list) => (list, Truth::True),
                None => (Vec::new(), Truth::Unknown),
            },
            None => (Vec::new(), Truth::True),
        };
        let (conditions, conditions_complete) = match node.get("Condition") {
            Some(c) => self.conditions(c),
            None => (Vec::new(), Truth::True),
        };
        Some(Statement {
            effect,
            actions,
            resources,
            not_resource,
            principals,
            not_principal,
            principals_complete,
            conditions,
            conditions_complete,
            span: node.span,
        })
    }

    fn resources(&self, node: &'a Node) -> Vec<ResourceEntry> {
        let items: Vec<&Node> = match &node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![node],
        };
        items.into_iter().map(|i| self.resource(i)).collect()
    }

    /// One `Resource` entry: an ARN, or a bucket in scope named by reference. A reference may
    /// stand for the bucket's ARN (`"${aws_s3_bucket.x.arn}/*"`, `!Sub "${X.Arn}/*"`) or for
    /// its name inside an ARN (`"arn:aws:s3:::${aws_s3_bucket.x.bucket}/*"`,
    /// `!Join ["", ["arn:aws:s3:::", !Ref X, "/*"]]`): the entry names the bucket when the
    /// reference is the whole bucket part of an S3 ARN.
    fn resource(&self, node: &'a Node) -> ResourceEntry {
        if let Value::String(arn) = &node.value {
            return ResourceEntry::Arn(arn.clone());
        }
        let mut parts = Vec::new();
        self.parts(node, &mut parts, 0);
        entry_of(&parts)
    }

    /// The parts of a string that may be built from references, flattened.
    fn parts(&self, node: &'a Node, out: &mut Vec<Part>, depth: usize) {
        if depth > MAX_DEPTH {
            out.push(Part::Unknown);
            return;
        }
        match &node.value {
            Value::String(text) => out.push(Part::Text(text.clone())),
            Value::Concat(items) => {
                for item in items {
                    self.parts(item, out, depth + 1);
                }
            }
            Value::Ref(_) => match self.r.follow(node) {
                Target::Value(n) => self.parts(n, out, depth + 1),
                Target::Resource(idx, path) => {
                    let as_name = match path {
                        [] => Some(true),
                        [attr] if self.bucket_name_attrs.contains(&attr.as_str()) => Some(true),
                        [attr] if self.bucket_arn_attrs.contains(&attr.as_str()) => Some(false),
                        _ => None,
                    };
                    match (self.bucket_of.get(&idx), as_name) {
                        (Some(&bucket), Some(true)) => out.push(Part::BucketName(bucket)),
                        (Some(&bucket), Some(false)) => {
                            out.push(Part::Text(S3_ARN_PREFIX.into()));
                            out.push(Part::BucketName(bucket));
                        }
                        _ => out.push(Part::Unknown),
                    }
                }
                _ => out.push(Part::Unknown),
            },
            _ => out.push(Part::Unknown),
        }
    }

    /// `"*"` or `{AWS: …, Service: …, Federated: …}`.
    fn principals(&self, node: &'a Node) -> Option<Vec<PrincipalEntry>> {
        if let Some(s) = self.r.string(node) {
            return Some(vec![PrincipalEntry {
                kind: if s == "*" { "*".into() } else { "AWS".into() },
                value: Val::explicit(s.to_string(), node.span),
            }]);
        }
        let Value::Map(map) = &node.value else {
            return None;
        };
        let mut out = Vec::new();
        for (kind, ids) in map {
            let items: Vec<&Node> = match &ids.value {
                Value::List(items) => items.iter().collect(),
                _ => vec![ids],
            };
            for id in items {
                out.push(PrincipalEntry {
                    kind: kind.clone(),
                    value: known_string(self.r.string(id), id.span),
                });
            }
        }
        Some(out)
    }

    /// `{Operator: {key: value-or-values}}`.
    /// A statement's `Action` or `NotAction` (`actions`/`not_actions`); unknown when neither is
    /// written or the list cannot be read.
    fn actions(
        &self,
        action: Option<&'a Node>,
        not_action: Option<&'a Node>,
        statement: crate::ir::Span,
    ) -> Val<ActionSet> {
        let (node, not) = match (action, not_action) {
            (Some(a), _) => (a, false),
            (None, Some(a)) => (a, true),
            (None, None) => return Val::unknown(statement),
        };
        match self.strings(node) {
            Some(patterns) => Val::explicit(ActionSet { not, patterns }, node.span),
            None => Val::unknown(node.span),
        }
    }

    /// The conditions of a `Condition` block, and whether they are all of them.
    fn conditions(&self, node: &'a Node) -> (Vec<Condition>, Truth) {
        let Value::Map(operators) = &node.value else {
            return (Vec::new(), Truth::Unknown);
        };
        let mut out = Vec::new();
        let mut complete = Truth::True;
        for (operator, keys) in operators {
            let Value::Map(keys) = &keys.value else {
                complete = Truth::Unknown;
                continue;
            };
            for (key, values) in keys {
                out.push(condition(
                    operator,
                    key,
                    self.values(values),
                    operators.get(operator).map_or(node.span, |o| o.span),
                ));
            }
        }
        (out, complete)
    }

    fn values(&self, node: &'a Node) -> Vec<(Option<String>, crate::ir::Span)> {
        let items: Vec<&Node> = match &node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![node],
        };
        items
            .into_iter()
            .map(|i| (i.span, i))
            .map(|(span, i)| {
                (
                    match self.r.follow(i) {
                        Target::Value(n) => match &n.value {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(x) => Some(format_number(*x)),
                            Value::Bool(b) => Some(b.to_string()),
                            _ => None,
                        },
                        _ => None,
                    },
                    span,
                )
            })
            .collect()
    }

    /// Terraform's `data "aws_iam_policy_document"`: `statement` blocks plus source and
    /// override documents (merged by `sid`).
    fn data_source(&self, resource: &'a Resource, depth: usize) -> PolicyDocument {
        let body = &resource.body;
        let mut doc = PolicyDocument {
            statements: Vec::new(),
            complete: Truth::True,
            span: resource.span,
        };
        let mut sids: Vec<Option<String>> = Vec::new();
        let merge = |doc: &mut PolicyDocument, field: &str, sids: &mut Vec<Option<String>>| {
            let Some(list) = body.get(field) else { return };
            let Value::List(items) = &list.value else {
                doc.complete = Truth::Unknown;
                return;
            };
            for item in items {
                match self.read_at(item, depth + 1) {
                    Some(other) => {
                        doc.complete = doc.complete.and(other.complete);
                        // Statements read from JSON carry no sid here, so they are added, not
                        // merged; only `statement` blocks replace each other by sid.
                        for s in other.statements {
                            sids.push(None);
                            doc.statements.push(s);
                        }
                    }
                    None => doc.complete = Truth::Unknown,
                }
            }
        };
        merge(&mut doc, "source_policy_documents", &mut sids);
        match body.get("statement").map(|s| &s.value) {
            Some(Value::List(blocks)) => {
                for block in blocks {
                    let sid = block
                        .get("sid")
                        .and_then(|s| self.r.string(s))
                        .map(str::to_string);
                    let statement = self.statement_block(block);
                    let same = sids.iter().position(|x| x.is_some() && *x == sid);
                    if let Some(slot) = same.and_then(|i| doc.statements.get_mut(i)) {
                        *slot = statement;
                    } else {
                        sids.push(sid);
                        doc.statements.push(statement);
                    }
                }
            }
            None => {}
            Some(_) => doc.complete = Truth::Unknown,
        }
        merge(&mut doc, "override_policy_documents", &mut sids);
        doc
    }

    fn statement_block(&self, block: &'a Node) -> Statement {
        // Unset fields are absent in HCL and null in a plan.
        let list = |name: &str| block.get(name).filter(|n| !matches!(n.value, Value::Null));
        let effect = match list("effect") {
            Some(e) => match self.r.string(e) {
                Some("Allow") => Val::explicit(Effect::Allow, e.span),
                Some("Deny") => Val::explicit(Effect::Deny, e.span),
                _ => Val::unknown(e.span),
            },
            // The data source's default.
            None => Val::default(Effect::Allow, block.span),
        };
        let actions = self.actions(list("actions"), list("not_actions"), block.span);
        let (resources, not_resource) = match (list("resources"), list("not_resources")) {
            (Some(r), _) => (self.resources(r), false),
            (None, Some(r)) => (self.resources(r), true),
            (None, None) => (Vec::new(), false),
        };
        let mut principals = Vec::new();
        let mut principals_complete = Truth::True;
        let mut not_principal = false;
        for (field, negated) in [("principals", false), ("not_principals", true)] {
            let Some(blocks) = block.get(field) else {
                continue;
            };
            let Value::List(blocks) = &blocks.value else {
                principals_complete = Truth::Unknown;
                continue;
            };
            for p in blocks {
                not_principal |= negated;
                let kind = p
                    .get("type")
                    .and_then(|t| self.r.string(t))
                    .map(str::to_string);
                let Some(ids) = p.get("identifiers") else {
                    continue;
                };
                let values: Vec<(Option<String>, crate::ir::Span)> = match &ids.value {
                    Value::List(items) => items
                        .iter()
                        .map(|i| (self.r.string(i).map(str::to_string), ids.span))
                        .collect(),
                    _ => vec![(self.r.string(ids).map(str::to_string), ids.span)],
                };
                for (value, span) in values {
                    principals.push(PrincipalEntry {
                        kind: kind.clone().unwrap_or_else(|| "?".into()),
                        value: known_string(value.as_deref(), span),
                    });
                }
            }
        }
        let mut conditions = Vec::new();
        let mut conditions_complete = Truth::True;
        match block.get("condition").map(|c| &c.value) {
            Some(Value::List(blocks)) => {
                for c in blocks {
                    let test = c.get("test").and_then(|t| self.r.string(t));
                    let variable = c.get("variable").and_then(|v| self.r.string(v));
                    match (test, variable, c.get("values")) {
                        (Some(test), Some(variable), Some(values)) => {
                            let span = c.get("test").map_or(c.span, |t| t.span);
                            conditions.push(condition(test, variable, self.values(values), span));
                        }
                        _ => conditions_complete = Truth::Unknown,
                    }
                }
            }
            None => {}
            Some(_) => conditions_complete = Truth::Unknown,
        }
        Statement {
            effect,
            actions,
            resources,
            not_resource,
            principals,
            not_principal,
            principals_complete,
            conditions,
            conditions_complete,
            span: block.span,
        }
    }
}

/// The ARN of a bucket is this prefix and its name.
const S3_ARN_PREFIX: &str = "arn:aws:s3:::";

/// A part of a `Resource` string built from references.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// The name of a bucket in scope.
    BucketName(Id),
    /// A part that cannot be known.
    Unknown,
}

/// Stands for a part that cannot be known in the text of [`entry_of`] (a private-use character,
/// which neither ARNs nor bucket names contain).
const UNKNOWN_MARK: char = '\u{F8FF}';

/// Stands for the name of the `i`th bucket part in the text of [`entry_of`].
fn bucket_mark(i: usize) -> Option<char> {
    u32::try_from(i)
        .ok()
        .filter(|i| *i < 0x800)
        .and_then(|i| char::from_u32(0xE000 + i))
}

/// What a `Resource` built from parts names: a bucket in scope when the name of one makes up
/// the whole bucket part of an S3 ARN; an ARN (parts that cannot be known past the bucket part
/// read as `*`) when the bucket part is text; unknown when a part that cannot be known, or a
/// bucket's name mixed with other text, is in the service or the bucket part. A partition
/// that cannot be known (`${data.aws_partition.current.partition}`) changes nothing.
fn entry_of(parts: &[Part]) -> ResourceEntry {
    let mut text = String::new();
    let mut buckets = Vec::new();
    for part in parts {
        match part {
            Part::Text(t) => text.push_str(t),
            Part::BucketName(id) => match bucket_mark(buckets.len()) {
                Some(mark) => {
                    buckets.push(*id);
                    text.push(mark);
                }
                None => return ResourceEntry::Unknown,
            },
            Part::Unknown => text.push(UNKNOWN_MARK),
        }
    }
    let is_mark = |c: char| c == UNKNOWN_MARK || bucket_mark_index(c).is_some();
    let marked = |t: &str| t.chars().any(is_mark);
    // Outside the fields that decide the bucket, a part that cannot be known reads as `*` and
    // a bucket's name as text that is no pattern.
    let plain = |t: &str| -> String {
        let mut out = String::new();
        for c in t.chars() {
            match c {
                UNKNOWN_MARK => out.push('*'),
                c if bucket_mark_index(c).is_some() => out.push_str("{bucket}"),
                c => out.push(c),
            }
        }
        out
    };
    let Some(rest) = text.strip_prefix("arn:") else {
        // Not an ARN: text or a bucket's bare name names no bucket (IAM requires ARNs); a part
        // that cannot be known may make it one.
        return if text.contains(UNKNOWN_MARK) {
            ResourceEntry::Unknown
        } else {
            ResourceEntry::Arn(plain(&text))
        };
    };
    let fields: Vec<&str> = rest.splitn(5, ':').collect();
    let (Some(partition), Some(service), Some(resource)) =
        (fields.first(), fields.get(1), fields.get(4))
    else {
        return if marked(&text) {
            ResourceEntry::Unknown
        } else {
            ResourceEntry::Arn(text)
        };
    };
    if marked(service) {
        return ResourceEntry::Unknown;
    }
    let bucket_part = resource.split('/').next().unwrap_or_default();
    let mut chars = bucket_part.chars();
    if let (Some(only), None) = (chars.next(), chars.next()) {
        if let Some(&id) = bucket_mark_index(only).and_then(|i| buckets.get(i)) {
            return if crate::model::policy::wildcard_match(service, "s3") {
                ResourceEntry::Bucket(id)
            } else {
                ResourceEntry::Arn(plain(&text))
            };
        }
    }
    if marked(bucket_part) {
        return ResourceEntry::Unknown;
    }
    let partition = if marked(partition) { "aws" } else { partition };
    let tail = fields.get(2..).map(|f| f.join(":")).unwrap_or_default();
    ResourceEntry::Arn(format!("arn:{partition}:{service}:{}", plain(&tail)))
}

/// The index of the bucket part a character of [`entry_of`]'s text stands for.
fn bucket_mark_index(c: char) -> Option<usize> {
    let code = u32::from(c);
    (0xE000..0xE800)
        .contains(&code)
        .then(|| usize::try_from(code - 0xE000).ok())
        .flatten()
}

/// Splits `ForAnyValue:StringNotEqualsIfExists` into its parts.
fn condition(
    operator: &str,
    key: &str,
    values: Vec<(Option<String>, crate::ir::Span)>,
    span: crate::ir::Span,
) -> Condition {
    let values = values
        .into_iter()
        .map(|(value, span)| known_string(value.as_deref(), span))
        .collect();
    let (set_operator, rest) = match operator.split_once(':') {
        Some((prefix, rest)) => (Some(prefix.to_string()), rest),
        None => (None, operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base.to_string(), true),
        None => (rest.to_string(), false),
    };
    Condition {
        operator: base,
        if_exists,
        set_operator,
        key: key.to_ascii_lowercase(),
        values,
        span,
    }
}

/// A string value read from the source, where `None` means it could not be evaluated.
fn known_string(value: Option<&str>, span: crate::ir::Span) -> Val<String> {
    value.map_or_else(
        || Val::unknown(span),
        |v| Val::explicit(v.to_string(), span),
    )
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::ir::{Family, FileId, Mode, Span};

    fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }

    fn resource(kind: &str, address: &str, body: serde_json::Value) -> Resource {
        Resource {
            family: Family::Terraform,
            mode: if address.starts_with("data.") {
                Mode::Data
            } else {
                Mode::Managed
            },
            kind: kind.into(),
            address: address.into(),
            span: span(),
            body: Node::from_json(&body, span()),
            origin: None,
            deployed_if: None,
            state_only: Vec::new(),
        }
    }

    fn read(resources: &[Resource], node: &Node) -> Option<PolicyDocument> {
        let r = Resolver::new(resources);
        let buckets: HashMap<usize, Id> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == "aws_s3_bucket")
            .map(|(i, _)| (i, 0))
            .collect();
        let reader = PolicyReader {
            r: &r,
            bucket_of: &buckets,
            bucket_arn_attrs: &["arn"],
            bucket_name_attrs: &["bucket", "id"],
            document_source: Some("aws_iam_policy_document"),
        };
        reader.read(node)
    }

    fn text(json: &str) -> Node {
        Node::new(Value::String(json.into()), span())
    }

    #[test]
    fn json_text_with_a_single_statement_object_and_scalars() {
        let doc = read(
            &[],
            &text(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":""},"Action":"sts:AssumeRole"}}"#),
        )
        .unwrap();
        let s = &doc.statements[0];
        assert_eq!(s.effect.known(), Some(&Effect::Allow));
        assert!(s.actions.known().unwrap().covers("sts:AssumeRole"));
        assert_eq!(s.principals[0].kind, "Service");
        assert_eq!(s.principals[0].value.known().map(String::as_str), Some(""));
    }

    #[test]
    fn lists_not_forms_star_principals_and_conditions() {
        let doc = read(
            &[],
            &text(
                r#"{"Statement":[
                {"Effect":"Deny","Principal":"*","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::logs/*",
                 "Condition":{"ForAnyValue:StringNotEqualsIfExists":{"aws:SourceVpce":["vpce-1","vpce-2"]},
                              "NumericGreaterThan":{"s3:signatureAge":600000}}},
                {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","*"]},"Action":"s3:*","Resource":["*"]}]}"#,
            ),
        )
        .unwrap();
        let deny = &doc.statements[0];
        assert_eq!(deny.is_deny(), crate::model::Truth::True);
        assert!(deny.not_resource && deny.actions.known().unwrap().not);
        assert_eq!(deny.principals[0].kind, "*");
        let vpce = deny.conditions_on("aws:sourcevpce").next().unwrap();
        assert_eq!(
            (
                vpce.operator.as_str(),
                vpce.if_exists,
                vpce.set_operator.as_deref(),
                vpce.values.len()
            ),
            ("StringNotEquals", true, Some("ForAnyValue"), 2)
        );
        let age = deny.conditions_on("s3:signatureage").next().unwrap();
        assert_eq!(age.values[0].known().map(String::as_str), Some("600000"));
        assert_eq!(doc.statements[1].principals.len(), 2);
        assert_eq!(doc.statements[1].covers_s3(), crate::model::Truth::True);
    }

    #[test]
    fn structures_and_bucket_references() {
        let resources = [resource(
            "aws_s3_bucket",
            "aws_s3_bucket.data",
            serde_json::json!({"bucket": "data"}),
        )];
        let bucket_arn = Node::new(
            Value::Ref(Box::new(crate::ir::Reference {
                address: "aws_s3_bucket.data".into(),
                path: vec!["arn".into()],
            })),
            span(),
        );
        let objects = Node::new(
            Value::Concat(vec![
                bucket_arn.clone(),
                Node::new(Value::String("/*".into()), span()),
            ]),
            span(),
        );
        let mut statement = std::collections::BTreeMap::new();
        statement.insert(
            "Effect".to_string(),
            Node::new(Value::String("Allow".into()), span()),
        );
        statement.insert(
            "Action".to_string(),
            Node::new(Value::String("s3:GetObject".into()), span()),
        );
        let by_name = Node::new(
            Value::Concat(vec![
                Node::new(Value::String("arn:aws:s3:::".into()), span()),
                Node::new(
                    Value::Ref(Box::new(crate::ir::Reference {
                        address: "aws_s3_bucket.data".into(),
                        path: vec!["bucket".into()],
                    })),
                    span(),
                ),
                Node::new(Value::String("/*".into()), span()),
            ]),
            span(),
        );
        statement.insert(
            "Resource".to_string(),
            Node::new(Value::List(vec![bucket_arn, objects, by_name]), span()),
        );
        let mut doc = std::collections::BTreeMap::new();
        doc.insert(
            "Statement".to_string(),
            Node::new(Value::Map(statement), span()),
        );
        let doc = read(&resources, &Node::new(Value::Map(doc), span())).unwrap();
        assert_eq!(
            doc.statements[0].resources,
            vec![
                ResourceEntry::Bucket(0),
                ResourceEntry::Bucket(0),
                ResourceEntry::Bucket(0)
            ]
        );
    }

    #[test]
    fn policy_document_data_sources_with_defaults_and_overrides() {
        let resources = [
            resource(
                "aws_iam_policy_document",
                "data.aws_iam_policy_document.base",
                serde_json::json!({"statement": [{"sid": "Read", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::a/*"]}]}),
            ),
            resource(
                "aws_iam_policy_document",
                "data.aws_iam_policy_document.trust",
                serde_json::json!({
                    "source_policy_documents": ["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}"],
                    "statement": [{"actions": ["sts:AssumeRole"],
                        "principals": [{"type": "Service", "identifiers": ["redshift.amazonaws.com", "sagemaker.amazonaws.com"]}],
                        "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["1"]}]}]
                }),
            ),
        ];
        let reference = |address: &str| {
            Node::new(
                Value::Ref(Box::new(crate::ir::Reference {
                    address: address.into(),
                    path: vec!["json".into()],
                })),
                span(),
            )
        };
        let trust = read(&resources, &reference("data.aws_iam_policy_document.trust")).unwrap();
        assert_eq!(trust.statements.len(), 2);
        let own = &trust.statements[1];
        assert_eq!(
            own.effect.known(),
            Some(&Effect::Allow),
            "effect defaults to Allow"
        );
        assert_eq!(own.principals.len(), 2);
        assert_eq!(own.conditions[0].key, "aws:sourceaccount");
        let base = read(&resources, &reference("data.aws_iam_policy_document.base")).unwrap();
        assert_eq!(
            base.statements[0].resources,
            vec![ResourceEntry::Arn("arn:aws:s3:::a/*".into())]
        );
    }

    #[test]
    fn buckets_named_through_their_name_or_their_arn() {
        use Part::{BucketName, Text, Unknown};
        let text = |t: &str| Text(t.into());
        let bucket = ResourceEntry::Bucket(7);
        // "arn:aws:s3:::${aws_s3_bucket.b.bucket}/*", !Join ["", ["arn:aws:s3:::", !Ref B]]
        for parts in [
            vec![text("arn:aws:s3:::"), BucketName(7), text("/*")],
            vec![text("arn:aws:s3:::"), BucketName(7)],
            // "${aws_s3_bucket.b.arn}/*" (the reader turns an ARN into prefix and name)
            vec![text("arn:aws:s3:::"), BucketName(7), text("/"), text("*")],
            // arn:${data.aws_partition.current.partition}:s3:::${B}
            vec![
                text("arn:"),
                Unknown,
                text(":s3:::"),
                BucketName(7),
                text("/*"),
            ],
            // A key that cannot be known does not change the bucket.
            vec![text("arn:aws:s3:::"), BucketName(7), text("/"), Unknown],
        ] {
            assert_eq!(entry_of(&parts), bucket, "{parts:?}");
        }
        // Another bucket whose name starts with this one's, an unknown bucket part, an
        // unknown service: not known to be this bucket.
        for parts in [
            vec![text("arn:aws:s3:::"), BucketName(7), text("-archive/*")],
            vec![text("arn:aws:s3:::"), Unknown, text("/*")],
            vec![text("arn:aws:"), Unknown, text(":::"), BucketName(7)],
            vec![Unknown],
        ] {
            assert_eq!(entry_of(&parts), ResourceEntry::Unknown, "{parts:?}");
        }
        // A bucket's bare name is no ARN; a bucket named in the key names the literal bucket.
        assert!(matches!(entry_of(&[BucketName(7)]), ResourceEntry::Arn(a) if a == "{bucket}"));
        assert_eq!(
            entry_of(&[
                text("arn:aws:s3:::logs/"),
                BucketName(7),
                text("/"),
                Unknown
            ]),
            ResourceEntry::Arn("arn:aws:s3:::logs/{bucket}/*".into())
        );
        assert_eq!(
            entry_of(&[text("arn:"), Unknown, text(":glue:us-east-1:1:catalog")]),
            ResourceEntry::Arn("arn:aws:glue:us-east-1:1:catalog".into())
        );
    }

    #[test]
    fn unknown_documents_are_none() {
        assert!(read(&[], &Node::unknown(span())).is_none());
        assert!(read(&[], &text("not json")).is_none());
    }
}
