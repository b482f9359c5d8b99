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
use foldhash::{HashMap, HashMapExt};

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
    let mut cache = Quoted(
        quoted
            .iter()
            .map(|(id, source)| {
                (
                    escape::line(sources.display(*id)).into_owned(),
                    ariadne::Source::from(source.text.to_string()),
                )
            })
            .collect(),
    );
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
            out.extend_from_slice(change_line(report, finding).as_bytes());
            continue;
        }
        let (kind, colour) = match finding.severity {
            Severity::High => (ReportKind::Error, Color::Red),
            Severity::Medium => (ReportKind::Warning, Color::Yellow),
            Severity::Low => (ReportKind::Advice, Color::Cyan),
        };
        let labels = std::iter::once(&finding.location).chain(finding.related.iter().map(|r| &r.1));
        let parts = parts(labels);
        let part = |i: usize| Part {
            path: if i == 0 {
                finding.location.path.clone()
            } else {
                finding
                    .related
                    .get(i - 1)
                    .map_or_else(String::new, |r| r.1.path.clone())
            },
            part: parts.get(i).copied().unwrap_or(0),
        };
        let range = escaped_range(finding.span);
        let mut builder = ariadne::Report::build(kind, (part(0), range.clone()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(format!("{} {}", finding.rule.id, finding.rule.name))
            .with_message(&finding.message)
            .with_label(
                Label::new((part(0), range))
                    .with_message(finding.rule.summary)
                    .with_color(colour)
                    .with_order(0),
            );
        for (i, (message, _, span)) in finding.related.iter().enumerate().take(MAX_RELATED_LABELS) {
            builder = builder.with_label(
                Label::new((part(i + 1), escaped_range(*span)))
                    .with_message(message)
                    .with_color(Color::Blue)
                    .with_order(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            );
        }
        if let Some(more) = finding
            .related
            .len()
            .checked_sub(MAX_RELATED_LABELS)
            .filter(|n| *n > 0)
        {
            builder = builder.with_note(format!(
                "{more} more related location{} not shown here: the json, sarif and markdown \
                 reports list them all",
                if more == 1 { " is" } else { "s are" }
            ));
        }
        builder = builder.with_help(format!(
            "run `redshield explain {}` for the requirement and a fix",
            finding.rule.id
        ));
        let _ = builder.finish().write(&mut cache, &mut out);
        out.extend_from_slice(change_line(report, finding).as_bytes());
        out.extend_from_slice(evidence(finding).as_bytes());
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
    for resolved in &report.resolved {
        let at = &resolved.location;
        text.push_str(&format!(
            "resolved: {} {} {} ({}:{}:{}): {}\n",
            resolved.rule.id,
            resolved.rule.name,
            resolved.address,
            at.path,
            at.start_line,
            at.start_column,
            resolved.message
        ));
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

/// A stretch of one file quoted in one excerpt: a finding's labels in a file, split where
/// they are more than [`EXCERPT_GAP`] lines apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Part {
    path: String,
    part: usize,
}

/// Related locations drawn in one excerpt. One finding may relate thousands (a subnet group
/// every warehouse of a module uses): more would be unreadable, and ariadne lays out labels
/// in time quadratic in their number.
const MAX_RELATED_LABELS: usize = 12;

/// Lines between two labels of one file beyond which they are quoted as two excerpts.
/// ariadne walks every line from a file's first label to its last: a warehouse at the end of
/// a large file with a related subnet group at its top would cost the whole file per finding.
const EXCERPT_GAP: usize = 200;

/// For each label (by the line of its location), the part of its file it is quoted in.
fn parts<'a>(labels: impl Iterator<Item = &'a crate::ir::Location>) -> Vec<usize> {
    let labels: Vec<&crate::ir::Location> = labels.collect();
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| labels.get(i).map(|l| (&l.path, l.start_line)));
    let mut parts = vec![0; labels.len()];
    let mut part = 0;
    let mut previous: Option<&crate::ir::Location> = None;
    for i in order {
        let Some(label) = labels.get(i) else { continue };
        if let Some(prev) = previous {
            if prev.path != label.path {
                part = 0;
            } else if label.start_line > prev.end_line.saturating_add(EXCERPT_GAP) {
                part += 1;
            }
        }
        if let Some(slot) = parts.get_mut(i) {
            *slot = part;
        }
        previous = Some(label);
    }
    parts
}

/// The quoted files, each read once whatever parts of it excerpts show.
struct Quoted(HashMap<String, ariadne::Source<String>>);

impl ariadne::Cache<Part> for Quoted {
    type Storage = String;

    fn fetch(&mut self, id: &Part) -> Result<&ariadne::Source<String>, impl std::fmt::Debug> {
        self.0
            .get(&id.path)
            .ok_or_else(|| format!("{} was not read", id.path))
    }

    fn display<'a>(&self, id: &'a Part) -> Option<impl std::fmt::Display + 'a> {
        Some(&id.path)
    }
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
        "  help: run `redshield explain {}` for the requirement and a fix\n",
        finding.rule.id
    ));
    out.push_str(&evidence(finding));
    out.push('\n');
    out
}

/// The finding's path, hop by hop, indented under it: `  evidence:` then `    1. what
/// (path:line:col)`. Empty without evidence.
fn evidence(finding: &super::ReportFinding) -> String {
    if finding.evidence.is_empty() {
        return String::new();
    }
    let mut out = String::from("  evidence:\n");
    for (i, hop) in finding.evidence.iter().enumerate() {
        let at = &hop.location;
        out.push_str(&format!(
            "    {}. {} ({}:{}:{})\n",
            i + 1,
            hop.message,
            at.path,
            at.start_line,
            at.start_column
        ));
    }
    out
}

/// `  change: introduced by this plan`, under a finding of a change-aware run.
fn change_line(report: &Report, finding: &super::ReportFinding) -> String {
    match (&report.comparison, finding.change) {
        (Some(comparison), Some(state)) => format!("  change: {}\n", state.describe(comparison)),
        _ => String::new(),
    }
}

fn summary_line(report: &Report) -> String {
    let summary = report.summary();
    let mut line = match &summary.change {
        // The headline first: what the change does.
        Some(change) => {
            let mut chars = change.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            format!("{}{}.\n", first.unwrap_or_default(), chars.as_str())
        }
        None => String::new(),
    };
    line.push_str(&match &summary.findings {
        Some(findings) => format!("Found {findings} {}", summary.scope()),
        None => format!("No findings {}", summary.scope()),
    });
    if !summary.quiet.is_empty() {
        line.push_str(&format!(" ({})", summary.quiet.join(", ")));
    }
    line.push_str(".\n");
    line
}
