//! Change-aware runs as a user sees them: a plan compared with its prior state, and
//! `--diff-base REF` comparing the paths with their version at a git revision; findings
//! labelled introduced or unchanged, resolved ones listed where they were, `--fail-on-new`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const PLANS: &str = "testdata/change/plan";

fn redshield_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CI_PROJECT_DIR")
        .output()
        .expect("run redshield")
}

fn redshield(args: &[&str]) -> Output {
    redshield_in(Path::new("."), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = redshield_in(dir, &all);
    let value: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_valid_report(&value);
    (value, out.status.code().unwrap_or(-1))
}

fn json(args: &[&str]) -> (Value, i32) {
    json_in(Path::new("."), args)
}

fn assert_valid_report(report: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not a valid report: {errors:#?}");
}

/// (rule, resource) of the findings in `report[key]` whose `change` is `state` (any when None).
fn labelled(report: &Value, key: &str, state: Option<&str>) -> BTreeSet<(String, String)> {
    report[key]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|f| state.is_none_or(|s| f["change"] == s))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["address"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect()
}

/// What the cluster's prior state already breaks (unchanged in every case that keeps it).
const STANDING: [(&str, &str); 6] = [
    ("RS109", "aws_redshift_cluster.analytics"),
    ("RS110", "aws_vpc.main"),
    ("RS112", "aws_redshift_cluster.analytics"),
    ("RS206", "aws_security_group.redshift"),
    ("RS303", "aws_redshift_cluster.analytics"),
    ("RS403", "aws_redshift_cluster.analytics"),
];

const PUBLIC_SUBNETS: [(&str, &str); 2] = [("RS103", "aws_subnet.a"), ("RS103", "aws_subnet.b")];

#[test]
fn a_plan_that_opens_a_security_group_introduces_that_finding_alone() {
    let (report, code) = json(&[&format!("{PLANS}/opens_security_group/plan.json")]);
    assert_eq!(code, 1);
    assert_eq!(
        labelled(&report, "findings", Some("introduced")),
        set(&[("RS105", "aws_security_group.redshift")])
    );
    let mut unchanged = set(&STANDING);
    unchanged.extend(set(&PUBLIC_SUBNETS));
    assert_eq!(labelled(&report, "findings", Some("unchanged")), unchanged);
    assert_eq!(report["resolved"], serde_json::json!([]));
    assert_eq!(report["summary"]["introduced"], 1);
    assert_eq!(report["summary"]["resolved"], 0);
    // The introduced finding points at the configuration's line, as every planned one does.
    let introduced = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["change"] == "introduced")
        .unwrap();
    assert_eq!(
        introduced["location"]["path"],
        "testdata/change/plan/opens_security_group/main.tf"
    );

    let text = stdout(&redshield(&[
        "check",
        &format!("{PLANS}/opens_security_group/plan.json"),
    ]));
    assert!(
        text.contains("This plan introduces 1 finding and resolves none.\nFound 9 findings"),
        "{text}"
    );
    assert!(
        text.contains("  change: introduced by this plan\n"),
        "{text}"
    );
    assert!(
        text.contains("  change: unchanged: the prior state has it too\n"),
        "{text}"
    );
}

#[test]
fn a_plan_that_removes_the_route_to_the_internet_gateway_resolves_the_public_subnets() {
    let (report, _) = json(&[&format!("{PLANS}/removes_igw_route/plan.json")]);
    assert_eq!(labelled(&report, "findings", Some("introduced")), set(&[]));
    assert_eq!(
        labelled(&report, "findings", Some("unchanged")),
        set(&STANDING)
    );
    assert_eq!(labelled(&report, "resolved", None), set(&PUBLIC_SUBNETS));
    // Where they were: the subnets' values in the plan's prior state.
    for resolved in report["resolved"].as_array().unwrap() {
        assert_eq!(
            resolved["location"]["path"],
            "testdata/change/plan/removes_igw_route/plan.json"
        );
        assert!(resolved.get("change").is_none(), "{resolved}");
        assert!(resolved.get("fix").is_none(), "{resolved}");
    }
    let text = stdout(&redshield(&[
        "check",
        &format!("{PLANS}/removes_igw_route/plan.json"),
    ]));
    assert!(
        text.contains(
            "resolved: RS103 warehouse-in-public-subnet aws_subnet.a \
             (testdata/change/plan/removes_igw_route/plan.json:"
        ),
        "{text}"
    );
    assert!(
        text.contains("This plan introduces no findings and resolves 2.\n"),
        "{text}"
    );
}

#[test]
fn a_plan_that_changes_nothing_relevant_leaves_every_finding_unchanged() {
    let (report, _) = json(&[&format!("{PLANS}/unchanged/plan.json")]);
    let mut unchanged = set(&STANDING);
    unchanged.extend(set(&PUBLIC_SUBNETS));
    assert_eq!(labelled(&report, "findings", None), unchanged);
    assert_eq!(labelled(&report, "findings", Some("unchanged")), unchanged);
    assert_eq!(report["resolved"], serde_json::json!([]));
}

#[test]
fn a_plan_that_destroys_the_cluster_resolves_its_findings() {
    let (report, code) = json(&[&format!("{PLANS}/destroys_cluster/plan.json")]);
    assert_eq!(code, 0);
    assert_eq!(labelled(&report, "findings", None), set(&[]));
    let mut resolved = set(&STANDING);
    resolved.extend(set(&PUBLIC_SUBNETS));
    assert_eq!(labelled(&report, "resolved", None), resolved);
    assert_eq!(report["summary"]["resolved"], 8);
}

#[test]
fn no_change_labels_and_plans_of_new_workspaces_make_no_comparison() {
    let (report, _) = json(&[
        "--no-change-labels",
        &format!("{PLANS}/opens_security_group/plan.json"),
    ]);
    assert!(report.get("resolved").is_none());
    assert!(report["summary"].get("introduced").is_none());
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("change").is_none())
    );
    // No prior state (a new workspace): everything would be introduced, nothing is labelled.
    let (fresh, _) = json(&["testdata/plan/rs105/fires.json"]);
    assert!(fresh.get("resolved").is_none());
    assert!(!fresh["findings"].as_array().unwrap().is_empty());
    assert!(
        fresh["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("change").is_none())
    );
    let text = stdout(&redshield(&["check", "testdata/plan/rs105/fires.json"]));
    assert!(!text.contains("introduces"), "{text}");
}

#[test]
fn sarif_carries_each_findings_baseline_state_and_validates() {
    let out = redshield(&[
        "check",
        "--format",
        "sarif",
        &format!("{PLANS}/opens_security_group/plan.json"),
        &format!("{PLANS}/destroys_cluster/plan.json"),
    ]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/sarif-2.1.0.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let states = |state: &str| {
        results
            .iter()
            .filter(|r| r["baselineState"] == state)
            .collect::<Vec<_>>()
    };
    assert_eq!(states("new").len(), 1);
    assert_eq!(states("new")[0]["ruleId"], "RS105");
    assert_eq!(states("unchanged").len(), 8);
    let absent = states("absent");
    assert_eq!(absent.len(), 8);
    for result in absent {
        // No problem any more, and never an open alert in GitHub code scanning.
        assert_eq!(result["kind"], "pass");
        assert_eq!(result["level"], "none");
        assert_eq!(result["suppressions"][0]["kind"], "external");
    }
}

#[test]
fn markdown_leads_with_what_the_plan_introduces() {
    let out = redshield(&[
        "check",
        "--format",
        "markdown",
        &format!("{PLANS}/opens_security_group/plan.json"),
    ]);
    let markdown = stdout(&out);
    assert!(
        markdown.starts_with("## redshield: this plan introduces 1 finding and resolves none\n"),
        "{markdown}"
    );
    let introduced = markdown.find("### Introduced (1)").unwrap();
    let unchanged = markdown.find("### Unchanged (8)").unwrap();
    assert!(introduced < unchanged, "{markdown}");
    let table = &markdown[introduced..unchanged];
    assert!(table.contains("RS105"), "{markdown}");
    assert!(!table.contains("RS103"), "{markdown}");
}

/// A throw-away git repository whose commits are made with a fixed author and date.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "redshield tests")
            .env("GIT_AUTHOR_EMAIL", "tests@example.invalid")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_NAME", "redshield tests")
            .env("GIT_COMMITTER_EMAIL", "tests@example.invalid")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write(&self, path: &str, text: &str) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// `check --diff-base REF` on `infra` as JSON, with more flags; the report and exit status.
    fn compare(&self, base: &str, flags: &[&str]) -> (Value, i32) {
        let mut args = vec!["--diff-base", base];
        args.extend_from_slice(flags);
        args.push("infra");
        json_in(self.path(), &args)
    }
}

/// The configuration of the plan fixtures (without the state), as one module.
fn configuration() -> String {
    std::fs::read_to_string(format!("{PLANS}/unchanged/main.tf")).unwrap()
}

#[test]
fn diff_base_labels_what_each_commit_introduces_moves_and_resolves() {
    let repo = Repo::new();
    let base = configuration();
    repo.write("infra/main.tf", &base);
    repo.commit("base");
    let (report, _) = repo.compare("HEAD", &[]);
    // The same tree on both sides: every finding unchanged, nothing resolved.
    assert_eq!(labelled(&report, "findings", Some("introduced")), set(&[]));
    assert!(!labelled(&report, "findings", Some("unchanged")).is_empty());
    assert_eq!(report["resolved"], serde_json::json!([]));

    // A commit that opens the security group introduces RS105, and only that.
    let opened = base.replace(
        "cidr_blocks = [\"10.0.0.0/8\"]",
        "cidr_blocks = [\"0.0.0.0/0\"]",
    );
    assert_ne!(opened, base);
    repo.write("infra/main.tf", &opened);
    repo.commit("open the security group");
    let (report, code) = repo.compare("HEAD~1", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        labelled(&report, "findings", Some("introduced")),
        set(&[("RS105", "aws_security_group.redshift")])
    );
    assert_eq!(report["resolved"], serde_json::json!([]));
    let (_, code) = repo.compare("HEAD~1", &["--fail-on-new"]);
    assert_eq!(code, 1);
    let (_, code) = repo.compare("HEAD~1", &["--fail-on-new", "--fail-on", "high"]);
    assert_eq!(code, 1);

    // A commit that moves code without changing its meaning: the cluster to a file of its own,
    // the rest reordered under a comment and blank lines. Nothing introduced or resolved.
    let cluster_at = opened.find("resource \"aws_redshift_cluster\"").unwrap();
    let (rest, cluster) = opened.split_at(cluster_at);
    let mut blocks: Vec<String> = rest
        .split("\nresource ")
        .map(|block| format!("resource {}", block.trim()))
        .collect();
    let provider = blocks.remove(0).replacen("resource ", "", 1);
    blocks.reverse();
    repo.write(
        "infra/main.tf",
        &format!(
            "# Reordered.\n\n\n{provider}\n\n{}\n",
            blocks.join("\n\n\n")
        ),
    );
    repo.write("infra/cluster.tf", cluster);
    repo.commit("move the cluster to its own file");
    let (report, code) = repo.compare("HEAD~1", &[]);
    assert_eq!(code, 1, "the findings are still there");
    assert_eq!(labelled(&report, "findings", Some("introduced")), set(&[]));
    assert_eq!(report["resolved"], serde_json::json!([]));
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["location"]["path"] == "infra/cluster.tf"),
        "{report}"
    );
    // Only what the change introduces fails the run.
    let (_, code) = repo.compare("HEAD~1", &["--fail-on-new"]);
    assert_eq!(code, 0);

    // A commit that fixes a finding: the route to the internet gateway goes.
    let main = std::fs::read_to_string(repo.path().join("infra/main.tf")).unwrap();
    let route = main.find("  route {").unwrap();
    let end = route + main[route..].find("  }\n").unwrap() + "  }\n".len();
    repo.write(
        "infra/main.tf",
        &format!("{}  route = []\n{}", &main[..route], &main[end..]),
    );
    repo.commit("remove the public route");
    let (report, _) = repo.compare("HEAD~1", &[]);
    assert_eq!(labelled(&report, "findings", Some("introduced")), set(&[]));
    assert_eq!(labelled(&report, "resolved", None), set(&PUBLIC_SUBNETS));
    // Located where they were, in the revision's version of the file.
    for resolved in report["resolved"].as_array().unwrap() {
        assert_eq!(resolved["location"]["path"], "infra/main.tf", "{resolved}");
    }
    let text = stdout(&redshield_in(
        repo.path(),
        &["check", "--diff-base", "HEAD~1", "infra"],
    ));
    assert!(
        text.contains("The change since HEAD~1 introduces no findings and resolves 2.\n"),
        "{text}"
    );
    // Against the first commit: the whole history's change.
    let (report, _) = repo.compare("main~3", &[]);
    assert_eq!(
        labelled(&report, "findings", Some("introduced")),
        set(&[("RS105", "aws_security_group.redshift")])
    );
    assert_eq!(labelled(&report, "resolved", None), set(&PUBLIC_SUBNETS));

    // Reading the revision changed nothing: no checkout, the index as it was.
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]).trim().len(), 40);
}

#[test]
fn diff_base_sees_suppressions_and_fixes_only_the_working_tree() {
    let repo = Repo::new();
    let base = configuration();
    repo.write("infra/main.tf", &base);
    repo.commit("base");
    // A suppressed open rule is not introduced: it is not a finding at all.
    let suppressed = base.replace(
        "    cidr_blocks = [\"10.0.0.0/8\"]",
        "    # redshield:ignore RS105 the range is filtered upstream\n    cidr_blocks = [\"0.0.0.0/0\"]",
    );
    repo.write("infra/main.tf", &suppressed);
    let (report, code) = repo.compare("HEAD", &["--fail-on-new"]);
    assert_eq!(labelled(&report, "findings", Some("introduced")), set(&[]));
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 1);
    assert_eq!(code, 0);

    // --fix with --diff-base fixes the working tree, and compares what it leaves.
    let opened = base.replace(
        "publicly_accessible       = false",
        "publicly_accessible       = true",
    );
    assert_ne!(opened, base);
    repo.write("infra/main.tf", &opened);
    let (report, _) = repo.compare("HEAD", &["--select", "RS104"]);
    assert_eq!(
        labelled(&report, "findings", Some("introduced")),
        set(&[("RS104", "aws_redshift_cluster.analytics")])
    );
    let out = redshield_in(
        repo.path(),
        &[
            "check",
            "--fix",
            "--select",
            "RS104",
            "--diff-base",
            "HEAD",
            "--format",
            "json",
            "infra",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report);
    let head = repo.git(&["show", "HEAD:infra/main.tf"]);
    assert_eq!(head, base, "the revision is never written");
    let fixed = std::fs::read_to_string(repo.path().join("infra/main.tf")).unwrap();
    assert_ne!(fixed, opened, "{}", stderr(&out));
    assert_eq!(labelled(&report, "findings", None), set(&[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn diff_base_outside_git_or_with_an_unknown_revision_is_a_usage_error() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("infra")).unwrap();
    std::fs::write(outside.path().join("infra/main.tf"), configuration()).unwrap();
    let out = redshield_in(outside.path(), &["check", "--diff-base", "main", "infra"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--diff-base main: ")
            && stderr(&out).contains("is not in a git repository"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let repo = Repo::new();
    repo.write("infra/main.tf", &configuration());
    repo.commit("base");
    for revision in ["no-such-branch", "--output=x", "HEAD~5"] {
        let out = redshield_in(
            repo.path(),
            &["check", &format!("--diff-base={revision}"), "infra"],
        );
        assert_eq!(out.status.code(), Some(2), "{revision}");
        assert!(
            stderr(&out).contains(&format!(
                "--diff-base {revision}: no such commit in this repository"
            )),
            "{}",
            stderr(&out)
        );
    }
    assert!(!repo.path().join("x").exists());
}

#[test]
fn fail_on_new_fails_only_for_what_a_plan_introduces() {
    let plan = |case: &str| format!("{PLANS}/{case}/plan.json");
    let code = |args: &[&str]| redshield(args).status.code();
    assert_eq!(code(&["check", &plan("unchanged")]), Some(1));
    assert_eq!(
        code(&["check", "--fail-on-new", &plan("unchanged")]),
        Some(0)
    );
    assert_eq!(
        code(&["check", "--fail-on-new", &plan("opens_security_group")]),
        Some(1)
    );
    // Introduced and at or above --fail-on: RS105 is high.
    assert_eq!(
        code(&[
            "check",
            "--fail-on-new",
            "--fail-on",
            "high",
            &plan("opens_security_group")
        ]),
        Some(1)
    );
    // A new workspace: every finding is new.
    assert_eq!(
        code(&["check", "--fail-on-new", "testdata/plan/rs105/fires.json"]),
        Some(1)
    );
}
