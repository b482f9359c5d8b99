//! Terraform's JSON syntax (`.tf.json`, `.tfvars.json`), read as the native syntax it stands
//! for: each file is written out as HCL text, with a [`SpanTable`] mapping every piece of that
//! text back to the JSON it came from. Declarations and evaluation are then the ones `.tf` files
//! get (a module may mix both kinds of file, as Terraform merges them), and every IR node,
//! diagnostic and finding resolves to its place in the JSON file
//! ([`SourceMap::resolve`](crate::ir::SourceMap::resolve)).
//!
//! The mapping follows Terraform's "JSON Configuration Syntax": a string is a template (so
//! `"${var.cidr}"` is the variable's value, type and all), except where Terraform takes it
//! literally (a variable's `default`, a module's `source`/`version`, a provider's `alias`,
//! everything in `terraform`, and `.tfvars.json` values); a block type's labels are levels of
//! nested objects; a block body is an object or an array of objects; `"//"` properties of block
//! bodies are comments. Meta-arguments the analysis does not read (`depends_on`, `provider`,
//! `lifecycle`, `provisioner`, `connection`) are left out.
//!
//! Whether an object is a nested block or a map argument depends on the provider's schema,
//! which redshield does not have. [`NESTED_BLOCKS`] is that knowledge, in this one place: the
//! nested block types of the resources the model reads (a test in the Terraform adapter checks
//! that every block it reads is listed). Any other object is a map argument (`tags`); an array
//! of objects is a list of maps either way, which is how nested blocks reach the IR too.

use crate::frontend::cfn::tree::{self, Kind, TNode};
use crate::ir::{FileId, Span, SpanTable, Suppression, SuppressionTarget};
use crate::limits::Limits;

/// The nested block types of each resource or data source kind the model reads, at any depth
/// of its body. Objects under other names are map arguments.
pub(crate) const NESTED_BLOCKS: &[(&str, &[&str])] = &[
    ("aws_security_group", &["ingress", "egress"]),
    ("aws_default_security_group", &["ingress", "egress"]),
    ("aws_network_acl", &["ingress", "egress"]),
    ("aws_default_network_acl", &["ingress", "egress"]),
    ("aws_route_table", &["route"]),
    ("aws_default_route_table", &["route"]),
    ("aws_redshift_parameter_group", &["parameter"]),
    ("aws_redshiftserverless_workgroup", &["config_parameter"]),
    ("aws_redshift_cluster", &["logging", "snapshot_copy"]),
    ("aws_iam_role", &["inline_policy"]),
    (
        "aws_s3_bucket",
        &[
            "logging",
            "versioning",
            "server_side_encryption_configuration",
            "rule",
            "apply_server_side_encryption_by_default",
            "lifecycle_rule",
            "website",
            "cors_rule",
        ],
    ),
    ("aws_s3_bucket_logging", &["target_grant", "grantee"]),
    (
        "aws_cloudtrail",
        &[
            "event_selector",
            "data_resource",
            "advanced_event_selector",
            "field_selector",
            "insight_selector",
        ],
    ),
    (
        "aws_iam_policy_document",
        &["statement", "principals", "not_principals", "condition"],
    ),
    ("aws_vpc_endpoint", &["dns_options", "subnet_configuration"]),
    ("aws_flow_log", &["destination_options"]),
];

/// Nested block types of every resource and data source: `timeouts`, and the `filter` blocks of
/// data sources.
const BLOCKS_OF_ALL: [&str; 2] = ["timeouts", "filter"];

/// Meta-arguments and meta-blocks of resources the analysis does not read: left out.
const UNREAD_META: [&str; 5] = [
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];

/// The property Terraform ignores in block bodies.
const COMMENT: &str = "//";

/// What stands for a value that cannot be read (an invalid template): a call of a function
/// that does not exist, which evaluates to unknown.
const UNREADABLE: &str = "redshield_unreadable_json_value()";

/// Is `name` a nested block type of a `kind` resource or data source?
pub(crate) fn is_nested_block(kind: &str, name: &str) -> bool {
    BLOCKS_OF_ALL.contains(&name)
        || NESTED_BLOCKS
            .iter()
            .any(|(k, blocks)| *k == kind && blocks.contains(&name))
}

/// Is this file written in Terraform's JSON syntax?
pub(crate) fn is_json_syntax(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".json"))
}

/// What a JSON file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// `.tf.json`: blocks.
    Configuration,
    /// `.tfvars.json`: variable values, taken literally.
    Variables,
}

/// A JSON file written as HCL.
pub(crate) struct Translated {
    pub text: String,
    pub table: SpanTable,
    /// `"//": "redshield:ignore …"` properties.
    pub suppressions: Vec<Suppression>,
    /// What is wrong, at its place in the JSON file; the rest is still read.
    pub problems: Vec<(Span, String)>,
}

/// Writes the JSON text of `file` as HCL. Invalid JSON is an error with its line and column.
pub(crate) fn translate(
    json: &str,
    file: FileId,
    content: Content,
    limits: &Limits,
) -> Result<Translated, tree::ParseError> {
    let root = tree::parse_json_keeping_duplicates(json, file, limits)?;
    let mut g = Gen {
        json,
        file,
        out: String::with_capacity(json.len()),
        table: SpanTable::new(file),
        suppressions: Vec::new(),
        problems: Vec::new(),
    };
    let whole = g.open(Span::new(file, 0..json.len()), false);
    match (&root.kind, content) {
        (Kind::Map(entries), Content::Configuration) => {
            for (key, key_span, value) in entries {
                g.top_level(key, *key_span, value);
            }
        }
        (Kind::Map(entries), Content::Variables) => {
            for (key, key_span, value) in entries {
                if key != COMMENT {
                    g.attribute(key, *key_span, value, Mode::Literal);
                }
            }
        }
        _ => g.problem(
            root.span,
            "a Terraform JSON file holds one object at its root".into(),
        ),
    }
    g.close(whole);
    Ok(Translated {
        text: g.out,
        table: g.table,
        suppressions: g.suppressions,
        problems: g.problems,
    })
}

/// How strings are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As templates: `"${expr}"` is the expression.
    Template,
    /// As they are.
    Literal,
}

/// A block found under a block type: its labels (with their keys' spans) and its body.
type Found<'t> = (Vec<(&'t str, Span)>, &'t TNode);

struct Gen<'a> {
    json: &'a str,
    file: FileId,
    out: String,
    table: SpanTable,
    suppressions: Vec<Suppression>,
    problems: Vec<(Span, String)>,
}

impl Gen<'_> {
    fn open(&mut self, original: Span, verbatim: bool) -> usize {
        self.table.open(self.out.len(), original.range(), verbatim)
    }

    fn close(&mut self, piece: usize) {
        self.table.close(piece, self.out.len());
    }

    fn problem(&mut self, span: Span, message: String) {
        self.problems.push((span, message));
    }

    fn raw(&self, span: Span) -> &str {
        self.json.get(span.range()).unwrap_or("")
    }

    fn top_level(&mut self, key: &str, key_span: Span, value: &TNode) {
        let labels = match key {
            "resource" | "data" => 2,
            "variable" | "output" | "module" | "provider" => 1,
            "locals" | "terraform" => 0,
            // Comments, and blocks the analysis does not read (moved, import, check, …).
            _ => return,
        };
        for (found, body) in self.blocks(value, labels) {
            let header = found.last().map_or(key_span, |(_, span)| *span);
            let names: Vec<&str> = found.iter().map(|(name, _)| *name).collect();
            self.block(key, &names, header, body, |g| {
                match (key, names.as_slice()) {
                    ("resource" | "data", [kind, _]) => g.body(kind, body, true, header),
                    ("variable", _) => g.only(body, &[("default", Mode::Literal)]),
                    ("output", _) => g.only(body, &[("value", Mode::Template)]),
                    ("provider", _) => g.only(
                        body,
                        &[("alias", Mode::Literal), ("region", Mode::Template)],
                    ),
                    ("module", _) => g.module_body(body),
                    ("locals", _) => g.arguments(body, Mode::Template),
                    ("terraform", _) => g.terraform_body(body),
                    _ => {}
                }
            });
        }
    }

    /// The blocks a block type's value holds: `labels` levels of objects keyed by label (or
    /// arrays of such objects), then a body (an object, or an array of objects, one per block).
    fn blocks<'t>(&mut self, value: &'t TNode, labels: usize) -> Vec<Found<'t>> {
        let mut out = Vec::new();
        self.collect_blocks(value, labels, &mut Vec::new(), &mut out);
        out
    }

    fn collect_blocks<'t>(
        &mut self,
        value: &'t TNode,
        labels: usize,
        prefix: &mut Vec<(&'t str, Span)>,
        out: &mut Vec<Found<'t>>,
    ) {
        match (&value.kind, labels) {
            (Kind::Map(_), 0) => out.push((prefix.clone(), value)),
            (Kind::Map(entries), _) => {
                for (label, span, inner) in entries {
                    if label == COMMENT {
                        continue;
                    }
                    prefix.push((label, *span));
                    self.collect_blocks(inner, labels - 1, prefix, out);
                    prefix.pop();
                }
            }
            (Kind::Seq(items), _) => {
                for item in items {
                    if matches!(item.kind, Kind::Map(_)) {
                        self.collect_blocks(item, labels, prefix, out);
                    } else {
                        self.problem(
                            item.span,
                            "expected an object here (a block, in Terraform's JSON syntax)".into(),
                        );
                    }
                }
            }
            _ => self.problem(
                value.span,
                "expected an object or an array of objects here (blocks, in Terraform's JSON \
                 syntax)"
                    .into(),
            ),
        }
    }

    /// Writes `ident "label" … { body }`: the block stands for the JSON body, its header
    /// (identifier and labels) for `header`.
    fn block(
        &mut self,
        ident: &str,
        labels: &[&str],
        header: Span,
        body: &TNode,
        write_body: impl FnOnce(&mut Self),
    ) {
        let block = self.open(body.span, false);
        let head = self.open(header, false);
        self.out.push_str(ident);
        for label in labels {
            self.out.push(' ');
            self.out.push_str(&quote_literal(label));
        }
        self.close(head);
        self.out.push_str(" {\n");
        write_body(self);
        self.out.push_str("}\n");
        self.close(block);
    }

    /// A resource's or nested block's body. `header` is the resource's header, which
    /// suppressions written in the body cover.
    fn body(&mut self, kind: &str, body: &TNode, top: bool, header: Span) {
        for (key, key_span, value) in body.entries() {
            match key.as_str() {
                COMMENT => self.comment(value, header),
                _ if top && UNREAD_META.contains(&key.as_str()) => {}
                "dynamic" => {
                    for (labels, spec) in self.blocks(value, 1) {
                        let Some(&(label, label_span)) = labels.first() else {
                            continue;
                        };
                        self.block("dynamic", &[label], label_span, spec, |g| {
                            g.dynamic_body(kind, spec, header);
                        });
                    }
                }
                name if is_nested_block(kind, name) => {
                    for (_, inner) in self.blocks(value, 0) {
                        self.block(name, &[], *key_span, inner, |g| {
                            g.body(kind, inner, false, header);
                        });
                    }
                }
                _ => self.attribute(key, *key_span, value, Mode::Template),
            }
        }
    }

    /// A `dynamic` block's `for_each`, `iterator` and `content`.
    fn dynamic_body(&mut self, kind: &str, spec: &TNode, header: Span) {
        for (key, key_span, value) in spec.entries() {
            match key.as_str() {
                "for_each" => self.attribute(key, *key_span, value, Mode::Template),
                "iterator" => match value.as_str().filter(|s| is_identifier(s)) {
                    Some(name) => {
                        let piece = self.open(value.span, false);
                        self.out.push_str("iterator = ");
                        self.out.push_str(name);
                        self.out.push('\n');
                        self.close(piece);
                    }
                    None => self.problem(
                        value.span,
                        "a dynamic block's iterator is a name (a string such as \"rule\")".into(),
                    ),
                },
                "content" => {
                    for (_, content) in self.blocks(value, 0) {
                        self.block("content", &[], *key_span, content, |g| {
                            g.body(kind, content, false, header);
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// Only the arguments named in `wanted`, each read its way.
    fn only(&mut self, body: &TNode, wanted: &[(&str, Mode)]) {
        for (key, key_span, value) in body.entries() {
            if let Some((_, mode)) = wanted.iter().find(|(name, _)| name == key) {
                self.attribute(key, *key_span, value, *mode);
            }
        }
    }

    /// Every property an argument (a `locals` block).
    fn arguments(&mut self, body: &TNode, mode: Mode) {
        for (key, key_span, value) in body.entries() {
            if key != COMMENT {
                self.attribute(key, *key_span, value, mode);
            }
        }
    }

    fn module_body(&mut self, body: &TNode) {
        for (key, key_span, value) in body.entries() {
            match key.as_str() {
                COMMENT | "providers" | "depends_on" => {}
                "source" | "version" => self.attribute(key, *key_span, value, Mode::Literal),
                _ => self.attribute(key, *key_span, value, Mode::Template),
            }
        }
    }

    /// `required_providers`, taken literally; other settings are not read.
    fn terraform_body(&mut self, body: &TNode) {
        for (key, key_span, value) in body.entries() {
            if key != "required_providers" {
                continue;
            }
            for (_, providers) in self.blocks(value, 0) {
                self.block(key, &[], *key_span, providers, |g| {
                    g.arguments(providers, Mode::Literal);
                });
            }
        }
    }

    /// `"//": "redshield:ignore RS105 reason"` in a resource's body (or a block inside it):
    /// JSON has no comments and no line above a resource, so it covers the whole resource,
    /// as a comment above its header does in HCL.
    fn comment(&mut self, value: &TNode, header: Span) {
        let Some(text) = value.as_str() else {
            return;
        };
        let Some(rest) = text.trim_start().strip_prefix(super::suppressions::MARKER) else {
            return;
        };
        let (ids, reason) = super::suppressions::split_ids(rest);
        if ids.is_empty() {
            return;
        }
        let line = crate::frontend::line_column(self.json, header.start as usize).0;
        self.suppressions.push(Suppression {
            ids,
            reason,
            span: value.span,
            target: SuppressionTarget::Line {
                file: self.file,
                line,
            },
        });
    }

    /// `key = value`, standing for the JSON property from its key to the end of its value.
    fn attribute(&mut self, key: &str, key_span: Span, value: &TNode, mode: Mode) {
        if !is_identifier(key) {
            self.problem(
                key_span,
                format!("`{key}` is not a valid argument name; it is not read"),
            );
            return;
        }
        let property = Span::new(self.file, key_span.range().start..value.span.range().end);
        let piece = self.open(property, false);
        self.out.push_str(key);
        self.out.push_str(" = ");
        self.expression(value, mode);
        self.out.push('\n');
        self.close(piece);
    }

    /// A JSON value as an expression.
    fn expression(&mut self, node: &TNode, mode: Mode) {
        match &node.kind {
            Kind::Null | Kind::Bool(_) | Kind::Number(_) => {
                // JSON's literals and numbers are HCL's, byte for byte.
                let text = self.raw(node.span).to_string();
                let piece = self.open(node.span, true);
                self.out.push_str(&text);
                self.close(piece);
            }
            Kind::String(value) => self.string(node, value, mode),
            // Only YAML tags make these; the JSON reader never does.
            Kind::Unknown(_) => self.out.push_str("null"),
            Kind::Seq(items) => {
                let piece = self.open(node.span, false);
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expression(item, mode);
                }
                self.out.push(']');
                self.close(piece);
            }
            Kind::Map(entries) => {
                let piece = self.open(node.span, false);
                self.out.push_str("{\n");
                for (key, key_span, value) in entries {
                    let property =
                        Span::new(self.file, key_span.range().start..value.span.range().end);
                    let entry = self.open(property, false);
                    let quoted = quote_literal(key);
                    let verbatim = quoted == self.raw(*key_span);
                    let key_piece = self.open(*key_span, verbatim);
                    self.out.push_str(&quoted);
                    self.close(key_piece);
                    self.out.push_str(" = ");
                    self.expression(value, mode);
                    self.out.push('\n');
                    self.close(entry);
                }
                self.out.push('}');
                self.close(piece);
            }
        }
    }

    fn string(&mut self, node: &TNode, value: &str, mode: Mode) {
        let raw = self.raw(node.span).to_string();
        if mode == Mode::Literal || !(value.contains("${") || value.contains("%{")) {
            let quoted = quote_literal(value);
            let verbatim = quoted == raw;
            let piece = self.open(node.span, verbatim);
            self.out.push_str(&quoted);
            self.close(piece);
            return;
        }
        match template_pieces(value) {
            Ok(pieces) => {
                let written: String = pieces.iter().map(|(text, _)| text.as_str()).collect();
                let piece = self.open(node.span, written == raw);
                // Interpolations and directives keep their place in the JSON string.
                let offsets = decoded_offsets(&raw);
                for (text, copied) in pieces {
                    match copied {
                        Some(range) => {
                            let at = |i: usize| {
                                node.span.range().start
                                    + offsets.get(i).copied().unwrap_or(raw.len())
                            };
                            let original = Span::new(self.file, at(range.start)..at(range.end));
                            let inner = self.open(original, true);
                            self.out.push_str(&text);
                            self.close(inner);
                        }
                        None => self.out.push_str(&text),
                    }
                }
                self.close(piece);
            }
            Err(message) => {
                self.problem(node.span, format!("invalid template: {message}"));
                let piece = self.open(node.span, false);
                self.out.push_str(UNREADABLE);
                self.close(piece);
            }
        }
    }
}

/// A template string as the pieces of an HCL quoted template: literal text escaped, and the
/// source of each interpolation or directive copied with its range in the decoded string.
#[allow(clippy::type_complexity)]
fn template_pieces(value: &str) -> Result<Vec<(String, Option<std::ops::Range<usize>>)>, String> {
    use hcl_edit::Span as _;
    use hcl_edit::template::Element;
    let template = hcl_edit::parser::parse_template(value).map_err(|e| e.message().to_string())?;
    let mut out = vec![("\"".to_string(), None)];
    for element in template.iter() {
        match element {
            Element::Literal(literal) => out.push((escape_literal(literal.value()), None)),
            Element::Interpolation(_) | Element::Directive(_) => {
                let range = element.span().ok_or("a template part without a position")?;
                let text = value
                    .get(range.clone())
                    .ok_or("a template part out of range")?;
                out.push((text.to_string(), Some(range)));
            }
        }
    }
    out.push(("\"".to_string(), None));
    // What was copied must still be a template when quoted (a directive whose text holds a
    // quote or a line break would not be).
    let written: String = out.iter().map(|(text, _)| text.as_str()).collect();
    hcl_edit::parser::parse_expr(&written).map_err(|e| e.message().to_string())?;
    Ok(out)
}

/// For each byte of a JSON string token's decoded value, its offset in the token (quotes
/// included), and one more entry for the end.
fn decoded_offsets(token: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(token.len());
    let bytes = token.as_bytes();
    let mut i = 1usize;
    let end = token.len().saturating_sub(1);
    while i < end {
        let Some(&b) = bytes.get(i) else { break };
        if b == b'\\' {
            let (len, decoded) = match bytes.get(i + 1) {
                Some(b'u') => unicode_escape(token, i),
                Some(_) => (2, 1),
                None => (1, 1),
            };
            out.extend(std::iter::repeat_n(i, decoded));
            i += len;
        } else {
            out.push(i);
            i += 1;
        }
    }
    out.push(end);
    out
}

/// The length of the `\uXXXX` escape (or surrogate pair) at `i`, and the UTF-8 length of the
/// character it decodes to.
fn unicode_escape(token: &str, i: usize) -> (usize, usize) {
    let unit = |at: usize| {
        token
            .get(at + 2..at + 6)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    match unit(i) {
        Some(high @ 0xD800..=0xDBFF) => match unit(i + 6) {
            Some(low @ 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                (12, char::from_u32(c).map_or(3, char::len_utf8))
            }
            _ => (6, 3),
        },
        Some(c) => (6, char::from_u32(c).map_or(3, char::len_utf8)),
        None => (2, 1),
    }
}

/// A literal string as an HCL quoted string: escaped, with template markers doubled.
fn quote_literal(value: &str) -> String {
    format!("\"{}\"", escape_literal(value))
}

fn escape_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// An HCL identifier: a letter or underscore, then letters, digits, underscores and dashes.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    fn hcl(json: &str) -> String {
        translate(json, FileId(0), Content::Configuration, &Limits::default())
            .map(|t| t.text)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn blocks_arguments_templates_and_literals() {
        let text = hcl(r#"{
  "//": "generated",
  "variable": {"cidr": {"default": "${not_a_template}", "type": "string"}},
  "resource": {"aws_security_group": {"sg": {
    "//": "a comment",
    "name": "sg-${var.env}",
    "vpc_id": "${aws_vpc.main.id}",
    "tags": {"Name": "a \"quoted\" name"},
    "ingress": [{"from_port": 5439, "cidr_blocks": ["0.0.0.0/0"]}],
    "depends_on": ["aws_vpc.main"]
  }}}
}"#);
        assert_eq!(
            text,
            "variable \"cidr\" {\ndefault = \"$${not_a_template}\"\n}\n\
             resource \"aws_security_group\" \"sg\" {\n\
             name = \"sg-${var.env}\"\n\
             vpc_id = \"${aws_vpc.main.id}\"\n\
             tags = {\n\"Name\" = \"a \\\"quoted\\\" name\"\n}\n\
             ingress {\nfrom_port = 5439\ncidr_blocks = [\"0.0.0.0/0\"]\n}\n\
             }\n"
        );
        assert!(hcl_edit::parser::parse_body(&text).is_ok());
    }

    #[test]
    fn dynamic_blocks_and_labels_in_arrays() {
        let text = hcl(r#"{"resource": [{"aws_security_group": [{"sg": [{
  "dynamic": {"ingress": {"for_each": "${var.rules}", "iterator": "rule",
    "content": {"cidr_blocks": ["${rule.value}"]}}}
}]}]}]}"#);
        assert_eq!(
            text,
            "resource \"aws_security_group\" \"sg\" {\ndynamic \"ingress\" {\n\
             for_each = \"${var.rules}\"\niterator = rule\n\
             content {\ncidr_blocks = [\"${rule.value}\"]\n}\n}\n}\n"
        );
    }

    #[test]
    fn quotes_inside_interpolations_stay_code() {
        let text = hcl(r#"{"locals": {"a": "x-${lookup(var.m, \"k\", \"\\n\")}\n"}}"#);
        assert_eq!(
            text,
            "locals {\na = \"x-${lookup(var.m, \"k\", \"\\n\")}\\n\"\n}\n"
        );
    }

    #[test]
    fn interpolations_keep_their_place_in_the_json_string() {
        let json = r#"{"locals": {"a": "\u00e9-${var.x}"}}"#;
        let t = translate(json, FileId(0), Content::Configuration, &Limits::default()).unwrap();
        let at = t.text.find("var.x").unwrap();
        let mapped = t.table.map(at..at + 5);
        assert_eq!(&json[mapped], "var.x");
    }

    #[test]
    fn invalid_templates_are_problems_and_unknown() {
        let t = translate(
            r#"{"locals": {"a": "${var.}"}}"#,
            FileId(0),
            Content::Configuration,
            &Limits::default(),
        )
        .unwrap();
        assert!(t.text.contains(UNREADABLE));
        assert_eq!(t.problems.len(), 1);
    }

    #[test]
    fn suppressions_cover_the_resource() {
        let t = translate(
            "{\"resource\": {\"aws_security_group\": {\n\"sg\": {\n\"//\": \"redshield:ignore RS105 bastion only\"}}}}",
            FileId(0),
            Content::Configuration,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(t.suppressions.len(), 1);
        assert_eq!(t.suppressions[0].ids, vec!["RS105".to_string()]);
        assert_eq!(
            t.suppressions[0].target,
            SuppressionTarget::Line {
                file: FileId(0),
                line: 2
            }
        );
    }

    #[test]
    fn decoded_offsets_follow_escapes() {
        assert_eq!(decoded_offsets(r#""a\nb""#), vec![1, 2, 4, 5]);
        // 'é' is two bytes, both at its escape.
        assert_eq!(decoded_offsets(r#""\u00e9x""#), vec![1, 1, 7, 8]);
    }
}
