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

/// checkov's Redshift checks and the redshield rule each maps to (`docs/compatibility.md`, kept
/// equal to it by a test): a `#checkov:skip=CKV_AWS_87:reason` comment or a CloudFormation
/// `Metadata: {checkov: {skip: [{id, comment}]}}` suppresses the mapped rule, so a team can
/// switch without rewriting its suppressions. Other checks are not about Redshift and are
/// passed over.
pub const CHECKOV_CHECKS: &[(&str, &str)] = &[
    ("CKV_AWS_64", "RS401"),
    ("CKV_AWS_71", "RS303"),
    ("CKV_AWS_87", "RS104"),
    ("CKV_AWS_105", "RS109"),
    ("CKV_AWS_141", "RS404"),
    ("CKV_AWS_142", "RS402"),
    ("CKV_AWS_154", "RS101"),
    ("CKV_AWS_282", "RS402"),
    ("CKV_AWS_320", "RS406"),
    ("CKV_AWS_321", "RS112"),
    ("CKV_AWS_343", "RS403"),
    ("CKV_AWS_391", "RS405"),
    ("CKV_SECRET_6", "RS407"),
    ("CKV_SECRET_19", "RS407"),
    ("CKV_SECRET_80", "RS407"),
];

/// The redshield rule a checkov check maps to, if it is one of [`CHECKOV_CHECKS`].
pub fn checkov_rule(check: &str) -> Option<&'static str> {
    let check = check.trim();
    CHECKOV_CHECKS
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(check))
        .map(|(_, rule)| *rule)
}

/// The reason a checkov suppression keeps: its comment, and which check it was written for.
pub fn checkov_reason(check: &str, comment: Option<&str>) -> Option<String> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty())?;
    Some(format!(
        "{comment} (checkov {})",
        check.trim().to_ascii_uppercase()
    ))
}

use std::path::{Path, PathBuf};

/// The file access a front end may need (local modules, tfvars), provided by the outer layer.
pub trait FileSystem: Sync {
    /// Reads a file as UTF-8 text.
    fn read_to_string(&self, path: &Path) -> Result<String, String>;
    /// The entries of a directory, sorted by name. Shared: a listing is read once per run
    /// however many inputs in the directory ask for it.
    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String>;
    /// The `.tf` files of a directory, sorted by name.
    fn tf_files(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        Ok(self
            .list_dir(dir)?
            .iter()
            .filter(|p| is_tf(p))
            .cloned()
            .collect())
    }
    /// The path as reports show it: relative to the working directory, `/`-separated.
    fn display(&self, path: &Path) -> String;
    /// Hands back a text read ahead of the analysis (discovery reads every `.tf` file for its
    /// module calls), so that the next read of `path` need not read the disk again. A file
    /// system may ignore it.
    fn read_ahead(&self, _path: &Path, _text: String) {}
    /// Is there a file (or a link to one) at `path`? By default: does its directory's listing
    /// hold it.
    fn is_file(&self, path: &Path) -> bool {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        self.list_dir(dir)
            .is_ok_and(|files| files.iter().any(|f| f.as_path() == path))
    }
    /// A snapshot of a tree that is not the disk (a git revision), which discovery lists
    /// instead of walking the disk; None (the default) for the disk.
    fn snapshot(&self) -> Option<&dyn Snapshot> {
        None
    }
}

/// A tree of files that is not the disk (the paths as they are at a git revision): what
/// discovery needs to find the inputs in it.
pub trait Snapshot: Sync {
    /// What is at `path`: `Some(true)` a directory, `Some(false)` a file, None nothing.
    fn entry(&self, path: &Path) -> Option<bool>;
    /// Every file below the directory `dir`, at any depth, as paths under `dir`, sorted.
    fn files_below(&self, dir: &Path) -> Vec<PathBuf>;
}

/// Is this a Terraform configuration file: `.tf`, or `.tf.json` (Terraform's JSON syntax)?
pub fn is_tf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
        || path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".tf.json"))
}

/// The 1-based line and column of the first bracket of `text` (JSON) that nests deeper than
/// `max`, if one does. Brackets inside strings do not count. JSON inputs (plans, templates)
/// may nest `Limits::document_nesting` levels, at most serde_json's own limit (128), which this
/// applies to the parts it reads as raw values too.
pub(crate) fn json_too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // Most of a plan's bytes are in strings: jump to the closing quote, over
                // escaped characters.
                let mut j = i + 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', bytes.get(j..).unwrap_or_default()) {
                        Some(k) if bytes.get(j + k) == Some(&b'\\') => j += k + 2,
                        Some(k) => {
                            j += k;
                            break;
                        }
                        None => return None,
                    }
                }
                i = j;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(line_column(text, i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The 1-based line and column of byte `at` of `text`.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before.get(line_start..).map_or(0, |l| l.chars().count()) + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::json_too_deep;

    #[test]
    fn brackets_in_strings_do_not_nest() {
        let text = r#"{"a": "[[[[\"{{{{\\", "b": ["\\\\", "[["]}"#;
        assert_eq!(json_too_deep(text, 2), None);
        assert_eq!(json_too_deep(text, 1), Some((1, 28)));
    }

    #[test]
    fn the_first_bracket_too_deep_is_located() {
        let text = "{\n  \"é\": [\n    [1]]}";
        assert_eq!(json_too_deep(text, 2), Some((3, 5)));
        assert_eq!(json_too_deep(text, 3), None);
        // An unterminated string holds the rest of the text.
        assert_eq!(json_too_deep("[\"[[[[", 1), None);
    }
}
