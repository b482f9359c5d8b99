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

/// The report as a document, with `findings` as its findings.
fn document<'a>(report: &'a Report, findings: Vec<JsonFinding<'a>>) -> JsonReport<'a> {
    JsonReport {
        version: 1,
        tool: Tool {
            name: "redshield",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
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
    }
}

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render_json(report: &Report) -> String {
    // The findings are rendered apart (below), in parallel, and put in their place.
    let doc = document(report, Vec::new());
    // Room for the whole report up front: grown by doubling, a report of a few megabytes was
    // copied several times over and touched twice the memory it needs. Room never written to
    // costs nothing.
    let places: usize = [&report.findings, &report.suppressed, &report.resolved]
        .into_iter()
        .flatten()
        .map(|f| 1 + f.related.len() + f.evidence.len())
        .sum();
    let mut rest = Vec::with_capacity(4096);
    let rendered = serde_json::to_writer_pretty(&mut rest, &doc)
        .and_then(|()| findings_array(&report.findings));
    let findings = match rendered {
        Ok(findings) => findings,
        Err(e) => return format!("{{\"error\": \"{e}\"}}\n"),
    };
    // The document holds `"findings": []` once, after `version` and `tool` (constants): the
    // array rendered goes in its place, the `[]`.
    let Some(at) = memchr::memmem::find(&rest, EMPTY_FINDINGS).map(|at| at + FINDINGS_KEY.len())
    else {
        // Not so unless the document's first fields change: then render it whole.
        let whole = document(report, report.findings.iter().map(finding).collect());
        return serde_json::to_string_pretty(&whole)
            .map_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"), |text| text + "\n");
    };
    let mut out = Vec::with_capacity(4096 + places * BYTES_PER_PLACE);
    out.extend_from_slice(rest.get(..at).unwrap_or_default());
    for chunk in &findings {
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(rest.get(at + 2..).unwrap_or_default());
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// How the document reads with no findings, pretty-printed: the key, then `[]`.
const EMPTY_FINDINGS: &[u8] = b"\n  \"findings\": [],\n";
const FINDINGS_KEY: &[u8] = b"\n  \"findings\": ";

/// How many findings one worker renders at a time.
const FINDINGS_PER_CHUNK: usize = 64;

/// The `findings` array as `serde_json`'s pretty printer writes it as the value of a key of
/// the document (its items two levels deep), in pieces to be joined in order. The findings are
/// rendered on the workers of the calling pool, a chunk each: rendering is the last step of a
/// run, and the longest one that ran on one thread. Each finding is rendered on its own and
/// indented after each newline: JSON strings hold no raw newline.
fn findings_array(findings: &[super::ReportFinding]) -> serde_json::Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    if findings.is_empty() {
        return Ok(vec![b"[]".to_vec()]);
    }
    let mut pieces: Vec<Vec<u8>> = findings
        .par_chunks(FINDINGS_PER_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let mut out = Vec::new();
            if i == 0 {
                out.push(b'[');
            }
            let mut one = Vec::new();
            for (j, f) in chunk.iter().enumerate() {
                out.extend_from_slice(if i == 0 && j == 0 { b"\n" } else { b",\n" });
                one.clear();
                serde_json::to_writer_pretty(&mut one, &finding(f))?;
                indented(&mut out, &one, ITEM_INDENT);
            }
            Ok(out)
        })
        .collect::<serde_json::Result<_>>()?;
    pieces.push(b"\n  ]".to_vec());
    Ok(pieces)
}

/// How deep an item of a top-level array is indented.
const ITEM_INDENT: &[u8] = b"    ";

/// Appends `text` to `out`, each of its lines after `indent`.
fn indented(out: &mut Vec<u8>, text: &[u8], indent: &[u8]) {
    let mut start = 0;
    out.extend_from_slice(indent);
    for newline in memchr::memchr_iter(b'\n', text) {
        out.extend_from_slice(text.get(start..=newline).unwrap_or_default());
        out.extend_from_slice(indent);
        start = newline + 1;
    }
    out.extend_from_slice(text.get(start..).unwrap_or_default());
}

/// About what one place of a finding (its location, a related place, a hop of evidence) takes
/// in the pretty-printed report, with its share of messages and diffs: a generous guess.
const BYTES_PER_PLACE: usize = 400;

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::ir::{FileId, Span};
    use crate::report::{ReportFinding, ReportHop};

    fn location(line: usize) -> Location {
        Location {
            path: "stacks/a \"b\".tf".into(),
            start_line: line,
            start_column: 3,
            end_line: line,
            end_column: 9,
        }
    }

    /// Findings of every shape: with and without related places, evidence and fixes, messages
    /// with characters JSON escapes.
    fn findings(n: usize) -> Vec<ReportFinding> {
        let span = Span::new(FileId(0), 0..1);
        (0..n)
            .map(|i| ReportFinding {
                rule: crate::rules::ALL[i % crate::rules::ALL.len()],
                severity: crate::rules::Severity::High,
                message: format!("finding {i}: \"quoted\"\nnext line \u{e9}"),
                address: format!("thing.n{i}"),
                kind: "some_kind".into(),
                location: location(i + 1),
                span,
                related: (0..i % 3)
                    .map(|j| (format!("related {j}"), location(j + 1), span))
                    .collect(),
                fails: true,
                suppressed: None,
                fix: None,
                fix_outcome: (i % 2 == 0).then(|| crate::fix::FixOutcome {
                    description: "set it".into(),
                    diff: Ok("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n".into()),
                    replacements: Vec::new(),
                }),
                evidence: (0..i % 4)
                    .map(|j| ReportHop {
                        address: format!("hop{j}"),
                        kind: "hop_kind".into(),
                        location: location(j + 2),
                        span,
                        message: format!("hop {j}"),
                    })
                    .collect(),
                change: None,
            })
            .collect()
    }

    fn report(n: usize) -> Report {
        Report {
            findings: findings(n),
            suppressed: findings(2),
            errors: Vec::new(),
            warnings: Vec::new(),
            files: 1,
            resources: 2,
            baselined: 0,
            baseline_gone: Vec::new(),
            baseline_used: false,
            secrets: Default::default(),
            comparison: None,
            resolved: Vec::new(),
        }
    }

    /// The findings rendered in chunks and put in place read exactly as the whole document
    /// rendered at once: none, one, a chunk, and across chunk boundaries.
    #[test]
    fn findings_rendered_in_chunks_read_as_the_document_rendered_whole() {
        for n in [
            0,
            1,
            FINDINGS_PER_CHUNK,
            FINDINGS_PER_CHUNK + 1,
            3 * FINDINGS_PER_CHUNK + 5,
        ] {
            let report = report(n);
            let whole = document(&report, report.findings.iter().map(finding).collect());
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            assert_eq!(render_json(&report), expected, "{n} findings");
        }
    }
}
