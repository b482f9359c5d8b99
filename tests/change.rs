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
