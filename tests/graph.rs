//! `redshield graph` and the diagrams the Markdown report embeds, as a user sees them: the
//! Mermaid, DOT and JSON pictures of the RS100 fixtures (snapshots), their structure (every
//! edge's ends declared, ids unique and generated, every label quoted and escaped), the JSON
//! schema, collapsing and capping a large VPC, hostile names, and which warehouses the
//! Markdown report draws. `dot -Tsvg` checks the DOT output only where Graphviz is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const REACHABLE: &str = "testdata/hcl/rs100/fires.tf";
const NOT_ROUTED: &str = "testdata/hcl/rs100/passes_no_igw_route.tf";
const EXAMPLE: &str = "testdata/examples/redshift-analytics";

fn redshield(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run redshield")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn graph(format: &str, path: &str) -> String {
    let out = redshield(&["graph", "--format", format, path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// Checks that `text` is one Mermaid flowchart as redshield writes it, and returns its node
/// ids: one `flowchart` header; generated ids (`nN`), each declared once, with a quoted label
/// holding no quote, `<`, `>`, backtick, `%%` or `#` but entity codes; every edge between
/// declared nodes with a quoted label; subgraphs closed; `class` and `linkStyle` naming
/// declared nodes and edges.
fn assert_mermaid(text: &str) -> HashSet<String> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"), "{text}");
    assert_eq!(text.matches("flowchart").count(), 1, "{text}");
    assert!(!text.contains("%%"), "{text}");
    assert!(!text.contains('`'), "{text}");
    let is_id = |id: &str| {
        id.strip_prefix('n')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    // A quoted label: plain characters, and anything else as an entity code (`#quot;`,
    // `#60;`), so that no quote, `<`, `>`, `|`, `;`, backtick or newline of its own is left.
    let check_label = |label: &str, line: &str| {
        let mut rest = label;
        while let Some(c) = rest.chars().next() {
            if c == '#' {
                let (entity, after) = rest[1..]
                    .split_once(';')
                    .unwrap_or_else(|| panic!("`#` outside an entity code: {line}"));
                assert!(
                    entity == "quot"
                        || (!entity.is_empty() && entity.chars().all(|c| c.is_ascii_digit())),
                    "{line}"
                );
                rest = after;
            } else {
                assert!(
                    c.is_ascii_alphanumeric() || " .,:/-_()[]'=+*@!?$^~".contains(c),
                    "{c:?} in a label: {line}"
                );
                rest = &rest[c.len_utf8()..];
            }
        }
    };
    let quoted = |rest: &str, open: &str, close: &str, line: &str| -> String {
        let inner = rest
            .strip_prefix(open)
            .and_then(|r| r.strip_suffix(close))
            .unwrap_or_else(|| panic!("not a quoted label: {line}"));
        check_label(inner, line);
        inner.to_string()
    };
    let mut nodes: HashSet<String> = HashSet::new();
    let mut groups: HashSet<String> = HashSet::new();
    let mut edges = 0;
    let mut depth = 0;
    for line in lines {
        let t = line.trim();
        if t == "end" {
            depth -= 1;
            assert!(depth >= 0, "{text}");
        } else if let Some(rest) = t.strip_prefix("subgraph ") {
            let (id, label) = rest.split_at(rest.find('[').expect(line));
            assert!(is_id(id), "{line}");
            quoted(label, "[\"", "\"]", line);
            assert!(
                groups.insert(id.to_string()) && !nodes.contains(id),
                "{line}"
            );
            depth += 1;
        } else if let Some(classes) = t.strip_prefix("class ") {
            let (ids, class) = classes.rsplit_once(' ').expect(line);
            assert_eq!(class, "failing", "{line}");
            for id in ids.split(',') {
                assert!(nodes.contains(id), "class names an undeclared node: {line}");
            }
        } else if t.starts_with("classDef ") {
        } else if let Some(indices) = t.strip_prefix("linkStyle ") {
            let (indices, _) = indices.split_once(' ').expect(line);
            for i in indices.split(',') {
                assert!(i.parse::<usize>().unwrap() < edges, "{line}");
            }
        } else if t.contains(" -->") {
            let (from, rest) = t.split_once(" -->").unwrap();
            let (label, to) = rest.rsplit_once("| ").expect(line);
            assert!(nodes.contains(from), "edge from an undeclared node: {line}");
            assert!(nodes.contains(to), "edge to an undeclared node: {line}");
            quoted(&format!("{label}|"), "|\"", "\"|", line);
            edges += 1;
        } else {
            let (id, label) = t.split_at(t.find('[').expect(line));
            assert!(is_id(id), "{line}");
            quoted(label, "[\"", "\"]", line);
            assert!(
                !groups.contains(id) && nodes.insert(id.to_string()),
                "node id declared twice: {line}"
            );
        }
    }
    assert_eq!(depth, 0, "unclosed subgraph: {text}");
    nodes
}

/// Checks that `text` is one DOT digraph as redshield writes it: balanced braces outside
/// strings, one `digraph`, every id quoted, every string closed on its line; and, where
/// Graphviz is installed, that `dot -Tsvg` accepts it.
fn assert_dot(text: &str) {
    assert!(text.starts_with("digraph \"redshield\" {\n"), "{text}");
    assert_eq!(text.matches("digraph").count(), 1, "{text}");
    let mut depth = 0i32;
    for line in text.lines() {
        let mut in_string = false;
        let mut chars = line.chars();
        let mut outside = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '{' if !in_string => depth += 1,
                '}' if !in_string => depth -= 1,
                c if !in_string => outside.push(c),
                _ => {}
            }
            assert!(depth >= 0, "{line}");
        }
        assert!(!in_string, "a string left open: {line}");
        // Outside strings: only keywords, attribute names and values of ours, no bare id.
        if line.contains("->") || line.trim_start().starts_with("\"n") {
            assert!(line.trim_start().starts_with('"'), "an unquoted id: {line}");
        }
        assert!(!outside.contains('<'), "{line}");
    }
    assert_eq!(depth, 0, "{text}");
    let dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    match dot {
        Err(_) => println!("`dot` is not on PATH: the DOT output was checked structurally only"),
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "dot -Tsvg: {}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
        }
    }
}

fn assert_valid_graph_json(value: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/graph.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "graph does not match the schema: {errors:#?}"
    );
    // Ids unique in the document, edges between declared nodes.
    let mut ids = HashSet::new();
    for warehouse in value["warehouses"].as_array().unwrap() {
        let nodes = warehouse["nodes"].as_array().unwrap();
        assert_eq!(warehouse["id"], nodes[0]["id"]);
        let own: HashSet<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
        for id in &own {
            assert!(ids.insert(id.to_string()), "{id} twice");
        }
        for edge in warehouse["edges"].as_array().unwrap() {
            assert!(own.contains(edge["from"].as_str().unwrap()), "{edge}");
            assert!(own.contains(edge["to"].as_str().unwrap()), "{edge}");
        }
    }
}

/// The Mermaid blocks of a Markdown text.
fn mermaid_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```mermaid\n")
        .skip(1)
        .map(|rest| rest.split_once("```").unwrap().0.to_string())
        .collect()
}

#[test]
fn the_reachable_warehouse_is_drawn_with_its_path_failing() {
    let mermaid = graph("mermaid", REACHABLE);
    assert_mermaid(&mermaid);
    insta::assert_snapshot!("reachable_mermaid", mermaid);
    let dot = graph("dot", REACHABLE);
    assert_dot(&dot);
    insta::assert_snapshot!("reachable_dot", dot);
    let json = graph("json", REACHABLE);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_valid_graph_json(&value);
    insta::assert_snapshot!("reachable_json", json);
    // The path, hop by hop: the warehouse, public_a, its route table, the internet gateway and
    // the internet, the network ACL, the security group.
    let warehouse = &value["warehouses"][0];
    let failing: Vec<&str> = warehouse["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["failing"] == true)
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        failing,
        [
            "cluster aws_redshift_cluster.analytics",
            "subnet aws_subnet.public_a (us-east-1a)",
            "route table aws_route_table.public",
            "internet gateway aws_internet_gateway.main",
            "internet",
            "network ACL aws_network_acl.redshift",
            "security group aws_security_group.redshift",
        ]
    );
    // The private subnets share their attachments and are off the path: one node.
    assert!(
        mermaid.contains("[\"2 subnets (us-east-1b, us-east-1c)\"]"),
        "{mermaid}"
    );
}

#[test]
fn a_warehouse_the_internet_cannot_reach_shows_only_its_findings_failing() {
    let mermaid = graph("mermaid", NOT_ROUTED);
    assert_mermaid(&mermaid);
    insta::assert_snapshot!("not_routed_mermaid", mermaid);
    let dot = graph("dot", NOT_ROUTED);
    assert_dot(&dot);
    insta::assert_snapshot!("not_routed_dot", dot);
    let json = graph("json", NOT_ROUTED);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_valid_graph_json(&value);
    insta::assert_snapshot!("not_routed_json", json);
    // No route to an internet gateway: no internet node, and no failing edge but into what a
    // finding is about.
    let warehouse = &value["warehouses"][0];
    assert!(
        warehouse["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] != "internet")
    );
}

#[test]
fn every_fixture_and_example_draws_valid_pictures() {
    for path in [
        EXAMPLE,
        "testdata/hcl/rs100",
        "testdata/cfn/rs100",
        "testdata/plan/rs100",
        "testdata/hcl/rs204",
        "testdata/hcl/rs205",
        "testdata/cli/clean",
    ] {
        let out = redshield(&["graph", path]);
        assert!(matches!(out.status.code(), Some(0 | 2)), "{path}");
        assert_mermaid(&stdout(&out));
        let out = redshield(&["graph", "--format", "dot", path]);
        assert_dot(&stdout(&out));
        let out = redshield(&["graph", "--format", "json", path]);
        assert_valid_graph_json(&serde_json::from_slice(&out.stdout).unwrap());
    }
}

#[test]
fn no_warehouse_is_still_one_diagram() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let mermaid = graph("mermaid", path);
    assert_mermaid(&mermaid);
    assert!(mermaid.contains("no Redshift warehouse found"), "{mermaid}");
    assert_dot(&graph("dot", path));
    let json: serde_json::Value = serde_json::from_str(&graph("json", path)).unwrap();
    assert_valid_graph_json(&json);
    assert_eq!(json["warehouses"], serde_json::json!([]));
}

/// A VPC of `subnets` subnets, each with a route table of its own when `own_tables`, the
/// warehouse in all of them, and `groups` security groups, none open to the internet.
fn large_vpc(subnets: usize, own_tables: bool, groups: usize) -> String {
    let mut tf = String::from(
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\
         resource \"aws_nat_gateway\" \"main\" {\n  subnet_id = \"subnet-0123\"\n}\n",
    );
    for i in 0..subnets {
        let table = if own_tables { i } else { 0 };
        writeln!(
            tf,
            "resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id = aws_vpc.main.id\n  cidr_block = \
             \"10.0.{i}.0/24\"\n  availability_zone = \"us-east-1{}\"\n}}\n\
             resource \"aws_route_table_association\" \"s{i}\" {{\n  subnet_id = \
             aws_subnet.s{i}.id\n  route_table_id = aws_route_table.t{table}.id\n}}",
            ["a", "b", "c"][i % 3]
        )
        .unwrap();
        if own_tables || i == 0 {
            writeln!(
                tf,
                "resource \"aws_route_table\" \"t{i}\" {{\n  vpc_id = aws_vpc.main.id\n  route {{\n    \
                 cidr_block = \"0.0.0.0/0\"\n    nat_gateway_id = aws_nat_gateway.main.id\n  }}\n}}"
            )
            .unwrap();
        }
    }
    for i in 0..groups {
        writeln!(
            tf,
            "resource \"aws_security_group\" \"g{i}\" {{\n  vpc_id = aws_vpc.main.id\n  egress {{\n    \
             from_port = 0\n    to_port = 0\n    protocol = \"-1\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}"
        )
        .unwrap();
    }
    let ids = |prefix: &str, kind: &str, n: usize| {
        (0..n)
            .map(|i| format!("{kind}.{prefix}{i}.id"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        tf,
        "resource \"aws_redshift_subnet_group\" \"main\" {{\n  name = \"main\"\n  subnet_ids = [{}]\n}}\n\
         resource \"aws_redshift_cluster\" \"main\" {{\n  cluster_identifier = \"main\"\n  node_type = \
         \"ra3.xlplus\"\n  cluster_subnet_group_name = aws_redshift_subnet_group.main.name\n  \
         vpc_security_group_ids = [{}]\n  publicly_accessible = false\n}}",
        ids("s", "aws_subnet", subnets),
        ids("g", "aws_security_group", groups)
    )
    .unwrap();
    tf
}

#[test]
fn a_large_vpc_is_collapsed_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    // Twelve subnets behind one route table and the default network ACL, and six security
    // groups: one node each.
    std::fs::write(dir.path().join("main.tf"), large_vpc(12, false, 6)).unwrap();
    let path = dir.path().to_str().unwrap();
    let mermaid = graph("mermaid", path);
    let nodes = assert_mermaid(&mermaid);
    assert!(
        mermaid.contains("[\"12 subnets (us-east-1a, us-east-1b, us-east-1c)\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("[\"6 security groups\"]"), "{mermaid}");
    // The warehouse, the subnets, the table, the NAT gateway, the ACL, the groups; the legend.
    assert_eq!(nodes.len(), 6 + 2, "{mermaid}");
    // The JSON graph is whole.
    let json: serde_json::Value = serde_json::from_str(&graph("json", path)).unwrap();
    assert_valid_graph_json(&json);
    assert_eq!(
        json["warehouses"][0]["nodes"].as_array().unwrap().len(),
        1 + 12 + 1 + 1 + 1 + 6
    );

    // Forty subnets each with a table of its own do not collapse: capped, the rest counted.
    std::fs::write(dir.path().join("main.tf"), large_vpc(40, true, 1)).unwrap();
    let mermaid = graph("mermaid", path);
    let nodes = assert_mermaid(&mermaid);
    assert_eq!(
        nodes.len(),
        redshield::report::graph::NODES_PER_WAREHOUSE + 2,
        "{mermaid}"
    );
    assert!(
        mermaid.contains("more (redshield graph --format json lists them all)"),
        "{mermaid}"
    );
    assert_dot(&graph("dot", path));
    // Deterministic: the same picture every run.
    assert_eq!(graph("mermaid", path), mermaid);
}

#[test]
fn hostile_names_leave_one_valid_diagram_in_every_format() {
    let path = "tests/hostile/forged_graph";
    let mermaid = graph("mermaid", path);
    assert_mermaid(&mermaid);
    // What a forged name would need to break out stays inside its label, escaped.
    for forged in ["%%", "<img", "<b>", "\\N\n", "n1[\\\"", "--\u{3e}n1"] {
        assert!(!mermaid.contains(forged), "{forged:?} in\n{mermaid}");
    }
    assert!(
        mermaid
            .lines()
            .all(|l| !l.trim_start().starts_with("click"))
    );
    // Each forged name is there, escaped.
    assert!(
        mermaid.contains("subnet aws_subnet.public_a[#quot;public_a#92;#quot;]--#62;n1[#92;#quot;forged by a subnet#92;n#37;#37;#quot;]"),
        "{mermaid}"
    );
    let dot = graph("dot", path);
    assert_dot(&dot);
    assert!(
        dot.contains(
            r#"route table aws_route_table.public[\"rt\\\"; \\\"n9\\\" -> \\\"n1\\\\N\\n}\"]"#
        ),
        "{dot}"
    );
    let json = graph("json", path);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_valid_graph_json(&value);
    // JSON keeps the names as they are.
    let addresses: Vec<&str> = value["warehouses"][0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["address"].as_str())
        .collect();
    assert!(
        addresses.contains(&"aws_route_table.public[\"rt\\\"; \\\"n9\\\" -> \\\"n1\\\\N\n}\"]"),
        "{addresses:?}"
    );
    // The Markdown report and the step summary embed it as one diagram, in one block.
    let out = redshield(&["check", "--format", "markdown", path]);
    let markdown = stdout(&out);
    let blocks = mermaid_blocks(&markdown);
    assert_eq!(blocks.len(), 1, "{markdown}");
    assert_mermaid(&blocks[0]);
    // Not closed early: the block ends where the diagram does.
    let last = blocks[0].lines().last().unwrap();
    assert!(
        last.starts_with("  linkStyle ") || last.starts_with("  class "),
        "{markdown}"
    );
}

#[test]
fn the_markdown_report_draws_only_warehouses_with_reported_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // One warehouse with findings, one without any.
    for (name, source) in [
        ("reachable", root.join(REACHABLE)),
        ("clean", root.join("testdata/cli/clean/main.tf")),
    ] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::copy(source, dir.path().join(name).join("main.tf")).unwrap();
    }
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        stdout(&out)
    };
    let markdown = run(&["check", "--format", "markdown", "."]);
    let blocks = mermaid_blocks(&markdown);
    assert_eq!(blocks.len(), 1, "{markdown}");
    assert!(blocks[0].contains("aws_redshift_cluster.analytics"));
    // After the findings, under a heading naming the warehouse.
    let findings_end = markdown.rfind("</details>").unwrap();
    let picture = markdown
        .find("### Network around the warehouses with findings")
        .unwrap();
    assert!(picture > findings_end, "{markdown}");
    assert!(markdown.contains("#### `cluster aws_redshift_cluster.analytics`"));
    // The JSON graph draws both.
    let json: serde_json::Value =
        serde_json::from_str(&run(&["graph", "--format", "json", "."])).unwrap();
    assert_eq!(json["warehouses"].as_array().unwrap().len(), 2);
    // Findings a baseline accepts are not reported: no diagram.
    run(&["check", "--write-baseline", "baseline.json", "."]);
    let markdown = run(&[
        "check",
        "--format",
        "markdown",
        "--baseline",
        "baseline.json",
        ".",
    ]);
    assert!(mermaid_blocks(&markdown).is_empty(), "{markdown}");
    // Other formats draw nothing.
    let text = run(&["check", "--format", "text", "."]);
    assert!(!text.contains("flowchart"));
}

#[test]
fn warehouses_are_drawn_in_the_order_of_their_paths() {
    // Templates written in an order that is not their names': the order a file system lists
    // them in (on ext4, by hash) must not decide the order of the pictures, nor which ten the
    // Markdown report draws. (Terraform directories were always taken in order.)
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = ["q", "c", "x", "a", "m", "f", "k", "b"].map(|n| format!("stack_{n}.yaml"));
    for name in &names {
        std::fs::copy(
            root.join("testdata/cfn/rs100/fires.yaml"),
            dir.path().join(name),
        )
        .unwrap();
    }
    let json: serde_json::Value =
        serde_json::from_str(&graph("json", dir.path().to_str().unwrap())).unwrap();
    let drawn: Vec<&str> = json["warehouses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let path = w["nodes"][0]["location"]["path"].as_str().unwrap();
            path.rsplit('/').next().unwrap()
        })
        .collect();
    let mut sorted = names.to_vec();
    sorted.sort();
    assert_eq!(drawn, sorted);
}

#[test]
fn the_step_summary_embeds_the_diagrams() {
    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(["check", "--format", "github", REACHABLE])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    let blocks = mermaid_blocks(&written);
    assert_eq!(blocks.len(), 1, "{written}");
    assert_mermaid(&blocks[0]);
    assert!(
        !stdout(&out).contains("flowchart"),
        "annotations stay annotations"
    );
}

#[test]
fn graph_takes_the_input_flags_of_check_and_reports_input_errors() {
    // --var decides what the graph shows as it decides findings.
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("graph.dot");
    let out = redshield(&[
        "graph",
        "--format",
        "dot",
        "--output",
        out_file.to_str().unwrap(),
        "--region",
        "us-east-1",
        REACHABLE,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_dot(&std::fs::read_to_string(&out_file).unwrap());
    // An unreadable input: the rest is drawn, the error is on standard error, status 2.
    let out = redshield(&["graph", "testdata/cli/syntax_error"]);
    assert_eq!(out.status.code(), Some(2));
    assert_mermaid(&stdout(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: testdata/cli/syntax_error/broken.tf:1:"),
        "{stderr}"
    );
    // A usage error draws nothing.
    let out = redshield(&["graph", "--region", "mars-1", REACHABLE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // Writing over an input is refused.
    let out = redshield(&["graph", "--output", REACHABLE, REACHABLE]);
    assert_eq!(out.status.code(), Some(2));
}
