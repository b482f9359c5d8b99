//! The data-driven rule harness: every rule × every fixture under `testdata/<format>/<rule>/`.
//!
//! `fires*` cases must produce findings of the rule exactly on the lines marked
//! `# expect: RSNNN`, and get a snapshot of their text report; `passes*` cases must produce
//! none of the rule. No case may produce an input error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use redshield::discover::OsFileSystem;
use redshield::report::text::render_text;
use redshield::{Inputs, Settings, analyze, rules};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FORMATS: [(&str, &str); 1] = [("hcl", "tf")];

/// Every file of a case (the file itself, or all files below the case directory).
fn case_files(case: &Path) -> Vec<PathBuf> {
    if case.is_file() {
        return vec![case.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![case.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The (path, line) pairs marked `# expect: ID`.
fn expected_lines(case: &Path, id: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    for file in case_files(case) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some((_, marks)) = line.split_once("expect:") {
                if marks
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .any(|m| m == id)
                {
                    out.insert((file.to_string_lossy().replace('\\', "/"), i + 1));
                }
            }
        }
    }
    out
}

/// The cases of one rule in one format: (name, path), sorted.
fn cases(format: &str, ext: &str, id: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new("testdata")
        .join(format)
        .join(id.to_ascii_lowercase());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.starts_with("fires") || name.starts_with("passes"))
                && (p.is_dir() || (name.ends_with(&format!(".{ext}")) && !name.contains(".fixed.")))
        })
        .map(|p| {
            let stem = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .trim_end_matches(&format!(".{ext}"))
                .to_string();
            (stem, p)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_fires_and_passes_where_its_fixtures_say() {
    let fs = OsFileSystem::new();
    let mut failures = Vec::new();
    for rule in rules::ALL {
        for (format, ext) in FORMATS {
            for (name, path) in cases(format, ext, rule.id) {
                // Only the rule under test runs, so each snapshot shows that rule alone.
                let settings = Settings {
                    select: vec![rule.id.to_string()],
                    ..Settings::default()
                };
                let analysis = analyze(&Inputs::paths(std::slice::from_ref(&path)), &settings, &fs);
                let report = &analysis.report;
                if !report.errors.is_empty() {
                    failures.push(format!(
                        "{}: input errors: {:?}",
                        path.display(),
                        report.errors
                    ));
                    continue;
                }
                let found: BTreeSet<(String, usize)> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule.id == rule.id)
                    .map(|f| (f.location.path.clone(), f.location.start_line))
                    .collect();
                if name.starts_with("fires") {
                    let expected = expected_lines(&path, rule.id);
                    if expected.is_empty() {
                        failures.push(format!(
                            "{}: fires case without `# expect: {}` markers",
                            path.display(),
                            rule.id
                        ));
                    } else if found != expected {
                        failures.push(format!(
                            "{}: {} expected at {:?}, found at {:?}",
                            path.display(),
                            rule.id,
                            expected,
                            found
                        ));
                    }
                    let text = render_text(report, &analysis.sources, false);
                    let snapshot = format!(
                        "rules__{}__{}__{}",
                        rule.id.to_ascii_lowercase(),
                        format,
                        name
                    );
                    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                        insta::assert_snapshot!(snapshot, text);
                    });
                } else if !found.is_empty() {
                    failures.push(format!(
                        "{}: must not fire {} but did at {:?}",
                        path.display(),
                        rule.id,
                        found
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn every_rule_has_firing_and_passing_fixtures_in_each_format() {
    for rule in rules::ALL {
        for (format, ext) in FORMATS {
            let cases = cases(format, ext, rule.id);
            assert!(
                cases.iter().any(|(n, _)| n.starts_with("fires")),
                "{} has no testdata/{format}/{}/fires* case",
                rule.id,
                rule.id.to_ascii_lowercase()
            );
            assert!(
                cases.iter().any(|(n, _)| n.starts_with("passes")),
                "{} has no testdata/{format}/{}/passes* case",
                rule.id,
                rule.id.to_ascii_lowercase()
            );
        }
    }
}

/// The fenced blocks of `lang` in a rule's documentation, split into (bad, good) at "Use instead:".
fn doc_examples(doc: &str, lang: &str) -> (Vec<String>, Vec<String>) {
    let (bad, good) = doc
        .split_once("Use instead:")
        .expect("a Use instead: section");
    let blocks = |text: &str| -> Vec<String> {
        let fence = format!("```{lang}\n");
        text.split(fence.as_str())
            .skip(1)
            .map(|rest| rest.split("```").next().unwrap_or("").to_string())
            .collect()
    };
    (blocks(bad), blocks(good))
}

#[test]
fn bad_doc_examples_fire_and_good_ones_do_not() {
    let fs = OsFileSystem::new();
    let mut failures = Vec::new();
    for rule in rules::ALL {
        let (bad, good) = doc_examples(&rule.documentation(), "hcl");
        assert!(
            !bad.is_empty() && !good.is_empty(),
            "{}: no hcl examples",
            rule.id
        );
        for (expect_fire, code) in bad
            .iter()
            .map(|c| (true, c))
            .chain(good.iter().map(|c| (false, c)))
        {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("main.tf"), code).unwrap();
            // Opt-in rules are enabled the way their docs say.
            std::fs::write(
                dir.path().join("redshield.toml"),
                "allowed_cidrs = [\"10.0.0.0/8\"]\nrequire_dedicated_tenancy = true\n",
            )
            .unwrap();
            let settings = Settings {
                select: vec![rule.id.to_string()],
                ..Settings::default()
            };
            let analysis = analyze(&Inputs::paths(&[dir.path().to_path_buf()]), &settings, &fs);
            let fired = analysis
                .report
                .findings
                .iter()
                .any(|f| f.rule.id == rule.id);
            if !analysis.report.errors.is_empty() {
                failures.push(format!(
                    "{}: example does not parse: {:?}",
                    rule.id, analysis.report.errors
                ));
            } else if fired != expect_fire {
                failures.push(format!(
                    "{}: {} example {}:\n{code}",
                    rule.id,
                    if expect_fire { "bad" } else { "good" },
                    if expect_fire {
                        "does not fire"
                    } else {
                        "fires"
                    }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}
