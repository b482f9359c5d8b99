//! `--format gitlab`: GitLab Code Quality JSON (the `codequality` report of a CI job), which
//! GitLab shows in merge requests. One issue per finding: the rule as `check_name`, the
//! finding's severity (high `critical`, medium `major`, low `minor`), the path relative to the
//! repository and the start line, and the SARIF fingerprint (stable when lines move). Input
//! errors are not issues: they fail the job (exit status 2) and are in the other reports.
//!
//! The format is described by `schemas/gitlab-codequality.schema.json`.

use super::Report;
use crate::rules::Severity;
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Renders the findings as a pretty-printed Code Quality array with a trailing newline.
pub fn render_codequality(report: &Report) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .map(|finding| {
            let hash = super::sarif::fingerprint_hash(finding);
            let occurrence = seen.entry(hash.clone()).or_insert(0);
            *occurrence += 1;
            let begin = finding.location.start_line.max(1);
            Issue {
                description: format!(
                    "{} {}: {}",
                    finding.rule.id, finding.rule.name, finding.message
                ),
                check_name: finding.rule.id,
                fingerprint: format!("{hash}-{occurrence}"),
                severity: match finding.severity {
                    Severity::High => "critical",
                    Severity::Medium => "major",
                    Severity::Low => "minor",
                },
                location: Location {
                    path: finding
                        .location
                        .path
                        .strip_prefix("./")
                        .unwrap_or(&finding.location.path),
                    lines: Lines {
                        begin,
                        end: finding.location.end_line.max(begin),
                    },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}
