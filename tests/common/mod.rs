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

/// One test per rule and format, so that `cargo test rs108` runs RS108's cases alone and
/// `cargo test rs108::cfn` its CloudFormation ones: `per_rule!(check; [hcl, cfn]; rs101, …)`
/// defines `mod rs101 { #[test] fn hcl() { super::check("rs101", "hcl") } … }` for each rule,
/// and `RULES_WITH_TESTS`, which a test compares with `rules::ALL` so that no rule is left out.
/// (A macro rather than a custom harness: plain `#[test]`s keep libtest's filters, `--exact`
/// and editors' run buttons, and need no dependency.)
#[macro_export]
macro_rules! per_rule {
    ($check:ident; $formats:tt; $($id:ident),* $(,)?) => {
        $( $crate::per_rule!(@one $check; $id; $formats); )*
        /// The rules this crate generates tests for.
        const RULES_WITH_TESTS: &[&str] = &[$(stringify!($id)),*];
    };
    (@one $check:ident; $id:ident; [$($format:ident),*]) => {
        mod $id {
            $(
                #[test]
                fn $format() {
                    super::$check(stringify!($id), stringify!($format));
                }
            )*
        }
    };
}
