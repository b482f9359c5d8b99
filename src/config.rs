//! `redshield.toml`: found by walking up from a scanned path, or named with `--config`, and
//! read through the run's [`FileSystem`]. Unknown keys are errors naming the key and the file.

use crate::frontend::FileSystem;
use crate::rules::Severity;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "redshield.toml";

/// The configuration file's contents. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Fallback region when neither a provider block, a plan nor `--region` says.
    pub region: Option<String>,
    /// Enables RS106: ingress must come from inside these ranges.
    pub allowed_cidrs: Option<Vec<String>>,
    /// Extra service principals RS202 accepts.
    pub trusted_services: Option<Vec<String>>,
    /// Enables RS111.
    pub require_dedicated_tenancy: Option<bool>,
    /// Enables RS402: clusters and Serverless namespaces must name a customer-managed KMS key.
    pub require_customer_managed_keys: Option<bool>,
    /// The fewest days of automated snapshots RS403 accepts (default 7).
    pub min_snapshot_retention_days: Option<i64>,
    /// Rule IDs or prefixes to run (default: all except opt-in rules).
    pub select: Option<Vec<String>>,
    /// Rule IDs or prefixes not to run.
    pub ignore: Option<Vec<String>>,
    /// Minimum severity that is reported and fails the run (any case: `High`, `high`).
    #[serde(default, deserialize_with = "severity_any_case")]
    pub severity: Option<Severity>,
    /// Also report findings that rest on unknown values (as `--strict`).
    pub strict: Option<bool>,
    /// Paths not to analyze (gitignore globs, relative to this file's directory). Like
    /// `[limits]`, only the run's configuration sets them.
    pub exclude: Option<Vec<String>>,
    /// `[limits]`: what one input may cost (see [`crate::limits::Limits`]). They apply to the
    /// whole run, so only the run's configuration sets them.
    pub limits: Option<crate::limits::LimitsTable>,
}

/// A severity written in any case.
fn severity_any_case<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Severity>, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    text.parse::<Severity>()
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// The 1-based line and column of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A configuration file that could not be read or is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// The nearest `redshield.toml` in the directory `dir` or its ancestors.
pub fn find(fs: &dyn FileSystem, dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(dir).ok()?;
    absolute
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| fs.is_file(candidate))
}

/// Parses configuration text; `display` names the file in errors.
pub fn parse(text: &str, display: &str) -> Result<Config, Error> {
    let config = toml::from_str::<Config>(text).map_err(|err| {
        let (line, column) = err.span().map_or((None, None), |span| {
            let (line, column) = line_column(text, span.start);
            (Some(line), Some(column))
        });
        Error {
            path: display.to_string(),
            line,
            column,
            message: err.message().trim_end_matches('.').to_string(),
        }
    })?;
    if let Some(Err(out_of_range)) = config
        .limits
        .as_ref()
        .map(crate::limits::LimitsTable::check)
    {
        let (line, column) = line_column(text, out_of_range.at);
        return Err(Error {
            path: display.to_string(),
            line: Some(line),
            column: Some(column),
            message: out_of_range.message,
        });
    }
    Ok(config)
}

/// A warning when `config` (read from `display` for one unit) sets limits other than the run's:
/// limits apply to the whole run, so only the run's configuration sets them.
pub fn unused_limits(
    config: &Config,
    display: &str,
    run: &crate::limits::Limits,
) -> Option<crate::ir::Diagnostic> {
    let table = config.limits.as_ref()?;
    if crate::limits::Limits::configured(Some(table)) == *run {
        return None;
    }
    Some(crate::ir::Diagnostic {
        path: display.to_string(),
        line: None,
        column: None,
        message: "[limits] not used: limits apply to the whole run and are read from --config \
                  or the redshield.toml found from the working directory"
            .to_string(),
    })
}

/// Reads and parses a configuration file.
pub fn load(fs: &dyn FileSystem, path: &Path, display: &str) -> Result<Config, Error> {
    let text = fs.read_to_string(path).map_err(|e| Error {
        path: display.to_string(),
        line: None,
        column: None,
        message: format!("cannot read configuration: {e}"),
    })?;
    parse(&text, display)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let err = parse(
            "region = \"eu-west-1\"\nallowed_cidr = []\n",
            "redshield.toml",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("allowed_cidr"), "{}", err.message);
    }

    #[test]
    fn every_documented_key_parses() {
        let cfg = parse(
            "region = \"us-east-1\"\nallowed_cidrs = [\"10.0.0.0/8\"]\ntrusted_services = []\nrequire_dedicated_tenancy = false\nselect = [\"RS1\"]\nignore = [\"RS303\"]\nseverity = \"medium\"\n",
            "redshield.toml",
        )
        .unwrap();
        assert_eq!(cfg.severity, Some(Severity::Medium));
    }

    #[test]
    fn limits_override_the_defaults_and_are_checked() {
        let cfg = parse(
            "[limits]\nfile_size_mb = 1\nhcl_nesting = 10\ndocument_nesting = 20\nyaml_nodes = 30\ninstances = 40\nmodule_depth = 5\nstring_bytes = 60\nevaluation_steps = 70\nvalue_mb = 8\n",
            "redshield.toml",
        )
        .unwrap();
        let limits = crate::limits::Limits::configured(cfg.limits.as_ref());
        assert_eq!(
            limits,
            crate::limits::Limits {
                file_bytes: 1 << 20,
                hcl_nesting: 10,
                document_nesting: 20,
                yaml_nodes: 30,
                instances: 40,
                module_depth: 5,
                string_bytes: 60,
                eval_steps: 70,
                value_bytes: 8 << 20,
            }
        );
        let err = parse("[limits]\ninstances = 0\n", "redshield.toml").unwrap_err();
        assert_eq!(
            (err.line, err.column, err.message.as_str()),
            (Some(2), Some(13), "limits.instances must be at least 1")
        );
        let err = parse("[limits]\ndocument_nesting = 500\n", "x").unwrap_err();
        assert_eq!(
            err.message,
            "limits.document_nesting must be between 1 and 128"
        );
        let err = parse("[limits]\nnesting = 5\n", "x").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("nesting"), "{}", err.message);
        let err = parse("[limits]\ninstances = -1\n", "x").unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
