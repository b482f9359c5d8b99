//! `--fix`: applies planned edits to files, one file at a time, each only when re-analysis of
//! the fixed text shows the fixed findings gone, nothing new, and no new parse error. Writes go
//! through a temporary file in the same directory and a rename, keeping owner, group and
//! permissions, line endings, a byte-order mark and UTF-16, and only when the file is still
//! what was analyzed (an edit made meanwhile is never overwritten). Nothing is written outside
//! the scanned paths after resolving symlinks (of files and of directories alike), over a
//! read-only file, or over a file with other hard links (they would be split).

use super::{Fixable, Plan, apply_edits};
use crate::frontend::FileSystem;
use crate::ir::{Diagnostic, SourceMap};
use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};

/// The file system as it would be with some files rewritten.
struct Overlay<'a> {
    base: &'a dyn FileSystem,
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
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path) || self.base.is_file(path)
    }
}

/// The directories a file found through the scanned path `root` must be in, after resolving
/// symlinks: the directory itself, or for a file the directory it is named in; and for a
/// symlink named on the command line (to a file or a directory alike), also the directory the
/// link is in, so that it cannot lead out of it. Empty when one cannot be resolved.
fn bounds(root: &Path) -> Vec<PathBuf> {
    // Normalized, so that `linkdir/` and `linkdir/.` name the link itself, not its target.
    let named: PathBuf = root.components().collect();
    let named = if named.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        named
    };
    let parent = match named.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => named.clone(),
    };
    let is_link = std::fs::symlink_metadata(&named).is_ok_and(|m| m.file_type().is_symlink());
    let is_dir = named.is_dir();
    let mut wanted = Vec::new();
    if is_dir {
        wanted.push(named.as_path());
    }
    if !is_dir || is_link {
        wanted.push(parent.as_path());
    }
    let resolved: Vec<PathBuf> = wanted
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    if resolved.len() == wanted.len() {
        resolved
    } else {
        Vec::new()
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
    let inside = roots.iter().any(|root| {
        let bounds = bounds(root);
        !bounds.is_empty() && bounds.iter().all(|b| canonical.starts_with(b))
    });
    if !inside {
        let behind_link = path
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()));
        return Some(if meta.file_type().is_symlink() {
            "it is a symlink to a file outside the scanned paths".into()
        } else if behind_link {
            "it is behind a symlink to a directory outside the scanned paths".into()
        } else {
            "it is outside the scanned paths".into()
        });
    }
    match std::fs::metadata(&canonical) {
        Ok(m) if m.permissions().readonly() => Some("it is read-only".into()),
        Ok(m) if !m.is_file() => Some("it is not a regular file".into()),
        Ok(m) if links(&m) > 1 => Some(format!(
            "it has {} hard links, which writing it would split",
            links(&m)
        )),
        Ok(_) => None,
        Err(e) => Some(format!("cannot inspect it: {e}")),
    }
}

/// How many names (hard links) a file has.
#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    1
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

/// The reason a file changed after it was read, for the user.
const CHANGED: &str = "it changed after it was read (run redshield again)";

/// Writes `text` to `path` (through its symlink target) via a temporary file and a rename,
/// keeping the file's owner, group, permissions, byte-order mark and encoding; only when the
/// file still holds `analyzed`, the text the fix was computed from and proved on, checked once
/// more just before the rename. `before_rename` runs just before that last check. The reason
/// for not writing, if it was not.
fn write_atomically(
    path: &Path,
    analyzed: &str,
    text: &str,
    before_rename: &dyn Fn(),
) -> Result<(), String> {
    let io = |what: &str, e: std::io::Error| format!("cannot {what}: {e}");
    let target = std::fs::canonicalize(path).map_err(|e| io("resolve it", e))?;
    let meta = std::fs::metadata(&target).map_err(|e| io("inspect it", e))?;
    let original = std::fs::read(&target).map_err(|e| io("read it", e))?;
    if crate::discover::decode(&original).ok().as_deref() != Some(analyzed) {
        return Err(CHANGED.into());
    }
    let dir = target
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A name nobody else holds: created, never opened through a link someone put there.
    let (temp, mut file) = (0..100)
        .find_map(|n| {
            let temp = dir.join(format!(".{name}.redshield-fix-{}-{n}", std::process::id()));
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .ok()
                .map(|f| (temp, f))
        })
        .ok_or_else(|| "cannot create a temporary file beside it".to_string())?;
    let result = (|| {
        use std::io::Write;
        file.write_all(&encode_like(&original, text))
            .map_err(|e| io("write it", e))?;
        keep_owner(&file, &meta)?;
        // After the owner: changing it clears the set-user-ID and set-group-ID bits.
        file.set_permissions(meta.permissions())
            .map_err(|e| io("keep its permissions", e))?;
        file.sync_all().map_err(|e| io("write it", e))?;
        before_rename();
        // An edit made while the fix was analyzed and written is kept: the file must be
        // exactly what was read, still one file with one name.
        let now = std::fs::metadata(&target).map_err(|e| io("inspect it", e))?;
        let current = std::fs::read(&target).map_err(|e| io("read it", e))?;
        if current != original || !same_file(&meta, &now) {
            return Err(CHANGED.to_string());
        }
        if links(&now) > 1 {
            return Err(format!(
                "it has {} hard links, which writing it would split",
                links(&now)
            ));
        }
        std::fs::rename(&temp, &target).map_err(|e| io("write it", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Gives the temporary file the owner and group of the file it replaces (root can; a user can
/// keep their own file's group when they are in it). Refuses when they cannot be kept: the
/// rename would hand the file to whoever runs the fix.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let (uid, gid) = (meta.uid(), meta.gid());
    let kept = |f: &std::fs::File| f.metadata().is_ok_and(|m| m.uid() == uid && m.gid() == gid);
    if kept(file) {
        return Ok(());
    }
    match std::os::unix::fs::fchown(file, Some(uid), Some(gid)) {
        Ok(()) if kept(file) => Ok(()),
        Ok(()) => Err(format!("its owner and group ({uid}:{gid}) cannot be kept")),
        Err(e) => Err(format!(
            "its owner and group ({uid}:{gid}) cannot be kept: {e}"
        )),
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// Are two metadata of one file (device and inode)?
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
}

/// What an analysis found, as far as proving a fix needs: how many findings each rule has on
/// each resource, and the input errors.
#[derive(Debug, Clone, Default)]
pub struct Census {
    findings: HashMap<(&'static str, String), usize>,
    errors: Vec<Diagnostic>,
}

impl Census {
    pub fn new<'a>(
        findings: impl IntoIterator<Item = Fixable<'a>>,
        errors: &[Diagnostic],
    ) -> Census {
        let mut counts = HashMap::new();
        for f in findings {
            *counts.entry((f.rule, f.address.to_string())).or_insert(0) += 1;
        }
        Census {
            findings: counts,
            errors: errors.to_vec(),
        }
    }

    fn count(&self, rule: &'static str, address: &str) -> usize {
        self.findings
            .get(&(rule, address.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// Re-analysis, as proving fixes needs it: by groups of files analyzed together.
pub trait Reanalysis {
    /// What re-analyzing a group found, for the caller to keep when the group is written.
    type Outcome;
    /// `files` in groups, each to be proved as one: two files are in one group when one part
    /// of the analysis reads both (a module's files; a plan and its `.tf` source), since a
    /// fix in one may change what is found in the other.
    fn groups(&self, files: &[PathBuf]) -> Vec<Vec<PathBuf>>;
    /// The census of what the parts of the analysis that read `group` find now, with every
    /// error the analysis was told about beyond them (configuration files).
    fn before(&self, group: &[PathBuf]) -> Census;
    /// For each trial, the census of the parts that read its files, analyzed again on its
    /// file system (the files' fixed text over the real one).
    fn after(&self, trials: &[(&[PathBuf], &dyn FileSystem)]) -> Vec<(Census, Self::Outcome)>;
}

/// What `--fix` did, and what the analysis of the written files found.
#[derive(Debug)]
pub struct Applied<O> {
    /// Files written, with how many fixes each got.
    pub changed: Vec<(String, usize)>,
    /// Files left untouched, with the reason.
    pub refused: Vec<(String, String)>,
    /// The re-analyses of groups written whole, exactly as they were proved: what the files
    /// now hold.
    pub proved: Vec<O>,
    /// Files written that no kept re-analysis describes (a group proved file by file, or
    /// written in part): to be analyzed again.
    pub stale: Vec<PathBuf>,
}

/// A file with fixes to make.
struct Candidate<'p> {
    path: PathBuf,
    display: String,
    analyzed: &'p str,
    fixed: String,
    fixes: &'p [super::PlannedFix],
}

/// Why re-analysis does not prove `fixes`, if it does not: a new input error, a fixed finding
/// still there, or a finding that was not there before.
fn disproof(before: &Census, after: &Census, fixes: &[&super::PlannedFix]) -> Option<String> {
    let known: foldhash::HashSet<&Diagnostic> = before.errors.iter().collect();
    let new_errors: Vec<String> = after
        .errors
        .iter()
        .filter(|e| !known.contains(e))
        .map(|e| e.to_string())
        .collect();
    if !new_errors.is_empty() {
        return Some(format!(
            "not fixed: the fixed file would not parse: {}",
            new_errors.join("; ")
        ));
    }
    let mut appeared: Vec<String> = after
        .findings
        .iter()
        .filter(|(key, n)| before.findings.get(*key).is_none_or(|b| *n > b))
        .map(|((rule, address), _)| format!("{rule} on {address}"))
        .collect();
    appeared.sort();
    let remaining: Vec<String> = fixes
        .iter()
        .filter(|f| after.count(f.rule, &f.address) >= before.count(f.rule, &f.address))
        .map(|f| format!("{} on {}", f.rule, f.address))
        .collect();
    if appeared.is_empty() && remaining.is_empty() {
        return None;
    }
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
    Some(format!("not fixed: {}", why.join("; ")))
}

/// Applies the plan, proving fixes by re-analysis before writing anything: the files of a
/// group (see [`Reanalysis::groups`]) are re-analyzed together with all their fixes made, and
/// written when the fixed findings are gone, nothing new is found and no input error is
/// added; a group of several files that fails is tried file by file, so that one file's bad
/// fix keeps only that file unwritten. Only what reads a changed file is analyzed again, all
/// groups at once. `before_write` is called with a file's displayed path once its fixed text
/// is ready, just before the last check that the file is unchanged and the rename (a seam for
/// tests).
pub fn apply<R: Reanalysis>(
    sources: &SourceMap,
    plan: &Plan,
    fs: &dyn FileSystem,
    roots: &[PathBuf],
    reanalysis: &R,
    before_write: &dyn Fn(&str),
) -> Applied<R::Outcome> {
    let mut applied = Applied {
        changed: Vec::new(),
        refused: Vec::new(),
        proved: Vec::new(),
        stale: Vec::new(),
    };
    // The outcome of each file, in the plan's order: (changed with n fixes) or (refused why).
    let mut outcomes: Vec<(String, Result<usize, String>)> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (file, fixes) in &plan.files {
        let path = sources.path(*file).to_path_buf();
        let display = sources.display(*file).to_string();
        if let Some(reason) = refusal(&path, roots) {
            outcomes.push((display, Err(format!("not fixed: {reason}"))));
            continue;
        }
        let edits: Vec<&super::Edit> = fixes.iter().flat_map(|f| &f.edits).collect();
        let analyzed = sources.text(*file);
        candidates.push(Candidate {
            path,
            display,
            analyzed,
            fixed: apply_edits(analyzed, &edits),
            fixes,
        });
    }
    let by_path: HashMap<&Path, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.path.as_path(), i))
        .collect();
    let paths: Vec<PathBuf> = candidates.iter().map(|c| c.path.clone()).collect();
    let groups: Vec<Vec<usize>> = reanalysis
        .groups(&paths)
        .iter()
        .map(|group| {
            group
                .iter()
                .filter_map(|p| by_path.get(p.as_path()).copied())
                .collect()
        })
        .collect();
    let overlay = |members: &[usize]| Overlay {
        base: fs,
        files: members
            .iter()
            .filter_map(|&i| candidates.get(i))
            .map(|c| (c.path.clone(), c.fixed.clone()))
            .collect(),
    };
    let group_paths = |members: &[usize]| -> Vec<PathBuf> {
        members
            .iter()
            .filter_map(|&i| candidates.get(i))
            .map(|c| c.path.clone())
            .collect()
    };
    let fixes_of = |members: &[usize]| -> Vec<&super::PlannedFix> {
        members
            .iter()
            .filter_map(|&i| candidates.get(i))
            .flat_map(|c| c.fixes.iter())
            .collect()
    };
    // Every group at once, each with all its fixes made.
    let overlays: Vec<Overlay> = groups.iter().map(|g| overlay(g)).collect();
    let members: Vec<Vec<PathBuf>> = groups.iter().map(|g| group_paths(g)).collect();
    let trials: Vec<(&[PathBuf], &dyn FileSystem)> = members
        .iter()
        .zip(&overlays)
        .map(|(m, o)| (m.as_slice(), o as &dyn FileSystem))
        .collect();
    let results = reanalysis.after(&trials);
    let mut written: Vec<Option<Result<usize, String>>> = vec![None; candidates.len()];
    let write = |i: usize| -> Result<usize, String> {
        let Some(c) = candidates.get(i) else {
            return Err("not fixed: lost".into());
        };
        write_atomically(&c.path, c.analyzed, &c.fixed, &|| before_write(&c.display))
            .map(|()| c.fixes.len())
            .map_err(|reason| format!("not fixed: {reason}"))
    };
    for ((group, paths), (after, outcome)) in groups.iter().zip(&members).zip(results) {
        let before = reanalysis.before(paths);
        match disproof(&before, &after, &fixes_of(group)) {
            None => {
                let mut whole = true;
                for &i in group {
                    let result = write(i);
                    whole &= result.is_ok();
                    if result.is_ok() {
                        applied
                            .stale
                            .extend(candidates.get(i).map(|c| c.path.clone()));
                    }
                    if let Some(slot) = written.get_mut(i) {
                        *slot = Some(result);
                    }
                }
                if whole {
                    // What was proved is what the files now hold.
                    applied.stale.truncate(applied.stale.len() - group.len());
                    applied.proved.push(outcome);
                }
            }
            Some(reason) if group.len() == 1 => {
                if let Some(slot) = group.first().and_then(|&i| written.get_mut(i)) {
                    *slot = Some(Err(reason));
                }
            }
            Some(_) => {
                // One file's fix may be what fails: each file alone, against the same before.
                let alone: Vec<(Vec<PathBuf>, Overlay)> = group
                    .iter()
                    .map(|&i| (paths.clone(), overlay(&[i])))
                    .collect();
                let trials: Vec<(&[PathBuf], &dyn FileSystem)> = alone
                    .iter()
                    .map(|(p, o)| (p.as_slice(), o as &dyn FileSystem))
                    .collect();
                for (&i, (after, _)) in group.iter().zip(reanalysis.after(&trials)) {
                    let result = match disproof(&before, &after, &fixes_of(&[i])) {
                        Some(reason) => Err(reason),
                        None => write(i),
                    };
                    if result.is_ok() {
                        applied
                            .stale
                            .extend(candidates.get(i).map(|c| c.path.clone()));
                    }
                    if let Some(slot) = written.get_mut(i) {
                        *slot = Some(result);
                    }
                }
            }
        }
    }
    outcomes.extend(candidates.iter().zip(written).map(|(c, result)| {
        (
            c.display.clone(),
            result.unwrap_or_else(|| Err("not fixed: it was not analyzed again".into())),
        )
    }));
    for (display, result) in outcomes {
        match result {
            Ok(count) => applied.changed.push((display, count)),
            Err(reason) => applied.refused.push((display, reason)),
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::discover::OsFileSystem;
    use crate::fix::{Plan, PlannedFix};
    use crate::ir::FileId;
    use std::cell::RefCell;

    /// A re-analysis that finds, per rule, one finding on `x` unless some file read holds the
    /// rule's fixed text, and RS204 when `bad.tf` is read fixed (its fix brings a new finding).
    /// All files are one group; it records the file sets it was asked about.
    struct Scripted {
        asked: RefCell<Vec<usize>>,
    }

    fn census(fs: &dyn FileSystem, files: &[PathBuf]) -> Census {
        let mut found: Vec<&'static str> = Vec::new();
        for (file, rule) in files.iter().zip(["RS104", "RS112"]) {
            let text = fs.read_to_string(file).unwrap();
            if !text.contains("fixed") {
                found.push(rule);
            }
            if file.ends_with("bad.tf") && text.contains("fixed") {
                found.push("RS204");
            }
        }
        Census::new(
            found.into_iter().map(|rule| Fixable {
                rule,
                address: "x",
                intent: None,
            }),
            &[],
        )
    }

    impl Reanalysis for Scripted {
        type Outcome = ();
        fn groups(&self, files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
            vec![files.to_vec()]
        }
        fn before(&self, group: &[PathBuf]) -> Census {
            census(&OsFileSystem::new(), group)
        }
        fn after(&self, trials: &[(&[PathBuf], &dyn FileSystem)]) -> Vec<(Census, ())> {
            self.asked.borrow_mut().push(trials.len());
            trials
                .iter()
                .map(|(files, fs)| (census(*fs, files), ()))
                .collect()
        }
    }

    /// A group whose fixes fail together is tried file by file: the good file is written, the
    /// bad one refused with what its fix would bring; nothing is taken as proved whole.
    #[test]
    fn a_group_failing_together_is_proved_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let (good, bad) = (dir.path().join("good.tf"), dir.path().join("bad.tf"));
        std::fs::write(&good, "open\n").unwrap();
        std::fs::write(&bad, "open\n").unwrap();
        let mut sources = SourceMap::new();
        let ids = [&good, &bad].map(|p| sources.add(p, p.display().to_string(), "open\n".into()));
        let fix = |file: FileId, rule: &'static str| PlannedFix {
            finding: 0,
            rule,
            address: "x".into(),
            edits: vec![super::super::Edit {
                file,
                range: 0..4,
                text: "fixed".into(),
            }],
        };
        let plan = Plan {
            files: [
                (ids[0], vec![fix(ids[0], "RS104")]),
                (ids[1], vec![fix(ids[1], "RS112")]),
            ]
            .into_iter()
            .collect(),
            skipped: Vec::new(),
        };
        let scripted = Scripted {
            asked: RefCell::new(Vec::new()),
        };
        let applied = apply(
            &sources,
            &plan,
            &OsFileSystem::new(),
            &[dir.path().to_path_buf()],
            &scripted,
            &|_| {},
        );
        assert_eq!(applied.changed, vec![(good.display().to_string(), 1)]);
        assert_eq!(
            applied.refused,
            vec![(
                bad.display().to_string(),
                "not fixed: it would introduce RS204 on x".to_string()
            )]
        );
        assert!(applied.proved.is_empty());
        assert_eq!(applied.stale, vec![good.clone()]);
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "fixed\n");
        assert_eq!(std::fs::read_to_string(&bad).unwrap(), "open\n");
        // Once together, then once per file.
        assert_eq!(*scripted.asked.borrow(), vec![1, 2]);
    }
}
