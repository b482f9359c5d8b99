//! Shared pieces of the fuzz targets: an in-memory file system and the steps after a front end
//! (model, rules, fixes, every report format), so that each target drives the whole pipeline
//! behind the front end it aims at.

use redshield::frontend::FileSystem;
use redshield::ir::{SourceMap, Unit};
use redshield::ir::region::UnitRegion;
use redshield::model::adapt::{AdaptOptions, adapt};
use redshield::rules::{self, RuleConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files held in memory: what the front ends read through `FileSystem`, with no disk access.
#[derive(Default)]
pub struct MemFs {
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    pub fn with(path: &str, bytes: &[u8]) -> MemFs {
        let mut fs = MemFs::default();
        fs.files.insert(PathBuf::from(path), bytes.to_vec());
        fs
    }
}

impl FileSystem for MemFs {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        match self.files.get(path) {
            // The same decoding as the real file system (BOMs, UTF-16, binary refused).
            Some(bytes) => redshield::discover::decode(bytes),
            None => Err("no such file or directory".into()),
        }
    }

    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        Ok(self
            .files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect())
    }

    fn display(&self, path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }
}

/// The model and every rule over one unit, as `redshield::analyze` runs them.
pub fn check_unit(unit: &Unit) {
    let model = adapt(
        unit,
        &AdaptOptions {
            // No region given: the judgement of every region runs too.
            region: UnitRegion::decide(&unit.settings, None),
        },
    );
    let config = RuleConfig {
        s3_ranges: std::sync::Arc::new(redshield::model::s3_ranges::S3Ranges::embedded()),
        // Opt-in rules on, so that their code runs too.
        allowed_cidrs: Some(vec![
            "10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!()),
        ]),
        require_dedicated_tenancy: true,
        require_customer_managed_keys: true,
        min_snapshot_retention_days: None,
        trusted_services: vec!["sagemaker.amazonaws.com".into()],
        // Unknown values reported too, so that those paths run.
        strict: true,
    };
    let enabled: Vec<&'static rules::Rule> = rules::ALL.to_vec();
    let _ = rules::run(&model, &config, &enabled);
}

/// Text as the command line would read it from a file (decoding included); None when the bytes
/// are not text (the real file system reports that as an input error).
pub fn text(data: &[u8]) -> Option<String> {
    redshield::discover::decode(data).ok()
}

/// The whole `check` pipeline on `stdin`: discovery's classification, the front end, model,
/// rules, suppressions, fixes (planned and applied in memory) and every report format.
pub fn pipeline(stdin: String) {
    let fs = MemFs::default();
    let inputs = redshield::Inputs {
        paths: Vec::new(),
        stdin: Some(stdin),
        errors: Vec::new(),
    };
    let settings = redshield::Settings::default();
    let analysis = redshield::analyze(&inputs, &settings, &fs);
    render(&analysis.report, &analysis.sources);
    let plan = redshield::fix::plan(
        analysis.report.fixables(),
        &analysis.sources,
        &Default::default(),
    );
    for (file, fixes) in &plan.files {
        let edits: Vec<&redshield::fix::edit::Edit> =
            fixes.iter().flat_map(|f| &f.edits).collect();
        let _ = redshield::fix::apply_edits(analysis.sources.text(*file), &edits);
    }
}

fn render(report: &redshield::report::Report, sources: &SourceMap) {
    use redshield::report::*;
    let _ = json::render_json(report);
    let _ = text::render_text(report, sources, false);
    let _ = sarif::render_sarif(report);
    let _ = github::render_github(report);
    let _ = markdown::render_markdown(report);
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// `text` re-serialized when it is JSON; None when it is not.
pub fn json_value(text: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .map(|v| v.to_string())
}
