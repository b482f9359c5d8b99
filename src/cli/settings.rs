//! Raw flags → validated [`Settings`].

use super::args::{CheckArgs, SeverityArg};
use crate::Settings;
use crate::frontend::hcl::{HclOptions, VarAssignment};
use crate::frontend::plan::PlanOptions;
use crate::model::s3_ranges::S3Ranges;
use crate::rules::Severity;

/// Validates the `check` flags; the error is a usage message.
pub fn settings(args: &CheckArgs) -> Result<Settings, String> {
    let mut vars = Vec::new();
    for raw in &args.vars {
        let Some((name, value)) = raw.split_once('=') else {
            return Err(format!("--var `{raw}`: expected NAME=VALUE"));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("--var `{raw}`: the variable name is empty"));
        }
        vars.push(VarAssignment {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(config) = &args.config {
        if !config.is_file() {
            return Err(format!("--config {}: no such file", config.display()));
        }
    }
    for (flag, patterns) in [("--select", &args.select), ("--ignore", &args.ignore)] {
        if patterns.iter().any(|p| p.trim().is_empty()) {
            return Err(format!(
                "{flag}: an empty rule ID; name rule IDs or prefixes, comma-separated (see \
                 `redshield rules`)"
            ));
        }
        crate::validate_rule_patterns(patterns).map_err(|e| format!("{flag}: {e}"))?;
    }
    if crate::enabled_rules(&args.select, &args.ignore).is_empty() {
        let mut given = Vec::new();
        if !args.select.is_empty() {
            given.push(format!("--select {}", args.select.join(",")));
        }
        given.push(format!("--ignore {}", args.ignore.join(",")));
        return Err(format!(
            "no rule is selected: {} leaves no rule to run",
            given.join(" with ")
        ));
    }
    if args.fix && args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(
            "--fix cannot change standard input (-): name the files to fix, or use --diff".into(),
        );
    }
    if let Some(dir) = &args.source_dir {
        if !dir.is_dir() {
            return Err(format!("--source-dir {}: no such directory", dir.display()));
        }
    }
    let mut params = Vec::new();
    for raw in &args.params {
        match raw.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                params.push((name.trim().to_string(), value.to_string()))
            }
            _ => return Err(format!("--param `{raw}`: expected NAME=VALUE")),
        }
    }
    let ip_ranges = match &args.ip_ranges {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--ip-ranges {}: {e}", path.display()))?;
            let ranges = S3Ranges::from_aws_ip_ranges(&text)
                .map_err(|e| format!("--ip-ranges {}: {e}", path.display()))?;
            Some(std::sync::Arc::new(ranges))
        }
    };
    if let Some(region) = &args.region {
        let known = |ranges: &S3Ranges| region != "GLOBAL" && ranges.has_region(region);
        if !(known(&S3Ranges::embedded()) || ip_ranges.as_deref().is_some_and(known)) {
            return Err(if region.trim().is_empty() {
                "--region: the region is empty".to_string()
            } else {
                format!(
                    "--region `{region}` is not an AWS region (as us-east-1; --ip-ranges adds \
                     the regions of a newer ip-ranges.json)"
                )
            });
        }
    }
    let (run_config_path, run_config) = run_config(args.config.as_deref());
    let mut exclude = crate::discover::Exclude::default();
    exclude
        .add(std::path::Path::new("."), &args.exclude)
        .map_err(|e| format!("--exclude {e}"))?;
    if let (Some(path), Some(globs)) = (
        &run_config_path,
        run_config.as_ref().and_then(|c| c.exclude.as_ref()),
    ) {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        exclude
            .add(dir, globs)
            .map_err(|e| format!("{}: exclude {e}", path.display()))?;
    }
    Ok(Settings {
        limits: crate::limits::Limits::configured(
            run_config.as_ref().and_then(|c| c.limits.as_ref()),
        ),
        exclude,
        ip_ranges,
        params,
        plan: PlanOptions {
            source_dir: args.source_dir.clone(),
            // With --diff-base, a plan is compared with its version at the revision instead.
            prior: !args.no_change_labels && args.diff_base.is_none(),
        },
        hcl: HclOptions {
            vars,
            var_files: args.var_files.clone(),
        },
        region: args.region.clone(),
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        severity: args.severity.map(severity),
        strict: args.strict,
        // Decided by the command and the reports it writes.
        graphs: false,
    })
}

pub fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
    }
}

/// The run's configuration: `--config`, else the `redshield.toml` found from the working
/// directory; it sets the run's `[limits]` and `exclude`. A configuration that cannot be read
/// or is invalid gives None here; the analysis reports it. Read through a file system with
/// the default limits: the run's own depends on what this reads.
fn run_config(
    config: Option<&std::path::Path>,
) -> (Option<std::path::PathBuf>, Option<crate::config::Config>) {
    let fs = crate::discover::OsFileSystem::new();
    let path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => crate::config::find(&fs, std::path::Path::new(".")),
    };
    let loaded = path
        .as_ref()
        .and_then(|p| crate::config::load(&fs, p, &p.display().to_string()).ok());
    (path, loaded)
}
