//! IR → model, one adapter per source family. Resource-kind strings appear only here.

mod resolve;
mod terraform;

use super::Model;
use crate::ir::{Family, Unit};

/// What the adapter needs besides the IR.
#[derive(Debug, Clone)]
pub struct AdaptOptions {
    /// The region to assume where the source does not say (`--region`, config, `us-east-1`).
    pub fallback_region: String,
}

/// Builds the model of one unit.
pub fn adapt(unit: &Unit, options: &AdaptOptions) -> Model {
    match unit.family {
        Family::Terraform => terraform::adapt_terraform(unit, options),
        // The CloudFormation front end does not exist yet; its units cannot occur.
        Family::CloudFormation => Model {
            resource_count: unit.resources.len(),
            ..Model::default()
        },
    }
}
