//! A positioned document tree, read from YAML (saphyr-parser events, with anchors, aliases and
//! CloudFormation's short tags) or JSON (serde_json raw values). Every node knows its byte span.
//! Short tags become the long form: `!Ref x` is `{Ref: x}`, `!GetAtt a.b` is
//! `{"Fn::GetAtt": "a.b"}`, `!Condition c` is `{Condition: c}`; a tag that is no
//! CloudFormation function (`!Rain::Embed`) makes its value unknown, with a warning.
//!
//! YAML is read as YAML 1.2 first. What PyYAML (cfn-lint, the AWS CLI) also accepts — lines of
//! a flow collection or a quoted scalar indented less than the block they continue — fails
//! that; the text is then read again with those lines indented further (which changes no
//! value: indentation inside flow collections and quoted scalars is not content), positions
//! mapped back to the original text, and a warning at each such run of lines. Only the first
//! document of a stream is read; each further one gets a warning.

use crate::frontend::line_column;
use crate::ir::{FileId, Span};
use crate::limits::Limits;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::value::RawValue;

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
    /// A value whose meaning is not known here: a tag that is no CloudFormation function
    /// (named here, without its `!`).
    Unknown(String),
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

/// Something the reader of a template should be told, at a place in it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TreeWarning {
    pub span: Span,
    pub message: String,
}

/// A document read, with what its reader should be told.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub root: TNode,
    pub warnings: Vec<TreeWarning>,
}

/// CloudFormation's short-form tags, with the functions of the `Rules` section.
const KNOWN_TAGS: [&str; 27] = [
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
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "RefAll",
    "ValueOf",
    "ValueOfAll",
];

/// The long-form name of a CloudFormation short tag.
fn intrinsic_name(tag: &str) -> String {
    match tag {
        "Ref" | "Condition" => tag.to_string(),
        other => format!("Fn::{other}"),
    }
}

/// Maps character indices of the text saphyr reads to byte offsets of the original text. The
/// text read may be the original with spaces inserted at the start of some lines (see
/// [`parse_yaml`]): `inserted` lists them as (character index in the text read, count, count
/// inserted before), in order.
struct Offsets {
    ascii: bool,
    bytes: Vec<u32>,
    inserted: Vec<(usize, usize, usize)>,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        if text.is_ascii() {
            return Offsets {
                ascii: true,
                bytes: Vec::new(),
                inserted: Vec::new(),
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
            inserted: Vec::new(),
        }
    }

    /// The character index in the original text of `char_index` in the text read: an inserted
    /// space stands for the start of its line.
    fn original(&self, char_index: usize) -> usize {
        let i = self
            .inserted
            .partition_point(|(at, _, _)| *at <= char_index);
        match i.checked_sub(1).and_then(|i| self.inserted.get(i)) {
            None => char_index,
            Some((at, count, before)) if char_index < at + count => at - before,
            Some((_, count, before)) => char_index - count - before,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let char_index = self.original(char_index);
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

/// How many times a template whose indentation YAML 1.2 rejects is read again, and how many
/// bytes those readings may cover in all.
const MAX_REREADS: usize = 2000;
const MAX_REREAD_BYTES: usize = 64 << 20;

/// Parses the first YAML document of `text`, as PyYAML reads it where YAML 1.2 is stricter.
pub(crate) fn parse_yaml(text: &str, file: FileId, limits: &Limits) -> Result<Parsed, ParseError> {
    let strict = match parse_read(text, text, Offsets::new(text), file, limits) {
        Ok(parsed) => return Ok(parsed),
        Err(failure) => failure,
    };
    if !strict.indentation {
        return Err(strict.error);
    }
    lenient(text, file, limits, strict).map_err(|f| f.error)
}

/// A failed reading: the error (positions in the original text) and whether it is one of the
/// indentation errors PyYAML would not make.
struct Failure {
    error: ParseError,
    indentation: bool,
}

/// Reads `text` again with the lines YAML 1.2 finds indented too little indented further,
/// one construct at a time.
fn lenient(text: &str, file: FileId, limits: &Limits, strict: Failure) -> Result<Parsed, Failure> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    // Spaces to insert before each line (by 0-based line number).
    let mut pads: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut failure_line = strict.error.line.saturating_sub(1);
    let mut failure = strict;
    let mut budget = MAX_REREAD_BYTES;
    for _ in 0..MAX_REREADS {
        let quoted = failure.error.message.contains("quoted scalar");
        // The lines to indent: the failing line, or every continuation line of the quoted
        // scalar that starts on it.
        let start = failure.error_byte(text);
        let targets: Vec<usize> = if quoted {
            let end = quoted_end(text, start).unwrap_or(text.len());
            let last = line_column(text, end).0 - 1;
            (failure_line + 1..=last).collect()
        } else {
            // The failing line to the end of the flow collection it is in: one reading for a
            // whole `Parameters: {` … `}`, not one per line.
            let last =
                flow_end(text, start).map_or(failure_line, |end| line_column(text, end).0 - 1);
            (failure_line..=last.max(failure_line)).collect()
        };
        // Deep enough for the block the construct is in: one past the line it opens on (the
        // nearest line above with content), further each time the same line fails again.
        let opener = (0..targets.first().copied().unwrap_or(0))
            .rev()
            .find(|l| {
                lines.get(*l).is_some_and(|t| {
                    let t = t.trim();
                    !t.is_empty() && !t.starts_with('#')
                })
            })
            .unwrap_or(0);
        let opener_indent =
            lines.get(opener).map_or(0, |l| indent(l)) + pads.get(&opener).copied().unwrap_or(0);
        let mut grew = false;
        for line in targets {
            let own = lines.get(line).map_or(0, |l| indent(l));
            let current = pads.get(&line).copied().unwrap_or(0);
            let wanted = if current == 0 {
                (opener_indent + 1).saturating_sub(own).max(1)
            } else {
                current + 2
            };
            if wanted > current && own + wanted <= 1024 {
                pads.insert(line, wanted);
                grew = true;
            }
        }
        if !grew {
            return Err(failure);
        }
        let (padded, inserted) = pad(&lines, &pads);
        budget = budget.saturating_sub(padded.len());
        if budget == 0 {
            return Err(failure);
        }
        let mut offsets = Offsets::new(text);
        offsets.inserted = inserted;
        match parse_read(&padded, text, offsets, file, limits) {
            Ok(mut parsed) => {
                parsed
                    .warnings
                    .splice(0..0, indentation_warnings(text, &lines, &pads, file));
                return Ok(parsed);
            }
            Err(next) if next.indentation => {
                failure_line = next.error.line.saturating_sub(1);
                failure = next;
            }
            Err(next) => return Err(next),
        }
    }
    Err(failure)
}

impl Failure {
    /// The byte of the original text where the error is.
    fn error_byte(&self, text: &str) -> usize {
        let mut at = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if i + 1 == self.error.line {
                let col = line
                    .char_indices()
                    .nth(self.error.column.saturating_sub(1))
                    .map_or(line.len(), |(b, _)| b);
                return at + col;
            }
            at += line.len();
        }
        text.len()
    }
}

/// The byte after the quote that closes the quoted scalar opening at byte `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while let Some(b) = bytes.get(i) {
        match (quote, b) {
            (b'"', b'\\') => i += 2,
            (b'\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (q, b) if q == *b => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The byte of the bracket that closes the flow collection the token at byte `start` is in:
/// brackets counted outside quoted scalars and comments.
fn flow_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        let after_blank = i == 0
            || bytes
                .get(i - 1)
                .is_some_and(|p| p.is_ascii_whitespace() || b"[{,:".contains(p));
        match b {
            b'"' | b'\'' if after_blank => i = quoted_end(text, i)?,
            b'#' if after_blank => {
                i = memchr::memchr(b'\n', bytes.get(i..)?).map_or(bytes.len(), |n| i + n)
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => match depth.checked_sub(1) {
                Some(d) => {
                    depth = d;
                    i += 1;
                }
                None => return Some(i),
            },
            _ => i += 1,
        }
    }
    None
}

/// The text with `pads` spaces before its lines, and where they are (see [`Offsets`]).
fn pad(
    lines: &[&str],
    pads: &std::collections::BTreeMap<usize, usize>,
) -> (String, Vec<(usize, usize, usize)>) {
    let mut out = String::new();
    let mut inserted = Vec::new();
    let mut chars = 0;
    let mut before = 0;
    for (i, line) in lines.iter().enumerate() {
        if let Some(&n) = pads.get(&i) {
            inserted.push((chars, n, before));
            out.extend(std::iter::repeat_n(' ', n));
            chars += n;
            before += n;
        }
        out.push_str(line);
        chars += line.chars().count();
    }
    (out, inserted)
}

/// One warning for each run of lines read further indented.
fn indentation_warnings(
    text: &str,
    lines: &[&str],
    pads: &std::collections::BTreeMap<usize, usize>,
    file: FileId,
) -> Vec<TreeWarning> {
    let starts: Vec<usize> = {
        let mut at = 0;
        lines
            .iter()
            .map(|l| {
                let s = at;
                at += l.len();
                s
            })
            .collect()
    };
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &line in pads.keys() {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == line => *last = line,
            _ => runs.push((line, line)),
        }
    }
    runs.into_iter()
        .map(|(first, last)| {
            let start = starts.get(first).copied().unwrap_or(text.len());
            let content = lines
                .get(first)
                .map_or(0, |l| l.len() - l.trim_start().len());
            let end = lines
                .get(first)
                .map_or(start, |l| start + l.trim_end().len());
            let which = if first == last {
                format!("line {} continues", first + 1)
            } else {
                format!("lines {}-{} continue", first + 1, last + 1)
            };
            TreeWarning {
                span: Span::new(file, start + content..end),
                message: format!(
                    "{which} a flow collection or a quoted scalar indented less than YAML 1.2 \
                     allows; read as PyYAML (cfn-lint, the AWS CLI) reads it"
                ),
            }
        })
        .collect()
}

/// Reads the first document of `read` (the original text, or it with lines indented further:
/// `offsets` maps positions back to `original`).
fn parse_read(
    read: &str,
    original: &str,
    offsets: Offsets,
    file: FileId,
    limits: &Limits,
) -> Result<Parsed, Failure> {
    let mut parser = Parser::new_from_str(read);
    let mut builder = YamlBuilder {
        file,
        offsets: &offsets,
        original,
        anchors: HashMap::new(),
        nodes: 0,
        max_nodes: limits.yaml_nodes,
        max_depth: limits.document_nesting,
        warnings: Vec::new(),
    };
    let root = loop {
        match builder.next(&mut parser)? {
            (Event::StreamStart | Event::DocumentStart(_), _) => continue,
            (Event::StreamEnd, span) => {
                let at = offsets.byte(span.start.index());
                return Ok(Parsed {
                    root: TNode {
                        kind: Kind::Null,
                        span: Span::new(file, at..at),
                    },
                    warnings: builder.warnings,
                });
            }
            (event, span) => break builder.node(&mut parser, event, span, 0)?,
        }
    };
    builder.other_documents(&mut parser);
    Ok(Parsed {
        root,
        warnings: builder.warnings,
    })
}

/// Up to how many keys a mapping's keys are compared one by one for duplicates.
const SCANNED_KEYS: usize = 16;

type Spanned<'i> = (Event<'i>, saphyr_parser::Span);

struct YamlBuilder<'o> {
    file: FileId,
    offsets: &'o Offsets,
    original: &'o str,
    anchors: HashMap<usize, TNode>,
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
    warnings: Vec<TreeWarning>,
}

impl YamlBuilder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offsets.byte(start)..self.offsets.byte(end))
    }

    /// A scalar's span. A quoted scalar ends at its closing quote: the parser's span of one
    /// may run on over the blanks and the comment after it (`"true" # keep me`), which a fix
    /// replacing the value would then remove.
    fn scalar_span(&self, span: &saphyr_parser::Span, style: ScalarStyle) -> Span {
        let whole = self.span(span.start.index(), span.end.index());
        let quote = match style {
            ScalarStyle::SingleQuoted => b'\'',
            ScalarStyle::DoubleQuoted => b'"',
            _ => return whole,
        };
        let (start, end) = (whole.start as usize, whole.end as usize);
        let opening = self
            .original
            .as_bytes()
            .get(start..end)
            .and_then(|b| memchr::memchr(quote, b))
            .map(|i| start + i);
        match opening.and_then(|at| quoted_end(self.original, at)) {
            // From where the parser starts it: a tag before the quote (`!Sub "…"`) is the node's.
            Some(close) if close <= end => Span::new(self.file, start..close),
            _ => whole,
        }
    }

    /// An error at a character index of the text read, located in the original text.
    fn failure(&self, at: usize, message: &str, indentation: bool) -> Failure {
        let (line, column) = line_column(self.original, self.offsets.byte(at));
        Failure {
            error: ParseError {
                line,
                column,
                message: message.to_string(),
            },
            indentation,
        }
    }

    fn error(&self, span: &saphyr_parser::Span, message: &str) -> Failure {
        self.failure(span.start.index(), message, false)
    }

    fn next<'i>(
        &self,
        parser: &mut Parser<'i, saphyr_parser::StrInput<'i>>,
    ) -> Result<Spanned<'i>, Failure> {
        match parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(err)) => {
                let indentation = err.info().starts_with("invalid indentation");
                Err(self.failure(err.marker().index(), err.info(), indentation))
            }
            None => Err(self.failure(0, "unexpected end of YAML", false)),
        }
    }

    /// After the first document: a warning for each further one that holds anything, which
    /// CloudFormation does not read.
    fn other_documents<'i>(&mut self, parser: &mut Parser<'i, saphyr_parser::StrInput<'i>>) {
        let mut start: Option<saphyr_parser::Span> = None;
        let mut empty = true;
        while let Ok((event, span)) = self.next(parser) {
            match event {
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    start = Some(span);
                    empty = true;
                }
                Event::DocumentEnd => {
                    if let Some(doc) = start.take().filter(|_| !empty) {
                        let at = self.span(doc.start.index(), doc.start.index());
                        let line = line_column(self.original, at.start as usize).0;
                        self.warnings.push(TreeWarning {
                            span: at,
                            message: format!(
                                "the YAML document starting on line {line} is ignored: \
                                 CloudFormation reads only the first document of a file"
                            ),
                        });
                    }
                }
                Event::Scalar(value, _, anchor, tag)
                    if value.is_empty() && anchor == 0 && tag.is_none() => {}
                _ => empty = false,
            }
        }
    }

    fn count(&mut self, n: usize, span: &saphyr_parser::Span) -> Result<(), Failure> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.max_nodes {
            return Err(self.error(
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
    ) -> Result<TNode, Failure> {
        if depth > self.max_depth {
            return Err(self.error(
                &span,
                &format!("nesting deeper than {} levels", self.max_depth),
            ));
        }
        self.count(1, &span)?;
        let (node, anchor, tag) = match event {
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(&span, "alias to an unknown anchor"));
                };
                self.count(size(&target), &span)?;
                return Ok(target);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node_span = self.scalar_span(&span, style);
                let kind = match (tag.as_deref(), style) {
                    (Some(tag), _) if tag.handle == "!" => {
                        (Kind::String(value.into_owned()), Some(tag.suffix.clone()))
                    }
                    (Some(tag), _) if tag.suffix == "str" => {
                        (Kind::String(value.into_owned()), None)
                    }
                    (_, ScalarStyle::Plain) => (plain_scalar(value), None),
                    _ => (Kind::String(value.into_owned()), None),
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
                    let (ev, sp) = self.next(parser)?;
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
                // Duplicate keys are found by a scan while a mapping is small (most are), by a
                // set once it is not.
                let mut keys: Option<HashSet<String>> = None;
                loop {
                    let (ev, sp) = self.next(parser)?;
                    if let Event::MappingEnd = ev {
                        let node = TNode {
                            kind: Kind::Map(entries),
                            span: self.span(start, sp.end.index().max(start)),
                        };
                        break (node, anchor, local_tag(tag.as_deref()));
                    }
                    let key = self.node(parser, ev, sp, depth + 1)?;
                    let key_text = match key.kind {
                        Kind::String(s) => s,
                        Kind::Number(n) => crate::frontend::cfn::format_number(n),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "null".into(),
                        _ => return Err(self.error(&sp, "mapping keys must be scalars")),
                    };
                    let duplicate = match &mut keys {
                        Some(keys) => !keys.insert(key_text.clone()),
                        None if entries.len() < SCANNED_KEYS => {
                            entries.iter().any(|(k, _, _)| *k == key_text)
                        }
                        None => {
                            let mut set: HashSet<String> =
                                entries.iter().map(|(k, _, _)| k.clone()).collect();
                            let duplicate = !set.insert(key_text.clone());
                            keys = Some(set);
                            duplicate
                        }
                    };
                    if duplicate {
                        return Err(self.error(&sp, &format!("duplicate key `{key_text}`")));
                    }
                    let (ev, sp) = self.next(parser)?;
                    let value = self.node(parser, ev, sp, depth + 1)?;
                    // `<<` merge keys are not part of CloudFormation's YAML; keep them as keys.
                    entries.push((key_text, key.span, value));
                }
            }
            _ => return Err(self.error(&span, "unexpected YAML event")),
        };
        let tag = match tag {
            Some(name) if !KNOWN_TAGS.contains(&name.as_str()) => {
                self.warnings.push(TreeWarning {
                    span: node.span,
                    message: format!(
                        "unknown tag `!{name}` (not a CloudFormation intrinsic function): its \
                         value is unknown"
                    ),
                });
                let node = TNode {
                    kind: Kind::Unknown(name),
                    span: node.span,
                };
                return self.anchored(node, anchor, &span);
            }
            tag => tag,
        };
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
        self.anchored(node, anchor, &span)
    }

    /// Keeps a copy of `node` for aliases of `anchor` (when it is one).
    fn anchored(
        &mut self,
        node: TNode,
        anchor: usize,
        span: &saphyr_parser::Span,
    ) -> Result<TNode, Failure> {
        if anchor > 0 {
            // The copy kept for aliases counts too: anchors nested in anchors copy their
            // contents once per level.
            self.count(size(&node), span)?;
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
fn plain_scalar(value: std::borrow::Cow<'_, str>) -> Kind {
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => {
            let numeric = value
                .starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
                && !value.contains(':')
                && value != "-"
                && value != ".";
            match numeric.then(|| value.parse::<f64>()) {
                Some(Ok(n)) if n.is_finite() => Kind::Number(n),
                _ => Kind::String(value.into_owned()),
            }
        }
    }
}

/// Parses JSON with exact spans for every value; a key twice in one object is an error.
pub(crate) fn parse_json(text: &str, file: FileId, limits: &Limits) -> Result<Parsed, ParseError> {
    let root = parse_json_keeping_duplicates(text, file, limits)?;
    if let Some((key, span)) = duplicate_key(&root) {
        let (line, column) = line_column(text, span.start as usize);
        return Err(ParseError {
            line,
            column,
            message: format!("duplicate key `{key}`"),
        });
    }
    Ok(Parsed {
        root,
        warnings: Vec::new(),
    })
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
        let tree = parse_yaml(text, FileId(0), &Limits::default())
            .unwrap()
            .root;
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
    fn a_quoted_scalar_ends_at_its_closing_quote_before_a_comment() {
        let text = "a: \"true\" # keep me\nb: 'it''s'   # and me\nc: !Ref \"X\" # too\nd:\n  - \"e\"  # in a list\nf: {g: \"h\" }\ni: \"multi\n  line\"  # after\nj: \"\\\"\" # escaped\n";
        let tree = parse_yaml(text, FileId(0), &Limits::default())
            .unwrap()
            .root;
        let span = |node: &TNode| text[node.span.range()].to_string();
        assert_eq!(span(tree.get("a").unwrap()), "\"true\"");
        assert_eq!(span(tree.get("b").unwrap()), "'it''s'");
        assert_eq!(
            span(tree.get("c").unwrap().get("Ref").unwrap()),
            "!Ref \"X\""
        );
        let Kind::Seq(d) = &tree.get("d").unwrap().kind else {
            panic!()
        };
        assert_eq!(span(&d[0]), "\"e\"");
        assert_eq!(span(tree.get("f").unwrap().get("g").unwrap()), "\"h\"");
        assert_eq!(span(tree.get("i").unwrap()), "\"multi\n  line\"");
        assert_eq!(span(tree.get("j").unwrap()), "\"\\\"\"");
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
        let tree = parse_json(text, FileId(0), &Limits::default())
            .unwrap()
            .root;
        let (key, key_span, value) = &tree.entries()[0];
        assert_eq!(key, "Resources");
        assert_eq!(&text[key_span.range()], "\"Resources\"");
        let (_, a_span, _) = &value.entries()[0];
        assert_eq!(&text[a_span.range()], "\"A\"");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_yaml("a: 1\nb: 2\na: 3\n", FileId(0), &Limits::default()).unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (3, "duplicate key `a`"));
        let err = parse_json(
            "{\"a\": {\"b\": 1,\n \"b\": 2}}",
            FileId(0),
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (2, "duplicate key `b`"));
    }

    #[test]
    fn duplicate_keys_are_found_in_large_mappings() {
        // Keys are compared one by one up to SCANNED_KEYS, then through a set: a duplicate
        // of an early key is found on either side of that switch, and distinct keys pass.
        for n in [
            SCANNED_KEYS - 1,
            SCANNED_KEYS,
            SCANNED_KEYS + 1,
            3 * SCANNED_KEYS,
        ] {
            let keys: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            let parsed = parse_yaml(&keys, FileId(0), &Limits::default()).unwrap();
            assert_eq!(parsed.root.entries().len(), n);
            let text = format!("{keys}k0: again\n");
            let err = parse_yaml(&text, FileId(0), &Limits::default()).unwrap_err();
            assert_eq!(
                (err.line, err.message.as_str()),
                (n + 1, "duplicate key `k0`")
            );
            let text = format!("{keys}k{}: again\n", n - 1);
            let err = parse_yaml(&text, FileId(0), &Limits::default()).unwrap_err();
            assert_eq!(err.message, format!("duplicate key `k{}`", n - 1));
        }
    }

    fn yaml(text: &str) -> Parsed {
        parse_yaml(text, FileId(0), &Limits::default()).unwrap()
    }

    /// (line, column, message) of each warning.
    fn located(text: &str, parsed: &Parsed) -> Vec<(usize, usize, String)> {
        parsed
            .warnings
            .iter()
            .map(|w| {
                let (line, column) = line_column(text, w.span.start as usize);
                (line, column, w.message.clone())
            })
            .collect()
    }

    #[test]
    fn unknown_tags_are_unknown_values_with_a_warning() {
        let text = "a: !Reff X\nb:\n  c: !Rain::Module\n    Source: x\n  d: !Ref Y\n";
        let parsed = yaml(text);
        assert_eq!(
            parsed.root.get("a").unwrap().kind,
            Kind::Unknown("Reff".into())
        );
        let b = parsed.root.get("b").unwrap();
        assert_eq!(
            b.get("c").unwrap().kind,
            Kind::Unknown("Rain::Module".into())
        );
        assert!(b.get("d").unwrap().get("Ref").is_some());
        let warnings = located(text, &parsed);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!((warnings[0].0, warnings[0].1), (1, 4));
        assert!(
            warnings[0].2.contains("unknown tag `!Reff`"),
            "{warnings:?}"
        );
        assert_eq!((warnings[1].0, warnings[1].1), (3, 6));
    }

    #[test]
    fn rule_functions_are_known_tags() {
        let text = "Rules:\n  R:\n    Assertions:\n      - Assert: !Contains [[a], !Ref P]\n      - Assert: !EachMemberIn [!ValueOfAll [T, Tags], !RefAll T]\n      - Assert: !EachMemberEquals [!ValueOf [P, Tags], x]\n";
        let parsed = yaml(text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let Kind::Seq(assertions) = &parsed
            .root
            .get("Rules")
            .unwrap()
            .get("R")
            .unwrap()
            .get("Assertions")
            .unwrap()
            .kind
        else {
            panic!()
        };
        assert!(
            assertions[0]
                .get("Assert")
                .unwrap()
                .get("Fn::Contains")
                .is_some()
        );
        assert!(
            assertions[1]
                .get("Assert")
                .unwrap()
                .get("Fn::EachMemberIn")
                .is_some()
        );
        assert!(
            assertions[2]
                .get("Assert")
                .unwrap()
                .get("Fn::EachMemberEquals")
                .is_some()
        );
    }

    #[test]
    fn flow_collections_indented_less_than_their_key_are_read_with_a_warning() {
        let text = "Parameters: {\n\"P\": {\"Type\": \"String\"},\n  \"Q\": {\"Type\": \"String\"}\n}\nR:\n  - Key: [\n   a,\n  b]\n  - z\n";
        let parsed = yaml(text);
        let params = parsed.root.get("Parameters").unwrap();
        assert_eq!(params.entries().len(), 2);
        let (_, key_span, _) = &params.entries()[0];
        assert_eq!(&text[key_span.range()], "\"P\"");
        let Kind::Seq(r) = &parsed.root.get("R").unwrap().kind else {
            panic!()
        };
        let Kind::Seq(key) = &r[0].get("Key").unwrap().kind else {
            panic!()
        };
        assert_eq!(key[1].kind, Kind::String("b".into()));
        assert_eq!(&text[key[1].span.range()], "b");
        assert_eq!(r[1].kind, Kind::String("z".into()));
        let warnings = located(text, &parsed);
        // The runs of lines read further indented: the rest of each flow collection from the
        // first line YAML 1.2 rejects.
        let lines: Vec<(usize, usize)> = warnings.iter().map(|w| (w.0, w.1)).collect();
        assert_eq!(lines, [(2, 1), (7, 4)], "{warnings:?}");
        assert!(
            warnings[0]
                .2
                .starts_with("lines 2-4 continue a flow collection"),
            "{warnings:?}"
        );
        assert!(
            warnings[1]
                .2
                .starts_with("lines 7-8 continue a flow collection"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_long_flow_mapping_at_column_zero_is_read_at_once() {
        let mut text = String::from("Resources: {\n");
        for i in 0..20_000 {
            text.push_str(&format!(
                "\"R{i}\": {{\"Type\": \"AWS::EC2::VPC\", \"Note\": \"a # b, }} ]\"}},\n"
            ));
        }
        text.push_str("\"Last\": {}\n}\nOutputs: {}\n");
        let parsed = yaml(&text);
        assert_eq!(
            parsed.root.get("Resources").unwrap().entries().len(),
            20_001
        );
        assert!(parsed.root.get("Outputs").is_some());
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    }

    #[test]
    fn quoted_scalars_continued_less_indented_are_read_with_a_warning() {
        let text = "A:\n  B:\n    C: \"one\n two \\\" three\"\n    D: 'x\n y'\n";
        let parsed = yaml(text);
        let b = parsed.root.get("A").unwrap().get("B").unwrap();
        assert_eq!(
            b.get("C").unwrap().kind,
            Kind::String("one two \" three".into())
        );
        assert_eq!(
            &text[b.get("C").unwrap().span.range()],
            "\"one\n two \\\" three\""
        );
        assert_eq!(b.get("D").unwrap().kind, Kind::String("x y".into()));
        let warnings = located(text, &parsed);
        assert_eq!(
            warnings.iter().map(|w| w.0).collect::<Vec<_>>(),
            [4, 6],
            "{warnings:?}"
        );
    }

    #[test]
    fn what_pyyaml_rejects_too_is_still_an_error() {
        let err = parse_yaml("a:\n  b: 1\n c: 2\n", FileId(0), &Limits::default()).unwrap_err();
        assert_eq!(err.line, 3, "{}", err.message);
    }

    #[test]
    fn documents_after_the_first_are_ignored_with_a_warning() {
        let text = "a: 1\n---\nb: 2\n---\n# nothing\n...\n--- c\n";
        let parsed = yaml(text);
        assert!(parsed.root.get("b").is_none());
        let warnings = located(text, &parsed);
        assert_eq!(
            warnings.iter().map(|w| w.0).collect::<Vec<_>>(),
            [2, 7],
            "{warnings:?}"
        );
        assert!(
            warnings[0].2.contains("starting on line 2 is ignored"),
            "{warnings:?}"
        );
        assert!(yaml("---\na: 1\n...\n").warnings.is_empty());
    }

    #[test]
    fn yaml_errors_have_positions() {
        let err = parse_yaml("a: [1, 2\nb: c\n", FileId(0), &Limits::default()).unwrap_err();
        assert!(err.line >= 1 && err.column >= 1);
    }
}
