//! Tests about the code base itself: the rule registry, rule documentation, message style, and
//! the architecture invariants that keep layers apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::rules::{self, Severity};
use std::path::Path;

fn sources_under(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(dir).to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    out
}

/// Lines that are code, not comments or docs.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| {
        let t = l.trim_start();
        !t.starts_with("//")
    })
}

#[test]
fn rule_ids_are_unique_sorted_and_names_are_kebab_case() {
    let ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "rules::ALL must be sorted by ID without duplicates"
    );
    for rule in rules::ALL {
        assert!(
            rule.id.len() == 5 && rule.id.starts_with("RS"),
            "{}",
            rule.id
        );
        assert!(
            rule.name.split('-').all(|p| !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{} name {:?} is not kebab-case",
            rule.id,
            rule.name
        );
        let file = format!(
            "src/rules/{}_{}.rs",
            rule.id.to_ascii_lowercase(),
            rule.name.replace('-', "_")
        );
        assert!(
            Path::new(&file).is_file(),
            "{} must live in {file}",
            rule.id
        );
    }
}

#[test]
fn every_rule_doc_has_the_required_sections_in_order() {
    let sections = [
        "## What it does",
        "## Why is this bad?",
        "Source: ",
        "## Example",
        "```hcl",
        "```yaml",
        "Use instead:",
        "```hcl",
        "```yaml",
        "## Unknown values",
    ];
    for rule in rules::ALL {
        let doc = rule.documentation();
        let mut at = 0;
        for section in sections {
            match doc[at..].find(section) {
                Some(i) => at += i + section.len(),
                None => panic!("{}: documentation lacks {section:?} (in order)", rule.id),
            }
        }
        assert!(
            doc.contains("seed 0"),
            "{}: the rationale must cite a seed document",
            rule.id
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary ends with a period",
            rule.id
        );
    }
}

#[test]
fn messages_start_lower_case_and_have_no_trailing_period() {
    let fs = redshield::discover::OsFileSystem::new();
    let analysis = redshield::analyze(
        &redshield::Inputs::paths(&["testdata".into()]),
        &redshield::Settings::default(),
        &fs,
    );
    assert!(analysis.report.findings.len() > 20);
    for finding in &analysis.report.findings {
        let first = finding.message.chars().next().unwrap();
        assert!(
            !first.is_uppercase(),
            "{}: {:?}",
            finding.rule.id,
            finding.message
        );
        assert!(
            !finding.message.ends_with('.'),
            "{}: {:?}",
            finding.rule.id,
            finding.message
        );
        assert!(finding.severity >= Severity::Low);
    }
}

#[test]
fn rules_never_see_syntax() {
    for (path, text) in sources_under("src/rules") {
        for line in code_lines(&text) {
            assert!(
                !line.contains("crate::ir") && !line.contains("crate::frontend"),
                "{path}: {line}"
            );
            assert!(
                !line.contains("\"aws_") && !line.contains("\"AWS::"),
                "{path}: rules must not match resource kinds: {line}"
            );
            assert!(
                !line.contains("5439"),
                "{path}: defaults live in model/defaults.rs: {line}"
            );
        }
    }
}

#[test]
fn front_ends_never_know_rules_or_the_model() {
    for (path, text) in sources_under("src/frontend") {
        for line in code_lines(&text) {
            assert!(
                !line.contains("crate::rules") && !line.contains("crate::model"),
                "{path}: {line}"
            );
        }
    }
}

#[test]
fn resource_kinds_appear_only_in_adapters() {
    for dir in ["src/model", "src/report", "src/cli"] {
        for (path, text) in sources_under(dir) {
            if path.contains("adapt") {
                continue;
            }
            for line in code_lines(&text) {
                assert!(
                    !line.contains("\"aws_") && !line.contains("\"AWS::"),
                    "{path}: {line}"
                );
            }
        }
    }
}

#[test]
fn fixture_configs_match_the_config_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/config.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    let mut stack = vec![Path::new("testdata").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "redshield.toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: toml::Value = toml::from_str(&text).unwrap();
                let json = serde_json::to_value(value).unwrap();
                assert!(
                    validator.is_valid(&json),
                    "{} does not match config.schema.json",
                    path.display()
                );
                redshield::config::parse(&text, "redshield.toml").unwrap();
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_config_schema_and_the_limits_table_agree() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/config.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let keys = schema["properties"]["limits"]["properties"]
        .as_object()
        .unwrap();
    assert_eq!(keys.len(), 8);
    for (key, spec) in keys {
        let valid = |text: &str| {
            let value: toml::Value = toml::from_str(text).unwrap();
            let in_schema = validator.is_valid(&serde_json::to_value(value).unwrap());
            let parsed = redshield::config::parse(text, "redshield.toml").is_ok();
            assert_eq!(in_schema, parsed, "{text}");
            parsed
        };
        assert!(valid(&format!("[limits]\n{key} = 1\n")), "{key}");
        assert!(!valid(&format!("[limits]\n{key} = 0\n")), "{key}");
        if let Some(max) = spec["maximum"].as_u64() {
            assert!(valid(&format!("[limits]\n{key} = {max}\n")), "{key}");
            assert!(!valid(&format!("[limits]\n{key} = {}\n", max + 1)), "{key}");
        }
    }
    let text = "[limits]\nunknown_limit = 1\n";
    let value: toml::Value = toml::from_str(text).unwrap();
    assert!(!validator.is_valid(&serde_json::to_value(value).unwrap()));
    assert!(redshield::config::parse(text, "redshield.toml").is_err());
}
