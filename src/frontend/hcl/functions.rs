//! Terraform's built-in functions that matter for network configuration. A function whose
//! inputs are not all knowable returns Unknown; an unsupported function returns Unknown.

/// The longest list evaluation may build (`concat` doubling in a chain of locals).
pub(crate) const MAX_LIST_LEN: usize = 100_000;
use crate::ir::{Node, Span, Value};
use ipnet::IpNet;
use std::collections::BTreeMap;

/// Renders a primitive as Terraform converts it to a string.
pub(crate) fn to_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub(crate) fn to_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn to_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Deep equality of two values, or None when either is not wholly known.
pub(crate) fn known_equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Unknown | Value::Ref(_) | Value::Concat(_), _)
        | (_, Value::Unknown | Value::Ref(_) | Value::Concat(_)) => None,
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= known_equal(&p.value, &q.value)?;
            }
            Some(all)
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.values().zip(y.values()) {
                all &= known_equal(&p.value, &q.value)?;
            }
            Some(all)
        }
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        _ => Some(a == b),
    }
}

fn list_items(node: &Node) -> Option<&[Node]> {
    match &node.value {
        Value::List(items) => Some(items),
        _ => None,
    }
}

fn string_arg(args: &[Node], i: usize) -> Option<String> {
    args.get(i).and_then(|n| to_string(&n.value))
}

fn number_arg(args: &[Node], i: usize) -> Option<f64> {
    args.get(i).and_then(|n| to_number(&n.value))
}

/// Calls the built-in function `name`; the result carries `span`. Strings it builds may be at
/// most `max_string` bytes long: the length is worked out before anything is built, and a
/// longer one is unknown, with `too_long` set so that the caller can say so.
pub(crate) fn call(
    name: &str,
    args: Vec<Node>,
    span: Span,
    max_string: usize,
    too_long: &std::cell::Cell<bool>,
) -> Node {
    let limit = Limit {
        max_string,
        too_long,
    };
    let value = call_value(name, &args, span, &limit).unwrap_or(Value::Unknown);
    let mut node = Node::new(value, span);
    // A function result is reported where it is called; element spans from literal
    // arguments stay, everything built here gets the call's span.
    if matches!(
        node.value,
        Value::String(_) | Value::Number(_) | Value::Bool(_)
    ) {
        node.span = span;
    }
    node
}

/// The longest string a function may build, and where it says it would have built a longer one.
struct Limit<'c> {
    max_string: usize,
    too_long: &'c std::cell::Cell<bool>,
}

impl Limit<'_> {
    /// Is a string of `len` bytes (None: past `usize`) within the limit? Says so when not.
    fn admits(&self, len: Option<usize>) -> bool {
        let fits = len.is_some_and(|l| l <= self.max_string);
        if !fits {
            self.too_long.set(true);
        }
        fits
    }
}

fn call_value(name: &str, args: &[Node], span: Span, limit: &Limit) -> Option<Value> {
    let first = args.first();
    Some(match name {
        "tolist" | "toset" => {
            let items = list_items(first?)?;
            let mut out: Vec<Node> = items.to_vec();
            if name == "toset" {
                dedup_known(&mut out)?;
            }
            Value::List(out)
        }
        "tomap" => match &first?.value {
            Value::Map(m) => Value::Map(m.clone()),
            _ => return None,
        },
        "tostring" => Value::String(to_string(&first?.value)?),
        "tonumber" => Value::Number(to_number(&first?.value)?),
        "tobool" => Value::Bool(to_bool(&first?.value)?),
        "concat" => {
            let mut out = Vec::new();
            for arg in args {
                out.extend(list_items(arg)?.iter().cloned());
                if out.len() > MAX_LIST_LEN {
                    return None;
                }
            }
            Value::List(out)
        }
        "flatten" => {
            fn flat(items: &[Node], out: &mut Vec<Node>) -> Option<()> {
                for item in items {
                    match &item.value {
                        Value::List(inner) => flat(inner, out)?,
                        Value::Unknown => return None,
                        _ => out.push(item.clone()),
                    }
                }
                Some(())
            }
            let mut out = Vec::new();
            flat(list_items(first?)?, &mut out)?;
            Value::List(out)
        }
        "distinct" => {
            let mut out = list_items(first?)?.to_vec();
            dedup_known(&mut out)?;
            Value::List(out)
        }
        "compact" => Value::List(
            list_items(first?)?
                .iter()
                .filter(|n| !matches!(&n.value, Value::Null) && n.as_str() != Some(""))
                .cloned()
                .collect(),
        ),
        "merge" => {
            let mut out = BTreeMap::new();
            for arg in args {
                match &arg.value {
                    Value::Map(m) => out.extend(m.clone()),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Value::Map(out)
        }
        "lookup" => {
            let key = string_arg(args, 1)?;
            match &first?.value {
                Value::Map(m) => match m.get(&key) {
                    Some(v) => return Some(v.value.clone()),
                    None => args.get(2)?.value.clone(),
                },
                _ => return None,
            }
        }
        "element" => {
            let items = list_items(first?)?;
            let i = number_arg(args, 1)?;
            if items.is_empty() || i < 0.0 {
                return None;
            }
            items.get(i as usize % items.len())?.value.clone()
        }
        "length" => match &first?.value {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Map(m) => Value::Number(m.len() as f64),
            Value::String(s) => Value::Number(s.chars().count() as f64),
            _ => return None,
        },
        "keys" => match &first?.value {
            Value::Map(m) => Value::List(
                m.keys()
                    .map(|k| Node::new(Value::String(k.clone()), span))
                    .collect(),
            ),
            _ => return None,
        },
        "values" => match &first?.value {
            Value::Map(m) => Value::List(m.values().cloned().collect()),
            _ => return None,
        },
        "zipmap" => {
            let keys = list_items(first?)?;
            let values = list_items(args.get(1)?)?;
            let mut out = BTreeMap::new();
            for (k, v) in keys.iter().zip(values) {
                out.insert(to_string(&k.value)?, v.clone());
            }
            Value::Map(out)
        }
        "contains" => {
            let items = list_items(first?)?;
            let needle = &args.get(1)?.value;
            let mut unknown = false;
            for item in items {
                match known_equal(&item.value, needle) {
                    Some(true) => return Some(Value::Bool(true)),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            if unknown {
                return None;
            }
            Value::Bool(false)
        }
        "coalesce" => {
            for arg in args {
                match &arg.value {
                    Value::Null => continue,
                    Value::String(s) if s.is_empty() => continue,
                    Value::Unknown | Value::Ref(_) | Value::Concat(_) => return None,
                    v => return Some(v.clone()),
                }
            }
            return None;
        }
        "coalescelist" => {
            for arg in args {
                match list_items(arg) {
                    Some([]) => continue,
                    Some(items) => return Some(Value::List(items.to_vec())),
                    None => return None,
                }
            }
            return None;
        }
        "try" => {
            for arg in args {
                if !matches!(arg.value, Value::Unknown) {
                    return Some(arg.value.clone());
                }
            }
            return None;
        }
        "can" => Value::Bool(!matches!(first?.value, Value::Unknown)),
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, number_arg(args, 0)?, 1.0),
                2 => (number_arg(args, 0)?, number_arg(args, 1)?, 1.0),
                _ => (
                    number_arg(args, 0)?,
                    number_arg(args, 1)?,
                    number_arg(args, 2)?,
                ),
            };
            let steps = ((end - start) / step).ceil();
            if step == 0.0 || steps.is_nan() || steps > 10_000.0 {
                return None;
            }
            // Counted, not accumulated: `v += step` can stop moving where floats are sparse.
            let count = steps.max(0.0) as usize;
            Value::List(
                (0..count)
                    .map(|i| Node::new(Value::Number(start + step * i as f64), span))
                    .collect(),
            )
        }
        "join" => {
            let sep = string_arg(args, 0)?;
            let mut parts = Vec::new();
            for list in args.get(1..)? {
                for item in list_items(list)? {
                    parts.push(to_string(&item.value)?);
                }
            }
            let len = parts.iter().try_fold(
                sep.len().checked_mul(parts.len().saturating_sub(1))?,
                |total, p| total.checked_add(p.len()),
            );
            if !limit.admits(len) {
                return None;
            }
            Value::String(parts.join(&sep))
        }
        "split" => {
            let sep = string_arg(args, 0)?;
            let s = string_arg(args, 1)?;
            if sep.is_empty() {
                return None;
            }
            Value::List(
                s.split(sep.as_str())
                    .map(|p| Node::new(Value::String(p.to_string()), span))
                    .collect(),
            )
        }
        "lower" => Value::String(string_arg(args, 0)?.to_lowercase()),
        "upper" => Value::String(string_arg(args, 0)?.to_uppercase()),
        "trimspace" => Value::String(string_arg(args, 0)?.trim().to_string()),
        "replace" => {
            let s = string_arg(args, 0)?;
            let from = string_arg(args, 1)?;
            let to = string_arg(args, 2)?;
            if from.is_empty() || from.starts_with('/') {
                // Regular-expression replacement is not evaluated.
                return None;
            }
            let count = s.matches(from.as_str()).count();
            let len = (s.len() - count * from.len()).checked_add(count.checked_mul(to.len())?);
            if !limit.admits(len) {
                return None;
            }
            Value::String(s.replace(&from, &to))
        }
        "format" => Value::String(format_string(&string_arg(args, 0)?, args.get(1..)?, limit)?),
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args.iter().map(|a| to_number(&a.value)).collect();
            let nums = nums?;
            let it = nums.into_iter();
            Value::Number(if name == "min" {
                it.fold(f64::INFINITY, f64::min)
            } else {
                it.fold(f64::NEG_INFINITY, f64::max)
            })
        }
        "cidrsubnet" => {
            let net: IpNet = string_arg(args, 0)?.parse().ok()?;
            let newbits = number_arg(args, 1)? as u8;
            let netnum = number_arg(args, 2)? as u128;
            Value::String(cidr_subnet(net, newbits, netnum)?.to_string())
        }
        "cidrhost" => {
            let net: IpNet = string_arg(args, 0)?.parse().ok()?;
            let hostnum = number_arg(args, 1)?;
            if hostnum < 0.0 {
                return None;
            }
            Value::String(cidr_host(net, hostnum as u128)?)
        }
        // The encoded document keeps its structure (and spans): consumers that read JSON
        // documents (policies) accept a structure as well as text.
        "jsonencode" => first?.value.clone(),
        "jsondecode" => {
            let text = string_arg(args, 0)?;
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            Node::from_json(&json, span).value
        }
        _ => return None,
    })
}

/// The most elements `toset` and `distinct` compare pairwise; longer lists are unknown.
const MAX_DEDUP_LEN: usize = 10_000;

fn dedup_known(items: &mut Vec<Node>) -> Option<()> {
    if items.len() > MAX_DEDUP_LEN {
        return None;
    }
    let mut out: Vec<Node> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if !out
            .iter()
            .any(|o| known_equal(&o.value, &item.value) == Some(true))
        {
            out.push(item);
        }
    }
    *items = out;
    Some(())
}

fn format_string(fmt: &str, args: &[Node], limit: &Limit) -> Option<String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Skip flags/width; only the verb matters for our purposes.
        let mut verb = None;
        for next in chars.by_ref() {
            if next.is_ascii_alphabetic() || next == '%' {
                verb = Some(next);
                break;
            }
        }
        let piece = match verb? {
            '%' => "%".to_string(),
            'd' => format_number(to_number(&args.next()?.value)?.trunc()),
            _ => to_string(&args.next()?.value)?,
        };
        if !limit.admits(out.len().checked_add(piece.len())) {
            return None;
        }
        out.push_str(&piece);
    }
    Some(out)
}

fn cidr_subnet(net: IpNet, newbits: u8, netnum: u128) -> Option<IpNet> {
    let new_len = net.prefix_len().checked_add(newbits)?;
    if new_len > net.max_prefix_len() || (newbits < 128 && netnum >= (1u128 << newbits)) {
        return None;
    }
    let host_bits = u32::from(net.max_prefix_len() - new_len);
    let offset = netnum.checked_shl(host_bits)?;
    match net {
        IpNet::V4(v4) => {
            let base = u32::from(v4.network());
            let addr = base.checked_add(u32::try_from(offset).ok()?)?;
            Some(IpNet::V4(ipnet::Ipv4Net::new(addr.into(), new_len).ok()?))
        }
        IpNet::V6(v6) => {
            let base = u128::from(v6.network());
            let addr = base.checked_add(offset)?;
            Some(IpNet::V6(ipnet::Ipv6Net::new(addr.into(), new_len).ok()?))
        }
    }
}

fn cidr_host(net: IpNet, hostnum: u128) -> Option<String> {
    match net {
        IpNet::V4(v4) => {
            let addr = u32::from(v4.network()).checked_add(u32::try_from(hostnum).ok()?)?;
            let ip = std::net::Ipv4Addr::from(addr);
            v4.contains(&ip).then(|| ip.to_string())
        }
        IpNet::V6(v6) => {
            let ip = std::net::Ipv6Addr::from(u128::from(v6.network()).checked_add(hostnum)?);
            v6.contains(&ip).then(|| ip.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FileId;
    use std::cell::Cell;

    fn s(v: &str) -> Node {
        Node::new(Value::String(v.into()), Span::new(FileId(0), 0..0))
    }
    fn n(v: f64) -> Node {
        Node::new(Value::Number(v), Span::new(FileId(0), 0..0))
    }

    #[test]
    fn cidrsubnet_matches_terraform() {
        let span = Span::new(FileId(0), 0..0);
        let out = call(
            "cidrsubnet",
            vec![s("10.0.0.0/16"), n(8.0), n(2.0)],
            span,
            1 << 20,
            &Cell::new(false),
        );
        assert_eq!(out.as_str(), Some("10.0.2.0/24"));
        let out = call(
            "cidrsubnet",
            vec![s("10.0.0.0/16"), n(8.0), n(256.0)],
            span,
            1 << 20,
            &Cell::new(false),
        );
        assert_eq!(out.value, Value::Unknown);
    }

    #[test]
    fn format_renders_strings_and_integers() {
        let span = Span::new(FileId(0), 0..0);
        let out = call(
            "format",
            vec![s("%s-%d%%"), s("a"), n(3.0)],
            span,
            1 << 20,
            &Cell::new(false),
        );
        assert_eq!(out.as_str(), Some("a-3%"));
    }

    #[test]
    fn strings_past_the_limit_are_refused_before_they_are_built() {
        let span = Span::new(FileId(0), 0..0);
        let too_long = Cell::new(false);
        // A million copies of a 1,000-byte separator: a gigabyte, never allocated.
        let items = Node::new(Value::List(vec![s(""); 1_000_000]), span);
        let out = call(
            "join",
            vec![s(&"x".repeat(1000)), items],
            span,
            1 << 20,
            &too_long,
        );
        assert_eq!((out.value, too_long.get()), (Value::Unknown, true));
        let too_long = Cell::new(false);
        let out = call(
            "replace",
            vec![s(&"a".repeat(10_000)), s("a"), s(&"b".repeat(1000))],
            span,
            1 << 20,
            &too_long,
        );
        assert_eq!((out.value, too_long.get()), (Value::Unknown, true));
        let too_long = Cell::new(false);
        let out = call(
            "join",
            vec![s("-"), Node::new(Value::List(vec![s("a"), s("b")]), span)],
            span,
            1 << 20,
            &too_long,
        );
        assert_eq!((out.as_str(), too_long.get()), (Some("a-b"), false));
    }
}
