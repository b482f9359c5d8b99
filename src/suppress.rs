//! Inline suppressions: `# redshield:ignore RS105 reason` in Terraform (on the line above a
//! resource or an attribute) and `Metadata: {redshield: {ignore: [{id, reason}]}}` on a
//! CloudFormation resource; checkov's (`#checkov:skip=CKV_AWS_87:reason` inside a resource,
//! `Metadata: {checkov: {skip: [{id, comment}]}}`) for the rule the check maps to. Front ends record them in the unit; here they are matched with
//! findings. A suppression without a reason still applies, and is reported as a warning.

use crate::ir::{SourceMap, Span, Suppression, SuppressionTarget as Target, Unit};
use crate::rules::Finding;

/// Does the suppression cover the finding?
pub fn covers(s: &Suppression, finding: &Finding, unit: &Unit, sources: &SourceMap) -> bool {
    let id_matches = s
        .ids
        .iter()
        .any(|p| finding.rule.id.starts_with(p.as_str()));
    if !id_matches {
        return false;
    }
    match &s.target {
        Target::Resource(address) => {
            finding.address == *address
                || unit
                    .resources
                    .iter()
                    .filter(|r| r.address == *address)
                    .any(|r| within(finding.span, r.body.span) || finding.span == r.span)
        }
        Target::Enclosing { file, offset } => unit.resources.iter().any(|r| {
            let holds = r.body.span.file == *file
                && (r.body.span.start as usize) <= *offset
                && *offset < r.body.span.end as usize;
            holds
                && (finding.address == r.address
                    || within(finding.span, r.body.span)
                    || finding.span == r.span)
        }),
        Target::Line { file, line } => {
            if finding.span.file != *file {
                return false;
            }
            let (finding_line, _) = sources.line_col(*file, finding.span.start as usize);
            if finding_line == *line {
                return true;
            }
            // A comment above a resource covers everything inside the resource.
            unit.resources.iter().any(|r| {
                r.span.file == *file
                    && sources.line_col(*file, r.span.start as usize).0 == *line
                    && (within(finding.span, r.body.span) || finding.span == r.span)
            })
        }
    }
}

fn within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && outer.start <= inner.start && inner.end <= outer.end
}
