//! Every value the provider or AWS fills in when the source leaves it out, in one place, each
//! citing its source. Front ends record "not set"; adapters ask here.
//!
//! **Architecture Invariant:** no other module spells a default (5439, `true`, a family name).
//! A meta-test greps the rules for such literals.

use super::Truth;
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
    match family.to_ascii_lowercase().as_str() {
        "redshift-1.0" => Some(false),
        "redshift-2.0" => Some(true),
        _ => None,
    }
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
