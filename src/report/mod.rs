//! Reports: the run's result in user-facing terms (locations, not spans) and its renderers.
//! Renderers format findings and rule metadata; they know no rule logic.
//!
//! The JSON shape ([`json`]) is a stability boundary, described by `schemas/report.schema.json`.

pub mod codequality;
pub mod escape;
pub mod github;
pub mod graph;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::change::{ChangeState, Comparison, Identity};
use crate::fix::apply::Census;
use crate::fix::{FixOutcome, Fixable};
use crate::ir::{Diagnostic, Location, SourceMap, Span};
use crate::model::FixIntent;
use crate::model::secret::Secrets;
use crate::rules::{Finding, Rule, Severity};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// A finding with its locations resolved.
#[derive(Debug, Clone)]
pub struct ReportFinding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub address: String,
    pub kind: String,
    pub location: Location,
    pub span: Span,
    pub related: Vec<(String, Location, Span)>,
    /// Whether this finding is at or above the severity that fails the run.
    pub fails: bool,
    /// Set when an inline suppression covers the finding: the suppression's reason, if any.
    pub suppressed: Option<Option<String>>,
    /// The rule's fix, in model terms.
    pub fix: Option<FixIntent>,
    /// The fix as a description and a diff (or why there is none).
    pub fix_outcome: Option<crate::fix::FixOutcome>,
    /// The path the finding rests on, hop by hop, in order.
    pub evidence: Vec<ReportHop>,
    /// In a change-aware run: whether the change introduces the finding (None: not compared).
    pub change: Option<ChangeState>,
}

/// One hop of a finding's evidence, located.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportHop {
    pub address: String,
    pub kind: String,
    pub location: Location,
    pub span: Span,
    /// What the hop contributes to the path.
    pub message: String,
}

/// A finding as collected from the rules, before locations are resolved.
#[derive(Clone)]
pub struct Collected {
    pub finding: Finding,
    /// The severity at or above which findings fail the run.
    pub threshold: Severity,
    /// The reason of the suppression that covers it (outer Some: suppressed).
    pub suppressed: Option<Option<String>>,
    /// In a change-aware run: whether the change introduces it (None: not compared).
    pub change: Option<ChangeState>,
}

/// What a run comes to, in the words every human format (text, github, markdown) uses for its
/// summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `5 findings (2 high, 2 medium, 1 low)`; None without findings.
    pub findings: Option<String>,
    /// What was analyzed: `3 files, 41 resources`.
    pub analyzed: String,
    /// `2 inputs` when inputs could not be read or parsed.
    pub unreadable: Option<String>,
    /// Findings not shown: `1 suppressed inline`, `2 in the baseline`, `1 baseline entries
    /// gone`.
    pub quiet: Vec<String>,
    /// In a change-aware run, the headline: `this plan introduces 2 findings and resolves 1`.
    pub change: Option<String>,
}

impl Summary {
    /// `in 3 files, 41 resources`, with `; 2 inputs could not be read or parsed` when so.
    pub fn scope(&self) -> String {
        match &self.unreadable {
            None => format!("in {}", self.analyzed),
            Some(inputs) => format!("in {}; {inputs} could not be read or parsed", self.analyzed),
        }
    }
}

/// Relates each finding of `linking` (by index, with its hops' spans) to the reported findings
/// of other rules at those hops: the component findings a conjunction (RS100) rests on stay
/// findings of their own and are named from it.
fn link_findings_on_paths(merged: &mut [ReportFinding], linking: &[(usize, Vec<Span>)]) {
    if linking.is_empty() {
        return;
    }
    let mut at: HashMap<Span, Vec<usize>> = HashMap::new();
    for (i, f) in merged.iter().enumerate() {
        if f.suppressed.is_none() {
            at.entry(f.span).or_default().push(i);
        }
    }
    for (i, spans) in linking {
        let mut links = Vec::new();
        for span in spans {
            for &j in at.get(span).into_iter().flatten() {
                let (Some(this), Some(other)) = (merged.get(*i), merged.get(j)) else {
                    continue;
                };
                if other.rule.id == this.rule.id {
                    continue;
                }
                let message = format!("{} {} reports this hop", other.rule.id, other.rule.name);
                let link = (message, other.location.clone(), other.span);
                if !links.contains(&link) && !this.related.contains(&link) {
                    links.push(link);
                }
            }
        }
        if let Some(this) = merged.get_mut(*i) {
            this.related.extend(links);
        }
    }
}

/// Orders findings by path, line, column, rule and message.
fn sort_findings(findings: &mut [ReportFinding]) {
    fn key(f: &ReportFinding) -> (&str, usize, usize, &str, &str) {
        (
            f.location.path.as_str(),
            f.location.start_line,
            f.location.start_column,
            f.rule.id,
            f.message.as_str(),
        )
    }
    // The order is found on indices, then the findings are swapped into it along the cycles of
    // the permutation: findings are large, and sorting them moved each one many times.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| findings.get(a).map(key).cmp(&findings.get(b).map(key)));
    // `order[i]` is the position the finding now at `i` comes from; a position done points to
    // itself.
    for start in 0..order.len() {
        let mut at = start;
        while let Some(&from) = order.get(at) {
            if let Some(done) = order.get_mut(at) {
                *done = at;
            }
            if from == start || from == at {
                break;
            }
            findings.swap(at, from);
            at = from;
        }
    }
}

/// `1 finding`, `2 findings`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A baseline entry that no longer matches a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    pub resource: String,
    pub message: String,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<ReportFinding>,
    /// Findings an inline suppression covers: not reported as findings, counted and listed.
    pub suppressed: Vec<ReportFinding>,
    pub errors: Vec<Diagnostic>,
    /// Problems that do not fail the run (a suppression without a reason).
    pub warnings: Vec<Diagnostic>,
    pub files: usize,
    pub resources: usize,
    /// With `--baseline`: how many findings the baseline accepted, and its entries that no
    /// finding matches any more.
    pub baselined: usize,
    pub baseline_gone: Vec<BaselineEntry>,
    pub baseline_used: bool,
    /// What no format may show: renderers that quote source text mask these in it.
    pub secrets: Secrets,
    /// What the findings were compared with, in a change-aware run.
    pub comparison: Option<Comparison>,
    /// In a change-aware run: the findings there before the change and gone after it, located
    /// where they were before.
    pub resolved: Vec<ReportFinding>,
}

/// A collected finding with its related locations, and for the first finding of its rule at its
/// place (the one reported: later ones only add related locations) what locating it and its fix
/// cost: made for every finding in parallel, before findings are merged.
struct Prepared {
    collected: Collected,
    related: Vec<(String, Location, Span)>,
    first: Option<FirstOfPlace>,
}

struct FirstOfPlace {
    location: Location,
    evidence: Vec<ReportHop>,
    fix_outcome: Option<FixOutcome>,
}

type FixOutcomeOf<'a> = &'a (dyn Fn(&FixIntent) -> FixOutcome + Sync);

impl Prepared {
    fn new(
        collected: Collected,
        first: bool,
        sources: &SourceMap,
        fix_outcome: FixOutcomeOf<'_>,
    ) -> Prepared {
        let finding = &collected.finding;
        Prepared {
            related: finding
                .related
                .iter()
                .map(|r| (r.message.clone(), sources.location(r.span), r.span))
                .collect(),
            first: first.then(|| FirstOfPlace::new(finding, sources, fix_outcome)),
            collected,
        }
    }
}

impl FirstOfPlace {
    fn new(finding: &Finding, sources: &SourceMap, fix_outcome: FixOutcomeOf<'_>) -> FirstOfPlace {
        FirstOfPlace {
            location: sources.location(finding.span),
            evidence: finding
                .evidence
                .iter()
                .map(|hop| ReportHop {
                    address: hop.address.clone(),
                    kind: hop.kind.clone(),
                    location: sources.location(hop.span),
                    span: hop.span,
                    message: hop.says.clone(),
                })
                .collect(),
            fix_outcome: finding.fix.as_ref().map(fix_outcome),
        }
    }
}

impl Report {
    /// Resolves, merges and orders findings. Findings of one rule at one place (one CIDR
    /// shared by several instances or warehouses) are reported once, with the others' related
    /// locations merged in; `fix_outcome` gives each reported finding's fix its outcome
    /// ([`crate::fix::outcome`]).
    pub fn new(
        findings: Vec<Collected>,
        mut errors: Vec<Diagnostic>,
        mut warnings: Vec<Diagnostic>,
        files: usize,
        resources: usize,
        sources: &SourceMap,
        fix_outcome: FixOutcomeOf<'_>,
    ) -> Report {
        // Locating a finding and making its fix's diff are the costly parts, and each
        // finding's own: done in parallel (on the caller's rayon pool), before the merge.
        let prepared: Vec<Prepared> = {
            use rayon::prelude::*;
            // Only the first finding of a rule at a place is reported: thousands of module
            // instances may repeat one, and the others' fixes are not made.
            let mut places = HashSet::new();
            let first: Vec<bool> = findings
                .iter()
                .map(|c| places.insert((c.finding.rule.id, c.finding.span)))
                .collect();
            findings
                .into_par_iter()
                .zip(first)
                .map(|(collected, first)| Prepared::new(collected, first, sources, fix_outcome))
                .collect()
        };
        let mut merged: Vec<ReportFinding> = Vec::with_capacity(prepared.len());
        let mut seen: HashMap<(&'static str, Span), usize> = HashMap::new();
        // The related locations each merged finding already has, made when a second finding
        // merges into it: many findings of one rule at one place (a subnet shared by thousands
        // of warehouses) merge in linear time.
        let mut related_of: HashMap<usize, HashSet<(String, Location)>> = HashMap::new();
        // Findings that relate to the other rules' findings at their hops (RS100), with the
        // spans of those hops.
        let mut linking: Vec<(usize, Vec<Span>)> = Vec::new();
        for Prepared {
            collected:
                Collected {
                    finding,
                    threshold,
                    suppressed,
                    change,
                },
            related,
            first,
        } in prepared
        {
            if let Some(&i) = seen.get(&(finding.rule.id, finding.span)) {
                if let Some(existing) = merged.get_mut(i) {
                    existing.change = ChangeState::merge(existing.change, change);
                    let known = related_of.entry(i).or_insert_with(|| {
                        existing
                            .related
                            .iter()
                            .map(|r| (r.0.clone(), r.1.clone()))
                            .collect()
                    });
                    for r in related {
                        if known.insert((r.0.clone(), r.1.clone())) {
                            existing.related.push(r);
                        }
                    }
                }
                continue;
            }
            let FirstOfPlace {
                location,
                evidence,
                fix_outcome: outcome,
            } = first.unwrap_or_else(|| FirstOfPlace::new(&finding, sources, fix_outcome));
            seen.insert((finding.rule.id, finding.span), merged.len());
            if finding.links_findings_on_path {
                linking.push((
                    merged.len(),
                    finding.evidence.iter().map(|h| h.span).collect(),
                ));
            }
            merged.push(ReportFinding {
                rule: finding.rule,
                fails: finding.severity >= threshold,
                severity: finding.severity,
                message: finding.message,
                address: finding.address,
                kind: finding.kind,
                location,
                span: finding.span,
                related,
                suppressed,
                fix_outcome: outcome,
                fix: finding.fix,
                evidence,
                change,
            });
        }
        link_findings_on_paths(&mut merged, &linking);
        sort_findings(&mut merged);
        errors.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        warnings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        let (suppressed, findings): (Vec<ReportFinding>, Vec<ReportFinding>) =
            if merged.iter().any(|f| f.suppressed.is_some()) {
                merged.into_iter().partition(|f| f.suppressed.is_some())
            } else {
                (Vec::new(), merged)
            };
        Report {
            findings,
            suppressed,
            errors,
            warnings,
            files,
            resources,
            baselined: 0,
            baseline_gone: Vec::new(),
            baseline_used: false,
            secrets: Secrets::default(),
            comparison: None,
            resolved: Vec::new(),
        }
    }

    /// The report with `secrets` masked in every string from the run (messages, related
    /// messages, fix descriptions and reasons, errors and warnings), kept for the renderers
    /// that quote source text. Fix diffs are masked when they are made ([`crate::fix::outcome`]).
    pub fn hiding(mut self, secrets: Secrets) -> Report {
        if !secrets.is_empty() {
            let mask = |text: &mut String| {
                if let std::borrow::Cow::Owned(masked) = secrets.mask(text) {
                    *text = masked;
                }
            };
            for finding in self
                .findings
                .iter_mut()
                .chain(self.suppressed.iter_mut())
                .chain(self.resolved.iter_mut())
            {
                mask(&mut finding.message);
                for (message, _, _) in &mut finding.related {
                    mask(message);
                }
                if let Some(outcome) = &mut finding.fix_outcome {
                    mask(&mut outcome.description);
                    if let Err(reason) = &mut outcome.diff {
                        mask(reason);
                    }
                }
            }
            for diagnostic in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
                mask(&mut diagnostic.message);
            }
        }
        self.secrets = secrets;
        self
    }

    /// The report of a change-aware run: what the findings were compared with, and the
    /// findings the change resolves (located in `sources`, where they were before), ordered
    /// like findings.
    pub fn with_resolved(
        mut self,
        comparison: Comparison,
        resolved: Vec<Finding>,
        sources: &SourceMap,
    ) -> Report {
        let mut resolved: Vec<ReportFinding> = resolved
            .into_iter()
            .map(|finding| ReportFinding {
                rule: finding.rule,
                severity: finding.severity,
                location: sources.location(finding.span),
                span: finding.span,
                related: Vec::new(),
                fails: false,
                suppressed: None,
                fix: None,
                fix_outcome: None,
                evidence: Vec::new(),
                change: None,
                message: finding.message,
                address: finding.address,
                kind: finding.kind,
            })
            .collect();
        sort_findings(&mut resolved);
        resolved.dedup_by(|a, b| {
            (a.rule.id, &a.address, &a.location, &a.message)
                == (b.rule.id, &b.address, &b.location, &b.message)
        });
        self.comparison = Some(comparison);
        self.resolved = resolved;
        self
    }

    /// Labels this report's findings (and suppressed findings) by comparing them with the
    /// report of the same paths at a git revision (`--diff-base`), whose findings no longer
    /// found here become the resolved ones. Findings are the same by rule, resource and file
    /// ([`crate::change`]); their lines do not matter.
    pub fn compare_with_revision(&mut self, revision: &str, before: Report) {
        let before_all: Vec<ReportFinding> = before
            .findings
            .into_iter()
            .chain(before.suppressed)
            .collect();
        // Two versions of one file have the same relative path.
        fn identity(f: &ReportFinding) -> Identity<'_> {
            Identity::in_file(f.rule.id, &f.address, &f.location.path, &f.message)
        }
        let before_ids: Vec<Identity<'_>> = before_all.iter().map(identity).collect();
        let after_ids: Vec<Identity<'_>> = self
            .findings
            .iter()
            .chain(&self.suppressed)
            .map(identity)
            .collect();
        let pairing = crate::change::pair(&before_ids, &after_ids);
        for (finding, state) in self
            .findings
            .iter_mut()
            .chain(self.suppressed.iter_mut())
            .zip(pairing.after)
        {
            finding.change = Some(state);
        }
        let mut resolved: Vec<ReportFinding> = pairing
            .resolved
            .iter()
            .filter_map(|&i| before_all.get(i).cloned())
            // A finding suppressed before was not reported: its going is no news.
            .filter(|f| f.suppressed.is_none())
            .map(|mut f| {
                // What a resolved finding was: no fix, no failure, no suppression to show.
                f.fails = false;
                f.fix = None;
                f.fix_outcome = None;
                f.suppressed = None;
                f.related = Vec::new();
                f.evidence = Vec::new();
                f.change = None;
                f
            })
            .collect();
        sort_findings(&mut resolved);
        self.comparison = Some(Comparison::Revision(revision.to_string()));
        self.resolved = resolved;
    }

    /// The report with its paths relative to `root` (a repository's top level) instead of the
    /// working directory `cwd`, for the formats a repository's host reads (SARIF, GitHub
    /// annotations). A path outside `root` becomes absolute; `<stdin>` stays as it is.
    pub fn relative_to(&self, cwd: &std::path::Path, root: &std::path::Path) -> Report {
        let rebase = |path: &mut String| {
            if path.starts_with('<') {
                return;
            }
            let absolute = crate::discover::lexical_normalize(&cwd.join(path.as_str()));
            let root = crate::discover::lexical_normalize(root);
            *path = match absolute.strip_prefix(&root) {
                Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
                Err(_) => absolute.to_string_lossy().into_owned(),
            };
        };
        let mut report = self.clone();
        for finding in report
            .findings
            .iter_mut()
            .chain(report.suppressed.iter_mut())
            .chain(report.resolved.iter_mut())
        {
            rebase(&mut finding.location.path);
            for (_, location, _) in &mut finding.related {
                rebase(&mut location.path);
            }
            for hop in &mut finding.evidence {
                rebase(&mut hop.location.path);
            }
            if let Some(outcome) = &mut finding.fix_outcome {
                for (location, _) in &mut outcome.replacements {
                    rebase(&mut location.path);
                }
            }
        }
        for diagnostic in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
            rebase(&mut diagnostic.path);
        }
        for gone in &mut report.baseline_gone {
            rebase(&mut gone.path);
        }
        report
    }

    /// The counts the human formats summarize the run with.
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        let findings = (!self.findings.is_empty()).then(|| {
            format!(
                "{} ({} high, {} medium, {} low)",
                plural(self.findings.len(), "finding"),
                count(Severity::High),
                count(Severity::Medium),
                count(Severity::Low)
            )
        });
        let mut quiet = Vec::new();
        if !self.suppressed.is_empty() {
            quiet.push(format!("{} suppressed inline", self.suppressed.len()));
        }
        if self.baselined > 0 {
            quiet.push(format!("{} in the baseline", self.baselined));
        }
        if !self.baseline_gone.is_empty() {
            quiet.push(format!(
                "{} baseline entries gone",
                self.baseline_gone.len()
            ));
        }
        let change = self.comparison.as_ref().map(|comparison| {
            let introduced = self
                .findings
                .iter()
                .filter(|f| f.change == Some(ChangeState::Introduced))
                .count();
            let resolved = match self.resolved.len() {
                0 => "none".to_string(),
                n => n.to_string(),
            };
            let introduced = match introduced {
                0 => "no findings".to_string(),
                n => plural(n, "finding"),
            };
            let against = match comparison {
                Comparison::PriorState => String::new(),
                Comparison::Revision(_) => format!(" since {}", comparison.against()),
            };
            format!(
                "{}{against} introduces {introduced} and resolves {resolved}",
                comparison.subject()
            )
        });
        Summary {
            change,
            findings,
            analyzed: format!(
                "{}, {}",
                plural(self.files, "file"),
                plural(self.resources, "resource")
            ),
            unreadable: (!self.errors.is_empty()).then(|| plural(self.errors.len(), "input")),
            quiet,
        }
    }

    /// The findings as fixing sees them, in order.
    pub fn fixables(&self) -> impl Iterator<Item = Fixable<'_>> {
        self.findings.iter().map(|f| Fixable {
            rule: f.rule.id,
            address: &f.address,
            intent: f.fix.as_ref(),
        })
    }

    /// What proving a fix compares: the findings per rule and resource, and the errors.
    pub fn census(&self) -> Census {
        Census::new(self.fixables(), &self.errors)
    }

    /// 2 when any input could not be read or parsed, 1 when a finding is at or above the
    /// failing severity, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.findings.iter().any(|f| f.fails) {
            1
        } else {
            0
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::ir::FileId;

    /// Findings put in order along the cycles of their permutation end in the order a stable
    /// sort gives, ties in their first order: many files, lines, rules and equal keys.
    #[test]
    fn findings_are_sorted_as_a_stable_sort_sorts_them() {
        let span = Span::new(FileId(0), 0..1);
        let rules = &crate::rules::ALL[..3];
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from((seed >> 33) % n).unwrap_or(0)
        };
        let findings: Vec<ReportFinding> = (0..500)
            .map(|i| ReportFinding {
                rule: rules[next(3)],
                severity: crate::rules::Severity::High,
                message: format!("m{}", next(4)),
                address: format!("n{i}"),
                kind: String::new(),
                location: Location {
                    path: format!("f{}", next(5)),
                    start_line: next(20),
                    start_column: next(2),
                    end_line: 0,
                    end_column: 0,
                },
                span,
                related: Vec::new(),
                fails: true,
                suppressed: None,
                fix: None,
                fix_outcome: None,
                evidence: Vec::new(),
                change: None,
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| {
            (
                &a.location.path,
                a.location.start_line,
                a.location.start_column,
                a.rule.id,
                &a.message,
            )
                .cmp(&(
                    &b.location.path,
                    b.location.start_line,
                    b.location.start_column,
                    b.rule.id,
                    &b.message,
                ))
        });
        let mut sorted = findings;
        sort_findings(&mut sorted);
        let addresses =
            |f: &[ReportFinding]| f.iter().map(|f| f.address.clone()).collect::<Vec<_>>();
        assert_eq!(addresses(&sorted), addresses(&expected));
    }
}
