//! Template evaluation: parameters, mappings, conditions and intrinsic functions, to IR nodes.
//! What cannot be known before deployment is `Unknown`; resource references are `Ref`s.
//! `None` stands for `AWS::NoValue` (the property or element is removed).

use super::CfnOptions;
use super::tree::{Kind, TNode, TreeWarning};
use crate::ir::region::{STACK_REGION, is_region_name};
use crate::ir::{Copied, Node, Reference, Span, Value};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use ipnet::IpNet;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// How deep intrinsic functions may nest.
const MAX_DEPTH: usize = 64;
/// How many zones `Fn::GetAZs` stands for (their names are symbolic: equal indices are equal
/// zones, different indices different ones).
const SYMBOLIC_ZONES: usize = 6;
// The work evaluating one template may do is `Limits::eval_steps`, in steps: a node
// evaluated, an element split off, or [`STRING_BYTES_PER_STEP`] bytes of a string built. Past
// it every value is unknown, so mappings that `Fn::FindInMap` each other many times over
// cannot hang the run or exhaust memory. The longest string `Fn::Join` and `Fn::Sub` may build
// is `Limits::string_bytes`.
const STRING_BYTES_PER_STEP: usize = 64;

pub(super) struct Template<'t> {
    params: HashMap<String, Node>,
    /// The parameters `--param` gives a value (not their `Default`).
    given: HashSet<String>,
    /// Where the strings read through parameters and mappings were written
    /// ([`crate::ir::Unit::copies`]).
    copies: RefCell<HashMap<(Span, u64), Copied>>,
    resources: HashSet<&'t str>,
    region: Option<String>,
    conditions: RefCell<HashMap<String, Option<Option<bool>>>>,
    /// What is left of `Limits::eval_steps`.
    steps_left: Cell<usize>,
    /// The longest string evaluation may build (`Limits::string_bytes`).
    max_string: usize,
    /// `Conditions` by name and `Mappings` values by their three keys, indexed once: looking
    /// them up in the tree is linear, and a template may look up every one of thousands.
    condition_exprs: HashMap<&'t str, &'t TNode>,
    mappings: HashMap<(&'t str, &'t str, &'t str), &'t TNode>,
    /// Functions CloudFormation does not define, met while evaluating (each span once).
    warnings: RefCell<Vec<TreeWarning>>,
}

impl<'t> Template<'t> {
    pub fn new(root: &'t TNode, options: &CfnOptions) -> Template<'t> {
        let resources = root
            .get("Resources")
            .map(|r| r.entries().iter().map(|(k, _, _)| k.as_str()).collect())
            .unwrap_or_default();
        let mut params = HashMap::new();
        let mut given_params = HashSet::new();
        if let Some(section) = root.get("Parameters") {
            for (name, key_span, decl) in section.entries() {
                let is_list = decl
                    .get("Type")
                    .and_then(TNode::as_str)
                    .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
                let given = options
                    .params
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone());
                // A parameter of an AWS-specific type (`AWS::EC2::Subnet::Id`,
                // `List<AWS::EC2::Subnet::Id>`, `AWS::SSM::Parameter::Value<…>`) names existing
                // resources: an empty value is a placeholder the deployment must replace.
                let names_resources = decl
                    .get("Type")
                    .and_then(TNode::as_str)
                    .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("List<AWS::"));
                let node = match (given, decl.get("Default")) {
                    (Some(value), _) => {
                        given_params.insert(name.clone());
                        Some(Node::new(Value::String(value), *key_span))
                    }
                    (None, Some(default)) => Some(Node::new(scalar_value(default), default.span)),
                    (None, None) => None,
                }
                .filter(|n| !(names_resources && n.as_str().is_some_and(|v| v.trim().is_empty())));
                let node = match node {
                    Some(n) if is_list => match &n.value {
                        Value::String(s) => Node::new(
                            Value::List(
                                s.split(',')
                                    .map(|p| Node::new(Value::String(p.trim().to_string()), n.span))
                                    .collect(),
                            ),
                            n.span,
                        ),
                        _ => n,
                    },
                    Some(n) => n,
                    None => Node::unknown(*key_span),
                };
                params.insert(name.clone(), node);
            }
        }
        Template {
            params,
            given: given_params,
            copies: RefCell::new(HashMap::new()),
            resources,
            region: options.region.clone(),
            conditions: RefCell::new(HashMap::new()),
            steps_left: Cell::new(options.limits.eval_steps),
            max_string: options.limits.string_bytes,
            condition_exprs: root
                .get("Conditions")
                .map(|c| {
                    c.entries()
                        .iter()
                        .map(|(k, _, v)| (k.as_str(), v))
                        .collect()
                })
                .unwrap_or_default(),
            mappings: root
                .get("Mappings")
                .map(|ms| {
                    ms.entries()
                        .iter()
                        .flat_map(|(m, _, keys)| {
                            keys.entries().iter().flat_map(move |(k1, _, values)| {
                                values.entries().iter().map(move |(k2, _, v)| {
                                    ((m.as_str(), k1.as_str(), k2.as_str()), v)
                                })
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// Where the strings read through parameters and mappings were written.
    pub fn take_copies(&self) -> HashMap<(Span, u64), Copied> {
        self.copies.take()
    }

    /// What evaluation found the reader should be told.
    /// A warning at `span`, once.
    fn warn(&self, span: Span, message: String) {
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.iter().any(|w| w.span == span) {
            warnings.push(TreeWarning { span, message });
        }
    }

    pub fn take_warnings(&self) -> Vec<TreeWarning> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }

    /// The value of a named condition, named at `site`; None when unknown.
    pub fn condition(&self, name: &str, site: Span) -> Option<bool> {
        self.condition_at(name, site, 0)
    }

    /// A condition named at `depth`: conditions naming conditions nest like the intrinsic
    /// functions they are made of. A condition that is not defined, or that refers to itself,
    /// makes CloudFormation reject the template: a warning at `site`, and unknown.
    fn condition_at(&self, name: &str, site: Span, depth: usize) -> Option<bool> {
        if let Some(done) = self.conditions.borrow().get(name) {
            if done.is_none() {
                self.warn(
                    site,
                    format!(
                        "condition `{name}` refers to itself through Conditions, which \
                         CloudFormation rejects: its value is unknown"
                    ),
                );
            }
            return done.unwrap_or(None);
        }
        let Some(expr) = self.condition_exprs.get(name).copied() else {
            self.warn(
                site,
                format!(
                    "condition `{name}` is not defined in Conditions, which CloudFormation \
                     rejects: its value is unknown"
                ),
            );
            return None;
        };
        self.conditions.borrow_mut().insert(name.to_string(), None);
        let value = self.eval_in(expr, depth).and_then(|n| match n.value {
            Value::Bool(b) => Some(b),
            _ => None,
        });
        self.conditions
            .borrow_mut()
            .insert(name.to_string(), Some(value));
        value
    }

    pub fn eval(&self, node: &TNode) -> Option<Node> {
        self.eval_in(node, 0)
    }

    /// Has evaluation run out of its budget?
    pub fn exhausted(&self) -> bool {
        self.steps_left.get() == 0
    }

    /// Spends `n` steps; false (and the budget is gone) when they are not there.
    fn spend(&self, n: usize) -> bool {
        let left = self.steps_left.get().checked_sub(n);
        self.steps_left.set(left.unwrap_or(0));
        left.is_some()
    }

    /// A string built here, paid for by its length; None when too long or not paid for.
    fn built(&self, text: String) -> Option<String> {
        (text.len() <= self.max_string && self.spend(text.len() / STRING_BYTES_PER_STEP))
            .then_some(text)
    }

    fn eval_in(&self, node: &TNode, depth: usize) -> Option<Node> {
        let span = node.span;
        if depth > MAX_DEPTH || !self.spend(1) {
            return Some(Node::unknown(span));
        }
        let value = match &node.kind {
            Kind::Map(entries) => {
                if let [(name, _, arg)] = entries.as_slice() {
                    if name == "Ref"
                        || name.starts_with("Fn::")
                        || name == "Condition"
                        || is_directive(name)
                    {
                        return self.intrinsic(name, arg, span, depth + 1);
                    }
                }
                let mut map = BTreeMap::new();
                for (key, key_span, value) in entries {
                    if let Some(mut v) = self.eval_in(value, depth + 1) {
                        // A collection is reported at its key, where a reader sees it start.
                        if matches!(value.kind, Kind::Seq(_) | Kind::Map(_)) && !is_intrinsic(value)
                        {
                            v.span = Span {
                                end: v.span.end.max(key_span.end),
                                ..*key_span
                            };
                        }
                        map.insert(key.clone(), v);
                    }
                }
                Value::Map(map)
            }
            Kind::Seq(items) => Value::List(
                items
                    .iter()
                    .filter_map(|i| self.eval_in(i, depth + 1))
                    .collect(),
            ),
            _ => scalar_value(node),
        };
        Some(Node::new(value, span))
    }

    fn intrinsic(&self, name: &str, arg: &TNode, span: Span, depth: usize) -> Option<Node> {
        let unknown = || Some(Node::unknown(span));
        let args: &[TNode] = match &arg.kind {
            Kind::Seq(items) => items,
            _ => std::slice::from_ref(arg),
        };
        match name {
            "Ref" => {
                let target = arg.as_str()?;
                match target {
                    "AWS::NoValue" => None,
                    // Unknown, but one real region: strings built from it keep its place.
                    "AWS::Region" => Some(Node::new(
                        Value::String(self.region.clone().unwrap_or_else(|| STACK_REGION.into())),
                        span,
                    )),
                    "AWS::Partition" => Some(Node::new(Value::String("aws".into()), span)),
                    "AWS::URLSuffix" => {
                        Some(Node::new(Value::String("amazonaws.com".into()), span))
                    }
                    _ if self.params.contains_key(target) => {
                        let mut node = self.params.get(target)?.clone();
                        let given = self.given.contains(target);
                        Copied::record(&mut self.copies.borrow_mut(), span, &node, given);
                        node.respan(span);
                        Some(node)
                    }
                    _ if self.resources.contains(target) => Some(Node::new(
                        Value::Ref(Box::new(Reference {
                            address: target.to_string(),
                            path: Vec::new(),
                        })),
                        span,
                    )),
                    _ => unknown(),
                }
            }
            "Fn::GetAtt" => {
                let (resource, attr) = match &arg.kind {
                    Kind::String(s) => {
                        let (r, a) = s.split_once('.')?;
                        (r.to_string(), a.to_string())
                    }
                    Kind::Seq(items) => {
                        let r = items.first()?.as_str()?.to_string();
                        let a = self.eval_in(items.get(1)?, depth)?;
                        (r, a.as_str()?.to_string())
                    }
                    _ => return unknown(),
                };
                if !self.resources.contains(resource.as_str()) {
                    return unknown();
                }
                Some(Node::new(
                    Value::Ref(Box::new(Reference {
                        address: resource,
                        path: attr.split('.').map(str::to_string).collect(),
                    })),
                    span,
                ))
            }
            "Fn::If" => {
                let first = args.first()?;
                let cond = first.as_str()?;
                match self.condition_at(cond, first.span, depth) {
                    Some(true) => self.eval_in(args.get(1)?, depth),
                    Some(false) => self.eval_in(args.get(2)?, depth),
                    None => unknown(),
                }
            }
            "Condition" => match self.condition_at(arg.as_str()?, arg.span, depth) {
                Some(b) => Some(Node::new(Value::Bool(b), span)),
                None => unknown(),
            },
            "Fn::Equals" => {
                let a = self.eval_in(args.first()?, depth)?;
                let b = self.eval_in(args.get(1)?, depth)?;
                match (known_string(&a.value), known_string(&b.value)) {
                    (Some(x), Some(y)) => match may_equal(&x, &y) {
                        Some(equal) => Some(Node::new(Value::Bool(equal), span)),
                        None => unknown(),
                    },
                    _ => unknown(),
                }
            }
            "Fn::Not" => match self.eval_in(args.first()?, depth)?.value {
                Value::Bool(b) => Some(Node::new(Value::Bool(!b), span)),
                _ => unknown(),
            },
            "Fn::And" | "Fn::Or" => {
                let is_and = name == "Fn::And";
                let mut any_unknown = false;
                for a in args {
                    match self.eval_in(a, depth).map(|n| n.value) {
                        Some(Value::Bool(b)) if b != is_and => {
                            return Some(Node::new(Value::Bool(b), span));
                        }
                        Some(Value::Bool(_)) => {}
                        _ => any_unknown = true,
                    }
                }
                if any_unknown {
                    unknown()
                } else {
                    Some(Node::new(Value::Bool(is_and), span))
                }
            }
            "Fn::Sub" => {
                let (template, vars) = match &arg.kind {
                    Kind::String(s) => (s.clone(), None),
                    Kind::Seq(items) => (items.first()?.as_str()?.to_string(), items.get(1)),
                    _ => return unknown(),
                };
                match self.substitute(&template, vars, span, depth) {
                    Some(parts) => self.concat(parts, span),
                    None => unknown(),
                }
            }
            "Fn::Join" => {
                let delim = self.eval_in(args.first()?, depth)?;
                let list = self.eval_in(args.get(1)?, depth)?;
                let (Some(delim), Value::List(items)) = (known_string(&delim.value), &list.value)
                else {
                    return unknown();
                };
                // The length is worked out before anything is copied: a long delimiter
                // repeated between many items must not be built to be refused.
                let mut len = delim.len().checked_mul(items.len().saturating_sub(1));
                for item in items {
                    if let Value::String(text) = &item.value {
                        len = len.and_then(|l| l.checked_add(text.len()));
                    }
                }
                if len.is_none_or(|l| l > self.max_string) {
                    self.warn(
                        span,
                        format!(
                            "Fn::Join would build a string longer than the limit of {} bytes; \
                             its value is unknown",
                            self.max_string
                        ),
                    );
                    return unknown();
                }
                let mut parts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        parts.push(Node::new(Value::String(delim.clone()), span));
                    }
                    match &item.value {
                        Value::Ref(_) | Value::Concat(_) => parts.push(item.clone()),
                        v => match known_string(v) {
                            Some(text) => parts.push(Node::new(Value::String(text), item.span)),
                            None => return unknown(),
                        },
                    }
                }
                self.concat(parts, span)
            }
            "Fn::Select" => {
                let index = self.eval_in(args.first()?, depth)?;
                let list = self.eval_in(args.get(1)?, depth)?;
                let index = match &index.value {
                    Value::Number(n) => Some(*n as usize),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                match (index, list.value) {
                    (Some(i), Value::List(items)) => items.into_iter().nth(i).map(|mut n| {
                        n.span = span;
                        n
                    }),
                    _ => unknown(),
                }
            }
            "Fn::Split" => {
                let delim = self.eval_in(args.first()?, depth)?;
                let text = self.eval_in(args.get(1)?, depth)?;
                match (known_string(&delim.value), known_string(&text.value)) {
                    (Some(d), Some(t))
                        if !d.is_empty() && self.spend(t.matches(d.as_str()).count()) =>
                    {
                        Some(Node::new(
                            Value::List(
                                t.split(d.as_str())
                                    .map(|p| Node::new(Value::String(p.to_string()), span))
                                    .collect(),
                            ),
                            span,
                        ))
                    }
                    _ => unknown(),
                }
            }
            "Fn::FindInMap" => {
                let map = self.eval_in(args.first()?, depth)?;
                let first = self.eval_in(args.get(1)?, depth)?;
                let second = self.eval_in(args.get(2)?, depth)?;
                let (Some(m), Some(k1), Some(k2)) = (
                    known_string(&map.value),
                    known_string(&first.value),
                    known_string(&second.value),
                ) else {
                    return unknown();
                };
                match self
                    .mappings
                    .get(&(m.as_str(), k1.as_str(), k2.as_str()))
                    .copied()
                {
                    Some(found) => self.eval_in(found, depth).map(|mut n| {
                        Copied::record(&mut self.copies.borrow_mut(), span, &n, false);
                        n.respan(span);
                        n
                    }),
                    // `AWS::LanguageExtensions`: `{DefaultValue: v}` where the keys name nothing.
                    None => match args.get(3).and_then(|d| d.get("DefaultValue")) {
                        Some(default) => self.eval_in(default, depth),
                        None => unknown(),
                    },
                }
            }
            "Fn::GetAZs" => {
                let region = self
                    .eval_in(arg, depth)
                    .and_then(|n| known_string(&n.value))
                    .filter(|r| !r.is_empty());
                let region = region
                    .or_else(|| self.region.clone())
                    .unwrap_or_else(|| STACK_REGION.into());
                Some(Node::new(
                    Value::List(
                        (0..SYMBOLIC_ZONES)
                            .map(|i| {
                                Node::new(
                                    Value::String(format!("zone {} of {region}", i + 1)),
                                    span,
                                )
                            })
                            .collect(),
                    ),
                    span,
                ))
            }
            "Fn::Cidr" => {
                let block = self.eval_in(args.first()?, depth)?;
                let count = self.eval_in(args.get(1)?, depth)?;
                let bits = self.eval_in(args.get(2)?, depth)?;
                let net: Option<IpNet> = known_string(&block.value).and_then(|s| s.parse().ok());
                let count = known_string(&count.value).and_then(|s| s.parse::<u32>().ok());
                let bits = known_string(&bits.value).and_then(|s| s.parse::<u8>().ok());
                match (net, count, bits) {
                    (Some(net), Some(count), Some(bits)) if count <= 256 => {
                        let prefix = net.max_prefix_len().checked_sub(bits)?;
                        let subnets: Vec<Node> = net
                            .subnets(prefix)
                            .ok()?
                            .take(count as usize)
                            .map(|n| Node::new(Value::String(n.to_string()), span))
                            .collect();
                        Some(Node::new(Value::List(subnets), span))
                    }
                    _ => unknown(),
                }
            }
            "Fn::ToJsonString" => {
                let inner = self.eval_in(arg, depth)?;
                if inner.is_wholly_known() {
                    match self.built(to_json(&inner.value).to_string()) {
                        Some(text) => Some(Node::new(Value::String(text), span)),
                        None => unknown(),
                    }
                } else {
                    unknown()
                }
            }
            "Fn::Length" => match self.eval_in(arg, depth)?.value {
                Value::List(items) => Some(Node::new(Value::Number(items.len() as f64), span)),
                _ => unknown(),
            },
            // Values of other stacks, of macros, or encoded: not knowable here.
            "Fn::ImportValue" | "Fn::Base64" | "Fn::Transform" | "Fn::GetStackOutput" => unknown(),
            // The `Rules` section's functions validate parameters: not values.
            "Fn::Contains"
            | "Fn::EachMemberEquals"
            | "Fn::EachMemberIn"
            | "Fn::RefAll"
            | "Fn::ValueOf"
            | "Fn::ValueOfAll" => unknown(),
            // Loops outside what is expanded (`Outputs`).
            n if n.starts_with("Fn::ForEach::") => unknown(),
            _ => {
                let mut warnings = self.warnings.borrow_mut();
                if !warnings.iter().any(|w| w.span == span) {
                    warnings.push(TreeWarning {
                        span,
                        message: format!(
                            "unknown function `{name}` (not a CloudFormation intrinsic \
                             function): its value is unknown"
                        ),
                    });
                }
                unknown()
            }
        }
    }

    /// `Fn::Sub`: replaces `${Name}` from the variable map, parameters, pseudo parameters and
    /// resources (`${Res}`, `${Res.Attr}` stay references); None when a part is not knowable.
    fn substitute(
        &self,
        template: &str,
        vars: Option<&TNode>,
        span: Span,
        depth: usize,
    ) -> Option<Vec<Node>> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            literal.push_str(rest.get(..start)?);
            let after = rest.get(start + 2..)?;
            let end = after.find('}')?;
            let name = after.get(..end)?;
            rest = after.get(end + 1..)?;
            if let Some(text) = name.strip_prefix('!') {
                literal.push_str("${");
                literal.push_str(text);
                literal.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.eval_in(v, depth)?,
                None => match name.split_once('.') {
                    Some((target, attr)) => {
                        if !self.resources.contains(target) {
                            return None;
                        }
                        Node::new(
                            Value::Ref(Box::new(Reference {
                                address: target.to_string(),
                                path: attr.split('.').map(str::to_string).collect(),
                            })),
                            span,
                        )
                    }
                    None => {
                        let reference = TNode {
                            kind: Kind::String(name.to_string()),
                            span,
                        };
                        self.intrinsic("Ref", &reference, span, depth)?
                    }
                },
            };
            match &value.value {
                Value::Ref(_) | Value::Concat(_) => {
                    if !literal.is_empty() {
                        parts.push(Node::new(Value::String(std::mem::take(&mut literal)), span));
                    }
                    parts.push(value);
                }
                v => literal.push_str(&known_string(v)?),
            }
            if literal.len() > self.max_string {
                return None;
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() || parts.is_empty() {
            parts.push(Node::new(Value::String(literal), span));
        }
        Some(parts)
    }
}

impl Template<'_> {
    /// A string from parts: plain when every part is text, else the parts; unknown when the
    /// text would be longer than `Limits::string_bytes` or the budget does not cover it.
    fn concat(&self, parts: Vec<Node>, span: Span) -> Option<Node> {
        let value = if parts.iter().all(|p| matches!(p.value, Value::String(_))) {
            let len: usize = parts.iter().filter_map(Node::as_str).map(str::len).sum();
            if len > self.max_string {
                return Some(Node::unknown(span));
            }
            match self.built(parts.iter().filter_map(Node::as_str).collect()) {
                Some(text) => Value::String(text),
                None => Value::Unknown,
            }
        } else if self.spend(parts.len()) {
            Value::Concat(parts)
        } else {
            Value::Unknown
        };
        Some(Node::new(value, span))
    }
}

fn is_intrinsic(node: &TNode) -> bool {
    matches!(node.entries(), [(name, _, _)] if name == "Ref" || name.starts_with("Fn::") || name == "Condition")
}

fn scalar_value(node: &TNode) -> Value {
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Number(n) => Value::Number(*n),
        Kind::String(s) => Value::String(s.clone()),
        // A collection as a parameter default is not valid CloudFormation.
        _ => Value::Unknown,
    }
}

/// A primitive as CloudFormation compares and concatenates it.
/// Is a one-key map's key a function of a tool other than CloudFormation (`Rain::Embed`, the
/// long form of the `!Rain::Embed` tag)? Such a value is unknown, with a warning, like an
/// unknown tag.
fn is_directive(key: &str) -> bool {
    let word = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphanumeric())
    };
    match key.split_once("::") {
        Some((tool, function)) => tool != "AWS" && word(tool) && word(function),
        None => false,
    }
}

/// Are two strings equal, where [`STACK_REGION`] in either stands for one unknown region name?
/// None when that depends on the region.
fn may_equal(x: &str, y: &str) -> Option<bool> {
    if x == y {
        return Some(true);
    }
    // The region in one string against the other, written out: equal only if the other has
    // the same text around a region name there.
    let around = |pattern: &str, text: &str| -> Option<bool> {
        let (before, after) = pattern.split_once(STACK_REGION)?;
        if after.contains(STACK_REGION) {
            return None;
        }
        let fits = text
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(is_region_name);
        (!fits).then_some(false)
    };
    match (x.contains(STACK_REGION), y.contains(STACK_REGION)) {
        (false, false) => Some(false),
        (true, false) => around(x, y),
        (false, true) => around(y, x),
        (true, true) => None,
    }
}

pub(super) fn known_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(super::format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::Unknown | Value::Ref(_) | Value::Concat(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(|n| to_json(&n.value)).collect())
        }
        Value::Map(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, n)| (k.clone(), to_json(&n.value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::super::tree::parse_yaml;
    use super::*;
    use crate::ir::FileId;
    use crate::limits::Limits;

    fn eval_props(template: &str, params: &[(&str, &str)]) -> Node {
        let root = parse_yaml(template, FileId(0), &Limits::default())
            .unwrap()
            .root;
        let options = CfnOptions {
            params: params
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            region: Some("eu-west-1".into()),
            limits: Limits::default(),
        };
        let t = Template::new(&root, &options);
        let props = root
            .get("Resources")
            .unwrap()
            .get("R")
            .unwrap()
            .get("Properties")
            .unwrap();
        t.eval(props).unwrap()
    }

    const TEMPLATE: &str = r#"
Parameters:
  Cidr:
    Type: String
    Default: 0.0.0.0/0
  Open:
    Type: String
    Default: "no"
  Secret:
    Type: String
Mappings:
  Nets:
    eu-west-1:
      Office: 10.1.0.0/16
Conditions:
  IsOpen: !Equals [!Ref Open, "yes"]
  NotOpen: !Not [!Condition IsOpen]
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
  R:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Sg.GroupId
      Long: {"Fn::GetAtt": ["Sg", "GroupId"]}
      CidrIp: !Ref Cidr
      Secret: !Ref Secret
      Picked: !If [IsOpen, 0.0.0.0/0, !Ref "AWS::NoValue"]
      Other: !If [NotOpen, yes, no]
      Sub: !Sub "com.amazonaws.${AWS::Region}.s3"
      SubVars: !Sub ["${A}-${B}", {A: x, B: !Ref Open}]
      Join: !Join ["/", [a, b]]
      Office: !FindInMap [Nets, !Ref "AWS::Region", Office]
      Zone: !Select [1, !GetAZs ""]
      Cidrs: !Cidr ["10.0.0.0/16", 2, 8]
      Split: !Select [1, !Split [",", "a,b"]]
      Import: !ImportValue shared
"#;

    #[test]
    fn intrinsics_evaluate_to_ir() {
        let props = eval_props(TEMPLATE, &[]);
        let get = |k: &str| props.get(k).map(|n| n.value.clone());
        let r = |path: &[&str]| {
            Some(Value::Ref(Box::new(Reference {
                address: "Sg".into(),
                path: path.iter().map(|s| s.to_string()).collect(),
            })))
        };
        assert_eq!(get("GroupId"), r(&["GroupId"]));
        assert_eq!(get("Long"), r(&["GroupId"]));
        assert_eq!(get("CidrIp"), Some(Value::String("0.0.0.0/0".into())));
        assert_eq!(get("Secret"), Some(Value::Unknown));
        assert_eq!(get("Picked"), None, "AWS::NoValue removes the property");
        assert_eq!(
            get("Other"),
            Some(Value::String("yes".into())),
            "YAML 1.2: yes is a string"
        );
        assert_eq!(
            get("Sub"),
            Some(Value::String("com.amazonaws.eu-west-1.s3".into()))
        );
        assert_eq!(get("SubVars"), Some(Value::String("x-no".into())));
        assert_eq!(get("Join"), Some(Value::String("a/b".into())));
        assert_eq!(get("Office"), Some(Value::String("10.1.0.0/16".into())));
        assert_eq!(
            get("Zone"),
            Some(Value::String("zone 2 of eu-west-1".into()))
        );
        assert_eq!(
            props.get("Cidrs").unwrap().as_list().unwrap()[1].as_str(),
            Some("10.0.1.0/24")
        );
        assert_eq!(get("Split"), Some(Value::String("b".into())));
        assert_eq!(get("Import"), Some(Value::Unknown));
    }

    #[test]
    fn parameters_from_the_command_line_win() {
        let props = eval_props(TEMPLATE, &[("Open", "yes"), ("Cidr", "10.0.0.0/8")]);
        assert_eq!(props.get("Picked").unwrap().as_str(), Some("0.0.0.0/0"));
        assert_eq!(props.get("CidrIp").unwrap().as_str(), Some("10.0.0.0/8"));
    }
}
