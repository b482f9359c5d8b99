//! Fix intents → text edits of the original source, preserving its formatting: a replaced
//! scalar keeps its quoting, an added field or entry takes the indentation of its neighbours,
//! and nothing else changes. One function per intent, dispatching on the file's syntax.

use crate::ir::{FileId, SourceMap, Span};
use crate::model::{FieldSite, FixIntent, FixValue};
use std::ops::Range;

/// One replacement in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub range: Range<usize>,
    pub text: String,
}

/// The syntax of a source file, which decides how values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Hcl,
    Yaml,
    Json,
}

impl Syntax {
    pub fn of(sources: &SourceMap, file: FileId) -> Option<Syntax> {
        let path = sources.path(file);
        match path.extension().and_then(|e| e.to_str()) {
            Some("tf") => Some(Syntax::Hcl),
            Some("yaml" | "yml") => Some(Syntax::Yaml),
            Some("json") => Some(Syntax::Json),
            Some("template") => Some(if sources.text(file).trim_start().starts_with('{') {
                Syntax::Json
            } else {
                Syntax::Yaml
            }),
            _ => None,
        }
    }
}

/// A one-line description of what the fix does.
pub fn describe(intent: &FixIntent) -> String {
    match intent {
        FixIntent::Replace { old, value, .. } => format!("replace {old} with {}", plain(value)),
        FixIntent::ReplaceElement { old, values, .. } => {
            format!(
                "replace {old} with {}",
                values.iter().map(plain).collect::<Vec<_>>().join(", ")
            )
        }
        FixIntent::AddField { site, value } => format!("set {} to {}", site.name, plain(value)),
        FixIntent::ReplaceField { site, name, value } => {
            format!("replace {} with {name} set to {}", site.name, plain(value))
        }
        FixIntent::AddEntry { site, entry } => format!(
            "add to {}: {}",
            site.name,
            entry
                .iter()
                .map(|(k, v)| format!("{k} {}", plain(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FixIntent::AddResource {
            kind, name, fields, ..
        } => format!(
            "add {kind} {name}: {}",
            fields
                .iter()
                .map(|(k, v)| format!("{k} {}", plain(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FixIntent::Noted { fix, note } => format!("{} ({note})", describe(fix)),
        FixIntent::All(parts) => match parts.as_slice() {
            [] => "nothing".into(),
            [only] => describe(only),
            [first, rest @ ..] => format!("{} and {} more like it", describe(first), rest.len()),
        },
    }
}

fn plain(value: &FixValue) -> String {
    match value {
        FixValue::Bool(b) => b.to_string(),
        FixValue::Str(s) => s.clone(),
        FixValue::Int(i) => i.to_string(),
        FixValue::List(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        FixValue::Map(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k} {}", plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        FixValue::Id(id) => id.clone(),
    }
}

/// The edits that carry out an intent, or why there are none.
/// The file a fix edits (the first part's, for a fix of several parts).
pub fn target_file(intent: &FixIntent) -> Option<FileId> {
    match intent {
        FixIntent::All(parts) => parts.first().and_then(target_file),
        FixIntent::Noted { fix, .. } => target_file(fix),
        FixIntent::Replace { span, .. } | FixIntent::ReplaceElement { span, .. } => Some(span.file),
        FixIntent::AddField { site, .. }
        | FixIntent::AddEntry { site, .. }
        | FixIntent::ReplaceField { site, .. } => Some(site.owner.file),
        FixIntent::AddResource { body, .. } => Some(body.file),
    }
}

pub fn edits(intent: &FixIntent, sources: &SourceMap) -> Result<Vec<Edit>, String> {
    if let FixIntent::Noted { fix, .. } = intent {
        return edits(fix, sources);
    }
    if let FixIntent::All(parts) = intent {
        // Insertions at one place go together, in order.
        let mut out: Vec<Edit> = Vec::new();
        for part in parts {
            for e in edits(part, sources)? {
                match out
                    .iter_mut()
                    .find(|o| o.file == e.file && o.range == e.range && e.range.is_empty())
                {
                    Some(same) => same.text.push_str(&e.text),
                    None => out.push(e),
                }
            }
        }
        if out
            .iter()
            .any(|e| Some(e.file) != out.first().map(|f| f.file))
        {
            return Err("the fix would change several files".into());
        }
        return Ok(out);
    }
    let file = target_file(intent).ok_or("nested fixes")?;
    let syntax = Syntax::of(sources, file).ok_or("the source's syntax cannot be edited")?;
    let text = sources.text(file);
    let edits = match intent {
        FixIntent::Replace { span, old, value } => vec![replace(
            text,
            *span,
            old,
            std::slice::from_ref(value),
            syntax,
            false,
        )?],
        FixIntent::ReplaceElement { span, old, values } => {
            vec![replace(text, *span, old, values, syntax, true)?]
        }
        FixIntent::AddField { site, value } => vec![add_field(text, site, value, syntax)?],
        FixIntent::AddEntry { site, entry } => vec![add_entry(text, site, entry, syntax)?],
        FixIntent::ReplaceField { site, name, value } => {
            vec![replace_field(text, site, name, value, syntax)?]
        }
        FixIntent::AddResource {
            header,
            body,
            kind,
            name,
            fields,
        } => vec![add_resource(
            text, *header, *body, kind, name, fields, syntax,
        )?],
        FixIntent::All(_) | FixIntent::Noted { .. } => return Err("nested fixes".into()),
    };
    // Files with Windows line endings keep them in what is added.
    let crlf = sources.has_crlf(file);
    Ok(edits
        .into_iter()
        .map(|mut e| {
            e.file = file;
            if crlf {
                e.text = e.text.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            e
        })
        .collect())
}

/// How a written scalar is quoted.
#[derive(Clone, Copy, PartialEq)]
enum Quote {
    None,
    Double,
    Single,
}

/// The content and quoting of the literal scalar at `range`, if it is one.
fn literal(text: &str, syntax: Syntax) -> Option<(String, Quote)> {
    let t = text.trim();
    if t.contains('\n') {
        return None;
    }
    if let Some(inner) = t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        if inner.contains("${") && syntax == Syntax::Hcl {
            return None;
        }
        let unescaped: String = serde_json::from_str(t).ok()?;
        return Some((unescaped, Quote::Double));
    }
    if syntax == Syntax::Yaml {
        if let Some(inner) = t.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            return Some((inner.replace("''", "'"), Quote::Single));
        }
        let special = ['!', '[', '{', '&', '*', '|', '>', '#', '"', '\''];
        if t.is_empty() || t.starts_with(special) {
            return None;
        }
        return Some((t.to_string(), Quote::None));
    }
    let bare = t == "true" || t == "false" || t.parse::<f64>().is_ok();
    bare.then(|| (t.to_string(), Quote::None))
}

fn render(value: &FixValue, syntax: Syntax, quote: Quote) -> String {
    match (value, quote) {
        (FixValue::Str(s), Quote::Single) => format!("'{}'", s.replace('\'', "''")),
        (FixValue::Int(i), Quote::Single) => format!("'{i}'"),
        (FixValue::Str(s), Quote::Double) => serde_json::to_string(s).unwrap_or_default(),
        (FixValue::Int(i), Quote::Double) => format!("\"{i}\""),
        (FixValue::Bool(b), _) => b.to_string(),
        (FixValue::Int(i), Quote::None) => i.to_string(),
        (FixValue::Str(s), Quote::None) => match syntax {
            Syntax::Yaml if is_plain_yaml(s) => s.clone(),
            _ => serde_json::to_string(s).unwrap_or_default(),
        },
        (FixValue::List(items), _) => {
            let inner: Vec<String> = items
                .iter()
                .map(|i| render(i, syntax, Quote::None))
                .collect();
            format!("[{}]", inner.join(", "))
        }
        (FixValue::Map(fields), _) => match syntax {
            Syntax::Json => to_json(value).to_string(),
            _ => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", render(v, syntax, Quote::None)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        },
        (FixValue::Id(id), _) => match syntax {
            Syntax::Hcl => format!("{id}.id"),
            Syntax::Yaml => format!("!Ref {id}"),
            Syntax::Json => to_json(value).to_string(),
        },
    }
}

/// Can the string be written as a plain YAML scalar and read back as the same string?
fn is_plain_yaml(s: &str) -> bool {
    !s.is_empty()
        && !s.contains([
            ':', '#', '\n', '"', '\'', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@',
            '`',
        ])
        && !s.starts_with(['-', '?', ' '])
        && !s.ends_with(' ')
        && !matches!(
            s,
            "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
        )
        && s.parse::<f64>().is_err()
}

/// Replaces a written scalar (or list element) whose content is `old`.
fn replace(
    text: &str,
    span: Span,
    old: &str,
    values: &[FixValue],
    syntax: Syntax,
    element: bool,
) -> Result<Edit, String> {
    let range = span.range();
    let written = text
        .get(range.clone())
        .ok_or("the value's position is outside the file")?;
    let (content, quote) =
        literal(written, syntax).ok_or("the value is not written as a literal here")?;
    if !content.eq_ignore_ascii_case(old) {
        return Err(format!("the written value `{content}` is not `{old}`"));
    }
    let before = text.get(..range.start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = before.get(line_start..).unwrap_or("");
    let in_flow_list = element && matches!(before.trim_end().chars().last(), Some('[' | ','));
    let yaml_item = element
        && syntax == Syntax::Yaml
        && prefix.trim_start().starts_with("- ")
        && prefix.trim() == "-";
    let rendered: Vec<String> = values.iter().map(|v| render(v, syntax, quote)).collect();
    let new_text = match (rendered.as_slice(), in_flow_list, yaml_item) {
        ([one], _, _) => one.clone(),
        (many, true, _) => many.join(", "),
        ([first, rest @ ..], false, true) => {
            let mut out = first.clone();
            for r in rest {
                out.push('\n');
                out.push_str(prefix);
                out.push_str(r);
            }
            out
        }
        _ => return Err("several values cannot replace a single value".into()),
    };
    Ok(Edit {
        file: span.file,
        range,
        text: new_text,
    })
}

/// The indentation (leading spaces and tabs) of the line containing `offset`.
fn indentation_at(text: &str, offset: usize) -> String {
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    text.get(start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The position just after the end of the last line with content in `range`.
fn after_last_content_line(text: &str, range: &Range<usize>) -> usize {
    let region = text.get(range.clone()).unwrap_or("");
    let last = region.trim_end().len();
    let end = range.start + last;
    text.get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i + 1)
}

/// HCL: where a new line inside a block goes (the start of the closing brace's line), its
/// indentation, and whether the brace shares its line with other content.
fn hcl_block_end(text: &str, owner: Span) -> Result<(usize, String, bool), String> {
    let block = text
        .get(owner.range())
        .ok_or("the block's position is outside the file")?;
    let close = owner.start as usize + block.rfind('}').ok_or("the block has no closing brace")?;
    let line_start = text
        .get(..close)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let alone = text
        .get(line_start..close)
        .is_some_and(|t| t.trim().is_empty());
    let open_line = indentation_at(text, owner.start as usize);
    // The indentation of the block's first attribute, else one level deeper than the block.
    let inner = block
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('}'))
        .map(|l| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .filter(|i| i.len() > open_line.len())
        .unwrap_or_else(|| format!("{open_line}  "));
    Ok((if alone { line_start } else { close }, inner, alone))
}

/// Replaces a written field, name and value, with another: `master_password = "…"` becomes
/// `manage_master_password = true`, the name quoted as the old one was and, in HCL, the `=`
/// kept in its column where the new name fits.
fn replace_field(
    text: &str,
    site: &FieldSite,
    name: &str,
    value: &FixValue,
    syntax: Syntax,
) -> Result<Edit, String> {
    let value_span = site.value.ok_or("the field is not written")?;
    let (value_start, value_end) = (value_span.start as usize, value_span.end as usize);
    let before = text
        .get(..value_start)
        .ok_or("the field's position is outside the file")?;
    let separator = if syntax == Syntax::Hcl { '=' } else { ':' };
    let sep_start = before
        .trim_end_matches([' ', '\t'])
        .strip_suffix(separator)
        .ok_or("the field's name is not written before its value")?
        .trim_end_matches([' ', '\t'])
        .len();
    let head = before.get(..sep_start).unwrap_or("");
    let (key_start, quote) = match head.chars().last() {
        Some(q @ ('"' | '\'')) => {
            let open = head
                .get(..head.len() - 1)
                .and_then(|h| h.rfind(q))
                .ok_or("the field's name is not closed")?;
            (open, Some(q))
        }
        _ => (
            head.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .map_or(0, |i| i + 1),
            None,
        ),
    };
    let written = head.get(key_start..).unwrap_or("");
    if written.trim_matches(['"', '\'']) != site.name {
        return Err(format!("the field before the value is not {}", site.name));
    }
    let mut gap = before.get(sep_start..).unwrap_or("").to_string();
    if syntax == Syntax::Hcl {
        // Keep the `=` where it is when the new name fits in the padding before it.
        let padding = gap.len() - gap.trim_start_matches(' ').len();
        let longer = name.len().saturating_sub(site.name.len());
        let shorter = site.name.len().saturating_sub(name.len());
        let keep = (padding + shorter).saturating_sub(longer).max(1);
        gap = format!("{}{}", " ".repeat(keep), gap.trim_start_matches(' '));
    }
    let key = match quote {
        Some(q) => format!("{q}{name}{q}"),
        None => name.to_string(),
    };
    Ok(Edit {
        file: value_span.file,
        range: key_start..value_end,
        text: format!("{key}{gap}{}", render(value, syntax, Quote::None)),
    })
}

fn add_field(
    text: &str,
    site: &FieldSite,
    value: &FixValue,
    syntax: Syntax,
) -> Result<Edit, String> {
    let owner = site.owner;
    let name = site.name;
    match syntax {
        Syntax::Hcl => {
            let (at, indent, alone) = hcl_block_end(text, owner)?;
            let line = format!("{indent}{name} = {}\n", render(value, syntax, Quote::None));
            // A blank line keeps the new attribute its own alignment group for `terraform fmt`.
            let text_out = if alone {
                format!("\n{line}")
            } else {
                format!("\n{line}{}", indentation_at(text, owner.start as usize))
            };
            Ok(Edit {
                file: owner.file,
                range: at..at,
                text: text_out,
            })
        }
        Syntax::Yaml => {
            let start = owner.start as usize;
            if text.get(start..).is_some_and(|t| t.starts_with('{')) {
                let close = start
                    + text
                        .get(owner.range())
                        .and_then(|t| t.rfind('}'))
                        .ok_or("unbalanced flow mapping")?;
                let empty = text
                    .get(start + 1..close)
                    .is_some_and(|t| t.trim().is_empty());
                let sep = if empty { "" } else { ", " };
                return Ok(Edit {
                    file: owner.file,
                    range: close..close,
                    text: format!("{sep}{name}: {}", render(value, syntax, Quote::None)),
                });
            }
            let indent = indentation_at(text, start);
            let at = after_last_content_line(text, &owner.range());
            let newline = if text.get(..at).is_some_and(|t| t.ends_with('\n')) {
                ""
            } else {
                "\n"
            };
            Ok(Edit {
                file: owner.file,
                range: at..at,
                text: format!(
                    "{newline}{indent}{name}: {}\n",
                    render(value, syntax, Quote::None)
                ),
            })
        }
        Syntax::Json => {
            let json = serde_json::to_string(&to_json(value)).map_err(|e| e.to_string())?;
            json_insert_member(text, owner, name, &json)
        }
    }
}

/// Inserts `"name": json` as the first member of the JSON object at `owner`.
fn json_insert_member(text: &str, owner: Span, name: &str, json: &str) -> Result<Edit, String> {
    let start = owner.start as usize;
    let object = text
        .get(owner.range())
        .ok_or("the object's position is outside the file")?;
    if !object.starts_with('{') {
        return Err("not a JSON object".into());
    }
    let inner = object.get(1..object.len().saturating_sub(1)).unwrap_or("");
    let key = serde_json::to_string(name).map_err(|e| e.to_string())?;
    if inner.trim().is_empty() {
        return Ok(Edit {
            file: owner.file,
            range: start + 1..start + 1,
            text: format!("{key}: {json}"),
        });
    }
    let first = inner.len() - inner.trim_start().len();
    let indent = indentation_at(text, start + 1 + first);
    let multiline = inner.get(..first).is_some_and(|ws| ws.contains('\n'));
    let text_out = if multiline {
        format!("\n{indent}{key}: {json},")
    } else {
        format!("{key}: {json}, ")
    };
    let at = if multiline {
        start + 1
    } else {
        start + 1 + first
    };
    Ok(Edit {
        file: owner.file,
        range: at..at,
        text: text_out,
    })
}

fn to_json(value: &FixValue) -> serde_json::Value {
    match value {
        FixValue::Bool(b) => serde_json::Value::Bool(*b),
        FixValue::Str(s) => serde_json::Value::String(s.clone()),
        FixValue::Int(i) => serde_json::Value::from(*i),
        FixValue::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        FixValue::Map(fields) => serde_json::Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), to_json(v)))
                .collect(),
        ),
        FixValue::Id(id) => serde_json::json!({ "Ref": id }),
    }
}

fn add_entry(
    text: &str,
    site: &FieldSite,
    entry: &[(&'static str, FixValue)],
    syntax: Syntax,
) -> Result<Edit, String> {
    let owner = site.owner;
    let name = site.name;
    match syntax {
        Syntax::Hcl => {
            // A nested block, with `=` aligned as `terraform fmt` aligns it.
            let (at, indent, alone) = hcl_block_end(text, owner)?;
            let width = entry.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let mut block = format!("{indent}{name} {{\n");
            for (k, v) in entry {
                block.push_str(&format!(
                    "{indent}  {k:<width$} = {}\n",
                    render(v, syntax, Quote::None)
                ));
            }
            block.push_str(&format!("{indent}}}\n"));
            let text_out = if alone {
                block
            } else {
                format!("\n{block}{}", indentation_at(text, owner.start as usize))
            };
            Ok(Edit {
                file: owner.file,
                range: at..at,
                text: text_out,
            })
        }
        Syntax::Yaml => match site.value {
            Some(list) => {
                let region = text.get(list.range()).unwrap_or("");
                // The list is written after the key's colon: in flow style or as a block.
                let after_colon = region.find(':').map_or(0, |i| i + 1);
                let rest = region.get(after_colon..).unwrap_or("").trim_start();
                if rest.starts_with('[') {
                    let close = list.start as usize
                        + region.rfind(']').ok_or("unbalanced flow sequence")?;
                    let empty = rest
                        .get(1..)
                        .is_some_and(|r| r.trim_start().starts_with(']'));
                    let items: Vec<String> = entry
                        .iter()
                        .map(|(k, v)| format!("{k}: {}", render(v, syntax, Quote::None)))
                        .collect();
                    return Ok(Edit {
                        file: list.file,
                        range: close..close,
                        text: format!("{}{{{}}}", if empty { "" } else { ", " }, items.join(", ")),
                    });
                }
                let item_line = region
                    .lines()
                    .skip(1)
                    .find(|l| l.trim_start().starts_with('-'))
                    .ok_or("the list has no items to align with")?;
                let item_indent: String = item_line.chars().take_while(|c| *c == ' ').collect();
                let at = after_last_content_line(text, &list.range());
                Ok(Edit {
                    file: list.file,
                    range: at..at,
                    text: yaml_item(&item_indent, entry),
                })
            }
            None => {
                let indent = indentation_at(text, owner.start as usize);
                let at = after_last_content_line(text, &owner.range());
                let newline = if text.get(..at).is_some_and(|t| t.ends_with('\n')) {
                    ""
                } else {
                    "\n"
                };
                Ok(Edit {
                    file: owner.file,
                    range: at..at,
                    text: format!(
                        "{newline}{indent}{name}:\n{}",
                        yaml_item(&format!("{indent}  "), entry)
                    ),
                })
            }
        },
        Syntax::Json => {
            // Members in the entry's order (serde_json's map would sort them).
            let members: Vec<String> = entry
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        serde_json::to_string(k).unwrap_or_default(),
                        to_json(v)
                    )
                })
                .collect();
            let item = format!("{{{}}}", members.join(", "));
            match site.value {
                Some(list) => {
                    // The span may start at the member's key: the array starts at its bracket.
                    let whole = text.get(list.range()).unwrap_or("");
                    let open = list.start as usize + whole.find('[').ok_or("not a JSON array")?;
                    let close = list.start as usize + whole.rfind(']').ok_or("not a JSON array")?;
                    let inner = text.get(open + 1..close).unwrap_or("");
                    if inner.trim().is_empty() {
                        return Ok(Edit {
                            file: list.file,
                            range: open + 1..close,
                            text: item,
                        });
                    }
                    let last = open + 1 + inner.trim_end().len();
                    let first_item = inner.len() - inner.trim_start().len();
                    let multiline = inner.get(..first_item).is_some_and(|ws| ws.contains('\n'));
                    let indent = indentation_at(text, open + 1 + first_item);
                    Ok(Edit {
                        file: list.file,
                        range: last..last,
                        text: if multiline {
                            format!(",\n{indent}{item}")
                        } else {
                            format!(", {item}")
                        },
                    })
                }
                None => json_insert_member(text, owner, name, &format!("[{item}]")),
            }
        }
    }
}

/// YAML: the end of the last line of the mapping entry whose key is at `header`: the lines
/// after it that are indented deeper, blank lines between them included.
fn yaml_entry_end(text: &str, header: Span) -> usize {
    let indent = indentation_at(text, header.start as usize).len();
    let mut end = text
        .get(header.start as usize..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| header.start as usize + i + 1);
    let mut at = end;
    while at < text.len() {
        let line_end = text
            .get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i + 1);
        let line = text.get(at..line_end).unwrap_or("");
        if !line.trim().is_empty() {
            let deeper = line.len() - line.trim_start_matches([' ', '\t']).len() > indent;
            if !deeper {
                break;
            }
            end = line_end;
        }
        at = line_end;
    }
    end
}

/// JSON: the end of the value of the member whose key is at `header` (an object: its
/// closing brace, strings skipped).
fn json_member_end(text: &str, header: Span) -> Option<usize> {
    let after_key = text.get(header.end as usize..)?;
    let open = header.end as usize + after_key.find('{')?;
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut in_string) = (0usize, open, false);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A new resource after the one at `header`/`body`: a top-level block (HCL), or an entry of
/// `Resources` at the same indentation (YAML) or a member after it (JSON).
fn add_resource(
    text: &str,
    header: Span,
    body: Span,
    kind: &str,
    name: &str,
    fields: &[(&'static str, FixValue)],
    syntax: Syntax,
) -> Result<Edit, String> {
    // HCL: after the block; CloudFormation: after the whole resource (its body is only its
    // `Properties`).
    let at = match syntax {
        Syntax::Yaml => yaml_entry_end(text, header),
        _ => after_last_content_line(text, &body.range()),
    };
    let newline = if text.get(..at).is_some_and(|t| t.ends_with('\n')) {
        ""
    } else {
        "\n"
    };
    let indent = indentation_at(text, header.start as usize);
    let out = match syntax {
        Syntax::Hcl => {
            let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let mut block = format!("{newline}\n{indent}resource \"{kind}\" \"{name}\" {{\n");
            for (k, v) in fields {
                block.push_str(&format!(
                    "{indent}  {k:<width$} = {}\n",
                    render(v, syntax, Quote::None)
                ));
            }
            block.push_str(&format!("{indent}}}\n"));
            block
        }
        Syntax::Yaml => {
            let mut entry = format!("{newline}{indent}{name}:\n{indent}  Type: {kind}\n");
            entry.push_str(&format!("{indent}  Properties:\n"));
            for (k, v) in fields {
                entry.push_str(&format!(
                    "{indent}    {k}: {}\n",
                    render(v, syntax, Quote::None)
                ));
            }
            entry
        }
        Syntax::Json => {
            // After the resource's object, before whatever follows it.
            let close = json_member_end(text, header).ok_or("the resource is not a JSON object")?;
            let properties = serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), to_json(v)))
                    .collect(),
            );
            let member = serde_json::json!({ "Type": kind, "Properties": properties });
            return Ok(Edit {
                file: body.file,
                range: close..close,
                text: format!(
                    ",\n{indent}{}: {}",
                    serde_json::to_string(name).unwrap_or_default(),
                    serde_json::to_string_pretty(&member)
                        .unwrap_or_default()
                        .replace('\n', &format!("\n{indent}"))
                ),
            });
        }
    };
    Ok(Edit {
        file: body.file,
        range: at..at,
        text: out,
    })
}

fn yaml_item(indent: &str, entry: &[(&'static str, FixValue)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in entry.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!(
            "{indent}{lead}{k}: {}\n",
            render(v, Syntax::Yaml, Quote::None)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sources(name: &str, text: &str) -> (SourceMap, FileId) {
        let mut map = SourceMap::new();
        let id = map.add(Path::new(name), name.into(), text.into());
        (map, id)
    }

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        for e in edits.iter().rev() {
            out.replace_range(e.range.clone(), &e.text);
        }
        out
    }

    fn span_of(text: &str, needle: &str, file: FileId) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(file, start..start + needle.len())
    }

    #[test]
    fn replacing_keeps_quotes_and_checks_the_old_value() {
        let text = "a = \"600000\"\nb = true\n";
        let (map, id) = sources("x.tf", text);
        let intent = FixIntent::Replace {
            span: span_of(text, "\"600000\"", id),
            old: "600000".into(),
            value: FixValue::Int(3_600_000),
        };
        assert_eq!(
            apply(text, &edits(&intent, &map).unwrap()),
            "a = \"3600000\"\nb = true\n"
        );
        let wrong = FixIntent::Replace {
            span: span_of(text, "true", id),
            old: "false".into(),
            value: FixValue::Bool(false),
        };
        assert!(edits(&wrong, &map).is_err());
    }

    #[test]
    fn list_elements_become_several_in_hcl_and_yaml() {
        let text = "cidr_blocks = [\"0.0.0.0/0\"]\n";
        let (map, id) = sources("x.tf", text);
        let intent = FixIntent::ReplaceElement {
            span: span_of(text, "\"0.0.0.0/0\"", id),
            old: "0.0.0.0/0".into(),
            values: vec![
                FixValue::Str("10.0.0.0/8".into()),
                FixValue::Str("172.16.0.0/12".into()),
            ],
        };
        assert_eq!(
            apply(text, &edits(&intent, &map).unwrap()),
            "cidr_blocks = [\"10.0.0.0/8\", \"172.16.0.0/12\"]\n"
        );
        let yaml = "Cidrs:\n  - 0.0.0.0/0\n";
        let (map, id) = sources("x.yaml", yaml);
        let intent = FixIntent::ReplaceElement {
            span: span_of(yaml, "0.0.0.0/0", id),
            old: "0.0.0.0/0".into(),
            values: vec![
                FixValue::Str("10.0.0.0/8".into()),
                FixValue::Str("172.16.0.0/12".into()),
            ],
        };
        assert_eq!(
            apply(yaml, &edits(&intent, &map).unwrap()),
            "Cidrs:\n  - 10.0.0.0/8\n  - 172.16.0.0/12\n"
        );
    }

    #[test]
    fn fields_are_added_with_the_blocks_indentation() {
        let text = "resource \"x\" \"y\" {\n  a = 1\n}\n";
        let (map, id) = sources("x.tf", text);
        let intent = FixIntent::AddField {
            site: FieldSite {
                name: "publicly_accessible",
                owner: Span::new(id, 0..text.len() - 1),
                value: None,
            },
            value: FixValue::Bool(false),
        };
        assert_eq!(
            apply(text, &edits(&intent, &map).unwrap()),
            "resource \"x\" \"y\" {\n  a = 1\n\n  publicly_accessible = false\n}\n"
        );
    }

    #[test]
    fn entries_are_appended_to_yaml_lists_and_hcl_blocks() {
        let yaml = "Properties:\n  GroupDescription: x\n  SecurityGroupEgress:\n    - IpProtocol: tcp\n      FromPort: 5439\n  VpcId: v\n";
        let (map, id) = sources("x.yaml", yaml);
        let list = span_of(
            yaml,
            "SecurityGroupEgress:\n    - IpProtocol: tcp\n      FromPort: 5439",
            id,
        );
        let intent = FixIntent::AddEntry {
            site: FieldSite {
                name: "SecurityGroupEgress",
                owner: span_of(yaml, "GroupDescription", id),
                value: Some(list),
            },
            entry: vec![
                ("IpProtocol", FixValue::Str("tcp".into())),
                ("FromPort", FixValue::Int(443)),
            ],
        };
        assert_eq!(
            apply(yaml, &edits(&intent, &map).unwrap()),
            "Properties:\n  GroupDescription: x\n  SecurityGroupEgress:\n    - IpProtocol: tcp\n      FromPort: 5439\n    - IpProtocol: tcp\n      FromPort: 443\n  VpcId: v\n"
        );
        let hcl = "resource \"aws_security_group\" \"x\" {\n  name = \"x\"\n}\n";
        let (map, id) = sources("x.tf", hcl);
        let intent = FixIntent::AddEntry {
            site: FieldSite {
                name: "egress",
                owner: Span::new(id, 0..hcl.len() - 1),
                value: None,
            },
            entry: vec![
                ("from_port", FixValue::Int(443)),
                ("protocol", FixValue::Str("tcp".into())),
            ],
        };
        assert_eq!(
            apply(hcl, &edits(&intent, &map).unwrap()),
            "resource \"aws_security_group\" \"x\" {\n  name = \"x\"\n  egress {\n    from_port = 443\n    protocol  = \"tcp\"\n  }\n}\n"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let text = "resource \"x\" \"y\" {\r\n  a = 1\r\n}\r\n";
        let (map, id) = sources("x.tf", text);
        let intent = FixIntent::AddField {
            site: FieldSite {
                name: "b",
                owner: Span::new(id, 0..text.len() - 2),
                value: None,
            },
            value: FixValue::Int(2),
        };
        let out = apply(text, &edits(&intent, &map).unwrap());
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn a_yaml_resource_ends_at_the_next_key_at_its_level_whatever_it_holds() {
        let text = "Resources:\n  Acl:\n    Type: X\n    Properties:\n      A: 1\n\n    DependsOn: Y\n  # next\n  Other:\n    Type: Z\n";
        let at = text.find("Acl").unwrap();
        let end = yaml_entry_end(text, Span::new(FileId(0), at..at + 3));
        assert_eq!(
            &text[..end],
            "Resources:\n  Acl:\n    Type: X\n    Properties:\n      A: 1\n\n    DependsOn: Y\n"
        );
    }

    #[test]
    fn a_json_resource_ends_at_its_closing_brace_not_one_in_a_string() {
        let text = r#"{"Resources": {"Acl": {"Type": "X", "Properties": {"D": "}\"}"}}, "B": {}}}"#;
        let at = text.find("\"Acl\"").unwrap();
        let end = json_member_end(text, Span::new(FileId(0), at..at + 5)).unwrap();
        assert_eq!(&text[end..], r#", "B": {}}}"#);
    }
}
