//! redshield finds Amazon Redshift deployments that break AWS's documented network-isolation
//! and Redshift Spectrum access requirements in Terraform (and, as front ends land, plan JSON
//! and CloudFormation).
//!
//! The engine is [`analyze`]: inputs → [`discover`] → front ends → [`ir`] → [`model`] →
//! [`rules`] → a [`report::Report`]. It prints nothing; [`cli`] renders the report.

pub mod baseline;
pub mod change;
pub mod cli;
pub mod config;
pub mod discover;
pub mod fix;
pub mod frontend;
pub mod graph;
pub mod ir;
pub mod limits;
pub mod model;
pub mod report;
pub mod rules;
pub mod suppress;

use crate::discover::DocumentKind;
use crate::frontend::FileSystem;
use crate::frontend::hcl::HclOptions;
use crate::frontend::plan::PlanOptions;
use crate::ir::region::UnitRegion;
use crate::ir::{Diagnostic, SourceMap, Unit};
use crate::model::adapt::{AdaptOptions, adapt};
use crate::model::s3_ranges::S3Ranges;
use crate::model::secret::{Secret, Secrets};
use crate::report::{Collected, Report};
use crate::rules::{Finding, Rule, RuleConfig, Severity};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Validated settings for one run (command line merged over configuration files, which are
/// looked up per directory of units unless `config` names one).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub hcl: HclOptions,
    pub plan: PlanOptions,
    /// `--ip-ranges`: S3 prefixes read from AWS's ip-ranges.json, instead of the embedded ones.
    pub ip_ranges: Option<std::sync::Arc<crate::model::s3_ranges::S3Ranges>>,
    /// `--param NAME=VALUE` for CloudFormation parameters.
    pub params: Vec<(String, String)>,
    /// `--region`.
    pub region: Option<String>,
    /// `--config`: one configuration for every unit, instead of looking one up per unit.
    pub config: Option<PathBuf>,
    /// `--select` (IDs or prefixes); empty means the configuration's or the default.
    pub select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--severity`.
    pub severity: Option<Severity>,
    /// `--strict`.
    pub strict: bool,
    /// What one input may cost (the run's configuration's `[limits]`, else the defaults).
    pub limits: limits::Limits,
    /// Paths not analyzed (`--exclude`, the run's configuration's `exclude`).
    pub exclude: discover::Exclude,
    /// Build the network graph of each warehouse (`redshield graph`, and the Markdown
    /// report's diagrams); other runs do not pay for it.
    pub graphs: bool,
}

/// What to analyze: paths, and standard input when `-` was given.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    /// The text read from standard input.
    pub stdin: Option<String>,
    /// Inputs that could not be read before analysis (standard input), reported as errors.
    pub errors: Vec<Diagnostic>,
}

impl Inputs {
    pub fn paths(paths: &[PathBuf]) -> Inputs {
        Inputs {
            paths: paths.to_vec(),
            stdin: None,
            errors: Vec::new(),
        }
    }
}

/// What one run produced: the report and every source text read (for rendering excerpts).
pub struct Analysis {
    pub report: Report,
    pub sources: SourceMap,
    /// The network around each warehouse, when [`Settings::graphs`] asks for it, in input
    /// order.
    pub graphs: Vec<graph::Graph>,
}

/// Collects units' findings and errors while a run goes on.
struct Run<'a> {
    settings: &'a Settings,
    fs: &'a dyn FileSystem,
    sources: SourceMap,
    errors: Vec<Diagnostic>,
    findings: Vec<Collected>,
    graphs: Vec<graph::Graph>,
    warnings: Vec<Diagnostic>,
    /// Plan files: findings that still point into them (no source found) get no fix.
    plan_files: foldhash::HashSet<crate::ir::FileId>,
    resources: usize,
    decided: &'a DecidedSettings<'a>,
    /// What the units' sources hold that no report may show.
    secrets: Vec<Secret>,
    /// Findings of plans' prior states that their planned states no longer have.
    resolved: Vec<Finding>,
    /// Whether a plan was compared with its prior state.
    compared: bool,
}

/// What the units of one directory are analyzed with, decided once per run, the first time a
/// unit of the directory asks: the region given for them and what the rules run with.
struct UnitSettings {
    /// `--region`, else the configuration's: the region where the source does not say.
    given_region: Option<String>,
    /// What the rules run with, or why the configuration cannot be used.
    rules: Result<RuleSettings, String>,
    /// Whether the reason the rules cannot run has been reported (once per directory).
    rules_error_reported: AtomicBool,
}

/// What the rules of a unit run with.
struct RuleSettings {
    config: RuleConfig,
    enabled: Vec<&'static Rule>,
    /// Findings below it are not reported.
    threshold: Severity,
}

impl UnitSettings {
    /// The command line merged over the configuration `cfg`.
    fn decide(cfg: &config::Config, settings: &Settings, s3_ranges: &Arc<S3Ranges>) -> Self {
        UnitSettings {
            given_region: settings.region.clone().or_else(|| cfg.region.clone()),
            rules: RuleSettings::decide(cfg, settings, s3_ranges),
            rules_error_reported: AtomicBool::new(false),
        }
    }
}

impl RuleSettings {
    fn decide(
        cfg: &config::Config,
        settings: &Settings,
        s3_ranges: &Arc<S3Ranges>,
    ) -> Result<RuleSettings, String> {
        let allowed_cidrs = match &cfg.allowed_cidrs {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|c| {
                        c.parse::<ipnet::IpNet>()
                            .map(|n| n.trunc())
                            .map_err(|_| format!("allowed_cidrs: `{c}` is not a CIDR"))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let config = RuleConfig {
            s3_ranges: s3_ranges.clone(),
            allowed_cidrs,
            require_dedicated_tenancy: cfg.require_dedicated_tenancy.unwrap_or(false),
            require_customer_managed_keys: cfg.require_customer_managed_keys.unwrap_or(false),
            min_snapshot_retention_days: match cfg.min_snapshot_retention_days {
                Some(days) if !(1..=35).contains(&days) => {
                    return Err(format!(
                        "min_snapshot_retention_days: {days} is not between 1 and 35 (the days AWS keeps automated snapshots)"
                    ));
                }
                days => days,
            },
            trusted_services: cfg.trusted_services.clone().unwrap_or_default(),
            strict: settings.strict || cfg.strict.unwrap_or(false),
        };
        let select = if settings.select.is_empty() {
            cfg.select.clone().unwrap_or_default()
        } else {
            settings.select.clone()
        };
        let mut ignore = cfg.ignore.clone().unwrap_or_default();
        ignore.extend(settings.ignore.iter().cloned());
        Ok(RuleSettings {
            config,
            enabled: enabled_rules(&select, &ignore),
            threshold: settings.severity.or(cfg.severity).unwrap_or(Severity::Low),
        })
    }
}

/// Values computed once per key by whichever job asks first, then shared by every job.
struct OncePer<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceLock<V>>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> OncePer<K, V> {
    fn new() -> Self {
        OncePer {
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key`; `init` runs only when no job has computed it (the lock is held
    /// only to find the key's cell: jobs asking for other keys do not wait).
    fn get_or_init(&self, key: &K, init: impl FnOnce() -> V) -> V {
        let cell = match self.cells.lock() {
            Ok(mut cells) => cells.entry(key.clone()).or_default().clone(),
            // A job panicked holding the lock (it does not): compute without sharing.
            Err(_) => Arc::new(OnceLock::new()),
        };
        cell.get_or_init(init).clone()
    }
}

/// The run's settings per directory and its configuration files, each decided or read once
/// per run and shared by the jobs, with what deciding them reported (a configuration that
/// cannot be read or parsed, or sets limits it may not; a directory whose configuration the
/// rules cannot run with): each message once, however many units use the file or directory.
struct DecidedSettings<'a> {
    settings: &'a Settings,
    fs: &'a dyn FileSystem,
    s3_ranges: Arc<S3Ranges>,
    dirs: OncePer<PathBuf, Arc<UnitSettings>>,
    /// Each configuration read, by path (the default where it cannot be used).
    configs: OncePer<PathBuf, Arc<config::Config>>,
    /// The nearest `redshield.toml` of each directory looked up, by absolute path: sibling
    /// directories share their ancestors' lookups (a thousand stacks in one folder look at
    /// the folder's ancestors once).
    nearest: OncePer<PathBuf, Option<PathBuf>>,
    reported: Mutex<Reported>,
}

/// Errors and warnings, in the order they were reported.
#[derive(Default, Clone)]
struct Reported {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl DecidedSettings<'_> {
    /// The settings of the units read from `dir`.
    fn for_dir(&self, dir: &Path) -> Arc<UnitSettings> {
        self.dirs.get_or_init(&dir.to_path_buf(), || {
            let cfg = self.config_for(dir);
            Arc::new(UnitSettings::decide(&cfg, self.settings, &self.s3_ranges))
        })
    }

    /// The nearest `redshield.toml` at or above the absolute directory `dir` (what
    /// [`config::find`] finds), each directory looked at once per run.
    fn nearest_config(&self, dir: &Path) -> Option<PathBuf> {
        self.nearest.get_or_init(&dir.to_path_buf(), || {
            let candidate = dir.join(config::FILE_NAME);
            if self.fs.is_file(&candidate) {
                return Some(candidate);
            }
            dir.parent().and_then(|parent| self.nearest_config(parent))
        })
    }

    /// Reports, once per directory, that its units run no rule: `decided.rules` says why.
    fn report_rules_error(&self, dir: &Path, decided: &UnitSettings) {
        if let Err(message) = &decided.rules {
            if !decided.rules_error_reported.swap(true, Ordering::Relaxed) {
                self.report(
                    |r| &mut r.errors,
                    || Diagnostic {
                        path: self.fs.display(dir),
                        line: None,
                        column: None,
                        message: message.clone(),
                    },
                );
            }
        }
    }

    /// Adds a diagnostic to the errors or the warnings (`list` chooses).
    fn report(
        &self,
        list: fn(&mut Reported) -> &mut Vec<Diagnostic>,
        diagnostic: impl FnOnce() -> Diagnostic,
    ) {
        let diagnostic = diagnostic();
        if let Ok(mut reported) = self.reported.lock() {
            list(&mut reported).push(diagnostic);
        }
    }

    /// The configuration of the units read from `dir`: `--config`, else the nearest
    /// `redshield.toml`, else the default.
    fn config_for(&self, dir: &Path) -> Arc<config::Config> {
        let (path, named) = match &self.settings.config {
            Some(path) => (path.clone(), true),
            None => match std::path::absolute(dir)
                .ok()
                .and_then(|dir| self.nearest_config(&dir))
            {
                Some(path) => (path, false),
                None => return Arc::new(config::Config::default()),
            },
        };
        self.configs.get_or_init(&path, || {
            let display = self.fs.display(&path);
            match config::load(self.fs, &path, &display) {
                Ok(cfg) => {
                    let unused = config::unused_limits(&cfg, &display, &self.settings.limits);
                    if let Some(warning) = unused.filter(|_| !named) {
                        self.report(|r| &mut r.warnings, || warning);
                    }
                    Arc::new(cfg)
                }
                Err(err) => {
                    self.report(
                        |r| &mut r.errors,
                        || Diagnostic {
                            path: err.path,
                            line: err.line,
                            column: err.column,
                            message: err.message,
                        },
                    );
                    Arc::new(config::Config::default())
                }
            }
        })
    }
}

/// One unit of work: inputs are analyzed in parallel, one job each.
#[derive(Clone)]
enum Job {
    Terraform(discover::TerraformRoot),
    /// A file that may be a plan or a template; `true` when the user named it.
    Document(PathBuf, bool),
    Stdin(String),
}

/// Worker threads with a generous stack, built once; None if threads cannot be started (then
/// the calling thread does the work).
fn worker_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(32 << 20)
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `work` on the worker pool (its parallel iterators use the workers), or on the calling
/// thread if there is none.
pub(crate) fn on_workers<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match worker_pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// How many files one job may read (its file ids are a range of their own).
const FILES_PER_JOB: u32 = 4096;

impl Run<'_> {
    fn error(&mut self, path: &std::path::Path, message: String) {
        self.errors.push(Diagnostic {
            path: self.fs.display(path),
            line: None,
            column: None,
            message,
        });
    }

    fn check_unit(&mut self, unit: &Unit, decided: &UnitSettings) {
        self.resources += unit.resources.len();
        let region = UnitRegion::decide(&unit.settings, decided.given_region.as_deref());
        self.warn_region_conflict(unit, &region);
        self.warnings.extend(unit.warnings.iter().cloned());
        for s in unit.suppressions.iter().filter(|s| s.reason.is_none()) {
            let loc = self.sources.location(s.span);
            self.warnings.push(Diagnostic {
                path: loc.path,
                line: Some(loc.start_line),
                column: Some(loc.start_column),
                message: format!("suppression of {} gives no reason", s.ids.join(", ")),
            });
        }
        let Ok(rules) = &decided.rules else {
            self.decided.report_rules_error(&unit.origin, decided);
            return;
        };
        let (findings, secrets, graphs) = unit_findings(unit, region, rules, self.settings.graphs);
        self.secrets.extend(secrets);
        self.graphs.extend(graphs);
        for finding in findings {
            let suppressed = unit
                .suppressions
                .iter()
                .find(|s| suppress::covers(s, &finding, unit, &self.sources))
                .map(|s| s.reason.clone());
            self.findings.push(Collected {
                finding,
                threshold: rules.threshold,
                suppressed,
                change: None,
            });
        }
    }

    /// `--region` is a fallback: a Terraform unit whose provider block names another region
    /// keeps its own, and the user is told so.
    fn warn_region_conflict(&mut self, unit: &Unit, region: &UnitRegion) {
        let (Some(given), UnitRegion::Written(written, span)) = (&self.settings.region, region)
        else {
            return;
        };
        if unit.family != crate::ir::Family::Terraform || written == given {
            return;
        }
        let loc = self.sources.location(*span);
        self.warnings.push(Diagnostic {
            path: loc.path,
            line: Some(loc.start_line),
            column: Some(loc.start_column),
            message: format!(
                "--region {given} is not used here: the aws provider's region, {written}, is"
            ),
        });
    }

    fn check_document(
        &mut self,
        path: &std::path::Path,
        display: String,
        text: String,
        kind: DocumentKind,
        dir: &std::path::Path,
    ) {
        let file = self.sources.add(path, display, text);
        if kind == DocumentKind::Plan {
            self.plan_files.insert(file);
        }
        let mut prior = None;
        let (unit, diags, decided) = match kind {
            DocumentKind::Plan => {
                let (unit, before, diags) = frontend::plan::load_plan_and_prior(
                    self.fs,
                    &mut self.sources,
                    file,
                    dir,
                    &self.settings.plan,
                    &self.settings.limits,
                );
                prior = before;
                (unit, diags, None)
            }
            DocumentKind::Template { json } => {
                // `AWS::Region` stands for the region the stack is deployed in, when given.
                let decided = self.decided.for_dir(dir);
                let options = frontend::cfn::CfnOptions {
                    params: self.settings.params.clone(),
                    region: decided.given_region.clone(),
                    limits: self.settings.limits,
                };
                let (unit, diags) =
                    frontend::cfn::load_template(&self.sources, file, json, &options);
                (unit, diags, Some(decided))
            }
        };
        self.errors.extend(diags);
        if let Some(mut unit) = unit {
            unit.origin = dir.to_path_buf();
            let decided = decided.unwrap_or_else(|| self.decided.for_dir(dir));
            let first = self.findings.len();
            self.check_unit(&unit, &decided);
            if let (Some(prior), Ok(rules)) = (prior, &decided.rules) {
                self.compare_with_prior(&prior, &decided, rules, first);
            }
        }
    }

    /// Labels the findings of a plan's planned state (from position `first` on) by whether its
    /// prior state has them too, and keeps the prior state's findings the plan resolves.
    fn compare_with_prior(
        &mut self,
        prior: &Unit,
        decided: &UnitSettings,
        rules: &RuleSettings,
        first: usize,
    ) {
        let region = UnitRegion::decide(&prior.settings, decided.given_region.as_deref());
        // The prior state is not drawn.
        let (before, secrets, _) = unit_findings(prior, region, rules, false);
        // What the prior state holds in clear is masked like the planned state's.
        self.secrets.extend(secrets);
        let planned = self.findings.get_mut(first..).unwrap_or_default();
        fn identity(f: &Finding) -> change::Identity<'_> {
            change::Identity::in_plan(f.rule.id, &f.address, &f.message)
        }
        let before_ids: Vec<_> = before.iter().map(identity).collect();
        let after_ids: Vec<_> = planned.iter().map(|c| identity(&c.finding)).collect();
        let pairing = change::pair(&before_ids, &after_ids);
        for (collected, state) in planned.iter_mut().zip(pairing.after) {
            collected.change = Some(state);
        }
        let mut before: Vec<Option<Finding>> = before.into_iter().map(Some).collect();
        self.resolved.extend(
            pairing
                .resolved
                .iter()
                .filter_map(|&i| before.get_mut(i).and_then(Option::take)),
        );
        self.compared = true;
    }
}

/// The diagnostics of one job that no earlier job reported; `earlier` grows by them. Jobs
/// overlap in what they read (a local module several root modules call, the `.tf` source
/// beside a plan), so a message about such a file may come from each of them; within one job
/// each message is made once.
fn not_reported_before(earlier: &mut HashSet<Diagnostic>, job: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let fresh: Vec<Diagnostic> = job.into_iter().filter(|d| !earlier.contains(d)).collect();
    earlier.extend(fresh.iter().cloned());
    fresh
}

/// A plan read with its `.tf` configuration in the same run (a directory holding both) finds
/// what the configuration's own analysis finds, at the same `.tf` lines: each such finding is
/// kept once, the plan's, which names the plan as related and knows values the source alone
/// does not. Findings are the same when their rule, resource and location (file and offset;
/// each job reads the file under its own id) are.
fn drop_findings_a_plan_repeats(
    findings: &mut Vec<Collected>,
    sources: &SourceMap,
    plan_files: &HashSet<crate::ir::FileId>,
) {
    let from_plan = |c: &Collected| {
        c.finding
            .related
            .iter()
            .any(|r| plan_files.contains(&r.span.file))
    };
    let key = |c: &Collected| {
        (
            c.finding.rule.id,
            c.finding.address.clone(),
            sources.path(c.finding.span.file).to_path_buf(),
            c.finding.span.start,
        )
    };
    let planned: HashSet<_> = findings
        .iter()
        .filter(|c| from_plan(c) && !plan_files.contains(&c.finding.span.file))
        .map(key)
        .collect();
    if !planned.is_empty() {
        findings.retain(|c| from_plan(c) || !planned.contains(&key(c)));
    }
}

/// The directory a file is in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &std::path::Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Analyzes the inputs.
pub fn analyze(inputs: &Inputs, settings: &Settings, fs: &dyn FileSystem) -> Analysis {
    Jobs::run(inputs, settings, fs).into_analysis()
}

/// What one job read and found.
#[derive(Clone)]
struct JobOutput {
    sources: SourceMap,
    errors: Vec<Diagnostic>,
    findings: Vec<Collected>,
    graphs: Vec<graph::Graph>,
    warnings: Vec<Diagnostic>,
    plan_files: HashSet<crate::ir::FileId>,
    resources: usize,
    /// The secrets the job's units hold (every report masks them).
    secrets: Vec<Secret>,
    resolved: Vec<Finding>,
    compared: bool,
}

/// An analysis kept job by job, so that jobs can be run again on changed text: `--fix`
/// proves its edits by running again only the jobs that read a file it changes, and reports
/// what remains from those and the untouched jobs' results (see [`fix::apply::Reanalysis`]).
///
/// A job keeps the file ids it was first given (a range of [`FILES_PER_JOB`] from its
/// position), so its findings can replace the earlier ones without renumbering anyone's.
/// Discovery is not run again: fixes edit resources, never the `module` calls it reads.
pub struct Jobs<'a> {
    settings: &'a Settings,
    fs: &'a dyn FileSystem,
    /// Discovery's diagnostics and the unreadable inputs, reported before the jobs'.
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    named_dirs: Vec<PathBuf>,
    /// What deciding the settings reported (configuration files), reported after the jobs'.
    reported: Reported,
    kept: Vec<(Job, JobOutput)>,
    /// The jobs that read each file (see [`Jobs::index`]).
    index: OnceLock<HashMap<PathBuf, Vec<usize>>>,
}

/// Jobs run again, by position, with what deciding their settings reported.
pub struct Rerun {
    outputs: Vec<(usize, JobOutput)>,
    reported: Reported,
}

impl<'a> Jobs<'a> {
    /// Discovers the inputs and runs every job.
    pub fn run(inputs: &Inputs, settings: &'a Settings, fs: &'a dyn FileSystem) -> Jobs<'a> {
        // Discovery parses .tf files in parallel: on the pool with room for deep recursion too.
        let discovered = on_workers(|| discover::discover(&inputs.paths, fs, &settings.exclude));
        let mut jobs: Vec<Job> = discovered
            .terraform
            .into_iter()
            .map(Job::Terraform)
            .collect();
        let named = discovered.named_documents;
        jobs.extend(discovered.documents.into_iter().map(|p| {
            let is_named = named.contains(&p);
            Job::Document(p, is_named)
        }));
        if let Some(text) = &inputs.stdin {
            jobs.push(Job::Stdin(text.clone()));
        }
        let mut errors = discovered.errors;
        errors.extend(inputs.errors.iter().cloned());
        let Rerun { outputs, reported } = run_jobs(
            jobs.iter()
                .enumerate()
                .map(|(i, job)| (i, job.clone()))
                .collect(),
            settings,
            fs,
        );
        Jobs {
            settings,
            fs,
            errors,
            warnings: discovered.warnings,
            named_dirs: discovered.named_dirs,
            reported,
            kept: jobs
                .into_iter()
                .zip(outputs)
                .map(|(job, (_, output))| (job, output))
                .collect(),
            index: OnceLock::new(),
        }
    }

    /// The analysis as it stands, keeping the jobs for running again.
    pub fn analysis(&self) -> Analysis {
        self.assemble(self.kept.iter().map(|(_, output)| output.clone()))
    }

    /// The analysis as it stands.
    pub fn into_analysis(mut self) -> Analysis {
        let kept = std::mem::take(&mut self.kept);
        self.assemble(kept.into_iter().map(|(_, output)| output))
    }

    /// The positions of the jobs that read each file, built when first asked for.
    fn index(&self) -> &HashMap<PathBuf, Vec<usize>> {
        self.index.get_or_init(|| {
            let mut index: HashMap<PathBuf, Vec<usize>> = HashMap::new();
            for (i, (_, output)) in self.kept.iter().enumerate() {
                for id in output.sources.ids() {
                    let readers = index
                        .entry(output.sources.path(id).to_path_buf())
                        .or_default();
                    // A job may read one file under several ids (a module called twice).
                    if readers.last() != Some(&i) {
                        readers.push(i);
                    }
                }
            }
            index
        })
    }

    /// The positions of the jobs that read any of `files`, in order.
    fn reading(&self, files: &[PathBuf]) -> Vec<usize> {
        let index = self.index();
        let mut positions: Vec<usize> = files
            .iter()
            .filter_map(|f| index.get(f))
            .flatten()
            .copied()
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// Runs the jobs that read any of `files` again, each on its own file system.
    pub fn rerun(&self, trials: &[(&[PathBuf], &dyn FileSystem)]) -> Vec<Rerun> {
        on_workers(|| {
            use rayon::prelude::*;
            trials
                .par_iter()
                .map(|(files, fs)| {
                    let jobs = self
                        .reading(files)
                        .into_iter()
                        .filter_map(|i| self.kept.get(i).map(|(job, _)| (i, job.clone())))
                        .collect();
                    run_jobs(jobs, self.settings, *fs)
                })
                .collect()
        })
    }

    /// Keeps what jobs run again found in place of what they found before.
    pub fn adopt(&mut self, rerun: Rerun) {
        for (i, output) in rerun.outputs {
            if let Some((_, kept)) = self.kept.get_mut(i) {
                *kept = output;
            }
        }
        // The jobs may have read other files this time.
        self.index = OnceLock::new();
    }

    /// The report of some jobs' outputs alone, with what deciding their settings reported.
    fn part(&self, outputs: Vec<JobOutput>, reported: Reported) -> Analysis {
        Jobs {
            settings: self.settings,
            fs: self.fs,
            errors: Vec::new(),
            warnings: Vec::new(),
            named_dirs: Vec::new(),
            reported,
            kept: Vec::new(),
            index: OnceLock::new(),
        }
        .assemble(outputs.into_iter())
    }

    /// One report of the given jobs' outputs and this analysis' own diagnostics.
    fn assemble(&self, outputs: impl Iterator<Item = JobOutput>) -> Analysis {
        let mut sources = SourceMap::new();
        let mut errors = self.errors.clone();
        let (mut findings, mut warnings, mut plan_files, mut resources) =
            (Vec::new(), self.warnings.clone(), HashSet::new(), 0);
        let mut graphs = Vec::new();
        let (mut resolved, mut compared) = (Vec::new(), false);
        let (mut earlier_errors, mut earlier_warnings) = (HashSet::new(), HashSet::new());
        let mut secrets = Vec::new();
        for output in outputs {
            sources.absorb(output.sources);
            errors.extend(not_reported_before(&mut earlier_errors, output.errors));
            findings.extend(output.findings);
            graphs.extend(output.graphs);
            warnings.extend(not_reported_before(&mut earlier_warnings, output.warnings));
            plan_files.extend(output.plan_files);
            resources += output.resources;
            secrets.extend(output.secrets);
            resolved.extend(output.resolved);
            compared |= output.compared;
        }
        drop_findings_a_plan_repeats(&mut findings, &sources, &plan_files);
        errors.extend(self.reported.errors.iter().cloned());
        warnings.extend(self.reported.warnings.iter().cloned());
        for dir in &self.named_dirs {
            if !sources.ids().any(|id| sources.path(id).starts_with(dir)) {
                let shown = self.fs.display(dir);
                warnings.push(Diagnostic {
                    path: if shown.is_empty() { ".".into() } else { shown },
                    line: None,
                    column: None,
                    message: "nothing here is a Terraform configuration (.tf), plan or \
                              CloudFormation template; nothing analyzed"
                        .into(),
                });
            }
        }
        let secrets = Secrets::new(secrets, &sources);
        let new_report = || {
            Report::new(
                findings,
                errors,
                warnings,
                sources.len(),
                resources,
                &sources,
                &|intent| fix::outcome(intent, &sources, &plan_files, &secrets),
            )
        };
        // Findings are located and their fixes made in parallel, on the workers.
        let report = on_workers(new_report);
        let report = if compared {
            report.with_resolved(change::Comparison::PriorState, resolved, &sources)
        } else {
            report
        };
        // Resolved findings are masked too.
        let report = report.hiding(secrets);
        Analysis {
            report,
            sources,
            graphs,
        }
    }
}

impl fix::apply::Reanalysis for Jobs<'_> {
    type Outcome = Rerun;

    fn groups(&self, files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
        // Union-find over the jobs: the files a job reads are proved together.
        let mut parent: Vec<usize> = (0..self.kept.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while let Some(&p) = parent.get(i) {
                if p == i {
                    break;
                }
                let grand = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(i) {
                    *slot = grand;
                }
                i = grand;
            }
            i
        }
        let readers: Vec<Vec<usize>> = files
            .iter()
            .map(|f| self.reading(std::slice::from_ref(f)))
            .collect();
        for jobs in &readers {
            if let Some((&first, rest)) = jobs.split_first() {
                for &other in rest {
                    let (a, b) = (root(&mut parent, first), root(&mut parent, other));
                    if let Some(slot) = parent.get_mut(b) {
                        *slot = a;
                    }
                }
            }
        }
        let mut groups: Vec<Vec<PathBuf>> = Vec::new();
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        for (file, jobs) in files.iter().zip(&readers) {
            let slot = match jobs.first() {
                Some(&job) => *group_of_root
                    .entry(root(&mut parent, job))
                    .or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    }),
                // Read by no job: alone.
                None => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            if let Some(group) = groups.get_mut(slot) {
                group.push(file.clone());
            }
        }
        groups
    }

    fn before(&self, group: &[PathBuf]) -> fix::apply::Census {
        let positions = self.reading(group);
        let outputs: Vec<JobOutput> = positions
            .iter()
            .filter_map(|&i| self.kept.get(i).map(|(_, output)| output.clone()))
            .collect();
        self.part(outputs, self.reported.clone()).report.census()
    }

    fn after(&self, trials: &[(&[PathBuf], &dyn FileSystem)]) -> Vec<(fix::apply::Census, Rerun)> {
        self.rerun(trials)
            .into_iter()
            .map(|rerun| {
                let outputs = rerun.outputs.iter().map(|(_, o)| o.clone()).collect();
                let census = self.part(outputs, rerun.reported.clone()).report.census();
                (census, rerun)
            })
            .collect()
    }
}

/// Runs jobs in parallel, each `(position, job)` with the file ids of its position.
fn run_jobs(jobs: Vec<(usize, Job)>, settings: &Settings, fs: &dyn FileSystem) -> Rerun {
    use rayon::prelude::*;
    let decided = DecidedSettings {
        settings,
        fs,
        s3_ranges: settings
            .ip_ranges
            .clone()
            .unwrap_or_else(|| Arc::new(S3Ranges::embedded())),
        dirs: OncePer::new(),
        configs: OncePer::new(),
        nearest: OncePer::new(),
        reported: Mutex::new(Reported::default()),
    };
    let work = || -> Vec<(usize, JobOutput)> {
        jobs.into_par_iter()
            .map(|(i, job)| (i, run_job(i, job, settings, fs, &decided)))
            .collect()
    };
    // Front ends recurse on what they read: give workers room beyond the default stack.
    let outputs = on_workers(work);
    Rerun {
        outputs,
        reported: decided.reported.into_inner().unwrap_or_default(),
    }
}

/// Runs the job at `position`.
fn run_job(
    position: usize,
    job: Job,
    settings: &Settings,
    fs: &dyn FileSystem,
    decided: &DecidedSettings,
) -> JobOutput {
    let base = u32::try_from(position)
        .ok()
        .and_then(|i| i.checked_mul(FILES_PER_JOB))
        .unwrap_or(u32::MAX - FILES_PER_JOB);
    let mut run = Run {
        settings,
        fs,
        sources: SourceMap::starting_at(base),
        errors: Vec::new(),
        findings: Vec::new(),
        graphs: Vec::new(),
        warnings: Vec::new(),
        plan_files: foldhash::HashSet::default(),
        resources: 0,
        decided,
        secrets: Vec::new(),
        resolved: Vec::new(),
        compared: false,
    };
    run.job(job);
    if run.sources.next_id() - base > FILES_PER_JOB {
        // Its file ids would overlap the next job's: keep nothing but the error.
        let path = run
            .sources
            .ids()
            .next()
            .map(|id| run.sources.display(id).to_string())
            .unwrap_or_default();
        run.findings.clear();
        run.graphs.clear();
        run.resolved.clear();
        run.errors = vec![Diagnostic {
            path,
            line: None,
            column: None,
            message: format!("one module reads more than {FILES_PER_JOB} files; not analyzed"),
        }];
    }
    JobOutput {
        sources: run.sources,
        errors: run.errors,
        findings: run.findings,
        graphs: run.graphs,
        warnings: run.warnings,
        plan_files: run.plan_files,
        resources: run.resources,
        secrets: run.secrets,
        resolved: run.resolved,
        compared: run.compared,
    }
}

impl Run<'_> {
    fn job(&mut self, job: Job) {
        match job {
            Job::Terraform(root) => {
                let (unit, diags) = frontend::hcl::load_root_module(
                    self.fs,
                    &mut self.sources,
                    &root.dir,
                    root.only.as_deref(),
                    &self.settings.hcl,
                    &self.settings.limits,
                );
                self.errors.extend(diags);
                let decided = self.decided.for_dir(&unit.origin);
                self.check_unit(&unit, &decided);
            }
            Job::Document(path, named) => match discover::read_document(self.fs, &path) {
                Ok(Some(doc)) => {
                    let dir = parent_dir(&doc.path);
                    let display = self.fs.display(&doc.path);
                    self.check_document(&doc.path, display, doc.text, doc.kind, &dir);
                }
                // Found by walking: other JSON and YAML (workflows, manifests) is skipped
                // silently. Named: the user is told.
                Ok(None) if named => self.warnings.push(Diagnostic {
                    path: self.fs.display(&path),
                    line: None,
                    column: None,
                    message: "not analyzed: neither a Terraform plan (`terraform show -json`) \
                              nor a CloudFormation template"
                        .into(),
                }),
                Ok(None) => {}
                Err(error) => self.errors.push(error),
            },
            Job::Stdin(text) => {
                let stdin = std::path::Path::new("<stdin>");
                match discover::classify(&text) {
                    Some(kind) => self.check_document(stdin, "<stdin>".into(), text, kind, std::path::Path::new(".")),
                    None if text.trim().is_empty() => self.error(stdin, "standard input is empty".into()),
                    None => self.error(
                        stdin,
                        "standard input is neither a Terraform plan (`terraform show -json`) nor a CloudFormation template"
                            .into(),
                    ),
                }
            }
        }
    }
}

/// Runs the enabled rules over one unit; returns the findings at or above the severity
/// threshold, the secrets the unit holds (which every report masks) and, when `graphs` asks,
/// the network graph of each warehouse marked by the findings.
fn unit_findings(
    unit: &Unit,
    region: UnitRegion,
    rules: &RuleSettings,
    graphs: bool,
) -> (Vec<Finding>, Vec<Secret>, Vec<graph::Graph>) {
    let mut model = adapt(unit, &AdaptOptions { region });
    let findings: Vec<Finding> = rules::run(&model, &rules.config, &rules.enabled)
        .into_iter()
        .filter(|f| f.severity >= rules.threshold)
        .collect();
    let graphs = if graphs {
        graph::build(&model, &findings)
    } else {
        Vec::new()
    };
    (findings, std::mem::take(&mut model.secrets), graphs)
}

/// The rules `select` and `ignore` leave enabled. Both take IDs or ID prefixes. Opt-in rules
/// run by default too: they check their own configuration and stay silent without it.
pub fn enabled_rules(select: &[String], ignore: &[String]) -> Vec<&'static Rule> {
    let matches = |rule: &Rule, pats: &[String]| {
        pats.iter().any(|p| {
            rule.id
                .to_ascii_uppercase()
                .starts_with(&p.to_ascii_uppercase())
        })
    };
    rules::ALL
        .iter()
        .copied()
        .filter(|r| select.is_empty() || matches(r, select))
        .filter(|r| !matches(r, ignore))
        .collect()
}

/// Checks that every `--select`/`--ignore` pattern names at least one rule.
pub fn validate_rule_patterns(patterns: &[String]) -> Result<(), String> {
    for p in patterns {
        if !rules::ALL.iter().any(|r| {
            r.id.to_ascii_uppercase()
                .starts_with(&p.to_ascii_uppercase())
        }) {
            return Err(format!("`{p}` matches no rule (see `redshield rules`)"));
        }
    }
    Ok(())
}
