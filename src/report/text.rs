//! `--format text`: each finding with its source excerpt (ariadne), the offending span
//! underlined and related resources as secondary labels; then input errors and a summary.
//! Everything from an input (names, messages, paths, and the quoted source lines) is escaped
//! ([`super::escape`]): the output holds no control character of an input's. Secrets are
//! masked in the quoted source ([`crate::model::secret`]).

use super::Report;
use super::escape::{self, EscapedSource};
use crate::ir::SourceMap;
use crate::model::secret::Masked;
use crate::rules::Severity;
use ariadne::{Color, Config, IndexType, Label, ReportKind};
use std::collections::HashMap;

/// Renders the report. `color` adds ANSI colours (only for a terminal, never with NO_COLOR).
pub fn render_text(report: &Report, sources: &SourceMap, color: bool) -> String {
    render(report, sources, color, false)
}

/// Renders only the findings and the input errors (`--quiet`): no warnings, baseline notes
/// or summary line.
pub fn render_text_quiet(report: &Report, sources: &SourceMap, color: bool) -> String {
    render(report, sources, color, true)
}

fn render(report: &Report, sources: &SourceMap, color: bool, quiet: bool) -> String {
    let report = &escape::for_humans(report);
    let mut out = Vec::new();
    // Only the files findings point into are quoted; each masked (secrets) and escaped once,
    // with its offsets.
    let mut masked: HashMap<crate::ir::FileId, Masked<'_>> = HashMap::new();
    for finding in &report.findings {
        for span in std::iter::once(finding.span).chain(finding.related.iter().map(|r| r.2)) {
            masked.entry(span.file).or_insert_with(|| {
                report
                    .secrets
                    .masked(sources.path(span.file), sources.text(span.file), 0)
            });
        }
    }
    let quoted: HashMap<crate::ir::FileId, EscapedSource<'_>> = masked
        .iter()
        .map(|(id, m)| (*id, EscapedSource::new(&m.text)))
        .collect();
    let mut cache = ariadne::sources(quoted.iter().map(|(id, source)| {
        (
            escape::line(sources.display(*id)).into_owned(),
            source.text.to_string(),
        )
    }));
    let escaped_range =
        |span: crate::ir::Span| match (masked.get(&span.file), quoted.get(&span.file)) {
            (Some(m), Some(source)) => {
                source.map(m.map(span.start as usize))..source.map(m.map(span.end as usize))
            }
            _ => span.range(),
        };
    for finding in &report.findings {
        let spans = std::iter::once(finding.span).chain(finding.related.iter().map(|r| r.2));
        if spans
            .clone()
            .any(|span| longest_line(sources, span) > MAX_EXCERPT_LINE)
        {
            // Minified JSON (a plan from `terraform show -json`) has one enormous line: an
            // excerpt would be unreadable, so show locations only.
            out.extend_from_slice(plain_finding(finding).as_bytes());
            continue;
        }
        let (kind, colour) = match finding.severity {
            Severity::High => (ReportKind::Error, Color::Red),
            Severity::Medium => (ReportKind::Warning, Color::Yellow),
            Severity::Low => (ReportKind::Advice, Color::Cyan),
        };
        let path = finding.location.path.clone();
        let range = escaped_range(finding.span);
        let mut builder = ariadne::Report::build(kind, (path.clone(), range.clone()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(format!("{} {}", finding.rule.id, finding.rule.name))
            .with_message(&finding.message)
            .with_label(
                Label::new((path, range))
                    .with_message(finding.rule.summary)
                    .with_color(colour)
                    .with_order(0),
            );
        for (i, (message, location, span)) in finding.related.iter().enumerate() {
            builder = builder.with_label(
                Label::new((location.path.clone(), escaped_range(*span)))
                    .with_message(message)
                    .with_color(Color::Blue)
                    .with_order(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            );
        }
        builder = builder.with_help(format!(
            "run `redshield explain {}` for the requirement and a fix",
            finding.rule.id
        ));
        let _ = builder.finish().write(&mut cache, &mut out);
        out.push(b'\n');
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    for error in &report.errors {
        text.push_str(&format!("error: {error}\n"));
    }
    if quiet {
        return text;
    }
    for warning in &report.warnings {
        text.push_str(&format!("warning: {warning}\n"));
    }
    for gone in &report.baseline_gone {
        text.push_str(&format!(
            "gone from the baseline: {} {} ({}): {}\n",
            gone.rule_id, gone.resource, gone.path, gone.message
        ));
    }
    text.push_str(&summary_line(report));
    text
}

/// Lines longer than this are not quoted in excerpts.
const MAX_EXCERPT_LINE: usize = 400;

/// The length of the longest source line the span touches.
fn longest_line(sources: &SourceMap, span: crate::ir::Span) -> usize {
    let text = sources.text(span.file);
    let start = text
        .get(..span.start as usize)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(span.end as usize..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| span.end as usize + i);
    text.get(start..end)
        .map_or(0, |t| t.lines().map(str::len).max().unwrap_or(0))
}

fn plain_finding(finding: &super::ReportFinding) -> String {
    let loc = &finding.location;
    let mut out = format!(
        "[{} {}] {}: {}\n  --> {}:{}:{}\n",
        finding.rule.id,
        finding.rule.name,
        finding.severity.as_str(),
        finding.message,
        loc.path,
        loc.start_line,
        loc.start_column
    );
    for (message, related, _) in &finding.related {
        out.push_str(&format!(
            "  related: {message} ({}:{}:{})\n",
            related.path, related.start_line, related.start_column
        ));
    }
    out.push_str(&format!(
        "  help: run `redshield explain {}` for the requirement and a fix\n\n",
        finding.rule.id
    ));
    out
}

fn summary_line(report: &Report) -> String {
    let summary = report.summary();
    let mut line = match &summary.findings {
        Some(findings) => format!("Found {findings} {}", summary.scope()),
        None => format!("No findings {}", summary.scope()),
    };
    if !summary.quiet.is_empty() {
        line.push_str(&format!(" ({})", summary.quiet.join(", ")));
    }
    line.push_str(".\n");
    line
}
