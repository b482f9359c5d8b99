//! What must never be shown, and how it is hidden: the secrets a unit's sources or plan hold
//! (admin passwords, found by the adapter), gathered for a run into [`Secrets`], which masks
//! them in any text a report shows. Reports and fixes quote source text (excerpts, diffs),
//! and every such quotation goes through [`Secrets::masked`] (or [`Secrets::mask`] for one
//! string): a secret is replaced by [`MASK`] where it is written (its span, whatever escapes
//! the source used) and wherever its value occurs (a plan repeats a password in its
//! variables, planned values, changes and configuration). Line structure is kept: a masked
//! secret keeps its quotes and its line breaks.
//!
//! **Architecture Invariant:** no report format prints a secret's value, whichever rules run
//! (`tests/cli.rs`: `a_password_is_printed_by_no_report_format`).

use crate::ir::{SourceMap, Span};
use foldhash::HashMap;
use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What a secret is shown as.
pub const MASK: &str = "********";

/// Values shorter than this are masked only where they are written: searched for everywhere,
/// they would mask common words (an admin password is 8 characters or more).
const MIN_SEARCHED: usize = 4;

/// A value that must never be shown. `span` is where it is written, when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub value: String,
    pub span: Option<Span>,
}

/// A run's secrets, ready to mask text. Spans are kept by file path: a file read by several
/// jobs (a module two root modules call, a plan's `.tf` source) has a file id per job.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    spans: HashMap<PathBuf, Vec<Range<usize>>>,
    /// The values, and the forms JSON and YAML quoting write them in, found in one pass
    /// over a text however many there are (a run may hold a password per stack, and every
    /// message and excerpt is searched).
    needles: Option<aho_corasick::AhoCorasick>,
}

impl Secrets {
    pub fn new(secrets: impl IntoIterator<Item = Secret>, sources: &SourceMap) -> Secrets {
        let mut out = Secrets::default();
        let mut needles: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for secret in secrets {
            if let Some(span) = secret.span {
                out.spans
                    .entry(sources.path(span.file).to_path_buf())
                    .or_default()
                    .push(span.range());
            }
            if secret.value.len() < MIN_SEARCHED {
                continue;
            }
            let json = serde_json::to_string(&secret.value).unwrap_or_default();
            let json = json
                .strip_prefix('"')
                .and_then(|j| j.strip_suffix('"'))
                .unwrap_or(&secret.value)
                .to_string();
            let yaml = secret.value.replace('\'', "''");
            needles.extend([secret.value, json, yaml]);
        }
        for ranges in out.spans.values_mut() {
            ranges.sort_by_key(|r| (r.start, r.end));
            ranges.dedup();
        }
        if !needles.is_empty() {
            // Built from a few short strings: it cannot fail (a pattern set too large for
            // the automaton would be), and a secret not searched would still be masked where
            // it is written.
            out.needles = aho_corasick::AhoCorasick::new(&needles).ok();
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty() && self.needles.is_none()
    }

    /// A string (a message, a description) with every secret value in it masked.
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.needles.is_none() {
            return Cow::Borrowed(text);
        }
        let found = self.found(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        Masked::new(text, &found).text
    }

    /// `text`, the bytes of the file at `path` from offset `base` on, with the secrets it
    /// holds masked: those written there, and secret values wherever they occur.
    pub fn masked<'t>(&self, path: &Path, text: &'t str, base: usize) -> Masked<'t> {
        if self.is_empty() {
            return Masked::new(text, &[]);
        }
        let mut ranges = self.written(path, base, text.len());
        ranges.extend(self.found(text));
        Masked::new(text, &merge(ranges))
    }

    /// The spans written in the file at `path` inside `base..base + len`, relative to `base`.
    pub fn written(&self, path: &Path, base: usize, len: usize) -> Vec<Range<usize>> {
        let Some(ranges) = self.spans.get(path) else {
            return Vec::new();
        };
        ranges
            .iter()
            .filter(|r| r.start >= base && r.end <= base + len)
            .map(|r| r.start - base..r.end - base)
            .collect()
    }

    /// Where secret values occur in `text`, merged.
    pub fn found(&self, text: &str) -> Vec<Range<usize>> {
        let Some(needles) = &self.needles else {
            return Vec::new();
        };
        // Overlapping matches too: one value may hold another.
        merge(
            needles
                .find_overlapping_iter(text)
                .map(|m| m.start()..m.end())
                .collect(),
        )
    }
}

/// Sorted ranges with the overlapping and touching ones joined.
pub fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// A text with ranges masked, and where offsets of the text are in the result (for excerpts
/// that underline a span).
pub struct Masked<'a> {
    pub text: Cow<'a, str>,
    /// Per masked range: its start and end in the text, and its start and end in `text`.
    marks: Vec<(usize, usize, usize, usize)>,
}

impl<'a> Masked<'a> {
    /// `text` with each of `ranges` (sorted, not overlapping) replaced by [`MASK`]: inside its
    /// quotes when the range is a quoted scalar, followed by the line breaks it held.
    pub fn new(text: &'a str, ranges: &[Range<usize>]) -> Masked<'a> {
        if ranges.is_empty() {
            return Masked {
                text: Cow::Borrowed(text),
                marks: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut marks = Vec::with_capacity(ranges.len());
        let mut at = 0;
        for r in ranges {
            // A range that does not fall on character boundaries is widened to them.
            let start = floor_boundary(text, r.start.max(at));
            let end = ceil_boundary(text, r.end.max(start));
            out.push_str(text.get(at..start).unwrap_or(""));
            let masked_start = out.len();
            let secret = text.get(start..end).unwrap_or("");
            let quote = secret
                .chars()
                .next()
                .filter(|q| matches!(q, '"' | '\'') && secret.len() >= 2 && secret.ends_with(*q));
            match quote {
                Some(q) => {
                    out.push(q);
                    out.push_str(MASK);
                    out.push(q);
                }
                None => out.push_str(MASK),
            }
            out.extend(secret.matches('\n'));
            marks.push((start, end, masked_start, out.len()));
            at = end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Masked {
            text: Cow::Owned(out),
            marks,
        }
    }

    /// Where the offset `offset` of the original text is in the masked one; an offset inside
    /// a masked range maps to the mask's start.
    pub fn map(&self, offset: usize) -> usize {
        let i = self.marks.partition_point(|m| m.0 <= offset);
        match i.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some(&(_, end, masked_start, _)) if offset < end => masked_start,
            Some(&(_, end, _, masked_end)) => masked_end + (offset - end),
            None => offset,
        }
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(values: &[&str]) -> Secrets {
        Secrets::new(
            values.iter().map(|v| Secret {
                value: (*v).to_string(),
                span: None,
            }),
            &SourceMap::new(),
        )
    }

    #[test]
    fn a_masked_range_keeps_its_quotes_and_line_breaks_and_offsets_map_around_it() {
        let text = "a = \"Pass-w0rd\"\nb = 1\nc = <<EOT\nx\ny\nEOT\n";
        let masked = Masked::new(text, &[4..15, 26..35]);
        assert_eq!(
            masked.text,
            "a = \"********\"\nb = 1\nc = ********\n\n\nEOT\n"
        );
        assert_eq!(masked.map(0), 0);
        assert_eq!(masked.map(4), 4);
        assert_eq!(masked.map(8), 4);
        assert_eq!(masked.map(15), 14);
        assert_eq!(masked.map(16), 15);
        assert_eq!(masked.map(text.len()), masked.text.len());
    }

    #[test]
    fn values_are_found_in_their_quoted_forms_but_not_when_short() {
        let s = secrets(&["it's\"x", "abc"]);
        assert_eq!(
            s.mask("say it's\"x and it''s\"x, \"it's\\\"x\""),
            "say ******** and ********, \"********\""
        );
        assert_eq!(s.mask("abc stays"), "abc stays");
        assert!(matches!(s.mask("nothing"), Cow::Borrowed(_)));
    }

    #[test]
    fn overlapping_ranges_merge_and_ranges_widen_to_character_boundaries() {
        assert_eq!(merge(vec![5..9, 1..3, 2..6, 12..13]), vec![1..9, 12..13]);
        let widened = std::slice::from_ref(&(2..3));
        let masked = Masked::new("pé!", widened);
        assert_eq!(masked.text, "p********!");
    }
}
