//! The command line as a user runs it: exit codes, error locations, flags, report formats
//! (snapshots) and the JSON schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn redshield(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run redshield")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = redshield(&all);
    let value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    (value, out.status.code().unwrap_or(-1))
}

fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_valid_report(report: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match the schema: {errors:#?}"
    );
}

#[test]
fn a_syntax_error_is_located_and_the_other_files_are_still_reported() {
    let out = redshield(&["check", "testdata/cli/syntax_error"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("testdata/cli/syntax_error/broken.tf:1:"),
        "{text}"
    );
    assert!(text.contains("syntax error"), "{text}");
    assert!(
        text.contains("testdata/cli/syntax_error/main.tf:8:20"),
        "{text}"
    );

    let (report, code) = json(&["testdata/cli/syntax_error"]);
    assert_eq!(code, 2);
    assert_valid_report(&report);
    let error = &report["errors"][0];
    assert_eq!(error["path"], "testdata/cli/syntax_error/broken.tf");
    assert_eq!(error["line"], 1);
    assert!(error["column"].as_u64().unwrap() > 1);
    assert!(rule_ids(&report).contains(&"RS105".to_string()));
}

#[test]
fn strict_reports_what_rests_on_unknown_values_from_the_flag_or_the_configuration() {
    let case = "testdata/hcl/rs104/strict_fires_unknown.tf";
    let (report, code) = json(&["--select", "RS104", case]);
    assert_eq!((rule_ids(&report), code), (Vec::<String>::new(), 0));
    let (report, code) = json(&["--select", "RS104", "--strict", case]);
    assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
    let finding = &report["findings"][0];
    assert!(finding["message"].as_str().unwrap().contains("unknown"));
    assert!(finding.get("fix").is_none_or(serde_json::Value::is_null));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("redshield.toml");
    std::fs::write(&config, "strict = true\n").unwrap();
    let config = config.to_str().unwrap();
    let (report, _) = json(&["--select", "RS104", "--config", config, case]);
    assert_eq!(rule_ids(&report), vec!["RS104".to_string()]);
}

#[test]
fn a_region_flag_the_provider_block_overrides_is_a_warning_at_the_provider_region() {
    let case = "testdata/examples/redshift-analytics";
    let (report, _) = json(&["--region", "eu-west-1", case]);
    assert_eq!(
        report["warnings"],
        serde_json::json!([{
            "path": "testdata/examples/redshift-analytics/versions.tf",
            "line": 13,
            "column": 12,
            "message": "--region eu-west-1 is not used here: the aws provider's region, us-east-1, is"
        }])
    );
    let (report, _) = json(&["--region", "us-east-1", case]);
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn exit_codes_follow_findings_and_severity() {
    assert_eq!(
        redshield(&["check", "testdata/cli/clean"]).status.code(),
        Some(0)
    );
    assert_eq!(
        redshield(&["check", "testdata/examples/redshift-analytics"])
            .status
            .code(),
        Some(1)
    );
    // Only the low-severity RS110 is left below high... and high findings remain: still 1.
    let (report, code) = json(&["--severity", "high", "testdata/examples/redshift-analytics"]);
    assert_eq!(code, 1);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "high")
    );
    let (report, code) = json(&["--select", "RS110", "testdata/examples/redshift-analytics"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), vec!["RS110"]);
    let (_, code) = json(&["--ignore", "RS1", "testdata/examples/redshift-analytics"]);
    assert_eq!(code, 0);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        redshield(&["check", "--select", "RS999", "."])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        redshield(&["check", "--var", "novalue", "."]).status.code(),
        Some(2)
    );
    assert_eq!(
        redshield(&["check", "--format", "yaml", "."]).status.code(),
        Some(2)
    );
    assert_eq!(redshield(&["explain", "RS999"]).status.code(), Some(2));
}

#[test]
fn a_missing_path_is_an_error_but_the_rest_is_analyzed() {
    let (report, code) = json(&["does/not/exist.tf", "testdata/cli/syntax_error/main.tf"]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["path"], "does/not/exist.tf");
    assert_eq!(report["errors"][0]["message"], "no such file or directory");
    assert!(rule_ids(&report).contains(&"RS105".to_string()));
}

#[test]
fn var_flags_override_defaults_and_tfvars() {
    let case = "testdata/hcl/rs105/fires_var_default";
    let (report, _) = json(&["--select", "RS105", case]);
    assert_eq!(rule_ids(&report), vec!["RS105"]);
    let (report, code) = json(&[
        "--select",
        "RS105",
        "--var",
        "ingress_cidrs=[\"10.0.0.0/8\"]",
        case,
    ]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    assert_eq!(code, 0);

    let dir = tempfile::tempdir().unwrap();
    let var_file = dir.path().join("open.tfvars");
    std::fs::write(&var_file, "ingress_cidrs = [\"0.0.0.0/0\"]\n").unwrap();
    let (report, _) = json(&[
        "--select",
        "RS105",
        "--var-file",
        var_file.to_str().unwrap(),
        "testdata/hcl/rs105/passes_tfvars_override",
    ]);
    assert_eq!(rule_ids(&report), vec!["RS105"]);
}

#[test]
fn the_bundled_example_reports_exactly_its_marked_findings() {
    let (report, _) = json(&["testdata/examples/redshift-analytics"]);
    assert_valid_report(&report);
    let mut found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["start_line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let mut expected = Vec::new();
    for entry in std::fs::read_dir("testdata/examples/redshift-analytics").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some((_, ids)) = line.split_once("# expect:") {
                for id in ids.split_whitespace() {
                    expected.push((
                        path.to_string_lossy().into_owned(),
                        i as u64 + 1,
                        id.to_string(),
                    ));
                }
            }
        }
    }
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn evidence_is_in_the_schema_and_the_schema_checks_it() {
    let (report, _) = json(&["testdata/examples/redshift-analytics"]);
    assert_valid_report(&report);
    let with_evidence: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("evidence").is_some())
        .collect();
    assert!(
        !with_evidence.is_empty(),
        "the example's RS103 and RS105 carry evidence"
    );
    for finding in &with_evidence {
        for hop in finding["evidence"].as_array().unwrap() {
            assert!(!hop["message"].as_str().unwrap().is_empty(), "{hop}");
            assert!(
                hop["location"]["start_line"].as_u64().unwrap() >= 1,
                "{hop}"
            );
        }
    }
    // A hop without its message, or an empty path, is not a valid report.
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let index = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f.get("evidence").is_some())
        .unwrap();
    let mut broken = report.clone();
    broken["findings"][index]["evidence"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
    let mut empty = report.clone();
    empty["findings"][index]["evidence"] = serde_json::json!([]);
    assert!(!validator.is_valid(&empty));
}

#[test]
fn report_formats_match_their_snapshots() {
    let example = "testdata/examples/redshift-analytics";
    let json_out = stdout(&redshield(&["check", "--format", "json", example]));
    insta::assert_snapshot!("report_json", json_out);
    let text_out = stdout(&redshield(&["check", example]));
    assert!(
        !text_out.contains('\u{1b}'),
        "no ANSI codes when not on a terminal"
    );
    insta::assert_snapshot!("report_text", text_out);
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = redshield(&[
        "check",
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
        "testdata/cli/clean",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_valid_report(&report);
    assert_eq!(report["summary"]["findings"], 0);
}

#[test]
fn rules_and_explain_describe_the_catalog() {
    let out = redshield(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules[0]["id"], "RS100");
    let table = stdout(&redshield(&["rules"]));
    assert!(table.contains("RS105  ingress-open-to-world"), "{table}");

    let out = redshield(&["explain", "rs105"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "RS105 ingress-open-to-world",
        "## Why is this bad?",
        "Source: \"Infrastructure security in Amazon Redshift\"",
        "```hcl",
        "Use instead:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn config_files_are_validated_with_locations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("testdata/cli/clean/main.tf", dir.path().join("main.tf")).unwrap();
    std::fs::write(
        dir.path().join("redshield.toml"),
        "severity = \"high\"\nallowed_cidr = []\n",
    )
    .unwrap();
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let error = &report["errors"][0];
    assert!(error["path"].as_str().unwrap().ends_with("redshield.toml"));
    assert_eq!(error["line"], 2);
    assert!(error["message"].as_str().unwrap().contains("allowed_cidr"));
    assert!(Path::new("schemas/config.schema.json").is_file());
}

fn redshield_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run redshield");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_plan_on_standard_input_is_analyzed() {
    let plan = std::fs::read("testdata/plan/rs105/fires.json").unwrap();
    let out = redshield_stdin(
        &["check", "--format", "json", "--select", "RS105", "-"],
        &plan,
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report);
    assert_eq!(rule_ids(&report), vec!["RS105"]);
    assert_eq!(report["findings"][0]["location"]["path"], "<stdin>");
}

#[test]
fn plan_findings_point_at_the_tf_source_beside_the_plan() {
    let (report, code) = json(&[
        "--select",
        "RS105",
        "testdata/plan/rs105/fires_with_source/plan.json",
    ]);
    assert_eq!(code, 1);
    let finding = &report["findings"][0];
    assert_eq!(
        finding["location"]["path"],
        "testdata/plan/rs105/fires_with_source/main.tf"
    );
    let marked = std::fs::read_to_string("testdata/plan/rs105/fires_with_source/main.tf")
        .unwrap()
        .lines()
        .position(|l| l.contains("# expect: RS105"))
        .unwrap();
    assert_eq!(finding["location"]["start_line"], marked as u64 + 1);
    // The plan file is still named, as a related location.
    let related: Vec<&str> = finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["path"].as_str().unwrap())
        .collect();
    assert!(
        related.contains(&"testdata/plan/rs105/fires_with_source/plan.json"),
        "{related:?}"
    );
    // --source-dir finds the source for a plan read from standard input.
    let plan = std::fs::read("testdata/plan/rs105/fires_with_source/plan.json").unwrap();
    let out = redshield_stdin(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "RS105",
            "--source-dir",
            "testdata/plan/rs105/fires_with_source",
            "-",
        ],
        &plan,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["findings"][0]["location"]["path"],
        "testdata/plan/rs105/fires_with_source/main.tf"
    );
}

#[test]
fn broken_json_and_non_plans_on_standard_input_are_located_errors() {
    let plan = std::fs::read("testdata/plan/rs105/fires.json").unwrap();
    let truncated = &plan[..plan.len() / 2];
    let out = redshield_stdin(&["check", "--format", "json", "-"], truncated);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = &report["errors"][0];
    assert_eq!(error["path"], "<stdin>");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("truncated plan JSON"),
        "{error}"
    );
    assert!(error["line"].as_u64().unwrap() > 1);
    assert!(error["column"].as_u64().is_some());

    let out = redshield_stdin(
        &["check", "--format", "json", "-"],
        b"{\"name\": \"not a plan\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("neither a Terraform plan")
    );

    let out = redshield_stdin(&["check", "-"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cloudformation_parameters_come_from_the_command_line() {
    let template = "testdata/cfn/rs104/fires_parameter.yaml";
    let (report, code) = json(&["--select", "RS104", template]);
    assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
    let (report, code) = json(&[
        "--select",
        "RS104",
        "--param",
        "PublicEndpoint=false",
        template,
    ]);
    assert_eq!((rule_ids(&report), code), (Vec::<String>::new(), 0));
}

#[test]
fn broken_templates_are_located_errors_and_never_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let cases = [
        ("syntax.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc: [\n".to_string(), "invalid YAML"),
        ("duplicate.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\nResources: {}\n".to_string(), "duplicate key `Resources`"),
        ("bomb.yaml", bomb, "alias expansion"),
        ("truncated.json", "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Vpc\": {\"Type\": \"AWS::EC2::VPC\"".to_string(), "invalid JSON"),
    ];
    for (name, text, _) in &cases {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    // An unknown tag is not an error: its value is unknown, with a warning at it.
    std::fs::write(
        dir.path().join("tag.yaml"),
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Cidrr x\n",
    )
    .unwrap();
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0]["path"].as_str().unwrap().ends_with("tag.yaml"));
    assert_eq!(
        (&warnings[0]["line"], &warnings[0]["column"]),
        (&5.into(), &18.into())
    );
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tag `!Cidrr`")
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), cases.len(), "{errors:#?}");
    for (name, _, expected) in &cases {
        let error = errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{name}: {error}"
        );
        assert!(
            error["line"].as_u64().unwrap() >= 1 && error["column"].as_u64().unwrap() >= 1,
            "{name}: {error}"
        );
    }
}

#[test]
fn yaml_and_json_that_are_not_templates_are_skipped_silently() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("workflow.yml"),
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}\n").unwrap();
    std::fs::write(
        dir.path().join("broken-k8s.yaml"),
        "apiVersion: v1\nkind: [\n",
    )
    .unwrap();
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["files"], 0);
}

#[test]
fn inline_suppressions_hide_findings_count_them_and_warn_without_a_reason() {
    let (report, code) = json(&["testdata/suppress"]);
    assert_valid_report(&report);
    assert_eq!(code, 1, "RS104 is not suppressed");
    assert_eq!(rule_ids(&report), vec!["RS104"]);
    let suppressed: Vec<(String, String)> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["suppression_reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(suppressed.contains(&(
        "RS105".into(),
        "the partner range is filtered upstream by the firewall".into()
    )));
    assert!(
        suppressed.contains(&("RS303".into(), String::new())),
        "a comment above a resource covers it"
    );
    assert!(
        suppressed
            .iter()
            .any(|(id, reason)| id == "RS101" && reason.contains("DATA-42")),
        "CloudFormation Metadata"
    );
    assert_eq!(report["summary"]["suppressed"], suppressed.len());
    let warning = &report["warnings"][0];
    assert_eq!(warning["path"], "testdata/suppress/main.tf");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("gives no reason")
    );
    // SARIF lists them as suppressed results.
    let sarif: serde_json::Value = serde_json::from_slice(
        &redshield(&["check", "--format", "sarif", "testdata/suppress"]).stdout,
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let in_source = results
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "inSource")
        .count();
    assert_eq!(in_source, suppressed.len());
    assert!(stdout(&redshield(&["check", "testdata/suppress"])).contains("suppressed inline"));
}

#[test]
fn checkov_skips_suppress_the_mapped_rule_and_keep_their_comment() {
    let (report, _) = json(&["testdata/suppress_checkov"]);
    assert_valid_report(&report);
    let suppressed: Vec<(String, String, String)> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["location"]["path"].as_str().unwrap().into(),
                f["suppression_reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            (
                "RS104".to_string(),
                "testdata/suppress_checkov/main.tf".to_string(),
                "the cluster is reached through a partner VPN only (checkov CKV_AWS_87)"
                    .to_string()
            ),
            (
                "RS112".to_string(),
                "testdata/suppress_checkov/template.yaml".to_string(),
                "COPY runs from a NAT-less VPC, tracked in DATA-77 (checkov CKV_AWS_321)"
                    .to_string()
            ),
        ]
    );
    // Only the mapped rule: RS112 still fires on the Terraform cluster, which skips only
    // CKV_AWS_87 (and CKV_AWS_20, not a Redshift check, is passed over without a warning).
    let fired: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(fired.contains(&("RS112", "testdata/suppress_checkov/main.tf")));
    assert!(!fired.iter().any(|(id, _)| *id == "RS104"));
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn baselines_hide_known_findings_and_report_gone_ones() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("stack");
    std::fs::create_dir(&work).unwrap();
    for file in [
        "main.tf",
        "network.tf",
        "variables.tf",
        "versions.tf",
        "terraform.tfvars",
        "outputs.tf",
    ] {
        std::fs::copy(
            Path::new("testdata/examples/redshift-analytics").join(file),
            work.join(file),
        )
        .unwrap();
    }
    let baseline = dir.path().join("baseline.json");
    let out = redshield(&[
        "check",
        "--write-baseline",
        baseline.to_str().unwrap(),
        work.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "writing a baseline accepts the findings"
    );
    let (report, code) = json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        work.to_str().unwrap(),
    ]);
    assert_valid_report(&report);
    assert_eq!((code, report["summary"]["findings"].as_u64()), (0, Some(0)));
    assert_eq!(report["summary"]["baselined"], 6);
    assert_eq!(report["baseline_gone"].as_array().unwrap().len(), 0);
    // Fixing one finding makes its entry gone; a new one is reported.
    let main = std::fs::read_to_string(work.join("main.tf")).unwrap();
    std::fs::write(
        work.join("main.tf"),
        main.replace("\"0.0.0.0/0\"", "\"10.0.0.0/8\""),
    )
    .unwrap();
    let (report, _) = json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        work.to_str().unwrap(),
    ]);
    let gone: Vec<&str> = report["baseline_gone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rule_id"].as_str().unwrap())
        .collect();
    // Closing the security group breaks RS100's path too.
    assert_eq!(gone, vec!["RS100", "RS105"]);
    // A broken baseline is a usage error with a location.
    std::fs::write(&baseline, "{\"version\": 1, \"findings\": [}").unwrap();
    let out = redshield(&[
        "check",
        "--baseline",
        baseline.to_str().unwrap(),
        work.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("baseline.json:1:") && stderr.contains("invalid baseline"),
        "{stderr}"
    );
}

#[test]
fn a_plan_of_an_unknown_future_format_is_read_with_a_warning() {
    let plan = std::fs::read_to_string("testdata/plan/rs104/fires.json").unwrap();
    let future = plan.replacen(
        "\"format_version\": \"1.2\"",
        "\"format_version\": \"2.0\"",
        1,
    );
    assert_ne!(plan, future);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, future).unwrap();
    let (report, code) = json(&["--select", "RS104", path.to_str().unwrap()]);
    assert_valid_report(&report);
    assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
    let warning = &report["warnings"][0];
    assert_eq!(warning["line"], 1);
    assert!(
        warning["message"].as_str().unwrap().contains("`2.0`"),
        "{warning}"
    );
}

/// The warnings and errors of a JSON report, as (path, message) pairs.
fn diagnostics(report: &serde_json::Value, key: &str) -> Vec<(String, String)> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_named_path_that_is_not_analyzed_is_a_warning_and_one_that_cannot_be_read_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(dir.path().join("x.tf")).unwrap();
    std::fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    std::fs::write(dir.path().join("prod.tfvars"), "public = true\n").unwrap();
    // UTF-32 with a byte-order mark: `{}`.
    std::fs::write(
        dir.path().join("utf32.json"),
        b"\xFF\xFE\x00\x00{\x00\x00\x00}\x00\x00\x00",
    )
    .unwrap();

    // Named but not analyzed: warnings, exit 0.
    for (name, says) in [
        ("x.tf", "nothing analyzed"),
        ("README.md", "neither a Terraform plan"),
        ("prod.tfvars", "--var-file"),
    ] {
        let (report, code) = json(&[&p(name)]);
        assert_valid_report(&report);
        let warnings = diagnostics(&report, "warnings");
        assert_eq!(code, 0, "{name}: {report}");
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        assert!(warnings[0].0.ends_with(name), "{warnings:?}");
        assert!(warnings[0].1.contains(says), "{warnings:?}");
    }

    // Named but unreadable: errors, exit 2, and the rest is still analyzed.
    let plan = "testdata/plan/rs104/fires.json";
    let (report, code) = json(&["--select", "RS104", &p("utf32.json"), plan]);
    assert_eq!(code, 2);
    assert_eq!(rule_ids(&report), vec!["RS104".to_string()]);
    let errors = diagnostics(&report, "errors");
    assert!(errors[0].1.contains("UTF-32"), "{errors:?}");

    #[cfg(unix)]
    {
        let (report, code) = json(&["/dev/zero"]);
        assert_eq!(code, 2);
        assert!(diagnostics(&report, "errors")[0].1.contains("binary"));

        // A named pipe is read like a file: `redshield check <(terraform show -json tf.plan)`.
        let fifo = dir.path().join("plan.pipe");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::fs::write(&fifo, std::fs::read_to_string(plan).unwrap()).unwrap();
            })
        };
        let (report, code) = json(&["--select", "RS104", fifo.to_str().unwrap()]);
        writer.join().unwrap();
        assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
    }
}

#[test]
fn modules_installed_by_terraform_init_are_analyzed_and_missing_ones_are_named_once() {
    // With .terraform/modules/modules.json: the cluster inside the registry module is found,
    // in the module's file, named by the calling module block; its fix is withheld.
    let case = "testdata/hcl/rs104/fires_registry_module";
    let (report, code) = json(&["--select", "RS104", case]);
    assert_valid_report(&report);
    assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
    let finding = &report["findings"][0];
    assert_eq!(
        finding["location"]["path"],
        format!("{case}/.terraform/modules/redshift/main.tf")
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("module.redshift.aws_redshift_cluster.this"),
        "{finding}"
    );
    assert!(finding.get("fix").is_none_or(serde_json::Value::is_null));
    let out = redshield(&["check", "--diff", "--select", "RS104", case]);
    assert!(
        stdout(&out).contains("no fix: the fix would edit a module that terraform init downloaded")
    );

    // Without it: one warning per module call, at its source, however many instances.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"redshift\" {\n  source = \"terraform-aws-modules/redshift/aws\"\n  count  = 2\n}\n\n\
         module \"net\" {\n  source = \"git::https://example.com/net.git\"\n}\n",
    )
    .unwrap();
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    let warnings = diagnostics(&report, "warnings");
    let messages: Vec<&str> = warnings.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "module redshift from the registry was not analyzed: run terraform init or analyze the plan",
            "module net from `git::https://example.com/net.git` was not analyzed: run terraform init or analyze the plan",
        ]
    );
    assert_eq!(report["warnings"][0]["line"], 2);
    assert_eq!(report["warnings"][0]["column"], 12);
}

/// A public cluster in Terraform's JSON syntax (issue 15).
const PUBLIC_CLUSTER_JSON: &str = r#"{
  "resource": {
    "aws_redshift_cluster": {
      "dw": {
        "cluster_identifier": "dw",
        "node_type": "ra3.xlplus",
        "publicly_accessible": true
      }
    }
  }
}
"#;

#[test]
fn a_public_cluster_in_terraform_json_is_reported_at_its_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.tf.json");
    std::fs::write(&file, PUBLIC_CLUSTER_JSON).unwrap();
    for path in [file.as_path(), dir.path()] {
        let (report, code) = json(&["--select", "RS104", path.to_str().unwrap()]);
        assert_valid_report(&report);
        assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 1));
        let location = &report["findings"][0]["location"];
        assert!(
            location["path"].as_str().unwrap().ends_with("main.tf.json"),
            "{location}"
        );
        assert_eq!(
            (&location["start_line"], &location["start_column"]),
            (&7.into(), &32.into())
        );
        assert_eq!(
            report["warnings"].as_array().map(Vec::len),
            Some(0),
            "{report}"
        );
        assert_eq!(report["summary"]["files"], 1);
    }
    // Its fix is withheld, saying why, and the file is left alone.
    let out = redshield(&[
        "check",
        "--diff",
        "--select",
        "RS104",
        file.to_str().unwrap(),
    ]);
    assert!(
        stdout(&out).contains("no fix: fixes are not made in Terraform JSON syntax"),
        "{}",
        stdout(&out)
    );
    let out = redshield(&[
        "check",
        "--fix",
        "--select",
        "RS104",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("main.tf.json:7:32: RS104 not fixed: fixes are not made in Terraform JSON"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), PUBLIC_CLUSTER_JSON);
}

#[test]
fn invalid_terraform_json_is_located_and_the_rest_of_the_module_is_analyzed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf.json"), PUBLIC_CLUSTER_JSON).unwrap();
    std::fs::write(
        dir.path().join("broken.tf.json"),
        "{\n  \"locals\": {\n    \"a\": [1,, 2]\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("template.tf.json"),
        "{\n  \"locals\": {\"b\": \"${var.}\"}\n}\n",
    )
    .unwrap();
    let (report, code) = json(&["--select", "RS104", dir.path().to_str().unwrap()]);
    assert_valid_report(&report);
    assert_eq!((rule_ids(&report), code), (vec!["RS104".to_string()], 2));
    let errors: Vec<(String, u64, u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1, errors[0].2),
        ("broken.tf.json", 3, 13)
    );
    assert!(errors[0].3.starts_with("invalid JSON"), "{errors:?}");
    assert_eq!(
        (errors[1].0.as_str(), errors[1].1, errors[1].2),
        ("template.tf.json", 2, 19)
    );
    assert!(errors[1].3.starts_with("invalid template"), "{errors:?}");
}

#[test]
fn a_comment_property_in_terraform_json_suppresses_the_resource() {
    let dir = tempfile::tempdir().unwrap();
    let text = PUBLIC_CLUSTER_JSON.replace(
        "\"cluster_identifier\"",
        "\"//\": \"redshield:ignore RS104 reached through the partner VPN only\",\n        \"cluster_identifier\"",
    );
    std::fs::write(dir.path().join("main.tf.json"), text).unwrap();
    let (report, code) = json(&["--select", "RS104", dir.path().to_str().unwrap()]);
    assert_valid_report(&report);
    assert_eq!((rule_ids(&report), code), (Vec::<String>::new(), 0));
    assert_eq!(report["suppressed"][0]["rule_id"], "RS104");
    assert_eq!(
        report["suppressed"][0]["suppression_reason"],
        "reached through the partner VPN only"
    );
}

#[test]
fn an_unknown_tag_is_an_unknown_value_with_a_warning_and_the_rest_is_still_reported() {
    let case = "testdata/cfn/rs104/fires_unknown_tag.yaml";
    let (report, code) = json(&["--select", "RS104", case]);
    assert_valid_report(&report);
    assert_eq!(code, 1, "a warning is not an input error");
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(
        report["warnings"],
        serde_json::json!([{
            "path": case,
            "line": 61,
            "column": 23,
            "message": "unknown tag `!Rain::Embed` (not a CloudFormation intrinsic function): its value is unknown"
        }])
    );
    assert_eq!(rule_ids(&report), vec!["RS104".to_string()]);
    assert_eq!(report["findings"][0]["location"]["start_line"], 66);
    let text = stdout(&redshield(&["check", "--select", "RS104", case]));
    assert!(
        text.contains(&format!(
            "warning: {case}:61:23: unknown tag `!Rain::Embed`"
        )),
        "{text}"
    );
}

#[test]
fn documents_after_the_first_of_a_yaml_file_are_ignored_with_a_warning() {
    let case = "testdata/cfn/rs104/fires_multi_document.yaml";
    let (report, code) = json(&["--select", "RS104", case]);
    assert_valid_report(&report);
    assert_eq!((code, &report["errors"]), (1, &serde_json::json!([])));
    assert_eq!(
        report["warnings"],
        serde_json::json!([{
            "path": case,
            "line": 65,
            "column": 1,
            "message": "the YAML document starting on line 65 is ignored: CloudFormation reads only the first document of a file"
        }])
    );
    // The second document's public cluster is not read.
    assert_eq!(rule_ids(&report), vec!["RS104".to_string()]);
    assert_eq!(report["summary"]["resources"], 6);
}

/// Runs redshield in `dir`.
fn redshield_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run redshield")
}

/// A directory `ex` holding RS104's firing module as `ex/main.tf`.
fn example_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ex")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hcl/rs104/fires.tf"),
        dir.path().join("ex/main.tf"),
    )
    .unwrap();
    dir
}

fn assert_usage_error(out: &Output, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, format!("error: {message}\n"));
    assert!(out.stdout.is_empty(), "{}", stdout(out));
}

#[test]
fn an_output_file_that_is_an_input_is_a_usage_error_and_the_input_is_kept() {
    let dir = example_module();
    let original = std::fs::read(dir.path().join("ex/main.tf")).unwrap();
    std::os::unix::fs::symlink("ex/main.tf", dir.path().join("link.tf")).unwrap();
    std::fs::write(dir.path().join("vars.tfvars"), "x = 1\n").unwrap();
    for (args, shown) in [
        (
            &["check", "ex/main.tf", "--output", "ex/main.tf"][..],
            "ex/main.tf",
        ),
        (
            &["check", "./ex/main.tf", "--output", "ex/../ex/main.tf"],
            "./ex/main.tf",
        ),
        // Read by walking the directory: the file the analysis read.
        (&["check", "ex", "--output", "ex/main.tf"], "ex/main.tf"),
        // A symbolic link to an input resolves to it.
        (&["check", "ex", "--output", "link.tf"], "ex/main.tf"),
        (
            &[
                "check",
                "ex",
                "--var-file",
                "vars.tfvars",
                "--output",
                "vars.tfvars",
            ],
            "vars.tfvars",
        ),
    ] {
        let out = redshield_in(dir.path(), args);
        let output = args[args.len() - 1];
        assert_usage_error(
            &out,
            &format!(
                "--output {output}: {shown} is an input; the report would overwrite it (write \
                 the report elsewhere)"
            ),
        );
        assert_eq!(
            std::fs::read(dir.path().join("ex/main.tf")).unwrap(),
            original
        );
    }
    // Another file is written as before.
    let out = redshield_in(dir.path(), &["check", "ex", "--output", "report.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        std::fs::read_to_string(dir.path().join("report.txt"))
            .unwrap()
            .contains("RS104")
    );
}

#[test]
fn empty_selections_and_selections_of_no_rule_are_usage_errors() {
    let dir = example_module();
    let empty =
        "an empty rule ID; name rule IDs or prefixes, comma-separated (see `redshield rules`)";
    for (args, message) in [
        (&["--select", ""][..], format!("--select: {empty}")),
        (&["--select", ","], format!("--select: {empty}")),
        (&["--select", "RS104,"], format!("--select: {empty}")),
        (&["--ignore", ""], format!("--ignore: {empty}")),
        (
            &["--select", "RS1", "--ignore", "RS1"],
            "no rule is selected: --select RS1 with --ignore RS1 leaves no rule to run".into(),
        ),
        (
            &["--select", "RS104", "--ignore", "RS"],
            "no rule is selected: --select RS104 with --ignore RS leaves no rule to run".into(),
        ),
        (
            &["--ignore", "RS"],
            "no rule is selected: --ignore RS leaves no rule to run".into(),
        ),
    ] {
        let mut all = vec!["check", "ex"];
        all.extend_from_slice(args);
        assert_usage_error(&redshield_in(dir.path(), &all), &message);
    }
    let out = redshield_in(
        dir.path(),
        &["check", "ex", "--select", "RS1", "--ignore", "RS11"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

#[test]
fn a_region_that_is_not_an_aws_region_is_a_usage_error() {
    let dir = example_module();
    assert_usage_error(
        &redshield_in(dir.path(), &["check", "ex", "--region", ""]),
        "--region: the region is empty",
    );
    for region in ["xx-notreal-9", "GLOBAL", "us-east-1 ", "US-EAST-1"] {
        assert_usage_error(
            &redshield_in(dir.path(), &["check", "ex", "--region", region]),
            &format!(
                "--region `{region}` is not an AWS region (as us-east-1; --ip-ranges adds the \
                 regions of a newer ip-ranges.json)"
            ),
        );
    }
    for region in ["eu-west-1", "eusc-de-east-1", "cn-north-1", "us-gov-west-1"] {
        let out = redshield_in(dir.path(), &["check", "ex", "--region", region]);
        assert_eq!(out.status.code(), Some(1), "{region}: {}", stdout(&out));
    }
    // A newer ip-ranges.json adds its regions.
    std::fs::write(
        dir.path().join("ip-ranges.json"),
        r#"{"prefixes": [{"ip_prefix": "52.216.0.0/15", "region": "xx-notreal-9", "service": "S3"}],
            "ipv6_prefixes": []}"#,
    )
    .unwrap();
    let out = redshield_in(
        dir.path(),
        &[
            "check",
            "ex",
            "--ip-ranges",
            "ip-ranges.json",
            "--region",
            "xx-notreal-9",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fix_with_standard_input_is_a_usage_error() {
    let dir = example_module();
    for args in [&["check", "--fix", "-"][..], &["check", "--fix", "ex", "-"]] {
        assert_usage_error(
            &redshield_in(dir.path(), args),
            "--fix cannot change standard input (-): name the files to fix, or use --diff",
        );
    }
}

#[test]
fn a_file_named_with_its_directory_is_analyzed_once() {
    let dir = example_module();
    std::fs::create_dir(dir.path().join("ex/sub")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cfn/rs105/fires.json"),
        dir.path().join("ex/sub/stack.json"),
    )
    .unwrap();
    let summary = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = redshield_in(dir.path(), &all);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids = rule_ids(&report);
        ids.sort();
        (report["summary"].clone(), ids)
    };
    let once = summary(&["ex"]);
    assert_eq!(once.0["files"], 2);
    for args in [
        &["ex/main.tf", "ex", "./ex/main.tf"][..],
        &["ex", "./ex", "ex/"],
        &[
            "ex",
            "ex/sub",
            "ex/sub/stack.json",
            "./ex/sub/../sub/stack.json",
        ],
        &["ex/main.tf", "./ex/main.tf", "ex/sub/stack.json", "ex"],
    ] {
        assert_eq!(summary(args), once, "{args:?}");
    }
    // A file named twice without its directory is one module too.
    assert_eq!(summary(&["ex/main.tf", "./ex/main.tf"]).0["files"], 1,);
}

/// A configuration several units use (two templates and a Terraform module below them), read
/// for a template's region and again for its rules, is still one configuration: each of its
/// messages is reported once, as is the reason its directory's units run no rule.
#[test]
fn each_configuration_message_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let template = std::fs::read_to_string("testdata/cfn/rs105/fires.yaml").unwrap();
    let module = std::fs::read_to_string("testdata/cli/clean/main.tf").unwrap();
    for unit in ["broken", "odd"] {
        write(&format!("{unit}/one.yaml"), &template);
        write(&format!("{unit}/two.yaml"), &template);
        write(&format!("{unit}/tf/main.tf"), &module);
    }
    write("broken/redshield.toml", "region = \n");
    write(
        "odd/redshield.toml",
        "allowed_cidrs = [\"nowhere\"]\n[limits]\ninstances = 50\n",
    );
    write("run.toml", "strict = 1\n");
    let root = dir.path().to_str().unwrap();
    let messages = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let path = m["path"].as_str().unwrap();
                let path = path.strip_prefix(root).unwrap_or(path);
                format!("{path}: {}", m["message"].as_str().unwrap())
            })
            .collect()
    };
    let (report, code) = json(&[root]);
    assert_eq!(code, 2);
    assert_eq!(
        messages(&report["errors"]),
        [
            "/broken/redshield.toml: string values must be quoted, expected literal string",
            "/odd: allowed_cidrs: `nowhere` is not a CIDR",
            "/odd/tf: allowed_cidrs: `nowhere` is not a CIDR",
        ]
    );
    assert_eq!(
        messages(&report["warnings"]),
        [
            "/odd/redshield.toml: [limits] not used: limits apply to the whole run and are \
             read from --config or the redshield.toml found from the working directory"
        ]
    );

    // One configuration for every unit: its error is reported once.
    let config = dir.path().join("run.toml");
    let (report, code) = json(&["--config", config.to_str().unwrap(), root]);
    assert_eq!(code, 2);
    assert_eq!(
        messages(&report["errors"]),
        ["/run.toml: invalid type: integer `1`, expected a boolean"]
    );
}

/// Jobs overlap in what they read: a local module two root modules call is read by both, and
/// what is wrong with it is reported once.
#[test]
fn a_module_two_root_modules_call_is_reported_on_once() {
    let dir = tempfile::tempdir().unwrap();
    for root in ["one", "two"] {
        std::fs::create_dir_all(dir.path().join(root)).unwrap();
        std::fs::write(
            dir.path().join(root).join("main.tf"),
            "module \"shared\" {\n  source = \"../shared\"\n}\nmodule \"gone\" {\n  source = \"../gone\"\n}\n",
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::fs::write(
        dir.path().join("shared/main.tf"),
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \n}\n",
    )
    .unwrap();
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let paths: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{report:#}");
    assert!(
        paths[0].ends_with("gone") && paths[1].ends_with("shared/main.tf"),
        "{paths:?}"
    );
}

/// SARIF results as (rule, file, line, related files).
fn sarif_results(log: &serde_json::Value) -> Vec<(String, String, u64, Vec<String>)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            let related = r["relatedLocations"]
                .as_array()
                .map(|rs| {
                    rs.iter()
                        .map(|x| {
                            x["physicalLocation"]["artifactLocation"]["uri"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                r["ruleId"].as_str().unwrap().to_string(),
                at["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                at["region"]["startLine"].as_u64().unwrap(),
                related,
            )
        })
        .collect()
}

#[test]
fn a_plan_analyzed_with_its_source_reports_each_finding_once_at_the_source() {
    // The directory holds the plan and its .tf configuration: both are read, and each
    // finding is one SARIF result at the .tf line, with the plan related.
    let dir = "testdata/plan/rs105/fires_with_source";
    // The rules this case was written for (rules added later may judge plan and source apart).
    let select = "RS105,RS110,RS206,RS303";
    let out = redshield(&["check", "--format", "sarif", "--select", select, dir]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif_results(&log);
    let mut places: Vec<(String, String, u64)> = results
        .iter()
        .map(|(rule, file, line, _)| (rule.clone(), file.clone(), *line))
        .collect();
    places.dedup();
    assert_eq!(places.len(), results.len(), "{results:#?}");
    assert_eq!(results.len(), 4, "{results:#?}");
    for (rule, file, _, related) in &results {
        assert_eq!(file, &format!("{dir}/main.tf"), "{rule}");
        assert!(
            related.contains(&format!("{dir}/plan.json")),
            "{rule}: {related:?}"
        );
    }
    // The .tf files alone find the same: the plan adds no finding and loses none here.
    let alone = redshield(&[
        "check",
        "--format",
        "sarif",
        "--select",
        select,
        &format!("{dir}/main.tf"),
    ]);
    let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
    let mut rules_alone: Vec<String> = sarif_results(&alone).into_iter().map(|r| r.0).collect();
    let mut rules: Vec<String> = results.into_iter().map(|r| r.0).collect();
    rules_alone.sort();
    rules.sort();
    assert_eq!(rules, rules_alone);
}

#[test]
fn a_plan_on_standard_input_maps_only_to_tf_files_of_its_own_configuration() {
    let plan = std::fs::read("testdata/plan/rs105/fires_with_source/plan.json").unwrap();
    let run_in = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
            .args(["check", "--format", "json", "--select", "RS105", "-"])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(&plan)?;
                child.wait_with_output()
            })
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // In its own configuration's directory: the finding is at the .tf line.
    let own = tempfile::tempdir().unwrap();
    std::fs::copy(
        "testdata/plan/rs105/fires_with_source/main.tf",
        own.path().join("main.tf"),
    )
    .unwrap();
    let report = run_in(own.path());
    assert_eq!(report["findings"][0]["location"]["path"], "main.tf");
    assert_eq!(report["warnings"], serde_json::json!([]));

    // Beside a decoy main.tf with a security group of the same address but other resources,
    // nothing moves onto the decoy: the finding stays in the plan, and a warning says why.
    let decoy = tempfile::tempdir().unwrap();
    std::fs::write(
        decoy.path().join("main.tf"),
        "resource \"aws_security_group\" \"redshift\" {\n  name = \"unrelated\"\n}\n\n\
         resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
    )
    .unwrap();
    let report = run_in(decoy.path());
    assert_eq!(report["findings"][0]["location"]["path"], "<stdin>");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["path"], "<stdin>");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("the .tf files in . are not this plan's configuration")
            && message.contains("--source-dir"),
        "{message}"
    );
}

/// A security group shared by `n` clusters, the first `gap` blank lines below it: RS206
/// relates every cluster to the group.
fn shared_group(n: usize, gap: usize) -> String {
    let mut tf = String::from(
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\n\
         resource \"aws_subnet\" \"a\" {\n  vpc_id            = aws_vpc.main.id\n  \
         cidr_block        = \"10.0.1.0/24\"\n  availability_zone = \"us-east-1a\"\n}\n\n\
         resource \"aws_redshift_subnet_group\" \"main\" {\n  name       = \"main\"\n  \
         subnet_ids = [aws_subnet.a.id]\n}\n\n\
         resource \"aws_security_group\" \"redshift\" {\n  name   = \"redshift\"\n  \
         vpc_id = aws_vpc.main.id\n}\n",
    );
    tf.push_str(&"\n".repeat(gap));
    for i in 0..n {
        tf.push_str(&format!(
            "\nresource \"aws_redshift_cluster\" \"w{i:02}\" {{\n  cluster_identifier        = \"w{i:02}\"\n  \
             node_type                 = \"ra3.xlplus\"\n  cluster_subnet_group_name = aws_redshift_subnet_group.main.name\n  \
             vpc_security_group_ids    = [aws_security_group.redshift.id]\n  publicly_accessible       = false\n}}\n"
        ));
    }
    tf
}

/// A finding that relates many places draws a dozen of them in the text excerpt and says how
/// many more there are; the JSON report lists them all.
#[test]
fn the_text_report_draws_a_dozen_related_places_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), shared_group(14, 0)).unwrap();
    let path = dir.path().to_str().unwrap();
    let text = stdout(&redshield(&["check", "--select", "RS206", path]));
    assert_eq!(
        text.matches("warehouse aws_redshift_cluster.w").count(),
        12,
        "{text}"
    );
    assert!(
        text.contains("2 more related locations are not shown here: the json, sarif and markdown reports list them all"),
        "{text}"
    );
    let (report, _) = json(&["--select", "RS206", path]);
    let related = report["findings"][0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 14, "{report}");
}

/// Labels of one file far apart are quoted as separate excerpts of the file, each with its
/// own header, not as one excerpt spanning the lines between.
#[test]
fn far_apart_places_of_one_file_are_quoted_as_separate_excerpts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), shared_group(1, 300)).unwrap();
    let path = dir.path().to_str().unwrap();
    let text = stdout(&redshield(&["check", "--select", "RS206", path]));
    assert_eq!(text.matches("─[ ").count(), 2, "{text}");
    let near = tempfile::tempdir().unwrap();
    std::fs::write(near.path().join("main.tf"), shared_group(1, 0)).unwrap();
    let text = stdout(&redshield(&[
        "check",
        "--select",
        "RS206",
        near.path().to_str().unwrap(),
    ]));
    assert_eq!(text.matches("─[ ").count(), 1, "{text}");
}

/// The passwords `testdata/secrets` writes (and its plan holds).
const PASSWORDS: [&str; 5] = [
    "Cli-Secret-Literal-1",
    "Cli-Secret-Default-2",
    "Cli-Secret-Yaml-3",
    "Cli-Secret-Param-4",
    "Rs407-Fixture-Given-1",
];

/// Every report format, with fix diffs, a baseline and a report written to a file, shows no
/// password: not in source excerpts (the password lines are quoted by RS407 and by the
/// findings beside them), not in diffs (a fix next to a password line shows it as context, and
/// RS407's fix removes it), not in messages; with RS407 ignored too (the masking does not
/// depend on the rule), and while `--fix` rewrites the files.
#[test]
fn a_password_is_printed_by_no_report_format() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["main.tf", "template.yaml"] {
        std::fs::copy(
            Path::new("testdata/secrets").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    std::fs::create_dir(dir.path().join("plan")).unwrap();
    std::fs::copy(
        "testdata/secrets/plan/plan.json",
        dir.path().join("plan/plan.json"),
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let baseline = dir.path().join("baseline.json");
    let written = dir.path().join("report.sarif");
    let leaks = |what: &str, text: &str| -> Vec<String> {
        PASSWORDS
            .iter()
            .filter(|p| text.contains(*p))
            .map(|p| format!("{what} shows {p}"))
            .collect()
    };
    let mut problems = Vec::new();
    let mut masked = 0;
    for format in [
        "text", "json", "sarif", "github", "markdown", "junit", "gitlab",
    ] {
        for ignore in [None, Some("RS407")] {
            let mut args = vec!["check", "--format", format, "--diff", root];
            if let Some(id) = ignore {
                args.extend(["--ignore", id]);
            }
            let out = redshield(&args);
            assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
            let shown = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
            masked += shown.matches("********").count();
            problems.extend(leaks(
                &format!("--format {format} (ignore {ignore:?})"),
                &shown,
            ));
        }
    }
    assert!(
        masked > 20,
        "only {masked} masks: the reports quote little source"
    );
    let out = redshield(&[
        "check",
        "--write-baseline",
        baseline.to_str().unwrap(),
        "--report",
        &format!("sarif:{}", written.display()),
        root,
    ]);
    problems.extend(leaks("text with --report", &stdout(&out)));
    problems.extend(leaks(
        "the baseline",
        &std::fs::read_to_string(&baseline).unwrap(),
    ));
    problems.extend(leaks(
        "the SARIF file",
        &std::fs::read_to_string(&written).unwrap(),
    ));
    let out = redshield(&["check", "--fix", root]);
    let shown = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    problems.extend(leaks("--fix", &shown));
    assert!(problems.is_empty(), "{problems:#?}");
    // The fix removed the literal that was the attribute's own value.
    let fixed = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    assert!(!fixed.contains("Cli-Secret-Literal-1"), "{fixed}");
    assert!(fixed.contains("manage_master_password = true"), "{fixed}");
}
