//! Tests about the code base itself: the rule registry, rule documentation, message style, and
//! the architecture invariants that keep layers apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::rules::{self, Severity};
use std::path::Path;

fn sources_under(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(dir).to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    out
}

/// Lines that are code, not comments or docs.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| {
        let t = l.trim_start();
        !t.starts_with("//")
    })
}

#[test]
fn rule_ids_are_unique_sorted_and_names_are_kebab_case() {
    let ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "rules::ALL must be sorted by ID without duplicates"
    );
    for rule in rules::ALL {
        assert!(
            rule.id.len() == 5 && rule.id.starts_with("RS"),
            "{}",
            rule.id
        );
        assert!(
            rule.name.split('-').all(|p| !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{} name {:?} is not kebab-case",
            rule.id,
            rule.name
        );
        let file = format!(
            "src/rules/{}_{}.rs",
            rule.id.to_ascii_lowercase(),
            rule.name.replace('-', "_")
        );
        assert!(
            Path::new(&file).is_file(),
            "{} must live in {file}",
            rule.id
        );
    }
}

#[test]
fn every_rule_doc_has_the_required_sections_in_order() {
    let sections = [
        "## What it does",
        "## Why is this bad?",
        "Source: ",
        "## Example",
        "```hcl",
        "```yaml",
        "Use instead:",
        "```hcl",
        "```yaml",
        "## Unknown values",
    ];
    for rule in rules::ALL {
        let doc = rule.documentation();
        let mut at = 0;
        for section in sections {
            match doc[at..].find(section) {
                Some(i) => at += i + section.len(),
                None => panic!("{}: documentation lacks {section:?} (in order)", rule.id),
            }
        }
        assert!(
            doc.contains("Source: \"") && doc.contains("<https://"),
            "{}: the rationale must cite its sources by title and URL",
            rule.id
        );
        assert!(
            !doc.to_ascii_lowercase().contains("seed "),
            "{}: the documentation names a source by an internal name",
            rule.id
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary ends with a period",
            rule.id
        );
    }
}

#[test]
fn messages_start_lower_case_and_have_no_trailing_period() {
    let fs = redshield::discover::OsFileSystem::new();
    let analysis = redshield::analyze(
        &redshield::Inputs::paths(&["testdata".into()]),
        &redshield::Settings::default(),
        &fs,
    );
    assert!(analysis.report.findings.len() > 20);
    for finding in &analysis.report.findings {
        let first = finding.message.chars().next().unwrap();
        assert!(
            !first.is_uppercase(),
            "{}: {:?}",
            finding.rule.id,
            finding.message
        );
        assert!(
            !finding.message.ends_with('.'),
            "{}: {:?}",
            finding.rule.id,
            finding.message
        );
        assert!(finding.severity >= Severity::Low);
    }
}

#[test]
fn rules_never_see_syntax() {
    for (path, text) in sources_under("src/rules") {
        for line in code_lines(&text) {
            assert!(
                !line.contains("crate::ir") && !line.contains("crate::frontend"),
                "{path}: {line}"
            );
            assert!(
                !line.contains("\"aws_") && !line.contains("\"AWS::"),
                "{path}: rules must not match resource kinds: {line}"
            );
            assert!(
                !line.contains("5439"),
                "{path}: defaults live in model/defaults.rs: {line}"
            );
        }
    }
}

#[test]
fn rules_decide_what_to_report_only_through_rule_config_reports() {
    for (path, text) in sources_under("src/rules") {
        if path.ends_with("mod.rs") {
            continue;
        }
        let code: String = code_lines(&text).collect::<Vec<_>>().join("\n");
        // `config.strict`, also split over lines (`config\n    .strict`).
        let squeezed: String = code.split_whitespace().collect();
        assert!(
            !squeezed.contains(".strict"),
            "{path}: rules ask `config.reports(truth)`, never `config.strict`"
        );
    }
}

/// Public fields of model structs that are `bool` or `Option<…>` and do not stand for a value
/// the source may leave unknown (that is a `Val`, a `Truth` or a `Link`), with the reason. (The
/// check reads `pub` field lines; fields of enum variants are not covered.)
const KNOWN_OPTIONS_AND_FLAGS: [(&str, &str); 21] = [
    ("value: Option<T>", "the vocabulary itself: a Val's value"),
    ("field: Option<FieldSite>", "where a fix writes the field"),
    (
        "value: Option<Span>",
        "whether a field is written, which is always known",
    ),
    (
        "target: Option<Id>",
        "the vocabulary itself: a Link out of scope",
    ),
    (
        "origin: Option<Span>",
        "where a plan describes the resource",
    ),
    (
        "require_ssl: Option<Val<bool>>",
        "not set is known; the Val is unknown when unreadable",
    ),
    (
        "vpc: Option<Link>",
        "not written (the default VPC) is known; the Link may be unknown",
    ),
    ("gateway: Option<Meta>", "a related location for reports"),
    ("add_https_egress: Option<FixIntent>", "a fix"),
    (
        "per_element: bool",
        "which kind of unknown deployment it is: a Condition or a loop element",
    ),
    (
        "egress: bool",
        "an entry of unknown direction is not an entry: it leaves both directions incomplete",
    ),
    (
        "inline_entries: Option<(FieldSite, FieldSite, NaclEntryFields)>",
        "where a fix writes",
    ),
    (
        "entry_resources: Option<EntryResources>",
        "how a fix writes",
    ),
    (
        "port_range: Option<&'static str>",
        "a field name of the source family",
    ),
    (
        "not: bool",
        "NotAction is syntax, known whenever the statement is read",
    ),
    (
        "if_exists: bool",
        "an operator suffix, known whenever the condition is read",
    ),
    (
        "set_operator: Option<String>",
        "an operator prefix, known whenever the condition is read",
    ),
    (
        "not_resource: bool",
        "NotResource is syntax, known whenever the statement is read",
    ),
    (
        "not_principal: bool",
        "NotPrincipal is syntax, known whenever the statement is read",
    ),
    (
        "subnet: Option<&'m Subnet>",
        "a reachability path's subnet: None for the path through subnets that are unknown or \
         not in scope, which the path's Subnet hop says is unknown",
    ),
    (
        "span: Option<Span>",
        "where a secret is written, when known: not a value of the deployment",
    ),
];

#[test]
fn the_model_says_maybe_only_with_val_truth_and_link() {
    let allowed: Vec<&str> = KNOWN_OPTIONS_AND_FLAGS.iter().map(|(f, _)| *f).collect();
    let mut offenders = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (path, text) in sources_under("src/model") {
        if path.contains("adapt") {
            continue;
        }
        // Public fields: `pub name: Type,` (functions and other items are not fields).
        for line in code_lines(&text).filter(|l| {
            let t = l.trim_start();
            t.starts_with("pub ") && t.ends_with(',') && !t.starts_with("pub fn")
        }) {
            let field = line.trim().trim_start_matches("pub ").trim_end_matches(',');
            assert!(
                !field.contains("Option<Option<"),
                "{path}: `{field}`: a link that may be unknown is a Val<Named>"
            );
            let Some((name, ty)) = field.split_once(": ") else {
                continue;
            };
            let is_field = !name.contains(['(', ' ', '<', '.', '=', '"']) && !line.contains("fn ");
            if !is_field {
                continue;
            }
            assert!(
                !name.ends_with("_known"),
                "{path}: `{field}`: whether all members were read is a Truth (`*_complete`)"
            );
            if ty == "bool" || ty.starts_with("Option<") {
                if allowed.contains(&field) {
                    seen.insert(field.to_string());
                } else {
                    offenders.push(format!("{path}: `{field}`"));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "model fields that may stand for an unknown value must be a Val, a Truth or a Link \
         (or be listed with a reason in KNOWN_OPTIONS_AND_FLAGS):\n{}",
        offenders.join("\n")
    );
    let stale: Vec<&&str> = allowed.iter().filter(|f| !seen.contains(**f)).collect();
    assert!(
        stale.is_empty(),
        "KNOWN_OPTIONS_AND_FLAGS lists fields that are gone: {stale:?}"
    );
}

#[test]
fn front_ends_never_know_rules_or_the_model() {
    for (path, text) in sources_under("src/frontend") {
        for line in code_lines(&text) {
            assert!(
                !line.contains("crate::rules") && !line.contains("crate::model"),
                "{path}: {line}"
            );
        }
    }
}

#[test]
fn resource_kinds_appear_only_in_adapters() {
    for dir in ["src/model", "src/report", "src/cli"] {
        for (path, text) in sources_under(dir) {
            if path.contains("adapt") {
                continue;
            }
            for line in code_lines(&text) {
                assert!(
                    !line.contains("\"aws_") && !line.contains("\"AWS::"),
                    "{path}: {line}"
                );
            }
        }
    }
}

#[test]
fn fixture_configs_match_the_config_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/config.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    let mut stack = vec![Path::new("testdata").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "redshield.toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: toml::Value = toml::from_str(&text).unwrap();
                let json = serde_json::to_value(value).unwrap();
                assert!(
                    validator.is_valid(&json),
                    "{} does not match config.schema.json",
                    path.display()
                );
                redshield::config::parse(&text, "redshield.toml").unwrap();
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_config_schema_and_the_limits_table_agree() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/config.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let keys = schema["properties"]["limits"]["properties"]
        .as_object()
        .unwrap();
    assert_eq!(keys.len(), 9);
    for (key, spec) in keys {
        let valid = |text: &str| {
            let value: toml::Value = toml::from_str(text).unwrap();
            let in_schema = validator.is_valid(&serde_json::to_value(value).unwrap());
            let parsed = redshield::config::parse(text, "redshield.toml").is_ok();
            assert_eq!(in_schema, parsed, "{text}");
            parsed
        };
        assert!(valid(&format!("[limits]\n{key} = 1\n")), "{key}");
        assert!(!valid(&format!("[limits]\n{key} = 0\n")), "{key}");
        if let Some(max) = spec["maximum"].as_u64() {
            assert!(valid(&format!("[limits]\n{key} = {max}\n")), "{key}");
            assert!(!valid(&format!("[limits]\n{key} = {}\n", max + 1)), "{key}");
        }
    }
    let text = "[limits]\nunknown_limit = 1\n";
    let value: toml::Value = toml::from_str(text).unwrap();
    assert!(!validator.is_valid(&serde_json::to_value(value).unwrap()));
    assert!(redshield::config::parse(text, "redshield.toml").is_err());
}

// ---- Rule toolkit invariants (issue 17: rules say only what is new) ----

/// The string literals of `text`'s code lines (not comments), escapes left as written.
fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in code_lines(text) {
        let mut chars = line.chars().peekable();
        let mut current: Option<String> = None;
        while let Some(c) = chars.next() {
            match (&mut current, c) {
                (None, '"') => current = Some(String::new()),
                // A char literal holding a quote (`'"'`) opens nothing.
                (None, '\'') if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                (None, _) => {}
                (Some(s), '\\') => {
                    s.push('\\');
                    if let Some(next) = chars.next() {
                        s.push(next);
                    }
                }
                (Some(_), '"') => out.extend(current.take()),
                (Some(s), c) => s.push(c),
            }
        }
    }
    out
}

/// The identifier-like words of a text (letters, digits, `_`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// The attribute names the adapters read, from the two schemas (`src/model/adapt/
/// {terraform,cloudformation}.rs`): every literal there that reads as a field name of the
/// source family — snake_case with an underscore, or PascalCase of two words or more — and is
/// not a resource kind. Plain words (`port`, `Port`) are English as well, and not listed.
fn adapter_attribute_names() -> std::collections::BTreeSet<String> {
    let snake = |w: &str| {
        w.contains('_')
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !w.starts_with("aws_")
    };
    let pascal = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphanumeric())
            && w.chars().skip(1).any(|c| c.is_ascii_uppercase())
            && w.chars().any(|c| c.is_ascii_lowercase())
    };
    let mut names = std::collections::BTreeSet::new();
    for schema in [
        "src/model/adapt/terraform.rs",
        "src/model/adapt/cloudformation.rs",
    ] {
        let text = std::fs::read_to_string(schema).unwrap();
        for literal in string_literals(&text) {
            if literal.contains("::") || !(snake(&literal) || pascal(&literal)) {
                continue;
            }
            names.insert(literal);
        }
    }
    names
}

/// The sources of the rules and the helpers they share (the registry, `mod.rs`, included).
fn rule_sources() -> Vec<(String, String)> {
    let mut sources = sources_under("src/rules");
    sources.sort();
    sources
}

#[test]
fn rule_messages_take_field_names_from_the_model() {
    let names = adapter_attribute_names();
    // The derived list is the schemas' own: it holds the fields messages name, in both spellings.
    for expected in [
        "publicly_accessible",
        "PubliclyAccessible",
        "enhanced_vpc_routing",
        "EnhancedVpcRouting",
        "map_public_ip_on_launch",
        "InstanceTenancy",
    ] {
        assert!(
            names.contains(expected),
            "{expected} not read from the schemas"
        );
    }
    let mut offenders = Vec::new();
    for (path, text) in rule_sources() {
        for literal in string_literals(&text) {
            for word in words(&literal).filter(|w| names.contains(*w)) {
                offenders.push(format!("{path}: `{word}` in \"{literal}\""));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "rule messages name fields through the model (`toolkit::field_name(&val, …)`, which \
         reads the FieldSite the adapter recorded), so that each format reads its own \
         spelling; these literals spell an attribute the adapters read:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn rules_follow_links_never_compare_addresses() {
    // An address is for messages. Which object a rule means is a link (an id, `Val<Named>`,
    // `NaclEntry::written`), resolved once by the adapter.
    let comparison = [
        "address==",
        "address!=",
        "address.as_str()==",
        "address.eq(",
        "address.ne(",
        "address.cmp(",
        "address.starts_with(",
        "address.ends_with(",
        "address.contains(",
        "address.strip_prefix(",
        "address.split",
        "address.rsplit",
        "address.find(",
        "address.clone())",
    ];
    let mut offenders = Vec::new();
    for (path, text) in rule_sources() {
        // The runner matches findings with the resources whose deployment rests on an unknown
        // condition; the model lists those by address (`Model::conditional`).
        if path.ends_with("mod.rs") {
            continue;
        }
        let code: String = code_lines(&text).collect::<Vec<_>>().join("\n");
        let squeezed: String = code.split_whitespace().collect();
        for pattern in comparison {
            if squeezed.contains(pattern) {
                offenders.push(format!("{path}: `{pattern}`"));
            }
        }
        // `== x.address`, `!= &acl.meta.address` (the other side of a comparison).
        for op in ["==", "!="] {
            for rest in squeezed.split(op).skip(1) {
                let operand: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "_.&*()".contains(*c))
                    .collect();
                if operand.ends_with(".address") || operand.contains(".address.") {
                    offenders.push(format!("{path}: `{op}{operand}`"));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "rules follow links, never compare addresses:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn rules_hold_no_aws_facts() {
    // Ports, regions, service principals and IAM vocabulary are facts about AWS: they live in
    // `model::defaults` (or `model::policy` for IAM), where each cites its source.
    let facts = [
        "amazonaws.com",
        "sts:",
        "aws:source",
        "s3:",
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringNotLike",
        "NumericGreaterThan",
        "REST-QUERY-STRING",
        "dualstack",
        "redshift-1.0",
        "redshift-2.0",
        "default.",
    ];
    let is_region = |w: &str| {
        let parts: Vec<&str> = w.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 2
            && parts[0].chars().all(|c| c.is_ascii_lowercase())
            && parts[2].chars().all(|c| c.is_ascii_digit())
            && !parts[2].is_empty()
    };
    let mut offenders = Vec::new();
    for (path, text) in rule_sources() {
        for literal in string_literals(&text) {
            for fact in facts.iter().filter(|f| literal.contains(**f)) {
                offenders.push(format!("{path}: `{fact}` in \"{literal}\""));
            }
            for word in literal.split(|c: char| c.is_whitespace() || ",;()".contains(c)) {
                if is_region(word) {
                    offenders.push(format!("{path}: region `{word}` in \"{literal}\""));
                }
            }
        }
        for line in code_lines(&text) {
            // Port numbers outside strings (`const HTTPS: u16 = 443`).
            for number in ["443", "1024", "65535", "3600000", "3_600_000"] {
                if words(line).any(|w| w == number) {
                    offenders.push(format!("{path}: `{number}` in `{}`", line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "AWS facts belong in model::defaults (or model::policy):\n{}",
        offenders.join("\n")
    );
}

// ---- The import graph points one way -------------------------------------------------------
//
// The module graph is derived from the paths in `src/**/*.rs` (`use crate::…`, `crate::…`,
// `super::…`, and in the crate root a top-level module's name): comments and string literals
// do not count, inline `mod tests { … }` blocks are modules of their own.

/// A layer order (the one ARCHITECTURE.md documents, "Layers"): the children of one module,
/// lowest first, each using only those before it. The module's own file (`lib.rs`,
/// `mod.rs`) is a layer too, named `lib` or `mod`.
struct Layers {
    /// The module whose children are ordered: `&[]` for the crate root.
    module: &'static [&'static str],
    order: &'static [&'static str],
}

/// The top-level modules, lowest first (ARCHITECTURE.md, "Layers").
const TOP_LEVEL: Layers = Layers {
    module: &[],
    order: &[
        "limits", "ir", "frontend", "discover", "model", "rules", "graph", "suppress", "config",
        "fix", "change", "report", "baseline", "lib", "cli",
    ],
};

/// The HCL front end's parts, lowest first (ARCHITECTURE.md, `src/frontend/hcl`): loading,
/// the budget, evaluation and the root module each use only what is below them.
const HCL: Layers = Layers {
    module: &["frontend", "hcl"],
    order: &[
        "functions",
        "pieces",
        "suppressions",
        "json",
        "budget",
        "load",
        "eval",
        "module",
        "mod",
        "tests",
    ],
};

/// Every order the code must follow. One more module's order is one more line here.
const CHECKED_LAYERS: &[Layers] = &[TOP_LEVEL, HCL];

#[test]
fn the_import_graph_has_no_cycle_and_follows_the_documented_layers() {
    let sources = sources_under("src");
    for layers in CHECKED_LAYERS {
        let problems = layer_problems(&sources, layers);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn the_layer_check_finds_cycles_back_edges_and_unplaced_modules() {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let sources = vec![
        file(
            "src/lib.rs",
            "pub mod a;\npub mod b;\npub fn run() { a::f(); }\n",
        ),
        // `crate::b` in a comment or a string is no edge; `super::*` in a test module is `a`.
        file(
            "src/a.rs",
            "// crate::b::g\nuse crate::{b::g, c};\nfn f() { let _ = \"crate::b\"; '\"'; }\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        file(
            "src/b/mod.rs",
            "mod inner;\npub fn g() { super::a::f(); }\n",
        ),
        file("src/b/inner.rs", "fn h() { super::super::run(); }\n"),
        file("src/c.rs", "fn h() {}\n"),
    ];
    let problems = layer_problems(
        &sources,
        &Layers {
            module: &[],
            order: &["a", "b", "lib"],
        },
    );
    assert_eq!(
        problems,
        [
            "module c is not placed in the layer order (module `crate`); add it",
            "cycle: a -> b -> a (src/a.rs:2, src/b/mod.rs:2)",
            "cycle: lib -> a -> b -> lib (src/lib.rs:3, src/a.rs:2, src/b/inner.rs:1)",
            "a uses b (src/a.rs:2), which is above it in the layer order",
            "a uses c (src/a.rs:2), which is not in the layer order",
            "b uses lib (src/b/inner.rs:1), which is above it in the layer order",
        ]
    );
    let clean = layer_problems(
        &sources[2..],
        &Layers {
            module: &["b"],
            order: &["inner", "mod"],
        },
    );
    assert_eq!(clean, Vec::<String>::new());
}

/// What breaks `layers` in `sources` (path, text): modules it does not place, modules it
/// names that do not exist, cycles, and edges that go up the order.
fn layer_problems(sources: &[(String, String)], layers: &Layers) -> Vec<String> {
    let module: Vec<String> = layers.module.iter().map(|s| s.to_string()).collect();
    let own = if module.is_empty() { "lib" } else { "mod" };
    let name = if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    };
    let files: Vec<(Vec<String>, &String, &String)> = sources
        .iter()
        .filter_map(|(path, text)| Some((module_of(path)?, path, text)))
        .collect();
    // A child is a file or directory below the module; its own file is a layer too.
    let mut nodes: Vec<String> = files
        .iter()
        .filter(|(m, ..)| m.len() > module.len() && m.starts_with(&module))
        .map(|(m, ..)| m[module.len()].clone())
        .collect();
    nodes.push(own.to_string());
    nodes.sort();
    nodes.dedup();
    let modules: Vec<&Vec<String>> = files.iter().map(|(m, ..)| m).collect();
    let node_of = |path: &[String]| -> Option<String> {
        if !path.starts_with(&module) {
            return None;
        }
        match path.get(module.len()) {
            Some(child) if nodes.contains(child) && child != own => Some(child.clone()),
            _ => Some(own.to_string()),
        }
    };
    // Edges, with the first place each is made.
    let mut edges: std::collections::BTreeMap<(String, String), String> = Default::default();
    for (file_module, path, text) in &files {
        let Some(from) = node_of(file_module) else {
            continue;
        };
        for (target, line) in resolved_paths(file_module, text, &modules) {
            if let Some(to) = node_of(&target) {
                if to != from {
                    edges
                        .entry((from.clone(), to))
                        .or_insert_with(|| format!("{path}:{line}"));
                }
            }
        }
    }
    let mut problems = Vec::new();
    for node in &nodes {
        if !layers.order.contains(&node.as_str()) {
            problems.push(format!(
                "module {node} is not placed in the layer order (module `{name}`); add it"
            ));
        }
    }
    for listed in layers.order {
        if !nodes.iter().any(|n| n == listed) {
            problems.push(format!(
                "the layer order (module `{name}`) lists {listed}, which does not exist"
            ));
        }
    }
    for cycle in cycles(&nodes, &edges) {
        let places: Vec<&str> = cycle
            .windows(2)
            .map(|w| edges[&(w[0].clone(), w[1].clone())].as_str())
            .collect();
        problems.push(format!(
            "cycle: {} ({})",
            cycle.join(" -> "),
            places.join(", ")
        ));
    }
    let rank = |n: &str| layers.order.iter().position(|o| *o == n);
    for ((from, to), place) in &edges {
        match (rank(from), rank(to)) {
            (Some(f), Some(t)) if t > f => problems.push(format!(
                "{from} uses {to} ({place}), which is above it in the layer order"
            )),
            (Some(_), None) => problems.push(format!(
                "{from} uses {to} ({place}), which is not in the layer order"
            )),
            _ => {}
        }
    }
    problems
}

/// The module a source file is: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`, `src/lib.rs`
/// the crate root. None for the binary's `src/main.rs`, a crate of its own.
fn module_of(path: &str) -> Option<Vec<String>> {
    let relative = path.replace('\\', "/");
    let relative = relative.strip_prefix("src/")?.strip_suffix(".rs")?;
    if relative == "main" {
        return None;
    }
    let mut parts: Vec<String> = relative.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    Some(parts)
}

/// Cycles as closed walks (`a -> b -> a`): for each node, in order, that is on a cycle and on
/// none reported yet, the shortest cycle through it (a breadth-first search).
fn cycles(
    nodes: &[String],
    edges: &std::collections::BTreeMap<(String, String), String>,
) -> Vec<Vec<String>> {
    let next = |n: &str| -> Vec<String> {
        edges
            .keys()
            .filter(|(f, _)| f == n)
            .map(|(_, t)| t.clone())
            .collect()
    };
    let mut reported: Vec<std::collections::BTreeSet<String>> = Vec::new();
    let mut out = Vec::new();
    for start in nodes {
        if reported.iter().any(|group| group.contains(start)) {
            continue;
        }
        // The shortest way back to `start`.
        let mut came_from: std::collections::BTreeMap<String, String> = Default::default();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut closed = None;
        while let Some(n) = queue.pop_front() {
            for t in next(&n) {
                if &t == start {
                    closed = Some(n.clone());
                    break;
                }
                if !came_from.contains_key(&t) {
                    came_from.insert(t.clone(), n.clone());
                    queue.push_back(t);
                }
            }
            if closed.is_some() {
                break;
            }
        }
        let Some(mut at) = closed else {
            continue;
        };
        let mut walk = vec![start.clone()];
        while &at != start {
            walk.push(at.clone());
            at = came_from[&at].clone();
        }
        walk.push(start.clone());
        let last = walk.len() - 1;
        walk[1..last].reverse();
        reported.push(walk.iter().cloned().collect());
        out.push(walk);
    }
    out
}

/// Every path in `text` (the source of `module`) that names an item of the crate, resolved to
/// an absolute module path, with its line. `modules` are the crate's modules, to tell a path
/// through a child module (`edit::Edit` in `fix`) from one through an outside crate.
fn resolved_paths(
    module: &[String],
    text: &str,
    modules: &[&Vec<String>],
) -> Vec<(Vec<String>, usize)> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`) open at a brace depth.
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        match token.text.as_str() {
            "{" => {
                depth += 1;
                i += 1;
                continue;
            }
            "}" => {
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
                continue;
            }
            "mod" => {
                if let (Some(name), Some(open)) = (tokens.get(i + 1), tokens.get(i + 2)) {
                    if open.text == "{" {
                        inline.push((depth + 1, name.text.clone()));
                    }
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        let starts_path = is_ident(&token.text)
            && i.checked_sub(1)
                .and_then(|p| tokens.get(p))
                .is_none_or(|prev| prev.text != "::")
            && tokens.get(i + 1).is_some_and(|t| t.text == "::");
        if !starts_path {
            i += 1;
            continue;
        }
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(_, n)| n.clone()))
            .collect();
        let (paths, end) = path_tree(&tokens, i);
        for path in paths {
            if let Some(absolute) = resolve(&here, &path, modules) {
                out.push((absolute, token.line));
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// The absolute path `path` names from module `here`, if it names an item of the crate.
fn resolve(here: &[String], path: &[String], modules: &[&Vec<String>]) -> Option<Vec<String>> {
    let first = path.first()?;
    let (base, rest): (Vec<String>, &[String]) = match first.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (here.to_vec(), &path[1..]),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            (here[..here.len().checked_sub(ups)?].to_vec(), &path[ups..])
        }
        _ => {
            // A child module of `here`, named without `self::`.
            let child: Vec<String> = here.iter().chain([first]).cloned().collect();
            if modules.iter().any(|m| m.starts_with(&child)) {
                (here.to_vec(), path)
            } else {
                return None;
            }
        }
    };
    Some(base.into_iter().chain(rest.iter().cloned()).collect())
}

/// The paths a path or use tree starting at token `i` names (`a::{b, c::d}` names `a::b` and
/// `a::c::d`), and the index after it.
fn path_tree(tokens: &[Token], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    while let Some(t) = tokens.get(i) {
        if !is_ident(&t.text) {
            break;
        }
        prefix.push(t.text.clone());
        i += 1;
        if tokens.get(i).is_none_or(|t| t.text != "::") {
            return (vec![prefix], i);
        }
        i += 1;
        if tokens.get(i).is_some_and(|t| t.text == "{") {
            i += 1;
            let mut paths = Vec::new();
            while let Some(t) = tokens.get(i) {
                match t.text.as_str() {
                    "}" => {
                        i += 1;
                        break;
                    }
                    "," => i += 1,
                    _ if is_ident(&t.text) => {
                        let (inner, end) = path_tree(tokens, i);
                        for p in inner {
                            // `a::{self, b}`: `self` is `a` itself.
                            let p = p.into_iter().filter(|s| s != "self");
                            paths.push(prefix.iter().cloned().chain(p).collect());
                        }
                        i = end;
                    }
                    _ => i += 1,
                }
            }
            return (paths, i);
        }
    }
    (vec![prefix], i)
}

fn is_ident(text: &str) -> bool {
    text.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

struct Token {
    text: String,
    line: usize,
}

/// Identifiers, `::`, braces and commas of Rust source, without comments, strings and
/// characters (`$crate` is `crate`).
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    nesting += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    nesting -= 1;
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                line += usize::from(chars[i] == '\n');
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A character ('x', '\n', '"') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw strings: r"…", r#"…"#, br#"…"#.
            if (word == "r" || word == "br") && (at(i) == '#' || at(i) == '"') {
                let hashes = (i..).take_while(|&j| at(j) == '#').count();
                i += hashes + 1;
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                while i < chars.len() && !chars[i..].starts_with(&close.chars().collect::<Vec<_>>())
                {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                i += close.chars().count();
                continue;
            }
            out.push(Token { text: word, line });
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            if matches!(c, '{' | '}' | ',') || !c.is_whitespace() && c != '$' {
                out.push(Token {
                    text: c.to_string(),
                    line,
                });
            }
            i += 1;
        }
    }
    out
}

/// The checkov suppressions redshield honours map each check as `docs/compatibility.md`'s
/// checkov table does (its first rule where a row names one).
#[test]
fn checkov_suppressions_map_checks_as_the_compatibility_table_does() {
    let text = std::fs::read_to_string("docs/compatibility.md").unwrap();
    let section = text.split("## checkov").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let documented: std::collections::BTreeMap<String, String> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let check = cells.get(1)?.trim_matches('`');
            let rule = cells.get(3)?.split_whitespace().next()?;
            (check.starts_with("CKV_") && rule.starts_with("RS"))
                .then(|| (check.to_string(), rule.to_string()))
        })
        .collect();
    let honoured: std::collections::BTreeMap<String, String> = redshield::frontend::CHECKOV_CHECKS
        .iter()
        .map(|(check, rule)| (check.to_string(), rule.to_string()))
        .collect();
    assert!(documented.len() >= 10, "{documented:?}");
    assert_eq!(honoured, documented);
}

/// `docs/compatibility.md` maps Security Hub's and checkov's Redshift checks to rules: every
/// rule it names exists, and every rule is named (covering a peer check, or listed as having
/// none).
#[test]
fn the_compatibility_table_names_every_rule_and_only_rules() {
    let text = std::fs::read_to_string("docs/compatibility.md").unwrap();
    let named: std::collections::BTreeSet<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() == 5 && w.starts_with("RS") && w[2..].chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect();
    let registry: std::collections::BTreeSet<String> =
        rules::ALL.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(
        named, registry,
        "docs/compatibility.md and rules::ALL disagree"
    );
}
