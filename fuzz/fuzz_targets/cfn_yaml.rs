//! Bytes as a CloudFormation YAML template, read by the template front end whether or not it
//! looks like one (tags, anchors and aliases, intrinsics, conditions, mappings), then the model
//! and every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redshield::frontend::cfn::{CfnOptions, load_template};
use redshield::ir::SourceMap;
use redshield_fuzz::{check_unit, text};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let mut sources = SourceMap::new();
    let file = sources.add(Path::new("t/template.yaml"), "t/template.yaml".into(), text);
    let options = CfnOptions {
        params: vec![("Env".into(), "prod".into())],
        region: Some("eu-west-1".into()),
        limits: redshield::limits::Limits::default(),
    };
    let (unit, _diagnostics) = load_template(&sources, file, false, &options);
    if let Some(unit) = unit {
        check_unit(&unit);
    }
});
