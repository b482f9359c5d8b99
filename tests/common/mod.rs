//! Helpers shared by the integration tests (a module of each test crate that uses it).

#![allow(clippy::indexing_slicing, dead_code)]

/// A Markdown line without its code spans and backslash-escaped characters (CommonMark: a
/// run of n backticks opens a span that the next run of exactly n closes).
pub fn markdown_prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            i += 2;
            continue;
        }
        if c == '`' {
            let n = run(i);
            let mut j = i + n;
            let mut end = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let m = run(j);
                    if m == n {
                        end = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            i = end.unwrap_or(i + n);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}
