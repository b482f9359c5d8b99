//! `--format json`: the stable machine-readable report (see `schemas/report.schema.json`).

use super::Report;
use crate::ir::Location;
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    /// Findings covered by inline suppressions.
    suppressed: Vec<JsonFinding<'a>>,
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

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render_json(report: &Report) -> String {
    let doc = JsonReport {
        version: 1,
        tool: Tool {
            name: "redshield",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report.findings.iter().map(finding).collect(),
        suppressed: report.suppressed.iter().map(finding).collect(),
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
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
