//! In-process benchmarks (criterion): each front end on one stack, the model and rules on one
//! parsed stack, and the whole `analyze` on a directory of 20 stacks. The inputs are committed
//! under `benches/data/` (see its README). End-to-end timings of the binary on large corpora
//! are `bench/run.sh`'s.
//!
//! ```sh
//! cargo bench --bench in_process             # full measurement
//! cargo bench --bench in_process -- --quick  # a quick estimate
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{Criterion, criterion_group, criterion_main};
use redshield::discover::OsFileSystem;
use redshield::frontend::FileSystem;
use redshield::frontend::cfn::{CfnOptions, load_template};
use redshield::frontend::hcl::{HclOptions, load_root_module};
use redshield::frontend::plan::{PlanOptions, load_plan};
use redshield::ir::region::UnitRegion;
use redshield::ir::{SourceMap, Unit};
use redshield::limits::Limits;
use redshield::model::adapt::{AdaptOptions, adapt};
use redshield::model::s3_ranges::S3Ranges;
use redshield::rules::{self, RuleConfig};
use redshield::{Inputs, Settings};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/data")
        .join(rel)
}

/// Files read once into memory, so that front-end benchmarks measure parsing, not the disk.
struct MemFs {
    files: BTreeMap<PathBuf, String>,
}

impl MemFs {
    fn of(paths: &[PathBuf]) -> MemFs {
        MemFs {
            files: paths
                .iter()
                .map(|p| (p.clone(), std::fs::read_to_string(p).unwrap()))
                .collect(),
        }
    }
}

impl FileSystem for MemFs {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".into())
    }
    fn list_dir(&self, dir: &Path) -> Result<Arc<[PathBuf]>, String> {
        Ok(self
            .files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect())
    }
    fn display(&self, path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }
}

/// The HCL front end on stack 0 (one root module of one `main.tf`).
fn hcl_unit(fs: &MemFs, dir: &Path) -> Unit {
    let mut sources = SourceMap::new();
    let (unit, diags) = load_root_module(
        fs,
        &mut sources,
        dir,
        None,
        &HclOptions::default(),
        &Limits::default(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    unit
}

fn front_ends(c: &mut Criterion) {
    let hcl_dir = data("hcl/stack_00000");
    let hcl_fs = MemFs::of(&[hcl_dir.join("main.tf")]);
    c.bench_function("frontend/hcl (1 stack)", |b| {
        b.iter(|| hcl_unit(black_box(&hcl_fs), &hcl_dir))
    });

    let cfn_path = data("cfn/stack_00000.yaml");
    let cfn_text = std::fs::read_to_string(&cfn_path).unwrap();
    c.bench_function("frontend/cfn yaml (1 stack)", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            let file = sources.add(&cfn_path, "stack.yaml".into(), black_box(&cfn_text).clone());
            let (unit, diags) = load_template(&sources, file, false, &CfnOptions::default());
            assert!(diags.is_empty() && unit.is_some(), "{diags:?}");
            unit
        })
    });

    let plan_path = data("plan/stack_00000.json");
    let plan_dir = data("plan");
    let plan_text = std::fs::read_to_string(&plan_path).unwrap();
    // Only the plan: no `.tf` source beside it.
    let plan_fs = MemFs::of(&[]);
    c.bench_function("frontend/plan json (1 plan)", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            let file = sources.add(
                &plan_path,
                "plan.json".into(),
                black_box(&plan_text).clone(),
            );
            let (unit, diags) = load_plan(
                &plan_fs,
                &mut sources,
                file,
                &plan_dir,
                &PlanOptions::default(),
                &Limits::default(),
            );
            assert!(diags.is_empty() && unit.is_some(), "{diags:?}");
            unit
        })
    });
}

fn model_and_rules(c: &mut Criterion) {
    let dir = data("hcl/stack_00000");
    let unit = hcl_unit(&MemFs::of(&[dir.join("main.tf")]), &dir);
    let options = AdaptOptions {
        region: UnitRegion::decide(&unit.settings, Some("us-east-1")),
    };
    let config = RuleConfig {
        s3_ranges: Arc::new(S3Ranges::embedded()),
        allowed_cidrs: Some(vec!["10.0.0.0/8".parse().unwrap()]),
        require_dedicated_tenancy: true,
        require_customer_managed_keys: true,
        min_snapshot_retention_days: None,
        trusted_services: Vec::new(),
        strict: false,
    };
    let all: Vec<&'static rules::Rule> = rules::ALL.to_vec();
    c.bench_function("model/adapt (1 stack)", |b| {
        b.iter(|| adapt(black_box(&unit), &options))
    });
    let model = adapt(&unit, &options);
    c.bench_function("rules/all (1 stack)", |b| {
        b.iter(|| rules::run(black_box(&model), &config, &all))
    });
}

fn whole_analysis(c: &mut Criterion) {
    let inputs = Inputs::paths(&[data("hcl")]);
    let settings = Settings::default();
    let fs = OsFileSystem::new();
    let findings = redshield::analyze(&inputs, &settings, &fs)
        .report
        .findings
        .len();
    assert!(findings > 0);
    let mut group = c.benchmark_group("analyze");
    group.sample_size(20);
    group.bench_function("20 stacks (hcl)", |b| {
        b.iter(|| redshield::analyze(black_box(&inputs), &settings, &fs))
    });
    group.finish();
}

criterion_group!(benches, front_ends, model_and_rules, whole_analysis);
criterion_main!(benches);
