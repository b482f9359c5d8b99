//! The GitHub Action run the way the runner runs a composite action: action.yml's steps in
//! order, each `if:` evaluated, `${{ }}` expressions substituted, `run` steps in bash with
//! GitHub's environment variables (GITHUB_WORKSPACE, GITHUB_OUTPUT per step,
//! GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP, GITHUB_EVENT_NAME, ...), and the cache
//! actions played by a directory. A local directory stands in for the GitHub release (a wheel
//! holding a wrapper around the redshield under test, and SHA256SUMS), pip installs from it
//! with no index, and a `cargo` on PATH stands in for building from source. No network.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = "testdata/examples/redshift-analytics";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML document as JSON (every scalar a string), enough to read the manifests.
fn yaml(path: &Path) -> Value {
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

fn action() -> Value {
    yaml(&manifest_dir().join("action.yml"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let status = Command::new("cp")
        .arg("-R")
        .arg(format!("{}/.", from.display()))
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Whether python3 can make a virtual environment with pip (the release install needs it).
fn python_with_venv() -> bool {
    Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .status()
        .is_ok_and(|s| s.success())
}

/// What one step did.
#[derive(Debug)]
struct Step {
    id: String,
    /// success, failure or skipped.
    outcome: String,
    stdout: String,
    stderr: String,
}

/// What one run of the action did.
#[derive(Debug)]
struct ActionRun {
    steps: Vec<Step>,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl ActionRun {
    fn step(&self, id: &str) -> &Step {
        self.steps.iter().find(|s| s.id == id).unwrap()
    }
}

/// A runner: a workspace, the action checked out at `_actions/OWNER/REPO/REF`, a release
/// directory, a cache store, and a log of every redshield and cargo command.
struct Runner {
    root: tempfile::TempDir,
    workspace: PathBuf,
    action_path: PathBuf,
    /// The github context the expressions read (action_ref, event.pull_request.base.sha, ...).
    github: BTreeMap<String, String>,
    /// Extra environment for every step.
    env: Vec<(String, String)>,
}

impl Runner {
    fn new(action_ref: &str) -> Runner {
        let root = tempfile::tempdir().unwrap();
        let workspace = root.path().join("work/repo/repo");
        std::fs::create_dir_all(&workspace).unwrap();
        let action_path = root
            .path()
            .join("_actions/redshield/redshield")
            .join(action_ref);
        std::fs::create_dir_all(action_path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(manifest_dir(), &action_path).unwrap();
        // What every redshield the runner installs really runs: the binary under test, each
        // command line logged.
        let wrapper = root.path().join("redshield-wrapper");
        write_executable(
            &wrapper,
            &format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
                root.path().join("redshield.log").display(),
                env!("CARGO_BIN_EXE_redshield")
            ),
        );
        // `cargo install --locked --force --path P --root R` stand-in: installs the wrapper.
        write_executable(
            &root.path().join("fake-bin/cargo"),
            &format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\nwhile [ $# -gt 0 ]; do\n  \
                 if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\n\
                 mkdir -p \"$root/bin\" && cp '{wrapper}' \"$root/bin/redshield\"\n",
                log = root.path().join("cargo.log").display(),
                wrapper = wrapper.display()
            ),
        );
        Runner {
            workspace,
            action_path,
            github: BTreeMap::new(),
            env: Vec::new(),
            root,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn log(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.path(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The `redshield check` command lines run so far.
    fn checks(&self) -> Vec<String> {
        self.log("redshield.log")
            .into_iter()
            .filter(|l| l.starts_with("check "))
            .collect()
    }

    /// A release of VERSION in `release/`: a wheel whose `redshield` script is the wrapper,
    /// and SHA256SUMS listing it (`tamper` lists another hash).
    fn publish_release(&mut self, tamper: bool) {
        let dir = self.path("release").join(format!("v{VERSION}"));
        std::fs::create_dir_all(&dir).unwrap();
        let script = std::fs::read_to_string(self.path("redshield-wrapper")).unwrap();
        let build = r#"
import base64, hashlib, sys, zipfile
out, version, script = sys.argv[1], sys.argv[2], sys.argv[3]
name = f"redshield-{version}"
files = {
    f"{name}.data/scripts/redshield": script.encode(),
    f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: redshield\nVersion: {version}\n".encode(),
    f"{name}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests/action.rs\nRoot-Is-Purelib: false\nTag: py3-none-any\n",
}
record = f"{name}.dist-info/RECORD"
lines = []
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    lines.append(f"{path},sha256={digest},{len(data)}")
lines.append(f"{record},,")
files[record] = ("\n".join(lines) + "\n").encode()
wheel = f"{out}/redshield-{version}-py3-none-any.whl"
with zipfile.ZipFile(wheel, "w") as z:
    for path, data in files.items():
        info = zipfile.ZipInfo(path)
        info.external_attr = 0o100755 << 16  # a regular, executable file, as maturin writes it
        z.writestr(info, data)
digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
print(digest)
"#;
        let out = Command::new("python3")
            .args(["-c", build])
            .arg(&dir)
            .arg(VERSION)
            .arg(script)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut digest = String::from_utf8(out.stdout).unwrap().trim().to_string();
        if tamper {
            digest = "0".repeat(64);
        }
        std::fs::write(
            dir.join("SHA256SUMS"),
            format!(
                "{digest}  redshield-{VERSION}-py3-none-any.whl\n\
                 {}  redshield-v{VERSION}-x86_64-unknown-linux-gnu.tar.gz\n",
                "1".repeat(64)
            ),
        )
        .unwrap();
        let base = format!("file://{}", self.path("release").display());
        self.env.push(("REDSHIELD_RELEASE_BASE".into(), base));
        // pip reads its options from the environment: the release directory, no index.
        self.env.push(("PIP_NO_INDEX".into(), "1".into()));
        self.env
            .push(("PIP_FIND_LINKS".into(), dir.display().to_string()));
    }

    /// Runs the action with `inputs` (the rest take their defaults) in a fresh RUNNER_TEMP.
    fn run(&self, inputs: &[(&str, &str)]) -> ActionRun {
        let action = action();
        let mut input_values: BTreeMap<String, String> = action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_string()))
            .collect();
        // Defaults may be expressions (diff-base: the pull request's base), as on GitHub.
        let defaults = Context {
            inputs: BTreeMap::new(),
            github: self.github.clone(),
            runner_temp: String::new(),
            steps: BTreeMap::new(),
        };
        for value in input_values.values_mut() {
            *value = defaults.substitute(value);
        }
        for (k, v) in inputs {
            assert!(input_values.contains_key(*k), "the action has no input {k}");
            input_values.insert(k.to_string(), v.to_string());
        }
        let temp = tempfile::tempdir_in(self.root.path()).unwrap();
        let summary = self.path("step_summary.md");
        let github_path = temp.path().join("github_path");
        std::fs::write(&summary, "").unwrap();
        std::fs::write(&github_path, "").unwrap();
        let mut ctx = Context {
            inputs: input_values,
            github: self.github.clone(),
            runner_temp: temp.path().display().to_string(),
            steps: BTreeMap::new(),
        };
        let mut steps = Vec::new();
        let mut failed = false;
        for step in action["runs"]["steps"].as_array().unwrap() {
            let id = step["id"].as_str().unwrap_or("").to_string();
            let condition = step["if"].as_str().unwrap_or("success()");
            let mut record = Step {
                id: id.clone(),
                outcome: "skipped".into(),
                stdout: String::new(),
                stderr: String::new(),
            };
            let mut outputs = BTreeMap::new();
            if ctx.condition(condition, failed) {
                let ok = if let Some(uses) = step["uses"].as_str() {
                    self.cache_action(uses, &step["with"], &ctx, &mut outputs)
                } else {
                    let script = step["run"].as_str().unwrap();
                    // Inputs reach the scripts through env, never spliced into them.
                    assert!(
                        !script.contains("${{"),
                        "expression in a run script: {script}"
                    );
                    let output_file = temp.path().join(format!("output-{}", steps.len()));
                    std::fs::write(&output_file, "").unwrap();
                    let script_file = temp.path().join(format!("step-{}.sh", steps.len()));
                    std::fs::write(&script_file, script).unwrap();
                    let dir = match step["working-directory"].as_str() {
                        Some(d) => self.workspace.join(ctx.substitute(d)),
                        None => self.workspace.clone(),
                    };
                    // GITHUB_PATH entries come before PATH in the steps after the one adding them.
                    let mut path: Vec<String> = std::fs::read_to_string(&github_path)
                        .unwrap()
                        .lines()
                        .rev()
                        .map(str::to_string)
                        .collect();
                    path.push(self.path("fake-bin").display().to_string());
                    path.push(std::env::var("PATH").unwrap());
                    let mut command = Command::new("bash");
                    command
                        .args(["--noprofile", "--norc", "-eo", "pipefail"])
                        .arg(&script_file)
                        .current_dir(dir)
                        .env_clear()
                        .env("PATH", path.join(":"))
                        .env("HOME", self.path("home"))
                        .env("CI", "true")
                        .env("GITHUB_ACTIONS", "true")
                        .env("GITHUB_EVENT_NAME", "pull_request")
                        .env("GITHUB_WORKSPACE", &self.workspace)
                        .env("GITHUB_ACTION_PATH", &self.action_path)
                        .env("GITHUB_OUTPUT", &output_file)
                        .env("GITHUB_STEP_SUMMARY", &summary)
                        .env("GITHUB_PATH", &github_path)
                        .env("RUNNER_TEMP", temp.path())
                        .env("RUNNER_OS", "Linux")
                        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
                        .env("NO_COLOR", "1");
                    for (k, v) in &self.env {
                        command.env(k, v);
                    }
                    if let Some(env) = step["env"].as_object() {
                        for (k, v) in env {
                            command.env(k, ctx.substitute(v.as_str().unwrap()));
                        }
                    }
                    let out = command.output().unwrap();
                    record.stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                    record.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                    for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                        let (k, v) = line.split_once('=').unwrap();
                        outputs.insert(k.to_string(), v.to_string());
                    }
                    out.status.success()
                };
                record.outcome = if ok { "success" } else { "failure" }.into();
                failed |= !ok;
            }
            if !id.is_empty() {
                ctx.steps
                    .insert(id.clone(), (record.outcome.clone(), outputs.clone()));
            }
            steps.push(record);
        }
        let outputs = action["outputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), ctx.substitute(v["value"].as_str().unwrap())))
            .collect();
        ActionRun {
            steps,
            outputs,
            summary: std::fs::read_to_string(&summary).unwrap(),
        }
    }

    /// actions/cache/restore and actions/cache/save, on `cache/KEY/N` for the N-th path (paths
    /// outside RUNNER_TEMP, the cargo registry, are not kept here).
    fn cache_action(
        &self,
        uses: &str,
        with: &Value,
        ctx: &Context,
        outputs: &mut BTreeMap<String, String>,
    ) -> bool {
        let key = ctx.substitute(with["key"].as_str().unwrap());
        assert!(!key.is_empty(), "{uses}: empty key");
        let paths: Vec<String> = ctx
            .substitute(with["path"].as_str().unwrap())
            .lines()
            .map(str::to_string)
            .collect();
        let store = self.path("cache");
        std::fs::create_dir_all(&store).unwrap();
        let kept = |path: &str| path.starts_with(&ctx.runner_temp);
        match uses {
            "actions/cache/restore@v4" => {
                let prefixes = ctx.substitute(with["restore-keys"].as_str().unwrap_or(""));
                let mut found = store.join(&key).is_dir().then(|| key.clone());
                if found.is_none() {
                    found = std::fs::read_dir(&store)
                        .unwrap()
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .find(|k| prefixes.lines().any(|p| !p.is_empty() && k.starts_with(p)));
                }
                if let Some(found) = &found {
                    for (i, path) in paths.iter().enumerate().filter(|(_, p)| kept(p)) {
                        let saved = store.join(found).join(i.to_string());
                        if saved.is_dir() {
                            copy_dir(&saved, Path::new(path));
                        }
                    }
                }
                let hit = found.as_deref() == Some(key.as_str());
                outputs.insert("cache-hit".into(), hit.to_string());
                true
            }
            "actions/cache/save@v4" => {
                if !store.join(&key).is_dir() {
                    for (i, path) in paths.iter().enumerate().filter(|(_, p)| kept(p)) {
                        copy_dir(Path::new(path), &store.join(&key).join(i.to_string()));
                    }
                }
                true
            }
            other => panic!("the action uses {other}, which this test does not play"),
        }
    }
}

/// The contexts `${{ }}` expressions read.
struct Context {
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    runner_temp: String,
    /// Each step's outcome and outputs, by id.
    steps: BTreeMap<String, (String, BTreeMap<String, String>)>,
}

impl Context {
    /// A reference (`inputs.paths`, `steps.run.outputs.findings`), a 'literal', or `a || b`.
    fn value(&self, expr: &str) -> String {
        if let Some((a, b)) = expr.split_once("||") {
            let a = self.value(a);
            return if a.is_empty() { self.value(b) } else { a };
        }
        let expr = expr.trim();
        if let Some(literal) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            return literal.to_string();
        }
        let parts: Vec<&str> = expr.splitn(2, '.').collect();
        let rest = parts.get(1).copied().unwrap_or("");
        match parts[0] {
            "inputs" => self.inputs.get(rest).cloned().unwrap(),
            "github" => self.github.get(rest).cloned().unwrap_or_default(),
            "runner" => match rest {
                "temp" => self.runner_temp.clone(),
                "os" => "Linux".into(),
                other => panic!("runner.{other}"),
            },
            "steps" => {
                let (id, what) = rest.split_once('.').unwrap();
                let Some((outcome, outputs)) = self.steps.get(id) else {
                    return String::new();
                };
                match what.split_once('.') {
                    Some(("outputs", name)) => outputs.get(name).cloned().unwrap_or_default(),
                    None if what == "outcome" => outcome.clone(),
                    _ => panic!("steps.{rest}"),
                }
            }
            other => panic!("unknown context {other} in {expr}"),
        }
    }

    /// Text with each `${{ expr }}` replaced by its value.
    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").unwrap() + start;
            out.push_str(&self.value(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` of `&&`-joined terms: status functions, `a == 'b'`, `a != 'b'`. Without a
    /// status function, `success()` is implied, as on GitHub.
    fn condition(&self, condition: &str, failed: bool) -> bool {
        let mut status_given = false;
        let mut result = true;
        for term in condition.split("&&").map(str::trim) {
            let value = match term {
                "always()" => {
                    status_given = true;
                    true
                }
                "success()" => {
                    status_given = true;
                    !failed
                }
                "failure()" => {
                    status_given = true;
                    failed
                }
                _ => {
                    if let Some((a, b)) = term.split_once("!=") {
                        self.value(a) != self.value(b)
                    } else if let Some((a, b)) = term.split_once("==") {
                        self.value(a) == self.value(b)
                    } else {
                        !self.value(term).is_empty()
                    }
                }
            };
            result &= value;
        }
        result && (status_given || !failed)
    }
}

fn sarif_results(path: &str) -> usize {
    let sarif: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    sarif["runs"][0]["results"].as_array().unwrap().len()
}

#[test]
fn a_release_is_installed_verified_and_run_once_for_every_report() {
    if !python_with_venv() {
        eprintln!("skipped: python3 with venv and pip is needed for the release install");
        return;
    }
    // Used at the release's tag: github.action_ref is empty here (as in some composite
    // contexts), so the version comes from the checkout's path and Cargo.toml.
    let mut runner = Runner::new(&format!("v{VERSION}"));
    runner.publish_release(false);
    copy_dir(
        &manifest_dir().join(EXAMPLE),
        &runner.workspace.join("infra"),
    );

    let run = runner.run(&[("paths", "infra"), ("fail-on", "high")]);
    assert_eq!(run.step("resolve").outcome, "success");
    assert!(
        run.step("resolve")
            .stdout
            .contains(&format!("installing release {VERSION}"))
    );
    assert_eq!(run.step("cache").outcome, "skipped", "no build, no cache");
    assert_eq!(
        run.step("install").outcome,
        "success",
        "{:?}",
        run.step("install")
    );
    assert!(runner.log("cargo.log").is_empty(), "nothing compiled");
    // One redshield run made the annotations, the summary, the SARIF and the outputs; the
    // high findings failed it.
    let checks = runner.checks();
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert!(
        checks[0].contains("--report github --report sarif:redshield.sarif"),
        "{checks:?}"
    );
    assert!(checks[0].contains("--fail-on high"), "{checks:?}");
    let step = run.step("run");
    assert_eq!(step.outcome, "failure");
    let annotations: Vec<&str> = step
        .stdout
        .lines()
        .filter(|l| l.starts_with("::"))
        .collect();
    assert_eq!(annotations.len(), 6, "{}", step.stdout);
    assert!(
        step.stdout.contains("::error file=infra/main.tf,line=14"),
        "{}",
        step.stdout
    );
    assert!(run.summary.contains("redshield"), "{}", run.summary);
    assert!(run.summary.contains("RS105"), "{}", run.summary);
    assert_eq!(run.outputs["findings"], "6");
    let sarif = runner.workspace.join("redshield.sarif");
    assert_eq!(run.outputs["sarif-file"], sarif.display().to_string());
    assert_eq!(sarif_results(&run.outputs["sarif-file"]), 6);
    assert_eq!(
        run.step("save").outcome,
        "skipped",
        "the save step: nothing built"
    );

    // fail-on decides the status apart from what is reported.
    let only_low = runner.run(&[("paths", "infra"), ("select", "RS110"), ("fail-on", "high")]);
    assert_eq!(only_low.step("run").outcome, "success");
    assert_eq!(only_low.outputs["findings"], "1");
    let low = runner.run(&[("paths", "infra"), ("select", "RS110"), ("fail-on", "low")]);
    assert_eq!(low.step("run").outcome, "failure");
    let never = runner.run(&[("paths", "infra"), ("fail-on", "never")]);
    assert_eq!(never.step("run").outcome, "success");
    assert_eq!(never.outputs["findings"], "6");
    assert_eq!(runner.checks().len(), 4, "one redshield run per action run");
}

#[test]
fn a_wheel_that_does_not_match_the_release_checksums_is_refused() {
    if !python_with_venv() {
        eprintln!("skipped: python3 with venv and pip is needed for the release install");
        return;
    }
    let mut runner = Runner::new("main");
    runner.publish_release(true);
    runner
        .github
        .insert("action_ref".into(), format!("v{VERSION}"));
    let run = runner.run(&[]);
    let install = run.step("install");
    assert_eq!(install.outcome, "failure");
    assert!(
        install
            .stderr
            .contains("wheel matching the release's SHA256SUMS")
            && install.stderr.contains("HASHES"),
        "{}",
        install.stderr
    );
    assert_eq!(run.step("run").outcome, "skipped");
    assert!(runner.checks().is_empty());

    // A version that was never released is an error, not a silent build.
    let missing = runner.run(&[("version", "9.9.9")]);
    assert_eq!(missing.step("install").outcome, "failure");
    assert!(
        missing
            .step("install")
            .stderr
            .contains("is redshield 9.9.9 released?"),
        "{}",
        missing.step("install").stderr
    );
    assert!(runner.log("cargo.log").is_empty());
}

#[test]
fn an_unreleased_ref_builds_from_source_and_a_failing_scan_still_saves_the_cache() {
    let save = action()["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["uses"].as_str() == Some("actions/cache/save@v4"))
        .cloned()
        .unwrap();
    assert!(
        save["if"].as_str().unwrap().starts_with("always() &&"),
        "{save}"
    );

    let mut runner = Runner::new("main");
    runner.github.insert("action_ref".into(), "main".into());
    copy_dir(
        &manifest_dir().join(EXAMPLE),
        &runner.workspace.join("infra"),
    );
    let first = runner.run(&[("paths", "infra")]);
    assert!(
        first
            .step("resolve")
            .stdout
            .contains("building redshield/redshield@main from source"),
        "{:?}",
        first.step("resolve")
    );
    assert_eq!(first.step("cache").outcome, "success");
    let cargo = runner.log("cargo.log");
    assert_eq!(cargo.len(), 1);
    assert!(
        cargo[0].starts_with(&format!(
            "install --locked --force --path {}",
            runner.action_path.display()
        )),
        "{cargo:?}"
    );
    assert_eq!(first.step("run").outcome, "failure", "the findings fail it");
    assert_eq!(
        first.step("save").outcome,
        "success",
        "the save step runs anyway"
    );
    assert_eq!(std::fs::read_dir(runner.path("cache")).unwrap().count(), 1);

    // The next run restores the build: nothing compiled, nothing saved again.
    let second = runner.run(&[("paths", "infra"), ("fail-on", "never")]);
    assert_eq!(second.step("install").outcome, "success");
    assert_eq!(runner.log("cargo.log").len(), 1, "not compiled again");
    assert_eq!(
        second.step("save").outcome,
        "skipped",
        "an exact hit is not saved again"
    );
    assert_eq!(second.step("run").outcome, "success");
    assert_eq!(runner.checks().len(), 2);
}

#[test]
fn only_changed_analyzes_the_whole_module_of_each_changed_file() {
    let mut runner = Runner::new("main");
    runner.github.insert("action_ref".into(), "main".into());
    let ws = runner.workspace.clone();
    copy_dir(&manifest_dir().join(EXAMPLE), &ws.join("infra/warehouse"));
    copy_dir(
        &manifest_dir().join("testdata/cli/clean"),
        &ws.join("infra/clean"),
    );
    std::fs::write(ws.join("README.md"), "docs\n").unwrap();
    git(&ws, &["init", "--quiet"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "--quiet", "-m", "base"]);
    let base = git(&ws, &["rev-parse", "HEAD"]);
    // No base commit known (a first push): everything under paths, with a warning.
    let unknown = runner.run(&[
        ("paths", "infra"),
        ("only-changed", "true"),
        ("fail-on", "never"),
    ]);
    let step = unknown.step("run");
    assert!(
        step.stdout
            .contains("::warning title=redshield::only-changed: the base commit is unknown"),
        "{step:?}"
    );
    assert_eq!(unknown.outputs["findings"], "6");
    assert!(
        runner.checks()[0].ends_with("--exit-zero -- infra"),
        "{:?}",
        runner.checks()
    );
    runner
        .github
        .insert("event.pull_request.base.sha".into(), base.clone());

    // Only the clean module and the README changed: the warehouse is not analyzed.
    let main_tf = ws.join("infra/clean/main.tf");
    let text = std::fs::read_to_string(&main_tf).unwrap();
    std::fs::write(&main_tf, format!("{text}\n# changed\n")).unwrap();
    std::fs::write(ws.join("README.md"), "more docs\n").unwrap();
    git(&ws, &["commit", "--quiet", "-am", "clean"]);
    let run = runner.run(&[("paths", "infra"), ("only-changed", "true")]);
    assert_eq!(run.step("run").outcome, "success", "{:?}", run.step("run"));
    assert_eq!(run.outputs["findings"], "0");
    let checks = runner.checks();
    assert_eq!(checks.len(), 2);
    assert!(
        checks[1].ends_with("--whole-modules -- infra/clean/main.tf"),
        "{checks:?}"
    );

    // A change to one file of the warehouse module (its routes) is judged with the rest of the
    // module: all its findings, not only those in network.tf.
    let network = ws.join("infra/warehouse/network.tf");
    let text = std::fs::read_to_string(&network).unwrap();
    std::fs::write(&network, format!("{text}\n# changed\n")).unwrap();
    git(&ws, &["commit", "--quiet", "-am", "routes"]);
    let run = runner.run(&[
        ("paths", "infra"),
        ("only-changed", "true"),
        ("fail-on", "never"),
    ]);
    assert_eq!(run.outputs["findings"], "6", "{:?}", run.step("run"));
    assert!(
        run.step("run")
            .stdout
            .contains("::error file=infra/warehouse/main.tf")
    );

    // Nothing relevant changed: no run, no findings, no SARIF to upload.
    std::fs::write(ws.join("README.md"), "even more docs\n").unwrap();
    git(&ws, &["commit", "--quiet", "-am", "docs"]);
    let head = git(&ws, &["rev-parse", "HEAD~1"]);
    runner
        .github
        .insert("event.pull_request.base.sha".into(), head);
    let run = runner.run(&[("paths", "infra"), ("only-changed", "true")]);
    assert_eq!(run.step("run").outcome, "success");
    assert!(run.step("run").stdout.contains("nothing to analyze"));
    assert_eq!(run.outputs["findings"], "0");
    assert_eq!(run.outputs["sarif-file"], "");
    assert_eq!(runner.checks().len(), 3);
}

#[test]
fn the_action_passes_its_inputs_as_redshield_flags() {
    let mut runner = Runner::new("main");
    runner.github.insert("action_ref".into(), "main".into());
    let infra = runner.workspace.join("infra");
    copy_dir(&manifest_dir().join(EXAMPLE), &infra);
    std::fs::write(infra.join("prod.tfvars"), "node_type = \"ra3.xlplus\"\n").unwrap();
    let run = runner.run(&[
        ("working-directory", "infra"),
        ("formats", "github, json:reports/out.json\njunit"),
        ("severity", "MEDIUM"),
        ("ignore", "RS109"),
        ("var-files", "prod.tfvars"),
        ("strict", "true"),
        ("args", "--region eu-west-1"),
    ]);
    let checks = runner.checks();
    assert_eq!(checks.len(), 1);
    assert_eq!(
        checks[0],
        "check --report github --report json:reports/out.json --report junit:redshield-junit.xml \
         --severity MEDIUM --ignore RS109 --strict --var-file prod.tfvars --region eu-west-1 -- ."
    );
    assert!(infra.join("reports/out.json").is_file());
    assert!(infra.join("redshield-junit.xml").is_file());
    assert_eq!(run.outputs["sarif-file"], "", "no sarif asked for");
    let report: Value =
        serde_json::from_slice(&std::fs::read(infra.join("reports/out.json")).unwrap()).unwrap();
    assert_eq!(
        run.outputs["findings"],
        report["summary"]["findings"].to_string()
    );
    // Paths in annotations are the repository's, though it ran in infra/.
    assert!(
        run.step("run")
            .stdout
            .contains("::error file=infra/main.tf"),
        "{:?}",
        run.step("run")
    );
}

/// Runs git in `dir` with a fixed identity.
fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The release step that publishes the fast pre-commit hook, run on a local checkout.
fn publish_mirror(mirror: &Path, version: &str) -> std::process::Output {
    Command::new("bash")
        .arg(manifest_dir().join(".github/scripts/publish-pre-commit-mirror.sh"))
        .args([mirror.to_str().unwrap(), version])
        .env("GIT_AUTHOR_NAME", "release")
        .env("GIT_AUTHOR_EMAIL", "release@example.com")
        .env("GIT_COMMITTER_NAME", "release")
        .env("GIT_COMMITTER_EMAIL", "release@example.com")
        .output()
        .unwrap()
}

/// A release tags the pre-commit mirror with the hook of pre-commit-mirror/ and the wheel of
/// its own version pinned; publishing the same release again changes nothing, and a published
/// version is never moved to other content.
#[test]
fn the_release_tags_the_pre_commit_mirror_with_its_own_wheel_pinned() {
    let mirror = tempfile::tempdir().unwrap();
    git_in(mirror.path(), &["init", "-q"]);
    let out = publish_mirror(mirror.path(), "9.8.7");
    assert!(out.status.success(), "{out:?}");
    let pyproject = std::fs::read_to_string(mirror.path().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("\nversion = \"9.8.7\"\n"), "{pyproject}");
    assert!(pyproject.contains("\"redshield==9.8.7\""), "{pyproject}");
    assert_eq!(
        std::fs::read_to_string(mirror.path().join(".pre-commit-hooks.yaml")).unwrap(),
        std::fs::read_to_string(manifest_dir().join("pre-commit-mirror/.pre-commit-hooks.yaml"))
            .unwrap()
    );
    assert_eq!(git_in(mirror.path(), &["tag", "--list"]), "v9.8.7\n");
    assert_eq!(git_in(mirror.path(), &["status", "--porcelain"]), "");

    let again = publish_mirror(mirror.path(), "9.8.7");
    assert!(again.status.success(), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already published"));
    assert_eq!(
        git_in(mirror.path(), &["rev-list", "--count", "HEAD"]),
        "1\n"
    );

    // A tag someone made by hand on other content is not overwritten.
    std::fs::write(mirror.path().join("README.md"), "other\n").unwrap();
    git_in(mirror.path(), &["commit", "-qam", "other"]);
    git_in(mirror.path(), &["tag", "-a", "v1.0.0", "-m", "other"]);
    let moved = publish_mirror(mirror.path(), "1.0.0");
    assert_eq!(moved.status.code(), Some(1), "{moved:?}");
    assert!(String::from_utf8_lossy(&moved.stderr).contains("never moved"));

    let bad = publish_mirror(mirror.path(), "latest");
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
}

#[test]
fn on_a_pull_request_the_action_compares_with_its_base_and_leads_with_what_it_introduces() {
    let mut runner = Runner::new("main");
    runner.github.insert("action_ref".into(), "main".into());
    let ws = runner.workspace.clone();
    let config =
        std::fs::read_to_string(manifest_dir().join("testdata/change/plan/unchanged/main.tf"))
            .unwrap();
    std::fs::create_dir_all(ws.join("infra")).unwrap();
    std::fs::write(ws.join("infra/main.tf"), &config).unwrap();
    git(&ws, &["init", "--quiet"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "--quiet", "-m", "base"]);
    let base = git(&ws, &["rev-parse", "HEAD"]);
    // The pull request opens the security group.
    let opened = config.replace("[\"10.0.0.0/8\"]", "[\"0.0.0.0/0\"]");
    assert_ne!(opened, config);
    std::fs::write(ws.join("infra/main.tf"), &opened).unwrap();
    git(&ws, &["commit", "--quiet", "-am", "open"]);
    runner
        .github
        .insert("event.pull_request.base.sha".into(), base.clone());

    let run = runner.run(&[("paths", "infra"), ("fail-on-new", "true")]);
    let checks = runner.checks();
    assert!(
        checks[0].contains(&format!("--diff-base {base} --fail-on-new -- infra")),
        "{checks:?}"
    );
    assert_eq!(run.step("run").outcome, "failure", "RS105 is introduced");
    assert_eq!(run.outputs["introduced"], "1");
    assert!(
        run.step("run")
            .stdout
            .contains("redshield: 1 finding(s) the change introduces fail the step"),
        "{:?}",
        run.step("run")
    );
    let short = &base[..12];
    assert!(
        run.summary.starts_with(&format!(
            "## redshield: the change since {short} introduces 1 finding and resolves none\n"
        )),
        "{}",
        run.summary
    );
    let introduced = run.summary.find("### Introduced (1)").unwrap();
    let unchanged = run.summary.find("### Unchanged").unwrap();
    assert!(introduced < unchanged, "{}", run.summary);
    assert!(
        run.step("run")
            .stdout
            .contains(&format!("change: introduced since {short}")),
        "{:?}",
        run.step("run")
    );

    // Without failing on new findings: all findings fail, as before.
    let run = runner.run(&[("paths", "infra"), ("fail-on", "high")]);
    assert_eq!(run.step("run").outcome, "failure");
    // Turned off: no comparison, nothing labelled.
    let run = runner.run(&[
        ("paths", "infra"),
        ("diff-base", "none"),
        ("fail-on", "never"),
    ]);
    let checks = runner.checks();
    assert!(!checks[2].contains("--diff-base"), "{checks:?}");
    assert_eq!(run.outputs["introduced"], "");
    assert!(!run.summary.contains("introduces"), "{}", run.summary);
    // A push (no pull request): no base to compare with.
    runner.github.remove("event.pull_request.base.sha");
    runner.run(&[("paths", "infra"), ("fail-on", "never")]);
    assert!(!runner.checks()[3].contains("--diff-base"));
}
