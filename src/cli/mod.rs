//! The command line: parses arguments, runs the engine, renders and writes the report, and
//! turns the outcome into an exit status. The only layer that prints.

mod args;
mod git;
mod repo;
mod settings;

use crate::discover::OsFileSystem;
use crate::report::{
    codequality::render_codequality,
    github::{render_github, render_github_quiet},
    graph::{diagrams, render_dot, render_graph_json, render_mermaid},
    json::render_json,
    junit::render_junit,
    markdown::{render_markdown_summary_with, render_markdown_with},
    sarif::{Repository, render_sarif_in},
    text::{render_text, render_text_quiet},
};
use crate::rules;
use args::{Args, Command, Format, GraphFormat, ListFormat, ReportTarget};
use clap::Parser;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the command line and returns the exit status.
pub fn run() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match args.command {
        Command::Check(check) => run_check(&check),
        Command::Graph(graph) => run_graph(&graph),
        Command::Rules { format } => write_stdout(&render_rules(format)),
        Command::Explain { rule } => match rules::by_id(&rule) {
            Some(rule) => write_stdout(&format!(
                "{} {} ({})\n\n{}\n",
                rule.id,
                rule.name,
                rule.severity.as_str(),
                rule.documentation().trim_end()
            )),
            None => {
                warn(&format!(
                    "error: unknown rule `{rule}` (see `redshield rules`)"
                ));
                ExitCode::from(2)
            }
        },
    }
}

fn run_check(check: &args::CheckArgs) -> ExitCode {
    let settings = match settings::settings(check).and_then(|s| Ok((s, report_targets(check)?))) {
        Ok(settings) => settings,
        Err(message) => {
            warn(&format!("error: {message}"));
            return ExitCode::from(2);
        }
    };
    let (mut settings, targets) = settings;
    // The Markdown report and the step summary draw the network around each warehouse with
    // findings; no other report pays for the graphs.
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|p| !p.is_empty());
    settings.graphs = targets
        .iter()
        .any(|t| t.format == Format::Markdown || (t.format == Format::Github && step_summary));
    let inputs = inputs(check, &settings);
    let fs = OsFileSystem::limited(settings.limits.file_bytes);
    // --diff-base: the same paths at a git revision, read from the repository.
    let revision = match &check.diff_base {
        None => None,
        Some(_) if inputs.stdin.is_some() || !inputs.errors.is_empty() => {
            warn(
                "error: --diff-base compares files with their version in git; standard input (-) has none",
            );
            return ExitCode::from(2);
        }
        Some(rev) => match git::Revision::open(rev, settings.limits.file_bytes) {
            Ok(tree) => Some((rev, tree)),
            Err(message) => {
                warn(&format!("error: {message}"));
                return ExitCode::from(2);
            }
        },
    };
    let baseline = match &check.baseline {
        None => None,
        Some(path) => match crate::baseline::load(path, &path.display().to_string()) {
            Ok(entries) => Some(entries),
            Err(message) => {
                warn(&format!("error: {message}"));
                return ExitCode::from(2);
            }
        },
    };
    // --fix keeps the analysis job by job, to analyze again only what reads a file it fixes.
    let jobs = check.fix.then(|| crate::Jobs::run(&inputs, &settings, &fs));
    let mut analysis = match &jobs {
        Some(jobs) => jobs.analysis(),
        None => crate::analyze(&inputs, &settings, &fs),
    };
    for output in targets.iter().filter_map(|t| t.file.as_ref()) {
        if let Some(input) = overwritten_input(output, check, &analysis.sources) {
            let flag = if Some(output) == check.output.as_ref() {
                "--output"
            } else {
                "--report"
            };
            warn(&format!(
                "error: {flag} {}: {input} is an input; the report would overwrite it (write \
                 the report elsewhere)",
                output.display()
            ));
            return ExitCode::from(2);
        }
    }
    if let Some(mut jobs) = jobs {
        let plan = crate::fix::plan(
            analysis.report.fixables(),
            &analysis.sources,
            &foldhash::HashSet::default(),
        );
        // Every finding --fix leaves is named: those whose fix cannot be made, and those with
        // no fix at all.
        let mut unfixed: Vec<(usize, &str)> = plan
            .skipped
            .iter()
            .map(|(index, reason)| (*index, reason.as_str()))
            .chain(
                analysis
                    .report
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.fix.is_none())
                    .map(|(index, _)| (index, "redshield knows no fix for it")),
            )
            .collect();
        unfixed.sort_by_key(|(index, _)| *index);
        for (index, reason) in unfixed {
            if let Some(finding) = analysis.report.findings.get(index) {
                let at = &finding.location;
                warn(&format!(
                    "warning: {}:{}:{}: {} not fixed: {reason}",
                    at.path, at.start_line, at.start_column, finding.rule.id
                ));
            }
        }
        // Fixes are proved by analyzing again what reads the files they change.
        let applied = crate::fix::apply::apply(
            &analysis.sources,
            &plan,
            &fs,
            &inputs.paths,
            &jobs,
            &pause_before_write,
        );
        for (path, count) in &applied.changed {
            warn(&format!(
                "fixed {path} ({count} fix{})",
                if *count == 1 { "" } else { "es" }
            ));
        }
        for (path, reason) in &applied.refused {
            warn(&format!("warning: {path}: {reason}"));
        }
        if !applied.changed.is_empty() {
            // Report what remains: what was proved is what the files hold; files written
            // otherwise are read again.
            for proved in applied.proved {
                jobs.adopt(proved);
            }
            let stale: &[PathBuf] = &applied.stale;
            if !stale.is_empty() {
                for rerun in jobs.rerun(&[(stale, &fs)]) {
                    jobs.adopt(rerun);
                }
            }
            analysis = jobs.into_analysis();
        }
    }
    // Compared after fixing: the findings as the working tree now has them. --fix fixed the
    // working tree only; the revision is read, never written.
    if let Some((rev, tree)) = &revision {
        compare_with_revision(&mut analysis.report, rev, tree, &inputs, &settings);
    }
    if let Some(entries) = &baseline {
        crate::baseline::apply(&mut analysis.report, entries);
    }
    if let Some(path) = &check.write_baseline {
        if let Err(err) = write_atomically(path, &crate::baseline::render(&analysis.report)) {
            warn(&format!(
                "error: cannot write baseline {}: {err}",
                path.display()
            ));
            return ExitCode::from(2);
        }
    }
    if let Some(level) = check.fail_on {
        let level = settings::severity(level);
        for finding in &mut analysis.report.findings {
            finding.fails = finding.severity >= level;
        }
    }
    if check.fail_on_new {
        // Only what the change brings fails the run. A finding no comparison labelled (a
        // plan of a new workspace, where everything is new) is new.
        for finding in &mut analysis.report.findings {
            finding.fails &= finding.change != Some(crate::change::ChangeState::Unchanged);
        }
    }
    if check.exit_zero || (check.write_baseline.is_some() && analysis.report.exit_code() == 1) {
        // Recording a baseline accepts the current findings; --exit-zero only reports them.
        for finding in &mut analysis.report.findings {
            finding.fails = false;
        }
    }
    let code = analysis.report.exit_code();
    let mut status = ExitCode::from(code);
    // SARIF and GitHub annotations name files relative to the repository, wherever it runs.
    let repository = targets
        .iter()
        .any(|t| matches!(t.format, Format::Sarif | Format::Github | Format::Gitlab))
        .then(repo::find)
        .flatten();
    for target in &targets {
        let to_terminal = target.file.is_none() && std::io::stdout().is_terminal();
        let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        // On the workers: a large JSON report is rendered in parallel.
        let mut rendered = crate::on_workers(|| {
            render(
                target.format,
                &analysis,
                repository.as_ref(),
                color,
                check.quiet,
            )
        });
        if check.diff && target.format == Format::Text {
            rendered.push_str(&render_diffs(&analysis.report));
        }
        if let Err(failed) = emit(target.file.as_deref(), &rendered) {
            status = failed;
        }
    }
    status
}

/// Writes a rendered report to `file`, or to standard output; the exit status to end with when
/// it could not be written.
fn emit(file: Option<&Path>, rendered: &str) -> Result<(), ExitCode> {
    match file {
        Some(path) => std::fs::write(path, rendered).map_err(|err| {
            warn(&format!("error: cannot write {}: {err}", path.display()));
            ExitCode::from(2)
        }),
        None => match write_stdout(rendered) {
            written if written == ExitCode::SUCCESS => Ok(()),
            written => Err(written),
        },
    }
}

/// What `check` (or `graph`) names: paths, and standard input for `-` (read once).
fn inputs(check: &args::CheckArgs, settings: &crate::Settings) -> crate::Inputs {
    let mut inputs = crate::Inputs::default();
    let named = if check.whole_modules {
        whole_modules(&check.paths)
    } else {
        check.paths.clone()
    };
    for path in &named {
        if path.as_os_str() == "-" {
            if inputs.stdin.is_none() && inputs.errors.is_empty() {
                match read_stdin(&mut std::io::stdin().lock(), settings.limits.file_bytes) {
                    Ok(text) => inputs.stdin = Some(text),
                    Err(message) => inputs.errors.push(crate::ir::Diagnostic {
                        path: STDIN.into(),
                        line: None,
                        column: None,
                        message,
                    }),
                }
            }
        } else {
            inputs.paths.push(path.clone());
        }
    }
    // With --whole-modules, named files that all no longer exist leave nothing to analyze.
    if check.paths.is_empty() {
        inputs.paths.push(PathBuf::from("."));
    }
    inputs
}

/// `redshield graph`: one analysis of the inputs, as `check` makes it, drawn. Input errors and
/// warnings go to standard error; any input error makes the status 2.
fn run_graph(graph: &args::GraphArgs) -> ExitCode {
    let check = graph.as_check();
    let mut settings = match settings::settings(&check) {
        Ok(settings) => settings,
        Err(message) => {
            warn(&format!("error: {message}"));
            return ExitCode::from(2);
        }
    };
    settings.graphs = true;
    let inputs = inputs(&check, &settings);
    let fs = OsFileSystem::limited(settings.limits.file_bytes);
    let analysis = crate::analyze(&inputs, &settings, &fs);
    if let Some(output) = &graph.output {
        if let Some(input) = overwritten_input(output, &check, &analysis.sources) {
            warn(&format!(
                "error: --output {}: {input} is an input; the graph would overwrite it (write \
                 it elsewhere)",
                output.display()
            ));
            return ExitCode::from(2);
        }
    }
    let report = &analysis.report;
    for (level, diagnostics) in [("error", &report.errors), ("warning", &report.warnings)] {
        for d in diagnostics {
            let place = match (d.line, d.column) {
                (Some(line), Some(column)) => format!("{}:{line}:{column}", d.path),
                (Some(line), None) => format!("{}:{line}", d.path),
                _ => d.path.clone(),
            };
            warn(&format!("{level}: {place}: {}", d.message));
        }
    }
    let rendered = match graph.format {
        GraphFormat::Mermaid => render_mermaid(&analysis.graphs, report, &analysis.sources),
        GraphFormat::Dot => render_dot(&analysis.graphs, report, &analysis.sources),
        GraphFormat::Json => render_graph_json(&analysis.graphs, report, &analysis.sources),
    };
    let mut status = ExitCode::from(if report.errors.is_empty() { 0 } else { 2 });
    if let Err(failed) = emit(graph.output.as_deref(), &rendered) {
        status = failed;
    }
    status
}

/// Labels the report's findings against the same inputs at git revision `rev` (read through
/// `tree`). What could not be read there is said in a warning: its findings count as
/// introduced.
fn compare_with_revision(
    report: &mut crate::report::Report,
    rev: &str,
    tree: &git::Revision,
    inputs: &crate::Inputs,
    settings: &crate::Settings,
) {
    let before = crate::analyze(inputs, settings, tree).report;
    for error in &before.errors {
        report.warnings.push(crate::ir::Diagnostic {
            message: format!(
                "at {rev}: {}; findings here count as introduced",
                error.message
            ),
            ..error.clone()
        });
    }
    report.compare_with_revision(rev, before);
}

/// `--whole-modules`: each named Terraform file (`.tf`, `.tf.json`, `.tfvars`,
/// `.tfvars.json`) becomes its directory, the module it belongs to, so that a change is judged
/// with the files it is read with; other files stay themselves. A named file that does not
/// exist (a deleted file in a commit) is left out, and so is a Terraform file whose directory
/// is gone. Each directory is named once.
fn whole_modules(paths: &[PathBuf]) -> Vec<PathBuf> {
    const MODULE_FILES: [&str; 4] = [".tf", ".tf.json", ".tfvars", ".tfvars.json"];
    let mut named: Vec<PathBuf> = Vec::new();
    // A commit may stage thousands of files of a few modules: each directory is kept once,
    // in the order first named, without comparing every pair.
    let mut seen: foldhash::HashSet<PathBuf> = foldhash::HashSet::default();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = if path.as_os_str() == "-" {
            path.clone()
        } else if MODULE_FILES.iter().any(|ext| name.ends_with(ext)) {
            let dir = crate::parent_dir(path);
            if !dir.is_dir() {
                continue;
            }
            dir
        } else if path.exists() {
            path.clone()
        } else {
            continue;
        };
        if seen.insert(input.clone()) {
            named.push(input);
        }
    }
    named
}

/// The reports to write: each `--report`, and `--format`/`--output` (the only one when no
/// `--report` is given). At most one goes to standard output, and each file gets one.
fn report_targets(check: &args::CheckArgs) -> Result<Vec<ReportTarget>, String> {
    let mut targets = Vec::new();
    if check.format.is_some() || check.output.is_some() || check.reports.is_empty() {
        targets.push(ReportTarget {
            format: check.format.unwrap_or(Format::Text),
            file: check.output.clone(),
        });
    }
    targets.extend(check.reports.iter().cloned());
    let to_stdout: Vec<String> = targets
        .iter()
        .filter(|t| t.file.is_none())
        .map(|t| format_name(t.format))
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "{} reports would go to standard output ({}): give all but one a file, as \
             --report sarif:redshield.sarif",
            to_stdout.len(),
            to_stdout.join(", ")
        ));
    }
    let files: Vec<&PathBuf> = targets.iter().filter_map(|t| t.file.as_ref()).collect();
    for (i, file) in files.iter().enumerate() {
        if files.iter().skip(i + 1).any(|other| other == file) {
            return Err(format!(
                "two reports would be written to {}: give each its own file",
                file.display()
            ));
        }
    }
    Ok(targets)
}

fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// One report in `format`. `--quiet` leaves the human formats only their findings and input
/// errors; the machine formats are whole either way.
/// SARIF, GitHub annotations and GitLab Code Quality name files relative to `repository` when
/// there is one.
fn render(
    format: Format,
    analysis: &crate::Analysis,
    repository: Option<&repo::Repo>,
    color: bool,
    quiet: bool,
) -> String {
    let report = &analysis.report;
    let in_repository = || {
        let cwd = std::env::current_dir().unwrap_or_default();
        repository.map(|r| report.relative_to(&cwd, &r.root))
    };
    match format {
        Format::Text if quiet => render_text_quiet(report, &analysis.sources, color),
        Format::Text => render_text(report, &analysis.sources, color),
        Format::Json => render_json(report),
        Format::Sarif => {
            let rebased = in_repository();
            render_sarif_in(
                rebased.as_ref().unwrap_or(report),
                repository.map(|r| Repository {
                    root: &r.root,
                    uri: r.uri.as_deref(),
                    revision: r.revision.as_deref(),
                    branch: r.branch.as_deref(),
                }),
            )
        }
        Format::Github => {
            let rebased = in_repository();
            let report = rebased.as_ref().unwrap_or(report);
            append_step_summary(&render_markdown_summary_with(
                report,
                &diagrams(&analysis.graphs, report),
            ));
            if quiet {
                render_github_quiet(report)
            } else {
                render_github(report)
            }
        }
        Format::Markdown => render_markdown_with(report, &diagrams(&analysis.graphs, report)),
        Format::Junit => render_junit(report),
        Format::Gitlab => render_codequality(in_repository().as_ref().unwrap_or(report)),
    }
}

/// The input `output` would overwrite, shown as the user named it or as the report shows it:
/// a path named on the command line (inputs, --var-file, --config, --baseline, --ip-ranges)
/// or any file the analysis read, compared as the same file on disk (links, `./`, symlinks).
fn overwritten_input(
    output: &std::path::Path,
    check: &args::CheckArgs,
    sources: &crate::ir::SourceMap,
) -> Option<String> {
    let target = FileIdentity::of(output)?;
    let named = check
        .paths
        .iter()
        .chain(&check.var_files)
        .chain(&check.config)
        .chain(&check.baseline)
        .chain(&check.ip_ranges)
        .filter(|p| p.as_os_str() != "-");
    for path in named {
        if FileIdentity::of(path).as_ref() == Some(&target) {
            return Some(path.display().to_string());
        }
    }
    sources
        .ids()
        .find(|id| FileIdentity::of(sources.path(*id)).as_ref() == Some(&target))
        .map(|id| sources.display(id).to_string())
}

/// What makes two paths the same file: device and inode on Unix, the canonical path elsewhere.
#[derive(PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    id: (u64, u64),
    #[cfg(not(unix))]
    id: PathBuf,
}

impl FileIdentity {
    /// None when nothing exists at `path`.
    fn of(path: &std::path::Path) -> Option<FileIdentity> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(path).ok()?;
            Some(FileIdentity {
                id: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            Some(FileIdentity {
                id: std::fs::canonicalize(path).ok()?,
            })
        }
    }
}

/// Prints one line to standard error, escaped like the text report: messages quote paths and
/// names from the inputs, and the GitHub runner reads standard error for workflow commands too.
fn warn(line: &str) {
    eprintln!("{}", crate::report::escape::line(line));
}

/// Debug builds only, for tests: with `REDSHIELD_TEST_PAUSE_BEFORE_WRITE` set, `--fix` says
/// `paused before writing PATH` on standard error and waits for a line on standard input
/// before its last check that the file is unchanged, so that a test can change the file at
/// that point deterministically. Release builds never pause.
fn pause_before_write(display: &str) {
    if cfg!(debug_assertions) && std::env::var_os("REDSHIELD_TEST_PAUSE_BEFORE_WRITE").is_some() {
        eprintln!("paused before writing {display}");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

/// How reports name standard input.
const STDIN: &str = "<stdin>";

/// Reads standard input as text, at most `limit` bytes, decoded like a file (UTF-8, or UTF-16
/// with a byte-order mark).
fn read_stdin(stdin: &mut impl Read, limit: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    stdin
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > limit) {
        return Err(format!(
            "standard input is larger than {} MB, the limit for one input",
            limit >> 20
        ));
    }
    // The decoder speaks of a file.
    crate::discover::decode(&bytes).map_err(|m| m.replacen("file is", "standard input is", 1))
}

/// The findings' fixes as one patch (each file's fixes together, overlapping ones left out).
/// Names, descriptions and diffs are escaped like the text report (a diff keeps its line
/// breaks).
fn render_diffs(report: &crate::report::Report) -> String {
    let report = &crate::report::escape::for_humans(report);
    let mut out = String::new();
    for finding in &report.findings {
        let Some(outcome) = &finding.fix_outcome else {
            continue;
        };
        match &outcome.diff {
            Ok(diff) => {
                out.push_str(&format!(
                    "# {} {}: {}\n",
                    finding.rule.id, finding.address, outcome.description
                ));
                out.push_str(diff);
            }
            Err(reason) => out.push_str(&format!(
                "# {} {}: no fix: {reason}\n",
                finding.rule.id, finding.address
            )),
        }
    }
    out
}

/// Writes a file through a temporary file in the same directory and a rename, so that a
/// failure never leaves it half-written.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.redshield-{}", std::process::id()));
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
}

/// Appends to the file GitHub Actions names in `GITHUB_STEP_SUMMARY`, when it names one. A
/// failure only warns: the annotations and the exit status matter more than the summary.
fn append_step_summary(markdown: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let path = PathBuf::from(path);
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| {
            file.write_all(markdown.as_bytes())?;
            file.write_all(b"\n")
        });
    if let Err(err) = written {
        warn(&format!(
            "warning: cannot append the step summary to {}: {err}",
            path.display()
        ));
    }
}

/// Writes to standard output; a closed pipe ends the program quietly.
fn write_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            warn(&format!("error: cannot write output: {err}"));
            ExitCode::from(2)
        }
    }
}

/// The rule catalog as a table or JSON.
pub fn render_rules(format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let rules: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "name": r.name,
                        "severity": r.severity.as_str(),
                        "summary": r.summary,
                        "fix": r.fix != rules::FixAvailability::None,
                        "opt_in": r.opt_in,
                    })
                })
                .collect();
            let mut out = serde_json::to_string_pretty(&rules).unwrap_or_default();
            out.push('\n');
            out
        }
        ListFormat::Text => {
            let mut out = format!(
                "{:<7}{:<34}{:<9}{:<5}{}\n",
                "ID", "NAME", "SEVERITY", "FIX", "SUMMARY"
            );
            for r in rules::ALL {
                let fix = if r.fix == rules::FixAvailability::None {
                    ""
                } else {
                    "yes"
                };
                let summary = if r.opt_in {
                    format!("{} (opt-in)", r.summary)
                } else {
                    r.summary.to_string()
                };
                out.push_str(&format!(
                    "{:<7}{:<34}{:<9}{:<5}{}\n",
                    r.id,
                    r.name,
                    r.severity.as_str(),
                    fix,
                    summary
                ));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_stdin;

    #[test]
    fn standard_input_is_limited_and_decoded_like_a_file() {
        let limit = 1 << 20;
        let at_limit = vec![b'a'; 1 << 20];
        assert_eq!(
            read_stdin(&mut at_limit.as_slice(), limit).map(|t| t.len()),
            Ok(1 << 20)
        );
        let past = vec![b'a'; (1 << 20) + 1];
        assert_eq!(
            read_stdin(&mut past.as_slice(), limit),
            Err("standard input is larger than 1 MB, the limit for one input".into())
        );
        assert_eq!(
            read_stdin(&mut &b"caf\xe9"[..], limit),
            Err("standard input is not UTF-8 text (invalid byte at offset 3)".into())
        );
        assert_eq!(
            read_stdin(&mut &b"\xFF\xFEh\x00i\x00"[..], limit),
            Ok("hi".into())
        );
    }
}
