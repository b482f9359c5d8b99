//! Expression evaluation: HCL expressions to IR nodes, with Terraform's semantics for what is
//! knowable before apply. Anything else becomes `Unknown` with the expression's span.

use super::budget::{Budget, Chain};
use super::functions;
use super::load::{
    Kept, Loader, ModuleCallDecl, ModuleDecl, NamedExpr, block_span, header_span, is_local_source,
    normalize, value_span,
};
use super::pieces::Origin;
use crate::ir::{Copied, Diagnostic, FileId, Mode, Node, Reference, Span, Value};
use crate::limits::Limits;
use foldhash::{HashMap, HashMapExt};
use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::Block;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How deep expressions may nest before evaluation gives up with Unknown.
const MAX_EVAL_DEPTH: usize = 256;
/// Block types and attributes of a resource that are Terraform meta-arguments, not attributes.
const META_ARGUMENTS: [&str; 7] = [
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
];

/// What instantiating a module costs of the evaluation budget (`Limits::eval_steps`), so that
/// at most 50,000 module instances are created by default.
const MODULE_INSTANCE_STEPS: usize = 100;

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
    /// Reads module directories (and owns the source map).
    pub loader: Loader<'a>,
    /// What one input may cost.
    pub limits: Limits,
    /// What evaluation may still spend.
    pub budget: Budget,
    /// The locals, outputs and module calls under evaluation.
    pub chain: Chain,
    /// Module instances; the root is 0.
    pub modules: Vec<ModuleInst>,
    /// Errors in what is evaluated.
    pub diags: Vec<Diagnostic>,
    /// Reference cycles, each reported once at the reference that closes it.
    pub warnings: Vec<Diagnostic>,
    /// Where the command line's `--var` values are recorded, so their nodes have a span.
    pub cli_file: Option<FileId>,
    /// Where the strings read through variables, locals and module outputs were written
    /// ([`crate::ir::Unit::copies`]).
    pub copies: HashMap<(Span, u64), Copied>,
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
        let loc = self.loader.sources.location(span);
        self.diags.push(Diagnostic {
            path: loc.path,
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message,
        });
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
                self.loader.installed_dir(&key, &call.name, source, span)
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
        let child_decl = self.loader.load_decl(&dir, None);
        let prefix = format!("{}module.{}", self.inst(m).prefix, call.name);
        self.chain.push(prefix.clone());
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
        self.chain.pop();
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
        self.budget.spend(MODULE_INSTANCE_STEPS);
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

pub(crate) fn quote_key(key: &str) -> String {
    format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The named values of a module evaluated once and kept: locals and outputs.
#[derive(Clone, Copy)]
enum Named {
    Local,
    Output,
}

impl Named {
    /// How a reference names it (`local.x`, `module.m.x` is `output.x` in a cycle's path).
    fn word(self) -> &'static str {
        match self {
            Named::Local => "local",
            Named::Output => "output",
        }
    }

    fn declared(self, decl: &ModuleDecl) -> &HashMap<String, NamedExpr> {
        match self {
            Named::Local => &decl.locals,
            Named::Output => &decl.outputs,
        }
    }

    fn slots(self, inst: &ModuleInst) -> &HashMap<String, Slot> {
        match self {
            Named::Local => &inst.locals,
            Named::Output => &inst.outputs,
        }
    }

    fn slots_mut(self, inst: &mut ModuleInst) -> &mut HashMap<String, Slot> {
        match self {
            Named::Local => &mut inst.locals,
            Named::Output => &mut inst.outputs,
        }
    }
}

/// The names in scope while evaluating one expression.
#[derive(Clone)]
pub(crate) struct Scope {
    /// Where the expression's text sits: the parser's positions are relative to it.
    pub origin: Origin,
    pub count_index: Option<Node>,
    /// Shared, so that cloning a scope (every nested expression does) copies no values.
    pub each: Option<Rc<(Node, Node)>>,
    /// `for` expression variables and `dynamic` block iterators, innermost last.
    pub bindings: Vec<(String, Rc<Node>)>,
    pub depth: usize,
}

impl Scope {
    pub fn new(origin: Origin) -> Scope {
        Scope {
            origin,
            count_index: None,
            each: None,
            bindings: Vec::new(),
            depth: 0,
        }
    }

    fn bound(&self, name: &str) -> Option<&Node> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &**v)
    }

    fn with(&self, name: &str, value: Node) -> Scope {
        let mut scope = self.clone();
        scope.bindings.push((name.to_string(), Rc::new(value)));
        scope
    }
}

fn span_of(scope: &Scope, range: Option<std::ops::Range<usize>>) -> Span {
    scope.origin.span(range.unwrap_or(0..0))
}

impl Evaluator<'_> {
    /// Evaluates an expression that may only use constants (tfvars, variable defaults).
    pub(crate) fn eval_const(&mut self, expr: &Expression, scope: &Scope) -> Node {
        // Module 0 may not exist yet while root variables are read; constants need no module.
        self.eval_in(None, expr, scope)
    }

    pub(crate) fn eval(&mut self, m: usize, expr: &Expression, scope: &Scope) -> Node {
        self.eval_in(Some(m), expr, scope)
    }

    fn eval_in(&mut self, m: Option<usize>, expr: &Expression, scope: &Scope) -> Node {
        let span = span_of(scope, expr.span());
        if !self.budget.enter(span) {
            return Node::unknown(span);
        }
        let node = self.eval_step(m, expr, scope);
        self.budget.leave();
        // Strings are paid for by their length too (a long literal or template in a loop).
        match &node.value {
            Value::String(s) if !self.budget.spend_on_string(s) => Node::unknown(node.span),
            _ => node,
        }
    }

    fn eval_step(&mut self, m: Option<usize>, expr: &Expression, scope: &Scope) -> Node {
        let span = span_of(scope, expr.span());
        if scope.depth > MAX_EVAL_DEPTH {
            return Node::unknown(span);
        }
        if !self.budget.step(span) {
            return Node::unknown(span);
        }
        let mut inner = scope.clone();
        inner.depth += 1;
        let scope = &inner;
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(Value::Unknown, Value::Number),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(array) => {
                Value::List(array.iter().map(|e| self.eval_in(m, e, scope)).collect())
            }
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
                        ObjectKey::Expression(e) => {
                            let k = self.eval_in(m, e, scope);
                            functions::to_string(&k.value)
                        }
                    };
                    let Some(key) = key else {
                        return Node::unknown(span);
                    };
                    map.insert(key, self.eval_in(m, value.expr(), scope));
                }
                Value::Map(map)
            }
            Expression::StringTemplate(template) => {
                return self.eval_template(m, template, span, scope);
            }
            Expression::HeredocTemplate(heredoc) => {
                let mut heredoc = (**heredoc).clone();
                if heredoc.indent().is_some() {
                    heredoc.dedent();
                }
                return self.eval_template(m, &heredoc.template, span, scope);
            }
            Expression::Parenthesis(p) => return self.eval_in(m, p.inner(), scope),
            Expression::Variable(ident) => {
                return match scope.bound(ident.as_str()) {
                    Some(node) => self.budget.copy(node, node.span),
                    None => match m {
                        Some(m) => self.root_value(m, ident.as_str(), &[], span, scope).0,
                        None => Node::unknown(span),
                    },
                };
            }
            Expression::Conditional(cond) => {
                let c = self.eval_in(m, &cond.cond_expr, scope);
                return match c.value {
                    Value::Bool(true) => self.eval_in(m, &cond.true_expr, scope),
                    Value::Bool(false) => self.eval_in(m, &cond.false_expr, scope),
                    _ => Node::unknown(span),
                };
            }
            Expression::FuncCall(call) => {
                let mut args: Vec<Node> = call
                    .args
                    .iter()
                    .map(|a| self.eval_in(m, a, scope))
                    .collect();
                if call.args.expand_final() {
                    if let Some(last) = args.pop() {
                        match last.value {
                            Value::List(items) => args.extend(items),
                            _ => return Node::unknown(span),
                        }
                    }
                }
                let name = call.name.name.as_str();
                let name = name.strip_prefix("provider::").unwrap_or(name);
                let too_long = std::cell::Cell::new(false);
                let result = functions::call(name, args, span, self.limits.string_bytes, &too_long);
                if too_long.get() {
                    self.diag(
                        span,
                        format!(
                            "{name}() would build a string longer than the limit of {} bytes; \
                             its value is unknown",
                            self.limits.string_bytes
                        ),
                    );
                }
                return self.budget.charge(result);
            }
            Expression::Traversal(traversal) => {
                return self.eval_traversal(m, traversal, span, scope);
            }
            Expression::UnaryOp(op) => {
                let v = self.eval_in(m, &op.expr, scope);
                match (op.operator.value(), v.value) {
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOperator::Neg, Value::Number(n)) => Value::Number(-n),
                    _ => Value::Unknown,
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.eval_in(m, &op.lhs_expr, scope);
                let rhs = self.eval_in(m, &op.rhs_expr, scope);
                let operator = *op.operator.value();
                if matches!(operator, BinaryOperator::Div | BinaryOperator::Mod)
                    && functions::to_number(&lhs.value).is_some()
                    && functions::to_number(&rhs.value) == Some(0.0)
                {
                    self.diag(
                        span,
                        "division by zero: Terraform rejects this expression".into(),
                    );
                }
                binary(operator, &lhs.value, &rhs.value)
            }
            Expression::ForExpr(for_expr) => {
                let collection = self.eval_in(m, &for_expr.intro.collection_expr, scope);
                let pairs: Vec<(Node, Node)> = match collection.value {
                    Value::List(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, n)| (Node::new(Value::Number(i as f64), n.span), n))
                        .collect(),
                    Value::Map(map) => map
                        .into_iter()
                        .map(|(k, n)| (Node::new(Value::String(k), n.span), n))
                        .collect(),
                    _ => return Node::unknown(span),
                };
                let key_var = for_expr
                    .intro
                    .key_var
                    .as_ref()
                    .map(|k| k.as_str().to_string());
                let value_var = for_expr.intro.value_var.as_str().to_string();
                let mut list = Vec::new();
                let mut map: BTreeMap<String, Node> = BTreeMap::new();
                let mut grouped: BTreeMap<String, Vec<Node>> = BTreeMap::new();
                for (key, value) in pairs {
                    let mut inner = scope.with(&value_var, value);
                    if let Some(k) = &key_var {
                        inner = inner.with(k, key);
                    }
                    if let Some(cond) = &for_expr.cond {
                        match self.eval_in(m, &cond.expr, &inner).value {
                            Value::Bool(true) => {}
                            Value::Bool(false) => continue,
                            _ => return Node::unknown(span),
                        }
                    }
                    let item = self.eval_in(m, &for_expr.value_expr, &inner);
                    match &for_expr.key_expr {
                        None => list.push(item),
                        Some(key_expr) => {
                            let k = self.eval_in(m, key_expr, &inner);
                            let Some(k) = functions::to_string(&k.value) else {
                                return Node::unknown(span);
                            };
                            if for_expr.grouping {
                                grouped.entry(k).or_default().push(item);
                            } else {
                                map.insert(k, item);
                            }
                        }
                    }
                }
                if for_expr.key_expr.is_none() {
                    Value::List(list)
                } else if for_expr.grouping {
                    Value::Map(
                        grouped
                            .into_iter()
                            .map(|(k, v)| (k, Node::new(Value::List(v), span)))
                            .collect(),
                    )
                } else {
                    Value::Map(map)
                }
            }
        };
        Node::new(value, span)
    }

    fn eval_template(
        &mut self,
        m: Option<usize>,
        template: &Template,
        span: Span,
        scope: &Scope,
    ) -> Node {
        // `"${x}"` is x itself, type and all.
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(interp)] = elements.as_slice() {
            let mut node = self.eval_in(m, &interp.expr, scope);
            node.span = span;
            return node;
        }
        let mut out = String::new();
        if self.render_template(m, template, scope, &mut out) {
            return Node::new(Value::String(out), span);
        }
        // Literals and interpolated references only: keep the parts for the model.
        let mut parts = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(lit) => {
                    parts.push(Node::new(Value::String(lit.value().to_string()), span))
                }
                Element::Interpolation(interp) => {
                    let node = self.eval_in(m, &interp.expr, scope);
                    match node.value {
                        Value::Ref(_) | Value::String(_) | Value::Concat(_) => parts.push(node),
                        _ => match functions::to_string(&node.value) {
                            Some(s) => parts.push(Node::new(Value::String(s), node.span)),
                            None => return Node::unknown(span),
                        },
                    }
                }
                Element::Directive(_) => return Node::unknown(span),
            }
        }
        Node::new(Value::Concat(parts), span)
    }

    /// Appends the rendered template to `out`; false when any part is not knowable.
    fn render_template(
        &mut self,
        m: Option<usize>,
        template: &Template,
        scope: &Scope,
        out: &mut String,
    ) -> bool {
        for element in template.iter() {
            match element {
                Element::Literal(lit) => out.push_str(lit.value()),
                Element::Interpolation(interp) => {
                    let v = self.eval_in(m, &interp.expr, scope);
                    match functions::to_string(&v.value) {
                        Some(s) => out.push_str(&s),
                        None => return false,
                    }
                }
                Element::Directive(directive) => match &**directive {
                    Directive::If(d) => match self.eval_in(m, &d.if_expr.cond_expr, scope).value {
                        Value::Bool(true) => {
                            if !self.render_template(m, &d.if_expr.template, scope, out) {
                                return false;
                            }
                        }
                        Value::Bool(false) => {
                            if let Some(e) = &d.else_expr {
                                if !self.render_template(m, &e.template, scope, out) {
                                    return false;
                                }
                            }
                        }
                        _ => return false,
                    },
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let collection = self.eval_in(m, &f.collection_expr, scope);
                        let pairs: Vec<(Node, Node)> = match collection.value {
                            Value::List(items) => items
                                .into_iter()
                                .enumerate()
                                .map(|(i, n)| (Node::new(Value::Number(i as f64), n.span), n))
                                .collect(),
                            Value::Map(map) => map
                                .into_iter()
                                .map(|(k, n)| (Node::new(Value::String(k), n.span), n))
                                .collect(),
                            _ => return false,
                        };
                        for (key, value) in pairs {
                            if !self.budget.spend(1) {
                                return false;
                            }
                            let mut inner = scope.with(f.value_var.as_str(), value);
                            if let Some(k) = &f.key_var {
                                inner = inner.with(k.as_str(), key);
                            }
                            if !self.render_template(m, &f.template, &inner, out) {
                                return false;
                            }
                        }
                    }
                },
            }
            if out.len() > self.limits.string_bytes {
                return false;
            }
        }
        true
    }

    fn eval_traversal(
        &mut self,
        m: Option<usize>,
        traversal: &hcl_edit::expr::Traversal,
        span: Span,
        scope: &Scope,
    ) -> Node {
        let ops: Vec<&TraversalOperator> = traversal.operators.iter().map(|o| o.value()).collect();
        let (mut node, consumed) = match (&traversal.expr, m) {
            (Expression::Variable(ident), _) if scope.bound(ident.as_str()).is_some() => {
                let node = match scope.bound(ident.as_str()) {
                    Some(node) => self.budget.copy(node, node.span),
                    None => Node::unknown(span),
                };
                (node, 0)
            }
            (Expression::Variable(ident), Some(m)) => {
                self.root_value(m, ident.as_str(), &ops, span, scope)
            }
            (Expression::Variable(_), None) => return Node::unknown(span),
            (other, _) => (self.eval_in(m, other, scope), 0),
        };
        let mut rest = ops.get(consumed..).unwrap_or(&[]).iter();
        while let Some(op) = rest.next() {
            match op {
                TraversalOperator::GetAttr(name) => node = get_attr(node, name.as_str(), span),
                TraversalOperator::Index(index_expr) => {
                    let index = self.eval_in(m, index_expr, scope);
                    node = index_value(node, &index.value, span);
                }
                TraversalOperator::LegacyIndex(i) => {
                    node = index_value(node, &Value::Number(*i.value() as f64), span);
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // The remaining operators apply to each element.
                    let remaining: Vec<&TraversalOperator> = rest.by_ref().copied().collect();
                    let items = match node.value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        Value::Unknown => return Node::unknown(span),
                        _ => vec![node],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        let mut n = item;
                        for op in &remaining {
                            n = match op {
                                TraversalOperator::GetAttr(name) => {
                                    get_attr(n, name.as_str(), span)
                                }
                                TraversalOperator::Index(e) => {
                                    let index = self.eval_in(m, e, scope);
                                    index_value(n, &index.value, span)
                                }
                                TraversalOperator::LegacyIndex(i) => {
                                    index_value(n, &Value::Number(*i.value() as f64), span)
                                }
                                _ => Node::unknown(span),
                            };
                        }
                        out.push(n);
                    }
                    return Node::new(Value::List(out), span);
                }
            }
        }
        node
    }

    /// Resolves a root name (`var`, `local`, `module`, `data`, a resource type, …) with the
    /// operators that name it; returns the value and how many operators it consumed.
    pub(crate) fn root_value(
        &mut self,
        m: usize,
        root: &str,
        ops: &[&TraversalOperator],
        span: Span,
        scope: &Scope,
    ) -> (Node, usize) {
        let first = match ops.first() {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let second = match ops.get(1) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        match (root, first) {
            ("var", Some(name)) => {
                // Paid for before the copy is made.
                let found = self.modules.get(m).and_then(|inst| inst.vars.get(name));
                let mut node = match found {
                    Some(value) => self.budget.copy(value, span),
                    None => Node::unknown(span),
                };
                let given = self.cli_file.is_some_and(|f| f == node.span.file);
                Copied::record(&mut self.copies, span, &node, given);
                node.respan(span);
                (node, 1)
            }
            ("local", Some(name)) => {
                let mut node = self.local(m, name, span);
                Copied::record(&mut self.copies, span, &node, false);
                node.respan(span);
                (node, 1)
            }
            ("count", Some("index")) => (
                scope.count_index.clone().map_or_else(
                    || Node::unknown(span),
                    |mut n| {
                        n.respan(span);
                        n
                    },
                ),
                1,
            ),
            ("each", Some(which @ ("key" | "value"))) => {
                let node = scope
                    .each
                    .as_ref()
                    .map(|each| if which == "key" { &each.0 } else { &each.1 });
                let mut node = match node {
                    Some(node) => self.budget.copy(node, node.span),
                    None => Node::unknown(span),
                };
                node.respan(span);
                (node, 1)
            }
            ("path", Some("module" | "root" | "cwd")) => {
                let dir = self.inst(m).decl.dir.to_string_lossy().into_owned();
                (Node::new(Value::String(dir), span), 1)
            }
            ("terraform", Some("workspace")) => {
                (Node::new(Value::String("default".into()), span), 1)
            }
            ("module", Some(name)) => self
                .module_value(m, name, ops.get(1..).unwrap_or(&[]), span)
                .map_or_else(
                    || (Node::unknown(span), ops.len()),
                    |(n, used)| (n, used + 1),
                ),
            ("data", Some(kind)) => match second {
                Some(name) => (self.resource_value(m, Mode::Data, kind, name, span), 2),
                None => (Node::unknown(span), ops.len()),
            },
            (kind, Some(name)) => (self.resource_value(m, Mode::Managed, kind, name, span), 1),
            _ => (Node::unknown(span), ops.len()),
        }
    }

    fn local(&mut self, m: usize, name: &str, span: Span) -> Node {
        self.named_value(m, Named::Local, name, span)
    }

    fn output(&mut self, m: usize, name: &str, span: Span) -> Node {
        self.named_value(m, Named::Output, name, span)
    }

    /// Evaluates a kept expression (of a local, an output, a variables file) in module
    /// instance `m` (None: only constants).
    pub(crate) fn eval_kept(&mut self, m: Option<usize>, kept: &NamedExpr) -> Node {
        match &kept.expr {
            Kept::Parsed(expr) => self.eval_in(m, expr, &Scope::new(kept.origin)),
            Kept::Text(range) => {
                let file = kept.origin.file;
                let text = self.loader.sources.text(file).get(range.clone());
                let origin = Origin {
                    file,
                    base: range.start,
                };
                match text.map(hcl_edit::parser::parse_expr) {
                    Some(Ok(expr)) => self.eval_in(m, &expr, &Scope::new(origin)),
                    failed => {
                        // It parsed as part of its piece of the file; alone it should too.
                        let why = match failed {
                            Some(Err(err)) => err.message().to_string(),
                            _ => "it is not in its file".into(),
                        };
                        let at = Span::new(file, range.clone());
                        let message = format!(
                            "this expression did not parse again on its own ({why}); its value \
                             is unknown"
                        );
                        self.diag(at, message);
                        Node::unknown(at)
                    }
                }
            }
        }
    }

    /// The value of a local or output of module instance `m`, evaluated on first use and kept.
    fn named_value(&mut self, m: usize, named: Named, name: &str, span: Span) -> Node {
        match self
            .modules
            .get(m)
            .and_then(|inst| named.slots(inst).get(name))
        {
            // Paid for before the copy is made: a value referenced in many places must not be
            // copied past the budget.
            Some(Slot::Done(node)) => return self.budget.copy(node, span),
            Some(Slot::InProgress) => {
                let closing = format!("{}{}.{name}", self.inst(m).prefix, named.word());
                self.cycle(closing, span);
                return Node::unknown(span);
            }
            None => {}
        }
        let decl = self.inst(m).decl.clone();
        let Some(declared) = named.declared(&decl).get(name) else {
            return Node::unknown(span);
        };
        named
            .slots_mut(self.inst_mut(m))
            .insert(name.to_string(), Slot::InProgress);
        let label = format!("{}{}.{name}", self.inst(m).prefix, named.word());
        self.chain.push(label);
        let node = capped(self.eval_kept(Some(m), declared));
        self.chain.pop();
        // The value is kept for later references and handed to this one: the second copy is
        // paid for like any other.
        let node = self.budget.charge(node);
        named
            .slots_mut(self.inst_mut(m))
            .insert(name.to_string(), Slot::Done(node.clone()));
        node
    }

    /// Warns of the reference cycle that the reference at `span` to `closing` (a local, output
    /// or module call under evaluation) closes. Each reference warns once (module instances
    /// share their references).
    fn cycle(&mut self, closing: String, span: Span) {
        let Some(message) = self.chain.close(&closing, span) else {
            return;
        };
        let loc = self.loader.sources.location(span);
        self.warnings.push(Diagnostic {
            path: loc.path,
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message,
        });
    }

    /// All outputs of module instance `m` as a map.
    fn outputs_map(&mut self, m: usize, span: Span) -> Node {
        let decl = self.inst(m).decl.clone();
        let mut names: Vec<&String> = decl.outputs.keys().collect();
        names.sort();
        let map = names
            .into_iter()
            .map(|n| (n.clone(), self.output(m, n, span)))
            .collect();
        Node::new(Value::Map(map), span)
    }

    /// `module.NAME…`: returns the value and how many of `ops` it consumed, or None when the
    /// call does not exist.
    fn module_value(
        &mut self,
        m: usize,
        name: &str,
        ops: &[&TraversalOperator],
        span: Span,
    ) -> Option<(Node, usize)> {
        let children = self.child_instances(m, name);
        let mut node = match children {
            ChildInstances::OutOfScope => return None,
            ChildInstances::InProgress => {
                let closing = format!("{}module.{name}", self.inst(m).prefix);
                self.cycle(closing, span);
                return None;
            }
            ChildInstances::Single(child) => {
                if let Some(TraversalOperator::GetAttr(out)) = ops.first() {
                    let mut node = self.output(child, out.as_str(), span);
                    Copied::record(&mut self.copies, span, &node, false);
                    node.respan(span);
                    return Some((node, 1));
                }
                self.outputs_map(child, span)
            }
            ChildInstances::Count(ids) => {
                let items = ids.into_iter().map(|c| self.outputs_map(c, span)).collect();
                Node::new(Value::List(items), span)
            }
            ChildInstances::Keys(ids) => {
                let map = ids
                    .into_iter()
                    .map(|(k, c)| (k, self.outputs_map(c, span)))
                    .collect();
                Node::new(Value::Map(map), span)
            }
        };
        node.respan(span);
        Some((node, 0))
    }

    /// A resource named in an expression: a `Ref` to each of its instances.
    fn resource_value(&mut self, m: usize, mode: Mode, kind: &str, name: &str, span: Span) -> Node {
        let decl = self.inst(m).decl.clone();
        let key = (mode, kind.to_string(), name.to_string());
        let Some(&idx) = decl.resource_index.get(&key) else {
            // Not declared in this module: out of scope, so unknown.
            return Node::unknown(span);
        };
        let base = format!(
            "{}{}{kind}.{name}",
            self.inst(m).prefix,
            if mode == Mode::Data { "data." } else { "" }
        );
        let reference = |address: String| {
            Node::new(
                Value::Ref(Box::new(Reference {
                    address,
                    path: Vec::new(),
                })),
                span,
            )
        };
        let instances = self.instances(m, idx);
        let count = match &instances {
            Instances::Count(n) => *n,
            Instances::Keys(keys) => keys.len(),
            _ => 0,
        };
        if !self.budget.spend(count) {
            return Node::unknown(span);
        }
        match instances {
            Instances::Single => reference(base),
            Instances::Count(n) => Node::new(
                Value::List((0..n).map(|i| reference(format!("{base}[{i}]"))).collect()),
                span,
            ),
            Instances::Keys(keys) => Node::new(
                Value::Map(
                    keys.into_iter()
                        .map(|(k, _)| {
                            let address = format!("{base}[{}]", quote_key(&k));
                            (k, reference(address))
                        })
                        .collect(),
                ),
                span,
            ),
            Instances::Unknown => Node::unknown(span),
        }
    }

    /// A block body as a map: attributes by name, nested blocks as lists of maps (as Terraform
    /// plans show them), `dynamic` blocks expanded.
    pub(crate) fn lower_body(&mut self, m: usize, body: &Body, scope: &Scope, top: bool) -> Value {
        let mut map: BTreeMap<String, Node> = BTreeMap::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    if top && META_ARGUMENTS.contains(&key) {
                        continue;
                    }
                    map.insert(key.to_string(), self.eval(m, &attr.value, scope));
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    if top && META_ARGUMENTS.contains(&ident) {
                        continue;
                    }
                    let span = block_span(scope.origin, block);
                    if ident == "dynamic" {
                        let Some(label) = block.labels.first().map(|l| l.as_str().to_string())
                        else {
                            continue;
                        };
                        let entry = map
                            .entry(label.clone())
                            .or_insert_with(|| Node::new(Value::List(Vec::new()), span));
                        let expanded = self.expand_dynamic(m, block, &label, scope, span);
                        match (&mut entry.value, expanded) {
                            (Value::List(items), Some(new)) => items.extend(new),
                            (_, _) => *entry = Node::unknown(span),
                        }
                        continue;
                    }
                    let lowered = Node::new(self.lower_body(m, &block.body, scope, false), span);
                    let entry = map
                        .entry(ident.to_string())
                        .or_insert_with(|| Node::new(Value::List(Vec::new()), span));
                    if let Value::List(items) = &mut entry.value {
                        items.push(lowered);
                    }
                }
            }
        }
        Value::Map(map)
    }

    /// The blocks a `dynamic "label" { for_each … content { … } }` produces, or None when its
    /// collection is not knowable.
    fn expand_dynamic(
        &mut self,
        m: usize,
        block: &hcl_edit::structure::Block,
        label: &str,
        scope: &Scope,
        span: Span,
    ) -> Option<Vec<Node>> {
        let for_each = block.body.get_attribute("for_each")?;
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| a.value.as_variable().map(|i| i.as_str().to_string()))
            .unwrap_or_else(|| label.to_string());
        let content = block
            .body
            .blocks()
            .find(|b| b.ident.as_str() == "content")?;
        let collection = self.eval(m, &for_each.value, scope);
        let pairs: Vec<(Node, Node)> = match collection.value {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, n)| (Node::new(Value::Number(i as f64), n.span), n))
                .collect(),
            Value::Map(map) => map
                .into_iter()
                .map(|(k, n)| (Node::new(Value::String(k), n.span), n))
                .collect(),
            _ => return None,
        };
        let mut out = Vec::new();
        for (key, value) in pairs {
            if !self.budget.spend(1) {
                return None;
            }
            let mut obj = BTreeMap::new();
            obj.insert("key".to_string(), key);
            obj.insert("value".to_string(), value);
            let inner = scope.with(&iterator, Node::new(Value::Map(obj), span));
            let lowered = self.lower_body(m, &content.body, &inner, false);
            out.push(Node::new(lowered, block_span(scope.origin, content)));
        }
        let _ = header_span;
        Some(out)
    }
}

/// The most nodes a named value (local, output) may hold: values built by doubling themselves
/// through a chain of locals become unknown instead of exhausting memory.
const MAX_VALUE_NODES: usize = 200_000;

fn capped(node: Node) -> Node {
    fn size(node: &Node, budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match &node.value {
            Value::List(items) | Value::Concat(items) => items.iter().all(|n| size(n, budget)),
            Value::Map(map) => map.values().all(|n| size(n, budget)),
            _ => true,
        }
    }
    let mut budget = MAX_VALUE_NODES;
    if size(&node, &mut budget) {
        node
    } else {
        Node::unknown(node.span)
    }
}

/// `node.name`: a map entry, or a longer reference.
fn get_attr(node: Node, name: &str, span: Span) -> Node {
    match node.value {
        Value::Map(mut map) => map.remove(name).unwrap_or_else(|| Node::unknown(span)),
        Value::Ref(mut r) => {
            r.path.push(name.to_string());
            Node::new(Value::Ref(r), span)
        }
        _ => Node::unknown(span),
    }
}

/// `node[index]`.
fn index_value(node: Node, index: &Value, span: Span) -> Node {
    match (node.value, index) {
        (Value::List(items), Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => items
            .into_iter()
            .nth(*n as usize)
            .unwrap_or_else(|| Node::unknown(span)),
        (Value::Map(mut map), key) => match functions::to_string(key) {
            Some(k) => map.remove(&k).unwrap_or_else(|| Node::unknown(span)),
            None => Node::unknown(span),
        },
        (Value::Ref(mut r), key) => match functions::to_string(key) {
            Some(k) => {
                r.path.push(k);
                Node::new(Value::Ref(r), span)
            }
            None => Node::unknown(span),
        },
        _ => Node::unknown(span),
    }
}

fn binary(op: BinaryOperator, lhs: &Value, rhs: &Value) -> Value {
    use BinaryOperator as B;
    match op {
        B::And | B::Or => match (lhs, rhs) {
            (Value::Bool(a), Value::Bool(b)) => {
                Value::Bool(if op == B::And { *a && *b } else { *a || *b })
            }
            (Value::Bool(false), _) | (_, Value::Bool(false)) if op == B::And => Value::Bool(false),
            (Value::Bool(true), _) | (_, Value::Bool(true)) if op == B::Or => Value::Bool(true),
            _ => Value::Unknown,
        },
        B::Eq | B::NotEq => match functions::known_equal(lhs, rhs) {
            Some(eq) => Value::Bool(if op == B::Eq { eq } else { !eq }),
            None => Value::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (functions::to_number(lhs), functions::to_number(rhs)) else {
                return Value::Unknown;
            };
            match op {
                B::Plus => Value::Number(a + b),
                B::Minus => Value::Number(a - b),
                B::Mul => Value::Number(a * b),
                B::Div if b != 0.0 => Value::Number(a / b),
                B::Mod if b != 0.0 => Value::Number(a % b),
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                _ => Value::Unknown,
            }
        }
    }
}
