//! Analysis time, with every report rendered, grows linearly in every dimension a
//! configuration grows in.
//!
//! A benchmark, not a timed test: for each dimension of `bench/gen_scaling.py` (the generator of
//! `bench/scaling.py`) it analyzes sizes N, 2N, 4N and 8N in process and fits the exponent of the
//! CPU time the analysis took (least squares on log-log), less the constant cost (the analysis
//! of the dimension's input at size 1), which would flatten it. Only ratios within one run are
//! compared, so a slow or busy machine shifts every time alike; the median of several runs and
//! a margin (linear is 1, the test fails above 1.2; a quadratic dimension measures about 2)
//! absorb the noise. The constant cost must stay under a share of the time at N, so that what
//! grows stands above the noise. Each size
//! must produce the resources and findings its generator promises, so a generator that wrote
//! nothing, or a finding that vanished, cannot pass as fast.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::discover::OsFileSystem;
use redshield::report::Report;
use redshield::{Inputs, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One dimension: its name in `bench/gen_scaling.py`, N, the output's extension, and what a
/// report at size n must hold.
struct Dimension {
    name: &'static str,
    n: usize,
    ext: &'static str,
    expect: fn(&Report, usize) -> Result<(), String>,
}

/// How many findings of `rule` the report has.
fn findings_of(report: &Report, rule: &str) -> usize {
    report.findings.iter().filter(|f| f.rule.id == rule).count()
}

/// How many related places the findings of `rule` name.
fn related_of(report: &Report, rule: &str) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| f.related.len())
        .sum()
}

fn equal(what: &str, got: usize, want: usize) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: {got}, expected {want}"))
    }
}

fn at_least(what: &str, got: usize, want: usize) -> Result<(), String> {
    if got >= want {
        Ok(())
    } else {
        Err(format!("{what}: {got}, expected at least {want}"))
    }
}

const DIMENSIONS: &[Dimension] = &[
    Dimension {
        name: "warehouses-per-module",
        n: 30,
        ext: "",
        expect: |r, n| equal("RS204 findings", findings_of(r, "RS204"), n),
    },
    Dimension {
        name: "subnets-per-group",
        n: 320,
        ext: "",
        expect: |r, n| at_least("resources", r.resources, n),
    },
    Dimension {
        name: "subnets-sharing-acl",
        n: 300,
        ext: "",
        expect: |r, n| {
            equal("RS108 findings", findings_of(r, "RS108"), 2)?;
            at_least("resources", r.resources, n)
        },
    },
    Dimension {
        name: "acl-entries",
        n: 400,
        ext: "",
        expect: |r, _| equal("RS108 findings", findings_of(r, "RS108"), 2),
    },
    Dimension {
        name: "acl-shared-and-entries",
        n: 160,
        ext: "",
        expect: |r, n| {
            equal("RS108 findings", findings_of(r, "RS108"), 2)?;
            at_least("resources", r.resources, n)
        },
    },
    Dimension {
        name: "security-group-rules",
        n: 160,
        ext: "",
        expect: |r, n| equal("RS105 findings", findings_of(r, "RS105"), n / 4),
    },
    Dimension {
        name: "security-groups-per-warehouse",
        n: 150,
        ext: "",
        expect: |r, n| at_least("RS206 related", related_of(r, "RS206"), n),
    },
    Dimension {
        name: "route-tables",
        n: 45,
        ext: "",
        expect: |r, n| equal("RS103 findings", findings_of(r, "RS103"), n),
    },
    Dimension {
        name: "buckets-and-policies",
        n: 90,
        ext: "",
        expect: |r, n| equal("RS301 findings", findings_of(r, "RS301"), n),
    },
    Dimension {
        name: "trails-and-buckets",
        n: 250,
        ext: "",
        // The odd buckets' trails record writes only: those buckets and the warehouse.
        expect: |r, n| equal("RS302 related", related_of(r, "RS302"), n / 2 + 1),
    },
    Dimension {
        name: "modules",
        n: 80,
        ext: "",
        // The warehouse and the open rule of each.
        expect: |r, n| equal("RS105 related", related_of(r, "RS105"), 2 * n),
    },
    Dimension {
        name: "module-instances",
        n: 90,
        ext: "",
        // The warehouse and the open rule of each.
        expect: |r, n| equal("RS105 related", related_of(r, "RS105"), 2 * n),
    },
    Dimension {
        name: "vpcs-with-endpoints",
        n: 100,
        ext: "",
        // Every warehouse finds its own VPC's S3 endpoint (else RS205 fires), and each VPC
        // lacks a flow log.
        expect: |r, n| {
            equal("RS205 findings", findings_of(r, "RS205"), 0)?;
            equal("RS110 related", related_of(r, "RS110"), n)
        },
    },
    Dimension {
        name: "cfn-resources",
        n: 72,
        ext: ".yaml",
        expect: |r, n| equal("RS204 findings", findings_of(r, "RS204"), n),
    },
    Dimension {
        name: "plan-resources",
        n: 30,
        ext: ".json",
        expect: |r, n| equal("RS204 findings", findings_of(r, "RS204"), n),
    },
];

/// Runs per size; the median is kept.
const RUNS: usize = 3;
/// Linear is 1; quadratic about 2. The margin is for noise.
const MAX_EXPONENT: f64 = 1.2;
/// The constant cost may be at most this share of the time at N: the rest, what grows, is
/// what the exponent is fitted to, and it must stand well above the noise.
const MAX_CONSTANT_SHARE: f64 = 0.4;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes the dimension's inputs at each size (one start of the generator), by size.
fn generate(dim: &Dimension, sizes: &[usize], dir: &Path) -> Vec<PathBuf> {
    let list: Vec<String> = sizes.iter().map(usize::to_string).collect();
    let status = Command::new("python3")
        .arg(repo().join("bench/gen_scaling.py"))
        .arg(dim.name)
        .arg(list.join(","))
        .arg(dir.join(format!("{}-{{n}}{}", dim.name, dim.ext)))
        .status();
    assert!(
        matches!(status, Ok(s) if s.success()),
        "bench/gen_scaling.py {} {list:?} failed: {status:?}",
        dim.name
    );
    sizes
        .iter()
        .map(|n| dir.join(format!("{}-{n}{}", dim.name, dim.ext)))
        .collect()
}

/// CPU seconds this process has used (user and system, every thread).
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The median CPU time of analyzing `path`, and the report of one run.
fn measure(path: &Path) -> (f64, Report) {
    let inputs = Inputs::paths(&[path.to_path_buf()]);
    // With the graphs a Markdown report or `redshield graph` builds.
    let settings = Settings {
        graphs: true,
        ..Settings::default()
    };
    let fs = OsFileSystem::new();
    let mut times = Vec::new();
    let mut report = Report::default();
    for _ in 0..RUNS {
        let start = cpu_seconds();
        let analysis = redshield::analyze(&inputs, &settings, &fs);
        let rendered = render_every_format(&analysis);
        times.push(cpu_seconds() - start);
        assert!(rendered > 0);
        report = analysis.report;
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], report)
}

/// Renders the report in every format a user can ask for (what a run costs includes what it
/// prints: a format may lay out findings slower than the analysis found them); the bytes
/// written.
fn render_every_format(analysis: &redshield::Analysis) -> usize {
    use redshield::report::{codequality, github, graph, json, junit, markdown, sarif, text};
    let report = &analysis.report;
    let (graphs, sources) = (&analysis.graphs, &analysis.sources);
    let diagrams = graph::diagrams(graphs, report);
    [
        text::render_text(report, sources, false),
        json::render_json(report),
        sarif::render_sarif(report),
        markdown::render_markdown_with(report, &diagrams),
        markdown::render_markdown_summary_with(report, &diagrams),
        github::render_github(report),
        junit::render_junit(report),
        codequality::render_codequality(report),
        graph::render_mermaid(graphs, report, sources),
        graph::render_dot(graphs, report, sources),
        graph::render_graph_json(graphs, report, sources),
    ]
    .iter()
    .map(String::len)
    .sum()
}

/// Least-squares slope of log(y) on log(x).
fn exponent(points: &[(f64, f64)]) -> f64 {
    let logs: Vec<(f64, f64)> = points.iter().map(|(x, y)| (x.ln(), y.ln())).collect();
    let k = logs.len() as f64;
    let mx = logs.iter().map(|p| p.0).sum::<f64>() / k;
    let my = logs.iter().map(|p| p.1).sum::<f64>() / k;
    let num: f64 = logs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let den: f64 = logs.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    num / den
}

#[test]
fn exponent_fit_tells_linear_from_quadratic() {
    let linear: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0].iter().map(|&n| (n, 3.0 * n)).collect();
    let quadratic: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0].iter().map(|&n| (n, n * n)).collect();
    assert!((exponent(&linear) - 1.0).abs() < 1e-9);
    assert!((exponent(&quadratic) - 2.0).abs() < 1e-9);
}

#[test]
fn analysis_time_grows_linearly_in_every_dimension() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let listed = Command::new("python3")
        .arg(repo().join("bench/gen_scaling.py"))
        .arg("--list")
        .output()
        .expect("python3 runs bench/gen_scaling.py");
    let listed = String::from_utf8_lossy(&listed.stdout);
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    let ours: Vec<&str> = DIMENSIONS.iter().map(|d| d.name).collect();
    assert_eq!(
        names, ours,
        "every dimension of bench/gen_scaling.py is measured here"
    );

    let mut table = Vec::new();
    let mut failures = Vec::new();
    for dim in DIMENSIONS {
        let sizes = [1, dim.n, 2 * dim.n, 4 * dim.n, 8 * dim.n];
        let paths = generate(dim, &sizes, dir.path());
        // A burst of other work on the machine can spoil one measurement; a dimension that is
        // not linear fails every time, so it is measured again before it fails.
        let mut timing = Vec::new();
        for _ in 0..ATTEMPTS {
            let measured = measure_dimension(dim, &sizes, &paths);
            table.push(measured.line);
            failures.extend(measured.wrong_output);
            timing = measured.slow;
            if timing.is_empty() {
                break;
            }
        }
        failures.extend(timing);
    }
    println!("{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n"),
        table.join("\n")
    );
}

/// Measurements of one dimension at its sizes.
struct Measured {
    /// One line for the table.
    line: String,
    /// Sizes whose report is not what the generator promises.
    wrong_output: Vec<String>,
    /// The exponent or the constant cost is over its limit.
    slow: Vec<String>,
}

/// How many times a dimension over a limit is measured before it fails.
const ATTEMPTS: usize = 2;

fn measure_dimension(dim: &Dimension, sizes: &[usize], paths: &[PathBuf]) -> Measured {
    let mut wrong_output = Vec::new();
    let mut slow = Vec::new();
    let mut constant = 0.0;
    let mut points = Vec::new();
    for (&n, path) in sizes.iter().zip(paths) {
        let (seconds, report) = measure(path);
        assert!(
            report.errors.is_empty(),
            "{} {n}: {:?}",
            dim.name,
            report.errors
        );
        if n == 1 {
            constant = seconds;
            continue;
        }
        if let Err(e) = (dim.expect)(&report, n) {
            wrong_output.push(format!("{} at {n}: {e}", dim.name));
        }
        points.push((n as f64, seconds));
    }
    // The exponent of the part that grows: what every input costs (start-up, the embedded S3
    // ranges) would flatten it.
    let growing: Vec<(f64, f64)> = points
        .iter()
        .map(|&(n, t)| (n, (t - constant).max(1e-6)))
        .collect();
    let exp = exponent(&growing);
    let at_n = points.first().map_or(0.0, |p| p.1);
    let line = format!(
        "{:<32} N={:<5} constant {:.4} s, N..8N {} s: exponent {exp:.2}",
        dim.name,
        dim.n,
        constant,
        points
            .iter()
            .map(|p| format!("{:.4}", p.1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if constant > MAX_CONSTANT_SHARE * at_n {
        slow.push(format!(
            "{}: the constant cost ({constant:.4} s) is over {MAX_CONSTANT_SHARE} of the time at N ({at_n:.4} s): raise N",
            dim.name
        ));
    }
    if exp > MAX_EXPONENT {
        slow.push(format!(
            "{}: time grows with exponent {exp:.2} (over {MAX_EXPONENT})",
            dim.name
        ));
    }
    Measured {
        line,
        wrong_output,
        slow,
    }
}
