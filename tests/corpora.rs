//! Real third-party inputs (`../shared/corpora`, see its README): every file that Terraform,
//! `terraform show -json` or CloudFormation accepts must be read without an input error. The
//! files carry no labels: this tests reading, not rule accuracy. The corpora are read in place.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::discover::OsFileSystem;
use redshield::{Inputs, Settings, analyze};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where the corpora are, relative to the crate root.
const CORPORA: &str = "../shared/corpora";

/// Inputs that may still give input errors, relative to the corpora, for inputs that are not
/// valid as they stand. None today: the `rain` packager's sources (`!Rain::Embed`,
/// `"Type": {"Rain::Module": …}`) give warnings instead, which the test checks. An entry that no
/// longer errs fails the test, so the list only shrinks.
const ALLOWED_ERRORS: &[&str] = &[];

/// Every file below `dir`.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn every_valid_corpus_input_is_read_without_an_input_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPORA);
    assert!(
        root.is_dir(),
        "the real-world corpora are missing: expected them at {} (`{CORPORA}` from the crate \
         root; see ../shared/corpora/README.md). This test must not pass without them.",
        root.display()
    );
    let total = files_below(&root).len();
    let start = std::time::Instant::now();
    let analysis = analyze(
        &Inputs::paths(std::slice::from_ref(&root)),
        &Settings::default(),
        &OsFileSystem::new(),
    );
    let elapsed = start.elapsed();
    let report = &analysis.report;

    let prefix = format!("{}/", root.display());
    let relative = |p: &str| -> String {
        let shown = Path::new(p);
        let absolute = if shown.is_absolute() {
            shown.to_path_buf()
        } else {
            std::env::current_dir().unwrap().join(shown)
        };
        let text = absolute.to_string_lossy().replace('\\', "/");
        text.strip_prefix(&prefix)
            .map_or(text.clone(), str::to_string)
    };
    // Module paths are normalized lexically (`a/b/../..`), so compare normalized paths.
    let norm = redshield::frontend::hcl::normalize_path;
    let root_normalized = norm(&root);
    let read: BTreeSet<PathBuf> = analysis
        .sources
        .ids()
        .map(|id| norm(analysis.sources.path(id)))
        .filter(|p| p.starts_with(&root_normalized))
        .collect();
    let erred: BTreeSet<String> = report.errors.iter().map(|e| relative(&e.path)).collect();
    let unexpected: Vec<String> = report
        .errors
        .iter()
        .filter(|e| !ALLOWED_ERRORS.contains(&relative(&e.path).as_str()))
        .map(|e| {
            format!(
                "{}:{}:{}: {}",
                relative(&e.path),
                e.line.unwrap_or(0),
                e.column.unwrap_or(0),
                e.message
            )
        })
        .collect();
    // The `rain` packager's sources are not deployable as they stand: each is read, with a
    // warning at the construct, never lost without a word.
    let warned: BTreeSet<String> = report.warnings.iter().map(|w| relative(&w.path)).collect();
    let unwarned_rain: Vec<String> = files_below(&root)
        .into_iter()
        .filter(|p| {
            let template = p
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
            template
                && std::fs::read_to_string(p)
                    .is_ok_and(|t| t.contains("!Rain::") || t.contains("\"Rain::"))
        })
        .map(|p| relative(&p.display().to_string()))
        .filter(|p| !warned.contains(p))
        .collect();
    let stale: Vec<&&str> = ALLOWED_ERRORS
        .iter()
        .filter(|a| !erred.contains(**a))
        .collect();

    // Every Terraform file is read: a root module, or a module that one calls.
    let unread_tf: Vec<String> = files_below(&root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && !read.contains(&norm(p)))
        .map(|p| p.display().to_string())
        .collect();

    let seconds = elapsed.as_secs_f64();
    println!(
        "corpora: {total} files: {} read, {} skipped (not plans, templates or Terraform), {} \
         warnings, {} input errors ({} allowed); {:.1} s, {:.0} files/s",
        read.len(),
        total.saturating_sub(read.len()),
        report.warnings.len(),
        report.errors.len(),
        report.errors.len() - unexpected.len(),
        seconds,
        total as f64 / seconds.max(1e-9)
    );
    assert!(
        unexpected.is_empty(),
        "input errors in the corpora:\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allowed to err but read without an error now: take them out of ALLOWED_ERRORS: \
         {stale:?}"
    );
    assert!(
        unwarned_rain.is_empty(),
        "rain sources read without a warning: {unwarned_rain:#?}"
    );
    assert!(
        unread_tf.is_empty(),
        "Terraform files not read: {unread_tf:#?}"
    );
    assert!(read.len() > 1000, "only {} corpus files read", read.len());
}
