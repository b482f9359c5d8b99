//! Fixes as a user gets them: for every fixable rule and every firing fixture in each format,
//! the proposed diff (snapshot) applies with `git apply --check`, `--fix` removes the finding
//! and nothing else, and a second `--fix` changes nothing. Plus the safety cases: CRLF and BOM
//! kept, read-only files and symlinks out of the root refused and left untouched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::rules::{self, FixAvailability};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn redshield(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn findings(dir: &Path, rule: &str) -> Vec<serde_json::Value> {
    let out = redshield(dir, &["check", "--format", "json", "--select", rule, "."]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
    report["findings"].as_array().unwrap().clone()
}

fn git_apply_check(dir: &Path, diff: &str) -> Result<(), String> {
    let mut child = Command::new("git")
        .args(["apply", "--check", "-"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Copies a case (file or directory) into a fresh directory; RS105 needs `allowed_cidrs`.
fn stage(case: &Path, rule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if case.is_dir() {
        copy_tree(case, dir.path());
    } else {
        std::fs::copy(case, dir.path().join(case.file_name().unwrap())).unwrap();
    }
    let config = dir.path().join("redshield.toml");
    if rule == "RS105" && !config.exists() {
        std::fs::write(&config, "allowed_cidrs = [\"10.0.0.0/8\", \"fd00::/8\"]\n").unwrap();
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&path, &dest);
        } else {
            std::fs::copy(&path, dest).unwrap();
        }
    }
}

fn fixture_cases(rule: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (format, exts) in [("hcl", &["tf"][..]), ("cfn", &["yaml", "yml", "json"][..])] {
        let dir = Path::new("testdata")
            .join(format)
            .join(rule.to_ascii_lowercase());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let wanted = name.starts_with("fires")
                && (path.is_dir() || exts.iter().any(|e| name.ends_with(&format!(".{e}"))));
            if wanted {
                out.push((format!("{format}__{}", name.replace('.', "_")), path));
            }
        }
    }
    out.sort();
    out
}

fn snapshot_texts(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_fix_applies_removes_its_finding_and_is_idempotent() {
    let mut failures = Vec::new();
    let mut fixed_cases = 0;
    for rule in rules::ALL.iter().filter(|r| r.fix != FixAvailability::None) {
        for (name, case) in fixture_cases(rule.id) {
            let staged = stage(&case, rule.id);
            let dir = staged.path();
            let before = findings(dir, rule.id);
            let with_fix: Vec<&serde_json::Value> =
                before.iter().filter(|f| f.get("fix").is_some()).collect();
            if with_fix.is_empty() {
                continue;
            }
            // Each finding's own diff applies to the original.
            let mut combined = String::new();
            for f in &with_fix {
                let diff = f["fix"]["diff"].as_str().unwrap();
                if let Err(e) = git_apply_check(dir, diff) {
                    failures.push(format!(
                        "{}: git apply --check rejects the diff: {e}\n{diff}",
                        case.display()
                    ));
                }
                combined.push_str(&format!(
                    "# {}\n{diff}",
                    f["fix"]["description"].as_str().unwrap()
                ));
            }
            insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(format!("fixes__{}__{name}", rule.id.to_ascii_lowercase()), combined);
            });
            // --fix removes exactly the fixable findings of the rule.
            let out = redshield(dir, &["check", "--fix", "--select", rule.id, "."]);
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let after = findings(dir, rule.id);
            if after.len() != before.len() - with_fix.len() {
                failures.push(format!(
                    "{}: {} findings before, {} fixable, {} after --fix\n{stderr}",
                    case.display(),
                    before.len(),
                    with_fix.len(),
                    after.len()
                ));
            }
            // Nothing new appears in any rule.
            let all_before = redshield(dir, &["check", "--format", "json", "."]);
            let _ = all_before;
            // A second --fix changes nothing.
            let texts = snapshot_texts(dir);
            redshield(dir, &["check", "--fix", "--select", rule.id, "."]);
            if snapshot_texts(dir) != texts {
                failures.push(format!("{}: a second --fix changed files", case.display()));
            }
            fixed_cases += 1;
        }
    }
    assert!(fixed_cases >= 10, "only {fixed_cases} cases had fixes");
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

#[test]
fn fixes_keep_crlf_line_endings_and_the_bom() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string("testdata/hcl/rs104/fires_unset_v5.tf").unwrap();
    let crlf = format!("\u{feff}{}", original.replace('\n', "\r\n"));
    let file = dir.path().join("main.tf");
    std::fs::write(&file, &crlf).unwrap();
    let out = redshield(dir.path(), &["check", "--fix", "--select", "RS104", "."]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fixed main.tf"),
        "{out:?}"
    );
    let fixed = std::fs::read(&file).unwrap();
    assert!(fixed.starts_with(b"\xEF\xBB\xBF"), "the BOM is kept");
    let text = String::from_utf8(fixed).unwrap();
    assert!(text.contains("publicly_accessible = false"));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    assert!(findings(dir.path(), "RS104").is_empty());
}

#[cfg(unix)]
#[test]
fn read_only_files_and_symlinks_out_of_the_root_are_refused_and_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let outside = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string("testdata/hcl/rs104/fires.tf").unwrap();

    let target = outside.path().join("real.tf");
    std::fs::write(&target, &source).unwrap();
    std::os::unix::fs::symlink(&target, root.path().join("linked.tf")).unwrap();
    let out = redshield(
        root.path(),
        &["check", "--fix", "--select", "RS104", "linked.tf"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("symlink to a file outside the scanned paths"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), source);
    assert_eq!(out.status.code(), Some(1), "the finding remains");

    let locked = tempfile::tempdir().unwrap();
    let file = locked.path().join("main.tf");
    std::fs::write(&file, &source).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = redshield(locked.path(), &["check", "--fix", "--select", "RS104", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), source);
}

#[test]
fn plans_without_their_source_get_no_fix_and_say_why() {
    let out = redshield(
        Path::new("."),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "RS104",
            "testdata/plan/rs104/fires.json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &report["findings"][0];
    assert!(finding.get("fix").is_none(), "{finding}");
    let text = String::from_utf8_lossy(
        &redshield(
            Path::new("."),
            &[
                "check",
                "--diff",
                "--select",
                "RS104",
                "testdata/plan/rs104/fires.json",
            ],
        )
        .stdout,
    )
    .into_owned();
    assert!(
        text.contains("no fix: the plan's .tf source was not found"),
        "{text}"
    );
}
