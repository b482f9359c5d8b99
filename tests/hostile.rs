//! Hostile and broken input (issue 9): every case runs the binary with a bound on its run time
//! (it is killed and the test fails past it), puts a valid input that fires RS105 beside the
//! hostile one, and checks the exact error in the JSON report's `errors`, that the valid input
//! was still analyzed, and the exit status. Fixtures are in `tests/hostile/`; the large ones
//! (10 MB lines, files past the size limit, deep nesting) are made by the tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take: a debug build on a loaded machine. The slowest case (a YAML
/// document expanding to the node limit) takes about 4 s alone and 16 s at a load of 12; a
/// hang is caught all the same.
const BOUND: Duration = Duration::from_secs(60);

struct Run {
    report: serde_json::Value,
    code: i32,
    stderr: String,
}

impl Run {
    fn errors(&self) -> Vec<(String, String)> {
        self.report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["path"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The one error reported for `path`, with its line and column.
    fn error_at(&self, path: &str) -> (String, Option<u64>, Option<u64>) {
        let found: Vec<&serde_json::Value> = self.report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["path"] == path)
            .collect();
        assert_eq!(found.len(), 1, "one error for {path}: {:#}", self.report);
        let e = found[0];
        (
            e["message"].as_str().unwrap().to_string(),
            e["line"].as_u64(),
            e["column"].as_u64(),
        )
    }

    /// The warnings reported for `path`: message, line and column.
    fn warnings_at(&self, path: &str) -> Vec<(String, Option<u64>, Option<u64>)> {
        self.report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["path"] == path)
            .map(|w| {
                (
                    w["message"].as_str().unwrap().to_string(),
                    w["line"].as_u64(),
                    w["column"].as_u64(),
                )
            })
            .collect()
    }

    fn assert_error(&self, path: &str, message: &str) {
        assert_eq!(self.error_at(path).0, message, "{:#}", self.report);
        assert_eq!(self.code, 2, "an input error exits 2: {:#}", self.report);
    }

    fn assert_no_errors(&self) {
        assert_eq!(self.errors(), Vec::new(), "{}", self.stderr);
    }

    /// The valid input beside the hostile one was analyzed: RS105 on its security group.
    fn assert_valid_analyzed(&self) {
        self.assert_fires("valid/main.tf");
    }

    fn assert_fires(&self, path: &str) {
        let fired = self.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "RS105" && f["location"]["path"] == path);
        assert!(fired, "RS105 in {path}: {:#}", self.report);
    }
}

/// A temporary directory holding `valid/main.tf`.
fn scene() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("valid")).unwrap();
    fs::copy(
        "tests/hostile/valid.tf",
        dir.path().join("valid").join("main.tf"),
    )
    .unwrap();
    dir
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    path
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new("tests/hostile").join(name)).unwrap()
}

/// Writes `input` to the child's standard input from a thread, then closes it. A piped
/// standard input and no bytes close it at once.
fn feed(child: &mut std::process::Child, input: Option<Vec<u8>>) {
    let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), input) else {
        return;
    };
    std::thread::spawn(move || {
        use std::io::Write;
        // The child may stop reading early (a size limit): a broken pipe is expected then.
        let _ = pipe.write_all(&bytes);
    });
}

/// Runs `redshield check --format json ARGS` in `cwd` within `bound`; kills it and fails past it.
/// With `input`, standard input is a pipe that is given those bytes and closed.
fn check_within(
    cwd: &Path,
    args: &[&str],
    stdin: Stdio,
    input: Option<Vec<u8>>,
    bound: Duration,
) -> Run {
    check_as(cwd, args, stdin, input, bound, |_| {}).expect("run redshield")
}

/// [`check_within`], with `setup` applied to the command first; None when it cannot start.
fn check_as(
    cwd: &Path,
    args: &[&str],
    stdin: Stdio,
    input: Option<Vec<u8>>,
    bound: Duration,
    setup: impl FnOnce(&mut Command),
) -> Option<Run> {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_redshield"));
    setup(&mut command);
    let mut child = command
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .ok()?;
    feed(&mut child, input);
    let status = wait_within(&mut child, bound, args);
    let mut stdout = String::new();
    out.reopen().unwrap().read_to_string(&mut stdout).unwrap();
    let stderr = fs::read_to_string(err.path()).unwrap();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {stdout}\nstderr: {stderr}"));
    Some(Run {
        report,
        code: status.code().unwrap_or(-1),
        stderr,
    })
}

/// [`check`] as the unprivileged user `nobody`, so that permissions bind when the tests run
/// as root. None when not root, or when `nobody` cannot run the binary where it was built.
#[cfg(unix)]
fn check_unprivileged(cwd: &Path, args: &[&str]) -> Option<Run> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    const NOBODY: u32 = 65534;
    // The scene is private to its creator: let `nobody` in.
    fs::set_permissions(cwd, fs::Permissions::from_mode(0o755)).ok()?;
    check_as(cwd, args, Stdio::null(), None, BOUND, |command| {
        command.uid(NOBODY).gid(NOBODY);
    })
}

fn check(cwd: &Path, args: &[&str]) -> Run {
    check_within(cwd, args, Stdio::null(), None, BOUND)
}

/// [`check`] with `input` on standard input.
fn check_stdin(cwd: &Path, args: &[&str], input: impl Into<Vec<u8>>) -> Run {
    check_within(cwd, args, Stdio::piped(), Some(input.into()), BOUND)
}

fn wait_within(
    child: &mut std::process::Child,
    bound: Duration,
    what: &[&str],
) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!("redshield {what:?} did not finish within {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether permissions bind this process: root reads a file whose mode is 000.
#[cfg(unix)]
fn permissions_bind(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = write(dir, "probe", "x");
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).unwrap();
    let binds = fs::read(&probe).is_err();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o644)).unwrap();
    fs::remove_file(&probe).unwrap();
    binds
}

// ---- Files ---------------------------------------------------------------------------------

#[test]
fn a_non_utf8_file_is_an_error_with_the_offset() {
    let dir = scene();
    write(
        dir.path(),
        "bad/main.tf",
        b"locals {\n  x = \"caf\xe9\"\n}\n",
    );
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "bad/main.tf",
        "file is not UTF-8 text (invalid byte at offset 19)",
    );
    run.assert_valid_analyzed();
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_decoded_and_analyzed() {
    let dir = scene();
    let text = String::from_utf8(fixture("valid.tf")).unwrap();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend(unit.to_le_bytes());
        be.extend(unit.to_be_bytes());
    }
    write(dir.path(), "le/main.tf", le);
    write(dir.path(), "be/main.tf", be);
    write(dir.path(), "odd/main.tf", b"\xFF\xFEr\x00e");
    let run = check(dir.path(), &["."]);
    run.assert_fires("le/main.tf");
    run.assert_fires("be/main.tf");
    run.assert_error("odd/main.tf", "file is not valid UTF-16 text (odd length)");
    run.assert_valid_analyzed();
}

#[test]
fn empty_files_are_valid_and_empty_standard_input_is_an_error() {
    let dir = scene();
    write(dir.path(), "empty/main.tf", "");
    write(dir.path(), "empty/template.yaml", "");
    write(dir.path(), "empty/plan.json", "");
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
    assert_eq!(run.code, 1);

    // Standard input closed at once, with a path beside it.
    let run = check(dir.path(), &["-", "valid"]);
    run.assert_error("<stdin>", "standard input is empty");
    run.assert_valid_analyzed();
}

#[test]
fn standard_input_closed_early_is_an_empty_input_error() {
    let dir = scene();
    // A pipe whose writer closes it before writing anything, alone and beside a path.
    for args in [&["-"][..], &["-", "valid"][..]] {
        let run = check_stdin(dir.path(), args, Vec::new());
        run.assert_error("<stdin>", "standard input is empty");
        assert_eq!(run.errors().len(), 1, "{:?}", run.errors());
    }
    let run = check_stdin(dir.path(), &["-", "valid"], Vec::new());
    run.assert_valid_analyzed();
    // Closed midway through a template: the template's own error, located.
    let template = fs::read_to_string("testdata/cfn/rs105/fires.yaml").unwrap();
    let cut = template.find("Properties").unwrap() + 4;
    let run = check_stdin(dir.path(), &["-", "valid"], &template[..cut]);
    let (message, line, _) = run.error_at("<stdin>");
    assert!(message.starts_with("invalid YAML"), "{message}");
    assert!(line.is_some(), "{message}");
    run.assert_valid_analyzed();
}

#[test]
fn standard_input_is_decoded_like_a_file() {
    let dir = scene();
    let template = fs::read_to_string("testdata/cfn/rs105/fires.yaml").unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in template.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let run = check_stdin(dir.path(), &["-", "valid"], utf16);
    run.assert_no_errors();
    run.assert_fires("<stdin>");
    run.assert_valid_analyzed();

    let mut latin1 = template.into_bytes();
    latin1.extend(b"# caf\xe9\n");
    let offset = latin1.len() - 2;
    let run = check_stdin(dir.path(), &["-", "valid"], latin1);
    run.assert_error(
        "<stdin>",
        &format!("standard input is not UTF-8 text (invalid byte at offset {offset})"),
    );
    run.assert_valid_analyzed();

    let run = check_stdin(dir.path(), &["-", "valid"], &b"\xFE\xFF\x00"[..]);
    run.assert_error(
        "<stdin>",
        "standard input is not valid UTF-16 text (odd length)",
    );
    let run = check_stdin(dir.path(), &["-", "valid"], &b"\x7fELF\x00\x01"[..]);
    run.assert_error("<stdin>", "standard input is binary, not text");
    run.assert_valid_analyzed();
}

#[test]
fn a_binary_file_named_tf_is_refused() {
    let dir = scene();
    write(
        dir.path(),
        "bad/main.tf",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
    );
    let run = check(dir.path(), &["."]);
    run.assert_error("bad/main.tf", "file is binary, not text");
    run.assert_valid_analyzed();
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scene();
    let file = write(dir.path(), "locked_file/main.tf", fixture("valid.tf"));
    let tree = write(dir.path(), "locked_dir/inner/main.tf", fixture("valid.tf"));
    let locked_dir = tree.parent().unwrap().parent().unwrap().to_path_buf();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o000)).unwrap();
    let binds = permissions_bind(dir.path());
    let run = check(dir.path(), &["."]);
    // As root, permissions do not bind: the same run as `nobody` is where they do.
    let unprivileged = (!binds)
        .then(|| check_unprivileged(dir.path(), &["."]))
        .flatten();
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    run.assert_valid_analyzed();
    if binds {
        run.assert_error("locked_file/main.tf", "permission denied");
        run.assert_error("locked_dir", "permission denied");
    } else {
        // Running as root: permissions do not apply, so both are simply analyzed.
        run.assert_fires("locked_file/main.tf");
        run.assert_fires("locked_dir/inner/main.tf");
        if let Some(run) = unprivileged {
            run.assert_valid_analyzed();
            run.assert_error("locked_file/main.tf", "permission denied");
            run.assert_error("locked_dir", "permission denied");
        } else {
            eprintln!("note: `nobody` cannot run the binary here; permission errors not tested");
        }
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_the_walk_and_a_looping_file_is_an_error() {
    let dir = scene();
    fs::create_dir(dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("loop/parent")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("loop/self")).unwrap();
    std::os::unix::fs::symlink("x.tf", dir.path().join("loop/x.tf")).unwrap();
    std::os::unix::fs::symlink("b.json", dir.path().join("loop/a.json")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.path().join("loop/b.json")).unwrap();
    // Walked: symbolic links are not followed, so the loops end the walk.
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
    assert_eq!(run.code, 1);
    // Named: the looping file is an error, and the rest is analyzed.
    let run = check(dir.path(), &["loop/x.tf", "loop/a.json", "valid"]);
    for path in ["loop/x.tf", "loop/a.json"] {
        let (message, _, _) = run.error_at(path);
        assert_eq!(
            message, "Too many levels of symbolic links (os error 40)",
            "{path}"
        );
    }
    assert_eq!(run.code, 2);
    run.assert_valid_analyzed();
}

#[test]
fn a_directory_where_a_file_is_expected() {
    let dir = scene();
    fs::create_dir(dir.path().join("vars.tfvars")).unwrap();
    // A `--var-file` that is a directory (or missing) is an error of the modules that read it:
    // reported with its path, and the modules are still analyzed.
    let run = check(
        dir.path(),
        &[
            "--var-file",
            "vars.tfvars",
            "--var-file",
            "missing.tfvars",
            "valid",
        ],
    );
    run.assert_error(
        "vars.tfvars",
        "cannot read --var-file: is a directory, expected a file",
    );
    run.assert_error(
        "missing.tfvars",
        "cannot read --var-file: no such file or directory",
    );
    run.assert_valid_analyzed();

    // A directory named like a template is walked, not read.
    write(dir.path(), "stack.json/inner.tf", fixture("valid.tf"));
    let run = check(dir.path(), &["stack.json", "valid"]);
    run.assert_no_errors();
    run.assert_fires("stack.json/inner.tf");
    run.assert_valid_analyzed();
}

#[test]
fn a_very_long_line_is_analyzed() {
    // One 10 MB line: a 1 MB string (parsing strings is slow in a debug build) and a comment.
    let dir = scene();
    let string = format!("locals {{ long = \"{}\" }}", "a".repeat(1 << 20));
    let comment = format!(" # {}", "b".repeat(9 << 20));
    write(dir.path(), "long/main.tf", format!("{string}{comment}"));
    // The same line with a syntax error after the string: located by its column.
    write(
        dir.path(),
        "broken/main.tf",
        format!("{string} = {comment}"),
    );
    let run = check(dir.path(), &["."]);
    let (message, line, column) = run.error_at("broken/main.tf");
    assert!(message.starts_with("syntax error"), "{message}");
    assert_eq!(line, Some(1));
    assert!(column.unwrap() > 1 << 20, "{column:?}");
    assert_eq!(run.errors().len(), 1, "{:?}", run.errors());
    assert_eq!(run.code, 2);
    run.assert_valid_analyzed();
}

#[test]
fn a_file_past_the_size_limit_is_refused_without_reading_it() {
    let dir = scene();
    let limit = redshield::limits::Limits::default().file_bytes;
    for rel in ["huge/main.tf", "huge/plan.json"] {
        let path = write(dir.path(), rel, "");
        // Sparse: no disk space and no time spent.
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(limit + 1)
            .unwrap();
    }
    let run = check(dir.path(), &["."]);
    let message = format!(
        "file is larger than {} MB, the limit for one input",
        limit >> 20
    );
    run.assert_error("huge/main.tf", &message);
    run.assert_error("huge/plan.json", &message);
    run.assert_valid_analyzed();
}

// ---- Limits --------------------------------------------------------------------------------

#[test]
fn hcl_nested_ten_thousand_deep_is_an_error_at_the_limit() {
    let dir = scene();
    let text = format!(
        "locals {{ deep = {}{} }}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(dir.path(), "deep/main.tf", text);
    let run = check(dir.path(), &["."]);
    run.assert_error("deep/main.tf", "nesting deeper than 200 levels");
    // `locals {` is the first level: the 200th `[` is the 201st.
    let (_, line, column) = run.error_at("deep/main.tf");
    assert_eq!((line, column), (Some(1), Some(16 + 200)));
    run.assert_valid_analyzed();
}

#[test]
fn json_nested_a_thousand_deep_is_an_error_at_the_limit() {
    let dir = scene();
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let template = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Vpc\": \
         {{\"Type\": \"AWS::EC2::VPC\", \"Properties\": {{\"Tags\": {deep}}}}}}}}}"
    );
    let plan = format!(
        "{{\"format_version\": \"1.2\", \"resource_changes\": [{{\"address\": \"aws_vpc.a\", \
         \"mode\": \"managed\", \"type\": \"aws_vpc\", \"change\": {{\"actions\": [\"create\"], \
         \"after\": {{\"tags\": {deep}}}}}}}]}}"
    );
    write(dir.path(), "deep/template.json", &template);
    write(dir.path(), "deep/plan.json", &plan);
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "deep/template.json",
        "invalid JSON: nesting deeper than 128 levels",
    );
    run.assert_error("deep/plan.json", "nesting deeper than 128 levels");
    run.assert_valid_analyzed();
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let dir = scene();
    write(dir.path(), "bomb/template.yaml", fixture("alias_bomb.yaml"));
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "bomb/template.yaml",
        "invalid YAML: document expands to more than 1000000 nodes (alias expansion limit)",
    );
    run.assert_valid_analyzed();
}

#[test]
fn anchors_nested_in_anchors_count_toward_the_expansion_limit() {
    // Found by hand: every anchored node was copied for its aliases, so 125 anchors nested
    // around a list of 900,000 numbers (1.8 MB) copied it 125 times and ran out of memory.
    let dir = scene();
    let opening: String = (0..125).map(|i| format!("&a{i} [")).collect();
    let text = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:\n  x: {opening}{}]{}\nResources:\n  \
         Sg:\n    Type: AWS::EC2::SecurityGroup\n",
        vec!["1"; 900_000].join(","),
        "]".repeat(124)
    );
    write(dir.path(), "anchors/template.yaml", text);
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "anchors/template.yaml",
        "invalid YAML: document expands to more than 1000000 nodes (alias expansion limit)",
    );
    run.assert_valid_analyzed();
}

#[test]
fn yaml_and_json_maps_with_many_keys_are_read_in_linear_time() {
    // Duplicate keys were found by comparing each key with every earlier one.
    let dir = scene();
    let mut yaml = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Sg:\n    Type: \
         AWS::EC2::SecurityGroup\n    Properties:\n      Tags:\n",
    );
    let mut json = String::from(
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Sg\": {\"Type\": \
         \"AWS::EC2::SecurityGroup\", \"Properties\": {\"Tags\": {",
    );
    for i in 0..200_000 {
        yaml.push_str(&format!("        k{i}: v\n"));
        json.push_str(&format!("{}\"k{i}\": \"v\"", if i > 0 { ", " } else { "" }));
    }
    json.push_str("}}}}}");
    write(dir.path(), "wide/template.yaml", yaml);
    write(dir.path(), "wide/template.json", json);
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

#[test]
fn count_of_a_hundred_million_is_an_error_at_the_count() {
    let dir = scene();
    write(dir.path(), "many/main.tf", fixture("count_huge.tf"));
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "many/main.tf",
        "count 100000000 exceeds the limit of 10000 instances",
    );
    assert_eq!(
        run.error_at("many/main.tf"),
        (
            "count 100000000 exceeds the limit of 10000 instances".into(),
            Some(3),
            Some(11)
        )
    );
    run.assert_valid_analyzed();
}

#[test]
fn reference_cycles_through_locals_and_module_outputs_are_warnings() {
    let dir = scene();
    write(dir.path(), "locals/main.tf", fixture("locals_cycle.tf"));
    write(
        dir.path(),
        "outputs/main.tf",
        fixture("module_cycle/main.tf"),
    );
    write(
        dir.path(),
        "outputs/child/main.tf",
        fixture("module_cycle/child/main.tf"),
    );
    let run = check(dir.path(), &["."]);
    // A cycle leaves the values unknown and is a warning at the reference that closes it;
    // nothing else is wrong with the files.
    run.assert_no_errors();
    run.assert_valid_analyzed();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.warnings_at("locals/main.tf"),
        vec![(
            "reference cycle: local.a -> local.b -> local.c -> local.a; the values in it are \
             unknown"
                .to_string(),
            Some(5),
            Some(10)
        )]
    );
    assert_eq!(
        run.warnings_at("outputs/main.tf"),
        vec![(
            "reference cycle: module.loop -> module.loop; the values in it are unknown".to_string(),
            Some(4),
            Some(12)
        )]
    );
}

#[test]
fn reference_cycles_between_resources_are_warnings() {
    let dir = scene();
    write(dir.path(), "tf/main.tf", fixture("resource_cycle.tf"));
    write(dir.path(), "cfn/template.yaml", fixture("ref_cycle.yaml"));
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.warnings_at("tf/main.tf"),
        vec![(
            "reference cycle between resources: aws_security_group.a -> aws_security_group.b \
             -> aws_security_group.a (Terraform cannot plan a cycle)"
                .to_string(),
            Some(8),
            Some(24)
        )]
    );
    assert_eq!(
        run.warnings_at("cfn/template.yaml"),
        vec![(
            "reference cycle between resources: SgA -> SgB -> SgA (CloudFormation cannot deploy \
             a cycle)"
                .to_string(),
            Some(13),
            Some(34)
        )]
    );
}

#[test]
fn strings_doubled_through_locals_stop_growing() {
    let dir = scene();
    write(dir.path(), "grow/main.tf", fixture("string_doubling.tf"));
    let run = check(dir.path(), &["."]);
    // The first string past the limit is refused, said where it is built, and unknown after.
    assert_eq!(
        run.error_at("grow/main.tf"),
        (
            "join() would build a string longer than the limit of 1048576 bytes; its value is \
             unknown"
                .into(),
            Some(21),
            Some(9)
        )
    );
    run.assert_valid_analyzed();
}

const HCL_BUDGET: &str = "evaluation exceeds the limit of 5000000 steps (count, for_each, for \
                          expressions, module calls or functions that multiply values); the \
                          rest is unknown";

#[test]
fn for_expressions_that_multiply_stop_at_the_evaluation_budget() {
    // Found by hand: 10^12 elements, built until memory ran out.
    let dir = scene();
    write(dir.path(), "cube/main.tf", fixture("nested_for.tf"));
    let run = check(dir.path(), &["."]);
    // Whichever budget runs out first stops it: the steps, or the memory of copied values
    // (each iteration copies its loop variables).
    let (message, line, _) = run.error_at("cube/main.tf");
    assert!(
        message == HCL_BUDGET || message.starts_with("values copied through variables"),
        "{message}"
    );
    assert_eq!(line, Some(3));
    assert_eq!(run.code, 2);
    run.assert_valid_analyzed();
}

#[test]
fn a_module_calling_itself_ten_thousand_times_stops_at_the_evaluation_budget() {
    // Found by hand: 10000^32 module instances within the depth limit.
    let dir = scene();
    write(
        dir.path(),
        "again/main.tf",
        fixture("module_fanout/main.tf"),
    );
    // Named, since a walked directory that calls itself is not a root module.
    let run = check(dir.path(), &["again/main.tf", "valid"]);
    run.assert_error("again/main.tf", HCL_BUDGET);
    run.assert_valid_analyzed();
}

#[test]
fn range_near_the_float_precision_limit_ends() {
    // Found by hand: `range` added the step until it passed the end, which it never did.
    let dir = scene();
    write(dir.path(), "range/main.tf", fixture("range_float.tf"));
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

#[test]
fn a_chain_of_five_thousand_locals_stops_at_the_nesting_limit() {
    // Found by hand: each local naming the next recursed once more until the stack overflowed
    // (the expression depth limit starts again with every local).
    let dir = scene();
    let mut text = String::from("locals {\n  l0 = \"x\"\n");
    for i in 1..5000 {
        text.push_str(&format!("  l{i} = [local.l{}]\n", i - 1));
    }
    text.push_str("}\n\nresource \"aws_security_group\" \"deep\" {\n  name = local.l4999\n}\n");
    write(dir.path(), "chain/main.tf", text);
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "chain/main.tf",
        "references nest deeper than 1000 levels (a chain of locals, outputs or variables each \
         naming the next); the rest is unknown",
    );
    run.assert_valid_analyzed();
}

#[test]
fn toset_of_a_hundred_thousand_elements_ends() {
    // Found by hand: `toset` and `distinct` compare every element with every other one
    // (5 * 10^9 comparisons here); past 10,000 elements the set is unknown.
    let dir = scene();
    let ranges: Vec<String> = (0..10)
        .map(|i| format!("range({}, {})", i * 10_000, (i + 1) * 10_000))
        .collect();
    let text = format!(
        "locals {{\n  big = concat({})\n  set = toset(local.big)\n}}\n\nresource \
         \"aws_security_group\" \"set\" {{\n  name = \"n${{length(local.set)}}\"\n}}\n",
        ranges.join(", ")
    );
    write(dir.path(), "set/main.tf", text);
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

const CFN_BUDGET: &str = "evaluation exceeds the limit of 5000000 steps (intrinsic functions \
                          and mappings that multiply values); the rest is unknown";

#[test]
fn mappings_that_look_themselves_up_stop_at_the_evaluation_budget() {
    // Found by hand: 8^21 evaluations (a hang), and strings of 10^14 bytes (out of memory).
    let dir = scene();
    write(
        dir.path(),
        "fanout/template.yaml",
        fixture("findinmap_fanout.yaml"),
    );
    write(
        dir.path(),
        "grow/template.yaml",
        fixture("cfn_string_growth.yaml"),
    );
    let run = check(dir.path(), &["."]);
    run.assert_error("fanout/template.yaml", CFN_BUDGET);
    run.assert_error("grow/template.yaml", CFN_BUDGET);
    run.assert_valid_analyzed();
}

#[test]
fn a_chain_of_fifty_thousand_conditions_ends() {
    // Found by hand: each condition naming the next started evaluation again at depth 0, until
    // the stack overflowed. Nested past the depth limit, a condition is unknown.
    let dir = scene();
    let mut text = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nConditions:\n  C0: !Equals [a, a]\n",
    );
    for i in 1..50_000 {
        text.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i - 1));
    }
    text.push_str(
        "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Condition: C49999\n    \
         Properties:\n      GroupDescription: x\n",
    );
    write(dir.path(), "conditions/template.yaml", text);
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

#[test]
fn thousands_of_conditions_and_mappings_are_looked_up_in_constant_time() {
    // Found by hand: every `Condition` and `Fn::FindInMap` scanned the whole section, so 25,000
    // resources each naming one of 50,000 conditions and mapping keys took quadratic time.
    let dir = scene();
    let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nConditions:\n");
    for i in 0..50_000 {
        text.push_str(&format!("  C{i}: !Equals [a, a]\n"));
    }
    text.push_str("Mappings:\n  M:\n");
    for i in 0..50_000 {
        text.push_str(&format!("    k{i}: {{v: x}}\n"));
    }
    text.push_str("Resources:\n");
    for i in (0..50_000).step_by(2) {
        let j = 49_999 - i;
        text.push_str(&format!(
            "  Sg{i}:\n    Type: AWS::EC2::SecurityGroup\n    Condition: C{j}\n    \
             Properties:\n      GroupDescription: !FindInMap [M, k{j}, v]\n"
        ));
    }
    write(dir.path(), "lookups/template.yaml", text);
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

#[test]
fn plan_references_that_fan_out_stop_at_the_resolution_budget() {
    // Found by hand: module outputs naming three outputs of the module below, thirty deep.
    let dir = scene();
    write(dir.path(), "plan/plan.json", fixture("plan_fanout.json"));
    let run = check(dir.path(), &["."]);
    run.assert_error(
        "plan/plan.json",
        "resolving references exceeds the limit of 100000 steps for one attribute or 2000000 \
         for the plan (module outputs and variables that fan out); those attributes are unknown",
    );
    run.assert_valid_analyzed();
}

#[test]
fn large_plans_in_any_key_order_are_read_in_linear_time() {
    // Found by hand: each change's address was searched for backwards through the whole plan
    // (quadratic when `address` follows `change`), and each data source of the prior state was
    // compared with every planned resource.
    let dir = scene();
    let changes: Vec<String> = (0..30_000)
        .map(|i| {
            format!(
                "{{\"change\": {{\"actions\": [\"create\"], \"after\": {{\"cidr_block\": \
                 \"10.0.0.0/16\"}}}}, \"address\": \"aws_vpc.v{i}\", \"mode\": \"managed\", \
                 \"type\": \"aws_vpc\"}}"
            )
        })
        .collect();
    let data: Vec<String> = (0..30_000)
        .map(|i| {
            format!(
                "{{\"address\": \"data.aws_vpc.d{i}\", \"mode\": \"data\", \"type\": \
                 \"aws_vpc\", \"values\": {{\"id\": \"vpc-{i}\"}}}}"
            )
        })
        .collect();
    let plan = format!(
        "{{\"format_version\": \"1.2\", \"resource_changes\": [{}], \"prior_state\": \
         {{\"values\": {{\"root_module\": {{\"resources\": [{}]}}}}}}}}",
        changes.join(", "),
        data.join(", ")
    );
    write(dir.path(), "plan/plan.json", plan);
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    run.assert_valid_analyzed();
}

#[test]
fn limits_lowered_in_the_configuration_apply() {
    let dir = scene();
    let limits = "[limits]\nfile_size_mb = 1\nhcl_nesting = 10\ndocument_nesting = 8\n\
                  yaml_nodes = 500\ninstances = 3\nevaluation_steps = 100000\n";
    write(dir.path(), "redshield.toml", limits);
    write(
        dir.path(),
        "big/main.tf",
        format!("# {}\n", "x".repeat(2 << 20)),
    );
    write(
        dir.path(),
        "deep/main.tf",
        format!("locals {{ x = {}1{} }}\n", "[".repeat(10), "]".repeat(10)),
    );
    let deep = format!("{}{}", "[".repeat(8), "]".repeat(8));
    write(
        dir.path(),
        "deep/template.json",
        format!(
            "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Vpc\": \
             {{\"Type\": \"AWS::EC2::VPC\", \"Properties\": {{\"Tags\": {deep}}}}}}}}}"
        ),
    );
    write(
        dir.path(),
        "nodes/template.yaml",
        format!(
            "AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:\n  x: [{}]\nResources: {{}}\n",
            vec!["1"; 600].join(", ")
        ),
    );
    write(
        dir.path(),
        "many/main.tf",
        "resource \"aws_vpc\" \"v\" {\n  count = 5\n}\n",
    );
    write(dir.path(), "cube/main.tf", fixture("nested_for.tf"));
    let budget = HCL_BUDGET.replace("5000000", "100000");
    for args in [&["."][..], &["--config", "redshield.toml", "."][..]] {
        let run = check(dir.path(), args);
        run.assert_error(
            "big/main.tf",
            "file is larger than 1 MB, the limit for one input",
        );
        run.assert_error("deep/main.tf", "nesting deeper than 10 levels");
        run.assert_error(
            "deep/template.json",
            "invalid JSON: nesting deeper than 8 levels",
        );
        run.assert_error(
            "nodes/template.yaml",
            "invalid YAML: document expands to more than 500 nodes (alias expansion limit)",
        );
        run.assert_error("many/main.tf", "count 5 exceeds the limit of 3 instances");
        run.assert_error("cube/main.tf", &budget);
        run.assert_valid_analyzed();
    }

    // Standard input has the file-size limit too.
    let run = check_stdin(dir.path(), &["-", "valid"], vec![b' '; (1 << 20) + 1]);
    run.assert_error(
        "<stdin>",
        "standard input is larger than 1 MB, the limit for one input",
    );
    run.assert_valid_analyzed();

    // Limits apply to the whole run: a module's own configuration cannot change them.
    write(
        dir.path(),
        "sub/redshield.toml",
        "[limits]\ninstances = 50\n",
    );
    write(
        dir.path(),
        "sub/main.tf",
        "resource \"aws_vpc\" \"v\" {\n  count = 5\n}\n",
    );
    let run = check(dir.path(), &["sub", "valid"]);
    run.assert_error("sub/main.tf", "count 5 exceeds the limit of 3 instances");
    assert_eq!(
        run.warnings_at("sub/redshield.toml"),
        vec![(
            "[limits] not used: limits apply to the whole run and are read from --config or the \
             redshield.toml found from the working directory"
                .to_string(),
            None,
            None
        )]
    );

    // An invalid limit is an error of the configuration, with its location.
    write(dir.path(), "redshield.toml", "[limits]\ninstances = 0\n");
    let run = check(dir.path(), &["valid"]);
    let (message, line, column) = run.error_at("redshield.toml");
    assert_eq!(
        (message.as_str(), line, column),
        ("limits.instances must be at least 1", Some(2), Some(13))
    );
}

// ---- --fix under write failures ------------------------------------------------------------

/// Runs `redshield check --fix valid` in `dir` through `sh` with `prelude` before it.
fn fix_with(dir: &Path, prelude: &str) -> String {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{prelude}\nexec \"$0\" check --fix valid"))
        .arg(env!("CARGO_BIN_EXE_redshield"))
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_within(&mut child, BOUND, &["--fix"]);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn fix_leaves_the_original_intact_when_the_write_fails() {
    let dir = scene();
    let target = dir.path().join("valid/main.tf");
    let original = fs::read(&target).unwrap();

    // Disk full midway: writes past 512 bytes fail (SIGXFSZ ignored, so write returns EFBIG).
    // This binds root too.
    let stderr = fix_with(dir.path(), "trap '' XFSZ\nulimit -f 1");
    assert!(
        stderr.contains("warning: valid/main.tf: not fixed: cannot write it: File too large"),
        "{stderr}"
    );
    assert_eq!(fs::read(&target).unwrap(), original);
    assert_eq!(listing(target.parent().unwrap()), vec!["main.tf"]);

    // A directory where the temporary file cannot be created.
    use std::os::unix::fs::PermissionsExt;
    let valid = dir.path().join("valid");
    if permissions_bind(dir.path()) {
        fs::set_permissions(&valid, fs::Permissions::from_mode(0o555)).unwrap();
        let stderr = fix_with(dir.path(), "");
        fs::set_permissions(&valid, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            stderr.contains("not fixed: cannot write it: Permission denied"),
            "{stderr}"
        );
        assert_eq!(fs::read(&target).unwrap(), original);
        assert_eq!(listing(&valid), vec!["main.tf"]);
    }

    // Without a fault the same fix is written: the failures above were the faults'.
    let stderr = fix_with(dir.path(), "");
    assert!(stderr.contains("fixed valid/main.tf"), "{stderr}");
    assert_ne!(fs::read(&target).unwrap(), original);
}

// Hostile output (issue 16): no string from an input reaches a human report unescaped.

/// Runs `check` over `paths` in `cwd` in every format, with `extra` flags; returns the outputs.
fn every_format(cwd: &Path, paths: &[&str], extra: &[&str]) -> Vec<(&'static str, String)> {
    ["text", "github", "markdown", "json", "sarif"]
        .into_iter()
        .map(|format| {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(paths);
            args.extend_from_slice(extra);
            let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
                .args(&args)
                .current_dir(cwd)
                .env("NO_COLOR", "1")
                .env_remove("GITHUB_STEP_SUMMARY")
                .output()
                .unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(
                stderr.chars().all(|c| c == '\n' || !c.is_control()),
                "{stderr:?}"
            );
            (format, String::from_utf8(out.stdout).unwrap())
        })
        .collect()
}

/// The human formats hold no raw control character and no line the GitHub runner reads as a
/// workflow command except github's own; Markdown has no live link, image or HTML of an
/// input's and every diff fence closes where it should; JSON holds each of `raw` exactly, and
/// SARIF (which carries no warnings) each of `raw_in_sarif`.
fn assert_escaped(outputs: &[(&str, String)], raw: &[&str], raw_in_sarif: &[&str]) {
    for (format, out) in outputs {
        let raw = if *format == "sarif" {
            raw_in_sarif
        } else {
            raw
        };
        match *format {
            "json" | "sarif" => {
                let value: serde_json::Value = serde_json::from_str(out).unwrap();
                let mut strings = Vec::new();
                collect_strings(&value, &mut strings);
                for r in raw {
                    assert!(
                        strings.iter().any(|s| s.contains(r)),
                        "{format} lost {r:?}: {out}"
                    );
                }
            }
            _ => {
                assert!(
                    out.chars().all(|c| c == '\n' || !c.is_control()),
                    "{format}: a raw control character: {out:?}"
                );
                for c in ['\u{202e}', '\u{2028}', '\u{85}'] {
                    assert!(!out.contains(c), "{format}: {c:?} in {out:?}");
                }
                assert!(!out.contains("##["), "{format}: {out}");
                for line in out.lines() {
                    let trimmed = line.trim_start();
                    let command = ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|c| line.starts_with(c));
                    assert!(
                        !trimmed.starts_with("::") || (*format == "github" && command),
                        "{format}: a workflow command: {line:?}"
                    );
                    if *format == "github" {
                        assert!(command || line.starts_with("redshield: "), "{line:?}");
                        // One command: the properties end at the first `::` after the name.
                        if let Some(rest) = line.strip_prefix("::") {
                            let (properties, _) = rest.split_once("::").unwrap();
                            assert!(!properties.contains(['\r', '\n']), "{line:?}");
                            assert!(
                                properties
                                    .split_once(' ')
                                    .unwrap()
                                    .1
                                    .split(',')
                                    .all(|p| p.split_once('=').is_some()),
                                "{line:?}"
                            );
                        }
                    }
                }
                if *format == "markdown" {
                    assert_markdown_is_inert(out);
                }
            }
        }
    }
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.push(k.clone());
            collect_strings(v, out);
        }),
        _ => {}
    }
}

/// No link or image, no HTML but ours, and each fenced diff closed by the fence that opened
/// it (no line inside starts with as many backticks).
fn assert_markdown_is_inert(out: &str) {
    let mut lines = out.lines();
    while let Some(line) = lines.next() {
        let ticks = line.chars().take_while(|&c| c == '`').count();
        if ticks >= 3 {
            let info = &line[ticks..];
            assert!(info == "diff" || info == "mermaid", "{line:?}");
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| l.chars().take_while(|&c| c == '`').count() < ticks)
                .collect();
            assert!(
                body.iter()
                    .all(|l| !l.starts_with("```") || l.len() < ticks)
            );
            // A diagram's labels hold no HTML, backtick or Mermaid comment of an input's
            // (tests/graph.rs checks its whole structure).
            if info == "mermaid" {
                assert!(
                    body.iter().all(|l| {
                        let l = l.replace(" -->|", " |");
                        !l.contains(['<', '>', '`']) && !l.contains("%%")
                    }),
                    "{body:#?}"
                );
            }
            continue;
        }
        // Outside fences and code spans, every `[` or `]` is escaped, and `<` starts a tag of
        // ours; a table row has its six delimiters.
        let prose = common::markdown_prose(line);
        assert!(
            !prose.contains(['[', ']']),
            "a live link or image in {line:?}"
        );
        for (i, _) in prose.match_indices('<') {
            assert!(
                ["<details>", "</details>", "<summary>", "</summary>", "<br>"]
                    .iter()
                    .any(|t| prose[i..].starts_with(t)),
                "live HTML in {line:?}"
            );
        }
        if line.starts_with("| ") {
            let delimiters = line
                .char_indices()
                .filter(|&(i, c)| c == '|' && !line[..i].ends_with('\\'))
                .count();
            assert_eq!(delimiters, 6, "{line:?}");
        }
    }
}

#[test]
fn names_from_every_source_reach_the_human_reports_escaped() {
    let dir = scene();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // CloudFormation logical ids (addresses, messages, related messages).
    fs::copy(
        root.join("tests/hostile/forged_names.json"),
        dir.path().join("forged_names.json"),
    )
    .unwrap();
    // for_each keys (addresses).
    fs::create_dir(dir.path().join("for_each")).unwrap();
    fs::copy(
        root.join("tests/hostile/forged_for_each/main.tf"),
        dir.path().join("for_each/main.tf"),
    )
    .unwrap();
    // A tag's %-escapes (a warning), a duplicate key (an input error).
    for name in ["forged_tag.yaml", "forged_duplicate.yaml"] {
        fs::copy(root.join("tests/hostile").join(name), dir.path().join(name)).unwrap();
    }
    // Directory and file names (paths, in locations, excerpts and errors).
    let hostile_dir = "d\n::error file=x::forged by a directory\u{1b}[1m";
    let hostile_file = "s\r::warning::forged by a file\u{202e}.yaml";
    fs::create_dir(dir.path().join(hostile_dir)).unwrap();
    fs::copy(
        root.join("testdata/cfn/rs105/fires.yaml"),
        dir.path().join(hostile_dir).join(hostile_file),
    )
    .unwrap();
    fs::write(
        dir.path().join(hostile_dir).join("broken\n::error::x.json"),
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {",
    )
    .unwrap();
    // Baseline entries no finding matches any more.
    let baseline = serde_json::json!({"version": 1, "findings": [{
        "fingerprint": "f\n::error::forged by a fingerprint",
        "rule_id": "RS105\r::warning::forged",
        "path": "gone\n::error file=x::forged by a baseline path\u{1b}[2J",
        "resource": "r\u{202e}[x](https://evil)",
        "message": "m\n::notice::forged by a baseline message<img src=x>"
    }]});
    fs::write(dir.path().join("baseline.json"), baseline.to_string()).unwrap();
    let outputs = every_format(
        dir.path(),
        &[
            "forged_names.json",
            "for_each",
            "forged_tag.yaml",
            "forged_duplicate.yaml",
            hostile_dir,
        ],
        &["--baseline", "baseline.json"],
    );
    assert_escaped(
        &outputs,
        &[
            "RedshiftSG\n::error file=x,line=1::forged\u{1b}[2J\u{202e}![x](https://evil/i.png)",
            "Analytics\r::warning::forged\u{85}\u{2028}",
            "a\n::error file=x::forged by for_each",
            "b\u{1b}]8;;https://evil\u{7}\u{202e}",
            "forged\n::error file=x::forged\u{1b}[2J",
            "Queue\n::error file=x::forged by a key\u{1b}[2J",
            &format!("{hostile_dir}/{hostile_file}"),
            &format!("{hostile_dir}/broken\n::error::x.json"),
        ],
        &[
            "RedshiftSG\n::error file=x,line=1::forged\u{1b}[2J\u{202e}![x](https://evil/i.png)",
            "Analytics\r::warning::forged\u{85}\u{2028}",
            "a\n::error file=x::forged by for_each",
            "Queue\n::error file=x::forged by a key\u{1b}[2J",
        ],
    );
    let text = &outputs[0].1;
    // Each source shows, escaped, where it is.
    for shown in [
        "security group RedshiftSG\\n::error file=x,line=1::forged\\x1b[2J\\u{202e}",
        "aws_security_group.redshift[\"a\\n::error file=x::forged by for_each\"]",
        "unknown tag `!forged\\n::error file=x::forged\\x1b[2J`",
        "duplicate key `Queue\\n::error file=x::forged by a key\\x1b[2J`",
        "d\\n::error file=x::forged by a directory\\x1b[1m/s\\r::warning::forged by a file\\u{202e}.yaml",
        "gone from the baseline: RS105\\r::warning::forged r\\u{202e}[x](https://evil) (gone\\n::error \
         file=x::forged by a baseline path\\x1b[2J): m\\n::notice::forged by a baseline message<img src=x>",
    ] {
        assert!(text.contains(shown), "{shown} not in {text}");
    }
    // The related message names the warehouse (a second logical id) in the excerpt's label.
    assert!(text.contains("warehouse Analytics\\r::warning::forged\\u{85}\\u{2028}"));
    let markdown = &outputs[2].1;
    assert!(
        markdown.contains("!\\[x\\](https://evil/i.png)\\[link\\](https://evil)&lt;img src=x&gt;"),
        "{markdown}"
    );
}

#[test]
fn a_fence_in_the_source_does_not_end_the_markdown_diff() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outputs = every_format(root, &["tests/hostile/fence"], &[]);
    assert_escaped(&outputs, &[], &[]);
    let markdown = &outputs[2].1;
    // The heredoc's four backticks are quoted inside a fence of five.
    assert!(markdown.contains("`````diff\n"), "{markdown}");
    assert!(markdown.contains("\n       ````\n"), "{markdown}");
    assert!(markdown.contains("\n`````\n"), "{markdown}");
}

#[test]
fn invalid_counts_and_division_by_zero_are_errors_at_the_expression() {
    let dir = scene();
    write(dir.path(), "count/main.tf", fixture("count_invalid.tf"));
    let run = check(dir.path(), &["."]);
    let errors: Vec<(String, Option<u64>)> = run.report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["message"].as_str().unwrap().to_string(),
                e["line"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (
                "count must be a whole number of at least 0; Terraform rejects -1".to_string(),
                Some(2)
            ),
            (
                "count must be a whole number of at least 0; Terraform rejects 1.5".to_string(),
                Some(6)
            ),
            (
                "division by zero: Terraform rejects this expression".to_string(),
                Some(10)
            ),
        ]
    );
    assert_eq!(run.code, 2);
    run.assert_valid_analyzed();
}

#[test]
fn a_template_whose_resources_are_not_a_mapping_is_an_error() {
    let dir = scene();
    write(
        dir.path(),
        "cfn/template.yaml",
        fixture("resources_not_a_mapping.yaml"),
    );
    let run = check(dir.path(), &["."]);
    assert_eq!(
        run.error_at("cfn/template.yaml"),
        (
            "Resources must be a mapping of logical ids to resources".into(),
            Some(2),
            Some(12)
        )
    );
    run.assert_valid_analyzed();
}

#[test]
fn condition_cycles_and_undefined_conditions_are_warnings_and_unknown() {
    let dir = scene();
    write(
        dir.path(),
        "cfn/template.yaml",
        fixture("conditions_broken.yaml"),
    );
    let run = check(dir.path(), &["."]);
    run.assert_no_errors();
    let warnings = run.warnings_at("cfn/template.yaml");
    assert!(
        warnings
            .iter()
            .any(|(m, l, _)| m.contains("condition `A` refers to itself") && *l == Some(4)),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|(m, l, _)| m.contains("condition `Undefined` is not defined") && *l == Some(14)),
        "{warnings:?}"
    );
    run.assert_valid_analyzed();
}

#[test]
fn plans_with_a_non_object_after_or_a_duplicate_address_are_errors() {
    let dir = scene();
    write(dir.path(), "plan/plan.json", fixture("plan_malformed.json"));
    let run = check(dir.path(), &["."]);
    let messages: Vec<String> = run.errors().into_iter().map(|(_, m)| m).collect();
    assert!(
        messages.contains(
            &"aws_security_group.redshift: `after` is not an object; the resource is not analyzed"
                .to_string()
        ),
        "{messages:?}"
    );
    assert!(
        messages.contains(
            &"aws_redshift_cluster.analytics appears twice in resource_changes; the second is not analyzed"
                .to_string()
        ),
        "{messages:?}"
    );
    // The first instance of the cluster is still analyzed.
    let rules: Vec<&str> = run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert!(rules.contains(&"RS104"), "{rules:?}");
    run.assert_valid_analyzed();
}

/// Runs the binary on `args` in `cwd` within [`BOUND`] and returns its report with its peak
/// resident memory in KiB (`ru_maxrss` of that child, read with `wait4`).
#[cfg(unix)]
// The child is reaped with `wait4`, which std's `Child::wait` cannot do with its usage.
#[allow(clippy::zombie_processes)]
fn check_with_peak_memory(cwd: &Path, args: &[&str]) -> (Run, u64) {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data, valid when zeroed.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, reaped only here; both pointers are valid for writes.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(waited >= 0, "wait4 failed");
        if waited == pid {
            break (status, usage);
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("redshield {args:?} did not finish within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stdout = String::new();
    out.reopen().unwrap().read_to_string(&mut stdout).unwrap();
    let stderr = fs::read_to_string(err.path()).unwrap();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {stdout}\nstderr: {stderr}"));
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let peak = u64::try_from(usage.ru_maxrss).unwrap();
    (
        Run {
            report,
            code,
            stderr,
        },
        peak,
    )
}

/// Peak memory a blow-up input may cost, in KiB.
const BLOW_UP_BOUND_KIB: u64 = 200 * 1024;

#[cfg(unix)]
#[test]
fn strings_that_would_outgrow_the_limit_are_refused_before_they_are_built() {
    for (file, name, message) in [
        (
            "replace_growth.tf",
            "replace/main.tf",
            "replace() would build a string longer than the limit of 1048576 bytes; its value is unknown",
        ),
        (
            "join_growth.tf",
            "join/main.tf",
            "join() would build a string longer than the limit of 1048576 bytes; its value is unknown",
        ),
    ] {
        let dir = scene();
        write(dir.path(), name, fixture(file));
        let (run, peak) = check_with_peak_memory(dir.path(), &["."]);
        let (found, line, _) = run.error_at(name);
        assert_eq!(found, message);
        assert!(line.is_some());
        assert!(peak < BLOW_UP_BOUND_KIB, "{file}: peak {peak} KiB");
        run.assert_valid_analyzed();
    }
    let dir = scene();
    write(
        dir.path(),
        "cfn/template.yaml",
        fixture("cfn_join_growth.yaml"),
    );
    let (run, peak) = check_with_peak_memory(dir.path(), &["."]);
    run.assert_no_errors();
    let warnings = run.warnings_at("cfn/template.yaml");
    assert!(
        warnings
            .iter()
            .any(|(m, l, _)| m.starts_with("Fn::Join would build a string longer") && l.is_some()),
        "{warnings:?}"
    );
    assert!(peak < BLOW_UP_BOUND_KIB, "Fn::Join: peak {peak} KiB");
    run.assert_valid_analyzed();
}

#[cfg(unix)]
#[test]
fn a_local_copied_into_many_places_stops_at_the_value_budget() {
    let dir = scene();
    write(dir.path(), "copies/main.tf", fixture("locals_copied.tf"));
    let (run, peak) = check_with_peak_memory(dir.path(), &["."]);
    let (message, line, _) = run.error_at("copies/main.tf");
    assert_eq!(
        message,
        "values copied through variables, locals, outputs and module calls exceed the limit of \
         64 MB (value_mb); this and later copies are unknown"
    );
    assert!(line.is_some());
    // 1.3 GB before the budget.
    assert!(peak < BLOW_UP_BOUND_KIB, "peak {peak} KiB");
    run.assert_valid_analyzed();
}

/// A file of `count` small-map locals with, in the middle, a heredoc holding braces and
/// quotes, a division by zero (an error at its position) and the local a cluster takes
/// `publicly_accessible` from; the cluster comes after. Also the lines of the division and of
/// the cluster's `publicly_accessible`.
fn flat_locals(count: usize) -> (String, usize, usize) {
    let mut text = String::from("locals {\n");
    let mut ratio_line = 0;
    for i in 0..count {
        text.push_str(&format!(
            "  l{i} = {{ name = \"n{i}\", port = {}, cidr = \"10.0.0.0/16\" }}\n",
            i % 65535
        ));
        if i == count / 2 {
            text.push_str("  policy = <<-EOT\n    {\"a\": \"${local.l1.name}\"} }\n  EOT\n");
            text.push_str("  # a } and a \" in a comment\n");
            ratio_line = text.lines().count() + 1;
            text.push_str("  ratio = 1 / 0\n  public = true\n");
        }
    }
    text.push_str("}\n\n");
    let public_line = text.lines().count() + 4;
    text.push_str(
        "resource \"aws_redshift_cluster\" \"flat\" {\n  cluster_identifier = \"flat\"\n  \
         node_type = \"ra3.xlplus\"\n  publicly_accessible = local.public\n  \
         tags = { p = local.policy, r = local.ratio }\n}\n",
    );
    (text, ratio_line, public_line)
}

#[cfg(unix)]
#[test]
fn a_large_flat_file_is_read_in_pieces_with_exact_positions() {
    let dir = scene();
    // 6 MB: whole, its syntax tree alone took 46 times that.
    let (text, ratio_line, public_line) = flat_locals(100_000);
    write(dir.path(), "flat/main.tf", &text);
    let (run, peak) = check_with_peak_memory(dir.path(), &["."]);
    assert!(peak < BLOW_UP_BOUND_KIB, "peak {peak} KiB");
    // An expression in the middle of the file, evaluated when it is referenced.
    let (message, line, column) = run.error_at("flat/main.tf");
    assert_eq!(
        message,
        "division by zero: Terraform rejects this expression"
    );
    assert_eq!((line, column), (Some(ratio_line as u64), Some(11)));
    let found: Vec<(u64, u64)> = run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "RS104" && f["location"]["path"] == "flat/main.tf")
        .map(|f| {
            let at = &f["location"];
            (
                at["start_line"].as_u64().unwrap(),
                at["start_column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [(public_line as u64, 25)], "{:#}", run.report);
    run.assert_valid_analyzed();

    // A syntax error far into the file is reported where it is.
    let mut broken: Vec<&str> = text.lines().collect();
    let bad_line = broken.len() - 20_000;
    broken[bad_line - 1] = "  broken = { a = }";
    write(dir.path(), "flat/main.tf", broken.join("\n") + "\n");
    let run = check(dir.path(), &["."]);
    let (message, line, column) = run.error_at("flat/main.tf");
    assert!(message.starts_with("syntax error"), "{message}");
    assert_eq!((line, column), (Some(bad_line as u64), Some(18)));
    run.assert_valid_analyzed();
}

// ---- Scale ---------------------------------------------------------------------------------

/// One Terraform module with `n` public clusters sharing a network, each with an audit logging
/// resource and a role attachment naming it (what the adapter links back to the cluster), as
/// `bench/gen_warehouses.py` writes them.
fn warehouses_module(n: usize) -> String {
    let mut out = String::from(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_redshift_subnet_group" "main" {
  name       = "warehouses"
  subnet_ids = [aws_subnet.a.id]
}

resource "aws_security_group" "redshift" {
  name   = "redshift"
  vpc_id = aws_vpc.main.id
}

resource "aws_iam_role" "redshift" {
  name               = "redshift"
  assume_role_policy = "{}"
}
"#,
    );
    for i in 0..n {
        out.push_str(&format!(
            r#"
resource "aws_redshift_cluster" "w{i}" {{
  cluster_identifier        = "wh-{i}"
  node_type                 = "ra3.xlplus"
  cluster_subnet_group_name = aws_redshift_subnet_group.main.name
  vpc_security_group_ids    = [aws_security_group.redshift.id]
  publicly_accessible       = true
}}

resource "aws_redshift_logging" "w{i}" {{
  cluster_identifier   = aws_redshift_cluster.w{i}.id
  log_destination_type = "cloudwatch"
}}

resource "aws_redshift_cluster_iam_roles" "w{i}" {{
  cluster_identifier = aws_redshift_cluster.w{i}.id
  iam_role_arns      = [aws_iam_role.redshift.arn]
}}
"#
        ));
    }
    out
}

/// Issue 16: linking each cluster to its logging and role resources read every resource per
/// cluster, and each fix's diff the whole file, so time grew with the square of the clusters
/// (8,000 took about 35 s in a release build, past this bound in a debug one). Indexed, a
/// debug build takes a few seconds.
#[test]
fn time_is_linear_in_the_warehouses_of_one_module() {
    const N: usize = 8000;
    let dir = scene();
    write(dir.path(), "many/main.tf", warehouses_module(N));
    let start = Instant::now();
    let run = check(dir.path(), &["--select", "RS104,RS105", "."]);
    let took = start.elapsed();
    run.assert_no_errors();
    run.assert_valid_analyzed();
    let public = run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "RS104" && f["fix"]["diff"].is_string())
        .count();
    assert_eq!(public, N, "every cluster is public, with a fix");
    assert!(took < BOUND, "{took:?}");
}
