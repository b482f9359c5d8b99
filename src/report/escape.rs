//! Text from inputs, made safe for the human report formats (text, GitHub workflow commands,
//! Markdown): the one place where control characters, invisible format characters and
//! workflow-command markers in names, values, paths and messages are escaped.
//!
//! Every string of a [`Report`] that comes from an input (addresses, kinds, messages built from
//! names, related messages, paths, input errors and warnings, baseline entries, fix
//! descriptions and diffs) goes through [`for_humans`], which destructures every report type
//! without `..`: a new field does not compile until it is escaped here or said to be ours.
//! The renderers of human formats render only the escaped copy; JSON and SARIF render the
//! original (their serializers escape, and the strings round-trip exactly).
//!
//! What is escaped, written as Rust writes it: line feed `\n`, carriage return `\r`, tab `\t`,
//! other control characters `\x1b` (C0, DEL) or `\u{85}` (C1), and invisible or
//! direction-changing characters (bidi overrides and isolates, zero-width characters, line and
//! paragraph separators, byte-order marks, tag characters) `\u{202e}`. A backslash is left as
//! it is: the escaping is for a reader, not for a parser. `##[`, which the GitHub Actions
//! runner reads as a (legacy) workflow command anywhere in a line, becomes `##\[`.
//!
//! A line from an escaped string therefore never starts a workflow command: lines the human
//! formats print start with text of ours, and an input never ends a line.

use super::{BaselineEntry, Report, ReportFinding, ReportHop};
use crate::change::Comparison;
use crate::fix::FixOutcome;
use crate::ir::{Diagnostic, Location};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Does `c` need escaping in a human report?
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'              // soft hyphen
            | '\u{061C}'            // Arabic letter mark
            | '\u{180E}'            // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width characters, LRM, RLM
            | '\u{2028}'..='\u{202E}' // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'            // byte-order mark
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// Writes the escaped form of `c`.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// How line breaks are treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Breaks {
    /// Escaped: the text is one line.
    Escape,
    /// `\n` and `\r\n` kept (a diff, a source text); a lone `\r` is escaped.
    Keep,
}

/// Escapes `text`, calling `mark(original_offset, escaped_offset)` after each character that
/// changed, so that offsets into the original can be mapped into the result.
fn escape_with(text: &str, breaks: Breaks, mut mark: impl FnMut(usize, usize)) -> Cow<'_, str> {
    let bracket_after_hashes = |i: usize| text.get(..i).is_some_and(|t| t.ends_with("##"));
    let changes = |i: usize, c: char| match c {
        '\n' if breaks == Breaks::Keep => false,
        '\r' if breaks == Breaks::Keep => text.get(i + 1..).is_some_and(|r| !r.starts_with('\n')),
        '[' => bracket_after_hashes(i),
        c => needs_escape(c),
    };
    if !text.char_indices().any(|(i, c)| changes(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if !changes(i, c) {
            out.push(c);
            continue;
        }
        if c == '[' {
            out.push_str("\\[");
        } else {
            push_escaped(&mut out, c);
        }
        mark(i + c.len_utf8(), out.len());
    }
    Cow::Owned(out)
}

/// One line of text from an input, escaped: line breaks included.
pub fn line(text: &str) -> Cow<'_, str> {
    escape_with(text, Breaks::Escape, |_, _| {})
}

/// Lines of text from an input (a diff), escaped: `\n` and `\r\n` stay line breaks.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape_with(text, Breaks::Keep, |_, _| {})
}

/// A source text escaped like [`lines`], with a map from offsets in the original to offsets in
/// the escaped text (for excerpts that underline a span).
pub struct EscapedSource<'a> {
    pub text: Cow<'a, str>,
    /// (offset in the original, offset in `text`) after each escaped character, ascending.
    marks: Vec<(usize, usize)>,
}

impl EscapedSource<'_> {
    pub fn new(text: &str) -> EscapedSource<'_> {
        let mut marks = Vec::new();
        let escaped = escape_with(text, Breaks::Keep, |from, to| marks.push((from, to)));
        EscapedSource {
            text: escaped,
            marks,
        }
    }

    /// Where the original byte offset `offset` is in the escaped text. An offset inside an
    /// escaped character maps to its escape's end.
    pub fn map(&self, offset: usize) -> usize {
        let i = self.marks.partition_point(|&(from, _)| from <= offset);
        match i.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some(&(from, to)) => to + (offset - from),
            None => offset,
        }
    }
}

/// A copy of the report with every string that comes from an input escaped: what the human
/// formats render. Destructured field by field, so that a new field must be handled here.
pub fn for_humans(report: &Report) -> Report {
    let Report {
        findings,
        suppressed,
        errors,
        warnings,
        files,
        resources,
        baselined,
        baseline_gone,
        baseline_used,
        secrets,
        comparison,
        resolved,
    } = report;
    Report {
        findings: findings.iter().map(finding).collect(),
        suppressed: suppressed.iter().map(finding).collect(),
        errors: errors.iter().map(diagnostic).collect(),
        warnings: warnings.iter().map(diagnostic).collect(),
        files: *files,
        resources: *resources,
        baselined: *baselined,
        baseline_gone: baseline_gone.iter().map(baseline_entry).collect(),
        baseline_used: *baseline_used,
        // Ours: what renderers mask in the source text they quote.
        secrets: secrets.clone(),
        // A revision is what the user typed.
        comparison: comparison.as_ref().map(|c| match c {
            Comparison::PriorState => Comparison::PriorState,
            Comparison::Revision(revision) => Comparison::Revision(owned(revision)),
        }),
        resolved: resolved.iter().map(finding).collect(),
    }
}

fn owned(text: &str) -> String {
    line(text).into_owned()
}

fn finding(f: &ReportFinding) -> ReportFinding {
    let ReportFinding {
        rule,
        severity,
        message,
        address,
        kind,
        location,
        span,
        related,
        fails,
        suppressed,
        fix,
        fix_outcome,
        evidence,
        change,
    } = f;
    ReportFinding {
        // Ours: the rule catalog.
        rule,
        severity: *severity,
        message: owned(message),
        address: owned(address),
        kind: owned(kind),
        location: self::location(location),
        span: *span,
        related: related
            .iter()
            .map(|(message, at, span)| (owned(message), self::location(at), *span))
            .collect(),
        fails: *fails,
        suppressed: suppressed
            .as_ref()
            .map(|reason| reason.as_deref().map(owned)),
        // In model terms; no human format renders it (they render `fix_outcome`).
        fix: fix.clone(),
        fix_outcome: fix_outcome.as_ref().map(outcome),
        evidence: evidence.iter().map(hop).collect(),
        change: *change,
    }
}

fn hop(h: &ReportHop) -> ReportHop {
    let ReportHop {
        address,
        kind,
        location,
        span,
        message,
    } = h;
    ReportHop {
        address: owned(address),
        kind: owned(kind),
        location: self::location(location),
        span: *span,
        message: owned(message),
    }
}

fn location(l: &Location) -> Location {
    let Location {
        path,
        start_line,
        start_column,
        end_line,
        end_column,
    } = l;
    Location {
        path: owned(path),
        start_line: *start_line,
        start_column: *start_column,
        end_line: *end_line,
        end_column: *end_column,
    }
}

fn diagnostic(d: &Diagnostic) -> Diagnostic {
    let Diagnostic {
        path,
        line,
        column,
        message,
    } = d;
    Diagnostic {
        path: owned(path),
        line: *line,
        column: *column,
        message: owned(message),
    }
}

fn baseline_entry(e: &BaselineEntry) -> BaselineEntry {
    let BaselineEntry {
        fingerprint,
        rule_id,
        path,
        resource,
        message,
    } = e;
    BaselineEntry {
        fingerprint: owned(fingerprint),
        rule_id: owned(rule_id),
        path: owned(path),
        resource: owned(resource),
        message: owned(message),
    }
}

fn outcome(o: &FixOutcome) -> FixOutcome {
    let FixOutcome {
        description,
        diff,
        replacements,
    } = o;
    FixOutcome {
        description: owned(description),
        diff: match diff {
            Ok(diff) => Ok(lines(diff).into_owned()),
            Err(reason) => Err(owned(reason)),
        },
        replacements: replacements
            .iter()
            .map(|(at, text)| (location(at), lines(text).into_owned()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_invisible_characters_are_written_as_escapes() {
        assert_eq!(line("plain text"), Cow::Borrowed("plain text"));
        assert_eq!(
            line("a\nb\r\n::error::x\x1b[31m\t\u{202e}z\u{85}\u{7f}\u{200b}\u{e0041}"),
            "a\\nb\\r\\n::error::x\\x1b[31m\\t\\u{202e}z\\u{85}\\x7f\\u{200b}\\u{e0041}"
        );
        assert_eq!(line("##[error]x and #[y]"), "##\\[error]x and #[y]");
        assert_eq!(lines("a\r\nb\rc\nd\x1b"), "a\r\nb\\rc\nd\\x1b");
        assert_eq!(line("back\\slash ünïcode"), "back\\slash ünïcode");
    }

    #[test]
    fn offsets_map_into_the_escaped_source() {
        let source = EscapedSource::new("ab\x1bcd\u{202e}e\nf");
        assert_eq!(source.text, "ab\\x1bcd\\u{202e}e\nf");
        assert_eq!(source.map(0), 0);
        assert_eq!(source.map(2), 2); // the escape starts where the character did
        assert_eq!(source.map(3), 6); // after it
        assert_eq!(source.map(5), 8);
        assert_eq!(source.map(8), 16); // after U+202E (three bytes)
        assert_eq!(source.map(11), 19);
        let plain = EscapedSource::new("abc");
        assert!(matches!(plain.text, Cow::Borrowed(_)));
        assert_eq!(plain.map(2), 2);
    }
}
