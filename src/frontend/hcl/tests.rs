//! Front-end tests: every construct the HCL front end claims, asserted on the IR it produces.

#![allow(clippy::indexing_slicing)] // tests may panic

use super::{HclOptions, VarAssignment, load_root_module};
use crate::frontend::FileSystem;
use crate::ir::{Diagnostic, Node, Reference, Resource, SourceMap, Unit, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An in-memory file system.
struct MemFs(BTreeMap<PathBuf, String>);

impl FileSystem for MemFs {
    fn read_to_string(&self, path: &Path) -> Result<String, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file or directory".to_string())
    }
    fn list_dir(&self, dir: &Path) -> Result<std::sync::Arc<[PathBuf]>, String> {
        Ok(self
            .0
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect())
    }
    fn display(&self, path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }
}

fn load_with(files: &[(&str, &str)], options: &HclOptions) -> (Unit, Vec<Diagnostic>, SourceMap) {
    let fs = MemFs(
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect(),
    );
    let mut sources = SourceMap::new();
    let (unit, diags) = load_root_module(
        &fs,
        &mut sources,
        Path::new("root"),
        None,
        options,
        &crate::limits::Limits::default(),
    );
    (unit, diags, sources)
}

fn load(main: &str) -> Unit {
    let (unit, diags, _) = load_with(&[("root/main.tf", main)], &HclOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    unit
}

fn resource<'u>(unit: &'u Unit, address: &str) -> &'u Resource {
    unit.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            panic!(
                "no {address} in {:?}",
                unit.resources
                    .iter()
                    .map(|r| &r.address)
                    .collect::<Vec<_>>()
            )
        })
}

fn attr<'u>(unit: &'u Unit, address: &str, name: &str) -> &'u Node {
    resource(unit, address)
        .attr(name)
        .unwrap_or_else(|| panic!("{address} has no {name}"))
}

fn string(unit: &Unit, address: &str, name: &str) -> String {
    attr(unit, address, name)
        .as_str()
        .unwrap_or_else(|| panic!("{address}.{name} is not a string"))
        .to_string()
}

fn strings(node: &Node) -> Vec<String> {
    node.as_list()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn reference(address: &str, path: &[&str]) -> Value {
    Value::Ref(Box::new(Reference {
        address: address.to_string(),
        path: path.iter().map(|s| s.to_string()).collect(),
    }))
}

#[test]
fn count_and_for_each_expand_into_indexed_addresses() {
    let unit = load(
        r#"
resource "aws_subnet" "a" {
  count      = 2
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_subnet" "gone" {
  count = 0
}
resource "aws_security_group_rule" "r" {
  for_each    = toset(["10.0.0.0/8", "0.0.0.0/0"])
  cidr_blocks = [each.value]
  description = "rule ${each.key}"
}
"#,
    );
    let addresses: Vec<&str> = unit.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "aws_subnet.a[0]",
            "aws_subnet.a[1]",
            "aws_security_group_rule.r[\"0.0.0.0/0\"]",
            "aws_security_group_rule.r[\"10.0.0.0/8\"]"
        ]
    );
    assert_eq!(
        string(&unit, "aws_subnet.a[1]", "cidr_block"),
        "10.0.1.0/24"
    );
    assert_eq!(
        strings(attr(
            &unit,
            "aws_security_group_rule.r[\"0.0.0.0/0\"]",
            "cidr_blocks"
        )),
        ["0.0.0.0/0"]
    );
    assert_eq!(
        string(
            &unit,
            "aws_security_group_rule.r[\"10.0.0.0/8\"]",
            "description"
        ),
        "rule 10.0.0.0/8"
    );
}

#[test]
fn references_stay_references_for_the_model() {
    let unit = load(
        r#"
resource "aws_vpc" "main" {}
resource "aws_subnet" "a" {
  count  = 2
  vpc_id = aws_vpc.main.id
}
data "aws_vpc" "shared" {}
resource "aws_redshift_subnet_group" "g" {
  subnet_ids = aws_subnet.a[*].id
  first      = aws_subnet.a[0].id
  shared     = data.aws_vpc.shared.cidr_block
  missing    = aws_nat_gateway.nowhere.id
}
"#,
    );
    assert_eq!(
        attr(&unit, "aws_subnet.a[0]", "vpc_id").value,
        reference("aws_vpc.main", &["id"])
    );
    let ids = attr(&unit, "aws_redshift_subnet_group.g", "subnet_ids")
        .as_list()
        .unwrap();
    assert_eq!(ids[1].value, reference("aws_subnet.a[1]", &["id"]));
    assert_eq!(
        attr(&unit, "aws_redshift_subnet_group.g", "first").value,
        reference("aws_subnet.a[0]", &["id"])
    );
    assert_eq!(
        attr(&unit, "aws_redshift_subnet_group.g", "shared").value,
        reference("data.aws_vpc.shared", &["cidr_block"])
    );
    // A resource that is not declared is out of scope: unknown, not an error.
    assert_eq!(
        attr(&unit, "aws_redshift_subnet_group.g", "missing").value,
        Value::Unknown
    );
    assert_eq!(
        resource(&unit, "data.aws_vpc.shared").mode,
        crate::ir::Mode::Data
    );
}

#[test]
fn variables_follow_terraforms_precedence() {
    let files = [
        (
            "root/variables.tf",
            r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" {}
"#,
        ),
        (
            "root/main.tf",
            r#"resource "x" "y" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e
}"#,
        ),
        (
            "root/terraform.tfvars",
            "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
        ),
        ("root/z.auto.tfvars", "c = \"auto\"\nd = \"auto\"\n"),
        ("extra.tfvars", "d = \"var-file\"\n"),
    ];
    let options = HclOptions {
        vars: vec![VarAssignment {
            name: "e".into(),
            value: "cli".into(),
        }],
        var_files: vec![PathBuf::from("extra.tfvars")],
    };
    let (unit, diags, _) = load_with(&files, &options);
    assert!(diags.is_empty(), "{diags:?}");
    for (name, expected) in [
        ("a", "default"),
        ("b", "tfvars"),
        ("c", "auto"),
        ("d", "var-file"),
        ("e", "cli"),
    ] {
        assert_eq!(string(&unit, "x.y", name), expected, "var.{name}");
    }
    // Without a value or default a variable is unknown.
    let (unit, _, _) = load_with(&files[..2], &HclOptions::default());
    assert_eq!(attr(&unit, "x.y", "e").value, Value::Unknown);
}

#[test]
fn collection_values_from_the_command_line_are_parsed() {
    let options = HclOptions {
        vars: vec![VarAssignment {
            name: "cidrs".into(),
            value: "[\"10.0.0.0/8\", \"0.0.0.0/0\"]".into(),
        }],
        var_files: Vec::new(),
    };
    let (unit, _, _) = load_with(
        &[(
            "root/main.tf",
            "variable \"cidrs\" {}\nresource \"x\" \"y\" { c = var.cidrs }\n",
        )],
        &options,
    );
    assert_eq!(
        strings(attr(&unit, "x.y", "c")),
        ["10.0.0.0/8", "0.0.0.0/0"]
    );
}

#[test]
fn locals_templates_heredocs_and_functions_evaluate() {
    let unit = load(
        r#"
locals {
  env    = "prod"
  name   = "${local.env}-redshift"
  cidrs  = concat(["10.0.0.0/8"], ["172.16.0.0/12"])
  tags   = merge({ a = "1" }, { b = "2" })
  loop_a = local.loop_b
  loop_b = local.loop_a
}
resource "x" "y" {
  name     = local.name
  cidrs    = local.cidrs
  picked   = lookup(local.tags, "b", "none")
  fallback = lookup(local.tags, "z", "none")
  set      = length(toset(["a", "a", "b"]))
  list     = tolist(["p"])
  fmt      = format("%s:%d", local.env, 5439)
  joined   = join(",", local.cidrs)
  first    = element(local.cidrs, 0)
  keys     = keys(local.tags)
  flat     = flatten([["a"], ["b", ["c"]]])
  cond     = local.env == "prod" ? "yes" : "no"
  math     = 2 * 3 + 1
  loop     = local.loop_a
  for_list = [for c in local.cidrs : upper(c) if c != "10.0.0.0/8"]
  for_map  = { for k, v in local.tags : v => k }
  doc      = <<-EOT
    line one
      indented
    EOT
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow" }] })
  unknown_policy = jsonencode({ Resource = aws_s3_bucket.b.arn })
  arn_pattern    = "${aws_s3_bucket.b.arn}/*"
}
resource "aws_s3_bucket" "b" {}
"#,
    );
    assert_eq!(string(&unit, "x.y", "name"), "prod-redshift");
    assert_eq!(
        strings(attr(&unit, "x.y", "cidrs")),
        ["10.0.0.0/8", "172.16.0.0/12"]
    );
    assert_eq!(string(&unit, "x.y", "picked"), "2");
    assert_eq!(string(&unit, "x.y", "fallback"), "none");
    assert_eq!(attr(&unit, "x.y", "set").value, Value::Number(2.0));
    assert_eq!(strings(attr(&unit, "x.y", "list")), ["p"]);
    assert_eq!(string(&unit, "x.y", "fmt"), "prod:5439");
    assert_eq!(string(&unit, "x.y", "joined"), "10.0.0.0/8,172.16.0.0/12");
    assert_eq!(string(&unit, "x.y", "first"), "10.0.0.0/8");
    assert_eq!(strings(attr(&unit, "x.y", "keys")), ["a", "b"]);
    assert_eq!(strings(attr(&unit, "x.y", "flat")), ["a", "b", "c"]);
    assert_eq!(string(&unit, "x.y", "cond"), "yes");
    assert_eq!(attr(&unit, "x.y", "math").value, Value::Number(7.0));
    // A reference cycle is unknown, not a hang.
    assert_eq!(attr(&unit, "x.y", "loop").value, Value::Unknown);
    assert_eq!(strings(attr(&unit, "x.y", "for_list")), ["172.16.0.0/12"]);
    assert_eq!(
        attr(&unit, "x.y", "for_map")
            .get("2")
            .and_then(Node::as_str),
        Some("b")
    );
    assert_eq!(string(&unit, "x.y", "doc"), "line one\n  indented\n");
    // jsonencode keeps the document's structure, references and all.
    let policy = attr(&unit, "x.y", "policy");
    assert_eq!(
        policy.get("Version").and_then(Node::as_str),
        Some("2012-10-17")
    );
    let unknown = attr(&unit, "x.y", "unknown_policy");
    assert_eq!(
        unknown.get("Resource").unwrap().value,
        reference("aws_s3_bucket.b", &["arn"])
    );
    // A template of literals and references keeps its parts.
    let concat = attr(&unit, "x.y", "arn_pattern");
    let Value::Concat(parts) = &concat.value else {
        panic!("{concat:?}")
    };
    assert_eq!(parts[0].value, reference("aws_s3_bucket.b", &["arn"]));
    assert_eq!(parts[1].as_str(), Some("/*"));
}

#[test]
fn blocks_and_dynamic_blocks_become_lists_of_maps() {
    let unit = load(
        r#"
variable "ports" { default = [5439, 5440] }
resource "aws_security_group" "sg" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
    }
  }
  dynamic "egress" {
    for_each = aws_vpc.nowhere.cidrs
    content {}
  }
  lifecycle {
    create_before_destroy = true
  }
}
"#,
    );
    let ingress = attr(&unit, "aws_security_group.sg", "ingress")
        .as_list()
        .unwrap();
    let ports: Vec<Value> = ingress
        .iter()
        .map(|b| b.get("from_port").unwrap().value.clone())
        .collect();
    assert_eq!(
        ports,
        [
            Value::Number(22.0),
            Value::Number(5439.0),
            Value::Number(5440.0)
        ]
    );
    // Unknown dynamic content is unknown, never silently empty.
    assert_eq!(
        attr(&unit, "aws_security_group.sg", "egress").value,
        Value::Unknown
    );
    assert!(
        resource(&unit, "aws_security_group.sg")
            .attr("lifecycle")
            .is_none()
    );
}

#[test]
fn local_modules_get_their_inputs_and_give_their_outputs() {
    let files = [
        (
            "root/main.tf",
            r#"
module "net" {
  source = "./modules/net"
  cidr   = "10.1.0.0/16"
}
module "many" {
  source = "./modules/net"
  count  = 2
  cidr   = "10.${count.index}.0.0/16"
}
module "remote" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "aws_redshift_subnet_group" "g" {
  subnet_ids = [module.net.subnet_id]
  remote     = module.remote.private_subnets
  second     = module.many[1].cidr
}
"#,
        ),
        (
            "root/modules/net/main.tf",
            r#"
variable "cidr" {}
variable "az" { default = "us-east-1a" }
resource "aws_subnet" "this" {
  cidr_block        = var.cidr
  availability_zone = var.az
}
output "subnet_id" { value = aws_subnet.this.id }
output "cidr" { value = aws_subnet.this.cidr_block }
"#,
        ),
    ];
    let (unit, diags, _) = load_with(&files, &HclOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        string(&unit, "module.net.aws_subnet.this", "cidr_block"),
        "10.1.0.0/16"
    );
    assert_eq!(
        string(&unit, "module.net.aws_subnet.this", "availability_zone"),
        "us-east-1a"
    );
    assert_eq!(
        string(&unit, "module.many[1].aws_subnet.this", "cidr_block"),
        "10.1.0.0/16"
    );
    let ids = attr(&unit, "aws_redshift_subnet_group.g", "subnet_ids")
        .as_list()
        .unwrap();
    assert_eq!(
        ids[0].value,
        reference("module.net.aws_subnet.this", &["id"])
    );
    assert_eq!(
        attr(&unit, "aws_redshift_subnet_group.g", "remote").value,
        Value::Unknown
    );
    assert_eq!(
        attr(&unit, "aws_redshift_subnet_group.g", "second").value,
        reference("module.many[1].aws_subnet.this", &["cidr_block"])
    );
}

#[test]
fn provider_region_and_version_constraints_are_recorded() {
    let unit = load(
        r#"
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = { source = "hashicorp/random", version = "~> 3.0" }
  }
}
variable "region" { default = "eu-west-1" }
provider "aws" { region = var.region }
"#,
    );
    assert_eq!(unit.settings.aws_provider_constraints, ["~> 5.0"]);
    assert_eq!(
        unit.settings
            .provider_region
            .as_ref()
            .and_then(Node::as_str),
        Some("eu-west-1")
    );
}

#[test]
fn spans_point_at_the_written_value() {
    let (unit, _, sources) = load_with(
        &[(
            "root/main.tf",
            "resource \"aws_security_group\" \"sg\" {\n  ingress {\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
        )],
        &HclOptions::default(),
    );
    let block = &attr(&unit, "aws_security_group.sg", "ingress")
        .as_list()
        .unwrap()[0];
    let cidr = &block.get("cidr_blocks").unwrap().as_list().unwrap()[0];
    let loc = sources.location(cidr.span);
    assert_eq!(
        (loc.start_line, loc.start_column, loc.end_column),
        (3, 20, 31)
    );
    let header = sources.location(resource(&unit, "aws_security_group.sg").span);
    assert_eq!((header.start_line, header.start_column), (1, 1));
}

#[test]
fn syntax_errors_are_located_and_other_files_still_load() {
    let (unit, diags, _) = load_with(
        &[
            ("root/bad.tf", "resource \"x\" \"y\" {\n  a = \n}\n"),
            ("root/good.tf", "resource \"x\" \"z\" {}\n"),
        ],
        &HclOptions::default(),
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].path, "root/bad.tf");
    assert_eq!(diags[0].line, Some(2));
    assert!(unit.resources.iter().any(|r| r.address == "x.z"));
}

#[test]
fn huge_counts_are_refused_with_a_location() {
    let (unit, diags, _) = load_with(
        &[(
            "root/main.tf",
            "resource \"x\" \"y\" {\n  count = 100000000\n}\n",
        )],
        &HclOptions::default(),
    );
    assert!(unit.resources.is_empty());
    assert_eq!(diags[0].line, Some(2));
    assert!(diags[0].message.contains("limit"), "{}", diags[0].message);
}

#[test]
fn module_self_reference_cycles_end() {
    let files = [
        (
            "root/main.tf",
            "module \"a\" {\n  source = \"./a\"\n  x = module.a.y\n}\n",
        ),
        (
            "root/a/main.tf",
            "variable \"x\" {}\noutput \"y\" { value = var.x }\nresource \"r\" \"s\" { v = var.x }\n",
        ),
    ];
    let (unit, _, _) = load_with(&files, &HclOptions::default());
    assert_eq!(attr(&unit, "module.a.r.s", "v").value, Value::Unknown);
}

#[test]
fn module_source_paths_are_normalized_lexically() {
    use super::normalize_path as n;
    let p = |s: &str| PathBuf::from(s);
    assert_eq!(n(Path::new("examples/complete/../../")), p("."));
    assert_eq!(n(Path::new("./../../")), p("../.."));
    assert_eq!(n(Path::new("a/./b/../c/")), p("a/c"));
    assert_eq!(n(Path::new("../a/../../b")), p("../../b"));
    assert_eq!(n(Path::new("/x/../..")), p("/"));
    assert_eq!(n(Path::new(".")), p("."));
}

#[test]
fn a_module_source_with_a_trailing_slash_is_read() {
    let fs = MemFs(
        [
            (
                PathBuf::from("root/examples/complete/main.tf"),
                "module \"dw\" {\n  source = \"../../\"\n}\n".to_string(),
            ),
            (
                PathBuf::from("root/main.tf"),
                "resource \"aws_vpc\" \"v\" {}\n".to_string(),
            ),
        ]
        .into_iter()
        .collect(),
    );
    let mut sources = SourceMap::new();
    let (unit, diags) = load_root_module(
        &fs,
        &mut sources,
        Path::new("root/examples/complete"),
        None,
        &HclOptions::default(),
        &crate::limits::Limits::default(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        unit.resources
            .iter()
            .map(|r| r.address.as_str())
            .collect::<Vec<_>>(),
        ["module.dw.aws_vpc.v"]
    );
}

#[test]
fn a_module_mixes_tf_and_tf_json_files_with_json_tfvars_and_spans_in_the_json() {
    let json = r#"{
  "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}}},
  "provider": {"aws": [{"region": "${var.region}"}, {"alias": "west", "region": "us-west-2"}]},
  "locals": {"cidrs": "${concat(var.extra, [\"10.0.0.0/8\"])}"},
  "resource": {"aws_security_group": {"sg": {
    "count": 2,
    "name": "sg-${count.index}",
    "tags": {"Team": "data"},
    "ingress": [{"from_port": 5439, "cidr_blocks": "${local.cidrs}"}]
  }}}
}"#;
    let (unit, diags, sources) = load_with(
        &[
            ("root/main.tf.json", json),
            (
                "root/variables.tf",
                "variable \"region\" {}\nvariable \"extra\" { default = [] }\n",
            ),
            ("root/terraform.tfvars", "region = \"eu-west-1\"\n"),
            (
                "root/b.auto.tfvars.json",
                r#"{"extra": ["0.0.0.0/0"], "region": "eu-north-1"}"#,
            ),
        ],
        &HclOptions::default(),
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(unit.settings.aws_provider_constraints, ["~> 5.0"]);
    assert_eq!(
        unit.settings
            .provider_region
            .as_ref()
            .and_then(Node::as_str),
        Some("eu-north-1"),
        "an auto.tfvars.json file comes after terraform.tfvars"
    );
    assert_eq!(string(&unit, "aws_security_group.sg[1]", "name"), "sg-1");
    // `tags` is a map argument, `ingress` a nested block (a list of maps).
    let tags = attr(&unit, "aws_security_group.sg[0]", "tags");
    assert_eq!(tags.get("Team").and_then(Node::as_str), Some("data"));
    let ingress = attr(&unit, "aws_security_group.sg[0]", "ingress");
    let block = &ingress.as_list().unwrap()[0];
    let cidrs: Vec<&str> = block
        .get("cidr_blocks")
        .and_then(Node::as_list)
        .unwrap()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(cidrs, ["0.0.0.0/0", "10.0.0.0/8"]);
    // Every span is in the JSON file (or the tfvars), none in generated text.
    let port = block.get("from_port").unwrap();
    let loc = sources.location(port.span);
    assert_eq!(loc.path, "root/main.tf.json");
    assert_eq!(&json[port.span.range()], "5439");
    assert_eq!(
        (loc.start_line, loc.start_column),
        (9, json.lines().nth(8).unwrap().find("5439").unwrap() + 1)
    );
    let header = resource(&unit, "aws_security_group.sg[0]").span;
    assert_eq!(&json[header.range()], "\"sg\"");
    assert!(!sources.is_generated(tags.span.file));
}
