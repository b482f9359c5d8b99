//! A root module evaluated into a unit: its variables (defaults, tfvars, `--var`,
//! `--var-file`), then every resource of it and of the modules it calls, expanded by
//! `count`/`for_each` (module loading is in `load.rs`, evaluation in `eval.rs`).

use super::budget::{Budget, Chain};
use super::eval::{ChildInstances, Instances};
use super::eval::{Evaluator, ModuleInst, Scope, quote_key};
use super::load::{Kept, Loader, ModuleDecl, NamedExpr, ParsedBody, block_span, header_span};
use super::pieces::Origin;
use crate::frontend::FileSystem;
use crate::ir::{
    Copied, Diagnostic, Family, Mode, Node, Resource, Settings, SourceMap, Span, Unit, Value,
};
use crate::limits::Limits;
use foldhash::{HashMap, HashMapExt};
use hcl_edit::structure::Structure;
use std::path::{Path, PathBuf};
use std::rc::Rc;

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
        loader: Loader::new(fs, sources, dir, limits),
        limits: *limits,
        budget: Budget::new(limits),
        chain: Chain::default(),
        modules: Vec::new(),
        diags: Vec::new(),
        warnings: Vec::new(),
        cli_file: None,
        copies: HashMap::new(),
    };
    let decl = ev.loader.load_decl(dir, only);
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
    for (span, message) in ev.budget.overruns() {
        match span {
            Some(span) => ev.diag(span, message),
            None => {
                let shown = ev.loader.fs.display(dir);
                let path = if shown.is_empty() { ".".into() } else { shown };
                ev.diags.push(Diagnostic {
                    path,
                    line: None,
                    column: None,
                    message,
                });
            }
        }
    }
    let Evaluator {
        loader,
        mut diags,
        mut warnings,
        mut copies,
        ..
    } = ev;
    diags.extend(loader.diags);
    warnings.extend(loader.warnings);
    let mut suppressions = loader.suppressions;
    if loader.generated {
        // Spans into HCL written from Terraform JSON become spans into the JSON.
        let sources = &*loader.sources;
        let resolve = |span: &mut Span| *span = sources.resolve(*span);
        for resource in &mut resources {
            resolve(&mut resource.span);
            resolve_node(&mut resource.body, &resolve);
        }
        if let Some(node) = settings.provider_region.as_mut() {
            resolve_node(node, &resolve);
        }
        for suppression in &mut suppressions {
            resolve(&mut suppression.span);
        }
        copies = copies
            .into_iter()
            .map(|((mut at, key), copied)| {
                resolve(&mut at);
                let copied = match copied {
                    Copied::From(mut from) => {
                        resolve(&mut from);
                        Copied::From(from)
                    }
                    Copied::Given => Copied::Given,
                };
                ((at, key), copied)
            })
            .collect();
    }
    warnings.extend(crate::ir::cycles::resource_cycles(
        &resources,
        loader.sources,
        "Terraform cannot plan a cycle",
    ));
    let unit = Unit {
        family: Family::Terraform,
        origin: dir.to_path_buf(),
        resources,
        destroyed: Vec::new(),
        settings,
        suppressions,
        warnings,
        copies,
        from_plan: false,
    };
    (unit, diags)
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
        let entries = self.loader.fs.list_dir(dir).unwrap_or_default();
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
            let read = |values: &mut Vec<(String, NamedExpr)>, parsed: ParsedBody| {
                // A `locals` block is not a variable assignment (Terraform rejects blocks in
                // a variables file): as blocks anywhere else in it, it is passed over.
                if parsed.locals_only {
                    return;
                }
                for structure in parsed.body.into_iter() {
                    if let Structure::Attribute(attr) = structure {
                        let expr = Kept::new(attr.value, parsed.origin, parsed.in_pieces);
                        let origin = parsed.origin;
                        values.push((attr.key.as_str().to_string(), NamedExpr { origin, expr }));
                    }
                }
            };
            for (name, value) in self
                .loader
                .parse_file(&path, what, read)
                .unwrap_or_default()
            {
                let node = self.eval_kept(None, &value);
                assigned.insert(name, node);
            }
        }
        if !options.vars.is_empty() {
            let text: String = options
                .vars
                .iter()
                .map(|v| format!("{}={}\n", v.name, v.value))
                .collect();
            let file =
                self.loader
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
}
