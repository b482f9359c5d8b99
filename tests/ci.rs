//! The command line as CI runs it: failure thresholds apart from what is shown, several reports
//! from one run, quiet output, excluded paths, and paths relative to the repository.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLE: &str = "testdata/examples/redshift-analytics";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs redshield in `dir` with `env` set and GitHub's variables cleared.
fn redshield_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redshield"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CI_PROJECT_DIR");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run redshield")
}

fn redshield(args: &[&str]) -> Output {
    redshield_env(&manifest_dir(), args, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn severities(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fail_on_decides_the_exit_status_apart_from_what_is_shown() {
    // The example has high, medium and low findings.
    let all = redshield(&["check", "--format", "json", EXAMPLE]);
    assert_eq!(all.status.code(), Some(1));
    let shown = severities(&json_of(&all));
    assert!(shown.iter().any(|s| s == "low"), "{shown:?}");
    assert!(shown.iter().any(|s| s == "high"), "{shown:?}");

    // Only the low RS110 is left: shown, but below --fail-on medium.
    let low = redshield(&[
        "check",
        "--format",
        "json",
        "--select",
        "RS110",
        "--fail-on",
        "medium",
        EXAMPLE,
    ]);
    assert_eq!(low.status.code(), Some(0), "{}", stderr(&low));
    assert_eq!(severities(&json_of(&low)), vec!["low"]);

    // Severity names are case-insensitive; everything is still shown.
    let high = redshield(&["check", "--format", "json", "--fail-on", "HIGH", EXAMPLE]);
    assert_eq!(high.status.code(), Some(1));
    assert_eq!(severities(&json_of(&high)), shown);
    let shown_high = redshield(&["check", "--format", "json", "--severity", "High", EXAMPLE]);
    assert_eq!(shown_high.status.code(), Some(1));
    assert!(
        severities(&json_of(&shown_high))
            .iter()
            .all(|s| s == "high")
    );

    // The SARIF log's invocation says the same exit status as the process.
    let sarif = redshield(&[
        "check",
        "--format",
        "sarif",
        "--select",
        "RS110",
        "--fail-on",
        "high",
        EXAMPLE,
    ]);
    assert_eq!(sarif.status.code(), Some(0));
    assert_eq!(json_of(&sarif)["runs"][0]["invocations"][0]["exitCode"], 0);

    assert_eq!(
        redshield(&["check", "--fail-on", "critical", EXAMPLE])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn exit_zero_reports_findings_without_failing_but_input_errors_still_fail() {
    let out = redshield(&["check", "--exit-zero", "--format", "json", EXAMPLE]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!severities(&json_of(&out)).is_empty());
    let broken = redshield(&["check", "--exit-zero", "testdata/cli/syntax_error"]);
    assert_eq!(broken.status.code(), Some(2));
}

#[test]
fn quiet_prints_only_findings_and_input_errors() {
    let loud = stdout(&redshield(&["check", EXAMPLE]));
    let quiet = stdout(&redshield(&["check", "--quiet", EXAMPLE]));
    assert!(loud.contains("findings ("), "{loud}");
    assert!(!quiet.contains("findings ("), "{quiet}");
    assert!(quiet.contains("RS105 ingress-open-to-world"), "{quiet}");
    assert!(
        loud.starts_with(&quiet),
        "quiet output is the loud one less its tail"
    );

    let github = stdout(&redshield(&["check", "-q", "--format", "github", EXAMPLE]));
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    assert!(!github.is_empty());
    let clean = redshield(&["check", "-q", "testdata/cli/clean"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
    let broken = stdout(&redshield(&["check", "-q", "testdata/cli/syntax_error"]));
    assert!(
        broken.contains("error: testdata/cli/syntax_error/broken.tf:1:"),
        "{broken}"
    );
}

#[test]
fn one_run_writes_several_reports() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let json = dir.path().join("out.json");
    let out = redshield(&[
        "check",
        "--report",
        "github",
        "--report",
        &format!("sarif:{}", sarif.display()),
        "--report",
        &format!("JSON:{}", json.display()),
        EXAMPLE,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let github = stdout(&out);
    assert!(github.starts_with("::error file="), "{github}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let findings = json["summary"]["findings"].as_u64().unwrap();
    assert!(findings > 0);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len() as u64,
        findings
    );
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::")).count() as u64,
        findings
    );

    // --format/--output is one more report.
    let text = dir.path().join("out.txt");
    let out = redshield(&[
        "check",
        "--format",
        "text",
        "--output",
        text.to_str().unwrap(),
        "--report",
        "github",
        EXAMPLE,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("::error"));
    assert!(
        std::fs::read_to_string(&text)
            .unwrap()
            .contains("findings (")
    );
}

#[test]
fn report_targets_that_collide_are_usage_errors() {
    let usage = |args: &[&str], message: &str| {
        let out = redshield(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    };
    usage(
        &["check", "--report", "github", "--report", "json", EXAMPLE],
        "2 reports would go to standard output (github, json)",
    );
    usage(
        &["check", "--format", "text", "--report", "sarif", EXAMPLE],
        "2 reports would go to standard output (text, sarif)",
    );
    usage(
        &[
            "check",
            "--report",
            "json:same.out",
            "--report",
            "sarif:same.out",
            EXAMPLE,
        ],
        "two reports would be written to same.out",
    );
    usage(
        &["check", "--report", "yaml:x.yaml", EXAMPLE],
        "unknown format `yaml`",
    );
    usage(&["check", "--report", "json:", EXAMPLE], "is empty");
    usage(
        &[
            "check",
            "--report",
            &format!("json:{EXAMPLE}/main.tf"),
            EXAMPLE,
        ],
        "is an input; the report would overwrite it",
    );
}

#[test]
fn excluded_paths_are_not_analyzed_from_the_flag_or_the_configuration() {
    // The syntax error is an input error unless its directory is excluded.
    assert_eq!(redshield(&["check", "testdata/cli"]).status.code(), Some(2));
    let out = redshield(&["check", "--exclude", "syntax_error/", "testdata/cli"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A named file that matches is skipped too (pre-commit names files).
    let out = redshield(&[
        "check",
        "--format",
        "json",
        "--exclude",
        "broken.tf",
        "testdata/cli/syntax_error/broken.tf",
        "testdata/cli/clean",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json_of(&out)["errors"], serde_json::json!([]));
    // A module stays one input: excluding one of its files does not split it.
    let out = redshield(&[
        "check",
        "--exclude",
        "network.tf",
        "--format",
        "json",
        EXAMPLE,
    ]);
    let files = json_of(&out)["summary"]["files"].as_u64().unwrap();
    let all = json_of(&redshield(&["check", "--format", "json", EXAMPLE]))["summary"]["files"]
        .as_u64()
        .unwrap();
    assert_eq!(files, all);

    // The configuration's exclude is relative to its directory; severities in any case.
    let repo = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join("testdata/cli"), repo.path());
    std::fs::write(
        repo.path().join("redshield.toml"),
        "exclude = [\"syntax_error\"]\nseverity = \"HIGH\"\n",
    )
    .unwrap();
    let out = redshield_env(repo.path(), &["check", "--format", "json", "."], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json_of(&out)["errors"], serde_json::json!([]));
    let out = redshield_env(repo.path(), &["check", "--exclude", "{a", "."], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --exclude `{a`: "),
        "{}",
        stderr(&out)
    );
}

/// Copies the files of `from` (recursively) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A git repository with the example module in `infra/` and an empty `infra/sub/`.
fn git_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.path())
        .status()
        .expect("git is installed");
    assert!(init.success());
    copy_dir(&manifest_dir().join(EXAMPLE), &repo.path().join("infra"));
    std::fs::create_dir(repo.path().join("infra/sub")).unwrap();
    repo
}

fn sarif_uris(log: &serde_json::Value) -> Vec<String> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            artifact["uri"].as_str().unwrap().to_string()
        })
        .collect()
}

fn github_files(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_once("file=")?.1.split(',').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn sarif_and_github_paths_are_relative_to_the_git_top_level_wherever_redshield_runs() {
    let repo = git_repo();
    let root = std::fs::canonicalize(repo.path()).unwrap();
    let base = format!("file://{}/", root.display());
    for (dir, path) in [("infra", "."), ("infra/sub", ".."), ("", "infra")] {
        let cwd = root.join(dir);
        let sarif = redshield_env(&cwd, &["check", "--format", "sarif", path], &[]);
        assert_eq!(sarif.status.code(), Some(1), "{}", stderr(&sarif));
        let log = json_of(&sarif);
        let uris = sarif_uris(&log);
        assert!(!uris.is_empty());
        assert!(
            uris.iter()
                .all(|u| u == "infra/main.tf" || u == "infra/network.tf"),
            "from {dir:?} with {path}: {uris:?}"
        );
        assert_eq!(
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            base
        );
        let github = stdout(&redshield_env(
            &cwd,
            &["check", "--format", "github", path],
            &[],
        ));
        let files = github_files(&github);
        assert_eq!(files.len(), uris.len(), "{github}");
        assert!(files.iter().all(|f| f.starts_with("infra/")), "{files:?}");
    }
    // The human formats keep paths as the user sees them from the working directory.
    let text = stdout(&redshield_env(&root.join("infra"), &["check", "."], &[]));
    assert!(text.contains("main.tf:14:20"), "{text}");
    assert!(!text.contains("infra/main.tf"), "{text}");

    // An input outside the repository keeps an absolute file: URI.
    let outside = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join(EXAMPLE), outside.path());
    let outside = std::fs::canonicalize(outside.path()).unwrap();
    let log = json_of(&redshield_env(
        &root.join("infra"),
        &["check", "--format", "sarif", outside.to_str().unwrap()],
        &[],
    ));
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(
        uri["uri"].as_str().unwrap(),
        format!("file://{}/main.tf", outside.display())
    );
    assert!(uri.get("uriBaseId").is_none());
}

#[test]
fn in_github_actions_paths_are_relative_to_the_workspace_and_the_commit_is_named() {
    let workspace = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(workspace.path()).unwrap();
    copy_dir(&manifest_dir().join(EXAMPLE), &root.join("infra/warehouse"));
    let env = [
        ("GITHUB_WORKSPACE", root.to_str().unwrap()),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "octo/infra"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
        ("GITHUB_REF", "refs/heads/main"),
    ];
    let cwd = root.join("infra");
    let log = json_of(&redshield_env(
        &cwd,
        &["check", "--format", "sarif", "warehouse"],
        &env,
    ));
    assert!(
        sarif_uris(&log)
            .iter()
            .all(|u| u.starts_with("infra/warehouse/")),
        "{:?}",
        sarif_uris(&log)
    );
    assert_eq!(
        log["runs"][0]["versionControlProvenance"],
        serde_json::json!([{
            "repositoryUri": "https://github.com/octo/infra",
            "revisionId": "0123456789abcdef0123456789abcdef01234567",
            "branch": "main",
            "mappedTo": { "uriBaseId": "%SRCROOT%" }
        }])
    );
    let github = stdout(&redshield_env(
        &cwd,
        &["check", "--format", "github", "warehouse"],
        &env,
    ));
    assert!(
        github_files(&github)
            .iter()
            .all(|f| f.starts_with("infra/warehouse/")),
        "{github}"
    );
}

#[test]
fn sarif_names_the_analysis_and_each_result_carries_its_own_security_severity() {
    let log = json_of(&redshield(&["check", "--format", "sarif", EXAMPLE]));
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "redshield/");
    assert!(
        run["tool"]["driver"]["fullName"]
            .as_str()
            .unwrap()
            .starts_with("redshield ")
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rs104 = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "RS104")
        .unwrap();
    // RS104 is a high rule; a cluster that leaves publicly_accessible unset is demoted.
    assert_eq!(rs104["level"], "warning");
    assert_eq!(rs104["properties"]["security-severity"], "5.0");
    let rule = &rules[rs104["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert!(
        rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("/blob/main/docs/rules/RS104.md")
    );
    let text = serde_json::to_string(&log).unwrap().to_ascii_lowercase();
    assert!(!text.contains("seed 0"), "no internal source names");
}

fn validate(schema_path: &str, value: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_dir().join(schema_path)).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema_path}: {errors:#?}");
}

#[test]
fn gitlab_code_quality_matches_its_schema_with_repository_paths() {
    let repo = git_repo();
    let root = std::fs::canonicalize(repo.path()).unwrap();
    let out = redshield_env(
        &root.join("infra/sub"),
        &["check", "--format", "gitlab", ".."],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let issues = json_of(&out);
    validate("schemas/gitlab-codequality.schema.json", &issues);
    let issues = issues.as_array().unwrap();
    let json = json_of(&redshield_env(
        &root,
        &["check", "--format", "json", "infra"],
        &[],
    ));
    assert_eq!(
        issues.len() as u64,
        json["summary"]["findings"].as_u64().unwrap()
    );
    let rs105 = issues.iter().find(|i| i["check_name"] == "RS105").unwrap();
    assert_eq!(rs105["severity"], "critical");
    assert_eq!(rs105["location"]["path"], "infra/main.tf");
    assert_eq!(rs105["location"]["lines"]["begin"], 14);
    let fingerprints: std::collections::BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        fingerprints.len(),
        issues.len(),
        "fingerprints are distinct"
    );
    // In GitLab CI, paths are relative to CI_PROJECT_DIR.
    let out = redshield_env(
        &root.join("infra"),
        &["check", "--format", "gitlab", "."],
        &[("CI_PROJECT_DIR", root.join("infra").to_str().unwrap())],
    );
    let issues = json_of(&out);
    validate("schemas/gitlab-codequality.schema.json", &issues);
    assert!(
        issues
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["location"]["path"] == "main.tf")
    );
    // No finding: an empty array, still valid.
    let clean = json_of(&redshield(&[
        "check",
        "--format",
        "gitlab",
        "testdata/cli/clean",
    ]));
    assert_eq!(clean, serde_json::json!([]));
}

#[test]
fn junit_xml_has_a_failed_test_case_per_finding_and_an_error_per_unreadable_input() {
    let out = redshield(&["check", "--format", "junit", EXAMPLE]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let suite = suites
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let json = json_of(&redshield(&["check", "--format", "json", EXAMPLE]));
    let findings = json["summary"]["findings"].as_u64().unwrap() as usize;
    assert_eq!(cases.len(), findings);
    assert_eq!(
        suite.attribute("tests"),
        Some(findings.to_string().as_str())
    );
    assert_eq!(
        suite.attribute("failures"),
        Some(findings.to_string().as_str())
    );
    assert_eq!(suite.attribute("errors"), Some("0"));
    let rs105 = cases
        .iter()
        .find(|c| {
            c.attribute("name")
                .unwrap()
                .starts_with("RS105 ingress-open-to-world: ")
        })
        .unwrap();
    assert_eq!(
        rs105.attribute("file"),
        Some("testdata/examples/redshift-analytics/main.tf")
    );
    assert_eq!(rs105.attribute("line"), Some("14"));
    let failure = rs105
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("high"));
    assert!(failure.text().unwrap().contains("redshield explain RS105"));

    // Input errors are errors; a clean run is one passing test case.
    let broken = stdout(&redshield(&[
        "check",
        "--format",
        "junit",
        "testdata/cli/syntax_error",
    ]));
    let doc = roxmltree::Document::parse(&broken).unwrap();
    let errors: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .attribute("message")
            .unwrap()
            .contains("syntax error")
    );
    let clean = stdout(&redshield(&[
        "check",
        "--format",
        "junit",
        "testdata/cli/clean",
    ]));
    let doc = roxmltree::Document::parse(&clean).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert!(cases[0].children().all(|n| !n.has_tag_name("failure")));
}

#[test]
fn whole_modules_analyzes_the_module_of_each_named_terraform_file() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("warehouse");
    let status = Command::new("cp")
        .arg("-R")
        .arg(manifest_dir().join(EXAMPLE))
        .arg(&module)
        .status()
        .unwrap();
    assert!(status.success());
    let findings = |args: &[&str]| {
        let out = redshield_env(dir.path(), args, &[]);
        let report = json_of(&out);
        (
            out.status.code(),
            report["summary"]["findings"].as_u64().unwrap(),
        )
    };
    // network.tf alone holds no cluster: nothing to judge its routes against.
    let alone = findings(&["check", "--format", "json", "warehouse/network.tf"]);
    assert_eq!(alone, (Some(0), 0));
    // With --whole-modules it is judged with its module, and so is a .tfvars file.
    for file in ["warehouse/network.tf", "warehouse/terraform.tfvars"] {
        let whole = findings(&["check", "--whole-modules", "--format", "json", file]);
        assert_eq!(whole, (Some(1), 6), "{file}");
    }
    // Files deleted in the commit are skipped, alone or with others; a module is read once.
    let gone = findings(&[
        "check",
        "--whole-modules",
        "--format",
        "json",
        "gone/main.tf",
        "gone.yaml",
    ]);
    assert_eq!(gone, (Some(0), 0));
    let twice = findings(&[
        "check",
        "--whole-modules",
        "--format",
        "json",
        "warehouse/main.tf",
        "warehouse/gone.tf",
        "warehouse/network.tf",
    ]);
    assert_eq!(twice, (Some(1), 6));
}
