//! Finding the inputs: walks directories (honoring `.gitignore`, skipping `.terraform/` and
//! `node_modules/`), groups Terraform files into root modules, and provides the front ends'
//! file access.

use crate::frontend::hcl::module_sources;
use crate::frontend::{FileSystem, is_tf};
use crate::ir::Diagnostic;
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Paths not to analyze: `--exclude` globs (relative to the working directory) and the run's
/// configuration's `exclude` (relative to its directory), in gitignore syntax. A directory
/// that matches is not walked; a file that matches is not read, named or walked to. A
/// Terraform module is one input: it is skipped when all its `.tf` files are.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    matchers: Vec<ignore::gitignore::Gitignore>,
}

impl Exclude {
    /// Adds `globs`, relative to the directory `root`; the error names the glob.
    pub fn add(&mut self, root: &Path, globs: &[String]) -> Result<(), String> {
        if globs.is_empty() {
            return Ok(());
        }
        let root = lexical_absolute(root);
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
        for glob in globs {
            if glob.trim().is_empty() {
                return Err("an empty glob".to_string());
            }
            builder
                .add_line(None, glob)
                .map_err(|e| format!("`{glob}`: {e}"))?;
        }
        let matcher = builder.build().map_err(|e| e.to_string())?;
        self.matchers.push(matcher);
        Ok(())
    }

    /// Whether `path` (a directory when `is_dir`) or a directory it is in matches a glob.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        if self.matchers.is_empty() {
            return false;
        }
        let absolute = lexical_absolute(path);
        self.matchers.iter().any(|matcher| {
            match absolute.strip_prefix(matcher.path()) {
                Ok(relative) if relative.as_os_str().is_empty() => false,
                Ok(relative) => matcher
                    .matched_path_or_any_parents(relative, is_dir)
                    .is_ignore(),
                // Globs are relative to their root: a path outside it matches by name alone.
                Err(_) => absolute
                    .file_name()
                    .is_some_and(|name| matcher.matched(Path::new(name), is_dir).is_ignore()),
            }
        })
    }
}

/// `path` made absolute against the working directory, `.` and `..` resolved lexically (as
/// the user wrote it, symlinks not followed).
pub fn lexical_absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        lexical_normalize(path)
    } else {
        lexical_normalize(&std::env::current_dir().unwrap_or_default().join(path))
    }
}

/// `path` with `.` and `..` resolved lexically (`a/./b/../c` is `a/c`).
pub fn lexical_normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Directories never descended into.
const SKIPPED_DIRS: [&str; 3] = [".terraform", "node_modules", ".git"];

/// Directory listings, by directory, shared by the parallel jobs.
type ListingCache = Arc<std::sync::Mutex<HashMap<PathBuf, Listing>>>;

/// One directory's files, and the `.tf` files among them (asked for by every plan in it).
#[derive(Debug, Clone)]
struct Listing {
    files: Arc<[PathBuf]>,
    tf_files: Arc<[PathBuf]>,
}

/// The real file system, with paths shown relative to the working directory.
#[derive(Debug, Clone)]
pub struct OsFileSystem {
    cwd: PathBuf,
    /// Larger files are refused without being read.
    max_file_bytes: u64,
    /// Every plan looks for `.tf` files beside it; ten thousand plans in one directory must
    /// not list it ten thousand times.
    listings: ListingCache,
    /// Texts discovery read, each kept for the next read of its file (the analysis), which
    /// takes it: a `.tf` file is read from disk once per run.
    read_ahead: Arc<Mutex<HashMap<PathBuf, String>>>,
}

impl OsFileSystem {
    pub fn new() -> OsFileSystem {
        OsFileSystem::limited(crate::limits::Limits::default().file_bytes)
    }

    /// The file system, refusing files larger than `max_file_bytes`.
    pub fn limited(max_file_bytes: u64) -> OsFileSystem {
        OsFileSystem {
            cwd: std::env::current_dir().unwrap_or_default(),
            max_file_bytes,
            listings: ListingCache::default(),
            read_ahead: Arc::default(),
        }
    }
}

impl Default for OsFileSystem {
    fn default() -> Self {
        OsFileSystem::new()
    }
}

impl FileSystem for OsFileSystem {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        if let Some(text) = self.read_ahead.lock().ok().and_then(|mut t| t.remove(path)) {
            return Ok(text);
        }
        let meta = std::fs::metadata(path).map_err(|e| describe_io(&e))?;
        if meta.is_dir() {
            return Err("is a directory, expected a file".into());
        }
        let too_large = || {
            format!(
                "file is larger than {} MB, the limit for one input",
                self.max_file_bytes >> 20
            )
        };
        if meta.len() > self.max_file_bytes {
            return Err(too_large());
        }
        // A named pipe or a device has no length: read it up to the limit, and stop at the
        // first block that shows it is not text (`/dev/zero` is not read for ever).
        let file = std::fs::File::open(path).map_err(|e| describe_io(&e))?;
        let bytes = read_bounded(file, self.max_file_bytes).map_err(|e| match e {
            Bounded::TooLarge => too_large(),
            Bounded::Binary => "file is binary, not text".to_string(),
            Bounded::Io(e) => describe_io(&e),
        })?;
        decode_owned(bytes)
    }

    fn list_dir(&self, dir: &Path) -> Result<Arc<[PathBuf]>, String> {
        self.listing(dir).map(|l| l.files)
    }

    fn read_ahead(&self, path: &Path, text: String) {
        if let Ok(mut texts) = self.read_ahead.lock() {
            texts.insert(path.to_path_buf(), text);
        }
    }

    fn tf_files(&self, dir: &Path) -> Result<Arc<[PathBuf]>, String> {
        self.listing(dir).map(|l| l.tf_files)
    }

    fn is_file(&self, path: &Path) -> bool {
        // One stat, not a listing: configuration files are looked for in every ancestor.
        path.is_file()
    }

    fn display(&self, path: &Path) -> String {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        let shown = absolute.strip_prefix(&self.cwd).map_or(path, |p| p);
        let text = shown.to_string_lossy().replace('\\', "/");
        text.strip_prefix("./").map_or(text.clone(), str::to_string)
    }
}

impl OsFileSystem {
    /// A directory's listing, read once per run.
    fn listing(&self, dir: &Path) -> Result<Listing, String> {
        if let Some(listing) = self.listings.lock().ok().and_then(|l| l.get(dir).cloned()) {
            return Ok(listing);
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| describe_io(&e))?
            .filter_map(Result::ok)
            .filter(|e| {
                // The entry's type comes with the listing; only a symlink needs a stat.
                e.file_type()
                    .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
            })
            .map(|e| e.path())
            .collect();
        entries.sort();
        let listing = Listing {
            tf_files: entries.iter().filter(|p| is_tf(p)).cloned().collect(),
            files: entries.into(),
        };
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(dir.to_path_buf(), listing.clone());
        }
        Ok(listing)
    }
}

/// Why a bounded read stopped.
enum Bounded {
    TooLarge,
    Binary,
    Io(std::io::Error),
}

/// Reads at most `max` bytes; more is an error, and so is a first block with a NUL byte and no
/// UTF-16 byte-order mark (binary, or UTF-32, which nothing reads).
fn read_bounded(file: impl std::io::Read, max: u64) -> Result<Vec<u8>, Bounded> {
    use std::io::Read as _;
    let mut out = Vec::new();
    let mut limited = file.take(max.saturating_add(1));
    let mut block = [0u8; 64 * 1024];
    loop {
        let n = match limited.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Bounded::Io(e)),
        };
        let first = out.is_empty();
        out.extend_from_slice(block.get(..n).unwrap_or_default());
        if first
            && out.contains(&0)
            && !(out.starts_with(b"\xFF\xFE") || out.starts_with(b"\xFE\xFF"))
            && !is_utf32(&out)
        {
            return Err(Bounded::Binary);
        }
        if out.len() as u64 > max {
            return Err(Bounded::TooLarge);
        }
    }
    Ok(out)
}

/// Does the text start with a UTF-32 byte-order mark?
fn is_utf32(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF")
}

/// Text from bytes: UTF-8 (a byte-order mark is dropped), or UTF-16 with a byte-order mark.
/// UTF-32, which neither Terraform nor CloudFormation reads, is an error saying so.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    decode_owned(bytes.to_vec())
}

/// [`decode`], of bytes the caller gives up: UTF-8 text without a byte-order mark (nearly
/// every input) becomes the text without being copied.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return decode_utf8(bytes);
    }
    if is_utf32(&bytes) {
        return Err("file is UTF-32 text; only UTF-8 and UTF-16 are read".into());
    }
    let utf16 = |rest: &[u8], little: bool| -> Result<String, String> {
        if rest.len() % 2 != 0 {
            return Err("file is not valid UTF-16 text (odd length)".into());
        }
        let units = rest
            .chunks_exact(2)
            .filter_map(|c| <[u8; 2]>::try_from(c).ok())
            .map(|pair| {
                if little {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
        let text = char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| "file is not valid UTF-16 text".to_string())?;
        if text.contains('\0') {
            return Err("file is binary, not text".into());
        }
        Ok(text)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        // ASCII in UTF-32 without a byte-order mark: one byte and three NULs.
        if bytes.get(1..4) == Some(&[0, 0, 0]) || bytes.get(..3) == Some(&[0, 0, 0]) {
            return Err("file is UTF-32 text (or binary); only UTF-8 and UTF-16 are read".into());
        }
        return Err("file is binary, not text".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory, expected a file".to_string(),
        _ => err.to_string(),
    }
}

/// One Terraform root module to analyze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformRoot {
    pub dir: PathBuf,
    /// The files the user named, when they named files rather than the directory.
    pub only: Option<Vec<PathBuf>>,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub terraform: Vec<TerraformRoot>,
    /// Files that may be plan JSON or CloudFormation templates (by extension), in walk order.
    /// They are read and classified by the analysis, in parallel: see [`read_document`].
    pub documents: Vec<PathBuf>,
    /// The documents the user named (of any extension, or none): one that turns out to be
    /// neither a plan nor a template is a warning, not skipped silently.
    pub named_documents: BTreeSet<PathBuf>,
    pub errors: Vec<Diagnostic>,
    /// Files the user named that are never analyzed on their own (tfvars).
    pub warnings: Vec<Diagnostic>,
    /// The directories the user named: one where nothing is read is a warning.
    pub named_dirs: Vec<PathBuf>,
}

/// What a JSON or YAML document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// `terraform show -json` output.
    Plan,
    /// A CloudFormation template; `json` tells the syntax.
    Template { json: bool },
}

/// A plan or template file with its text.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub kind: DocumentKind,
    pub text: String,
}

/// Extensions that may hold a plan or a template.
const DOCUMENT_EXTENSIONS: [&str; 4] = ["json", "yaml", "yml", "template"];

/// Tells what a JSON or YAML text is, if it is anything redshield reads. Other documents
/// (workflows, manifests, package.json) are None: skipped silently.
pub fn classify(text: &str) -> Option<DocumentKind> {
    let json = text.trim_start().starts_with('{');
    if json && crate::frontend::plan::looks_like_plan(text) {
        Some(DocumentKind::Plan)
    } else if crate::frontend::cfn::looks_like_template(text) {
        Some(DocumentKind::Template { json })
    } else {
        None
    }
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| DOCUMENT_EXTENSIONS.iter().any(|d| e == *d))
}

/// Reads a candidate document: None when it is neither a plan nor a template (skipped
/// silently), an error when it cannot be read (it may be a template).
pub fn read_document(fs: &dyn FileSystem, path: &Path) -> Result<Option<Document>, Diagnostic> {
    let text = fs.read_to_string(path).map_err(|m| error(fs, path, m))?;
    Ok(classify(&text).map(|kind| Document {
        path: path.to_path_buf(),
        kind,
        text,
    }))
}

/// Finds the inputs under `paths`. Named `.tf` (and `.tf.json`) files form a module with the
/// other named files of their directory; a directory contributes every directory below it that
/// holds `.tf` or `.tf.json` files, except those that another one calls as a local module.
///
/// A path named twice (`ex/main.tf ./ex/main.tf`), or a file inside a directory also named
/// (`ex/main.tf ex`), is analyzed once: inputs are told apart by their canonical paths, and a
/// file the walk of a named directory finds is analyzed with the module it belongs to there.
pub fn discover(paths: &[PathBuf], fs: &dyn FileSystem, exclude: &Exclude) -> Discovered {
    let mut out = Discovered::default();
    // By canonical directory: the directory as first named, and the files named in it.
    let mut named: BTreeMap<PathBuf, (PathBuf, Vec<PathBuf>)> = BTreeMap::new();
    let mut walked: BTreeSet<PathBuf> = BTreeSet::new();
    // Canonical paths of what is already an input: named paths, walked .tf directories and
    // documents.
    let snapshot = fs.snapshot();
    // A snapshot holds no symlinks: its paths are their own canonical form.
    let canonical = |p: &Path| match snapshot {
        Some(_) => lexical_absolute(p),
        None => std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()),
    };
    let is_dir = |p: &Path| match snapshot {
        Some(tree) => tree.entry(p) == Some(true),
        None => p.is_dir(),
    };
    let mut seen_named: BTreeSet<PathBuf> = BTreeSet::new();
    // Asked only whether they hold a path: hashed (paths compare slowly, component by
    // component, and a walk asks once per file).
    let mut walked_dirs: HashSet<PathBuf> = HashSet::default();
    let mut walked_documents: HashMap<PathBuf, PathBuf> = HashMap::default();
    // Named directories first: then a named file can tell whether a walk found it.
    let mut ordered: Vec<&PathBuf> = paths.iter().filter(|p| is_dir(p)).collect();
    ordered.extend(paths.iter().filter(|p| !is_dir(p)));
    for path in ordered {
        if !seen_named.insert(canonical(path)) || exclude.excludes(path, is_dir(path)) {
            continue;
        }
        let meta = match entry(snapshot, path) {
            Ok(meta) => meta,
            Err(message) => {
                out.errors.push(error(fs, path, message));
                continue;
            }
        };
        if !meta.is_dir {
            let in_walk = |dirs: &HashSet<PathBuf>| {
                path.parent()
                    .map(|d| {
                        if d.as_os_str().is_empty() {
                            Path::new(".")
                        } else {
                            d
                        }
                    })
                    .is_some_and(|d| dirs.contains(&canonical(d)))
            };
            if meta.is_file && is_tf(path) && in_walk(&walked_dirs) {
                // Analyzed with its module, which the walk of a named directory found.
                continue;
            } else if let Some(walked_path) = walked_documents.get(&canonical(path)) {
                out.named_documents.insert(walked_path.clone());
                continue;
            } else if meta.is_file && is_tf(path) {
                let dir = path
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                let dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir
                };
                named
                    .entry(canonical(&dir))
                    .or_insert_with(|| (dir, Vec::new()))
                    .1
                    .push(path.clone());
            } else if let Some(what) = not_analyzed_alone(path) {
                out.warnings.push(error(fs, path, what));
            } else {
                // Any other file (or pipe, or device) the user names is read and classified
                // by its content: a plan saved as `plan.out` or `<(terraform show -json …)`.
                out.named_documents.insert(path.clone());
                out.documents.push(path.clone());
            }
            continue;
        }
        if let Some(tree) = snapshot {
            for p in files_in_snapshot(tree, path, exclude) {
                if is_tf(&p) {
                    if let Some(dir) = p.parent() {
                        if !walked.contains(dir) && walked_dirs.insert(canonical(dir)) {
                            walked.insert(dir.to_path_buf());
                        }
                    }
                } else if is_document(&p) && !walked_documents.contains_key(&canonical(&p)) {
                    walked_documents.insert(canonical(&p), p.clone());
                    out.documents.push(p);
                }
            }
            out.named_dirs.push(path.clone());
            continue;
        }
        // The walk follows no symbolic link (and takes no link for a file), so the canonical
        // path of what it finds is the named directory's joined with the rest: one `realpath`
        // per named directory, not one per directory and document found.
        let root = canonical(path);
        let canonical_below = |p: &Path| match p.strip_prefix(path) {
            Ok(rest) => root.join(rest),
            Err(_) => canonical(p),
        };
        for found in walk(path, exclude) {
            match found {
                Ok((p, is_file)) => {
                    if is_file && is_tf(&p) {
                        if let Some(dir) = p.parent() {
                            if !walked.contains(dir) && walked_dirs.insert(canonical_below(dir)) {
                                walked.insert(dir.to_path_buf());
                            }
                        }
                    } else if is_file && is_document(&p) {
                        if let std::collections::hash_map::Entry::Vacant(entry) =
                            walked_documents.entry(canonical_below(&p))
                        {
                            entry.insert(p.clone());
                            out.documents.push(p);
                        }
                    }
                }
                Err((p, message)) => out.errors.push(error(fs, &p, message)),
            }
        }
        out.named_dirs.push(path.clone());
    }
    // Reads every .tf file below: in parallel (on the caller's pool, which has the stack
    // depth parsing needs).
    let called: BTreeSet<PathBuf> = {
        use rayon::prelude::*;
        walked
            .par_iter()
            .flat_map_iter(|dir| module_sources(fs, dir))
            .collect()
    };
    for dir in walked {
        if !called.contains(&crate::frontend::hcl::normalize_path(&dir)) {
            out.terraform.push(TerraformRoot { dir, only: None });
        }
    }
    for (_, (dir, mut files)) in named {
        files.sort();
        files.dedup();
        out.terraform.push(TerraformRoot {
            dir,
            only: Some(files),
        });
    }
    out
}

/// What a walk of the named directory `root` finds, sorted by path: the order a file system
/// lists a directory in (on ext4, by hash) must not decide the order of anything reported.
/// (The walk runs on one thread: `ignore`'s parallel walker starts threads, which costs a small
/// directory more than it saves a large one.)
fn walk(root: &Path, exclude: &Exclude) -> Vec<Found> {
    let exclude = exclude.clone();
    let mut found: Vec<Found> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s))
                && (e.depth() == 0 || !exclude.excludes(e.path(), is_dir))
        })
        .build()
        .map(|entry| match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                Ok((entry.into_path(), is_file))
            }
            Err(err) => {
                let p = error_path(&err).unwrap_or(root).to_path_buf();
                Err((
                    p,
                    err.io_error().map_or_else(|| err.to_string(), describe_io),
                ))
            }
        })
        .collect();
    found.sort_by(|a, b| found_path(a).cmp(found_path(b)));
    found
}

/// The path a walk's error is about (which may be wrapped in the depth it was found at).
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// A path a walk found, with whether it is a regular file; or one it could not read, and why.
type Found = Result<(PathBuf, bool), (PathBuf, String)>;

fn found_path(found: &Found) -> &Path {
    match found {
        Ok((path, _)) | Err((path, _)) => path,
    }
}

/// What a named path is.
struct Entry {
    is_dir: bool,
    is_file: bool,
}

/// What is at `path`, on the disk or in `snapshot`; the error says why nothing is.
fn entry(snapshot: Option<&dyn crate::frontend::Snapshot>, path: &Path) -> Result<Entry, String> {
    match snapshot {
        Some(tree) => match tree.entry(path) {
            Some(is_dir) => Ok(Entry {
                is_dir,
                is_file: !is_dir,
            }),
            None => Err("no such file or directory".to_string()),
        },
        None => std::fs::metadata(path)
            .map(|meta| Entry {
                is_dir: meta.is_dir(),
                is_file: meta.is_file(),
            })
            .map_err(|e| describe_io(&e)),
    }
}

/// The files below `dir` in a snapshot that a walk of the disk would find: none under the
/// skipped directories or an excluded one, and no excluded file.
fn files_in_snapshot(
    tree: &dyn crate::frontend::Snapshot,
    dir: &Path,
    exclude: &Exclude,
) -> Vec<PathBuf> {
    tree.files_below(dir)
        .into_iter()
        .filter(|file| {
            let Ok(below) = file.strip_prefix(dir) else {
                return false;
            };
            let mut at = dir.to_path_buf();
            let mut parts = below.components().peekable();
            while let Some(part) = parts.next() {
                at.push(part);
                let last = parts.peek().is_none();
                if !last && SKIPPED_DIRS.iter().any(|s| part.as_os_str() == *s) {
                    return false;
                }
                if exclude.excludes(&at, !last) {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Why a named file is not analyzed on its own, for the files that never are.
fn not_analyzed_alone(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    (name.ends_with(".tfvars") || name.ends_with(".tfvars.json")).then(|| {
        "a variables file is not analyzed on its own: it is read with its module \
         (terraform.tfvars, *.auto.tfvars) or given with --var-file"
            .to_string()
    })
}

fn error(fs: &dyn FileSystem, path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        path: fs.display(path),
        line: None,
        column: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Bytes given up are read as bytes lent are, in every encoding and failure: UTF-8 with
    /// and without a byte-order mark, UTF-16 both ways, UTF-32, binary and broken UTF-8.
    #[test]
    fn owned_bytes_decode_as_borrowed_ones() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a: 1".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let cases: Vec<(Vec<u8>, Result<&str, &str>)> = vec![
            (b"resource {}".to_vec(), Ok("resource {}")),
            (b"\xEF\xBB\xBFkey: value".to_vec(), Ok("key: value")),
            (utf16le, Ok("a: 1")),
            (b"\xFE\xFF\x00a".to_vec(), Ok("a")),
            (
                b"\xFF\xFE\x00\x00a\x00\x00\x00".to_vec(),
                Err("file is UTF-32 text; only UTF-8 and UTF-16 are read"),
            ),
            (
                b"a\x00\x00\x00".to_vec(),
                Err("file is UTF-32 text (or binary); only UTF-8 and UTF-16 are read"),
            ),
            (b"bin\x00ary".to_vec(), Err("file is binary, not text")),
            (
                b"bad \xC3 byte".to_vec(),
                Err("file is not UTF-8 text (invalid byte at offset 4)"),
            ),
            (Vec::new(), Ok("")),
        ];
        for (bytes, expected) in cases {
            let expected = expected.map(str::to_string).map_err(str::to_string);
            assert_eq!(decode_owned(bytes.clone()), expected, "{bytes:?}");
            assert_eq!(decode(&bytes), expected, "{bytes:?}");
        }
    }

    /// A text discovery read ahead is what the next read gets, once; later reads read the
    /// disk.
    #[test]
    fn a_text_read_ahead_serves_the_next_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "on disk\n").unwrap();
        let fs = OsFileSystem::new();
        fs.read_ahead(&path, "read ahead\n".into());
        assert_eq!(fs.read_to_string(&path).unwrap(), "read ahead\n");
        assert_eq!(fs.read_to_string(&path).unwrap(), "on disk\n");
    }

    /// Discovery hands back every `.tf` file it reads for module calls: the analysis that
    /// follows reads none of them from disk again.
    #[test]
    fn discovery_reads_each_terraform_file_ahead_of_the_analysis() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tf"), "resource \"x\" \"y\" {}\n").unwrap();
        std::fs::write(
            dir.path().join("b.tf"),
            "module \"m\" {\n  source = \"./m\"\n}\n",
        )
        .unwrap();
        let fs = OsFileSystem::new();
        let found = discover(&[dir.path().to_path_buf()], &fs, &Exclude::default());
        assert_eq!(found.terraform.len(), 1);
        let ahead = fs.read_ahead.lock().unwrap();
        let mut names: Vec<String> = ahead
            .keys()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        assert_eq!(names, ["a.tf", "b.tf"]);
    }
}
