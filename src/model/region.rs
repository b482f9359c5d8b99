//! Questions that depend on the region a warehouse is deployed in, which may be unknown.

use super::Truth;
use crate::ir::region::{STACK_REGION, is_region_name};

/// Does the VPC endpoint service name `service` name the service `suffix` (`s3`, `glue`) of the
/// warehouse's region (`None`: unknown)? A service built from the stack's own region
/// ([`STACK_REGION`]) is in the warehouse's region; one written for a named region is when that
/// is the warehouse's, and unknown when the warehouse's region is.
/// Names are compared without regard to ASCII case, and without a lower-cased copy: every
/// warehouse asks this of every endpoint in its VPC.
pub fn names_service(service: &str, region: Option<&str>, suffix: &str) -> Truth {
    let Some(rest) = strip_prefix_ignoring_case(service, "com.amazonaws.")
        .or_else(|| strip_prefix_ignoring_case(service, "cn.com.amazonaws."))
    else {
        return Truth::False;
    };
    let Some((named, what)) = rest.split_once('.') else {
        return Truth::False;
    };
    if !what.eq_ignore_ascii_case(suffix) {
        return Truth::False;
    }
    if named.eq_ignore_ascii_case(STACK_REGION) {
        return Truth::True;
    }
    match region {
        Some(region) => Truth::from_known(named.eq_ignore_ascii_case(region)),
        None if is_region_name(&named.to_ascii_lowercase()) => Truth::Unknown,
        None => Truth::False,
    }
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_services_are_judged_against_a_region_that_may_be_unknown() {
        let s3 = "com.amazonaws.eu-west-1.s3";
        assert_eq!(names_service(s3, Some("eu-west-1"), "s3"), Truth::True);
        assert_eq!(names_service(s3, Some("us-east-1"), "s3"), Truth::False);
        assert_eq!(names_service(s3, None, "s3"), Truth::Unknown);
        assert_eq!(names_service(s3, None, "glue"), Truth::False);
        let own = format!("com.amazonaws.{STACK_REGION}.s3");
        assert_eq!(names_service(&own, None, "s3"), Truth::True);
        assert_eq!(names_service(&own, Some("us-east-1"), "s3"), Truth::True);
        assert_eq!(
            names_service("com.amazonaws.nowhere.s3", None, "s3"),
            Truth::False
        );
        assert_eq!(
            names_service("cn.com.amazonaws.cn-north-1.s3", Some("cn-north-1"), "s3"),
            Truth::True
        );
        assert_eq!(names_service("s3", None, "s3"), Truth::False);
        // Service names are read without regard to case.
        let upper = "COM.AMAZONAWS.EU-WEST-1.S3";
        assert_eq!(names_service(upper, Some("eu-west-1"), "s3"), Truth::True);
        assert_eq!(names_service(upper, None, "s3"), Truth::Unknown);
        assert_eq!(names_service(upper, None, "glue"), Truth::False);
        assert_eq!(
            names_service("Cn.Com.AmazonAws.cn-north-1.S3", Some("cn-north-1"), "s3"),
            Truth::True
        );
        // A prefix cut inside a multi-byte character is no prefix.
        assert_eq!(names_service("com.amazonaé", None, "s3"), Truth::False);
    }
}
