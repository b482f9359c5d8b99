//! IR → model, one adapter per source family. Resource-kind strings appear only here.

mod access;
mod cloudformation;
mod engine;
mod firewall;
mod network;
mod policy;
mod resolve;
mod schema;
mod terraform;
mod warehouse;

use super::Model;
use crate::ir::region::UnitRegion;
use crate::ir::{Family, Unit};

/// What the adapter needs besides the IR.
#[derive(Debug, Clone)]
pub struct AdaptOptions {
    /// The unit's region, decided by the caller ([`UnitRegion::decide`]).
    pub region: UnitRegion,
}

/// Builds the model of one unit with its family's adapter.
pub fn adapt(unit: &Unit, options: &AdaptOptions) -> Model {
    let schema = match unit.family {
        Family::Terraform => &terraform::TERRAFORM,
        Family::CloudFormation => &cloudformation::CLOUDFORMATION,
    };
    engine::adapt_with(unit, schema, options)
}
