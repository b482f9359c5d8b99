//! Fixes: the fix intents findings carry become format-preserving edits of the original files
//! ([`edit`]), rendered as unified diffs (`--diff`, and in the JSON/SARIF/Markdown reports) or
//! applied in place (`--fix`, [`apply`]): atomically, keeping line endings and BOM, never
//! outside the scanned paths, and only when re-analysis proves the finding gone and nothing new.
//!
//! Fixing knows findings only as [`Fixable`]s and analyses only as [`apply::Census`]es: it
//! knows no report (reports hold [`FixOutcome`]s, computed by [`outcome`] as they are built),
//! and re-analysis is a function the caller (the CLI) gives [`apply::apply`].

pub mod apply;
pub mod edit;

use crate::ir::{FileId, SourceMap};
use crate::model::secret::{Masked, Secrets, merge};
use edit::Edit;
use foldhash::HashSet;
use std::collections::BTreeMap;

/// What a finding's fix comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    pub description: String,
    /// The diff of this fix alone, or why it cannot be made.
    pub diff: Result<String, String>,
    /// The replacements, located: (region replaced, new text).
    pub replacements: Vec<(crate::ir::Location, String)>,
}

/// Applies non-overlapping edits (sorted by position) to a text.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        out.push_str(text.get(at..e.range.start).unwrap_or(""));
        out.push_str(&e.text);
        at = e.range.end.max(at);
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// A unified diff with `a/` and `b/` paths, as `git apply` expects (quoted as git quotes
/// them, see [`git_quoted`]).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &git_quoted(&format!("a/{path}")),
            &git_quoted(&format!("b/{path}")),
        )
        .to_string()
}

/// A path as git writes it in a diff header: as it is, unless it holds a control character,
/// a quote, a backslash or a byte past ASCII; then in double quotes with C escapes (`\n`,
/// `\"`, octal `\342` for the rest), which `git apply` reads back. A file name with a newline
/// cannot break the header (or a report showing it) into lines of its own.
pub fn git_quoted(path: &str) -> String {
    let plain = |b: u8| !(b < 0x20 || b == 0x7f || b == b'"' || b == b'\\' || b >= 0x80);
    if path.bytes().all(plain) {
        return path.to_string();
    }
    let mut out = String::with_capacity(path.len() + 8);
    out.push('"');
    for b in path.bytes() {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b if plain(b) => out.push(char::from(b)),
            b => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

/// Lines of context a diff shows around a change.
const CONTEXT: usize = 3;

/// The unified diff of `edits` to one file, computed on the lines they touch and the context
/// around them, so that a fix in a file of many thousand lines costs what it costs in a small
/// one (a report of many findings in one file stays linear). The same diff as
/// [`unified_diff`] of the whole texts: it differs only in lines both sides share.
///
/// Secrets ([`Secrets`]) are masked on both sides, so the diff of a fix that removes one, or
/// changes a line near one, does not show it (and does not apply with `git apply`: `--fix`
/// applies the edits themselves).
pub fn edits_diff(sources: &SourceMap, file: FileId, edits: &[&Edit], secrets: &Secrets) -> String {
    let text = sources.text(file);
    let path = sources.display(file);
    let first = edits.iter().map(|e| e.range.start).min().unwrap_or(0);
    let last = edits.iter().map(|e| e.range.end).max().unwrap_or(0);
    // One line more than the context on each side: the window's own first and last lines
    // are then never the ones a change touches.
    let lo = lines_before(text, first, CONTEXT + 1);
    let hi = lines_after(text, last, CONTEXT + 1);
    let (lo, window) = match text.get(lo..hi) {
        Some(window) => (lo, window),
        None => (0, text),
    };
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| Edit {
            file: e.file,
            range: e.range.start.saturating_sub(lo)..e.range.end.saturating_sub(lo),
            text: e.text.clone(),
        })
        .collect();
    let refs: Vec<&Edit> = shifted.iter().collect();
    let fixed = apply_edits(window, &refs);
    let diff = if secrets.is_empty() {
        unified_diff(path, window, &fixed)
    } else {
        let file_path = sources.path(file);
        let old = secrets.masked(file_path, window, lo);
        // The secrets written in the window, where the edits move them (or gone, where an
        // edit replaces them), and secret values wherever the fixed text holds them.
        let mut moved = shift_through(&secrets.written(file_path, lo, window.len()), &refs);
        moved.extend(secrets.found(&fixed));
        let new = Masked::new(&fixed, &merge(moved));
        unified_diff(path, &old.text, &new.text)
    };
    let offset = sources.line_col(file, lo).0.saturating_sub(1);
    if offset == 0 {
        return diff;
    }
    diff.split_inclusive('\n')
        .map(|line| match line.strip_prefix("@@ ") {
            Some(rest) => format!("@@ {}", shift_hunk_header(rest, offset)),
            None => line.to_string(),
        })
        .collect()
}

/// Where `ranges` of a text are once `edits` (sorted, not overlapping) are applied to it; a
/// range an edit touches is gone.
fn shift_through(
    ranges: &[std::ops::Range<usize>],
    edits: &[&Edit],
) -> Vec<std::ops::Range<usize>> {
    ranges
        .iter()
        .filter(|r| {
            !edits.iter().any(|e| {
                e.range.start < r.end && r.start < e.range.end
                    || (e.range.is_empty() && r.start < e.range.start && e.range.start < r.end)
            })
        })
        .map(|r| {
            let delta: isize = edits
                .iter()
                .filter(|e| e.range.end <= r.start)
                .map(|e| e.text.len() as isize - e.range.len() as isize)
                .sum();
            let start = r.start.saturating_add_signed(delta);
            start..start + r.len()
        })
        .collect()
}

/// The start of the line `n - 1` lines before the one holding byte `at`.
fn lines_before(text: &str, at: usize, n: usize) -> usize {
    let bytes = text.as_bytes();
    let line_start = |end: usize| {
        bytes
            .get(..end)
            .and_then(|b| memchr::memrchr(b'\n', b))
            .map_or(0, |i| i + 1)
    };
    let mut start = line_start(at.min(bytes.len()));
    for _ in 1..n {
        if start == 0 {
            break;
        }
        start = line_start(start - 1);
    }
    start
}

/// The end (after its newline) of the line `n - 1` lines after the one holding byte `at`.
fn lines_after(text: &str, at: usize, n: usize) -> usize {
    let bytes = text.as_bytes();
    let line_end = |from: usize| {
        bytes
            .get(from..)
            .and_then(|b| memchr::memchr(b'\n', b))
            .map_or(bytes.len(), |i| from + i + 1)
    };
    let mut end = line_end(at.min(bytes.len()));
    for _ in 1..n {
        if end >= bytes.len() {
            break;
        }
        end = line_end(end);
    }
    end
}

/// `-A[,B] +C[,D] @@…` with `offset` added to A and C.
fn shift_hunk_header(rest: &str, offset: usize) -> String {
    rest.splitn(3, ' ')
        .enumerate()
        .map(|(i, part)| {
            if i == 2 {
                return part.to_string();
            }
            let (sign, range) = part.split_at(part.len().min(1));
            let (start, len) = match range.split_once(',') {
                Some((start, len)) => (start, Some(len)),
                None => (range, None),
            };
            match start.parse::<usize>() {
                Ok(n) => match len {
                    Some(len) => format!("{sign}{},{len}", n + offset),
                    None => format!("{sign}{}", n + offset),
                },
                Err(_) => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A finding's fix as a description and its own diff (or why it cannot be made), with the
/// replacements located. Files in `not_editable` (plan JSON whose source was not found) get no
/// fix, with a note. Reports are built with it: a report holds outcomes, never computes them.
pub fn outcome(
    intent: &crate::model::FixIntent,
    sources: &SourceMap,
    not_editable: &HashSet<FileId>,
    secrets: &Secrets,
) -> FixOutcome {
    let description = edit::describe(intent);
    let planned = planned_edits(intent, sources, not_editable);
    let replacements = planned
        .as_ref()
        .map(|(_, edits)| {
            edits
                .iter()
                .map(|e| {
                    (
                        sources.location(crate::ir::Span::new(e.file, e.range.clone())),
                        secrets.mask(&e.text).into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let diff = planned.map(|(file, edits)| {
        let refs: Vec<&Edit> = edits.iter().collect();
        edits_diff(sources, file, &refs, secrets)
    });
    FixOutcome {
        description,
        diff,
        replacements,
    }
}

fn planned_edits(
    intent: &crate::model::FixIntent,
    sources: &SourceMap,
    not_editable: &HashSet<FileId>,
) -> Result<(FileId, Vec<Edit>), String> {
    let file = edit::target_file(intent).ok_or("the fix makes no change")?;
    // Checked before the edits are computed: a plan is often one line of many megabytes.
    if not_editable.contains(&file) {
        return Err(
            "the plan's .tf source was not found (put the plan beside it or pass --source-dir)"
                .into(),
        );
    }
    if is_downloaded(sources.path(file)) {
        return Err(
            "the fix would edit a module that terraform init downloaded into .terraform/, which \
             is not your code (and is overwritten): set the module's inputs instead, or fix the \
             module where it is published"
                .into(),
        );
    }
    if is_terraform_json(sources.path(file)) {
        return Err(
            "fixes are not made in Terraform JSON syntax (.tf.json), which is usually generated: \
             set the value the finding names in the program that writes the file, or in the \
             file itself"
                .into(),
        );
    }
    let edits = edit::edits(intent, sources)?;
    if edits.is_empty() {
        return Err("the fix makes no change".into());
    }
    Ok((file, edits))
}

/// Is this file written in Terraform's JSON syntax (`.tf.json`, `.tfvars.json`)? The JSON
/// edit layer writes CloudFormation's values (`{"Ref": …}`), not Terraform's (`"${…}"`),
/// and cannot yet add a block to a body that holds one block as an object rather than an
/// array: such fixes are withheld, with this reason, rather than made half right.
fn is_terraform_json(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.ends_with(".tf.json") || n.ends_with(".tfvars.json")
    })
}

/// Is this file inside a `.terraform/` directory (modules installed by `terraform init`)?
pub fn is_downloaded(path: &std::path::Path) -> bool {
    path.components().any(|c| c.as_os_str() == ".terraform")
}

/// A finding as fixing sees it: the rule and the resource that name it (re-analysis finds it
/// again by them) and its fix, if it has one.
#[derive(Debug, Clone, Copy)]
pub struct Fixable<'a> {
    pub rule: &'static str,
    pub address: &'a str,
    pub intent: Option<&'a crate::model::FixIntent>,
}

/// One finding's edits, planned.
#[derive(Debug, Clone)]
pub struct PlannedFix {
    /// The finding's position in the list [`plan`] was given.
    pub finding: usize,
    pub rule: &'static str,
    pub address: String,
    pub edits: Vec<Edit>,
}

/// The edits of all fixable findings, per file, with overlapping ones left out (the later
/// finding's fix is skipped with a message).
pub struct Plan {
    pub files: BTreeMap<FileId, Vec<PlannedFix>>,
    /// Findings whose fix cannot be made (by position in the list [`plan`] was given), and why.
    pub skipped: Vec<(usize, String)>,
}

pub fn plan<'a>(
    findings: impl IntoIterator<Item = Fixable<'a>>,
    sources: &SourceMap,
    not_editable: &HashSet<FileId>,
) -> Plan {
    let mut files: BTreeMap<FileId, Vec<PlannedFix>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (index, finding) in findings.into_iter().enumerate() {
        let Some(intent) = finding.intent else {
            continue;
        };
        match planned_edits(intent, sources, not_editable) {
            Ok((file, edits)) => {
                let taken = files.entry(file).or_default();
                let overlaps = taken
                    .iter()
                    .flat_map(|t| &t.edits)
                    .any(|t| edits.iter().any(|e| overlap(t, e)));
                let duplicate = taken.iter().any(|t| t.edits == edits);
                if duplicate {
                    continue;
                }
                if overlaps {
                    skipped.push((
                        index,
                        "its edit overlaps another fix in the same place; run --fix again".into(),
                    ));
                } else {
                    taken.push(PlannedFix {
                        finding: index,
                        rule: finding.rule,
                        address: finding.address.to_string(),
                        edits,
                    });
                }
            }
            Err(reason) => skipped.push((index, reason)),
        }
    }
    Plan { files, skipped }
}

/// Do two edits touch the same text? Two insertions at one place do not: each inserts a whole
/// entry (an attribute, a property, a line), and they are applied in the order of their
/// findings (`apply_edits` sorts stably), so several fixes may add fields to one resource in
/// one run; re-analysis of the result still decides whether it is written.
fn overlap(a: &Edit, b: &Edit) -> bool {
    a.range.start < b.range.end && b.range.start < a.range.end
}

#[cfg(test)]
mod tests {
    use super::{Edit, Secrets, apply_edits, edits_diff, git_quoted, unified_diff};
    use crate::ir::SourceMap;

    #[test]
    fn paths_are_quoted_in_diff_headers_as_git_quotes_them() {
        assert_eq!(git_quoted("a/main.tf"), "a/main.tf");
        assert_eq!(
            git_quoted("a/d\n::error::x\"\\\u{202e}.tf"),
            r#""a/d\n::error::x\"\\\342\200\256.tf""#
        );
    }

    #[test]
    fn a_diff_computed_around_the_edits_is_the_whole_texts_diff() {
        let lines: Vec<String> = (1..=40).map(|i| format!("line {i}\n")).collect();
        let full = lines.concat();
        let no_newline = full.trim_end().to_string();
        for text in [full.as_str(), no_newline.as_str(), "one\n", ""] {
            let mut sources = SourceMap::new();
            let file = sources.add(std::path::Path::new("f.tf"), "f.tf".into(), text.into());
            let len = text.len();
            let at = |n: usize| n.min(len);
            let cases: Vec<Vec<(std::ops::Range<usize>, &str)>> = vec![
                vec![(at(0)..at(0), "new first\n")],
                vec![(at(3)..at(5), "X")],
                vec![(at(100)..at(108), "changed\nand added\n")],
                vec![(at(100)..at(100), "a\n"), (at(180)..at(190), "")],
                vec![(len..len, "\nappended")],
                vec![(len.saturating_sub(3)..len, "end")],
                vec![(at(7)..at(250), "")],
            ];
            for case in cases {
                let edits: Vec<Edit> = case
                    .into_iter()
                    .filter(|(r, _)| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
                    .map(|(range, t)| Edit {
                        file,
                        range,
                        text: t.into(),
                    })
                    .collect();
                let refs: Vec<&Edit> = edits.iter().collect();
                assert_eq!(
                    edits_diff(&sources, file, &refs, &Secrets::default()),
                    unified_diff("f.tf", text, &apply_edits(text, &refs)),
                    "{edits:?} in {text:?}"
                );
            }
        }
    }
}
