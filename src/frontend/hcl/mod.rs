//! Terraform HCL front end: a root module directory (with its local modules, variables,
//! tfvars and locals) becomes one IR [`Unit`].
//!
//! Parsing uses `hcl-edit`, which keeps byte spans for every expression. Evaluation is ours
//! ([`eval`]): it follows Terraform's semantics for what it can know before apply and turns
//! everything else into `Unknown` (never an error). References to resources stay `Ref`s for the
//! model to resolve. `count`/`for_each` are expanded into indexed addresses here.

mod budget;
mod eval;
mod functions;
mod json;
mod load;
mod module;
mod pieces;
pub mod suppressions;

#[cfg(test)]
pub(crate) use json::is_nested_block;
pub use load::{module_sources, normalize as normalize_path};
pub use module::{HclOptions, VarAssignment, load_root_module};

#[cfg(test)]
mod tests;
