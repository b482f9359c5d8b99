//! The plan's `configuration`: linking attributes that are unknown until apply to the resources
//! their expressions reference, through module calls, module outputs and variables.

use crate::ir::address::{self, Address, Step};
use crate::ir::{Node, Reference, Span, Value};
use serde::Deserialize;
use serde_json::Value as Json;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};

/// How many module/variable hops a reference may take before it is given up as unknown.
const MAX_HOPS: usize = 32;
/// The work resolving one attribute's references may do, in steps: a reference list followed
/// or a link collected. Module outputs that each name several outputs of the module below fan
/// out exponentially; past the budget the attribute is unknown.
pub(super) const MAX_RESOLVE_STEPS: usize = 100_000;
/// The same for all the attributes of one plan together.
pub(super) const MAX_PLAN_RESOLVE_STEPS: usize = 2_000_000;

/// Attributes whose reference names the resource itself (or an id-like value of it) rather
/// than a value computed from it.
fn is_identity_attr(attr: &str) -> bool {
    matches!(attr, "id" | "arn" | "name" | "bucket") || attr.ends_with("_id")
}

/// What a reference leads to.
#[derive(Debug, Clone, PartialEq)]
enum Linked {
    Ref(Reference),
    Literal(Json),
}

/// The configuration tree and the plan's instances, for resolving references.
/// The parts of the plan's `configuration` that linking reads, borrowed from the plan text.
/// Expressions stay raw until a resource, call or output is looked at: the configuration is a
/// fifth of a large plan, and held as one `serde_json::Value` tree it took four times its size.
#[derive(Deserialize, Default)]
pub(super) struct Configuration<'a> {
    /// Small (one entry per provider configuration): read whole.
    #[serde(default)]
    provider_config: Json,
    #[serde(borrow)]
    root_module: Option<ModuleConfig<'a>>,
}

#[derive(Deserialize)]
struct ModuleConfig<'a> {
    /// Sorted by address once read, for binary search.
    #[serde(borrow, default)]
    resources: Vec<ResourceConfig<'a>>,
    #[serde(borrow, default)]
    module_calls: BTreeMap<String, ModuleCall<'a>>,
    #[serde(borrow, default)]
    outputs: BTreeMap<String, OutputConfig<'a>>,
    #[serde(borrow, default)]
    variables: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct ResourceConfig<'a> {
    #[serde(default)]
    address: String,
    #[serde(borrow)]
    expressions: Option<&'a RawValue>,
    #[serde(borrow)]
    for_each_expression: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ModuleCall<'a> {
    #[serde(borrow)]
    expressions: Option<&'a RawValue>,
    #[serde(borrow)]
    module: Option<ModuleConfig<'a>>,
}

#[derive(Deserialize)]
struct OutputConfig<'a> {
    #[serde(borrow)]
    expression: Option<&'a RawValue>,
}

impl<'a> Configuration<'a> {
    /// Reads the `configuration` object; empty when it does not have the documented shape
    /// (nothing is then linked, and unknown attributes stay unknown).
    pub fn parse(raw: &'a RawValue) -> Configuration<'a> {
        let mut config: Configuration = serde_json::from_str(raw.get()).unwrap_or_default();
        let mut stack: Vec<&mut ModuleConfig> = config.root_module.iter_mut().collect();
        while let Some(module) = stack.pop() {
            module.resources.sort_by(|a, b| a.address.cmp(&b.address));
            stack.extend(
                module
                    .module_calls
                    .values_mut()
                    .filter_map(|call| call.module.as_mut()),
            );
        }
        config
    }
}

impl ModuleConfig<'_> {
    fn resource(&self, address: &str) -> Option<&ResourceConfig<'_>> {
        let i = self
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()?;
        self.resources.get(i)
    }
}

/// Parses a raw member of the configuration; None when absent or not JSON.
fn parse(raw: Option<&RawValue>) -> Option<Json> {
    serde_json::from_str(raw?.get()).ok()
}

/// One member of a raw object, parsed alone (the others are only skipped over).
fn member(raw: Option<&RawValue>, key: &str) -> Option<Json> {
    let members: BTreeMap<String, &RawValue> = serde_json::from_str(raw?.get()).ok()?;
    parse(members.get(key).copied())
}

pub(super) struct ConfigIndex<'c> {
    config: &'c Configuration<'c>,
    variables: &'c BTreeMap<String, Json>,
    /// Every planned instance address.
    addresses: BTreeSet<String>,
    /// What is left of [`MAX_RESOLVE_STEPS`] for the attribute being resolved.
    steps_left: std::cell::Cell<usize>,
    /// What is left of [`MAX_PLAN_RESOLVE_STEPS`].
    plan_steps_left: std::cell::Cell<usize>,
    /// Whether a budget ran out.
    exhausted: std::cell::Cell<bool>,
}

fn prefix_of(module_address: &str) -> String {
    if module_address.is_empty() {
        String::new()
    } else {
        format!("{module_address}.")
    }
}

impl<'c> ConfigIndex<'c> {
    pub fn new(
        config: &'c Configuration<'c>,
        variables: &'c BTreeMap<String, Json>,
        addresses: &[&str],
    ) -> ConfigIndex<'c> {
        ConfigIndex {
            config,
            variables,
            addresses: addresses.iter().map(|s| s.to_string()).collect(),
            steps_left: std::cell::Cell::new(MAX_RESOLVE_STEPS),
            plan_steps_left: std::cell::Cell::new(MAX_PLAN_RESOLVE_STEPS),
            exhausted: std::cell::Cell::new(false),
        }
    }

    /// Has resolving run out of a budget?
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// Spends `n` steps of both budgets; false (and the budget is gone) when they are not there.
    fn spend(&self, n: usize) -> bool {
        let left = self.steps_left.get().checked_sub(n);
        let plan_left = self.plan_steps_left.get().checked_sub(n);
        self.steps_left.set(left.unwrap_or(0));
        self.plan_steps_left.set(plan_left.unwrap_or(0));
        let ok = left.is_some() && plan_left.is_some();
        if !ok {
            self.exhausted.set(true);
        }
        ok
    }

    /// The configuration module at a static path of call names.
    fn module(&self, path: &[String]) -> Option<&'c ModuleConfig<'c>> {
        let mut module = self.config.root_module.as_ref()?;
        for name in path {
            module = module.module_calls.get(name)?.module.as_ref()?;
        }
        Some(module)
    }

    /// A resource's configuration.
    fn resource_config(
        &self,
        module_address: &str,
        address: &str,
    ) -> Option<&'c ResourceConfig<'c>> {
        let path: Vec<String> = address::module_path(module_address)
            .into_iter()
            .map(|step| step.name)
            .collect();
        let module = self.module(&path)?;
        let relative = address
            .strip_prefix(&prefix_of(module_address))
            .unwrap_or(address);
        let relative = strip_trailing_key(relative);
        module.resource(relative)
    }

    /// The `expressions` of a resource's configuration.
    fn resource_expressions(&self, module_address: &str, address: &str) -> Option<Json> {
        parse(self.resource_config(module_address, address)?.expressions)
    }

    /// What `each.value` is in instance `own_key` of a resource whose `for_each` iterates a
    /// resource collection (`for_each = aws_subnet.private`, or a `for` expression over it
    /// that names nothing else): the module-relative address of the collection's instance of
    /// the same key (`aws_subnet.private["a"]`), when the plan has it. Keys are taken to be
    /// kept, as `for_each = <collection>` keeps them; a collection instance that does not
    /// exist under the key leaves `each.value` unresolved.
    fn each_value(&self, module_address: &str, address: &str, own_key: &str) -> Option<String> {
        let expression = parse(
            self.resource_config(module_address, address)?
                .for_each_expression,
        )?;
        let refs = expression.get("references")?.as_array()?;
        let mut base: Option<String> = None;
        for r in refs {
            let steps = address::steps(r.as_str()?)?;
            let subject = match steps.as_slice() {
                [Step::Attr(d), Step::Attr(t), Step::Attr(n)] if d == "data" => {
                    format!("data.{t}.{n}")
                }
                [Step::Attr(t), Step::Attr(n)]
                    if !matches!(
                        t.as_str(),
                        "var"
                            | "local"
                            | "module"
                            | "each"
                            | "count"
                            | "path"
                            | "terraform"
                            | "self"
                            | "data"
                    ) =>
                {
                    format!("{t}.{n}")
                }
                // Anything else (a variable, a local, an attribute of the collection) may
                // change the keys or the values.
                _ => return None,
            };
            if base.as_ref().is_some_and(|b| *b != subject) {
                return None;
            }
            base = Some(subject);
        }
        let target = format!("{}{own_key}", base?);
        self.addresses
            .contains(&format!("{}{target}", prefix_of(module_address)))
            .then_some(target)
    }

    /// The top-level blocks (lists of objects) of a planned body that the resource's
    /// configuration does not write; nothing when the configuration is not found. The plan's
    /// configuration leaves `dynamic` blocks out, so a block listed here may still be written
    /// in the `.tf` source.
    pub fn unwritten_blocks(
        &self,
        body: &Node,
        address: &str,
        module_address: &str,
    ) -> Vec<String> {
        let (Value::Map(map), Some(config)) =
            (&body.value, self.resource_config(module_address, address))
        else {
            return Vec::new();
        };
        let written: BTreeMap<String, &RawValue> = config
            .expressions
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default();
        map.iter()
            .filter(|(name, node)| {
                !written.contains_key(name.as_str())
                    && matches!(&node.value, Value::List(items)
                        if items.iter().any(|i| matches!(i.value, Value::Map(_))))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The AWS provider's version constraint, when the configuration states one.
    pub fn aws_constraints(&self) -> Vec<String> {
        self.config
            .provider_config
            .as_object()
            .map(|providers| {
                providers
                    .values()
                    .filter(|p| p.get("name").and_then(Json::as_str) == Some("aws"))
                    .filter_map(|p| p.get("version_constraint").and_then(Json::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The default AWS provider's region, when constant or a root variable.
    pub fn provider_region(&self) -> Option<String> {
        let region = self
            .config
            .provider_config
            .get("aws")?
            .get("expressions")?
            .get("region")?;
        if let Some(v) = region.get("constant_value").and_then(Json::as_str) {
            return Some(v.to_string());
        }
        let refs = region.get("references")?.as_array()?;
        let var = refs
            .iter()
            .filter_map(Json::as_str)
            .find_map(|r| r.strip_prefix("var."))?;
        self.variables.get(var)?.as_str().map(str::to_string)
    }

    /// Replaces the unknown parts of `body` (a resource's `after`) as `after_unknown` marks
    /// them: attributes the configuration does not set are removed (the provider computes
    /// them; the model applies defaults); referenced ones become `Ref`s where the references
    /// resolve; the rest become Unknown.
    pub fn apply_unknowns(
        &self,
        body: &mut Node,
        unknown: &Json,
        address: &str,
        module_address: &str,
        span: Span,
    ) {
        let Some(marks) = unknown.as_object() else {
            return;
        };
        let expressions = self.resource_expressions(module_address, address);
        let own_key = address::trailing_key(address);
        let Value::Map(map) = &mut body.value else {
            return;
        };
        for (attr, mark) in marks {
            if !contains_true(mark) {
                continue;
            }
            let expression = expressions.as_ref().and_then(|e| e.get(attr));
            let Some(expression) = expression else {
                // Unknown only because the provider computes it: not set by the user.
                if mark == &Json::Bool(true) {
                    map.remove(attr);
                } else if let Some(node) = map.get_mut(attr) {
                    mark_unknown(node, mark);
                }
                continue;
            };
            // Written as a constant that the provider still reports unknown (an empty list for
            // an optional-and-computed set): what the user wrote is the best knowledge.
            if let (Some(constant), Json::Bool(true)) = (expression.get("constant_value"), mark) {
                let node_span = map.get(attr).map_or(span, |n| n.span);
                map.insert(attr.clone(), Node::from_json(constant, node_span));
                continue;
            }
            let linked = expression
                .get("references")
                .and_then(Json::as_array)
                // Only attributes that name other resources are linked: a document or a CIDR
                // computed from a reference is not the referenced resource.
                .filter(|_| names_resources(attr) || mark != &Json::Bool(true))
                .and_then(|refs| {
                    let mut refs: Vec<String> = refs
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect();
                    // `each.value` of a `for_each` over a resource collection: that
                    // collection's instance of the same key.
                    if let Some(value) = own_key
                        .as_deref()
                        .filter(|_| refs.iter().any(|r| is_each_value(r)))
                        .and_then(|k| self.each_value(module_address, address, k))
                    {
                        for r in &mut refs {
                            if let Some(rest) = r.strip_prefix("each.value") {
                                if is_each_value(r) {
                                    *r = format!("{value}{rest}");
                                }
                            }
                        }
                    }
                    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
                    self.steps_left.set(MAX_RESOLVE_STEPS);
                    self.resolve(&refs, module_address, own_key.as_deref(), 0)
                });
            let node_span = map.get(attr).map_or(span, |n| n.span);
            let nested = matches!(
                map.get(attr).map(|n| &n.value),
                Some(Value::Map(_)) | Some(Value::List(_)) if is_block_value(map.get(attr))
            );
            match linked {
                Some(linked) if !linked.is_empty() && nested => {
                    // Unknown ids inside nested blocks (a route's `gateway_id`): give each the
                    // one referenced resource its field can name, or leave it unknown.
                    let refs: Vec<Reference> = linked
                        .into_iter()
                        .filter_map(|l| match l {
                            Linked::Ref(r) => Some(r),
                            Linked::Literal(_) => None,
                        })
                        .collect();
                    if let Some(node) = map.get_mut(attr) {
                        fill_unknown_ids(node, mark, &refs);
                    }
                }
                Some(linked) if !linked.is_empty() => {
                    let known: Vec<Node> = match map.get(attr).map(|n| &n.value) {
                        Some(Value::List(items)) => items
                            .iter()
                            .zip(
                                mark.as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(Some)
                                    .chain(std::iter::repeat(None)),
                            )
                            .filter(|(_, m)| !m.is_some_and(contains_true))
                            .filter(|(n, _)| !matches!(n.value, Value::Null))
                            .map(|(n, _)| n.clone())
                            .collect(),
                        _ => Vec::new(),
                    };
                    let mut nodes: Vec<Node> = known;
                    nodes.extend(linked.into_iter().map(|l| to_node(l, node_span)));
                    let is_list = matches!(map.get(attr).map(|n| &n.value), Some(Value::List(_)))
                        || nodes.len() > 1;
                    let value = if is_list {
                        Value::List(nodes)
                    } else {
                        nodes.pop().map_or(Value::Unknown, |n| n.value)
                    };
                    map.insert(attr.clone(), Node::new(value, node_span));
                }
                _ => match map.get_mut(attr) {
                    Some(node) if mark != &Json::Bool(true) => mark_unknown(node, mark),
                    _ => {
                        map.insert(attr.clone(), Node::unknown(node_span));
                    }
                },
            }
        }
    }

    /// Resolves the references of one expression evaluated in `module_address`. None when some
    /// reference cannot be followed (a local, a computed value, a missing module).
    fn resolve(
        &self,
        refs: &[&str],
        module_address: &str,
        own_key: Option<&str>,
        hops: usize,
    ) -> Option<Vec<Linked>> {
        if hops > MAX_HOPS || !self.spend(1) {
            return None;
        }
        let parsed: Vec<Vec<Step>> = refs
            .iter()
            .map(|r| address::steps(r))
            .collect::<Option<_>>()?;
        let repeats_self = parsed.iter().any(|s| {
            matches!(s.as_slice(), [Step::Attr(a), Step::Attr(b)] if (a == "count" && b == "index") || (a == "each" && b == "key"))
        });
        // Group resource subjects: base address → (key, longest attribute path).
        let mut subjects: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
        let mut out: Vec<Linked> = Vec::new();
        let mut seen_vars = BTreeSet::new();
        let mut seen_modules = BTreeSet::new();
        for steps in &parsed {
            let Some(Step::Attr(root)) = steps.first() else {
                return None;
            };
            match root.as_str() {
                "count" | "each" | "path" | "terraform" | "self" => continue,
                "local" => return None,
                "var" => {
                    let Some(Step::Attr(name)) = steps.get(1) else {
                        return None;
                    };
                    if steps.len() > 2 || !seen_vars.insert(name.clone()) {
                        // `var.x.y` is a value computed from the variable; its shorter form
                        // follows in the list.
                        continue;
                    }
                    out.extend(self.resolve_var(name, module_address, hops)?);
                }
                "module" => {
                    let Some(Step::Attr(call)) = steps.get(1) else {
                        return None;
                    };
                    let (key, output) = match (steps.get(2), steps.get(3)) {
                        (Some(Step::Key(k)), Some(Step::Attr(o))) => {
                            (Some(k.clone()), Some(o.clone()))
                        }
                        (Some(Step::Key(k)), None) => (Some(k.clone()), None),
                        (Some(Step::Attr(o)), _) => (None, Some(o.clone())),
                        _ => (None, None),
                    };
                    let Some(output) = output else { continue };
                    if !seen_modules.insert((call.clone(), key.clone(), output.clone())) {
                        continue;
                    }
                    out.extend(self.resolve_output(
                        call,
                        key.as_deref(),
                        &output,
                        module_address,
                        hops,
                    )?);
                }
                _ => {
                    let (base, rest) = if root == "data" {
                        match (steps.get(1), steps.get(2)) {
                            (Some(Step::Attr(t)), Some(Step::Attr(n))) => {
                                (format!("data.{t}.{n}"), steps.get(3..)?)
                            }
                            _ => return None,
                        }
                    } else {
                        match steps.get(1) {
                            Some(Step::Attr(n)) => (format!("{root}.{n}"), steps.get(2..)?),
                            _ => return None,
                        }
                    };
                    let (key, attrs) = match rest.first() {
                        Some(Step::Key(k)) => (Some(k.clone()), rest.get(1..).unwrap_or(&[])),
                        _ => (None, rest),
                    };
                    let attrs: Vec<String> = attrs
                        .iter()
                        .map(|s| match s {
                            Step::Attr(a) => a.clone(),
                            Step::Key(k) => k.clone(),
                        })
                        .collect();
                    let entry = subjects.entry(base).or_insert((None, Vec::new()));
                    if key.is_some() {
                        entry.0 = key;
                    }
                    if attrs.len() > entry.1.len() {
                        entry.1 = attrs;
                    }
                }
            }
        }
        let prefix = prefix_of(module_address);
        for (base, (key, attrs)) in subjects {
            if attrs.len() > 1 || attrs.first().is_some_and(|a| !is_identity_attr(a)) {
                // A value computed from the resource, not its identity: not linkable.
                return None;
            }
            let path: Vec<String> = attrs;
            let full = format!("{prefix}{base}");
            let targets: Vec<String> = match key {
                Some(k) => vec![format!("{full}{k}")],
                None => {
                    // The addresses are sorted: the instances of `full` are one range.
                    let open = format!("{full}[");
                    let keyed: Vec<String> = self
                        .addresses
                        .range(open.clone()..)
                        .take_while(|a| a.starts_with(&open))
                        .filter(|a| {
                            address::trailing_key(a)
                                .is_some_and(|k| a.len() == full.len() + k.len())
                        })
                        .cloned()
                        .collect();
                    if keyed.is_empty() {
                        vec![full]
                    } else if let (true, Some(own)) = (repeats_self, own_key) {
                        let same: Vec<String> =
                            keyed.iter().filter(|a| a.ends_with(own)).cloned().collect();
                        if same.is_empty() { keyed } else { same }
                    } else {
                        keyed
                    }
                }
            };
            out.extend(targets.into_iter().map(|address| {
                Linked::Ref(Reference {
                    address,
                    path: path.clone(),
                })
            }));
        }
        Some(out)
    }

    fn resolve_var(&self, name: &str, module_address: &str, hops: usize) -> Option<Vec<Linked>> {
        let steps = address::module_path(module_address);
        let Some(address::ModuleStep { name: call, .. }) = steps.last() else {
            // A root variable: its value is known from the plan.
            return Some(literals(self.variables.get(name)?));
        };
        let parent_path: Vec<String> = steps
            .split_last()
            .map_or(&[][..], |(_, init)| init)
            .iter()
            .map(|step| step.name.clone())
            .collect();
        let parent_address = parent_instance(module_address);
        let call_config = self.module(&parent_path)?.module_calls.get(call)?;
        let Some(expression) = member(call_config.expressions, name) else {
            // Not passed: the child's default.
            let child_path: Vec<String> = steps.iter().map(|step| step.name.clone()).collect();
            let variable = parse(self.module(&child_path)?.variables.get(name).copied())?;
            return Some(literals(variable.get("default")?));
        };
        if let Some(value) = expression.get("constant_value") {
            return Some(literals(value));
        }
        let refs: Vec<&str> = expression
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(Json::as_str)
            .collect();
        self.resolve(&refs, &parent_address, None, hops + 1)
    }

    fn resolve_output(
        &self,
        call: &str,
        key: Option<&str>,
        output: &str,
        module_address: &str,
        hops: usize,
    ) -> Option<Vec<Linked>> {
        let mut path: Vec<String> = address::module_path(module_address)
            .into_iter()
            .map(|step| step.name)
            .collect();
        path.push(call.to_string());
        let expression = parse(self.module(&path)?.outputs.get(output)?.expression)?;
        let base = format!("{}module.{call}", prefix_of(module_address));
        let instances: Vec<String> = match key {
            Some(k) => vec![format!("{base}{k}")],
            None => {
                let mut found: BTreeSet<String> = BTreeSet::new();
                let within = self
                    .addresses
                    .range(base.clone()..)
                    .take_while(|a| a.starts_with(&base));
                for address in within {
                    if let Some(rest) = address.strip_prefix(&base) {
                        if rest.starts_with('.') {
                            found.insert(base.clone());
                        } else if rest.starts_with('[') {
                            if let Some(end) = address::key_len(rest) {
                                found.insert(format!("{base}{}", &rest[..end]));
                            }
                        }
                    }
                }
                found.into_iter().collect()
            }
        };
        if let Some(value) = expression.get("constant_value") {
            return Some(literals(value));
        }
        let refs: Vec<&str> = expression
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(Json::as_str)
            .collect();
        let mut out = Vec::new();
        for instance in instances {
            let linked = self.resolve(&refs, &instance, None, hops + 1)?;
            if !self.spend(linked.len()) {
                return None;
            }
            out.extend(linked);
        }
        Some(out)
    }
}

/// Is the reference `each.value` or a traversal of it (`each.value.id`, `each.value["k"]`)?
fn is_each_value(reference: &str) -> bool {
    reference
        .strip_prefix("each.value")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Does an attribute hold the identity of other resources (ids, ARNs, names)?
fn names_resources(attr: &str) -> bool {
    const SUFFIXES: [&str; 7] = [
        "_id",
        "_ids",
        "_arn",
        "_arns",
        "_name",
        "_names",
        "_identifier",
    ];
    SUFFIXES.iter().any(|s| attr.ends_with(s))
        || matches!(
            attr,
            "bucket" | "role" | "roles" | "iam_roles" | "target_bucket"
        )
}

/// Is the value a block or a list of blocks (maps), rather than a scalar or a list of scalars?
fn is_block_value(node: Option<&Node>) -> bool {
    match node.map(|n| &n.value) {
        Some(Value::Map(_)) => true,
        Some(Value::List(items)) => items.iter().any(|i| matches!(i.value, Value::Map(_))),
        _ => false,
    }
}

/// Does the `*_id` field name the resource type: every word of its stem appears, in order, in
/// the type (`nat_gateway_id` names `aws_nat_gateway`; `gateway_id` names any gateway)?
fn field_names_type(field: &str, kind: &str) -> Option<usize> {
    let stem = field.strip_suffix("_id")?;
    let words: Vec<&str> = stem.split('_').collect();
    let mut type_words = kind.strip_prefix("aws_").unwrap_or(kind).split('_');
    words
        .iter()
        .all(|w| type_words.any(|t| t == *w))
        .then_some(words.len())
}

/// Replaces unknown `*_id` leaves inside blocks with the reference whose type only that field
/// can name; a leaf with several candidates stays unknown.
fn fill_unknown_ids(node: &mut Node, mark: &Json, refs: &[Reference]) {
    match (&mut node.value, mark) {
        (Value::List(items), Json::Array(marks)) => {
            for (item, m) in items.iter_mut().zip(marks) {
                fill_unknown_ids(item, m, refs);
            }
        }
        (Value::Map(map), Json::Object(marks)) => {
            let siblings: Vec<String> = map.keys().chain(marks.keys()).cloned().collect();
            for (field, m) in marks {
                if !contains_true(m) {
                    continue;
                }
                let span = map.get(field).map_or(node.span, |n| n.span);
                if m != &Json::Bool(true) {
                    if let Some(child) = map.get_mut(field) {
                        fill_unknown_ids(child, m, refs);
                    }
                    continue;
                }
                let candidates: Vec<&Reference> = refs
                    .iter()
                    .filter(|r| {
                        let Some(kind) = Address::parse(&r.address).map(|a| a.kind) else {
                            return false;
                        };
                        let Some(own) = field_names_type(field, &kind) else {
                            return false;
                        };
                        // A sibling field that names the type more specifically claims it.
                        !siblings.iter().any(|s| {
                            s != field && field_names_type(s, &kind).is_some_and(|n| n > own)
                        })
                    })
                    .collect();
                let value = match candidates.as_slice() {
                    [one] => Value::Ref(Box::new((*one).clone())),
                    _ => Value::Unknown,
                };
                map.insert(field.clone(), Node::new(value, span));
            }
        }
        (_, m) if contains_true(m) => node.value = Value::Unknown,
        _ => {}
    }
}

fn strip_trailing_key(address: &str) -> &str {
    match address::trailing_key(address) {
        Some(k) => &address[..address.len() - k.len()],
        None => address,
    }
}

/// `module.a.module.b[0]` → `module.a`.
fn parent_instance(module_address: &str) -> String {
    let steps = address::module_path(module_address);
    steps
        .split_last()
        .map_or(&[][..], |(_, init)| init)
        .iter()
        .map(|step| {
            format!(
                "module.{}{}",
                step.name,
                step.key.as_deref().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn literals(value: &Json) -> Vec<Linked> {
    match value {
        Json::Array(items) => items.iter().cloned().map(Linked::Literal).collect(),
        other => vec![Linked::Literal(other.clone())],
    }
}

fn to_node(linked: Linked, span: Span) -> Node {
    match linked {
        Linked::Ref(r) => Node::new(Value::Ref(Box::new(r)), span),
        Linked::Literal(json) => Node::from_json(&json, span),
    }
}

pub(super) fn contains_true(mark: &Json) -> bool {
    match mark {
        Json::Bool(b) => *b,
        Json::Array(items) => items.iter().any(contains_true),
        Json::Object(map) => map.values().any(contains_true),
        _ => false,
    }
}

/// Marks the parts of `node` that `mark` says are unknown.
fn mark_unknown(node: &mut Node, mark: &Json) {
    match (mark, &mut node.value) {
        (Json::Bool(true), _) => node.value = Value::Unknown,
        (Json::Array(marks), Value::List(items)) => {
            for (item, m) in items.iter_mut().zip(marks) {
                mark_unknown(item, m);
            }
        }
        (Json::Object(marks), Value::Map(map)) => {
            for (k, m) in marks {
                if !contains_true(m) {
                    continue;
                }
                match map.get_mut(k) {
                    Some(child) => mark_unknown(child, m),
                    None => {
                        map.insert(k.clone(), Node::unknown(node.span));
                    }
                }
            }
        }
        (m, _) if contains_true(m) => node.value = Value::Unknown,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_instance_has_the_address_of_its_parent() {
        assert_eq!(
            parent_instance("module.a[\"x\"].module.b"),
            "module.a[\"x\"]"
        );
    }

    #[test]
    fn each_value_and_its_traversals_are_recognized() {
        assert!(is_each_value("each.value"));
        assert!(is_each_value("each.value.id"));
        assert!(is_each_value("each.value[\"id\"]"));
        assert!(!is_each_value("each.values"));
        assert!(!is_each_value("each.key"));
    }
}
