//! Fixes: the fix intents findings carry become format-preserving edits of the original files
//! ([`edit`]), rendered as unified diffs (`--diff`, and in the JSON/SARIF/Markdown reports) or
//! applied in place (`--fix`, [`apply`]): atomically, keeping line endings and BOM, never
//! outside the scanned paths, and only when re-analysis proves the finding gone and nothing new.

pub mod apply;
pub mod edit;

use crate::ir::{FileId, SourceMap};
use crate::report::Report;
use edit::Edit;
use std::collections::{BTreeMap, HashSet};

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

/// A unified diff with `a/` and `b/` paths, as `git apply` expects.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Computes every finding's fix and its own diff. Files in `not_editable` (plan JSON whose
/// source was not found) get no fix, with a note.
pub fn attach(report: &mut Report, sources: &SourceMap, not_editable: &HashSet<FileId>) {
    for finding in &mut report.findings {
        let Some(intent) = &finding.fix else { continue };
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
                            e.text.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let diff = planned.map(|(file, edits)| {
            let old = sources.text(file);
            let refs: Vec<&Edit> = edits.iter().collect();
            unified_diff(sources.display(file), old, &apply_edits(old, &refs))
        });
        finding.fix_outcome = Some(FixOutcome {
            description,
            diff,
            replacements,
        });
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

/// The edits of all fixable findings, per file, with overlapping ones left out (the later
/// finding's fix is skipped with a message).
pub struct Plan {
    pub files: BTreeMap<FileId, Vec<(usize, Vec<Edit>)>>,
    pub skipped: Vec<(usize, String)>,
}

pub fn plan(report: &Report, sources: &SourceMap, not_editable: &HashSet<FileId>) -> Plan {
    let mut files: BTreeMap<FileId, Vec<(usize, Vec<Edit>)>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (index, finding) in report.findings.iter().enumerate() {
        let Some(intent) = &finding.fix else { continue };
        match planned_edits(intent, sources, not_editable) {
            Ok((file, edits)) => {
                let taken = files.entry(file).or_default();
                let overlaps = taken
                    .iter()
                    .flat_map(|(_, es)| es)
                    .any(|t| edits.iter().any(|e| overlap(t, e)));
                let duplicate = taken.iter().any(|(_, es)| *es == edits);
                if duplicate {
                    continue;
                }
                if overlaps {
                    skipped.push((
                        index,
                        "its edit overlaps another fix in the same place; run --fix again".into(),
                    ));
                } else {
                    taken.push((index, edits));
                }
            }
            Err(reason) => skipped.push((index, reason)),
        }
    }
    Plan { files, skipped }
}

fn overlap(a: &Edit, b: &Edit) -> bool {
    let a_point = a.range.start == a.range.end;
    let b_point = b.range.start == b.range.end;
    if a_point && b_point {
        // Two insertions at one place would interleave unpredictably.
        return a.range.start == b.range.start;
    }
    a.range.start < b.range.end && b.range.start < a.range.end
}
