//! A positioned document tree, read from YAML (saphyr-parser events, with anchors, aliases and
//! CloudFormation's short tags) or JSON (serde_json raw values). Every node knows its byte span.
//! Short tags become the long form: `!Ref x` is `{Ref: x}`, `!GetAtt a.b` is
//! `{"Fn::GetAtt": "a.b"}`, `!Condition c` is `{Condition: c}`.

use crate::ir::{FileId, Span};
use crate::limits::Limits;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

/// The deepest nesting of JSON read as raw values in any case (serde_json's own limit, which
/// bounds `Limits::document_nesting`). The nesting accepted is `Limits::document_nesting`; the
/// nodes alias expansion may create (guarding against "billion laughs") are
/// `Limits::yaml_nodes`.
const MAX_DEPTH: usize = crate::limits::MAX_DOCUMENT_NESTING as usize;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Seq(Vec<TNode>),
    /// Entries in source order, each with its key's span.
    Map(Vec<(String, Span, TNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TNode {
    pub kind: Kind,
    pub span: Span,
}

impl TNode {
    pub fn get(&self, key: &str) -> Option<&TNode> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Span, TNode)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }
}

/// A parse failure with its 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// CloudFormation's short-form tags.
const KNOWN_TAGS: [&str; 21] = [
    "Ref",
    "Condition",
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "ToJsonString",
    "Length",
    "ForEach",
];

/// The long-form name of a CloudFormation short tag.
fn intrinsic_name(tag: &str) -> String {
    match tag {
        "Ref" | "Condition" => tag.to_string(),
        other => format!("Fn::{other}"),
    }
}

/// Maps character indices (what saphyr reports) to byte offsets.
struct Offsets {
    ascii: bool,
    bytes: Vec<u32>,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        if text.is_ascii() {
            return Offsets {
                ascii: true,
                bytes: Vec::new(),
            };
        }
        let mut bytes: Vec<u32> = text
            .char_indices()
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        bytes.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        Offsets {
            ascii: false,
            bytes,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            char_index
        } else {
            self.bytes
                .get(char_index)
                .or(self.bytes.last())
                .map_or(0, |b| *b as usize)
        }
    }
}

/// Parses the first YAML document of `text`.
pub(crate) fn parse_yaml(text: &str, file: FileId, limits: &Limits) -> Result<TNode, ParseError> {
    let offsets = Offsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut builder = YamlBuilder {
        file,
        offsets: &offsets,
        anchors: HashMap::new(),
        nodes: 0,
        max_nodes: limits.yaml_nodes,
        max_depth: limits.document_nesting,
    };
    loop {
        match next(&mut parser)? {
            (Event::StreamStart | Event::DocumentStart(_), _) => continue,
            (Event::StreamEnd, span) => {
                let at = offsets.byte(span.start.index());
                return Ok(TNode {
                    kind: Kind::Null,
                    span: Span::new(file, at..at),
                });
            }
            (event, span) => return builder.node(&mut parser, event, span, 0),
        }
    }
}

type Spanned<'i> = (Event<'i>, saphyr_parser::Span);

fn next<'i>(
    parser: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
) -> Result<Spanned<'i>, ParseError> {
    match parser.next_event() {
        Some(Ok(ev)) => Ok(ev),
        Some(Err(err)) => Err(ParseError {
            line: err.marker().line(),
            column: err.marker().col() + 1,
            message: err.info().to_string(),
        }),
        None => Err(ParseError {
            line: 1,
            column: 1,
            message: "unexpected end of YAML".into(),
        }),
    }
}

struct YamlBuilder<'o> {
    file: FileId,
    offsets: &'o Offsets,
    anchors: HashMap<usize, TNode>,
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
}

impl YamlBuilder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offsets.byte(start)..self.offsets.byte(end))
    }

    fn error(span: &saphyr_parser::Span, message: &str) -> ParseError {
        ParseError {
            line: span.start.line(),
            column: span.start.col() + 1,
            message: message.to_string(),
        }
    }

    fn count(&mut self, n: usize, span: &saphyr_parser::Span) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.max_nodes {
            return Err(Self::error(
                span,
                &format!(
                    "document expands to more than {} nodes (alias expansion limit)",
                    self.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn node<'i>(
        &mut self,
        parser: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
        event: Event<'i>,
        span: saphyr_parser::Span,
        depth: usize,
    ) -> Result<TNode, ParseError> {
        if depth > self.max_depth {
            return Err(Self::error(
                &span,
                &format!("nesting deeper than {} levels", self.max_depth),
            ));
        }
        self.count(1, &span)?;
        let (node, anchor, tag) = match event {
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(Self::error(&span, "alias to an unknown anchor"));
                };
                self.count(size(&target), &span)?;
                return Ok(target);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node_span = self.span(span.start.index(), span.end.index());
                let tag = tag.map(|t| (t.handle.clone(), t.suffix.clone()));
                let kind = match (&tag, style) {
                    (Some((handle, suffix)), _) if handle == "!" => {
                        (Kind::String(value.to_string()), Some(suffix.clone()))
                    }
                    (Some((_, suffix)), _) if suffix == "str" => {
                        (Kind::String(value.to_string()), None)
                    }
                    (_, ScalarStyle::Plain) => (plain_scalar(&value), None),
                    _ => (Kind::String(value.to_string()), None),
                };
                (
                    TNode {
                        kind: kind.0,
                        span: node_span,
                    },
                    anchor,
                    kind.1,
                )
            }
            Event::SequenceStart(anchor, tag) => {
                let start = span.start.index();
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = next(parser)?;
                    if let Event::SequenceEnd = ev {
                        let node = TNode {
                            kind: Kind::Seq(items),
                            span: self.span(start, sp.end.index().max(start)),
                        };
                        break (node, anchor, local_tag(tag.as_deref()));
                    }
                    items.push(self.node(parser, ev, sp, depth + 1)?);
                }
            }
            Event::MappingStart(anchor, tag) => {
                let start = span.start.index();
                let mut entries: Vec<(String, Span, TNode)> = Vec::new();
                let mut keys: HashSet<String> = HashSet::new();
                loop {
                    let (ev, sp) = next(parser)?;
                    if let Event::MappingEnd = ev {
                        let node = TNode {
                            kind: Kind::Map(entries),
                            span: self.span(start, sp.end.index().max(start)),
                        };
                        break (node, anchor, local_tag(tag.as_deref()));
                    }
                    let key = self.node(parser, ev, sp, depth + 1)?;
                    let key_text = match &key.kind {
                        Kind::String(s) => s.clone(),
                        Kind::Number(n) => crate::frontend::cfn::format_number(*n),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "null".into(),
                        _ => return Err(Self::error(&sp, "mapping keys must be scalars")),
                    };
                    if !keys.insert(key_text.clone()) {
                        return Err(Self::error(&sp, &format!("duplicate key `{key_text}`")));
                    }
                    let (ev, sp) = next(parser)?;
                    let value = self.node(parser, ev, sp, depth + 1)?;
                    // `<<` merge keys are not part of CloudFormation's YAML; keep them as keys.
                    entries.push((key_text, key.span, value));
                }
            }
            _ => return Err(Self::error(&span, "unexpected YAML event")),
        };
        if let Some(name) = tag.as_deref().filter(|n| !KNOWN_TAGS.contains(n)) {
            return Err(Self::error(
                &span,
                &format!("unknown tag `!{name}` (not a CloudFormation intrinsic function)"),
            ));
        }
        let node = match tag {
            Some(name) => {
                let span = node.span;
                TNode {
                    kind: Kind::Map(vec![(intrinsic_name(&name), span, node)]),
                    span,
                }
            }
            None => node,
        };
        if anchor > 0 {
            // The copy kept for aliases counts too: anchors nested in anchors copy their
            // contents once per level.
            self.count(size(&node), &span)?;
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

/// The local tag (`!Ref` → `Ref`) of a collection, if it has one.
fn local_tag(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone())
}

/// How many nodes a tree holds.
fn size(node: &TNode) -> usize {
    1 + match &node.kind {
        Kind::Seq(items) => items.iter().map(size).sum(),
        Kind::Map(entries) => entries.iter().map(|(_, _, v)| size(v)).sum(),
        _ => 0,
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain_scalar(value: &str) -> Kind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => {
            let numeric = value
                .starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
                && !value.contains(':')
                && value != "-"
                && value != ".";
            match value.parse::<f64>() {
                Ok(n) if numeric && n.is_finite() => Kind::Number(n),
                _ => Kind::String(value.to_string()),
            }
        }
    }
}

/// Parses JSON with exact spans for every value; a key twice in one object is an error.
pub(crate) fn parse_json(text: &str, file: FileId, limits: &Limits) -> Result<TNode, ParseError> {
    let root = parse_json_keeping_duplicates(text, file, limits)?;
    if let Some((key, span)) = duplicate_key(&root) {
        let before = text.get(..span.start as usize).unwrap_or("");
        return Err(ParseError {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: format!("duplicate key `{key}`"),
        });
    }
    Ok(root)
}

/// Parses JSON with exact spans for every value, keeping every entry of an object whose key
/// repeats (Terraform's JSON syntax repeats block types and `"//"` comments).
pub(crate) fn parse_json_keeping_duplicates(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<TNode, ParseError> {
    // Raw values are read past serde_json's recursion limit: check the nesting first.
    let max = limits.document_nesting;
    if let Some((line, column)) = crate::frontend::json_too_deep(text, max) {
        return Err(ParseError {
            line,
            column,
            message: format!("nesting deeper than {max} levels"),
        });
    }
    let raw: &RawValue = serde_json::from_str(text).map_err(|err| ParseError {
        line: err.line(),
        column: err.column(),
        message: {
            let m = err.to_string();
            m.rfind(" at line ")
                .map_or(m.clone(), |i| m[..i].to_string())
        },
    })?;
    Ok(json_node(text, raw, file, 0))
}

/// The first key that appears twice in one object, with the span of its second occurrence.
fn duplicate_key(node: &TNode) -> Option<(String, Span)> {
    match &node.kind {
        Kind::Map(entries) => {
            let mut keys: HashSet<&str> = HashSet::new();
            for (key, span, value) in entries {
                if !keys.insert(key) {
                    return Some((key.clone(), *span));
                }
                if let Some(found) = duplicate_key(value) {
                    return Some(found);
                }
            }
            None
        }
        Kind::Seq(items) => items.iter().find_map(duplicate_key),
        _ => None,
    }
}

fn json_node(text: &str, raw: &RawValue, file: FileId, depth: usize) -> TNode {
    let s = raw.get();
    let start = (s.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let span = Span::new(file, start..start + s.len());
    let kind = match s.as_bytes().first() {
        _ if depth > MAX_DEPTH => Kind::Null,
        Some(b'{') => Kind::Map(json_entries(text, s, file, depth)),
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(s) {
            Ok(items) => Kind::Seq(
                items
                    .into_iter()
                    .map(|v| json_node(text, v, file, depth + 1))
                    .collect(),
            ),
            Err(_) => Kind::Null,
        },
        Some(b'"') => serde_json::from_str::<String>(s).map_or(Kind::Null, Kind::String),
        Some(b't') => Kind::Bool(true),
        Some(b'f') => Kind::Bool(false),
        Some(b'n') => Kind::Null,
        _ => serde_json::from_str::<f64>(s).map_or(Kind::Null, Kind::Number),
    };
    TNode { kind, span }
}

/// The entries of a JSON object in source order, each with its key's span.
fn json_entries(
    text: &str,
    object: &str,
    file: FileId,
    depth: usize,
) -> Vec<(String, Span, TNode)> {
    struct Entries<'a>(Vec<(String, &'a RawValue)>);
    impl<'de: 'a, 'a> serde::Deserialize<'de> for Entries<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
                type Value = Entries<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<M: serde::de::MapAccess<'de>>(
                    self,
                    mut map: M,
                ) -> Result<Entries<'a>, M::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                        out.push((k, v));
                    }
                    Ok(Entries(out))
                }
            }
            d.deserialize_map(V(std::marker::PhantomData))
        }
    }
    let Ok(Entries(entries)) = serde_json::from_str::<Entries>(object) else {
        return Vec::new();
    };
    let base = (object.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    entries
        .into_iter()
        .map(|(key, value)| {
            let value_start =
                (value.get().as_ptr() as usize).saturating_sub(object.as_ptr() as usize);
            let key_span = key_before(object.as_bytes(), value_start).map_or_else(
                || Span::new(file, base + value_start..base + value_start),
                |r| Span::new(file, base + r.start..base + r.end),
            );
            (key, key_span, json_node(text, value, file, depth + 1))
        })
        .collect()
}

/// The byte range of the quoted key before the value at `value_start`: back over whitespace,
/// the colon, whitespace, then the closing and the (unescaped) opening quote.
fn key_before(bytes: &[u8], value_start: usize) -> Option<std::ops::Range<usize>> {
    let mut i = value_start;
    let skip_ws = |mut i: usize| {
        while i > 0 && bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace) {
            i -= 1;
        }
        i
    };
    i = skip_ws(i);
    if bytes.get(i.checked_sub(1)?) != Some(&b':') {
        return None;
    }
    i = skip_ws(i - 1);
    let end = i;
    if bytes.get(end.checked_sub(1)?) != Some(&b'"') {
        return None;
    }
    let mut j = end - 1;
    while j > 0 {
        j -= 1;
        if bytes.get(j) == Some(&b'"') {
            let backslashes = bytes
                .get(..j)?
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count();
            if backslashes % 2 == 0 {
                return Some(j..end);
            }
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn yaml_short_tags_become_long_forms_with_spans() {
        let text = "a: !Ref X\nb: !GetAtt [R, GroupId]\nc:\n  - 1\n  - true\n  - '5'\n";
        let tree = parse_yaml(text, FileId(0), &Limits::default()).unwrap();
        let a = tree.get("a").unwrap();
        assert_eq!(a.get("Ref").unwrap().kind, Kind::String("X".into()));
        let b = tree.get("b").unwrap().get("Fn::GetAtt").unwrap();
        assert!(matches!(&b.kind, Kind::Seq(items) if items.len() == 2));
        let Kind::Seq(c) = &tree.get("c").unwrap().kind else {
            panic!()
        };
        assert_eq!(c[0].kind, Kind::Number(1.0));
        assert_eq!(c[1].kind, Kind::Bool(true));
        assert_eq!(c[2].kind, Kind::String("5".into()));
        assert_eq!(&text[c[2].span.range()], "'5'");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
        }
        let err = parse_yaml(&text, FileId(0), &Limits::default()).unwrap_err();
        assert!(err.message.contains("alias expansion"), "{}", err.message);
    }

    #[test]
    fn json_keys_and_values_have_spans() {
        let text = "{\n  \"Resources\": {\"A\": {\"Type\": \"AWS::EC2::VPC\"}}\n}";
        let tree = parse_json(text, FileId(0), &Limits::default()).unwrap();
        let (key, key_span, value) = &tree.entries()[0];
        assert_eq!(key, "Resources");
        assert_eq!(&text[key_span.range()], "\"Resources\"");
        let (_, a_span, _) = &value.entries()[0];
        assert_eq!(&text[a_span.range()], "\"A\"");
    }

    #[test]
    fn duplicate_keys_and_unknown_tags_are_errors() {
        let err = parse_yaml("a: 1\nb: 2\na: 3\n", FileId(0), &Limits::default()).unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (3, "duplicate key `a`"));
        let err = parse_json(
            "{\"a\": {\"b\": 1,\n \"b\": 2}}",
            FileId(0),
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (2, "duplicate key `b`"));
        let err = parse_yaml("a: !Reff X\n", FileId(0), &Limits::default()).unwrap_err();
        assert!(
            err.message.contains("unknown tag `!Reff`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn yaml_errors_have_positions() {
        let err = parse_yaml("a: [1, 2\nb: c\n", FileId(0), &Limits::default()).unwrap_err();
        assert!(err.line >= 1 && err.column >= 1);
    }
}
