//! RS402 kms-key-not-customer-managed (opt-in).

use crate::model::{Model, Truth};
use crate::rules::toolkit::{Unknown, field_name, noun};
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// **Opt-in** (`require_customer_managed_keys = true` in `redshield.toml`): flags a
    /// provisioned cluster or a Serverless workgroup's namespace that names no customer-managed
    /// KMS key (`kms_key_id` / `KmsKeyId` unset, or the Serverless `AWS_OWNED_KMS_KEY`).
    ///
    /// ## Why is this bad?
    /// Without a key of your own, the data is still encrypted (RS401 checks that), but with a
    /// key AWS owns: you cannot audit its use in CloudTrail, rotate or revoke it, or keep it
    /// out of other accounts' reach. Whether that matters is a policy choice (regulated data,
    /// a requirement to control keys), not a risk in itself, so the rule is opt-in; Security
    /// Hub checks it as part of Redshift.10 (with its key parameter) and as
    /// RedshiftServerless.4, checkov as CKV_AWS_142 (clusters) and CKV_AWS_282 (namespaces).
    ///
    /// Source: "Security in Amazon Redshift"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/iam-redshift-user-mgmt.html>); "Amazon
    /// Redshift database encryption"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html>);
    /// "Security Hub controls for Amazon Redshift Serverless", RedshiftServerless.4
    /// (<https://docs.aws.amazon.com/securityhub/latest/userguide/redshiftserverless-controls.html>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   encrypted              = true
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: analytics_admin
    ///       ManageMasterPassword: true
    ///       Encrypted: true
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_kms_key" "redshift" {
    ///   enable_key_rotation = true
    /// }
    ///
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
    ///   encrypted              = true
    ///   kms_key_id             = aws_kms_key.redshift.arn
    /// }
    /// ```
    /// ```yaml
    /// Resources:
    ///   RedshiftKey:
    ///     Type: AWS::KMS::Key
    ///     Properties:
    ///       EnableKeyRotation: true
    ///   Analytics:
    ///     Type: AWS::Redshift::Cluster
    ///     Properties:
    ///       NodeType: ra3.xlplus
    ///       ClusterType: single-node
    ///       DBName: analytics
    ///       MasterUsername: analytics_admin
    ///       ManageMasterPassword: true
    ///       Encrypted: true
    ///       KmsKeyId: !Ref RedshiftKey
    /// ```
    ///
    /// ## Unknown values
    /// A key that cannot be evaluated (a variable or parameter without a value, a workgroup
    /// whose namespace is not in scope) gives no finding; with `--strict` it is reported there.
    /// A key named by a literal ARN, alias or id, or a key resource, counts as customer-managed.
    ///
    /// ## Options
    /// `require_customer_managed_keys = true` enables the rule.
    id: "RS402",
    name: "kms-key-not-customer-managed",
    severity: Low,
    summary: "no customer-managed KMS key encrypts the warehouse (opt-in)",
    fix: None,
    opt_in: true,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    if !config.require_customer_managed_keys {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let value = &warehouse.posture.customer_managed_key;
        let absent = value.test(|named| !*named);
        if !config.reports(absent) {
            continue;
        }
        let (noun, address) = (noun(warehouse), &warehouse.meta.address);
        let field = field_name(value, "its KMS key");
        let message = if absent == Truth::Unknown {
            Unknown::is(field).when("it names no key of yours").of(
                format!("{noun} {address}"),
                "a key AWS owns encrypts its data",
            )
        } else {
            format!(
                "{noun} {address} names no customer-managed KMS key in {field}: a key AWS owns encrypts its data"
            )
        };
        findings.push(RULE.finding(&warehouse.meta, value.span, message));
    }
    findings
}
