//! The limits that keep one hostile input from hanging the run or exhausting memory: how large
//! a file may be, how deep its syntax may nest, how far evaluation may multiply it. Each has a
//! default far above what real configurations need; the `[limits]` table of the run's
//! configuration (`--config`, or the `redshield.toml` found from the working directory) sets
//! them. Past a limit the input is an error (or, where the input is valid, its value is
//! unknown), never a crash. This module only holds the numbers; the front ends and `discover`
//! enforce them. It knows nothing of the configuration file around its table.

/// Every configurable limit, with [`Limits::default`] the values used when none is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest input file or standard input, in bytes (`file_size_mb`).
    pub file_bytes: u64,
    /// How deep brackets may nest in an HCL file (`hcl_nesting`).
    pub hcl_nesting: usize,
    /// How deep YAML and JSON (templates and plans) may nest (`document_nesting`).
    pub document_nesting: usize,
    /// How many nodes a YAML document may expand to through aliases, anchored copies included
    /// (`yaml_nodes`).
    pub yaml_nodes: usize,
    /// How many instances one `count` or `for_each` may create (`instances`).
    pub instances: usize,
    /// How deep local module calls may nest before a call is out of scope (`module_depth`).
    pub module_depth: usize,
    /// The longest string an HCL template or function, or a CloudFormation `Fn::Join`,
    /// `Fn::Sub` or `Fn::ToJsonString`, may build, in bytes (`string_bytes`).
    pub string_bytes: usize,
    /// Evaluation steps per HCL root module or CloudFormation template (`evaluation_steps`).
    pub eval_steps: usize,
    /// The memory values copied through variables, locals, outputs and module calls may take
    /// per HCL root module, in bytes (`value_mb`): a value referenced in many places is copied
    /// each time, so a few lines that double a local can ask for gigabytes.
    pub value_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 100 << 20,
            hcl_nesting: 200,
            document_nesting: 128,
            yaml_nodes: 1_000_000,
            instances: 10_000,
            module_depth: 32,
            string_bytes: 1 << 20,
            eval_steps: 5_000_000,
            value_bytes: 64 << 20,
        }
    }
}

/// The largest values the configuration may give limits that bound recursion (the parsers'
/// and evaluators' stacks). Past them the parsers refuse the input anyway: hcl-edit refuses
/// expressions nested 64 deep, serde_json documents nested 128 deep.
pub const MAX_HCL_NESTING: u64 = 200;
pub const MAX_DOCUMENT_NESTING: u64 = 128;
pub const MAX_MODULE_DEPTH: u64 = 64;

impl Limits {
    /// The defaults with what a configuration's `[limits]` table sets (already validated by
    /// [`LimitsTable::check`]).
    pub fn configured(table: Option<&LimitsTable>) -> Limits {
        let mut limits = Limits::default();
        let Some(table) = table else {
            return limits;
        };
        let size = |v: &Option<toml::Spanned<u64>>, default: usize| {
            v.as_ref().map_or(default, |v| {
                usize::try_from(*v.get_ref()).unwrap_or(usize::MAX)
            })
        };
        if let Some(mb) = &table.file_size_mb {
            limits.file_bytes = mb.get_ref().saturating_mul(1 << 20);
        }
        limits.hcl_nesting = size(&table.hcl_nesting, limits.hcl_nesting);
        limits.document_nesting = size(&table.document_nesting, limits.document_nesting);
        limits.yaml_nodes = size(&table.yaml_nodes, limits.yaml_nodes);
        limits.instances = size(&table.instances, limits.instances);
        limits.module_depth = size(&table.module_depth, limits.module_depth);
        limits.string_bytes = size(&table.string_bytes, limits.string_bytes);
        limits.eval_steps = size(&table.evaluation_steps, limits.eval_steps);
        if let Some(mb) = &table.value_mb {
            limits.value_bytes =
                usize::try_from(mb.get_ref().saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        }
        limits
    }
}

/// The `[limits]` table of a configuration file: each key overrides one default of
/// [`Limits`]. Values keep their place in the file so that one out of range can be located.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsTable {
    pub file_size_mb: Option<toml::Spanned<u64>>,
    pub hcl_nesting: Option<toml::Spanned<u64>>,
    pub document_nesting: Option<toml::Spanned<u64>>,
    pub yaml_nodes: Option<toml::Spanned<u64>>,
    pub instances: Option<toml::Spanned<u64>>,
    pub module_depth: Option<toml::Spanned<u64>>,
    pub string_bytes: Option<toml::Spanned<u64>>,
    pub evaluation_steps: Option<toml::Spanned<u64>>,
    pub value_mb: Option<toml::Spanned<u64>>,
}

/// A `[limits]` value out of its range: where it starts in the configuration text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfRange {
    pub at: usize,
    pub message: String,
}

impl LimitsTable {
    /// Each key with its value and the largest value it may take.
    fn entries(&self) -> [(&'static str, &Option<toml::Spanned<u64>>, u64); 9] {
        [
            ("file_size_mb", &self.file_size_mb, u64::MAX >> 20),
            ("hcl_nesting", &self.hcl_nesting, MAX_HCL_NESTING),
            (
                "document_nesting",
                &self.document_nesting,
                MAX_DOCUMENT_NESTING,
            ),
            ("yaml_nodes", &self.yaml_nodes, u64::MAX),
            ("instances", &self.instances, u64::MAX),
            ("module_depth", &self.module_depth, MAX_MODULE_DEPTH),
            ("string_bytes", &self.string_bytes, u64::MAX),
            ("evaluation_steps", &self.evaluation_steps, u64::MAX),
            ("value_mb", &self.value_mb, u64::MAX >> 20),
        ]
    }

    /// The first value out of its range (every limit is at least 1; those that bound recursion
    /// have a maximum), if one is.
    pub fn check(&self) -> Result<(), OutOfRange> {
        for (key, value, max) in self.entries() {
            let Some(value) = value else {
                continue;
            };
            if (1..=max).contains(value.get_ref()) {
                continue;
            }
            return Err(OutOfRange {
                at: value.span().start,
                message: if max == u64::MAX {
                    format!("limits.{key} must be at least 1")
                } else {
                    format!("limits.{key} must be between 1 and {max}")
                },
            });
        }
        Ok(())
    }
}
