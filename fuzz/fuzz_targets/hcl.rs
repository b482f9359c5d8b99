//! Bytes as the one `main.tf` of a root module: parsing, evaluation (variables, locals, count,
//! for_each, functions, templates), then the model and every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redshield::frontend::hcl::{HclOptions, load_root_module};
use redshield::ir::SourceMap;
use redshield_fuzz::{MemFs, check_unit};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let fs = MemFs::with("m/main.tf", data);
    let mut sources = SourceMap::new();
    let (unit, _diagnostics) = load_root_module(
        &fs,
        &mut sources,
        Path::new("m"),
        None,
        &HclOptions::default(),
        &redshield::limits::Limits::default(),
    );
    check_unit(&unit);
});
