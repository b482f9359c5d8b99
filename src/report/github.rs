//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on
//! the pull request's changed lines: one `::error`/`::warning`/`::notice` per finding and one
//! `::error` per input error, then a plain summary line.
//!
//! Strings from inputs are escaped twice: first like every human format ([`super::escape`]:
//! control and invisible characters, `##[`), then as the runner expects in a command's message
//! and properties, so that each finding is one well-formed command on one line.
//!
//! The renderer only returns text; appending the Markdown summary to `GITHUB_STEP_SUMMARY` is
//! the command line's IO (see `cli::run_check`).

use super::{Report, ReportFinding};
use crate::change::Comparison;
use crate::ir::Diagnostic;
use crate::rules::Severity;

/// Renders the report as workflow commands, one per line, and a closing summary line.
pub fn render_github(report: &Report) -> String {
    let mut out = render_github_quiet(report);
    out.push_str(&summary_line(report));
    out
}

/// The workflow commands alone, without the summary line (`--quiet`).
pub fn render_github_quiet(report: &Report) -> String {
    let report = &super::escape::for_humans(report);
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&finding_command(finding, report.comparison.as_ref()));
        out.push('\n');
    }
    for error in &report.errors {
        out.push_str(&error_command(error));
        out.push('\n');
    }
    out
}

fn finding_command(finding: &ReportFinding, comparison: Option<&Comparison>) -> String {
    let command = match finding.severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    };
    let loc = &finding.location;
    let mut properties = vec![
        ("file", loc.path.clone()),
        ("line", loc.start_line.to_string()),
    ];
    // GitHub accepts columns only for an annotation on one line.
    if loc.end_line == loc.start_line {
        properties.push(("col", loc.start_column.to_string()));
        properties.push(("endLine", loc.end_line.to_string()));
        properties.push(("endColumn", loc.end_column.to_string()));
    } else {
        properties.push(("endLine", loc.end_line.to_string()));
    }
    properties.push((
        "title",
        format!("{} {}", finding.rule.id, finding.rule.name),
    ));
    let mut message = finding.message.clone();
    for (related, location, _) in &finding.related {
        message.push_str(&format!(
            "\n  related: {related} ({}:{}:{})",
            location.path, location.start_line, location.start_column
        ));
    }
    if let (Some(comparison), Some(state)) = (comparison, finding.change) {
        message.push_str(&format!("\n  change: {}", state.describe(comparison)));
    }
    message.push_str(&format!(
        "\n  help: run `redshield explain {}` for the requirement and a fix",
        finding.rule.id
    ));
    workflow_command(command, &properties, &message)
}

fn error_command(error: &Diagnostic) -> String {
    let mut properties = vec![("file", error.path.clone())];
    if let Some(line) = error.line {
        properties.push(("line", line.to_string()));
        if let Some(column) = error.column {
            properties.push(("col", column.to_string()));
        }
    }
    workflow_command("error", &properties, &error.message)
}

/// `::COMMAND key=value,key=value::message`, each part escaped as GitHub's runner expects.
fn workflow_command(command: &str, properties: &[(&str, String)], message: &str) -> String {
    let properties = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect::<Vec<_>>()
        .join(",");
    format!("::{command} {properties}::{}", escape_data(message))
}

/// Escapes a command's message: `%`, carriage return and line feed.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn summary_line(report: &Report) -> String {
    let summary = report.summary();
    let findings = summary.findings.as_deref().unwrap_or("no findings");
    match &summary.change {
        Some(change) => format!("redshield: {change}; {findings} {}.\n", summary.scope()),
        None => format!("redshield: {findings} {}.\n", summary.scope()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_github_expects() {
        let message = "100% open: a, b\r\nnext";
        assert_eq!(escape_data(message), "100%25 open: a, b%0D%0Anext");
        assert_eq!(escape_property(message), "100%25 open%3A a%2C b%0D%0Anext");
        let command = workflow_command(
            "error",
            &[
                ("file", "dir,x/a:b.tf".to_string()),
                ("line", "3".to_string()),
            ],
            message,
        );
        assert_eq!(
            command,
            "::error file=dir%2Cx/a%3Ab.tf,line=3::100%25 open: a, b%0D%0Anext"
        );
        assert_eq!(command.lines().count(), 1);
    }

    #[test]
    fn input_errors_are_error_commands_with_their_location() {
        let error = Diagnostic {
            path: "bad.yaml".into(),
            line: Some(3),
            column: Some(1),
            message: "expected a mapping".into(),
        };
        assert_eq!(
            error_command(&error),
            "::error file=bad.yaml,line=3,col=1::expected a mapping"
        );
    }
}
