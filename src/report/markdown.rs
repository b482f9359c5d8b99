//! `--format markdown`: a report ready to post as a pull-request comment or to append to a
//! GitHub step summary: a heading with counts by severity, one table row per finding, then a
//! collapsible section per finding with its related locations, a Mermaid diagram of the
//! network around each warehouse with findings ([`super::graph::diagrams`]), and the input
//! errors.
//!
//! Strings from inputs are escaped like every human format first ([`super::escape`]), then
//! for Markdown by where they go: prose has HTML (`<`, `>`, `&`) and the Markdown that builds
//! links, images and code spans (`[`, `]`, `` ` ``, `\`) escaped; names and paths are code
//! spans delimited by more backticks than they hold; table cells escape `|`; a diff is fenced
//! with more backticks than any run in it.

use super::graph::Diagram;
use super::{Report, ReportFinding};
use crate::change::ChangeState;

/// Renders the report as GitHub-flavoured Markdown with a trailing newline.
pub fn render_markdown(report: &Report) -> String {
    render(report, true, &(Vec::new(), 0))
}

/// [`render_markdown`] with the diagrams of the warehouses with findings, and how many were
/// left out, after the findings.
pub fn render_markdown_with(report: &Report, diagrams: &(Vec<Diagram>, usize)) -> String {
    render(report, true, diagrams)
}

/// The compact form for a GitHub step summary: heading, table and input errors, without the
/// per-finding sections.
pub fn render_markdown_summary(report: &Report) -> String {
    render(report, false, &(Vec::new(), 0))
}

/// [`render_markdown_summary`] with the diagrams, after the findings.
pub fn render_markdown_summary_with(report: &Report, diagrams: &(Vec<Diagram>, usize)) -> String {
    render(report, false, diagrams)
}

fn render(report: &Report, with_details: bool, diagrams: &(Vec<Diagram>, usize)) -> String {
    let report = &super::escape::for_humans(report);
    let summary = report.summary();
    let mut out = String::new();
    // The headline names the revision as the user gave it: prose, escaped.
    let heading = match &summary.change {
        Some(change) => inline(change),
        None => summary.findings.clone().unwrap_or("no findings".into()),
    };
    out.push_str(&format!("## redshield: {heading}"));
    out.push_str("\n\n");
    if report.comparison.is_some() {
        out.push_str(&change_sections(report, &summary, with_details));
    } else if report.findings.is_empty() {
        out.push_str(&format!("No findings in {}.\n", summary.analyzed));
    } else {
        out.push_str(&format!("Analyzed {}.\n\n", summary.analyzed));
        out.push_str(&table(report));
        if !with_details {
            out.push_str(&paths(report));
        }
        if with_details {
            out.push('\n');
            for finding in &report.findings {
                out.push_str(&details(finding));
            }
        }
        let pictures = pictures(diagrams);
        if !pictures.is_empty() {
            out.truncate(out.trim_end().len());
            out.push_str("\n\n");
            out.push_str(&pictures);
        }
    }
    if let Some(inputs) = &summary.unreadable {
        out.truncate(out.trim_end().len());
        out.push_str(&format!(
            "\n\n### Input errors\n\n{inputs} could not be read or parsed; everything else was \
             analyzed.\n\n"
        ));
        for error in &report.errors {
            let place = match (error.line, error.column) {
                (Some(line), Some(column)) => format!("{}:{line}:{column}", error.path),
                (Some(line), None) => format!("{}:{line}", error.path),
                _ => error.path.clone(),
            };
            out.push_str(&format!("- {}: {}\n", code(&place), inline(&error.message)));
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A change-aware run's body: what the change introduces first, then what it resolves, then
/// what it leaves as it was (and findings of inputs not compared).
fn change_sections(report: &Report, summary: &super::Summary, with_details: bool) -> String {
    let mut out = match &summary.findings {
        Some(findings) => format!("Found {findings} in {}.\n", summary.analyzed),
        None => format!("No findings in {}.\n", summary.analyzed),
    };
    let of = |state: Option<ChangeState>| -> Vec<&ReportFinding> {
        report
            .findings
            .iter()
            .filter(|f| f.change == state)
            .collect()
    };
    let sections = [
        ("Introduced", of(Some(ChangeState::Introduced)), "Location"),
        (
            "Resolved",
            report.resolved.iter().collect(),
            "Location before",
        ),
        ("Unchanged", of(Some(ChangeState::Unchanged)), "Location"),
        ("Not compared", of(None), "Location"),
    ];
    for (title, findings, location) in &sections {
        if findings.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title} ({})\n\n", findings.len()));
        out.push_str(&rows(findings, location));
    }
    if !with_details {
        out.push_str(&paths(report));
    } else {
        out.push('\n');
        // In the order of the sections: what the change introduces first.
        for (title, findings, _) in &sections {
            if *title != "Resolved" {
                for finding in findings {
                    out.push_str(&details(finding));
                }
            }
        }
    }
    out
}

/// The findings table (also what the GitHub step summary shows).
fn table(report: &Report) -> String {
    rows(&report.findings.iter().collect::<Vec<_>>(), "Location")
}

/// A table of findings, its location column named `location`.
fn rows(findings: &[&ReportFinding], location: &str) -> String {
    let mut out =
        format!("| Severity | Rule | {location} | Resource | Message |\n|---|---|---|---|---|\n");
    for finding in findings {
        let location = format!("{}:{}", finding.location.path, finding.location.start_line);
        out.push_str(&format!(
            "| {} | {} {} | {} | {} | {} |\n",
            finding.severity.as_str(),
            finding.rule.id,
            cell(&code(finding.rule.name)),
            cell(&code(&location)),
            cell(&code(&finding.address)),
            cell(&inline(&finding.message)),
        ));
    }
    out
}

/// A collapsible section: the message, related locations and (when findings carry one) the fix.
fn details(finding: &ReportFinding) -> String {
    let loc = &finding.location;
    let mut out = format!(
        "<details>\n<summary>{} {} at {}:{}:{}</summary>\n\n{}\n",
        finding.rule.id,
        finding.rule.name,
        html(&loc.path).replace('[', "&#91;").replace(']', "&#93;"),
        loc.start_line,
        loc.start_column,
        inline(&finding.message)
    );
    if !finding.related.is_empty() {
        out.push_str("\nRelated locations:\n\n");
        for (message, related, _) in &finding.related {
            let place = format!(
                "{}:{}:{}",
                related.path, related.start_line, related.start_column
            );
            out.push_str(&format!("- {}: {}\n", inline(message), code(&place)));
        }
    }
    if !finding.evidence.is_empty() {
        out.push_str("\nEvidence, hop by hop:\n\n");
        out.push_str(&hops(finding));
    }
    if let Some(diff) = fix_diff(finding) {
        let fence = "`".repeat(longest_backtick_run(&diff).max(2) + 1);
        out.push_str(&format!(
            "\nProposed fix:\n\n{fence}diff\n{}\n{fence}\n",
            diff.trim_end()
        ));
    }
    out.push_str(&format!(
        "\nRun `redshield explain {}` for the requirement and a fix.\n\n</details>\n\n",
        finding.rule.id
    ));
    out
}

/// The finding's hops as a numbered list: what each contributes, and where.
fn hops(finding: &ReportFinding) -> String {
    let mut out = String::new();
    for (i, hop) in finding.evidence.iter().enumerate() {
        let at = &hop.location;
        let place = format!("{}:{}:{}", at.path, at.start_line, at.start_column);
        out.push_str(&format!(
            "{}. {}: {}\n",
            i + 1,
            inline(&hop.message),
            code(&place)
        ));
    }
    out
}

/// For the step summary, which has no per-finding sections: the evidence of each finding that
/// has some, as a list under the table.
fn paths(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| !f.evidence.is_empty()) {
        if out.is_empty() {
            out.push_str("\n### Evidence\n");
        }
        out.push_str(&format!(
            "\n{} {} on {}:\n\n{}",
            finding.rule.id,
            code(finding.rule.name),
            code(&finding.address),
            hops(finding)
        ));
    }
    out
}

/// The network around each warehouse with findings, one Mermaid block each (GitHub draws
/// them), and how many were left out. The diagrams are escaped for Mermaid already.
fn pictures((diagrams, left_out): &(Vec<Diagram>, usize)) -> String {
    if diagrams.is_empty() && *left_out == 0 {
        return String::new();
    }
    let mut out = String::from("### Network around the warehouses with findings\n");
    for diagram in diagrams {
        out.push_str(&format!(
            "\n#### {}\n\n```mermaid\n{}```\n",
            code(&super::escape::line(&diagram.warehouse)),
            diagram.mermaid
        ));
    }
    if *left_out > 0 {
        out.push_str(&format!(
            "\n{} with findings not drawn here: `redshield graph` draws them all.\n",
            super::plural(*left_out, "more warehouse")
        ));
    }
    out
}

/// The unified diff of the finding's fix, shown in its `<details>`.
fn fix_diff(finding: &ReportFinding) -> Option<String> {
    finding.fix_outcome.as_ref()?.diff.as_ref().ok().cloned()
}

/// Escapes text for a table cell: `|` would end the cell, a newline the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

/// Escapes prose so that it shows as written, on one line: HTML-like text (`<stdin>`) and
/// the Markdown of links, images and code spans (`[x](url)`, `![x](url)`, backticks).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    html(&out)
}

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A code span, with a fence longer than any run of backticks inside it.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = longest_backtick_run(&text);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
        assert_eq!(cell(&code("x|y")), "`x\\|y`");
    }

    #[test]
    fn code_spans_survive_backticks_and_prose_survives_angle_brackets() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(
            inline("<stdin> & more\nlines"),
            "&lt;stdin&gt; &amp; more lines"
        );
    }

    #[test]
    fn an_empty_report_says_no_findings() {
        let out = render_markdown(&Report::default());
        assert_eq!(
            out,
            "## redshield: no findings\n\nNo findings in 0 files, 0 resources.\n"
        );
    }
}
