//! Source texts and the only place byte offsets become 1-based lines and columns.

use std::path::{Path, PathBuf};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A resolved, user-facing location: path relative to the working directory with `/`
/// separators, 1-based lines and columns (columns count characters), end inclusive of the last
/// character's column + 1 (exclusive end, as SARIF and GitHub expect).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone)]
struct SourceFile {
    display: String,
    path: PathBuf,
    text: String,
    /// For a text generated from another (Terraform JSON syntax turned into HCL), how its
    /// spans map back to the original.
    generated: Option<SpanTable>,
    line_starts: Vec<usize>,
    /// `(byte offset, characters before it)` every [`CHAR_MARK_STRIDE`] bytes, so a column on
    /// a very long line (`terraform show -json` writes one line) costs a bounded count, not a
    /// scan from the line's start. Empty when the text is ASCII: bytes are characters.
    char_marks: Vec<(usize, usize)>,
    /// Whether any line ends in CRLF (asked once per fix: a scan per fix of a large file would
    /// make fixes quadratic).
    crlf: bool,
}

const CHAR_MARK_STRIDE: usize = 4096;

impl SourceFile {
    /// Characters in `text[..offset]`, `offset` clamped to the text and to a char boundary.
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_marks.is_empty() {
            return offset;
        }
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mark = self.char_marks.partition_point(|&(byte, _)| byte <= offset);
        let (byte, chars) = self
            .char_marks
            .get(mark.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        chars + self.text.get(byte..offset).map_or(0, |s| s.chars().count())
    }
}

fn char_marks(text: &str) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        return Vec::new();
    }
    let mut marks = vec![(0, 0)];
    let mut next = CHAR_MARK_STRIDE;
    for (chars, (byte, _)) in text.char_indices().enumerate() {
        if byte >= next {
            marks.push((byte, chars));
            next = byte + CHAR_MARK_STRIDE;
        }
    }
    marks
}

/// Every text the run read, by [`FileId`]. Inputs are read in parallel, each into its own map
/// whose ids start at a base of its own; the maps are then absorbed into one.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: std::collections::BTreeMap<u32, SourceFile>,
    next: u32,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// A map whose ids start at `base`, to be absorbed into another later.
    pub fn starting_at(base: u32) -> SourceMap {
        SourceMap {
            files: std::collections::BTreeMap::new(),
            next: base,
        }
    }

    /// Moves every file of `other` into this map; their ids stay what they were.
    pub fn absorb(&mut self, other: SourceMap) {
        self.next = self.next.max(other.next);
        self.files.extend(other.files);
    }

    /// The id the next file will get.
    pub fn next_id(&self) -> u32 {
        self.next
    }

    /// Adds a text. `display` is the path as reports show it.
    pub fn add(&mut self, path: &Path, display: String, text: String) -> FileId {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let id = FileId(self.next);
        self.next = self.next.saturating_add(1);
        self.files.insert(
            id.0,
            SourceFile {
                display,
                path: path.to_path_buf(),
                char_marks: char_marks(&text),
                crlf: text.contains("\r\n"),
                text,
                line_starts,
                generated: None,
            },
        );
        id
    }

    /// Adds a text generated from another file of this map (HCL written from Terraform's JSON
    /// syntax): its spans are reported, located and edited as the spans of the original that
    /// `table` maps them to ([`SourceMap::resolve`]). It does not count as a file read.
    pub fn add_generated(
        &mut self,
        path: &Path,
        display: String,
        text: String,
        table: SpanTable,
    ) -> FileId {
        let id = self.add(path, display, text);
        if let Some(file) = self.files.get_mut(&id.0) {
            file.generated = Some(table);
        }
        id
    }

    /// Whether `file` is a generated text (see [`SourceMap::add_generated`]).
    pub fn is_generated(&self, file: FileId) -> bool {
        self.files
            .get(&file.0)
            .is_some_and(|f| f.generated.is_some())
    }

    /// The span in an original file that a span of a generated text stands for; other spans
    /// are themselves.
    pub fn resolve(&self, span: Span) -> Span {
        match self
            .files
            .get(&span.file.0)
            .and_then(|f| f.generated.as_ref())
        {
            Some(table) => {
                let range = table.map(span.range());
                Span::new(table.origin, range)
            }
            None => span,
        }
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files.get(&file.0).map_or("", |f| f.text.as_str())
    }

    /// Whether the file has Windows line endings (any line ending in CRLF).
    pub fn has_crlf(&self, file: FileId) -> bool {
        self.files.get(&file.0).is_some_and(|f| f.crlf)
    }

    pub fn display(&self, file: FileId) -> &str {
        self.files
            .get(&file.0)
            .map_or("<unknown>", |f| f.display.as_str())
    }

    pub fn path(&self, file: FileId) -> &Path {
        self.files
            .get(&file.0)
            .map_or(Path::new(""), |f| f.path.as_path())
    }

    /// The files read (generated texts are not counted).
    pub fn len(&self) -> usize {
        self.files
            .values()
            .filter(|f| f.generated.is_none())
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every file id, in the order added.
    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files.keys().map(|k| FileId(*k))
    }

    /// The 1-based line and column of a byte offset (in the original, for a generated text).
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let resolved = self.resolve(Span::new(file, offset..offset));
        let (file, offset) = (resolved.file, resolved.start as usize);
        let Some(f) = self.files.get(&file.0) else {
            return (1, 1);
        };
        let offset = offset.min(f.text.len());
        let line = match f.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = f.line_starts.get(line).copied().unwrap_or(0);
        let column = f.chars_before(offset).saturating_sub(f.chars_before(start));
        (line + 1, column + 1)
    }

    /// Where a span is, in the original for a generated text.
    pub fn location(&self, span: Span) -> Location {
        let span = self.resolve(span);
        let (start_line, start_column) = self.line_col(span.file, span.start as usize);
        let (end_line, end_column) = self.line_col(span.file, span.end as usize);
        Location {
            path: self.display(span.file).to_string(),
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }
}

/// How the byte ranges of a generated text map to ranges of the file it was generated from.
/// Built in emission order: each piece of generated text is [`SpanTable::open`]ed where it
/// starts and [`SpanTable::close`]d where it ends, so pieces nest like the syntax they stand
/// for. A span maps through the innermost piece that contains it: to the same bytes of the
/// original when the piece is a verbatim copy, else to the piece's whole original range.
#[derive(Debug, Clone)]
pub struct SpanTable {
    origin: FileId,
    pieces: Vec<Piece>,
    open: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Piece {
    generated: std::ops::Range<usize>,
    original: std::ops::Range<usize>,
    /// The generated bytes are the original bytes: offsets map one to one.
    verbatim: bool,
    /// The piece that contains this one (itself for the outermost).
    parent: usize,
}

impl SpanTable {
    /// A table for text generated from `origin`.
    pub fn new(origin: FileId) -> SpanTable {
        SpanTable {
            origin,
            pieces: Vec::new(),
            open: Vec::new(),
        }
    }

    /// The file the text was generated from.
    pub fn origin(&self) -> FileId {
        self.origin
    }

    /// Starts a piece at generated offset `at`, standing for `original`; returns its index for
    /// [`SpanTable::close`]. Pieces must be opened in the order of their start.
    pub fn open(&mut self, at: usize, original: std::ops::Range<usize>, verbatim: bool) -> usize {
        let index = self.pieces.len();
        let parent = self.open.last().copied().unwrap_or(index);
        self.pieces.push(Piece {
            generated: at..at,
            original,
            verbatim,
            parent,
        });
        self.open.push(index);
        index
    }

    /// Ends piece `index` (and any piece opened inside it and left open) at generated offset
    /// `at`.
    pub fn close(&mut self, index: usize, at: usize) {
        while let Some(top) = self.open.pop() {
            if let Some(piece) = self.pieces.get_mut(top) {
                piece.generated.end = at.max(piece.generated.start);
                if piece.verbatim && piece.generated.len() != piece.original.len() {
                    piece.verbatim = false;
                }
            }
            if top == index {
                break;
            }
        }
    }

    /// The original range a generated range stands for.
    pub fn map(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let last = self
            .pieces
            .partition_point(|p| p.generated.start <= range.start);
        let mut at = last.checked_sub(1);
        // Pieces nest: the innermost one containing the range is this one or an ancestor.
        while let Some(i) = at {
            let Some(piece) = self.pieces.get(i) else {
                break;
            };
            if piece.generated.start <= range.start && range.end <= piece.generated.end {
                if piece.verbatim {
                    let start = piece.original.start + (range.start - piece.generated.start);
                    let end = piece.original.start + (range.end - piece.generated.start);
                    return start..end.max(start);
                }
                return piece.original.clone();
            }
            at = (piece.parent != i).then_some(piece.parent);
        }
        self.pieces
            .first()
            .map_or(0..0, |p| p.original.start..p.original.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_spans_resolve_to_the_innermost_piece_of_the_original() {
        let mut map = SourceMap::new();
        // Original: `{"a": "xy"}`; generated: `a = "xy"`.
        let json = map.add(
            Path::new("m.tf.json"),
            "m.tf.json".into(),
            "{\"a\": \"xy\"}".into(),
        );
        let mut table = SpanTable::new(json);
        let root = table.open(0, 0..11, false);
        let attr = table.open(0, 1..10, false);
        let value = table.open(4, 6..10, true);
        table.close(value, 8);
        table.close(attr, 8);
        table.close(root, 8);
        let generated = map.add_generated(
            Path::new("m.tf.json"),
            "m.tf.json".into(),
            "a = \"xy\"".into(),
            table,
        );
        assert_eq!(
            map.resolve(Span::new(generated, 4..8)),
            Span::new(json, 6..10)
        );
        assert_eq!(
            map.resolve(Span::new(generated, 5..7)),
            Span::new(json, 7..9)
        );
        assert_eq!(
            map.resolve(Span::new(generated, 0..8)),
            Span::new(json, 1..10)
        );
        assert_eq!(
            map.resolve(Span::new(generated, 0..1)),
            Span::new(json, 1..10)
        );
        assert_eq!(map.location(Span::new(generated, 4..8)).start_column, 7);
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn lines_and_columns_are_one_based_and_count_chars() {
        let mut map = SourceMap::new();
        let id = map.add(Path::new("a.tf"), "a.tf".into(), "ab\n\u{e9}cd\n".into());
        assert_eq!(map.line_col(id, 0), (1, 1));
        assert_eq!(map.line_col(id, 3), (2, 1));
        // 'c' follows a two-byte character: byte 5, column 2.
        assert_eq!(map.line_col(id, 5), (2, 2));
    }

    #[test]
    fn columns_on_a_long_line_with_wide_characters_count_chars() {
        // One line of 10,000 'é' (two bytes each) and a marker: the column is past several
        // char marks, so the marks and the count after the last one must agree.
        let text = format!("{}x\n\u{e9}y", "\u{e9}".repeat(10_000));
        let mut map = SourceMap::new();
        let id = map.add(Path::new("p.json"), "p.json".into(), text);
        assert_eq!(map.line_col(id, 20_000), (1, 10_001));
        assert_eq!(map.line_col(id, 7), (1, 4));
        assert_eq!(map.line_col(id, 20_004), (2, 2));
    }
}
