//! Suppression comments in Terraform files: `# redshield:ignore RS105 reason` (or `//`) on the
//! line above a resource or an attribute.

use crate::ir::{FileId, Span, Suppression, SuppressionTarget};

/// The marker that starts a suppression comment.
pub const MARKER: &str = "redshield:ignore";
/// The marker of a checkov suppression comment (`#checkov:skip=CKV_AWS_87:reason`), honoured
/// for the rule the check maps to ([`crate::frontend::CHECKOV_CHECKS`]).
pub const CHECKOV_MARKER: &str = "checkov:skip=";

/// Reads the suppression comments of a Terraform file: `#` or `//` comments whose text starts
/// with the marker, followed by rule IDs (space- or comma-separated) and a reason.
pub fn scan_comments(file: FileId, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (index, raw) in lines.iter().enumerate() {
        let line_start = offset;
        offset += raw.len();
        let trimmed = raw.trim_start();
        let body = trimmed
            .strip_prefix('#')
            .or_else(|| trimmed.strip_prefix("//"))
            .map(str::trim_start);
        let start = line_start + (raw.len() - trimmed.len());
        let span = Span::new(file, start..line_start + raw.trim_end().len());
        if let Some(skip) = body.and_then(|b| b.strip_prefix(CHECKOV_MARKER)) {
            out.extend(checkov_skip(skip, span, line_start));
            continue;
        }
        let Some(rest) = body.and_then(|b| b.strip_prefix(MARKER)) else {
            continue;
        };
        let (ids, reason) = split_ids(rest);
        if ids.is_empty() {
            continue;
        }
        // The comment applies to the next line that is neither blank nor a comment.
        let target_line = lines
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(_, l)| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            })
            .map_or(index + 2, |(i, _)| i + 1);
        out.push(Suppression {
            ids,
            reason,
            span,
            target: SuppressionTarget::Line {
                file,
                line: target_line,
            },
        });
    }
    out
}

/// `CKV_AWS_87:reason` (after `checkov:skip=`), written at `span` on the line starting at
/// `line_start`: a suppression of the rule the check maps to, for the resource whose block
/// holds the comment; None for a check that is not about Redshift.
fn checkov_skip(skip: &str, span: Span, line_start: usize) -> Option<Suppression> {
    let (check, comment) = match skip.split_once(':') {
        Some((check, comment)) => (check, Some(comment)),
        None => (skip, None),
    };
    let rule = crate::frontend::checkov_rule(check)?;
    Some(Suppression {
        ids: vec![rule.to_string()],
        reason: crate::frontend::checkov_reason(check, comment),
        span,
        target: SuppressionTarget::Enclosing {
            file: span.file,
            offset: line_start,
        },
    })
}

/// Splits ` RS105, RS2 reason text` into IDs and the reason.
pub(crate) fn split_ids(rest: &str) -> (Vec<String>, Option<String>) {
    let mut ids = Vec::new();
    let mut words = rest.split_whitespace().peekable();
    while let Some(word) = words.peek() {
        let candidates: Vec<&str> = word.split(',').filter(|w| !w.is_empty()).collect();
        if candidates.is_empty() || !candidates.iter().all(|c| is_rule_pattern(c)) {
            break;
        }
        ids.extend(candidates.iter().map(|c| c.to_ascii_uppercase()));
        words.next();
    }
    let reason = words.collect::<Vec<_>>().join(" ");
    let reason = reason
        .trim_start_matches(['-', ':', '—'])
        .trim()
        .to_string();
    (ids, (!reason.is_empty()).then_some(reason))
}

/// `RS105`, `RS1`, `rs2`: a rule ID or prefix.
pub fn is_rule_pattern(word: &str) -> bool {
    word.len() >= 2
        && word.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("RS"))
        && word
            .get(2..)
            .is_some_and(|d| d.len() <= 3 && d.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn comments_name_rules_and_a_reason_and_target_the_next_code_line() {
        let text = "a = 1\n  # redshield:ignore RS105, RS2 office VPN range, reviewed\n\n  cidr = x\n// redshield:ignore rs303\nb = 2\n# not a marker redshield:ignore RS1\n";
        let found = scan_comments(FileId(0), text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].ids, ["RS105", "RS2"]);
        assert_eq!(
            found[0].reason.as_deref(),
            Some("office VPN range, reviewed")
        );
        assert_eq!(
            found[0].target,
            SuppressionTarget::Line {
                file: FileId(0),
                line: 4
            }
        );
        assert_eq!(found[1].ids, ["RS303"]);
        assert_eq!(found[1].reason, None);
        assert_eq!(
            found[1].target,
            SuppressionTarget::Line {
                file: FileId(0),
                line: 6
            }
        );
    }

    #[test]
    fn checkov_skips_of_redshift_checks_suppress_the_mapped_rule_in_their_resource() {
        let text = "resource \"aws_redshift_cluster\" \"c\" {\n  #checkov:skip=CKV_AWS_87: reviewed by security\n  # checkov:skip=CKV_AWS_20:not redshift\n  //checkov:skip=CKV_AWS_321\n}\n";
        let found = scan_comments(FileId(0), text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].ids, ["RS104"]);
        assert_eq!(
            found[0].reason.as_deref(),
            Some("reviewed by security (checkov CKV_AWS_87)")
        );
        assert_eq!(
            found[0].target,
            SuppressionTarget::Enclosing {
                file: FileId(0),
                offset: text.find("  #checkov").unwrap_or_default()
            }
        );
        assert_eq!(found[1].ids, ["RS112"]);
        assert_eq!(found[1].reason, None);
    }

    #[test]
    fn rule_patterns() {
        assert!(is_rule_pattern("RS105") && is_rule_pattern("rs2") && is_rule_pattern("RS"));
        assert!(
            !is_rule_pattern("office") && !is_rule_pattern("RS1055") && !is_rule_pattern("RSx")
        );
    }
}
