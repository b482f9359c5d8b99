//! What evaluating one root module may spend, and the chain of names under evaluation.
//!
//! The work is counted in steps (`Limits::eval_steps`): an expression evaluated, a loop
//! iteration, a module instantiated, or a node of a value copied (a reference to a local, a
//! variable or a loop variable; a function's result). Past it every value is unknown, so `for`
//! expressions, `count`/`for_each` and module calls that multiply each other cannot hang the
//! run. The memory copied values take is counted in bytes (`Limits::value_bytes`), before the
//! copy is made. Strings cost a step more per [`STRING_BYTES_PER_STEP`] bytes; the longest
//! string evaluation may build is `Limits::string_bytes` (functions check it themselves).

use crate::ir::{Node, Span, Value};
use crate::limits::Limits;
use foldhash::HashSet;

/// How deep evaluation may recurse in all, through references too (a chain of locals each
/// naming the next starts a new expression, so the expression depth alone does not bound it).
pub(crate) const MAX_NESTED_EVALS: usize = 1_000;
/// How many bytes of a string cost one step.
pub(crate) const STRING_BYTES_PER_STEP: usize = 64;
/// The memory a copied node takes besides what it holds (its place in a list, or the value
/// half of a map entry), as charged to `Limits::value_bytes`.
const NODE_BYTES: usize = 64;
/// The memory of one B-tree leaf of a copied map (room for eleven keys and nodes, whatever the
/// map holds), charged for every eight entries: a small map costs about ten times its entries,
/// and leaving that out undercounted copied maps of maps by as much.
const MAP_LEAF_BYTES: usize = 800;

/// The steps and bytes left to one root module's evaluation, and where each ran out.
pub(crate) struct Budget {
    limits: Limits,
    steps_left: usize,
    /// Where the steps ran out.
    exhausted_at: Option<Span>,
    value_bytes_left: usize,
    /// Where the value memory ran out.
    values_exhausted_at: Option<Span>,
    /// How many evaluations are under way, one inside the other.
    nested: usize,
    /// Where they first nested deeper than [`MAX_NESTED_EVALS`].
    nested_too_deep: Option<Span>,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Budget {
        Budget {
            limits: *limits,
            steps_left: limits.eval_steps,
            exhausted_at: None,
            value_bytes_left: limits.value_bytes,
            values_exhausted_at: None,
            nested: 0,
            nested_too_deep: None,
        }
    }

    /// Spends `n` steps; false (and the steps are gone) when they are not there.
    pub(crate) fn spend(&mut self, n: usize) -> bool {
        match self.steps_left.checked_sub(n) {
            Some(left) => {
                self.steps_left = left;
                true
            }
            None => {
                self.steps_left = 0;
                false
            }
        }
    }

    /// Spends the step of evaluating the expression at `span`; false, with `span` recorded
    /// as where the steps ran out, when it is not there.
    pub(crate) fn step(&mut self, span: Span) -> bool {
        let spent = self.spend(1);
        if !spent {
            self.exhausted_at.get_or_insert(span);
        }
        spent
    }

    /// Pays for a string value by its length.
    pub(crate) fn spend_on_string(&mut self, s: &str) -> bool {
        self.spend(s.len() / STRING_BYTES_PER_STEP)
    }

    /// A value built here (a function's result), paid for by its size; Unknown when the
    /// budget does not cover it.
    pub(crate) fn charge(&mut self, node: Node) -> Node {
        if self.pay_for_copy(&node, node.span) {
            node
        } else {
            Node::unknown(node.span)
        }
    }

    /// A copy of a value kept elsewhere (a variable, a local, a loop variable), paid for
    /// before it is made, with the span of the reference that makes it; Unknown when the
    /// budget does not cover it.
    pub(crate) fn copy(&mut self, node: &Node, span: Span) -> Node {
        if self.pay_for_copy(node, span) {
            node.clone()
        } else {
            Node::unknown(span)
        }
    }

    /// Pays for a copy of `node`: steps for its nodes and string lengths, bytes for what it
    /// takes; false, and the budget that ran out recorded at `span`, when it cannot.
    fn pay_for_copy(&mut self, node: &Node, span: Span) -> bool {
        let cost = copy_cost(node, self.steps_left);
        let Some((steps, bytes)) = cost.filter(|(steps, _)| *steps < self.steps_left) else {
            self.steps_left = 0;
            return false;
        };
        let Some(left) = self.value_bytes_left.checked_sub(bytes) else {
            self.value_bytes_left = 0;
            self.values_exhausted_at.get_or_insert(span);
            return false;
        };
        self.value_bytes_left = left;
        self.steps_left -= steps;
        true
    }

    /// Starts one more evaluation inside those under way; false (recorded at `span`) when
    /// they already nest [`MAX_NESTED_EVALS`] deep.
    pub(crate) fn enter(&mut self, span: Span) -> bool {
        if self.nested >= MAX_NESTED_EVALS {
            self.nested_too_deep.get_or_insert(span);
            return false;
        }
        self.nested += 1;
        true
    }

    /// Ends the evaluation [`Self::enter`] started.
    pub(crate) fn leave(&mut self) {
        self.nested = self.nested.saturating_sub(1);
    }

    /// What ran out, each with where (None: the steps ran out nowhere in particular) and the
    /// message saying so.
    pub(crate) fn overruns(&self) -> Vec<(Option<Span>, String)> {
        let mut out = Vec::new();
        if let Some(span) = self.values_exhausted_at {
            let mb = self.limits.value_bytes >> 20;
            out.push((
                Some(span),
                format!(
                    "values copied through variables, locals, outputs and module calls exceed \
                     the limit of {mb} MB (value_mb); this and later copies are unknown"
                ),
            ));
        }
        if self.steps_left == 0 {
            out.push((
                self.exhausted_at,
                format!(
                    "evaluation exceeds the limit of {} steps (count, for_each, for expressions, \
                     module calls or functions that multiply values); the rest is unknown",
                    self.limits.eval_steps
                ),
            ));
        }
        if let Some(span) = self.nested_too_deep {
            out.push((
                Some(span),
                format!(
                    "references nest deeper than {MAX_NESTED_EVALS} levels (a chain of locals, \
                     outputs or variables each naming the next); the rest is unknown"
                ),
            ));
        }
        out
    }
}

/// What copying `node` costs: (evaluation steps, bytes). None once the steps pass `max_steps`
/// (the walk stops there).
fn copy_cost(node: &Node, max_steps: usize) -> Option<(usize, usize)> {
    let mut steps = 0usize;
    let mut bytes = 0usize;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        let (text, held) = match &node.value {
            Value::String(s) => (s.len(), s.len()),
            Value::Map(map) => (
                0,
                map.len().div_ceil(8) * MAP_LEAF_BYTES + map.keys().map(String::len).sum::<usize>(),
            ),
            _ => (0, 0),
        };
        steps = steps.checked_add(1 + text / STRING_BYTES_PER_STEP)?;
        bytes = bytes.checked_add(NODE_BYTES + held)?;
        if steps >= max_steps {
            return None;
        }
        match &node.value {
            Value::List(items) | Value::Concat(items) => stack.extend(items),
            Value::Map(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    Some((steps, bytes))
}

/// The locals, outputs and module calls under evaluation, outermost first, by the names reports
/// give them (`module.net.local.cidr`), to name a reference cycle when one closes.
#[derive(Default)]
pub(crate) struct Chain {
    names: Vec<String>,
    /// The references that closed a cycle already reported.
    closed_at: HashSet<Span>,
}

impl Chain {
    pub(crate) fn push(&mut self, name: String) {
        self.names.push(name);
    }

    pub(crate) fn pop(&mut self) {
        self.names.pop();
    }

    /// The warning for the reference at `span` to `closing`, which is under evaluation: the
    /// cycle it closes, once per reference.
    pub(crate) fn close(&mut self, closing: &str, span: Span) -> Option<String> {
        let start = self.names.iter().position(|n| n == closing)?;
        if !self.closed_at.insert(span) {
            return None;
        }
        let mut chain: Vec<&str> = self.names.iter().skip(start).map(String::as_str).collect();
        chain.push(closing);
        Some(format!(
            "reference cycle: {}; the values in it are unknown",
            chain.join(" -> ")
        ))
    }
}
