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
    /// The entries of a directory, sorted by name.
    fn list_dir(&self, dir: &Path) -> Result<Vec<PathBuf>, String>;
    /// The path as reports show it: relative to the working directory, `/`-separated.
    fn display(&self, path: &Path) -> String;
}
