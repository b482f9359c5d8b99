//! The parse floor: what reading and parsing the inputs alone costs, with redshield's
//! parallelism, so that a full run can be compared with it (`bench/measure.py --parse-floor`,
//! `bench/scaling.py --parse-floor`).
//!
//!     cargo build --release --example parse_floor
//!     target/release/examples/parse_floor PATH...
//!
//! Walks the paths as discovery does (the `ignore` crate, `.gitignore` honored, `.terraform`,
//! `node_modules` and `.git` skipped), then reads and parses each file on the rayon pool, one
//! file a job: `.tf` with hcl-edit (the whole body, as the HCL front end parses it), `.json`
//! (plans, templates, `.tf.json`) with serde_json into a `Value`, `.yaml`/`.yml`/`.template`
//! with saphyr-parser's event parser (every event pulled). It prints the number of files, bytes
//! and items (top-level HCL structures, JSON values, YAML events) so that a run that parsed
//! nothing shows it. Any other file is skipped.
//!
//! It allocates with mimalloc, as the redshield binary does: the parsers allocate for every
//! token, and with the system allocator the floor would be slower than redshield's own parsing
//! (by 15 % for HCL and 35 % for plans on the bench corpora), making the ratio look better
//! than it is.

use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::{Path, PathBuf};

fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        let walk = ignore::WalkBuilder::new(path)
            .filter_entry(|e| {
                !matches!(
                    e.file_name().to_str(),
                    Some(".terraform" | "node_modules" | ".git")
                )
            })
            .build();
        for entry in walk.flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                out.push(entry.into_path());
            }
        }
    }
    out
}

/// Parses one file: (bytes, items), or None for a file that is not an input or does not parse.
fn parse(path: &Path) -> Option<(usize, usize)> {
    let name = path.file_name()?.to_str()?;
    let text = std::fs::read_to_string(path).ok()?;
    let items = if name.ends_with(".tf") {
        hcl_edit::parser::parse_body(&text).ok()?.len()
    } else if name.ends_with(".json") {
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        count_json(&value)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template") {
        let mut events = 0;
        for event in saphyr_parser::Parser::new_from_str(&text) {
            event.ok()?;
            events += 1;
        }
        events
    } else {
        return None;
    };
    Some((text.len(), items))
}

fn count_json(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_json).sum(),
        serde_json::Value::Object(map) => map.values().map(count_json).sum(),
        _ => 0,
    }
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: parse_floor PATH...");
        std::process::exit(2);
    }
    let files = files(&paths);
    let (parsed, bytes, items) = files
        .par_iter()
        .filter_map(|p| parse(p))
        .fold(
            || (0usize, 0usize, 0usize),
            |(n, b, i), (bytes, items)| (n + 1, b + bytes, i + items),
        )
        .reduce(|| (0, 0, 0), |x, y| (x.0 + y.0, x.1 + y.1, x.2 + y.2));
    println!(
        "{parsed} of {} files parsed, {bytes} bytes, {items} items",
        files.len()
    );
}
