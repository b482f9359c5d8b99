//! redshield finds Amazon Redshift deployments that break AWS's documented network-isolation
//! and Redshift Spectrum access requirements in Terraform (and, as front ends land, plan JSON
//! and CloudFormation).
//!
//! The engine is [`analyze`]: inputs → [`discover`] → front ends → [`ir`] → [`model`] →
//! [`rules`] → a [`report::Report`]. It prints nothing; [`cli`] renders the report.

pub mod cli;
pub mod config;
pub mod discover;
pub mod frontend;
pub mod ir;
pub mod model;
pub mod report;
pub mod rules;

use crate::frontend::FileSystem;
use crate::frontend::hcl::HclOptions;
use crate::ir::{Diagnostic, SourceMap, Unit};
use crate::model::adapt::{AdaptOptions, adapt};
use crate::report::Report;
use crate::rules::{Finding, Rule, RuleConfig, Severity};
use std::path::PathBuf;

/// The region assumed when nothing else says.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Validated settings for one run (command line merged over configuration files, which are
/// looked up per unit unless `config` names one).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub hcl: HclOptions,
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
}

/// What one run produced: the report and every source text read (for rendering excerpts).
pub struct Analysis {
    pub report: Report,
    pub sources: SourceMap,
}

/// Analyzes the given paths.
pub fn analyze(paths: &[PathBuf], settings: &Settings, fs: &dyn FileSystem) -> Analysis {
    let mut sources = SourceMap::new();
    let discovered = discover::discover(paths, fs);
    let mut errors: Vec<Diagnostic> = discovered.errors;
    let mut findings: Vec<(Finding, Severity)> = Vec::new();
    let mut resources = 0;
    let fixed_config = settings
        .config
        .as_ref()
        .map(|p| config::load(p, &fs.display(p)));
    for root in &discovered.terraform {
        let (unit, diags) = frontend::hcl::load_root_module(
            fs,
            &mut sources,
            &root.dir,
            root.only.as_deref(),
            &settings.hcl,
        );
        errors.extend(diags);
        let cfg = match &fixed_config {
            Some(loaded) => loaded.clone(),
            None => match config::find(&root.dir) {
                Some(path) => config::load(&path, &fs.display(&path)),
                None => Ok(config::Config::default()),
            },
        };
        let cfg = match cfg {
            Ok(cfg) => cfg,
            Err(err) => {
                errors.push(Diagnostic {
                    path: err.path.clone(),
                    line: err.line,
                    column: err.column,
                    message: err.message.clone(),
                });
                config::Config::default()
            }
        };
        resources += unit.resources.len();
        match unit_findings(&unit, &cfg, settings) {
            Ok((found, threshold)) => findings.extend(found.into_iter().map(|f| (f, threshold))),
            Err(message) => errors.push(Diagnostic {
                path: fs.display(&root.dir),
                line: None,
                column: None,
                message,
            }),
        }
    }
    let report = Report::new(findings, errors, sources.len(), resources, &sources);
    Analysis { report, sources }
}

/// Runs the enabled rules over one unit; returns the findings at or above the unit's
/// severity threshold, and that threshold.
fn unit_findings(
    unit: &Unit,
    cfg: &config::Config,
    settings: &Settings,
) -> Result<(Vec<Finding>, Severity), String> {
    let region = settings
        .region
        .clone()
        .or_else(|| cfg.region.clone())
        .unwrap_or_else(|| FALLBACK_REGION.to_string());
    let model = adapt(
        unit,
        &AdaptOptions {
            fallback_region: region,
        },
    );
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
    let rule_config = RuleConfig {
        allowed_cidrs,
        require_dedicated_tenancy: cfg.require_dedicated_tenancy.unwrap_or(false),
        trusted_services: cfg.trusted_services.clone().unwrap_or_default(),
    };
    let select = if settings.select.is_empty() {
        cfg.select.clone().unwrap_or_default()
    } else {
        settings.select.clone()
    };
    let mut ignore = cfg.ignore.clone().unwrap_or_default();
    ignore.extend(settings.ignore.iter().cloned());
    let enabled = enabled_rules(&select, &ignore);
    let threshold = settings.severity.or(cfg.severity).unwrap_or(Severity::Low);
    let found = rules::run(&model, &rule_config, &enabled)
        .into_iter()
        .filter(|f| f.severity >= threshold)
        .collect();
    Ok((found, threshold))
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
