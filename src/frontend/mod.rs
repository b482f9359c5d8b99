//! Front ends: one per syntax, each turning source text into IR [`Unit`](crate::ir::Unit)s plus
//! [`Diagnostic`](crate::ir::Diagnostic)s.
//!
//! **Architecture Invariant:** front ends know nothing about rules or the model; they record
//! what is written (and what cannot be evaluated, as Unknown) and fill in no AWS defaults.
//! They never fail as a whole: a bad file becomes a diagnostic and the rest is still read.
//! File access goes through [`FileSystem`], so the front ends themselves do no IO.

pub mod cfn;
pub mod hcl;
pub mod plan;

use std::path::{Path, PathBuf};

/// The file access a front end may need (local modules, tfvars), provided by the outer layer.
pub trait FileSystem: Sync {
    /// Reads a file as UTF-8 text.
    fn read_to_string(&self, path: &Path) -> Result<String, String>;
    /// The entries of a directory, sorted by name. Shared: a listing is read once per run
    /// however many inputs in the directory ask for it.
    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String>;
    /// The path as reports show it: relative to the working directory, `/`-separated.
    fn display(&self, path: &Path) -> String;
}

/// The 1-based line and column of the first bracket of `text` (JSON) that nests deeper than
/// `max`, if one does. Brackets inside strings do not count. JSON inputs (plans, templates)
/// may nest `Limits::document_nesting` levels, at most serde_json's own limit (128), which this
/// applies to the parts it reads as raw values too.
pub(crate) fn json_too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    let before = text.get(..i).unwrap_or("");
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    return Some((line, column));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
