//! `redshield.toml`: found by walking up from a scanned path, or named with `--config`.
//! Unknown keys are errors naming the key and the file.

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
    /// Rule IDs or prefixes to run (default: all except opt-in rules).
    pub select: Option<Vec<String>>,
    /// Rule IDs or prefixes not to run.
    pub ignore: Option<Vec<String>>,
    /// Minimum severity that is reported and fails the run.
    pub severity: Option<Severity>,
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

/// The nearest `redshield.toml` in `start` or its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let absolute = std::path::absolute(start).ok()?;
    absolute
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Parses configuration text; `display` names the file in errors.
pub fn parse(text: &str, display: &str) -> Result<Config, Error> {
    toml::from_str::<Config>(text).map_err(|err| {
        let (line, column) = err.span().map_or((None, None), |span| {
            let before = text.get(..span.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Some(line), Some(column))
        });
        Error {
            path: display.to_string(),
            line,
            column,
            message: err.message().trim_end_matches('.').to_string(),
        }
    })
}

/// Reads and parses a configuration file.
pub fn load(path: &Path, display: &str) -> Result<Config, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error {
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
}
