//! Terraform plan JSON front end (`terraform show -json PLANFILE`): the planned deployment
//! becomes one IR [`Unit`].
//!
//! Managed resources come from `resource_changes` (`after` with `after_unknown`; delete-only
//! changes are not deployed and are skipped), data sources read at plan time from
//! `prior_state`. An attribute that is unknown until apply is linked through the
//! `configuration`'s `references` to the resource it names (a new security group's id becomes a
//! `Ref`); one the configuration does not set at all is left out, so the model applies its
//! default. Every node carries its exact span in the plan file, and when the `.tf`
//! configuration is found beside the plan, the span of the same attribute there instead.
//!
//! The plan text is parsed once into borrowed raw values, so only the parts used are
//! materialized.

mod references;
mod source;

use crate::frontend::FileSystem;
use crate::ir::{
    Diagnostic, Family, FileId, Mode, Node, Resource, Settings, SourceMap, Span, Unit, Value,
};
use references::{ConfigIndex, Configuration};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::Path;

/// Does this JSON text look like a plan (`format_version` plus `planned_values` or
/// `resource_changes`)? A cheap test used before parsing.
pub fn looks_like_plan(text: &str) -> bool {
    let head = text.get(..text.len().min(1 << 16)).unwrap_or(text);
    let head = if head.len() < text.len() && !text.is_char_boundary(head.len()) {
        text
    } else {
        head
    };
    (head.contains("\"format_version\"") || text.contains("\"format_version\""))
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

#[derive(Deserialize)]
struct Plan<'a> {
    format_version: Option<String>,
    #[serde(borrow, default)]
    variables: BTreeMap<String, Variable<'a>>,
    #[serde(borrow, default)]
    resource_changes: Vec<ResourceChange<'a>>,
    #[serde(borrow)]
    prior_state: Option<State<'a>>,
    #[serde(borrow)]
    configuration: Option<&'a RawValue>,
    errored: Option<bool>,
}

#[derive(Deserialize)]
struct Variable<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ResourceChange<'a> {
    address: String,
    #[serde(default)]
    module_address: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(borrow)]
    change: Change<'a>,
}

#[derive(Deserialize)]
struct Change<'a> {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(borrow)]
    before: Option<&'a RawValue>,
    #[serde(borrow)]
    after: Option<&'a RawValue>,
    #[serde(borrow)]
    after_unknown: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct State<'a> {
    #[serde(borrow)]
    values: Option<StateValues<'a>>,
}

#[derive(Deserialize)]
struct StateValues<'a> {
    #[serde(borrow)]
    root_module: Option<StateModule<'a>>,
}

#[derive(Deserialize)]
struct StateModule<'a> {
    #[serde(borrow, default)]
    resources: Vec<StateResource<'a>>,
    #[serde(borrow, default)]
    child_modules: Vec<StateModule<'a>>,
}

#[derive(Deserialize)]
struct StateResource<'a> {
    address: String,
    mode: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    values: Option<&'a RawValue>,
    #[serde(default)]
    deposed_key: Option<String>,
}

/// Options for reading a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Where the `.tf` configuration is, when not beside the plan (`--source-dir`).
    pub source_dir: Option<std::path::PathBuf>,
    /// Also read the deployment as it is before the plan ([`load_plan_and_prior`]).
    pub prior: bool,
}

/// Reads the plan in `file` (already in `sources`). `dir` is where the plan came from (its
/// directory, or the working directory for stdin), used to find the `.tf` configuration.
pub fn load_plan(
    fs: &dyn FileSystem,
    sources: &mut SourceMap,
    file: FileId,
    dir: &Path,
    options: &PlanOptions,
    limits: &crate::limits::Limits,
) -> (Option<Unit>, Vec<Diagnostic>) {
    let options = PlanOptions {
        prior: false,
        ..options.clone()
    };
    let (planned, _, diags) = load_plan_and_prior(fs, sources, file, dir, &options, limits);
    (planned, diags)
}

/// Reads the plan in `file` like [`load_plan`] and, with `options.prior`, the deployment as it
/// is before the plan too: the second unit holds every existing object with its `before`
/// values (data sources as read for the plan), spans in the plan, no unknowns. None when the
/// prior state holds no managed resource: a plan of a new workspace changes nothing that was
/// there.
pub fn load_plan_and_prior(
    fs: &dyn FileSystem,
    sources: &mut SourceMap,
    file: FileId,
    dir: &Path,
    options: &PlanOptions,
    limits: &crate::limits::Limits,
) -> (Option<Unit>, Option<Unit>, Vec<Diagnostic>) {
    // Read in place: the plan text is the largest thing held, and is not copied.
    let PlanRead {
        mut resources,
        destroyed,
        prior,
        settings,
        variables,
        errors,
        warnings,
    } = match read_plan(
        sources.text(file),
        sources.display(file),
        file,
        limits,
        options.prior,
    ) {
        Ok(read) => read,
        Err(error) => return (None, None, vec![error]),
    };
    let prior = prior.map(|resources| Unit {
        family: Family::Terraform,
        origin: dir.to_path_buf(),
        resources,
        destroyed: Vec::new(),
        settings: settings.clone(),
        suppressions: Vec::new(),
        warnings: Vec::new(),
        copies: foldhash::HashMap::default(),
        from_plan: true,
    });
    let source_dir = options
        .source_dir
        .clone()
        .unwrap_or_else(|| dir.to_path_buf());
    // A directory only found (not named) may hold other `.tf` files: checked first.
    let verify = options.source_dir.is_none();
    let mut warnings = warnings;
    let suppressions = source::map_to_source(
        fs,
        sources,
        &source_dir,
        &variables,
        &mut resources,
        limits,
        verify,
    )
    .unwrap_or_else(|message| {
        warnings.push(Diagnostic {
            path: sources.display(file).to_string(),
            line: None,
            column: None,
            message,
        });
        Vec::new()
    });
    let unit = Unit {
        family: Family::Terraform,
        origin: dir.to_path_buf(),
        resources,
        destroyed,
        settings,
        suppressions,
        warnings,
        copies: foldhash::HashMap::default(),
        from_plan: true,
    };
    (Some(unit), prior, errors)
}

/// What a plan holds: its resources, what it destroys, its settings, the root variables'
/// values (for mapping to the source), errors and warnings; or the error that stops it being
/// read.
struct PlanRead {
    resources: Vec<Resource>,
    destroyed: Vec<Resource>,
    /// The resources before the plan, when asked for and the prior state holds any.
    prior: Option<Vec<Resource>>,
    settings: Settings,
    variables: BTreeMap<String, serde_json::Value>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

fn read_plan(
    text: &str,
    display: &str,
    file: FileId,
    limits: &crate::limits::Limits,
    read_prior: bool,
) -> Result<PlanRead, Diagnostic> {
    let error = |line: Option<usize>, column: Option<usize>, message: String| Diagnostic {
        path: display.to_string(),
        line,
        column,
        message,
    };
    // Raw values are read past serde_json's recursion limit: check the nesting first.
    if let Some((line, column)) = crate::frontend::json_too_deep(text, limits.document_nesting) {
        let message = format!("nesting deeper than {} levels", limits.document_nesting);
        return Err(error(Some(line), Some(column), message));
    }
    let plan: Plan = match serde_json::from_str(text) {
        Ok(plan) => plan,
        Err(err) => {
            let message = match err.classify() {
                serde_json::error::Category::Eof => format!("truncated plan JSON: {err}"),
                serde_json::error::Category::Data => format!("not a Terraform plan: {err}"),
                _ => format!("invalid JSON: {err}"),
            };
            let message = strip_location(&message);
            return Err(error(Some(err.line()), Some(err.column()), message));
        }
    };
    let version = plan.format_version.as_deref().unwrap_or("");
    let warnings: Vec<Diagnostic> = version_warning(version)
        .map(|w| error(Some(1), Some(1), w))
        .into_iter()
        .collect();
    if plan.errored == Some(true) {
        return Err(error(
            None,
            None,
            "the plan errored: Terraform could not finish it, so it is not analyzed".into(),
        ));
    }
    let config = plan
        .configuration
        .map(Configuration::parse)
        .unwrap_or_default();
    let variables: BTreeMap<String, serde_json::Value> = plan
        .variables
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), serde_json::from_str(v.value?.get()).ok()?)))
        .collect();
    let index = ConfigIndex::new(
        &config,
        &variables,
        &plan
            .resource_changes
            .iter()
            .map(|c| c.address.as_str())
            .collect::<Vec<_>>(),
    );
    let reader = Reader { text, file };

    let mut resources = Vec::new();
    let mut destroyed = Vec::new();
    // The world before the plan: only for a plan whose prior state holds managed resources.
    let mut prior: Option<Vec<Resource>> = (read_prior && has_managed_prior(&plan)).then(Vec::new);
    let mut diags = Vec::new();
    let mut addresses: foldhash::HashSet<&str> = foldhash::HashSet::default();
    // Where a byte offset of the plan is, for messages.
    let at = |offset: u32| -> (Option<usize>, Option<usize>) {
        let (line, column) = crate::frontend::line_column(text, offset as usize);
        (Some(line), Some(column))
    };
    // Where the previous change's `after` ended: each address is searched for after it.
    let mut floor = 0usize;
    for change in &plan.resource_changes {
        if change.deposed.is_some() {
            continue;
        }
        if let (Some(prior), Some(before)) = (prior.as_mut(), change.change.before) {
            let body = reader.node(before);
            // Existing objects only (`null` before a create); a data source is read below.
            if matches!(body.value, Value::Map(_)) && change.mode != "data" {
                let module = change.module_address.as_deref().unwrap_or("");
                prior.push(Resource {
                    family: Family::Terraform,
                    mode: Mode::Managed,
                    kind: change.kind.clone(),
                    address: change.address.clone(),
                    span: reader.span_of(before),
                    // What the configuration does not write is state there as it is here.
                    state_only: index.unwritten_blocks(&body, &change.address, module),
                    body,
                    origin: None,
                    deployed_if: None,
                });
            }
        }
        let actions = &change.change.actions;
        // The old object goes away and nothing replaces it: not deployed, but recorded with
        // the values it had.
        if !actions
            .iter()
            .any(|a| a == "create" || a == "update" || a == "no-op" || a == "read")
        {
            if let Some(before) = change
                .change
                .before
                .filter(|b| actions.iter().any(|a| a == "delete") && b.get() != "null")
            {
                let span = reader.span_of(before);
                let body = reader.node(before);
                if matches!(body.value, Value::Map(_)) {
                    destroyed.push(Resource {
                        family: Family::Terraform,
                        mode: Mode::Managed,
                        kind: change.kind.clone(),
                        address: change.address.clone(),
                        span,
                        body,
                        origin: None,
                        deployed_if: None,
                        state_only: Vec::new(),
                    });
                }
            }
            continue;
        }
        let Some(after) = change.change.after else {
            continue;
        };
        let span = reader.span_of(after);
        let mut body = reader.node(after);
        // Terraform writes each instance once, with its values as an object: anything else is
        // not a plan it wrote, and reading it as "nothing set" would apply defaults.
        if !matches!(body.value, Value::Map(_)) {
            let (line, column) = at(span.start);
            diags.push(error(
                line,
                column,
                format!(
                    "{}: `after` is not an object; the resource is not analyzed",
                    change.address
                ),
            ));
            continue;
        }
        if !addresses.insert(change.address.as_str()) {
            let (line, column) = at(span.start);
            diags.push(error(
                line,
                column,
                format!(
                    "{} appears twice in resource_changes; the second is not analyzed",
                    change.address
                ),
            ));
            continue;
        }
        let unknown: serde_json::Value = change
            .change
            .after_unknown
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(serde_json::Value::Null);
        let module = change.module_address.as_deref().unwrap_or("");
        index.apply_unknowns(&mut body, &unknown, &change.address, module, span);
        // An existing object: blocks its configuration does not write show its state.
        let existing = change.change.before.is_some_and(|b| b.get() != "null");
        let state_only = if existing {
            index.unwritten_blocks(&body, &change.address, module)
        } else {
            Vec::new()
        };
        resources.push(Resource {
            family: Family::Terraform,
            mode: if change.mode == "data" {
                Mode::Data
            } else {
                Mode::Managed
            },
            kind: change.kind.clone(),
            address: change.address.clone(),
            span: reader.address_span(&change.address, span, floor),
            body,
            origin: None,
            deployed_if: None,
            state_only,
        });
        floor = span.end as usize;
    }
    let mut planned: foldhash::HashSet<String> =
        resources.iter().map(|r| r.address.clone()).collect();
    // Data sources read during planning appear only in the prior state.
    if let Some(root) = plan
        .prior_state
        .as_ref()
        .and_then(|s| s.values.as_ref())
        .and_then(|v| v.root_module.as_ref())
    {
        let mut stack = vec![root];
        while let Some(module) = stack.pop() {
            for res in &module.resources {
                if res.mode != "data" || res.deposed_key.is_some() || planned.contains(&res.address)
                {
                    continue;
                }
                let Some(values) = res.values else { continue };
                let span = reader.span_of(values);
                planned.insert(res.address.clone());
                let data = Resource {
                    family: Family::Terraform,
                    mode: Mode::Data,
                    kind: res.kind.clone(),
                    address: res.address.clone(),
                    span,
                    body: reader.node(values),
                    origin: None,
                    deployed_if: None,
                    state_only: Vec::new(),
                };
                if let Some(prior) = prior.as_mut() {
                    prior.push(data.clone());
                }
                resources.push(data);
            }
            stack.extend(module.child_modules.iter());
        }
    }
    if index.exhausted() {
        diags.push(error(
            None,
            None,
            format!(
                "resolving references exceeds the limit of {} steps for one attribute or {} for \
                 the plan (module outputs and variables that fan out); those attributes are \
                 unknown",
                references::MAX_RESOLVE_STEPS,
                references::MAX_PLAN_RESOLVE_STEPS
            ),
        ));
    }
    let settings = Settings {
        aws_provider_constraints: index.aws_constraints(),
        provider_region: index
            .provider_region()
            .map(|r| Node::new(Value::String(r), Span::new(file, 0..0))),
    };
    Ok(PlanRead {
        resources,
        destroyed,
        prior,
        settings,
        variables,
        errors: diags,
        warnings,
    })
}

/// Does the plan's prior state hold a managed resource (an existing deployment)? A plan of a
/// new workspace has no prior state, or one holding only the data sources read for the plan.
fn has_managed_prior(plan: &Plan<'_>) -> bool {
    let Some(root) = plan
        .prior_state
        .as_ref()
        .and_then(|s| s.values.as_ref())
        .and_then(|v| v.root_module.as_ref())
    else {
        return false;
    };
    let mut stack = vec![root];
    while let Some(module) = stack.pop() {
        if module.resources.iter().any(|r| r.mode == "managed") {
            return true;
        }
        stack.extend(module.child_modules.iter());
    }
    false
}

/// A warning for a plan `format_version` this front end was not written for, if it is one.
/// Formats 0.1 (Terraform 0.12 to 1.0.0), 0.2 (1.0.1 to 1.0.x) and 1.x (1.1 on) are read:
/// they differ only by keys added over time (`sensitive_values`, `relevant_attributes`,
/// `checks`, `errored`, …), and the plan is read through the keys every version writes. A
/// later major may have changed what they mean: its plan is still read, with a warning.
fn version_warning(version: &str) -> Option<String> {
    let mut parts = version.split('.');
    let major = parts.next().and_then(|m| m.parse::<u32>().ok());
    let minor = parts.next().and_then(|m| m.parse::<u32>().ok());
    match (major, minor) {
        (Some(0), Some(1 | 2)) | (Some(1), Some(_)) => None,
        _ => Some(format!(
            "plan format_version `{version}` is not one redshield knows (0.1, 0.2, 1.x); read \
             as 1.x, so findings may be incomplete"
        )),
    }
}

/// serde_json appends " at line L column C" to messages; the diagnostic carries them already.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Turns borrowed raw JSON values into IR nodes with exact spans in the plan text.
struct Reader<'t> {
    text: &'t str,
    file: FileId,
}

impl Reader<'_> {
    fn span_of(&self, raw: &RawValue) -> Span {
        let s = raw.get();
        let start = (s.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        Span::new(self.file, start..start + s.len())
    }

    /// The span of the resource's `"address": "…"` entry in `resource_changes`, found by
    /// searching backwards from its `after` value down to `floor` (the end of the previous
    /// change's, so that all the searches together read the plan once); the `after` span when
    /// not found.
    fn address_span(&self, address: &str, after: Span, floor: usize) -> Span {
        let Ok(quoted) = serde_json::to_string(address) else {
            return after;
        };
        let before = self.text.get(floor..after.start as usize).unwrap_or("");
        match before.rfind(&quoted) {
            Some(i) => Span::new(self.file, floor + i..floor + i + quoted.len()),
            None => after,
        }
    }

    /// The IR node of a raw value, built in one pass over its text (converting each level
    /// with serde_json would read a value's text once per level it is nested in).
    fn node(&self, raw: &RawValue) -> Node {
        let span = self.span_of(raw);
        let mut nodes = JsonNodes {
            text: self.text,
            pos: span.start as usize,
            file: self.file,
        };
        nodes.value().unwrap_or_else(|| Node::unknown(span))
    }
}

/// A cursor over JSON text that serde_json has already read (so it is valid, and nested no
/// deeper than the nesting limit), turning it into IR nodes whose spans are their values'
/// text. Returns None, never panics, should the text not be JSON after all.
struct JsonNodes<'t> {
    text: &'t str,
    pos: usize,
    file: FileId,
}

impl JsonNodes<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_whitespace();
        let start = self.pos;
        let value = match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut map = BTreeMap::new();
                if !self.eat(b'}') {
                    loop {
                        self.skip_whitespace();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        map.insert(key, self.value()?);
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Value::Map(map)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Value::List(items)
            }
            b'"' => Value::String(self.string()?),
            b't' => self.literal("true", Value::Bool(true))?,
            b'f' => self.literal("false", Value::Bool(false))?,
            b'n' => self.literal("null", Value::Null)?,
            _ => {
                let rest = self.text.get(start..)?;
                let len = rest
                    .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
                    .unwrap_or(rest.len());
                self.pos += len;
                rest.get(..len)?
                    .parse::<f64>()
                    .map_or(Value::Unknown, Value::Number)
            }
        };
        Some(Node::new(value, Span::new(self.file, start..self.pos)))
    }

    fn literal(&mut self, word: &str, value: Value) -> Option<Value> {
        let rest = self.text.get(self.pos..)?;
        rest.starts_with(word).then(|| {
            self.pos += word.len();
            value
        })
    }

    /// A string at the cursor, unescaped.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let bytes = self.text.as_bytes();
        let mut end = start + 1;
        let mut escaped = false;
        loop {
            let k = memchr::memchr2(b'"', b'\\', bytes.get(end..)?)?;
            if bytes.get(end + k) == Some(&b'\\') {
                escaped = true;
                end += k + 2;
            } else {
                end += k;
                break;
            }
        }
        self.pos = end + 1;
        if escaped {
            serde_json::from_str(self.text.get(start..=end)?).ok()
        } else {
            self.text.get(start + 1..end).map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value as J;
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            any::<i64>().prop_map(J::from),
            (-1e12f64..1e12).prop_map(J::from),
            "[a-z\"\\\\/\u{e9}\u{1f600}\n\t ]{0,8}".prop_map(J::String),
        ];
        leaf.prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
                prop::collection::btree_map("[a-z\"\\\\ ]{0,5}", inner, 0..6)
                    .prop_map(|m| J::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every node's span holds text that serde_json reads as that node's value.
    fn assert_spans(text: &str, node: &Node) {
        let value: serde_json::Value =
            serde_json::from_str(&text[node.span.range()]).expect("span is a JSON value");
        assert_eq!(Node::from_json(&value, node.span), strip(node, node.span));
        match &node.value {
            Value::Map(map) => map.values().for_each(|n| assert_spans(text, n)),
            Value::List(items) => items.iter().for_each(|n| assert_spans(text, n)),
            _ => {}
        }
    }

    /// The node with every span replaced by `span` (from_json gives one span to all).
    fn strip(node: &Node, span: Span) -> Node {
        let value = match &node.value {
            Value::Map(map) => Value::Map(
                map.iter()
                    .map(|(k, n)| (k.clone(), strip(n, span)))
                    .collect(),
            ),
            Value::List(items) => Value::List(items.iter().map(|n| strip(n, span)).collect()),
            other => other.clone(),
        };
        Node::new(value, span)
    }

    proptest! {
        #[test]
        fn one_pass_nodes_agree_with_serde_json(value in json(), pretty in any::<bool>()) {
            let body = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let text = format!("{{\"after\": {body} }}");
            let raw: BTreeMap<String, &RawValue> = serde_json::from_str(&text).unwrap();
            let reader = Reader { text: &text, file: FileId(3) };
            let node = reader.node(raw["after"]);
            prop_assert_eq!(&text[node.span.range()], body.as_str());
            assert_spans(&text, &node);
        }
    }

    #[test]
    fn text_that_is_not_json_is_unknown() {
        let text = "{\"a\": [1, tru]}";
        let mut nodes = JsonNodes {
            text,
            pos: 0,
            file: FileId(0),
        };
        assert_eq!(nodes.value(), None);
        let mut nodes = JsonNodes {
            text: "\"open",
            pos: 0,
            file: FileId(0),
        };
        assert_eq!(nodes.value(), None);
    }
}
