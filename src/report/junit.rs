//! `--format junit`: JUnit XML, the test report GitLab, Jenkins and Azure Pipelines show. One
//! test suite, `redshield`; each finding is a failed test case named after its rule and
//! resource, with the file as its class and the location and message in the failure; each
//! input that could not be read or parsed is a test case with an error. A run without either is
//! one passing test case, so the report always counts a test.
//!
//! Strings from inputs are escaped like every human format ([`super::escape`]) and then as XML
//! text and attributes; characters XML 1.0 cannot hold become U+FFFD.

use super::{Report, ReportFinding};
use crate::ir::Diagnostic;

/// Renders the report as a JUnit XML document with a trailing newline.
pub fn render_junit(report: &Report) -> String {
    let report = &super::escape::for_humans(report);
    let failures = report.findings.len();
    let errors = report.errors.len();
    let passing = usize::from(failures == 0 && errors == 0);
    let tests = failures + errors + passing;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    out.push_str(&format!("<testsuites name=\"redshield\" {counts}>\n"));
    out.push_str(&format!(
        "  <testsuite name=\"redshield\" {counts} skipped=\"0\">\n"
    ));
    for finding in &report.findings {
        out.push_str(&finding_case(finding));
    }
    for error in &report.errors {
        out.push_str(&error_case(error));
    }
    if passing == 1 {
        let summary = report.summary();
        out.push_str(&format!(
            "    <testcase name=\"no findings\" classname=\"redshield\">\n      \
             <system-out>{}</system-out>\n    </testcase>\n",
            xml(&format!("no findings {}", summary.scope()))
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn finding_case(finding: &ReportFinding) -> String {
    let at = &finding.location;
    let mut body = format!(
        "{}:{}:{}: {} ({})\n",
        at.path,
        at.start_line,
        at.start_column,
        finding.message,
        finding.severity.as_str()
    );
    for (message, location, _) in &finding.related {
        body.push_str(&format!(
            "related: {message} ({}:{}:{})\n",
            location.path, location.start_line, location.start_column
        ));
    }
    body.push_str(&format!(
        "help: run `redshield explain {}` for the requirement and a fix",
        finding.rule.id
    ));
    format!(
        "    <testcase name=\"{} {}: {}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      \
         <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
        finding.rule.id,
        finding.rule.name,
        xml(&finding.address),
        xml(&at.path),
        xml(&at.path),
        at.start_line,
        finding.severity.as_str(),
        xml(&finding.message),
        xml(&body)
    )
}

fn error_case(error: &Diagnostic) -> String {
    format!(
        "    <testcase name=\"read and parse\" classname=\"{}\" file=\"{}\">\n      \
         <error type=\"input\" message=\"{}\">{}</error>\n    </testcase>\n",
        xml(&error.path),
        xml(&error.path),
        xml(&error.message),
        xml(&error.to_string())
    )
}

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", u32::from(c))),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn markup_and_characters_xml_cannot_hold_are_escaped() {
        assert_eq!(xml("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&apos;");
        assert_eq!(xml("x\u{1}\u{FFFE}y\nz"), "x\u{FFFD}\u{FFFD}y&#10;z");
    }
}
