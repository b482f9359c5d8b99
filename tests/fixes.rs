//! Fixes as a user gets them: for every fixable rule and every firing fixture in each format,
//! the proposed diff (snapshot) applies with `git apply --check`, `--fix` removes the finding
//! and nothing else, and a second `--fix` changes nothing. Plus the safety cases: CRLF and BOM
//! kept, read-only files and symlinks out of the root refused and left untouched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[macro_use]
mod common;

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

/// A diff with the lines that mask a secret (`********`, on removed and context lines) made
/// the file's own lines again, where the line agrees with the file around the mask: what
/// `git apply` needs. Lines without a mask are left as they are, so a wrong diff still fails.
fn unmask(dir: &Path, diff: &str) -> String {
    const MASK: &str = "********";
    if !diff.contains(MASK) {
        return diff.to_string();
    }
    let mut out = String::new();
    let mut original: Vec<String> = Vec::new();
    let mut old_line = 0usize;
    for line in diff.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- a/") {
            let text = std::fs::read_to_string(dir.join(path.trim_end())).unwrap_or_default();
            original = text.split_inclusive('\n').map(str::to_string).collect();
        } else if let Some(rest) = line.strip_prefix("@@ -") {
            let start = rest.split([',', ' ']).next().unwrap_or("1");
            old_line = start.parse::<usize>().unwrap_or(1).saturating_sub(1);
        } else if !line.starts_with("+++") && (line.starts_with('-') || line.starts_with(' ')) {
            let (sign, body) = line.split_at(1);
            let own = original.get(old_line).cloned().unwrap_or_default();
            old_line += 1;
            if let Some((before, after)) = body.split_once(MASK) {
                if own.starts_with(before)
                    && own.ends_with(after)
                    && own.len() > body.len() - MASK.len()
                {
                    out.push_str(sign);
                    out.push_str(&own);
                    continue;
                }
            }
        }
        out.push_str(line);
    }
    out
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

/// The firing cases of a rule in one format (`hcl`, or `cfn` with its JSON templates), as
/// (snapshot name, path); `.fixed` twins are not cases.
fn fixture_cases(rule: &str, format: &str) -> Vec<(String, PathBuf)> {
    let exts: &[&str] = match format {
        "hcl" => &["tf"],
        _ => &["yaml", "yml", "json"],
    };
    let mut out = Vec::new();
    let dir = Path::new("testdata")
        .join(format)
        .join(rule.to_ascii_lowercase());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let wanted = name.starts_with("fires")
            && fixed_twin(&path).is_some()
            && (path.is_dir() || exts.iter().any(|e| name.ends_with(&format!(".{e}"))));
        if wanted {
            out.push((format!("{format}__{}", name.replace('.', "_")), path));
        }
    }
    out.sort();
    out
}

/// Where a case's fixed twin lives: `fires_x.tf` → `fires_x.fixed.tf`, a case directory
/// `fires_x/` → `fires_x.fixed/` (holding the files the fix changes, at their paths in the case).
/// None for what is itself a twin.
fn fixed_twin(case: &Path) -> Option<PathBuf> {
    let name = case.file_name()?.to_string_lossy().into_owned();
    if name.contains(".fixed") {
        return None;
    }
    if case.is_dir() {
        return Some(case.with_file_name(format!("{name}.fixed")));
    }
    let (stem, ext) = name.split_once('.')?;
    Some(case.with_file_name(format!("{stem}.fixed.{ext}")))
}

fn snapshot_texts(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// Every finding of every rule, as (rule, message): locations move when a fix adds lines.
fn all_findings(dir: &Path) -> Vec<(String, String)> {
    let out = redshield(dir, &["check", "--format", "json", "."]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Compares the files `--fix` changed with the case's fixed twin; with `REDSHIELD_BLESS=1`,
/// writes the twin instead (and removes one that no longer has anything to hold).
fn check_fixed_twin(
    case: &Path,
    before: &[(PathBuf, Vec<u8>)],
    after: &[(PathBuf, Vec<u8>)],
    failures: &mut Vec<String>,
) {
    let Some(twin) = fixed_twin(case) else {
        return;
    };
    let changed: Vec<&(PathBuf, Vec<u8>)> =
        after.iter().filter(|file| !before.contains(file)).collect();
    let bless = std::env::var_os("REDSHIELD_BLESS").is_some_and(|v| v == "1");
    if case.is_file() {
        let fixed = changed.first().map(|(_, bytes)| bytes.clone());
        let expected = std::fs::read(&twin).ok();
        if bless {
            match &fixed {
                Some(bytes) => std::fs::write(&twin, bytes).unwrap(),
                None if expected.is_some() => std::fs::remove_file(&twin).unwrap(),
                None => {}
            }
        } else if fixed != expected {
            failures.push(format!(
                "{}: the fixed text differs from {} (REDSHIELD_BLESS=1 rewrites it after review)\n{}",
                case.display(),
                twin.display(),
                String::from_utf8_lossy(&fixed.unwrap_or_default())
            ));
        }
        return;
    }
    if bless {
        if twin.exists() {
            std::fs::remove_dir_all(&twin).unwrap();
        }
        for (path, bytes) in &changed {
            let dest = twin.join(path);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, bytes).unwrap();
        }
        return;
    }
    let expected = if twin.is_dir() {
        snapshot_texts(&twin)
    } else {
        Vec::new()
    };
    let changed: Vec<(PathBuf, Vec<u8>)> = changed.into_iter().cloned().collect();
    if changed != expected {
        failures.push(format!(
            "{}: the fixed files differ from {} (REDSHIELD_BLESS=1 rewrites it after review): \
             changed {:?}, expected {:?}",
            case.display(),
            twin.display(),
            changed.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            expected.iter().map(|(p, _)| p).collect::<Vec<_>>()
        ));
    }
}

per_rule!(check; [hcl, cfn]; rs104, rs105, rs108, rs109, rs112, rs202, rs203, rs206, rs401, rs403, rs404, rs407, rs408);

#[test]
fn every_fixable_rule_has_its_generated_tests() {
    let fixable: Vec<String> = rules::ALL
        .iter()
        .filter(|r| r.fix != FixAvailability::None)
        .map(|r| r.id.to_ascii_lowercase())
        .collect();
    assert_eq!(
        RULES_WITH_TESTS, fixable,
        "add the rule to `per_rule!` above"
    );
}

#[test]
fn fixed_twins_are_found() {
    let mut twins = 0;
    for format in ["hcl", "cfn"] {
        for rule in std::fs::read_dir(Path::new("testdata").join(format)).unwrap() {
            let rule = rule.unwrap().path();
            if rule.is_dir() {
                twins += std::fs::read_dir(rule)
                    .unwrap()
                    .filter(|e| {
                        e.as_ref()
                            .unwrap()
                            .file_name()
                            .to_string_lossy()
                            .contains(".fixed")
                    })
                    .count();
            }
        }
    }
    assert!(twins >= 10, "only {twins} fixed twins");
}

/// Each firing case of a fixable rule in one format: each finding's own diff (snapshot) applies
/// with `git apply --check`, `--fix` removes exactly the fixable findings and brings no new
/// finding of any rule, the fixed files match the case's `.fixed` twin, and a second `--fix`
/// changes nothing.
fn check(id: &str, format: &str) {
    let rule = rules::by_id(id).unwrap();
    let mut failures = Vec::new();
    for (name, case) in fixture_cases(rule.id, format) {
        let staged = stage(&case, rule.id);
        let dir = staged.path();
        let before = findings(dir, rule.id);
        let with_fix: Vec<&serde_json::Value> =
            before.iter().filter(|f| f.get("fix").is_some()).collect();
        let original = snapshot_texts(dir);
        if with_fix.is_empty() {
            check_fixed_twin(&case, &original, &original, &mut failures);
            continue;
        }
        // Each finding's own diff applies to the original.
        let mut combined = String::new();
        for f in &with_fix {
            let diff = f["fix"]["diff"].as_str().unwrap();
            // A diff near a secret shows it masked: it applies once the masked lines are
            // the file's own again, and shows no fixture password.
            if diff.contains("Rs407-Fixture") {
                failures.push(format!(
                    "{}: the diff shows a password\n{diff}",
                    case.display()
                ));
            }
            let unmasked = unmask(dir, diff);
            if let Err(e) = git_apply_check(dir, &unmasked) {
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
        // --fix removes exactly the fixable findings of the rule …
        let all_before = all_findings(dir);
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
        // … and brings no new finding of any rule.
        let new: Vec<(String, String)> = all_findings(dir)
            .into_iter()
            .filter(|f| !all_before.contains(f))
            .collect();
        if !new.is_empty() {
            failures.push(format!(
                "{}: --fix brought new findings: {new:?}",
                case.display()
            ));
        }
        let fixed = snapshot_texts(dir);
        check_fixed_twin(&case, &original, &fixed, &mut failures);
        // A second --fix changes nothing.
        redshield(dir, &["check", "--fix", "--select", rule.id, "."]);
        if snapshot_texts(dir) != fixed {
            failures.push(format!("{}: a second --fix changed files", case.display()));
        }
    }
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

/// A fresh directory holding `main.tf`, the RS104 case (one fixable finding); its text.
fn rs104_scene() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string("testdata/hcl/rs104/fires.tf").unwrap();
    std::fs::write(dir.path().join("main.tf"), &source).unwrap();
    (dir, source)
}

/// Runs `redshield check --fix --select RS104 .` in `dir` with the debug builds' pause before
/// each write (`REDSHIELD_TEST_PAUSE_BEFORE_WRITE`): when it pauses, `meanwhile` runs, then the
/// run goes on. Returns the exit status and the whole standard error. Fails when the run never
/// pauses or takes more than a minute.
fn fix_with_pause(dir: &Path, meanwhile: impl FnOnce()) -> (Option<i32>, String) {
    use std::io::{BufRead, Write};
    use std::time::Duration;
    let mut child = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(["check", "--fix", "--select", "RS104", "."])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("REDSHIELD_TEST_PAUSE_BEFORE_WRITE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| {
                let _ = child.kill();
                panic!("no pause before the write ({e}): {seen:?}")
            });
        let paused = line.starts_with("paused before writing ");
        seen.push(line);
        if paused {
            break;
        }
    }
    meanwhile();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    seen.extend(rx.iter());
    (status.code(), seen.join("\n"))
}

#[test]
fn an_edit_made_while_fixing_is_kept_and_the_fix_refused() {
    if !cfg!(debug_assertions) {
        // The pause exists only in debug builds.
        return;
    }
    // The user appends a line after the file was read and analyzed, before the write.
    let (dir, source) = rs104_scene();
    let file = dir.path().join("main.tf");
    let edit = "\n# the user's edit, made while redshield ran\n";
    let (code, stderr) = fix_with_pause(dir.path(), || {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        f.write_all(edit.as_bytes()).unwrap();
    });
    assert!(
        stderr.contains(
            "warning: main.tf: not fixed: it changed after it was read (run redshield again)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("fixed main.tf"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{source}{edit}")
    );
    assert_eq!(code, Some(1), "the finding remains: {stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["main.tf"], "no temporary file is left behind");

    // Unchanged during the pause, the file is fixed.
    let (dir, _) = rs104_scene();
    let (code, stderr) = fix_with_pause(dir.path(), || {});
    assert!(stderr.contains("fixed main.tf (1 fix)"), "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
}

#[cfg(unix)]
#[test]
fn fixes_keep_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (dir, _) = rs104_scene();
    let file = dir.path().join("main.tf");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Owned by another user: only root can give it away (the tests run as root in CI).
    let other = std::os::unix::fs::chown(&file, Some(65534), Some(65534)).is_ok();
    let out = redshield(dir.path(), &["check", "--fix", "--select", "RS104", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed main.tf (1 fix)"), "{stderr}");
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if other {
        assert_eq!(
            (meta.uid(), meta.gid()),
            (65534, 65534),
            "owner and group kept"
        );
    }
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("publicly_accessible       = false")
    );
}

/// As `nobody`, a file `nobody` may write but not own: the rewrite would change its owner, so
/// it is refused. Skipped unless root (who can run as `nobody`).
#[cfg(unix)]
#[test]
fn a_file_whose_owner_cannot_be_kept_is_refused_and_untouched() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let (dir, source) = rs104_scene();
    let file = dir.path().join("main.tf");
    if std::fs::metadata(&file).unwrap().uid() != 0 {
        return;
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let Ok(out) = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(["check", "--fix", "--select", "RS104", "."])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .uid(65534)
        .gid(65534)
        .output()
    else {
        return; // `nobody` cannot run the binary where it was built
    };
    if out.status.code() == Some(126) {
        return;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: main.tf: not fixed: its owner and group (0:0) cannot be kept"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), source);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (0, 0));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn a_file_with_several_hard_links_is_refused_and_untouched() {
    let (dir, source) = rs104_scene();
    let file = dir.path().join("main.tf");
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("copy.tf");
    std::fs::hard_link(&file, &link).unwrap();
    let out = redshield(dir.path(), &["check", "--fix", "--select", "RS104", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "warning: main.tf: not fixed: it has 2 hard links, which writing it would split"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), source);
    assert_eq!(std::fs::read_to_string(&link).unwrap(), source);
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_symlinked_directory_is_written_only_where_it_stays_inside_the_scanned_paths() {
    let base = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string("testdata/hcl/rs104/fires.tf").unwrap();
    let tree = base.path().join("tree");
    let outside = base.path().join("outside");
    let inner = tree.join("real");
    for d in [&tree, &outside, &inner] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(outside.join("main.tf"), &source).unwrap();
    std::fs::write(inner.join("main.tf"), &source).unwrap();
    std::os::unix::fs::symlink("../outside", tree.join("linkdir")).unwrap();
    std::os::unix::fs::symlink("real", tree.join("inner")).unwrap();

    // Named as the directory, with a trailing slash, or through `.` inside it: it leads out of
    // the directory it is named in, as a symlinked file does.
    for named in ["linkdir", "linkdir/", "linkdir/."] {
        let out = redshield(&tree, &["check", "--fix", "--select", "RS104", named]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "main.tf: not fixed: it is behind a symlink to a directory outside the scanned \
                 paths"
            ),
            "{named}: {stderr}"
        );
        assert!(!stderr.contains("fixed "), "{named}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{named}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(outside.join("main.tf")).unwrap(),
            source
        );
    }

    // A symlinked directory that stays inside the directory it is named in is fixed.
    let out = redshield(&tree, &["check", "--fix", "--select", "RS104", "inner"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed inner/main.tf (1 fix)"), "{stderr}");
    assert_ne!(
        std::fs::read_to_string(inner.join("main.tf")).unwrap(),
        source
    );
}

#[test]
fn fix_says_which_findings_it_has_no_fix_for() {
    // RS105 without `allowed_cidrs`: which ranges to allow is the user's choice.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("testdata/hcl/rs105/fires.tf", dir.path().join("main.tf")).unwrap();
    let out = redshield(dir.path(), &["check", "--fix", "--select", "RS105", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: main.tf:38:20: RS105 not fixed: redshield knows no fix for it"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn fix_refuses_standard_input_as_a_usage_error() {
    for args in [
        &["check", "--fix", "-"][..],
        &["check", "--fix", ".", "-"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redshield"))
            .args(args)
            .current_dir("testdata/hcl/rs104")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: --fix cannot change standard input (-): name the files to fix, or use \
             --diff\n"
        );
        assert!(out.stdout.is_empty());
    }
}

/// The file system, counting what is read from it.
struct Counting {
    os: redshield::discover::OsFileSystem,
    reads: std::sync::Mutex<std::collections::HashMap<PathBuf, usize>>,
}

impl redshield::frontend::FileSystem for Counting {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        *self
            .reads
            .lock()
            .unwrap()
            .entry(path.to_path_buf())
            .or_default() += 1;
        self.os.read_to_string(path)
    }
    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        self.os.list_dir(dir)
    }
    fn display(&self, path: &Path) -> String {
        self.os.display(path)
    }
}

/// `--fix` analyzes again only what reads a file it changes (each group of files once, with
/// all their fixes), and what it reports afterwards is what a fresh analysis of the fixed
/// files finds: the untouched stacks are read once, by the first analysis.
#[test]
fn fix_reanalyzes_only_what_reads_a_changed_file() {
    use redshield::fix::apply::Reanalysis;
    let dir = tempfile::tempdir().unwrap();
    let fires = std::fs::read_to_string("testdata/hcl/rs104/fires.tf").unwrap();
    let passes = std::fs::read_to_string("testdata/hcl/rs104/passes.tf").unwrap();
    let stacks = [("a", &fires), ("b", &passes), ("c", &passes), ("d", &fires)];
    for (name, text) in stacks {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::write(dir.path().join(name).join("main.tf"), text).unwrap();
    }
    let inputs = redshield::Inputs::paths(&[dir.path().to_path_buf()]);
    let settings = redshield::Settings {
        select: vec!["RS104".into()],
        ..redshield::Settings::default()
    };
    let fs = Counting {
        os: redshield::discover::OsFileSystem::new(),
        reads: Default::default(),
    };
    let mut jobs = redshield::Jobs::run(&inputs, &settings, &fs);
    let analysis = jobs.analysis();
    assert_eq!(analysis.report.findings.len(), 2);
    let plan = redshield::fix::plan(
        analysis.report.fixables(),
        &analysis.sources,
        &Default::default(),
    );
    let fixed: Vec<PathBuf> = ["a", "d"]
        .iter()
        .map(|s| dir.path().join(s).join("main.tf"))
        .collect();
    // Files of separate stacks are proved separately, files of one stack together.
    assert_eq!(
        jobs.groups(&fixed),
        vec![vec![fixed[0].clone()], vec![fixed[1].clone()]]
    );
    let applied =
        redshield::fix::apply::apply(&analysis.sources, &plan, &fs, &inputs.paths, &jobs, &|_| {});
    assert_eq!(applied.changed.len(), 2, "{:?}", applied.refused);
    assert!(applied.stale.is_empty());
    for proved in applied.proved {
        jobs.adopt(proved);
    }
    let after = jobs.into_analysis();
    // --fix read from disk what the analysis alone reads: the fixed files were analyzed
    // again from their fixed text, the others not at all.
    let fix_reads = fs.reads.lock().unwrap().clone();
    let plain = Counting {
        os: redshield::discover::OsFileSystem::new(),
        reads: Default::default(),
    };
    redshield::analyze(&inputs, &settings, &plain);
    assert_eq!(fix_reads, plain.reads.into_inner().unwrap());
    assert_eq!(fix_reads.len(), stacks.len());
    assert!(after.report.findings.is_empty());
    let fresh = redshield::analyze(
        &inputs,
        &settings,
        &redshield::discover::OsFileSystem::new(),
    );
    assert_eq!(after.report.summary(), fresh.report.summary());
    assert_eq!(after.sources.len(), fresh.sources.len());
}
