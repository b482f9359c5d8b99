//! Large HCL files are parsed in pieces.
//!
//! hcl-edit keeps a syntax tree of about 15–30 times the size of the text it parsed (a small
//! map is an index map of decorated keys and values): a 13 MB file of `locals` took 345 MB to
//! parse whole, more than everything else redshield holds. A body is a sequence of items
//! (attributes and blocks), each ending at a newline outside brackets, strings and heredocs,
//! so a large file can be cut between items and each piece parsed, read and dropped before the
//! next. A `locals` block larger than a piece is cut between its attributes the same way.
//!
//! The cut is found by a scanner that knows only what can hide a newline or a bracket: comments,
//! quoted strings with their `${…}`/`%{…}` interpolations, and heredocs. It need not be a
//! parser: when a piece does not parse on its own, the caller parses the whole file again and
//! the parser has the last word (its error, or the file read whole). Files no larger than one
//! piece are parsed whole, as they always were.

use std::ops::Range;

use crate::ir::{FileId, Span};

/// How large a piece is, at least (a piece ends at the first cut after this many bytes).
pub(crate) const PIECE_BYTES: usize = 64 * 1024;

/// A range of a file's text that parses as a body on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Top-level items.
    Items(Range<usize>),
    /// Attributes inside a `locals` block: the block's header and closing brace are not part
    /// of it (their shape was checked here).
    Locals(Range<usize>),
}

/// Where a parsed body or expression sits in its file: the parser's positions are relative to
/// the text it was given, which starts at `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: FileId,
    pub base: usize,
}

impl Origin {
    /// A whole file's text.
    pub(crate) fn whole(file: FileId) -> Origin {
        Origin { file, base: 0 }
    }

    /// The span in the file of a range the parser gave.
    pub(crate) fn span(self, range: Range<usize>) -> Span {
        Span::new(self.file, self.base + range.start..self.base + range.end)
    }
}

/// The pieces `text` is parsed in, or None when it is parsed whole: it is no larger than
/// `piece_bytes`, or the scanner did not find where its items end (unbalanced brackets, an
/// unterminated string or heredoc; the parser will say what is wrong).
pub(crate) fn pieces(text: &str, piece_bytes: usize) -> Option<Vec<Piece>> {
    if text.len() <= piece_bytes {
        return None;
    }
    let mut out = Vec::new();
    let mut group = Group::new(0, piece_bytes);
    for item in items(text, 0)? {
        if item.range.len() > piece_bytes {
            if let Some(inside) = locals_inside(text, &item) {
                group.flush_before(item.range.start, &mut out, Piece::Items);
                let mut attributes = Group::new(inside.start, piece_bytes);
                let slice = text.get(inside.clone())?;
                for attribute in items(slice, inside.start)? {
                    attributes.add(attribute.range.end, &mut out, Piece::Locals);
                }
                attributes.flush_before(inside.end, &mut out, Piece::Locals);
                // The header and the closing brace are checked; the next piece starts after
                // the block.
                group = Group::new(item.range.end, piece_bytes);
                continue;
            }
        }
        group.add(item.range.end, &mut out, Piece::Items);
    }
    group.flush_before(text.len(), &mut out, Piece::Items);
    Some(out)
}

/// The top-level `module` blocks of `text`, each a range that parses as a body alone; None when
/// the scanner cannot tell where items end (then the whole text must be parsed). Discovery
/// reads module calls with it, sparing a second parse of everything else in the file.
pub(crate) fn module_blocks(text: &str) -> Option<Vec<Range<usize>>> {
    Some(
        items(text, 0)?
            .into_iter()
            .filter(|item| {
                text.get(item.range.clone()).is_some_and(|t| {
                    t.trim_start()
                        .strip_prefix("module")
                        .is_some_and(|rest| rest.starts_with([' ', '\t', '"']))
                })
            })
            .map(|item| item.range)
            .collect(),
    )
}

/// Consecutive items gathered into one piece until it is large enough.
struct Group {
    start: usize,
    piece_bytes: usize,
}

impl Group {
    fn new(start: usize, piece_bytes: usize) -> Group {
        Group { start, piece_bytes }
    }

    /// Adds the items up to `end`; the piece is cut there once it is large enough.
    fn add(&mut self, end: usize, out: &mut Vec<Piece>, kind: fn(Range<usize>) -> Piece) {
        if end - self.start >= self.piece_bytes {
            out.push(kind(self.start..end));
            self.start = end;
        }
    }

    /// Ends the piece at `end` (where something else begins), if it holds anything.
    fn flush_before(&mut self, end: usize, out: &mut Vec<Piece>, kind: fn(Range<usize>) -> Piece) {
        if end > self.start {
            out.push(kind(self.start..end));
        }
        self.start = end;
    }
}

/// One item of a body, with the newline that ends it; comment and blank lines are items too.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    range: Range<usize>,
    /// The bracket that closed the item's outermost brackets last (a block's closing brace).
    last_close: Option<usize>,
}

/// What the scanner is inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Bracket,
    /// `${…}` or `%{…}` in a string or heredoc: expressions until its closing brace.
    Interpolation,
    QuotedString,
    /// The marker's range in the text.
    Heredoc {
        marker: (usize, usize),
    },
}

/// The items of the body `text` (offsets shifted by `base`), or None when the text does not
/// end outside every bracket, string and heredoc.
fn items(text: &str, base: usize) -> Option<Vec<Item>> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut start = 0;
    let mut last_close = None;
    let mut i = 0;
    while let Some(byte) = at(i) {
        match stack.last().copied() {
            None | Some(Frame::Bracket) | Some(Frame::Interpolation) => match byte {
                b'#' => i = line_end(bytes, i),
                b'/' if at(i + 1) == Some(b'/') => i = line_end(bytes, i),
                b'/' if at(i + 1) == Some(b'*') => {
                    let rest = bytes.get(i + 2..)?;
                    i += 2 + memchr::memmem::find(rest, b"*/")? + 2;
                }
                b'"' => {
                    stack.push(Frame::QuotedString);
                    i += 1;
                }
                b'<' if at(i + 1) == Some(b'<') => match heredoc_marker(bytes, i + 2) {
                    Some((marker, body_start)) => {
                        stack.push(Frame::Heredoc { marker });
                        i = body_start;
                    }
                    None => i += 2,
                },
                b'{' | b'[' | b'(' => {
                    stack.push(Frame::Bracket);
                    i += 1;
                }
                b'}' | b']' | b')' => {
                    stack.pop()?;
                    if stack.is_empty() {
                        last_close = Some(base + i);
                    }
                    i += 1;
                }
                b'\n' if stack.is_empty() => {
                    out.push(Item {
                        range: base + start..base + i + 1,
                        last_close: last_close.take(),
                    });
                    i += 1;
                    start = i;
                }
                _ => i += 1,
            },
            Some(Frame::QuotedString) => match byte {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                // A quoted string cannot span lines: let the parser say so.
                b'\n' => return None,
                b'$' | b'%' => i += interpolation(bytes, i, &mut stack),
                _ => i += 1,
            },
            Some(Frame::Heredoc { marker }) => {
                let line_start = i == 0 || at(i - 1) == Some(b'\n');
                if line_start {
                    if let Some(end) = closing_marker(bytes, i, marker) {
                        stack.pop();
                        i = end;
                        continue;
                    }
                }
                match byte {
                    b'$' | b'%' => i += interpolation(bytes, i, &mut stack),
                    _ => i += 1,
                }
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    if start < bytes.len() {
        out.push(Item {
            range: base + start..base + bytes.len(),
            last_close,
        });
    }
    Some(out)
}

/// How far a `$` or `%` at `i` in a template takes the scanner: past `$${`/`%%{` (a literal),
/// into an interpolation at `${`/`%{`, or one byte.
fn interpolation(bytes: &[u8], i: usize, stack: &mut Vec<Frame>) -> usize {
    let sigil = bytes.get(i).copied();
    match (bytes.get(i + 1).copied(), bytes.get(i + 2).copied()) {
        (Some(b'{'), _) => {
            stack.push(Frame::Interpolation);
            2
        }
        (next, Some(b'{')) if next == sigil => 3,
        _ => 1,
    }
}

/// The offset of the newline ending the line at `i` (or the end of the text).
fn line_end(bytes: &[u8], i: usize) -> usize {
    let rest = bytes.get(i..).unwrap_or_default();
    memchr::memchr(b'\n', rest).map_or(bytes.len(), |n| i + n)
}

/// The marker of a heredoc whose `<<` ends at `i` (`<<EOF` or `<<-EOF`, then a newline) and
/// where its first line starts.
fn heredoc_marker(bytes: &[u8], mut i: usize) -> Option<((usize, usize), usize)> {
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    if !bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return None;
    }
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    {
        i += 1;
    }
    let end = i;
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    (bytes.get(i) == Some(&b'\n')).then_some(((start, end), i + 1))
}

/// Where the line at `i` ends if it closes the heredoc with `marker`: blanks, the marker,
/// blanks, then the end of the line (the newline is left to end the item).
fn closing_marker(bytes: &[u8], mut i: usize, marker: (usize, usize)) -> Option<usize> {
    while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    let name = bytes.get(marker.0..marker.1)?;
    if !bytes.get(i..)?.starts_with(name) {
        return None;
    }
    i += name.len();
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r'))
    {
        i += 1;
    }
    matches!(bytes.get(i), None | Some(b'\n')).then_some(i)
}

/// The inside of a `locals` block written across lines (`locals {` ending its line, the
/// closing brace alone on its own), from the line after the header to the line of the brace.
fn locals_inside(text: &str, item: &Item) -> Option<Range<usize>> {
    let block = text.get(item.range.clone())?;
    let header_len = block.find('\n')? + 1;
    let header = block.get(..header_len)?;
    let rest = header
        .trim_start_matches([' ', '\t'])
        .strip_prefix("locals")?;
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('{')?;
    if !is_blank_or_line_comment(rest) {
        return None;
    }
    let close = item.last_close?;
    let close_line = text.get(..close)?.rfind('\n')? + 1;
    let before = text.get(close_line..close)?;
    let after = text.get(close + 1..item.range.end)?;
    let start = item.range.start + header_len;
    (before.trim_matches([' ', '\t']).is_empty()
        && is_blank_or_line_comment(after)
        && close_line >= start)
        .then_some(start..close_line)
}

/// Is `rest` (the end of a line) only blanks, perhaps with a `#` or `//` comment?
fn is_blank_or_line_comment(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t', '\r']);
    rest.is_empty()
        || rest == "\n"
        || ((rest.starts_with('#') || rest.starts_with("//"))
            && rest.find('\n').is_none_or(|n| n + 1 == rest.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_texts(text: &str) -> Vec<&str> {
        items(text, 0)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| text.get(item.range))
            .collect()
    }

    /// Only top-level `module` blocks are found: not a heredoc or comment that writes one, not
    /// an attribute whose name starts with `module`, not a block nested in another.
    #[test]
    fn module_blocks_are_the_top_level_module_calls() {
        let text = "# module \"commented\" {}\n\
                    resource \"x\" \"y\" {\n  doc = <<EOT\nmodule \"in_heredoc\" {\n}\nEOT\n  \
                    module \"nested\" {}\n}\n\
                    module_name = \"z\"\n\
                    module \"net\" {\n  source = \"./net\"\n}\n\
                    module\"tight\" { source = \"../t\" }\n";
        let blocks: Vec<&str> = module_blocks(text)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| text.get(r))
            .collect();
        assert_eq!(
            blocks,
            vec![
                "module \"net\" {\n  source = \"./net\"\n}\n",
                "module\"tight\" { source = \"../t\" }\n"
            ]
        );
        assert_eq!(module_blocks("module \"open\" {\n"), None);
    }

    #[test]
    fn items_end_at_newlines_outside_brackets_strings_and_heredocs() {
        // Not valid HCL: the string spans a line.
        let text = "a = { b = \"}\n\" }\n";
        assert_eq!(items(text, 0), None);
        let text = concat!(
            "a = { b = \"${ {c = \"}\"}.c }\" }\n",
            "# comment with { and \"\n",
            "// another }\n",
            "/* block\n } */ b = [\n 1,\n]\n",
            "c = <<EOF\n{ \"\n  EOF\n",
            "d = <<-EOT\n  ${ \"}\" } $${ %%{\n  EOT\n",
            "resource \"x\" \"y\" {\n  e = (1\n  + 2)\n}\n",
            "f = \"\\\"{\"\n",
            "g = 1",
        );
        assert_eq!(
            item_texts(text),
            [
                "a = { b = \"${ {c = \"}\"}.c }\" }\n",
                "# comment with { and \"\n",
                "// another }\n",
                "/* block\n } */ b = [\n 1,\n]\n",
                "c = <<EOF\n{ \"\n  EOF\n",
                "d = <<-EOT\n  ${ \"}\" } $${ %%{\n  EOT\n",
                "resource \"x\" \"y\" {\n  e = (1\n  + 2)\n}\n",
                "f = \"\\\"{\"\n",
                "g = 1",
            ]
        );
    }

    #[test]
    fn unbalanced_text_is_not_split() {
        for text in [
            "a = {\n",
            "a = }\n",
            "a = \"x\n",
            "a = <<EOF\nx\n",
            "/* x\n",
            "a = \"${\"\n",
        ] {
            assert_eq!(items(text, 0), None, "{text:?}");
        }
    }

    #[test]
    fn small_files_are_parsed_whole() {
        assert_eq!(pieces("a = 1\nb = 2\n", 64), None);
    }

    #[test]
    fn pieces_hold_whole_items_and_cover_the_file() {
        let text: String = (0..100)
            .map(|i| format!("a{i} = {{ x = \"{i}\" }}\n"))
            .collect();
        let pieces = pieces(&text, 200).unwrap_or_default();
        assert!(pieces.len() > 5, "{pieces:?}");
        let mut next = 0;
        for piece in &pieces {
            let Piece::Items(range) = piece else {
                panic!("{piece:?}")
            };
            assert_eq!(range.start, next);
            assert!(text[range.clone()].ends_with("}\n"));
            assert!(hcl_edit::parser::parse_body(&text[range.clone()]).is_ok());
            next = range.end;
        }
        assert_eq!(next, text.len());
    }

    #[test]
    fn a_large_locals_block_is_cut_between_its_attributes() {
        let attributes: String = (0..100).map(|i| format!("  l{i} = {i}\n")).collect();
        let text =
            format!("resource \"a\" \"b\" {{}}\nlocals {{ # many\n{attributes}}} // end\nx = 1\n");
        let pieces = pieces(&text, 200).unwrap_or_default();
        let first = text.find("  l0").unwrap_or_default();
        let last = text.find("} // end").unwrap_or_default();
        assert_eq!(
            pieces.first(),
            Some(&Piece::Items(0..text.find("locals").unwrap_or_default()))
        );
        let locals: Vec<&Range<usize>> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Locals(r) => Some(r),
                Piece::Items(_) => None,
            })
            .collect();
        assert!(locals.len() > 3);
        assert_eq!(locals.first().map(|r| r.start), Some(first));
        assert_eq!(locals.last().map(|r| r.end), Some(last));
        assert_eq!(
            pieces.last(),
            Some(&Piece::Items(text.len() - 6..text.len()))
        );
    }

    #[test]
    fn a_locals_block_of_another_shape_stays_whole() {
        let attributes: String = (0..100).map(|i| format!("  l{i} = {i}\n")).collect();
        for text in [
            format!("locals {{ /* x */\n{attributes}}}\n"),
            format!("locals {{\n{attributes}  z = 1 }}\n"),
            format!("locals {{\n{attributes}}} y = 1\n"),
            format!("other {{\n{attributes}}}\n"),
        ] {
            let pieces = pieces(&text, 200).unwrap_or_default();
            assert!(
                pieces.iter().all(|p| matches!(p, Piece::Items(_))),
                "{text}: {pieces:?}"
            );
        }
    }

    /// The number of top-level attributes and blocks, of `locals` blocks, and of the attributes
    /// inside those.
    fn census(body: &hcl_edit::structure::Body) -> [usize; 3] {
        let locals: Vec<_> = body
            .blocks()
            .filter(|b| b.ident.as_str() == "locals")
            .collect();
        [
            body.len(),
            locals.len(),
            locals.iter().map(|b| b.body.len()).sum(),
        ]
    }

    /// Items, `locals` blocks and attributes in them over the pieces of `text`, with the
    /// `locals` blocks cut open counted out; Err with the range of a piece that does not parse.
    fn census_of_pieces(text: &str, pieces: Vec<Piece>) -> Result<[usize; 3], Range<usize>> {
        let mut cut = [0; 3];
        for piece in pieces {
            let (range, inside_locals) = match piece {
                Piece::Items(range) => (range, false),
                Piece::Locals(range) => (range, true),
            };
            let Ok(body) = hcl_edit::parser::parse_body(&text[range.clone()]) else {
                return Err(range);
            };
            if inside_locals {
                cut[2] += body.len();
            } else {
                let [items, blocks, attributes] = census(&body);
                cut[0] += items;
                cut[1] += blocks;
                cut[2] += attributes;
            }
        }
        Ok(cut)
    }

    /// Checks that the pieces of `text` parse to what `whole` holds; a message if not.
    fn same_items(
        text: &str,
        whole: &hcl_edit::structure::Body,
        pieces: Vec<Piece>,
    ) -> Result<(), String> {
        let cut = census_of_pieces(text, pieces).map_err(|r| format!("{r:?} does not parse"))?;
        let [items, blocks, attributes] = census(whole);
        // A `locals` block cut between its attributes is no item of any piece.
        let opened = blocks - cut[1];
        if cut[0] + opened != items || cut[2] != attributes {
            return Err(format!(
                "pieces hold {cut:?}, the whole {:?}",
                census(whole)
            ));
        }
        Ok(())
    }

    /// The scanner on real code: every `.tf` file of the corpora that parses whole is cut at
    /// every item it has, and the pieces parse to the same attributes and blocks.
    #[test]
    fn real_files_cut_at_every_item_parse_to_the_same_items() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let mut stack = vec![root];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "tf") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(whole) = hcl_edit::parser::parse_body(&text) else {
                    continue;
                };
                let Some(pieces) = pieces(&text, 1) else {
                    assert!(text.len() <= 1, "{} was not cut", path.display());
                    continue;
                };
                if let Err(problem) = same_items(&text, &whole, pieces) {
                    panic!("{}: {problem}", path.display());
                }
                checked += 1;
            }
        }
        assert!(checked > 500, "only {checked} corpus files checked");
    }

    /// Fragments that hide newlines, brackets and quotes from a scanner that does not know
    /// them, and some that break the syntax.
    const FRAGMENTS: &[&str] = &[
        "a = 1\n",
        "b = { c = \"}\" }\n",
        "d = \"${ {e = \"]\"}.e } $${ %%{ \\\" {\"\n",
        "f = <<EOT\n} ${ \"{\" } \"\n  EOT\n",
        "g = <<-X\n  X2\n  X\n",
        "# } \" {\n",
        "// ]\n",
        "/* {\n\" */ h = [\n  1,\n  2,\n]\n",
        "locals {\n  i = (1 +\n 2)\n  j = \"}\"\n}\n",
        "k \"l\" {\n  m = 1\n}\n",
        "\n",
        "n = {\n",
        "}\n",
        "o = \"\n",
        "p = <<EOT\n",
    ];

    proptest::proptest! {
        /// Whatever the text, a cut is between items: when the whole text parses, so does
        /// every piece, to the same number of items.
        #[test]
        fn pieces_of_text_that_parses_parse_to_the_same_items(
            picks in proptest::collection::vec(0..FRAGMENTS.len(), 1..24)
        ) {
            let text: String = picks.iter().filter_map(|&i| FRAGMENTS.get(i).copied()).collect();
            if let Ok(whole) = hcl_edit::parser::parse_body(&text) {
                if let Some(pieces) = pieces(&text, 1) {
                    let same = same_items(&text, &whole, pieces);
                    proptest::prop_assert!(same.is_ok(), "{:?} in {:?}", same, text);
                }
            }
        }
    }
}
