//! Bytes as an IAM policy document (JSON text) through the whole pipeline: as a role's trust
//! policy, an inline role policy (`jsonencode(jsondecode(...))`), a source document of an
//! `aws_iam_policy_document`, a bucket policy and a VPC endpoint policy in Terraform; and as a
//! trust policy string, an inline policy structure and a bucket policy in CloudFormation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redshield::frontend::cfn::{CfnOptions, load_template};
use redshield::frontend::hcl::{HclOptions, load_root_module};
use redshield::ir::SourceMap;
use redshield_fuzz::{MemFs, check_unit};
use std::path::Path;

const MARKER: &str = "POLICYEOF";

/// The document as the body of a heredoc that evaluates to exactly it (interpolation escaped,
/// lines that would end the heredoc dropped).
fn heredoc(policy: &str) -> String {
    let body: Vec<String> = policy
        .lines()
        .filter(|l| l.trim() != MARKER)
        .map(|l| l.replace("${", "$${").replace("%{", "%%{"))
        .collect();
    format!("<<{MARKER}\n{}\n{MARKER}\n", body.join("\n"))
}

fn terraform(policy: &str) -> String {
    let doc = heredoc(policy);
    format!(
        r#"resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_iam_role" "spectrum" {{
  name               = "spectrum"
  assume_role_policy = {doc}}}
resource "aws_iam_role_policy" "inline" {{
  role   = aws_iam_role.spectrum.id
  policy = jsonencode(jsondecode({doc}))
}}
data "aws_iam_policy_document" "doc" {{
  source_policy_documents = [{doc}]
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }}
}}
resource "aws_iam_policy" "managed" {{
  policy = data.aws_iam_policy_document.doc.json
}}
resource "aws_iam_role_policy_attachment" "attach" {{
  role       = aws_iam_role.spectrum.name
  policy_arn = aws_iam_policy.managed.arn
}}
resource "aws_s3_bucket" "data" {{
  bucket = "spectrum-data"
}}
resource "aws_s3_bucket_policy" "data" {{
  bucket = aws_s3_bucket.data.id
  policy = {doc}}}
resource "aws_vpc_endpoint" "s3" {{
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = {doc}}}
resource "aws_redshift_cluster" "c" {{
  cluster_identifier   = "c"
  iam_roles            = [aws_iam_role.spectrum.arn]
  enhanced_vpc_routing = true
}}
"#
    )
}

fn cloudformation(policy: &str) -> String {
    let string = redshield_fuzz::json_string(policy);
    let structure = redshield_fuzz::json_value(policy).unwrap_or_else(|| string.clone());
    format!(
        r#"{{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {{
  "Role": {{"Type": "AWS::IAM::Role", "Properties": {{
    "AssumeRolePolicyDocument": {string},
    "Policies": [{{"PolicyName": "p", "PolicyDocument": {structure}}}]}}}},
  "Bucket": {{"Type": "AWS::S3::Bucket", "Properties": {{"BucketName": "spectrum-data"}}}},
  "BucketPolicy": {{"Type": "AWS::S3::BucketPolicy", "Properties": {{
    "Bucket": {{"Ref": "Bucket"}}, "PolicyDocument": {structure}}}}},
  "Cluster": {{"Type": "AWS::Redshift::Cluster", "Properties": {{
    "IamRoles": [{{"Fn::GetAtt": ["Role", "Arn"]}}], "EnhancedVpcRouting": true}}}}
}}}}"#
    )
}

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = std::str::from_utf8(data) else {
        return;
    };
    if policy.contains('\0') {
        return;
    }
    let fs = MemFs::with("m/main.tf", terraform(policy).as_bytes());
    let mut sources = SourceMap::new();
    let (unit, _) = load_root_module(
        &fs,
        &mut sources,
        Path::new("m"),
        None,
        &HclOptions::default(),
        &redshield::limits::Limits::default(),
    );
    check_unit(&unit);

    let mut sources = SourceMap::new();
    let file = sources.add(Path::new("t.json"), "t.json".into(), cloudformation(policy));
    let (unit, _) = load_template(&sources, file, true, &CfnOptions::default());
    if let Some(unit) = unit {
        check_unit(&unit);
    }
});
