//! The data-driven rule harness: every rule × every fixture under `testdata/<format>/<rule>/`.
//!
//! Marked formats (Terraform HCL, CloudFormation YAML): `fires*` cases must produce findings of
//! the rule exactly on the lines marked `# expect: RSNNN`, and get a snapshot of their text
//! report; `passes*` cases must produce none of the rule. `strict_fires*` cases rest on unknown
//! values: they must produce the marked findings with `--strict` (each message saying what is
//! unknown) and none without. Twin formats (plan JSON twins of HCL
//! cases, CloudFormation JSON twins of YAML cases) must produce the same findings — rule IDs on
//! the same resources — as their twin. No case may produce an input error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[macro_use]
mod common;

use redshield::discover::OsFileSystem;
use redshield::report::text::render_text;
use redshield::rules::Rule;
use redshield::{Analysis, Inputs, Settings, analyze, rules};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Formats whose fixtures carry `# expect:` markers: (directory, file extensions).
const MARKED: [(&str, &[&str]); 2] = [("hcl", &["tf"]), ("cfn", &["yaml", "yml"])];

per_rule!(check; [hcl, cfn, plan, tfjson, docs];
    rs100, rs101, rs102, rs103, rs104, rs105, rs106, rs107, rs108, rs109, rs110, rs111, rs112,
    rs201, rs202, rs203, rs204, rs205, rs206, rs301, rs302, rs303,
    rs401, rs402, rs403, rs404, rs405, rs406, rs407, rs408);

/// One rule's cases in one format (`docs`: the examples in its documentation); fails with
/// every problem found.
fn check(id: &str, format: &str) {
    let rule = rules::by_id(id).unwrap();
    let failures = match format {
        "hcl" => marked_cases(rule, "hcl", &["tf"]),
        "cfn" => {
            let mut failures = marked_cases(rule, "cfn", &["yaml", "yml"]);
            failures.extend(cloudformation_json_twins(rule));
            failures.extend(cloudformation_and_terraform_twins(rule));
            failures
        }
        "plan" => plan_twins(rule),
        "tfjson" => terraform_json_twins(rule),
        "docs" => doc_examples_fire_as_they_say(rule),
        _ => unreachable!("no {format} cases"),
    };
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn every_rule_has_its_generated_tests() {
    let ids: Vec<String> = rules::ALL
        .iter()
        .map(|r| r.id.to_ascii_lowercase())
        .collect();
    assert_eq!(RULES_WITH_TESTS, ids, "add the rule to `per_rule!` above");
}

/// The twin comparisons find their twins: a harness that finds none passes vacuously.
#[test]
fn twins_are_found() {
    let count = |format: &str, exts: &[&str]| -> usize {
        rules::ALL
            .iter()
            .map(|r| cases(format, exts, r.id).len())
            .sum()
    };
    assert!(count("plan", &["json"]) > 0);
    assert!(count("cfn", &["json"]) > 0);
    assert!(count("tfjson", &["json"]) > 0);
    let cfn_with_hcl_twin: usize = rules::ALL
        .iter()
        .map(|r| {
            cases("cfn", &["yaml", "yml"], r.id)
                .iter()
                .filter(|(name, _)| twin("hcl", r.id, name, &["tf"]).is_some())
                .count()
        })
        .sum();
    assert!(
        cfn_with_hcl_twin > 30,
        "only {cfn_with_hcl_twin} CloudFormation cases have a Terraform twin"
    );
}

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
                    .split(|c: char| c == ',' || c == '"' || c.is_whitespace())
                    .any(|m| m == id)
                {
                    out.insert((file.to_string_lossy().replace('\\', "/"), i + 1));
                }
            }
        }
    }
    out
}

/// The cases of one rule in one format whose files end in one of `exts` (directories always
/// count): (name, path), sorted.
fn cases(format: &str, exts: &[&str], id: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new("testdata")
        .join(format)
        .join(id.to_ascii_lowercase());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if !(name.starts_with("fires")
                || name.starts_with("passes")
                || name.starts_with("strict_fires"))
                || name.contains(".fixed")
            {
                return None;
            }
            if p.is_dir() {
                return Some((name, p));
            }
            let (stem, ext) = name.rsplit_once('.')?;
            exts.contains(&ext).then(|| (stem.to_string(), p))
        })
        .collect();
    out.sort();
    out
}

/// What to analyze for a case: the case itself, except that a CloudFormation case directory
/// holds a template and its JSON twin side by side, analyzed separately.
fn inputs_of(path: &Path, exts: &[&str]) -> Vec<PathBuf> {
    if path.is_dir() && path.starts_with("testdata/cfn") {
        case_files(path)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| exts.iter().any(|x| e == *x)))
            .collect()
    } else {
        vec![path.to_path_buf()]
    }
}

/// The files of a case directory with one extension.
fn inputs_of_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    case_files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

fn run_inputs(paths: &[PathBuf], select: Option<&str>) -> Analysis {
    run_with(paths, select, false)
}

fn run_with(paths: &[PathBuf], select: Option<&str>, strict: bool) -> Analysis {
    let settings = Settings {
        select: select.map(|s| vec![s.to_string()]).unwrap_or_default(),
        strict,
        ..Settings::default()
    };
    analyze(&Inputs::paths(paths), &settings, &OsFileSystem::new())
}

fn run(path: &Path, select: Option<&str>) -> Analysis {
    run_inputs(&[path.to_path_buf()], select)
}

/// The rule IDs found on each resource (instances of one `count`/`for_each` resource count as
/// that resource: in HCL their findings share a source line and are merged into one, while a
/// plan without its source locates each instance apart).
fn findings_by_resource(analysis: &Analysis) -> BTreeSet<(String, String)> {
    analysis
        .report
        .findings
        .iter()
        .map(|f| (f.rule.id.to_string(), without_instance_keys(&f.address)))
        .collect()
}

/// `module.m["a"].aws_subnet.data[0]` → `module.m.aws_subnet.data`.
fn without_instance_keys(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `fires*` cases produce the rule exactly on their marked lines (with a snapshot of the text
/// report), `passes*` cases do not produce it, `strict_fires*` cases only with `--strict`.
fn marked_cases(rule: &'static Rule, format: &str, exts: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    {
        {
            for (name, path) in cases(format, exts, rule.id) {
                // Only the rule under test runs, so each snapshot shows that rule alone.
                let strict = name.starts_with("strict_fires");
                let analysis = run_with(&inputs_of(&path, exts), Some(rule.id), strict);
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
                if strict {
                    let unsure: Vec<&str> = report
                        .findings
                        .iter()
                        .filter(|f| f.rule.id == rule.id && !f.message.contains("unknown"))
                        .map(|f| f.message.as_str())
                        .collect();
                    if !unsure.is_empty() {
                        failures.push(format!(
                            "{}: --strict findings must say what is unknown: {unsure:?}",
                            path.display()
                        ));
                    }
                    let without = run_with(&inputs_of(&path, exts), Some(rule.id), false);
                    if !without.report.findings.is_empty() {
                        failures.push(format!(
                            "{}: fires without --strict: the case does not rest on unknowns",
                            path.display()
                        ));
                    }
                }
                if name.starts_with("fires") || strict {
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
    failures
}

/// The twin of a case in another format: same name, as a file with one of `exts` or a directory.
fn twin(format: &str, rule: &str, name: &str, exts: &[&str]) -> Option<PathBuf> {
    let dir = Path::new("testdata")
        .join(format)
        .join(rule.to_ascii_lowercase());
    let as_dir = dir.join(name);
    if as_dir.is_dir() {
        return Some(as_dir);
    }
    exts.iter()
        .map(|e| dir.join(format!("{name}.{e}")))
        .find(|p| p.is_file())
}

/// Compares a twin's findings with its original's; returns a failure message if they differ.
fn compare_twins(original: &Path, twin: &Path) -> Option<String> {
    // A plan directory that carries its `.tf` source: the source is the original.
    let a = if original.is_dir() && original.starts_with("testdata/plan") {
        run_inputs(&inputs_of_ext(original, "tf"), None)
    } else {
        run(original, None)
    };
    let b = run(twin, None);
    if !b.report.errors.is_empty() {
        return Some(format!(
            "{}: input errors: {:?}",
            twin.display(),
            b.report.errors
        ));
    }
    let (fa, mut fb) = (findings_by_resource(&a), findings_by_resource(&b));
    if twin.starts_with("testdata/plan") {
        // What a plan shows that its source does not: a password given when Terraform runs
        // (`-var`) is in the plan file in clear (RS407), and unknown in the source.
        fb.retain(|f| f.0 != "RS407" || fa.contains(f));
    }
    (fa != fb).then(|| {
        format!(
            "{} and its twin {} differ:\n  only in the original: {:?}\n  only in the twin: {:?}",
            original.display(),
            twin.display(),
            fa.difference(&fb).collect::<Vec<_>>(),
            fb.difference(&fa).collect::<Vec<_>>()
        )
    })
}

/// Plan JSON twins report what their originals (HCL cases, or their sources) report.
fn plan_twins(rule: &'static Rule) -> Vec<String> {
    let mut failures = Vec::new();
    {
        // Plan JSON twins of the HCL cases (or of their sources, for plan-only cases).
        for (name, path) in cases("plan", &["json"], rule.id) {
            let plan = if path.is_dir() {
                path.join("plan.json")
            } else {
                path.clone()
            };
            // `<case>_format_0_1`: the plan of `<case>` in the shape an older Terraform writes.
            let base = name
                .split_once("_format_")
                .map_or(name.as_str(), |(b, _)| b);
            let original = twin("hcl", rule.id, base, &["tf"])
                .or_else(|| {
                    let sources = Path::new("testdata/plan/sources").join(base);
                    sources.is_dir().then_some(sources)
                })
                .or_else(|| {
                    (path.is_dir() && !inputs_of_ext(&path, "tf").is_empty()).then(|| path.clone())
                });
            match original {
                Some(original) => {
                    failures.extend(compare_twins(&original, &plan));
                }
                None => failures.push(format!(
                    "{}: no HCL twin and no testdata/plan/sources/{name}",
                    plan.display()
                )),
            }
            let fired = run(&plan, Some(rule.id))
                .report
                .findings
                .iter()
                .any(|f| f.rule.id == rule.id);
            if fired != name.starts_with("fires") {
                failures.push(format!(
                    "{}: {} {}",
                    plan.display(),
                    rule.id,
                    if fired { "fires" } else { "does not fire" }
                ));
            }
        }
    }
    failures
}

/// CloudFormation JSON twins report what their YAML originals report.
fn cloudformation_json_twins(rule: &'static Rule) -> Vec<String> {
    let mut failures = Vec::new();
    {
        // CloudFormation JSON twins of YAML cases (beside them, or inside a case directory).
        for (name, path) in cases("cfn", &["json"], rule.id) {
            if path.is_dir() {
                for json in inputs_of(&path, &["json"]) {
                    let yaml = json.with_extension("yaml");
                    if yaml.is_file() {
                        failures.extend(compare_twins(&yaml, &json));
                    }
                }
                continue;
            }
            match twin("cfn", rule.id, &name, &["yaml", "yml"]) {
                Some(original) => {
                    failures.extend(compare_twins(&original, &path));
                }
                // A JSON-only case (such as `cdk synth` output) stands on its own.
                None => {
                    let analysis = run(&path, Some(rule.id));
                    let fired = analysis
                        .report
                        .findings
                        .iter()
                        .any(|f| f.rule.id == rule.id);
                    if fired != name.starts_with("fires") || !analysis.report.errors.is_empty() {
                        failures.push(format!(
                            "{}: {} fired: {fired}; errors: {:?}",
                            path.display(),
                            rule.id,
                            analysis.report.errors
                        ));
                    }
                }
            }
        }
    }
    failures
}

/// Terraform JSON twins of HCL cases: `testdata/tfjson/<rule>/<case>.tf.json` (or a `<case>/`
/// directory, which may mix `.tf` and `.tf.json` files) is the twin of
/// `testdata/hcl/<rule>/<case>.tf` (or `<case>/`). It must report what its twin reports, and a
/// `fires` case exactly on the lines marked `expect: RSNNN` — in JSON by a `"//"` property (a
/// comment, to Terraform) on the line of the value the finding must point at — with a snapshot
/// of its text report; a `passes` case must not report the rule.
fn terraform_json_twins(rule: &'static Rule) -> Vec<String> {
    let mut failures = Vec::new();
    {
        let dir = Path::new("testdata/tfjson").join(rule.id.to_ascii_lowercase());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return failures;
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
            let name = file_name
                .strip_suffix(".tf.json")
                .unwrap_or(&file_name)
                .to_string();
            let Some(original) = twin("hcl", rule.id, &name, &["tf"]) else {
                failures.push(format!("{}: no HCL twin named {name}", path.display()));
                continue;
            };
            failures.extend(compare_twins(&original, &path));
            let analysis = run(&path, Some(rule.id));
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
                if expected.is_empty() || found != expected {
                    failures.push(format!(
                        "{}: {} expected at {expected:?}, found at {found:?}",
                        path.display(),
                        rule.id
                    ));
                }
                let text = render_text(report, &analysis.sources, false);
                let snapshot = format!("rules__{}__tfjson__{name}", rule.id.to_ascii_lowercase());
                insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                    insta::assert_snapshot!(snapshot, text);
                });
            } else if !found.is_empty() {
                failures.push(format!(
                    "{}: must not fire {} but did at {found:?}",
                    path.display(),
                    rule.id
                ));
            }
        }
    }
    failures
}

#[test]
fn every_rule_has_firing_and_passing_fixtures_in_each_format() {
    for rule in rules::ALL {
        for (format, exts) in MARKED.iter().copied().chain([("plan", &["json"][..])]) {
            let cases = cases(format, exts, rule.id);
            for kind in ["fires", "passes"] {
                assert!(
                    cases.iter().any(|(n, _)| n.starts_with(kind)),
                    "{} has no testdata/{format}/{}/{kind}* case",
                    rule.id,
                    rule.id.to_ascii_lowercase()
                );
            }
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

/// The bad examples of a rule's documentation fire, and the good ones do not.
fn doc_examples_fire_as_they_say(rule: &'static Rule) -> Vec<String> {
    let mut failures = Vec::new();
    {
        // Terraform and CloudFormation examples, each a complete configuration or template.
        for (lang, file) in [("hcl", "main.tf"), ("yaml", "template.yaml")] {
            let (bad, good) = doc_examples(&rule.documentation(), lang);
            assert!(
                !bad.is_empty() && !good.is_empty(),
                "{}: no {lang} examples",
                rule.id
            );
            for (expect_fire, code) in bad
                .iter()
                .map(|c| (true, c))
                .chain(good.iter().map(|c| (false, c)))
            {
                let dir = tempfile::tempdir().unwrap();
                std::fs::write(dir.path().join(file), code).unwrap();
                // Opt-in rules are enabled the way their docs say.
                std::fs::write(
                    dir.path().join("redshield.toml"),
                    "allowed_cidrs = [\"10.0.0.0/8\"]\nrequire_dedicated_tenancy = true\nrequire_customer_managed_keys = true\n",
                )
                .unwrap();
                let settings = Settings {
                    select: vec![rule.id.to_string()],
                    ..Settings::default()
                };
                let analysis = analyze(
                    &Inputs::paths(&[dir.path().to_path_buf()]),
                    &settings,
                    &OsFileSystem::new(),
                );
                let fired = analysis
                    .report
                    .findings
                    .iter()
                    .any(|f| f.rule.id == rule.id);
                if !analysis.report.errors.is_empty() {
                    failures.push(format!(
                        "{}: {lang} example does not parse: {:?}",
                        rule.id, analysis.report.errors
                    ));
                } else if fired != expect_fire {
                    failures.push(format!(
                        "{}: {} {lang} example {}:\n{code}",
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
    }
    failures
}

/// CloudFormation cases fire the rule when their Terraform twins do.
fn cloudformation_and_terraform_twins(rule: &'static Rule) -> Vec<String> {
    let mut failures = Vec::new();
    {
        for (name, cfn) in cases("cfn", &["yaml", "yml"], rule.id) {
            let Some(hcl) = twin("hcl", rule.id, &name, &["tf"]) else {
                continue;
            };
            // The rule under test only: other rules may legitimately differ between the twins
            // (a Terraform security group without egress has none; a CloudFormation one keeps
            // AWS's default, which RS206 sees).
            let ids = |a: &Analysis| -> BTreeSet<&'static str> {
                a.report
                    .findings
                    .iter()
                    .map(|f| f.rule.id)
                    .filter(|id| *id == rule.id)
                    .collect()
            };
            let (a, b) = (
                run(&hcl, None),
                run_inputs(&inputs_of(&cfn, &["yaml", "yml"]), None),
            );
            if ids(&a) != ids(&b) {
                failures.push(format!(
                    "{} fires {:?}, {} fires {:?}",
                    hcl.display(),
                    ids(&a),
                    cfn.display(),
                    ids(&b)
                ));
            }
        }
    }
    failures
}
