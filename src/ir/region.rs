//! Region names as the front ends and the model share them.
//!
//! A unit's region may be unknown (CloudFormation without `--region`, a provider region from a
//! variable without a value), but it is still one real region, the same for every resource of
//! the unit. Strings a front end builds from that region (`!Sub
//! "com.amazonaws.${AWS::Region}.s3"`) hold [`STACK_REGION`] in its place, so that the model
//! can tell "this stack's region" from a region that is merely unknown.

/// Stands for the unit's own region, unknown here, inside strings built from it. Not a region
/// name, and not allowed in the names it appears in (buckets, endpoint services), so it cannot
/// collide with a written value.
pub const STACK_REGION: &str = "<region>";

/// The region of a unit's resources, decided once per unit: written in the source (a provider
/// block, a plan's provider configuration; for a template, the region it is deployed in), else
/// given (`--region`, the configuration file), else unknown. Never a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitRegion {
    Written(String, super::Span),
    Given(String),
    Unknown,
}

impl UnitRegion {
    /// The region of a unit with these settings, when `given` is the region given for it.
    pub fn decide(settings: &super::Settings, given: Option<&str>) -> UnitRegion {
        let written = settings
            .provider_region
            .as_ref()
            .and_then(|n| Some((n.as_str().filter(|r| !r.is_empty())?, n.span)));
        match (written, given) {
            (Some((name, span)), _) => UnitRegion::Written(name.to_string(), span),
            (None, Some(name)) => UnitRegion::Given(name.to_string()),
            (None, None) => UnitRegion::Unknown,
        }
    }
}

/// Could `name` be an AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`,
/// `cn-north-1`, `us-isob-east-1`? A string of another shape is known not to be one.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let lower_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    (3..=4).contains(&parts.len())
        && first.len() == 2
        && lower_word(first)
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts
            .get(1..parts.len() - 1)
            .is_some_and(|middle| middle.iter().all(|w| lower_word(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_have_the_aws_shape() {
        for name in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
        ] {
            assert!(is_region_name(name), "{name}");
        }
        for name in [
            "",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "global",
            "none",
            STACK_REGION,
            "us--1",
        ] {
            assert!(!is_region_name(name), "{name}");
        }
    }
}
