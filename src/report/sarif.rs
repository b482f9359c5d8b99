//! `--format sarif`: a SARIF 2.1.0 log that GitHub code scanning accepts.
//!
//! One run. `tool.driver.rules` lists every rule of the catalog (not only those that fired), so
//! `ruleIndex` is the rule's position in [`rules::ALL`]. Results carry the finding's own level
//! (RS104 can be medium while the rule's default is high), 1-based regions with an exclusive
//! end column, related locations, and a `partialFingerprints` entry computed from what the
//! finding is about rather than where it is, so edits that only move lines keep the alert.
//! Input errors become tool execution notifications. The output holds no timestamps; given a
//! repository ([`render_sarif_in`]), paths are relative to its top level, which
//! `originalUriBaseIds` names, and `versionControlProvenance` names its commit. So the same
//! inputs at the same commit give the same bytes.

use super::{Report, ReportFinding};
use crate::change::ChangeState;
use crate::ir::{Diagnostic, Location};
use crate::rules::{self, Rule, Severity};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

/// The published schema of the version this renderer writes (vendored as
/// `schemas/sarif-2.1.0.json` and checked by the tests).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `automationDetails.id`: the category `redshield`, no run id (a trailing `/`).
pub const AUTOMATION_CATEGORY: &str = "redshield/";

/// The key of our fingerprint in `partialFingerprints`; the suffix versions the recipe.
pub const FINGERPRINT_KEY: &str = "redshieldFingerprint/v1";

/// Where the project lives: Cargo's `repository` when the manifest sets one.
fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://github.com/redshield/redshield",
        uri => uri,
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails,
    invocations: [Invocation<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BaseIds>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    version_control_provenance: Vec<VersionControlDetails<'a>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

/// Which analysis this is: GitHub code scanning keeps one set of alerts per category, so
/// redshield's never replace another tool's.
#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

/// `%SRCROOT%`: the directory relative artifact URIs resolve against.
#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: BaseUri,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionControlDetails<'a> {
    repository_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<&'a str>,
    mapped_to: BaseUriRef,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseUriRef {
    uri_base_id: &'static str,
}

/// The repository a report's relative paths are relative to (see [`Report::relative_to`]).
#[derive(Debug, Clone, Copy)]
pub struct Repository<'a> {
    /// Its top level, absolute.
    pub root: &'a std::path::Path,
    /// Its URL, commit and branch, where known.
    pub uri: Option<&'a str>,
    pub revision: Option<&'a str>,
    pub branch: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    full_name: String,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<&'static str>,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    exit_code: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: MessageRef<'a>,
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct MessageRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    /// `pass` for a resolved finding (absent from this run); omitted (`fail`) otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    level: &'static str,
    message: MessageRef<'a>,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    partial_fingerprints: Fingerprints,
    /// The path the finding rests on (reachability rules): one thread flow, its hops in order,
    /// which GitHub code scanning shows as the alert's path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow<'a>>,
    /// The proposed fix, when there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    /// Present for findings an inline suppression covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    /// In a change-aware run: `new` (introduced), `unchanged`, or `absent` (resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow<'a> {
    message: MessageRef<'a>,
    thread_flows: [ThreadFlow<'a>; 1],
}

#[derive(Serialize)]
struct ThreadFlow<'a> {
    locations: Vec<ThreadFlowLocation<'a>>,
}

#[derive(Serialize)]
struct ThreadFlowLocation<'a> {
    location: HopLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HopLocation<'a> {
    physical_location: PhysicalLocation,
    message: MessageRef<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifSuppression<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    physical_location: PhysicalLocation,
    message: MessageRef<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "redshieldFingerprint/v1")]
    v1: String,
}

/// A proposed fix: its replacements in one file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: MessageRef<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: MessageRef<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    /// This finding's own severity, which may be below its rule's (RS104 demoted to medium).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    resource: &'a str,
    resource_type: &'a str,
}

/// Renders the report as a pretty-printed SARIF 2.1.0 log with a trailing newline.
pub fn render_sarif(report: &Report) -> String {
    render_sarif_in(report, None)
}

/// Renders the report, whose relative paths are relative to `repository` when one is given:
/// `%SRCROOT%` is then its top level, and the log names its version when known.
pub fn render_sarif_in(report: &Report, repository: Option<Repository<'_>>) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut fingerprint = |finding: &ReportFinding| {
        let hash = fingerprint_hash(finding);
        let occurrence = seen.entry(hash.clone()).or_insert(0);
        *occurrence += 1;
        format!("{hash}:{occurrence}")
    };
    let compared = report.comparison.is_some();
    let mut results: Vec<SarifResult<'_>> = report
        .findings
        .iter()
        .chain(&report.suppressed)
        .map(|finding| {
            let state = compared.then_some(match finding.change {
                Some(ChangeState::Unchanged) => "unchanged",
                // Findings of inputs not compared are new to this run as far as it knows.
                Some(ChangeState::Introduced) | None => "new",
            });
            result(finding, fingerprint(finding), state)
        })
        .collect();
    // Resolved findings, where they were before: `absent`, and no problem any more (`pass`,
    // level `none`). GitHub code scanning makes an alert of every result whatever its kind,
    // so they are also marked suppressed: a resolved finding never opens an alert there.
    results.extend(report.resolved.iter().map(|finding| {
        let mut absent = result(finding, fingerprint(finding), Some("absent"));
        absent.kind = Some("pass");
        absent.level = "none";
        absent.suppressions = vec![SarifSuppression {
            kind: "external",
            justification: Some("resolved: the analyzed change removes this finding"),
        }];
        absent
    }));
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            automation_details: AutomationDetails {
                id: AUTOMATION_CATEGORY,
            },
            tool: Tool {
                driver: Driver {
                    name: "redshield",
                    full_name: format!(
                        "redshield {}: Amazon Redshift network isolation checks for Terraform and \
                         CloudFormation",
                        env!("CARGO_PKG_VERSION")
                    ),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules::ALL.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                exit_code: report.exit_code(),
                tool_execution_notifications: report.errors.iter().map(notification).collect(),
            }],
            original_uri_base_ids: repository.map(|r| BaseIds {
                src_root: BaseUri {
                    uri: directory_uri(r.root),
                },
            }),
            version_control_provenance: repository
                .and_then(|r| {
                    Some(VersionControlDetails {
                        repository_uri: r.uri?,
                        revision_id: r.revision,
                        branch: r.branch,
                        mapped_to: BaseUriRef {
                            uri_base_id: "%SRCROOT%",
                        },
                    })
                })
                .into_iter()
                .collect(),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let documentation = rule.documentation().trim().to_string();
    let mut tags = vec!["security", "redshift", "infrastructure-as-code"];
    if rule.opt_in {
        tags.push("opt-in");
    }
    ReportingDescriptor {
        id: rule.id,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: what_it_does(&documentation).unwrap_or_else(|| rule.summary.to_string()),
        },
        help: Help {
            text: documentation.clone(),
            markdown: documentation,
        },
        help_uri: help_uri(rule),
        default_configuration: DefaultConfiguration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(rule, rule.severity),
            tags,
            precision: "high",
        },
    }
}

/// The rule's page, `docs/rules/RSNNN.md`, generated from its documentation.
pub fn help_uri(rule: &Rule) -> String {
    format!("{}/blob/main/docs/rules/{}.md", information_uri(), rule.id)
}

/// The "What it does" section of a rule's documentation, its lines joined into paragraphs.
fn what_it_does(documentation: &str) -> Option<String> {
    let mut lines = documentation.lines();
    lines.find(|line| line.trim() == "## What it does")?;
    let section: Vec<&str> = lines.take_while(|line| !line.starts_with("## ")).collect();
    let paragraphs: Vec<String> = section
        .split(|line| line.trim().is_empty())
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| {
            paragraph
                .iter()
                .map(|line| line.trim())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    if paragraphs.is_empty() {
        None
    } else {
        Some(paragraphs.join("\n\n"))
    }
}

fn result<'a>(
    finding: &'a ReportFinding,
    fingerprint: String,
    baseline_state: Option<&'static str>,
) -> SarifResult<'a> {
    SarifResult {
        rule_id: finding.rule.id,
        rule_index: rules::ALL
            .iter()
            .position(|rule| rule.id == finding.rule.id)
            .unwrap_or(0),
        kind: None,
        baseline_state,
        level: level(finding.severity),
        message: MessageRef {
            text: &finding.message,
        },
        locations: [SarifLocation {
            physical_location: physical(&finding.location),
        }],
        related_locations: finding
            .related
            .iter()
            .enumerate()
            .map(|(i, (message, location, _))| RelatedLocation {
                id: i + 1,
                physical_location: physical(location),
                message: MessageRef { text: message },
            })
            .collect(),
        partial_fingerprints: Fingerprints { v1: fingerprint },
        code_flows: code_flows(finding),
        suppressions: finding
            .suppressed
            .as_ref()
            .map(|reason| SarifSuppression {
                kind: "inSource",
                justification: reason.as_deref(),
            })
            .into_iter()
            .collect(),
        fixes: sarif_fixes(finding),
        properties: ResultProperties {
            security_severity: security_severity(finding.rule, finding.severity),
            resource: &finding.address,
            resource_type: &finding.kind,
        },
    }
}

/// The finding's evidence as one code flow with one thread flow, a location per hop.
fn code_flows(finding: &ReportFinding) -> Vec<CodeFlow<'_>> {
    if finding.evidence.is_empty() {
        return Vec::new();
    }
    vec![CodeFlow {
        message: MessageRef {
            text: "the path this finding rests on, hop by hop",
        },
        thread_flows: [ThreadFlow {
            locations: finding
                .evidence
                .iter()
                .map(|hop| ThreadFlowLocation {
                    location: HopLocation {
                        physical_location: physical(&hop.location),
                        message: MessageRef { text: &hop.message },
                    },
                })
                .collect(),
        }],
    }]
}

fn notification(error: &Diagnostic) -> Notification<'_> {
    Notification {
        level: "error",
        message: MessageRef {
            text: &error.message,
        },
        locations: vec![SarifLocation {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&error.path),
                region: error.line.map(|line| Region {
                    start_line: line.max(1),
                    start_column: error.column.map(|c| c.max(1)),
                    end_line: None,
                    end_column: None,
                }),
            },
        }],
    }
}

fn sarif_fixes(finding: &ReportFinding) -> Vec<SarifFix<'_>> {
    let Some(outcome) = &finding.fix_outcome else {
        return Vec::new();
    };
    let (Ok(_), Some((first, _))) = (&outcome.diff, outcome.replacements.first()) else {
        return Vec::new();
    };
    vec![SarifFix {
        description: MessageRef {
            text: &outcome.description,
        },
        artifact_changes: [ArtifactChange {
            artifact_location: artifact(&first.path),
            replacements: outcome
                .replacements
                .iter()
                .map(|(location, text)| Replacement {
                    deleted_region: Region {
                        start_line: location.start_line.max(1),
                        start_column: Some(location.start_column.max(1)),
                        end_line: Some(location.end_line.max(1)),
                        end_column: Some(location.end_column.max(1)),
                    },
                    inserted_content: MessageRef { text },
                })
                .collect(),
        }],
    }]
}

fn physical(location: &Location) -> PhysicalLocation {
    let start_line = location.start_line.max(1);
    let start_column = location.start_column.max(1);
    let end_line = location.end_line.max(start_line);
    let end_column = if end_line == start_line {
        location.end_column.max(start_column)
    } else {
        location.end_column.max(1)
    };
    PhysicalLocation {
        artifact_location: artifact(&location.path),
        region: Some(Region {
            start_line,
            start_column: Some(start_column),
            end_line: Some(end_line),
            end_column: Some(end_column),
        }),
    }
}

/// A report path as a SARIF artifact location: relative paths are URI references against
/// `%SRCROOT%` (the checkout GitHub resolves them in); absolute paths become `file:` URIs.
fn artifact(path: &str) -> ArtifactLocation {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let windows_drive = path.as_bytes().get(1) == Some(&b':')
        && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if path.starts_with('/') || windows_drive {
        let sep = if windows_drive { "/" } else { "" };
        ArtifactLocation {
            uri: format!("file://{sep}{}", percent_encode(path, windows_drive)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(path, false),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// An absolute directory as a `file:` URI ending in `/`, as `originalUriBaseIds` requires.
fn directory_uri(dir: &std::path::Path) -> String {
    let path = dir.to_string_lossy().replace('\\', "/");
    let mut uri = artifact(&path).uri;
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes every byte but unreserved characters, `/` and (for `C:/…`) the drive's `:`.
fn percent_encode(path: &str, drive: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, byte) in path.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && byte == b':' && i == 1);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub code scanning maps these to its own critical/high/medium/low bands: the rule's own
/// score where it has one (and the finding keeps the rule's severity), else the band's.
fn security_severity(rule: &Rule, severity: Severity) -> &'static str {
    match rule.security_severity {
        Some(score) if severity == rule.severity => return score,
        _ => {}
    }
    match severity {
        Severity::High => "8.0",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
    }
}

/// A hex hash of what the finding is about (rule, file, resource, message), deliberately not
/// of its line or column, so that edits which only move lines keep the fingerprint.
pub fn fingerprint_hash(finding: &ReportFinding) -> String {
    let mut hash = Fnv1a64::new();
    for part in [
        finding.rule.id,
        finding.location.path.as_str(),
        finding.address.as_str(),
        finding.message.as_str(),
    ] {
        hash.write(part.as_bytes());
        // A separator that cannot occur in the parts keeps ("ab", "c") apart from ("a", "bc").
        hash.write(&[0]);
    }
    format!("{:016x}", hash.finish())
}

/// FNV-1a, 64-bit: a tiny, stable, dependency-free hash. It is not cryptographic and need not
/// be; it only has to be the same on every platform and in every release (unlike std's
/// `DefaultHasher`, whose algorithm may change).
struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a64 {
        Fnv1a64(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a64::new();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn paths_become_uri_references() {
        let rel = artifact("infra/my stack/main.tf");
        assert_eq!(rel.uri, "infra/my%20stack/main.tf");
        assert_eq!(rel.uri_base_id, Some("%SRCROOT%"));
        assert_eq!(artifact("<stdin>").uri, "%3Cstdin%3E");
        assert_eq!(artifact(".\\a\\b.tf").uri, "a/b.tf");
        let abs = artifact("/tmp/x.tf");
        assert_eq!(abs.uri, "file:///tmp/x.tf");
        assert_eq!(abs.uri_base_id, None);
        assert_eq!(artifact("C:\\x\\y.tf").uri, "file:///C:/x/y.tf");
    }

    #[test]
    fn base_directories_are_file_uris_ending_in_a_slash() {
        assert_eq!(
            directory_uri(std::path::Path::new("/work/my repo")),
            "file:///work/my%20repo/"
        );
        assert_eq!(directory_uri(std::path::Path::new("/")), "file:///");
    }

    #[test]
    fn what_it_does_is_the_first_section_joined_into_paragraphs() {
        let doc = "## What it does\nFlags a\nthing.\n\nSecond.\n\n## Why is this bad?\nNo.";
        assert_eq!(
            what_it_does(doc).as_deref(),
            Some("Flags a thing.\n\nSecond.")
        );
        assert_eq!(what_it_does("no heading"), None);
    }
}
