//! Every value the provider or AWS fills in when the source leaves it out, in one place, each
//! citing its source. Front ends record "not set"; adapters ask here. Below them, the AWS facts
//! rules judge against (ports, zone counts, service principals, IAM limits): a rule says what
//! is wrong, the model says what AWS is.
//!
//! **Architecture Invariant:** no other module spells a default (5439, `true`, a family name)
//! or an AWS fact. A meta-test greps the rules for such literals.

use super::{PortRange, Truth, WarehouseKind};
use crate::ir::Family;
use semver::Version;

/// The Redshift port when `port`/`Port` is unset. Terraform `aws_redshift_cluster` schema
/// default and the CreateCluster API default; the same for Serverless workgroups.
pub const WAREHOUSE_PORT: u16 = 5439;

/// `aws_subnet.map_public_ip_on_launch` / `AWS::EC2::Subnet.MapPublicIpOnLaunch`: false
/// (only the default VPC's default subnets are true; both schemas default false).
pub const SUBNET_MAP_PUBLIC_IP_ON_LAUNCH: bool = false;

/// `aws_vpc.instance_tenancy` / `AWS::EC2::VPC.InstanceTenancy`: `default`.
pub const VPC_INSTANCE_TENANCY: &str = "default";

/// `enhanced_vpc_routing` / `EnhancedVpcRouting` when unset: false (Terraform schema and CFN
/// schema defaults; a plan shows it unknown only because the provider computes it).
pub const ENHANCED_VPC_ROUTING: bool = false;

/// `aws_vpc_endpoint.vpc_endpoint_type` / `VpcEndpointType`: `Gateway` (both schemas).
pub const VPC_ENDPOINT_TYPE: super::EndpointType = super::EndpointType::Gateway;

/// `aws_cloudtrail.enable_logging`: true (Terraform schema default). CFN `IsLogging` is required.
pub const TRAIL_LOGGING: bool = true;

/// A Serverless workgroup's `publicly_accessible`: false (CFN schema `default: false`;
/// Terraform sends it only when true).
pub const WORKGROUP_PUBLICLY_ACCESSIBLE: bool = false;

/// The parameter group a new cluster gets when none is named: since January 2025,
/// `default.redshift-2.0` (RULES.md RS109).
pub const DEFAULT_PARAMETER_GROUP: &str = "default.redshift-2.0";

/// The value of `require_ssl` in a parameter group family when the group does not set it:
/// false in `redshift-1.0`, true in `redshift-2.0` (AWS Redshift parameter group docs; RULES.md
/// RS109). Unknown families are unknown.
pub fn require_ssl_in_family(family: &str) -> Option<bool> {
    REQUIRE_SSL_BY_FAMILY
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(family))
        .map(|(_, on)| *on)
}

/// `require_ssl` by parameter group family (see [`require_ssl_in_family`]).
const REQUIRE_SSL_BY_FAMILY: [(&str, bool); 2] = [("redshift-1.0", false), ("redshift-2.0", true)];

/// The families in which `require_ssl` defaults to false.
pub fn families_without_ssl() -> impl Iterator<Item = &'static str> {
    REQUIRE_SSL_BY_FAMILY
        .iter()
        .filter(|(_, on)| !on)
        .map(|(f, _)| *f)
}

/// Does a security group resource without egress rules keep AWS's allow-all egress?
/// Terraform's `aws_security_group` revokes it on create; CloudFormation keeps it when
/// `SecurityGroupEgress` is absent (formats/aws-resources.md §2 "Security groups").
pub fn security_group_keeps_default_egress(family: Family) -> bool {
    family == Family::CloudFormation
}

/// `publicly_accessible` of a provisioned cluster that does not set it.
///
/// Terraform: the AWS provider sends `true` up to 5.x (schema `Default: true`) and `false` from
/// 6.0 (version-6 upgrade guide), so the answer depends on which versions the configuration's
/// `required_providers` constraints admit: True when some version below 6.0 is admitted (or
/// there is no constraint), False when only 6.0 and later are. CloudFormation: the API default,
/// false since January 2025.
pub fn cluster_publicly_accessible(family: Family, aws_constraints: &[String]) -> Truth {
    match family {
        Family::CloudFormation => Truth::False,
        Family::Terraform => admits_version_below(aws_constraints, &Version::new(6, 0, 0)),
    }
}

/// `encrypted` / `Encrypted` of a provisioned cluster that does not set it.
///
/// AWS encrypts new clusters by default since January 2025 ("Amazon Redshift database
/// encryption": "your database is encrypted by default"; CreateCluster `Encrypted`). Terraform:
/// the AWS provider's schema defaults `encrypted` to false up to 5.x (a 5.100 plan shows
/// `"encrypted": false` for a cluster that does not set it) and to true from 6.0 (provider
/// changelog: "The default value of `encrypted` is now `true` to match the AWS API"); a 5.x
/// configuration leaving it unset then wants an unencrypted cluster, and shows a permanent
/// diff against an encrypted one. So: False when some version below 6.0 is admitted (or there
/// is no constraint), True when only 6.0 and later are. CloudFormation: the API default, true.
pub fn cluster_encrypted(family: Family, aws_constraints: &[String]) -> Truth {
    match family {
        Family::CloudFormation => Truth::True,
        Family::Terraform => !admits_version_below(aws_constraints, &Version::new(6, 0, 0)),
    }
}

/// A Serverless namespace's data is always encrypted at rest (with an AWS-owned key unless a
/// customer-managed one is named): "Data encryption in Amazon Redshift Serverless".
pub const NAMESPACE_ENCRYPTED: bool = true;

/// `automated_snapshot_retention_period` / `AutomatedSnapshotRetentionPeriod` when unset: 1 day
/// (Terraform schema default, shown as `1` in a 5.100 plan; CreateCluster API and CloudFormation
/// default 1).
pub const SNAPSHOT_RETENTION_DAYS: i64 = 1;

/// The fewest days of automated snapshots a cluster should keep unless configured otherwise:
/// Security Hub Redshift.3's `MinRetentionPeriod` parameter default, 7.
pub const MIN_SNAPSHOT_RETENTION_DAYS: i64 = 7;

/// `allow_version_upgrade` / `AllowVersionUpgrade` when unset: true (Terraform schema default,
/// shown as `true` in a 5.100 plan; CreateCluster API default true).
pub const ALLOW_VERSION_UPGRADE: bool = true;

/// The database a cluster or namespace creates when none is named: `dev` (CreateCluster
/// `DBName`: "Default: dev"; CreateNamespace `dbName`; Terraform `database_name` and `db_name`
/// are computed from it).
pub const DEFAULT_DATABASE_NAME: &str = "dev";

/// The admin user names AWS proposes, which Security Hub flags: `awsuser` for a provisioned
/// cluster (Redshift.8) and `admin` for a Serverless namespace (RedshiftServerless.5).
pub fn default_admin_username(kind: WarehouseKind) -> &'static str {
    match kind {
        WarehouseKind::Cluster => "awsuser",
        WarehouseKind::Workgroup => "admin",
    }
}

/// The `kms_key_id` / `KmsKeyId` value the Redshift Serverless API reports for a namespace
/// encrypted with an AWS-owned key: no customer-managed key.
pub const AWS_OWNED_KMS_KEY: &str = "AWS_OWNED_KMS_KEY";

/// The logs a Serverless namespace must export for Security Hub RedshiftServerless.6 (user
/// and connection logs).
pub const REQUIRED_SERVERLESS_LOG_EXPORTS: [&str; 2] = ["userlog", "connectionlog"];

// ---- AWS facts rules judge against ----

/// How many subnets, in how many Availability Zones, a warehouse needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneNeed {
    pub subnets: usize,
    pub zones: usize,
}

/// A provisioned cluster's subnet group: at least two subnets in two zones (seed 000: "a VPC
/// with at least two private subnets"; RULES.md RS102).
const CLUSTER_ZONES: ZoneNeed = ZoneNeed {
    subnets: 2,
    zones: 2,
};

/// A Serverless workgroup: three subnets in three zones (Redshift Serverless considerations;
/// RULES.md RS102) …
const WORKGROUP_ZONES: ZoneNeed = ZoneNeed {
    subnets: 3,
    zones: 3,
};

/// … except in regions with fewer zones for Serverless: there, this many.
pub const WORKGROUP_FEWER_ZONES: &[(&str, usize)] = &[("us-west-1", 2)];

/// What a warehouse of `kind` in `region` needs. An unknown region (None) may be any: the
/// answer is what every region needs at least (the fewest zones).
pub fn zone_need(kind: WarehouseKind, region: Option<&str>) -> ZoneNeed {
    match kind {
        WarehouseKind::Cluster => CLUSTER_ZONES,
        WarehouseKind::Workgroup => {
            let fewer = WORKGROUP_FEWER_ZONES.iter().map(|(r, z)| (Some(*r), *z));
            let zones = match region {
                Some(region) => fewer
                    .filter(|(r, _)| *r == Some(region))
                    .map(|(_, z)| z)
                    .min(),
                None => fewer.map(|(_, z)| z).min(),
            };
            ZoneNeed {
                zones: zones.unwrap_or(WORKGROUP_ZONES.zones),
                ..WORKGROUP_ZONES
            }
        }
    }
}

/// What most regions need of a warehouse of `kind`, and the regions that need fewer zones, for
/// messages about a warehouse whose region is unknown.
pub fn zone_need_by_region(kind: WarehouseKind) -> (ZoneNeed, &'static [(&'static str, usize)]) {
    match kind {
        WarehouseKind::Cluster => (CLUSTER_ZONES, &[]),
        WarehouseKind::Workgroup => (WORKGROUP_ZONES, WORKGROUP_FEWER_ZONES),
    }
}

/// The port AWS service endpoints (S3, Glue, STS …) answer on: HTTPS.
pub const HTTPS_PORT: u16 = 443;

/// The ports replies come back to through a stateless network ACL: the ephemeral range a NACL
/// must admit for traffic the warehouse starts (VPC network ACL docs, "Ephemeral ports";
/// RULES.md RS108).
pub const EPHEMERAL_PORTS: PortRange = PortRange {
    from: 1024,
    to: 65535,
};

/// The service principal of provisioned Redshift, and of Redshift Serverless (which also
/// accepts the first), for role trust policies (RULES.md RS202).
pub const REDSHIFT_SERVICE_PRINCIPAL: &str = "redshift.amazonaws.com";
pub const REDSHIFT_SERVERLESS_SERVICE_PRINCIPAL: &str = "redshift-serverless.amazonaws.com";

/// The action a trust policy grants to let a principal assume a role.
pub const ASSUME_ROLE_ACTION: &str = "sts:AssumeRole";

/// The `s3:authType` of presigned URLs, which Spectrum reads with (RULES.md RS203).
pub const PRESIGNED_URL_AUTH_TYPE: &str = "REST-QUERY-STRING";

/// How old (in milliseconds, `s3:signatureAge`) the presigned URLs Spectrum reads with may be:
/// a policy denying younger signatures breaks Spectrum (seed 002; RULES.md RS203).
pub const SPECTRUM_SIGNATURE_AGE_MS: u32 = 3_600_000;

/// The `ip_address_type` / `IpAddressType` of a warehouse that uses IPv6 as well as IPv4.
pub const DUAL_STACK_ADDRESS_TYPE: &str = "dualstack";

/// The instance tenancy that runs a VPC's instances on single-tenant hardware.
pub const DEDICATED_TENANCY: &str = "dedicated";

/// The Redshift parameter that makes clients use SSL (a parameter name, the same in every
/// source family).
pub const REQUIRE_SSL_PARAMETER: &str = "require_ssl";

/// The prefix of AWS's built-in parameter groups (`default.redshift-1.0`): the rest is the
/// family.
pub const BUILTIN_PARAMETER_GROUP_PREFIX: &str = "default.";

/// Whether the conjunction of Terraform version constraints admits some version below
/// `limit`. An unparsable constraint makes the answer unknown.
pub fn admits_version_below(constraints: &[String], limit: &Version) -> Truth {
    let mut lower = Version::new(0, 0, 0);
    let mut upper: Option<(Version, bool)> = None; // (bound, inclusive)
    for constraint in constraints {
        for part in constraint.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (op, ver) = split_operator(part);
            let Some((version, parts)) = parse_version(ver) else {
                return Truth::Unknown;
            };
            let mut raise = |v: Version| {
                if v > lower {
                    lower = v;
                }
            };
            let mut cap = |v: Version, inclusive: bool| match &upper {
                Some((u, _)) if *u <= v => {}
                _ => upper = Some((v, inclusive)),
            };
            match op {
                "" | "=" => {
                    raise(version.clone());
                    cap(version, true);
                }
                ">=" => raise(version),
                ">" => raise(Version::new(
                    version.major,
                    version.minor,
                    version.patch + 1,
                )),
                "<=" => cap(version, true),
                "<" => cap(version, false),
                "~>" => {
                    let next = if parts >= 3 {
                        Version::new(version.major, version.minor + 1, 0)
                    } else {
                        Version::new(version.major + 1, 0, 0)
                    };
                    raise(version);
                    cap(next, false);
                }
                "!=" => {}
                _ => return Truth::Unknown,
            }
        }
    }
    if let Some((u, inclusive)) = &upper {
        let empty = if *inclusive { lower > *u } else { lower >= *u };
        if empty {
            // No version satisfies the constraints; nothing can be said.
            return Truth::Unknown;
        }
    }
    Truth::from_known(lower < *limit)
}

fn split_operator(part: &str) -> (&str, &str) {
    for op in ["~>", ">=", "<=", "!=", ">", "<", "="] {
        if let Some(rest) = part.strip_prefix(op) {
            return (op, rest.trim());
        }
    }
    ("", part)
}

/// Parses `5`, `5.1` or `5.1.2` (pre-release suffixes ignored); returns the version and how
/// many components were written.
fn parse_version(text: &str) -> Option<(Version, usize)> {
    let core = text.split(['-', '+']).next()?;
    let nums: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u64>>>()?;
    let get = |i: usize| nums.get(i).copied().unwrap_or(0);
    if nums.is_empty() || nums.len() > 3 {
        return None;
    }
    Some((Version::new(get(0), get(1), get(2)), nums.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn below6(c: &[&str]) -> Truth {
        let c: Vec<String> = c.iter().map(|s| s.to_string()).collect();
        admits_version_below(&c, &Version::new(6, 0, 0))
    }

    #[test]
    fn workgroups_need_three_zones_except_where_serverless_has_two() {
        let need = |region| zone_need(WarehouseKind::Workgroup, region).zones;
        assert_eq!(need(Some("eu-west-1")), 3);
        assert_eq!(need(Some("us-west-1")), 2);
        assert_eq!(need(None), 2, "an unknown region may be us-west-1");
        assert_eq!(zone_need(WarehouseKind::Workgroup, None).subnets, 3);
        assert_eq!(zone_need(WarehouseKind::Cluster, None), CLUSTER_ZONES);
    }

    #[test]
    fn terraform_constraints_decide_the_provider_major() {
        assert_eq!(below6(&[]), Truth::True);
        assert_eq!(below6(&["~> 5.0"]), Truth::True);
        assert_eq!(below6(&[">= 6.0"]), Truth::False);
        assert_eq!(below6(&["~> 6.2"]), Truth::False);
        assert_eq!(below6(&[">= 5.0, < 7.0"]), Truth::True);
        assert_eq!(below6(&[">= 4.0", ">= 6.1.0"]), Truth::False);
        assert_eq!(below6(&["~> 5.100.0"]), Truth::True);
        assert_eq!(below6(&["6.0.0"]), Truth::False);
        assert_eq!(below6(&["banana"]), Truth::Unknown);
    }
}
