//! The rule pages in `docs/rules/`, which SARIF's `helpUri` links to: generated from each rule's
//! documentation and kept in sync here. A stale or missing page fails; run
//! `REDSHIELD_UPDATE_DOCS=1 cargo test --test docs` to write them again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use redshield::rules::{self, FixAvailability, Rule};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const GENERATED: &str = "<!-- Generated from the rule's documentation in src/rules/ by \
                         `REDSHIELD_UPDATE_DOCS=1 cargo test --test docs`: edit the rule, not \
                         this page. -->";

fn page(rule: &Rule) -> String {
    let fix = if rule.fix == FixAvailability::None {
        "no"
    } else {
        "yes (`redshield check --fix`, `--diff`)"
    };
    let mut out = format!(
        "{GENERATED}\n\n# {} {}\n\n{}.\n\n| severity | fix | enabled |\n|---|---|---|\n| {} | {fix} \
         | {} |\n\n",
        rule.id,
        rule.name,
        capitalized(rule.summary),
        rule.severity.as_str(),
        if rule.opt_in {
            "only when its configuration enables it"
        } else {
            "by default"
        },
    );
    out.push_str(rule.documentation().trim());
    out.push_str(&format!(
        "\n\n---\n\n`redshield explain {}` prints this page; [all rules](README.md).\n",
        rule.id
    ));
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn index() -> String {
    let mut out = format!(
        "{GENERATED}\n\n# Rules\n\n| ID | name | severity | summary |\n|---|---|---|---|\n"
    );
    for rule in rules::ALL {
        out.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} |\n",
            rule.name,
            rule.severity.as_str(),
            rule.summary,
            id = rule.id
        ));
    }
    out
}

fn expected() -> BTreeMap<PathBuf, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut pages: BTreeMap<PathBuf, String> = rules::ALL
        .iter()
        .map(|rule| (dir.join(format!("{}.md", rule.id)), page(rule)))
        .collect();
    pages.insert(dir.join("README.md"), index());
    pages
}

/// With `REDSHIELD_UPDATE_DOCS` set, writes the pages (once, before any test reads them).
fn update_when_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("REDSHIELD_UPDATE_DOCS").is_none() {
            return;
        }
        let pages = expected();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !pages.contains_key(&path) {
                std::fs::remove_file(&path).unwrap();
            }
        }
        for (path, text) in &pages {
            std::fs::write(path, text).unwrap();
        }
    });
}

#[test]
fn rule_pages_are_generated_from_the_rule_documentation() {
    update_when_asked();
    let pages = expected();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut stale = Vec::new();
    for (path, text) in &pages {
        if std::fs::read_to_string(path).ok().as_ref() != Some(text) {
            stale.push(path.display().to_string());
        }
    }
    let extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| !pages.contains_key(p))
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "rule pages out of date (stale or missing: {stale:?}; not a rule's: {extra:?}); run \
         `REDSHIELD_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_help_uri_names_an_existing_rule_page() {
    update_when_asked();
    for rule in rules::ALL {
        let uri = redshield::report::sarif::help_uri(rule);
        let (_, path) = uri.split_once("/blob/main/").unwrap();
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file(),
            "{uri}"
        );
        let page =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
        assert!(page.contains(&format!("# {} {}", rule.id, rule.name)));
        assert!(
            !page.to_ascii_lowercase().contains("seed "),
            "{path} names a source by an internal name"
        );
    }
}
