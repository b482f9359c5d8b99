//! Bytes as a Terraform plan (`terraform show -json`), read by the plan front end whether or
//! not it looks like one, then the model and every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redshield::frontend::plan::{PlanOptions, load_plan};
use redshield::ir::SourceMap;
use redshield_fuzz::{MemFs, check_unit, text};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let fs = MemFs::default();
    let mut sources = SourceMap::new();
    let file = sources.add(Path::new("p/plan.json"), "p/plan.json".into(), text);
    let (unit, _diagnostics) = load_plan(
        &fs,
        &mut sources,
        file,
        Path::new("p"),
        &PlanOptions::default(),
        &redshield::limits::Limits::default(),
    );
    if let Some(unit) = unit {
        check_unit(&unit);
    }
});
