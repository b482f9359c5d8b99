//! `--diff-base REF`: the analyzed paths as they are at a git revision, read from the
//! repository's object database through the git command line (`git rev-parse`, `git ls-tree`,
//! one `git cat-file --batch` for every file read). Nothing is checked out: the working tree,
//! the index and the refs are left as they are.
//!
//! [`Revision`] is a [`FileSystem`] (and a [`Snapshot`] for discovery), so the whole engine runs
//! unchanged on the old tree. Paths are those of the working tree (relative to the working
//! directory, or absolute), and are shown as the working tree's are.

use crate::discover::{OsFileSystem, lexical_normalize};
use crate::frontend::{FileSystem, Snapshot};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The files of one commit.
pub struct Revision {
    /// The repository's top level, absolute.
    top: PathBuf,
    /// The working directory, which relative paths are relative to.
    cwd: PathBuf,
    /// Each file (repository-relative path) and its blob.
    files: BTreeMap<PathBuf, String>,
    /// Every directory that holds a file, repository-relative (the top level is empty).
    dirs: BTreeSet<PathBuf>,
    /// Shows paths as the working tree's are.
    shown: OsFileSystem,
    max_file_bytes: u64,
    /// `git cat-file --batch`, started on the first read and shared by the parallel jobs.
    reader: Mutex<Option<BlobReader>>,
}

/// One running `git cat-file --batch`.
struct BlobReader {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        // Its input closed, cat-file ends; a failure here leaves nothing behind worth telling.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs git in `dir`; its standard output, or its first line of errors.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let message = String::from_utf8_lossy(&out.stderr);
        Err(message.lines().next().unwrap_or("git failed").to_string())
    }
}

impl Revision {
    /// The commit `revision` names in the repository of the working directory. The error is a
    /// usage message: outside a repository, or a revision that names no commit.
    pub fn open(revision: &str, max_file_bytes: u64) -> Result<Revision, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("--diff-base: cannot read the working directory: {e}"))?;
        let top = git(&cwd, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            format!(
                "--diff-base {revision}: {} is not in a git repository (the revision is read \
                 from the repository of the working directory)",
                cwd.display()
            )
        })?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let spec = format!("{revision}^{{commit}}");
        let commit = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )
        .map_err(|_| format!("--diff-base {revision}: no such commit in this repository"))?;
        let commit = String::from_utf8_lossy(&commit).trim().to_string();
        if commit.is_empty() {
            return Err(format!(
                "--diff-base {revision}: no such commit in this repository"
            ));
        }
        let listing = git(&top, &["ls-tree", "-r", "-z", "--full-tree", &commit])
            .map_err(|e| format!("--diff-base {revision}: cannot list the commit: {e}"))?;
        let mut files = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        dirs.insert(PathBuf::new());
        for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // `<mode> SP <type> SP <object> TAB <path>`; only regular files are read (links
            // and submodules are not files of this tree).
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(mode), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            if mode != "100644" && mode != "100755" {
                continue;
            }
            let path = PathBuf::from(path);
            let mut dir = path.parent();
            while let Some(d) = dir {
                if !dirs.insert(d.to_path_buf()) {
                    break;
                }
                dir = d.parent();
            }
            files.insert(path, object.to_string());
        }
        Ok(Revision {
            top,
            shown: OsFileSystem::new(),
            cwd,
            files,
            dirs,
            max_file_bytes,
            reader: Mutex::new(None),
        })
    }

    /// The repository-relative form of a working-tree path; None outside the repository.
    fn in_repository(&self, path: &Path) -> Option<PathBuf> {
        let absolute = lexical_normalize(&self.cwd.join(path));
        absolute.strip_prefix(&self.top).ok().map(Path::to_path_buf)
    }

    /// The content of a blob.
    fn blob(&self, object: &str) -> Result<Vec<u8>, String> {
        let mut reader = self
            .reader
            .lock()
            .map_err(|_| "the git reader failed earlier".to_string())?;
        if reader.is_none() {
            let mut child = Command::new("git")
                .args(["cat-file", "--batch"])
                .current_dir(&self.top)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot run git cat-file: {e}"))?;
            let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
                return Err("cannot talk to git cat-file".into());
            };
            *reader = Some(BlobReader {
                child,
                input,
                output: BufReader::new(output),
            });
        }
        let Some(git) = reader.as_mut() else {
            return Err("cannot talk to git cat-file".into());
        };
        let read = |git: &mut BlobReader| -> std::io::Result<Vec<u8>> {
            git.input.write_all(format!("{object}\n").as_bytes())?;
            git.input.flush()?;
            let mut header = String::new();
            git.output.read_line(&mut header)?;
            // `<object> blob <size>`
            let size = header
                .split_whitespace()
                .nth(2)
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| std::io::Error::other(format!("git cat-file: {}", header.trim())))?;
            let mut content = Vec::new();
            (&mut git.output).take(size).read_to_end(&mut content)?;
            let mut newline = [0u8; 1];
            git.output.read_exact(&mut newline)?;
            Ok(content)
        };
        read(git).map_err(|e| {
            // The conversation is lost: the next read starts another cat-file.
            *reader = None;
            format!("cannot read from git: {e}")
        })
    }
}

impl FileSystem for Revision {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        let object = self
            .in_repository(path)
            .and_then(|p| self.files.get(&p))
            .ok_or_else(|| "no such file or directory".to_string())?;
        let bytes = self.blob(object)?;
        if u64::try_from(bytes.len()).map_or(true, |n| n > self.max_file_bytes) {
            return Err(format!(
                "file is larger than {} MB, the limit for one input",
                self.max_file_bytes >> 20
            ));
        }
        crate::discover::decode(&bytes)
    }

    fn list_dir(&self, dir: &Path) -> Result<Arc<[PathBuf]>, String> {
        let rel = self
            .in_repository(dir)
            .filter(|d| self.dirs.contains(d))
            .ok_or_else(|| "no such file or directory".to_string())?;
        Ok(self
            .files
            .range(rel.clone()..)
            .take_while(|(p, _)| p.starts_with(&rel))
            .filter(|(p, _)| p.parent() == Some(rel.as_path()))
            .filter_map(|(p, _)| p.file_name().map(|name| dir.join(name)))
            .collect())
    }

    fn display(&self, path: &Path) -> String {
        self.shown.display(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.in_repository(path)
            .is_some_and(|p| self.files.contains_key(&p))
    }

    fn snapshot(&self) -> Option<&dyn Snapshot> {
        Some(self)
    }
}

impl Snapshot for Revision {
    fn entry(&self, path: &Path) -> Option<bool> {
        let rel = self.in_repository(path)?;
        if self.files.contains_key(&rel) {
            Some(false)
        } else if self.dirs.contains(&rel) {
            Some(true)
        } else {
            None
        }
    }

    fn files_below(&self, dir: &Path) -> Vec<PathBuf> {
        let Some(rel) = self.in_repository(dir) else {
            return Vec::new();
        };
        self.files
            .range(rel.clone()..)
            .take_while(|(p, _)| p.starts_with(&rel))
            .filter_map(|(p, _)| p.strip_prefix(&rel).ok().map(|below| dir.join(below)))
            .collect()
    }
}
