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

#[derive(Debug)]
struct SourceFile {
    display: String,
    path: PathBuf,
    text: String,
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
#[derive(Debug, Default)]
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
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
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
            },
        );
        id
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

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file id, in the order added.
    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files.keys().map(|k| FileId(*k))
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
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

    pub fn location(&self, span: Span) -> Location {
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

#[cfg(test)]
mod tests {
    use super::*;

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
