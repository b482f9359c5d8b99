//! `--fix`: applies planned edits to files, one file at a time, each only when re-analysis of
//! the fixed text shows the fixed findings gone, nothing new, and no new parse error. Writes go
//! through a temporary file in the same directory and a rename, keeping permissions, line
//! endings, a byte-order mark and UTF-16; nothing is written outside the scanned paths, through a
//! symlink that leaves them, or over a read-only file.

use super::{Plan, apply_edits};
use crate::discover::OsFileSystem;
use crate::frontend::FileSystem;
use crate::{Analysis, Inputs, Settings};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Files written, with how many fixes each got.
    pub changed: Vec<(String, usize)>,
    /// Files left untouched, with the reason.
    pub refused: Vec<(String, String)>,
}

/// The file system as it would be with some files rewritten.
struct Overlay<'a> {
    base: &'a OsFileSystem,
    files: HashMap<PathBuf, String>,
}

impl FileSystem for Overlay<'_> {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        match self.files.get(path) {
            Some(text) => Ok(text.clone()),
            None => self.base.read_to_string(path),
        }
    }
    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        self.base.list_dir(dir)
    }
    fn tf_files(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        self.base.tf_files(dir)
    }
    fn display(&self, path: &Path) -> String {
        self.base.display(path)
    }
}

/// Why a path may not be written, if it may not.
fn refusal(path: &Path, roots: &[PathBuf]) -> Option<String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot inspect it: {e}")),
    };
    let canonical = match std::fs::canonicalize(path) {
        Ok(c) => c,
        Err(e) => return Some(format!("cannot resolve it: {e}")),
    };
    // A named file's root is the directory it is named in, so a symlink named on the command
    // line still may not lead out of it.
    let inside = roots
        .iter()
        .filter_map(|r| {
            let dir = if r.is_dir() {
                r.clone()
            } else {
                r.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            };
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir).ok()
        })
        .any(|root| canonical.starts_with(&root));
    if !inside {
        return Some(if meta.file_type().is_symlink() {
            "it is a symlink to a file outside the scanned paths".into()
        } else {
            "it is outside the scanned paths".into()
        });
    }
    match std::fs::metadata(&canonical) {
        Ok(m) if m.permissions().readonly() => Some("it is read-only".into()),
        Ok(m) if !m.is_file() => Some("it is not a regular file".into()),
        Ok(_) => None,
        Err(e) => Some(format!("cannot inspect it: {e}")),
    }
}

/// `text` in the encoding of `original`: UTF-8 with or without a byte-order mark, or UTF-16
/// (little- or big-endian) with one, as `discover::decode` reads them.
fn encode_like(original: &[u8], text: &str) -> Vec<u8> {
    let utf16 = |bom: [u8; 2], unit: fn(u16) -> [u8; 2]| -> Vec<u8> {
        bom.into_iter()
            .chain(text.encode_utf16().flat_map(unit))
            .collect()
    };
    if original.starts_with(b"\xEF\xBB\xBF") {
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
    } else if original.starts_with(b"\xFF\xFE") {
        utf16([0xFF, 0xFE], u16::to_le_bytes)
    } else if original.starts_with(b"\xFE\xFF") {
        utf16([0xFE, 0xFF], u16::to_be_bytes)
    } else {
        text.as_bytes().to_vec()
    }
}

/// Writes `text` to `path` (through its symlink target) via a temporary file and a rename,
/// keeping the file's permissions, byte-order mark and encoding.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let original = std::fs::read(&target)?;
    let dir = target
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.redshield-fix-{}", std::process::id()));
    let result = (|| {
        std::fs::write(&temp, encode_like(&original, text))?;
        std::fs::set_permissions(&temp, std::fs::metadata(&target)?.permissions())?;
        std::fs::rename(&temp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// The count of findings per (rule, resource).
fn census(analysis: &Analysis) -> HashMap<(&'static str, String), usize> {
    let mut out = HashMap::new();
    for f in &analysis.report.findings {
        *out.entry((f.rule.id, f.address.clone())).or_insert(0) += 1;
    }
    out
}

/// Applies the plan, file by file, proving each file's fixes by re-analysis.
pub fn apply(
    inputs: &Inputs,
    settings: &Settings,
    analysis: &Analysis,
    plan: &Plan,
    roots: &[PathBuf],
) -> Applied {
    let fs = OsFileSystem::limited(settings.limits.file_bytes);
    let before = census(analysis);
    let mut applied = Applied::default();
    for (file, fixes) in &plan.files {
        let path = analysis.sources.path(*file).to_path_buf();
        let display = analysis.sources.display(*file).to_string();
        if let Some(reason) = refusal(&path, roots) {
            applied
                .refused
                .push((display, format!("not fixed: {reason}")));
            continue;
        }
        let edits: Vec<&super::Edit> = fixes.iter().flat_map(|(_, es)| es).collect();
        let fixed_text = apply_edits(analysis.sources.text(*file), &edits);
        let overlay = Overlay {
            base: &fs,
            files: HashMap::from([(path.clone(), fixed_text.clone())]),
        };
        let after_analysis = crate::analyze(inputs, settings, &overlay);
        let new_errors = after_analysis
            .report
            .errors
            .iter()
            .filter(|e| !analysis.report.errors.contains(e))
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        if !new_errors.is_empty() {
            applied.refused.push((
                display,
                format!(
                    "not fixed: the fixed file would not parse: {}",
                    new_errors.join("; ")
                ),
            ));
            continue;
        }
        let after = census(&after_analysis);
        let appeared: Vec<String> = after
            .iter()
            .filter(|(key, n)| before.get(*key).is_none_or(|b| *n > b))
            .map(|((rule, address), _)| format!("{rule} on {address}"))
            .collect();
        let remaining: Vec<String> = fixes
            .iter()
            .filter_map(|(i, _)| analysis.report.findings.get(*i))
            .filter(|f| {
                let key = (f.rule.id, f.address.clone());
                after.get(&key).copied().unwrap_or(0) >= before.get(&key).copied().unwrap_or(0)
            })
            .map(|f| format!("{} on {}", f.rule.id, f.address))
            .collect();
        if !appeared.is_empty() || !remaining.is_empty() {
            let mut why = Vec::new();
            if !remaining.is_empty() {
                why.push(format!(
                    "re-analysis still reports {}",
                    remaining.join(", ")
                ));
            }
            if !appeared.is_empty() {
                why.push(format!("it would introduce {}", appeared.join(", ")));
            }
            applied
                .refused
                .push((display, format!("not fixed: {}", why.join("; "))));
            continue;
        }
        match write_atomically(&path, &fixed_text) {
            Ok(()) => applied.changed.push((display, fixes.len())),
            Err(e) => applied
                .refused
                .push((display, format!("not fixed: cannot write it: {e}"))),
        }
    }
    applied
}
