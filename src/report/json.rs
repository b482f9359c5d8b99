//! `--format json`: the stable machine-readable report (see `schemas/report.schema.json`).

use super::{Report, ReportFinding};
use crate::ir::Location;
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    /// Each finding rendered on its own (see [`rendered_apart`]).
    findings: Vec<Box<RawValue>>,
    /// Findings covered by inline suppressions.
    suppressed: Vec<Box<RawValue>>,
    errors: Vec<JsonError<'a>>,
    warnings: Vec<JsonError<'a>>,
    /// With `--baseline`: entries no finding matches any more.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_gone: Option<&'a [super::BaselineEntry]>,
    /// In a change-aware run: the findings there before the change and gone after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<Vec<JsonFinding<'a>>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    resource: Resource<'a>,
    location: &'a Location,
    related: Vec<Related<'a>>,
    /// The suppression's reason, for suppressed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression_reason: Option<&'a str>,
    /// The proposed fix, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    /// The path the finding rests on, hop by hop, in order (reachability rules).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<Hop<'a>>,
    /// In a change-aware run: `introduced` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'static str>,
}

#[derive(Serialize)]
struct Hop<'a> {
    resource: Resource<'a>,
    location: &'a Location,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    diff: &'a str,
}

#[derive(Serialize)]
struct Resource<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: &'a Location,
}

/// An input error or warning, as the JSON report and the JSON graph write it.
#[derive(Serialize)]
pub(super) struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    resources: usize,
    findings: usize,
    errors: usize,
    suppressed: usize,
    baselined: usize,
    warnings: usize,
    /// In a change-aware run: the findings the change introduces, and those it resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    introduced: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<usize>,
}

fn finding(f: &super::ReportFinding) -> JsonFinding<'_> {
    JsonFinding {
        rule_id: f.rule.id,
        name: f.rule.name,
        severity: f.severity.as_str(),
        message: &f.message,
        resource: Resource {
            address: &f.address,
            kind: &f.kind,
        },
        location: &f.location,
        related: f
            .related
            .iter()
            .map(|(message, location, _)| Related { message, location })
            .collect(),
        suppression_reason: f.suppressed.as_ref().map(|r| r.as_deref().unwrap_or("")),
        fix: f.fix_outcome.as_ref().and_then(|o| {
            o.diff.as_ref().ok().map(|diff| JsonFix {
                description: &o.description,
                diff,
            })
        }),
        evidence: f
            .evidence
            .iter()
            .map(|hop| Hop {
                resource: Resource {
                    address: &hop.address,
                    kind: &hop.kind,
                },
                location: &hop.location,
                message: &hop.message,
            })
            .collect(),
        change: f.change.map(crate::change::ChangeState::as_str),
    }
}

pub(super) fn error(e: &crate::ir::Diagnostic) -> JsonError<'_> {
    JsonError {
        path: &e.path,
        message: &e.message,
        line: e.line,
        column: e.column,
    }
}

/// Findings rendered in parallel (on the caller's rayon pool), each pretty-printed as the report's pretty printer would
/// print it as an item of a top-level array: its lines indented by two levels more. (A JSON
/// text has no newline but between tokens: strings escape theirs.)
fn rendered_apart(findings: &[ReportFinding]) -> serde_json::Result<Vec<Box<RawValue>>> {
    use rayon::prelude::*;
    findings
        .par_iter()
        .map(|f| {
            let text = serde_json::to_string_pretty(&finding(f))?;
            RawValue::from_string(text.replace('\n', "\n    "))
        })
        .collect()
}

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render_json(report: &Report) -> String {
    json_document(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

fn json_document(report: &Report) -> serde_json::Result<String> {
    let findings = rendered_apart(&report.findings)?;
    let suppressed = rendered_apart(&report.suppressed)?;
    // The pieces are most of the text: room for them up front, not a text grown by copies.
    let pieces: usize = findings
        .iter()
        .chain(&suppressed)
        .map(|r| r.get().len() + 8)
        .sum();
    let doc = JsonReport {
        version: 1,
        tool: Tool {
            name: "redshield",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        suppressed,
        errors: report.errors.iter().map(error).collect(),
        warnings: report.warnings.iter().map(error).collect(),
        baseline_gone: report
            .baseline_used
            .then_some(report.baseline_gone.as_slice()),
        resolved: report
            .comparison
            .is_some()
            .then(|| report.resolved.iter().map(finding).collect()),
        summary: Summary {
            files: report.files,
            resources: report.resources,
            findings: report.findings.len(),
            errors: report.errors.len(),
            suppressed: report.suppressed.len(),
            baselined: report.baselined,
            warnings: report.warnings.len(),
            introduced: report.comparison.is_some().then(|| {
                report
                    .findings
                    .iter()
                    .filter(|f| f.change == Some(crate::change::ChangeState::Introduced))
                    .count()
            }),
            resolved: report.comparison.is_some().then_some(report.resolved.len()),
        },
    };
    let mut out = Vec::with_capacity(pieces + 4096);
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}
