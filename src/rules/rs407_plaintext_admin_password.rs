//! RS407 plaintext-admin-password.

use crate::model::{AdminPassword, Model, Truth, Warehouse, WarehouseKind};
use crate::rules::toolkit::field_name;
use crate::rules::{Finding, RuleConfig};

declare_rule! {
    /// ## What it does
    /// Flags a warehouse whose admin password is written in the source as a literal: the
    /// cluster's `master_password` / `MasterUserPassword`, or the Serverless namespace's
    /// `admin_user_password` / `AdminUserPassword` (or the write-only `master_password_wo` /
    /// `admin_user_password_wo`), holding a string, or reading one from a variable's
    /// `default`, a `.tfvars` file, a local, a module argument, a CloudFormation parameter's
    /// `Default` or a mapping. The finding points at the literal itself, with the
    /// attribute that reads it as a related location. In a plan (`terraform show -json`) it
    /// flags any admin password the plan shows: a plan file holds the values of sensitive
    /// attributes in clear, whatever the source they came from.
    ///
    /// The password is never printed: every report format masks it (`********`) in source
    /// excerpts, fix diffs and messages, and so it is for every rule's output, with RS407
    /// enabled or not.
    ///
    /// ## Why is this bad?
    /// A password in the source is in every clone, fork, CI log and backup of the repository,
    /// and it cannot be rotated without a commit; Terraform also writes it into its state and
    /// plan files. Amazon Redshift can generate the admin password and keep it in AWS Secrets
    /// Manager, rotated, so that no person or file ever holds it. A CloudFormation `NoEcho`
    /// parameter hides the value the stack is given from describe calls, but a `Default`
    /// written in the template is still in the template for anyone who reads it: only a
    /// parameter without a `Default`, or a dynamic reference, keeps it out.
    ///
    /// Source: "Managing Amazon Redshift admin passwords using AWS Secrets Manager"
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/redshift-secrets-manager-integration.html>);
    /// "Get values stored in other services using dynamic references" (CloudFormation,
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html>);
    /// "Manage sensitive data in your configuration" (Terraform: state and plan files hold
    /// secret values in clear,
    /// <https://developer.hashicorp.com/terraform/language/manage-sensitive-data>).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier = "analytics"
    ///   node_type          = "ra3.xlplus"
    ///   master_username    = "analytics_admin"
    ///   master_password    = "Example-Passw0rd"
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
    ///       MasterUserPassword: Example-Passw0rd
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// resource "aws_redshift_cluster" "analytics" {
    ///   cluster_identifier     = "analytics"
    ///   node_type              = "ra3.xlplus"
    ///   master_username        = "analytics_admin"
    ///   manage_master_password = true
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
    /// ```
    ///
    /// Also fine: a password read from Secrets Manager (a `data
    /// "aws_secretsmanager_secret_version"`, a CloudFormation
    /// `{{resolve:secretsmanager:…}}` or `{{resolve:ssm-secure:…}}` dynamic reference), a
    /// generated one (`random_password`), a write-only argument fed by an ephemeral variable
    /// or resource (`master_password_wo`, `admin_user_password_wo`: Terraform 1.11 and later
    /// keep its value out of state and plan values, though a plan's configuration section
    /// still shows a literal written there), a variable or parameter without a default (the
    /// deployment gives it), and a value given to the run on the command line (`--var`,
    /// `--param`).
    ///
    /// ## Unknown values
    /// A password whose value is unknown (a variable or parameter without a value, a
    /// resource attribute known only after apply) is not a literal in the source, whatever
    /// it turns out to be: no finding, with `--strict` neither. What could make it one — a
    /// `.tfvars` file or a caller that is not in scope — is not in the files analyzed, and
    /// redshield reports it when it is. A namespace that no workgroup in scope names is not
    /// judged (its password is still masked in every report).
    ///
    /// ## Fix
    /// Where the literal is the attribute's own value, the fix replaces the attribute with
    /// `manage_master_password = true` (`manage_admin_password`, `ManageMasterPassword`,
    /// `ManageAdminPassword`): the provider rejects both together, so the password line goes.
    /// Amazon Redshift then generates the password and keeps it in Secrets Manager; on an
    /// existing cluster the change sets a new password, so update what connects with the
    /// old one. Where the literal is elsewhere (a variable's default, a tfvars file, a
    /// parameter's `Default`) there is no fix: removing the attribute would leave the
    /// password in the source. The diff of the fix shows the removed line masked, so it does
    /// not apply with `git apply`; `--fix` applies the fix itself. Plans get no fix.
    id: "RS407",
    name: "plaintext-admin-password",
    severity: High,
    summary: "the admin password is written in plain text",
    fix: Sometimes,
    opt_in: false,
}

pub(crate) fn check(model: &Model, config: &RuleConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    for warehouse in &model.warehouses {
        let value = &warehouse.posture.admin_password;
        // Known only: an unknown password is not a literal (see "Unknown values").
        let plain = match &value.value {
            Some(AdminPassword::Literal { .. } | AdminPassword::InPlan) => Truth::True,
            Some(AdminPassword::NotWritten) | None => Truth::False,
        };
        if !config.reports(plain) {
            continue;
        }
        let field = field_name(value, "its admin password");
        let subject = subject(warehouse);
        let finding = match &value.value {
            Some(AdminPassword::Literal { written, manage }) if *written == value.span => {
                RULE.finding(
                    &warehouse.meta,
                    *written,
                    format!("{subject} writes {field} as a literal in the source"),
                )
                .with_fix(manage.clone().map(|fix| fix.noted(MANAGED)))
            }
            Some(AdminPassword::Literal { written, manage }) => RULE
                .finding(
                    &warehouse.meta,
                    *written,
                    format!("{subject} reads {field} from this literal in the source"),
                )
                .with_related(format!("{field} of {subject}"), value.span)
                .with_fix(manage.clone().map(|fix| fix.noted(MANAGED))),
            _ => RULE.finding(
                &warehouse.meta,
                value.span,
                format!(
                    "the plan shows {field} of {subject} in clear (a plan file holds sensitive values)"
                ),
            ),
        };
        findings.push(finding.about_warehouse(warehouse));
    }
    findings
}

/// What the user must know before the fix: the password changes.
const MANAGED: &str = "Amazon Redshift then generates the password and keeps it in Secrets Manager; \
     an existing warehouse gets a new one, so update what connects with the old one";

/// What holds the password: the cluster, or the namespace of the workgroup.
fn subject(warehouse: &Warehouse) -> String {
    let address = &warehouse.meta.address;
    match warehouse.kind {
        WarehouseKind::Cluster => format!("cluster {address}"),
        WarehouseKind::Workgroup => format!("the namespace of workgroup {address}"),
    }
}
