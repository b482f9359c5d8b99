//! Baselines: `--write-baseline FILE` records the current findings by fingerprint;
//! `--baseline FILE` then reports only findings not in it, and the baseline's entries that no
//! finding matches any more (fixed, or changed beyond recognition).

use crate::report::sarif::fingerprint_hash;
use crate::report::{BaselineEntry, Report};
use std::path::Path;

/// The format version written to baseline files.
const VERSION: u64 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u64,
    findings: Vec<BaselineEntry>,
}

/// The entries of the current report, sorted.
pub fn entries(report: &Report) -> Vec<BaselineEntry> {
    let mut out: Vec<BaselineEntry> = report
        .findings
        .iter()
        .map(|f| BaselineEntry {
            fingerprint: fingerprint_hash(f),
            rule_id: f.rule.id.to_string(),
            path: f.location.path.clone(),
            resource: f.address.clone(),
            message: f.message.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.path, &a.rule_id, &a.fingerprint).cmp(&(&b.path, &b.rule_id, &b.fingerprint))
    });
    out.dedup();
    out
}

/// The baseline file's text for a report.
pub fn render(report: &Report) -> String {
    let file = File {
        version: VERSION,
        findings: entries(report),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file; the error names the file and, for bad JSON, the line and column.
pub fn load(path: &Path, display: &str) -> Result<Vec<BaselineEntry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{display}: cannot read baseline: {e}"))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |i| &message[..i])
            .to_string();
        format!(
            "{display}:{}:{}: invalid baseline: {message}",
            e.line(),
            e.column()
        )
    })?;
    if file.version != VERSION {
        return Err(format!(
            "{display}: unsupported baseline version {} (expected {VERSION})",
            file.version
        ));
    }
    Ok(file.findings)
}

/// Removes the findings the baseline knows from the report, and records the baseline's
/// entries that match no finding.
pub fn apply(report: &mut Report, baseline: &[BaselineEntry]) {
    let current = entries(report);
    let known: foldhash::HashSet<&str> = baseline.iter().map(|e| e.fingerprint.as_str()).collect();
    let before = report.findings.len();
    report
        .findings
        .retain(|f| !known.contains(fingerprint_hash(f).as_str()));
    report.baselined = before - report.findings.len();
    let now: foldhash::HashSet<&str> = current.iter().map(|e| e.fingerprint.as_str()).collect();
    report.baseline_gone = baseline
        .iter()
        .filter(|e| !now.contains(e.fingerprint.as_str()))
        .cloned()
        .collect();
    report.baseline_used = true;
}
