//! The command line as clap sees it: raw flags, validated into [`Settings`](crate::Settings)
//! by [`super::settings`].

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Finds Amazon Redshift deployments that break AWS's network-isolation and Spectrum access
/// requirements in Terraform code, Terraform plans and CloudFormation templates.
#[derive(Debug, Parser)]
#[command(name = "redshield", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze files and directories (directories are walked honoring .gitignore; .terraform/
    /// and node_modules/ are skipped). Exit status: 0 no finding at or above --fail-on (else
    /// --severity), 1 findings, 2 usage error or an input that could not be read or parsed.
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Explain a rule: what it checks, why, the AWS source, and bad/good examples.
    Explain {
        /// Rule ID, e.g. RS105.
        rule: String,
    },
    /// Draw the network around each warehouse (subnets, route tables, gateways, endpoints,
    /// network ACLs, security groups, roles, buckets), the failing hops highlighted. Exit
    /// status: 0, or 2 for a usage error or an input that could not be read or parsed.
    Graph(Box<GraphArgs>),
}

/// `redshield graph`: the inputs as `check` reads them, and the picture's format.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files or directories to analyze [default: .], as `check` reads them.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Write the graph to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Region to assume where the source does not say (a provider block's region wins).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Use this configuration file instead of looking for redshield.toml above each input.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Highlight only these rules' findings (IDs or prefixes, comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not highlight these rules' findings (IDs or prefixes, comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip files and directories matching GLOB (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also highlight what rests on values unknown here (as `check --strict` reports it).
    #[arg(long)]
    pub strict: bool,
    /// Set a Terraform root-module variable (repeatable); overrides tfvars files.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read Terraform variable values from a .tfvars file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Set a CloudFormation template parameter (repeatable); overrides its Default.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Where the .tf configuration of a plan JSON is, when it is not beside the plan.
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// Use AWS's ip-ranges.json instead of the S3 prefixes built into redshield (RS108).
    #[arg(long, value_name = "FILE")]
    pub ip_ranges: Option<PathBuf>,
}

impl GraphArgs {
    /// The same inputs as `check` flags, to validate and read them as `check` does.
    pub fn as_check(&self) -> CheckArgs {
        CheckArgs {
            paths: self.paths.clone(),
            output: self.output.clone(),
            region: self.region.clone(),
            config: self.config.clone(),
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            exclude: self.exclude.clone(),
            strict: self.strict,
            vars: self.vars.clone(),
            var_files: self.var_files.clone(),
            params: self.params.clone(),
            source_dir: self.source_dir.clone(),
            ip_ranges: self.ip_ranges.clone(),
            ..CheckArgs::default()
        }
    }
}

/// `redshield graph --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (GitHub draws it in Markdown).
    Mermaid,
    /// A Graphviz digraph (`dot -Tsvg`).
    Dot,
    /// The graph data (schemas/graph.schema.json).
    Json,
}

#[derive(Debug, Default, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to analyze [default: .]: .tf files, plan JSON
    /// (`terraform show -json PLANFILE`), CloudFormation YAML/JSON; `-` reads a plan or a
    /// template from standard input.
    pub paths: Vec<PathBuf>,
    /// Output format [default: text].
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report in FORMAT to FILE, or to standard output without `:FILE`
    /// (repeatable: `--report github --report sarif:out.sarif --report json:out.json`).
    #[arg(long = "report", value_name = "FORMAT[:FILE]", value_parser = parse_report)]
    pub reports: Vec<ReportTarget>,
    /// Region to assume where the source does not say (a provider block's region wins).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Use this configuration file instead of looking for redshield.toml above each input.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only run these rules (IDs or prefixes, comma-separated: RS105,RS2).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (IDs or prefixes, comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only findings at or above LEVEL; without --fail-on, they make the exit status 1.
    #[arg(long, value_name = "LEVEL", value_enum, ignore_case = true)]
    pub severity: Option<SeverityArg>,
    /// Exit 1 only for a reported finding at or above LEVEL, whatever --severity shows.
    #[arg(long, value_name = "LEVEL", value_enum, ignore_case = true)]
    pub fail_on: Option<SeverityArg>,
    /// Exit 0 even with findings (2 still means a usage error or an unreadable input).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the findings (and input errors): no summary line, warnings or notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip files and directories matching GLOB (gitignore syntax, relative to the working
    /// directory; repeatable; named files too). `exclude` in redshield.toml adds more.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Analyze each named .tf, .tf.json, .tfvars and .tfvars.json file's whole module (its
    /// directory), so a change is judged with the rest of its module; other named files as
    /// themselves; named files that no longer exist are skipped (pre-commit, changed files).
    #[arg(long)]
    pub whole_modules: bool,
    /// Also report what breaks a rule unless a value unknown here (known only after apply, not
    /// evaluable, a parameter without a default) turns out well; the message says what is
    /// unknown.
    #[arg(long)]
    pub strict: bool,
    /// Set a Terraform root-module variable (repeatable); overrides tfvars files.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read Terraform variable values from a .tfvars file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Set a CloudFormation template parameter (repeatable); overrides its Default.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Show the proposed fixes as unified diffs (apply them with `git apply`).
    #[arg(long)]
    pub diff: bool,
    /// Apply the fixes in place, each file only if re-analysis shows its findings gone and
    /// nothing new; then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Report only findings that are not in this baseline file (written by
    /// --write-baseline); its entries that no finding matches any more are listed as gone.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Compare with the same paths as they are at git revision REF (a branch, tag or commit,
    /// read from the repository; nothing is checked out): findings are labelled introduced or
    /// unchanged, and those REF has that are gone are listed as resolved.
    #[arg(long, value_name = "REF")]
    pub diff_base: Option<String>,
    /// Exit 1 only for findings the change introduces (since --diff-base, or a plan's since its
    /// prior state); with --fail-on, only those at or above its level. Findings a comparison
    /// finds unchanged are still reported.
    #[arg(long)]
    pub fail_on_new: bool,
    /// Do not compare a plan with its prior state: no change labels, nothing listed as
    /// resolved (a plan whose prior state holds resources is compared by default).
    #[arg(long)]
    pub no_change_labels: bool,
    /// Write the current findings to FILE as a baseline, and exit 0 unless an input failed.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Where the .tf configuration of a plan JSON is, when it is not beside the plan (for stdin:
    /// the working directory). Findings then point at the .tf lines.
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// Use AWS's ip-ranges.json (downloaded from https://ip-ranges.amazonaws.com/ip-ranges.json)
    /// instead of the S3 prefixes built into redshield (RS108).
    #[arg(long, value_name = "FILE")]
    pub ip_ranges: Option<PathBuf>,
}

/// One report to write: its format, and the file it goes to (None: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// `FORMAT` or `FORMAT:FILE` (a format name holds no `:`, so a file may).
fn parse_report(value: &str) -> Result<ReportTarget, String> {
    let (name, file) = match value.split_once(':') {
        Some((name, file)) => (name, Some(file)),
        None => (value, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}` (expected {})", names.join(", "))
    })?;
    match file {
        Some("") => Err(format!("`{value}`: the file name after `:` is empty")),
        Some(file) => Ok(ReportTarget {
            format,
            file: Some(PathBuf::from(file)),
        }),
        None => Ok(ReportTarget { format, file: None }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations); with GITHUB_STEP_SUMMARY set, a Markdown
    /// summary is appended to that file too.
    Github,
    /// A Markdown report for a pull-request comment.
    Markdown,
    /// JUnit XML, for the test reports of GitLab, Jenkins and Azure Pipelines.
    Junit,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
}
