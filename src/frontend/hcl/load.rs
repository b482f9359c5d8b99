//! Module loading: the files of a module directory read and parsed into its declarations
//! (variables, locals, resources, module calls, outputs, providers, `required_providers`), and
//! where `terraform init` installed the modules that are not local.

use super::pieces::{Origin, PIECE_BYTES, Piece};
use crate::frontend::FileSystem;
use crate::ir::{Diagnostic, FileId, Mode, SourceMap, Span, Suppression};
use crate::limits::Limits;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

pub(crate) struct VariableDecl {
    pub default: Option<Expression>,
    pub origin: Origin,
    pub span: Span,
}

/// The expression of a local or an output.
pub(crate) struct NamedExpr {
    pub origin: Origin,
    pub expr: Kept,
}

/// An expression as kept until it is evaluated.
pub(crate) enum Kept {
    /// Boxed: one pointer, not a whole expression, for each of a file's many locals.
    Parsed(Box<Expression>),
    /// The range of its text, parsed again when evaluated: a file read in pieces keeps no
    /// syntax tree of its locals and outputs, which would cost 15–30 times their text
    /// ([`super::pieces`]), and most of them are never referenced.
    Text(std::ops::Range<usize>),
}

pub(crate) struct ResourceDecl {
    pub mode: Mode,
    pub kind: String,
    pub name: String,
    pub block: Block,
    pub origin: Origin,
}

pub(crate) struct ModuleCallDecl {
    pub name: String,
    pub block: Block,
    pub origin: Origin,
}

/// The declarations of one module directory.
#[derive(Default)]
pub(crate) struct ModuleDecl {
    pub dir: PathBuf,
    pub variables: BTreeMap<String, VariableDecl>,
    pub locals: HashMap<String, NamedExpr>,
    pub resources: Vec<ResourceDecl>,
    pub resource_index: HashMap<(Mode, String, String), usize>,
    pub calls: Vec<ModuleCallDecl>,
    pub call_index: HashMap<String, usize>,
    pub outputs: HashMap<String, NamedExpr>,
    /// `provider "aws"` blocks: alias (None = default) → region expression.
    pub aws_regions: Vec<(Option<String>, Option<Expression>, Origin)>,
    pub aws_constraints: Vec<String>,
}

/// A body the parser gave, and where it sits.
pub(crate) struct ParsedBody {
    pub body: Body,
    pub origin: Origin,
    /// The inside of a `locals` block: its attributes are locals.
    pub locals_only: bool,
    /// The file was parsed in pieces (it is large): locals and outputs are kept as text.
    pub in_pieces: bool,
}

impl Kept {
    /// `value` as kept: as text when its file was read in pieces, else parsed.
    pub(crate) fn new(value: Expression, origin: Origin, in_pieces: bool) -> Kept {
        use hcl_edit::Span as _;
        match value.span() {
            Some(range) if in_pieces => {
                Kept::Text(origin.base + range.start..origin.base + range.end)
            }
            _ => Kept::Parsed(Box::new(value)),
        }
    }
}

impl ModuleDecl {
    /// Adds the declarations of one more file of the module.
    pub(crate) fn absorb(&mut self, file: ModuleDecl) {
        // The first file's maps are taken as they are: a module of one large file holds its
        // locals once, not twice while they are copied.
        fn merge<K: std::hash::Hash + Eq, V>(into: &mut HashMap<K, V>, from: HashMap<K, V>) {
            if into.is_empty() {
                *into = from;
            } else {
                into.extend(from);
            }
        }
        self.variables.extend(file.variables);
        merge(&mut self.locals, file.locals);
        merge(&mut self.outputs, file.outputs);
        for resource in file.resources {
            let key = (resource.mode, resource.kind.clone(), resource.name.clone());
            self.resource_index.insert(key, self.resources.len());
            self.resources.push(resource);
        }
        for call in file.calls {
            self.call_index.insert(call.name.clone(), self.calls.len());
            self.calls.push(call);
        }
        self.aws_regions.extend(file.aws_regions);
        self.aws_constraints.extend(file.aws_constraints);
    }
}

/// Reads the files of module directories into their declarations, each directory once, and
/// keeps what reading them found: errors, warnings about modules that are not analyzed,
/// suppression comments.
pub(crate) struct Loader<'a> {
    pub fs: &'a dyn FileSystem,
    pub sources: &'a mut SourceMap,
    pub limits: Limits,
    /// Files that cannot be read or parsed.
    pub diags: Vec<Diagnostic>,
    /// Module calls whose modules are not analyzed.
    pub warnings: Vec<Diagnostic>,
    /// Suppression comments of the files read.
    pub suppressions: Vec<Suppression>,
    /// Whether a file in Terraform's JSON syntax was read (as generated HCL text, whose spans
    /// are resolved to the JSON's at the end).
    pub generated: bool,
    decls: HashMap<PathBuf, Rc<ModuleDecl>>,
    /// The root module's directory, where `terraform init` writes `.terraform/`.
    root_dir: PathBuf,
    /// `.terraform/modules/modules.json`, read on first use: module key → directory.
    installed: Option<Installed>,
    /// The module calls already reported as not analyzed (once per call, however many
    /// instances of its module there are).
    unresolved_calls: HashSet<Span>,
}

impl<'a> Loader<'a> {
    pub(crate) fn new(
        fs: &'a dyn FileSystem,
        sources: &'a mut SourceMap,
        root_dir: &Path,
        limits: &Limits,
    ) -> Loader<'a> {
        Loader {
            fs,
            sources,
            limits: *limits,
            diags: Vec::new(),
            warnings: Vec::new(),
            suppressions: Vec::new(),
            generated: false,
            decls: HashMap::new(),
            root_dir: root_dir.to_path_buf(),
            installed: None,
            unresolved_calls: HashSet::new(),
        }
    }

    pub(crate) fn diag(&mut self, span: Span, message: String) {
        let loc = self.sources.location(span);
        self.diags.push(Diagnostic {
            path: loc.path,
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message,
        });
    }

    /// Reads a file; a failure is a diagnostic naming it, its message prefixed by `what` (the
    /// flag that named the file, if one did).
    fn read_file(&mut self, path: &Path, what: Option<&str>) -> Option<FileId> {
        let display = self.fs.display(path);
        match self.fs.read_to_string(path) {
            Ok(text) => Some(self.sources.add(path, display, text)),
            Err(message) => {
                let message = match what {
                    Some(flag) => format!("cannot read {flag}: {message}"),
                    None => message,
                };
                self.diags.push(Diagnostic {
                    path: display,
                    line: None,
                    column: None,
                    message,
                });
                None
            }
        }
    }

    /// Reads and parses one HCL file (`what`: the command-line flag that named it), handing
    /// each body the parser gives to `read`, which gathers what it needs into a `T`. A large
    /// file is parsed in pieces, each dropped before the next is parsed ([`super::pieces`]).
    /// A syntax error becomes a diagnostic with its location, and None.
    pub(crate) fn parse_file<T: Default>(
        &mut self,
        path: &Path,
        what: Option<&str>,
        mut read: impl FnMut(&mut T, ParsedBody),
    ) -> Option<T> {
        let id = self.read_file(path, what)?;
        let id = if super::json::is_json_syntax(path) {
            self.translate_json(path, id)?
        } else {
            id
        };
        let max_nesting = self.limits.hcl_nesting;
        if let Some(offset) = too_deep(self.sources.text(id), max_nesting) {
            let (line, column) = self.sources.line_col(id, offset);
            self.diags.push(Diagnostic {
                path: self.sources.display(id).to_string(),
                line: Some(line),
                column: Some(column),
                message: format!("nesting deeper than {max_nesting} levels"),
            });
            return None;
        }
        if let Some(pieces) = super::pieces::pieces(self.sources.text(id), PIECE_BYTES) {
            let diags_before = self.diags.len();
            let mut gathered = T::default();
            let mut every_piece_parsed = true;
            for piece in pieces {
                let (range, locals_only) = match piece {
                    Piece::Items(range) => (range, false),
                    Piece::Locals(range) => (range, true),
                };
                let parsed = self.sources.text(id).get(range.clone());
                let Some(Ok(body)) = parsed.map(hcl_edit::parser::parse_body) else {
                    every_piece_parsed = false;
                    break;
                };
                let origin = Origin {
                    file: id,
                    base: range.start,
                };
                let body = ParsedBody {
                    body,
                    origin,
                    locals_only,
                    in_pieces: true,
                };
                read(&mut gathered, body);
            }
            if every_piece_parsed {
                self.scan_suppressions(id);
                return Some(gathered);
            }
            // The parser has the last word: the whole file, read as one, is either what the
            // pieces missed or the syntax error, at its real position.
            self.diags.truncate(diags_before);
        }
        match hcl_edit::parser::parse_body(self.sources.text(id)) {
            Ok(body) => {
                self.scan_suppressions(id);
                let mut gathered = T::default();
                let body = ParsedBody {
                    body,
                    origin: Origin::whole(id),
                    locals_only: false,
                    in_pieces: false,
                };
                read(&mut gathered, body);
                Some(gathered)
            }
            Err(err) => {
                let loc = err.location();
                let (line, column) = if self.sources.is_generated(id) {
                    let offset = offset_of(self.sources.text(id), loc.line(), loc.column());
                    self.sources.line_col(id, offset)
                } else {
                    (loc.line(), loc.column())
                };
                self.diags.push(Diagnostic {
                    path: self.sources.display(id).to_string(),
                    line: Some(line),
                    column: Some(column),
                    message: format!("syntax error: {}", err.message()),
                });
                None
            }
        }
    }

    /// Keeps the suppression comments of file `id` (a generated text has none of its own).
    fn scan_suppressions(&mut self, id: FileId) {
        let text = self.sources.text(id);
        let marked = text.contains(super::suppressions::MARKER)
            || text.contains(super::suppressions::CHECKOV_MARKER);
        if marked && !self.sources.is_generated(id) {
            self.suppressions
                .extend(super::suppressions::scan_comments(id, text));
        }
    }

    /// Writes the Terraform JSON file `json` (already read) as HCL, added to the source map as
    /// a text generated from it; None, with an error at its line and column, when it is not
    /// JSON. Problems inside it are errors too; the rest of it is read.
    fn translate_json(&mut self, path: &Path, json: FileId) -> Option<FileId> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let content = if name.is_some_and(|n| n.ends_with(".tfvars.json")) {
            super::json::Content::Variables
        } else {
            super::json::Content::Configuration
        };
        let display = self.sources.display(json).to_string();
        match super::json::translate(self.sources.text(json), json, content, &self.limits) {
            Ok(translated) => {
                for (span, message) in translated.problems {
                    self.diag(span, message);
                }
                self.suppressions.extend(translated.suppressions);
                self.generated = true;
                Some(
                    self.sources
                        .add_generated(path, display, translated.text, translated.table),
                )
            }
            Err(err) => {
                self.diags.push(Diagnostic {
                    path: display,
                    line: Some(err.line),
                    column: Some(err.column),
                    message: format!("invalid JSON: {}", err.message),
                });
                None
            }
        }
    }

    pub(crate) fn load_decl(&mut self, dir: &Path, only: Option<&[PathBuf]>) -> Rc<ModuleDecl> {
        if only.is_none() {
            if let Some(decl) = self.decls.get(dir) {
                return decl.clone();
            }
        }
        let files: Vec<PathBuf> = match only {
            Some(files) => files.to_vec(),
            None => match self.fs.tf_files(dir) {
                Ok(files) => files.to_vec(),
                Err(message) => {
                    self.diags.push(Diagnostic {
                        path: self.fs.display(dir),
                        line: None,
                        column: None,
                        message,
                    });
                    Vec::new()
                }
            },
        };
        let mut decl = ModuleDecl {
            dir: dir.to_path_buf(),
            ..ModuleDecl::default()
        };
        for path in files {
            if let Some(file) = self.parse_file(&path, None, collect_decls) {
                decl.absorb(file);
            }
        }
        let decl = Rc::new(decl);
        if only.is_none() {
            self.decls.insert(dir.to_path_buf(), decl.clone());
        }
        decl
    }

    /// The directory `terraform init` installed the module of key `key` into (a registry or
    /// remote `source`), from `.terraform/modules/modules.json` beside the root module. None,
    /// with a warning at the call's `source` (once per call), when it is not installed.
    pub(crate) fn installed_dir(
        &mut self,
        key: &str,
        name: &str,
        source: &str,
        span: Span,
    ) -> Option<PathBuf> {
        if self.installed.is_none() {
            self.installed = Some(self.read_manifest());
        }
        let why = match &self.installed {
            Some(Installed::Modules(modules)) => match modules.get(key) {
                Some(dir) => return Some(dir.clone()),
                None => format!("it is not in {MODULE_MANIFEST}: run terraform init again"),
            },
            Some(Installed::Unreadable(message)) => {
                format!("{MODULE_MANIFEST} cannot be read ({message})")
            }
            Some(Installed::Missing) | None => "run terraform init or analyze the plan".into(),
        };
        if self.unresolved_calls.insert(span) {
            let from = if is_registry_source(source) {
                "from the registry".to_string()
            } else {
                format!("from `{source}`")
            };
            let loc = self.sources.location(span);
            self.warnings.push(Diagnostic {
                path: loc.path,
                line: Some(loc.start_line),
                column: Some(loc.start_column),
                message: format!("module {name} {from} was not analyzed: {why}"),
            });
        }
        None
    }

    fn read_manifest(&self) -> Installed {
        let path = self.root_dir.join(MODULE_MANIFEST);
        let Ok(listing) = self.fs.list_dir(&self.root_dir.join(".terraform/modules")) else {
            return Installed::Missing;
        };
        if !listing.iter().any(|p| p == &path) {
            return Installed::Missing;
        }
        let text = match self.fs.read_to_string(&path) {
            Ok(text) => text,
            Err(message) => return Installed::Unreadable(message),
        };
        match serde_json::from_str::<Manifest>(&text) {
            Ok(manifest) => Installed::Modules(
                manifest
                    .modules
                    .into_iter()
                    .filter(|r| !r.key.is_empty())
                    .map(|r| (r.key, normalize(&self.root_dir.join(r.dir))))
                    .collect(),
            ),
            Err(err) => Installed::Unreadable(err.to_string()),
        }
    }
}

/// The modules `terraform init` installed, from `.terraform/modules/modules.json`.
pub(crate) enum Installed {
    /// Key (`redshift`, `redshift.sg`) → directory.
    Modules(HashMap<String, PathBuf>),
    /// No manifest: `terraform init` has not run here.
    Missing,
    /// A manifest that cannot be read, and why.
    Unreadable(String),
}

/// The manifest's shape (Terraform's `internal/modsdir`): only what is used.
#[derive(serde::Deserialize)]
struct Manifest {
    #[serde(rename = "Modules", default)]
    modules: Vec<ManifestRecord>,
}

#[derive(serde::Deserialize)]
struct ManifestRecord {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Dir")]
    dir: String,
}

/// Where `terraform init` lists the modules it installed, relative to the root module.
pub const MODULE_MANIFEST: &str = ".terraform/modules/modules.json";

/// The local module directories (`source = "./…"`) that the `.tf` files of `dir` call, so that
/// directory walking does not analyze them again as root modules. Reads and parses only what
/// it must; unreadable files are skipped (they are reported when analyzed).
pub fn module_sources(fs: &dyn FileSystem, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in fs.tf_files(dir).unwrap_or_default().iter() {
        let Ok(text) = fs.read_to_string(path) else {
            continue;
        };
        // Most files call no module: they are spared a second parse (analysis parses every
        // file anyway).
        if !text.contains("module") {
            fs.read_ahead(path, text);
            continue;
        }
        let bodies: Vec<hcl_edit::structure::Body> = if super::json::is_json_syntax(path) {
            let limits = Limits::default();
            let content = super::json::Content::Configuration;
            super::json::translate(&text, FileId(0), content, &limits)
                .ok()
                .and_then(|t| hcl_edit::parser::parse_body(&t.text).ok())
                .into_iter()
                .collect()
        } else {
            // Only the module blocks are parsed; analysis parses the whole file.
            match super::pieces::module_blocks(&text) {
                Some(blocks) => blocks
                    .into_iter()
                    .filter_map(|range| text.get(range))
                    .filter_map(|block| hcl_edit::parser::parse_body(block).ok())
                    .collect(),
                None => hcl_edit::parser::parse_body(&text)
                    .ok()
                    .into_iter()
                    .collect(),
            }
        };
        let blocks = bodies.iter().flat_map(|body| body.blocks());
        for block in blocks.filter(|b| b.ident.as_str() == "module") {
            if let Some(source) = block
                .body
                .get_attribute("source")
                .and_then(|a| a.value.as_str())
                .filter(|s| is_local_source(s))
            {
                out.push(normalize(&dir.join(source)));
            }
        }
        drop(bodies);
        fs.read_ahead(path, text);
    }
    out
}

pub(crate) fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// Lexically normalizes `a/./b/../c` to `a/c` (no filesystem access, so it works on paths
/// that are only reported). A trailing slash is dropped (`../../` is `../..`), `..` is kept
/// where there is nothing to go up from (`../..` stays, `/..` is `/`), and a path that comes
/// to nothing is `.`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Is this a module registry address (`namespace/name/provider`, optionally with a host in
/// front and a `//subdirectory` after)?
fn is_registry_source(source: &str) -> bool {
    let address = source.split("//").next().unwrap_or(source);
    let parts: Vec<&str> = address.split('/').collect();
    !source.contains("::")
        && (parts.len() == 3
            || (parts.len() == 4 && parts.first().is_some_and(|h| h.contains('.'))))
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// The span of an attribute's value, or of its block's header when the parser kept none.
pub(crate) fn value_span(origin: Origin, value: &Expression, block: &Block) -> Span {
    use hcl_edit::Span as _;
    value
        .span()
        .map_or_else(|| header_span(origin, block), |r| origin.span(r))
}

/// The offset where brackets first nest deeper than `max` (`Limits::hcl_nesting`: the parser
/// recurses on them), if they do. Brackets inside strings count too, which only errs on the
/// safe side.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    // Nesting deeper than `max` takes more than `max` opening brackets. Most files hold fewer,
    // and counting them (a loop the compiler vectorizes) is many times quicker than following
    // the depth byte by byte.
    let opening = text
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{' | b'('))
        .count();
    if opening <= max {
        return None;
    }
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' | b'(' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The byte offset of a 1-based line and column (in characters) of `text`.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The span of a block's header: its identifier through its last label.
pub(crate) fn header_span(origin: Origin, block: &Block) -> Span {
    use hcl_edit::Span as _;
    let start = block.ident.span().map_or(0, |r| r.start);
    let end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map_or(start, |r| r.end);
    origin.span(start..end)
}

pub(crate) fn block_span(origin: Origin, block: &Block) -> Span {
    use hcl_edit::Span as _;
    block
        .span()
        .map_or_else(|| header_span(origin, block), |r| origin.span(r))
}

fn object_key_name(key: &hcl_edit::expr::ObjectKey) -> Option<&str> {
    match key {
        hcl_edit::expr::ObjectKey::Ident(ident) => Some(ident.as_str()),
        hcl_edit::expr::ObjectKey::Expression(expr) => expr.as_str(),
    }
}

/// Gathers the declarations of one parsed body into `decl`.
fn collect_decls(decl: &mut ModuleDecl, parsed: ParsedBody) {
    let origin = parsed.origin;
    let keep = |value: Expression| Kept::new(value, parsed.origin, parsed.in_pieces);
    if parsed.locals_only {
        for structure in parsed.body.into_iter() {
            if let Structure::Attribute(attr) = structure {
                let expr = keep(attr.value);
                decl.locals
                    .insert(attr.key.as_str().to_string(), NamedExpr { origin, expr });
            }
        }
        return;
    }
    for structure in parsed.body.into_iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let labels: Vec<String> = block
            .labels
            .iter()
            .map(|l| l.as_str().to_string())
            .collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) | ("data", [kind, name]) => {
                let mode = if block.ident.as_str() == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                let key = (mode, kind.clone(), name.clone());
                decl.resource_index.insert(key, decl.resources.len());
                decl.resources.push(ResourceDecl {
                    mode,
                    kind: kind.clone(),
                    name: name.clone(),
                    block,
                    origin,
                });
            }
            ("variable", [name]) => {
                let span = header_span(origin, &block);
                let default = block.body.get_attribute("default").map(|a| a.value.clone());
                decl.variables.insert(
                    name.clone(),
                    VariableDecl {
                        default,
                        origin,
                        span,
                    },
                );
            }
            ("locals", []) => {
                // Moved, not cloned: a copy would double what a large file costs.
                for structure in block.body.into_iter() {
                    if let Structure::Attribute(attr) = structure {
                        let expr = keep(attr.value);
                        decl.locals
                            .insert(attr.key.as_str().to_string(), NamedExpr { origin, expr });
                    }
                }
            }
            ("output", [name]) => {
                let value = block.body.into_iter().find_map(|s| match s {
                    Structure::Attribute(attr) if attr.key.as_str() == "value" => Some(attr.value),
                    _ => None,
                });
                if let Some(value) = value {
                    let expr = keep(value);
                    decl.outputs
                        .insert(name.clone(), NamedExpr { origin, expr });
                }
            }
            ("module", [name]) => {
                decl.call_index.insert(name.clone(), decl.calls.len());
                decl.calls.push(ModuleCallDecl {
                    name: name.clone(),
                    block,
                    origin,
                });
            }
            ("provider", [name]) if name == "aws" => {
                let alias = block
                    .body
                    .get_attribute("alias")
                    .and_then(|a| a.value.as_str())
                    .map(str::to_string);
                let region = block.body.get_attribute("region").map(|a| a.value.clone());
                decl.aws_regions.push((alias, region, origin));
            }
            ("terraform", []) => {
                for rp in block
                    .body
                    .blocks()
                    .filter(|b| b.ident.as_str() == "required_providers")
                {
                    for attr in rp.body.attributes() {
                        let source = attr
                            .value
                            .as_object()
                            .and_then(|o| {
                                o.iter().find(|(k, _)| object_key_name(k) == Some("source"))
                            })
                            .and_then(|(_, v)| v.expr().as_str().map(str::to_string));
                        let is_aws = match &source {
                            Some(s) => s.ends_with("hashicorp/aws"),
                            None => attr.key.as_str() == "aws",
                        };
                        if !is_aws {
                            continue;
                        }
                        let version = match &attr.value {
                            Expression::String(s) => Some(s.value().to_string()),
                            Expression::Object(o) => o
                                .iter()
                                .find(|(k, _)| object_key_name(k) == Some("version"))
                                .and_then(|(_, v)| v.expr().as_str().map(str::to_string)),
                            _ => None,
                        };
                        if let Some(v) = version {
                            decl.aws_constraints.push(v);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    /// Nesting is found where it first goes past the limit, whether or not the file holds
    /// more opening brackets than the limit; brackets side by side never nest.
    #[test]
    fn nesting_past_the_limit_is_found_where_it_starts() {
        assert_eq!(too_deep("a = [[[1]]]", 3), None);
        assert_eq!(too_deep("a = [[[[1]]]]", 3), Some(7));
        assert_eq!(too_deep(&"x = [1]\n".repeat(50), 3), None);
        let shallow_then_deep = format!("{}b = {{ c = ([[1]]) }}", "x = [1]\n".repeat(50));
        assert_eq!(too_deep(&shallow_then_deep, 3), Some(400 + 12));
        assert_eq!(too_deep(&shallow_then_deep, 4), None);
    }
}
