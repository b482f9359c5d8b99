//! Change-aware runs: which findings a change introduces, keeps and resolves.
//!
//! Two versions of the same inputs are analyzed — a plan's prior state and its planned state,
//! or the paths as they are at a git revision and as they are now — and their findings are
//! paired here. This module knows only what identifies a finding ([`Identity`]); the engine
//! (plans) and the report (git revisions) say what the two sides are.
//!
//! **The same finding** is the same rule about the same resource address, declared in the
//! same place: for a git revision the same file (else, when it moved, the same directory: the
//! same Terraform module); for a plan the plan itself. Never its line or column, which differ
//! between versions (and between a plan's prior state and the `.tf` lines its planned values
//! map to). When a rule reports one resource more than once, the messages pair the findings
//! first (an ingress rule still open to the same CIDR), then the order they were found in.
//! Suppression is not part of the identity: a finding suppressed on one side is still the same
//! finding.

use foldhash::{HashMap, HashMapExt};
use std::collections::VecDeque;

/// How a finding of the version analyzed relates to the version it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeState {
    /// Not there before: the change brings it.
    Introduced,
    /// There before too.
    Unchanged,
}

impl ChangeState {
    /// `introduced`, `unchanged`: the JSON report's values.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeState::Introduced => "introduced",
            ChangeState::Unchanged => "unchanged",
        }
    }

    /// The state of findings merged into one (one rule at one place): introduced when any of
    /// them is.
    pub fn merge(a: Option<ChangeState>, b: Option<ChangeState>) -> Option<ChangeState> {
        match (a, b) {
            (Some(ChangeState::Introduced), _) | (_, Some(ChangeState::Introduced)) => {
                Some(ChangeState::Introduced)
            }
            (a, b) => a.or(b),
        }
    }
}

impl ChangeState {
    /// The state in words, for the human formats: `introduced by this plan`, `unchanged since
    /// main`.
    pub fn describe(self, comparison: &Comparison) -> String {
        match (self, comparison) {
            (ChangeState::Introduced, Comparison::PriorState) => "introduced by this plan".into(),
            (ChangeState::Unchanged, Comparison::PriorState) => {
                "unchanged: the prior state has it too".into()
            }
            (ChangeState::Introduced, Comparison::Revision(_)) => {
                format!("introduced since {}", comparison.against())
            }
            (ChangeState::Unchanged, Comparison::Revision(_)) => {
                format!("unchanged: {} has it too", comparison.against())
            }
        }
    }
}

/// What the findings were compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// A plan's prior state (each plan with one, with its planned state).
    PriorState,
    /// The analyzed paths as they are at a git revision (`--diff-base REF`, as given).
    Revision(String),
}

impl Comparison {
    /// The subject of the headline: `this plan`, `the change` (since a revision).
    pub fn subject(&self) -> &'static str {
        match self {
            Comparison::PriorState => "this plan",
            Comparison::Revision(_) => "the change",
        }
    }

    /// What the change is measured against, for a reader: `its prior state`, `main`, or a
    /// commit id shortened to 12 characters.
    pub fn against(&self) -> String {
        match self {
            Comparison::PriorState => "its prior state".to_string(),
            Comparison::Revision(rev) => {
                let full_hash = rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
                if full_hash {
                    rev.chars().take(12).collect()
                } else {
                    rev.clone()
                }
            }
        }
    }
}

/// What identifies a finding on either side of a change: never where it is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub rule: &'static str,
    /// The resource the finding is about.
    pub address: &'a str,
    /// The file the finding is in (git revisions), or empty (one plan, paired within itself).
    pub file: &'a str,
    /// The directory of `file`: its Terraform module (empty for a plan).
    pub module: &'a str,
    pub message: &'a str,
}

impl<'a> Identity<'a> {
    /// The identity of a finding in the report file `path`.
    pub fn in_file(rule: &'static str, address: &'a str, path: &'a str, message: &'a str) -> Self {
        let module = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        Identity {
            rule,
            address,
            file: path,
            module,
            message,
        }
    }

    /// The identity of a finding of one plan: its plan is the place.
    pub fn in_plan(rule: &'static str, address: &'a str, message: &'a str) -> Self {
        Identity {
            rule,
            address,
            file: "",
            module: "",
            message,
        }
    }
}

/// How the findings of two versions pair up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// For each finding after the change: its state.
    pub after: Vec<ChangeState>,
    /// The findings before the change that no finding after it pairs with (by index, in
    /// order): what the change resolves.
    pub resolved: Vec<usize>,
}

/// Pairs the findings before a change with those after it: each after finding with at most
/// one before finding of the same identity, by rounds of decreasing precision — same file and
/// message, same file, same module — so that a finding whose message changed, or whose
/// resource moved to another file of its module, is still the same finding.
pub fn pair(before: &[Identity<'_>], after: &[Identity<'_>]) -> Pairing {
    type Key<'k> = (&'static str, &'k str, &'k str, &'k str);
    fn exact<'k>(f: &Identity<'k>) -> Key<'k> {
        (f.rule, f.address, f.file, f.message)
    }
    fn same_file<'k>(f: &Identity<'k>) -> Key<'k> {
        (f.rule, f.address, f.file, "")
    }
    fn same_module<'k>(f: &Identity<'k>) -> Key<'k> {
        (f.rule, f.address, f.module, "")
    }
    let rounds: [for<'k> fn(&Identity<'k>) -> Key<'k>; 3] = [exact, same_file, same_module];
    let mut before_paired = vec![false; before.len()];
    let mut after_paired = vec![false; after.len()];
    for key in rounds {
        let mut open: HashMap<Key<'_>, VecDeque<usize>> = HashMap::new();
        for (i, finding) in before.iter().enumerate() {
            if !before_paired.get(i).copied().unwrap_or(true) {
                open.entry(key(finding)).or_default().push_back(i);
            }
        }
        if open.is_empty() {
            break;
        }
        for (j, finding) in after.iter().enumerate() {
            if after_paired.get(j).copied().unwrap_or(true) {
                continue;
            }
            if let Some(i) = open.get_mut(&key(finding)).and_then(VecDeque::pop_front) {
                if let Some(slot) = before_paired.get_mut(i) {
                    *slot = true;
                }
                if let Some(slot) = after_paired.get_mut(j) {
                    *slot = true;
                }
            }
        }
    }
    Pairing {
        after: after_paired
            .iter()
            .map(|&paired| {
                if paired {
                    ChangeState::Unchanged
                } else {
                    ChangeState::Introduced
                }
            })
            .collect(),
        resolved: before_paired
            .iter()
            .enumerate()
            .filter(|(_, paired)| !**paired)
            .map(|(i, _)| i)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeState::{Introduced, Unchanged};

    fn at<'a>(
        rule: &'static str,
        address: &'a str,
        path: &'a str,
        message: &'a str,
    ) -> Identity<'a> {
        Identity::in_file(rule, address, path, message)
    }

    #[test]
    fn findings_pair_by_rule_resource_and_file_whatever_their_lines() {
        let before = [
            at(
                "RS105",
                "aws_security_group.a",
                "net/main.tf",
                "open to 0.0.0.0/0",
            ),
            at("RS104", "aws_redshift_cluster.w", "net/main.tf", "public"),
        ];
        let after = [
            at(
                "RS105",
                "aws_security_group.a",
                "net/main.tf",
                "open to 0.0.0.0/0",
            ),
            at(
                "RS105",
                "aws_security_group.b",
                "net/main.tf",
                "open to 0.0.0.0/0",
            ),
        ];
        let pairing = pair(&before, &after);
        assert_eq!(pairing.after, [Unchanged, Introduced]);
        assert_eq!(pairing.resolved, [1]);
    }

    #[test]
    fn messages_pair_first_when_a_rule_reports_a_resource_twice() {
        let before = [at("RS105", "aws_security_group.a", "m.tf", "open to ::/0")];
        let after = [
            at("RS105", "aws_security_group.a", "m.tf", "open to 0.0.0.0/0"),
            at("RS105", "aws_security_group.a", "m.tf", "open to ::/0"),
        ];
        assert_eq!(pair(&before, &after).after, [Introduced, Unchanged]);
    }

    #[test]
    fn a_changed_message_or_a_move_within_the_module_keeps_the_finding() {
        let before = [
            at(
                "RS105",
                "aws_security_group.a",
                "net/main.tf",
                "port 5439 open",
            ),
            at("RS104", "aws_redshift_cluster.w", "net/main.tf", "public"),
        ];
        let after = [
            at(
                "RS105",
                "aws_security_group.a",
                "net/main.tf",
                "ports 0-65535 open",
            ),
            at(
                "RS104",
                "aws_redshift_cluster.w",
                "net/cluster.tf",
                "public",
            ),
        ];
        let pairing = pair(&before, &after);
        assert_eq!(pairing.after, [Unchanged, Unchanged]);
        assert!(pairing.resolved.is_empty());
        // Another module's resource of the same address is another resource.
        let elsewhere = [at(
            "RS104",
            "aws_redshift_cluster.w",
            "other/main.tf",
            "public",
        )];
        assert_eq!(pair(&before, &elsewhere).after, [Introduced]);
    }

    #[test]
    fn plan_findings_pair_within_the_plan() {
        let before = [Identity::in_plan("RS105", "aws_security_group.a", "x")];
        let after = [Identity::in_plan("RS105", "aws_security_group.a", "y")];
        assert_eq!(pair(&before, &after).after, [Unchanged]);
    }

    #[test]
    fn revisions_are_shown_as_given_and_commit_ids_shortened() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(Comparison::Revision(sha.into()).against(), "0123456789ab");
        assert_eq!(Comparison::Revision("main".into()).against(), "main");
    }
}
