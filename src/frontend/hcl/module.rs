//! Module loading and instantiation: declarations per directory, variables (defaults, tfvars,
//! `--var`, `--var-file`), module calls, `count`/`for_each` expansion, and the resources that
//! come out.

use super::eval::Scope;
use super::pieces::{Origin, PIECE_BYTES, Piece};
use crate::frontend::FileSystem;
use crate::ir::{
    Diagnostic, Family, FileId, Mode, Node, Resource, Settings, SourceMap, Span, Unit, Value,
};
use crate::limits::Limits;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// What instantiating a module costs of the evaluation budget (`Limits::eval_steps`), so that
/// at most 50,000 module instances are created by default.
const MODULE_INSTANCE_STEPS: usize = 100;

/// A `--var NAME=VALUE` from the command line.
#[derive(Debug, Clone)]
pub struct VarAssignment {
    pub name: String,
    pub value: String,
}

/// What the command line adds to a root module.
#[derive(Debug, Clone, Default)]
pub struct HclOptions {
    pub vars: Vec<VarAssignment>,
    pub var_files: Vec<PathBuf>,
}

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

impl ModuleDecl {
    /// Adds the declarations of one more file of the module.
    fn absorb(&mut self, file: ModuleDecl) {
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

/// Lazily evaluated named value (local, output).
#[derive(Clone)]
pub(crate) enum Slot {
    InProgress,
    Done(Node),
}

/// The instances a `count`/`for_each` produced.
#[derive(Clone)]
pub(crate) enum Instances {
    Single,
    Count(usize),
    Keys(Vec<(String, Node)>),
    /// The count or keys are not knowable: one instance stands in, with unknown index/key.
    Unknown,
}

/// Instantiated child modules of one call.
#[derive(Clone)]
pub(crate) enum ChildInstances {
    InProgress,
    /// Not a local module (registry, git) or too deep: its outputs are unknown.
    OutOfScope,
    Single(usize),
    Count(Vec<usize>),
    Keys(Vec<(String, usize)>),
}

pub(crate) struct ModuleInst {
    pub decl: Rc<ModuleDecl>,
    /// Address prefix: "" for the root, `module.net.` for a child.
    pub prefix: String,
    /// The module's key in `.terraform/modules/modules.json`: the call names from the root,
    /// joined by `.` (`""` for the root, `net.sg`).
    pub key: String,
    pub depth: usize,
    pub vars: HashMap<String, Node>,
    pub locals: HashMap<String, Slot>,
    pub outputs: HashMap<String, Slot>,
    pub children: HashMap<String, ChildInstances>,
    pub instances: HashMap<usize, Instances>,
}

/// Evaluation state of one root module and everything it calls.
pub(crate) struct Evaluator<'a> {
    pub fs: &'a dyn FileSystem,
    pub sources: &'a mut SourceMap,
    pub modules: Vec<ModuleInst>,
    pub decls: HashMap<PathBuf, Rc<ModuleDecl>>,
    pub diags: Vec<Diagnostic>,
    /// Where the command line's `--var` values are recorded, so their nodes have a span.
    pub cli_file: Option<FileId>,
    /// Suppression comments of the files read.
    pub suppressions: Vec<crate::ir::Suppression>,
    /// What one input may cost.
    pub limits: Limits,
    /// What is left of the evaluation budget (`Limits::eval_steps`).
    pub steps_left: usize,
    /// Where the budget ran out.
    pub exhausted_at: Option<Span>,
    /// What is left of the memory copied values may take (`Limits::value_bytes`).
    pub value_bytes_left: usize,
    /// Where it ran out.
    pub values_exhausted_at: Option<Span>,
    /// How many evaluations are under way, one inside the other.
    pub nested_evals: usize,
    /// Where they first nested deeper than [`super::eval::MAX_NESTED_EVALS`].
    pub nested_too_deep: Option<Span>,
    /// The locals, outputs and module calls under evaluation, outermost first, by the names
    /// reports give them (`module.net.local.cidr`), to name a reference cycle when one closes.
    pub evaluating: Vec<String>,
    /// Warnings: reference cycles, each reported once at the reference that closes it.
    pub warnings: Vec<Diagnostic>,
    /// The references that closed a cycle already reported.
    pub cycles_at: std::collections::HashSet<Span>,
    /// The root module's directory, where `terraform init` writes `.terraform/`.
    pub root_dir: PathBuf,
    /// `.terraform/modules/modules.json`, read on first use: module key → directory.
    pub installed: Option<Installed>,
    /// The module calls already reported as not analyzed (once per call, however many
    /// instances of its module there are).
    pub unresolved_calls: std::collections::HashSet<Span>,
    /// Whether a file in Terraform's JSON syntax was read (as generated HCL text, whose spans
    /// are resolved to the JSON's at the end).
    pub generated: bool,
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
            continue;
        }
        let body = if super::json::is_json_syntax(path) {
            let limits = Limits::default();
            let content = super::json::Content::Configuration;
            super::json::translate(&text, FileId(0), content, &limits)
                .ok()
                .and_then(|t| hcl_edit::parser::parse_body(&t.text).ok())
        } else {
            hcl_edit::parser::parse_body(&text).ok()
        };
        let Some(body) = body else {
            continue;
        };
        for block in body.blocks().filter(|b| b.ident.as_str() == "module") {
            if let Some(source) = block
                .body
                .get_attribute("source")
                .and_then(|a| a.value.as_str())
                .filter(|s| is_local_source(s))
            {
                out.push(normalize(&dir.join(source)));
            }
        }
    }
    out
}

fn is_local_source(source: &str) -> bool {
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

/// Loads the root module in `dir`. With `only`, just those `.tf` files form the module (the
/// user named them); otherwise every `.tf` file in `dir` does.
pub fn load_root_module(
    fs: &dyn FileSystem,
    sources: &mut SourceMap,
    dir: &Path,
    only: Option<&[PathBuf]>,
    options: &HclOptions,
    limits: &Limits,
) -> (Unit, Vec<Diagnostic>) {
    let mut ev = Evaluator {
        fs,
        sources,
        modules: Vec::new(),
        decls: HashMap::new(),
        diags: Vec::new(),
        cli_file: None,
        suppressions: Vec::new(),
        limits: *limits,
        steps_left: limits.eval_steps,
        exhausted_at: None,
        value_bytes_left: limits.value_bytes,
        values_exhausted_at: None,
        nested_evals: 0,
        nested_too_deep: None,
        evaluating: Vec::new(),
        warnings: Vec::new(),
        cycles_at: std::collections::HashSet::new(),
        root_dir: dir.to_path_buf(),
        installed: None,
        unresolved_calls: std::collections::HashSet::new(),
        generated: false,
    };
    let decl = ev.load_decl(dir, only);
    let vars = ev.root_variables(&decl, dir, options);
    let settings_constraints = decl.aws_constraints.clone();
    ev.modules.push(ModuleInst {
        decl,
        prefix: String::new(),
        key: String::new(),
        depth: 0,
        vars,
        locals: HashMap::new(),
        outputs: HashMap::new(),
        children: HashMap::new(),
        instances: HashMap::new(),
    });
    let mut resources = Vec::new();
    ev.expand_module(0, &mut resources);
    let mut settings = Settings {
        aws_provider_constraints: settings_constraints,
        provider_region: ev.provider_region(0, None),
    };
    // Constraints in child modules narrow the versions that may run the configuration too.
    for inst in ev.modules.iter().skip(1) {
        settings
            .aws_provider_constraints
            .extend(inst.decl.aws_constraints.iter().cloned());
    }
    if let Some(span) = ev.values_exhausted_at {
        let mb = ev.limits.value_bytes >> 20;
        ev.diag(
            span,
            format!(
                "values copied through variables, locals, outputs and module calls exceed the \
                 limit of {mb} MB (value_mb); this and later copies are unknown"
            ),
        );
    }
    if ev.steps_left == 0 {
        let (path, line, column) = match ev.exhausted_at {
            Some(span) => {
                let loc = ev.sources.location(span);
                (loc.path, Some(loc.start_line), Some(loc.start_column))
            }
            None => {
                let shown = ev.fs.display(dir);
                (
                    if shown.is_empty() { ".".into() } else { shown },
                    None,
                    None,
                )
            }
        };
        ev.diags.push(Diagnostic {
            path,
            line,
            column,
            message: format!(
                "evaluation exceeds the limit of {} steps (count, for_each, for expressions, \
                 module calls or functions that multiply values); the rest is unknown",
                ev.limits.eval_steps
            ),
        });
    }
    if let Some(span) = ev.nested_too_deep {
        let loc = ev.sources.location(span);
        ev.diags.push(Diagnostic {
            path: loc.path,
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message: format!(
                "references nest deeper than {} levels (a chain of locals, outputs or \
                 variables each naming the next); the rest is unknown",
                super::eval::MAX_NESTED_EVALS
            ),
        });
    }
    if ev.generated {
        // Spans into HCL written from Terraform JSON become spans into the JSON.
        let sources = &*ev.sources;
        let resolve = |span: &mut Span| *span = sources.resolve(*span);
        for resource in &mut resources {
            resolve(&mut resource.span);
            resolve_node(&mut resource.body, &resolve);
        }
        if let Some(node) = settings.provider_region.as_mut() {
            resolve_node(node, &resolve);
        }
        for suppression in &mut ev.suppressions {
            resolve(&mut suppression.span);
        }
    }
    let mut warnings = std::mem::take(&mut ev.warnings);
    warnings.extend(crate::ir::cycles::resource_cycles(
        &resources,
        ev.sources,
        "Terraform cannot plan a cycle",
    ));
    let unit = Unit {
        family: Family::Terraform,
        origin: dir.to_path_buf(),
        resources,
        destroyed: Vec::new(),
        settings,
        suppressions: std::mem::take(&mut ev.suppressions),
        warnings,
    };
    (unit, ev.diags)
}

/// Gives `node` and every node inside it the span `resolve` makes of its own.
fn resolve_node(node: &mut Node, resolve: &impl Fn(&mut Span)) {
    resolve(&mut node.span);
    match &mut node.value {
        Value::List(items) | Value::Concat(items) => {
            items.iter_mut().for_each(|n| resolve_node(n, resolve))
        }
        Value::Map(map) => map.values_mut().for_each(|n| resolve_node(n, resolve)),
        _ => {}
    }
}

impl Evaluator<'_> {
    /// Module instance `m`. Instance ids are only ever the index an instance was pushed at
    /// (`load_root_module` pushes the root as 0, `instantiate` returns the index of its push), and instances are never removed, so every id is in bounds.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn inst(&self, m: usize) -> &ModuleInst {
        &self.modules[m]
    }

    /// [`Self::inst`], to change it.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn inst_mut(&mut self, m: usize) -> &mut ModuleInst {
        &mut self.modules[m]
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
    fn parse_file<T: Default>(
        &mut self,
        path: &Path,
        what: Option<&str>,
        mut read: impl FnMut(&mut Self, &mut T, ParsedBody),
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
                read(self, &mut gathered, body);
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
                read(self, &mut gathered, body);
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
        if text.contains(super::suppressions::MARKER) && !self.sources.is_generated(id) {
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

    fn load_decl(&mut self, dir: &Path, only: Option<&[PathBuf]>) -> Rc<ModuleDecl> {
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
            if let Some(file) = self.parse_file(&path, None, |_, file, body| {
                collect_decls(file, body);
            }) {
                decl.absorb(file);
            }
        }
        let decl = Rc::new(decl);
        if only.is_none() {
            self.decls.insert(dir.to_path_buf(), decl.clone());
        }
        decl
    }

    /// Variable values of the root module, in Terraform's precedence: defaults, then
    /// `terraform.tfvars`, then `*.auto.tfvars` in name order, then `--var-file` and `--var`.
    fn root_variables(
        &mut self,
        decl: &Rc<ModuleDecl>,
        dir: &Path,
        options: &HclOptions,
    ) -> HashMap<String, Node> {
        let mut assigned: HashMap<String, Node> = HashMap::new();
        let mut tfvars: Vec<PathBuf> = Vec::new();
        let entries = self.fs.list_dir(dir).unwrap_or_default();
        for name in ["terraform.tfvars", "terraform.tfvars.json"] {
            if let Some(p) = entries
                .iter()
                .find(|p| p.file_name().is_some_and(|n| n == name))
            {
                tfvars.push(p.clone());
            }
        }
        // Terraform reads them in the lexical order of their names, HCL and JSON together.
        let mut auto: Vec<PathBuf> = entries
            .iter()
            .filter(|p| {
                p.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
            })
            .cloned()
            .collect();
        auto.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
        tfvars.extend(auto);
        let found = tfvars.len();
        tfvars.extend(options.var_files.iter().cloned());
        for (i, path) in tfvars.into_iter().enumerate() {
            // A `--var-file` that cannot be read is an error of this module; the rest is read.
            let what = (i >= found).then_some("--var-file");
            let read = |ev: &mut Self, values: &mut Vec<(String, Node)>, parsed: ParsedBody| {
                // A `locals` block is not a variable assignment (Terraform rejects blocks in
                // a variables file): as blocks anywhere else in it, it is passed over.
                if parsed.locals_only {
                    return;
                }
                let scope = Scope::new(parsed.origin);
                for attr in parsed.body.attributes() {
                    let node = ev.eval_const(&attr.value, &scope);
                    values.push((attr.key.as_str().to_string(), node));
                }
            };
            if let Some(values) = self.parse_file(&path, what, read) {
                assigned.extend(values);
            }
        }
        if !options.vars.is_empty() {
            let text: String = options
                .vars
                .iter()
                .map(|v| format!("{}={}\n", v.name, v.value))
                .collect();
            let file = self
                .sources
                .add(Path::new("<command line>"), "<command line>".into(), text);
            self.cli_file = Some(file);
            let mut offset = 0usize;
            for var in &options.vars {
                let start = offset + var.name.len() + 1;
                let span = Span::new(file, start..start + var.value.len());
                offset = start + var.value.len() + 1;
                let trimmed = var.value.trim_start();
                // Terraform reads `--var` values as raw strings unless they are a collection.
                let node = if trimmed.starts_with('[') || trimmed.starts_with('{') {
                    match hcl_edit::parser::parse_expr(&var.value) {
                        Ok(expr) => {
                            let mut node = self.eval_const(&expr, &Scope::new(Origin::whole(file)));
                            node.respan(span);
                            node
                        }
                        Err(_) => Node::new(Value::String(var.value.clone()), span),
                    }
                } else {
                    Node::new(Value::String(var.value.clone()), span)
                };
                assigned.insert(var.name.clone(), node);
            }
        }
        let mut vars = HashMap::new();
        for (name, var) in &decl.variables {
            let node = match assigned.remove(name) {
                Some(node) => node,
                None => match &var.default {
                    Some(expr) => self.eval_const(expr, &Scope::new(var.origin)),
                    None => Node::unknown(var.span),
                },
            };
            vars.insert(name.clone(), node);
        }
        vars
    }

    /// The region of the AWS provider configuration `alias` (None: the default one) as seen by
    /// module instance `m`; child modules inherit the root's providers.
    pub(crate) fn provider_region(&mut self, m: usize, alias: Option<&str>) -> Option<Node> {
        let root = 0;
        let decl = self.modules.get(root)?.decl.clone();
        let _ = m;
        let (_, expr, origin) = decl
            .aws_regions
            .iter()
            .find(|(a, _, _)| a.as_deref() == alias)?;
        let expr = expr.as_ref()?;
        Some(self.eval(root, expr, &Scope::new(*origin)))
    }

    /// Expands every resource of module instance `m` and of the modules it calls.
    fn expand_module(&mut self, m: usize, out: &mut Vec<Resource>) {
        let decl = self.inst(m).decl.clone();
        for (idx, res) in decl.resources.iter().enumerate() {
            let instances = self.instances(m, idx);
            let base = format!(
                "{}{}{}.{}",
                self.inst(m).prefix,
                if res.mode == Mode::Data { "data." } else { "" },
                res.kind,
                res.name
            );
            let header = header_span(res.origin, &res.block);
            let mut emit = |ev: &mut Self, address: String, scope: Scope| {
                let body = ev.lower_body(m, &res.block.body, &scope, true);
                let body_span = block_span(res.origin, &res.block);
                out.push(Resource {
                    family: Family::Terraform,
                    mode: res.mode,
                    kind: res.kind.clone(),
                    address,
                    span: header,
                    body: Node::new(body, body_span),
                    origin: None,
                    deployed_if: None,
                    state_only: Vec::new(),
                });
            };
            match instances {
                Instances::Single => emit(self, base.clone(), Scope::new(res.origin)),
                Instances::Count(n) => {
                    for i in 0..n {
                        let mut scope = Scope::new(res.origin);
                        scope.count_index = Some(Node::new(Value::Number(i as f64), header));
                        emit(self, format!("{base}[{i}]"), scope);
                    }
                }
                Instances::Keys(keys) => {
                    for (key, value) in keys {
                        let mut scope = Scope::new(res.origin);
                        scope.each = Some(Rc::new((
                            Node::new(Value::String(key.clone()), header),
                            value,
                        )));
                        emit(self, format!("{base}[{}]", quote_key(&key)), scope);
                    }
                }
                Instances::Unknown => {
                    let mut scope = Scope::new(res.origin);
                    scope.count_index = Some(Node::unknown(header));
                    scope.each = Some(Rc::new((Node::unknown(header), Node::unknown(header))));
                    emit(self, format!("{base}[?]"), scope);
                }
            }
        }
        for call in &decl.calls {
            let children = self.child_instances(m, &call.name);
            let ids: Vec<usize> = match children {
                ChildInstances::Single(i) => vec![i],
                ChildInstances::Count(v) => v,
                ChildInstances::Keys(v) => v.into_iter().map(|(_, i)| i).collect(),
                ChildInstances::OutOfScope | ChildInstances::InProgress => Vec::new(),
            };
            for child in ids {
                self.expand_module(child, out);
            }
        }
    }

    /// The instances of resource `idx` in module `m`, from its `count` or `for_each`.
    pub(crate) fn instances(&mut self, m: usize, idx: usize) -> Instances {
        if let Some(found) = self.inst(m).instances.get(&idx) {
            return found.clone();
        }
        // Guard against a count that refers to its own resource.
        self.inst_mut(m).instances.insert(idx, Instances::Unknown);
        let decl = self.inst(m).decl.clone();
        let Some(res) = decl.resources.get(idx) else {
            return Instances::Unknown;
        };
        let result = self.count_or_for_each(m, &res.block, res.origin);
        self.inst_mut(m).instances.insert(idx, result.clone());
        result
    }

    fn count_or_for_each(&mut self, m: usize, block: &Block, origin: Origin) -> Instances {
        let scope = Scope::new(origin);
        if let Some(attr) = block.body.get_attribute("count") {
            let node = self.eval(m, &attr.value, &scope);
            return match node.value {
                Value::Number(n) if !(n >= 0.0 && n.fract() == 0.0) => {
                    self.diag(
                        node.span,
                        format!(
                            "count must be a whole number of at least 0; Terraform rejects {}",
                            super::functions::format_number(n)
                        ),
                    );
                    Instances::Unknown
                }
                Value::Number(n) => {
                    let max = self.limits.instances;
                    if n as usize > max {
                        self.diag(
                            node.span,
                            format!("count {n} exceeds the limit of {max} instances"),
                        );
                        Instances::Count(0)
                    } else {
                        Instances::Count(n as usize)
                    }
                }
                _ => Instances::Unknown,
            };
        }
        if let Some(attr) = block.body.get_attribute("for_each") {
            let node = self.eval(m, &attr.value, &scope);
            let keys: Option<Vec<(String, Node)>> = match node.value {
                Value::Map(map) => Some(map.into_iter().collect()),
                Value::List(items) => items
                    .into_iter()
                    .map(|n| match &n.value {
                        Value::String(s) => Some((s.clone(), n.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            };
            return match keys {
                Some(keys) if keys.len() > self.limits.instances => {
                    self.diag(
                        node.span,
                        format!(
                            "for_each exceeds the limit of {} instances",
                            self.limits.instances
                        ),
                    );
                    Instances::Keys(Vec::new())
                }
                Some(mut keys) => {
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    keys.dedup_by(|a, b| a.0 == b.0);
                    Instances::Keys(keys)
                }
                None => Instances::Unknown,
            };
        }
        Instances::Single
    }

    /// The instantiated children of call `name` in module `m`, instantiating them on first use.
    pub(crate) fn child_instances(&mut self, m: usize, name: &str) -> ChildInstances {
        if let Some(found) = self.inst(m).children.get(name) {
            return found.clone();
        }
        let decl = self.inst(m).decl.clone();
        let Some(call) = decl.call_index.get(name).and_then(|&i| decl.calls.get(i)) else {
            return ChildInstances::OutOfScope;
        };
        let source_attr = call.block.body.get_attribute("source");
        let source = source_attr.and_then(|a| a.value.as_str());
        let key = if self.inst(m).key.is_empty() {
            call.name.clone()
        } else {
            format!("{}.{}", self.inst(m).key, call.name)
        };
        let dir = match source {
            Some(source) if is_local_source(source) => Some(normalize(&decl.dir.join(source))),
            Some(source) => {
                let span = source_attr.map_or_else(
                    || header_span(call.origin, &call.block),
                    |a| value_span(call.origin, &a.value, &call.block),
                );
                self.installed_dir(&key, &call.name, source, span)
            }
            None => None,
        };
        let (Some(dir), true) = (dir, self.inst(m).depth < self.limits.module_depth) else {
            self.inst_mut(m)
                .children
                .insert(name.to_string(), ChildInstances::OutOfScope);
            return ChildInstances::OutOfScope;
        };
        self.inst_mut(m)
            .children
            .insert(name.to_string(), ChildInstances::InProgress);
        let child_decl = self.load_decl(&dir, None);
        let prefix = format!("{}module.{}", self.inst(m).prefix, call.name);
        self.evaluating.push(prefix.clone());
        let result = match self.count_or_for_each(m, &call.block, call.origin) {
            Instances::Single => {
                let scope = Scope::new(call.origin);
                ChildInstances::Single(self.instantiate(
                    m,
                    call,
                    &child_decl,
                    (format!("{prefix}."), key.clone()),
                    &scope,
                ))
            }
            Instances::Count(n) => ChildInstances::Count(
                (0..n)
                    .map(|i| {
                        let mut scope = Scope::new(call.origin);
                        let span = header_span(call.origin, &call.block);
                        scope.count_index = Some(Node::new(Value::Number(i as f64), span));
                        let p = (format!("{prefix}[{i}]."), key.clone());
                        self.instantiate(m, call, &child_decl, p, &scope)
                    })
                    .collect(),
            ),
            Instances::Keys(keys) => ChildInstances::Keys(
                keys.into_iter()
                    .map(|(each_key, value)| {
                        let mut scope = Scope::new(call.origin);
                        let span = header_span(call.origin, &call.block);
                        scope.each = Some(Rc::new((
                            Node::new(Value::String(each_key.clone()), span),
                            value,
                        )));
                        let p = (format!("{prefix}[{}].", quote_key(&each_key)), key.clone());
                        let id = self.instantiate(m, call, &child_decl, p, &scope);
                        (each_key, id)
                    })
                    .collect(),
            ),
            Instances::Unknown => ChildInstances::OutOfScope,
        };
        self.evaluating.pop();
        self.inst_mut(m)
            .children
            .insert(name.to_string(), result.clone());
        result
    }

    fn instantiate(
        &mut self,
        parent: usize,
        call: &ModuleCallDecl,
        child: &Rc<ModuleDecl>,
        (prefix, key): (String, String),
        scope: &Scope,
    ) -> usize {
        const META: [&str; 6] = [
            "source",
            "version",
            "count",
            "for_each",
            "providers",
            "depends_on",
        ];
        let mut vars = HashMap::new();
        for attr in call.block.body.attributes() {
            let key = attr.key.as_str();
            if META.contains(&key) {
                continue;
            }
            vars.insert(key.to_string(), self.eval(parent, &attr.value, scope));
        }
        for (name, var) in &child.variables {
            if vars.contains_key(name) {
                continue;
            }
            let node = match &var.default {
                Some(expr) => self.eval_const(expr, &Scope::new(var.origin)),
                None => Node::unknown(var.span),
            };
            vars.insert(name.clone(), node);
        }
        let depth = self.inst(parent).depth + 1;
        // An instance holds maps and its address prefix: it costs more than one value.
        self.spend(MODULE_INSTANCE_STEPS);
        self.modules.push(ModuleInst {
            decl: child.clone(),
            prefix,
            key,
            depth,
            vars,
            locals: HashMap::new(),
            outputs: HashMap::new(),
            children: HashMap::new(),
            instances: HashMap::new(),
        });
        self.modules.len() - 1
    }
}

impl Evaluator<'_> {
    /// The directory `terraform init` installed the module of key `key` into (a registry or
    /// remote `source`), from `.terraform/modules/modules.json` beside the root module. None,
    /// with a warning at the call's `source` (once per call), when it is not installed.
    fn installed_dir(
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
fn value_span(origin: Origin, value: &Expression, block: &Block) -> Span {
    use hcl_edit::Span as _;
    value
        .span()
        .map_or_else(|| header_span(origin, block), |r| origin.span(r))
}

/// The offset where brackets first nest deeper than `max` (`Limits::hcl_nesting`: the parser
/// recurses on them), if they do. Brackets inside strings count too, which only errs on the
/// safe side.
fn too_deep(text: &str, max: usize) -> Option<usize> {
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
fn offset_of(text: &str, line: usize, column: usize) -> usize {
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

pub(crate) fn quote_key(key: &str) -> String {
    format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Gathers the declarations of one parsed body into `decl`.
fn collect_decls(decl: &mut ModuleDecl, parsed: ParsedBody) {
    use hcl_edit::Span as _;
    let origin = parsed.origin;
    // Kept as text when the file was read in pieces (see [`Kept::Text`]).
    let keep = |value: Expression| match value.span() {
        Some(range) if parsed.in_pieces => {
            Kept::Text(origin.base + range.start..origin.base + range.end)
        }
        _ => Kept::Parsed(Box::new(value)),
    };
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
