//! The report formats where users run redshield: SARIF for code scanning (structure, the
//! official schema, stable fingerprints), GitHub workflow commands and the step summary,
//! Markdown for pull-request comments; and the GitHub Action and pre-commit hook manifests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

const EXAMPLE: &str = "testdata/examples/redshift-analytics";

fn redshield_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redshield"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("run redshield")
}

fn redshield(args: &[&str]) -> Output {
    redshield_in(Path::new("."), args, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The SARIF log of `path` analyzed in `dir`, with `dir` as the workspace.
fn sarif_in(dir: &Path, path: &str) -> Value {
    let workspace = std::path::absolute(dir).unwrap();
    let out = redshield_in(
        dir,
        &["check", "--format", "sarif", path],
        &[("GITHUB_WORKSPACE", workspace.to_str().unwrap())],
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

fn sarif(path: &str) -> Value {
    sarif_in(Path::new("."), path)
}

/// The checkout's directory as the SARIF base URI, replaced by a placeholder: it differs
/// between checkouts.
fn without_checkout(sarif: &str) -> String {
    let root = format!("\"file://{}/\"", env!("CARGO_MANIFEST_DIR"));
    assert!(sarif.contains(&root), "{root}");
    sarif.replace(&root, "\"file:///CHECKOUT/\"")
}

#[test]
fn sarif_github_and_markdown_match_their_snapshots() {
    for format in ["sarif", "github", "markdown"] {
        // The checkout as the workspace, without a repository URL or commit to name.
        let out = redshield_in(
            Path::new("."),
            &["check", "--format", format, EXAMPLE],
            &[("GITHUB_WORKSPACE", env!("CARGO_MANIFEST_DIR"))],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: findings exit 1");
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "{format}: no ANSI codes");
        let text = if format == "sarif" {
            without_checkout(&text)
        } else {
            text
        };
        insta::assert_snapshot!(format, text);
    }
}

#[test]
fn sarif_describes_every_rule_and_points_results_at_them() {
    let log = sarif(EXAMPLE);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "redshield");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let all: Vec<&str> = redshield::rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids, all, "every rule of the catalog, in catalog order");
    for (rule, meta) in rules.iter().zip(redshield::rules::ALL) {
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.contains("##"), "{full}");
        assert_eq!(rule["help"]["markdown"], meta.documentation().trim());
        let level = match meta.severity.as_str() {
            "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&severity));
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")));
        // helpUri names the rule's source file, whose doc comment is its documentation.
        let help_uri = rule["helpUri"].as_str().unwrap();
        let (_, file) = help_uri.split_once("/blob/main/").unwrap();
        assert!(Path::new(file).is_file(), "{help_uri}");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = std::iter::once(&result["locations"][0])
            .chain(result["relatedLocations"].as_array().into_iter().flatten());
        for location in locations {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.starts_with(EXAMPLE) && !uri.contains('\\'), "{uri}");
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &physical["region"];
            let n = |key: &str| region[key].as_u64().unwrap();
            assert!(
                n("startLine") >= 1 && n("startColumn") >= 1,
                "1-based: {region}"
            );
            assert!(n("endLine") >= n("startLine"), "{region}");
            if n("endLine") == n("startLine") {
                assert!(n("endColumn") > n("startColumn"), "{region}");
            }
        }
        let fingerprint = result["partialFingerprints"]["redshieldFingerprint/v1"]
            .as_str()
            .unwrap();
        let (hash, occurrence) = fingerprint.split_once(':').unwrap();
        assert!(hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(occurrence.parse::<u32>().unwrap() >= 1);
    }
    // RS100, the most severe finding redshield makes, scores above the high band, and its
    // evidence is a code flow: the hops in order, each located with a message.
    let rs100 = results.iter().find(|r| r["ruleId"] == "RS100").unwrap();
    assert_eq!(rs100["properties"]["security-severity"], "9.5");
    let rs100_rule = &rules[usize::try_from(rs100["ruleIndex"].as_u64().unwrap()).unwrap()];
    assert_eq!(rs100_rule["properties"]["security-severity"], "9.5");
    let hops = rs100["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert!(hops.len() >= 5, "{hops:?}");
    for hop in hops {
        assert!(
            !hop["location"]["message"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(
            hop["location"]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    // RS104 fires at medium here because of a default: the result's level is its own.
    let rs104 = results.iter().find(|r| r["ruleId"] == "RS104").unwrap();
    assert_eq!(rs104["level"], "warning");
    let rs104_rule = &rules[usize::try_from(rs104["ruleIndex"].as_u64().unwrap()).unwrap()];
    assert_eq!(rs104_rule["defaultConfiguration"]["level"], "error");

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("toolExecutionNotifications").is_none());
}

#[test]
fn input_errors_are_sarif_tool_execution_notifications() {
    let log = sarif("testdata/cli/syntax_error");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .contains("syntax error")
    );
    let physical = &notification["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "testdata/cli/syntax_error/broken.tf"
    );
    assert_eq!(physical["region"]["startLine"], 1);
    // The other file is still analyzed.
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
}

fn sarif_schema_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/sarif-2.1.0.json").unwrap())
            .unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_official_sarif_2_1_0_schema() {
    let validator = sarif_schema_validator();
    for input in [EXAMPLE, "testdata/cli/syntax_error", "testdata/cli/clean"] {
        let log = sarif(input);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{input}: {errors:#?}");
    }
    // The validator is not vacuous: a result without a message is rejected.
    let mut broken = sarif(EXAMPLE);
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

/// Fingerprints by (rule, resource, message), for comparing two runs.
fn fingerprints(log: &Value) -> BTreeMap<(String, String, String), String> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["properties"]["resource"].as_str().unwrap().to_string(),
                    r["message"]["text"].as_str().unwrap().to_string(),
                ),
                r["partialFingerprints"]["redshieldFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn start_lines(log: &Value) -> BTreeSet<(String, u64)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            (
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                physical["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_edits_that_only_move_lines() {
    // The same relative path in both runs: the original from testdata/examples, the copy from
    // a temporary directory, with a blank line inserted at the top of main.tf.
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("redshift-analytics");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(EXAMPLE).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
    }
    let main_tf = copy.join("main.tf");
    let text = std::fs::read_to_string(&main_tf).unwrap();
    std::fs::write(&main_tf, format!("\n{text}")).unwrap();

    let before = sarif_in(Path::new("testdata/examples"), "redshift-analytics");
    let after = sarif_in(temp.path(), "redshift-analytics");
    assert_ne!(
        start_lines(&before),
        start_lines(&after),
        "the findings in main.tf moved down a line"
    );
    let (before, after) = (fingerprints(&before), fingerprints(&after));
    assert_eq!(before.len(), 6);
    assert_eq!(before, after);
    let distinct: BTreeSet<&String> = before.values().collect();
    assert_eq!(distinct.len(), before.len(), "fingerprints are distinct");
}

#[test]
fn github_format_is_one_workflow_command_per_finding_then_a_summary() {
    let out = redshield(&["check", "--format", "github", EXAMPLE]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].starts_with(
        "::error file=testdata/examples/redshift-analytics/main.tf,line=14,col=20,endLine=14,\
         endColumn=31,title=RS105 ingress-open-to-world::security group"
    ));
    assert!(lines.iter().any(|l| l.starts_with("::warning ")));
    assert!(lines.iter().any(|l| l.starts_with("::notice ")));
    assert!(lines[6].starts_with("redshield: 6 findings (3 high, 2 medium, 1 low)"));

    let out = redshield(&["check", "--format", "github", "testdata/cli/syntax_error"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let error = text
        .lines()
        .find(|l| l.starts_with("::error file=testdata/cli/syntax_error/broken.tf,line=1,col="))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(error.contains("::syntax error"), "{error}");
}

#[test]
fn github_format_appends_a_markdown_summary_to_the_step_summary() {
    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    std::fs::write(&summary, "previous\n").unwrap();
    let summary_env = summary.to_str().unwrap();
    let out = redshield_in(
        Path::new("."),
        &["check", "--format", "github", EXAMPLE],
        &[("GITHUB_STEP_SUMMARY", summary_env)],
    );
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("previous\n"), "{written}");
    assert!(written.contains("## redshield: 6 findings (3 high, 2 medium, 1 low)"));
    assert!(written.contains("| Severity | Rule | Location | Resource | Message |"));
    assert!(written.contains("`testdata/examples/redshift-analytics/main.tf:14`"));
    // The table, then each finding's evidence as a list.
    insta::assert_snapshot!("step_summary", written.strip_prefix("previous\n").unwrap());
    // Workflow commands still go to standard output, not to the summary.
    assert!(stdout(&out).starts_with("::error "));
    assert!(!written.contains("::error"));

    // Appending again keeps both runs.
    redshield_in(
        Path::new("."),
        &["check", "--format", "github", "testdata/cli/clean"],
        &[("GITHUB_STEP_SUMMARY", summary_env)],
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("previous\n## redshield: 6 findings"));
    assert!(written.contains("## redshield: no findings"));
}

#[test]
fn an_unwritable_step_summary_is_a_warning_not_a_failure() {
    let temp = tempfile::tempdir().unwrap();
    // A directory cannot be opened for appending.
    let out = redshield_in(
        Path::new("."),
        &["check", "--format", "github", EXAMPLE],
        &[("GITHUB_STEP_SUMMARY", temp.path().to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1), "the findings decide the status");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("warning: cannot append the step summary"),
        "{stderr}"
    );
    assert!(stdout(&out).starts_with("::error "));
}

#[test]
fn markdown_reports_no_findings_and_input_errors() {
    let out = redshield(&["check", "--format", "markdown", "testdata/cli/clean"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("## redshield: no findings\n\nNo findings in 1 file, "),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3, "{text}");

    let out = redshield(&["check", "--format", "markdown", "testdata/cli/syntax_error"]);
    let text = stdout(&out);
    assert!(text.contains("\n### Input errors\n"), "{text}");
    assert!(
        text.contains("- `testdata/cli/syntax_error/broken.tf:1:"),
        "{text}"
    );
}

/// A YAML document as JSON (every scalar a string), enough to check the manifests' shape.
fn yaml(path: &str) -> Value {
    use saphyr_parser::{Event, Parser};
    fn node<'a>(parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>, event: Event<'a>) -> Value {
        match event {
            Event::Scalar(value, ..) => Value::from(value.to_string()),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match parser.next_event().unwrap().unwrap().0 {
                        Event::SequenceEnd => return Value::Array(items),
                        event => items.push(node(parser, event)),
                    }
                }
            }
            Event::MappingStart(..) => {
                let mut map = serde_json::Map::new();
                loop {
                    let key = match parser.next_event().unwrap().unwrap().0 {
                        Event::MappingEnd => return Value::Object(map),
                        event => node(parser, event),
                    };
                    let event = parser.next_event().unwrap().unwrap().0;
                    let value = node(parser, event);
                    map.insert(key.as_str().unwrap().to_string(), value);
                }
            }
            other => panic!("unexpected YAML event {other:?}"),
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    let mut parser = Parser::new_from_str(&text);
    loop {
        match parser.next_event().unwrap().unwrap().0 {
            Event::StreamStart | Event::DocumentStart(_) => continue,
            event => return node(&mut parser, event),
        }
    }
}

#[test]
fn the_pre_commit_hooks_judge_each_staged_file_with_its_whole_module() {
    let rust = &yaml(".pre-commit-hooks.yaml")[0];
    let python = &yaml("pre-commit-mirror/.pre-commit-hooks.yaml")[0];
    assert_eq!(rust["language"], "rust");
    assert_eq!(python["language"], "python");
    // The two hooks differ only in how redshield is installed.
    for key in ["id", "entry", "files", "pass_filenames", "require_serial"] {
        assert_eq!(rust[key], python[key], "{key}");
    }
    assert_eq!(rust["id"], "redshield");
    assert_eq!(rust["pass_filenames"], "true");
    // The wheel the fast hook installs is this release's.
    let mirror = std::fs::read_to_string("pre-commit-mirror/pyproject.toml").unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        mirror.contains(&format!("version = \"{version}\"")),
        "{mirror}"
    );
    assert!(
        mirror.contains(&format!("\"redshield=={version}\"")),
        "{mirror}"
    );
    let files = regex_like(rust["files"].as_str().unwrap());
    for name in [
        "net.tf",
        "main.tf.json",
        "prod.tfvars",
        "terraform.tfvars.json",
        "stack.yaml",
        "stack.yml",
        "plan.json",
        "stack.template",
    ] {
        assert!(files(name), "{name}");
    }
    assert!(!files("README.md") && !files("main.tfstate"));
    // What pre-commit runs: the entry, with the staged files appended. A staged file of the
    // example module (network.tf alone holds no warehouse; terraform.tfvars no resource) is
    // judged with the rest of the module.
    let entry: Vec<&str> = rust["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry, ["redshield", "check", "--whole-modules"]);
    let run = |file: &str| {
        let mut args: Vec<&str> = entry[1..].to_vec();
        args.push(file);
        redshield(&args).status.code()
    };
    assert_eq!(
        run("testdata/examples/redshift-analytics/network.tf"),
        Some(1)
    );
    assert_eq!(
        run("testdata/examples/redshift-analytics/terraform.tfvars"),
        Some(1)
    );
    assert_eq!(run("testdata/cli/clean/main.tf"), Some(0));
}

/// The hooks' `files` pattern, `\.(a|b\.c|d?e)$`, as a test on a file name (no regex crate
/// here: the alternatives with `\.` for a dot and `x?` for an optional character).
fn regex_like(pattern: &str) -> impl Fn(&str) -> bool {
    let inner = pattern
        .strip_prefix("\\.(")
        .and_then(|p| p.strip_suffix(")$"))
        .unwrap_or_else(|| panic!("unexpected files pattern {pattern}"));
    let mut suffixes = Vec::new();
    for alternative in inner.split('|') {
        let alternative = alternative.replace("\\.", ".");
        match alternative.split_once('?') {
            Some((head, tail)) => {
                let (without, _) = head.split_at(head.len() - 1);
                suffixes.push(format!(".{head}{tail}"));
                suffixes.push(format!(".{without}{tail}"));
            }
            None => suffixes.push(format!(".{alternative}")),
        }
    }
    move |name: &str| suffixes.iter().any(|s| name.ends_with(s.as_str()))
}
